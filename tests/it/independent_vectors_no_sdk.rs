//! Presets whose provider publishes no test vector and ships no SDK helper, checked
//! against signatures computed independently with Python's hmac module from each
//! provider's documented recipe: `python3 scripts/independent_vectors_more.py` prints
//! this table.

use crate::common::verifier_at;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, RejectionKind, Verifier};

const BODY: &str = r#"{"id":"evt_1","type":"ping","event":"ping","data":{"id":"evt_1","attributes":{"name":"ping"}}}"#;
const T: u64 = 1_700_000_000;

/// Preset, secret, signature header, its value, other headers.
type Vector = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

#[rustfmt::skip]
const VECTORS: &[Vector] = &[
    ("persona", "wbhsec_persona", "persona-signature", "t=1700000000,v1=82b824e4c66af97e5c5becfc7e6f860096a8117fe89299f311dac246a3dab184", &[]),
    ("revolut", "wsk_revolut", "revolut-signature", "v1=43dbc312643d8143f03676fb40d295548f19a773e6cc9fc3ebd32bb58ebe9674", &[("revolut-request-timestamp", "1700000000000")]),
    ("nylas", "nylas-webhook-secret", "x-nylas-signature", "8cd7375b1312226a7c338a9a1e45e5834fb832c7ff0e9d48af4819a690c4f656", &[]),
    ("attio", "attio-secret", "attio-signature", "2db390a0e8b007625554506acf8494f934a6252be3c44e28ac1aba3496f4b533", &[("idempotency-key", "idem-1")]),
    ("grafana", "grafana-hmac-secret", "x-grafana-alerting-signature", "fe5357abd2307beda74fc2ea2eef06d71a9637004a7664c949d6159042171a1f", &[]),
    ("grafana_timestamped", "grafana-hmac-secret", "x-grafana-alerting-signature", "65493c4801229960ff708ab1d00e2af41c93a38d4cb4033c8da6727bf18d9d2f", &[("x-grafana-alerting-timestamp", "1700000000")]),
    ("frame_io", "frameio-signing-secret", "x-frameio-signature", "v0=acc24d26e63feea38ba260e16ab5f66bf36870f95e58e5e78141e3fbac200ce9", &[("x-frameio-request-timestamp", "1700000000")]),
    ("veriff", "veriff-shared-secret", "x-hmac-signature", "34d971d4e57163651a07464e15aee2def769770d29339714819f0e19275c88b8", &[("x-auth-client", "veriff-public-api-key")]),
    ("segment", "segment-shared-secret", "x-signature", "e8531fe1687d0a821aa7202607784b1b41269754", &[]),
    ("launchdarkly", "ld-webhook-secret", "x-ld-signature", "90c39790af95b074bbb9c5e7468f9c61ba2ec0dd3ad4f8e578e01a31fa1a970d", &[]),
    ("clickup", "clickup-webhook-secret", "x-signature", "2483e049adc5bf859a62d96333855bb83d6a203f64e24c4ba4f4e905bfcafcfe", &[]),
    ("webex", "somesupersecretphrase", "x-spark-signature", "8fa6c14040a21f05bf444175e1188d073b4d0047", &[]),
    ("dwolla", "sshhhhhh", "x-request-signature-sha-256", "3f22df71b9d2483408f6707cd4f16d8803b155ee3b9daf2dfb9cee95833f7011", &[]),
    ("gogs", "gogs-webhook-secret", "x-gogs-signature", "c43738aa5483d0a7cbd54bb3f250687410dd4c51c0f247ea78792460584b4a0b", &[("x-gogs-delivery", "f6266f16-1bf3-46a5-9ea4-602e06ead473"), ("x-gogs-event", "push")]),
    ("fastspring", "fs-hmac-sha256-secret", "x-fs-signature", "pKuKOAB3Yooo9/Tp1DAgoQxnw8bjLGa2gpCfQLY9HaI=", &[]),
    ("acuity", "acuity-api-key", "x-acuity-signature", "2wuEYH/kZttoPlVkWTjDfmUFYuOsaDWH6WcaXwEDogc=", &[]),
    ("knock", "knock-webhook-secret", "x-knock-signature", "t=1700000000000,s=HxIn8YLtKdi31W5+3wKBGkz2HvT5F6rqAiW2LVuGcbQ=", &[]),
    ("novu", "novu-secret-hmac-key", "x-novu-signature", "4f8e18760ee13ae1f9543bf68941ce8584182259c2a10820650507413df148b2", &[]),
    ("courier", "courier-webhook-secret", "courier-signature", "t=1700000000000,signature=c93612b1d32a6c74b0099f7e93fdce06a4b71d8cd6d1db67a90ca0b88741ddbc", &[]),
    ("help_scout", "helpscout-secret-key", "x-helpscout-signature", "YSVTwQOQS2zGFG106cgCIUcgHVI=", &[("x-helpscout-event", "convo.created")]),
    ("discourse", "discourse-webhook-secret", "x-discourse-event-signature", "sha256=46ac7d7c8856050166ddc4ac8ed162dfd70a38fbfc6af17c996d35e6bbeaedd9", &[("x-discourse-event-id", "42"), ("x-discourse-event", "post_created")]),
    ("todoist", "todoist-client-secret", "x-todoist-hmac-sha256", "0LN5mUcGNSUUlT6CZsNRQ2jfuVDZs35qFXJ8Kzet880=", &[("x-todoist-delivery-id", "df2f6e8c-8c6a-4e5c-9d3f-0c1a2b3c4d5e")]),
    ("toggl", "toggl-subscription-secret", "x-webhook-signature-256", "sha256=296487e65d843fa6bcce5bac59428989012887a0f99dc3b44ece5cf1c8fa8e0f", &[]),
    ("front_rule", "front-api-secret", "x-front-signature", "m3Is3rVPHW+MZfXwLvVrhHREy0U=", &[]),
    ("smartsurvey", "smartsurvey-signature-key", "x-smartsurvey-signature", "ab30194f581dc189aefe90b175bcfa4f6f8c2d289202acb9a59e63f6492abea9", &[]),
    ("datasaur", "datasaur-webhook-secret", "x-datasaur-signature", "731c466b4cf41575069ce805c8249d12408bf99ae999e8781c44b8e1d63429ce", &[]),
    ("coinify", "coinify-shared-secret", "x-coinify-webhook-signature", "f4d136b690f79cee2965f31a8777bf216e048682b19cf1a77817a3ee4ef889bf", &[]),
    ("aftership", "aftership-webhook-secret", "aftership-hmac-sha256", "CtBh89tubFgiMzPleHn91BZLE6aP4HICc+qVerlDkHY=", &[]),
    ("bunny_stream", "bunny-library-read-only-key", "x-bunnystream-signature", "c0637049c6292d921452920f9cfc6cf9bebe23804fa43160ac95864ad13a41e0", &[("x-bunnystream-signature-version", "v1"), ("x-bunnystream-signature-algorithm", "hmac-sha256")]),
    ("survicate", "survicate-signing-secret", "hmac", "81ef3dea55a276c9674efeaa66f74813ba90b29deb1d57149e55a49d278703f1", &[]),
    ("strike", "strike-webhook-secret", "x-webhook-signature", "f6edf46477687e96565ca4ad0b08893ecf700af6ce876b23299935a0cb80a19d", &[]),
];

fn verifier(preset: &str, secret: &str) -> Verifier {
    let preset = providers::find(preset).unwrap_or_else(|| panic!("no preset {preset}"));
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(T);
    verifier_at(preset.scheme(), &[secret], now)
}

fn request(header: &str, value: &str, extra: &[(&str, &str)], body: &str) -> http::Request<Bytes> {
    let mut builder = http::Request::post("https://hooks.example.com/hook")
        .header(header, value)
        .header("content-type", "application/json");
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

#[test]
fn independently_computed_vectors_verify() {
    for (preset, secret, header, value, extra) in VECTORS {
        let delivery = verifier(preset, secret)
            .verify(&request(header, value, extra, BODY))
            .unwrap_or_else(|e| panic!("{preset}: {e}"));
        assert_eq!(delivery.body(), BODY.as_bytes(), "{preset}");
        // The same signature under another secret, or over another body, does not verify.
        let kind = verifier(preset, "another secret")
            .verify(&request(header, value, extra, BODY))
            .expect_err(preset)
            .kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{preset}");
        let tampered = BODY.replace("ping", "pong");
        let kind = verifier(preset, secret)
            .verify(&request(header, value, extra, &tampered))
            .expect_err(preset)
            .kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{preset}");
    }
}

/// A value the delivery reports, and whether it is covered by the signature.
type Reported = Option<(&'static str, bool)>;

/// What each vector's delivery reports as its id and event type, read from signed data
/// where the preset says so.
#[test]
fn ids_and_event_types_come_from_where_the_presets_say() {
    let expected: &[(&str, Reported, Reported)] = &[
        ("persona", Some(("evt_1", true)), Some(("ping", true))),
        ("revolut", None, Some(("ping", true))),
        ("nylas", None, None),
        ("attio", Some(("idem-1", false)), None),
        ("segment", None, None),
        ("grafana", None, None),
        ("grafana_timestamped", None, None),
        ("frame_io", None, Some(("ping", true))),
        ("veriff", None, None),
        ("launchdarkly", None, None),
        ("clickup", None, Some(("ping", true))),
        ("webex", None, None),
        ("dwolla", Some(("evt_1", true)), None),
        (
            "gogs",
            Some(("f6266f16-1bf3-46a5-9ea4-602e06ead473", false)),
            Some(("push", false)),
        ),
        ("fastspring", None, None),
        ("acuity", None, None),
        ("knock", None, Some(("ping", true))),
        ("novu", None, None),
        ("courier", None, Some(("ping", true))),
        ("help_scout", None, Some(("convo.created", false))),
        (
            "discourse",
            Some(("42", false)),
            Some(("post_created", false)),
        ),
        (
            "todoist",
            Some(("df2f6e8c-8c6a-4e5c-9d3f-0c1a2b3c4d5e", false)),
            None,
        ),
        ("toggl", None, None),
        ("front_rule", None, None),
        ("smartsurvey", None, None),
        ("datasaur", None, None),
        ("coinify", None, None),
        ("aftership", None, None),
        ("bunny_stream", None, None),
        ("survicate", None, None),
        ("strike", None, None),
    ];
    for (preset, id, event) in expected {
        let (_, secret, header, value, extra) =
            VECTORS.iter().find(|vector| vector.0 == *preset).unwrap();
        let delivery = verifier(preset, secret)
            .verify(&request(header, value, extra, BODY))
            .unwrap();
        match id {
            Some((id, signed)) => {
                assert_eq!(delivery.id(), *id, "{preset}");
                assert_eq!(delivery.id_is_signed(), *signed, "{preset}");
            }
            None => assert!(delivery.id_is_fingerprint(), "{preset}"),
        }
        match event {
            Some((event, signed)) => {
                assert_eq!(delivery.event_type(), Some(*event), "{preset}");
                assert_eq!(delivery.event_type_is_signed(), *signed, "{preset}");
            }
            None => assert_eq!(delivery.event_type(), None, "{preset}"),
        }
    }
}

/// Attio duplicates its signature as `X-Attio-Signature`, read when `Attio-Signature` is
/// absent.
#[test]
fn attio_legacy_signature_header_is_read() {
    let (_, secret, _, value, extra) = VECTORS.iter().find(|v| v.0 == "attio").unwrap();
    verifier("attio", secret)
        .verify(&request("x-attio-signature", value, extra, BODY))
        .expect("legacy header");
}

/// LaunchDarkly's delivery id is the signed body's `_id` (its audit log entry's id); the
/// signature is the script's `LD_ID_VECTOR`.
#[test]
fn launchdarkly_id_is_the_signed_audit_log_entry_id() {
    let body = r#"{"_id":"57c0a8e29969090743529965","date":1472243938774,"kind":"environment"}"#;
    let signature = "ccdef7f3e2e55d62f11378ae1b8410ffb63462423b6c686ff3ca5cd563c95e03";
    let delivery = verifier("launchdarkly", "ld-webhook-secret")
        .verify(&request("x-ld-signature", signature, &[], body))
        .expect("verifies");
    assert_eq!(delivery.id(), "57c0a8e29969090743529965");
    assert!(delivery.id_is_signed());
}

/// Acuity posts a form (`application/x-www-form-urlencoded`): its bytes are what is signed;
/// the signature is the script's `ACUITY_FORM_VECTOR`.
#[test]
fn acuity_form_body_verifies() {
    let body = "action=scheduled&id=12345&calendarID=1&appointmentTypeID=2";
    let request = http::Request::post("https://hooks.example.com/hook")
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "x-acuity-signature",
            "U/Uho7R3PnvDZLDzvtkLYWrjSrwW6vX7GYAeSGzhpVE=",
        )
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap();
    let delivery = verifier("acuity", "acuity-api-key")
        .verify(&request)
        .expect("verifies");
    assert_eq!(delivery.body(), body.as_bytes());
}

/// Discourse's own spec (`Jobs::EmitWebHookEvent`, "sets up proper request headers") signs
/// its ping body with the `web_hook` fabricator's secret and expects this header value.
#[test]
fn discourse_published_vector_verifies() {
    let delivery = verifier("discourse", "my_lovely_secret_for_web_hook")
        .verify(&request(
            "x-discourse-event-signature",
            "sha256=162f107f6b5022353274eb1a7197885cfd35744d8d08e5bcea025d309386b7d6",
            &[("x-discourse-event", "ping")],
            r#"{"ping":"OK"}"#,
        ))
        .expect("verifies");
    assert_eq!(delivery.event_type(), Some("ping"));
    assert!(!delivery.event_type_is_signed());
}

/// Todoist's event type is the signed body's `event_name`; the signature is the script's
/// `TODOIST_VECTOR`.
#[test]
fn todoist_event_type_is_the_signed_event_name() {
    let body =
        r#"{"event_name":"item:added","user_id":"2671355","event_data":{"id":"2995104339"}}"#;
    let delivery = verifier("todoist", "todoist-client-secret")
        .verify(&request(
            "x-todoist-hmac-sha256",
            "WKWJRQqDG8cY5cXsrvm5JBJcfHdwwsWHkyqF4TlzzUw=",
            &[],
            body,
        ))
        .expect("verifies");
    assert_eq!(delivery.event_type(), Some("item:added"));
    assert!(delivery.event_type_is_signed());
}

/// Toggl's "Validating Received Events" page publishes two pings (with and without
/// `timestamp` and `url_callback`) signed with the secret `PGuRrhCFajIyEvFlreKL`.
#[test]
fn toggl_published_vectors_verify() {
    let published = [
        (
            r#"{"event_id":0,"created_at":"2022-06-25T03:58:10.207820267Z","creator_id":6,"metadata":{"request_type":"POST","event_user_id":6},"payload":"ping","subscription_id":6}"#,
            "sha256=55343383e52a9cd2f56bd4e9fb5b6ce6982fb45955f26ea816cf7495d98c5fd2",
        ),
        (
            r#"{"event_id":0,"created_at":"2022-06-25T03:58:10.207820267Z","creator_id":6,"metadata":{"request_type":"POST","event_user_id":6},"payload":"ping","subscription_id":6,"timestamp":"2022-06-25T03:58:10.207820267Z","url_callback":"https://callback-url.com"}"#,
            "sha256=bf829606cda0ca6923defb5ca70a43135adc7e8887486a201a19cb50ca6006b1",
        ),
    ];
    let verifier = verifier("toggl", "PGuRrhCFajIyEvFlreKL");
    for (body, signature) in published {
        let delivery = verifier
            .verify(&request("x-webhook-signature-256", signature, &[], body))
            .expect("published vector verifies");
        assert_eq!(delivery.body(), body.as_bytes());
    }
    // The two signatures are not interchangeable: each covers its own bytes.
    let err = verifier
        .verify(&request(
            "x-webhook-signature-256",
            published[1].1,
            &[],
            published[0].0,
        ))
        .unwrap_err();
    assert_eq!(err.kind(), RejectionKind::SignatureMismatch);
}

/// Cloudflare Notifications sends the destination's secret as it is in `cf-webhook-auth`:
/// the right secret is accepted whatever the body, any other value (or none) is refused.
#[test]
fn cloudflare_notifications_token() {
    let body = r#"{"name":"ssl","text":"cert","data":{},"ts":1700000000,"alert_type":"universal_ssl_event_type"}"#;
    let verifier = Verifier::new(providers::cloudflare_notifications(), "cf-webhook-secret")
        .expect("verifier");
    let delivery = verifier
        .verify(&request("cf-webhook-auth", "cf-webhook-secret", &[], body))
        .expect("the configured secret is accepted");
    assert_eq!(delivery.body(), body.as_bytes());
    assert!(delivery.id_is_fingerprint());
    assert_eq!(delivery.event_type(), None);
    for wrong in ["cf-webhook-secreT", "cf-webhook-secret ", "guess"] {
        assert!(
            verifier
                .verify(&request("cf-webhook-auth", wrong, &[], body))
                .is_err(),
            "{wrong:?} must be refused"
        );
    }
    let err = verifier
        .verify(&request("content-type", "application/json", &[], body))
        .unwrap_err();
    assert_eq!(err.kind(), RejectionKind::MissingHeader);
}

/// Datasaur's "Webhook Signature" page signs `{"body":"sample"}` with the secret `secret`.
#[test]
fn datasaur_published_vector_verifies() {
    let body = r#"{"body":"sample"}"#;
    let delivery = verifier("datasaur", "secret")
        .verify(&request(
            "x-datasaur-signature",
            "0278b1a603de4c561ac0feb960354d0d00e8846b74813d81bddb43ad45bff767",
            &[],
            body,
        ))
        .expect("published vector verifies");
    assert_eq!(delivery.body(), body.as_bytes());
}

/// Coinify's "Webhook Signature" page signs `{"examplePayload":true}` with the shared key
/// `my-shared-secret`.
#[test]
fn coinify_published_vector_verifies() {
    let body = r#"{"examplePayload":true}"#;
    let delivery = verifier("coinify", "my-shared-secret")
        .verify(&request(
            "x-coinify-webhook-signature",
            "bcdbb89e3031905f3cc1a20d16b5f969a17a7d8fa0c26e4a807c2193402d66f4",
            &[],
            body,
        ))
        .expect("published vector verifies");
    assert_eq!(delivery.body(), body.as_bytes());
}
