//! The inbox's gauges while its database fails: they keep their last value, so the
//! refresh's timestamp (`webhook_inbox_gauges_refreshed_timestamp_seconds`) stops and the
//! failed rounds are counted (`webhook_inbox_gauge_errors_total`); once the database
//! answers again the timestamp moves on. The recorder is global, so this file is a test
//! binary of its own with a single test.
#![cfg(all(feature = "metrics", feature = "inbox-sqlite"))]

use std::convert::Infallible;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sqlx::{Connection, Executor};
use tower_webhook::inbox::Inbox;
use tower_webhook::layer::VerifiedBody;

/// The value of the series `name` (no labels), or `None` when there is none.
fn value(handle: &PrometheusHandle, name: &str) -> Option<f64> {
    handle
        .render()
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find(|line| line.starts_with(&format!("{name} ")))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

/// Polls until `check` holds, for at most 20 seconds.
async fn until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gauges_show_stale_while_the_database_fails() {
    let recorder = PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).unwrap();
    let refreshed = tower_webhook::metrics::INBOX_GAUGES_REFRESHED_TIMESTAMP_SECONDS;
    let errors = tower_webhook::metrics::INBOX_GAUGE_ERRORS_TOTAL;

    let dir = std::env::temp_dir().join(format!("tower-webhook-gauges-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("inbox.db");
    let inbox = Inbox::sqlite(&path).await.unwrap();
    let handler = tower::service_fn(|_: http::Request<VerifiedBody>| async {
        Ok::<_, Infallible>(http::Response::new(String::new()))
    });
    let started = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let workers = inbox.workers(handler).without_purge().spawn();

    until("a first refresh", || {
        value(&handle, refreshed).is_some_and(|at| at >= started.as_secs_f64() - 1.0)
    })
    .await;
    assert_eq!(value(&handle, errors).unwrap_or(0.0), 0.0);

    // The table the counts are read from goes away: every round fails.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    other
        .execute("ALTER TABLE webhook_inbox_tally RENAME TO webhook_inbox_tally_away")
        .await
        .unwrap();
    until("two failed rounds", || {
        value(&handle, errors).is_some_and(|count| count >= 2.0)
    })
    .await;
    // No round succeeded meanwhile (one may have finished as the table went).
    let frozen = value(&handle, refreshed).unwrap();
    until("a third failed round", || {
        value(&handle, errors).is_some_and(|count| count >= 3.0)
    })
    .await;
    assert_eq!(
        value(&handle, refreshed),
        Some(frozen),
        "the timestamp stopped"
    );

    // Back: the timestamp moves on.
    other
        .execute("ALTER TABLE webhook_inbox_tally_away RENAME TO webhook_inbox_tally")
        .await
        .unwrap();
    until("a refresh after the failure", || {
        value(&handle, refreshed).is_some_and(|at| at > frozen)
    })
    .await;

    workers.shutdown().await;
    drop(other);
    let _ = std::fs::remove_dir_all(&dir);
}
