//! Deliveries signed (or, for Onfido, Polar, Dodo Payments and Liveblocks, accepted) by the providers' own Node SDKs, replayed
//! through the public API. `bash scripts/sdk_vectors_npm.sh` regenerates the fixture with
//! the pinned SDK versions it names, checking each line with the SDK's own verifier first.

use crate::common::verifier_at;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, RejectionKind, Verifier};

const FIXTURE: &str = include_str!("../fixtures/sdk_vectors_npm.tsv");

/// The instant the timestamped fixtures were signed at (Sanity's `t`, in milliseconds).
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

struct Line<'a> {
    preset: &'a str,
    sdk: &'a str,
    secret: &'a str,
    body: &'a str,
    headers: Vec<(&'a str, &'a str)>,
}

fn lines() -> Vec<Line<'static>> {
    FIXTURE
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert!(
                cells.len() >= 6 && cells.len().is_multiple_of(2),
                "malformed: {line}"
            );
            Line {
                preset: cells[0],
                sdk: cells[1],
                secret: cells[2],
                body: cells[3],
                headers: cells[4..]
                    .chunks(2)
                    .map(|pair| (pair[0], pair[1]))
                    .collect(),
            }
        })
        .collect()
}

fn verifier(preset: &str, secret: &str) -> Verifier {
    let preset = providers::find(preset).unwrap_or_else(|| panic!("no preset {preset}"));
    verifier_at(preset.scheme(), &[secret], now())
}

fn request(line: &Line<'_>, body: &str) -> http::Request<Bytes> {
    let mut builder = http::Request::post("https://hooks.example.com/hook");
    for (name, value) in &line.headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

#[test]
fn fixture_covers_the_sdk_backed_presets() {
    let presets: Vec<&str> = lines().iter().map(|line| line.preset).collect();
    assert_eq!(
        presets,
        [
            "sanity",
            "pusher",
            "onfido",
            "modern_treasury",
            "render",
            "polar",
            "dodo_payments",
            "liveblocks"
        ]
    );
}

#[test]
fn sdk_signed_deliveries_verify() {
    for line in lines() {
        let delivery = verifier(line.preset, line.secret)
            .verify(&request(&line, line.body))
            .unwrap_or_else(|e| panic!("{} ({}): {e}", line.preset, line.sdk));
        assert_eq!(delivery.body(), line.body.as_bytes(), "{}", line.preset);
        if line.preset == "onfido" {
            assert_eq!(delivery.event_type(), Some("check.completed"));
            assert!(delivery.event_type_is_signed());
        }
        let standard = match line.preset {
            "render" => Some(("msg_render_1", "deploy_ended")),
            "polar" => Some(("msg_polar_1", "order.paid")),
            "dodo_payments" => Some(("msg_dodo_1", "payment.succeeded")),
            "liveblocks" => Some(("msg_liveblocks_1", "userEntered")),
            _ => None,
        };
        if let Some((id, event)) = standard {
            assert_eq!(delivery.id(), id, "{}", line.preset);
            assert!(delivery.id_is_signed());
            assert_eq!(delivery.event_type(), Some(event), "{}", line.preset);
            assert!(delivery.event_type_is_signed());
        }
    }
}

#[test]
fn sdk_signed_deliveries_reject_tampering_and_other_secrets() {
    for line in lines() {
        // One byte of the body changed: the signature no longer matches.
        let tampered = line.body.replacen('"', "'", 1);
        let kind = verifier(line.preset, line.secret)
            .verify(&request(&line, &tampered))
            .expect_err(line.preset)
            .kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{}", line.preset);
        // Another secret of the same form (the Standard Webhooks ones are `whsec_` and base64).
        let another = match line.preset {
            "render" | "dodo_payments" | "liveblocks" => "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            _ => "another secret",
        };
        let kind = verifier(line.preset, another)
            .verify(&request(&line, line.body))
            .expect_err(line.preset)
            .kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{}", line.preset);
    }
}

/// Sanity's `t` is milliseconds: the same delivery checked an hour later is stale.
#[test]
fn sanity_timestamp_is_milliseconds_and_checked() {
    let line = lines()
        .into_iter()
        .find(|line| line.preset == "sanity")
        .unwrap();
    let later = Verifier::builder(providers::sanity())
        .secret(line.secret)
        .clock(|| now() + Duration::from_secs(3600))
        .build()
        .unwrap();
    let rejection = later.verify(&request(&line, line.body)).unwrap_err();
    assert_eq!(rejection.kind(), RejectionKind::TimestampExpired);
}

/// Polar keys the HMAC with its secret's text bytes: `standard_webhooks` verifies the
/// SDK-accepted delivery when given those bytes as `whsec_` + their base64
/// (`base64("polar_whs_…")`), and refuses it under a Standard Webhooks secret of its own.
#[test]
fn polar_secret_is_its_text_bytes() {
    let line = lines()
        .into_iter()
        .find(|line| line.preset == "polar")
        .unwrap();
    let standard = |secret: &str| {
        Verifier::builder(providers::standard_webhooks())
            .secret(secret)
            .clock(now)
            .build()
            .unwrap()
            .verify(&request(&line, line.body))
    };
    standard("whsec_cG9sYXJfd2hzX2V4YW1wbGVTZWNyZXROZXZlclVzZUluUHJvZHVjdGlvbg==")
        .expect("the text bytes, spelled as a Standard Webhooks secret");
    let kind = standard("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .unwrap_err()
        .kind();
    assert_eq!(kind, RejectionKind::SignatureMismatch);
}
