//! Synchronous verification: tower-webhook beside the raw HMAC of the same bytes (the
//! floor) and the peer crates, on identical inputs, at 256 B, 1 KiB, 16 KiB and 256 KiB.
//! `scripts/bench.sh` turns the results into ratios (BENCHMARKS.md).

use std::hint::black_box;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hmac::{Hmac, Mac};
use tower_webhook::{providers, Verifier};
use tower_webhook_benches::*;

fn raw_hmac_sha256(key: &[u8], parts: &[&[u8]]) -> bool {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(part);
    }
    black_box(mac.finalize().into_bytes());
    true
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
    size: usize,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(format!("{name}/{size}"));
    group.throughput(Throughput::Bytes(size as u64));
    group.warm_up_time(std::time::Duration::from_millis(500));
    group.measurement_time(std::time::Duration::from_secs(2));
    group
}

fn standard_webhooks(c: &mut Criterion) {
    let key = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        STANDARD_SECRET.trim_start_matches("whsec_"),
    )
    .unwrap();
    for size in SIZES {
        let request = signed(
            providers::standard_webhooks(),
            STANDARD_SECRET,
            "/",
            "application/json",
            json_body(size),
            "msg_2LJG6Sfs",
        );
        let body = request.body().clone();
        let id = request.headers()["webhook-id"].to_str().unwrap().to_owned();
        let ts = request.headers()["webhook-timestamp"]
            .to_str()
            .unwrap()
            .to_owned();
        let ours = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
        let svix = svix::webhooks::Webhook::new(STANDARD_SECRET).unwrap();
        let standard = standardwebhooks::Webhook::new(STANDARD_SECRET).unwrap();
        let secret = webhook_verify::Secret::new(STANDARD_SECRET);
        assert!(ours.verify(&request).is_ok());
        assert!(svix.verify(&body, request.headers()).is_ok());
        assert!(standard.verify(&body, request.headers()).is_ok());
        assert!(webhook_verify::verify(
            webhook_verify::Provider::StandardWebhooks,
            request.headers(),
            &body,
            &secret,
            Default::default()
        )
        .is_ok());

        let mut g = group(c, "standard-webhooks", size);
        g.bench_function("raw-hmac", |b| {
            b.iter(|| raw_hmac_sha256(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", &body]))
        });
        g.bench_function("tower-webhook", |b| {
            b.iter(|| ours.verify(black_box(&request)).is_ok())
        });
        g.bench_function("svix", |b| {
            b.iter(|| svix.verify(black_box(&body), request.headers()).is_ok())
        });
        g.bench_function("standardwebhooks", |b| {
            b.iter(|| standard.verify(black_box(&body), request.headers()).is_ok())
        });
        g.bench_function("webhook-verify", |b| {
            b.iter(|| {
                webhook_verify::verify(
                    webhook_verify::Provider::StandardWebhooks,
                    request.headers(),
                    black_box(&body),
                    &secret,
                    Default::default(),
                )
                .is_ok()
            })
        });
        g.finish();
    }
}

/// A peer measured only in one group: given the signed request, a closure that verifies
/// it once and says whether it passed.
type ExtraPeer = (
    &'static str,
    fn(&http::Request<Bytes>) -> Box<dyn Fn() -> bool>,
);

/// A body-signed preset with an optional timestamp, beside raw HMAC and webhook-verify.
fn simple(
    c: &mut Criterion,
    name: &str,
    provider: webhook_verify::Provider,
    make: fn() -> tower_webhook::scheme::SignatureScheme,
    body: fn(usize) -> Bytes,
    parts: fn(&http::Request<Bytes>) -> Vec<Vec<u8>>,
    extra: Option<ExtraPeer>,
) {
    for size in SIZES {
        let request = signed(make(), SECRET, "/", "application/json", body(size), "d1");
        let ours = Verifier::new(make(), SECRET).unwrap();
        let secret = webhook_verify::Secret::new(SECRET);
        let body = request.body().clone();
        let signed_parts = parts(&request);
        let refs: Vec<&[u8]> = signed_parts.iter().map(Vec::as_slice).collect();
        let extra = extra.map(|(peer, make_peer)| (peer, make_peer(&request)));
        assert!(ours.verify(&request).is_ok(), "{name}");
        if let Some((peer, verify)) = &extra {
            assert!(verify(), "{name}: {peer}");
        }
        assert!(
            webhook_verify::verify(
                provider,
                request.headers(),
                &body,
                &secret,
                Default::default()
            )
            .is_ok(),
            "{name} peer"
        );

        let mut g = group(c, name, size);
        g.bench_function("raw-hmac", |b| {
            b.iter(|| raw_hmac_sha256(SECRET.as_bytes(), black_box(&refs)))
        });
        g.bench_function("tower-webhook", |b| {
            b.iter(|| ours.verify(black_box(&request)).is_ok())
        });
        g.bench_function("webhook-verify", |b| {
            b.iter(|| {
                webhook_verify::verify(
                    provider,
                    request.headers(),
                    black_box(&body),
                    &secret,
                    Default::default(),
                )
                .is_ok()
            })
        });
        if let Some((peer, verify)) = &extra {
            g.bench_function(*peer, |b| b.iter(verify));
        }
        g.finish();
    }
}

fn header(request: &http::Request<Bytes>, name: &str) -> String {
    request.headers()[name].to_str().unwrap().to_owned()
}

fn stripe(c: &mut Criterion) {
    simple(
        c,
        "stripe",
        webhook_verify::Provider::Stripe,
        providers::stripe,
        stripe_event_body,
        |r| {
            let header = header(r, "stripe-signature");
            let t = header
                .split(',')
                .next()
                .unwrap()
                .trim_start_matches("t=")
                .to_owned();
            vec![t.into_bytes(), b".".to_vec(), r.body().to_vec()]
        },
        Some(("async-stripe", async_stripe)),
    );
}

/// async-stripe's `construct_event`: it verifies and then parses the event, so its figure
/// includes a typed parse that the other implementations leave to the handler.
fn async_stripe(request: &http::Request<Bytes>) -> Box<dyn Fn() -> bool> {
    let body = String::from_utf8(request.body().to_vec()).unwrap();
    let signature = header(request, "stripe-signature");
    Box::new(move || {
        stripe_webhook::Webhook::construct_event(black_box(&body), &signature, SECRET).is_ok()
    })
}

fn github(c: &mut Criterion) {
    simple(
        c,
        "github",
        webhook_verify::Provider::GitHub,
        providers::github,
        json_body,
        |r| vec![r.body().to_vec()],
        None,
    );
}

fn slack(c: &mut Criterion) {
    simple(
        c,
        "slack",
        webhook_verify::Provider::Slack,
        providers::slack,
        json_body,
        |r| {
            let ts = header(r, "x-slack-request-timestamp");
            vec![
                b"v0:".to_vec(),
                ts.into_bytes(),
                b":".to_vec(),
                r.body().to_vec(),
            ]
        },
        None,
    );
}

fn twilio(c: &mut Criterion) {
    let url = "https://hooks.example.com/twilio";
    for size in SIZES {
        let request = signed(
            providers::twilio(),
            SECRET,
            url,
            "application/x-www-form-urlencoded",
            form_body(size),
            "d1",
        );
        let ours = Verifier::new(
            providers::twilio().public_url("https://hooks.example.com"),
            SECRET,
        )
        .unwrap();
        let body = request.body().clone();
        let mut params: Vec<(String, String)> = form_urlencoded_pairs(&body);
        params.sort();
        let secret = webhook_verify::Secret::new(SECRET);
        // webhook-verify takes Twilio's parameters parsed: parsing them from the body is
        // part of what its user does per request, as tower-webhook does inside `verify`.
        let options = || {
            webhook_verify::VerifyOptions::default()
                .with_request_url(url)
                .with_form_params(form_urlencoded_pairs(black_box(&body)))
        };
        assert!(ours.verify(&request).is_ok());
        assert!(
            webhook_verify::verify(
                webhook_verify::Provider::Twilio,
                request.headers(),
                &body,
                &secret,
                options()
            )
            .is_ok(),
            "twilio peer"
        );

        let mut g = group(c, "twilio", size);
        g.bench_function("raw-hmac", |b| {
            b.iter(|| {
                let mut mac = Hmac::<sha1::Sha1>::new_from_slice(SECRET.as_bytes()).unwrap();
                mac.update(url.as_bytes());
                for (k, v) in &params {
                    mac.update(k.as_bytes());
                    mac.update(v.as_bytes());
                }
                black_box(mac.finalize().into_bytes())
            })
        });
        g.bench_function("tower-webhook", |b| {
            b.iter(|| ours.verify(black_box(&request)).is_ok())
        });
        g.bench_function("webhook-verify", |b| {
            b.iter(|| {
                webhook_verify::verify(
                    webhook_verify::Provider::Twilio,
                    request.headers(),
                    black_box(&body),
                    &secret,
                    options(),
                )
                .is_ok()
            })
        });
        g.finish();
    }
}

fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn discord(c: &mut Criterion) {
    // Decoded from its bytes, as a verifier configured with the public key holds it.
    let public_bytes: [u8; 32] = hex::decode(ED25519_PUBLIC).unwrap().try_into().unwrap();
    let public = ed25519_dalek::VerifyingKey::from_bytes(&public_bytes).unwrap();
    for size in SIZES {
        let request = signed(
            providers::discord(),
            ED25519_SEED,
            "/",
            "application/json",
            json_body(size),
            "d1",
        );
        let ours = Verifier::new(providers::discord(), ED25519_PUBLIC).unwrap();
        let secret = webhook_verify::Secret::new(ED25519_PUBLIC);
        let body = request.body().clone();
        let ts = header(&request, "x-signature-timestamp");
        let signature = ed25519_dalek::Signature::from_slice(
            &hex::decode(header(&request, "x-signature-ed25519")).unwrap(),
        )
        .unwrap();
        assert!(ours.verify(&request).is_ok());
        assert!(
            webhook_verify::verify(
                webhook_verify::Provider::Discord,
                request.headers(),
                &body,
                &secret,
                Default::default()
            )
            .is_ok(),
            "discord peer"
        );

        let mut g = group(c, "discord-ed25519", size);
        g.bench_function("raw-ed25519", |b| {
            // The floor: ed25519-dalek's streaming verification over the same parts, with
            // no copy (`verify_strict` would add a decompression of `R` per request, and a
            // concatenated message a copy of the body).
            b.iter(|| {
                let mut stream = public.verify_stream(black_box(&signature)).unwrap();
                stream.update(ts.as_bytes());
                stream.update(&body);
                stream.finalize_and_verify().is_ok()
            })
        });
        g.bench_function("tower-webhook", |b| {
            b.iter(|| ours.verify(black_box(&request)).is_ok())
        });
        g.bench_function("webhook-verify", |b| {
            b.iter(|| {
                webhook_verify::verify(
                    webhook_verify::Provider::Discord,
                    request.headers(),
                    black_box(&body),
                    &secret,
                    Default::default(),
                )
                .is_ok()
            })
        });
        g.finish();
    }
}

/// The slowest rejected request of a public-key scheme beside one valid verification:
/// Standard Webhooks v1a (Ed25519, whose every check hashes the body again) with the most
/// signature entries it checks, all junk, against one key; and one entry over that bound,
/// refused before any check.
fn public_key_worst_case(c: &mut Criterion) {
    use tower_webhook::scheme::MAX_PUBLIC_KEY_SIGNATURES;
    const SEED: &str = "whsk_dpuTo74FiX8h/xBWTwVLbDBV2RZTS0SjRQoTNn43XK0=";
    const PUBLIC: &str = "whpk_cAcg86Wd3mkGNkDwKaBvOuQsrj1abd3PygFb53kuhxw=";
    let junk = |n: usize| {
        (0..n)
            .map(|i| {
                let mut signature = [0u8; 64];
                signature[0] = i as u8 + 1; // canonical S: verification runs in full
                format!(
                    "v1a,{}",
                    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, signature)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for size in [1024, 2 * 1024 * 1024] {
        let scheme = providers::standard_webhooks_ed25519();
        let valid = signed(
            scheme.clone(),
            SEED,
            "/",
            "application/json",
            json_body(size),
            "m1",
        );
        let ours = Verifier::new(scheme, PUBLIC).unwrap();
        assert!(ours.verify(&valid).is_ok());
        let with_signature = |value: String| {
            let mut request = http::Request::new(valid.body().clone());
            *request.headers_mut() = valid.headers().clone();
            request
                .headers_mut()
                .insert("webhook-signature", value.parse().unwrap());
            request
        };
        let worst = with_signature(junk(MAX_PUBLIC_KEY_SIGNATURES));
        let over = with_signature(junk(MAX_PUBLIC_KEY_SIGNATURES + 1));
        assert!(ours.verify(&worst).is_err());
        assert!(ours.verify(&over).is_err());
        let mut g = group(c, "hostile-ed25519", size);
        g.bench_function("valid", |b| {
            b.iter(|| ours.verify(black_box(&valid)).is_ok())
        });
        g.bench_function("junk-max-entries", |b| {
            b.iter(|| ours.verify(black_box(&worst)).is_err())
        });
        g.bench_function("junk-over-max", |b| {
            b.iter(|| ours.verify(black_box(&over)).is_err())
        });
        g.finish();
    }
}

/// The slowest rejected request of the other scheme families, each beside one valid
/// verification of the same size (`hostile-<family>/<size>`, ratio `junk-*` / `valid`):
///
/// - HMAC (Standard Webhooks): the most signature entries a header may carry
///   (`MAX_SIGNATURE_ENTRIES`), every one a well-formed junk MAC, so each is decoded and
///   compared; one entry more is refused before any MAC.
/// - ECDSA P-256 (SendGrid): one entry is all its header carries; a well-formed signature
///   of other content costs one full curve verification, like a valid one.
/// - Twilio: the most form parameters it accepts (256), each parsed, percent-decoded
///   and sorted before the MAC, with a junk signature; one more is refused.
fn hostile(c: &mut Criterion) {
    use tower_webhook::scheme::MAX_SIGNATURE_ENTRIES;
    let b64 =
        |bytes: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes);
    let replace = |valid: &http::Request<Bytes>, name: &str, value: String| {
        let mut request = valid.clone();
        request.headers_mut().insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
        request
    };

    // HMAC: junk entries.
    let junk = |n: usize| {
        (0..n)
            .map(|i| format!("v1,{}", b64(&[i as u8 + 1; 32])))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let ours = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
    for size in [1024, 2 * 1024 * 1024] {
        let valid = signed(
            providers::standard_webhooks(),
            STANDARD_SECRET,
            "/",
            "application/json",
            json_body(size),
            "msg_1",
        );
        let worst = replace(&valid, "webhook-signature", junk(MAX_SIGNATURE_ENTRIES));
        let over = replace(&valid, "webhook-signature", junk(MAX_SIGNATURE_ENTRIES + 1));
        assert!(ours.verify(&valid).is_ok());
        assert!(ours.verify(&worst).is_err());
        assert!(ours.verify(&over).is_err());
        let mut g = group(c, "hostile-hmac", size);
        g.bench_function("valid", |b| {
            b.iter(|| ours.verify(black_box(&valid)).is_ok())
        });
        g.bench_function("junk-max-entries", |b| {
            b.iter(|| ours.verify(black_box(&worst)).is_err())
        });
        g.bench_function("junk-over-max", |b| {
            b.iter(|| ours.verify(black_box(&over)).is_err())
        });
        g.finish();
    }

    // ECDSA P-256: a real signature of other content.
    const P256_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2ZiRbsQeKPRRrCda4siCwFqbRwslq9Sh+fWnall1UROhRANCAATboxPY3vrBxvSMLS0Ub680OtznqJrmYWsAY7sjfmKvdJasuAFoFS26w6+ZP8z+4b5Xrzz/i+vsdxMeiZlb1y+f";
    const P256_SPKI: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE26MT2N76wcb0jC0tFG+vNDrc56ia5mFrAGO7I35ir3SWrLgBaBUtusOvmT/M/uG+V688/4vr7HcTHomZW9cvnw==";
    let sendgrid = Verifier::new(providers::sendgrid(), P256_SPKI).unwrap();
    let other = signed(
        providers::sendgrid(),
        P256_PKCS8,
        "/",
        "application/json",
        json_body(64),
        "x",
    );
    let header = "x-twilio-email-event-webhook-signature";
    let foreign = other.headers()[header].to_str().unwrap().to_owned();
    for size in [1024, 2 * 1024 * 1024] {
        let valid = signed(
            providers::sendgrid(),
            P256_PKCS8,
            "/",
            "application/json",
            json_body(size),
            "x",
        );
        let worst = replace(&valid, header, foreign.clone());
        assert!(sendgrid.verify(&valid).is_ok());
        assert!(sendgrid.verify(&worst).is_err());
        let mut g = group(c, "hostile-ecdsa", size);
        g.bench_function("valid", |b| {
            b.iter(|| sendgrid.verify(black_box(&valid)).is_ok())
        });
        g.bench_function("junk-max-entries", |b| {
            b.iter(|| sendgrid.verify(black_box(&worst)).is_err())
        });
        g.finish();
    }

    // Twilio: the most form parameters.
    let url = "https://hooks.example.com/twilio";
    let twilio = Verifier::new(
        providers::twilio().public_url("https://hooks.example.com"),
        SECRET,
    )
    .unwrap();
    let params = |n: usize| {
        // Reverse order, percent-encoded values: the sort and the decoding both work.
        Bytes::from(
            (0..n)
                .rev()
                .map(|i| format!("P{i:04}=%2B{i}"))
                .collect::<Vec<_>>()
                .join("&"),
        )
    };
    let form = "application/x-www-form-urlencoded";
    let valid = signed(
        providers::twilio(),
        SECRET,
        url,
        form,
        form_body(1024),
        "d1",
    );
    let many = signed(providers::twilio(), SECRET, url, form, params(256), "d1");
    let junk_signature = b64(&[7; 20]);
    let worst = replace(&many, "x-twilio-signature", junk_signature.clone());
    let mut over = worst.clone();
    *over.body_mut() = params(257);
    let _ = junk_signature;
    assert!(twilio.verify(&valid).is_ok());
    assert!(
        twilio.verify(&many).is_ok(),
        "256 parameters (the bound) are accepted"
    );
    assert!(twilio.verify(&worst).is_err());
    assert!(twilio.verify(&over).is_err());
    let mut g = group(c, "hostile-twilio", 1024);
    g.bench_function("valid", |b| {
        b.iter(|| twilio.verify(black_box(&valid)).is_ok())
    });
    g.bench_function("junk-max-params", |b| {
        b.iter(|| twilio.verify(black_box(&worst)).is_err())
    });
    g.bench_function("junk-over-max-params", |b| {
        b.iter(|| twilio.verify(black_box(&over)).is_err())
    });
    g.finish();
}

/// The newer families' slowest rejections, each beside one valid verification of the same
/// body (`hostile-<family>/1024`):
///
/// - RSA (Wise, 2048-bit key): a junk signature of the key's length costs one public-key
///   operation and a SHA-256 of the body, like a valid one; a signature of another length
///   is refused before any arithmetic.
/// - JWT (Plaid, ES256): a token at the length limit (4 KiB, padded with a long claim)
///   with a junk signature costs its decoding and one curve verification; one byte over
///   the limit is refused before anything is decoded.
fn hostile_rsa_jwt(c: &mut Criterion) {
    let b64 =
        |bytes: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes);
    let example = |name: &str| {
        let preset = providers::find(name).expect("preset");
        (preset, preset.example_keys())
    };

    // RSA: a junk signature of the right length, and one byte short.
    let (wise, (private, public)) = example("wise");
    let verifier = Verifier::new(wise.scheme(), public).unwrap();
    let valid = signed(
        wise.scheme(),
        private,
        "/",
        "application/json",
        json_body(1024),
        "d1",
    );
    let with = |signature: String| {
        let mut request = valid.clone();
        request
            .headers_mut()
            .insert("x-signature-sha256", signature.parse().unwrap());
        request
    };
    let worst = with(b64(&[0x5a; 256]));
    let short = with(b64(&[0x5a; 255]));
    assert!(verifier.verify(&valid).is_ok());
    assert!(verifier.verify(&worst).is_err());
    assert!(verifier.verify(&short).is_err());
    let mut g = group(c, "hostile-rsa", 1024);
    g.bench_function("valid", |b| {
        b.iter(|| verifier.verify(black_box(&valid)).is_ok())
    });
    g.bench_function("junk-full-length", |b| {
        b.iter(|| verifier.verify(black_box(&worst)).is_err())
    });
    g.bench_function("junk-wrong-length", |b| {
        b.iter(|| verifier.verify(black_box(&short)).is_err())
    });
    g.finish();

    // JWT: the longest token decoded, with a junk signature, and one byte longer.
    let (plaid, (private, public)) = example("plaid");
    let verifier = Verifier::new(plaid.scheme(), public).unwrap();
    let valid = signed(
        plaid.scheme(),
        private,
        "/",
        "application/json",
        json_body(1024),
        "d1",
    );
    let header = "plaid-verification";
    let token = valid.headers()[header].to_str().unwrap().to_owned();
    let (signed_part, _) = token.rsplit_once('.').unwrap();
    let (head, _) = signed_part.split_once('.').unwrap();
    let url = |bytes: &[u8]| {
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
    };
    let junk_signature = url(&[0x5a; 64]);
    let token_of = |padding: usize| {
        let claims = format!(
            r#"{{"iat":{},"request_body_sha256":"{}","pad":"{}"}}"#,
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            "0".repeat(64),
            "p".repeat(padding)
        );
        format!("{head}.{}.{junk_signature}", url(claims.as_bytes()))
    };
    let limit = tower_webhook::scheme::DEFAULT_MAX_TOKEN_LENGTH;
    // The padding that brings the token to the limit, found by growing it.
    let mut padding = 0;
    while token_of(padding + 1).len() <= limit {
        padding += 1;
    }
    let with = |token: String| {
        let mut request = valid.clone();
        request.headers_mut().insert(header, token.parse().unwrap());
        request
    };
    let worst = with(token_of(padding));
    let mut over_token = token_of(padding);
    while over_token.len() <= limit {
        over_token.push('A');
    }
    let over = with(over_token);
    assert!(verifier.verify(&valid).is_ok());
    assert!(verifier.verify(&worst).is_err());
    assert!(verifier.verify(&over).is_err());
    let mut g = group(c, "hostile-jwt", 1024);
    g.bench_function("valid", |b| {
        b.iter(|| verifier.verify(black_box(&valid)).is_ok())
    });
    g.bench_function("junk-max-length", |b| {
        b.iter(|| verifier.verify(black_box(&worst)).is_err())
    });
    g.bench_function("junk-over-max", |b| {
        b.iter(|| verifier.verify(black_box(&over)).is_err())
    });
    g.finish();
}

criterion_group!(
    benches,
    public_key_worst_case,
    hostile,
    hostile_rsa_jwt,
    standard_webhooks,
    stripe,
    github,
    slack,
    twilio,
    discord
);
criterion_main!(benches);
