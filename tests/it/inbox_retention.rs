//! The workers' automatic purge (`Workers::purge_every`, `Workers::keep_done`), on every
//! engine, with deliveries sent over real HTTP on 127.0.0.1: done deliveries past their
//! retention go by themselves, dead, running and pending ones stay, and a purged delivery
//! sent again inside the replay window is still a duplicate.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use common::inbox::{engines, signed, verifier, wait_for, Database, Engine};
use common::{copy, is_duplicate, send, Server};
use http::StatusCode;
use tokio::sync::Notify;
use tower_webhook::inbox::{DeliveryState, ListFilter};
use tower_webhook::{Delivery, WebhookLayer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn done_deliveries_are_purged_by_the_workers_and_stay_duplicates() {
    for engine in engines() {
        let database = Database::new(engine, "retention");
        let inbox = database.open().await;
        let runs = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(Notify::new());
        let started = Arc::new(Notify::new());
        let handlers = {
            let (runs, release, started) = (runs.clone(), release.clone(), started.clone());
            Router::new().route(
                "/hook",
                post(move |delivery: Delivery| {
                    let (runs, release, started) = (runs.clone(), release.clone(), started.clone());
                    async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        match delivery.event_type() {
                            Some("order.failing") => StatusCode::SERVICE_UNAVAILABLE,
                            Some("order.slow") => {
                                started.notify_one();
                                release.notified().await;
                                StatusCode::OK
                            }
                            _ => StatusCode::OK,
                        }
                    }
                }),
            )
        };
        // One worker: while the slow delivery holds it, the next one stays pending.
        let workers = inbox
            .workers(handlers.clone())
            .concurrency(1)
            .max_attempts(1)
            .poll_interval(Duration::from_millis(10))
            .keep_done(Duration::ZERO)
            .purge_every(Duration::from_millis(10))
            .spawn();
        let server =
            Server::start(handlers.route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())))
                .await;

        let first = signed(&server, "msg_done_1", "order.created");
        for request in [
            copy(&first),
            signed(&server, "msg_done_2", "order.created"),
            signed(&server, "msg_dead", "order.failing"),
        ] {
            assert_eq!(send(request).await.status, StatusCode::ACCEPTED);
        }
        wait_for("three runs, one dead", || async {
            let dead = inbox.stats().await.unwrap().dead;
            (runs.load(Ordering::SeqCst) == 3 && dead == 1).then_some(())
        })
        .await;
        let slow_started = started.notified();
        assert_eq!(
            send(signed(&server, "msg_running", "order.slow"))
                .await
                .status,
            StatusCode::ACCEPTED
        );
        slow_started.await;
        assert_eq!(
            send(signed(&server, "msg_pending", "order.created"))
                .await
                .status,
            StatusCode::ACCEPTED
        );

        // The two done deliveries go; the dead, the running and the pending one stay.
        let left = wait_for("the done deliveries purged", || async {
            let all = inbox.list(&ListFilter::new()).await.unwrap();
            let done = all.iter().any(|record| record.state == DeliveryState::Done);
            (!done && all.len() == 3).then_some(all)
        })
        .await;
        let mut states: Vec<(String, DeliveryState)> = left
            .iter()
            .map(|record| (record.delivery_id.clone(), record.state))
            .collect();
        states.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            states,
            [
                ("msg_dead".to_owned(), DeliveryState::Dead),
                ("msg_pending".to_owned(), DeliveryState::Pending),
                ("msg_running".to_owned(), DeliveryState::Running),
            ],
            "{engine:?}"
        );
        let stats = inbox.stats().await.unwrap();
        assert_eq!(
            (stats.done, stats.dead, stats.pending, stats.running),
            (0, 1, 1, 1)
        );

        // Purged, and still inside the replay window: a copy is a duplicate, and the
        // handler does not run again.
        let reply = send(copy(&first)).await;
        assert!(is_duplicate(&reply), "{engine:?}: {}", reply.status);
        assert_eq!(runs.load(Ordering::SeqCst), 4);

        release.notify_one();
        workers.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_without_purge_keep_done_deliveries() {
    let engine = engines()[0];
    let database = Database::new(engine, "retention_off");
    let inbox = database.open().await;
    let handlers = Router::new().route("/hook", post(|| async { StatusCode::OK }));
    let workers = inbox
        .workers(handlers.clone())
        .poll_interval(Duration::from_millis(10))
        // Were the purge still on, it would take the delivery within 10 ms.
        .purge_every(Duration::from_millis(10))
        .without_purge()
        .keep_done(Duration::ZERO)
        .spawn();
    let server =
        Server::start(handlers.route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())))
            .await;
    assert_eq!(
        send(signed(&server, "msg_kept", "order.created"))
            .await
            .status,
        StatusCode::ACCEPTED
    );
    wait_for("the delivery done", || async {
        (inbox.stats().await.unwrap().done == 1).then_some(())
    })
    .await;
    // A purge by hand still works.
    assert_eq!(inbox.purge_done(Duration::ZERO).await.unwrap(), 1);
    assert_eq!(inbox.stats().await.unwrap().done, 0);
    workers.shutdown().await;
}

/// Runs `sql` on the inbox's database from a connection of the test's own.
async fn execute(engine: Engine, database: &Database, sql: &str) {
    use sqlx::{Connection, Executor};
    match engine {
        #[cfg(feature = "inbox-sqlite")]
        Engine::Sqlite => {
            let mut connection = sqlx::SqliteConnection::connect(&database.url)
                .await
                .unwrap();
            connection.execute(sql).await.unwrap();
        }
        #[cfg(feature = "inbox-postgres")]
        Engine::Postgres => {
            let mut connection = sqlx::PgConnection::connect(&database.url).await.unwrap();
            connection.execute(sql).await.unwrap();
        }
    }
}

/// The retained keys left, each as text.
async fn retained_keys(engine: Engine, database: &Database) -> Vec<String> {
    use sqlx::Connection;
    let sql = "SELECT replay_key FROM webhook_inbox_retained_keys ORDER BY replay_key";
    let keys: Vec<Vec<u8>> = match engine {
        #[cfg(feature = "inbox-sqlite")]
        Engine::Sqlite => {
            let mut connection = sqlx::SqliteConnection::connect(&database.url)
                .await
                .unwrap();
            sqlx::query_scalar(sql)
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
        #[cfg(feature = "inbox-postgres")]
        Engine::Postgres => {
            let mut connection = sqlx::PgConnection::connect(&database.url).await.unwrap();
            sqlx::query_scalar(sql)
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
    };
    keys.into_iter()
        .map(|key| String::from_utf8(key).unwrap())
        .collect()
}

/// Far more expired retained keys than one batch of the expiry deletes (at most 1,000):
/// the purge goes on batch after batch until all are gone, and the keys whose window
/// still runs stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_expiry_deletes_every_expired_key_in_batches_and_keeps_the_others() {
    for engine in engines() {
        let database = Database::new(engine, "retained_expiry");
        let inbox = database.open().await;
        let far = i64::MAX / 2;
        let seed = match engine {
            #[cfg(feature = "inbox-sqlite")]
            Engine::Sqlite => format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3500)
                 INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
                 SELECT CAST(printf('expired-%05d', i) AS BLOB), i FROM n;
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
                 INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
                 SELECT CAST(printf('kept-%02d', i) AS BLOB), {far} FROM n;"
            ),
            #[cfg(feature = "inbox-postgres")]
            Engine::Postgres => format!(
                "INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
                 SELECT convert_to('expired-' || lpad(i::text, 5, '0'), 'UTF8'), i
                 FROM generate_series(1, 3500) AS i;
                 INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
                 SELECT convert_to('kept-' || lpad(i::text, 2, '0'), 'UTF8'), {far}
                 FROM generate_series(1, 20) AS i;"
            ),
        };
        execute(engine, &database, &seed).await;
        assert_eq!(retained_keys(engine, &database).await.len(), 3520);

        assert_eq!(inbox.purge_done(Duration::ZERO).await.unwrap(), 0);

        let kept: Vec<String> = (1..=20).map(|i| format!("kept-{i:02}")).collect();
        assert_eq!(retained_keys(engine, &database).await, kept, "{engine:?}");
    }
}

/// A purge by hand waiting for another instance's run (the PostgreSQL advisory lock),
/// then cancelled, leaves no lock behind: its connection holding the lock is closed, not
/// handed back to the pool, where it would keep the lock and lock every other instance's
/// purge out.
#[cfg(feature = "inbox-postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_postgres_purge_leaves_no_lock_behind() {
    use sqlx::Connection;
    let database = Database::new(Engine::Postgres, "purge_lock_cancel");
    let inbox = database.open().await;
    // The purge's lock (`tw` `pu` in ASCII), held by "another instance".
    let lock = 0x7477_7075_i64;
    let mut other = sqlx::PgConnection::connect(&database.url).await.unwrap();
    let watcher = &sqlx::PgPool::connect(&database.url).await.unwrap();
    let _: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(lock)
        .fetch_one(&mut other)
        .await
        .unwrap();

    let purge = tokio::spawn({
        let inbox = inbox.clone();
        async move { inbox.purge_done(Duration::ZERO).await }
    });
    // The purge waits for the lock: its session shows in pg_locks, not granted.
    wait_for("the purge waiting for the lock", move || async move {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND objid = $1 AND NOT granted",
        )
        .bind(lock)
        .fetch_one(watcher)
        .await
        .unwrap();
        (waiting == 1).then_some(())
    })
    .await;
    purge.abort();
    assert!(purge.await.unwrap_err().is_cancelled());
    let _: bool = sqlx::query_scalar("SELECT pg_advisory_unlock($1)")
        .bind(lock)
        .fetch_one(&mut other)
        .await
        .unwrap();

    // Once the cancelled purge's session is gone, the lock is free again.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(lock)
            .fetch_one(&mut other)
            .await
            .unwrap();
        if free {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the cancelled purge's session kept the lock"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // And a purge runs.
    let _: bool = sqlx::query_scalar("SELECT pg_advisory_unlock($1)")
        .bind(lock)
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert_eq!(inbox.purge_done(Duration::ZERO).await.unwrap(), 0);
}
