//! Mistakes caught at configuration, with messages that say what to do, and rejections
//! whose log diagnostics say why (never in the response, never a secret).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, RejectionKind, Secret, Signer, Verifier};

#[test]
fn secrets_with_surrounding_whitespace_are_refused_unless_verbatim() {
    for (secret, says) in [
        ("my webhook secret\n", "ends with a newline"),
        ("my webhook secret\r\n", "ends with a newline"),
        (" my webhook secret", "starts with a space"),
        ("my webhook secret\t", "ends with a tab"),
    ] {
        let error = Verifier::new(providers::github(), secret)
            .unwrap_err()
            .to_string();
        assert!(error.contains(says), "{error}");
        assert!(error.contains("Secret::verbatim"), "{error}");
        assert!(
            !error.contains("my webhook secret"),
            "the secret is never shown: {error}"
        );
    }
    // Kept exactly as given when asked to: the signature made with it verifies.
    let secret = "trailing space ";
    let verifier = Verifier::new(providers::github(), Secret::verbatim(secret)).unwrap();
    let request = Signer::new(providers::github(), secret)
        .unwrap()
        .sign(
            http::Request::post("/")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
        )
        .unwrap();
    verifier.verify(&request).unwrap();
}

#[test]
fn standard_webhooks_secret_errors_say_what_form_is_expected() {
    for preset in [providers::standard_webhooks(), providers::svix()] {
        let error = Verifier::new(preset, "whsec_not base64!")
            .unwrap_err()
            .to_string();
        assert!(error.contains("whsec_ followed by base64"), "{error}");
        assert!(error.contains("dashboard"), "{error}");
        assert!(
            !error.contains("not base64!"),
            "the secret is never shown: {error}"
        );
    }
}

#[test]
fn stale_timestamps_say_how_stale_in_the_log_not_the_response() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let signed_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let request = Signer::new(providers::standard_webhooks(), secret)
        .unwrap()
        .sign_with(
            http::Request::post("/")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
            "msg_1",
            signed_at,
        )
        .unwrap();
    let verifier = Verifier::builder(providers::standard_webhooks())
        .secret(secret)
        .clock(move || signed_at + Duration::from_secs(412))
        .build()
        .unwrap();
    let rejection = verifier.verify(&request).unwrap_err();
    assert_eq!(rejection.kind(), RejectionKind::TimestampExpired);
    let diagnostic = rejection.diagnostic().unwrap();
    assert!(
        diagnostic.contains("412 s old (tolerance 300 s)"),
        "{diagnostic}"
    );
    let body = rejection.to_response().into_body();
    assert!(!String::from_utf8_lossy(&body).contains("412"));
}

#[test]
fn url_signed_mismatches_name_the_url_that_was_checked() {
    let secret = "square signature key";
    let scheme = providers::square().public_url("https://hooks.example.com");
    // Signed by the provider for another URL than the one configured.
    let request = Signer::new(
        providers::square().public_url("https://elsewhere.example.com"),
        secret,
    )
    .unwrap()
    .sign(
        http::Request::post("/square?x=1")
            .body(Bytes::from_static(b"{}"))
            .unwrap(),
    )
    .unwrap();
    let rejection = Verifier::new(scheme, secret)
        .unwrap()
        .verify(&request)
        .unwrap_err();
    assert_eq!(rejection.kind(), RejectionKind::SignatureMismatch);
    let diagnostic = rejection.diagnostic().unwrap();
    assert!(
        diagnostic.contains("https://hooks.example.com/square?x=1"),
        "{diagnostic}"
    );
}

#[test]
fn a_stripe_api_key_is_not_a_webhook_secret() {
    let error = Verifier::new(providers::stripe(), "sk_live_51H8abcdefghijklmnop")
        .unwrap_err()
        .to_string();
    assert!(error.contains("whsec_"), "{error}");
    assert!(error.contains("looks like an API key"), "{error}");
    assert!(
        !error.contains("51H8abc"),
        "the secret is never shown: {error}"
    );
    Verifier::new(providers::stripe(), "whsec_test_secret").unwrap();
}

/// GitHub caps payloads at 25 MB, beyond the layer's 2 MiB default: the preset's limit
/// is the layer's unless set.
#[tokio::test]
async fn github_bodies_up_to_its_documented_cap_are_accepted() {
    use tower::{Layer, ServiceExt};
    let secret = "github secret";
    let verifier = Verifier::new(providers::github(), secret).unwrap();
    assert_eq!(verifier.default_body_limit(), Some(25_000_000));
    let service = tower_webhook::WebhookLayer::new(verifier).layer(tower::service_fn(
        |_: http::Request<tower_webhook::layer::VerifiedBody>| async {
            Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
        },
    ));
    let mut body = b"{\"zen\":\"".to_vec();
    body.resize(3 * 1024 * 1024, b'x');
    body.extend_from_slice(b"\"}");
    let request = Signer::new(providers::github(), secret)
        .unwrap()
        .sign(http::Request::post("/").body(Bytes::from(body)).unwrap())
        .unwrap();
    let response = service
        .oneshot(request.map(http_body_util::Full::new))
        .await
        .unwrap();
    assert_eq!(response.status(), http::StatusCode::OK);
}
