//! A driver for instruction counts of one verification at 256 B (Valgrind's callgrind,
//! which does not depend on the machine's load; `VERIFY_SIZE=1024` for another size): `verify_instructions <preset>
//! <ours|raw|keyed|webhook-verify> <iterations>`. `raw` is the benchmarks' raw HMAC (keyed each time),
//! `keyed` the floor of what a verifier must do per request: the HMAC state keyed once,
//! cloned, fed the signed content and finalized. Under Valgrind, SHA-256 runs in software
//! (no SHA extensions), so the hash weighs far more than on the hardware: compare the
//! instructions beyond `keyed`, not the ratios. Run it twice with different iteration counts and divide the difference
//! by the difference in iterations, which leaves out the set-up:
//!
//! ```text
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/verify_instructions stripe ours 1000
//! ```

use std::hint::black_box;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use tower_webhook::{providers, Verifier};
use tower_webhook_benches::*;

/// The body's size: 256 B, or `VERIFY_SIZE` bytes.
fn size() -> usize {
    std::env::var("VERIFY_SIZE")
        .ok()
        .and_then(|size| size.parse().ok())
        .unwrap_or(256)
}

type Preset = fn() -> tower_webhook::scheme::SignatureScheme;
type BodyFn = fn(usize) -> Bytes;

fn raw(key: &[u8], parts: &[&[u8]]) {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    black_box(mac.finalize().into_bytes());
}

fn header(request: &http::Request<Bytes>, name: &str) -> Vec<u8> {
    request.headers()[name].as_bytes().to_vec()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (preset, which, iterations) = match args.as_slice() {
        [_, preset, which, n] => (preset.as_str(), which.as_str(), n.parse::<usize>().unwrap()),
        _ => panic!(
            "usage: verify_instructions <preset> <ours|raw|keyed|webhook-verify> <iterations>"
        ),
    };
    let (request, verifier, key, parts): (_, Verifier, Vec<u8>, Vec<Vec<u8>>) = match preset {
        "standard-webhooks" => {
            let request = signed(
                providers::standard_webhooks(),
                STANDARD_SECRET,
                "/",
                "application/json",
                json_body(size()),
                "msg_2LJG6Sfs",
            );
            let key = base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                STANDARD_SECRET.trim_start_matches("whsec_"),
            )
            .unwrap();
            let parts = vec![
                header(&request, "webhook-id"),
                b".".to_vec(),
                header(&request, "webhook-timestamp"),
                b".".to_vec(),
                request.body().to_vec(),
            ];
            let v = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
            (request, v, key, parts)
        }
        "stripe" | "github" | "slack" => {
            let (make, body): (Preset, BodyFn) = match preset {
                "stripe" => (providers::stripe, stripe_event_body),
                "github" => (providers::github, json_body),
                _ => (providers::slack, json_body),
            };
            let request = signed(make(), SECRET, "/", "application/json", body(size()), "d1");
            let parts = match preset {
                "stripe" => {
                    let h = String::from_utf8(header(&request, "stripe-signature")).unwrap();
                    let t = h
                        .split(',')
                        .next()
                        .unwrap()
                        .trim_start_matches("t=")
                        .to_owned();
                    vec![t.into_bytes(), b".".to_vec(), request.body().to_vec()]
                }
                "github" => vec![request.body().to_vec()],
                _ => vec![
                    b"v0:".to_vec(),
                    header(&request, "x-slack-request-timestamp"),
                    b":".to_vec(),
                    request.body().to_vec(),
                ],
            };
            let v = Verifier::new(make(), SECRET).unwrap();
            (request, v, SECRET.as_bytes().to_vec(), parts)
        }
        "twilio" => {
            let url = "https://hooks.example.com/twilio";
            let request = signed(
                providers::twilio(),
                SECRET,
                url,
                "application/x-www-form-urlencoded",
                form_body(size()),
                "d1",
            );
            let mut params: Vec<(String, String)> = form_urlencoded::parse(request.body())
                .into_owned()
                .collect();
            params.sort();
            let mut parts = vec![url.as_bytes().to_vec()];
            for (k, v) in params {
                parts.push(k.into_bytes());
                parts.push(v.into_bytes());
            }
            let v = Verifier::new(
                providers::twilio().public_url("https://hooks.example.com"),
                SECRET,
            )
            .unwrap();
            (request, v, SECRET.as_bytes().to_vec(), parts)
        }
        other => panic!("unknown preset {other}"),
    };
    assert!(verifier.verify(&request).is_ok());
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    match which {
        "ours" => {
            for _ in 0..iterations {
                black_box(verifier.verify(black_box(&request)).is_ok());
            }
        }
        "raw" => {
            if preset == "twilio" {
                for _ in 0..iterations {
                    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(black_box(&key)).unwrap();
                    for part in black_box(&refs) {
                        mac.update(part);
                    }
                    black_box(mac.finalize().into_bytes());
                }
            } else {
                for _ in 0..iterations {
                    raw(black_box(&key), black_box(&refs));
                }
            }
        }
        "keyed" => {
            if preset == "twilio" {
                let keyed = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
                for _ in 0..iterations {
                    let mut mac = black_box(&keyed).clone();
                    for part in black_box(&refs) {
                        mac.update(part);
                    }
                    black_box(mac.finalize().into_bytes());
                }
            } else {
                let keyed = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
                for _ in 0..iterations {
                    let mut mac = black_box(&keyed).clone();
                    for part in black_box(&refs) {
                        mac.update(part);
                    }
                    black_box(mac.finalize().into_bytes());
                }
            }
        }
        // The peer crate on the same request (not Twilio, whose parameters it takes parsed).
        "webhook-verify" => {
            let (provider, secret) = match preset {
                "standard-webhooks" => (
                    webhook_verify::Provider::StandardWebhooks,
                    webhook_verify::Secret::new(STANDARD_SECRET),
                ),
                "stripe" => (
                    webhook_verify::Provider::Stripe,
                    webhook_verify::Secret::new(SECRET),
                ),
                "github" => (
                    webhook_verify::Provider::GitHub,
                    webhook_verify::Secret::new(SECRET),
                ),
                "slack" => (
                    webhook_verify::Provider::Slack,
                    webhook_verify::Secret::new(SECRET),
                ),
                other => panic!("no webhook-verify measure for {other}"),
            };
            let verify = || {
                webhook_verify::verify(
                    provider,
                    request.headers(),
                    black_box(request.body()),
                    &secret,
                    Default::default(),
                )
                .is_ok()
            };
            assert!(verify());
            for _ in 0..iterations {
                black_box(verify());
            }
        }
        other => panic!("unknown measure {other}"),
    }
}
