//! Generic credentials (`scheme::CredentialScheme`, the `basic_auth`, `api_key`,
//! `chargebee` and `postmark` presets): HTTP Basic auth and API keys in a header or a
//! query parameter, through the public API and end to end over real HTTP.

use crate::common;

use bytes::Bytes;
use http::{HeaderName, StatusCode};
use tower_webhook::scheme::CredentialScheme;
use tower_webhook::{providers, RejectionKind, Signer, Verifier, WebhookLayer};

const BODY: &[u8] = br#"{"id":"ev_1","event_type":"subscription_created"}"#;

fn post(uri: &str) -> http::Request<Bytes> {
    http::Request::post(uri)
        .header("content-type", "application/json")
        .body(Bytes::from_static(BODY))
        .unwrap()
}

fn with_authorization(value: &str) -> http::Request<Bytes> {
    let mut request = post("/hook");
    request
        .headers_mut()
        .insert("authorization", value.parse().unwrap());
    request
}

fn kind(verifier: &Verifier, request: &http::Request<Bytes>) -> RejectionKind {
    verifier.verify(request).expect_err("refused").kind()
}

/// RFC 7617 §2's own example: user `Aladdin`, password `open sesame`.
#[test]
fn basic_auth_accepts_rfc_7617_example() {
    let verifier = Verifier::new(providers::basic_auth(), "Aladdin:open sesame").unwrap();
    let request = with_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    let delivery = verifier.verify(&request).expect("RFC 7617 example");
    assert_eq!(delivery.body().as_ref(), BODY);
    assert_eq!(delivery.provider(), "basic_auth");
    // The auth-scheme name is case-insensitive (RFC 7617 §2, RFC 9110 §11.1).
    assert!(verifier
        .verify(&with_authorization("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="))
        .is_ok());
    // The signer writes the same header.
    let signed = Signer::new(providers::basic_auth(), "Aladdin:open sesame")
        .unwrap()
        .sign(post("/hook"))
        .unwrap();
    assert_eq!(
        signed.headers()["authorization"],
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
}

#[test]
fn basic_auth_refuses_missing_wrong_and_malformed_credentials() {
    let verifier = Verifier::new(providers::chargebee(), "Aladdin:open sesame").unwrap();
    let missing = kind(&verifier, &post("/hook"));
    assert_eq!(missing, RejectionKind::MissingHeader);
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    // `Aladdin:open sesamE`: one character off.
    let wrong = kind(
        &verifier,
        &with_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtRQ=="),
    );
    assert_eq!(wrong, RejectionKind::SignatureMismatch);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    // The right user with no password, and the password alone.
    for value in ["Basic QWxhZGRpbjo=", "Basic b3BlbiBzZXNhbWU="] {
        assert_eq!(
            kind(&verifier, &with_authorization(value)),
            RejectionKind::SignatureMismatch,
            "{value}"
        );
    }
    // The right base64 under another auth scheme is not Basic credentials.
    let bearer = kind(
        &verifier,
        &with_authorization("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
    );
    assert_eq!(bearer, RejectionKind::SignatureMismatch);
    assert_eq!(
        kind(&verifier, &with_authorization("Basic")),
        RejectionKind::SignatureMismatch
    );
    let malformed = kind(&verifier, &with_authorization("Basic not*base64"));
    assert_eq!(malformed, RejectionKind::MalformedHeader);
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    // Two Authorization headers: refused, not one of them picked.
    let mut twice = with_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    twice.headers_mut().append(
        "authorization",
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".parse().unwrap(),
    );
    assert_eq!(kind(&verifier, &twice), RejectionKind::MalformedHeader);
}

#[test]
fn basic_auth_secret_needs_a_user_and_a_password() {
    for bad in ["no colon", "user:", ""] {
        assert!(
            Verifier::new(providers::postmark(), bad).is_err(),
            "{bad:?} accepted as user:password"
        );
    }
    // A password may itself hold colons: only the first one separates the user.
    let verifier = Verifier::new(providers::postmark(), "user:pa:ss").unwrap();
    let signed = Signer::new(providers::postmark(), "user:pa:ss")
        .unwrap()
        .sign(post("/hook"))
        .unwrap();
    assert!(verifier.verify(&signed).is_ok());
}

#[test]
fn rotation_accepts_each_configured_credential() {
    let verifier = Verifier::builder(providers::basic_auth())
        .secrets(["hooks:old password", "hooks:new password"])
        .build()
        .unwrap();
    for secret in ["hooks:old password", "hooks:new password"] {
        let signed = Signer::new(providers::basic_auth(), secret)
            .unwrap()
            .sign(post("/hook"))
            .unwrap();
        assert!(verifier.verify(&signed).is_ok(), "{secret}");
    }
    let other = Signer::new(providers::basic_auth(), "hooks:other password")
        .unwrap()
        .sign(post("/hook"))
        .unwrap();
    assert_eq!(kind(&verifier, &other), RejectionKind::SignatureMismatch);
}

#[test]
fn api_key_header_with_and_without_prefix() {
    let verifier = Verifier::new(providers::api_key(), "k3y").unwrap();
    let mut request = post("/hook");
    request
        .headers_mut()
        .insert("x-api-key", "k3y".parse().unwrap());
    assert!(verifier.verify(&request).is_ok());
    request
        .headers_mut()
        .insert("x-api-key", "k3y ".parse().unwrap());
    assert_eq!(kind(&verifier, &request), RejectionKind::SignatureMismatch);
    assert_eq!(
        kind(&verifier, &post("/hook")),
        RejectionKind::MissingHeader
    );

    let bearer = || {
        CredentialScheme::api_key_header("crm", http::header::AUTHORIZATION)
            .value_prefix("Bearer ")
            .id_from_header(HeaderName::from_static("x-delivery-id"))
    };
    let verifier = Verifier::new(bearer(), "k3y").unwrap();
    let signed = Signer::new(bearer(), "k3y")
        .unwrap()
        .sign_with(post("/hook"), "delivery-7", std::time::SystemTime::now())
        .unwrap();
    assert_eq!(signed.headers()["authorization"], "Bearer k3y");
    let delivery = verifier.verify(&signed).unwrap();
    assert_eq!(delivery.id(), "delivery-7");
    assert!(!delivery.id_is_signed(), "a credential signs no id");
    assert!(verifier.verify(&with_authorization("bearer k3y")).is_ok());
    for value in ["k3y", "Basic k3y", "Bearer k3y2", "Bearer"] {
        assert_eq!(
            kind(&verifier, &with_authorization(value)),
            RejectionKind::SignatureMismatch,
            "{value}"
        );
    }
}

#[test]
fn api_key_query_parameter() {
    let scheme = || CredentialScheme::api_key_query("forms", "key");
    let verifier = Verifier::new(scheme(), "a key/with+symbols").unwrap();
    let signed = Signer::new(scheme(), "a key/with+symbols")
        .unwrap()
        .sign(post("https://hooks.example.com/hook?source=forms"))
        .unwrap();
    let query = signed.uri().query().unwrap();
    assert!(query.starts_with("source=forms&key="), "{query}");
    assert!(verifier.verify(&signed).is_ok());
    // Percent-encoded by hand, `+` as the form encoding's space.
    let by_hand = post("/hook?key=a+key%2Fwith%2Bsymbols");
    assert!(verifier.verify(&by_hand).is_ok());

    let missing = kind(&verifier, &post("/hook?source=forms"));
    assert_eq!(missing, RejectionKind::MissingField);
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        kind(&verifier, &post("/hook?key=wrong")),
        RejectionKind::SignatureMismatch
    );
    // Repeated: refused rather than either value picked.
    let twice = post("/hook?key=a+key%2Fwith%2Bsymbols&key=a+key%2Fwith%2Bsymbols");
    assert_eq!(kind(&verifier, &twice), RejectionKind::InvalidRequest);
    // Bounded work: a key behind too many parameters is not looked for.
    let mut long = String::from("/hook?");
    for i in 0..tower_webhook::scheme::MAX_QUERY_PARAMETERS {
        long.push_str(&format!("p{i}=x&"));
    }
    long.push_str("key=a+key%2Fwith%2Bsymbols");
    assert_eq!(kind(&verifier, &post(&long)), RejectionKind::InvalidRequest);
}

#[test]
fn misdescribed_schemes_fail_at_build_time() {
    let prefixed_basic = CredentialScheme::basic_auth("x").value_prefix("Basic ");
    assert!(Verifier::new(prefixed_basic, "user:password").is_err());
    let prefixed_query = CredentialScheme::api_key_query("x", "key").value_prefix("k=");
    assert!(Verifier::new(prefixed_query, "key").is_err());
    assert!(Verifier::new(CredentialScheme::api_key_query("x", ""), "key").is_err());
    assert!(Verifier::new(providers::api_key(), "").is_err());
}

#[test]
fn credentials_never_show_in_debug_or_rejections() {
    let verifier = Verifier::new(providers::basic_auth(), "Aladdin:open sesame").unwrap();
    assert!(!format!("{verifier:?}").contains("open sesame"));
    let rejection = verifier
        .verify(&with_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtRQ=="))
        .unwrap_err();
    let response = rejection.to_response();
    let body = String::from_utf8_lossy(response.body());
    assert!(!body.contains("QWxhZGRpbjpvcGVuIHNlc2Ft") && !body.contains("sesam"));
}

/// Over real HTTP: the handler runs only with the right credentials, a missing or wrong
/// one is answered `401` with its reason, and a resent delivery (same body) is a
/// duplicate: the replay key of a credential scheme is the body hash.
#[tokio::test]
async fn end_to_end_over_http() {
    let layer = WebhookLayer::new(Verifier::new(providers::chargebee(), "cb:pass").unwrap());
    let (server, calls) = common::counting_server("/hook", layer, "handler").await;

    let unsigned = common::post_to(&server, BODY);
    let reply = common::send(common::copy(&unsigned)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["reason"], "missing_header");

    let wrong = Signer::new(providers::chargebee(), "cb:wrong")
        .unwrap()
        .sign(common::copy(&unsigned))
        .unwrap();
    let reply = common::send(wrong).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["reason"], "signature_mismatch");
    assert_eq!(calls.count(), 0);

    let good = Signer::new(providers::chargebee(), "cb:pass")
        .unwrap()
        .sign(common::copy(&unsigned))
        .unwrap();
    let reply = common::send(common::copy(&good)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "handler");
    assert_eq!(calls.count(), 1);

    let again = common::send(good).await;
    assert!(common::is_duplicate(&again), "{}", again.status);
    assert_eq!(calls.count(), 1);
}
