//! Properties over arbitrary inputs, for every shape of preset: sign-then-verify holds;
//! changing any single byte of the body, of a signed header or of the timestamp is
//! rejected; verification never panics on arbitrary headers and bodies.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use proptest::prelude::*;
use tower_webhook::{providers, Scheme, Signer, Verifier};

const ED25519_SEED: &str = "769b93a3be05897f21ff10564f054b6c3055d916534b44a3450a13367e375cad";
const ED25519_PUBLIC: &str = "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c";

/// A preset, a signing secret for it, the matching verification secret, and the headers
/// its signature covers.
fn with_preset<R>(
    index: usize,
    secret: &str,
    f: impl FnOnce(
        &dyn Fn(http::Request<Bytes>, &str, SystemTime) -> Option<http::Request<Bytes>>,
        &dyn Fn(SystemTime) -> Verifier,
        &[&str],
    ) -> R,
) -> R {
    fn run<S: Scheme + Clone, R>(
        scheme: S,
        sign_secret: String,
        verify_secret: String,
        signed: &[&str],
        f: impl FnOnce(
            &dyn Fn(http::Request<Bytes>, &str, SystemTime) -> Option<http::Request<Bytes>>,
            &dyn Fn(SystemTime) -> Verifier,
            &[&str],
        ) -> R,
    ) -> R {
        let signer = Signer::new(scheme.clone(), sign_secret).unwrap();
        let sign = move |request: http::Request<Bytes>, id: &str, at: SystemTime| {
            signer.sign_with(request, id, at).ok()
        };
        let verifier = move |now: SystemTime| {
            Verifier::builder(scheme.clone())
                .secret(tower_webhook::Secret::verbatim(verify_secret.as_str()))
                .clock(move || now)
                .build()
                .expect("verifier")
        };
        f(&sign, &verifier, signed)
    }
    let s = secret.to_owned();
    match index % 10 {
        0 => run(
            providers::stripe(),
            format!("whsec_{s}"),
            format!("whsec_{s}"),
            &[],
            f,
        ),
        1 => run(providers::github(), s.clone(), s, &[], f),
        2 => run(
            providers::slack(),
            s.clone(),
            s,
            &["x-slack-request-timestamp"],
            f,
        ),
        3 => run(providers::shopify(), s.clone(), s, &[], f),
        // Trusting the request's own URL keeps that path under arbitrary input.
        4 => run(
            providers::twilio().dangerously_trust_host_header(),
            s.clone(),
            s,
            &[],
            f,
        ),
        5 => run(
            providers::twitch(),
            s.clone(),
            s,
            &[
                "twitch-eventsub-message-id",
                "twitch-eventsub-message-timestamp",
            ],
            f,
        ),
        6 => run(
            providers::hubspot().public_url("https://hooks.example.com"),
            s.clone(),
            s,
            &["x-hubspot-request-timestamp"],
            f,
        ),
        7 => run(providers::pagerduty(), s.clone(), s, &[], f),
        8 => run(
            providers::zendesk(),
            s.clone(),
            s,
            &["x-zendesk-webhook-signature-timestamp"],
            f,
        ),
        _ => run(
            providers::discord(),
            ED25519_SEED.to_owned(),
            ED25519_PUBLIC.to_owned(),
            &["x-signature-timestamp"],
            f,
        ),
    }
}

fn request(body: &[u8]) -> http::Request<Bytes> {
    http::Request::post("https://hooks.example.com/hook?x=1")
        .header("content-type", "application/json")
        .body(Bytes::copy_from_slice(body))
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify_and_single_byte_changes_are_rejected(
        preset in 0usize..10,
        secret in "[ -~]{1,40}",
        id in "[A-Za-z0-9_-]{1,40}",
        seconds in 1_000_000_000u64..4_000_000_000,
        body in proptest::collection::vec(any::<u8>(), 1..512),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(seconds);
        with_preset(preset, &secret, |sign, verifier, signed_headers| {
            let signed = sign(request(&body), &id, at).expect("signs");
            let verifier = verifier(at);
            prop_assert!(verifier.verify(&signed).is_ok(), "signed request rejected");

            let mut tampered = signed.clone();
            let mut bytes = body.clone();
            let i = flip.index(bytes.len());
            bytes[i] ^= 1 << bit;
            *tampered.body_mut() = Bytes::from(bytes);
            prop_assert!(verifier.verify(&tampered).is_err(), "tampered body accepted");

            for name in signed_headers {
                let mut tampered = signed.clone();
                let value = tampered.headers()[*name].as_bytes().to_vec();
                let mut changed = value.clone();
                let i = flip.index(changed.len());
                // Keep it a visible ASCII header value, but different.
                changed[i] = if changed[i] == b'1' { b'2' } else { b'1' };
                if changed == value {
                    continue;
                }
                tampered.headers_mut().insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), http::HeaderValue::from_bytes(&changed).unwrap());
                prop_assert!(verifier.verify(&tampered).is_err(), "tampered {} accepted", name);
            }
            Ok(())
        })?;
    }

    #[test]
    fn verification_never_panics_on_arbitrary_input(
        preset in 0usize..10,
        values in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..96), 0..8),
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        const NAMES: &[&str] = &["stripe-signature", "x-hub-signature-256", "x-slack-signature",
            "x-slack-request-timestamp", "x-shopify-hmac-sha256", "x-twilio-signature",
            "twitch-eventsub-message-signature", "twitch-eventsub-message-id",
            "twitch-eventsub-message-timestamp", "x-hubspot-signature-v3",
            "x-hubspot-request-timestamp", "x-pagerduty-signature", "x-zendesk-webhook-signature",
            "x-zendesk-webhook-signature-timestamp", "x-signature-ed25519", "x-signature-timestamp",
            "content-type"];
        with_preset(preset, "secret", |_, verifier, _| {
            let verifier = verifier(SystemTime::now());
            let mut request = request(&body);
            for (i, value) in values.iter().enumerate() {
                if let Ok(value) = http::HeaderValue::from_bytes(value) {
                    request.headers_mut().append(NAMES[(i * 7 + preset) % NAMES.len()], value);
                }
            }
            let _ = verifier.handshake(&request);
            prop_assert!(verifier.verify(&request).is_err());
            Ok(())
        })?;
    }
}
