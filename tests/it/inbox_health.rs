//! The inbox's health checks (`Inbox::health_router`: `GET /readyz`, `GET /healthz`),
//! through real HTTP on 127.0.0.1, on every engine: ready with workers, not without them
//! or after their shutdown, not when a worker loop died (nor live then), not when the lag
//! passes its threshold, and not when the database is gone, with a body that names the
//! failing check and never the database's URL or password.

use crate::common;

use std::convert::Infallible;
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::inbox::{engines, signed, verifier, wait_for, Database, Engine};
use common::{send, Server};
use http::StatusCode;
use serde_json::Value;
use tower_webhook::inbox::{Inbox, ReadinessCheck};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::WebhookLayer;

fn handlers() -> Router {
    Router::new().route("/hook", post(|| async { StatusCode::OK }))
}

/// A server with the layer writing to `inbox` on `/hook` and the health router beside it.
async fn serve(inbox: &Inbox, check: ReadinessCheck) -> Server {
    let app = handlers()
        .route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone()))
        .merge(inbox.health_router(check));
    Server::start(app).await
}

/// `GET path`: its status and JSON body, which is never cached.
async fn probe(server: &Server, path: &str) -> (StatusCode, Value) {
    let reply = send(
        http::Request::get(server.url(path))
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.headers["content-type"], "application/json");
    assert_eq!(reply.headers["cache-control"], "no-store");
    (reply.status, reply.json())
}

fn failing(body: &Value) -> Vec<String> {
    body["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap().to_owned())
        .collect()
}

fn status_of(body: &Value, name: &str) -> String {
    let check = body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {body}"));
    check["status"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_with_workers_and_not_without_or_after_shutdown() {
    for engine in engines() {
        let database = Database::new(engine, "health_workers");
        let inbox = database.open().await;
        let server = serve(&inbox, ReadinessCheck::new()).await;

        let (status, body) = probe(&server, "/readyz").await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{engine:?}: {body}"
        );
        assert_eq!(failing(&body), ["workers"], "{body}");
        assert_eq!(body["status"], "fail");
        assert_eq!(status_of(&body, "database"), "ok");
        assert_eq!(status_of(&body, "lag"), "ok");
        // Alive: no workers is not a reason to restart.
        assert_eq!(probe(&server, "/healthz").await.0, StatusCode::OK);

        let workers = inbox
            .workers(handlers())
            .concurrency(2)
            .poll_interval(Duration::from_millis(10))
            .spawn();
        let (status, body) = probe(&server, "/readyz").await;
        assert_eq!(status, StatusCode::OK, "{engine:?}: {body}");
        assert_eq!(body["status"], "ok");
        assert_eq!(failing(&body), Vec::<String>::new());
        for name in ["database", "workers", "lag"] {
            assert_eq!(status_of(&body, name), "ok", "{body}");
        }
        let (status, body) = probe(&server, "/healthz").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(status_of(&body, "workers"), "ok");
        // The plain method says the same.
        assert!(inbox.readiness(&ReadinessCheck::new()).await.is_ok());

        // Deliveries are handled while it is ready.
        assert_eq!(
            send(signed(&server, "msg_ready", "order.created"))
                .await
                .status,
            StatusCode::ACCEPTED
        );
        wait_for("the delivery done", || {
            let inbox = inbox.clone();
            async move { (inbox.stats().await.unwrap().done == 1).then_some(()) }
        })
        .await;

        workers.shutdown().await;
        let (status, body) = probe(&server, "/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(failing(&body), ["workers"]);
        assert_eq!(probe(&server, "/healthz").await.0, StatusCode::OK);

        // Aborted workers (the handle dropped) are not ready either.
        let workers = inbox.workers(handlers()).spawn();
        assert_eq!(probe(&server, "/readyz").await.0, StatusCode::OK);
        workers.abort();
        assert_eq!(
            probe(&server, "/readyz").await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );

        // A receiver whose workers run elsewhere does not ask for them.
        let receiver = serve(&inbox, ReadinessCheck::new().require_workers(false)).await;
        let (status, body) = probe(&receiver, "/readyz").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(status_of(&body, "workers"), "skipped");
    }
}

/// A handler whose `call` itself panics (not the future it returns): the panic is in the
/// worker's loop, not in the task an attempt runs in, and the loop is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_loop_that_died_is_neither_ready_nor_live() {
    #[cfg(feature = "inbox-sqlite")]
    let engine = Engine::Sqlite;
    #[cfg(not(feature = "inbox-sqlite"))]
    let engine = engines()[0];
    let database = Database::new(engine, "health_died");
    let inbox = database.open().await;
    let server = serve(&inbox, ReadinessCheck::new()).await;
    let panics = tower::service_fn(
        |_: http::Request<VerifiedBody>| -> std::future::Ready<Result<http::Response<String>, Infallible>> {
            panic!("a bug in the handler's call")
        },
    );
    let workers = inbox
        .workers(panics)
        .concurrency(1)
        .poll_interval(Duration::from_millis(10))
        .spawn();
    assert_eq!(probe(&server, "/readyz").await.0, StatusCode::OK);
    assert_eq!(
        send(signed(&server, "msg_kills_the_loop", "order.created"))
            .await
            .status,
        StatusCode::ACCEPTED
    );
    let body = wait_for("the liveness probe to fail", || async {
        let (status, body) = probe(&server, "/healthz").await;
        (status == StatusCode::SERVICE_UNAVAILABLE).then_some(body)
    })
    .await;
    assert_eq!(failing(&body), ["workers"], "{body}");
    let detail = body["checks"][0]["detail"].as_str().unwrap();
    // The worker loop, of the loop and the purge.
    assert!(
        detail.contains("1 of 2 worker tasks died (worker)"),
        "{detail}"
    );
    let (status, body) = probe(&server, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(failing(&body), ["workers"], "{body}");
    assert!(!inbox.liveness().is_ok());
    drop(workers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_when_the_lag_passes_its_threshold() {
    for engine in engines() {
        let database = Database::new(engine, "health_lag");
        let inbox = database.open().await;
        // No workers here: whatever is accepted waits.
        let check = ReadinessCheck::new()
            .require_workers(false)
            .max_lag(Duration::from_millis(1));
        let server = serve(&inbox, check).await;
        let (status, body) = probe(&server, "/readyz").await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{engine:?}: nothing waits yet: {body}"
        );

        assert_eq!(
            send(signed(&server, "msg_waits", "order.created"))
                .await
                .status,
            StatusCode::ACCEPTED
        );
        let body = wait_for("the lag past 1 ms", || async {
            let (status, body) = probe(&server, "/readyz").await;
            (status == StatusCode::SERVICE_UNAVAILABLE).then_some(body)
        })
        .await;
        assert_eq!(failing(&body), ["lag"], "{body}");
        assert_eq!(status_of(&body, "database"), "ok");
        // Lag is not a reason to restart.
        assert_eq!(probe(&server, "/healthz").await.0, StatusCode::OK);
        // The lag is ignored when asked.
        let health = inbox
            .readiness(&ReadinessCheck::new().require_workers(false).ignore_lag())
            .await;
        assert!(health.is_ok(), "{health}");

        // Workers catch up: ready again.
        let workers = inbox
            .workers(handlers())
            .poll_interval(Duration::from_millis(10))
            .spawn();
        wait_for("the lag back under 1 ms", || async {
            (probe(&server, "/readyz").await.0 == StatusCode::OK).then_some(())
        })
        .await;
        workers.shutdown().await;
    }
}

#[cfg(feature = "inbox-sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_when_the_sqlite_file_is_gone() {
    let database = Database::new(Engine::Sqlite, "health_gone");
    let inbox = database.open().await;
    let server = serve(&inbox, ReadinessCheck::new()).await;
    let workers = inbox.workers(handlers()).spawn();
    assert_eq!(probe(&server, "/readyz").await.0, StatusCode::OK);

    // Deleted under the running process: its connections still write to the old file,
    // which nobody opens again.
    let dir = database.dir.as_ref().unwrap();
    for name in ["inbox.db", "inbox.db-wal", "inbox.db-shm"] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let reply = send(
        http::Request::get(server.url("/readyz"))
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = reply.json();
    assert_eq!(failing(&body), ["database"], "{body}");
    assert_eq!(status_of(&body, "lag"), "skipped");
    assert!(!reply.text().contains(dir.to_str().unwrap()), "{body}");
    // The workers are alive: liveness is not about the database.
    assert_eq!(probe(&server, "/healthz").await.0, StatusCode::OK);
    workers.shutdown().await;
}

#[cfg(feature = "inbox-postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_when_the_postgres_server_is_gone() {
    // A server of this test's own, to stop.
    let mut pg = common::postgres::PgServer::start();
    let url = pg.fresh_database("health_gone");
    let inbox = Inbox::connect(&url).await.unwrap();
    let server = serve(&inbox, ReadinessCheck::new()).await;
    let workers = inbox
        .workers(handlers())
        .poll_interval(Duration::from_millis(10))
        .spawn();
    assert_eq!(probe(&server, "/readyz").await.0, StatusCode::OK);

    pg.stop();
    let reply = send(
        http::Request::get(server.url("/readyz"))
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = reply.json();
    assert_eq!(failing(&body), ["database"], "{body}");
    let text = reply.text();
    for secret in [
        common::postgres::PASSWORD,
        url.as_str(),
        &pg.port.to_string(),
    ] {
        assert!(!text.contains(secret), "{text}");
    }
    assert_eq!(probe(&server, "/healthz").await.0, StatusCode::OK);
    drop(workers);
}

/// A read stuck behind a lock (a migration's, an `ALTER TABLE`, a `LOCK TABLE`): each
/// probe fails within its timeout, and the server gives up on the read too, so the probes
/// leave no statement waiting on the server (each holding a connection of the inbox's
/// pool, ten of them, until the lock goes). Liveness, which never reads the database,
/// answers throughout.
#[cfg(feature = "inbox-postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_postgres_read_fails_readiness_in_time_and_leaves_nothing_waiting() {
    use sqlx::{Connection, Executor};
    let database = Database::new(Engine::Postgres, "health_hung");
    let inbox = database.open().await;
    let check = ReadinessCheck::new()
        .timeout(Duration::from_millis(200))
        .require_workers(false);
    assert!(inbox.readiness(&check).await.is_ok());

    let mut locker = sqlx::PgConnection::connect(&database.url).await.unwrap();
    locker
        .execute("BEGIN; LOCK TABLE webhook_inbox IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    // More probes than the pool has connections.
    for _ in 0..12 {
        let started = std::time::Instant::now();
        let health = inbox.readiness(&check).await;
        let database_check = health.check("database").unwrap();
        assert_eq!(
            database_check.status(),
            tower_webhook::inbox::CheckStatus::Fail,
            "{health}"
        );
        assert!(started.elapsed() < Duration::from_secs(2), "{health}");
        assert!(inbox.liveness().is_ok());
    }
    let watcher = &sqlx::PgPool::connect(&database.url).await.unwrap();
    wait_for(
        "no probe's read left waiting for the lock",
        move || async move {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .fetch_one(watcher)
            .await
            .unwrap();
            (waiting == 0).then_some(())
        },
    )
    .await;

    locker.execute("ROLLBACK").await.unwrap();
    wait_for("ready again", || async {
        inbox.readiness(&check).await.is_ok().then_some(())
    })
    .await;
}
