//! Proof for EasyPost, Lithic, Airwallex and Auth0 log streams: EasyPost's published
//! vector, independently computed vectors for Lithic and Airwallex
//! (`python3 scripts/presets_b_vectors.py` prints them), and Auth0's shared token. The
//! catalogue in tests/it/presets.rs signs, tampers and rotates each signing preset too.

use crate::common::verifier_at;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, RejectionKind, Verifier};

const BODY: &str =
    r#"{"id":"evt_1","name":"payment_intent.succeeded","event_type":"card.created"}"#;

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

fn post(headers: &[(&str, &str)], body: impl Into<Bytes>) -> http::Request<Bytes> {
    let mut builder = http::Request::post("https://hooks.example.com/hook");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).expect("request")
}

/// EasyPost's own fixture (`EasyPost/examples`, `official/fixtures/`): the secret
/// `sécret`, `client-library-fixtures.json`'s `hmac_signature`, and `event-body.json` as
/// easypost-python's tests send it (`json.dumps(…, separators=(",", ":"))`, which
/// `tests/fixtures/easypost_event_body.json` holds byte for byte).
#[test]
fn easypost_published_vector() {
    let body = include_bytes!("../fixtures/easypost_event_body.json");
    let signature =
        "hmac-sha256-hex=38f3f53c103713df81616a0a186d77141957323ec21d5fe9363db93840f527db";
    let request = post(&[("x-hmac-signature", signature)], &body[..]);
    // EasyPost's SDKs key with the NFKD form of the secret: `e` then U+0301.
    let nfkd = Verifier::new(providers::easypost(), "se\u{301}cret").unwrap();
    let delivery = nfkd.verify(&request).expect("EasyPost's vector verifies");
    assert_eq!(delivery.id(), "evt_1");
    assert_eq!(delivery.event_type(), Some("tracker.updated"));
    // The precomposed form is another key: documented, not normalised by this crate.
    let composed = Verifier::new(providers::easypost(), "s\u{e9}cret").unwrap();
    assert_eq!(
        composed.verify(&request).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
    // The prefix is part of the format: a bare hex signature is not accepted.
    let bare = post(&[("x-hmac-signature", &signature[16..])], &body[..]);
    assert!(nfkd.verify(&bare).is_err());
}

#[test]
fn lithic_independent_vector() {
    let verifier = verifier_at(
        providers::lithic(),
        &["whsec_zlFsbBZ8Xcodlpcu6NDTdSzZRLSdhkst"],
        at(1_700_000_000),
    );
    let headers = [
        ("webhook-id", "msg_2Lh9KRb0pzN4LePd3XiA4v12Axj"),
        ("webhook-timestamp", "1700000000"),
        (
            "webhook-signature",
            "v1,l9pkkBYynTrDtogriDz2TfQ5h34J5B8uc2V2296QIMg=",
        ),
    ];
    let delivery = verifier
        .verify(&post(&headers, BODY))
        .expect("vector verifies");
    assert_eq!(delivery.id(), "msg_2Lh9KRb0pzN4LePd3XiA4v12Axj");
    assert!(delivery.id_is_signed());
    assert_eq!(delivery.event_type(), Some("card.created"));
    assert_eq!(delivery.provider(), "lithic");
    // The id is signed: another id breaks the signature.
    let mut moved = headers;
    moved[0].1 = "msg_other";
    assert_eq!(
        verifier.verify(&post(&moved, BODY)).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}

#[test]
fn airwallex_independent_vector() {
    let headers = [
        ("x-timestamp", "1700000000000"),
        (
            "x-signature",
            "b5d1819a6ad5b6a7dd3113a44abef2bc3d24c6cc82fccf804cc5357678a252f1",
        ),
    ];
    let verifier = verifier_at(
        providers::airwallex(),
        &["airwallex-endpoint-secret"],
        at(1_700_000_000),
    );
    let delivery = verifier
        .verify(&post(&headers, BODY))
        .expect("vector verifies");
    assert_eq!(delivery.id(), "evt_1");
    assert_eq!(delivery.event_type(), Some("payment_intent.succeeded"));
    assert_eq!(delivery.timestamp(), Some(at(1_700_000_000)));
    // The timestamp is in milliseconds and signed: one millisecond later fails.
    let mut moved = headers;
    moved[0].1 = "1700000000001";
    assert_eq!(
        verifier.verify(&post(&moved, BODY)).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
    // Ten minutes later the same request is stale.
    let later = verifier_at(
        providers::airwallex(),
        &["airwallex-endpoint-secret"],
        at(1_700_000_600),
    );
    assert_eq!(
        later.verify(&post(&headers, BODY)).unwrap_err().kind(),
        RejectionKind::TimestampExpired
    );
}

/// Auth0 sends the configured Authorization Token as the `Authorization` header, as it
/// is: the whole value is the secret, compared in constant time.
#[test]
fn auth0_log_streams_token() {
    let verifier =
        Verifier::new(providers::auth0_log_streams(), "Bearer log-stream-token").unwrap();
    let batch = r#"[{"log_id":"9005","data":{"type":"s"}}]"#;
    let delivery = verifier
        .verify(&post(
            &[("authorization", "Bearer log-stream-token")],
            batch,
        ))
        .expect("the configured token passes");
    assert_eq!(delivery.provider(), "auth0-log-streams");
    for wrong in ["Bearer log-stream-tokeN", "log-stream-token", "Bearer"] {
        assert_eq!(
            verifier
                .verify(&post(&[("authorization", wrong)], batch))
                .unwrap_err()
                .kind(),
            RejectionKind::SignatureMismatch,
            "{wrong}"
        );
    }
    assert_eq!(
        verifier.verify(&post(&[], batch)).unwrap_err().kind(),
        RejectionKind::MissingHeader
    );
}

#[test]
fn incident_io_independent_vector() {
    let verifier = verifier_at(
        providers::incident_io(),
        &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        at(1_700_000_000),
    );
    let headers = [
        ("webhook-id", "msg_incident_1"),
        ("webhook-timestamp", "1700000000"),
        (
            "webhook-signature",
            "v1,KyMnRO7MnB/8gyKw09uIt5e83Ao8XoBuBmhN+eY9jUQ=",
        ),
    ];
    let delivery = verifier
        .verify(&post(&headers, BODY))
        .expect("vector verifies");
    assert_eq!(delivery.id(), "msg_incident_1");
    assert_eq!(delivery.provider(), "incident-io");
    assert_eq!(delivery.event_type(), Some("card.created"));
    // Svix's branded headers are not what incident.io sends: without `webhook-*`, refused.
    let branded = [
        ("svix-id", "msg_incident_1"),
        ("svix-timestamp", "1700000000"),
        (
            "svix-signature",
            "v1,KyMnRO7MnB/8gyKw09uIt5e83Ao8XoBuBmhN+eY9jUQ=",
        ),
    ];
    assert_eq!(
        verifier.verify(&post(&branded, BODY)).unwrap_err().kind(),
        RejectionKind::MissingHeader
    );
}

/// Stytch signs through Svix; its type is three signed body fields, so the delivery has
/// no single event type.
#[test]
fn stytch_independent_vector() {
    let body = r#"{"project_id":"project-test-1","event_id":"event-test-1","action":"CREATE","object_type":"organization","source":"DIRECT","id":"organization-test-1"}"#;
    let verifier = verifier_at(
        providers::stytch(),
        &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        at(1_700_000_000),
    );
    let signature = "v1,7X7U1kYa4FdVCqV63IvmcO9dzds9ashtnpp4AERNTPg=";
    for prefix in ["svix", "webhook"] {
        let headers = [
            (format!("{prefix}-id"), "msg_stytch_1"),
            (format!("{prefix}-timestamp"), "1700000000"),
            (format!("{prefix}-signature"), signature),
        ];
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let delivery = verifier.verify(&post(&pairs, body)).expect(prefix);
        assert_eq!(delivery.id(), "msg_stytch_1");
        assert_eq!(delivery.provider(), "stytch");
        assert_eq!(delivery.event_type(), None);
    }
}

/// Supabase joins one signature per hook secret with `, `: each secret verifies alone,
/// whichever position its signature has; the dashboard's `v1,whsec_…` form is the secret.
#[test]
fn supabase_auth_hooks_independent_vector() {
    let body = r#"{"user":{"id":"u_1"},"email_data":{"email_action_type":"signup"}}"#;
    let header = "v1,Evi3IgauDTOSZla5JdyJy10cxcff01AUSoauVEnmt6M=, v1,doGnq4ZtlxT7zSR6akvHcOAAo/IMxsecHRc9C9FXucs=";
    let headers = [
        ("webhook-id", "msg_supabase_1"),
        ("webhook-timestamp", "1700000000"),
        ("webhook-signature", header),
    ];
    for secret in [
        "v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    ] {
        let verifier = verifier_at(
            providers::supabase_auth_hooks(),
            &[secret],
            at(1_700_000_000),
        );
        let delivery = verifier
            .verify(&post(&headers, body))
            .unwrap_or_else(|e| panic!("{secret}: {e}"));
        assert_eq!(delivery.id(), "msg_supabase_1");
        assert_eq!(delivery.provider(), "supabase-auth-hooks");
    }
    // Without the suffix handling the first signature (followed by `,`) is unreadable:
    // plain Standard Webhooks with the first secret does not verify this header.
    let plain = verifier_at(
        providers::standard_webhooks(),
        &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        at(1_700_000_000),
    );
    assert_eq!(
        plain.verify(&post(&headers, body)).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
    // A secret without the dashboard's `v1,whsec_` prefix is a configuration mistake.
    assert!(Verifier::new(
        providers::supabase_auth_hooks(),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    )
    .is_err());
    // Another secret does not verify.
    let other = verifier_at(
        providers::supabase_auth_hooks(),
        &["v1,whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
        at(1_700_000_000),
    );
    assert_eq!(
        other.verify(&post(&headers, body)).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}
