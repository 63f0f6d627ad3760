//! `tower-webhook inbox …`: operate a durable inbox (list, show, replay, forget, purge,
//! stats) through the library's own operations, against the inbox's database URL.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand};
use serde_json::{json, Value};
use tower_webhook::inbox::{
    DeliveryDetails, DeliveryRecord, DeliveryState, Inbox, InboxId, InboxStats, ListFilter,
};

use std::io::Write;

use crate::failure::{usage, Failure, Outcome};
use crate::output::{printable, Style};

/// Where the inbox is.
#[derive(Args)]
pub(crate) struct InboxArgs {
    /// The inbox's database: `sqlite://path/to/inbox.db` (or a plain path), or
    /// `postgres://user:password@host/db`. Default: the INBOX_URL environment variable, as
    /// the receiver reads it.
    #[arg(long, value_name = "URL", global = true)]
    url: Option<String>,
    /// JSON for scripts.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: InboxCommand,
}

#[derive(Subcommand)]
enum InboxCommand {
    /// Deliveries, newest first, with filters.
    List {
        /// Only this state: pending, running, retrying, done, dead or held.
        #[arg(long, value_parser = state)]
        state: Option<DeliveryState>,
        /// Only this provider (its preset name, as `providers` lists it).
        #[arg(long)]
        provider: Option<String>,
        /// Only those received within this long (`90s`, `15m`, `2h`, `7d`).
        #[arg(long, value_name = "AGE", value_parser = age)]
        since: Option<Duration>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// One delivery: its state, headers, attempts (each with its reason, the status the
    /// handler answered, the start of its response body and its duration) and last error.
    /// Control characters in what the sender or the handler wrote are shown escaped.
    Show {
        /// Its id in the inbox (the first column of `list`).
        id: i64,
        /// Print the body too (as text; bytes that are not UTF-8 are replaced, control
        /// characters but newlines and tabs escaped).
        #[arg(long)]
        body: bool,
    },
    /// Run a dead (or done) delivery again, or every dead one.
    Replay {
        /// Its id in the inbox.
        #[arg(required_unless_present = "dead", conflicts_with = "dead")]
        id: Option<i64>,
        /// Every dead delivery.
        #[arg(long)]
        dead: bool,
    },
    /// Delete a delivery and its replay keys, so a redelivery by the provider runs again.
    Forget {
        /// Its id in the inbox.
        id: i64,
    },
    /// Delete the deliveries done longer ago than this (keep it beyond the providers'
    /// retry horizon, days: a retry after the purge runs the handler again).
    Purge {
        /// `7d`, `72h`, …
        #[arg(long, value_name = "AGE", value_parser = age)]
        older_than: Duration,
    },
    /// How many deliveries are in each state, and the lag (the oldest waiting one's age).
    Stats,
    /// Serve the operator console (HTML pages: list, filter, show, replay, forget, purge)
    /// over this inbox until interrupted. Its login token comes from the environment
    /// (CONSOLE_TOKEN, or the variable --token-env names), never from the command line,
    /// where `ps` and the shell's history would show it; without one it does not start.
    Console {
        /// Where to listen. On a loopback address the session cookie goes over plain HTTP;
        /// on any other it is `Secure`, for a TLS proxy in front.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The environment variable that holds the login token (default CONSOLE_TOKEN).
        #[arg(long, value_name = "NAME")]
        token_env: Option<String>,
    },
}

impl InboxCommand {
    /// Whether the command only reads the inbox (it then opens it read-only).
    fn only_reads(&self) -> bool {
        matches!(
            self,
            InboxCommand::List { .. } | InboxCommand::Show { .. } | InboxCommand::Stats
        )
    }
}

pub(crate) const AFTER_HELP: &str = "\
Examples:
  tower-webhook inbox --url sqlite://inbox.db stats
  tower-webhook inbox --url sqlite://inbox.db list --state dead --provider github
  tower-webhook inbox --url sqlite://inbox.db show 42 --body
  tower-webhook inbox --url sqlite://inbox.db replay 42
  tower-webhook inbox --url sqlite://inbox.db replay --dead
  tower-webhook inbox --url sqlite://inbox.db forget 42
  tower-webhook inbox --url sqlite://inbox.db purge --older-than 14d
  CONSOLE_TOKEN=$(openssl rand -base64 32) tower-webhook inbox --url sqlite://inbox.db console --listen 127.0.0.1:8080

Exit codes: 0 done; 1 no such delivery (or nothing to replay); 2 usage error or the
inbox cannot be opened.";

fn state(name: &str) -> Result<DeliveryState, String> {
    DeliveryState::parse(name)
        .ok_or_else(|| "expected pending, running, retrying, done, dead or held".to_owned())
}

/// `90s`, `15m`, `2h`, `7d` (or plain seconds).
fn age(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| "expected a number and a unit: 90s, 15m, 2h, 7d".to_owned())?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err("the unit is one of s, m, h, d".to_owned()),
    };
    number
        .checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| "too long".to_owned())
}

impl InboxArgs {
    pub(crate) fn run(self, out: &mut dyn Write, style: Style) -> Outcome {
        let url = match self.url {
            Some(url) => url,
            None => std::env::var("INBOX_URL").map_err(|_| {
                usage("no inbox: give --url sqlite://path or postgres://…, or set INBOX_URL")
            })?,
        };
        // The console's token first: a console without one never opens the inbox.
        let token = match &self.command {
            InboxCommand::Console { token_env, .. } => Some(console_token(token_env.as_deref())?),
            _ => None,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| usage(format!("cannot start the runtime: {e}")))?;
        runtime.block_on(async move {
            let inbox = open(&url, self.command.only_reads()).await?;
            match (self.command, token) {
                (InboxCommand::Console { listen, .. }, Some(token)) => {
                    console(&inbox, listen, token, out).await
                }
                (command, _) => execute(&inbox, command, self.json, out, style).await,
            }
        })
    }
}

/// Opens the inbox `url` names: `sqlite://path` (or `sqlite:path`) and a plain path name a
/// SQLite file, which must exist; anything else with a scheme goes to `Inbox::connect`,
/// which refuses what it does not know. No error repeats the URL or the path: a mistyped
/// URL (`postgres:/user:password@host/db`, `postgres//…`) is one, password and all.
async fn open(url: &str, read_only: bool) -> Result<Inbox, Failure> {
    let url = match url_scheme(url) {
        Some((scheme, path)) if scheme.eq_ignore_ascii_case("sqlite") => {
            existing_sqlite(path.strip_prefix("//").unwrap_or(path))?
        }
        Some(_) => url.to_owned(),
        None => existing_sqlite(url)?,
    };
    // A command that only reads opens the inbox read-only: it never waits for, nor fails
    // on, the write lock of a receiver writing to it.
    let opened = if read_only {
        Inbox::connect_read_only(&url).await
    } else {
        Inbox::connect(&url).await
    };
    opened.map_err(|e| usage(format!("cannot open the inbox: {e}")))
}

/// The scheme of `text` and what follows its colon, if it starts like a URL (`scheme:`,
/// RFC 3986's letters, at least two of them so that a Windows drive letter is a path).
fn url_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let is_scheme = scheme.len() > 1
        && first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then_some((scheme, rest))
}

/// The `sqlite://` URL of the SQLite file at `path`, which must exist: opening a missing
/// one would create an empty inbox, and a typo would look like an empty inbox.
fn existing_sqlite(path: &str) -> Result<String, Failure> {
    if std::path::Path::new(path).exists() {
        Ok(format!("sqlite://{path}"))
    } else {
        Err(usage(
            "no inbox at the path given (opening it would create an empty inbox): give an \
             existing SQLite file, sqlite://path, or postgres://user:password@host/database",
        ))
    }
}

/// The console's login token: the value of `--token-env`'s variable, else of
/// CONSOLE_TOKEN; an error (naming the variable, never a value) when it is unset or empty.
fn console_token(variable: Option<&str>) -> Result<tower_webhook::Secret, Failure> {
    let name = variable.unwrap_or("CONSOLE_TOKEN");
    match std::env::var_os(name) {
        Some(value) if !value.is_empty() => {
            let value = value
                .into_string()
                .map_err(|_| usage(format!("{name} is not UTF-8 text")))?;
            if value.len() < tower_webhook::inbox::MIN_CONSOLE_TOKEN_LEN {
                return Err(usage(format!(
                    "the console token in {name} is too short: at least {} bytes (openssl rand -base64 32)",
                    tower_webhook::inbox::MIN_CONSOLE_TOKEN_LEN
                )));
            }
            Ok(tower_webhook::Secret::from(value))
        }
        _ => Err(usage(format!(
            "no console token: set {name} to a long random token (openssl rand -base64 32){}",
            if variable.is_some() {
                ""
            } else {
                ", or name another variable with --token-env"
            }
        ))),
    }
}

/// Serves the console over `inbox` at `listen` until the process is interrupted.
async fn console(
    inbox: &Inbox,
    listen: SocketAddr,
    token: tower_webhook::Secret,
    out: &mut dyn Write,
) -> Outcome {
    let auth = tower_webhook::inbox::ConsoleAuth::token(token);
    let auth = if listen.ip().is_loopback() {
        auth.dangerous_cookie_over_plain_http()
    } else {
        auth
    };
    let app = inbox.console(auth);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| usage(format!("cannot listen on {listen}: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| usage(format!("cannot listen on {listen}: {e}")))?;
    writeln!(out, "console: http://{address}/ (log in with the token)")?;
    if !listen.ip().is_loopback() {
        writeln!(
            out,
            "its session cookie is Secure: serve it through HTTPS (a TLS proxy in front)"
        )?;
    }
    out.flush()?;
    axum::serve(listener, app)
        .await
        .map_err(|e| usage(format!("the console stopped: {e}")))
}

fn failed(e: tower_webhook::inbox::InboxError) -> Failure {
    usage(format!("the inbox failed: {e}"))
}

async fn execute(
    inbox: &Inbox,
    command: InboxCommand,
    json: bool,
    out: &mut dyn Write,
    style: Style,
) -> Outcome {
    match command {
        InboxCommand::List {
            state,
            provider,
            since,
            limit,
        } => {
            let mut filter = ListFilter::new().limit(limit);
            if let Some(state) = state {
                filter = filter.state(state);
            }
            if let Some(provider) = provider {
                filter = filter.provider(provider);
            }
            if let Some(since) = since {
                let after = SystemTime::now()
                    .checked_sub(since)
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                filter = filter.received_after(after);
            }
            let records = inbox.list(&filter).await.map_err(failed)?;
            if json {
                let rows: Vec<Value> = records.iter().map(record_json).collect();
                writeln!(out, "{}", Value::Array(rows))?;
            } else if records.is_empty() {
                writeln!(out, "no deliveries")?;
            } else {
                writeln!(
                    out,
                    "{}",
                    style.bold(&format!(
                        "{:>6}  {:<8}  {:>3}  {:<20}  {:<16}  {:<28}  {}",
                        "ID", "STATE", "TRY", "RECEIVED", "PROVIDER", "EVENT", "DELIVERY ID"
                    ))
                )?;
                for r in &records {
                    writeln!(
                        out,
                        "{:>6}  {:<8}  {:>3}  {:<20}  {:<16}  {:<28}  {}",
                        r.id.get(),
                        paint_state(style, r.state),
                        r.attempts,
                        time_text(r.received_at),
                        printable(&r.provider, &[]),
                        printable(r.event_type.as_deref().unwrap_or("-"), &[]),
                        printable(&r.delivery_id, &[])
                    )?;
                }
            }
            Ok(())
        }
        InboxCommand::Show { id, body } => {
            let Some(details) = inbox.get(InboxId::new(id)).await.map_err(failed)? else {
                eprintln!("no delivery {id} in the inbox");
                return Err(Failure::Failed);
            };
            if json {
                writeln!(out, "{}", details_json(&details, body))?;
            } else {
                print_details(out, &details, body, style)?;
            }
            Ok(())
        }
        InboxCommand::Replay { id, dead } => {
            if dead {
                let count = inbox.replay_dead().await.map_err(failed)?;
                report(
                    out,
                    json,
                    json!({ "replayed": count }),
                    &format!("{count} dead deliveries replayed"),
                )?;
                return if count > 0 {
                    Ok(())
                } else {
                    Err(Failure::Failed)
                };
            }
            let id = id.ok_or_else(|| usage("give an id, or --dead"))?;
            let replayed = inbox.replay(InboxId::new(id)).await.map_err(failed)?;
            let text = if replayed {
                format!("delivery {id} replayed: pending again")
            } else {
                format!("delivery {id} not replayed: no such delivery, or it is not done or dead")
            };
            report(out, json, json!({ "id": id, "replayed": replayed }), &text)?;
            if replayed {
                Ok(())
            } else {
                Err(Failure::Failed)
            }
        }
        InboxCommand::Forget { id } => {
            let forgotten = inbox.forget(InboxId::new(id)).await.map_err(failed)?;
            let text = if forgotten {
                format!("delivery {id} forgotten: a redelivery by the provider runs again")
            } else {
                format!("no delivery {id} in the inbox")
            };
            report(
                out,
                json,
                json!({ "id": id, "forgotten": forgotten }),
                &text,
            )?;
            if forgotten {
                Ok(())
            } else {
                Err(Failure::Failed)
            }
        }
        InboxCommand::Purge { older_than } => {
            let count = inbox.purge_done(older_than).await.map_err(failed)?;
            report(
                out,
                json,
                json!({ "purged": count }),
                &format!("{count} done deliveries purged"),
            )?;
            Ok(())
        }
        // Served by `console` (with its token), never here.
        InboxCommand::Console { .. } => Err(usage("the console needs its token")),
        InboxCommand::Stats => {
            let stats = inbox.stats().await.map_err(failed)?;
            if json {
                writeln!(out, "{}", stats_json(&stats))?;
            } else {
                writeln!(out, "pending   {}", stats.pending)?;
                writeln!(out, "running   {}", stats.running)?;
                writeln!(out, "retrying  {}", stats.retrying)?;
                writeln!(out, "done      {}", stats.done)?;
                writeln!(out, "dead      {}", paint_count(style, stats.dead))?;
                writeln!(out, "held      {}", stats.held)?;
                match stats.oldest_pending_age {
                    Some(age) => writeln!(out, "lag       {:.1} s", age.as_secs_f64())?,
                    None => writeln!(out, "lag       - (nothing waiting)")?,
                }
            }
            Ok(())
        }
    }
}

fn report(out: &mut dyn Write, json: bool, value: Value, text: &str) -> Outcome {
    if json {
        writeln!(out, "{value}")?;
    } else {
        writeln!(out, "{text}")?;
    }
    Ok(())
}

fn paint_state(style: Style, state: DeliveryState) -> String {
    let name = format!("{:<8}", state.as_str());
    match state {
        DeliveryState::Dead => style.bad(&name),
        DeliveryState::Done => style.good(&name),
        _ => name,
    }
}

fn paint_count(style: Style, count: u64) -> String {
    if count > 0 {
        style.bad(&count.to_string())
    } else {
        count.to_string()
    }
}

fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// UTC, to the second: `2026-11-26 03:04:05`.
fn time_text(time: SystemTime) -> String {
    let secs = unix_millis(time) / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(i64::try_from(days).unwrap_or(0));
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

fn record_json(r: &DeliveryRecord) -> Value {
    json!({
        "id": r.id.get(),
        "provider": r.provider,
        "source": r.source,
        "delivery_id": r.delivery_id,
        "event_type": r.event_type,
        "state": r.state.as_str(),
        "attempts": r.attempts,
        "received_at_ms": unix_millis(r.received_at),
        "scheduled_at_ms": unix_millis(r.scheduled_at),
        "finished_at_ms": r.finished_at.map(unix_millis),
        "last_error": r.last_error,
    })
}

fn details_json(d: &DeliveryDetails, body: bool) -> Value {
    let mut value = record_json(&d.record);
    if let Value::Object(map) = &mut value {
        map.insert("method".into(), json!(d.method.as_str()));
        map.insert("uri".into(), json!(d.uri.to_string()));
        let headers: Vec<Value> = d
            .headers
            .iter()
            .map(|(name, value)| json!([name.as_str(), String::from_utf8_lossy(value.as_bytes())]))
            .collect();
        map.insert("headers".into(), Value::Array(headers));
        let attempts: Vec<Value> = d
            .attempts
            .iter()
            .map(|a| {
                json!({
                    "attempt": a.attempt,
                    "started_at_ms": unix_millis(a.started_at),
                    "finished_at_ms": a.finished_at.map(unix_millis),
                    "error": a.error,
                    "status": a.status.map(|status| status.as_u16()),
                    "response": a.response,
                    "duration_ms": a.duration.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                })
            })
            .collect();
        map.insert("attempt_log".into(), Value::Array(attempts));
        map.insert("id_signed".into(), json!(d.id_is_signed));
        map.insert("id_is_fingerprint".into(), json!(d.id_is_fingerprint));
        map.insert("event_type_signed".into(), json!(d.event_type_is_signed));
        map.insert("signed_at_ms".into(), json!(d.signed_at.map(unix_millis)));
        if body {
            map.insert("body".into(), json!(String::from_utf8_lossy(&d.body)));
        }
    }
    value
}

fn stats_json(s: &InboxStats) -> Value {
    json!({
        "pending": s.pending,
        "running": s.running,
        "retrying": s.retrying,
        "done": s.done,
        "dead": s.dead,
        "held": s.held,
        "oldest_pending_age_ms": s.oldest_pending_age.map(|a| u64::try_from(a.as_millis()).unwrap_or(u64::MAX)),
    })
}

fn print_details(out: &mut dyn Write, d: &DeliveryDetails, body: bool, style: Style) -> Outcome {
    // Every text below but the times and counts came with the request or from the
    // handler: printed with its control characters escaped.
    let text = |text: &str| printable(text, &[]).into_owned();
    let r = &d.record;
    writeln!(out, "{} {}", style.bold("delivery"), r.id.get())?;
    writeln!(
        out,
        "  state        {}",
        paint_state(style, r.state).trim_end()
    )?;
    writeln!(out, "  provider     {}", text(&r.provider))?;
    if let Some(source) = &r.source {
        writeln!(out, "  source       {}", text(source))?;
    }
    writeln!(out, "  delivery id  {}", text(&r.delivery_id))?;
    writeln!(
        out,
        "  event        {}",
        text(r.event_type.as_deref().unwrap_or("-"))
    )?;
    writeln!(out, "  received     {} UTC", time_text(r.received_at))?;
    writeln!(out, "  next run     {} UTC", time_text(r.scheduled_at))?;
    if let Some(finished) = r.finished_at {
        writeln!(out, "  finished     {} UTC", time_text(finished))?;
    }
    let id = match (d.id_is_signed, d.id_is_fingerprint) {
        (_, true) => "derived from the signature (the provider sends no id)",
        (true, false) => "signed",
        (false, false) => "unsigned: the sender's claim",
    };
    let event = if d.event_type_is_signed {
        "signed"
    } else {
        "unsigned: the sender's claim"
    };
    writeln!(out, "  id           {id}")?;
    writeln!(out, "  event type   {event}")?;
    match d.signed_at {
        Some(at) => writeln!(out, "  signed at    {} UTC", time_text(at))?,
        None => writeln!(
            out,
            "  signed at    none: nothing signed says when it was sent"
        )?,
    }
    writeln!(
        out,
        "  request      {} {}",
        d.method,
        text(&d.uri.to_string())
    )?;
    for (name, value) in &d.headers {
        writeln!(
            out,
            "    {}: {}",
            name,
            text(&String::from_utf8_lossy(value.as_bytes()))
        )?;
    }
    writeln!(out, "  body         {} bytes", d.body.len())?;
    writeln!(out, "  attempts     {}", r.attempts)?;
    for a in &d.attempts {
        let outcome = match (&a.error, a.finished_at) {
            (Some(error), _) => style.bad(&text(error)),
            (None, Some(_)) => style.good("ok"),
            (None, None) => "running (or its worker died)".to_owned(),
        };
        let mut facts = Vec::new();
        if let Some(status) = a.status {
            facts.push(status.as_u16().to_string());
        }
        if let Some(duration) = a.duration {
            facts.push(format!("{} ms", duration.as_millis()));
        }
        let facts = match facts.is_empty() {
            true => String::new(),
            false => format!("  ({})", facts.join(", ")),
        };
        writeln!(
            out,
            "    #{}  {} UTC  {}{}",
            a.attempt,
            time_text(a.started_at),
            outcome,
            facts
        )?;
        if let Some(response) = &a.response {
            writeln!(out, "        response  {}", text(response))?;
        }
    }
    if let Some(error) = &r.last_error {
        writeln!(out, "  last error   {}", style.bad(&text(error)))?;
    }
    if body {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            printable(&String::from_utf8_lossy(&d.body), &['\n', '\t'])
        )?;
    }
    Ok(())
}
