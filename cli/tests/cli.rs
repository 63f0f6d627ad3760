//! The `tower-webhook` binary, run as users run it, against a receiver started here: an
//! axum server on 127.0.0.1:0 with a `WebhookLayer` per preset.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};

use axum::routing::post;
use axum::Router;
use http::StatusCode;
use tower_webhook::providers::{self, PresetOptions};
use tower_webhook::{Verifier, WebhookLayer};

const BIN: &str = env!("CARGO_BIN_EXE_tower-webhook");
const PUBLIC: &str = "https://hooks.example.com";

/// Runs the binary with `args`, `stdin` piped in, colour off.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tower-webhook");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("write stdin");
    drop(input);
    child.wait_with_output().expect("wait for tower-webhook")
}

/// Runs the binary with its stdout a pipe whose reader reads one line and goes away, as
/// `tower-webhook … | head -1` does; the rest of the output meets a closed pipe.
fn run_into_closed_pipe(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tower-webhook");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("write stdin");
    drop(input);
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("read a line");
    assert!(!first.is_empty(), "no output before the pipe closed");
    drop(reader);
    child.wait_with_output().expect("wait for tower-webhook")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

/// A receiver on 127.0.0.1 for a few presets, verifying with their example keys; it
/// serves on its own runtime thread until the test process ends.
fn receiver() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    listener.set_nonblocking(true).expect("nonblocking");
    let options = PresetOptions::new().public_url(format!("http://{address}"));
    let mut app = Router::new();
    for name in [
        "github",
        "stripe",
        "standard_webhooks",
        "slack",
        "shopify",
        "twilio",
    ] {
        let preset = providers::find(name).expect("preset");
        let verifier =
            Verifier::new(preset.scheme_with(&options), preset.example_keys().1).expect("verifier");
        app = app.route(
            &format!("/webhooks/{name}"),
            post(|| async { StatusCode::OK }).route_layer(WebhookLayer::new(verifier)),
        );
    }
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    address
}

/// The headers of every delivery a receiver of `preset` (example keys) verified.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<http::HeaderMap>>>;

/// A receiver on 127.0.0.1 of `preset` at `/webhooks/<preset>` that keeps the headers of
/// each verified delivery; it serves on its own runtime thread until the test process ends.
fn recording_receiver(preset: &str) -> (SocketAddr, Seen) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    listener.set_nonblocking(true).expect("nonblocking");
    let seen = Seen::default();
    let kept = seen.clone();
    let found = providers::find(preset).expect("preset");
    let verifier = Verifier::new(found.scheme(), found.example_keys().1).expect("verifier");
    let app = Router::new().route(
        &format!("/webhooks/{preset}"),
        post(move |headers: http::HeaderMap| async move {
            kept.lock().expect("lock").push(headers);
            StatusCode::OK
        })
        .route_layer(WebhookLayer::new(verifier)),
    );
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    (address, seen)
}

#[test]
fn sign_then_verify_round_trips_for_every_preset_that_can_sign() {
    let mut failures = Vec::new();
    for preset in providers::ALL.iter().filter(|preset| preset.can_sign()) {
        let name = preset.name();
        let url = format!("{PUBLIC}/webhooks/{name}");
        let signed = run(
            &["sign", name, "--example-keys", "--raw", "--url", &url],
            b"",
        );
        if code(&signed) != 0 {
            failures.push(format!("sign {name}: {}", text(&signed)));
            continue;
        }
        let mut args = vec!["verify", name, "-", "--example-keys"];
        if preset.signs_url() {
            args.extend(["--public-url", PUBLIC]);
        }
        let verified = run(&args, &signed.stdout);
        if code(&verified) != 0 || !text(&verified).contains("\nverified\n") {
            failures.push(format!("verify {name}: {}", text(&verified)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn sign_reads_a_body_from_stdin_and_prints_headers_or_curl() {
    let output = run(
        &["sign", "github", "-", "--example-keys", "--event", "push"],
        b"{}",
    );
    assert_eq!(code(&output), 0, "{}", text(&output));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("x-hub-signature-256: sha256="), "{out}");
    assert!(out.contains("x-github-event: push"), "{out}");

    let output = run(
        &[
            "sign",
            "stripe",
            "-",
            "--example-keys",
            "--curl",
            "http://127.0.0.1:1/x",
        ],
        b"{\"it's\":1}",
    );
    assert_eq!(code(&output), 0, "{}", text(&output));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.starts_with("curl -sS -X POST 'http://127.0.0.1:1/x'"),
        "{out}"
    );
    assert!(out.contains("-H 'stripe-signature: t="), "{out}");
    assert!(out.contains(r#"--data-binary '{"it'\''s":1}'"#), "{out}");
}

#[test]
fn send_delivers_and_a_tampered_body_is_refused() {
    let address = receiver();
    let url = format!("http://{address}/webhooks/github");
    let sent = run(
        &["send", "github", &url, "--event", "push", "--example-keys"],
        b"",
    );
    assert_eq!(code(&sent), 0, "{}", text(&sent));
    assert!(text(&sent).contains("200 OK"), "{}", text(&sent));

    let issues = run(
        &[
            "send",
            "github",
            &url,
            "--event",
            "issues.opened",
            "--example-keys",
        ],
        b"",
    );
    assert_eq!(code(&issues), 0, "{}", text(&issues));

    let tampered = run(&["send", "github", &url, "--tamper", "--example-keys"], b"");
    assert_eq!(code(&tampered), 1, "{}", text(&tampered));
    let out = text(&tampered);
    assert!(out.contains("401 Unauthorized"), "{out}");
    assert!(out.contains("reason: signature_mismatch"), "{out}");

    for name in ["stripe", "standard_webhooks", "slack", "shopify", "twilio"] {
        let url = format!("http://{address}/webhooks/{name}");
        let sent = run(&["send", name, &url, "--example-keys"], b"");
        assert_eq!(code(&sent), 0, "{name}: {}", text(&sent));
    }
}

#[test]
fn repeat_shows_the_duplicate() {
    let address = receiver();
    let url = format!("http://{address}/webhooks/stripe");
    let sent = run(
        &[
            "send",
            "stripe",
            &url,
            "--example-keys",
            "--repeat",
            "2",
            "--replay",
        ],
        b"",
    );
    assert_eq!(code(&sent), 0, "{}", text(&sent));
    let out = String::from_utf8_lossy(&sent.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(!lines[0].contains("duplicate"), "{out}");
    assert!(
        lines[1].contains("duplicate") && lines[2].contains("duplicate"),
        "{out}"
    );
}

#[test]
fn send_to_nothing_or_https_fails() {
    // A port nobody listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("http://127.0.0.1:{port}/webhooks/github");
    let sent = run(&["send", "github", &url, "--example-keys"], b"");
    assert_eq!(code(&sent), 1, "{}", text(&sent));
    let https = run(
        &["send", "github", "https://example.com/", "--example-keys"],
        b"",
    );
    assert_eq!(code(&https), 2, "{}", text(&https));
    assert!(text(&https).contains("https is not supported"));
}

#[test]
fn verify_explains_a_wrong_secret_without_printing_secrets() {
    let signed = run(
        &["sign", "github", "--secret", "the-real-secret", "--raw"],
        b"",
    );
    assert_eq!(code(&signed), 0, "{}", text(&signed));
    let dir = std::env::temp_dir().join(format!("tower-webhook-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let secret_file = dir.join("secret");
    // One trailing newline is trimmed; the secret itself is "another-secret".
    std::fs::write(&secret_file, "another-secret\n").expect("write secret");
    let verified = run(
        &[
            "verify",
            "github",
            "-",
            "--secret",
            "a-wrong-secret",
            "--secret-file",
            secret_file.to_str().expect("path"),
        ],
        &signed.stdout,
    );
    let out = text(&verified);
    assert_eq!(code(&verified), 1, "{out}");
    assert!(
        out.contains("signature header x-hub-signature-256"),
        "{out}"
    );
    assert!(
        out.contains("matches none of the 2 configured secret(s)"),
        "{out}"
    );
    assert!(out.contains("rejected: signature_mismatch"), "{out}");
    for secret in ["a-wrong-secret", "another-secret", "the-real-secret"] {
        assert!(!out.contains(secret), "{secret} printed: {out}");
    }

    // The right secret second in a rotation: verified, and which one says so.
    std::fs::write(&secret_file, "the-real-secret\n").expect("write secret");
    let rotated = run(
        &[
            "verify",
            "github",
            "-",
            "--secret",
            "a-wrong-secret",
            "--secret-file",
            secret_file.to_str().expect("path"),
        ],
        &signed.stdout,
    );
    let out = text(&rotated);
    assert_eq!(code(&rotated), 0, "{out}");
    assert!(out.contains("matches secret #2 of 2"), "{out}");
    assert!(
        out.contains("id: ") && out.contains("(NOT signed)"),
        "{out}"
    );
    assert!(!out.contains("the-real-secret"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_explains_a_stale_timestamp_with_its_skew() {
    let signed = run(
        &[
            "sign",
            "stripe",
            "--example-keys",
            "--timestamp",
            "1700000000",
            "--raw",
        ],
        b"",
    );
    assert_eq!(code(&signed), 0, "{}", text(&signed));
    // The key from the environment, as a receiver would hold it.
    let verified = Command::new(BIN)
        .args([
            "verify",
            "stripe",
            "-",
            "--secret-env",
            "TOWER_WEBHOOK_CLI_TEST_SECRET",
        ])
        .env("NO_COLOR", "1")
        .env(
            "TOWER_WEBHOOK_CLI_TEST_SECRET",
            providers::find("stripe").expect("stripe").example_keys().1,
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            let mut input = child.stdin.take().expect("stdin");
            input.write_all(&signed.stdout)?;
            drop(input);
            child.wait_with_output()
        })
        .expect("run tower-webhook");
    let out = text(&verified);
    assert_eq!(code(&verified), 1, "{out}");
    assert!(out.contains("rejected: timestamp_expired"), "{out}");
    assert!(out.contains("signature: matches secret #1 of 1"), "{out}");
    assert!(out.contains("1700000000 (2023-11-14T22:13:20Z)"), "{out}");
    assert!(out.contains(" ago; tolerance 5m"), "{out}");
    assert!(out.contains("diagnostic: timestamp is"), "{out}");
}

#[test]
fn verify_reads_separate_headers_and_body_and_a_url_signed_preset() {
    let dir = std::env::temp_dir().join(format!("tower-webhook-cli-parts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let headers = run(
        &["sign", "standard_webhooks", "-", "--example-keys"],
        b"{\"type\":\"a.b\"}",
    );
    assert_eq!(code(&headers), 0, "{}", text(&headers));
    std::fs::write(dir.join("headers"), &headers.stdout).expect("write");
    std::fs::write(dir.join("body"), b"{\"type\":\"a.b\"}").expect("write");
    let verified = run(
        &[
            "verify",
            "standard_webhooks",
            "--headers",
            dir.join("headers").to_str().expect("path"),
            "--body",
            dir.join("body").to_str().expect("path"),
            "--example-keys",
        ],
        b"",
    );
    let out = text(&verified);
    assert_eq!(code(&verified), 0, "{out}");
    assert!(out.contains("event type: a.b (signed)"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);

    // Twilio signs the URL: the wrong public URL is a mismatch that names the signed URL.
    let signed = run(
        &[
            "sign",
            "twilio",
            "--example-keys",
            "--raw",
            "--url",
            "https://hooks.example.com/sms",
        ],
        b"",
    );
    let wrong = run(
        &[
            "verify",
            "twilio",
            "-",
            "--example-keys",
            "--public-url",
            "https://other.example.com",
        ],
        &signed.stdout,
    );
    let out = text(&wrong);
    assert_eq!(code(&wrong), 1, "{out}");
    assert!(
        out.contains("signed URL: https://other.example.com/sms"),
        "{out}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["sign", "no-such-preset", "--example-keys"][..],
        &["sign", "github"],
        &["sign", "mailgun", "--example-keys"],
        &[
            "verify",
            "github",
            "-",
            "--secret-env",
            "TOWER_WEBHOOK_CLI_UNSET_VARIABLE",
        ],
        &["send", "github"],
        &["verify", "stripe", "-", "--example-keys", "--secret", "x"],
        &["inbox"],
    ] {
        let output = run(args, b"");
        assert_eq!(code(&output), 2, "{args:?}: {}", text(&output));
    }
    // A capture that is not HTTP.
    let output = run(
        &["verify", "github", "-", "--example-keys"],
        b"\x00\x01garbage\r\n\r\n",
    );
    assert_eq!(code(&output), 2, "{}", text(&output));
}

#[test]
fn providers_lists_every_preset_and_json_parses() {
    let output = run(&["providers"], b"");
    assert_eq!(code(&output), 0);
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(!out.contains('\x1b'), "colour on a pipe");
    for preset in providers::ALL {
        assert!(
            out.lines().any(|line| line.starts_with(preset.name())),
            "{}",
            preset.name()
        );
    }
    let json = run(&["providers", "--json"], b"");
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(value.as_array().map(Vec::len), Some(providers::ALL.len()));
    let one = run(&["providers", "github", "--json"], b"");
    let value: serde_json::Value = serde_json::from_slice(&one.stdout).expect("JSON");
    assert_eq!(value["signature_headers"][0], "x-hub-signature-256");
    assert_eq!(value["event_header"], "x-github-event");
    assert_eq!(value["id_signed"], false);
    let help = run(&["--help"], b"");
    assert!(text(&help).contains("inbox"), "{}", text(&help));
}

/// More output than a pipe holds (64 KiB on Linux) into a pipe whose reader has gone:
/// the command ends quietly with success, as `ls | head` does, without a panic.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let body = vec![b'a'; 1024 * 1024];
    let signed = run_into_closed_pipe(&["sign", "github", "-", "--example-keys", "--raw"], &body);
    let stderr = String::from_utf8_lossy(&signed.stderr);
    assert!(signed.status.success(), "{:?}: {stderr}", signed.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");

    let listed = run_into_closed_pipe(&["providers"], b"");
    let stderr = String::from_utf8_lossy(&listed.stderr);
    assert!(listed.status.success(), "{:?}: {stderr}", listed.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `send --header` (repeatable) reaches the handler of a verifying receiver: a shop's
/// header, one header given twice, and a Host of the tenant's own.
#[test]
fn send_adds_the_headers_given() {
    let (address, seen) = recording_receiver("shopify");
    let url = format!("http://{address}/webhooks/shopify");
    let sent = run(
        &[
            "send",
            "shopify",
            &url,
            "--example-keys",
            "--header",
            "x-shopify-shop-domain: shop-one.myshopify.com",
            "-H",
            "X-Tenant:acme",
            "--header",
            "x-tenant: acme-eu",
            "--header",
            "host: tenant.example.com",
        ],
        b"",
    );
    assert_eq!(code(&sent), 0, "{}", text(&sent));
    let seen = seen.lock().expect("lock");
    let [headers] = seen.as_slice() else {
        panic!("one delivery expected: {seen:?}");
    };
    assert_eq!(
        headers["x-shopify-shop-domain"], "shop-one.myshopify.com",
        "{headers:?}"
    );
    let tenants: Vec<_> = headers.get_all("x-tenant").iter().collect();
    assert_eq!(tenants, ["acme", "acme-eu"], "{headers:?}");
    let hosts: Vec<_> = headers.get_all("host").iter().collect();
    assert_eq!(hosts, ["tenant.example.com"], "{headers:?}");
}

/// `sign --header` puts the header in the signed request: printed, and in a raw capture
/// that still verifies (a header given for Host replaces the URL's, it is not a second).
#[test]
fn sign_adds_the_headers_given() {
    let output = run(
        &[
            "sign",
            "github",
            "-",
            "--example-keys",
            "-H",
            "x-tenant: acme",
            "-H",
            "content-type: application/vnd.acme+json",
        ],
        b"{}",
    );
    assert_eq!(code(&output), 0, "{}", text(&output));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("x-tenant: acme\n"), "{out}");
    assert!(
        out.contains("content-type: application/vnd.acme+json\n"),
        "{out}"
    );
    assert!(!out.contains("application/json"), "replaced: {out}");

    let raw = run(
        &[
            "sign",
            "github",
            "--example-keys",
            "--raw",
            "-H",
            "host: tenant.example.com",
        ],
        b"",
    );
    assert_eq!(code(&raw), 0, "{}", text(&raw));
    let capture = String::from_utf8_lossy(&raw.stdout);
    assert_eq!(capture.matches("host: ").count(), 1, "{capture}");
    assert!(
        capture.contains("host: tenant.example.com\r\n"),
        "{capture}"
    );
    let verified = run(&["verify", "github", "-", "--example-keys"], &raw.stdout);
    assert_eq!(code(&verified), 0, "{}", text(&verified));
}

/// A header that is not one is a usage error that names it, without repeating its value
/// (it may be a credential) and without a panic.
#[test]
fn a_bad_header_is_a_usage_error() {
    for (header, says) in [
        ("bad name: x", "\"bad name\": not a header name"),
        (
            "x-tenant: se\u{1}cret-value",
            "--header x-tenant: the value is not",
        ),
        (
            "x-tenant: line\r\nx-evil: secret-value",
            "--header x-tenant: the value is not",
        ),
        ("x-tenant secret-value", "--header takes NAME: VALUE"),
        (": secret-value", "not a header name"),
        (
            "content-length: 5",
            "--header content-length: the body's length",
        ),
    ] {
        for command in ["sign", "send"] {
            let mut args = vec![command, "github"];
            if command == "send" {
                args.push("http://127.0.0.1:1/webhooks/github");
            }
            args.extend(["--example-keys", "--header", header]);
            let output = run(&args, b"");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(code(&output), 2, "{header:?}: {}", text(&output));
            assert!(stderr.contains(says), "{header:?}: {stderr}");
            assert!(!stderr.contains("secret-value"), "{header:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{header:?}: {stderr}");
        }
    }
}
