//! PayPal (feature `paypal`): the signed message with its CRC32, the certificate checks
//! (chain to the injected test root, names, validity), the certificate URL allow-list, the
//! lookup that fetches through an injected fetcher, and deliveries through real HTTP on
//! 127.0.0.1. Fixtures: `scripts/paypal_fixtures.sh` (OpenSSL and Python's zlib).

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tower_webhook::layer::{LookupError, LookupErrorKind, SourceKey, Sources, VerifierLookup};
use tower_webhook::providers::paypal::{Certificates, PayPal};
use tower_webhook::providers::{self, paypal::CERT_URL as CERT_URL_HEADER};
use tower_webhook::{RejectionKind, Signer, Verifier, WebhookLayer};

const CA: &[u8] = include_bytes!("../fixtures/paypal/test_ca.pem");
const CHAIN: &[u8] = include_bytes!("../fixtures/paypal/leaf_chain.pem");
const SANDBOX_CHAIN: &[u8] = include_bytes!("../fixtures/paypal/sandbox_chain.pem");
const WRONG_NAME: &[u8] = include_bytes!("../fixtures/paypal/wrong_name_chain.pem");
const SELF_SIGNED: &[u8] = include_bytes!("../fixtures/paypal/self_signed.pem");
const LEAF_KEY: &str = include_str!("../fixtures/paypal/leaf_key.pem");
const SELF_SIGNED_KEY: &str = include_str!("../fixtures/paypal/self_signed_key.pem");
const BODY: &[u8] = include_bytes!("../fixtures/paypal/body.json");
const VECTOR: &str = include_str!("../fixtures/paypal/vector.txt");
const CERT_URL: &str =
    "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77";
/// The same certificate on PayPal's other API host.
const CERT_URL_M: &str =
    "https://api-m.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77";

/// Transmission id, time, webhook id, CRC32, signature.
fn vector() -> [&'static str; 5] {
    let lines: Vec<&str> = VECTOR.lines().collect();
    [lines[0], lines[1], lines[2], lines[3], lines[4]]
}

fn scheme() -> PayPal {
    let roots: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CA)
        .collect::<Result<_, _>>()
        .expect("test root");
    providers::paypal(vector()[2]).trust_anchors(&roots)
}

/// The vector's transmission time.
fn vector_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_669_201)
}

fn verifier(chain: &[u8]) -> Verifier {
    Verifier::builder(scheme())
        .secret(chain.to_vec())
        .clock(vector_time)
        .build()
        .expect("verifier")
}

fn vector_request() -> http::Request<Bytes> {
    let [id, time, _, _, signature] = vector();
    http::Request::post("https://hooks.example.com/paypal")
        .header("content-type", "application/json")
        .header("paypal-transmission-id", id)
        .header("paypal-transmission-time", time)
        .header("paypal-transmission-sig", signature)
        .header("paypal-auth-algo", "SHA256withRSA")
        .header("paypal-cert-url", CERT_URL)
        .body(Bytes::from_static(BODY))
        .expect("request")
}

#[test]
fn the_fixture_is_what_it_says() {
    assert_eq!(vector()[1], "2026-11-26T05:00:01Z");
    assert_eq!(
        humantime_seconds(vector_time()),
        1_795_669_201,
        "vector_time() is the transmission time"
    );
    assert_eq!(
        crc32fast::hash(BODY).to_string(),
        vector()[3],
        "CRC32 of body.json"
    );
}

fn humantime_seconds(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs()
}

/// OpenSSL's signature of `id|time|webhook_id|crc32` verifies; the transmission id is the
/// signed id, the event type is reported unsigned (only a CRC32 covers the body).
#[test]
fn openssl_vector_verifies() {
    let delivery = verifier(CHAIN).verify(&vector_request()).expect("vector");
    assert_eq!(delivery.id(), vector()[0]);
    assert!(delivery.id_is_signed());
    assert_eq!(delivery.event_type(), Some("PAYMENT.CAPTURE.COMPLETED"));
    assert!(
        !delivery.event_type_is_signed(),
        "the body is only CRC32-covered"
    );
}

#[test]
fn every_signed_part_is_checked() {
    let verifier = verifier(CHAIN);
    let mismatch = |request: http::Request<Bytes>, what: &str| {
        let kind = verifier.verify(&request).expect_err(what).kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{what}");
    };
    let (parts, _) = vector_request().into_parts();
    mismatch(
        http::Request::from_parts(parts, Bytes::from_static(b"{\"event_type\":\"x\"}")),
        "body",
    );
    mismatch(
        common::with_header(
            &vector_request(),
            "paypal-transmission-id",
            "a7c6bf30-cb5d-11f0-9e3c-5b1a8d5d6c2e",
        ),
        "transmission id",
    );
    mismatch(
        common::with_header(
            &vector_request(),
            "paypal-transmission-time",
            "2026-11-26T05:00:02Z",
        ),
        "transmission time",
    );
    // Another webhook id (another webhook's deliveries).
    let other = Verifier::builder(providers::paypal("OTHERWEBHOOK0000").trust_anchors(&roots()))
        .secret(CHAIN.to_vec())
        .clock(vector_time)
        .build()
        .expect("verifier");
    assert_eq!(
        other
            .verify(&vector_request())
            .expect_err("webhook id")
            .kind(),
        RejectionKind::SignatureMismatch
    );
    // A certificate whose key did not sign (the sandbox one).
    assert_eq!(
        super_verifier(SANDBOX_CHAIN)
            .verify(&vector_request())
            .expect_err("key")
            .kind(),
        RejectionKind::SignatureMismatch
    );
}

fn super_verifier(chain: &[u8]) -> Verifier {
    verifier(chain)
}

fn roots() -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(CA)
        .collect::<Result<_, _>>()
        .expect("test root")
}

#[test]
fn malformed_headers_are_400_and_stale_times_401() {
    let verifier = verifier(CHAIN);
    for (header, value, kind) in [
        (
            "paypal-auth-algo",
            "SHA1withRSA",
            RejectionKind::MalformedHeader,
        ),
        ("paypal-auth-algo", "none", RejectionKind::MalformedHeader),
        (
            "paypal-transmission-sig",
            "AAAA",
            RejectionKind::MalformedHeader,
        ),
        (
            "paypal-transmission-sig",
            "not base64!",
            RejectionKind::MalformedHeader,
        ),
        (
            "paypal-transmission-time",
            "yesterday",
            RejectionKind::MalformedHeader,
        ),
    ] {
        let request = common::with_header(&vector_request(), header, value);
        assert_eq!(
            verifier.verify(&request).expect_err(value).kind(),
            kind,
            "{header}: {value}"
        );
    }
    // The signed time, ten minutes later: stale (the signature is checked first, so a
    // changed time is a mismatch, above).
    fn later() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_669_201 + 600)
    }
    let late = Verifier::builder(scheme())
        .secret(CHAIN.to_vec())
        .clock(later)
        .build()
        .expect("verifier");
    assert_eq!(
        late.verify(&vector_request()).expect_err("stale").kind(),
        RejectionKind::TimestampExpired
    );
    let huge = "A".repeat(100_000);
    let request = common::with_header(&vector_request(), "paypal-transmission-sig", &huge);
    assert_eq!(
        verifier.verify(&request).expect_err("huge").kind(),
        RejectionKind::MalformedHeader
    );
    let mut missing = vector_request();
    missing.headers_mut().remove("paypal-transmission-id");
    assert_eq!(
        verifier.verify(&missing).expect_err("missing").kind(),
        RejectionKind::MissingHeader
    );
}

/// A forger's self-signed certificate in PayPal's name, a certificate for another name,
/// one checked after its expiry, and a chain to roots that are not the injected ones are
/// all refused when the verifier is built.
#[test]
fn certificates_are_validated() {
    let build =
        |scheme: PayPal, chain: &[u8]| Verifier::builder(scheme).secret(chain.to_vec()).build();
    let error = build(scheme(), SELF_SIGNED).expect_err("self-signed");
    assert!(error.to_string().contains("trust anchor"), "{error}");
    let error = build(scheme(), WRONG_NAME).expect_err("www.paypal.com");
    assert!(
        error.to_string().contains("messageverificationcerts"),
        "{error}"
    );
    fn in_2100() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800)
    }
    build(scheme().certificate_clock(in_2100), CHAIN).expect_err("expired");
    // The default anchors (Mozilla's) do not include the test root.
    build(providers::paypal("1JE4291016473214C"), CHAIN).expect_err("not a public root");
    build(
        scheme(),
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .expect_err("garbage");
    build(scheme(), &vec![b'A'; 70_000]).expect_err("too large");
    build(scheme(), SANDBOX_CHAIN).expect("the sandbox name is PayPal's too");
    build(scheme(), CHAIN).expect("PayPal's name, chained to the injected root");
    // A trust anchor that does not parse is a configuration error, not an empty store.
    let bad_root = CertificateDer::from(vec![0u8; 10]);
    build(providers::paypal("id").trust_anchors(&[bad_root]), CHAIN).expect_err("bad anchor");
    build(providers::paypal("").trust_anchors(&roots()), CHAIN).expect_err("empty webhook id");
}

#[test]
fn certificate_urls_are_allow_listed() {
    for good in [
        CERT_URL,
        "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
        "https://api-m.paypal.com/v1/notifications/certs/CERT-1",
        "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-1",
    ] {
        assert!(providers::paypal::is_cert_url(good), "{good}");
    }
    for bad in [
        "http://api.paypal.com/v1/notifications/certs/CERT-1",
        "https://evil.example/v1/notifications/certs/CERT-1",
        "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
        "https://evil.example/api.paypal.com/v1/notifications/certs/CERT-1",
        "https://user@api.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
        "https://api.paypal.com:443/v1/notifications/certs/CERT-1",
        "https://API.PAYPAL.COM/v1/notifications/certs/CERT-1",
        "https://www.paypal.com/v1/notifications/certs/CERT-1",
        "https://paypal.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com/v1/notifications/certs/",
        "https://api.paypal.com/v1/notifications/certs/../../oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/CERT-1?x=1",
        "https://api.paypal.com/v1/notifications/certs/CERT-1#x",
        "https://api.paypal.com/v1/other/CERT-1",
        "https://127.0.0.1/v1/notifications/certs/CERT-1",
        "file:///etc/passwd",
        "",
        "not a url",
    ] {
        assert!(!providers::paypal::is_cert_url(bad), "{bad}");
    }
}

/// A fetcher that serves `chain` for [`CERT_URL`] and counts its calls.
fn counting_fetcher(
    chain: &'static [u8],
) -> (
    Arc<AtomicUsize>,
    impl Fn(String) -> std::future::Ready<Result<Bytes, LookupError>> + Send + Sync + 'static,
) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let fetcher = move |url: String| {
        counted.fetch_add(1, Ordering::SeqCst);
        std::future::ready(if url == CERT_URL || url == CERT_URL_M {
            Ok(Bytes::from_static(chain))
        } else {
            Err(LookupError::new(
                LookupErrorKind::Invalid,
                "no such certificate",
            ))
        })
    };
    (calls, fetcher)
}

#[tokio::test]
async fn the_lookup_refuses_other_hosts_before_fetching() {
    let (calls, fetcher) = counting_fetcher(CHAIN);
    let lookup = Certificates::new(scheme(), fetcher);
    for url in [
        "https://evil.example/v1/notifications/certs/CERT-1",
        "http://api.paypal.com/v1/notifications/certs/CERT-1",
    ] {
        assert!(lookup
            .lookup(url.to_owned())
            .await
            .expect("no error")
            .is_none());
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0, "nothing fetched");
    assert!(lookup
        .lookup(CERT_URL.to_owned())
        .await
        .expect("fetched")
        .is_some());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // A failed fetch is a failed lookup (503, retried), not an unknown source.
    let other = "https://api.paypal.com/v1/notifications/certs/CERT-unknown";
    assert!(lookup.lookup(other.to_owned()).await.is_err());

    // A fetched chain that is not PayPal's is an unknown source.
    let (_, forged) = counting_fetcher(SELF_SIGNED);
    let lookup = Certificates::new(scheme(), forged);
    assert!(lookup
        .lookup(CERT_URL.to_owned())
        .await
        .expect("no error")
        .is_none());
    // Oversized bodies are refused whatever the fetcher does.
    let (_, huge) = counting_fetcher(Box::leak(vec![b'A'; 70_000].into_boxed_slice()));
    let lookup = Certificates::new(scheme(), huge);
    assert!(lookup
        .lookup(CERT_URL.to_owned())
        .await
        .expect("no error")
        .is_none());
}

fn fresh_delivery(server: &common::Server, key: &str, cert_url: &str) -> http::Request<Bytes> {
    let mut request = Signer::new(scheme(), key)
        .unwrap()
        .sign_with(
            common::post_to(server, BODY),
            "0f7c2a10-cb5e-11f0-9e3c-5b1a8d5d6c2f",
            SystemTime::now(),
        )
        .expect("sign");
    request.headers_mut().insert(
        CERT_URL_HEADER,
        http::HeaderValue::from_str(cert_url).expect("url"),
    );
    request
}

/// Through real HTTP on 127.0.0.1, with the certificate served by a local fetcher: a
/// signed delivery runs the handler once and its certificate is fetched once; its replay
/// is a duplicate; a delivery naming a certificate on another host is refused (404) with
/// nothing fetched; one signed by a forger's key under PayPal's URL is 401; a changed body
/// is 401. The handler runs only for the first.
#[tokio::test]
async fn paypal_end_to_end_on_127_0_0_1() {
    let (fetches, fetcher) = counting_fetcher(CHAIN);
    let sources = Sources::new(
        SourceKey::header(CERT_URL_HEADER),
        Certificates::new(scheme(), fetcher),
    )
    .capacity(16);
    let (server, calls) =
        common::counting_server("/hook", WebhookLayer::with_sources(sources), "ok").await;

    let signed = fresh_delivery(&server, LEAF_KEY, CERT_URL);
    let reply = common::send(common::copy(&signed)).await;
    assert_eq!(reply.status, http::StatusCode::OK, "{}", reply.text());
    assert_eq!(calls.count(), 1);
    assert_eq!(fetches.load(Ordering::SeqCst), 1);

    let reply = common::send(common::copy(&signed)).await;
    assert!(common::is_duplicate(&reply), "{}", reply.status);
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "the certificate is cached"
    );

    // The certificate URL is not signed: the same delivery naming PayPal's other API host
    // (the same certificate) is still the same delivery, not a new one for the handler.
    let other_host = common::with_header(&signed, "paypal-cert-url", CERT_URL_M);
    let reply = common::send(other_host).await;
    assert!(common::is_duplicate(&reply), "{}", reply.status);
    assert_eq!(calls.count(), 1, "the replay under another URL did not run");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);

    let elsewhere = common::with_header(
        &signed,
        "paypal-cert-url",
        "https://evil.example/v1/notifications/certs/CERT-1",
    );
    assert_eq!(
        common::send(elsewhere).await.status,
        http::StatusCode::NOT_FOUND
    );
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "no fetch for another host"
    );

    let forged = fresh_delivery(&server, SELF_SIGNED_KEY, CERT_URL);
    assert_eq!(
        common::send(forged).await.status,
        http::StatusCode::UNAUTHORIZED
    );

    let (parts, _) = common::copy(&fresh_delivery(&server, LEAF_KEY, CERT_URL)).into_parts();
    let tampered = http::Request::from_parts(parts, Bytes::from_static(b"{\"event_type\":\"x\"}"));
    assert_eq!(
        common::send(tampered).await.status,
        http::StatusCode::UNAUTHORIZED
    );
    assert_eq!(calls.count(), 1);
}

/// Four bytes that, appended to `prefix`, make its CRC32 `target`: CRC32 is affine over
/// GF(2) in the appended bits, so 32 unknowns and 32 equations, solved by elimination.
fn crc32_forge(prefix: &[u8], target: u32) -> [u8; 4] {
    let crc_with = |x: u32| {
        let mut data = prefix.to_vec();
        data.extend_from_slice(&x.to_le_bytes());
        crc32fast::hash(&data)
    };
    let base = crc_with(0);
    // Rows: for each unknown bit i, its effect on the CRC (a column of the matrix).
    let columns: Vec<u32> = (0..32).map(|i| crc_with(1 << i) ^ base).collect();
    // Solve sum(x_i * columns[i]) = target ^ base by elimination on the columns.
    let mut basis: Vec<(u32, u32)> = Vec::new(); // (vector, combination of unknowns)
    for (i, column) in columns.iter().enumerate() {
        let mut vector = *column;
        let mut combination = 1u32 << i;
        for (b, c) in &basis {
            if vector & (1 << b.trailing_zeros()) != 0 {
                vector ^= b;
                combination ^= c;
            }
        }
        if vector != 0 {
            // Keep the basis reduced on each pivot bit.
            let pivot = 1 << vector.trailing_zeros();
            for (b, c) in basis.iter_mut() {
                if *b & pivot != 0 {
                    *b ^= vector;
                    *c ^= combination;
                }
            }
            basis.push((vector, combination));
        }
    }
    let mut want = target ^ base;
    let mut x = 0u32;
    for (b, c) in &basis {
        if want & (1 << b.trailing_zeros()) != 0 {
            want ^= b;
            x ^= c;
        }
    }
    assert_eq!(want, 0, "CRC32 is onto: every target is reachable");
    x.to_le_bytes()
}

/// What the documentation warns about, shown: a captured delivery's body changed (here
/// its amount), with four bytes appended to keep its CRC32, still verifies. Only the
/// transmission id (replay) and time (freshness) stop its reuse.
#[test]
fn the_body_is_covered_only_by_a_crc32() {
    let original = std::str::from_utf8(BODY).unwrap();
    let altered = original.replace("7.47", "9.99");
    let mut body = altered.into_bytes();
    let patch = crc32_forge(&body, crc32fast::hash(BODY));
    body.extend_from_slice(&patch);
    assert_eq!(crc32fast::hash(&body), crc32fast::hash(BODY));
    let (parts, _) = vector_request().into_parts();
    let forged = http::Request::from_parts(parts, Bytes::from(body));
    let delivery = verifier(CHAIN)
        .verify(&forged)
        .expect("a CRC32-preserving change verifies: PayPal's scheme cannot see it");
    assert!(!delivery.event_type_is_signed());
    assert_eq!(
        delivery.id(),
        vector()[0],
        "the signed transmission id is unchanged"
    );
}

/// A bodiless, unsigned request naming a certificate URL, as anyone can send.
fn naming(server: &common::Server, cert_url: &str) -> http::Request<Bytes> {
    http::Request::post(server.url("/hook"))
        .header(CERT_URL_HEADER, cert_url)
        .body(Bytes::new())
        .expect("request")
}

/// A certificate URL whose fetch fails (no such certificate) is fetched once per failure
/// TTL, however many requests name it: the server never fetches from PayPal at the
/// sender's rate.
#[tokio::test]
async fn a_missing_certificate_is_fetched_once_per_failure_ttl() {
    let (fetches, fetcher) = counting_fetcher(CHAIN);
    let sources = Sources::new(
        SourceKey::header(CERT_URL_HEADER),
        Certificates::new(scheme(), fetcher),
    )
    .failure_ttl(Duration::from_secs(3600));
    let (server, calls) =
        common::counting_server("/hook", WebhookLayer::with_sources(sources), "ok").await;
    let missing = "https://api.paypal.com/v1/notifications/certs/CERT-does-not-exist";
    for _ in 0..20 {
        let reply = common::send(naming(&server, missing)).await;
        assert_eq!(reply.status, http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.headers["retry-after"], "3600");
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "one fetch for 20 requests"
    );
    assert_eq!(calls.count(), 0);
}

/// A fetch that never answers is given up after the lookup timeout (`503`) and remembered
/// as failed; while it runs, a request naming another certificate URL beyond the limit on
/// new fetches is `503` at once, without a fetch.
#[tokio::test]
async fn certificate_fetches_are_timed_out_and_capped() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let (started_tx, mut started) = tokio::sync::mpsc::unbounded_channel::<()>();
    let fetcher = {
        let fetches = fetches.clone();
        move |_url: String| {
            fetches.fetch_add(1, Ordering::SeqCst);
            started_tx.send(()).ok();
            std::future::pending::<Result<Bytes, LookupError>>()
        }
    };
    let sources = Sources::new(
        SourceKey::header(CERT_URL_HEADER),
        Certificates::new(scheme(), fetcher),
    )
    .lookup_timeout(Duration::from_millis(200))
    .failure_ttl(Duration::from_secs(3600))
    .max_new_source_lookups(1);
    let (server, calls) =
        common::counting_server("/hook", WebhookLayer::with_sources(sources), "ok").await;
    let first = "https://api.paypal.com/v1/notifications/certs/CERT-hangs-1";
    let second = "https://api.paypal.com/v1/notifications/certs/CERT-hangs-2";

    let hung = tokio::spawn(common::send(naming(&server, first)));
    started.recv().await.expect("the first fetch started");
    let refused = common::send(naming(&server, second)).await;
    assert_eq!(refused.status, http::StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused.headers.contains_key("retry-after"));
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "no fetch beyond the limit"
    );

    let timed_out = hung.await.expect("the first request");
    assert_eq!(timed_out.status, http::StatusCode::SERVICE_UNAVAILABLE);
    let again = common::send(naming(&server, first)).await;
    assert_eq!(again.status, http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "the failure is remembered"
    );

    // The limit is free again: the other URL is fetched (and times out too).
    let later = common::send(naming(&server, second)).await;
    assert_eq!(later.status, http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert_eq!(calls.count(), 0);
}
