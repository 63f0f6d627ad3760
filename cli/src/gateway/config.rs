//! The gateway's configuration file (`tower-webhook serve --config gateway.toml`): its
//! contract, parsed and validated at once, every mistake named with its line and field.
//!
//! ```toml
//! listen = "127.0.0.1:8080"
//! inbox  = "sqlite://gateway.db"          # or postgres://…; a relative path is the file's
//!
//! [[source]]
//! name    = "stripe"
//! preset  = "stripe"                      # a name from `tower-webhook providers`
//! path    = "/in/stripe"
//! secrets = ["env:STRIPE_WEBHOOK_SECRET"] # env:NAME, file:PATH; several during a rotation
//!
//! [[source]]
//! name    = "shops"
//! preset  = "standard_webhooks"
//! path    = "/in/tenants/{tenant}"
//! tenants = { file = "tenants.json", key = "path:tenant" }   # {"acme": ["whsec_…"], …}
//!
//! [[destination]]
//! name       = "billing"
//! url        = "http://127.0.0.1:9001/hooks"
//! secret     = "env:BILLING_SIGNING_SECRET"   # whsec_… : the Standard Webhooks key
//! timeout    = "10s"
//! rate_limit = "50/s"
//!
//! [[route]]
//! source = "stripe"
//! events = ["invoice.*", "customer.subscription.*"]
//! to     = ["billing"]
//! ```
//!
//! The rules other tools rely on:
//! - Unknown fields anywhere are errors; relative paths resolve against the directory of
//!   the file.
//! - A secret is never written in the file: each is `env:NAME` (an environment variable)
//!   or `file:PATH` (a file holding it, trailing newline ignored). Anything else is an
//!   error that does not repeat the value.
//! - `rate_limit = "N/s"`: at most N requests to the destination in any one second.
//! - A route takes the deliveries of its source whose event type matches one of its
//!   `events` (exact, `type.action`, or a prefix ending in `*`; `"*"` alone is every
//!   event), as `Dispatch` matches. A delivery goes to every destination of every route
//!   that takes it. A route with `fallback = true` (and no `events`) takes only what no
//!   other route of its source takes; what no route takes is kept as unrouted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use http::{HeaderName, Uri};
use serde::Deserialize;
use toml::Spanned;
use tower_webhook::providers::{self, Preset, PresetOptions};
use tower_webhook::{Secret, Verifier};

/// How long a destination has to answer unless its `timeout` says: 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A validated configuration.
#[derive(Debug)]
pub struct Config {
    /// The file it was read from.
    pub file: PathBuf,
    /// Where the gateway listens.
    pub listen: SocketAddr,
    /// The inbox's URL, a SQLite path resolved against the file's directory.
    pub inbox: String,
    /// The sources, in the file's order.
    pub sources: Vec<Source>,
    /// The destinations, in the file's order.
    pub destinations: Vec<Destination>,
    /// The routes, in the file's order.
    pub routes: Vec<Route>,
}

/// Where deliveries come from: one preset, one path, its secrets.
pub struct Source {
    /// Its name, which routes refer to.
    pub name: String,
    /// The preset that verifies it.
    pub preset: &'static Preset,
    /// The path it is received on (`{tenant}`: one segment naming the tenant).
    pub path: String,
    /// The public base URL, for presets that sign the URL.
    pub public_url: Option<String>,
    /// Its secrets.
    pub secrets: Secrets,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("preset", &self.preset.name())
            .field("path", &self.path)
            .field("secrets", &self.secrets)
            .finish_non_exhaustive()
    }
}

/// A source's secrets: one set (several during a rotation), or one per tenant.
#[derive(Debug)]
pub enum Secrets {
    /// The secrets of a single-tenant source, newest first.
    Shared(Vec<SecretRef>),
    /// A JSON file of tenants, `{"acme": ["whsec_…"], …}`, and where a delivery names
    /// its tenant.
    Tenants {
        /// The file (resolved).
        file: PathBuf,
        /// Where a delivery names its tenant.
        key: TenantKey,
    },
}

/// Where a delivery names its tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantKey {
    /// A `{NAME}` segment of the source's path (`path:NAME`).
    Path(String),
    /// The `Host` header (`host`).
    Host,
    /// A header (`header:NAME`).
    Header(HeaderName),
}

/// Where a secret is read from. Its `Debug` names the variable or the file, never the
/// secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// An environment variable.
    Env(String),
    /// A file, resolved against the configuration's directory.
    File(PathBuf),
}

impl SecretRef {
    /// The secret, read now.
    pub fn read(&self) -> Result<Secret, String> {
        match self {
            SecretRef::Env(name) => match std::env::var(name) {
                Ok(value) if !value.is_empty() => Ok(Secret::from(value)),
                Ok(_) => Err(format!("the environment variable {name} is empty")),
                Err(std::env::VarError::NotPresent) => {
                    Err(format!("the environment variable {name} is not set"))
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(format!("the environment variable {name} is not UTF-8"))
                }
            },
            SecretRef::File(path) => match std::fs::read_to_string(path) {
                Ok(text) => {
                    let text = text.strip_suffix('\n').unwrap_or(&text);
                    let text = text.strip_suffix('\r').unwrap_or(text);
                    if text.is_empty() {
                        Err(format!("the secret file {} is empty", path.display()))
                    } else {
                        Ok(Secret::from(text.to_owned()))
                    }
                }
                Err(error) => Err(format!(
                    "the secret file {} cannot be read: {error}",
                    path.display()
                )),
            },
        }
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Env(name) => write!(f, "env:{name}"),
            SecretRef::File(path) => write!(f, "file:{}", path.display()),
        }
    }
}

/// Where deliveries go.
#[derive(Debug)]
pub struct Destination {
    /// Its name, which routes refer to; part of every `webhook-id` sent there.
    pub name: String,
    /// Its URL (`http://`).
    pub url: Uri,
    /// Its Standard Webhooks signing key.
    pub secret: SecretRef,
    /// How long it has to answer.
    pub timeout: Duration,
    /// At most this many requests in any one second, if set.
    pub rate_limit: Option<u32>,
    /// At most this many requests at once, if set.
    pub concurrency: Option<usize>,
    /// The original headers copied to it.
    pub headers: Vec<HeaderName>,
}

/// Which deliveries of a source go where.
#[derive(Debug)]
pub struct Route {
    /// The source's name.
    pub source: String,
    /// The event types it takes; empty for a fallback.
    pub events: Vec<String>,
    /// Whether it takes only what no other route of its source takes.
    pub fallback: bool,
    /// The destinations' names.
    pub to: Vec<String>,
}

/// Why a configuration is refused: every mistake found, each with its line.
#[derive(Debug)]
pub struct ConfigErrors {
    file: PathBuf,
    errors: Vec<ConfigError>,
}

/// One mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Its line in the file, from 1, when it has one.
    pub line: Option<usize>,
    /// The field, as a path: `destination "billing".timeout`.
    pub field: String,
    /// What is wrong. It never repeats a value that could be a secret.
    pub message: String,
}

impl ConfigErrors {
    /// Each mistake.
    pub fn errors(&self) -> &[ConfigError] {
        &self.errors
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.errors.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file.display())?;
            if let Some(line) = error.line {
                write!(f, ":{line}")?;
            }
            if error.field.is_empty() {
                write!(f, ": {}", error.message)?;
            } else {
                write!(f, ": {}: {}", error.field, error.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Spanned<String>,
    inbox: Spanned<String>,
    #[serde(default, rename = "source")]
    sources: Vec<RawSource>,
    #[serde(default, rename = "destination")]
    destinations: Vec<RawDestination>,
    #[serde(default, rename = "route")]
    routes: Vec<RawRoute>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Spanned<String>,
    preset: Spanned<String>,
    path: Spanned<String>,
    public_url: Option<Spanned<String>>,
    secrets: Option<Spanned<Vec<Spanned<String>>>>,
    tenants: Option<Spanned<RawTenants>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTenants {
    file: Spanned<String>,
    key: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDestination {
    name: Spanned<String>,
    url: Spanned<String>,
    secret: Spanned<String>,
    timeout: Option<Spanned<String>>,
    rate_limit: Option<Spanned<String>>,
    concurrency: Option<Spanned<i64>>,
    headers: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    source: Spanned<String>,
    events: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    fallback: bool,
    to: Spanned<Vec<Spanned<String>>>,
}

/// The mistakes found so far, with the text to turn spans into lines.
struct Check<'a> {
    text: &'a str,
    errors: Vec<ConfigError>,
}

impl Check<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count()
            + 1
    }

    fn error(&mut self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) {
        let line = Some(self.line(span));
        self.errors.push(ConfigError {
            line,
            field: field.into(),
            message: message.into(),
        });
    }
}

impl Config {
    /// Reads and validates the file at `path`: its syntax, its fields, and that every
    /// secret it names can be read and fits its preset (so `serve --check` finds what
    /// `serve` would).
    pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
        let refuse = |message: String| ConfigErrors {
            file: path.to_owned(),
            errors: vec![ConfigError {
                line: None,
                field: String::new(),
                message,
            }],
        };
        let text = std::fs::read_to_string(path)
            .map_err(|error| refuse(format!("cannot be read: {error}")))?;
        let dir = path
            .parent()
            .map(Path::to_owned)
            .unwrap_or_else(|| PathBuf::from("."));
        Config::parse(&text, path, &dir)
    }

    /// Validates `text` as the file `file` in the directory `dir`.
    pub fn parse(text: &str, file: &Path, dir: &Path) -> Result<Config, ConfigErrors> {
        let mut check = Check {
            text,
            errors: Vec::new(),
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(error) => {
                // The message only: toml's `Display` quotes the line, which may hold a
                // secret written where it must not be.
                let line = error.span().map(|span| check.line(span));
                return Err(ConfigErrors {
                    file: file.to_owned(),
                    errors: vec![ConfigError {
                        line,
                        field: String::new(),
                        message: without_quoted_values(error.message().trim()),
                    }],
                });
            }
        };
        let listen = match raw.listen.get_ref().parse::<SocketAddr>() {
            Ok(listen) => Some(listen),
            Err(_) => {
                check.error(
                    raw.listen.span(),
                    "listen",
                    "not an address and port (such as 127.0.0.1:8080)",
                );
                None
            }
        };
        let inbox = inbox_url(&mut check, &raw.inbox, dir);
        // Routes are checked against every name declared, so a source or destination with
        // a mistake of its own is not also reported as missing.
        let declared = |names: Vec<&Spanned<String>>| -> Vec<String> {
            names
                .into_iter()
                .map(|name| name.get_ref().clone())
                .collect()
        };
        let source_names = declared(raw.sources.iter().map(|source| &source.name).collect());
        let destination_names = declared(
            raw.destinations
                .iter()
                .map(|destination| &destination.name)
                .collect(),
        );
        let sources = sources(&mut check, raw.sources, dir);
        let destinations = destinations(&mut check, raw.destinations, dir);
        let routes = routes(&mut check, raw.routes, &source_names, &destination_names);
        match (listen, inbox) {
            (Some(listen), Some(inbox)) if check.errors.is_empty() => Ok(Config {
                file: file.to_owned(),
                listen,
                inbox,
                sources,
                destinations,
                routes,
            }),
            _ => Err(ConfigErrors {
                file: file.to_owned(),
                errors: check.errors,
            }),
        }
    }

    /// The names of the destinations a delivery of `source` whose event type is
    /// `event_type` (and whose body's `action` is `action`, as GitHub's) goes to, each
    /// once, in the file's order; empty: unrouted.
    pub fn destinations_of(
        &self,
        source: &str,
        event_type: Option<&str>,
        action: Option<&str>,
    ) -> Vec<&str> {
        let routes = self.routes.iter().filter(|route| route.source == source);
        let takes = |route: &&Route| {
            route
                .events
                .iter()
                .any(|pattern| event_type.is_some_and(|event| matches(pattern, event, action)))
        };
        let mut chosen: Vec<&Route> = routes
            .clone()
            .filter(|route| !route.fallback)
            .filter(takes)
            .collect();
        if chosen.is_empty() {
            chosen = routes.filter(|route| route.fallback).collect();
        }
        let mut taken: Vec<&str> = Vec::new();
        for name in chosen.iter().flat_map(|route| &route.to) {
            if !taken.contains(&name.as_str()) {
                taken.push(name);
            }
        }
        taken
    }
}

/// `message` with every double-quoted value in it elided: serde's messages quote the
/// value they refused (`invalid type: string "whsec_…", expected a sequence`), which may
/// be a secret written where it must not be. Field names (in backticks) stay.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match (c, quoted) {
            ('"', false) => {
                out.push_str("\"…");
                quoted = true;
            }
            ('"', true) => {
                out.push('"');
                quoted = false;
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    if quoted {
        out.push('"');
    }
    out
}

/// Whether the event pattern `pattern` takes a delivery of `event_type` with the body's
/// `action`, as `Dispatch` names it: the event type, or the event type, a dot and the
/// action (`issues.opened`), exactly; or a prefix ending in `*`, tried against the name
/// with the action.
pub fn matches(pattern: &str, event_type: &str, action: Option<&str>) -> bool {
    let with_action = action.map(|action| format!("{event_type}.{action}"));
    let name = with_action.as_deref().unwrap_or(event_type);
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == event_type || pattern == name,
    }
}

fn inbox_url(check: &mut Check<'_>, raw: &Spanned<String>, dir: &Path) -> Option<String> {
    let url = raw.get_ref();
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            check.error(raw.span(), "inbox", "sqlite:// needs a file path");
            return None;
        }
        let path = Path::new(path);
        let resolved = if path.is_absolute() {
            path.to_owned()
        } else {
            dir.join(path)
        };
        return Some(format!("sqlite://{}", resolved.display()));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Some(url.clone());
    }
    check.error(
        raw.span(),
        "inbox",
        "not an inbox URL: sqlite://PATH or postgres://…",
    );
    None
}

/// A secret reference, or an error that does not repeat the value.
fn secret_ref(
    check: &mut Check<'_>,
    raw: &Spanned<String>,
    field: &str,
    dir: &Path,
) -> Option<SecretRef> {
    let value = raw.get_ref();
    if let Some(name) = value.strip_prefix("env:") {
        if !name.is_empty() && !name.contains('=') && !name.contains('\0') {
            return Some(SecretRef::Env(name.to_owned()));
        }
    } else if let Some(path) = value.strip_prefix("file:") {
        if !path.is_empty() {
            let path = Path::new(path);
            return Some(SecretRef::File(if path.is_absolute() {
                path.to_owned()
            } else {
                dir.join(path)
            }));
        }
    }
    check.error(
        raw.span(),
        field,
        "a secret is never written in the file: give env:NAME or file:PATH",
    );
    None
}

fn unique(check: &mut Check<'_>, seen: &mut BTreeSet<String>, name: &Spanned<String>, what: &str) {
    if name.get_ref().is_empty() {
        check.error(name.span(), format!("{what}.name"), "is empty");
    } else if !seen.insert(name.get_ref().clone()) {
        check.error(
            name.span(),
            format!("{what}.name"),
            format!("{what} {:?} is defined twice", name.get_ref()),
        );
    }
}

fn sources(check: &mut Check<'_>, raw: Vec<RawSource>, dir: &Path) -> Vec<Source> {
    let mut names = BTreeSet::new();
    let mut paths = BTreeSet::new();
    let mut sources = Vec::new();
    for source in raw {
        unique(check, &mut names, &source.name, "source");
        let here = format!("source {:?}", source.name.get_ref());
        let preset = match providers::find(source.preset.get_ref()) {
            Some(preset) => Some(preset),
            None => {
                check.error(
                    source.preset.span(),
                    format!("{here}.preset"),
                    format!(
                        "no preset is called {:?} (`tower-webhook providers` lists them)",
                        source.preset.get_ref()
                    ),
                );
                None
            }
        };
        let path = source.path.get_ref();
        let placeholders = placeholders(path);
        if !path.starts_with('/') || path.contains("//") || path.contains(['?', '#']) {
            check.error(
                source.path.span(),
                format!("{here}.path"),
                "not a path: it starts with / and has no query",
            );
        } else if placeholders.is_none() {
            check.error(
                source.path.span(),
                format!("{here}.path"),
                "a {name} placeholder must be a whole segment",
            );
        } else if !paths.insert(normalised(path)) {
            check.error(
                source.path.span(),
                format!("{here}.path"),
                "another source is received on this path",
            );
        }
        let placeholders = placeholders.unwrap_or_default();
        let public_url = source.public_url.as_ref().map(|url| url.get_ref().clone());
        if let (Some(preset), None) = (preset, &public_url) {
            if preset.signs_url() {
                check.error(
                    source.preset.span(),
                    format!("{here}.public_url"),
                    format!(
                        "{} signs the URL it calls: give public_url, the base URL the provider is configured with",
                        preset.name()
                    ),
                );
            }
        }
        let options = match &public_url {
            Some(url) => PresetOptions::new().public_url(url.clone()),
            None => PresetOptions::new(),
        };
        let secrets = match (&source.secrets, &source.tenants) {
            (Some(list), None) => {
                if list.get_ref().is_empty() {
                    check.error(list.span(), format!("{here}.secrets"), "is empty");
                }
                if !placeholders.is_empty() {
                    check.error(
                        source.path.span(),
                        format!("{here}.path"),
                        "a {placeholder} names a tenant: give tenants, not secrets",
                    );
                }
                let refs: Vec<SecretRef> = list
                    .get_ref()
                    .iter()
                    .filter_map(|raw| secret_ref(check, raw, &format!("{here}.secrets"), dir))
                    .collect();
                if let Some(preset) = preset {
                    for (raw, reference) in list.get_ref().iter().zip(&refs) {
                        match reference.read() {
                            Ok(secret) => {
                                if let Err(error) =
                                    Verifier::new(preset.scheme_with(&options), secret)
                                {
                                    check.error(
                                        raw.span(),
                                        format!("{here}.secrets"),
                                        format!("{reference}: {error}"),
                                    );
                                }
                            }
                            Err(error) => check.error(raw.span(), format!("{here}.secrets"), error),
                        }
                    }
                }
                Some(Secrets::Shared(refs))
            }
            (None, Some(tenants)) => {
                let tenants_ref = tenants.get_ref();
                let key = tenant_key(check, &tenants_ref.key, &here, &placeholders);
                let file = Path::new(tenants_ref.file.get_ref());
                let file = if file.is_absolute() {
                    file.to_owned()
                } else {
                    dir.join(file)
                };
                if let Some(preset) = preset {
                    check_tenants(check, &tenants_ref.file, &file, &here, preset, &options);
                }
                key.map(|key| Secrets::Tenants { file, key })
            }
            (Some(list), Some(_)) => {
                check.error(
                    list.span(),
                    here.clone(),
                    "give secrets or tenants, not both",
                );
                None
            }
            (None, None) => {
                check.error(
                    source.name.span(),
                    here.clone(),
                    "needs secrets (or tenants)",
                );
                None
            }
        };
        if let (Some(preset), Some(secrets)) = (preset, secrets) {
            sources.push(Source {
                name: source.name.into_inner(),
                preset,
                path: source.path.into_inner(),
                public_url,
                secrets,
            });
        }
    }
    sources
}

/// The `{name}` placeholders of `path`, or `None` when one is not a whole segment.
fn placeholders(path: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for segment in path.split('/') {
        match (segment.strip_prefix('{'), segment.contains(['{', '}'])) {
            (Some(rest), _) => {
                let name = rest.strip_suffix('}')?;
                if name.is_empty() || name.contains(['{', '}']) {
                    return None;
                }
                names.push(name.to_owned());
            }
            (None, true) => return None,
            (None, false) => {}
        }
    }
    Some(names)
}

/// `path` with every placeholder alike, to tell two paths that receive the same URLs.
fn normalised(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn tenant_key(
    check: &mut Check<'_>,
    raw: &Spanned<String>,
    here: &str,
    placeholders: &[String],
) -> Option<TenantKey> {
    let value = raw.get_ref();
    let field = format!("{here}.tenants.key");
    if let Some(name) = value.strip_prefix("path:") {
        if placeholders.iter().any(|placeholder| placeholder == name) {
            return Some(TenantKey::Path(name.to_owned()));
        }
        check.error(
            raw.span(),
            field,
            format!("the path has no {{{name}}} segment"),
        );
        return None;
    }
    if value == "host" {
        return Some(TenantKey::Host);
    }
    if let Some(name) = value.strip_prefix("header:") {
        if let Ok(name) = HeaderName::try_from(name) {
            return Some(TenantKey::Header(name));
        }
    }
    check.error(
        raw.span(),
        field,
        "where a delivery names its tenant: path:NAME, host or header:NAME",
    );
    None
}

/// Checks the tenants file: `{"tenant": ["secret", …], …}`, each secret fit for the
/// preset. Its errors name the tenant, never a secret.
fn check_tenants(
    check: &mut Check<'_>,
    raw: &Spanned<String>,
    file: &Path,
    here: &str,
    preset: &'static Preset,
    options: &PresetOptions,
) {
    let field = format!("{here}.tenants.file");
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) => {
            check.error(
                raw.span(),
                field,
                format!("{} cannot be read: {error}", file.display()),
            );
            return;
        }
    };
    let tenants: BTreeMap<String, Vec<String>> = match serde_json::from_str(&text) {
        Ok(tenants) => tenants,
        Err(error) => {
            check.error(
                raw.span(),
                field,
                format!(
                    "{} is not {{\"tenant\": [\"secret\", …]}}: line {} column {}",
                    file.display(),
                    error.line(),
                    error.column()
                ),
            );
            return;
        }
    };
    for (tenant, secrets) in tenants {
        if secrets.is_empty() {
            check.error(
                raw.span(),
                field.clone(),
                format!("{}: tenant {tenant:?} has no secret", file.display()),
            );
        }
        for secret in secrets {
            if let Err(error) = Verifier::new(preset.scheme_with(options), secret) {
                check.error(
                    raw.span(),
                    field.clone(),
                    format!("{}: tenant {tenant:?}: {error}", file.display()),
                );
            }
        }
    }
}

fn destinations(check: &mut Check<'_>, raw: Vec<RawDestination>, dir: &Path) -> Vec<Destination> {
    let mut names = BTreeSet::new();
    let mut destinations = Vec::new();
    for destination in raw {
        unique(check, &mut names, &destination.name, "destination");
        let here = format!("destination {:?}", destination.name.get_ref());
        let url = match destination.url.get_ref().parse::<Uri>() {
            Ok(url)
                if url.scheme_str() == Some("http")
                    && url.authority().is_some_and(|a| !a.as_str().contains('@')) =>
            {
                Some(url)
            }
            _ => {
                check.error(
                    destination.url.span(),
                    format!("{here}.url"),
                    "not an http:// URL without credentials",
                );
                None
            }
        };
        let secret = secret_ref(check, &destination.secret, &format!("{here}.secret"), dir);
        if let Some(secret) = &secret {
            let fits = secret.read().and_then(|key| {
                tower_webhook::Signer::new(providers::standard_webhooks(), key)
                    .map(drop)
                    .map_err(|error| format!("{secret}: {error}"))
            });
            if let Err(error) = fits {
                check.error(destination.secret.span(), format!("{here}.secret"), error);
            }
        }
        let timeout = match &destination.timeout {
            Some(raw) => match humantime::parse_duration(raw.get_ref()) {
                Ok(timeout) if !timeout.is_zero() => timeout,
                _ => {
                    check.error(
                        raw.span(),
                        format!("{here}.timeout"),
                        "not a duration (such as 10s, 500ms, 2m)",
                    );
                    DEFAULT_TIMEOUT
                }
            },
            None => DEFAULT_TIMEOUT,
        };
        let rate_limit = destination.rate_limit.as_ref().and_then(|raw| {
            let parsed = raw
                .get_ref()
                .strip_suffix("/s")
                .and_then(|count| count.trim().parse::<u32>().ok())
                .filter(|&count| count > 0);
            if parsed.is_none() {
                check.error(
                    raw.span(),
                    format!("{here}.rate_limit"),
                    "not a rate: N/s, N at least 1",
                );
            }
            parsed
        });
        let concurrency = destination.concurrency.as_ref().and_then(|raw| {
            let parsed = usize::try_from(*raw.get_ref()).ok().filter(|&n| n > 0);
            if parsed.is_none() {
                check.error(
                    raw.span(),
                    format!("{here}.concurrency"),
                    "must be at least 1",
                );
            }
            parsed
        });
        let mut headers = Vec::new();
        for raw in destination.headers.iter().flatten() {
            match HeaderName::try_from(raw.get_ref().as_str()) {
                Ok(name) => headers.push(name),
                Err(_) => check.error(
                    raw.span(),
                    format!("{here}.headers"),
                    format!("{:?} is not a header name", raw.get_ref()),
                ),
            }
        }
        if let (Some(url), Some(secret)) = (url, secret) {
            destinations.push(Destination {
                name: destination.name.into_inner(),
                url,
                secret,
                timeout,
                rate_limit,
                concurrency,
                headers,
            });
        }
    }
    destinations
}

fn routes(
    check: &mut Check<'_>,
    raw: Vec<RawRoute>,
    sources: &[String],
    destinations: &[String],
) -> Vec<Route> {
    let mut routes = Vec::new();
    for route in raw {
        let source = route.source.get_ref();
        let here = format!("route of {source:?}");
        if !sources.contains(source) {
            check.error(
                route.source.span(),
                format!("{here}.source"),
                format!("no source is called {source:?}"),
            );
        }
        let mut events = Vec::new();
        match (&route.events, route.fallback) {
            (Some(list), false) => {
                if list.get_ref().is_empty() {
                    check.error(list.span(), format!("{here}.events"), "is empty");
                }
                for pattern in list.get_ref() {
                    let text = pattern.get_ref();
                    let star = text.find('*');
                    if text.is_empty() || star.is_some_and(|at| at + 1 != text.len()) {
                        check.error(
                            pattern.span(),
                            format!("{here}.events"),
                            format!("{text:?}: an event type, or a prefix ending in one *"),
                        );
                    } else {
                        events.push(text.clone());
                    }
                }
            }
            (Some(list), true) => check.error(
                list.span(),
                format!("{here}.events"),
                "a fallback takes what no other route takes: no events",
            ),
            (None, false) => check.error(
                route.source.span(),
                format!("{here}.events"),
                "missing: the event types it takes (\"*\": all), or fallback = true",
            ),
            (None, true) => {}
        }
        if route.to.get_ref().is_empty() {
            check.error(route.to.span(), format!("{here}.to"), "is empty");
        }
        for name in route.to.get_ref() {
            if !destinations.contains(name.get_ref()) {
                check.error(
                    name.span(),
                    format!("{here}.to"),
                    format!("no destination is called {:?}", name.get_ref()),
                );
            }
        }
        routes.push(Route {
            source: source.clone(),
            events,
            fallback: route.fallback,
            to: route
                .to
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
        });
    }
    routes
}
