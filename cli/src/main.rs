//! `tower-webhook`: sign and send test deliveries, and explain why a delivery fails.

#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use clap::{Args, Parser, Subcommand};
use tower_webhook::providers::{self, Preset, PresetOptions};
use tower_webhook::scheme::{parse_timestamp, TimestampFormat};
use tower_webhook::{RejectionKind, Secret, Signer, Verifier};
use tower_webhook_cli::catalogue::{self, PresetInfo};
use tower_webhook_cli::{capture, samples};

mod inbox;

const AFTER_HELP: &str = "\
Examples:
  tower-webhook providers                      # the catalogue (--json for scripts)
  tower-webhook sign stripe body.json --secret-env STRIPE_WEBHOOK_SECRET
  tower-webhook send github http://127.0.0.1:3000/webhooks/github --event push --example-keys
  tower-webhook verify github capture.http --secret-file github.secret
  tower-webhook inbox --url sqlite://inbox.db list --state dead

Exit codes: 0 verified, or sent and answered 2xx; 1 rejected, or answered otherwise (or
not at all); 2 usage error (unknown preset, unreadable file, bad option). `inbox`: 0 done,
1 no such delivery, 2 usage error or no inbox.";

/// Sign and send test webhook deliveries, and explain why a delivery fails.
#[derive(Parser)]
#[command(name = "tower-webhook", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The presets: signing family, signature header, tolerance, what is signed.
    #[command(
        after_help = "Examples:\n  tower-webhook providers\n  tower-webhook providers stripe\n  tower-webhook providers --json | jq '.[] | select(.id_signed == false) | .name'"
    )]
    Providers {
        /// One preset, in detail.
        name: Option<String>,
        /// JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Sign a body as the provider would and print the headers (or a curl command).
    #[command(
        after_help = "Examples:\n  tower-webhook sign github body.json --secret-env GITHUB_WEBHOOK_SECRET --event push\n  echo '{}' | tower-webhook sign stripe - --example-keys --curl http://127.0.0.1:3000/webhooks/stripe\n  tower-webhook sign twilio body.txt --secret-file twilio.token --url https://hooks.example.com/twilio\n  tower-webhook sign github --example-keys --raw > capture.http   # a capture for `verify`\n\nWithout a body, a sample is signed (see `send --help`)."
    )]
    Sign {
        /// The preset, as `providers` lists it.
        #[arg(value_parser = preset)]
        preset: &'static Preset,
        #[command(flatten)]
        request: RequestArgs,
        /// Print a ready curl command that posts to this URL.
        #[arg(long, value_name = "URL", conflicts_with = "raw")]
        curl: Option<String>,
        /// Print the whole signed request as HTTP/1.1 text (what `verify` reads).
        #[arg(long)]
        raw: bool,
        /// The request URL to sign (URL-signed presets sign it); default: --curl's URL,
        /// else http://127.0.0.1:3000/webhooks/PRESET.
        #[arg(long)]
        url: Option<String>,
    },
    /// Sign and POST a delivery (plain HTTP), print the answer and the timing.
    #[command(
        after_help = "Examples:\n  tower-webhook send github http://127.0.0.1:3000/webhooks/github --event push --example-keys\n  tower-webhook send github http://127.0.0.1:3000/webhooks/github --event issues.opened --example-keys\n  tower-webhook send stripe http://127.0.0.1:3000/webhooks/stripe body.json --secret-env STRIPE_WEBHOOK_SECRET --repeat 2\n\nSample bodies (no BODY given): github and gitea (`push`, `issues.opened`), stripe, slack,\nshopify, standard_webhooks and its family (svix, clerk, resend, openai, replicate), and a\ngeneric JSON event for every other preset.\n\nOnly http:// URLs: for https, point it at the plain-HTTP side of your proxy or tunnel."
    )]
    Send {
        /// The preset, as `providers` lists it.
        #[arg(value_parser = preset)]
        preset: &'static Preset,
        /// Where to POST (http:// only).
        url: String,
        #[command(flatten)]
        request: RequestArgs,
        /// Send the same signed bytes N times in all (a receiver answers the copies as
        /// duplicates).
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        repeat: u32,
        /// Send the same signed bytes once more after the others (a replay).
        #[arg(long)]
        replay: bool,
        /// Change the body after signing (its last byte becomes a space), to check that
        /// the receiver refuses it.
        #[arg(long)]
        tamper: bool,
    },
    /// Explain the verdict on a captured request. Exit 0 verified, 1 rejected.
    #[command(
        after_help = "The capture is raw HTTP/1.1 text (request line, headers, blank line, body; CRLF or\nLF line ends; a chunked body is decoded), from a file or `-` for stdin; or the headers\nand the body in two files. At most 64 KiB of headers and a 25 MiB body.\n\nExamples:\n  tower-webhook verify github capture.http --secret-env GITHUB_WEBHOOK_SECRET\n  tower-webhook verify stripe --headers headers.txt --body body.json --secret-file old --secret-file new\n  tower-webhook sign twilio --example-keys --raw --url https://hooks.example.com/sms | tower-webhook verify twilio - --example-keys --public-url https://hooks.example.com"
    )]
    Verify {
        /// The preset, as `providers` lists it.
        #[arg(value_parser = preset)]
        preset: &'static Preset,
        /// The captured request (raw HTTP text); `-` for stdin.
        #[arg(conflicts_with_all = ["headers", "body"])]
        capture: Option<PathBuf>,
        /// The captured headers on their own (optionally after the request line).
        #[arg(long, requires = "body", value_name = "FILE")]
        headers: Option<PathBuf>,
        /// The captured body on their own, taken byte for byte.
        #[arg(long, requires = "headers", value_name = "FILE")]
        body: Option<PathBuf>,
        /// The public base URL the provider calls (URL-signed presets: twilio, square,
        /// trello, hubspot). Without it the URL is rebuilt from the Host header.
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// The timestamp tolerance in seconds (default: the preset's).
        #[arg(long, value_name = "SECONDS")]
        tolerance: Option<u64>,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Operate a durable inbox: list, show, replay, forget, purge, stats.
    #[command(after_help = inbox::AFTER_HELP)]
    Inbox(inbox::InboxArgs),
}

/// What `sign` and `send` share.
#[derive(Args)]
struct RequestArgs {
    /// The body: a file, or `-` for stdin. Without it, a sample body.
    body: Option<PathBuf>,
    /// The delivery id (default: a fresh one).
    #[arg(long)]
    id: Option<String>,
    /// When the delivery is signed, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    timestamp: Option<u64>,
    /// The event type: sets the preset's event header (GitHub's X-GitHub-Event, …) and
    /// shapes the sample body.
    #[arg(long)]
    event: Option<String>,
    /// The public base URL for URL-signed presets: the signed URL is this base followed by
    /// the request's path and query (default: the request URL itself).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// The Content-Type (default: application/json when the body is JSON).
    #[arg(long)]
    content_type: Option<String>,
    #[command(flatten)]
    secrets: SecretArgs,
}

/// Where secrets come from. Several are allowed (a rotation): `verify` tries each; `sign`
/// and `send` sign with the first.
#[derive(Args)]
struct SecretArgs {
    /// A secret (visible in `ps` and shell history: prefer --secret-env or --secret-file).
    /// For asymmetric presets (Ed25519, ECDSA): the private key for sign/send, the public
    /// key for verify.
    #[arg(long, value_name = "SECRET")]
    secret: Vec<String>,
    /// A secret from this environment variable.
    #[arg(long, value_name = "VAR")]
    secret_env: Vec<String>,
    /// A secret from this file; ONE trailing newline (LF or CRLF) is removed, nothing else.
    #[arg(long, value_name = "PATH")]
    secret_file: Vec<PathBuf>,
    /// The preset's published example keys (demos only: anyone can sign with them).
    #[arg(long, conflicts_with_all = ["secret", "secret_env", "secret_file"])]
    example_keys: bool,
}

fn preset(name: &str) -> Result<&'static Preset, String> {
    if let Some(preset) = providers::find(name) {
        return Ok(preset);
    }
    let wanted = name.to_ascii_lowercase().replace(['-', '.'], "_");
    if let Some(preset) = providers::find(&wanted) {
        return Ok(preset);
    }
    let near: Vec<&str> = providers::ALL
        .iter()
        .map(|p| p.name())
        .filter(|n| n.contains(&wanted) || wanted.contains(n))
        .collect();
    if near.is_empty() {
        Err("no such preset (`tower-webhook providers` lists them)".to_owned())
    } else {
        Err(format!("no such preset; did you mean {}?", near.join(", ")))
    }
}

/// Why a command stopped: a usage error (exit 2) or a verdict (exit 1).
enum Failure {
    Usage(String),
    Failed,
}

type Outcome = Result<(), Failure>;

fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

/// Minimal colour: bold, green, red; off for `NO_COLOR` and when stdout is no terminal.
#[derive(Clone, Copy)]
struct Style {
    on: bool,
}

impl Style {
    fn detect() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            on: !no_color && std::io::stdout().is_terminal(),
        }
    }
    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    fn good(self, text: &str) -> String {
        self.paint("1;32", text)
    }
    fn bad(self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let style = Style::detect();
    let outcome = match cli.command {
        Command::Providers { name, json } => providers_command(name.as_deref(), json, style),
        Command::Sign {
            preset,
            request,
            curl,
            raw,
            url,
        } => sign_command(preset, &request, curl.as_deref(), raw, url.as_deref()),
        Command::Send {
            preset,
            url,
            request,
            repeat,
            replay,
            tamper,
        } => send_command(
            preset,
            &url,
            &request,
            repeat + u32::from(replay),
            tamper,
            style,
        ),
        Command::Verify {
            preset,
            capture,
            headers,
            body,
            public_url,
            tolerance,
            secrets,
        } => verify_command(
            preset,
            capture.as_deref(),
            headers.as_deref().zip(body.as_deref()),
            public_url.as_deref(),
            tolerance,
            &secrets,
            style,
        ),
        Command::Inbox(args) => inbox::command(args, style),
    };
    let _ = std::io::stdout().flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Failed) => ExitCode::from(1),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Prints clap's answer to arguments it could not parse (or `--help`), as `Cli::parse`
/// would, except that a URL's credentials in it are masked: an inbox URL given in the wrong
/// place (`inbox postgres://user:password@host/db stats`) is an argument clap repeats.
fn usage_error(error: &clap::Error) -> ExitCode {
    let plain = error.render().to_string();
    let masked = mask_url_credentials(&plain);
    if masked == plain {
        let _ = error.print();
    } else {
        eprint!("{masked}");
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// `text` with what comes before the last `@` of each word that has one (a URL's
/// `user:password@`, however mistyped: `postgres:/…`, `postgres//…`) replaced by `***`,
/// after the word's `scheme:` and slashes if it starts with one.
fn mask_url_credentials(text: &str) -> String {
    let is_delimiter = |c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(|c: char| !is_delimiter(c)).unwrap_or(rest.len());
        let (delimiters, tail) = rest.split_at(start);
        out.push_str(delimiters);
        let end = tail.find(is_delimiter).unwrap_or(tail.len());
        let (word, tail) = tail.split_at(end);
        match word.rsplit_once('@') {
            Some((_, host)) => {
                let scheme = word
                    .split_once(':')
                    .filter(|(scheme, _)| {
                        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric())
                    })
                    .map_or(0, |(scheme, after)| {
                        scheme.len() + 1 + (after.len() - after.trim_start_matches('/').len())
                    });
                out.push_str(word.get(..scheme).unwrap_or_default());
                out.push_str("***@");
                out.push_str(host);
            }
            None => out.push_str(word),
        }
        rest = tail;
    }
    out
}

// ---------------------------------------------------------------------------------------
// Inputs

/// Reads a file, or stdin for `-`, refusing more than `limit` bytes.
fn read_input(path: &Path, limit: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let result = if path == Path::new("-") {
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(cap).read_to_end(&mut bytes))
    };
    result.map_err(|e| usage(format!("cannot read the {what} {}: {e}", path.display())))?;
    if bytes.len() > limit {
        return Err(usage(format!(
            "the {what} {} is larger than {} MiB",
            path.display(),
            limit / 1024 / 1024
        )));
    }
    Ok(bytes)
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Sign,
    Verify,
}

/// The secrets, in the order given: --secret, then --secret-env, then --secret-file.
fn secrets(preset: &Preset, args: &SecretArgs, role: Role) -> Result<Vec<Secret>, Failure> {
    if args.example_keys {
        let (signing, verifying) = preset.example_keys();
        let key = if role == Role::Sign {
            signing
        } else {
            verifying
        };
        return Ok(vec![Secret::new(key)]);
    }
    let mut secrets: Vec<Secret> = args.secret.iter().map(Secret::from).collect();
    for var in &args.secret_env {
        let value = std::env::var_os(var)
            .ok_or_else(|| usage(format!("the environment variable {var} is not set")))?;
        let value = value
            .into_string()
            .map_err(|_| usage(format!("the environment variable {var} is not UTF-8")))?;
        secrets.push(Secret::new(value));
    }
    for path in &args.secret_file {
        let mut bytes = read_input(path, 1024 * 1024, "secret file")?;
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        secrets.push(Secret::new(bytes));
    }
    if secrets.is_empty() {
        return Err(usage(format!(
            "no secret: give --secret, --secret-env VAR (say --secret-env {}_WEBHOOK_SECRET), \
             --secret-file PATH, or --example-keys for a demo",
            preset.name().to_ascii_uppercase()
        )));
    }
    Ok(secrets)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn fresh_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("msg_{nanos:x}")
}

// ---------------------------------------------------------------------------------------
// providers

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

fn duration_text(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 3600 && secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs >= 60 && secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

fn providers_command(name: Option<&str>, json: bool, style: Style) -> Outcome {
    let infos = match name {
        Some(name) => vec![catalogue::describe(preset(name).map_err(usage)?)],
        None => catalogue::describe_all(),
    };
    let mut out = String::new();
    if json {
        let value = match (name, infos.first()) {
            (Some(_), Some(info)) => info.to_json(),
            _ => serde_json::Value::Array(infos.iter().map(PresetInfo::to_json).collect()),
        };
        out = format!("{value:#}\n");
    } else if let (Some(_), Some(info)) = (name, infos.first()) {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        let _ = writeln!(out, "{}", style.bold(info.name));
        for (key, value) in [
            ("family", info.family.clone()),
            ("signature header", info.signature_header()),
            ("timestamp header", opt(&info.timestamp_header)),
            ("event type header", opt(&info.event_header)),
            ("headers sent", info.headers_sent.join(", ")),
            ("tolerance", duration_text(info.tolerance)),
            ("timestamp signed", yes_no(info.timestamp_signed).to_owned()),
            (
                "needs a public URL",
                yes_no(Some(info.signs_url)).to_owned(),
            ),
            ("signs the body", yes_no(Some(info.signs_body)).to_owned()),
            ("can sign", yes_no(Some(info.can_sign)).to_owned()),
            ("id signed", yes_no(info.id_signed).to_owned()),
            (
                "event type signed",
                yes_no(info.event_type_signed).to_owned(),
            ),
        ] {
            let _ = writeln!(out, "  {key:<20} {value}");
        }
    } else {
        let rows: Vec<[String; 7]> = infos
            .iter()
            .map(|info| {
                [
                    info.name.to_owned(),
                    info.family.clone(),
                    info.signature_header(),
                    duration_text(info.tolerance),
                    if info.signs_url { "needed" } else { "-" }.to_owned(),
                    yes_no(info.id_signed).to_owned(),
                    yes_no(info.event_type_signed).to_owned(),
                ]
            })
            .collect();
        let titles = [
            "NAME",
            "FAMILY",
            "SIGNATURE HEADER",
            "TOLERANCE",
            "PUBLIC URL",
            "ID SIGNED",
            "EVENT SIGNED",
        ];
        let mut widths = titles.map(str::len);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut line = String::new();
            for (cell, width) in cells.iter().zip(widths) {
                let _ = write!(line, "{cell:<width$}  ");
            }
            line.trim_end().to_owned()
        };
        let _ = writeln!(out, "{}", style.bold(&line(&titles.map(str::to_owned))));
        for row in &rows {
            let _ = writeln!(out, "{}", line(row));
        }
        let _ = writeln!(
            out,
            "\n{} presets. `-`: not found out (Mailgun signs fields of its body and cannot sign here).",
            infos.len()
        );
    }
    print!("{out}");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// sign and send

struct Prepared {
    request: http::Request<Bytes>,
    /// How the body was given: a file path (for curl's `@file`) or not.
    body_file: Option<PathBuf>,
    notes: Vec<String>,
}

fn prepare(preset: &Preset, args: &RequestArgs, url: &str) -> Result<Prepared, Failure> {
    if !preset.can_sign() {
        return Err(usage(format!(
            "{} cannot sign here: its signature is a field of the body \
             (providers::mailgun_signature builds it)",
            preset.name()
        )));
    }
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(args.timestamp.unwrap_or_else(unix_now));
    let event_header = catalogue::event_header(preset);
    let mut notes = Vec::new();
    let (body, body_file, header_event) = match &args.body {
        Some(path) => {
            let body = read_input(path, capture::MAX_BODY, "body")?;
            if args.event.is_some() && event_header.is_none() {
                notes.push(format!(
                    "{} reads the event type from the body: --event changes nothing in a given body",
                    preset.name()
                ));
            }
            let file = (path != Path::new("-")).then(|| path.clone());
            (body, file, args.event.clone())
        }
        None => {
            let sample = samples::sample(preset.name(), args.event.as_deref(), at);
            notes.push(format!("body: {}", sample.description));
            (
                sample.body.into_bytes(),
                None,
                Some(sample.event_header_value),
            )
        }
    };
    let uri: http::Uri = url
        .parse()
        .map_err(|_| usage(format!("not a URL: {url:?}")))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(usage(format!("not an absolute URL: {url:?}")));
    }
    let content_type = match &args.content_type {
        Some(value) => value.clone(),
        None if serde_json::from_slice::<serde_json::Value>(&body).is_ok() => {
            "application/json".to_owned()
        }
        None => "application/octet-stream".to_owned(),
    };
    let mut builder = http::Request::post(uri).header(http::header::CONTENT_TYPE, content_type);
    if let (Some(name), Some(event)) = (&event_header, &header_event) {
        builder = builder.header(name.as_str(), event.as_str());
    }
    let request = builder
        .body(Bytes::from(body))
        .map_err(|e| usage(format!("cannot build the request: {e}")))?;
    let mut options = PresetOptions::new();
    if let Some(base) = &args.public_url {
        options = options.public_url(base.clone());
    }
    let secrets = secrets(preset, &args.secrets, Role::Sign)?;
    if secrets.len() > 1 {
        notes.push(format!(
            "signed with the first of {} secrets",
            secrets.len()
        ));
    }
    let Some(secret) = secrets.into_iter().next() else {
        return Err(usage("no secret"));
    };
    let id = args.id.clone().unwrap_or_else(fresh_id);
    let request = Signer::new(preset.scheme_with(&options), secret)
        .sign_with(request, &id, at)
        .map_err(|e| usage(format!("cannot sign: {e}")))?;
    Ok(Prepared {
        request,
        body_file,
        notes,
    })
}

fn default_url(preset: &Preset) -> String {
    format!("http://127.0.0.1:3000/webhooks/{}", preset.name())
}

/// Quotes for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn sign_command(
    preset: &Preset,
    args: &RequestArgs,
    curl: Option<&str>,
    raw: bool,
    url: Option<&str>,
) -> Outcome {
    let target = url
        .map(str::to_owned)
        .or_else(|| curl.map(str::to_owned))
        .unwrap_or_else(|| default_url(preset));
    let prepared = prepare(preset, args, &target)?;
    for note in &prepared.notes {
        eprintln!("note: {note}");
    }
    if !preset.signs_body() {
        eprintln!(
            "note: {} sends the shared token itself in a header: the output holds the secret",
            preset.name()
        );
    }
    let request = &prepared.request;
    let mut stdout = std::io::stdout().lock();
    let written = if raw {
        let mut text = format!(
            "POST {} HTTP/1.1\r\n",
            request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/")
        );
        if let Some(authority) = request.uri().authority() {
            let _ = write!(text, "host: {authority}\r\n");
        }
        for (name, value) in request.headers() {
            let _ = write!(
                text,
                "{name}: {}\r\n",
                String::from_utf8_lossy(value.as_bytes())
            );
        }
        let _ = write!(text, "content-length: {}\r\n\r\n", request.body().len());
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.write_all(request.body()))
    } else if let Some(curl_url) = curl {
        let mut text = format!("curl -sS -X POST {}", shell_quote(curl_url));
        for (name, value) in request.headers() {
            let header = format!("{name}: {}", String::from_utf8_lossy(value.as_bytes()));
            let _ = write!(text, " \\\n  -H {}", shell_quote(&header));
        }
        match &prepared.body_file {
            Some(path) => {
                let _ = write!(
                    text,
                    " \\\n  --data-binary @{}",
                    shell_quote(&path.display().to_string())
                );
            }
            None => {
                let body = String::from_utf8_lossy(request.body());
                let _ = write!(text, " \\\n  --data-binary {}", shell_quote(&body));
            }
        }
        text.push('\n');
        stdout.write_all(text.as_bytes())
    } else {
        let mut text = String::new();
        for (name, value) in request.headers() {
            let _ = writeln!(
                text,
                "{name}: {}",
                String::from_utf8_lossy(value.as_bytes())
            );
        }
        stdout.write_all(text.as_bytes())
    };
    written.map_err(|e| usage(format!("cannot write: {e}")))
}

struct Answer {
    status: http::StatusCode,
    duplicate: bool,
    problem: Option<(String, String)>,
    elapsed: Duration,
}

async fn post_once(address: &str, request: &http::Request<Bytes>) -> Result<Answer, String> {
    use http_body_util::{BodyExt, Full};
    let started = Instant::now();
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| format!("cannot connect to {address}: {e}"))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {address} failed: {e}"))?;
    let driver = tokio::spawn(connection);
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut builder = http::Request::post(path);
    if let Some(authority) = request.uri().authority() {
        builder = builder.header(http::header::HOST, authority.as_str());
    }
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    let wire = builder
        .body(Full::new(request.body().clone()))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let response = sender
        .send_request(wire)
        .await
        .map_err(|e| format!("no answer from {address}: {e}"))?;
    let status = response.status();
    let duplicate = response
        .headers()
        .get("webhook-duplicate")
        .is_some_and(|v| v.as_bytes() == b"true");
    let is_problem = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    // The answer body is read up to 64 KiB: enough for a problem document.
    let limited = http_body_util::Limited::new(response.into_body(), 64 * 1024);
    let body = limited
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let elapsed = started.elapsed();
    drop(sender);
    driver.abort();
    let problem = is_problem
        .then(|| serde_json::from_slice::<serde_json::Value>(&body).ok())
        .flatten()
        .map(|value| {
            let field = |name: &str| {
                value
                    .get(name)
                    .and_then(|v| v.as_str())
                    .unwrap_or("-")
                    .to_owned()
            };
            (field("reason"), field("detail"))
        });
    Ok(Answer {
        status,
        duplicate,
        problem,
        elapsed,
    })
}

fn send_command(
    preset: &Preset,
    url: &str,
    args: &RequestArgs,
    times: u32,
    tamper: bool,
    style: Style,
) -> Outcome {
    let uri: http::Uri = url
        .parse()
        .map_err(|_| usage(format!("not a URL: {url:?}")))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => {
            return Err(usage(
                "https is not supported: send plain HTTP (to a local receiver, or the \
                 plain-HTTP side of a proxy or tunnel), or print a curl command with \
                 `tower-webhook sign --curl URL`",
            ))
        }
        _ => return Err(usage(format!("not an http:// URL: {url:?}"))),
    }
    let host = uri
        .host()
        .ok_or_else(|| usage(format!("no host in {url:?}")))?;
    let address = format!("{host}:{}", uri.port_u16().unwrap_or(80));
    let mut prepared = prepare(preset, args, url)?;
    for note in &prepared.notes {
        eprintln!("note: {note}");
    }
    if tamper {
        let mut body = prepared.request.body().to_vec();
        match body.last_mut() {
            Some(last) if *last != b' ' => *last = b' ',
            Some(last) => *last = b'!',
            None => body.push(b' '),
        }
        *prepared.request.body_mut() = Bytes::from(body);
        eprintln!("note: the body was changed after signing (--tamper)");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| usage(format!("cannot start the runtime: {e}")))?;
    let mut all_ok = true;
    for attempt in 1..=times {
        let label = if attempt == 1 {
            "sent".to_owned()
        } else {
            format!("again #{attempt}")
        };
        let answer = runtime.block_on(async {
            tokio::time::timeout(
                Duration::from_secs(30),
                post_once(&address, &prepared.request),
            )
            .await
            .unwrap_or_else(|_| Err(format!("no answer from {address} within 30 s")))
        });
        match answer {
            Ok(answer) => {
                let ok = answer.status.is_success();
                all_ok &= ok;
                let status = answer.status.to_string();
                let status = if ok {
                    style.good(&status)
                } else {
                    style.bad(&status)
                };
                let mut line = format!(
                    "{label:<9} {status}  {:.1} ms",
                    answer.elapsed.as_secs_f64() * 1000.0
                );
                if answer.duplicate {
                    line.push_str("  duplicate (webhook-duplicate: true)");
                }
                if let Some((reason, detail)) = &answer.problem {
                    let _ = write!(line, "  reason: {reason}  detail: {detail}");
                }
                println!("{line}");
            }
            Err(message) => {
                all_ok = false;
                println!("{label:<9} {}  {message}", style.bad("failed"));
            }
        }
    }
    if all_ok {
        Ok(())
    } else {
        Err(Failure::Failed)
    }
}

// ---------------------------------------------------------------------------------------
// verify

/// "3m 2s ago", "in 40s".
fn skew_text(at: SystemTime, now: SystemTime) -> String {
    let (duration, past) = match now.duration_since(at) {
        Ok(d) => (d, true),
        Err(e) => (e.duration(), false),
    };
    let secs = duration.as_secs();
    let text = if secs >= 86_400 {
        format!("{}d {}h", secs / 86_400, secs % 86_400 / 3600)
    } else if secs >= 3600 {
        format!("{}h {}m", secs / 3600, secs % 3600 / 60)
    } else if secs >= 60 {
        format!("{}m {}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    };
    if past {
        format!("{text} ago")
    } else {
        format!("{text} in the future")
    }
}

fn timestamp_text(at: SystemTime, now: SystemTime) -> String {
    let unix = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    format!(
        "{unix} ({}), {}",
        TimestampFormat::Rfc3339.format(at),
        skew_text(at, now)
    )
}

fn parse_any_timestamp(value: &str) -> Option<SystemTime> {
    if value.len() >= 13 && value.bytes().all(|b| b.is_ascii_digit()) {
        return parse_timestamp(value, TimestampFormat::UnixMillis);
    }
    parse_timestamp(value, TimestampFormat::UnixSeconds)
        .or_else(|| parse_timestamp(value, TimestampFormat::Rfc3339))
}

/// A received header value shown back, shortened.
fn shown(value: &str) -> String {
    if value.chars().count() > 72 {
        format!("{}…", value.chars().take(72).collect::<String>())
    } else {
        value.to_owned()
    }
}

fn build_verifier(
    preset: &Preset,
    options: &PresetOptions,
    secrets: &[Secret],
    tolerance: Option<u64>,
    skip_timestamp: bool,
) -> Result<Verifier, Failure> {
    let mut builder =
        Verifier::builder(preset.scheme_with(options)).secrets(secrets.iter().cloned());
    if let Some(seconds) = tolerance {
        builder = builder.tolerance(Duration::from_secs(seconds));
    }
    if skip_timestamp {
        builder = builder.dangerously_skip_timestamp_check();
    }
    builder
        .build()
        .map_err(|e| usage(format!("cannot build a verifier: {e}")))
}

#[allow(clippy::too_many_lines)]
fn verify_command(
    preset: &'static Preset,
    capture_path: Option<&Path>,
    parts: Option<(&Path, &Path)>,
    public_url: Option<&str>,
    tolerance: Option<u64>,
    secret_args: &SecretArgs,
    style: Style,
) -> Outcome {
    let secrets = secrets(preset, secret_args, Role::Verify)?;
    let captured = match parts {
        Some((headers, body)) => {
            let head = read_input(headers, capture::MAX_HEAD, "headers file")?;
            let body = read_input(body, capture::MAX_BODY, "body file")?;
            capture::parse_parts(&head, Bytes::from(body))
        }
        None => {
            let path = capture_path.unwrap_or(Path::new("-"));
            if path == Path::new("-") && std::io::stdin().is_terminal() {
                return Err(usage(
                    "no capture: give a file, pipe one into `-`, or --headers FILE --body FILE",
                ));
            }
            let raw = read_input(path, capture::MAX_HEAD + capture::MAX_BODY + 4, "capture")?;
            capture::parse(&raw)
        }
    }
    .map_err(|e| usage(format!("cannot read the capture: {e}")))?;
    let request = captured.request;
    let now = SystemTime::now();
    let info = catalogue::describe(preset);

    println!(
        "{} {} {} ({} byte body), preset {}",
        style.bold("request"),
        request.method(),
        request.uri(),
        request.body().len(),
        preset.name()
    );
    for note in &captured.notes {
        println!("  note: {note}");
    }

    let mut options = PresetOptions::new();
    if preset.signs_url() {
        match public_url {
            Some(base) => {
                options = options.public_url(base);
                println!(
                    "  signed URL: {}{} (--public-url, then the request's path and query)",
                    base.trim_end_matches('/'),
                    request
                        .uri()
                        .path_and_query()
                        .map(|p| p.as_str())
                        .unwrap_or("/")
                );
            }
            None => {
                options = options.dangerously_trust_host_header();
                println!(
                    "  signed URL: rebuilt from the Host header (no --public-url); your receiver \
                     needs the public URL the provider calls"
                );
            }
        }
    }

    // Which headers were read.
    if info.signature_headers.is_empty() {
        println!("  signature: {}", info.signature_header());
    }
    for name in &info.signature_headers {
        let values: Vec<_> = request.headers().get_all(name.as_str()).iter().collect();
        match values.as_slice() {
            [] => println!("  signature header {name}: {}", style.bad("absent")),
            [value] if !preset.signs_body() => println!(
                "  token header {name}: present, {} bytes (not shown: a shared token is the secret itself)",
                value.len()
            ),
            [value] => println!(
                "  signature header {name}: {}",
                shown(&String::from_utf8_lossy(value.as_bytes()))
            ),
            _ => println!(
                "  signature header {name}: {} times (refused)",
                values.len()
            ),
        }
    }
    if let Some(name) = &info.timestamp_header {
        match request.headers().get(name.as_str()).map(|v| v.to_str()) {
            None => println!("  timestamp header {name}: {}", style.bad("absent")),
            Some(Ok(value)) => match parse_any_timestamp(value) {
                Some(at) => println!("  timestamp header {name}: {}", timestamp_text(at, now)),
                None => println!("  timestamp header {name}: {} (unreadable)", shown(value)),
            },
            Some(Err(_)) => println!("  timestamp header {name}: not visible ASCII"),
        }
    }

    if let Some(answer) =
        build_verifier(preset, &options, &secrets, tolerance, false)?.handshake(&request)
    {
        return match answer {
            Ok(response) => {
                println!(
                    "{}: a registration handshake, answered {} without a signature check",
                    style.good("handshake"),
                    response.status()
                );
                Ok(())
            }
            Err(rejection) => {
                println!(
                    "{}: a handshake, refused: {rejection}",
                    style.bad("rejected")
                );
                Err(Failure::Failed)
            }
        };
    }

    let verdict = build_verifier(preset, &options, &secrets, tolerance, false)?.verify(&request);
    // The same check without freshness: does the signature match, and which secret?
    let matched = secrets.iter().position(|secret| {
        build_verifier(
            preset,
            &options,
            std::slice::from_ref(secret),
            tolerance,
            true,
        )
        .is_ok_and(|v| v.verify(&request).is_ok())
    });
    let unchecked = build_verifier(preset, &options, &secrets, tolerance, true)?.verify(&request);
    let tolerance_used = tolerance.map(Duration::from_secs).unwrap_or(info.tolerance);

    match &matched {
        Some(i) => println!(
            "  signature: {} secret #{} of {}",
            style.good("matches"),
            i + 1,
            secrets.len()
        ),
        None => match &unchecked {
            Err(rejection) if rejection.kind() == RejectionKind::SignatureMismatch => println!(
                "  signature: {} of the {} configured secret(s) (the expected signature is never shown)",
                style.bad("matches none"),
                secrets.len()
            ),
            _ => println!("  signature: not checked (the request was refused before)"),
        },
    }
    if let Ok(delivery) = &unchecked {
        match delivery.timestamp() {
            Some(at) => println!(
                "  signed timestamp: {}; tolerance {}",
                timestamp_text(at, now),
                duration_text(tolerance_used)
            ),
            None => println!("  signed timestamp: none (the provider signs no timestamp)"),
        }
    }

    match verdict {
        Ok(delivery) => {
            println!("{}", style.good("verified"));
            println!(
                "  id: {} ({})",
                delivery.id(),
                if delivery.id_is_signed() {
                    "signed"
                } else {
                    "NOT signed"
                }
            );
            match delivery.event_type() {
                Some(event) => println!(
                    "  event type: {event} ({})",
                    if delivery.event_type_is_signed() {
                        "signed"
                    } else {
                        "NOT signed: what the sender claims"
                    }
                ),
                None => println!("  event type: none stated"),
            }
            Ok(())
        }
        Err(rejection) => {
            println!(
                "{} {} ({} {})",
                style.bad("rejected:"),
                rejection.kind(),
                rejection.status().as_u16(),
                rejection.detail()
            );
            if let Some(subject) = rejection.subject() {
                println!("  subject: {subject}");
            }
            if let Some(diagnostic) = rejection.diagnostic() {
                println!("  diagnostic: {diagnostic}");
            }
            if let (Some(_), RejectionKind::TimestampExpired | RejectionKind::TimestampInFuture) =
                (matched, rejection.kind())
            {
                println!("  the signature is right: the delivery is stale (or a clock is off)");
            }
            Err(Failure::Failed)
        }
    }
}
