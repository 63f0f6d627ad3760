//! The inbox's write path: acknowledged deliveries per second through the layer (real
//! HTTP on 127.0.0.1, 1 KiB signed bodies, Standard Webhooks), into SQLite and into
//! PostgreSQL, beside a bare `INSERT … ON CONFLICT DO NOTHING` loop of the same rows' size
//! on the same connection settings, in the same run; and the p50/p99 time to acknowledge.
//! Then encryption at rest (`Inbox::encrypt_at_rest`): the same inbox plain and encrypted
//! in pairs of runs back to back, the ratio of each pair, and its median (target ≥ 0.9);
//! and the CPU time AES-256-GCM takes to seal one delivery's fields alone.
//!
//! `cargo bench --bench inbox --features inbox-sqlite,inbox-postgres` (scripts/bench.sh
//! runs it). It starts its own PostgreSQL with the default durability (fsync on), as the
//! tests do (tests/it/common/postgres.rs). Without `--bench` (as `cargo test
//! --all-targets` runs it) it does nothing.

#[path = "../tests/it/common/postgres.rs"]
#[allow(dead_code, unreachable_pub)]
mod postgres;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sqlx::Executor;
use tower_webhook::inbox::{AtRestKeys, Inbox};
use tower_webhook::{providers, Secret, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Deliveries per measurement, and how many are in flight at once.
const COUNT: usize = 4000;
const CONCURRENCY: usize = 16;
/// Pairs of runs (plain, encrypted) for the encryption's ratio.
const PAIRS: usize = 8;

fn body(i: usize) -> Bytes {
    let head = format!(r#"{{"type":"order.created","n":{i},"pad":""#);
    let mut text = head;
    while text.len() < 1024 - 2 {
        text.push('x');
    }
    text.push_str("\"}");
    Bytes::from(text)
}

struct Measured {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// Runs `one(i)` for `0..COUNT` with `CONCURRENCY` in flight; throughput and latencies.
async fn measure<F, Fut>(one: F) -> Measured
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let one = Arc::new(one);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..CONCURRENCY {
        let one = one.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut i = worker;
            while i < COUNT {
                let at = Instant::now();
                one(i).await;
                latencies.push(at.elapsed());
                i += CONCURRENCY;
            }
            latencies
        });
    }
    let mut latencies = Vec::with_capacity(COUNT);
    while let Some(part) = tasks.join_next().await {
        latencies.extend(part.expect("task"));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Measured {
        per_second: COUNT as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// Deliveries acknowledged per second through the layer in inbox mode (no workers: the
/// write path only).
async fn through_layer(inbox: Inbox, run: usize) -> Measured {
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).expect("verifier");
    let app = Router::new()
        .route("/hook", post(|| async { "ok" }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox));
    serve_and_send(app, &format!("msg_{run}")).await
}

/// Serves `app` on 127.0.0.1 and sends it `COUNT` deliveries to `/hook`, pre-signed with
/// ids `{prefix}_{i}`, each to be answered `202`: the throughput and latencies.
async fn serve_and_send(app: Router, prefix: &str) -> Measured {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let signer = Signer::new(providers::standard_webhooks(), SECRET).unwrap();
    let now = SystemTime::now();
    let requests: Arc<Vec<http::Request<Bytes>>> = Arc::new(
        (0..COUNT)
            .map(|i| {
                let request = http::Request::post(format!("http://{addr}/hook"))
                    .header("content-type", "application/json")
                    .body(body(i))
                    .expect("request");
                signer
                    .sign_with(request, &format!("{prefix}_{i}"), now)
                    .expect("sign")
            })
            .collect(),
    );
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let measured = measure(move |i| {
        let (client, requests) = (client.clone(), requests.clone());
        async move {
            let request = requests[i].clone().map(Full::new);
            let response = client.request(request).await.expect("response");
            assert_eq!(response.status(), http::StatusCode::ACCEPTED);
            let _ = response.into_body().collect().await;
        }
    })
    .await;
    server.abort();
    measured
}

/// An insert of one delivery by hand: its key and its body.
type InsertByHand = Arc<
    dyn Fn(Vec<u8>, Bytes) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
        + Send
        + Sync,
>;

/// The same HTTP server and the same signed requests without the layer: the handler
/// itself does the bare `INSERT` (the delivery's id hashed as its key, and its body) and
/// answers `202`. What a receiver writing to its own table by hand costs, HTTP included.
async fn bare_handler(insert: InsertByHand, run: usize) -> Measured {
    let app = Router::new().route(
        "/hook",
        post(move |headers: http::HeaderMap, body: Bytes| {
            let insert = insert.clone();
            async move {
                let id = headers
                    .get("webhook-id")
                    .map(|value| value.as_bytes().to_vec())
                    .unwrap_or_default();
                let key = {
                    use sha2::Digest;
                    sha2::Sha256::digest(&id).to_vec()
                };
                insert(key, body).await;
                http::StatusCode::ACCEPTED
            }
        }),
    );
    serve_and_send(app, &format!("bare_{run}")).await
}

/// The bare loop: one `INSERT … ON CONFLICT DO NOTHING` of a 32-byte key and a 1 KiB
/// body per delivery, autocommit, on `pool`.
async fn bare_inserts<DB>(pool: sqlx::Pool<DB>, sql: &'static str) -> Measured
where
    DB: sqlx::Database,
    for<'c> &'c sqlx::Pool<DB>: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> Vec<u8>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    measure(move |i| {
        let pool = pool.clone();
        async move {
            let key = {
                use sha2::Digest;
                sha2::Sha256::digest(format!("bare_{i}").as_bytes()).to_vec()
            };
            sqlx::query(sql)
                .bind(key)
                .bind(body(i).to_vec())
                .execute(&pool)
                .await
                .expect("insert");
        }
    })
    .await
}

/// The same inbox, encrypting at rest.
fn encrypted(inbox: &Inbox) -> Inbox {
    let key = Secret::from("q8ZQ6b4Qm1ZbfyWQ4mBSv8bJ2E0c9HqK1u0xR3p0P9g=");
    inbox
        .clone()
        .encrypt_at_rest(AtRestKeys::new("bench", &key).expect("key"))
}

/// The inbox plain and encrypted, `PAIRS` times back to back (which goes first
/// alternates): on a loaded machine the throughput drifts from one run to the next, and a
/// pair's ratio cancels most of that drift. The row of the encryption table.
async fn encryption_ratio(engine: &str, inbox: &Inbox, first_run: usize) -> String {
    let mut ratios = Vec::new();
    let (mut plain, mut sealed) = (Vec::new(), Vec::new());
    for pair in 0..PAIRS {
        let run = first_run + 2 * pair;
        let (p, s) = if pair % 2 == 0 {
            let p = through_layer(inbox.clone(), run).await;
            (p, through_layer(encrypted(inbox), run + 1).await)
        } else {
            let s = through_layer(encrypted(inbox), run + 1).await;
            (through_layer(inbox.clone(), run).await, s)
        };
        ratios.push(s.per_second / p.per_second);
        plain.push(p.per_second);
        sealed.push(s.per_second);
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let (low, high) = (
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(0.0, f64::max),
    );
    let ratio = median(&mut ratios);
    format!(
        "| {engine} | {:.0} | {:.0} | {ratio:.2} ({}) | {low:.2} – {high:.2} |",
        median(&mut plain),
        median(&mut sealed),
        if ratio >= 0.9 { "met" } else { "missed" },
    )
}

/// The CPU time to seal one delivery's three fields as the inbox does (a fresh nonce from
/// the OS for each, AES-256-GCM), for the bench's 1 KiB body, its headers and its URI.
fn seal_cost() -> Duration {
    use aes_gcm::aead::{AeadInOut, Generate, KeyInit};
    let cipher = aes_gcm::Aes256Gcm::new(&[7u8; 32].into());
    let fields = [body(0).to_vec(), vec![b'h'; 300], vec![b'u'; 20]];
    let rounds = 20_000;
    let started = Instant::now();
    for _ in 0..rounds {
        for field in &fields {
            let nonce = aes_gcm::aead::Nonce::<aes_gcm::Aes256Gcm>::generate();
            let mut buffer = field.clone();
            let tag = cipher
                .encrypt_inout_detached(
                    &nonce,
                    b"associated data of the row",
                    buffer.as_mut_slice().into(),
                )
                .expect("seal");
            std::hint::black_box((buffer, tag));
        }
    }
    started.elapsed() / rounds
}

fn report(engine: &str, layer: &Measured, bare: &Measured, by_hand: &Measured) {
    let ratio = layer.per_second / bare.per_second;
    let over_http = layer.per_second / by_hand.per_second;
    let met = |ratio: f64| if ratio >= 0.8 { "met" } else { "missed" };
    println!(
        "| {engine} | {:.0} | {:.0} | {:.2} ({}) | {:.0} | {:.2} ({}) | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
        layer.per_second,
        bare.per_second,
        ratio,
        met(ratio),
        by_hand.per_second,
        over_http,
        met(over_http),
        layer.p50.as_secs_f64() * 1000.0,
        layer.p99.as_secs_f64() * 1000.0,
        by_hand.p50.as_secs_f64() * 1000.0,
        by_hand.p99.as_secs_f64() * 1000.0,
    );
}

#[tokio::main]
async fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    println!(
        "{COUNT} deliveries of 1 KiB per run, {CONCURRENCY} in flight; the best of 3 runs each"
    );
    println!();
    println!(
        "| engine | inbox via the layer (acks/s) | bare INSERT … ON CONFLICT DO NOTHING loop \
         (rows/s) | ratio | the INSERT by hand in the handler, same HTTP (acks/s) | ratio \
         (target ≥ 0.8) | ack p50 | ack p99 | by hand p50 | by hand p99 |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

    // SQLite: the inbox's file settings (WAL, synchronous FULL, 4 connections, 5 s busy
    // timeout) for the bare loop too.
    let dir = std::env::temp_dir().join(format!("tower-webhook-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let inbox = Inbox::connect(&format!("sqlite://{}", dir.join("inbox.db").display()))
        .await
        .expect("sqlite inbox");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join("bare.db"))
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .expect("sqlite pool");
    pool.execute("CREATE TABLE bare (replay_key BLOB PRIMARY KEY, body BLOB NOT NULL)")
        .await
        .expect("table");
    let by_hand: InsertByHand = {
        let pool = pool.clone();
        Arc::new(move |key, body| {
            let pool = pool.clone();
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO bare (replay_key, body) VALUES (?, ?) ON CONFLICT DO NOTHING",
                )
                .bind(key)
                .bind(body.to_vec())
                .execute(&pool)
                .await
                .expect("insert");
            })
        })
    };
    let (mut layer, mut bare, mut hand) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..3 {
        layer.push(through_layer(inbox.clone(), run).await);
        pool.execute("DELETE FROM bare").await.expect("clear");
        bare.push(
            bare_inserts(
                pool.clone(),
                "INSERT INTO bare (replay_key, body) VALUES (?, ?) ON CONFLICT DO NOTHING",
            )
            .await,
        );
        pool.execute("DELETE FROM bare").await.expect("clear");
        hand.push(bare_handler(by_hand.clone(), run).await);
    }
    report(
        "SQLite (WAL, synchronous=FULL)",
        best(&layer),
        best(&bare),
        best(&hand),
    );
    let mut encryption = vec![encryption_ratio("SQLite (WAL, synchronous=FULL)", &inbox, 10).await];
    drop(inbox);
    let _ = std::fs::remove_dir_all(&dir);

    // PostgreSQL: a server of our own with default durability; the inbox's pool settings
    // (10 connections) for the bare loop too.
    let server = postgres::PgServer::start_durable();
    let url = server.fresh_database("bench");
    let inbox = Inbox::connect(&url).await.expect("postgres inbox");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(10)
        .connect(&url)
        .await
        .expect("postgres pool");
    pool.execute("CREATE TABLE bare (replay_key BYTEA PRIMARY KEY, body BYTEA NOT NULL)")
        .await
        .expect("table");
    let by_hand: InsertByHand = {
        let pool = pool.clone();
        Arc::new(move |key, body| {
            let pool = pool.clone();
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO bare (replay_key, body) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(key)
                .bind(body.to_vec())
                .execute(&pool)
                .await
                .expect("insert");
            })
        })
    };
    let (mut layer, mut bare, mut hand) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..3 {
        layer.push(through_layer(inbox.clone(), run).await);
        pool.execute("TRUNCATE bare").await.expect("clear");
        bare.push(
            bare_inserts(
                pool.clone(),
                "INSERT INTO bare (replay_key, body) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .await,
        );
        pool.execute("TRUNCATE bare").await.expect("clear");
        hand.push(bare_handler(by_hand.clone(), run).await);
    }
    report(
        "PostgreSQL 1 server (fsync on)",
        best(&layer),
        best(&bare),
        best(&hand),
    );
    encryption.push(encryption_ratio("PostgreSQL 1 server (fsync on)", &inbox, 10).await);

    println!();
    println!(
        "Encryption at rest (AES-256-GCM): {PAIRS} pairs of runs (plain, encrypted) back to \
         back, medians"
    );
    println!();
    println!(
        "| engine | inbox via the layer (acks/s) | encrypted at rest (acks/s) \
         | ratio, median of the pairs (target ≥ 0.9) | ratio, lowest – highest pair |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for row in encryption {
        println!("{row}");
    }
    println!();
    println!(
        "Sealing one delivery (1 KiB body, headers, URI: three nonces, three AES-256-GCM \
         seals) alone: {:.1} µs of CPU",
        seal_cost().as_secs_f64() * 1e6
    );
}

fn best(runs: &[Measured]) -> &Measured {
    runs.iter()
        .max_by(|a, b| a.per_second.total_cmp(&b.per_second))
        .expect("runs")
}
