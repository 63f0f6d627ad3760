//! `tower-webhook verify PRESET CAPTURE`: explain the verdict on a captured request, step
//! by step: which headers were read, whether the signature matches and with which secret,
//! how old the signed timestamp is, and the rejection the receiver would give.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use clap::Args;
use tower_webhook::providers::{Preset, PresetOptions};
use tower_webhook::scheme::{parse_timestamp, TimestampFormat};
use tower_webhook::{RejectionKind, Secret, Verifier};
use tower_webhook_cli::{capture, catalogue};

use crate::failure::{usage, Failure, Outcome};
use crate::input::read_input;
use crate::output::{duration_text, Style};
use crate::secrets::{Role, SecretArgs};

pub(crate) const AFTER_HELP: &str = "The capture is raw HTTP/1.1 text (request line, headers, blank line, body; CRLF or\nLF line ends; a chunked body is decoded), from a file or `-` for stdin; or the headers\nand the body in two files. At most 64 KiB of headers and a 25 MiB body.\n\nExamples:\n  tower-webhook verify github capture.http --secret-env GITHUB_WEBHOOK_SECRET\n  tower-webhook verify stripe --headers headers.txt --body body.json --secret-file old --secret-file new\n  tower-webhook sign twilio --example-keys --raw --url https://hooks.example.com/sms | tower-webhook verify twilio - --example-keys --public-url https://hooks.example.com";

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The preset, as `providers` lists it.
    #[arg(value_parser = super::preset)]
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
}

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

impl VerifyArgs {
    #[allow(clippy::too_many_lines)]
    pub(crate) fn run(self, out: &mut dyn Write, style: Style) -> Outcome {
        let preset = self.preset;
        let capture_path = self.capture.as_deref();
        let parts = self.headers.as_deref().zip(self.body.as_deref());
        let public_url = self.public_url.as_deref();
        let tolerance = self.tolerance;
        let secret_args = &self.secrets;
        let secrets = secret_args.load(preset, Role::Verify)?;
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

        writeln!(
            out,
            "{} {} {} ({} byte body), preset {}",
            style.bold("request"),
            request.method(),
            request.uri(),
            request.body().len(),
            preset.name()
        )?;
        for note in &captured.notes {
            writeln!(out, "  note: {note}")?;
        }

        let mut options = PresetOptions::new();
        if preset.signs_url() {
            match public_url {
                Some(base) => {
                    options = options.public_url(base);
                    writeln!(
                        out,
                        "  signed URL: {}{} (--public-url, then the request's path and query)",
                        base.trim_end_matches('/'),
                        request
                            .uri()
                            .path_and_query()
                            .map(|p| p.as_str())
                            .unwrap_or("/")
                    )?;
                }
                None => {
                    options = options.dangerously_trust_host_header();
                    writeln!(out,
                            "  signed URL: rebuilt from the Host header (no --public-url); your receiver \
                             needs the public URL the provider calls"
                        )?;
                }
            }
        }

        // Which headers were read.
        if info.signature_headers.is_empty() {
            writeln!(out, "  signature: {}", info.signature_header())?;
        }
        for name in &info.signature_headers {
            let values: Vec<_> = request.headers().get_all(name.as_str()).iter().collect();
            match values.as_slice() {
                    [] => writeln!(out, "  signature header {name}: {}", style.bad("absent"))?,
                    [value] if !preset.signs_body() => writeln!(out,
                        "  token header {name}: present, {} bytes (not shown: a shared token is the secret itself)",
                        value.len()
                    )?,
                    [value] => writeln!(out,
                        "  signature header {name}: {}",
                        shown(&String::from_utf8_lossy(value.as_bytes()))
                    )?,
                    _ => writeln!(out,
                        "  signature header {name}: {} times (refused)",
                        values.len()
                    )?,
                }
        }
        if let Some(name) = &info.timestamp_header {
            match request.headers().get(name.as_str()).map(|v| v.to_str()) {
                None => writeln!(out, "  timestamp header {name}: {}", style.bad("absent"))?,
                Some(Ok(value)) => match parse_any_timestamp(value) {
                    Some(at) => writeln!(
                        out,
                        "  timestamp header {name}: {}",
                        timestamp_text(at, now)
                    )?,
                    None => writeln!(
                        out,
                        "  timestamp header {name}: {} (unreadable)",
                        shown(value)
                    )?,
                },
                Some(Err(_)) => writeln!(out, "  timestamp header {name}: not visible ASCII")?,
            }
        }

        if let Some(answer) =
            build_verifier(preset, &options, &secrets, tolerance, false)?.handshake(&request)
        {
            return match answer {
                Ok(response) => {
                    writeln!(
                        out,
                        "{}: a registration handshake, answered {} without a signature check",
                        style.good("handshake"),
                        response.status()
                    )?;
                    Ok(())
                }
                Err(rejection) => {
                    writeln!(
                        out,
                        "{}: a handshake, refused: {rejection}",
                        style.bad("rejected")
                    )?;
                    Err(Failure::Failed)
                }
            };
        }

        let verdict =
            build_verifier(preset, &options, &secrets, tolerance, false)?.verify(&request);
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
        let unchecked =
            build_verifier(preset, &options, &secrets, tolerance, true)?.verify(&request);
        let tolerance_used = tolerance.map(Duration::from_secs).unwrap_or(info.tolerance);

        match &matched {
                Some(i) => writeln!(out,
                    "  signature: {} secret #{} of {}",
                    style.good("matches"),
                    i + 1,
                    secrets.len()
                )?,
                None => match &unchecked {
                    Err(rejection) if rejection.kind() == RejectionKind::SignatureMismatch => writeln!(out,
                        "  signature: {} of the {} configured secret(s) (the expected signature is never shown)",
                        style.bad("matches none"),
                        secrets.len()
                    )?,
                    _ => writeln!(out, "  signature: not checked (the request was refused before)")?,
                },
            }
        if let Ok(delivery) = &unchecked {
            match delivery.timestamp() {
                Some(at) => writeln!(
                    out,
                    "  signed timestamp: {}; tolerance {}",
                    timestamp_text(at, now),
                    duration_text(tolerance_used)
                )?,
                None => writeln!(
                    out,
                    "  signed timestamp: none (the provider signs no timestamp)"
                )?,
            }
        }

        match verdict {
            Ok(delivery) => {
                writeln!(out, "{}", style.good("verified"))?;
                writeln!(
                    out,
                    "  id: {} ({})",
                    delivery.id(),
                    if delivery.id_is_signed() {
                        "signed"
                    } else {
                        "NOT signed"
                    }
                )?;
                match delivery.event_type() {
                    Some(event) => writeln!(
                        out,
                        "  event type: {event} ({})",
                        if delivery.event_type_is_signed() {
                            "signed"
                        } else {
                            "NOT signed: what the sender claims"
                        }
                    )?,
                    None => writeln!(out, "  event type: none stated")?,
                }
                Ok(())
            }
            Err(rejection) => {
                writeln!(
                    out,
                    "{} {} ({} {})",
                    style.bad("rejected:"),
                    rejection.kind(),
                    rejection.status().as_u16(),
                    rejection.detail()
                )?;
                if let Some(subject) = rejection.subject() {
                    writeln!(out, "  subject: {subject}")?;
                }
                if let Some(diagnostic) = rejection.diagnostic() {
                    writeln!(out, "  diagnostic: {diagnostic}")?;
                }
                if let (
                    Some(_),
                    RejectionKind::TimestampExpired | RejectionKind::TimestampInFuture,
                ) = (matched, rejection.kind())
                {
                    writeln!(
                        out,
                        "  the signature is right: the delivery is stale (or a clock is off)"
                    )?;
                }
                Err(Failure::Failed)
            }
        }
    }
}
