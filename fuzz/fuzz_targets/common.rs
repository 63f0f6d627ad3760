//! Verifiers for a cross-section of presets covering every parser: signature lists and
//! prefixes, hex/base64, timestamps in headers, in the signature header, in the body and in
//! RFC 3339, JSON id and type fields, form bodies, URLs, tokens, Ed25519 and ECDSA keys.

use std::time::{Duration, SystemTime};

use tower_webhook::scheme::{AsanaHookSecret, RegistrationHandshake};
use tower_webhook::{providers, Scheme, Verifier};

pub const NOW: u64 = 1_700_000_000;

fn build<S: Scheme>(scheme: S, secret: &str) -> Verifier {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(NOW);
    Verifier::builder(scheme)
        .secret(secret)
        .clock(move || now)
        .build()
        .expect("valid fuzz secret")
}

pub fn verifiers() -> Vec<Verifier> {
    vec![
        build(providers::standard_webhooks(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        build(providers::svix(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        build(providers::stripe(), "whsec_fuzz"),
        build(providers::github(), "fuzz"),
        build(providers::slack(), "fuzz"),
        build(providers::shopify(), "fuzz"),
        // The request's own URL and Host, trusted explicitly, so their parsing is fuzzed.
        build(providers::twilio().dangerously_trust_host_header(), "fuzz"),
        build(providers::paddle(), "fuzz"),
        build(providers::box_com(), "fuzz"),
        build(providers::mailgun(), "fuzz"),
        build(
            providers::discord(),
            "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c",
        ),
        build(
            providers::sendgrid(),
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE26MT2N76wcb0jC0tFG+vNDrc56ia5mFrAGO7I35ir3SWrLgBaBUtusOvmT/M/uG+V688/4vr7HcTHomZW9cvnw==",
        ),
        build(providers::gitlab(), "fuzz"),
        build(providers::linear(), "fuzz"),
        build(
            providers::hubspot()
                .public_url("https://hooks.example.com"),
            "fuzz",
        ),
        build(providers::twitch(), "fuzz"),
        build(providers::zendesk(), "fuzz"),
        build(providers::workos(), "fuzz"),
        build(providers::zoom(), "fuzz"),
        build(providers::meta("token"), "fuzz"),
        build(providers::dropbox(), "fuzz"),
        // Asana's unsigned handshake, accepting some secrets and refusing others.
        build(
            providers::asana().handshake(RegistrationHandshake::AsanaHookSecret(
                AsanaHookSecret::new(|secret| secret.expose().first().is_some_and(|b| b % 2 == 0)),
            )),
            "fuzz",
        ),
        build(providers::squarespace(), "0f1e2d3c4b5a6978"),
        build(providers::docusign(), "fuzz"),
        build(providers::recurly(), "fuzz"),
    ]
}

/// Header names the presets read, so the fuzzer reaches the parsers quickly.
pub const HEADERS: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "stripe-signature",
    "x-hub-signature-256",
    "x-github-delivery",
    "x-slack-signature",
    "x-slack-request-timestamp",
    "x-shopify-hmac-sha256",
    "x-twilio-signature",
    "content-type",
    "host",
    "paddle-signature",
    "box-signature-primary",
    "box-signature-secondary",
    "box-signature-version",
    "box-signature-algorithm",
    "box-delivery-timestamp",
    "x-signature-ed25519",
    "x-signature-timestamp",
    "x-twilio-email-event-webhook-signature",
    "x-twilio-email-event-webhook-timestamp",
    "x-gitlab-token",
    "linear-signature",
    "x-hubspot-signature-v3",
    "x-hubspot-request-timestamp",
    "twitch-eventsub-message-signature",
    "twitch-eventsub-message-id",
    "twitch-eventsub-message-timestamp",
    "twitch-eventsub-message-type",
    "x-zendesk-webhook-signature",
    "x-zendesk-webhook-signature-timestamp",
    "workos-signature",
    "x-zm-signature",
    "x-zm-request-timestamp",
    "i-twilio-idempotency-token",
    "x-hook-secret",
    "x-hook-signature",
    "squarespace-signature",
    "x-docusign-signature-1",
    "x-docusign-signature-2",
    "recurly-signature",
];
