//! `RedisStore::connect` reads the server's persistence settings and warns when Redis
//! has none (a restart would forget every completed delivery), against a real
//! `redis-server` on 127.0.0.1; a server that refuses `CONFIG` still connects, quietly.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::redis_server::RedisServer;
use tower_webhook::replay::RedisStore;
use tracing::instrument::WithSubscriber;

/// Everything logged at `level` and above while `connect` runs, as text.
async fn connect_and_log(url: &str, level: tracing::Level) -> (Result<RedisStore, String>, String) {
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);
    impl Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let store = RedisStore::connect(url)
        .with_subscriber(subscriber)
        .await
        .map_err(|error| error.to_string());
    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    (store, text)
}

async fn command(url: &str, args: &[&str]) {
    let client = redis::Client::open(url).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let mut command = redis::cmd(args[0]);
    for arg in &args[1..] {
        command.arg(*arg);
    }
    command.query_async::<()>(&mut connection).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_warns_when_redis_has_no_persistence() {
    // The test server runs with `--save "" --appendonly no`.
    let server = RedisServer::start();
    let url = server.url();
    let (store, log) = connect_and_log(&url, tracing::Level::INFO).await;
    store.expect("connects");
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("Redis has no persistence"), "{log}");

    // RDB snapshots only: said, but not as a warning.
    command(&url, &["CONFIG", "SET", "save", "3600 1"]).await;
    let (store, log) = connect_and_log(&url, tracing::Level::INFO).await;
    store.expect("connects");
    assert!(!log.contains("WARN"), "{log}");
    assert!(log.contains("RDB snapshots only"), "{log}");

    // AOF with appendfsync everysec: nothing to say at INFO.
    command(&url, &["CONFIG", "SET", "save", ""]).await;
    command(&url, &["CONFIG", "SET", "appendfsync", "everysec"]).await;
    command(&url, &["CONFIG", "SET", "appendonly", "yes"]).await;
    let (store, log) = connect_and_log(&url, tracing::Level::INFO).await;
    store.expect("connects");
    assert!(!log.contains("persist"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_tolerates_a_server_that_refuses_config() {
    let server = RedisServer::start();
    let url = server.url();
    // A user that may run everything but CONFIG, as managed Redis services set it up.
    command(
        &url,
        &[
            "ACL",
            "SETUSER",
            "app",
            "on",
            ">app-pass",
            "~*",
            "&*",
            "+@all",
            "-config",
        ],
    )
    .await;
    let limited = format!("redis://app:app-pass@127.0.0.1:{}", server.port);
    let (store, log) = connect_and_log(&limited, tracing::Level::DEBUG).await;
    store.expect("connects although CONFIG is refused");
    assert!(!log.contains("WARN"), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
    assert!(
        log.contains("cannot read the persistence settings"),
        "{log}"
    );
}
