//! The inbox at scale: what the operations an inbox serves cost with 10,000, 100,000 and
//! 1,000,000 deliveries stored, as a ratio to the same operation on an empty inbox in the
//! same run (target ≤ 1.2): the time to acknowledge a new delivery (p50, p99, through the
//! layer over real HTTP on 127.0.0.1), a worker's claim (the time to handle a delivery
//! with a handler that answers at once), a page of the list (the newest, one deep in it
//! by keyset, one of the dead), one delivery's detail, and the stats. Then the purge of
//! the million's done deliveries while deliveries keep arriving: the ack p99 during the
//! purge against the same inbox idle (target ≤ 2).
//!
//! `cargo bench --bench inbox_growth --features inbox-sqlite,inbox-postgres,axum`
//! (scripts/bench.sh runs it, then scripts/inbox_growth_chart.py draws the chart). Writes
//! its figures to `target/inbox_growth.json` (or `INBOX_GROWTH_OUT`) and the plans of the
//! read statements at the largest size to `target/inbox_growth_plans.txt`.
//! `INBOX_GROWTH_SIZES=10000,100000` runs fewer sizes, `INBOX_GROWTH_ENGINES=sqlite` (or
//! `postgres`) one engine, `INBOX_GROWTH_PURGE=0` skips the purge, `INBOX_GROWTH_PURGE_ONLY=1`
//! measures the purge alone (no passes). Without `--bench` it does nothing.
//!
//! The rows are the inbox's own: one delivery written through the layer, copied with SQL
//! (`INSERT … SELECT`, with the tally's triggers on) into deliveries with distinct ids
//! and replay keys, received over the last ten days: 98 % done (one attempt), 1 % dead
//! (two attempts), 1 % pending (none), each with one replay key and every other one a
//! second. The "empty" inbox holds that seed and 50 dead copies of it (so that a page of
//! the dead is a full page at every size), beside the deliveries the measurement itself
//! writes, as every size does.

#[path = "../tests/it/common/postgres.rs"]
#[allow(dead_code, unreachable_pub)]
mod postgres;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sqlx::{Executor, Row};
use tower_webhook::inbox::{DeliveryRecord, DeliveryState, Inbox, ListFilter};
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Acknowledgements per round (one a pass), and how many are in flight at once.
const ACKS: usize = 2_000;
const IN_FLIGHT: usize = 16;
/// Deliveries the workers handle in a pass of the claim's figure.
const HANDLED: usize = 1_000;
/// Calls of each read in a pass; its figure is the median of every pass's.
const READS: usize = 100;
/// Passes over the sizes (each figure: the median of the passes', or of every call's):
/// as many as there are inboxes, so each takes each place in the order once.
const PASSES: usize = 4;
/// The page size of the list's figures.
const PAGE: u32 = 50;
/// The sizes measured against the empty inbox.
const SIZES: &[usize] = &[10_000, 100_000, 1_000_000];
/// Dead copies in the "empty" inbox.
const EMPTY_DEAD: usize = 50;
/// The span over which the copies were received, before the last minute.
const SPAN_MS: i64 = 10 * 24 * 3600 * 1000;

/// The columns `list` reads (src/inbox/read.rs), for the plans.
const RECORD_COLUMNS: &str = "id, provider, source, delivery_id, event_type, \
    state, attempts, received_at, scheduled_at, finished_at, last_error";

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn body(i: usize) -> Bytes {
    let mut text = format!(r#"{{"type":"order.created","n":{i},"pad":""#);
    while text.len() < 1024 - 2 {
        text.push('x');
    }
    text.push_str("\"}");
    Bytes::from(text)
}

/// An axum server on 127.0.0.1 whose layer writes to `inbox` (no workers: the write path).
async fn serve(inbox: Inbox) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).expect("verifier");
    let app = Router::new()
        .route("/hook", post(|| async { "ok" }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, server)
}

/// Sends new deliveries (`{run}_{i}`) with `IN_FLIGHT` at once: `count` of them, or until
/// `stop` is set. Each is signed before its clock starts. The time each took to be
/// acknowledged (202), sorted.
async fn acks(
    addr: std::net::SocketAddr,
    run: String,
    count: Option<usize>,
    stop: Option<Arc<AtomicBool>>,
) -> Vec<Duration> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (client, next, stop, run) = (client.clone(), next.clone(), stop.clone(), run.clone());
        tasks.spawn(async move {
            let signer = Signer::new(providers::standard_webhooks(), SECRET).expect("signer");
            let mut latencies = Vec::new();
            loop {
                if stop
                    .as_ref()
                    .is_some_and(|stop| stop.load(Ordering::SeqCst))
                {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                if count.is_some_and(|count| i >= count) {
                    break;
                }
                let request = http::Request::post(format!("http://{addr}/hook"))
                    .header("content-type", "application/json")
                    .body(body(i))
                    .expect("request");
                let signed = signer
                    .sign_with(request, &format!("msg_{run}_{i}"), SystemTime::now())
                    .expect("sign");
                let at = Instant::now();
                let response = client
                    .request(signed.map(Full::new))
                    .await
                    .expect("response");
                assert_eq!(response.status(), http::StatusCode::ACCEPTED);
                let _ = response.into_body().collect().await;
                latencies.push(at.elapsed());
            }
            latencies
        });
    }
    let mut latencies = Vec::new();
    while let Some(part) = tasks.join_next().await {
        latencies.extend(part.expect("task"));
    }
    latencies.sort();
    latencies
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The median; `NaN` when nothing was measured (`INBOX_GROWTH_PURGE_ONLY`).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `INBOX_GROWTH_PURGE_ONLY=1`: only the purge figure (fill, a round of acks, the purge),
/// none of the passes.
fn purge_only() -> bool {
    std::env::var("INBOX_GROWTH_PURGE_ONLY").as_deref() == Ok("1")
}

/// The engine-specific part: how to fill an inbox, and the plans of its statements.
#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Sqlite,
    Postgres,
}

/// The copies of the seed delivery `seed`: `count` of them, every `every`th dead and the
/// one halfway between pending, the others done; received over `SPAN_MS` up to a minute
/// ago; with their replay keys and attempts. One transaction.
fn fill_statements(engine: Engine, seed: i64, count: usize, every: usize, now: i64) -> Vec<String> {
    let start = now - 60_000 - SPAN_MS;
    let step = SPAN_MS / count.max(1) as i64;
    let half = every / 2;
    let (series, n) = match engine {
        Engine::Sqlite => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) "
            ),
            "n.i",
        ),
        Engine::Postgres => (String::new(), "n"),
    };
    let from = match engine {
        Engine::Sqlite => "FROM webhook_inbox AS seed, n".to_owned(),
        Engine::Postgres => format!("FROM webhook_inbox AS seed, generate_series(1, {count}) AS n"),
    };
    let dead = format!("{n} % {every} = 0");
    let pending = format!("{n} % {every} = {half}");
    let received = format!("({start} + CAST({n} AS BIGINT) * {step})");
    let deliveries = format!(
        "{series}INSERT INTO webhook_inbox (provider, source, delivery_id, id_is_fingerprint,
             id_signed, event_type, event_type_signed, signed_at, method, uri, headers, body,
             state, attempts, received_at, scheduled_at, finished_at, last_error, sealed_with,
             ordering_key)
         SELECT provider, source, 'fill_' || {n}, id_is_fingerprint, id_signed, event_type,
             event_type_signed, signed_at, method, uri, headers, body,
             CASE WHEN {dead} THEN 'dead' WHEN {pending} THEN 'pending' ELSE 'done' END,
             CASE WHEN {dead} THEN 2 WHEN {pending} THEN 0 ELSE 1 END,
             {received}, {received},
             CASE WHEN {dead} THEN {received} + 60000 WHEN {pending} THEN NULL
                  ELSE {received} + 40 END,
             CASE WHEN {dead} THEN 'the handler answered 500 Internal Server Error' END,
             sealed_with, ordering_key
         {from} WHERE seed.id = {seed}"
    );
    let key = |salt: &str| match engine {
        Engine::Sqlite => "randomblob(32)".to_owned(),
        Engine::Postgres => format!("sha256(convert_to('{salt}:' || id, 'UTF8'))"),
    };
    vec![
        deliveries,
        format!(
            "INSERT INTO webhook_inbox_keys (replay_key, delivery)
             SELECT {}, id FROM webhook_inbox WHERE id > {seed}",
            key("fill-a")
        ),
        format!(
            "INSERT INTO webhook_inbox_keys (replay_key, delivery)
             SELECT {}, id FROM webhook_inbox WHERE id > {seed} AND id % 2 = 0",
            key("fill-b")
        ),
        format!(
            "INSERT INTO webhook_inbox_attempts (delivery, attempt, started_at, finished_at, error)
             SELECT id, 1, received_at + 10, received_at + 40,
                 CASE WHEN state = 'dead' THEN last_error END
             FROM webhook_inbox WHERE id > {seed} AND state <> 'pending'"
        ),
        format!(
            "INSERT INTO webhook_inbox_attempts (delivery, attempt, started_at, finished_at, error)
             SELECT id, 2, finished_at - 30, finished_at, last_error
             FROM webhook_inbox WHERE id > {seed} AND state = 'dead'"
        ),
    ]
}

/// An inbox of this engine, fresh, and a URL for a second pool on the same database.
struct Fresh {
    inbox: Inbox,
    url: String,
    dir: Option<std::path::PathBuf>,
}

async fn fresh(engine: Engine, server: Option<&postgres::PgServer>, name: &str) -> Fresh {
    match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join(format!(
                "tower-webhook-growth-{}-{name}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("dir");
            let url = format!("sqlite://{}", dir.join("inbox.db").display());
            let inbox = Inbox::connect(&url).await.expect("sqlite inbox");
            Fresh {
                inbox,
                url,
                dir: Some(dir),
            }
        }
        Engine::Postgres => {
            let url = server.expect("server").fresh_database(name);
            let inbox = Inbox::connect(&url).await.expect("postgres inbox");
            Fresh {
                inbox,
                url,
                dir: None,
            }
        }
    }
}

/// Runs `statements` in one transaction on a pool of its own, then (PostgreSQL) ANALYZE.
async fn run_sql(engine: Engine, url: &str, statements: &[String], analyze: bool) {
    match engine {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.expect("sqlite pool");
            let mut tx = pool.begin().await.expect("begin");
            for sql in statements {
                tx.execute(sql.as_str()).await.expect("fill");
            }
            tx.commit().await.expect("commit");
            pool.close().await;
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.expect("postgres pool");
            let mut tx = pool.begin().await.expect("begin");
            for sql in statements {
                tx.execute(sql.as_str()).await.expect("fill");
            }
            tx.commit().await.expect("commit");
            if analyze {
                pool.execute("ANALYZE").await.expect("analyze");
            }
            pool.close().await;
        }
    }
}

/// The id of the newest delivery (the seed, right after it is written).
async fn newest_id(engine: Engine, url: &str) -> i64 {
    let sql = "SELECT max(id) FROM webhook_inbox";
    match engine {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.expect("sqlite pool");
            let id: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("id");
            pool.close().await;
            id
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.expect("postgres pool");
            let id: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("id");
            pool.close().await;
            id
        }
    }
}

/// The plans of the read statements, of a batch of the purge and of the claim's select,
/// with `deep` as the keyset cursor and `id` as the delivery read.
async fn plans(engine: Engine, url: &str, deep: &DeliveryRecord, id: i64) -> String {
    let received = deep
        .received_at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let deep_id = deep.id.get();
    let now = now_ms();
    // As src/inbox/sqlite.rs writes them: SQLite's purge and claim name their index.
    let (done_index, claim_index) = match engine {
        Engine::Sqlite => (
            " INDEXED BY webhook_inbox_done",
            " INDEXED BY webhook_inbox_claimable",
        ),
        Engine::Postgres => ("", ""),
    };
    let statements = [
        (
            "list",
            format!(
                "SELECT {RECORD_COLUMNS} FROM webhook_inbox WHERE 1 = 1
                 ORDER BY received_at DESC, id DESC LIMIT {PAGE}"
            ),
        ),
        (
            "list after",
            format!(
                "SELECT {RECORD_COLUMNS} FROM webhook_inbox WHERE 1 = 1
                 AND (received_at, id) < ({received}, {deep_id})
                 ORDER BY received_at DESC, id DESC LIMIT {PAGE}"
            ),
        ),
        (
            "list dead",
            format!(
                "SELECT {RECORD_COLUMNS} FROM webhook_inbox WHERE 1 = 1 AND state = 'dead'
                 ORDER BY received_at DESC, id DESC LIMIT {PAGE}"
            ),
        ),
        (
            "get",
            format!(
                "SELECT {RECORD_COLUMNS}, method, uri, headers, body, sealed_with
                 FROM webhook_inbox WHERE id = {id}"
            ),
        ),
        (
            "get attempts",
            format!(
                "SELECT attempt, started_at, finished_at, error FROM webhook_inbox_attempts
                 WHERE delivery = {id} ORDER BY id"
            ),
        ),
        (
            "stats counts",
            "SELECT state, CAST(SUM(n) AS BIGINT) FROM (
                 SELECT state, total AS n FROM webhook_inbox_counts
                 UNION ALL SELECT state, delta FROM webhook_inbox_tally
             ) AS counted GROUP BY state"
                .to_owned(),
        ),
        (
            "stats oldest",
            "SELECT MIN(oldest) FROM (
                 SELECT MIN(received_at) AS oldest FROM webhook_inbox WHERE state = 'pending'
                 UNION ALL SELECT MIN(received_at) FROM webhook_inbox WHERE state = 'running'
                 UNION ALL SELECT MIN(received_at) FROM webhook_inbox WHERE state = 'retrying'
                 UNION ALL SELECT MIN(received_at) FROM webhook_inbox WHERE state = 'held'
             ) AS unfinished"
                .to_owned(),
        ),
        (
            "purge batch",
            format!(
                "SELECT id FROM webhook_inbox{done_index} WHERE state = 'done' AND finished_at < {now}
                 ORDER BY finished_at LIMIT 1000"
            ),
        ),
        (
            "claim select",
            format!(
                "SELECT id FROM webhook_inbox{claim_index} WHERE state IN ('pending', 'retrying')
                 AND scheduled_at <= {now} ORDER BY scheduled_at, id LIMIT 1"
            ),
        ),
    ];
    let mut out = String::new();
    for (name, sql) in statements {
        let _ = writeln!(
            out,
            "-- {name}\n{}",
            sql.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        let lines: Vec<String> = match engine {
            Engine::Sqlite => {
                let pool = sqlx::SqlitePool::connect(url).await.expect("sqlite pool");
                let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(&pool)
                    .await
                    .expect("explain");
                pool.close().await;
                rows.iter()
                    .map(|row| row.get::<String, _>("detail"))
                    .collect()
            }
            Engine::Postgres => {
                let pool = sqlx::PgPool::connect(url).await.expect("postgres pool");
                let rows = sqlx::query(&format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"))
                    .fetch_all(&pool)
                    .await
                    .expect("explain");
                pool.close().await;
                rows.iter().map(|row| row.get::<String, _>(0)).collect()
            }
        };
        for line in lines {
            let _ = writeln!(out, "   {line}");
        }
    }
    out
}

/// The figures of one size.
#[derive(Default, Clone)]
struct Figures {
    rows: usize,
    fill_s: f64,
    ack_p50_ms: f64,
    ack_p99_ms: f64,
    claim_ms: f64,
    list_us: f64,
    list_after_us: f64,
    list_dead_us: f64,
    get_us: f64,
    stats_us: f64,
}

/// The purge of the largest size's done deliveries while deliveries keep arriving.
#[derive(Default, Clone)]
struct Purge {
    rows: usize,
    purged: u64,
    seconds: f64,
    idle_p50_ms: f64,
    idle_p99_ms: f64,
    during_p50_ms: f64,
    during_p99_ms: f64,
    during_max_ms: f64,
    during_acks: usize,
    /// PostgreSQL: what the active backends waited on, idle and during the purge.
    idle_waits: Vec<(String, usize)>,
    during_waits: Vec<(String, usize)>,
}

/// One inbox of one size, filled, with its server.
struct Sized {
    label: String,
    /// Deliveries stored before the measurement wrote any (0: the "empty" inbox).
    rows: usize,
    fill_s: f64,
    db: Fresh,
    addr: std::net::SocketAddr,
    server: tokio::task::JoinHandle<()>,
    /// The figures' samples, over the passes.
    p50s: Vec<f64>,
    p99s: Vec<f64>,
    claims: Vec<f64>,
    list: Vec<f64>,
    list_after: Vec<f64>,
    list_dead: Vec<f64>,
    get: Vec<f64>,
    stats: Vec<f64>,
    /// The cursor of the page deep in the list, and the delivery read.
    deep: Option<DeliveryRecord>,
    one: Option<tower_webhook::inbox::InboxId>,
    acks_sent: usize,
}

/// A fresh inbox of `rows` deliveries (0: the "empty" one), filled, and its server.
async fn setup(engine: Engine, server: Option<&postgres::PgServer>, rows: usize) -> Sized {
    let label = if rows == 0 {
        "empty".to_owned()
    } else {
        rows.to_string()
    };
    let db = fresh(engine, server, &format!("growth{label}")).await;
    let (addr, server) = serve(db.inbox.clone()).await;
    // The seed, through the layer; then its copies.
    let seed = acks(addr, "seed".to_owned(), Some(1), None).await;
    assert_eq!(seed.len(), 1);
    let seed_id = newest_id(engine, &db.url).await;
    let (count, every) = if rows == 0 {
        (EMPTY_DEAD, 1)
    } else {
        (rows - 1, 100)
    };
    let started = Instant::now();
    let statements = fill_statements(engine, seed_id, count, every, now_ms());
    run_sql(engine, &db.url, &statements, engine == Engine::Postgres).await;
    let fill_s = started.elapsed().as_secs_f64();
    // Folds the triggers' deltas, and checks they counted every copy.
    let stats = db.inbox.stats().await.expect("stats");
    let total = stats.pending + stats.done + stats.dead;
    assert_eq!(total as usize, count + 1, "{stats:?}");
    eprintln!(
        "{} {label}: filled {} rows in {fill_s:.1} s: {stats:?}",
        name(engine),
        count + 1
    );
    Sized {
        label,
        rows: if rows == 0 { 0 } else { count + 1 },
        fill_s,
        db,
        addr,
        server,
        p50s: Vec::new(),
        p99s: Vec::new(),
        claims: Vec::new(),
        list: Vec::new(),
        list_after: Vec::new(),
        list_dead: Vec::new(),
        get: Vec::new(),
        stats: Vec::new(),
        deep: None,
        one: None,
        acks_sent: 0,
    }
}

/// `READS` calls of `read`, each timed (µs), after a tenth as many untimed.
async fn read_times<F, Fut>(read: F, into: &mut Vec<f64>)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..READS / 10 {
        read().await;
    }
    for _ in 0..READS {
        let at = Instant::now();
        read().await;
        into.push(us(at.elapsed()));
    }
}

/// One round of acks into `sized`; if `measured`, its p50 and p99 are kept.
async fn ack_round(sized: &mut Sized, round: &str, measured: bool) {
    let latencies = acks(sized.addr, round.to_owned(), Some(ACKS), None).await;
    sized.acks_sent += latencies.len();
    if measured {
        sized.p50s.push(ms(quantile(&latencies, 0.50)));
        sized.p99s.push(ms(quantile(&latencies, 0.99)));
    }
}

/// The cursor halfway down the list (reached page by page) and a dead delivery to read.
async fn find_targets(sized: &mut Sized) {
    let inbox = &sized.db.inbox;
    let stored = (sized.rows.max(EMPTY_DEAD + 1) + sized.acks_sent) / 2;
    let mut seen = 0;
    let mut cursor: Option<DeliveryRecord> = None;
    while seen < stored {
        let mut filter = ListFilter::new().limit(10_000.min((stored - seen) as u32));
        if let Some(last) = &cursor {
            filter = filter.after(last);
        }
        let page = inbox.list(&filter).await.expect("list");
        seen += page.len();
        cursor = page.last().cloned();
    }
    sized.deep = cursor;
    let dead = ListFilter::new().limit(PAGE).state(DeliveryState::Dead);
    let page = inbox.list(&dead).await.expect("list dead");
    sized.one = page.last().map(|record| record.id);
}

/// One pass of the reads on `sized`.
async fn read_pass(sized: &mut Sized) {
    let inbox = sized.db.inbox.clone();
    let list = ListFilter::new().limit(PAGE);
    read_times(
        || async {
            let page = inbox.list(&list).await.expect("list");
            assert_eq!(page.len(), PAGE as usize);
        },
        &mut sized.list,
    )
    .await;
    let after = ListFilter::new()
        .limit(PAGE)
        .after(sized.deep.as_ref().expect("deep"));
    read_times(
        || async {
            let page = inbox.list(&after).await.expect("list after");
            assert_eq!(page.len(), PAGE as usize);
        },
        &mut sized.list_after,
    )
    .await;
    let dead = ListFilter::new().limit(PAGE).state(DeliveryState::Dead);
    read_times(
        || async {
            let page = inbox.list(&dead).await.expect("list dead");
            assert_eq!(page.len(), PAGE as usize);
        },
        &mut sized.list_dead,
    )
    .await;
    let one = sized.one.expect("a dead delivery");
    read_times(
        || async {
            let details = inbox.get(one).await.expect("get").expect("the delivery");
            assert_eq!(details.attempts.len(), 2);
        },
        &mut sized.get,
    )
    .await;
    read_times(
        || async {
            inbox.stats().await.expect("stats");
        },
        &mut sized.stats,
    )
    .await;
}

/// A worker's claim: the time to handle `HANDLED` deliveries, per delivery (ms).
async fn claim_pass(sized: &mut Sized) {
    let handled = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(tokio::sync::Notify::new());
    let (counter, finished) = (handled.clone(), done.clone());
    let handler = Router::new().route(
        "/hook",
        post(move || {
            let (counter, finished) = (counter.clone(), finished.clone());
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) + 1 == HANDLED {
                    finished.notify_one();
                }
                "ok"
            }
        }),
    );
    let started = Instant::now();
    let workers = sized
        .db
        .inbox
        .workers(handler)
        .poll_interval(Duration::from_millis(5))
        .spawn();
    done.notified().await;
    sized.claims.push(ms(started.elapsed()) / HANDLED as f64);
    workers.shutdown().await;
}

/// The purge of `sized`'s done deliveries while acks keep arriving, against the same
/// acks just before.
async fn purge(engine: Engine, sized: &mut Sized) -> Purge {
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = (engine == Engine::Postgres)
        .then(|| tokio::spawn(wait_events(sized.db.url.clone(), stop.clone())));
    let idle = acks(sized.addr, "idle".to_owned(), Some(ACKS), None).await;
    stop.store(true, Ordering::SeqCst);
    let idle_waits = match sampler {
        Some(task) => task.await.expect("sampler"),
        None => Vec::new(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = (engine == Engine::Postgres)
        .then(|| tokio::spawn(wait_events(sized.db.url.clone(), stop.clone())));
    let during = tokio::spawn(acks(
        sized.addr,
        "purge".to_owned(),
        None,
        Some(stop.clone()),
    ));
    let started = Instant::now();
    // Every done row finished at least a minute ago: a cutoff of now takes them all.
    let purged = sized
        .db
        .inbox
        .purge_done(Duration::ZERO)
        .await
        .expect("purge");
    let seconds = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    let during = during.await.expect("acks during the purge");
    let during_waits = match sampler {
        Some(task) => task.await.expect("sampler"),
        None => Vec::new(),
    };
    eprintln!(
        "{}: purged {purged} in {seconds:.1} s, {} acks meanwhile",
        sized.label,
        during.len()
    );
    Purge {
        rows: sized.rows,
        purged,
        seconds,
        idle_p50_ms: ms(quantile(&idle, 0.50)),
        idle_p99_ms: ms(quantile(&idle, 0.99)),
        during_p50_ms: ms(quantile(&during, 0.50)),
        during_p99_ms: ms(quantile(&during, 0.99)),
        during_max_ms: ms(during.last().copied().unwrap_or_default()),
        during_acks: during.len(),
        idle_waits,
        during_waits,
    }
}

/// What the server's active backends wait on, sampled every 5 ms until `stop`: counts by
/// statement (the ack's insert, each of the purge's) and wait event, most first.
async fn wait_events(url: String, stop: Arc<AtomicBool>) -> Vec<(String, usize)> {
    let pool = sqlx::PgPool::connect(&url).await.expect("postgres pool");
    let mut counts = std::collections::HashMap::<String, usize>::new();
    while !stop.load(Ordering::SeqCst) {
        let rows = sqlx::query(
            "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU'), query
             FROM pg_stat_activity
             WHERE state = 'active' AND pid <> pg_backend_pid()
                 AND datname = current_database()",
        )
        .fetch_all(&pool)
        .await
        .expect("pg_stat_activity");
        for row in rows {
            let wait: String = row.get(0);
            let query: String = row.get(1);
            let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
            let what = if query.starts_with("WITH new AS") {
                "ack insert"
            } else if query.starts_with("INSERT INTO webhook_inbox_retained_keys") {
                "purge: copy keys"
            } else if query.starts_with("DELETE FROM webhook_inbox WHERE id = ANY") {
                "purge: delete"
            } else if query.starts_with("SELECT id FROM webhook_inbox WHERE state = 'done'") {
                "purge: select batch"
            } else {
                "other"
            };
            *counts.entry(format!("{what} / {wait}")).or_default() += 1;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    pool.close().await;
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    counts.sort_by_key(|count| std::cmp::Reverse(count.1));
    counts
}

/// PostgreSQL: `stats` as it is (the tally's heap holds a dead tuple for every delta the
/// folds deleted since the last vacuum: the fill's million), then after `VACUUM` of the
/// tally; with the tally's size each time.
async fn tally_vacuum(sized: &mut Sized) -> serde_json::Value {
    let pool = sqlx::PgPool::connect(&sized.db.url)
        .await
        .expect("postgres pool");
    let size = |pool: sqlx::PgPool| async move {
        let row = sqlx::query(
            "SELECT pg_relation_size('webhook_inbox_tally') / 8192,
                 (SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'webhook_inbox_tally'),
                 (SELECT count(*) FROM webhook_inbox_tally),
                 (SELECT last_autovacuum::text FROM pg_stat_user_tables WHERE relname = 'webhook_inbox_tally')",
        )
        .fetch_one(&pool)
        .await
        .expect("tally size");
        (
            row.get::<i64, _>(0),
            row.get::<i64, _>(1),
            row.get::<i64, _>(2),
            row.get::<Option<String>, _>(3),
        )
    };
    let inbox = sized.db.inbox.clone();
    let before = size(pool.clone()).await;
    let mut times = Vec::new();
    read_times(
        || async {
            inbox.stats().await.expect("stats");
        },
        &mut times,
    )
    .await;
    let stats_before = median(&mut times);
    pool.execute("VACUUM webhook_inbox_tally")
        .await
        .expect("vacuum");
    let after = size(pool.clone()).await;
    let mut times = Vec::new();
    read_times(
        || async {
            inbox.stats().await.expect("stats");
        },
        &mut times,
    )
    .await;
    let stats_after = median(&mut times);
    pool.close().await;
    eprintln!("tally: {before:?} stats {stats_before:.0} µs; after VACUUM {after:?} stats {stats_after:.0} µs");
    serde_json::json!({
        "rows": sized.rows,
        "stats_us_as_measured": stats_before,
        "tally_pages_before_vacuum": before.0,
        "tally_dead_tuples_before_vacuum": before.1,
        "tally_rows_before_vacuum": before.2,
        "tally_last_autovacuum": before.3,
        "stats_us_after_vacuum": stats_after,
        "tally_pages_after_vacuum": after.0,
    })
}

impl Sized {
    fn figures(&mut self) -> Figures {
        Figures {
            rows: self.rows,
            fill_s: self.fill_s,
            ack_p50_ms: median(&mut self.p50s),
            ack_p99_ms: median(&mut self.p99s),
            claim_ms: median(&mut self.claims),
            list_us: median(&mut self.list),
            list_after_us: median(&mut self.list_after),
            list_dead_us: median(&mut self.list_dead),
            get_us: median(&mut self.get),
            stats_us: median(&mut self.stats),
        }
    }

    fn close(self) {
        self.server.abort();
        if let Some(dir) = self.db.dir {
            drop(self.db.inbox);
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Every size of one engine, measured in turns: each pass takes every size once, so a
/// drift of the machine falls on every size alike.
async fn engine_run(
    engine: Engine,
    server: Option<&postgres::PgServer>,
    sizes: &[usize],
    plans_out: &mut String,
    diagnostics: &mut Vec<serde_json::Value>,
) -> (Vec<Figures>, Option<Purge>) {
    let mut all = Vec::new();
    for &rows in std::iter::once(&0).chain(sizes.iter()) {
        all.push(setup(engine, server, rows).await);
    }
    // A round not measured (caches, connections), then the targets of the reads.
    // Then the plans as they are (PostgreSQL: statistics from the ANALYZE after the fill),
    // and PostgreSQL analyzes again: the empty inbox's statistics were of 51 rows.
    for sized in &mut all {
        ack_round(sized, "warm", false).await;
        find_targets(sized).await;
        let _ = writeln!(
            plans_out,
            "== {} at {} rows, after the fill and a round of acks\n{}",
            name(engine),
            sized.rows,
            plans(
                engine,
                &sized.db.url,
                sized.deep.as_ref().expect("deep"),
                sized.one.expect("one").get()
            )
            .await
        );
        if engine == Engine::Postgres {
            run_sql(engine, &sized.db.url, &[], true).await;
        }
    }
    // Each pass starts at another size: each size takes each place in the order once.
    let turns = all.len();
    let passes = if purge_only() { 0 } else { PASSES };
    for pass in 0..passes {
        for turn in 0..turns {
            let sized = &mut all[(pass + turn) % turns];
            ack_round(sized, &format!("ack{pass}"), true).await;
            read_pass(sized).await;
        }
        eprintln!("{}: pass {pass} done", name(engine));
    }
    for pass in 0..passes {
        for turn in 0..turns {
            claim_pass(&mut all[(pass + turn) % turns]).await;
        }
    }
    let largest = all.last_mut().expect("sizes");
    let mut purged = None;
    if largest.rows > 0 && std::env::var("INBOX_GROWTH_PURGE").as_deref() != Ok("0") {
        let deep = largest.deep.clone().expect("deep");
        let one = largest.one.expect("one");
        let _ = writeln!(
            plans_out,
            "== {} at {} rows, after the measurement\n{}",
            name(engine),
            largest.rows,
            plans(engine, &largest.db.url, &deep, one.get()).await
        );
        if engine == Engine::Postgres {
            diagnostics.push(tally_vacuum(largest).await);
        }
        purged = Some(purge(engine, largest).await);
    }
    let figures = all.iter_mut().map(Sized::figures).collect();
    for sized in all {
        sized.close();
    }
    (figures, purged)
}

fn name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "SQLite (WAL, synchronous=FULL)",
        Engine::Postgres => "PostgreSQL 1 server (fsync on)",
    }
}

fn figures_json(f: &Figures) -> serde_json::Value {
    serde_json::json!({
        "rows": f.rows,
        "fill_s": f.fill_s,
        "ack_p50_ms": f.ack_p50_ms,
        "ack_p99_ms": f.ack_p99_ms,
        "claim_ms": f.claim_ms,
        "list_us": f.list_us,
        "list_after_us": f.list_after_us,
        "list_dead_us": f.list_dead_us,
        "get_us": f.get_us,
        "stats_us": f.stats_us,
    })
}

fn print_table(engine: Engine, sizes: &[Figures]) {
    let empty = &sizes[0];
    println!("{}", name(engine));
    println!();
    println!("| rows | ack p50 | ack p99 | claim (per delivery) | list page | page after (deep) | dead page | get | stats |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for f in sizes {
        let cell = |value: f64, base: f64, unit: &str| {
            if f.rows == 0 {
                format!("{value:.2} {unit}")
            } else {
                format!("{value:.2} {unit} ({:.2}×)", value / base)
            }
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            if f.rows == 0 {
                "empty".to_owned()
            } else {
                f.rows.to_string()
            },
            cell(f.ack_p50_ms, empty.ack_p50_ms, "ms"),
            cell(f.ack_p99_ms, empty.ack_p99_ms, "ms"),
            cell(f.claim_ms, empty.claim_ms, "ms"),
            cell(f.list_us, empty.list_us, "µs"),
            cell(f.list_after_us, empty.list_after_us, "µs"),
            cell(f.list_dead_us, empty.list_dead_us, "µs"),
            cell(f.get_us, empty.get_us, "µs"),
            cell(f.stats_us, empty.stats_us, "µs"),
        );
    }
    println!();
}

#[tokio::main]
async fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let sizes: Vec<usize> = match std::env::var("INBOX_GROWTH_SIZES") {
        Ok(list) => list
            .split(',')
            .filter_map(|size| size.trim().parse().ok())
            .collect(),
        Err(_) => SIZES.to_vec(),
    };
    let engines: Vec<Engine> = match std::env::var("INBOX_GROWTH_ENGINES").as_deref() {
        Ok("sqlite") => vec![Engine::Sqlite],
        Ok("postgres") => vec![Engine::Postgres],
        _ => vec![Engine::Sqlite, Engine::Postgres],
    };
    let out =
        std::env::var("INBOX_GROWTH_OUT").unwrap_or_else(|_| "target/inbox_growth.json".into());
    let out = std::path::PathBuf::from(out);
    if let Some(parent) = out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!("load average at the start: {}", load.trim());

    let mut results = Vec::new();
    let mut plans_out = String::new();
    let mut diagnostics = Vec::new();
    for engine in engines {
        let server = (engine == Engine::Postgres).then(postgres::PgServer::start_durable);
        let (figures, purge) = engine_run(
            engine,
            server.as_ref(),
            &sizes,
            &mut plans_out,
            &mut diagnostics,
        )
        .await;
        if !purge_only() {
            print_table(engine, &figures);
        }
        if let Some(p) = &purge {
            println!(
                "{}: purge of {} done deliveries of {} rows in {:.1} s; ack p99 idle {:.2} ms, \
                 during the purge {:.2} ms ({:.2}×; p50 {:.2} → {:.2} ms, max {:.1} ms, {} acks)",
                name(engine),
                p.purged,
                p.rows,
                p.seconds,
                p.idle_p99_ms,
                p.during_p99_ms,
                p.during_p99_ms / p.idle_p99_ms,
                p.idle_p50_ms,
                p.during_p50_ms,
                p.during_max_ms,
                p.during_acks
            );
            println!();
        }
        results.push(serde_json::json!({
            "engine": name(engine),
            "key": match engine { Engine::Sqlite => "sqlite", Engine::Postgres => "postgres" },
            "sizes": figures.iter().map(figures_json).collect::<Vec<_>>(),
            "purge": purge.map(|p| serde_json::json!({
                "rows": p.rows,
                "purged": p.purged,
                "seconds": p.seconds,
                "idle_p50_ms": p.idle_p50_ms,
                "idle_p99_ms": p.idle_p99_ms,
                "during_p50_ms": p.during_p50_ms,
                "during_p99_ms": p.during_p99_ms,
                "during_max_ms": p.during_max_ms,
                "during_acks": p.during_acks,
                "idle_waits": p.idle_waits,
                "during_waits": p.during_waits,
            })),
        }));
    }
    let load_end = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let document = serde_json::json!({
        "load_start": load.trim(),
        "load_end": load_end.trim(),
        "acks_per_round": ACKS,
        "passes": PASSES,
        "in_flight": IN_FLIGHT,
        "handled": HANDLED,
        "reads": READS,
        "page": PAGE,
        "engines": results,
        "diagnostics": diagnostics,
    });
    std::fs::write(
        &out,
        serde_json::to_string_pretty(&document).expect("json") + "\n",
    )
    .expect("write the figures");
    let plans_path = out.with_file_name("inbox_growth_plans.txt");
    std::fs::write(&plans_path, plans_out).expect("write the plans");
    eprintln!(
        "figures: {}, plans: {}",
        out.display(),
        plans_path.display()
    );
}
