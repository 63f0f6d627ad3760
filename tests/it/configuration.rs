//! Configurations that would silently weaken verification are refused when the scheme or
//! the verifier is built, with an error that names the fix.

use bytes::Bytes;
use http::HeaderValue;
use tower_webhook::scheme::{Part, RegistrationHandshake, SignatureScheme, TimestampFormat};
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
    let error = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
        .timestamp_header(
            http::HeaderName::from_static("x-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([Part::Body]);
    let error = Verifier::new(error, "secret").unwrap_err().to_string();
    assert!(error.contains("x-timestamp"), "{error}");
    assert!(error.contains("Part::Timestamp"), "{error}");

    // Another header than the timestamp's does not cover it.
    let other = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
        .timestamp_header(
            http::HeaderName::from_static("x-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([Part::Header("x-other".parse().unwrap()), Part::Body]);
    assert!(Verifier::new(other, "secret").is_err());

    // Covered by Part::Timestamp, or by signing that header itself.
    for parts in [
        vec![Part::Timestamp, Part::literal("."), Part::Body],
        vec![Part::Header("x-timestamp".parse().unwrap()), Part::Body],
    ] {
        let scheme = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
            .timestamp_header(
                http::HeaderName::from_static("x-timestamp"),
                TimestampFormat::UnixSeconds,
            )
            .signed_parts(parts);
        Verifier::new(scheme, "secret").unwrap();
    }
}

#[test]
fn unsigned_timestamp_entry_is_refused_at_build() {
    let builder = || {
        SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
            .signature_separator(',')
            .signature_prefix("v1=")
            .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
    };
    let error = Verifier::new(builder().signed_parts([Part::Body]), "secret")
        .unwrap_err()
        .to_string();
    assert!(error.contains("Part::Timestamp"), "{error}");
    Verifier::new(
        builder().signed_parts([Part::Timestamp, Part::literal("."), Part::Body]),
        "secret",
    )
    .unwrap();
}

/// What the refusal prevents: an accepted scheme whose timestamp header could be moved by
/// anyone replaying a captured delivery.
#[test]
fn a_header_timestamp_signed_as_a_header_cannot_be_moved() {
    let scheme = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
        .timestamp_header(
            http::HeaderName::from_static("x-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([Part::Header("x-timestamp".parse().unwrap()), Part::Body]);
    let now = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let signed = Signer::new(scheme.clone(), "secret")
        .unwrap()
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
    let scheme = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
        .signed_parts(parts)
        .public_url("https://hooks.example.com");
    let request = post(
        "https://hooks.example.com/hook",
        &[("x-last", "signed value")],
        "{}",
    );
    let signed = Signer::new(scheme.clone(), "secret")
        .unwrap()
        .sign(request)
        .unwrap();
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
    let error = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
        .signed_parts(parts)
        .public_url("https://hooks.example.com");
    let error = Verifier::new(error, "secret").unwrap_err().to_string();
    assert!(error.contains("sign fewer parts"), "{error}");

    let none = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
        .signed_parts([]);
    assert!(Verifier::new(none, "secret").is_err());
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
    let custom =
        providers::github().handshake(RegistrationHandshake::MetaVerifyToken(Secret::from("")));
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

// --- URL-signed presets and the Host header -----------------------------------------------

const URL_SECRET: &str = "shared url-signing secret";

fn at_now() -> std::time::SystemTime {
    std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000)
}

type SignFn = Box<dyn Fn(&str, http::Request<Bytes>) -> http::Request<Bytes>>;
type BuildFn = Box<dyn Fn(Option<&str>, bool) -> Result<Verifier, tower_webhook::ConfigError>>;

/// A URL-signed preset: `sign` signs for a public base URL, `build` makes a verifier with
/// an optional public base URL and, or not, the opt-in to trust `Host`.
struct UrlSigned {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
    sign: SignFn,
    build: BuildFn,
}

fn build_verifier<S: tower_webhook::Scheme>(
    scheme: S,
) -> Result<Verifier, tower_webhook::ConfigError> {
    let now = at_now();
    Verifier::builder(scheme)
        .secret(URL_SECRET)
        .clock(move || now)
        .build()
}

fn sign_with<S: tower_webhook::Scheme>(
    scheme: S,
    request: http::Request<Bytes>,
) -> http::Request<Bytes> {
    Signer::new(scheme, URL_SECRET)
        .unwrap()
        .sign_with(request, "delivery-1", at_now())
        .unwrap()
}

fn hmac_url_signed(
    name: &'static str,
    preset: fn() -> SignatureScheme,
    body: &'static str,
) -> UrlSigned {
    UrlSigned {
        name,
        content_type: "application/json",
        body,
        sign: Box::new(move |base, request| sign_with(preset().public_url(base), request)),
        build: Box::new(move |base, trust_host| {
            let mut scheme = preset();
            if let Some(base) = base {
                scheme = scheme.public_url(base);
            }
            if trust_host {
                scheme = scheme.dangerously_trust_host_header();
            }
            build_verifier(scheme)
        }),
    }
}

fn url_signed() -> Vec<UrlSigned> {
    vec![
        UrlSigned {
            name: "twilio",
            content_type: "application/x-www-form-urlencoded",
            body: "Body=hi&From=%2B14155550100",
            sign: Box::new(|base, request| {
                sign_with(providers::twilio().public_url(base), request)
            }),
            build: Box::new(|base, trust_host| {
                let mut scheme = providers::twilio();
                if let Some(base) = base {
                    scheme = scheme.public_url(base);
                }
                if trust_host {
                    scheme = scheme.dangerously_trust_host_header();
                }
                build_verifier(scheme)
            }),
        },
        hmac_url_signed(
            "square",
            providers::square,
            r#"{"event_id":"ev_1","type":"payment.created"}"#,
        ),
        hmac_url_signed("hubspot", providers::hubspot, r#"[{"eventId":1}]"#),
        hmac_url_signed(
            "trello",
            providers::trello,
            r#"{"action":{"type":"updateCard"}}"#,
        ),
    ]
}

/// Signed by the provider for `https://a.example.com/hook?x=1`, received as `target`
/// with the given `Host`.
fn signed_for_a(case: &UrlSigned, target: &str, host: &str) -> http::Request<Bytes> {
    let request = http::Request::post("/hook?x=1")
        .header("content-type", case.content_type)
        .body(Bytes::from_static(case.body.as_bytes()))
        .unwrap();
    let signed = (case.sign)("https://a.example.com", request);
    let (mut parts, body) = signed.into_parts();
    parts.uri = target.parse().unwrap();
    parts
        .headers
        .insert("host", HeaderValue::from_str(host).unwrap());
    http::Request::from_parts(parts, body)
}

#[test]
fn url_signed_presets_need_a_public_url() {
    for case in url_signed() {
        let error = (case.build)(None, false).unwrap_err().to_string();
        assert!(error.starts_with(case.name), "{}: {error}", case.name);
        assert!(error.contains("public_url(\""), "{}: {error}", case.name);
        assert!(
            error.contains("dangerously_trust_host_header()"),
            "{}: {error}",
            case.name
        );
        (case.build)(Some("https://hooks.example.com"), false).unwrap();
        (case.build)(None, true).unwrap();
    }

    // A custom scheme that signs the URL, the same.
    let custom = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
        .signed_parts([Part::Url, Part::Body]);
    let error = Verifier::new(custom.clone(), "secret")
        .unwrap_err()
        .to_string();
    assert!(error.contains("public_url(\""), "{error}");
    Verifier::new(custom.dangerously_trust_host_header(), "secret").unwrap();
    let built_with = SignatureScheme::new("custom", http::HeaderName::from_static("x-signature"))
        .signed_parts([Part::Url, Part::Body])
        .dangerously_trust_host_header();
    Verifier::new(built_with, "secret").unwrap();
}

/// A delivery the provider signed for host A (another environment sharing the key),
/// replayed to this verifier for host B, whatever `Host` or absolute URL it carries.
#[test]
fn delivery_signed_for_another_host_is_refused() {
    for case in url_signed() {
        let b = (case.build)(Some("https://b.example.com"), false).unwrap();
        for (target, host) in [
            ("/hook?x=1", "a.example.com"),
            ("https://a.example.com/hook?x=1", "a.example.com"),
            ("https://a.example.com/hook?x=1", "b.example.com"),
        ] {
            let replayed = signed_for_a(&case, target, host);
            let rejection = b.verify(&replayed).unwrap_err();
            assert_eq!(
                rejection.kind(),
                RejectionKind::SignatureMismatch,
                "{} {target} {host}",
                case.name
            );
            assert_eq!(rejection.status(), http::StatusCode::UNAUTHORIZED);
        }
        // The public URL wins over the opt-in when both are set.
        let both = (case.build)(Some("https://b.example.com"), true).unwrap();
        let replayed = signed_for_a(&case, "/hook?x=1", "a.example.com");
        assert!(both.verify(&replayed).is_err(), "{}", case.name);

        // The verifier for host A accepts it, whatever Host the proxy passed on.
        let a = (case.build)(Some("https://a.example.com"), false).unwrap();
        a.verify(&signed_for_a(&case, "/hook?x=1", "127.0.0.1:3000"))
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    }
}

/// The opt-in trusts what the request says: a proxy that sets `Host` itself is then what
/// makes it safe.
#[test]
fn trusting_the_host_header_is_explicit() {
    for case in url_signed() {
        let trusting = (case.build)(None, true).unwrap();
        trusting
            .verify(&signed_for_a(&case, "/hook?x=1", "a.example.com"))
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert!(
            trusting
                .verify(&signed_for_a(&case, "/hook?x=1", "b.example.com"))
                .is_err(),
            "{}",
            case.name
        );
    }
}

/// A signing key that cannot sign is refused when the signer is made, for every kind of
/// key: an HMAC secret in the wrong encoding, a private key that does not parse.
#[test]
fn a_signer_refuses_a_key_that_cannot_sign() {
    #[cfg_attr(not(any(feature = "rsa", feature = "jwt")), allow(unused_mut))]
    let mut refused = vec![
        (
            "adyen (hex HMAC key)",
            Signer::new(providers::adyen(), "not hex").err(),
        ),
        (
            "discord (Ed25519 seed)",
            Signer::new(providers::discord(), "not a seed").err(),
        ),
    ];
    #[cfg(feature = "rsa")]
    refused.push((
        "wise (RSA private key)",
        Signer::new(providers::wise(), "not a key").err(),
    ));
    #[cfg(feature = "jwt")]
    refused.push((
        "plaid (ES256 private key)",
        Signer::new(providers::plaid(), "not a key").err(),
    ));
    for (name, error) in refused {
        assert!(error.is_some(), "{name}: accepted");
    }
    let (signing, _) = providers::find("discord").unwrap().example_keys();
    assert!(Signer::new(providers::discord(), signing).is_ok());
}
