//! A hostile review of encryption at rest (`Inbox::encrypt_at_rest`): each test here is a
//! gap found, failing until it is closed (or until the lead decides it is a documented
//! limit and the test is dropped). On every engine where the database matters.
//!
//! - The ordering key (`OrderingKey::json_field`) is a field of the body, stored in clear.
//! - A handler's error text (often quoting the body it failed to parse) is stored in clear
//!   in `last_error` and in the attempts.
//! - A row whose `sealed_with` is cleared is read as plaintext by an inbox that encrypts:
//!   anyone who can write the table replaces a sealed request with one of their choosing.
//!   The method is not bound into the associated data either.
//! - Weak keys are accepted: 32 zero bytes, and any 32-character text as raw bytes.
//! - The JSON API answers 503 "the inbox is unavailable" for a sealed row whose key it
//!   lacks, and shows nothing of it (not its state, attempts or last error).
//! - A row in clear forgotten after encryption is turned on stays in the SQLite file.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Server};
use http::{Request, Response, StatusCode};
use tower_webhook::inbox::{
    AtRestKeys, Inbox, InboxErrorKind, InboxId, InboxStats, ListFilter, OrderingKey,
};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Secret, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KEY_1: &str = "q8ZQ6b4Qm1ZbfyWQ4mBSv8bJ2E0c9HqK1u0xR3p0P9g=";
const BODY_MARKER: &str = "body-marker-Rv8kQ3zN";

#[derive(Clone, Copy, Debug)]
enum Engine {
    #[cfg(feature = "inbox-sqlite")]
    Sqlite,
    #[cfg(feature = "inbox-postgres")]
    Postgres,
}

struct Database {
    engine: Engine,
    url: String,
    dir: Option<std::path::PathBuf>,
}

impl Database {
    fn new(engine: Engine, name: &str) -> Database {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        match engine {
            #[cfg(feature = "inbox-sqlite")]
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(format!(
                    "tower-webhook-at-rest-review-{name}-{}-{}",
                    std::process::id(),
                    COUNT.fetch_add(1, Ordering::SeqCst)
                ));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap();
                Database {
                    engine,
                    url: format!("sqlite://{}", dir.join("inbox.db").display()),
                    dir: Some(dir),
                }
            }
            #[cfg(feature = "inbox-postgres")]
            Engine::Postgres => {
                let _ = &COUNT;
                Database {
                    engine,
                    url: common::postgres::shared().fresh_database(name),
                    dir: None,
                }
            }
        }
    }

    /// Every byte the database holds: the SQLite files on disk, or every row of every
    /// inbox table as text (PostgreSQL).
    async fn stored(&self) -> Vec<(String, Vec<u8>)> {
        let mut parts = Vec::new();
        if let Some(dir) = &self.dir {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                parts.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
            return parts;
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
                    parts.push((table.to_owned(), row.get::<String, _>("whole").into()));
                }
            }
        }
        parts
    }

    /// Runs `sql` on the database with a plain client: what anyone who can write it does.
    async fn execute(&self, sql: &str) {
        use sqlx::Connection;
        match self.engine {
            #[cfg(feature = "inbox-sqlite")]
            Engine::Sqlite => {
                let mut connection = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::query(sql).execute(&mut connection).await.unwrap();
            }
            #[cfg(feature = "inbox-postgres")]
            Engine::Postgres => {
                let mut connection = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query(sql).execute(&mut connection).await.unwrap();
            }
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

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

fn keys() -> AtRestKeys {
    AtRestKeys::new("k1", &Secret::from(KEY_1)).unwrap()
}

async fn wait_for(inbox: &Inbox, what: &str, done: impl Fn(&InboxStats) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let stats = inbox.stats().await.unwrap();
        if done(&stats) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn receiver(inbox: &Inbox) -> Server {
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let app = Router::new()
        .route("/hooks", post(|| async { "ok" }))
        .layer(WebhookLayer::new(verifier).inbox(inbox.clone()));
    Server::start(app).await
}

/// Delivers `id` with a JSON body whose `customer` holds the marker.
async fn deliver(server: &Server, inbox: &Inbox, id: &str) -> InboxId {
    let request = http::Request::post(server.url("/hooks"))
        .header("content-type", "application/json")
        .body(Bytes::from(format!(
            r#"{{"delivery":"{id}","customer":"{BODY_MARKER}"}}"#
        )))
        .unwrap();
    let request = Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap();
    let reply = send(request).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{id}: {}", reply.text());
    let records = inbox.list(&ListFilter::new()).await.unwrap();
    records
        .iter()
        .find(|record| record.delivery_id == id)
        .unwrap_or_else(|| panic!("{id} is not in the inbox: {records:?}"))
        .id
}

fn assert_no_marker(stored: &[(String, Vec<u8>)]) {
    for (name, bytes) in stored {
        assert!(
            !contains(bytes, BODY_MARKER),
            "the body's {BODY_MARKER} is in {name} in clear"
        );
    }
}

/// Ordered by a field of the body: the field's value is the `ordering_key` column, in
/// clear (`provider \x1f source \x1f value`). With encryption on it should be stored as a
/// keyed hash (e.g. HMAC-SHA-256 under a key derived from the current at-rest key, which
/// the ordering only compares for equality), or the docs must say the field is in clear.
async fn the_ordering_key_is_not_the_body_in_clear(engine: Engine) {
    let db = Database::new(engine, "ordering");
    let inbox = Inbox::connect(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(keys())
        .ordered_by(OrderingKey::json_field("customer"));
    let server = receiver(&inbox).await;
    deliver(&server, &inbox, "msg_ordered").await;
    assert_no_marker(&db.stored().await);
}

/// A handler that fails with the error a parser gives (quoting what it read): the error
/// text is `last_error` and the attempt's `error`, in clear, beside the sealed body.
async fn a_handlers_error_is_not_stored_in_clear(engine: Engine) {
    let db = Database::new(engine, "handler-error");
    let inbox = Inbox::connect(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(keys());
    let server = receiver(&inbox).await;
    deliver(&server, &inbox, "msg_fails").await;
    let handler = tower::service_fn(|request: Request<VerifiedBody>| async move {
        let body = request.into_body();
        let body = axum::body::to_bytes(axum::body::Body::new(body), usize::MAX)
            .await
            .unwrap();
        Err::<Response<String>, _>(format!(
            "unknown customer in {}",
            String::from_utf8_lossy(&body)
        ))
    });
    let workers = inbox.workers(handler).max_attempts(1).spawn();
    wait_for(&inbox, "the delivery dead", |s| s.dead == 1).await;
    workers.shutdown().await;
    let dead = inbox.list(&ListFilter::new()).await.unwrap();
    assert!(
        dead[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("handler failed")),
        "{dead:?}"
    );
    assert_no_marker(&db.stored().await);
}

/// Anyone who can write the table clears `sealed_with` and writes a request of their
/// choosing: the encrypting inbox reads it as a row written before encryption, and its
/// workers run it. The AAD binding is moot when the row can opt out of it. An inbox told
/// to encrypt should refuse clear rows (at least once told none remain, e.g.
/// `AtRestKeys::require_sealed`), or the docs must say integrity holds only for sealed rows.
async fn an_unsealed_row_is_not_read_by_an_encrypting_inbox(engine: Engine) {
    let db = Database::new(engine, "downgrade");
    let inbox = Inbox::connect(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(keys());
    let server = receiver(&inbox).await;
    let id = deliver(&server, &inbox, "msg_downgraded").await;
    let (body, headers) = match engine {
        #[cfg(feature = "inbox-sqlite")]
        Engine::Sqlite => ("CAST('{\"forged\":true}' AS BLOB)", "X''"),
        #[cfg(feature = "inbox-postgres")]
        Engine::Postgres => ("convert_to('{\"forged\":true}', 'UTF8')", "''::bytea"),
    };
    db.execute(&format!(
        "UPDATE webhook_inbox SET sealed_with = NULL, uri = '/hooks', headers = {headers}, \
         body = {body} WHERE id = {}",
        id.get()
    ))
    .await;
    let read = inbox.get(id).await;
    assert!(
        read.is_err(),
        "an encrypting inbox reads a row its keys never sealed: {:?}",
        read.map(|details| details.map(|d| d.body))
    );
}

/// The method is stored beside the sealed fields but not bound into their associated
/// data: changing it (POST to DELETE, routing the delivery to another handler) opens fine.
async fn a_sealed_rows_method_is_bound(engine: Engine) {
    let db = Database::new(engine, "method");
    let inbox = Inbox::connect(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(keys());
    let server = receiver(&inbox).await;
    let id = deliver(&server, &inbox, "msg_method").await;
    db.execute(&format!(
        "UPDATE webhook_inbox SET method = 'DELETE' WHERE id = {}",
        id.get()
    ))
    .await;
    let read = inbox.get(id).await;
    assert_eq!(
        read.as_ref()
            .map(|d| d.as_ref().map(|d| d.method.clone()))
            .err()
            .map(|e| e.kind()),
        Some(InboxErrorKind::Corrupt),
        "the altered method is read: {:?}",
        read.map(|d| d.map(|d| d.method))
    );
}

/// The JSON API over an inbox that lacks the key of a sealed row: `GET /deliveries/{id}`
/// answers 503 "the inbox is unavailable" (as if the database were down; a monitor
/// retries, an operator looks at the database) and shows nothing of the delivery, not even
/// its state or last error, which are in clear. It should show the record and attempts with
/// the request withheld and the key's id named (or at least answer a non-retryable status).
async fn the_api_shows_a_sealed_row_whose_key_it_lacks(engine: Engine) {
    let db = Database::new(engine, "api");
    let writer = Inbox::connect(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(keys());
    let server = receiver(&writer).await;
    let id = deliver(&server, &writer, "msg_api").await;
    let reader = Inbox::connect(&db.url).await.unwrap();
    let api = Server::start(Router::new().nest("/inbox", reader.router())).await;
    let reply = send(
        http::Request::get(api.url(&format!("/inbox/deliveries/{}", id.get())))
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_ne!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("k1"), "{}", reply.text());
}

/// Weak keys: 32 zero bytes (a zeroed buffer, an unset variable padded), and a 32-character
/// text taken as the raw key (a passphrase, or a 32-hex-digit = 128-bit key mistyped for a
/// 256-bit one: it is accepted as 32 bytes of ASCII, with 128 bits at most). Both should
/// be `Configuration` errors: the docs ask for `openssl rand`.
#[test]
fn weak_keys_are_refused() {
    assert!(
        AtRestKeys::new("zero", &Secret::new([0u8; 32])).is_err(),
        "32 zero bytes are accepted as a key"
    );
    assert!(
        AtRestKeys::new("zero-hex", &Secret::from("0".repeat(64))).is_err(),
        "64 zero hex digits are accepted as a key"
    );
    assert!(
        AtRestKeys::new("hex128", &Secret::from("5f3a9c0d1e2b4a6f8c7d9e0a1b2c3d4e")).is_err(),
        "32 hex digits (a 128-bit key) are accepted as 32 raw bytes"
    );
    assert!(
        AtRestKeys::new("phrase", &Secret::from("correct horse battery staple 420")).is_err(),
        "a 32-character passphrase is accepted as a key"
    );
}

/// Encryption turned on over an inbox with rows in clear: the docs say to purge or forget
/// them. A forgotten row's bytes stay in the SQLite file (its free pages, its WAL) as long
/// as nothing overwrites them: SQLite runs without `secure_delete`, and the WAL keeps the
/// old frames until a checkpoint reuses them. The inbox could set `PRAGMA secure_delete =
/// ON` when it encrypts and checkpoint (`TRUNCATE`) after `forget`/`purge_done`; or the
/// docs must say to `VACUUM` after forgetting rows in clear (PostgreSQL likewise keeps
/// dead tuples until vacuumed, and in its WAL and backups).
#[cfg(feature = "inbox-sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_row_in_clear_leaves_no_plaintext_in_the_file() {
    let db = Database::new(Engine::Sqlite, "forgotten");
    let clear = Inbox::connect(&db.url).await.unwrap();
    let id = deliver(&receiver(&clear).await, &clear, "msg_clear_then_forgotten").await;
    let inbox = clear.clone().encrypt_at_rest(keys());
    assert!(inbox.forget(id).await.unwrap());
    deliver(&receiver(&inbox).await, &inbox, "msg_sealed_after").await;
    assert!(inbox.get(id).await.unwrap().is_none());
    drop((clear, inbox));
    assert_no_marker(&db.stored().await);
}

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
    the_ordering_key_is_not_the_body_in_clear,
    a_handlers_error_is_not_stored_in_clear,
    an_unsealed_row_is_not_read_by_an_encrypting_inbox,
    a_sealed_rows_method_is_bound,
    the_api_shows_a_sealed_row_whose_key_it_lacks,
);
