//! Presets whose provider publishes no test vector, checked against signatures computed
//! independently with Python's hmac module: `python3 scripts/independent_vectors.py`
//! prints this table.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, Scheme, Verifier};

const BODY: &str = r#"{"id":"evt_1","type":"ping","event":{"id":"ev_1","event_type":"ping","type":"ping"},"event_id":"ev_1","event_type":"ping"}"#;
const T: u64 = 1_700_000_000;

const VECTORS: &[(&str, &str, &str, &str)] = &[
    (
        "pagerduty",
        "pd-secret",
        "x-pagerduty-signature",
        "v1=88f28d465526957a5580fb7cd56903a79a1b485f173cba12ad24b223a23acb0b",
    ),
    (
        "coinbase_commerce",
        "cc-secret",
        "x-cc-webhook-signature",
        "4821d1002057a4cb1eb667863b065513f7d29e590ff2eb9c28433d0972830fdd",
    ),
    (
        "lemon_squeezy",
        "ls-secret",
        "x-signature",
        "997e3120698311b8df89a7802a1e245f8b9e1f3685d861c019f88b62ee55fdce",
    ),
    (
        "razorpay",
        "rzp-secret",
        "x-razorpay-signature",
        "8467137cd0651b8816a807e290bf44786b4d0a5c92577c89645001ea8a5d0481",
    ),
    (
        "sentry",
        "sentry-secret",
        "sentry-hook-signature",
        "b016a5a1e220bcdb021d170dc62b3bd0a787ee59b4930944084e5bb2c61886fe",
    ),
    (
        "mux",
        "mux-secret",
        "mux-signature",
        "t=1700000000,v1=8e84b62179054ee2f2cee84b88a6a47c9cf37e2f1be28dc5c8d343148d13d494",
    ),
    (
        "typeform",
        "tf-secret",
        "typeform-signature",
        "sha256=taOzQN7iBmXFPuPUORQa4kMU7w0Oaw6AInweJ9073T4=",
    ),
    (
        "bitbucket",
        "bb-secret",
        "x-hub-signature",
        "sha256=c7e3dc236d0f53392f084d7be5d069fe488be28aa12ed61f6cd523fbd939c7f6",
    ),
];

fn build<S: Scheme>(scheme: S, secret: &str) -> Verifier {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(T);
    Verifier::builder(scheme)
        .secret(secret)
        .clock(move || now)
        .build()
        .expect("valid secret")
}

fn verifier(preset: &str, secret: &str) -> Verifier {
    match preset {
        "pagerduty" => build(providers::pagerduty(), secret),
        "coinbase_commerce" => build(providers::coinbase_commerce(), secret),
        "lemon_squeezy" => build(providers::lemon_squeezy(), secret),
        "razorpay" => build(providers::razorpay(), secret),
        "sentry" => build(providers::sentry(), secret),
        "mux" => build(providers::mux(), secret),
        "typeform" => build(providers::typeform(), secret),
        "bitbucket" => build(providers::bitbucket(), secret),
        other => panic!("no preset {other}"),
    }
}

#[test]
fn independently_computed_vectors_verify() {
    for (preset, secret, header, value) in VECTORS {
        let request = http::Request::post("https://hooks.example.com/hook")
            .header(*header, *value)
            .header("content-type", "application/json")
            .body(Bytes::from_static(BODY.as_bytes()))
            .unwrap();
        verifier(preset, secret)
            .verify(&request)
            .unwrap_or_else(|e| panic!("{preset}: {e}"));
        // And the same signature under another secret does not.
        let other = verifier(preset, "another secret");
        assert!(other.verify(&request).is_err(), "{preset}");
    }
}

/// Ed25519 and ECDSA signatures made by Node's `crypto` module (OpenSSL), independently of
/// the crate and its dependencies:
///
/// ```text
/// node -e 'const c=require("crypto"); /* key from the seed / PKCS#8 below */
///          c.sign(null, Buffer.from(timestamp + body), ed25519Key).toString("hex");
///          c.sign("sha256", Buffer.from(timestamp + body), p256Key).toString("base64")'
/// ```
#[test]
fn asymmetric_signatures_made_by_openssl_verify() {
    // Public key of the Ed25519 seed 769b93a3…7e375cad.
    let discord = build(
        providers::discord(),
        "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c",
    );
    let request = http::Request::post("/interactions")
        .header("x-signature-timestamp", "1700000000")
        .header("x-signature-ed25519", "8aa1e459b6a90aea31e5a74c4efbae76714237d98212ba9e8464e1b7ad067743459fcec3d22e98eada9cff90d23500b4c0210c3ef8999dd0d4ecfd8e5f6d6e01")
        .body(Bytes::from_static(br#"{"id":"int_1","type":2}"#))
        .unwrap();
    let delivery = discord
        .verify(&request)
        .expect("OpenSSL Ed25519 signature verifies");
    assert_eq!(delivery.id(), "int_1");
    assert_eq!(delivery.event_type(), Some("2"));

    let sendgrid = build(
        providers::sendgrid(),
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE26MT2N76wcb0jC0tFG+vNDrc56ia5mFrAGO7I35ir3SWrLgBaBUtusOvmT/M/uG+V688/4vr7HcTHomZW9cvnw==",
    );
    let request = http::Request::post("/sendgrid")
        .header("x-twilio-email-event-webhook-timestamp", "1700000000")
        .header("x-twilio-email-event-webhook-signature", "MEQCIBmwg+NUSejPtMb5QwJsRDBKy6sXwJfuLU/lV3r+XHMLAiA7L1+Kvr6LwDhfyGBPT0hoeUiCm7satp+rcDKskY5lZw==")
        .body(Bytes::from_static(b"[{\"sg_event_id\":\"e1\",\"event\":\"delivered\"}]\r\n"))
        .unwrap();
    sendgrid
        .verify(&request)
        .expect("OpenSSL ECDSA signature verifies");
}
