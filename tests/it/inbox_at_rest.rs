//! Encryption at rest in the durable inbox (`Inbox::encrypt_at_rest`) and the fields it
//! never stores (`Inbox::never_store`), on every engine (SQLite files and a real
//! PostgreSQL server the tests start), through real HTTP on 127.0.0.1.
//!
//! - With encryption on, the database holds no byte of a delivery's body, headers or URI
//!   in clear: not the SQLite file, not its WAL, not PostgreSQL's row read with a plain SQL
//!   client. The workers' handler and `Inbox::get` see them as received.
//! - A header or query parameter the inbox is told never to store is stored and shown as
//!   `[redacted]`, like a credential.
//! - Rotation: rows sealed under an old key are read with `AtRestKeys::with_old_key`; a row
//!   sealed under a key the inbox was not given is a configuration error for `get`, and a
//!   failed attempt for the workers, whose handler never runs on it. Rows written in clear
//!   before encryption was turned on are still read.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Server};
use http::{HeaderName, StatusCode};
use tower_webhook::inbox::{
    AtRestKeys, DeliveryState, Inbox, InboxErrorKind, InboxId, InboxStats, ListFilter,
};
use tower_webhook::scheme::CredentialFields;
use tower_webhook::{providers, Secret, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KEY_1: &str = "q8ZQ6b4Qm1ZbfyWQ4mBSv8bJ2E0c9HqK1u0xR3p0P9g=";
const KEY_2: &str = "3b1f0c7e9d2a4b6c8e0f1a3b5c7d9e1f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d";

/// Texts that must never be in the database: each in one place of the request.
const BODY_MARKER: &str = "body-marker-Xq7vT2pL";
const HEADER_MARKER: &str = "header-marker-Wm4nB8sK";
const URI_MARKER: &str = "uri-marker-Jc5rY1dF";
const EMAIL_MARKER: &str = "email-marker-Pz3hG6tA";

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
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        match engine {
            #[cfg(feature = "inbox-sqlite")]
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(format!(
                    "tower-webhook-inbox-at-rest-{name}-{}-{}",
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
            Engine::Postgres => {
                let _ = &COUNT;
                Database {
                    url: common::postgres::shared().fresh_database(name),
                    dir: None,
                }
            }
        }
    }

    /// Every byte the database holds, in named parts: the SQLite files as they are on disk
    /// (the main file, the WAL, the shared memory); or PostgreSQL's rows of the inbox, read
    /// with a plain SQL client: each row as text, then its URI, headers and body as stored.
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
            let rows = sqlx::query(
                "SELECT delivery_id, uri, headers, body, webhook_inbox::text AS whole
                 FROM webhook_inbox",
            )
            .fetch_all(&mut connection)
            .await
            .unwrap();
            for row in rows {
                let id: String = row.get("delivery_id");
                parts.push((
                    format!("{id}: the row"),
                    row.get::<String, _>("whole").into(),
                ));
                parts.push((format!("{id}: uri"), row.get::<String, _>("uri").into()));
                parts.push((format!("{id}: headers"), row.get("headers")));
                parts.push((format!("{id}: body"), row.get("body")));
            }
        }
        parts
    }

    fn all(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
        parts.iter().flat_map(|(_, bytes)| bytes.clone()).collect()
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

fn keys(id: &str, key: &str) -> AtRestKeys {
    AtRestKeys::new(id, &Secret::from(key)).unwrap()
}

/// Waits until the inbox's stats satisfy `done`, for at most 20 seconds.
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

/// A handler that records each request it is given: its URI, headers and body.
fn recording(seen: &Arc<Mutex<Vec<String>>>) -> Router {
    let seen = seen.clone();
    Router::new().route(
        "/hooks",
        post(move |request: http::Request<axum::body::Body>| {
            let seen = seen.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
                seen.lock().unwrap().push(format!(
                    "{} {:?} {}",
                    parts.uri,
                    parts.headers,
                    String::from_utf8_lossy(&body)
                ));
                "ok"
            }
        }),
    )
}

/// A receiver whose layer writes to `inbox`.
async fn receiver(inbox: &Inbox) -> Server {
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let app = Router::new()
        .route("/hooks", post(|| async { "ok" }))
        .layer(WebhookLayer::new(verifier).inbox(inbox.clone()));
    Server::start(app).await
}

/// Delivers `id`, whose body, a header, a query parameter and the never-stored header
/// carry the markers, and returns its id in the inbox.
async fn deliver(server: &Server, inbox: &Inbox, id: &str) -> InboxId {
    let url = server.url(&format!("/hooks?tenant={URI_MARKER}&email={EMAIL_MARKER}"));
    let request = http::Request::post(url)
        .header("content-type", "application/json")
        .header("x-note", HEADER_MARKER)
        .header("x-customer-email", EMAIL_MARKER)
        .body(Bytes::from(format!(
            r#"{{"delivery":"{id}","secret":"{BODY_MARKER}"}}"#
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

fn never_stored() -> CredentialFields {
    CredentialFields::new()
        .header(HeaderName::from_static("x-customer-email"))
        .query_parameter("email")
}

async fn the_database_holds_no_plaintext_body(engine: Engine) {
    let db = Database::new(engine, "no-plaintext");
    let inbox = Inbox::connect(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(keys("k1", KEY_1))
        .never_store(never_stored());
    let server = receiver(&inbox).await;
    let id = deliver(&server, &inbox, "msg_sealed_1").await;

    // `get` shows the request as received, less the field never stored.
    let details = inbox.get(id).await.unwrap().unwrap();
    assert!(contains(&details.body, BODY_MARKER));
    assert_eq!(details.headers["x-note"], HEADER_MARKER);
    assert_eq!(details.headers["x-customer-email"], "[redacted]");
    assert_eq!(
        details.uri.query(),
        Some(format!("tenant={URI_MARKER}&email=%5Bredacted%5D").as_str())
    );

    // The workers' handler gets the plaintext too.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let workers = inbox.workers(recording(&seen)).spawn();
    wait_for(&inbox, "the delivery handled", |s| s.done == 1).await;
    workers.shutdown().await;
    let seen = seen.lock().unwrap().join("\n");
    for marker in [BODY_MARKER, HEADER_MARKER, URI_MARKER] {
        assert!(seen.contains(marker), "the handler lacks {marker}: {seen}");
    }
    assert!(!seen.contains(EMAIL_MARKER), "{seen}");
    assert!(seen.contains("[redacted]"), "{seen}");

    // The database, byte for byte: the ids in clear (the queries need them), nothing of
    // the request.
    let stored = db.stored().await;
    assert!(
        contains(&Database::all(&stored), "msg_sealed_1"),
        "the scan reads the stored rows"
    );
    for (name, bytes) in &stored {
        for marker in [BODY_MARKER, HEADER_MARKER, URI_MARKER, EMAIL_MARKER] {
            assert!(!contains(bytes, marker), "{marker} is in {name}");
        }
    }
    if db.dir.is_some() {
        assert!(
            stored.iter().any(|(name, _)| name.ends_with("-wal")),
            "the WAL was read: {:?}",
            stored.iter().map(|(name, _)| name).collect::<Vec<_>>()
        );
    }
}

/// Without encryption, the same scan finds the body: what the test above rules out is
/// there to be found.
async fn without_encryption_the_scan_finds_the_body(engine: Engine) {
    let db = Database::new(engine, "plaintext");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let server = receiver(&inbox).await;
    deliver(&server, &inbox, "msg_clear_1").await;
    let stored = Database::all(&db.stored().await);
    for marker in [BODY_MARKER, HEADER_MARKER, URI_MARKER] {
        assert!(contains(&stored, marker), "{marker}");
    }
}

async fn keys_rotate_and_a_missing_key_is_an_error(engine: Engine) {
    let db = Database::new(engine, "rotation");
    let base = Inbox::connect(&db.url).await.unwrap();
    // Clones share the database; each has its own keys.
    let clear = base.clone();
    let first = base.clone().encrypt_at_rest(keys("k1", KEY_1));
    let rotated = base.clone().encrypt_at_rest(
        keys("k2", KEY_2)
            .with_old_key("k1", &Secret::from(KEY_1))
            .unwrap(),
    );
    let without_k1 = base.clone().encrypt_at_rest(keys("k2", KEY_2));

    let in_clear = deliver(&receiver(&clear).await, &base, "msg_clear").await;
    let under_k1 = deliver(&receiver(&first).await, &base, "msg_k1").await;
    let under_k2 = deliver(&receiver(&rotated).await, &base, "msg_k2").await;

    // The rotated inbox reads all three: in clear, under its old key, under its current one.
    for id in [in_clear, under_k1, under_k2] {
        let details = rotated.get(id).await.unwrap().unwrap();
        assert!(contains(&details.body, BODY_MARKER), "{id}");
        assert_eq!(details.headers["x-note"], HEADER_MARKER, "{id}");
    }
    // Without k1: a configuration error that names the key, never garbage.
    let error = without_k1.get(under_k1).await.unwrap_err();
    assert_eq!(error.kind(), InboxErrorKind::Configuration, "{error}");
    assert!(error.to_string().contains("`k1`"), "{error}");
    assert!(without_k1.get(under_k2).await.unwrap().is_some());
    // Without any key: sealed rows are errors, the clear one reads.
    assert_eq!(
        clear.get(under_k2).await.unwrap_err().kind(),
        InboxErrorKind::Configuration
    );
    assert!(contains(
        &clear.get(in_clear).await.unwrap().unwrap().body,
        BODY_MARKER
    ));
    // A read-only inbox (as the command line opens one) reads them with the keys.
    let reader = Inbox::connect_read_only(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(keys("k1", KEY_1));
    let details = reader.get(under_k1).await.unwrap().unwrap();
    assert!(contains(&details.body, BODY_MARKER));
    // No key shows in the inbox's `Debug`, only the ids.
    let shown = format!("{rotated:?}");
    assert!(shown.contains("k2") && !shown.contains(KEY_1) && !shown.contains(KEY_2));
    assert!(!shown.contains(&KEY_2[..16]), "{shown}");
    // A key given under the right id but not the one that sealed: corrupt, not garbage.
    let wrong = base.clone().encrypt_at_rest(keys("k1", KEY_2));
    assert_eq!(
        wrong.get(under_k1).await.unwrap_err().kind(),
        InboxErrorKind::Corrupt
    );

    // The workers without k1: the handler never runs on that row, whose attempt fails.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let workers = without_k1.workers(recording(&seen)).max_attempts(1).spawn();
    wait_for(&base, "two done, one dead", |s| s.done == 2 && s.dead == 1).await;
    workers.shutdown().await;
    assert_eq!(seen.lock().unwrap().len(), 2);
    let dead = base
        .list(&ListFilter::new().state(DeliveryState::Dead))
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, under_k1);
    let error = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(error.contains("`k1`"), "{error}");

    // Given the key again, it replays and runs.
    assert!(rotated.replay(under_k1).await.unwrap());
    let workers = rotated.workers(recording(&seen)).spawn();
    wait_for(&base, "all three done", |s| s.done == 3).await;
    workers.shutdown().await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert!(seen[2].contains("msg_k1") && seen[2].contains(BODY_MARKER));
}

/// Each test, once per engine built in.
/// The JSON API on an instance without the key of a sealed row answers a status that says
/// so (not `503`, which reads as an outage a monitor retries) and names the key's id.
async fn the_api_names_the_missing_key_of_a_sealed_row(engine: Engine) {
    let db = Database::new(engine, "api");
    let writer = Inbox::connect(&db.url)
        .await
        .unwrap()
        .encrypt_at_rest(keys("k1", KEY_1));
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
    assert_eq!(
        reply.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("k1"), "{}", reply.text());
}

/// Weak keys are refused (found by review): 32 zero bytes, 64 zero hex digits, and 32
/// characters of text taken as the raw key (a passphrase, or a 128-bit key in hex).
#[test]
fn weak_keys_are_refused() {
    for (what, key) in [
        ("32 zero bytes", Secret::new([0u8; 32])),
        ("64 zero hex digits", Secret::from("0".repeat(64))),
        (
            "32 hex digits (128 bits)",
            Secret::from("5f3a9c0d1e2b4a6f8c7d9e0a1b2c3d4e"),
        ),
        (
            "a 32-character passphrase",
            Secret::from("correct horse battery staple 420"),
        ),
    ] {
        assert!(
            AtRestKeys::new("weak", &key).is_err(),
            "{what} accepted as a key"
        );
    }
    assert!(AtRestKeys::new("strong", &Secret::from(KEY_1)).is_ok());
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
    the_database_holds_no_plaintext_body,
    without_encryption_the_scan_finds_the_body,
    keys_rotate_and_a_missing_key_is_an_error,
    the_api_names_the_missing_key_of_a_sealed_row,
);
