//! The durable inbox on SQLite, through real HTTP on 127.0.0.1 and real SQLite files: the
//! provider's answer comes before the handler, failures are retried, duplicates never
//! reach the handler, dead deliveries are replayed, leases are taken over, and a reopened
//! file picks up where the last process stopped.
#![cfg(all(feature = "inbox-sqlite", feature = "axum"))]

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::{Extension, Router};
use bytes::Bytes;
use common::{is_duplicate, send, Server};
use http::StatusCode;
use tokio::sync::Notify;
use tower_webhook::inbox::{DeliveryState, Inbox, InboxId, InboxJob, InboxStats, ListFilter};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A directory of its own under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tower-webhook-inbox-{name}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("inbox.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_is_answered_before_a_slow_handler_runs() {
    let dir = TempDir::new("ack");
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_is_retried_with_backoff_and_handled_once_it_succeeds() {
    let dir = TempDir::new("retry");
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_from_the_provider_never_reach_the_handler() {
    let dir = TempDir::new("duplicates");
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_delivery_waits_for_a_replay_and_then_runs_again() {
    let dir = TempDir::new("dead");
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
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
        Some("handler answered 503 Service Unavailable")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_worker_loses_its_lease_and_another_takes_the_delivery_over() {
    let dir = TempDir::new("lease");
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
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
    // While the first worker lives, it keeps extending its lease: nobody takes over.
    let second = inbox.workers(handlers.clone()).lease(lease).spawn();
    first.abort();
    let killed = Instant::now();
    wait_for(&inbox, "the takeover", |s| s.done == 1).await;
    assert!(
        killed.elapsed() >= lease / 3,
        "taken over only once the lease expired"
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reopened_file_picks_up_the_pending_deliveries() {
    let dir = TempDir::new("restart");
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
        let inbox = Inbox::sqlite(dir.db()).await.unwrap();
        let server = receiver(&inbox, &handlers).await;
        for id in ["msg_a", "msg_b", "msg_c"] {
            assert_eq!(
                send(delivery(&server, id)).await.status,
                StatusCode::ACCEPTED
            );
        }
        drop(server);
    }
    // The restarted process: the same file, migrations run again.
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_write_is_answered_503_and_the_retry_is_accepted() {
    let dir = TempDir::new("write-failure");
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
    let handlers = Router::new().route("/hook", post(|| async { "ok" }));
    // Another process holds the database's write lock longer than the write may wait.
    use sqlx::{Connection, Executor};
    let mut locker = sqlx::SqliteConnection::connect(&format!("sqlite://{}", dir.db().display()))
        .await
        .unwrap();
    locker.execute("BEGIN IMMEDIATE").await.unwrap();
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
    locker.execute("ROLLBACK").await.unwrap();
    drop(locker);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_list_show_forget_and_purge() {
    let dir = TempDir::new("operations");
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
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
    // Purged with their keys: a very late retry would be accepted again.
    assert_eq!(
        send(delivery(&server, "msg_2")).await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_whose_workers_die_on_every_attempt_is_dead_not_run_forever() {
    let dir = TempDir::new("crash-loop");
    let inbox = Inbox::sqlite(dir.db()).await.unwrap();
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
