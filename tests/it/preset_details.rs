//! Presets that are not a plain HMAC over headers and body: shared tokens (GitLab,
//! Telegram), two keys in two headers (Box), one header per key (DocuSign), a timestamp
//! first in the signature list (Recurly), a signature inside the body (Mailgun).
//! Expected signatures were computed independently with Python's hmac module, as the
//! comments show.

use crate::common::verifier_at;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::HeaderValue;
use tower_webhook::{providers, RejectionKind, Scheme, Signer, Verifier};

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

fn post(headers: &[(&str, &str)], body: &'static str) -> http::Request<Bytes> {
    let mut builder = http::Request::post("https://hooks.example.com/hook");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from_static(body.as_bytes())).unwrap()
}

#[test]
fn gitlab_token_is_compared_against_every_configured_token() {
    let v = verifier_at(providers::gitlab(), &["old token", "new token"], at(0));
    for token in ["old token", "new token"] {
        let delivery = v
            .verify(&post(
                &[
                    ("x-gitlab-token", token),
                    ("x-gitlab-event", "Push Hook"),
                    (
                        "x-gitlab-event-uuid",
                        "c8cbd5d0-8dee-4e4a-bb6e-93b2a8e8e1a6",
                    ),
                ],
                r#"{"object_kind":"push"}"#,
            ))
            .unwrap();
        assert_eq!(delivery.id(), "c8cbd5d0-8dee-4e4a-bb6e-93b2a8e8e1a6");
        assert_eq!(delivery.event_type(), Some("Push Hook"));
        // The UUID is not signed: replay protection keys on it and on the body together.
        assert!(!delivery.id_is_signed());
        assert!(!delivery.event_type_is_signed());
        assert_eq!(delivery.replay_keys().len(), 2);
    }
    let wrong = v.verify(&post(&[("x-gitlab-token", "new tokeN")], "{}"));
    assert_eq!(wrong.unwrap_err().kind(), RejectionKind::SignatureMismatch);
    let missing = v.verify(&post(&[], "{}"));
    assert_eq!(missing.unwrap_err().kind(), RejectionKind::MissingHeader);
}

/// Tokens are compared through fixed-size digests: a prefix, an extension, or any other
/// length of the right token is refused like any wrong token, with the same rejection.
#[test]
fn token_of_another_length_is_refused() {
    let v = verifier_at(providers::gitlab(), &["s3cret-token"], at(0));
    let with = |token: &str| post(&[("x-gitlab-token", token)], "{}");
    v.verify(&with("s3cret-token")).unwrap();
    for token in [
        "s3cret-toke",
        "s3cret-token ",
        "s3cret-token-s3cret-token",
        "s",
        "",
    ] {
        assert_eq!(
            v.verify(&with(token)).unwrap_err().kind(),
            RejectionKind::SignatureMismatch,
            "{token:?}"
        );
    }
}

#[test]
fn telegram_secret_token() {
    let v = verifier_at(providers::telegram(), &["tg-secret_1"], at(0));
    let signed = Signer::new(providers::telegram(), "tg-secret_1")
        .unwrap()
        .sign(post(&[], r#"{"update_id":1}"#))
        .unwrap();
    v.verify(&signed).unwrap();
    let forged = post(&[("x-telegram-bot-api-secret-token", "guess")], "{}");
    assert_eq!(
        v.verify(&forged).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}

const BOX_BODY: &str = r#"{"type":"webhook_event","trigger":"FILE.UPLOADED","source":{"id":"42"}}"#;
// python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'SamplePrimaryKey',
//   BOX_BODY.encode() + b'2023-11-14T22:13:20Z', hashlib.sha256).digest()))"
const BOX_PRIMARY: &str = "6lnrQl8LZ3w2ttt4wFGpiG65Qlk+bGJRt/z3vmAJrKM=";
const BOX_SECONDARY: &str = "GuvGO7/rmNf3TskX4J2ckcCjX375P0RpN5NwKaUwKZg=";

fn box_request(primary: &str, secondary: &str) -> http::Request<Bytes> {
    post(
        &[
            ("box-signature-primary", primary),
            ("box-signature-secondary", secondary),
            ("box-signature-version", "1"),
            ("box-signature-algorithm", "HmacSHA256"),
            ("box-delivery-timestamp", "2023-11-14T22:13:20Z"),
            ("box-delivery-id", "d1"),
        ],
        BOX_BODY,
    )
}

#[test]
fn box_checks_each_key_against_its_own_header() {
    let v = verifier_at(
        providers::box_com(),
        &["SamplePrimaryKey", "SampleSecondaryKey"],
        at(1_700_000_000),
    );
    let delivery = v.verify(&box_request(BOX_PRIMARY, BOX_SECONDARY)).unwrap();
    assert_eq!(delivery.id(), "d1");
    assert_eq!(delivery.event_type(), Some("FILE.UPLOADED"));
    // Rotating the primary key: the secondary still verifies.
    v.verify(&box_request("AAAA", BOX_SECONDARY)).unwrap();
    v.verify(&box_request(BOX_PRIMARY, "AAAA")).unwrap();
    // The primary signature under the secondary header does not pass.
    let swapped = v.verify(&box_request(BOX_SECONDARY, BOX_PRIMARY));
    assert_eq!(
        swapped.unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );

    let mut tampered = box_request(BOX_PRIMARY, BOX_SECONDARY);
    *tampered.body_mut() = Bytes::from_static(b"{}");
    assert_eq!(
        v.verify(&tampered).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );

    let mut moved = box_request(BOX_PRIMARY, BOX_SECONDARY);
    moved.headers_mut().insert(
        "box-delivery-timestamp",
        HeaderValue::from_static("2023-11-14T22:13:21Z"),
    );
    assert_eq!(
        v.verify(&moved).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );

    let mut version = box_request(BOX_PRIMARY, BOX_SECONDARY);
    version
        .headers_mut()
        .insert("box-signature-version", HeaderValue::from_static("2"));
    assert_eq!(
        v.verify(&version).unwrap_err().kind(),
        RejectionKind::MalformedHeader
    );

    // Box's default tolerance is ten minutes.
    let late = verifier_at(
        providers::box_com(),
        &["SamplePrimaryKey"],
        at(1_700_000_601),
    );
    let stale = late.verify(&box_request(BOX_PRIMARY, BOX_SECONDARY));
    assert_eq!(stale.unwrap_err().kind(), RejectionKind::TimestampExpired);
}

#[test]
fn box_sign_then_verify() {
    let now = SystemTime::now();
    let v = verifier_at(providers::box_com(), &["primary", "secondary"], now);
    let signed = Signer::new(providers::box_com(), "primary")
        .unwrap()
        .sign(post(&[], BOX_BODY))
        .unwrap();
    v.verify(&signed).unwrap();
}

// python3 -c "import hmac,hashlib; print(hmac.new(b'key-mailgun-signing',
//   b'1700000000a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0', hashlib.sha256).hexdigest())"
const MAILGUN_SIGNATURE: &str = "bc1d4695b271aaa416998b45ddede459c204863b78219cf9fc0d64a057a67253";

#[test]
fn mailgun_signature_inside_the_json_body() {
    let v = verifier_at(
        providers::mailgun(),
        &["key-mailgun-signing"],
        at(1_700_000_010),
    );
    let body = r#"{"signature":{"timestamp":"1700000000","token":"a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0","signature":"bc1d4695b271aaa416998b45ddede459c204863b78219cf9fc0d64a057a67253"},"event-data":{"event":"delivered","id":"CPgfbmQMTCKtHW6uIWtuVe"}}"#;
    let delivery = v
        .verify(&post(&[("content-type", "application/json")], body))
        .unwrap();
    assert_eq!(
        delivery.id(),
        "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    );
    assert_eq!(delivery.event_type(), Some("delivered"));
    assert_eq!(
        providers::mailgun::signature(
            "key-mailgun-signing",
            "1700000000",
            "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
        )
        .unwrap(),
        MAILGUN_SIGNATURE
    );

    let other_token = body.replace("a8ce0edb", "b8ce0edb");
    let req = http::Request::post("/")
        .body(Bytes::from(other_token))
        .unwrap();
    assert_eq!(
        v.verify(&req).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );

    let later = verifier_at(
        providers::mailgun(),
        &["key-mailgun-signing"],
        at(1_700_000_301),
    );
    let stale = later.verify(&post(&[], body));
    assert_eq!(stale.unwrap_err().kind(), RejectionKind::TimestampExpired);

    let wrong_key = verifier_at(providers::mailgun(), &["another key"], at(1_700_000_010));
    assert_eq!(
        wrong_key.verify(&post(&[], body)).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
    assert_eq!(
        v.verify(&post(&[], r#"{"event-data":{}}"#))
            .unwrap_err()
            .kind(),
        RejectionKind::MissingField
    );
}

#[test]
fn mailgun_legacy_form_fields() {
    let v = verifier_at(
        providers::mailgun(),
        &["key-mailgun-signing"],
        at(1_700_000_010),
    );
    let body = "timestamp=1700000000&token=a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0&signature=bc1d4695b271aaa416998b45ddede459c204863b78219cf9fc0d64a057a67253&event=opened";
    let delivery = v
        .verify(&post(
            &[("content-type", "application/x-www-form-urlencoded")],
            body,
        ))
        .unwrap();
    assert_eq!(delivery.event_type(), Some("opened"));
}

// python3 -c "import hmac,hashlib; print(hmac.new(b'lin_wh_secret', LINEAR_BODY.encode(),
//   hashlib.sha256).hexdigest())"
const LINEAR_BODY: &str =
    r#"{"action":"create","type":"Issue","data":{"id":"i1"},"webhookTimestamp":1700000000000}"#;

#[test]
fn linear_reads_its_timestamp_from_the_signed_body() {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"lin_wh_secret").unwrap();
    mac.update(LINEAR_BODY.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let request = post(
        &[("linear-signature", &signature), ("linear-delivery", "d-1")],
        LINEAR_BODY,
    );
    let v = verifier_at(providers::linear(), &["lin_wh_secret"], at(1_700_000_030));
    let delivery = v.verify(&request).unwrap();
    assert_eq!(delivery.timestamp(), Some(at(1_700_000_000)));
    assert_eq!(delivery.event_type(), Some("Issue"));
    // The id header is unsigned: it is a key together with the signature, never alone.
    assert!(!delivery.id_is_signed());
    assert!(delivery.event_type_is_signed());
    assert_eq!(
        delivery.replay_keys()[0],
        tower_webhook::replay::ReplayKey::new("linear", "d-1")
    );
    assert_eq!(delivery.replay_keys().len(), 2);
    // Linear's SDK tolerance is one minute.
    let late = verifier_at(providers::linear(), &["lin_wh_secret"], at(1_700_000_061));
    assert_eq!(
        late.verify(&request).unwrap_err().kind(),
        RejectionKind::TimestampExpired
    );
    let mut tampered = request.clone();
    *tampered.body_mut() = Bytes::from(LINEAR_BODY.replace("1700000000000", "1700000030000"));
    assert_eq!(
        v.verify(&tampered).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
}

// python3 -c 'import hmac,hashlib; print(hmac.new(b"recurly-old",
//   b"1700000000000.{\"id\":\"evt_1\"}", hashlib.sha256).hexdigest())'  (and recurly-new)
const RECURLY_OLD: &str = "747602e76dd1615cbd6d0e534645d411c796c9575c3237f299a842216f5c5d4c";
const RECURLY_NEW: &str = "df778eabcdd37bedafd4b1a3062fac7eb04ef79d01239d2854b981cf84633e3f";

#[test]
fn recurly_reads_the_timestamp_first_then_any_signature() {
    let header = |value: &str| post(&[("recurly-signature", value)], r#"{"id":"evt_1"}"#);
    let now = at(1_700_000_000);
    let v = verifier_at(providers::recurly(), &["recurly-new"], now);
    // Several signatures (Recurly signs with each active key): any may match.
    let delivery = v
        .verify(&header(&format!(
            "1700000000000,{RECURLY_OLD},{RECURLY_NEW}"
        )))
        .unwrap();
    assert_eq!(delivery.timestamp(), Some(now));
    assert_eq!(delivery.provider(), "recurly");
    v.verify(&header(&format!("1700000000000, {RECURLY_NEW}")))
        .unwrap();

    let old_only = v.verify(&header(&format!("1700000000000,{RECURLY_OLD}")));
    assert_eq!(
        old_only.unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
    // The timestamp is signed: moving it breaks the signature.
    let moved = v.verify(&header(&format!("1700000000001,{RECURLY_NEW}")));
    assert_eq!(moved.unwrap_err().kind(), RejectionKind::SignatureMismatch);
    // Ten minutes later it is stale, though the signature is valid.
    let later = verifier_at(providers::recurly(), &["recurly-new"], at(1_700_000_600));
    let stale = later.verify(&header(&format!("1700000000000,{RECURLY_NEW}")));
    assert_eq!(stale.unwrap_err().kind(), RejectionKind::TimestampExpired);

    for malformed in [
        String::from("1700000000000"),
        format!("{RECURLY_NEW},1700000000000"),
        format!("1700000000000,{}", &RECURLY_NEW[..62]),
        format!("1700000000000{}", format!(",{RECURLY_NEW}").repeat(17)),
    ] {
        let error = v.verify(&header(&malformed)).unwrap_err();
        assert_eq!(error.kind(), RejectionKind::MalformedHeader, "{malformed}");
    }
}

// python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b"docusign-key-1",
//   b"{\"event\":\"envelope-completed\",\"data\":{\"envelopeId\":\"e1\"}}", hashlib.sha256).digest()))'
const DOCUSIGN_BODY: &str = r#"{"event":"envelope-completed","data":{"envelopeId":"e1"}}"#;
const DOCUSIGN_KEY_1: &str = "42JM+n04fUJ8nGc5FQ944HrZuHvdOL1F1gI3kMRxcWw=";
const DOCUSIGN_KEY_2: &str = "M5GqK+tHP2yAfERonS6kycO6oC6mTS8uhsTFspqsAJ0=";

#[test]
fn docusign_matches_any_numbered_header_with_any_key() {
    // DocuSign sends one header per active key; the receiver may hold only one of them.
    let both = [
        ("x-docusign-signature-1", DOCUSIGN_KEY_1),
        ("x-docusign-signature-2", DOCUSIGN_KEY_2),
    ];
    for held in ["docusign-key-1", "docusign-key-2"] {
        let v = verifier_at(providers::docusign(), &[held], at(0));
        let delivery = v.verify(&post(&both, DOCUSIGN_BODY)).unwrap();
        assert_eq!(delivery.event_type(), Some("envelope-completed"));
        // No delivery id: the replay key is the signature itself.
        assert_eq!(delivery.provider(), "docusign");
    }
    // A garbled first header does not hide a valid second one.
    let v = verifier_at(providers::docusign(), &["docusign-key-2"], at(0));
    v.verify(&post(
        &[
            ("x-docusign-signature-1", "not base64!"),
            ("x-docusign-signature-2", DOCUSIGN_KEY_2),
        ],
        DOCUSIGN_BODY,
    ))
    .unwrap();

    let only_first = post(&[("x-docusign-signature-1", DOCUSIGN_KEY_1)], DOCUSIGN_BODY);
    let mismatch = v.verify(&only_first).unwrap_err();
    assert_eq!(mismatch.kind(), RejectionKind::SignatureMismatch);

    let tampered = post(
        &both,
        r#"{"event":"envelope-voided","data":{"envelopeId":"e1"}}"#,
    );
    assert_eq!(
        v.verify(&tampered).unwrap_err().kind(),
        RejectionKind::SignatureMismatch
    );
    let missing = v.verify(&post(&[], DOCUSIGN_BODY)).unwrap_err();
    assert_eq!(missing.kind(), RejectionKind::MissingHeader);
    let garbled = post(&[("x-docusign-signature-1", "AAAA")], DOCUSIGN_BODY);
    assert_eq!(
        v.verify(&garbled).unwrap_err().kind(),
        RejectionKind::MalformedHeader
    );

    // The work is bounded: more than 16 signature headers are refused before any MAC.
    let names: Vec<String> = (1..=17)
        .map(|n| format!("x-docusign-signature-{n}"))
        .collect();
    let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), DOCUSIGN_KEY_2)).collect();
    assert_eq!(
        v.verify(&post(&many, DOCUSIGN_BODY)).unwrap_err().kind(),
        RejectionKind::MalformedHeader
    );
}

#[test]
fn docusign_signs_what_it_verifies() {
    let signed = Signer::new(providers::docusign(), "docusign-key-1")
        .unwrap()
        .sign(post(&[], DOCUSIGN_BODY))
        .unwrap();
    assert_eq!(signed.headers()["x-docusign-signature-1"], DOCUSIGN_KEY_1);
}

/// Shopify Events deliveries send the webhook headers without their `X-` prefix, as
/// `@shopify/shopify-api` accepts.
#[test]
fn shopify_events_headers_without_the_x_prefix() {
    let secret = "shopify client secret";
    let signed = Signer::new(providers::shopify(), secret)
        .unwrap()
        .sign_with(
            http::Request::post("/")
                .header("x-shopify-topic", "orders/create")
                .body(Bytes::from_static(b"{\"id\":1}"))
                .unwrap(),
            "event-1",
            at(1_700_000_000),
        )
        .unwrap();
    let (mut parts, body) = signed.into_parts();
    for name in ["hmac-sha256", "event-id", "topic"] {
        let value = parts.headers.remove(format!("x-shopify-{name}")).unwrap();
        parts.headers.insert(
            http::HeaderName::try_from(format!("shopify-{name}")).unwrap(),
            value,
        );
    }
    let events = http::Request::from_parts(parts, body);
    let delivery = Verifier::new(providers::shopify(), secret)
        .unwrap()
        .verify(&events)
        .unwrap();
    assert_eq!(delivery.id(), "event-1");
    assert_eq!(delivery.event_type(), Some("orders/create"));
}

#[test]
fn schemes_say_their_algorithm_and_event_header() {
    use tower_webhook::scheme::Algorithm;
    let scheme = |name: &str| providers::find(name).expect(name).scheme();
    assert_eq!(
        scheme("github").signature_algorithm(),
        Some(Algorithm::Sha256)
    );
    assert_eq!(
        scheme("discord").signature_algorithm(),
        Some(Algorithm::Ed25519)
    );
    assert_eq!(
        scheme("twilio").signature_algorithm(),
        Some(Algorithm::Sha1)
    );
    assert_eq!(
        scheme("gitlab").signature_algorithm(),
        None,
        "a shared token"
    );
    assert_eq!(
        scheme("github").event_type_header().map(|h| h.as_str()),
        Some("x-github-event")
    );
    assert_eq!(scheme("stripe").event_type_header(), None, "in the body");
    assert_eq!(Algorithm::EcdsaP256Sha256.name(), "ECDSA P-256");
}

/// Twilio's forms are bounded: 256 parameters verify (empty pairs do not count), a 257th
/// is refused as a bad body before any MAC is computed, even when correctly signed.
#[test]
fn twilio_takes_at_most_256_form_parameters() {
    let scheme = || providers::twilio().public_url("https://hooks.example.com");
    let body = |n: usize, empty_pairs: bool| {
        let mut body = (0..n)
            .map(|i| format!("P{i}=v{i}"))
            .collect::<Vec<_>>()
            .join(if empty_pairs { "&&" } else { "&" });
        if empty_pairs {
            body.push_str("&&&");
        }
        Bytes::from(body)
    };
    let form = |n: usize, empty_pairs: bool| {
        let request = http::Request::post("https://hooks.example.com/twilio")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body(n.min(256), empty_pairs))
            .unwrap();
        // Signed with the most it can sign; a longer form gets that signature.
        let mut signed = Signer::new(scheme(), "auth token")
            .unwrap()
            .sign(request)
            .unwrap();
        *signed.body_mut() = body(n, empty_pairs);
        signed
    };
    let v = verifier_at(scheme(), &["auth token"], SystemTime::now());
    v.verify(&form(256, false)).unwrap();
    v.verify(&form(256, true)).unwrap();
    for request in [form(257, false), form(257, true), form(5000, false)] {
        let rejection = v.verify(&request).unwrap_err();
        assert_eq!(rejection.kind(), RejectionKind::InvalidBody, "{rejection}");
    }
}
