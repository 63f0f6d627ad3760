//! The receiver example's `/metrics`, scraped by a real Prometheus server and read back
//! through its query API (what was sent is what Prometheus counts), and its `/healthz`
//! and `/readyz`.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use tower_webhook::{providers, Signer};

use crate::common::prometheus::PrometheusServer;
use crate::common::send;
use crate::receiver::start;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn delivery(base: &str, id: &str, at: SystemTime) -> http::Request<Bytes> {
    let request = http::Request::post(format!("{base}/webhooks/standard"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(br#"{"type":"order.created"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, at)
        .unwrap()
}

/// The value of `expression` (a scalar-valued query), once Prometheus has scraped it.
async fn value(prometheus: &PrometheusServer, expression: &str) -> Option<f64> {
    let reply = send(
        http::Request::get(prometheus.query_url(expression))
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let json = reply.json();
    let result = json["data"]["result"].as_array()?.first()?.clone();
    result["value"][1].as_str()?.parse().ok()
}

/// Waits (bounded) until every expression has its expected value in Prometheus; the
/// scrape runs every second, so this polls observable state, it does not guess a delay.
async fn until_counted(prometheus: &PrometheusServer, expected: &[(&str, f64)]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut wrong = Vec::new();
        for (expression, want) in expected {
            let got = value(prometheus, expression).await;
            if got != Some(*want) {
                wrong.push(format!("{expression} = {got:?}, want {want}"));
            }
        }
        if wrong.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus never counted:\n{}",
            wrong.join("\n")
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_counts_what_the_receiver_was_sent() {
    let dir = std::env::temp_dir().join(format!("tw-metrics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("inbox.db");
    let receiver = start(&[
        ("STANDARD_WEBHOOK_SECRET", SECRET),
        ("INBOX_URL", &format!("sqlite://{}", db.display())),
        ("METRICS", "1"),
        // Every delivery fails twice then succeeds, except `msg_dies`, which fails until
        // it is dead after three attempts.
        ("HANDLER_FAIL_FIRST", "2"),
        ("HANDLER_FAIL_ALWAYS", "msg_dies"),
        ("INBOX_MAX_ATTEMPTS", "3"),
        ("INBOX_RETRY_MS", "5"),
    ]);
    let base = receiver.base.clone();
    let target = base.trim_start_matches("http://").to_owned();
    let prometheus = PrometheusServer::scraping(&target);

    let now = SystemTime::now();
    let valid = delivery(&base, "msg_ok", now);
    assert_eq!(send(valid.clone()).await.status, StatusCode::ACCEPTED);
    let again = send(valid).await;
    assert_eq!(again.status, StatusCode::OK, "the copy is a duplicate");
    let mut tampered = delivery(&base, "msg_tampered", now);
    *tampered.body_mut() = Bytes::from_static(br#"{"type":"order.refunded"}"#);
    assert_eq!(send(tampered).await.status, StatusCode::UNAUTHORIZED);
    let stale = delivery(&base, "msg_stale", now - Duration::from_secs(3600));
    assert_eq!(send(stale).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(delivery(&base, "msg_dies", now)).await.status,
        StatusCode::ACCEPTED
    );

    until_counted(
        &prometheus,
        &[
            (
                "sum(webhook_requests_total{outcome=\"accepted\",reason=\"\"})",
                2.0,
            ),
            ("sum(webhook_requests_total{outcome=\"duplicate\"})", 1.0),
            (
                "sum(webhook_requests_total{outcome=\"rejected\",reason=\"signature_mismatch\"})",
                1.0,
            ),
            (
                "sum(webhook_requests_total{outcome=\"rejected\",reason=\"timestamp_expired\"})",
                1.0,
            ),
            (
                "sum(webhook_requests_total{provider=\"standard-webhooks\"})",
                5.0,
            ),
            // Every verification is timed, refused ones included, as a histogram with
            // buckets (a summary has no `_bucket` series).
            ("sum(webhook_verify_seconds_count)", 5.0),
            ("sum(webhook_verify_seconds_bucket{le=\"+Inf\"})", 5.0),
            // msg_ok: two failures then a success; msg_dies: three failures, then dead.
            ("sum(webhook_inbox_attempts_total{result=\"success\"})", 1.0),
            ("sum(webhook_inbox_attempts_total{result=\"failure\"})", 5.0),
            (
                "sum(webhook_inbox_dead_total{provider=\"standard-webhooks\"})",
                1.0,
            ),
            ("webhook_inbox_deliveries{state=\"done\"}", 1.0),
            ("webhook_inbox_deliveries{state=\"dead\"}", 1.0),
            ("webhook_inbox_deliveries{state=\"pending\"}", 0.0),
            ("webhook_inbox_oldest_pending_age_seconds", 0.0),
            ("webhook_inbox_lag_seconds", 0.0),
        ],
    )
    .await;
    drop(receiver);
    let _ = std::fs::remove_dir_all(&dir);
}

async fn get(url: String) -> (StatusCode, serde_json::Value) {
    let reply = send(http::Request::get(url).body(Bytes::new()).unwrap()).await;
    (reply.status, reply.json())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_names_the_lag_when_handlers_hang() {
    let dir = std::env::temp_dir().join(format!("tw-ready-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("inbox.db");
    let receiver = start(&[
        ("STANDARD_WEBHOOK_SECRET", SECRET),
        ("INBOX_URL", &format!("sqlite://{}", db.display())),
        ("HANDLER_HANG", "1"),
        ("READY_MAX_LAG_MS", "1"),
    ]);
    let base = receiver.base.clone();
    let (status, body) = get(format!("{base}/healthz")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = get(format!("{base}/readyz")).await;
    assert_eq!(status, StatusCode::OK, "nothing waits yet: {body}");
    // The four workers hang on the first four deliveries; the fifth waits for a worker.
    for i in 0..5 {
        let reply = send(delivery(&base, &format!("msg_hang_{i}"), SystemTime::now())).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let body = loop {
        let (status, body) = get(format!("{base}/readyz")).await;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            break body;
        }
        assert!(Instant::now() < deadline, "never unready: {body}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let failing: Vec<&str> = body["failing"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|name| name.as_str())
        .collect();
    assert_eq!(failing, ["lag"], "{body}");
    // Alive all the same: the workers are running, only slow.
    assert_eq!(get(format!("{base}/healthz")).await.0, StatusCode::OK);
    drop(receiver);
    let _ = std::fs::remove_dir_all(&dir);
}
