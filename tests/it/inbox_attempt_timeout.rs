//! The inbox's per-attempt timeout, on every engine (SQLite files and a real PostgreSQL
//! server the tests start), through real HTTP on 127.0.0.1: a handler that never answers
//! fails its attempts when they time out, is retried, is dead after the last attempt with
//! the timeout as its reason, and does not hold up the deliveries accepted after it.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Server};
use http::StatusCode;
use tokio::sync::Notify;
use tower_webhook::inbox::{DeliveryRecord, DeliveryState, Inbox, ListFilter};
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
    dir: Option<std::path::PathBuf>,
}

impl Database {
    fn new(engine: Engine, name: &str) -> Database {
        match engine {
            #[cfg(feature = "inbox-sqlite")]
            Engine::Sqlite => {
                let dir = std::env::temp_dir()
                    .join(format!("tower-webhook-inbox-{name}-{}", std::process::id()));
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
                dir: None,
            },
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn delivery(server: &Server, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from(format!(
            r#"{{"type":"order.created","data":{{"id":"{id}"}}}}"#
        )))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

/// Counts the handler futures dropped: one is dropped when its attempt is cut off.
struct CountsDrop(Arc<AtomicUsize>);

impl Drop for CountsDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// The delivery `id` once `done` holds for it, polled for at most 20 seconds.
async fn wait_for(
    inbox: &Inbox,
    id: &str,
    what: &str,
    done: impl Fn(&DeliveryRecord) -> bool,
) -> DeliveryRecord {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let records = inbox.list(&ListFilter::new()).await.unwrap();
        let record = records.into_iter().find(|record| record.delivery_id == id);
        if let Some(record) = record.filter(|record| done(record)) {
            return record;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn a_handler_that_never_answers_times_out_is_dead_and_holds_nothing_up(engine: Engine) {
    let db = Database::new(engine, "attempt_timeout");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let started = Arc::new(Notify::new());
    let dropped = Arc::new(AtomicUsize::new(0));
    let handled = Arc::new(Mutex::new(Vec::<String>::new()));
    let handlers = {
        let (started, dropped, handled) = (started.clone(), dropped.clone(), handled.clone());
        Router::new().route(
            "/hook",
            post(move |delivery: Delivery| {
                let (started, dropped, handled) =
                    (started.clone(), dropped.clone(), handled.clone());
                async move {
                    if delivery.id() == "msg_stuck" {
                        let _guard = CountsDrop(dropped);
                        started.notify_one();
                        // Never answers.
                        std::future::pending::<()>().await;
                    }
                    handled.lock().unwrap().push(delivery.id().to_owned());
                    "ok"
                }
            }),
        )
    };
    let timeout = Duration::from_millis(300);
    let workers = inbox
        .workers(handlers.clone())
        .concurrency(1)
        .attempt_timeout(timeout)
        .max_attempts(2)
        .backoff(Duration::from_millis(10), Duration::from_millis(20))
        .poll_interval(Duration::from_millis(10))
        .spawn();
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let server =
        Server::start(handlers.route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))).await;

    assert_eq!(
        send(delivery(&server, "msg_stuck")).await.status,
        StatusCode::ACCEPTED
    );
    tokio::time::timeout(Duration::from_secs(20), started.notified())
        .await
        .expect("the stuck handler to start");
    // Accepted while the only worker is held by the handler that never answers.
    assert_eq!(
        send(delivery(&server, "msg_next")).await.status,
        StatusCode::ACCEPTED
    );

    let next = wait_for(&inbox, "msg_next", "msg_next to be handled", |record| {
        record.state == DeliveryState::Done
    })
    .await;
    assert_eq!(next.attempts, 1);
    let dead = wait_for(&inbox, "msg_stuck", "msg_stuck to be dead", |record| {
        record.state == DeliveryState::Dead
    })
    .await;
    let reason = "attempt timed out after 300ms";
    assert_eq!(dead.attempts, 2);
    assert_eq!(dead.last_error.as_deref(), Some(reason));
    let details = inbox.get(dead.id).await.unwrap().unwrap();
    let errors: Vec<Option<&str>> = details
        .attempts
        .iter()
        .map(|attempt| attempt.error.as_deref())
        .collect();
    assert_eq!(errors, [Some(reason), Some(reason)]);
    // Each cut-off attempt's future was dropped before its outcome was recorded.
    assert_eq!(dropped.load(Ordering::SeqCst), 2);
    assert_eq!(*handled.lock().unwrap(), ["msg_next"]);
    workers.shutdown().await;
}

/// Each test, once per engine built in.
macro_rules! on_every_engine {
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

on_every_engine!(a_handler_that_never_answers_times_out_is_dead_and_holds_nothing_up);
