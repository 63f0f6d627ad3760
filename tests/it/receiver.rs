//! The `receiver` example's contract, tested as users run it: a real process on
//! 127.0.0.1, configured through environment variables.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use common::send;
use http::StatusCode;
use tower_webhook::{providers, Scheme, Signer};

pub(crate) struct Receiver {
    child: Child,
    pub(crate) base: String,
    pub(crate) banner: Vec<String>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `receiver` example as `cargo run --example receiver` builds it.
///
/// `cargo test` builds examples as ordinary binaries, but `cargo test --all-targets`
/// builds them as (empty) test harnesses, so the runnable binary may be missing or
/// stale. Building it here, once, with the features this test was compiled with, makes
/// the suite independent of how it was invoked. Cargo has released its build lock by
/// the time tests run, so the nested build neither deadlocks nor races.
fn receiver_binary() -> &'static std::path::Path {
    static BINARY: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| {
        // target/<profile>/deps/receiver-<hash> -> target/<profile>/examples/receiver
        let exe = std::env::current_exe().expect("test binary path");
        let profile = exe.parent().and_then(|p| p.parent()).expect("target dir");
        let target_dir = profile.parent().expect("target dir");
        let mut features = vec!["axum"];
        if cfg!(feature = "redis") {
            features.push("redis");
        }
        if cfg!(feature = "inbox-sqlite") {
            features.push("inbox-sqlite");
        }
        if cfg!(feature = "inbox-postgres") {
            features.push("inbox-postgres");
        }
        if cfg!(feature = "metrics") {
            features.push("metrics");
        }
        if cfg!(feature = "inbox-console") {
            features.push("inbox-console");
        }
        let mut build = Command::new(env!("CARGO"));
        build
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--quiet", "--example", "receiver", "--features"])
            .arg(features.join(","))
            .arg("--target-dir")
            .arg(target_dir);
        if profile.file_name().is_some_and(|name| name == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build --example receiver");
        assert!(status.success(), "cargo build --example receiver failed");
        let binary = profile
            .join("examples")
            .join(format!("receiver{}", std::env::consts::EXE_SUFFIX));
        assert!(binary.exists(), "{} is missing", binary.display());
        binary
    })
}

pub(crate) fn start(env: &[(&str, &str)]) -> Receiver {
    let mut command = Command::new(receiver_binary());
    command
        .env_clear()
        .env("WEBHOOK_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("start receiver");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut banner = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .expect("receiver printed its address")
            .expect("utf-8");
        banner.push(line.clone());
        if let Some(base) = line.strip_prefix("listening on ") {
            break base.to_owned();
        }
    };
    // Read the rest of the banner (up to the /deliveries line).
    for line in lines.by_ref() {
        let line = line.expect("utf-8");
        let last = line.starts_with("GET /deliveries");
        banner.push(line);
        if last {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Receiver {
        child,
        base,
        banner,
    }
}

fn signed<S: Scheme>(
    scheme: S,
    secret: &str,
    url: String,
    content_type: &str,
    extra: Option<(&str, &str)>,
    body: &'static str,
    id: &str,
) -> http::Request<Bytes> {
    let mut builder = http::Request::post(url).header("content-type", content_type);
    if let Some((name, value)) = extra {
        builder = builder.header(name, value);
    }
    let request = builder.body(Bytes::from_static(body.as_bytes())).unwrap();
    Signer::new(scheme, secret)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

#[tokio::test]
async fn receiver_mounts_configured_routes_and_lists_deliveries() {
    let quoted = r#"a secret with spaces and "quotes""#;
    let receiver = start(&[
        (
            "STANDARD_WEBHOOK_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        ),
        (
            "SVIX_WEBHOOK_SECRET",
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        ),
        ("STRIPE_WEBHOOK_SECRET", "whsec_old,whsec_new"),
        ("GITHUB_WEBHOOK_SECRET", quoted),
        ("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5"),
        ("SHOPIFY_WEBHOOK_SECRET", "shpss_secret"),
        ("TWILIO_AUTH_TOKEN", "twilio token"),
        ("WEBHOOK_PUBLIC_URL", "https://hooks.example.com"),
    ]);
    assert_eq!(
        receiver
            .banner
            .iter()
            .filter(|l| l.starts_with("mounted POST"))
            .count(),
        7,
        "{:?}",
        receiver.banner
    );
    let url = |path: &str| format!("{}{path}", receiver.base);

    let requests = vec![
        signed(
            providers::standard_webhooks(),
            // The second (rotated) secret still passes.
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            url("/webhooks/standard"),
            "application/json",
            None,
            r#"{"type":"invoice.paid"}"#,
            "msg_std",
        ),
        signed(
            providers::svix(),
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            url("/webhooks/svix"),
            "application/json",
            None,
            r#"{"type":"user.created"}"#,
            "msg_svix",
        ),
        signed(
            providers::stripe(),
            "whsec_old",
            url("/webhooks/stripe"),
            "application/json",
            None,
            r#"{"id":"evt_1","type":"charge.succeeded"}"#,
            "unused",
        ),
        signed(
            providers::github(),
            quoted,
            url("/webhooks/github"),
            "application/json",
            Some(("x-github-event", "push")),
            r#"{"ref":"main"}"#,
            "guid-1",
        ),
        // Routed through a dispatcher: recorded as `issues.opened`.
        signed(
            providers::github(),
            quoted,
            url("/webhooks/github"),
            "application/json",
            Some(("x-github-event", "issues")),
            r#"{"action":"opened","issue":{"number":1}}"#,
            "guid-2",
        ),
        signed(
            providers::slack(),
            "8f742231b10e8888abcd99yyyzzz85a5",
            url("/webhooks/slack"),
            "application/json",
            None,
            r#"{"type":"event_callback","event_id":"Ev1","event":{"type":"message"}}"#,
            "unused",
        ),
        signed(
            providers::shopify(),
            "shpss_secret",
            url("/webhooks/shopify"),
            "application/json",
            Some(("x-shopify-topic", "orders/create")),
            r#"{"id":1}"#,
            "shop-event-1",
        ),
    ];
    for request in requests {
        let path = request.uri().path().to_owned();
        let reply = send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    }

    // Twilio signs the public URL; the request reaches the receiver on 127.0.0.1.
    let twilio = Signer::new(
        providers::twilio().public_url("https://hooks.example.com"),
        "twilio token",
    )
    .unwrap()
    .sign_with(
        http::Request::post("/webhooks/twilio?x=1")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Bytes::from_static(b"Body=hi&From=%2B1555"))
            .unwrap(),
        "idem-1",
        SystemTime::now(),
    )
    .unwrap();
    let (mut parts, body) = twilio.into_parts();
    parts.uri = url("/webhooks/twilio?x=1").parse().unwrap();
    let reply = send(http::Request::from_parts(parts, body)).await;
    assert_eq!(reply.status, StatusCode::OK, "twilio: {}", reply.text());

    let list = send(
        http::Request::get(url("/deliveries"))
            .body(Bytes::new())
            .unwrap(),
    )
    .await
    .json();
    let expected = serde_json::json!([
        {"provider": "standard-webhooks", "id": "msg_std", "event": "invoice.paid"},
        {"provider": "svix", "id": "msg_svix", "event": "user.created"},
        {"provider": "stripe", "id": "evt_1", "event": "charge.succeeded"},
        {"provider": "github", "id": "guid-1", "event": "push"},
        {"provider": "github", "id": "guid-2", "event": "issues.opened"},
        {"provider": "slack", "id": "Ev1", "event": "message"},
        {"provider": "shopify", "id": "shop-event-1", "event": "orders/create"},
        {"provider": "twilio", "id": "idem-1", "event": null},
    ]);
    assert_eq!(list, expected);
}

/// Many sources on one endpoint, over HTTP: tenants from a file, edited while the
/// receiver runs.
#[tokio::test]
async fn receiver_tenants_file_is_read_again_after_edits() {
    let dir = std::env::temp_dir().join(format!("tower-webhook-tenants-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tenants.json");
    let (acme, globex, rotated) = (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        "whsec_cm90YXRlZCBzZWNyZXQgb2YgYWNtZQ==",
    );
    std::fs::write(&file, serde_json::json!({ "acme": acme }).to_string()).unwrap();
    let receiver = start(&[
        ("TENANTS_FILE", file.to_str().unwrap()),
        ("TENANTS_TTL_MS", "100"),
    ]);
    let url = |tenant: &str| format!("{}/webhooks/tenants/{tenant}/standard", receiver.base);
    let delivery = |tenant: &str, secret: &str, id: &str| {
        signed(
            providers::standard_webhooks(),
            secret,
            url(tenant),
            "application/json",
            None,
            r#"{"type":"invoice.paid"}"#,
            id,
        )
    };
    assert_eq!(
        send(delivery("acme", acme, "msg_1")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(delivery("globex", globex, "msg_1")).await.status,
        StatusCode::NOT_FOUND
    );

    // A new tenant and a rotation, written while the receiver runs: in effect within the
    // TTL. Polled with a deadline, since the receiver reads the file on its own clock.
    std::fs::write(
        &file,
        serde_json::json!({ "acme": [rotated, acme], "globex": globex }).to_string(),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let reply = send(delivery("globex", globex, "msg_1")).await;
        if reply.status == StatusCode::OK {
            break;
        }
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert!(
            std::time::Instant::now() < deadline,
            "the edit never took effect"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        send(delivery("acme", rotated, "msg_2")).await.status,
        StatusCode::OK
    );

    let list = send(
        http::Request::get(format!("{}/deliveries", receiver.base))
            .body(Bytes::new())
            .unwrap(),
    )
    .await
    .json();
    let expected = serde_json::json!([
        {"provider": "standard-webhooks", "source": "acme", "id": "msg_1", "event": "invoice.paid"},
        {"provider": "standard-webhooks", "source": "globex", "id": "msg_1", "event": "invoice.paid"},
        {"provider": "standard-webhooks", "source": "acme", "id": "msg_2", "event": "invoice.paid"},
    ]);
    assert_eq!(list, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn receiver_without_secrets_mounts_nothing() {
    let receiver = start(&[]);
    assert!(receiver
        .banner
        .iter()
        .any(|l| l.starts_with("no routes mounted")));
    let reply = send(
        http::Request::post(format!("{}/webhooks/stripe", receiver.base))
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[test]
fn receiver_refuses_a_malformed_secret_at_start() {
    let output = Command::new(receiver_binary())
        .env_clear()
        .env("WEBHOOK_ADDR", "127.0.0.1:0")
        .env("STANDARD_WEBHOOK_SECRET", "whsec_%%%not-base64%%%")
        .output()
        .expect("run receiver");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("STANDARD_WEBHOOK_SECRET"), "{stderr}");
    assert!(
        !stderr.contains("%%%not-base64%%%"),
        "secret leaked: {stderr}"
    );
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_receivers_sharing_redis_handle_each_delivery_once() {
    use common::redis_server::RedisServer;

    let mut redis = RedisServer::start();
    let env = [
        ("STRIPE_WEBHOOK_SECRET", "whsec_shared"),
        ("REDIS_URL", &*redis.url()),
    ];
    let (a, b) = (start(&env), start(&env));
    assert!(
        a.banner
            .iter()
            .any(|l| l.starts_with("replay store: redis")),
        "{:?}",
        a.banner
    );

    let signed = |base: &str, id: &str, at: SystemTime| {
        let body = format!(r#"{{"id":"{id}","type":"invoice.paid"}}"#);
        Signer::new(providers::stripe(), "whsec_shared")
            .unwrap()
            .sign_with(
                http::Request::post(format!("{base}/webhooks/stripe"))
                    .header("content-type", "application/json")
                    .body(Bytes::from(body))
                    .unwrap(),
                id,
                at,
            )
            .unwrap()
    };
    let request = signed(&a.base, "evt_shared", SystemTime::now());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..100 {
        let mut copy = request.clone();
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        *copy.uri_mut() = format!("{base}/webhooks/stripe").parse().unwrap();
        tasks.spawn(send(copy));
    }
    while let Some(reply) = tasks.join_next().await {
        let status = reply.unwrap().status;
        assert!(
            status == StatusCode::OK || status == StatusCode::CONFLICT,
            "{status}"
        );
    }
    let handled = |base: String| async move {
        send(
            http::Request::get(format!("{base}/deliveries"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await
        .json()
        .as_array()
        .map(Vec::len)
        .unwrap_or_default()
    };
    assert_eq!(
        handled(a.base.clone()).await + handled(b.base.clone()).await,
        1
    );

    redis.kill();
    let during = signed(&b.base, "evt_outage", SystemTime::now());
    let reply = send(during.clone()).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.headers.contains_key("retry-after"));

    redis.restart();
    // The provider retries (Stripe: same event, new timestamp and signature) until the
    // receiver has reconnected; bounded at 5 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let retry = signed(&b.base, "evt_outage", SystemTime::now());
        let reply = send(retry).await;
        if reply.status == StatusCode::OK {
            assert!(reply.headers.get("webhook-duplicate").is_none());
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never recovered");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        handled(a.base.clone()).await + handled(b.base.clone()).await,
        2
    );
}

/// The durable inbox through the real receiver: a handler failing then recovering handles
/// every delivery exactly once, and a receiver killed (SIGKILL) mid-handler handles the
/// delivery after its restart.
#[cfg(feature = "inbox-sqlite")]
mod inbox {
    use super::*;
    use std::path::PathBuf;
    use std::time::Instant;
    use tower_webhook::inbox::Inbox;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let dir = std::env::temp_dir().join(format!(
                "tower-webhook-receiver-{name}-{}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }
        fn path(&self, file: &str) -> String {
            self.0.join(file).display().to_string()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn handled(log: &str) -> Vec<String> {
        let mut lines: Vec<String> = std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .map(super::provider_and_id)
            .collect();
        lines.sort();
        lines
    }

    /// Waits until `log` holds `count` lines, for at most 30 seconds.
    async fn wait_handled(log: &str, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let lines = handled(log);
            if lines.len() >= count {
                return lines;
            }
            assert!(Instant::now() < deadline, "handled only {lines:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn delivery(receiver: &Receiver, id: &str) -> http::Request<Bytes> {
        signed(
            providers::standard_webhooks(),
            SECRET,
            format!("{}/webhooks/standard", receiver.base),
            "application/json",
            None,
            r#"{"type":"order.created"}"#,
            id,
        )
    }

    /// `CONSOLE_TOKEN`: the console at `/console`, its login over plain HTTP on 127.0.0.1,
    /// showing a delivery the receiver took; the token never in its output.
    #[cfg(feature = "inbox-console")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn console_token_serves_the_console_over_the_receivers_inbox() {
        const TOKEN: &str = "receiver-console-token-4b8e1c7d2f9a";
        let dir = Dir::new("console");
        let db = dir.path("inbox.db");
        let receiver = start(&[
            ("STANDARD_WEBHOOK_SECRET", SECRET),
            ("INBOX_URL", &format!("sqlite://{db}")),
            ("CONSOLE_TOKEN", TOKEN),
        ]);
        assert!(
            receiver.banner.iter().any(|line| line.contains("/console")),
            "{:?}",
            receiver.banner
        );
        assert!(
            !receiver.banner.iter().any(|line| line.contains(TOKEN)),
            "the token printed: {:?}",
            receiver.banner
        );
        let reply = send(delivery(&receiver, "msg_seen_in_console")).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());

        let console = format!("{}/console", receiver.base);
        let login = send(
            http::Request::get(format!("{console}/login"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
        assert_eq!(login.status, StatusCode::OK);
        assert!(login.text().contains(r#"name="token""#));
        let wrong = send(
            http::Request::post(format!("{console}/login"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Bytes::from_static(b"token=not-the-token"))
                .unwrap(),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        let reply = send(
            http::Request::post(format!("{console}/login"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Bytes::from(format!("token={TOKEN}")))
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        let set_cookie = reply.headers["set-cookie"].to_str().unwrap().to_owned();
        assert!(set_cookie.contains("Path=/console"), "{set_cookie}");
        assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
        assert!(
            !set_cookie.contains("Secure"),
            "plain HTTP on 127.0.0.1: {set_cookie}"
        );
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let page = send(
            http::Request::get(format!("{console}/deliveries"))
                .header("cookie", &cookie)
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        let page = page.text();
        assert!(page.contains("msg_seen_in_console"), "{page}");
        assert!(!page.contains(TOKEN));
        // Without the session: to the login.
        let anonymous = send(
            http::Request::get(format!("{console}/deliveries"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    }

    /// An empty `CONSOLE_TOKEN` is no console.
    #[cfg(feature = "inbox-console")]
    #[tokio::test]
    async fn an_empty_console_token_serves_no_console() {
        let dir = Dir::new("no-console");
        let db = dir.path("inbox.db");
        let receiver = start(&[
            ("STANDARD_WEBHOOK_SECRET", SECRET),
            ("INBOX_URL", &format!("sqlite://{db}")),
            ("CONSOLE_TOKEN", ""),
        ]);
        let reply = send(
            http::Request::get(format!("{}/console/login", receiver.base))
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_then_recovering_handler_handles_every_delivery_once() {
        let dir = Dir::new("recovering");
        let (db, log) = (dir.path("inbox.db"), dir.path("handled.log"));
        let receiver = start(&[
            ("STANDARD_WEBHOOK_SECRET", SECRET),
            ("INBOX_URL", &format!("sqlite://{db}")),
            ("HANDLED_LOG", &log),
            ("HANDLER_FAIL_FIRST", "2"),
            ("INBOX_RETRY_MS", "10"),
        ]);
        let ids: Vec<String> = (0..10).map(|i| format!("msg_recover_{i}")).collect();
        for id in &ids {
            let reply = send(delivery(&receiver, id)).await;
            assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
            // The provider's retry of an accepted delivery is a duplicate.
            assert_eq!(send(delivery(&receiver, id)).await.status, StatusCode::OK);
        }
        let lines = wait_handled(&log, ids.len()).await;
        let mut expected: Vec<String> = ids
            .iter()
            .map(|id| format!("standard-webhooks {id}"))
            .collect();
        expected.sort();
        assert_eq!(lines, expected, "every delivery handled, none twice");
        // The handler logs before its worker records the outcome: wait for that too.
        let inbox = Inbox::sqlite(&db).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let stats = inbox.stats().await.unwrap();
            if stats.done == 10 {
                break;
            }
            assert!(Instant::now() < deadline, "{stats:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(handled(&log).len(), 10, "none handled twice");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_receiver_killed_mid_handler_handles_the_delivery_after_a_restart() {
        let dir = Dir::new("killed");
        let (db, log) = (dir.path("inbox.db"), dir.path("handled.log"));
        let url = format!("sqlite://{db}");
        let mut first = start(&[
            ("STANDARD_WEBHOOK_SECRET", SECRET),
            ("INBOX_URL", &url),
            ("HANDLED_LOG", &log),
            ("HANDLER_DELAY_MS", "600000"),
            ("INBOX_LEASE_MS", "300"),
        ]);
        let reply = send(delivery(&first, "msg_killed")).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
        // Wait until a worker holds it, then kill the process (SIGKILL on Unix).
        let inbox = Inbox::sqlite(&db).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while inbox.stats().await.unwrap().running == 0 {
            assert!(Instant::now() < deadline, "never claimed");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        first.child.kill().unwrap();
        first.child.wait().unwrap();
        assert!(handled(&log).is_empty());

        let _second = start(&[
            ("STANDARD_WEBHOOK_SECRET", SECRET),
            ("INBOX_URL", &url),
            ("HANDLED_LOG", &log),
            ("INBOX_LEASE_MS", "300"),
        ]);
        assert_eq!(
            wait_handled(&log, 1).await,
            ["standard-webhooks msg_killed"]
        );
        let done = inbox
            .list(&tower_webhook::inbox::ListFilter::new())
            .await
            .unwrap();
        assert_eq!(
            done[0].attempts, 2,
            "the killed attempt, then the one after the restart"
        );
    }
}

/// Two receivers on one PostgreSQL inbox, one killed (SIGKILL) halfway through 2,000
/// deliveries with duplicates mixed in: every delivery is handled, none is lost, and the
/// only deliveries handled twice are those the killed receiver was running when it died.
#[cfg(feature = "inbox-postgres")]
mod inbox_postgres {
    use super::*;
    use std::collections::HashMap;
    use std::time::Instant;
    use tower_webhook::inbox::{Inbox, InboxId, ListFilter};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// The workers per receiver (the inbox's default).
    const CONCURRENCY: usize = 4;

    fn delivery(base: &str, id: &str) -> http::Request<Bytes> {
        signed(
            providers::standard_webhooks(),
            SECRET,
            format!("{base}/webhooks/standard"),
            "application/json",
            None,
            r#"{"type":"order.created"}"#,
            id,
        )
    }

    /// Sends as a provider does: to `first`, or to `fallback` when `first` is gone.
    async fn deliver(request: http::Request<Bytes>, fallback: &str) -> StatusCode {
        if let Ok(reply) = common::try_send(common::copy(&request)).await {
            if reply.status != StatusCode::SERVICE_UNAVAILABLE {
                return reply.status;
            }
        }
        let (mut parts, body) = request.into_parts();
        parts.uri = format!("{fallback}/webhooks/standard").parse().unwrap();
        send(http::Request::from_parts(parts, body)).await.status
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_receivers_on_one_postgres_lose_nothing_when_one_is_killed() {
        let url = common::postgres::shared().fresh_database("receivers");
        let dir =
            std::env::temp_dir().join(format!("tower-webhook-receivers-pg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("handled.log").display().to_string();
        let _ = std::fs::remove_file(&log);
        let env = [
            ("STANDARD_WEBHOOK_SECRET", SECRET),
            ("INBOX_URL", url.as_str()),
            ("HANDLED_LOG", log.as_str()),
            ("HANDLER_DELAY_MS", "3"),
            ("INBOX_LEASE_MS", "2000"),
        ];
        let mut a = start(&env);
        let b = start(&env);
        assert!(
            a.banner
                .iter()
                .any(|l| l.starts_with("inbox: postgres://127.0.0.1")),
            "{:?}",
            a.banner
        );
        assert!(
            !a.banner
                .iter()
                .any(|l| l.contains(common::postgres::PASSWORD)),
            "the banner shows the password: {:?}",
            a.banner
        );

        let total = 2000;
        let started = Instant::now();
        let mut killed = false;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..total {
            if i == total / 2 {
                // Halfway: wait for what was sent so far, then kill A mid-work.
                while let Some(status) = tasks.join_next().await {
                    let status = status.unwrap();
                    assert!(status == StatusCode::ACCEPTED || status == StatusCode::OK);
                }
                a.child.kill().unwrap();
                a.child.wait().unwrap();
                killed = true;
                eprintln!("killed A after {:?}", started.elapsed());
            }
            let id = format!("msg_pair_{i}");
            let (first, other) = if i % 2 == 0 && !killed {
                (&a.base, &b.base)
            } else {
                (&b.base, &b.base)
            };
            let request = delivery(first, &id);
            // Every fifth delivery comes twice (the provider's retry), to the other one.
            if i % 5 == 0 {
                let mut copy = common::copy(&request);
                *copy.uri_mut() = format!("{other}/webhooks/standard").parse().unwrap();
                let fallback = b.base.clone();
                tasks.spawn(async move { deliver(copy, &fallback).await });
            }
            let fallback = b.base.clone();
            tasks.spawn(async move { deliver(request, &fallback).await });
            while tasks.len() >= 32 {
                let status = tasks.join_next().await.unwrap().unwrap();
                assert!(
                    status == StatusCode::ACCEPTED || status == StatusCode::OK,
                    "{status}"
                );
            }
        }
        while let Some(status) = tasks.join_next().await {
            let status = status.unwrap();
            assert!(status == StatusCode::ACCEPTED || status == StatusCode::OK);
        }

        eprintln!("all sent after {:?}", started.elapsed());
        // Every delivery done in the inbox, with each handled (logged) at least once.
        let inbox = Inbox::connect(&url).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let stats = inbox.stats().await.unwrap();
            if stats.done == total as u64 {
                assert_eq!(
                    stats.pending + stats.running + stats.retrying + stats.dead,
                    0
                );
                break;
            }
            assert!(Instant::now() < deadline, "{stats:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        eprintln!("all done after {:?}", started.elapsed());
        let mut counts: HashMap<String, usize> = HashMap::new();
        for line in std::fs::read_to_string(&log).unwrap().lines() {
            *counts.entry(super::provider_and_id(line)).or_default() += 1;
        }
        assert_eq!(counts.len(), total, "every delivery handled, none lost");
        for i in 0..total {
            assert!(counts.contains_key(&format!("standard-webhooks msg_pair_{i}")));
        }
        // Run twice: only deliveries whose first attempt died with A.
        let twice: Vec<&String> = counts
            .iter()
            .filter(|(_, &n)| n > 1)
            .map(|(line, _)| line)
            .collect();
        assert!(counts.values().all(|&n| n <= 2), "{twice:?}");
        assert!(
            twice.len() <= CONCURRENCY,
            "more reruns than A had workers: {twice:?}"
        );
        let all = inbox.list(&ListFilter::new().limit(5000)).await.unwrap();
        assert_eq!(all.len(), total);
        for record in all.iter().filter(|r| r.attempts > 1) {
            let details = inbox
                .get(InboxId::new(record.id.get()))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                details.attempts[0].error.as_deref(),
                Some("lease expired"),
                "{}: only a killed attempt is retried here",
                record.delivery_id
            );
        }
        for line in &twice {
            let id = line.trim_start_matches("standard-webhooks ");
            let record = all.iter().find(|r| r.delivery_id == id).unwrap();
            assert_eq!(record.attempts, 2, "{id}");
        }
        drop(b);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A `HANDLED_LOG` line (`{"provider","id","event"}`) as `"provider id"`.
#[cfg(inbox)]
fn provider_and_id(line: &str) -> String {
    let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    assert!(
        entry.get("event").is_some(),
        "{line}: the event is logged too"
    );
    format!(
        "{} {}",
        entry["provider"].as_str().expect("provider"),
        entry["id"].as_str().expect("id")
    )
}
