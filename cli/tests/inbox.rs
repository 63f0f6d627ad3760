//! `tower-webhook inbox …`, run as users run it, against an inbox written by a real
//! receiver: an axum server on 127.0.0.1 with the layer in inbox mode (a SQLite file),
//! whose workers' handler fails until the test says otherwise. The deliveries are sent by
//! the binary itself (`send`).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::post;
use axum::Router;
use http::StatusCode;
use tower_webhook::inbox::{Inbox, InboxStats};
use tower_webhook::{providers, Verifier, WebhookLayer};

const BIN: &str = env!("CARGO_BIN_EXE_tower-webhook");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("INBOX_URL")
        .output()
        .expect("run tower-webhook")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "tower-webhook-cli-inbox-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Polls the inbox's counts until `done` holds (the workers run in the background).
async fn wait_for(inbox: &Inbox, what: &str, done: impl Fn(&InboxStats) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let stats = inbox.stats().await.expect("stats");
        if done(&stats) {
            return;
        }
        assert!(Instant::now() < deadline, "waiting for {what}: {stats:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A receiver of `preset` (at `/webhooks/<preset>`) in inbox mode, with the preset's
/// example keys; its handler fails (500) until `healthy` is set.
async fn receiver(inbox: &Inbox, preset: &str, healthy: Arc<AtomicBool>) -> SocketAddr {
    let handlers = Router::new().route(
        &format!("/webhooks/{preset}"),
        post(move || {
            let healthy = healthy.clone();
            async move {
                if healthy.load(Ordering::SeqCst) {
                    StatusCode::OK
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            }
        }),
    );
    let preset = providers::find(preset).expect("preset");
    let verifier = Verifier::new(preset.scheme(), preset.example_keys().1).expect("verifier");
    let app = handlers
        .clone()
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()));
    let _workers = inbox
        .workers(handlers)
        .max_attempts(1)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .spawn();
    std::mem::forget(_workers); // they run as long as the test does
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    address
}

/// The binary, off the async runtime's threads.
async fn cli(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    })
    .await
    .expect("join")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_show_replay_forget_purge_and_stats() {
    let dir = TempDir::new("ops");
    let db = dir.0.join("inbox.db");
    let url = format!("sqlite://{}", db.display());
    let inbox = Inbox::sqlite(&db).await.expect("inbox");
    let healthy = Arc::new(AtomicBool::new(false));
    let address = receiver(&inbox, "github", healthy.clone()).await;
    let endpoint = format!("http://{address}/webhooks/github");

    // Two deliveries, acknowledged (202) by the inbox, then dead: the handler fails once.
    for event in ["push", "issues.opened"] {
        let sent = cli(args(&[
            "send",
            "github",
            &endpoint,
            "--event",
            event,
            "--example-keys",
        ]))
        .await;
        assert_eq!(code(&sent), 0, "{}", stdout(&sent));
        assert!(stdout(&sent).contains("202"), "{}", stdout(&sent));
    }
    wait_for(&inbox, "two dead deliveries", |s| s.dead == 2).await;

    // stats, as text and JSON.
    let stats = cli(args(&["inbox", "--url", &url, "stats", "--json"])).await;
    assert_eq!(code(&stats), 0);
    let value: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("json");
    assert_eq!(value["dead"], 2);
    assert_eq!(value["done"], 0);
    let stats = cli(args(&["inbox", "--url", &url, "stats"])).await;
    assert!(stdout(&stats).contains("dead      2"), "{}", stdout(&stats));

    // list: both dead, filterable; JSON rows carry the inbox id.
    let list = cli(args(&[
        "inbox", "--url", &url, "list", "--state", "dead", "--json",
    ]))
    .await;
    assert_eq!(code(&list), 0);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["provider"] == "github"));
    assert!(rows
        .iter()
        .all(|r| r["last_error"].as_str().is_some_and(|e| e.contains("500"))));
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().expect("id")).collect();
    let none = cli(args(&["inbox", "--url", &url, "list", "--state", "done"])).await;
    assert_eq!(stdout(&none).trim(), "no deliveries");
    let other = cli(args(&[
        "inbox",
        "--url",
        &url,
        "list",
        "--provider",
        "stripe",
        "--json",
    ]))
    .await;
    assert_eq!(stdout(&other).trim(), "[]");
    let table = cli(args(&["inbox", "--url", &url, "list"])).await;
    assert!(stdout(&table).contains("dead"), "{}", stdout(&table));
    assert!(stdout(&table).contains("github"), "{}", stdout(&table));

    // show: headers, the attempt and its error; the body on request.
    let id = ids[0].to_string();
    let show = cli(args(&["inbox", "--url", &url, "show", &id, "--body"])).await;
    assert_eq!(code(&show), 0);
    let text = stdout(&show);
    assert!(text.contains("x-github-event"), "{text}");
    assert!(text.contains("#1"), "{text}");
    assert!(text.contains("handler answered 500"), "{text}");
    assert!(text.contains("\"repository\""), "the body: {text}");
    // GitHub signs neither its delivery id nor its event type, nor any time.
    assert!(
        text.contains("id           unsigned: the sender's claim"),
        "{text}"
    );
    assert!(text.contains("event type   unsigned"), "{text}");
    assert!(text.contains("signed at    none"), "{text}");
    let missing = cli(args(&["inbox", "--url", &url, "show", "999999"])).await;
    assert_eq!(code(&missing), 1);

    // replay one: it runs again and, the handler healthy now, is done.
    healthy.store(true, Ordering::SeqCst);
    let replay = cli(args(&["inbox", "--url", &url, "replay", &id])).await;
    assert_eq!(code(&replay), 0, "{}", stdout(&replay));
    wait_for(&inbox, "the replayed delivery done", |s| {
        s.done == 1 && s.dead == 1
    })
    .await;
    // replay --dead: the other one.
    let replay = cli(args(&[
        "inbox", "--url", &url, "replay", "--dead", "--json",
    ]))
    .await;
    assert_eq!(code(&replay), 0);
    let value: serde_json::Value = serde_json::from_slice(&replay.stdout).expect("json");
    assert_eq!(value["replayed"], 1);
    wait_for(&inbox, "both done", |s| s.done == 2 && s.dead == 0).await;
    // Nothing dead left: exit 1, so scripts can tell.
    let nothing = cli(args(&["inbox", "--url", &url, "replay", "--dead"])).await;
    assert_eq!(code(&nothing), 1);

    // forget: gone, and a second forget says so.
    let forget = cli(args(&["inbox", "--url", &url, "forget", &id])).await;
    assert_eq!(code(&forget), 0, "{}", stdout(&forget));
    assert_eq!(
        code(&cli(args(&["inbox", "--url", &url, "show", &id])).await),
        1
    );
    assert_eq!(
        code(&cli(args(&["inbox", "--url", &url, "forget", &id])).await),
        1
    );

    // purge: nothing is a day old; everything done is older than 0 s.
    let purge = cli(args(&[
        "inbox",
        "--url",
        &url,
        "purge",
        "--older-than",
        "1d",
        "--json",
    ]))
    .await;
    let value: serde_json::Value = serde_json::from_slice(&purge.stdout).expect("json");
    assert_eq!(value["purged"], 0);
    let purge = cli(args(&[
        "inbox",
        "--url",
        &url,
        "purge",
        "--older-than",
        "0s",
    ]))
    .await;
    assert_eq!(stdout(&purge).trim(), "1 done deliveries purged");
    wait_for(&inbox, "an empty inbox", |s| s.done == 0).await;
}

#[test]
fn usage_errors_exit_2_and_no_inbox_is_created_by_a_typo() {
    let dir = TempDir::new("usage");
    let missing = dir.0.join("typo.db");
    let url = format!("sqlite://{}", missing.display());
    let output = run(&["inbox", "--url", &url, "stats"]);
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("no inbox at"));
    assert!(
        !missing.exists(),
        "a mistyped path must not create an empty inbox"
    );
    // No URL at all.
    assert_eq!(code(&run(&["inbox", "stats"])), 2);
    // Bad arguments.
    assert_eq!(
        code(&run(&["inbox", "--url", &url, "list", "--state", "lost"])),
        2
    );
    assert_eq!(
        code(&run(&[
            "inbox",
            "--url",
            &url,
            "purge",
            "--older-than",
            "7w"
        ])),
        2
    );
    assert_eq!(code(&run(&["inbox", "--url", &url, "replay"])), 2);
    // An engine the inbox does not know; a PostgreSQL server that is not there (port 1).
    let output = run(&["inbox", "--url", "mysql://localhost/x", "stats"]);
    assert_eq!(code(&output), 2);
    let output = run(&[
        "inbox",
        "--url",
        "postgres://u:hunter2@127.0.0.1:1/x",
        "stats",
    ]);
    assert_eq!(code(&output), 2);
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("hunter2"),
        "the password stays out of errors"
    );
}

/// GitLab sends its secret token itself in `X-Gitlab-Token`: `show`, as text and as JSON,
/// prints where it was and never what it was (the inbox never stored it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_never_prints_a_credential() {
    let dir = TempDir::new("credential");
    let db = dir.0.join("inbox.db");
    let url = format!("sqlite://{}", db.display());
    let inbox = Inbox::sqlite(&db).await.expect("inbox");
    let address = receiver(&inbox, "gitlab", Arc::new(AtomicBool::new(true))).await;
    let endpoint = format!("http://{address}/webhooks/gitlab");
    let sent = cli(args(&["send", "gitlab", &endpoint, "--example-keys"])).await;
    assert_eq!(code(&sent), 0, "{}", stdout(&sent));
    assert!(stdout(&sent).contains("202"), "{}", stdout(&sent));
    wait_for(&inbox, "the delivery handled", |s| s.done == 1).await;

    let token = providers::find("gitlab").expect("gitlab").example_keys().1;
    let list = cli(args(&["inbox", "--url", &url, "list", "--json"])).await;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).expect("json");
    let id = rows[0]["id"].as_i64().expect("id").to_string();
    let text = cli(args(&["inbox", "--url", &url, "show", &id, "--body"])).await;
    assert_eq!(code(&text), 0);
    let text = stdout(&text);
    assert!(text.contains("x-gitlab-token: [redacted]"), "{text}");
    assert!(!text.contains(token), "{text}");
    let json = cli(args(&["inbox", "--url", &url, "show", &id, "--json"])).await;
    assert_eq!(code(&json), 0);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(value["event_type_signed"], false, "{value}");
    let headers = value["headers"].as_array().expect("headers");
    assert!(
        headers.contains(&serde_json::json!(["x-gitlab-token", "[redacted]"])),
        "{value}"
    );
    assert!(!stdout(&json).contains(token), "{value}");
}

/// `--url` mistyped (a slash or a colon missing, a scheme misspelt) is refused as a usage
/// error that repeats neither the URL nor the password in it, and creates no file.
#[test]
fn a_mistyped_url_is_refused_without_repeating_its_password() {
    let dir = TempDir::new("mistyped");
    for url in [
        "postgres:/user:hunter2@127.0.0.1/db",
        "postgresql:/user:hunter2@127.0.0.1/db",
        "postgres//user:hunter2@127.0.0.1/db",
        "postgress://user:hunter2@127.0.0.1/db",
        "mysql:/user:hunter2@127.0.0.1/db",
        "sqlite:user:hunter2@127.0.0.1/db",
    ] {
        let output = Command::new(BIN)
            .args(["inbox", "--url", url, "stats"])
            .current_dir(&dir.0)
            .env("NO_COLOR", "1")
            .env_remove("INBOX_URL")
            .output()
            .expect("run tower-webhook");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(code(&output), 2, "{url}: {said}");
        assert!(!said.contains("hunter2"), "{url}: {said}");
        assert!(
            said.contains("postgres://"),
            "{url}: says what a URL is: {said}"
        );
        // And from the environment, as the receiver reads it.
        let output = Command::new(BIN)
            .args(["inbox", "stats"])
            .current_dir(&dir.0)
            .env("NO_COLOR", "1")
            .env("INBOX_URL", url)
            .output()
            .expect("run tower-webhook");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(code(&output), 2, "{url}: {said}");
        assert!(!said.contains("hunter2"), "{url}: {said}");
    }
    assert_eq!(
        std::fs::read_dir(&dir.0).expect("dir").count(),
        0,
        "no file was created"
    );
    // The URL where a subcommand belongs: clap's usage error repeats the argument, masked.
    for url in [
        "postgres://user:hunter2@127.0.0.1/db",
        "postgres:/user:hunter2@127.0.0.1/db",
    ] {
        let output = run(&["inbox", url, "stats"]);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(code(&output), 2, "{url}: {said}");
        assert!(!said.contains("hunter2"), "{url}: {said}");
        assert!(said.contains("***@127.0.0.1/db"), "{url}: {said}");
    }
}

/// `inbox show --body` of a delivery whose body is larger than a pipe holds, into a pipe
/// whose reader reads one line and goes away (`… | head -1`): a quiet, successful exit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_into_a_closed_pipe_ends_quietly() {
    let dir = TempDir::new("closed-pipe");
    let db = dir.0.join("inbox.db");
    let url = format!("sqlite://{}", db.display());
    let inbox = Inbox::sqlite(&db).await.expect("inbox");
    let address = receiver(&inbox, "github", Arc::new(AtomicBool::new(true))).await;
    let endpoint = format!("http://{address}/webhooks/github");
    let body_file = dir.0.join("body.json");
    let body = format!("{{\"padding\":\"{}\"}}", "a".repeat(512 * 1024));
    std::fs::write(&body_file, body).expect("write the body");
    let body_path = body_file.to_str().expect("path").to_owned();
    let sent = cli(args(&[
        "send",
        "github",
        &endpoint,
        &body_path,
        "--example-keys",
    ]))
    .await;
    assert_eq!(code(&sent), 0, "{}", stdout(&sent));
    wait_for(&inbox, "the delivery handled", |s| s.done == 1).await;
    let list = cli(args(&["inbox", "--url", &url, "list", "--json"])).await;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).expect("json");
    let id = rows[0]["id"].as_i64().expect("id").to_string();

    let shown = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(BIN)
            .args(["inbox", "--url", &url, "show", &id, "--body"])
            .env("NO_COLOR", "1")
            .env_remove("INBOX_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tower-webhook");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        reader.read_line(&mut first).expect("read a line");
        assert!(first.starts_with("delivery"), "{first}");
        drop(reader);
        child.wait_with_output().expect("wait for tower-webhook")
    })
    .await
    .expect("join");
    let stderr = String::from_utf8_lossy(&shown.stderr);
    assert!(shown.status.success(), "{:?}: {stderr}", shown.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The commands that only read (`list`, `show`, `stats`) open the inbox read-only: while
/// another process holds the write lock (a receiver writing), they answer at once instead
/// of waiting for the lock and failing with "cannot open the inbox". A command that writes
/// still waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_commands_never_wait_for_a_writer() {
    let dir = TempDir::new("locked");
    let db = dir.0.join("inbox.db");
    let url = format!("sqlite://{}", db.display());
    drop(Inbox::sqlite(&db).await.expect("inbox"));

    // Another process holds SQLite's write lock until its stdin closes.
    let mut writer = Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys\n\
             c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
             c.execute('BEGIN IMMEDIATE')\n\
             print('locked', flush=True)\n\
             sys.stdin.read()",
        ])
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(writer.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the writer's answer");
    assert_eq!(line.trim(), "locked");

    for command in [&["stats"][..], &["list"], &["show", "1"]] {
        let mut arguments = vec!["inbox", "--url", &url];
        arguments.extend_from_slice(command);
        let output = run(&arguments);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("cannot open the inbox"),
            "{command:?} waited for the writer: {stderr}"
        );
        // `show 1` finds nothing (exit 1); `stats` and `list` succeed.
        assert!(code(&output) <= 1, "{command:?}: {stderr}");
    }
    drop(writer.stdin.take());
    let _ = writer.wait();
}

/// `show` gives each attempt's reason, status, duration and the start of the handler's
/// response body, with the control characters the handler wrote escaped: a response can
/// hold whatever its author (or a payload it echoes) chose, terminal escapes included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_gives_the_handlers_answer_escaped() {
    let dir = TempDir::new("reason");
    let db = dir.0.join("inbox.db");
    let url = format!("sqlite://{}", db.display());
    let inbox = Inbox::sqlite(&db).await.expect("inbox");
    let handlers = Router::new().route(
        "/webhooks/github",
        post(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "ledger is down for maintenance\x1b[2J\nretry after 10:00",
            )
        }),
    );
    let preset = providers::find("github").expect("preset");
    let verifier = Verifier::new(preset.scheme(), preset.example_keys().1).expect("verifier");
    let app = handlers
        .clone()
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()));
    let workers = inbox.workers(handlers).max_attempts(1).spawn();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    let endpoint = format!("http://{address}/webhooks/github");
    let sent = cli(args(&["send", "github", &endpoint, "--example-keys"])).await;
    assert!(stdout(&sent).contains("202"), "{}", stdout(&sent));
    wait_for(&inbox, "the delivery dead", |s| s.dead == 1).await;
    workers.shutdown().await;

    let list = cli(args(&["inbox", "--url", &url, "list", "--json"])).await;
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).expect("json");
    let id = rows[0]["id"].as_i64().expect("id").to_string();
    let show = cli(args(&["inbox", "--url", &url, "show", &id])).await;
    assert_eq!(code(&show), 0);
    let text = stdout(&show);
    assert!(
        text.contains("handler answered 503 Service Unavailable  (503, "),
        "{text}"
    );
    assert!(
        text.contains("response  ledger is down for maintenance\\u{1b}[2J\\nretry after 10:00"),
        "{text}"
    );
    assert!(
        text.contains(
            "last error   handler answered 503 Service Unavailable: ledger is down for \
             maintenance\\u{1b}[2J"
        ),
        "{text}"
    );
    assert!(
        !show.stdout.contains(&0x1b),
        "a raw escape reached the terminal: {text}"
    );

    let json = cli(args(&["inbox", "--url", &url, "show", &id, "--json"])).await;
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let attempt = &value["attempt_log"][0];
    assert_eq!(attempt["status"], 503);
    assert_eq!(
        attempt["response"],
        "ledger is down for maintenance\x1b[2J\nretry after 10:00"
    );
    assert!(attempt["duration_ms"].is_u64(), "{value}");
}

/// `inbox console`: the console over the inbox on a free port (`--listen 127.0.0.1:0`, the
/// address it printed), its login page, and a delivery the receiver took behind its token;
/// the token from the environment only, never printed, and no console without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_serves_the_login_page_and_the_deliveries_behind_its_token() {
    use std::io::{Read, Write};

    const TOKEN: &str = "cli-console-token-1f4e9a7c3b2d8e6f";
    let dir = TempDir::new("console");
    let db = dir.0.join("inbox.db");
    let url = format!("sqlite://{}", db.display());
    let inbox = Inbox::sqlite(&db).await.expect("inbox");
    let address = receiver(&inbox, "github", Arc::new(AtomicBool::new(true))).await;
    let sent = cli(args(&[
        "send",
        "github",
        &format!("http://{address}/webhooks/github"),
        "--event",
        "push",
        "--example-keys",
    ]))
    .await;
    assert_eq!(code(&sent), 0, "{}", stdout(&sent));

    // Without a token: refused before anything listens, and says how to give one.
    for (env, extra) in [
        (None, vec![]),
        (Some(""), vec![]),
        (None, vec!["--token-env", "MY_TOKEN"]),
    ] {
        let mut command = Command::new(BIN);
        command
            .args(["inbox", "--url", &url, "console", "--listen", "127.0.0.1:0"])
            .args(&extra)
            .env_remove("CONSOLE_TOKEN")
            .env_remove("MY_TOKEN");
        if let Some(value) = env {
            command.env("CONSOLE_TOKEN", value);
        }
        let output = command.output().expect("run");
        assert_eq!(code(&output), 2);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let wanted = if extra.is_empty() {
            "CONSOLE_TOKEN"
        } else {
            "MY_TOKEN"
        };
        assert!(
            stderr.contains("no console token") && stderr.contains(wanted),
            "{stderr}"
        );
    }

    // A token too short to resist guessing: refused, and not repeated.
    let output = Command::new(BIN)
        .args(["inbox", "--url", &url, "console", "--listen", "127.0.0.1:0"])
        .env("CONSOLE_TOKEN", "hunter2")
        .output()
        .expect("run");
    assert_eq!(code(&output), 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("too short") && !stderr.contains("hunter2"),
        "{stderr}"
    );

    // With --token-env: serves until killed.
    let mut child = Command::new(BIN)
        .args(["inbox", "console", "--url", &url, "--listen", "127.0.0.1:0"])
        .args(["--token-env", "MY_TOKEN"])
        .env("MY_TOKEN", TOKEN)
        .env_remove("CONSOLE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the console");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut child = Kill(child);
    let banner = lines.next().expect("a line").expect("text");
    assert!(!banner.contains(TOKEN));
    let console = banner
        .strip_prefix("console: http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("{banner}"))
        .to_owned();
    let fetch = |request: String| {
        let console = console.clone();
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(&console).expect("connect");
            stream.write_all(request.as_bytes()).expect("write");
            let mut answer = String::new();
            stream.read_to_string(&mut answer).expect("read");
            answer
        })
    };
    let login = fetch(format!(
        "GET /login HTTP/1.1\r\nHost: {console}\r\nConnection: close\r\n\r\n"
    ))
    .await
    .expect("join");
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(login.contains(r#"name="token""#), "{login}");
    let list = fetch(format!(
        "GET /deliveries HTTP/1.1\r\nHost: {console}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Connection: close\r\n\r\n"
    ))
    .await
    .expect("join");
    assert!(list.starts_with("HTTP/1.1 200"), "{list}");
    assert!(list.contains("<tr data-delivery-id="), "{list}");
    assert!(list.contains("github"), "{list}");
    let anonymous = fetch(format!(
        "GET /deliveries HTTP/1.1\r\nHost: {console}\r\nConnection: close\r\n\r\n"
    ))
    .await
    .expect("join");
    assert!(anonymous.starts_with("HTTP/1.1 303"), "{anonymous}");
    let _ = child.0.kill();
    let _ = child.0.wait();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.0.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert!(!stderr.contains(TOKEN), "{stderr}");
}
