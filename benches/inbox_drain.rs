//! How fast the inbox's workers drain a backlog: deliveries handled per second while
//! 2,000 are pending, and while 100,000 are (a downstream outage, a flood), on SQLite and
//! on PostgreSQL, in the same run. The ratio is the figure: a claim that sorted every
//! pending row made a large backlog drain ten times slower than a small one, so it never
//! caught up; read from an index in claim order, it drains at the same rate.
//!
//! `cargo bench --bench inbox_drain --features inbox-sqlite,inbox-postgres,axum`
//! (scripts/bench.sh runs it). One delivery is written through the layer, then copied
//! with SQL into the backlog (distinct ids, the same request), which the workers handle
//! with a handler that answers at once. Without `--bench` it does nothing.

#[path = "../tests/it/common/postgres.rs"]
#[allow(dead_code, unreachable_pub)]
mod postgres;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sqlx::Executor;
use tower_webhook::inbox::Inbox;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Deliveries handled per measurement.
const HANDLED: usize = 2_000;
/// The backlogs compared.
const SMALL: usize = 2_000;
const LARGE: usize = 100_000;

/// Writes one delivery through the layer (real HTTP), so the backlog's rows are what the
/// inbox itself stores.
async fn first_delivery(inbox: Inbox) {
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).expect("verifier");
    let app = Router::new()
        .route("/hook", post(|| async { "ok" }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let request = http::Request::post(format!("http://{addr}/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"type":"order.created","data":{"id":1}}"#,
        ))
        .expect("request");
    let signed = Signer::new(providers::standard_webhooks(), SECRET)
        .expect("signer")
        .sign_with(request, "msg_seed", SystemTime::now())
        .expect("sign");
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client
        .request(signed.map(Full::new))
        .await
        .expect("response");
    assert_eq!(response.status(), http::StatusCode::ACCEPTED);
    let _ = response.into_body().collect().await;
    server.abort();
}

/// The columns a copy of the seed row takes as they are.
const COPIED: &str = "provider, source, id_is_fingerprint, id_signed, event_type, \
     event_type_signed, signed_at, method, uri, headers, body, state, attempts, received_at, \
     scheduled_at";

/// Deliveries per second the workers handle, over the first `HANDLED` of the backlog
/// `seed` writes.
async fn drain(inbox: &Inbox, seed: impl std::future::Future<Output = ()>) -> f64 {
    seed.await;
    let handled = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(tokio::sync::Notify::new());
    let (count, finished) = (handled.clone(), done.clone());
    let handler = Router::new().route(
        "/hook",
        post(move || {
            let (count, finished) = (count.clone(), finished.clone());
            async move {
                if count.fetch_add(1, Ordering::SeqCst) + 1 == HANDLED {
                    finished.notify_one();
                }
                "ok"
            }
        }),
    );
    let started = Instant::now();
    let workers = inbox
        .workers(handler)
        .poll_interval(Duration::from_millis(5))
        .spawn();
    done.notified().await;
    let elapsed = started.elapsed();
    workers.shutdown().await;
    HANDLED as f64 / elapsed.as_secs_f64()
}

fn report(engine: &str, small: f64, large: f64) {
    println!(
        "| {engine} | {small:.0} | {large:.0} | {:.2} |",
        large / small
    );
}

#[tokio::main]
async fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    println!(
        "Deliveries handled per second by the workers (default concurrency, a handler that \
         answers at once), over {HANDLED} deliveries of a backlog of {SMALL} and of {LARGE}"
    );
    println!();
    println!("| engine | {SMALL} pending (/s) | {LARGE} pending (/s) | ratio (target ≥ 0.8) |");
    println!("| --- | ---: | ---: | ---: |");

    let mut rates = Vec::new();
    for pending in [SMALL, LARGE] {
        let dir = std::env::temp_dir().join(format!(
            "tower-webhook-drain-{}-{pending}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("inbox.db");
        let inbox = Inbox::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("sqlite inbox");
        let copies = async {
            first_delivery(inbox.clone()).await;
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .expect("sqlite pool");
            let copy = format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
                 INSERT INTO webhook_inbox (delivery_id, {COPIED})
                 SELECT 'msg_' || n.i, {COPIED} FROM webhook_inbox, n",
                pending - 1
            );
            pool.execute(copy.as_str()).await.expect("backlog");
            pool.execute("ANALYZE").await.expect("analyze");
        };
        rates.push(drain(&inbox, copies).await);
        drop(inbox);
        let _ = std::fs::remove_dir_all(&dir);
    }
    report("SQLite (WAL, synchronous=FULL)", rates[0], rates[1]);

    let server = postgres::PgServer::start_durable();
    let mut rates = Vec::new();
    for pending in [SMALL, LARGE] {
        let url = server.fresh_database(&format!("drain{pending}"));
        let inbox = Inbox::connect(&url).await.expect("postgres inbox");
        let copies = async {
            first_delivery(inbox.clone()).await;
            let pool = sqlx::PgPool::connect(&url).await.expect("postgres pool");
            let copy = format!(
                "INSERT INTO webhook_inbox (delivery_id, {COPIED})
                 SELECT 'msg_' || n, {COPIED} FROM webhook_inbox, generate_series(1, {}) AS n",
                pending - 1
            );
            pool.execute(copy.as_str()).await.expect("backlog");
            pool.execute("ANALYZE webhook_inbox")
                .await
                .expect("analyze");
        };
        rates.push(drain(&inbox, copies).await);
    }
    report("PostgreSQL 1 server (fsync on)", rates[0], rates[1]);
}
