//! Configurations that would silently weaken verification are refused when the scheme or
//! the verifier is built, with an error that names the fix.

use bytes::Bytes;
use http::HeaderValue;
use tower_webhook::scheme::{HmacScheme, Part, RegistrationHandshake, TimestampFormat};
use tower_webhook::{providers, RejectionKind, Secret, Signer, Verifier};

fn post(uri: &str, headers: &[(&str, &str)], body: &'static str) -> http::Request<Bytes> {
    let mut builder = http::Request::post(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from_static(body.as_bytes())).unwrap()
}

// --- A timestamp no signed part covers -------------------------------------------------

#[test]
fn unsigned_timestamp_header_is_refused_at_build() {
    let error = HmacScheme::builder("custom", "x-signature")
        .timestamp_header("x-timestamp", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Body])
        .build()
        .unwrap_err()
        .to_string();
    assert!(error.contains("x-timestamp"), "{error}");
    assert!(error.contains("Part::Timestamp"), "{error}");

    // Another header than the timestamp's does not cover it.
    let other = HmacScheme::builder("custom", "x-signature")
        .timestamp_header("x-timestamp", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Header("x-other".parse().unwrap()), Part::Body])
        .build();
    assert!(other.is_err());

    // Covered by Part::Timestamp, or by signing that header itself.
    for parts in [
        vec![Part::Timestamp, Part::literal("."), Part::Body],
        vec![Part::Header("x-timestamp".parse().unwrap()), Part::Body],
    ] {
        HmacScheme::builder("custom", "x-signature")
            .timestamp_header("X-Timestamp", TimestampFormat::UnixSeconds)
            .signed_parts(parts)
            .build()
            .unwrap();
    }
}

#[test]
fn unsigned_timestamp_entry_is_refused_at_build() {
    let builder = || {
        HmacScheme::builder("custom", "x-signature")
            .signature_separator(',')
            .signature_prefix("v1=")
            .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
    };
    let error = builder()
        .signed_parts([Part::Body])
        .build()
        .unwrap_err()
        .to_string();
    assert!(error.contains("Part::Timestamp"), "{error}");
    builder()
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .build()
        .unwrap();
}

/// What the refusal prevents: an accepted scheme whose timestamp header could be moved by
/// anyone replaying a captured delivery.
#[test]
fn a_header_timestamp_signed_as_a_header_cannot_be_moved() {
    let scheme = HmacScheme::builder("custom", "x-signature")
        .timestamp_header("x-timestamp", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Header("x-timestamp".parse().unwrap()), Part::Body])
        .build()
        .unwrap();
    let now = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let signed = Signer::new(scheme.clone(), "secret")
        .sign_with(post("https://h.example/hook", &[], "{}"), "id", now)
        .unwrap();
    let verifier = Verifier::builder(scheme)
        .secret("secret")
        .clock(move || now)
        .build()
        .unwrap();
    verifier.verify(&signed).unwrap();
    let mut moved = signed.clone();
    moved
        .headers_mut()
        .insert("x-timestamp", HeaderValue::from_static("1700000001"));
    assert_eq!(
        verifier.verify(&moved).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}

// --- Signed parts beyond what the verifier holds -----------------------------------------

/// 14 parts, one of them the URL: every part, the last included, is in the MAC.
#[test]
fn fourteen_parts_with_a_url_sign_the_last_part() {
    let mut parts = vec![Part::Url];
    parts.extend((0..12).map(|i| Part::literal(format!("<{i}>"))));
    parts.push(Part::Header("x-last".parse().unwrap()));
    assert_eq!(parts.len(), 14);
    let scheme = HmacScheme::builder("custom", "x-signature")
        .signed_parts(parts)
        .public_url("https://hooks.example.com")
        .build()
        .unwrap();
    let request = post(
        "https://hooks.example.com/hook",
        &[("x-last", "signed value")],
        "{}",
    );
    let signed = Signer::new(scheme.clone(), "secret").sign(request).unwrap();
    let verifier = Verifier::new(scheme, "secret").unwrap();
    verifier.verify(&signed).unwrap();

    let mut tampered = signed.clone();
    tampered
        .headers_mut()
        .insert("x-last", HeaderValue::from_static("attacker's value"));
    assert_eq!(
        verifier.verify(&tampered).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}

/// Parts that expand past what the verifier holds are refused, never truncated.
#[test]
fn too_many_expanded_parts_are_refused_at_build() {
    let mut parts = vec![Part::Url, Part::Url];
    parts.extend((0..11).map(|i| Part::literal(format!("<{i}>"))));
    assert_eq!(parts.len(), 13);
    let error = HmacScheme::builder("custom", "x-signature")
        .signed_parts(parts)
        .public_url("https://hooks.example.com")
        .build()
        .unwrap_err()
        .to_string();
    assert!(error.contains("sign fewer parts"), "{error}");

    let none = HmacScheme::builder("custom", "x-signature")
        .signed_parts([])
        .build();
    assert!(none.is_err());
}

// --- Meta's verify token ------------------------------------------------------------------

#[test]
fn empty_meta_verify_token_is_refused() {
    let error = Verifier::new(providers::meta(""), "app secret")
        .unwrap_err()
        .to_string();
    assert!(error.contains("verify token is empty"), "{error}");
    assert!(error.contains("providers::meta(token)"), "{error}");

    // The same handshake on any scheme.
    let custom = providers::github()
        .with_handshake(RegistrationHandshake::MetaVerifyToken(Secret::from("")));
    assert!(Verifier::new(custom, "app secret").is_err());

    // A token, or no handshake at all, is fine.
    Verifier::new(providers::meta("my verify token"), "app secret").unwrap();
    Verifier::new(providers::meta("").without_handshake(), "app secret").unwrap();
}

/// What the refusal prevents: with an empty token, a challenge without one was answered.
#[test]
fn meta_challenge_needs_the_verify_token() {
    let verifier = Verifier::new(providers::meta("my verify token"), "app secret").unwrap();
    let challenge = |query: &str| {
        http::Request::get(format!("https://hooks.example.com/meta?{query}"))
            .body(Bytes::new())
            .unwrap()
    };
    let answered = verifier.handshake(&challenge(
        "hub.mode=subscribe&hub.verify_token=my+verify+token&hub.challenge=42",
    ));
    assert_eq!(answered.unwrap().unwrap().body(), "42");
    for query in [
        "hub.mode=subscribe&hub.verify_token=&hub.challenge=42",
        "hub.mode=subscribe&hub.challenge=42",
    ] {
        let refused = verifier.handshake(&challenge(query));
        assert!(!matches!(refused, Some(Ok(_))), "{query}");
    }
}
