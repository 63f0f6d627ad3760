//! Secrets at rest in the durable inbox, on every engine (SQLite files and a real
//! PostgreSQL server the tests start), through real HTTP on 127.0.0.1.
//!
//! - A credential a scheme compares (a shared token, Basic credentials, an API key in a
//!   header or a query parameter) is stored as `[redacted]`: not in the database, not in
//!   what `Inbox::get`, the JSON router or the handler run by the workers see. Everything
//!   else of the request is stored as it came.
//! - A new SQLite inbox, and its `-wal` and `-shm` files, are readable by their owner only.
//! - A URL that is not a `sqlite://` or `postgres://` one (a slash missing, a typo in the
//!   scheme) is refused without repeating it, password and all.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Server};
use http::StatusCode;
use tower_webhook::inbox::{Inbox, InboxErrorKind, InboxStats, ListFilter};
use tower_webhook::scheme::{CredentialScheme, DynScheme};
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const GITLAB_TOKEN: &str = "gitlab-token-Qm4tZ8rW";
const TELEGRAM_TOKEN: &str = "telegram-token-Hx2pL9vB";
const BASIC_PASSWORD: &str = "basic-password-Ns7yK3cJ";
const HEADER_KEY: &str = "header-api-key-Vd5wE1qT";
const QUERY_KEY: &str = "query-api-key-Rb8mF6gZ";
const BEARER_KEY: &str = "bearer-api-key-Lc3nA0sP";
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What each route checks, and the credential it presents (none for a signature).
struct Case {
    path: &'static str,
    scheme: fn() -> DynScheme,
    secret: String,
    /// The header that carries the credential, if one does.
    header: Option<&'static str>,
    /// The texts that must never be stored: the secret as sent.
    never_stored: Vec<String>,
}

fn cases() -> Vec<Case> {
    let basic = format!("hooks:{BASIC_PASSWORD}");
    let basic_header = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&basic)
    };
    vec![
        Case {
            path: "/gitlab",
            scheme: || Box::new(providers::gitlab()),
            secret: GITLAB_TOKEN.into(),
            header: Some("x-gitlab-token"),
            never_stored: vec![GITLAB_TOKEN.into()],
        },
        Case {
            path: "/telegram",
            scheme: || Box::new(providers::telegram()),
            secret: TELEGRAM_TOKEN.into(),
            header: Some("x-telegram-bot-api-secret-token"),
            never_stored: vec![TELEGRAM_TOKEN.into()],
        },
        Case {
            path: "/basic",
            scheme: || Box::new(providers::basic_auth()),
            secret: basic.clone(),
            header: Some("authorization"),
            never_stored: vec![BASIC_PASSWORD.into(), basic_header],
        },
        Case {
            path: "/api-key",
            scheme: || Box::new(providers::api_key()),
            secret: HEADER_KEY.into(),
            header: Some("x-api-key"),
            never_stored: vec![HEADER_KEY.into()],
        },
        Case {
            path: "/bearer",
            scheme: || {
                Box::new(
                    CredentialScheme::api_key_header("crm", http::header::AUTHORIZATION)
                        .value_prefix("Bearer "),
                )
            },
            secret: BEARER_KEY.into(),
            header: Some("authorization"),
            never_stored: vec![BEARER_KEY.into()],
        },
        Case {
            path: "/query",
            scheme: || Box::new(CredentialScheme::api_key_query("forms", "key")),
            secret: QUERY_KEY.into(),
            header: None,
            never_stored: vec![QUERY_KEY.into()],
        },
        Case {
            path: "/signed",
            scheme: || Box::new(providers::standard_webhooks()),
            secret: WEBHOOK_SECRET.into(),
            header: None,
            never_stored: vec![],
        },
    ]
}

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
                let dir = temp_dir(name, COUNT.fetch_add(1, Ordering::SeqCst));
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

    /// Every byte the database holds of the stored requests: the SQLite files as they are
    /// on disk (main file, WAL), or PostgreSQL's rows.
    async fn stored_bytes(&self) -> Vec<u8> {
        use sqlx::{Connection, Row};
        let mut bytes = Vec::new();
        if let Some(dir) = &self.dir {
            for entry in std::fs::read_dir(dir).unwrap() {
                bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
            }
            return bytes;
        }
        #[cfg(feature = "inbox-postgres")]
        {
            let mut connection = sqlx::PgConnection::connect(&self.url).await.unwrap();
            let rows = sqlx::query("SELECT method, uri, headers, body FROM webhook_inbox")
                .fetch_all(&mut connection)
                .await
                .unwrap();
            for row in rows {
                bytes.extend(row.get::<String, _>("method").into_bytes());
                bytes.extend(row.get::<String, _>("uri").into_bytes());
                bytes.extend(row.get::<Vec<u8>, _>("headers"));
                bytes.extend(row.get::<Vec<u8>, _>("body"));
            }
        }
        bytes
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn temp_dir(name: &str, n: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tower-webhook-inbox-secrets-{name}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
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

/// Every route of [`cases`], each behind the layer of its own scheme in inbox mode; the
/// workers run the same handler, which records the request it was given.
async fn receiver(inbox: &Inbox, seen: &Arc<Mutex<Vec<String>>>) -> Server {
    let handler = |seen: Arc<Mutex<Vec<String>>>| {
        post(move |request: http::Request<axum::body::Body>| {
            let seen = seen.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push(format!("{} {:?}", request.uri(), request.headers()));
                "ok"
            }
        })
    };
    let mut app = Router::new();
    let mut handlers = Router::new();
    for case in cases() {
        let verifier = Verifier::new((case.scheme)(), case.secret.as_str()).unwrap();
        app = app.merge(
            Router::new()
                .route(case.path, handler(seen.clone()))
                .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone())),
        );
        handlers = handlers.route(case.path, handler(seen.clone()));
    }
    std::mem::forget(inbox.workers(handlers).spawn()); // they run as long as the test does
    Server::start(app).await
}

async fn credentials_are_stored_redacted_and_never_shown(engine: Engine) {
    let db = Database::new(engine, "redacted");
    let inbox = Inbox::connect(&db.url).await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let server = receiver(&inbox, &seen).await;

    for (n, case) in cases().iter().enumerate() {
        let request = http::Request::post(server.url(&format!("{}?tenant=acme", case.path)))
            .header("content-type", "application/json")
            .header("x-trace", "kept-as-sent")
            .body(Bytes::from(format!(r#"{{"n":{n}}}"#)))
            .unwrap();
        let request = Signer::new((case.scheme)(), case.secret.as_str())
            .unwrap()
            .sign_with(request, &format!("delivery-{n}"), SystemTime::now())
            .unwrap();
        let reply = send(request).await;
        assert_eq!(
            reply.status,
            StatusCode::ACCEPTED,
            "{}: {}",
            case.path,
            reply.text()
        );
    }
    // The parameter's name percent-encoded, as the scheme reads it once decoded: redacted
    // too, and the rest of the query byte for byte.
    let encoded = http::Request::post(server.url(&format!("/query?ke%79={QUERY_KEY}&note=a+b%21")))
        .body(Bytes::from_static(b"{\"encoded\":true}"))
        .unwrap();
    let reply = send(encoded).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    let count = cases().len() as u64 + 1;
    wait_for(&inbox, "every delivery handled", |s| s.done == count).await;

    // What the inbox shows of each delivery: the credential's place, never its value.
    let records = inbox.list(&ListFilter::new()).await.unwrap();
    assert_eq!(records.len(), cases().len() + 1);
    let newest = inbox.get(records[0].id).await.unwrap().unwrap();
    assert_eq!(newest.uri.query(), Some("ke%79=%5Bredacted%5D&note=a+b%21"));
    for record in &records[1..] {
        let details = inbox.get(record.id).await.unwrap().unwrap();
        let path = details.uri.path().to_owned();
        let case = cases().into_iter().find(|c| c.path == path).unwrap();
        let shown = format!("{details:?}");
        for secret in &case.never_stored {
            assert!(!shown.contains(secret.as_str()), "{path}: {shown}");
        }
        if let Some(header) = case.header {
            assert_eq!(details.headers[header], "[redacted]", "{path}");
        }
        let query = details.uri.query().unwrap_or_default();
        if path == "/query" {
            assert_eq!(query, "tenant=acme&key=%5Bredacted%5D", "{path}");
        } else {
            assert_eq!(query, "tenant=acme", "{path}");
        }
        // The rest of the request, as it came.
        assert_eq!(details.headers["x-trace"], "kept-as-sent", "{path}");
        if path == "/signed" {
            assert!(details.headers.contains_key("webhook-signature"));
            assert_ne!(details.headers["webhook-signature"], "[redacted]");
        }
    }

    // The handler, run by the workers from what was stored, was not given them either.
    let seen = seen.lock().unwrap().join("\n");
    assert!(seen.contains("[redacted]"), "{seen}");
    let every_secret: Vec<String> = cases().into_iter().flat_map(|c| c.never_stored).collect();
    for secret in &every_secret {
        assert!(
            !seen.contains(secret.as_str()),
            "the handler saw {secret}: {seen}"
        );
    }

    // The JSON router's view of each delivery.
    #[cfg(feature = "inbox-router")]
    {
        let api = Server::start(Router::new().nest("/inbox", inbox.router())).await;
        for record in &records {
            let url = api.url(&format!("/inbox/deliveries/{}", record.id));
            let reply = send(http::Request::get(url).body(Bytes::new()).unwrap()).await;
            assert_eq!(reply.status, StatusCode::OK);
            for secret in &every_secret {
                assert!(!reply.text().contains(secret.as_str()), "{}", reply.text());
            }
        }
    }

    // And the database itself, byte for byte.
    let stored = db.stored_bytes().await;
    assert!(
        contains(&stored, "kept-as-sent"),
        "the scan reads the stored requests"
    );
    for secret in &every_secret {
        assert!(!contains(&stored, secret), "{secret} is in the database");
    }
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

on_every_engine!(credentials_are_stored_redacted_and_never_shown,);

/// URLs a person may write by mistake, each with a password in it: each is refused as a
/// configuration error, and the error repeats neither the URL nor the password.
#[tokio::test]
async fn a_mistyped_url_is_refused_without_repeating_it() {
    for url in [
        "postgres:/user:hunter2@127.0.0.1/db",
        "postgresql:/user:hunter2@127.0.0.1/db",
        "postgres:user:hunter2@127.0.0.1/db",
        "Postgres:/user:hunter2@127.0.0.1/db",
        "mysql://user:hunter2@127.0.0.1/db",
        "postgress://user:hunter2@127.0.0.1/db",
        "user:hunter2@127.0.0.1/db",
    ] {
        let error = Inbox::connect(url).await.unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(!text.contains("hunter2"), "{url}: {text}");
        assert_eq!(
            error.kind(),
            InboxErrorKind::Configuration,
            "{url}: {error}"
        );
        assert!(
            text.contains("postgres://"),
            "{url}: says what a URL is: {text}"
        );
    }
}

/// A slash missing makes a URL whose path is the database's name, password and all: a
/// server that does not know that database repeats its name. Such a URL is refused before
/// any connection, even when its query parameters (which libpq-style URLs allow) would
/// reach a server.
#[cfg(feature = "inbox-postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_url_missing_a_slash_never_reaches_a_server() {
    use common::postgres::{shared, PASSWORD, USER};
    let port = shared().port;
    let url = format!(
        "postgres:/user:hunter2@db.internal/db?host=127.0.0.1&port={port}&user={USER}\
         &password={PASSWORD}"
    );
    let error = Inbox::connect(&url).await.unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert_eq!(error.kind(), InboxErrorKind::Configuration, "{text}");
}

/// A new SQLite inbox holds verified payloads and their headers: its file and the `-wal`
/// and `-shm` files beside it are created readable and writable by their owner only,
/// whatever the process's umask lets other files be.
#[cfg(all(unix, feature = "inbox-sqlite"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_sqlite_inbox_and_its_wal_and_shm_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let dir = temp_dir("mode", 0);
    let path = dir.join("inbox.db");
    let inbox = Inbox::sqlite(&path).await.unwrap();
    let verifier = Verifier::new(providers::standard_webhooks(), WEBHOOK_SECRET).unwrap();
    let app = Router::new()
        .route("/hook", post(|| async { "ok" }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()));
    let server = Server::start(app).await;
    let request = http::Request::post(server.url("/hook"))
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let request = Signer::new(providers::standard_webhooks(), WEBHOOK_SECRET)
        .unwrap()
        .sign_with(request, "mode-1", SystemTime::now())
        .unwrap();
    assert_eq!(send(request).await.status, StatusCode::ACCEPTED);

    for name in ["inbox.db", "inbox.db-wal", "inbox.db-shm"] {
        let file = dir.join(name);
        let mode = std::fs::metadata(&file)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{name} is {:o}", mode & 0o777);
        assert_eq!(mode & 0o600, 0o600, "{name} is {:o}", mode & 0o777);
    }
    drop(inbox);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every preset that authenticates with a credential rather than a signature (its body is
/// not signed, and it is not one of the two that sign other parts: Mailgun, Adyen) says
/// where the credential is, so the inbox can keep it out of storage.
#[test]
fn every_credential_preset_declares_where_its_credential_is() {
    use tower_webhook::Scheme as _;
    let signing_other_parts = ["mailgun", "adyen"];
    let mut checked = 0;
    for preset in providers::ALL {
        let fields = preset.scheme().credential_fields();
        if !preset.signs_body() && !signing_other_parts.contains(&preset.name()) {
            assert!(
                !fields.is_empty(),
                "{} declares no credential",
                preset.name()
            );
            checked += 1;
        } else {
            assert!(fields.is_empty(), "{} declares a credential", preset.name());
        }
    }
    assert!(checked >= 8, "{checked} credential presets");
}
