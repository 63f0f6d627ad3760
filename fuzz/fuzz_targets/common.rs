//! Verifiers for every preset of `providers::ALL`, and for the variants that reach other
//! parsers (URL-signed presets rebuilding the URL from the request, Asana's handshake),
//! with the header names the presets read, so the fuzzer reaches the parsers quickly.

use std::time::{Duration, SystemTime};

use http::HeaderName;
use tower_webhook::providers::{PresetOptions, ALL};
use tower_webhook::scheme::{AsanaHookSecret, CredentialScheme, RegistrationHandshake};
use tower_webhook::{providers, Scheme, Signer, Verifier};

pub const NOW: u64 = 1_700_000_000;
const PUBLIC: &str = "https://hooks.example.com";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
}

fn build<S: Scheme>(scheme: S, secret: &str) -> Verifier {
    Verifier::builder(scheme)
        .secret(secret)
        .clock(now)
        .build()
        .expect("valid fuzz secret")
}

pub fn verifiers() -> Vec<Verifier> {
    // Meta's verify token, so that its `hub.challenge` handshake is fuzzed too.
    let configured = PresetOptions::new()
        .public_url(PUBLIC)
        .verify_token("token");
    // The request's own URL and Host, trusted explicitly, so their parsing is fuzzed.
    let from_request = PresetOptions::new().dangerously_trust_host_header();
    let mut verifiers = Vec::new();
    for preset in ALL {
        let (_, key) = preset.example_keys();
        verifiers.push(build(preset.scheme_with(&configured), key));
        if preset.signs_url() {
            verifiers.push(build(preset.scheme_with(&from_request), key));
        }
    }
    // Asana's unsigned handshake, accepting some secrets and refusing others.
    verifiers.push(build(
        providers::asana().handshake(RegistrationHandshake::AsanaHookSecret(
            AsanaHookSecret::new(|secret| secret.expose().first().is_some_and(|b| b % 2 == 0)),
        )),
        "fuzz",
    ));
    // An API key in a query parameter (no preset sends one), so the query is parsed too.
    verifiers.push(build(
        CredentialScheme::api_key_query("api_key_query", "key"),
        "fuzz",
    ));
    verifiers
}

/// Header names the presets read: every header a preset's signer sets, and those that
/// arrive beside a signature (a second key's, a message type, a handshake's) or are read
/// from the request itself.
pub fn headers() -> Vec<HeaderName> {
    let mut names: Vec<HeaderName> = [
        "content-type",
        "host",
        "box-signature-secondary",
        "x-docusign-signature-2",
        "x-hookdeck-signature-2",
        "twitch-eventsub-message-type",
        "x-hook-secret",
        "x-github-delivery",
    ]
    .into_iter()
    .map(HeaderName::from_static)
    .collect();
    let options = PresetOptions::new().public_url(PUBLIC);
    for preset in ALL.iter().filter(|preset| preset.can_sign()) {
        let (key, _) = preset.example_keys();
        let request = http::Request::post(format!("{PUBLIC}/hook"))
            .body(bytes::Bytes::from_static(b"{}"))
            .expect("request");
        let signed = Signer::new(preset.scheme_with(&options), key).unwrap()
            .sign_with(request, "msg_1", now())
            .expect("every signing preset signs with its example key");
        for name in signed.headers().keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}
