//! Every preset, through the public API: sign-then-verify, tamper-then-reject for the body,
//! each signed header and the timestamp, wrong secret, and rotation.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::HeaderValue;
use tower_webhook::{providers, RejectionKind, Scheme, Signer, Verifier};

const NOW: u64 = 1_700_000_000;
/// The public base URL of the URL-signed presets; every case's URI is under it.
const PUBLIC: &str = "https://hooks.example.com";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
}

type SignFn = Box<dyn Fn(&str, http::Request<Bytes>, SystemTime) -> http::Request<Bytes>>;
type VerifierFn = Box<dyn Fn(&[&str]) -> Verifier>;

/// One preset under test.
struct Case {
    name: &'static str,
    sign: SignFn,
    verifier: VerifierFn,
    /// Signing secrets (private keys for asymmetric schemes).
    secrets: [&'static str; 2],
    /// The verification secrets matching `secrets` (the public keys).
    public: [&'static str; 2],
    uri: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    /// Headers covered by the signature (besides the signature header itself).
    signed_headers: &'static [&'static str],
    /// Where the signed timestamp is: a header, or inside the signature header.
    timestamp: Option<&'static str>,
    expected_id: Option<&'static str>,
    expected_event: Option<&'static str>,
    /// The preset's default tolerance.
    tolerance: Duration,
}

fn case<S: Scheme + Clone>(name: &'static str, scheme: S) -> CaseBuilder<S> {
    CaseBuilder { name, scheme }
}

struct CaseBuilder<S> {
    name: &'static str,
    scheme: S,
}

const CATALOGUE_BODY: &[u8] = br#"{"id":"evt_1","type":"ping","event":{"id":"ev_1","event_type":"ping","type":"ping"},"event_id":"ev_1","event_type":"ping"}"#;

impl<S: Scheme + Clone> CaseBuilder<S> {
    /// A preset that signs the body alone, with no timestamp.
    fn body_only(
        self,
        expected_id: Option<&'static str>,
        expected_event: Option<&'static str>,
    ) -> Case {
        self.with(
            ["first secret", "second secret"],
            "https://hooks.example.com/hook",
            "application/json",
            CATALOGUE_BODY,
            &[],
            None,
            expected_id,
            expected_event,
        )
    }

    /// A preset whose timestamp is signed in `timestamp` (a header, or the signature
    /// header itself), besides the body and `signed_headers`.
    fn timestamped(
        self,
        timestamp: &'static str,
        signed_headers: &'static [&'static str],
        expected_id: Option<&'static str>,
        expected_event: Option<&'static str>,
    ) -> Case {
        self.with(
            ["first secret", "second secret"],
            "https://hooks.example.com/hook",
            "application/json",
            CATALOGUE_BODY,
            signed_headers,
            Some(timestamp),
            expected_id,
            expected_event,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn with(
        self,
        secrets: [&'static str; 2],
        uri: &'static str,
        content_type: &'static str,
        body: &'static [u8],
        signed_headers: &'static [&'static str],
        timestamp: Option<&'static str>,
        expected_id: Option<&'static str>,
        expected_event: Option<&'static str>,
    ) -> Case {
        let tolerance = self.scheme.default_tolerance();
        let (sign_scheme, verify_scheme) = (self.scheme.clone(), self.scheme);
        Case {
            tolerance,
            name: self.name,
            sign: Box::new(move |secret, request, at| {
                Signer::new(sign_scheme.clone(), secret)
                    .sign_with(request, "msg_2mXyZ0123", at)
                    .expect("sign")
            }),
            verifier: Box::new(move |secrets| {
                Verifier::builder(verify_scheme.clone())
                    .secrets(secrets.iter().copied())
                    .clock(now)
                    .build()
                    .expect("verifier")
            }),
            secrets,
            public: secrets,
            uri,
            content_type,
            body,
            signed_headers,
            timestamp,
            expected_id,
            expected_event,
        }
    }
}

fn cases() -> Vec<Case> {
    vec![
        case("standard-webhooks", providers::standard_webhooks()).with(
            [
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"type":"invoice.paid","data":{"id":1}}"#,
            &["webhook-id", "webhook-timestamp"],
            Some("webhook-timestamp"),
            Some("msg_2mXyZ0123"),
            Some("invoice.paid"),
        ),
        case("svix", providers::svix()).with(
            [
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"type":"user.created","data":{}}"#,
            &["svix-id", "svix-timestamp"],
            Some("svix-timestamp"),
            Some("msg_2mXyZ0123"),
            Some("user.created"),
        ),
        case("stripe", providers::stripe()).with(
            ["whsec_old_0123456789", "whsec_new_9876543210"],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"id":"evt_1NG8Du2eZvKYlo2C","type":"payment_intent.succeeded"}"#,
            &[],
            Some("stripe-signature"),
            Some("evt_1NG8Du2eZvKYlo2C"),
            Some("payment_intent.succeeded"),
        ),
        case("github", providers::github()).with(
            ["old github secret", "new github secret"],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"zen":"Design for failure."}"#,
            &[],
            None,
            None,
            None,
        ),
        case("slack", providers::slack()).with(
            ["8f742231b10e8888abcd99yyyzzz85a5", "0123456789abcdef0123456789abcdef"],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"type":"event_callback","event_id":"Ev08MFMKH6","event":{"type":"app_mention"}}"#,
            &["x-slack-request-timestamp"],
            Some("x-slack-request-timestamp"),
            Some("Ev08MFMKH6"),
            Some("app_mention"),
        ),
        case("shopify", providers::shopify()).with(
            ["shpss_old", "shpss_new"],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"id":820982911946154508,"email":"jon@example.com"}"#,
            &[],
            None,
            None,
            None,
        ),
        case("twilio form", providers::twilio().public_url(PUBLIC).unwrap()).with(
            ["old auth token", "new auth token"],
            "https://hooks.example.com/twilio/sms?account=1",
            "application/x-www-form-urlencoded",
            b"MessageSid=SM123&Body=Hello+world&From=%2B14155550100&To=%2B14155550199",
            &[],
            None,
            Some("msg_2mXyZ0123"),
            None,
        ),
        case("twilio json", providers::twilio().public_url(PUBLIC).unwrap()).with(
            ["old auth token", "new auth token"],
            "https://hooks.example.com/twilio/events?bodySHA256=a9ea5ba21ba2d6fd1f1fb6fad1ea7cc0bb3f1b0fa9fbb0f8b2fa6e2cbce3ba0e",
            "application/json",
            br#"{"event":"call.completed"}"#,
            &[],
            None,
            Some("msg_2mXyZ0123"),
            None,
        ),
        case("paddle", providers::paddle()).timestamped(
            "paddle-signature",
            &[],
            Some("ev_1"),
            Some("ping"),
        ),
        case("pagerduty", providers::pagerduty()).body_only(Some("ev_1"), Some("ping")),
        case("coinbase-commerce", providers::coinbase_commerce()).body_only(Some("evt_1"), Some("ping")),
        case("lemon-squeezy", providers::lemon_squeezy()).body_only(None, None),
        case("razorpay", providers::razorpay()).body_only(None, None),
        case("sentry", providers::sentry()).body_only(None, None),
        case("mux", providers::mux()).timestamped("mux-signature", &[], Some("evt_1"), Some("ping")),
        case("typeform", providers::typeform()).body_only(Some("ev_1"), Some("ping")),
        case("bitbucket", providers::bitbucket()).body_only(None, None),
        case("clerk", providers::clerk()).timestamped(
            "svix-timestamp",
            &["svix-id", "svix-timestamp"],
            Some("msg_2mXyZ0123"),
            Some("ping"),
        ).keys(WHSEC, WHSEC),
        case("resend", providers::resend()).timestamped(
            "svix-timestamp",
            &["svix-id", "svix-timestamp"],
            Some("msg_2mXyZ0123"),
            Some("ping"),
        ).keys(WHSEC, WHSEC),
        case("openai", providers::openai()).timestamped(
            "webhook-timestamp",
            &["webhook-id", "webhook-timestamp"],
            Some("msg_2mXyZ0123"),
            Some("ping"),
        ).keys(WHSEC, WHSEC),
        case("dropbox", providers::dropbox()).body_only(None, None),
        case("meta", providers::meta("verify-token")).body_only(None, None),
        case("zoom", providers::zoom()).timestamped(
            "x-zm-request-timestamp",
            &["x-zm-request-timestamp"],
            None,
            None,
        ),
        case("twitch", providers::twitch()).timestamped(
            "twitch-eventsub-message-timestamp",
            &["twitch-eventsub-message-id", "twitch-eventsub-message-timestamp"],
            Some("msg_2mXyZ0123"),
            None,
        ),
        case("discord", providers::discord())
            .timestamped("x-signature-timestamp", &["x-signature-timestamp"], Some("evt_1"), Some("ping"))
            .keys(ED25519_SEEDS, ED25519_PUBLIC),
        case("standard-webhooks v1a", providers::standard_webhooks_ed25519())
            .timestamped(
                "webhook-timestamp",
                &["webhook-id", "webhook-timestamp"],
                Some("msg_2mXyZ0123"),
                Some("ping"),
            )
            .keys(
                [
                    "whsk_dpuTo74FiX8h/xBWTwVLbDBV2RZTS0SjRQoTNn43XK0=",
                    "whsk_uHNYRJWtwIlBZBfzbmvBNT2ywp5AUeiIxmt/YapTnes=",
                ],
                [
                    "whpk_cAcg86Wd3mkGNkDwKaBvOuQsrj1abd3PygFb53kuhxw=",
                    "whpk_q3g2vUTiJBInPmIMJQsTtfDSWzwaB8iNn/BNtKMWeBA=",
                ],
            ),
        case("sendgrid", providers::sendgrid())
            .timestamped(
                "x-twilio-email-event-webhook-timestamp",
                &["x-twilio-email-event-webhook-timestamp"],
                None,
                None,
            )
            .keys(P256_PKCS8, P256_SPKI),
        case("square", providers::square().with_public_url(PUBLIC).unwrap()).body_only(None, Some("ping")),
        case("paystack", providers::paystack()).body_only(None, None),
        case("woocommerce", providers::woocommerce()).body_only(None, None),
        case("gocardless", providers::gocardless()).body_only(None, None),
        case("xero", providers::xero()).body_only(None, None),
        case("quickbooks", providers::quickbooks()).body_only(None, None),
        case("line", providers::line()).body_only(None, None),
        case("viber", providers::viber()).body_only(None, None),
        case("alchemy", providers::alchemy()).body_only(Some("evt_1"), Some("ping")),
        case("gitea", providers::gitea()).body_only(None, None),
        case("terraform_cloud", providers::terraform_cloud()).body_only(None, None),
        case("heroku", providers::heroku()).body_only(None, None),
        case("checkout_com", providers::checkout_com()).body_only(Some("evt_1"), Some("ping")),
        case("docusign", providers::docusign()).body_only(None, None),
        // Squarespace's secrets are hexadecimal: any 32 bytes of hex will do.
        case("squarespace", providers::squarespace()).body_only(Some("evt_1"), None).keys(ED25519_SEEDS, ED25519_SEEDS),
        case("maxio", providers::maxio()).body_only(None, None),
        case("cal_com", providers::cal_com()).body_only(None, None),
        case("circleci", providers::circleci()).body_only(Some("evt_1"), Some("ping")),
        case("notion", providers::notion()).body_only(Some("evt_1"), Some("ping")),
        case("asana", providers::asana()).body_only(None, None),
        case("intercom", providers::intercom()).body_only(Some("evt_1"), None),
        case("vercel", providers::vercel()).body_only(Some("evt_1"), Some("ping")),
        case("trello", providers::trello().with_public_url(PUBLIC).unwrap()).body_only(None, None),
        case("calendly", providers::calendly()).timestamped("calendly-webhook-signature", &[], None, None),
        case("recurly", providers::recurly()).timestamped("recurly-signature", &[], None, None),
        case("workos", providers::workos()).timestamped("workos-signature", &[], Some("evt_1"), None),
        case("webflow", providers::webflow()).timestamped("x-webflow-timestamp", &["x-webflow-timestamp"], None, None),
        case("customer_io", providers::customer_io()).timestamped("x-cio-timestamp", &["x-cio-timestamp"], Some("ev_1"), None),
        case("buildkite", providers::buildkite()).timestamped("x-buildkite-signature", &[], None, None),
        case("elevenlabs", providers::elevenlabs()).timestamped("elevenlabs-signature", &[], None, Some("ping")),
        case("zendesk", providers::zendesk()).timestamped("x-zendesk-webhook-signature-timestamp", &["x-zendesk-webhook-signature-timestamp"], None, None),
        case("hubspot", providers::hubspot().with_public_url(PUBLIC).unwrap()).timestamped("x-hubspot-request-timestamp", &["x-hubspot-request-timestamp"], None, None),
        case("telnyx", providers::telnyx()).timestamped("telnyx-timestamp", &["telnyx-timestamp"], None, None).keys(TELNYX_SEEDS, TELNYX_PUBLIC),
        case("replicate", providers::replicate()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")).keys(WHSEC, WHSEC),
    ]
}

impl Case {
    /// For asymmetric schemes: sign with `private` keys, verify with `public` keys.
    fn keys(mut self, private: [&'static str; 2], public: [&'static str; 2]) -> Case {
        self.secrets = private;
        self.public = public;
        self
    }
}

const WHSEC: [&str; 2] = [
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
];
const ED25519_SEEDS: [&str; 2] = [
    "769b93a3be05897f21ff10564f054b6c3055d916534b44a3450a13367e375cad",
    "b873584495adc089416417f36e6bc1353db2c29e4051e888c66b7f61aa539deb",
];
const ED25519_PUBLIC: [&str; 2] = [
    "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c",
    "ab7836bd44e22412273e620c250b13b5f0d25b3c1a07c88d9ff04db4a3167810",
];
const TELNYX_SEEDS: [&str; 2] = [
    "dpuTo74FiX8h/xBWTwVLbDBV2RZTS0SjRQoTNn43XK0=",
    "uHNYRJWtwIlBZBfzbmvBNT2ywp5AUeiIxmt/YapTnes=",
];
const TELNYX_PUBLIC: [&str; 2] = [
    "cAcg86Wd3mkGNkDwKaBvOuQsrj1abd3PygFb53kuhxw=",
    "q3g2vUTiJBInPmIMJQsTtfDSWzwaB8iNn/BNtKMWeBA=",
];
const P256_PKCS8: [&str; 2] = [
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2ZiRbsQeKPRRrCda4siCwFqbRwslq9Sh+fWnall1UROhRANCAATboxPY3vrBxvSMLS0Ub680OtznqJrmYWsAY7sjfmKvdJasuAFoFS26w6+ZP8z+4b5Xrzz/i+vsdxMeiZlb1y+f",
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg50gUqi6FEPAhOUviwNsWyKgoz26shSFSmkXMkptFEFahRANCAARpXF2Z29J6oWhWUbR2aRHj7TqEzPc06wmbzAP2YZYnvPoAps34DVu1P8psv42xtwOlV7GdGe4LJAFe4bQ9YCC7",
];
const P256_SPKI: [&str; 2] = [
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE26MT2N76wcb0jC0tFG+vNDrc56ia5mFrAGO7I35ir3SWrLgBaBUtusOvmT/M/uG+V688/4vr7HcTHomZW9cvnw==",
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaVxdmdvSeqFoVlG0dmkR4+06hMz3NOsJm8wD9mGWJ7z6AKbN+A1btT/KbL+NsbcDpVexnRnuCyQBXuG0PWAguw==",
];

fn unsigned(case: &Case, body: &'static [u8]) -> http::Request<Bytes> {
    let mut uri = case.uri.to_owned();
    if let Some((base, _)) = uri.split_once("bodySHA256=") {
        uri = format!("{base}bodySHA256={}", providers::twilio_body_sha256(body));
    }
    http::Request::post(uri)
        .header("content-type", case.content_type)
        .body(Bytes::from_static(body))
        .expect("request")
}

fn signed(case: &Case, secret: &str, at: SystemTime) -> http::Request<Bytes> {
    (case.sign)(secret, unsigned(case, case.body), at)
}

/// Changes one character of a header value, keeping it well-formed.
fn tamper_value(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    let i = chars
        .iter()
        .rposition(|c| c.is_ascii_digit())
        .expect("a digit to change");
    chars[i] = if chars[i] == '1' { '2' } else { '1' };
    chars.into_iter().collect()
}

#[test]
fn sign_then_verify() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        let delivery = verifier
            .verify(&signed(&case, case.secrets[0], now()))
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(delivery.body().as_ref(), case.body, "{}", case.name);
        if let Some(id) = case.expected_id {
            assert_eq!(delivery.id(), id, "{}", case.name);
        }
        assert_eq!(delivery.event_type(), case.expected_event, "{}", case.name);
    }
}

#[test]
fn tampered_body_is_rejected() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        let good = signed(&case, case.secrets[0], now());
        let (parts, body) = good.into_parts();
        let mut tampered = body.to_vec();
        let last = tampered.len() - 2;
        tampered[last] ^= 0x01;
        let bad = http::Request::from_parts(parts, Bytes::from(tampered));
        let kind = verifier.verify(&bad).expect_err(case.name).kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{}", case.name);
    }
}

#[test]
fn tampered_signed_headers_are_rejected() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        for header in case.signed_headers {
            let mut bad = signed(&case, case.secrets[0], now());
            let value = bad.headers()[*header].to_str().expect("ascii").to_owned();
            let changed = if case.timestamp == Some(*header) {
                tamper_value(&value)
            } else {
                format!("{value}x")
            };
            bad.headers_mut()
                .insert(*header, HeaderValue::try_from(changed).expect("header"));
            let kind = verifier.verify(&bad).expect_err(header).kind();
            assert_eq!(
                kind,
                RejectionKind::SignatureMismatch,
                "{} {header}",
                case.name
            );
        }
    }
}

#[test]
fn tampered_timestamp_is_rejected() {
    for case in cases() {
        let Some(header) = case.timestamp else {
            continue;
        };
        let verifier = (case.verifier)(&[case.public[0]]);
        let mut bad = signed(&case, case.secrets[0], now());
        let value = bad.headers()[header].to_str().expect("ascii").to_owned();
        // Unix seconds or milliseconds (alone, or as the `t=` entry of a signature header)
        // move by one second; other formats change one digit.
        let changed = if value.contains(&NOW.to_string()) {
            value.replacen(&NOW.to_string(), &(NOW + 1).to_string(), 1)
        } else {
            tamper_value(&value)
        };
        assert_ne!(changed, value);
        bad.headers_mut()
            .insert(header, HeaderValue::try_from(changed).expect("header"));
        let kind = verifier.verify(&bad).expect_err(case.name).kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{}", case.name);
    }
}

#[test]
fn stale_and_future_timestamps_are_rejected() {
    for case in cases().into_iter().filter(|c| c.timestamp.is_some()) {
        let verifier = (case.verifier)(&[case.public[0]]);
        let second = Duration::from_secs(1);
        let stale = signed(&case, case.secrets[0], now() - case.tolerance - second);
        assert_eq!(
            verifier.verify(&stale).expect_err(case.name).kind(),
            RejectionKind::TimestampExpired,
            "{}",
            case.name
        );
        let future = signed(&case, case.secrets[0], now() + case.tolerance + second);
        assert_eq!(
            verifier.verify(&future).expect_err(case.name).kind(),
            RejectionKind::TimestampInFuture,
            "{}",
            case.name
        );
        let edge = signed(&case, case.secrets[0], now() - case.tolerance + second);
        verifier.verify(&edge).expect(case.name);
    }
}

#[test]
fn wrong_secret_is_rejected() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[1]]);
        let request = signed(&case, case.secrets[0], now());
        let kind = verifier.verify(&request).expect_err(case.name).kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{}", case.name);
    }
}

#[test]
fn rotation_accepts_old_and_new_secrets() {
    for case in cases() {
        let verifier = (case.verifier)(&case.public);
        for secret in case.secrets {
            verifier
                .verify(&signed(&case, secret, now()))
                .unwrap_or_else(|e| panic!("{} {secret}: {e}", case.name));
        }
    }
}

#[test]
fn missing_signature_is_rejected() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        let kind = verifier
            .verify(&unsigned(&case, case.body))
            .expect_err(case.name)
            .kind();
        assert_eq!(kind, RejectionKind::MissingHeader, "{}", case.name);
    }
}

#[test]
fn stripe_passes_when_any_v1_matches() {
    let verifier = Verifier::builder(providers::stripe())
        .secret("whsec_new")
        .clock(now)
        .build()
        .unwrap();
    let good = Signer::new(providers::stripe(), "whsec_new")
        .sign_with(
            http::Request::post("/")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
            "x",
            now(),
        )
        .unwrap();
    let header = good.headers()["stripe-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let (t, v1) = header.split_once(",v1=").unwrap();
    let rolled = format!("{t},v1={},v1={v1},v0=deadbeef", "0".repeat(64));
    let mut request = good;
    request
        .headers_mut()
        .insert("stripe-signature", HeaderValue::try_from(rolled).unwrap());
    verifier.verify(&request).expect("second v1 matches");
}

#[test]
fn standard_webhooks_ignores_unknown_versions_and_passes_any_v1() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let verifier = Verifier::builder(providers::standard_webhooks())
        .secret(secret)
        .clock(now)
        .build()
        .unwrap();
    let mut request = Signer::new(providers::standard_webhooks(), secret)
        .sign_with(
            http::Request::post("/")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
            "msg_1",
            now(),
        )
        .unwrap();
    let good = request.headers()["webhook-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let list = format!("v2,abc v1,{} {good}", "A".repeat(43) + "=");
    request
        .headers_mut()
        .insert("webhook-signature", HeaderValue::try_from(list).unwrap());
    verifier.verify(&request).expect("a later v1 matches");
}

#[test]
fn malformed_secrets_fail_at_build_time() {
    let error = Verifier::new(providers::standard_webhooks(), "whsec_not base64!").unwrap_err();
    assert!(error.to_string().contains("base64"), "{error}");
    assert!(
        !error.to_string().contains("not base64!"),
        "secret leaked: {error}"
    );
    assert!(Verifier::new(providers::github(), "").is_err());
    assert!(Verifier::builder(providers::github()).build().is_err());
}

#[test]
fn malformed_and_weak_public_keys_fail_at_build_time() {
    // Not hex, and the wrong length.
    assert!(Verifier::new(providers::discord(), "not a key").is_err());
    assert!(Verifier::new(providers::discord(), "0011").is_err());
    // The identity point (y = 1) and another small-order point (y = 0): keys for which
    // signatures can be made without any private key. They decode as curve points, so only
    // the small-order check refuses them.
    let identity = format!("01{}", "00".repeat(31));
    let order_four = "00".repeat(32);
    for weak in [identity, order_four] {
        let error = Verifier::new(providers::discord(), weak.as_str()).unwrap_err();
        assert!(error.to_string().contains("small-order"), "{error}");
    }
    // A real key still works.
    let public = "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c";
    assert!(Verifier::new(providers::discord(), public).is_ok());
}

#[test]
fn stripe_secret_is_used_as_text_not_base64() {
    // Both Stripe and Standard Webhooks secrets start with whsec_, but Stripe keys the
    // HMAC with the whole string. A Standard Webhooks signature made with the decoded
    // key must not pass Stripe verification, and vice versa.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = Bytes::from_static(b"{\"id\":\"evt_1\"}");
    let signed = Signer::new(providers::stripe(), secret)
        .sign_with(http::Request::post("/").body(body).unwrap(), "x", now())
        .unwrap();
    let header = signed.headers()["stripe-signature"].to_str().unwrap();
    let v1 = header.split(",v1=").nth(1).unwrap();
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{NOW}.{{\"id\":\"evt_1\"}}").as_bytes());
    assert_eq!(v1, hex::encode(mac.finalize().into_bytes()));
}

#[test]
fn signer_refuses_ids_a_verifier_cannot_read() {
    // Found by the sign_verify fuzz target: a non-ASCII id became a header value that no
    // verifier reads as text, so the signed request could never verify.
    let request = http::Request::post("/")
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let signed = Signer::new(providers::shopify(), "secret").sign_with(request, "\u{7e4}]]", now());
    assert!(signed.is_err());
}
