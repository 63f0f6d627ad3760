//! End-to-end load on 127.0.0.1: an axum server with the layer against the same server
//! without verification (its handler reads the same body), driven by many concurrent
//! connections for a fixed number of requests, 1 KiB bodies, each a new valid delivery;
//! five interleaved rounds, each row its median round.
//!
//!     cargo run --release -p tower-webhook-benches --bin load -- [requests] [connections]
//!
//! With `redis-server` on the PATH, the layer is also measured with a Redis store, beside
//! its own baseline: the same server without the layer whose handler does by hand the
//! bare Redis commands a replay store needs (`SET key token NX PX lease` before the body
//! is used, `SET key done PX retention` after), on the same kind of multiplexed
//! connection. The layer's Redis row is judged against that row.
//!
//! With PostgreSQL installed (`initdb` under /usr/lib/postgresql/*/bin or `PG_BIN`), the
//! same again with the PostgreSQL store, on a server of its own with the default
//! durability (`fsync` on): its baseline's handler runs by hand the bare statements a
//! replay store needs (`INSERT … ON CONFLICT DO NOTHING` before the body is used, an
//! `UPDATE` to done after), on a pool of the store's size.
//!
//! The cost of metrics: the layer with its memory store served by two processes of this
//! tool, the same code, one with a Prometheus recorder installed (rendered every second,
//! as a scrape would) and one without; the ratio of the two is printed.

#[path = "../../../../tests/it/common/postgres.rs"]
#[allow(dead_code)]
mod postgres;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower_webhook::replay::{MemoryStore, PostgresStore, RedisStore, ReplayStore};
use tower_webhook::{providers, Verifier, WebhookLayer};
use tower_webhook_benches::{json_body, standard_delivery, STANDARD_SECRET};

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/hook")
}

async fn read_body(body: Bytes) -> &'static str {
    std::hint::black_box(body.len());
    "ok"
}

/// No layer: the handler checks the Standard Webhooks HMAC by hand (the key decoded once,
/// the MAC keyed per request like the criterion `raw-hmac` floor, no timestamp window, no
/// `Delivery`, no replay protection): the least any verification of these deliveries can
/// cost end to end, the floor for the layer's rows.
fn hmac_by_hand() -> Router {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    async fn handler(
        State(key): State<Arc<Vec<u8>>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, &'static str) {
        let header = |name: &str| headers.get(name).map(|v| v.as_bytes()).unwrap_or_default();
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
        for part in [
            header("webhook-id"),
            b".",
            header("webhook-timestamp"),
            b".",
            &body,
        ] {
            mac.update(part);
        }
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let valid = header("webhook-signature")
            .split(|b| *b == b' ')
            .any(|entry| entry.strip_prefix(b"v1,") == Some(expected.as_bytes()));
        if valid {
            (StatusCode::OK, "ok")
        } else {
            (StatusCode::UNAUTHORIZED, "bad signature")
        }
    }
    let key = base64::engine::general_purpose::STANDARD
        .decode(STANDARD_SECRET.trim_start_matches("whsec_"))
        .unwrap();
    Router::new()
        .route("/hook", post(handler))
        .with_state(Arc::new(key))
}

/// Verification alone, to split the layer's cost between the signature and the store.
fn verified_without_store() -> Router {
    let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
    Router::new()
        .route("/hook", post(read_body))
        .route_layer(WebhookLayer::new(verifier).dangerously_disable_replay_protection())
}

/// No layer: the handler reserves the delivery's id with one bare `SET NX PX`, reads the
/// body, then marks it done with one bare `SET PX`: the least any Redis-backed replay
/// protection does per delivery (no signature, no script, no token check on completion).
fn by_hand(connection: redis::aio::ConnectionManager) -> Router {
    async fn handler(
        State(connection): State<redis::aio::ConnectionManager>,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, &'static str) {
        let Some(id) = headers.get("webhook-id").and_then(|v| v.to_str().ok()) else {
            return (StatusCode::BAD_REQUEST, "no id");
        };
        let key = format!("by-hand:{id}");
        let mut c = connection.clone();
        let reserved: Result<Option<String>, _> = redis::cmd("SET")
            .arg(&key)
            .arg("t:0123456789abcdef:1")
            .arg("NX")
            .arg("PX")
            .arg(300_000)
            .query_async(&mut c)
            .await;
        match reserved {
            Ok(Some(_)) => {}
            Ok(None) => return (StatusCode::CONFLICT, "in flight"),
            Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "store"),
        }
        std::hint::black_box(body.len());
        let done: Result<(), _> = redis::cmd("SET")
            .arg(&key)
            .arg("done")
            .arg("PX")
            .arg(604_800_000)
            .query_async(&mut c)
            .await;
        match done {
            Ok(()) => (StatusCode::OK, "ok"),
            Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "store"),
        }
    }
    Router::new()
        .route("/hook", post(handler))
        .with_state(connection)
}

/// No layer: the handler reserves the delivery's id with one bare `INSERT … ON CONFLICT
/// DO NOTHING`, reads the body, then marks it done with one bare `UPDATE`: the least any
/// PostgreSQL-backed replay protection does per delivery (no signature, no lease check).
fn sql_by_hand(pool: sqlx::PgPool) -> Router {
    async fn handler(
        State(pool): State<sqlx::PgPool>,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, &'static str) {
        let Some(id) = headers.get("webhook-id").and_then(|v| v.to_str().ok()) else {
            return (StatusCode::BAD_REQUEST, "no id");
        };
        let reserved = sqlx::query(
            "INSERT INTO by_hand (k, holder, expires_at) VALUES ($1, 't:0123456789abcdef:1', \
             (extract(epoch from clock_timestamp()) * 1000)::bigint + 300000) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id.as_bytes())
        .execute(&pool)
        .await;
        match reserved {
            Ok(done) if done.rows_affected() == 1 => {}
            Ok(_) => return (StatusCode::CONFLICT, "in flight"),
            Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "store"),
        }
        std::hint::black_box(body.len());
        let done = sqlx::query(
            "UPDATE by_hand SET holder = 'done', \
             expires_at = (extract(epoch from clock_timestamp()) * 1000)::bigint + 604800000 \
             WHERE k = $1",
        )
        .bind(id.as_bytes())
        .execute(&pool)
        .await;
        match done {
            Ok(_) => (StatusCode::OK, "ok"),
            Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "store"),
        }
    }
    Router::new().route("/hook", post(handler)).with_state(pool)
}

/// Whether PostgreSQL's server programs are installed where the test helper looks.
fn postgres_installed() -> bool {
    std::env::var_os("PG_BIN").is_some()
        || std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| entry.path().join("bin/initdb").exists())
}

fn verified(store: impl ReplayStore) -> Router {
    let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
    Router::new()
        .route("/hook", post(read_body))
        .route_layer(WebhookLayer::new(verifier).replay_store(store))
}

struct Report {
    seconds: f64,
    p50: Duration,
    p99: Duration,
    failures: usize,
}

async fn drive(url: &str, requests: usize, connections: usize, round: usize) -> Report {
    // Every request is a new, valid, pre-signed delivery: signing is not timed.
    let body = json_body(1024);
    let prepared: Vec<http::Request<Full<Bytes>>> = (0..requests)
        .map(|i| standard_delivery(url, body.clone(), &format!("msg_{round}_{i}")))
        .collect();
    let queue = Arc::new(std::sync::Mutex::new(prepared));
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(connections)
        .build_http::<Full<Bytes>>();
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (queue, client) = (queue.clone(), client.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            loop {
                let Some(request) = queue.lock().unwrap().pop() else {
                    break;
                };
                let sent = Instant::now();
                match client.request(request).await {
                    Ok(response) => {
                        if response.status() != 200 {
                            failures += 1;
                        }
                        let _ = response.into_body().collect().await;
                    }
                    Err(_) => failures += 1,
                }
                latencies.push(sent.elapsed());
            }
            (latencies, failures)
        });
    }
    let mut latencies = Vec::with_capacity(requests);
    let mut failures = 0;
    while let Some(done) = tasks.join_next().await {
        let (mut l, f) = done.unwrap();
        latencies.append(&mut l);
        failures += f;
    }
    let seconds = start.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Report {
        seconds,
        p50: at(0.50),
        p99: at(0.99),
        failures,
    }
}

fn redis() -> Option<(Child, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((child, port));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Rounds per server.
const ROUNDS: usize = 5;

/// The environment variable that makes this tool a server of the metrics rows: `on` (a
/// Prometheus recorder installed) or `off`.
const SERVE_METRICS: &str = "LOAD_SERVE_METRICS";

/// Serves the layer with its memory store, with or without a metrics recorder, printing
/// its URL; runs until killed.
async fn serve_metrics_row(on: bool) {
    if on {
        use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("_seconds".into()),
                tower_webhook::metrics::SECONDS_BUCKETS,
            )
            .unwrap()
            .build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).unwrap();
        tower_webhook::metrics::describe();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            loop {
                every.tick().await;
                std::hint::black_box(handle.render());
            }
        });
    }
    let url = serve(verified(MemoryStore::new())).await;
    println!("{url}");
    std::future::pending::<()>().await;
}

/// A child process of this tool serving a metrics row; its URL.
fn metrics_row(on: bool) -> (Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(SERVE_METRICS, if on { "on" } else { "off" })
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().to_owned())
}

#[tokio::main]
async fn main() {
    if let Some(mode) = std::env::var_os(SERVE_METRICS) {
        return serve_metrics_row(mode == "on").await;
    }
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(30_000);
    let connections: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);

    let mut servers = vec![
        (
            "no verification",
            serve(Router::new().route("/hook", post(read_body))).await,
        ),
        ("no layer, raw HMAC by hand", serve(hmac_by_hand()).await),
        (
            "layer, replay protection off",
            serve(verified_without_store()).await,
        ),
        (
            "layer, memory store",
            serve(verified(MemoryStore::new())).await,
        ),
    ];
    let (off_child, off_url) = metrics_row(false);
    let (on_child, on_url) = metrics_row(true);
    servers.push(("layer, memory store, own process, metrics off", off_url));
    servers.push(("layer, memory store, own process, metrics on", on_url));
    let mut server = None;
    if let Some((child, port)) = redis() {
        let store = RedisStore::connect(&format!("redis://127.0.0.1:{port}"))
            .await
            .unwrap();
        let client = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
        let connection = redis::aio::ConnectionManager::new(client).await.unwrap();
        servers.push((
            "no layer, bare redis commands by hand",
            serve(by_hand(connection)).await,
        ));
        servers.push(("layer, redis store", serve(verified(store)).await));
        server = Some(child);
    }
    let mut pg = None;
    if postgres_installed() {
        let db = postgres::PgServer::start_durable();
        let url = db.fresh_database("load");
        let store = PostgresStore::connect(&url).await.unwrap();
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(10)
            .connect(&url)
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE by_hand (k BYTEA PRIMARY KEY, holder TEXT NOT NULL, \
             expires_at BIGINT NOT NULL); CREATE INDEX ON by_hand (expires_at)",
        )
        .execute(&pool)
        .await
        .unwrap();
        servers.push((
            "no layer, bare SQL statements by hand",
            serve(sql_by_hand(pool)).await,
        ));
        servers.push(("layer, postgres store", serve(verified(store)).await));
        pg = Some(db);
    }

    // Rounds interleave the servers, so that a slow moment of a shared machine does not
    // land on one of them; each row is its median round.
    let mut runs: Vec<Vec<Report>> = servers.iter().map(|_| Vec::new()).collect();
    for round in 0..ROUNDS {
        for ((_, url), runs) in servers.iter().zip(&mut runs) {
            runs.push(drive(url, requests, connections, round).await);
        }
    }
    let rows: Vec<(&str, Report)> = servers
        .iter()
        .zip(runs)
        .map(|((name, _), mut runs)| {
            runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
            (*name, runs.swap_remove(runs.len() / 2))
        })
        .collect();
    let baseline = requests as f64 / rows[0].1.seconds;
    let by_hand = rows
        .iter()
        .find(|(name, _)| *name == "no layer, bare redis commands by hand")
        .map(|(_, r)| requests as f64 / r.seconds);
    println!(
        "{requests} requests, {connections} connections, 1 KiB bodies, each a new valid delivery; \
         median of {ROUNDS} interleaved rounds\n"
    );
    println!("| server | requests/s | ratio | p50 | p99 | failures |");
    println!("|---|---|---|---|---|---|");
    for (name, r) in &rows {
        let rps = requests as f64 / r.seconds;
        println!(
            "| {name} | {rps:.0} | {:.3} | {:.0} µs | {:.0} µs | {} |",
            rps / baseline,
            r.p50.as_secs_f64() * 1e6,
            r.p99.as_secs_f64() * 1e6,
            r.failures
        );
    }
    if let (Some(by_hand), Some((_, layer))) = (
        by_hand,
        rows.iter().find(|(name, _)| *name == "layer, redis store"),
    ) {
        println!(
            "\nlayer, redis store / bare redis commands by hand: {:.3}",
            requests as f64 / layer.seconds / by_hand
        );
    }
    if let (Some((_, by_hand)), Some((_, layer))) = (
        rows.iter()
            .find(|(name, _)| *name == "no layer, bare SQL statements by hand"),
        rows.iter()
            .find(|(name, _)| *name == "layer, postgres store"),
    ) {
        println!(
            "layer, postgres store / bare SQL statements by hand: {:.3}",
            by_hand.seconds / layer.seconds
        );
    }
    let hmac = rows
        .iter()
        .find(|(name, _)| *name == "no layer, raw HMAC by hand")
        .map(|(_, r)| requests as f64 / r.seconds);
    if let Some(hmac) = hmac {
        for (name, r) in rows.iter().filter(|(name, _)| name.starts_with("layer, ")) {
            if name.contains("redis") || name.contains("postgres") {
                continue;
            }
            println!(
                "{name} / raw HMAC by hand: {:.3}",
                requests as f64 / r.seconds / hmac
            );
        }
    }
    if let (Some((_, off)), Some((_, on))) = (
        rows.iter().find(|(name, _)| name.ends_with("metrics off")),
        rows.iter().find(|(name, _)| name.ends_with("metrics on")),
    ) {
        println!(
            "layer, metrics on / metrics off (each in its own process): {:.3}",
            off.seconds / on.seconds
        );
    }
    for mut child in [off_child, on_child] {
        let _ = child.kill();
        let _ = child.wait();
    }
    if let Some(mut child) = server {
        let _ = child.kill();
    }
    drop(pg);
}
