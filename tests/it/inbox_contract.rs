//! The durable inbox's contract, run against every engine: SQLite files and a real
//! PostgreSQL server the tests start. Through real HTTP on 127.0.0.1: the provider's
//! answer comes before the handler, failures are retried, duplicates never reach the
//! handler, dead deliveries are replayed, leases are taken over, and a reopened inbox
//! picks up where the last process stopped. Then PostgreSQL's own promise: two instances
//! on one database never run one delivery at the same time.

use crate::common;

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::{Extension, Router};
use bytes::Bytes;
use common::{copy, is_duplicate, send, Server};
use http::StatusCode;
use tokio::sync::Notify;
use tower_webhook::inbox::{
    DeliveryState, Inbox, InboxErrorKind, InboxId, InboxJob, InboxStats, ListFilter,
};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Clone, Copy, Debug)]
enum Engine {
    #[cfg(feature = "inbox-sqlite")]
    Sqlite,
    #[cfg(feature = "inbox-postgres")]
    Postgres,
}

/// One test's database: a SQLite file in a directory of its own (removed when dropped),
/// or a fresh database on the test binary's PostgreSQL server.
struct Database {
    url: String,
    #[cfg(feature = "inbox-sqlite")]
    dir: Option<std::path::PathBuf>,
}

impl Database {
    fn new(engine: Engine, name: &str) -> Database {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let _ = (&COUNT, name);
        match engine {
            #[cfg(feature = "inbox-sqlite")]
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(format!(
                    "tower-webhook-inbox-{name}-{}-{}",
                    std::process::id(),
                    COUNT.fetch_add(1, Ordering::SeqCst)
                ));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap();
                Database {
                    url: format!("sqlite://{}", dir.join("inbox.db").display()),
                    dir: Some(dir),
                }
            }
            #[cfg(feature = "inbox-postgres")]
            Engine::Postgres => Database {
                url: common::postgres::shared().fresh_database(name),
                #[cfg(feature = "inbox-sqlite")]
                dir: None,
            },
        }
    }

    /// Opens the inbox (again: a restarted process), through `Inbox::connect`.
    async fn open(&self) -> Inbox {
        Inbox::connect(&self.url).await.unwrap()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        #[cfg(feature = "inbox-sqlite")]
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Another client holding the inbox's write lock, as a long migration or a stuck
/// transaction would.
enum Locker {
    #[cfg(feature = "inbox-sqlite")]
    Sqlite(sqlx::SqliteConnection),
    #[cfg(feature = "inbox-postgres")]
    Postgres(sqlx::PgConnection),
}

impl Locker {
    async fn lock(engine: Engine, database: &Database) -> Locker {
        use sqlx::{Connection, Executor};
        match engine {
            #[cfg(feature = "inbox-sqlite")]
            Engine::Sqlite => {
                let mut connection = sqlx::SqliteConnection::connect(&database.url)
                    .await
                    .unwrap();
                connection.execute("BEGIN IMMEDIATE").await.unwrap();
                Locker::Sqlite(connection)
            }
            #[cfg(feature = "inbox-postgres")]
            Engine::Postgres => {
                let mut connection = sqlx::PgConnection::connect(&database.url).await.unwrap();
                connection
                    .execute("BEGIN; LOCK TABLE webhook_inbox IN EXCLUSIVE MODE")
                    .await
                    .unwrap();
                Locker::Postgres(connection)
            }
        }
    }

    async fn unlock(self) {
        use sqlx::Executor;
        match self {
            #[cfg(feature = "inbox-sqlite")]
            Locker::Sqlite(mut connection) => {
                connection.execute("ROLLBACK").await.unwrap();
            }
            #[cfg(feature = "inbox-postgres")]
            Locker::Postgres(mut connection) => {
                connection.execute("ROLLBACK").await.unwrap();
            }
        }
    }
}

fn layer(inbox: &Inbox) -> WebhookLayer {
    WebhookLayer::new(Verifier::new(providers::standard_webhooks(), SECRET).unwrap())
        .inbox(inbox.clone())
}

/// The receiving server: `handlers` behind the layer in inbox mode.
async fn receiver(inbox: &Inbox, handlers: &Router) -> Server {
    Server::start(handlers.clone().route_layer(layer(inbox))).await
}

fn delivery(server: &Server, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .header("x-tenant", "acme")
        .body(Bytes::from(format!(
            r#"{{"type":"order.created","data":{{"id":"{id}"}}}}"#
        )))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

/// What the handler saw on each call: the delivery id, the inbox id and the attempt.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, i64, u32)>>>);

impl Seen {
    fn record(&self, delivery: &Delivery, job: &InboxJob) {
        self.0
            .lock()
            .unwrap()
            .push((delivery.id().to_owned(), job.id().get(), job.attempt()));
    }
    fn calls(&self) -> Vec<(String, i64, u32)> {
        self.0.lock().unwrap().clone()
    }
}

/// Waits until the inbox's stats satisfy `done`, for at most 20 seconds.
async fn wait_for(inbox: &Inbox, what: &str, done: impl Fn(&InboxStats) -> bool) -> InboxStats {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let stats = inbox.stats().await.unwrap();
        if done(&stats) {
            return stats;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Waits until `notify` is notified, for at most 20 seconds.
async fn wait_notified(notify: &Notify, what: &str) {
    tokio::time::timeout(Duration::from_secs(20), notify.notified())
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}

async fn the_provider_is_answered_before_a_slow_handler_runs(engine: Engine) {
    let db = Database::new(engine, "ack");
    let inbox = db.open().await;
    let started = Arc::new(Notify::new());
    let gate = Arc::new(Notify::new());
    let seen = Seen::default();
    let handlers = {
        let (started, gate, seen) = (started.clone(), gate.clone(), seen.clone());
        Router::new().route(
            "/hook",
            post(
                move |delivery: Delivery,
                      Extension(job): Extension<InboxJob>,
                      headers: http::HeaderMap,
                      body: Bytes| {
                    let (started, gate, seen) = (started.clone(), gate.clone(), seen.clone());
                    async move {
                        // The stored request: headers, body and the verified delivery.
                        assert_eq!(headers.get("x-tenant").unwrap(), "acme");
                        assert_eq!(body, delivery.body());
                        assert_eq!(delivery.provider(), "standard-webhooks");
                        assert_eq!(delivery.event_type(), Some("order.created"));
                        started.notify_one();
                        gate.notified().await;
                        seen.record(&delivery, &job);
                        "ok"
                    }
                },
            ),
        )
    };
    let workers = inbox.workers(handlers.clone()).spawn();
    let server = receiver(&inbox, &handlers).await;

    let reply = send(delivery(&server, "msg_slow")).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    assert_eq!(reply.json()["status"], "accepted");
    // Answered, and the handler has not finished: it waits on the gate.
    assert!(seen.calls().is_empty());
    wait_notified(&started, "the handler to start").await;
    assert!(seen.calls().is_empty());
    gate.notify_one();
    let stats = wait_for(&inbox, "the delivery to be done", |s| s.done == 1).await;
    assert_eq!(
        stats.pending + stats.running + stats.retrying + stats.dead,
        0
    );
    assert_eq!(stats.oldest_pending_age, None);
    let calls = seen.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "msg_slow");
    assert_eq!(calls[0].2, 1);
    workers.shutdown().await;
}

async fn a_failing_handler_is_retried_with_backoff_and_handled_once_it_succeeds(engine: Engine) {
    let db = Database::new(engine, "retry");
    let inbox = db.open().await;
    let seen = Seen::default();
    let failures = Arc::new(AtomicU32::new(2));
    let handlers = {
        let (seen, failures) = (seen.clone(), failures.clone());
        Router::new().route(
            "/hook",
            post(
                move |delivery: Delivery, Extension(job): Extension<InboxJob>| {
                    let (seen, failures) = (seen.clone(), failures.clone());
                    async move {
                        seen.record(&delivery, &job);
                        let fail = failures
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                        if fail {
                            (StatusCode::INTERNAL_SERVER_ERROR, "not yet")
                        } else {
                            (StatusCode::OK, "ok")
                        }
                    }
                },
            ),
        )
    };
    let workers = inbox
        .workers(handlers.clone())
        .backoff(Duration::from_millis(20), Duration::from_millis(100))
        .spawn();
    let server = receiver(&inbox, &handlers).await;
    assert_eq!(
        send(delivery(&server, "msg_flaky")).await.status,
        StatusCode::ACCEPTED
    );
    wait_for(&inbox, "the delivery to be done", |s| s.done == 1).await;
    workers.shutdown().await;

    let calls = seen.calls();
    let attempts: Vec<u32> = calls.iter().map(|call| call.2).collect();
    assert_eq!(attempts, [1, 2, 3], "two failures, then one success");
    assert!(
        calls.iter().all(|call| call.1 == calls[0].1),
        "one stable id"
    );

    let done = inbox
        .list(&ListFilter::new().state(DeliveryState::Done))
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    let details = inbox.get(done[0].id).await.unwrap().unwrap();
    assert_eq!(details.record.attempts, 3);
    assert_eq!(details.record.last_error, None);
    let errors: Vec<Option<&str>> = details
        .attempts
        .iter()
        .map(|attempt| attempt.error.as_deref())
        .collect();
    assert_eq!(
        errors,
        [
            Some("handler answered 500 Internal Server Error"),
            Some("handler answered 500 Internal Server Error"),
            None
        ]
    );
    // The backoff: each retry started at least half its pause after the failure.
    let pauses: Vec<Duration> = details
        .attempts
        .windows(2)
        .map(|pair| {
            pair[1]
                .started_at
                .duration_since(pair[0].finished_at.unwrap())
                .unwrap_or_default()
        })
        .collect();
    assert!(pauses[0] >= Duration::from_millis(10), "{pauses:?}");
    assert!(pauses[1] >= Duration::from_millis(20), "{pauses:?}");
}

async fn duplicates_from_the_provider_never_reach_the_handler(engine: Engine) {
    let db = Database::new(engine, "duplicates");
    let inbox = db.open().await;
    let seen = Seen::default();
    let handlers = {
        let seen = seen.clone();
        Router::new().route(
            "/hook",
            post(
                move |delivery: Delivery, Extension(job): Extension<InboxJob>| {
                    let seen = seen.clone();
                    async move {
                        seen.record(&delivery, &job);
                        "ok"
                    }
                },
            ),
        )
    };
    let server = receiver(&inbox, &handlers).await;
    let first = delivery(&server, "msg_dup");
    assert_eq!(
        send(common::copy(&first)).await.status,
        StatusCode::ACCEPTED
    );
    // While the first copy is still pending (no workers yet) …
    let reply = send(common::copy(&first)).await;
    assert!(is_duplicate(&reply), "{} {}", reply.status, reply.text());
    // … and the provider's retry, signed anew, under the same id.
    assert!(is_duplicate(&send(delivery(&server, "msg_dup")).await));
    // Concurrent copies: one stored delivery.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        tasks.spawn(send(delivery(&server, "msg_dup_concurrent")));
    }
    let mut accepted = 0;
    while let Some(reply) = tasks.join_next().await {
        let reply = reply.unwrap();
        if reply.status == StatusCode::ACCEPTED {
            accepted += 1;
        } else {
            assert!(is_duplicate(&reply), "{} {}", reply.status, reply.text());
        }
    }
    assert_eq!(accepted, 1);

    let workers = inbox.workers(handlers.clone()).spawn();
    wait_for(&inbox, "both deliveries to be done", |s| s.done == 2).await;
    // … and after it was handled.
    assert!(is_duplicate(&send(common::copy(&first)).await));
    workers.shutdown().await;
    let mut ids: Vec<String> = seen.calls().into_iter().map(|call| call.0).collect();
    ids.sort();
    assert_eq!(ids, ["msg_dup", "msg_dup_concurrent"]);
}

async fn a_dead_delivery_waits_for_a_replay_and_then_runs_again(engine: Engine) {
    let db = Database::new(engine, "dead");
    let inbox = db.open().await;
    let seen = Seen::default();
    let healthy = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let handlers = {
        let (seen, healthy) = (seen.clone(), healthy.clone());
        Router::new().route(
            "/hook",
            post(
                move |delivery: Delivery, Extension(job): Extension<InboxJob>| {
                    let (seen, healthy) = (seen.clone(), healthy.clone());
                    async move {
                        seen.record(&delivery, &job);
                        if healthy.load(Ordering::SeqCst) {
                            Ok("ok")
                        } else {
                            Err((StatusCode::SERVICE_UNAVAILABLE, "downstream is down"))
                        }
                    }
                },
            ),
        )
    };
    let workers = inbox
        .workers(handlers.clone())
        .max_attempts(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .spawn();
    let server = receiver(&inbox, &handlers).await;
    assert_eq!(
        send(delivery(&server, "msg_dead")).await.status,
        StatusCode::ACCEPTED
    );
    wait_for(&inbox, "the delivery to be dead", |s| s.dead == 1).await;
    assert_eq!(seen.calls().len(), 2, "max_attempts(2)");

    let dead = inbox
        .list(&ListFilter::new().state(DeliveryState::Dead))
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].delivery_id, "msg_dead");
    assert_eq!(dead[0].attempts, 2);
    assert_eq!(
        dead[0].last_error.as_deref(),
        Some("handler answered 503 Service Unavailable: downstream is down")
    );
    assert!(dead[0].finished_at.is_some());

    healthy.store(true, Ordering::SeqCst);
    assert_eq!(inbox.replay_dead().await.unwrap(), 1);
    wait_for(&inbox, "the replayed delivery to be done", |s| s.done == 1).await;
    let calls = seen.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[2].2, 1, "a replay counts attempts afresh");
    // A done delivery can be replayed one by one, too.
    assert!(inbox.replay(dead[0].id).await.unwrap());
    wait_for(&inbox, "the second replay", |s| {
        s.done == 1 && s.pending == 0 && s.running == 0
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while seen.calls().len() < 4 {
        assert!(Instant::now() < deadline, "replay not run");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        inbox.get(dead[0].id).await.unwrap().unwrap().attempts.len(),
        4
    );
    workers.shutdown().await;
}

async fn a_dead_worker_loses_its_lease_and_another_takes_the_delivery_over(engine: Engine) {
    let db = Database::new(engine, "lease");
    let inbox = db.open().await;
    let seen = Seen::default();
    let started = Arc::new(Notify::new());
    let handlers = {
        let (seen, started) = (seen.clone(), started.clone());
        Router::new().route(
            "/hook",
            post(
                move |delivery: Delivery, Extension(job): Extension<InboxJob>| {
                    let (seen, started) = (seen.clone(), started.clone());
                    async move {
                        seen.record(&delivery, &job);
                        if job.attempt() == 1 {
                            // The first worker hangs here until it is killed.
                            started.notify_one();
                            std::future::pending::<()>().await;
                        }
                        "ok"
                    }
                },
            ),
        )
    };
    let lease = Duration::from_millis(300);
    let first = inbox.workers(handlers.clone()).lease(lease).spawn();
    let server = receiver(&inbox, &handlers).await;
    assert_eq!(
        send(delivery(&server, "msg_lease")).await.status,
        StatusCode::ACCEPTED
    );
    wait_notified(&started, "the first attempt").await;
    assert_eq!(inbox.stats().await.unwrap().running, 1);
    // While the first worker lives, it keeps extending its lease: nobody takes over. (No
    // timed assertion on when the takeover comes: on a loaded machine the extensions run
    // late, and so does the lease's end.)
    let second = inbox.workers(handlers.clone()).lease(lease).spawn();
    assert_eq!(
        seen.calls().len(),
        1,
        "taken over while the first worker lives"
    );
    first.abort();
    wait_for(&inbox, "the takeover", |s| s.done == 1).await;
    second.shutdown().await;

    let calls = seen.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0].1, calls[1].1,
        "the same delivery, by its stable id"
    );
    assert_eq!((calls[0].2, calls[1].2), (1, 2));
    let details = inbox.get(InboxId::new(calls[0].1)).await.unwrap().unwrap();
    assert_eq!(details.attempts[0].error.as_deref(), Some("lease expired"));
    assert_eq!(details.attempts[1].error, None);
}

async fn a_reopened_inbox_picks_up_the_pending_deliveries(engine: Engine) {
    let db = Database::new(engine, "restart");
    let seen = Seen::default();
    let handlers = {
        let seen = seen.clone();
        Router::new().route(
            "/hook",
            post(
                move |delivery: Delivery, Extension(job): Extension<InboxJob>| {
                    let seen = seen.clone();
                    async move {
                        seen.record(&delivery, &job);
                        "ok"
                    }
                },
            ),
        )
    };
    {
        // The first process accepts three deliveries and stops before handling them.
        let inbox = db.open().await;
        let server = receiver(&inbox, &handlers).await;
        for id in ["msg_a", "msg_b", "msg_c"] {
            assert_eq!(
                send(delivery(&server, id)).await.status,
                StatusCode::ACCEPTED
            );
        }
        drop(server);
    }
    // The restarted process: the same database, migrations run again.
    let inbox = db.open().await;
    let stats = inbox.stats().await.unwrap();
    assert_eq!(stats.pending, 3);
    assert!(stats.oldest_pending_age.is_some());
    let server = receiver(&inbox, &handlers).await;
    assert!(is_duplicate(&send(delivery(&server, "msg_b")).await));
    let workers = inbox.workers(handlers.clone()).concurrency(2).spawn();
    wait_for(&inbox, "the three deliveries", |s| s.done == 3).await;
    workers.shutdown().await;
    let mut ids: Vec<String> = seen.calls().into_iter().map(|call| call.0).collect();
    ids.sort();
    assert_eq!(ids, ["msg_a", "msg_b", "msg_c"]);
}

async fn a_failed_write_is_answered_503_and_the_retry_is_accepted(engine: Engine) {
    let db = Database::new(engine, "write-failure");
    let inbox = db.open().await;
    let handlers = Router::new().route("/hook", post(|| async { "ok" }));
    // Another process holds the database's write lock longer than the write may wait.
    let locker = Locker::lock(engine, &db).await;
    let broken = Server::start(handlers.clone().route_layer(layer(
        &inbox.clone().write_timeout(Duration::from_millis(200)),
    )))
    .await;
    let request = delivery(&broken, "msg_503");
    let reply = send(common::copy(&request)).await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.text()
    );
    assert!(reply.headers.contains_key("retry-after"));
    locker.unlock().await;
    // Fail closed: the provider retries, and the retry is accepted (or, had the first
    // write committed late, answered as a duplicate): never lost.
    let server = receiver(&inbox, &handlers).await;
    let retry = http::Request::from_parts(
        {
            let (mut parts, _) = common::copy(&request).into_parts();
            parts.uri = server.url("/hook").parse().unwrap();
            parts
        },
        request.body().clone(),
    );
    let reply = send(retry).await;
    assert!(
        reply.status == StatusCode::ACCEPTED || is_duplicate(&reply),
        "{} {}",
        reply.status,
        reply.text()
    );
    let all = inbox.list(&ListFilter::new()).await.unwrap();
    assert_eq!(all.len(), 1);
}

async fn operations_list_show_forget_and_purge(engine: Engine) {
    let db = Database::new(engine, "operations");
    let inbox = db.open().await;
    let handlers = Router::new().route("/hook", post(|| async { "ok" }));
    let server = receiver(&inbox, &handlers).await;
    let before = SystemTime::now() - Duration::from_secs(1);
    for id in ["msg_1", "msg_2"] {
        assert_eq!(
            send(delivery(&server, id)).await.status,
            StatusCode::ACCEPTED
        );
    }

    let all = inbox.list(&ListFilter::new()).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].delivery_id, "msg_2", "newest first");
    assert!(all.iter().all(|d| d.state == DeliveryState::Pending));
    assert_eq!(all[0].event_type.as_deref(), Some("order.created"));
    let filtered = |filter: ListFilter| {
        let inbox = inbox.clone();
        async move { inbox.list(&filter).await.unwrap().len() }
    };
    assert_eq!(
        filtered(ListFilter::new().provider("standard-webhooks")).await,
        2
    );
    assert_eq!(filtered(ListFilter::new().provider("stripe")).await, 0);
    assert_eq!(filtered(ListFilter::new().received_after(before)).await, 2);
    assert_eq!(filtered(ListFilter::new().received_before(before)).await, 0);
    assert_eq!(filtered(ListFilter::new().limit(1)).await, 1);
    // Every filter at once: each value bound to its own clause.
    let all_filters = || {
        ListFilter::new()
            .state(DeliveryState::Pending)
            .provider("standard-webhooks")
            .received_after(before)
            .received_before(SystemTime::now() + Duration::from_secs(60))
    };
    assert_eq!(filtered(all_filters()).await, 2);
    assert_eq!(filtered(all_filters().limit(1)).await, 1);
    assert_eq!(filtered(all_filters().provider("stripe")).await, 0);
    assert_eq!(filtered(all_filters().state(DeliveryState::Dead)).await, 0);
    assert_eq!(
        filtered(ListFilter::new().state(DeliveryState::Done)).await,
        0
    );

    let details = inbox.get(all[1].id).await.unwrap().unwrap();
    assert_eq!(details.method, http::Method::POST);
    assert_eq!(details.uri.path(), "/hook");
    assert_eq!(details.headers.get("x-tenant").unwrap(), "acme");
    assert!(details.headers.contains_key("webhook-signature"));
    assert!(String::from_utf8_lossy(&details.body).contains("msg_1"));
    assert!(details.attempts.is_empty());
    assert!(inbox.get(InboxId::new(999)).await.unwrap().is_none());

    // Forgotten: gone with its replay keys, so the provider's redelivery is new.
    assert!(inbox.forget(all[1].id).await.unwrap());
    assert!(!inbox.forget(all[1].id).await.unwrap());
    assert!(inbox.get(all[1].id).await.unwrap().is_none());
    assert_eq!(
        send(delivery(&server, "msg_1")).await.status,
        StatusCode::ACCEPTED
    );

    let workers = inbox.workers(handlers.clone()).spawn();
    wait_for(&inbox, "both deliveries", |s| s.done == 2).await;
    workers.shutdown().await;
    assert_eq!(
        inbox.purge_done(Duration::from_secs(3600)).await.unwrap(),
        0
    );
    // Wait until the finish times are in the past, then purge everything done.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut purged = 0;
    while purged < 2 {
        purged += inbox.purge_done(Duration::ZERO).await.unwrap();
        assert!(Instant::now() < deadline, "purge");
        tokio::task::yield_now().await;
    }
    assert_eq!(inbox.stats().await.unwrap(), InboxStats::default());
    // Purged, but their replay keys stay for the retention (the replay window): a late
    // retry, or a captured copy, is still a duplicate and writes nothing.
    let late = send(delivery(&server, "msg_2")).await;
    assert_eq!(late.status, StatusCode::OK);
    assert!(is_duplicate(&late));
    assert_eq!(inbox.stats().await.unwrap(), InboxStats::default());

    // Past the retention, a purge lets the keys go too: the provider's very late
    // redelivery is new again.
    assert_eq!(
        send(delivery(&server, "msg_3")).await.status,
        StatusCode::ACCEPTED
    );
    let workers = inbox.workers(handlers.clone()).spawn();
    wait_for(&inbox, "msg_3", |s| s.done == 1).await;
    workers.shutdown().await;
    let short = inbox.clone().retention(Duration::from_millis(1));
    let deadline = Instant::now() + Duration::from_secs(5);
    while short.purge_done(Duration::ZERO).await.unwrap() == 0 {
        assert!(Instant::now() < deadline, "purge of msg_3");
        tokio::task::yield_now().await;
    }
    // Its keys were kept for at most a millisecond more: copies are duplicates until then.
    loop {
        let reply = send(delivery(&server, "msg_3")).await;
        if reply.status == StatusCode::ACCEPTED {
            break;
        }
        assert!(is_duplicate(&reply));
        assert!(Instant::now() < deadline, "msg_3's keys never expired");
    }
}

async fn a_delivery_whose_workers_die_on_every_attempt_is_dead_not_run_forever(engine: Engine) {
    let db = Database::new(engine, "crash-loop");
    let inbox = db.open().await;
    let seen = Seen::default();
    let started = Arc::new(Notify::new());
    let handlers = {
        let (seen, started) = (seen.clone(), started.clone());
        Router::new().route(
            "/hook",
            post(
                move |delivery: Delivery, Extension(job): Extension<InboxJob>| {
                    let (seen, started) = (seen.clone(), started.clone());
                    async move {
                        seen.record(&delivery, &job);
                        started.notify_one();
                        std::future::pending::<()>().await;
                        "never"
                    }
                },
            ),
        )
    };
    let lease = Duration::from_millis(200);
    let workers = |inbox: &Inbox| {
        inbox
            .workers(handlers.clone())
            .lease(lease)
            .max_attempts(1)
            .spawn()
    };
    let first = workers(&inbox);
    let server = receiver(&inbox, &handlers).await;
    assert_eq!(
        send(delivery(&server, "msg_poison")).await.status,
        StatusCode::ACCEPTED
    );
    wait_notified(&started, "the only attempt").await;
    first.abort();
    let second = workers(&inbox);
    let stats = wait_for(&inbox, "the delivery to be dead", |s| s.dead == 1).await;
    assert_eq!(stats.running + stats.pending, 0);
    second.shutdown().await;
    assert_eq!(seen.calls().len(), 1, "not run beyond max_attempts");
    let dead = inbox
        .list(&ListFilter::new().state(DeliveryState::Dead))
        .await
        .unwrap();
    assert_eq!(
        dead[0].last_error.as_deref(),
        Some("lease expired on the last attempt")
    );
}

/// Each contract test, once per engine built in.
macro_rules! contract {
    ($($test:ident),* $(,)?) => {
        #[cfg(feature = "inbox-sqlite")]
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Engine::Sqlite).await;
                }
            )*
        }
        #[cfg(feature = "inbox-postgres")]
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test(super::Engine::Postgres).await;
                }
            )*
        }
    };
}

contract!(
    the_provider_is_answered_before_a_slow_handler_runs,
    a_failing_handler_is_retried_with_backoff_and_handled_once_it_succeeds,
    duplicates_from_the_provider_never_reach_the_handler,
    a_dead_delivery_waits_for_a_replay_and_then_runs_again,
    a_dead_worker_loses_its_lease_and_another_takes_the_delivery_over,
    a_reopened_inbox_picks_up_the_pending_deliveries,
    a_failed_write_is_answered_503_and_the_retry_is_accepted,
    operations_list_show_forget_and_purge,
    a_forgotten_done_delivery_is_still_a_duplicate,
    a_read_only_inbox_reads_and_refuses_writes,
    a_delivery_whose_workers_die_on_every_attempt_is_dead_not_run_forever,
    the_engine_is_picked_by_the_url,
    the_signature_decides_a_duplicate_not_the_unsigned_id,
    a_flooding_source_does_not_starve_a_quiet_one,
    deliveries_with_one_ordering_key_run_one_at_a_time_in_order,
    pages_follow_each_other_and_a_purge_takes_every_batch,
    forgetting_a_running_head_does_not_run_the_next_of_its_key_beside_it,
    retrying_sources_do_not_hand_the_claim_back_to_a_flood,
    tenants_as_sources_do_not_share_ordering_keys,
    the_list_filters_by_source_event_type_and_delivery_id,
);

/// GitHub's delivery id is not signed and its retries repeat the signature: the signature
/// alone is the key. The same content under a new id is a duplicate; other content under a
/// known id is new (an id a sender chose cannot make it a duplicate, nor be spent by it).
async fn the_signature_decides_a_duplicate_not_the_unsigned_id(engine: Engine) {
    let db = Database::new(engine, "two-keys");
    let inbox = db.open().await;
    let secret = "github webhook secret";
    let verifier = Verifier::new(providers::github(), secret).unwrap();
    let app = Router::new()
        .route("/gh", post(|| async { "ok" }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()));
    let server = Server::start(app).await;
    let github = |id: &str, body: &'static str| {
        let request = http::Request::post(server.url("/gh"))
            .header("content-type", "application/json")
            .header("x-github-event", "push")
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap();
        Signer::new(providers::github(), secret)
            .unwrap()
            .sign_with(request, id, SystemTime::now())
            .unwrap()
    };
    let first = send(github("guid-1", r#"{"ref":"main"}"#)).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text());
    // The same content under a new id: its signature is known.
    assert!(is_duplicate(
        &send(github("guid-2", r#"{"ref":"main"}"#)).await
    ));
    // Other content under a known id: new, and written.
    assert_eq!(
        send(github("guid-1", r#"{"ref":"dev"}"#)).await.status,
        StatusCode::ACCEPTED
    );
    // Its own retry is a duplicate.
    assert!(is_duplicate(
        &send(github("guid-1", r#"{"ref":"dev"}"#)).await
    ));
    let all = inbox.list(&ListFilter::new()).await.unwrap();
    let ids: Vec<&str> = all.iter().map(|d| d.delivery_id.as_str()).collect();
    assert_eq!(ids, ["guid-1", "guid-1"]);
}

/// Forgetting a delivery that was handled (to erase its data) keeps its replay keys for the
/// replay window, as a purge does: the captured delivery sent again is a duplicate.
async fn a_forgotten_done_delivery_is_still_a_duplicate(engine: Engine) {
    let db = Database::new(engine, "forget-done");
    let inbox = db.open().await;
    let handlers = Router::new().route("/hook", post(|| async { "ok" }));
    let server = receiver(&inbox, &handlers).await;
    let captured = delivery(&server, "msg_done");
    assert_eq!(send(copy(&captured)).await.status, StatusCode::ACCEPTED);
    let workers = inbox.workers(handlers.clone()).spawn();
    wait_for(&inbox, "the delivery to be done", |s| s.done == 1).await;
    workers.shutdown().await;
    let done = inbox.list(&ListFilter::new()).await.unwrap();
    assert!(inbox.forget(done[0].id).await.unwrap());
    assert!(
        inbox.get(done[0].id).await.unwrap().is_none(),
        "its data is gone"
    );
    assert!(
        is_duplicate(&send(copy(&captured)).await),
        "the replay is refused"
    );
    assert!(inbox.list(&ListFilter::new()).await.unwrap().is_empty());
}

/// An inbox opened read-only (what the command line's `list`, `show` and `stats` use)
/// reads what the receiver wrote and refuses writes, on every engine.
async fn a_read_only_inbox_reads_and_refuses_writes(engine: Engine) {
    let db = Database::new(engine, "read-only");
    let inbox = db.open().await;
    let handlers = Router::new().route("/hook", post(|| async { "ok" }));
    let server = receiver(&inbox, &handlers).await;
    assert_eq!(
        send(delivery(&server, "msg_read")).await.status,
        StatusCode::ACCEPTED
    );
    let reader = Inbox::connect_read_only(&db.url).await.unwrap();
    let listed = reader.list(&ListFilter::new()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].delivery_id, "msg_read");
    assert_eq!(reader.stats().await.unwrap().pending, 1);
    assert!(reader.get(listed[0].id).await.unwrap().is_some());
    let refused = reader.forget(listed[0].id).await.unwrap_err();
    assert_eq!(refused.kind(), InboxErrorKind::Database, "{refused}");
    assert!(
        inbox.get(listed[0].id).await.unwrap().is_some(),
        "still there"
    );
}

async fn the_engine_is_picked_by_the_url(engine: Engine) {
    let db = Database::new(engine, "debug");
    let inbox = db.open().await;
    let shown = format!("{inbox:?}");
    match engine {
        #[cfg(feature = "inbox-sqlite")]
        Engine::Sqlite => assert!(shown.contains("\"sqlite\""), "{shown}"),
        #[cfg(feature = "inbox-postgres")]
        Engine::Postgres => {
            assert!(shown.contains("\"postgres\""), "{shown}");
            // The password is in the URL, never in what the inbox shows or says.
            assert!(!shown.contains(common::postgres::PASSWORD), "{shown}");
            let wrong = db.url.replace(common::postgres::PASSWORD, "wrong-p4ss");
            let error = Inbox::connect(&wrong).await.unwrap_err();
            let text = format!("{error} {error:?}");
            assert!(!text.contains("wrong-p4ss"), "{text}");
            assert_eq!(error.kind(), InboxErrorKind::Configuration, "{error}");
            // Nothing listens there (a port just bound and released): retry later.
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let error = Inbox::connect(&format!("postgres://u:p@127.0.0.1:{port}/x"))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), InboxErrorKind::Unavailable, "{error}");
        }
    }
    let error = Inbox::connect("mysql://127.0.0.1/x").await.unwrap_err();
    assert!(error.to_string().contains("postgres://"), "{error}");
    assert_eq!(error.kind(), InboxErrorKind::Configuration);
}

/// Two instances (two `Inbox`es, two pools, as two processes have) with their workers on
/// one PostgreSQL database, fed through two servers: every delivery runs exactly once,
/// never on two workers at the same time, and both instances take part.
#[cfg(feature = "inbox-postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_instances_never_run_one_delivery_at_the_same_time() {
    use std::collections::{HashMap, HashSet};

    let db = Database::new(Engine::Postgres, "two_instances");
    let (first, second) = (db.open().await, db.open().await);
    #[derive(Default)]
    struct Runs {
        running: HashSet<String>,
        overlaps: Vec<String>,
        count: HashMap<String, u32>,
        by_instance: [u32; 2],
    }
    let runs = Arc::new(Mutex::new(Runs::default()));
    let handlers = |instance: usize| {
        let runs = runs.clone();
        Router::new().route(
            "/hook",
            post(move |delivery: Delivery| {
                let runs = runs.clone();
                async move {
                    let id = delivery.id().to_owned();
                    {
                        let mut runs = runs.lock().unwrap();
                        if !runs.running.insert(id.clone()) {
                            runs.overlaps.push(id.clone());
                        }
                        *runs.count.entry(id.clone()).or_default() += 1;
                        runs.by_instance[instance] += 1;
                    }
                    // Simulated work, so that runs overlap in time if claims ever did.
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    runs.lock().unwrap().running.remove(&id);
                    "ok"
                }
            }),
        )
    };
    let spawn = |inbox: &Inbox, instance: usize| {
        inbox
            .workers(handlers(instance))
            .concurrency(8)
            .poll_interval(Duration::from_millis(20))
            .spawn()
    };
    let (workers_a, workers_b) = (spawn(&first, 0), spawn(&second, 1));
    let servers = [
        receiver(&first, &handlers(0)).await,
        receiver(&second, &handlers(1)).await,
    ];
    let total = 300;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let server = &servers[i % 2];
        let request = delivery(server, &format!("msg_pair_{i}"));
        tasks.spawn(send(request));
    }
    while let Some(reply) = tasks.join_next().await {
        assert_eq!(reply.unwrap().status, StatusCode::ACCEPTED);
    }
    wait_for(&first, "every delivery", |s| s.done == total as u64).await;
    workers_a.shutdown().await;
    workers_b.shutdown().await;
    let runs = runs.lock().unwrap();
    assert!(
        runs.overlaps.is_empty(),
        "run concurrently: {:?}",
        runs.overlaps
    );
    assert_eq!(runs.count.len(), total);
    assert!(runs.count.values().all(|&n| n == 1), "a delivery ran twice");
    assert!(
        runs.by_instance.iter().all(|&n| n > 0),
        "both instances work: {:?}",
        runs.by_instance
    );
}

/// Sends `requests` with 16 in flight; each must be accepted.
async fn send_all(requests: Vec<http::Request<Bytes>>) {
    let mut requests = requests.into_iter();
    let mut in_flight = tokio::task::JoinSet::new();
    loop {
        while in_flight.len() < 16 {
            let Some(request) = requests.next() else {
                break;
            };
            in_flight.spawn(send(request));
        }
        let Some(reply) = in_flight.join_next().await else {
            return;
        };
        assert_eq!(reply.unwrap().status, StatusCode::ACCEPTED);
    }
}

/// A Standard Webhooks delivery of `body` to `path`.
fn delivery_to(server: &Server, path: &str, id: &str, body: String) -> http::Request<Bytes> {
    let request = http::Request::post(server.url(path))
        .header("content-type", "application/json")
        .body(Bytes::from(body))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

/// One tenant's flood does not starve another: the sources take turns, so a quiet
/// source's delivery is claimed within a claim of each other source that has one waiting,
/// whether it arrives behind a backlog of 1,000 or while the backlog drains.
async fn a_flooding_source_does_not_starve_a_quiet_one(engine: Engine) {
    let db = Database::new(engine, "fair");
    let inbox = db.open().await;
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let handled: Arc<Mutex<Vec<String>>> = Arc::default();
    let quiet_handled = Arc::new(Notify::new());
    let handlers = {
        let (handled, quiet_handled) = (handled.clone(), quiet_handled.clone());
        Router::new().route(
            "/{tenant}",
            post(move |delivery: Delivery| {
                let (handled, quiet_handled) = (handled.clone(), quiet_handled.clone());
                async move {
                    let source = delivery.source().unwrap_or_default().to_owned();
                    handled.lock().unwrap().push(source.clone());
                    if source == "quiet" {
                        quiet_handled.notify_one();
                    }
                    "ok"
                }
            }),
        )
    };
    let app = Router::new()
        .route(
            "/flood",
            post(|| async { "unreachable: inbox mode answers 202" }),
        )
        .route_layer(WebhookLayer::new(verifier.for_source("flood")).inbox(inbox.clone()))
        .merge(
            Router::new()
                .route("/quiet", post(|| async { "unreachable" }))
                .route_layer(WebhookLayer::new(verifier.for_source("quiet")).inbox(inbox.clone())),
        );
    let server = Server::start(app).await;
    let flood = (0..1000)
        .map(|i| {
            delivery_to(
                &server,
                "/flood",
                &format!("msg_flood_{i}"),
                format!(r#"{{"n":{i}}}"#),
            )
        })
        .collect();
    send_all(flood).await;
    send_all(vec![delivery_to(
        &server,
        "/quiet",
        "msg_quiet_1",
        "{}".into(),
    )])
    .await;
    assert_eq!(inbox.stats().await.unwrap().pending, 1001);

    let workers = inbox.workers(handlers).concurrency(1).spawn();
    wait_notified(&quiet_handled, "the quiet source's first delivery").await;
    let position = handled.lock().unwrap().iter().position(|s| s == "quiet");
    assert!(
        position.is_some_and(|p| p <= 1),
        "behind a backlog of 1,000 the quiet delivery was handled at {position:?}"
    );

    // While the flood drains: the next claim after the quiet delivery is accepted, or the
    // one after it (one may be starting as it arrives), takes it.
    let before = handled.lock().unwrap().len();
    send_all(vec![delivery_to(
        &server,
        "/quiet",
        "msg_quiet_2",
        "{}".into(),
    )])
    .await;
    wait_notified(&quiet_handled, "the quiet source's second delivery").await;
    let seen = handled.lock().unwrap().clone();
    let position = seen.iter().rposition(|s| s == "quiet").unwrap();
    assert!(
        position <= before + 2,
        "arriving after {before} were handled, the quiet delivery was handled at {position}"
    );
    assert!(
        inbox.stats().await.unwrap().pending > 500,
        "the flood was still draining"
    );
    workers.shutdown().await;
}

/// Ordered by a field of the signed body: one customer's deliveries run one at a time in
/// the order received, a failing one holds back only its own customer, a dead one holds
/// its customer until a person forgets or replays it.
async fn deliveries_with_one_ordering_key_run_one_at_a_time_in_order(engine: Engine) {
    use tower_webhook::inbox::OrderingKey;
    let db = Database::new(engine, "ordered");
    let inbox = db
        .open()
        .await
        .ordered_by(OrderingKey::json_field("data.customer"));
    // What ran, and whether it was told to fail: "cus_a:1" fails on its first attempt,
    // "cus_b:1" on every attempt.
    let handled: Arc<Mutex<Vec<String>>> = Arc::default();
    let running = Arc::new(AtomicUsize::new(0));
    let overlapped = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let handlers = {
        let (handled, running, overlapped) = (handled.clone(), running.clone(), overlapped.clone());
        Router::new().route(
            "/hook",
            post(
                move |delivery: Delivery, Extension(job): Extension<InboxJob>| {
                    let (handled, running, overlapped) =
                        (handled.clone(), running.clone(), overlapped.clone());
                    async move {
                        let body: serde_json::Value =
                            serde_json::from_slice(delivery.body()).unwrap();
                        let name = format!(
                            "{}:{}",
                            body["data"]["customer"].as_str().unwrap_or("-"),
                            body["data"]["n"]
                        );
                        if name.starts_with("cus_a") && running.fetch_add(1, Ordering::SeqCst) > 0 {
                            overlapped.store(true, Ordering::SeqCst);
                        }
                        // Long enough for another worker to claim the next one, were it free.
                        tokio::task::yield_now().await;
                        handled.lock().unwrap().push(name.clone());
                        if name.starts_with("cus_a") {
                            running.fetch_sub(1, Ordering::SeqCst);
                        }
                        let fails = (name == "cus_a:1" && job.attempt() == 1) || name == "cus_b:1";
                        if fails {
                            Err((StatusCode::SERVICE_UNAVAILABLE, "downstream is down"))
                        } else {
                            Ok("ok")
                        }
                    }
                },
            ),
        )
    };
    let server = receiver(&inbox, &handlers).await;
    let event = |customer: &str, n: u32| {
        delivery_to(
            &server,
            "/hook",
            &format!("msg_{customer}_{n}"),
            format!(r#"{{"type":"invoice.paid","data":{{"customer":"{customer}","n":{n}}}}}"#),
        )
    };
    // Sent one by one: the received order is the order they must run in.
    for request in [event("cus_a", 1), event("cus_a", 2), event("cus_b", 1)] {
        send_all(vec![request]).await;
    }
    for request in [event("cus_b", 2), event("cus_a", 3), event("cus_c", 1)] {
        send_all(vec![request]).await;
    }
    let stats = inbox.stats().await.unwrap();
    assert_eq!((stats.pending, stats.held), (3, 3), "{stats:?}");

    let workers = inbox
        .workers(handlers.clone())
        .concurrency(4)
        .max_attempts(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .spawn();
    let stats = wait_for(&inbox, "cus_a and cus_c done, cus_b dead", |s| {
        s.done == 4 && s.dead == 1
    })
    .await;
    assert_eq!(
        stats.held, 1,
        "cus_b:2 waits behind its dead head: {stats:?}"
    );
    let seen = handled.lock().unwrap().clone();
    let of = |customer: &str| {
        seen.iter()
            .filter(|name| name.starts_with(customer))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(of("cus_a"), ["cus_a:1", "cus_a:1", "cus_a:2", "cus_a:3"]);
    assert_eq!(of("cus_b"), ["cus_b:1", "cus_b:1"]);
    assert_eq!(of("cus_c"), ["cus_c:1"]);
    assert!(
        !overlapped.load(Ordering::SeqCst),
        "two of cus_a ran at once"
    );

    // The dead head is replayed: it runs (and dies) again, still first.
    let dead = inbox
        .list(&ListFilter::new().state(DeliveryState::Dead))
        .await
        .unwrap();
    assert!(inbox.replay(dead[0].id).await.unwrap());
    wait_for(&inbox, "the replayed head to die again", |s| {
        s.dead == 1 && s.pending == 0 && s.running == 0 && s.retrying == 0
    })
    .await;
    assert_eq!(of_now(&handled, "cus_b"), ["cus_b:1"; 4]);
    assert_eq!(inbox.stats().await.unwrap().held, 1);
    // A person forgets it: the next of its key runs.
    assert!(inbox.forget(dead[0].id).await.unwrap());
    wait_for(&inbox, "cus_b:2 to run once released", |s| {
        s.done == 5 && s.held == 0
    })
    .await;
    assert_eq!(
        of_now(&handled, "cus_b").last().map(String::as_str),
        Some("cus_b:2")
    );
    workers.shutdown().await;
}

fn of_now(handled: &Mutex<Vec<String>>, customer: &str) -> Vec<String> {
    handled
        .lock()
        .unwrap()
        .iter()
        .filter(|name| name.starts_with(customer))
        .cloned()
        .collect()
}

/// The list pages by keyset: each page starts after the last delivery of the one before,
/// so the pages hold every delivery once, newest first, in the Rust API and the JSON API.
/// A purge of more done deliveries than one batch takes them all, counts them, and keeps
/// their replay keys; the counts in `stats` follow every change without counting rows.
async fn pages_follow_each_other_and_a_purge_takes_every_batch(engine: Engine) {
    let db = Database::new(engine, "pages");
    let inbox = db.open().await;
    let handlers = Router::new().route("/hook", post(|| async { "ok" }));
    let server = receiver(&inbox, &handlers).await;
    let requests: Vec<_> = (0..1100)
        .map(|i| delivery(&server, &format!("msg_page_{i}")))
        .collect();
    let first_copy = copy(&requests[0]);
    send_all(requests).await;
    assert_eq!(inbox.stats().await.unwrap().pending, 1100);

    let mut seen = Vec::new();
    let mut page = inbox.list(&ListFilter::new().limit(400)).await.unwrap();
    let mut pages = 0;
    while let Some(last) = page.last().cloned() {
        pages += 1;
        seen.extend(page.iter().map(|record| record.id.get()));
        page = inbox
            .list(&ListFilter::new().limit(400).after(&last))
            .await
            .unwrap();
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen.len(), 1100, "every delivery once");
    assert_eq!(sorted.len(), 1100, "no delivery twice");

    let workers = inbox.workers(handlers).spawn();
    wait_for(&inbox, "all handled", |s| s.done == 1100).await;
    workers.shutdown().await;
    assert_eq!(inbox.purge_done(Duration::ZERO).await.unwrap(), 1100);
    let stats = inbox.stats().await.unwrap();
    assert_eq!((stats.done, stats.pending), (0, 0), "{stats:?}");
    assert!(inbox.list(&ListFilter::new()).await.unwrap().is_empty());
    // Purged, yet its key is kept: the provider's copy is a duplicate.
    assert!(is_duplicate(&send(first_copy).await));
    assert_eq!(inbox.stats().await.unwrap().pending, 0);
}

/// `forget` on the head of an ordering key while its handler runs would release the next
/// delivery of the key beside it (found by review): it is refused until the attempt
/// ends, and the next runs only after it, never beside it.
async fn forgetting_a_running_head_does_not_run_the_next_of_its_key_beside_it(engine: Engine) {
    use tower_webhook::inbox::OrderingKey;
    let db = Database::new(engine, "forget-running-head");
    let inbox = db
        .open()
        .await
        .ordered_by(OrderingKey::json_field("data.customer"));
    let first_started = Arc::new(Notify::new());
    let first_release = Arc::new(Notify::new());
    let running = Arc::new(AtomicUsize::new(0));
    let most_at_once = Arc::new(AtomicUsize::new(0));
    let handlers = {
        let (first_started, first_release) = (first_started.clone(), first_release.clone());
        let (running, most_at_once) = (running.clone(), most_at_once.clone());
        Router::new().route(
            "/hook",
            post(move |delivery: Delivery| {
                let (first_started, first_release) = (first_started.clone(), first_release.clone());
                let (running, most_at_once) = (running.clone(), most_at_once.clone());
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most_at_once.fetch_max(now, Ordering::SeqCst);
                    if delivery.id() == "msg_cus_a_1" {
                        first_started.notify_one();
                        first_release.notified().await;
                    }
                    running.fetch_sub(1, Ordering::SeqCst);
                    "ok"
                }
            }),
        )
    };
    let server = receiver(&inbox, &handlers).await;
    for n in 1..=2 {
        send_all(vec![delivery_to(
            &server,
            "/hook",
            &format!("msg_cus_a_{n}"),
            format!(r#"{{"type":"invoice.paid","data":{{"customer":"cus_a","n":{n}}}}}"#),
        )])
        .await;
    }
    let stats = inbox.stats().await.unwrap();
    assert_eq!((stats.pending, stats.held), (1, 1), "{stats:?}");

    let workers = inbox.workers(handlers).concurrency(2).spawn();
    wait_notified(&first_started, "the head's handler to start").await;
    let running_rows = inbox
        .list(&ListFilter::new().state(DeliveryState::Running))
        .await
        .unwrap();
    assert_eq!(running_rows.len(), 1);
    // An operator forgets the head while its handler runs: refused, the next stays held.
    assert!(!inbox.forget(running_rows[0].id).await.unwrap());
    let stats = inbox.stats().await.unwrap();
    assert_eq!((stats.running, stats.held), (1, 1), "{stats:?}");
    first_release.notify_one();
    wait_for(&inbox, "both handled, one after the other", |s| s.done == 2).await;
    assert_eq!(
        most_at_once.load(Ordering::SeqCst),
        1,
        "two handlers of one key ran at once"
    );
    workers.shutdown().await;
}

/// Many sources with only retries waiting never hand every claim back to a flood: after
/// 16 sources with nothing due the claim takes the first due delivery of all, and the
/// next claim carries on after the last source it asked (review found it asked the same
/// 16 again, so a quiet tenant waited for the flood's whole backlog).
async fn retrying_sources_do_not_hand_the_claim_back_to_a_flood(engine: Engine) {
    let db = Database::new(engine, "fair-retrying");
    let inbox = db.open().await;
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let handled: Arc<Mutex<Vec<String>>> = Arc::default();
    let quiet_handled = Arc::new(Notify::new());
    let handlers = {
        let (handled, quiet_handled) = (handled.clone(), quiet_handled.clone());
        Router::new().route(
            "/{tenant}",
            post(move |delivery: Delivery| {
                let (handled, quiet_handled) = (handled.clone(), quiet_handled.clone());
                async move {
                    let source = delivery.source().unwrap_or_default().to_owned();
                    if source.starts_with('m') {
                        return Err((StatusCode::SERVICE_UNAVAILABLE, "this tenant is down"));
                    }
                    handled.lock().unwrap().push(source.clone());
                    if source == "z_quiet" {
                        quiet_handled.notify_one();
                    }
                    Ok("ok")
                }
            }),
        )
    };
    // Sources sort as: the flood, 17 failing tenants, the quiet one.
    let failing: Vec<String> = (0..17).map(|i| format!("m{i:02}")).collect();
    let mut app = Router::new();
    for source in failing
        .iter()
        .map(String::as_str)
        .chain(["a_flood", "z_quiet"])
    {
        app = app.merge(
            Router::new()
                .route(&format!("/{source}"), post(|| async { "unreachable" }))
                .route_layer(WebhookLayer::new(verifier.for_source(source)).inbox(inbox.clone())),
        );
    }
    let server = Server::start(app).await;
    send_all(
        failing
            .iter()
            .map(|s| delivery_to(&server, &format!("/{s}"), &format!("msg_{s}"), "{}".into()))
            .collect(),
    )
    .await;
    // Each failing tenant's delivery fails once and waits an hour for its retry.
    let workers = inbox
        .workers(handlers.clone())
        .concurrency(1)
        .backoff(Duration::from_secs(3600), Duration::from_secs(3600))
        .spawn();
    wait_for(&inbox, "17 deliveries waiting for a retry", |s| {
        s.retrying == 17
    })
    .await;
    workers.shutdown().await;

    let flood = (0..50)
        .map(|i| {
            delivery_to(
                &server,
                "/a_flood",
                &format!("msg_flood_{i}"),
                format!(r#"{{"n":{i}}}"#),
            )
        })
        .collect();
    send_all(flood).await;
    send_all(vec![delivery_to(
        &server,
        "/z_quiet",
        "msg_quiet",
        "{}".into(),
    )])
    .await;

    // A restarted process (its turn starts afresh).
    let inbox = db.open().await;
    let workers = inbox
        .workers(handlers)
        .concurrency(1)
        .backoff(Duration::from_secs(3600), Duration::from_secs(3600))
        .spawn();
    wait_notified(&quiet_handled, "the quiet source's delivery").await;
    let position = handled.lock().unwrap().iter().position(|s| s == "z_quiet");
    workers.shutdown().await;
    // The flood's first claim, then one claim per 16 of the 17 retrying sources asked
    // before the quiet one: at most the third.
    assert!(
        position.is_some_and(|p| p <= 2),
        "with 17 sources waiting for a retry, the quiet delivery was handled at {position:?} \
         (behind the flood's 50)"
    );
}

/// Tenants are sources: two tenants of one provider, each its own verifier
/// (`for_source`) and secret, never share an ordering key, so tenant B's delivery for
/// customer `1` runs beside tenant A's for customer `1`. (Without sources they are one
/// tenant, and share keys: the docs say so, found by review.)
async fn tenants_as_sources_do_not_share_ordering_keys(engine: Engine) {
    use tower_webhook::inbox::OrderingKey;
    let db = Database::new(engine, "ordered-scope");
    let inbox = db
        .open()
        .await
        .ordered_by(OrderingKey::json_field("data.customer"));
    const OTHER_SECRET: &str = "whsec_dGVuYW50IGIncyBvd24gc2VjcmV0IGtleSEhIQ==";
    let tenant = |path: &str, secret: &str| {
        let verifier = Verifier::new(providers::standard_webhooks(), secret)
            .unwrap()
            .for_source(path.trim_start_matches('/'));
        Router::new()
            .route(path, post(|| async { "unreachable" }))
            .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
    };
    let app = tenant("/tenant_a", SECRET).merge(tenant("/tenant_b", OTHER_SECRET));
    let server = Server::start(app).await;
    let sign = |path: &str, secret: &str, id: &str| {
        let request = http::Request::post(server.url(path))
            .header("content-type", "application/json")
            .body(Bytes::from(
                r#"{"type":"invoice.paid","data":{"customer":1}}"#,
            ))
            .unwrap();
        Signer::new(providers::standard_webhooks(), secret)
            .unwrap()
            .sign_with(request, id, SystemTime::now())
            .unwrap()
    };
    send_all(vec![sign("/tenant_a", SECRET, "msg_a_1")]).await;
    send_all(vec![sign("/tenant_b", OTHER_SECRET, "msg_b_1")]).await;
    let stats = inbox.stats().await.unwrap();
    assert_eq!(
        (stats.pending, stats.held),
        (2, 0),
        "tenant B's delivery waits behind tenant A's: {stats:?}"
    );
}

/// The console's filters: the source, the exact event type and the exact delivery id, each
/// alone and with the others, the state and a page; values that look like SQL are values.
async fn the_list_filters_by_source_event_type_and_delivery_id(engine: Engine) {
    let db = Database::new(engine, "filters");
    let inbox = db.open().await;
    let tenant = |path: &str| {
        let verifier = Verifier::new(providers::standard_webhooks(), SECRET)
            .unwrap()
            .for_source(path.trim_start_matches('/'));
        Router::new()
            .route(path, post(|| async { "unreachable" }))
            .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
    };
    let server = Server::start(tenant("/acme").merge(tenant("/globex"))).await;
    let event = |path: &str, id: &str, kind: &str| {
        delivery_to(&server, path, id, format!(r#"{{"type":"{kind}"}}"#))
    };
    // One after the other: the list's order is the order received.
    for request in [
        event("/acme", "msg_1", "invoice.paid"),
        event("/acme", "msg_2", "invoice.failed"),
        event("/globex", "msg_3", "invoice.paid"),
        event("/globex", "msg_1", "invoice.paid"),
    ] {
        send_all(vec![request]).await;
    }
    let ids = |filter: ListFilter| {
        let inbox = inbox.clone();
        async move {
            let listed = inbox.list(&filter).await.unwrap();
            listed
                .iter()
                .map(|d| format!("{}/{}", d.source.as_deref().unwrap_or("-"), d.delivery_id))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(ListFilter::new().source("acme")).await,
        ["acme/msg_2", "acme/msg_1"]
    );
    assert_eq!(
        ids(ListFilter::new().event_type("invoice.paid")).await,
        ["globex/msg_1", "globex/msg_3", "acme/msg_1"]
    );
    // Exact: neither a prefix nor another case matches.
    assert!(ids(ListFilter::new().event_type("invoice"))
        .await
        .is_empty());
    assert!(ids(ListFilter::new().event_type("Invoice.Paid"))
        .await
        .is_empty());
    assert_eq!(
        ids(ListFilter::new().delivery_id("msg_1")).await,
        ["globex/msg_1", "acme/msg_1"]
    );
    assert!(ids(ListFilter::new().delivery_id("msg_")).await.is_empty());
    assert!(ids(ListFilter::new().delivery_id("msg_%")).await.is_empty());
    assert!(ids(ListFilter::new().source("acme' OR '1'='1"))
        .await
        .is_empty());
    // Every filter at once, each value bound to its own clause, then a page after.
    let all = || {
        ListFilter::new()
            .state(DeliveryState::Pending)
            .provider("standard-webhooks")
            .source("globex")
            .event_type("invoice.paid")
    };
    assert_eq!(ids(all()).await, ["globex/msg_1", "globex/msg_3"]);
    assert_eq!(ids(all().delivery_id("msg_3")).await, ["globex/msg_3"]);
    assert!(ids(all().delivery_id("msg_2")).await.is_empty());
    assert!(ids(all().state(DeliveryState::Dead)).await.is_empty());
    let first = inbox.list(&all().limit(1)).await.unwrap();
    assert_eq!(ids(all().limit(1).after(&first[0])).await, ["globex/msg_3"]);
}
