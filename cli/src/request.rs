//! The signed request `sign` prints and `send` posts: its options, its body (given or a
//! sample), its extra headers, and signing it as the provider would.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use clap::Args;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, TRANSFER_ENCODING};
use tower_webhook::providers::{Preset, PresetOptions};
use tower_webhook::Signer;
use tower_webhook_cli::{capture, catalogue, samples};

use crate::failure::{usage, Failure};
use crate::input::read_input;
use crate::secrets::{Role, SecretArgs};

/// What `sign` and `send` share.
#[derive(Args)]
pub(crate) struct RequestArgs {
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
    /// A header to add, `NAME: VALUE` (repeatable): a shop's or a tenant's header. Added
    /// before signing, so a scheme that signs headers signs it; it replaces the header of
    /// that name the command would set (Content-Type, the event header, Host).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    #[command(flatten)]
    secrets: SecretArgs,
}

/// A signed request, ready to print or post.
pub(crate) struct Prepared {
    pub(crate) request: http::Request<Bytes>,
    /// How the body was given: a file path (for curl's `@file`) or not.
    pub(crate) body_file: Option<PathBuf>,
    /// What the user should know about it (the sample used, the secret chosen).
    pub(crate) notes: Vec<String>,
}

/// `http://127.0.0.1:3000/webhooks/PRESET`: where a receiver run locally listens.
pub(crate) fn default_url(preset: &Preset) -> String {
    format!("http://127.0.0.1:3000/webhooks/{}", preset.name())
}

/// One `--header NAME: VALUE`, as curl's `-H` reads it: the name before the first colon,
/// the value after it, both without the spaces around them. An error names the header and
/// never repeats the value (it may be a credential).
fn parse_header(text: &str) -> Result<(HeaderName, HeaderValue), Failure> {
    let Some((name, value)) = text.split_once(':') else {
        return Err(usage(
            "--header takes NAME: VALUE, with a colon between the name and the value",
        ));
    };
    let name = name.trim();
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        usage(format!(
            "--header {name:?}: not a header name (letters, digits and !#$%&'*+-.^_`|~)"
        ))
    })?;
    if name == CONTENT_LENGTH || name == TRANSFER_ENCODING {
        return Err(usage(format!(
            "--header {name}: the body's length is the command's to set"
        )));
    }
    let value = HeaderValue::from_str(value.trim()).map_err(|_| {
        usage(format!(
            "--header {name}: the value is not a header value (it holds a control \
             character or a line break)"
        ))
    })?;
    Ok((name, value))
}

impl RequestArgs {
    /// The request to `url`, signed with the first secret.
    pub(crate) fn prepare(&self, preset: &Preset, url: &str) -> Result<Prepared, Failure> {
        if !preset.can_sign() {
            return Err(usage(format!(
                "{} cannot sign here: its signature is a field of the body \
                 (providers::mailgun::signature builds it)",
                preset.name()
            )));
        }
        let extra_headers = self
            .headers
            .iter()
            .map(|text| parse_header(text))
            .collect::<Result<Vec<_>, _>>()?;
        let at =
            SystemTime::UNIX_EPOCH + Duration::from_secs(self.timestamp.unwrap_or_else(unix_now));
        let event_header = catalogue::event_header(preset);
        let mut notes = Vec::new();
        let (body, body_file, header_event) = match &self.body {
            Some(path) => {
                let body = read_input(path, capture::MAX_BODY, "body")?;
                if self.event.is_some() && event_header.is_none() {
                    notes.push(format!(
                        "{} reads the event type from the body: --event changes nothing in a given body",
                        preset.name()
                    ));
                }
                let file = (path != Path::new("-")).then(|| path.clone());
                (body, file, self.event.clone())
            }
            None => {
                let sample = samples::sample(preset.name(), self.event.as_deref(), at);
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
        let content_type = match &self.content_type {
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
        let mut request = builder
            .body(Bytes::from(body))
            .map_err(|e| usage(format!("cannot build the request: {e}")))?;
        // Every value given for a name replaces what the command set under it.
        for (name, _) in &extra_headers {
            request.headers_mut().remove(name);
        }
        for (name, value) in extra_headers {
            request.headers_mut().append(name, value);
        }
        let mut options = PresetOptions::new();
        if let Some(base) = &self.public_url {
            options = options.public_url(base.clone());
        }
        let secrets = self.secrets.load(preset, Role::Sign)?;
        if secrets.len() > 1 {
            notes.push(format!(
                "signed with the first of {} secrets",
                secrets.len()
            ));
        }
        let Some(secret) = secrets.into_iter().next() else {
            return Err(usage("no secret"));
        };
        let id = self.id.clone().unwrap_or_else(fresh_id);
        let request = Signer::new(preset.scheme_with(&options), secret)
            .and_then(|signer| signer.sign_with(request, &id, at))
            .map_err(|e| usage(format!("cannot sign: {e}")))?;
        Ok(Prepared {
            request,
            body_file,
            notes,
        })
    }
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
