//! Vectors made by the providers' own SDKs, where the crate once disagreed with them.
//! `scripts/twilio_sdk_vectors.py` regenerates the Twilio ones with twilio-python 9.13.0.

use bytes::Bytes;
use http::StatusCode;
use tower_webhook::{providers, RejectionKind, Signer, Verifier};

const FORM: &str = "MessageSid=SM123&Body=Hello+world&From=%2B14155550100&To=%2B14155550199";

fn twilio_form(uri: &str, body: &'static str, headers: &[(&str, &str)]) -> http::Request<Bytes> {
    let mut builder =
        http::Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from_static(body.as_bytes())).unwrap()
}

fn twilio(secret: &str) -> Verifier {
    Verifier::new(
        providers::twilio().public_url("https://hooks.example.com"),
        secret,
    )
    .unwrap()
}

/// twilio-python signs with HMAC-SHA256 when the request carries
/// `X-Twilio-Webhooks-Signature-Settings: key=…,algorithm=HMAC_SHA256`.
#[test]
fn twilio_shared_key_hmac_sha256() {
    let signed = twilio_form(
        "/twilio/sms?account=1",
        FORM,
        &[
            (
                "x-twilio-signature",
                "ndFqfG2Sgp7z9PBtuvu0O7P6lvvWGryHUCbGBdzMAws=",
            ),
            (
                "x-twilio-webhooks-signature-settings",
                "key=webhooks_sharedkey_123,algorithm=HMAC_SHA256",
            ),
        ],
    );
    twilio("shared key secret").verify(&signed).unwrap();

    // The same key's SHA-1 signature, without the settings header: the legacy scheme.
    let legacy = twilio_form(
        "/twilio/sms?account=1",
        FORM,
        &[("x-twilio-signature", "MfH2l7iiXk+AH+f/JQcR2WNfv7A=")],
    );
    twilio("shared key secret").verify(&legacy).unwrap();

    // A SHA-256 signature announced as SHA-1 (or the reverse) is refused, never guessed.
    let swapped = twilio_form(
        "/twilio/sms?account=1",
        FORM,
        &[(
            "x-twilio-signature",
            "ndFqfG2Sgp7z9PBtuvu0O7P6lvvWGryHUCbGBdzMAws=",
        )],
    );
    let rejection = twilio("shared key secret").verify(&swapped).unwrap_err();
    assert_eq!(rejection.status(), StatusCode::BAD_REQUEST);
    let unknown = twilio_form(
        "/twilio/sms?account=1",
        FORM,
        &[
            (
                "x-twilio-signature",
                "ndFqfG2Sgp7z9PBtuvu0O7P6lvvWGryHUCbGBdzMAws=",
            ),
            (
                "x-twilio-webhooks-signature-settings",
                "algorithm=HMAC_SHA3",
            ),
        ],
    );
    assert_eq!(
        twilio("shared key secret")
            .verify(&unknown)
            .unwrap_err()
            .kind(),
        RejectionKind::MalformedHeader
    );

    // Tampered, or the wrong key: refused.
    let tampered = twilio_form(
        "/twilio/sms?account=1",
        "MessageSid=SM124&Body=Hello+world&From=%2B14155550100&To=%2B14155550199",
        &[
            (
                "x-twilio-signature",
                "ndFqfG2Sgp7z9PBtuvu0O7P6lvvWGryHUCbGBdzMAws=",
            ),
            (
                "x-twilio-webhooks-signature-settings",
                "algorithm=HMAC_SHA256",
            ),
        ],
    );
    assert_eq!(
        twilio("shared key secret")
            .verify(&tampered)
            .unwrap_err()
            .kind(),
        RejectionKind::SignatureMismatch
    );
    assert_eq!(
        twilio("another secret").verify(&signed).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );

    // The crate's signer agrees with the SDK.
    let ours = Signer::new(
        providers::twilio()
            .public_url("https://hooks.example.com")
            .sign_with_hmac_sha256(),
        "shared key secret",
    )
    .unwrap()
    .sign(twilio_form("/twilio/sms?account=1", FORM, &[]))
    .unwrap();
    assert_eq!(
        ours.headers()["x-twilio-signature"],
        "ndFqfG2Sgp7z9PBtuvu0O7P6lvvWGryHUCbGBdzMAws="
    );
    twilio("shared key secret").verify(&ours).unwrap();
}

/// Both official SDKs sign each distinct value of a repeated parameter once.
#[test]
fn twilio_repeated_identical_parameters() {
    let request = twilio_form(
        "/twilio/sms",
        "To=%2B1555&MediaUrl=https%3A%2F%2Fa.example%2Fx&MediaUrl=https%3A%2F%2Fa.example%2Fx&MediaUrl=https%3A%2F%2Fa.example%2Fy",
        &[("x-twilio-signature", "cSUYPTBGMzvoKTt1SG/GUk8X2oo=")],
    );
    twilio("old auth token").verify(&request).unwrap();
}

/// Square signs the subscription's notification URL exactly as entered, here with no
/// path, although the request's path is `/` (square-nodejs-sdk's WebhooksHelper; the
/// vector is base64(HMAC-SHA256(key, url + body)) computed with Python's hmac).
#[test]
fn square_signs_the_notification_url_exactly() {
    let body = r#"{"merchant_id":"M1","type":"payment.created","event_id":"e-1"}"#;
    let request = http::Request::post("/")
        .header(
            "x-square-hmacsha256-signature",
            "FXKIhIcMFY64C8PY9rtrwkUSiTNeRRhEKbSoUhjvKko=",
        )
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap();
    let exact = Verifier::new(
        providers::square().signed_url("https://example.com"),
        "square signature key",
    )
    .unwrap();
    let delivery = exact.verify(&request).unwrap();
    assert_eq!(delivery.id(), "e-1");
    // As a base with the request's path appended, the URL would be https://example.com/.
    let based = Verifier::new(
        providers::square().public_url("https://example.com"),
        "square signature key",
    )
    .unwrap();
    assert_eq!(
        based.verify(&request).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
    // Signed by the crate for that URL, verified; a malformed URL refused at start-up.
    let ours = Signer::new(
        providers::square().signed_url("https://example.com"),
        "square signature key",
    )
    .unwrap()
    .sign(
        http::Request::post("/")
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        ours.headers()["x-square-hmacsha256-signature"],
        "FXKIhIcMFY64C8PY9rtrwkUSiTNeRRhEKbSoUhjvKko="
    );
    assert!(Verifier::new(providers::square().signed_url("example.com"), "k").is_err());
}
