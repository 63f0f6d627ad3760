//! What the inbox's operational tests share (health, alerts, retention): each engine, a
//! database of the test's own, signed deliveries, and a bounded wait on observable state.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, Signer, Verifier};

use super::Server;

pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    #[cfg(feature = "inbox-sqlite")]
    Sqlite,
    #[cfg(feature = "inbox-postgres")]
    Postgres,
}

/// Every engine this build has.
pub fn engines() -> Vec<Engine> {
    vec![
        #[cfg(feature = "inbox-sqlite")]
        Engine::Sqlite,
        #[cfg(feature = "inbox-postgres")]
        Engine::Postgres,
    ]
}

/// One test's database: a SQLite file in a directory of its own (removed when dropped),
/// or a fresh database on the test binary's PostgreSQL server.
pub struct Database {
    pub url: String,
    pub dir: Option<std::path::PathBuf>,
}

impl Database {
    pub fn new(engine: Engine, name: &str) -> Database {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let _ = (&COUNT, name);
        match engine {
            #[cfg(feature = "inbox-sqlite")]
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(format!(
                    "tower-webhook-ops-{name}-{}-{}",
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
                url: super::postgres::shared().fresh_database(name),
                dir: None,
            },
        }
    }

    pub async fn open(&self) -> tower_webhook::inbox::Inbox {
        tower_webhook::inbox::Inbox::connect(&self.url)
            .await
            .unwrap()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The verifier of the deliveries [`signed`] makes.
pub fn verifier() -> Verifier {
    Verifier::new(providers::standard_webhooks(), SECRET).unwrap()
}

/// A Standard Webhooks delivery `id` of event type `kind`, to `/hook` on `server`.
pub fn signed(server: &Server, id: &str, kind: &str) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from(format!(r#"{{"type":"{kind}","id":"{id}"}}"#)))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

/// Polls `check` until it answers `Some`, for at most 20 seconds: a wait on what the test
/// can observe, never a guess of how long something takes.
pub async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
