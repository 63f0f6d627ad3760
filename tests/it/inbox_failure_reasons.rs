//! Why an attempt failed, as the inbox keeps it, on every engine (SQLite files and a real
//! PostgreSQL server the tests start), through real HTTP on 127.0.0.1: the status the
//! handler answered, the first bytes of its response body (at most 1 KiB, read no
//! further, text even when the bytes are not UTF-8), its error and the error's sources, a
//! timeout, a panic, and each attempt's duration; sealed at rest when the inbox encrypts.

use crate::common;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Server};
use http::StatusCode;
use http_body::Frame;
use http_body_util::Full;
use tower_webhook::inbox::{
    AtRestKeys, AttemptRecord, DeliveryRecord, DeliveryState, Inbox, ListFilter,
    MAX_RESPONSE_EXCERPT,
};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Secret, Signer, Verifier, WebhookLayer};

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
                let dir = std::env::temp_dir().join(format!(
                    "tower-webhook-inbox-reasons-{name}-{}",
                    std::process::id()
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
                dir: None,
            },
        }
    }

    /// Every byte the database holds: the SQLite files as they are on disk, or
    /// PostgreSQL's rows of the inbox and its attempts as text, read with a plain client.
    async fn stored(&self) -> Vec<u8> {
        let mut all = Vec::new();
        if let Some(dir) = &self.dir {
            for entry in std::fs::read_dir(dir).unwrap() {
                all.extend(std::fs::read(entry.unwrap().path()).unwrap());
            }
            return all;
        }
        #[cfg(feature = "inbox-postgres")]
        {
            use sqlx::{Connection, Row};
            let mut connection = sqlx::PgConnection::connect(&self.url).await.unwrap();
            for table in ["webhook_inbox", "webhook_inbox_attempts"] {
                let rows = sqlx::query(&format!("SELECT {table}::text AS whole FROM {table}"))
                    .fetch_all(&mut connection)
                    .await
                    .unwrap();
                for row in rows {
                    all.extend(row.get::<String, _>("whole").into_bytes());
                }
            }
        }
        all
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// A receiver writing verified deliveries to `inbox`.
async fn receiver(inbox: &Inbox) -> Server {
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let app = Router::new()
        .route("/hook", post(|| async { "not run: the inbox takes it" }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()));
    Server::start(app).await
}

/// Sends a signed delivery with the id `id`; it is accepted into the inbox.
async fn deliver(server: &Server, id: &str) {
    let request = http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from(format!(
            r#"{{"type":"order.created","data":{{"id":"{id}","card":"4242-SECRET-CARD"}}}}"#
        )))
        .unwrap();
    let request = Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap();
    assert_eq!(send(request).await.status, StatusCode::ACCEPTED);
}

/// The delivery `id` once it is dead, polled for at most 20 seconds, and its one attempt.
async fn dead(inbox: &Inbox, id: &str) -> (DeliveryRecord, AttemptRecord) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let records = inbox.list(&ListFilter::new()).await.unwrap();
        let record = records.into_iter().find(|record| record.delivery_id == id);
        if let Some(record) = record.filter(|record| record.state == DeliveryState::Dead) {
            let mut details = inbox.get(record.id).await.unwrap().unwrap();
            assert_eq!(details.attempts.len(), 1, "{:?}", details.attempts);
            return (record, details.attempts.remove(0));
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {id} to be dead"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Workers over `inbox` running `handler` once per delivery (then dead), with `timeout`
/// per attempt.
fn workers<S, B>(
    inbox: &Inbox,
    handler: S,
    timeout: Duration,
) -> tower_webhook::inbox::WorkersHandle
where
    S: tower::Service<http::Request<VerifiedBody>, Response = http::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    inbox
        .workers(handler)
        .concurrency(1)
        .attempt_timeout(timeout)
        .max_attempts(1)
        .poll_interval(Duration::from_millis(10))
        .spawn()
}

/// A handler that answers `status` with `body`.
#[derive(Clone)]
struct Answering {
    status: StatusCode,
    body: &'static [u8],
}

fn answering(status: StatusCode, body: &'static [u8]) -> Answering {
    Answering { status, body }
}

impl tower::Service<http::Request<VerifiedBody>> for Answering {
    type Response = http::Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _request: http::Request<VerifiedBody>) -> Self::Future {
        let mut response = http::Response::new(Full::new(Bytes::from_static(self.body)));
        *response.status_mut() = self.status;
        std::future::ready(Ok(response))
    }
}

async fn a_503_keeps_its_status_body_and_duration(engine: Engine) {
    let db = Database::new(engine, "reason_503");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let body = b"upstream down\nretry in 30 s";
    let handle = workers(
        &inbox,
        answering(StatusCode::SERVICE_UNAVAILABLE, body),
        Duration::from_secs(10),
    );
    let server = receiver(&inbox).await;
    deliver(&server, "msg_503").await;
    let (record, attempt) = dead(&inbox, "msg_503").await;
    assert_eq!(attempt.status, Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        attempt.error.as_deref(),
        Some("handler answered 503 Service Unavailable")
    );
    assert_eq!(
        attempt.response.as_deref(),
        Some("upstream down\nretry in 30 s")
    );
    let duration = attempt.duration.expect("a duration");
    let started = attempt.started_at;
    let finished = attempt.finished_at.unwrap();
    let slack = Duration::from_millis(5);
    assert!(
        duration <= finished.duration_since(started).unwrap() + slack,
        "{duration:?}"
    );
    // The list shows the reason, and the excerpt's first line.
    assert_eq!(
        record.last_error.as_deref(),
        Some("handler answered 503 Service Unavailable: upstream down")
    );
    handle.shutdown().await;
}

async fn a_large_body_is_cut_to_the_excerpt(engine: Engine) {
    let db = Database::new(engine, "reason_large");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    // 1 MiB, 'é' (two bytes) after an odd byte: the 1 KiB cut falls inside a character.
    let mut big = String::from("x");
    while big.len() < 1 << 20 {
        big.push('é');
    }
    let big: &'static [u8] = Box::leak(big.into_bytes().into_boxed_slice());
    let handle = workers(
        &inbox,
        answering(StatusCode::BAD_GATEWAY, big),
        Duration::from_secs(10),
    );
    let server = receiver(&inbox).await;
    deliver(&server, "msg_large").await;
    let (record, attempt) = dead(&inbox, "msg_large").await;
    let excerpt = attempt.response.expect("an excerpt");
    assert!(excerpt.len() <= MAX_RESPONSE_EXCERPT, "{}", excerpt.len());
    assert!(
        excerpt.len() >= MAX_RESPONSE_EXCERPT - 4,
        "{}",
        excerpt.len()
    );
    assert!(excerpt.starts_with("xéé"), "{excerpt}");
    // What is kept is the body's start: a prefix, maybe its last character replaced.
    let kept = excerpt.trim_end_matches('\u{fffd}');
    assert!(std::str::from_utf8(big).unwrap().starts_with(kept));
    // The list's reason is bounded too.
    let last_error = record.last_error.unwrap();
    assert!(last_error.chars().count() <= 250, "{last_error}");
    handle.shutdown().await;
}

/// A body without end: each frame polled is counted.
struct Endless {
    frames: Arc<AtomicUsize>,
}

impl http_body::Body for Endless {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.frames.fetch_add(1, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&[b'y'; 100])))))
    }
}

async fn an_endless_body_is_read_only_as_far_as_the_excerpt(engine: Engine) {
    let db = Database::new(engine, "reason_endless");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let frames = Arc::new(AtomicUsize::new(0));
    let handler = {
        let frames = frames.clone();
        tower::service_fn(move |_request: http::Request<VerifiedBody>| {
            let frames = frames.clone();
            async move {
                let mut response = http::Response::new(Endless { frames });
                *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                Ok::<_, Infallible>(response)
            }
        })
    };
    // A timeout far beyond the test's wait: the read stops at 1 KiB, not at the timeout.
    let handle = workers(&inbox, handler, Duration::from_secs(60));
    let server = receiver(&inbox).await;
    deliver(&server, "msg_endless").await;
    let (_, attempt) = dead(&inbox, "msg_endless").await;
    assert_eq!(attempt.status, Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(
        attempt.error.as_deref(),
        Some("handler answered 500 Internal Server Error")
    );
    assert_eq!(attempt.response.unwrap(), "y".repeat(MAX_RESPONSE_EXCERPT));
    // 1 KiB of 100-byte frames: 11 frames, none after.
    assert_eq!(frames.load(Ordering::SeqCst), 11);
    handle.shutdown().await;
}

async fn a_body_that_is_not_utf8_is_shown_as_text(engine: Engine) {
    let db = Database::new(engine, "reason_bytes");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let handle = workers(
        &inbox,
        answering(StatusCode::BAD_REQUEST, b"\xff\xfebad \xc3("),
        Duration::from_secs(10),
    );
    let server = receiver(&inbox).await;
    deliver(&server, "msg_bytes").await;
    let (_, attempt) = dead(&inbox, "msg_bytes").await;
    assert_eq!(attempt.status, Some(StatusCode::BAD_REQUEST));
    assert_eq!(
        attempt.response.as_deref(),
        Some("\u{fffd}\u{fffd}bad \u{fffd}(")
    );
    handle.shutdown().await;
}

/// An error whose cause has a cause.
#[derive(Debug)]
struct Layered(&'static str, Option<Box<Layered>>);

impl std::fmt::Display for Layered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Layered {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.1
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

async fn an_erroring_handler_keeps_its_error_chain(engine: Engine) {
    let db = Database::new(engine, "reason_chain");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let handler = tower::service_fn(|_request: http::Request<VerifiedBody>| async {
        let root = Layered("connection refused", None);
        let middle = Layered("ledger unreachable", Some(Box::new(root)));
        Err::<http::Response<Full<Bytes>>, _>(Layered(
            "posting the invoice failed",
            Some(Box::new(middle)),
        ))
    });
    let handle = workers(&inbox, handler, Duration::from_secs(10));
    let server = receiver(&inbox).await;
    deliver(&server, "msg_chain").await;
    let (record, attempt) = dead(&inbox, "msg_chain").await;
    let reason =
        "handler failed: posting the invoice failed: ledger unreachable: connection refused";
    assert_eq!(attempt.error.as_deref(), Some(reason));
    assert_eq!(attempt.status, None);
    assert_eq!(attempt.response, None);
    assert!(attempt.duration.is_some());
    assert_eq!(record.last_error.as_deref(), Some(reason));
    handle.shutdown().await;
}

async fn a_timeout_and_a_panic_are_reasons(engine: Engine) {
    let db = Database::new(engine, "reason_timeout");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let handler = tower::service_fn(|request: http::Request<VerifiedBody>| async move {
        let delivery = request
            .extensions()
            .get::<tower_webhook::Delivery>()
            .unwrap()
            .clone();
        match delivery.id() {
            "msg_panics" => panic!("the handler's bug"),
            "msg_stalls" => {
                // Answers, then its body stalls after the first frame.
                let first = Some(Bytes::from_static(b"partial answer"));
                let mut response = http::Response::new(Stalls(first));
                *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                Ok::<_, Infallible>(response)
            }
            _ => std::future::pending().await,
        }
    });
    let timeout = Duration::from_millis(300);
    let handle = workers(&inbox, handler, timeout);
    let server = receiver(&inbox).await;
    deliver(&server, "msg_never").await;
    deliver(&server, "msg_stalls").await;
    deliver(&server, "msg_panics").await;

    let (record, attempt) = dead(&inbox, "msg_never").await;
    let reason = "attempt timed out after 300ms";
    assert_eq!(attempt.error.as_deref(), Some(reason));
    assert_eq!(record.last_error.as_deref(), Some(reason));
    assert_eq!(attempt.status, None);
    assert!(attempt.duration.unwrap() >= timeout);

    // Timed out while its body was read: its status and the bytes read are kept.
    let (_, attempt) = dead(&inbox, "msg_stalls").await;
    assert_eq!(attempt.error.as_deref(), Some(reason));
    assert_eq!(attempt.status, Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(attempt.response.as_deref(), Some("partial answer"));
    assert!(attempt.duration.unwrap() >= timeout);

    let (_, attempt) = dead(&inbox, "msg_panics").await;
    assert_eq!(attempt.error.as_deref(), Some("handler panicked"));
    assert!(attempt.duration.is_some());
    handle.shutdown().await;
}

/// A body that sends its first frame, then never another.
struct Stalls(Option<Bytes>);

impl http_body::Body for Stalls {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.0.take() {
            Some(first) => Poll::Ready(Some(Ok(Frame::data(first)))),
            None => Poll::Pending,
        }
    }
}

async fn a_success_keeps_its_status_and_duration(engine: Engine) {
    let db = Database::new(engine, "reason_ok");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let handle = workers(
        &inbox,
        answering(StatusCode::NO_CONTENT, b""),
        Duration::from_secs(10),
    );
    let server = receiver(&inbox).await;
    deliver(&server, "msg_ok").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let details = loop {
        let records = inbox.list(&ListFilter::new()).await.unwrap();
        if let Some(done) = records
            .into_iter()
            .find(|record| record.state == DeliveryState::Done)
        {
            break inbox.get(done.id).await.unwrap().unwrap();
        }
        assert!(Instant::now() < deadline, "timed out waiting for msg_ok");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let attempt = &details.attempts[0];
    assert_eq!(attempt.error, None);
    assert_eq!(attempt.status, Some(StatusCode::NO_CONTENT));
    assert_eq!(attempt.response, None);
    assert!(attempt.duration.is_some());
    assert_eq!(details.record.last_error, None);
    handle.shutdown().await;
}

async fn at_rest_the_excerpt_is_sealed(engine: Engine) {
    const ECHO: &str = "echoed 4242-SECRET-CARD back";
    let db = Database::new(engine, "reason_at_rest");
    let key = Secret::from("q8ZQ6b4Qm1ZbfyWQ4mBSv8bJ2E0c9HqK1u0xR3p0P9g=");
    let inbox = Inbox::connect(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(AtRestKeys::new("k1", &key).unwrap());
    let handle = workers(
        &inbox,
        answering(StatusCode::UNPROCESSABLE_ENTITY, ECHO.as_bytes()),
        Duration::from_secs(10),
    );
    let server = receiver(&inbox).await;
    deliver(&server, "msg_sealed").await;
    let (record, attempt) = dead(&inbox, "msg_sealed").await;
    // Shown opened …
    assert_eq!(attempt.response.as_deref(), Some(ECHO));
    assert_eq!(attempt.status, Some(StatusCode::UNPROCESSABLE_ENTITY));
    // … the list's reason, stored in clear, without it …
    assert_eq!(
        record.last_error.as_deref(),
        Some("handler answered 422 Unprocessable Entity")
    );
    handle.shutdown().await;
    drop(server);
    // … and nowhere in the database in clear.
    let stored = db.stored().await;
    assert!(
        contains(&stored, "msg_sealed"),
        "the scan reads the database"
    );
    assert!(!contains(&stored, "4242-SECRET-CARD"));
    assert!(!contains(&stored, "echoed"));
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

on_every_engine!(
    a_503_keeps_its_status_body_and_duration,
    a_large_body_is_cut_to_the_excerpt,
    an_endless_body_is_read_only_as_far_as_the_excerpt,
    a_body_that_is_not_utf8_is_shown_as_text,
    an_erroring_handler_keeps_its_error_chain,
    a_timeout_and_a_panic_are_reasons,
    a_success_keeps_its_status_and_duration,
    at_rest_the_excerpt_is_sealed,
);
