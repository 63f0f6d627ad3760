//! Published test vectors (../shared/providers.md lists where each comes from), verified
//! through the public API with the clock pinned to the vector's timestamp.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, RejectionKind, Scheme, Verifier};

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

fn verifier_at<S: Scheme>(scheme: S, secret: &str, now: SystemTime) -> Verifier {
    Verifier::builder(scheme)
        .secret(secret)
        .clock(move || now)
        .build()
        .expect("valid secret")
}

fn request(uri: &str, headers: &[(&str, &str)], body: &'static [u8]) -> http::Request<Bytes> {
    let mut builder = http::Request::post(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Bytes::from_static(body))
        .expect("valid request")
}

#[test]
fn standard_webhooks_vector_1() {
    let verifier = verifier_at(
        providers::standard_webhooks(),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        at(1_614_265_330),
    );
    let req = request(
        "/",
        &[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            (
                "webhook-signature",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            ),
        ],
        br#"{"test": 2432232314}"#,
    );
    let delivery = verifier.verify(&req).expect("vector verifies");
    assert_eq!(delivery.id(), "msg_p5jXN8AQM9LWM0D4loKWxJek");
    assert_eq!(delivery.timestamp(), Some(at(1_614_265_330)));
}

#[test]
fn standard_webhooks_vector_2_and_svix() {
    let headers = |prefix: &str| {
        [
            (format!("{prefix}-id"), "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"),
            (format!("{prefix}-timestamp"), "1649367553"),
            (
                format!("{prefix}-signature"),
                "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
            ),
        ]
    };
    let body: &'static [u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
    let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    for (scheme, prefix) in [
        (providers::standard_webhooks(), "webhook"),
        (providers::svix(), "svix"),
        (providers::svix(), "webhook"),
    ] {
        let verifier = verifier_at(scheme, secret, at(1_649_367_553));
        let owned = headers(prefix);
        let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let delivery = verifier.verify(&request("/", &pairs, body)).expect(prefix);
        assert_eq!(delivery.id(), "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk");
    }
}

#[test]
fn github_vectors() {
    let cases: [(&str, &'static [u8], &str); 2] = [
        (
            "It's a Secret to Everybody",
            b"Hello, World!",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        ),
        (
            "mysecret",
            br#"{"foo":"bar"}"#,
            "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3",
        ),
    ];
    for (secret, body, signature) in cases {
        let verifier = Verifier::new(providers::github(), secret).expect("secret");
        let req = request("/", &[("x-hub-signature-256", signature)], body);
        let delivery = verifier.verify(&req).expect("vector verifies");
        // No X-GitHub-Delivery header: the signature itself is the id.
        assert!(delivery.id_is_fingerprint());
        assert_eq!(delivery.id(), signature.trim_start_matches("sha256="));
    }
}

#[test]
fn slack_vector() {
    let body: &'static [u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let verifier = verifier_at(
        providers::slack(),
        "8f742231b10e8888abcd99yyyzzz85a5",
        at(1_531_420_618),
    );
    let req = request(
        "/",
        &[
            ("x-slack-request-timestamp", "1531420618"),
            (
                "x-slack-signature",
                "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
            ),
        ],
        body,
    );
    verifier.verify(&req).expect("vector verifies");
}

#[test]
fn twilio_form_vector() {
    // The URL Twilio called, as the request states it: trusted only on the explicit opt-in.
    let verifier =
        Verifier::new(providers::twilio().dangerously_trust_host_header(), "12345").expect("token");
    let req = request(
        "https://mycompany.com/myapp.php?foo=1&bar=2",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ],
        b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
    );
    verifier.verify(&req).expect("vector verifies");

    // The same request received behind a proxy: the server sees only the path, and the
    // configured public URL restores what Twilio signed. The SDKs' port variants apply.
    for base in ["https://mycompany.com", "https://mycompany.com:443"] {
        let verifier = Verifier::new(providers::twilio().public_url(base), "12345").unwrap();
        let req = request(
            "/myapp.php?foo=1&bar=2",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            ],
            b"To=%2B18005551212&CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309",
        );
        verifier.verify(&req).expect("public URL verifies");
    }
}

#[test]
fn twilio_json_vector() {
    let body: &'static [u8] = br#"{"property": "value", "boolean": true}"#;
    assert_eq!(
        providers::twilio_body_sha256(body),
        "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    );
    let twilio = providers::twilio().public_url("https://mycompany.com");
    let verifier = Verifier::new(twilio, "12345").expect("token");
    let uri = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    let req = request(
        uri,
        &[
            ("content-type", "application/json"),
            ("x-twilio-signature", "a9nBmqA0ju/hNViExpshrM61xv4="),
        ],
        body,
    );
    verifier.verify(&req).expect("vector verifies");

    let tampered = request(
        uri,
        &[
            ("content-type", "application/json"),
            ("x-twilio-signature", "a9nBmqA0ju/hNViExpshrM61xv4="),
        ],
        br#"{"property": "value", "boolean": false}"#,
    );
    assert_eq!(
        verifier.verify(&tampered).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}

#[test]
fn standard_webhooks_v1a_vector() {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let seed = engine
        .decode("VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=")
        .unwrap();
    let seed: [u8; 32] = seed.try_into().unwrap();
    let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
    let whpk = format!("whpk_{}", engine.encode(public.as_bytes()));
    let verifier = verifier_at(
        providers::standard_webhooks_ed25519(),
        &whpk,
        at(1_614_265_330),
    );
    let signature = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
    let req = request(
        "/",
        &[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", signature),
        ],
        br#"{"test": 2432232314}"#,
    );
    verifier.verify(&req).expect("v1a vector verifies");

    // Signing with the private key reproduces the published signature (Ed25519 is
    // deterministic).
    let whsk = format!("whsk_{}", engine.encode(seed));
    let signed = tower_webhook::Signer::new(providers::standard_webhooks_ed25519(), whsk)
        .sign_with(
            http::Request::post("/")
                .body(Bytes::from_static(br#"{"test": 2432232314}"#))
                .unwrap(),
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            at(1_614_265_330),
        )
        .unwrap();
    assert_eq!(signed.headers()["webhook-signature"], signature);
}

/// Adding the group order L to Ed25519's `S` gives a second encoding that lenient
/// verifiers accept. It must be refused: with no delivery id, the signature is the
/// replay key, so a second valid encoding would be a replay that looks new.
#[test]
fn ed25519_signature_with_non_canonical_s_is_rejected() {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let seed = [7u8; 32];
    let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
    let whsk = format!("whsk_{}", engine.encode(seed));
    let whpk = format!("whpk_{}", engine.encode(public.as_bytes()));
    let signed = tower_webhook::Signer::new(providers::standard_webhooks_ed25519(), whsk)
        .sign_with(
            http::Request::post("/")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
            "msg_1",
            at(1_614_265_330),
        )
        .unwrap();
    let verifier = verifier_at(
        providers::standard_webhooks_ed25519(),
        &whpk,
        at(1_614_265_330),
    );
    verifier.verify(&signed).expect("the original verifies");

    let header = signed.headers()["webhook-signature"].to_str().unwrap();
    let mut bytes = engine.decode(header.strip_prefix("v1a,").unwrap()).unwrap();
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for (byte, l) in bytes[32..].iter_mut().zip(L) {
        let sum = u16::from(*byte) + u16::from(l) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    let mut malleated = signed.clone();
    malleated.headers_mut().insert(
        "webhook-signature",
        format!("v1a,{}", engine.encode(&bytes)).parse().unwrap(),
    );
    assert_eq!(
        verifier.verify(&malleated).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}

#[test]
fn paddle_vectors() {
    let verifier = verifier_at(providers::paddle(), "VALID_SECRET", at(1_698_796_800));
    for (body, header) in [
        (
            &br#"{"data": ["1", "2"]}"#[..],
            "ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9",
        ),
        (
            &br#"{"data": "value"}"#[..],
            "ts=1698796800;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261",
        ),
    ] {
        let req = http::Request::post("/")
            .header("paddle-signature", header)
            .body(Bytes::copy_from_slice(body))
            .unwrap();
        verifier.verify(&req).expect("vector verifies");
    }
    // Paddle's SDK tolerance is five seconds.
    let later = verifier_at(providers::paddle(), "VALID_SECRET", at(1_698_796_806));
    let req = request(
        "/",
        &[(
            "paddle-signature",
            "ts=1698796800;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261",
        )],
        br#"{"data": "value"}"#,
    );
    assert_eq!(
        later.verify(&req).unwrap_err().kind(),
        RejectionKind::TimestampExpired
    );
}

#[test]
fn twilio_refuses_a_body_outside_the_signature() {
    // Found by tests/properties.rs: a JSON body without bodySHA256 is not covered by the
    // URL-only signature, so a captured signature could carry any body.
    let twilio = providers::twilio().public_url("https://mycompany.com");
    let verifier = Verifier::new(twilio, "12345").expect("token");
    let uri = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let form_signature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    let swapped = request(
        uri,
        &[
            ("content-type", "application/json"),
            ("x-twilio-signature", form_signature),
        ],
        br#"{"forged": true}"#,
    );
    assert_eq!(
        verifier.verify(&swapped).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}
