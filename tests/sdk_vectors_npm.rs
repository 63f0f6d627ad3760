//! Deliveries signed (or, for Onfido, accepted) by the providers' own Node SDKs, replayed
//! through the public API. `bash scripts/sdk_vectors_npm.sh` regenerates the fixture with
//! the pinned SDK versions it names, checking each line with the SDK's own verifier first.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, RejectionKind, Verifier};

const FIXTURE: &str = include_str!("fixtures/sdk_vectors_npm.tsv");

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
    Verifier::builder(preset.scheme())
        .secret(secret)
        .clock(now)
        .build()
        .expect("verifier")
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
        ["sanity", "pusher", "onfido", "modern_treasury", "render"]
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
        if line.preset == "render" {
            assert_eq!(delivery.id(), "msg_render_1");
            assert!(delivery.id_is_signed());
            assert_eq!(delivery.event_type(), Some("deploy_ended"));
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
        // Another secret of the same form (Render's is `whsec_` and base64).
        let another = match line.preset {
            "render" => "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
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
