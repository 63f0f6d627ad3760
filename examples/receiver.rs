//! A real multi-provider receiver to point providers at.
//!
//! ```text
//! STRIPE_WEBHOOK_SECRET=whsec_... GITHUB_WEBHOOK_SECRET=... cargo run --example receiver
//! ```
//!
//! - Listens on `WEBHOOK_ADDR` (default `127.0.0.1:3000`).
//! - Mounts `POST /webhooks/{standard,svix,stripe,github,slack,shopify,twilio}` for each
//!   provider whose secret variable is set: `STANDARD_WEBHOOK_SECRET`,
//!   `SVIX_WEBHOOK_SECRET`, `STRIPE_WEBHOOK_SECRET`, `GITHUB_WEBHOOK_SECRET`,
//!   `SLACK_SIGNING_SECRET`, `SHOPIFY_WEBHOOK_SECRET`, `TWILIO_AUTH_TOKEN`. A variable may
//!   hold several secrets separated by commas (rotation); a secret may contain spaces and
//!   quotes.
//! - `WEBHOOK_PUBLIC_URL` (say `https://hooks.example.com`) is the public base URL for
//!   URL-signed schemes (Twilio): the signed URL is that base followed by the request's
//!   path and query. `TWILIO_AUTH_TOKEN` needs it: the `Host` header is the sender's to
//!   choose, so it is not trusted to rebuild the URL.
//! - `REDIS_URL` (say `redis://127.0.0.1:6379`) makes every route share a Redis replay
//!   store, so several receiver processes handle each delivery once; without it the store
//!   is in memory. Redis needs the `redis` feature: `cargo run --example receiver
//!   --features redis`.
//! - `TENANTS_FILE=path` mounts `POST /webhooks/tenants/{tenant}/standard`: many sources on
//!   one endpoint. The file is a JSON object mapping each tenant's name to its Standard
//!   Webhooks secret, or to a list of secrets during a rotation; it is the "database",
//!   read again on a cache miss, so new tenants and rotated secrets take effect within
//!   `TENANTS_TTL_MS` (default 2000) without a restart. An unknown tenant gets `404`; an
//!   unreadable file `503`.
//! - `GET /deliveries` returns the deliveries the handlers ran, in order, as a JSON array
//!   of `{"provider": "...", "id": "...", "event": "..."}`, with `"source": "<tenant>"` on
//!   the tenants route (`event` is null when the provider states no event type).
//! - `INBOX_URL` (a SQLite file: `sqlite://inbox.db` or a path, feature `inbox-sqlite`;
//!   or `postgres://user:password@host/db`, feature `inbox-postgres`, which several
//!   receivers can share) turns on the durable inbox (`cargo run --example receiver
//!   --features inbox-sqlite`): each delivery is answered `202` once written, and workers
//!   run the handler from the database. `INBOX_LEASE_MS` sets the workers' lease, `INBOX_RETRY_MS`
//!   the first pause after a failure, `INBOX_MAX_ATTEMPTS` the attempts before a delivery
//!   is dead, `INBOX_ATTEMPT_TIMEOUT_MS` how long one attempt may run.
//! - The handler's behaviour, for the tests of others: `HANDLER_FAIL_FIRST=n` makes the
//!   first `n` attempts of each delivery fail (`503` with a body saying so),
//!   `HANDLER_FAIL_ALWAYS=id,id` makes the deliveries with those ids fail every attempt
//!   (`503`), `HANDLER_HANG=1` makes the handler never answer, `HANDLER_DELAY_MS` makes it
//!   take that long, and `HANDLED_LOG=path` appends a JSON line `{"provider","id","event"}`
//!   to that file for each delivery handled, written before the handler answers: the
//!   hooks of the crash tests.
//! - GitHub deliveries go through a [`Dispatch`]er, and `event` is the name it dispatched
//!   them under: `issues.opened` where the payload has an `action`, `push` where it has
//!   none. `GITHUB_ROUTES=push,issues.opened` makes the dispatcher handle only those
//!   names (the rest are answered `unhandled`); unset, every event is handled.
//! - `METRICS=1` (feature `metrics`: `cargo run --example receiver --features
//!   metrics,inbox-sqlite`) serves `GET /metrics` in the Prometheus text format: every
//!   route's requests, and the inbox's gauges and attempts when `INBOX_URL` is set
//!   ([`tower_webhook::metrics`] lists them). Without it `/metrics` is `404`.
//! - `CONSOLE_TOKEN` (feature `inbox-console`, with `INBOX_URL`: `cargo run --example
//!   receiver --features inbox-sqlite,inbox-console`) serves the operator console at
//!   `/console`, its login asking for that token (never printed). On a loopback
//!   `WEBHOOK_ADDR` its session cookie goes over plain HTTP; on any other address it is
//!   `Secure`, for a TLS proxy in front. Empty or unset: no console.
//! - `GET /healthz` (liveness) and `GET /readyz` (readiness) answer `200` or `503` with a
//!   JSON body naming each check and the failing ones: with `INBOX_URL`, the database,
//!   the workers and the lag (the oldest due delivery's wait, under `READY_MAX_LAG_MS`,
//!   default 5 minutes) as `Inbox::readiness` checks them; without, the process answers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::routing::{get, post, post_service, MethodRouter};
use axum::{Extension, Json, Router};
use http::StatusCode;
use serde::Serialize;
use tower_webhook::dispatch::{Dispatch, Dispatched};
use tower_webhook::layer::{KnownSource, LookupError, LookupErrorKind, SourceKey, Sources};
use tower_webhook::replay::{MemoryStore, ReplayStore};
use tower_webhook::{providers, ConfigError, Delivery, Scheme, Verifier, WebhookLayer};

#[derive(Clone, Serialize)]
struct Record {
    provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    id: String,
    event: Option<String>,
}

type Log = Arc<Mutex<Vec<Record>>>;

/// How the handler behaves, from `HANDLER_FAIL_FIRST`, `HANDLER_DELAY_MS` and `HANDLED_LOG`.
#[derive(Clone, Default)]
struct Behaviour {
    fail_first: u32,
    fail_always: Arc<[String]>,
    hang: bool,
    delay: std::time::Duration,
    handled_log: Option<std::path::PathBuf>,
}

impl Behaviour {
    fn from_env() -> Behaviour {
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        Behaviour {
            fail_first: number("HANDLER_FAIL_FIRST")
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            fail_always: std::env::var("HANDLER_FAIL_ALWAYS")
                .unwrap_or_default()
                .split(',')
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect(),
            hang: std::env::var("HANDLER_HANG").is_ok_and(|v| v == "1"),
            delay: std::time::Duration::from_millis(number("HANDLER_DELAY_MS").unwrap_or(0)),
            handled_log: std::env::var_os("HANDLED_LOG").map(Into::into),
        }
    }
}

/// The attempt the handler is making: counted by the inbox, else always the first.
fn attempt(extensions: &http::Extensions) -> u32 {
    #[cfg(inbox)]
    if let Some(job) = extensions.get::<tower_webhook::inbox::InboxJob>() {
        return job.attempt();
    }
    let _ = extensions;
    1
}

async fn record(
    Extension(log): Extension<Log>,
    Extension(behaviour): Extension<Behaviour>,
    extensions: http::Extensions,
    delivery: Delivery,
) -> (StatusCode, String) {
    let event = delivery.event_type().map(str::to_owned);
    handle(&log, &behaviour, &extensions, &delivery, event).await
}

/// GitHub's route: every delivery through a dispatcher, recorded under the name it was
/// dispatched by (`issues.opened`, `push`). With `GITHUB_ROUTES`, only those names have
/// a handler; the rest are answered `unhandled`.
fn github_dispatch(log: &Log, behaviour: &Behaviour) -> Dispatch {
    let handler = {
        let (log, behaviour) = (log.clone(), behaviour.clone());
        move |delivery: Delivery, dispatched: Dispatched, extensions: http::Extensions| {
            let (log, behaviour) = (log.clone(), behaviour.clone());
            async move { handle(&log, &behaviour, &extensions, &delivery, dispatched.name()).await }
        }
    };
    match std::env::var("GITHUB_ROUTES") {
        Ok(routes) => routes
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .fold(Dispatch::new(), |dispatch, name| {
                dispatch.on(name, handler.clone())
            }),
        Err(_) => Dispatch::new().fallback(handler),
    }
}

/// The handler's work: fail or wait as `Behaviour` says, then record the delivery.
async fn handle(
    log: &Log,
    behaviour: &Behaviour,
    extensions: &http::Extensions,
    delivery: &Delivery,
    event: Option<String>,
) -> (StatusCode, String) {
    let attempt = attempt(extensions);
    if attempt <= behaviour.fail_first {
        return failed(format!(
            "simulated failure: attempt {attempt} of the first {} (HANDLER_FAIL_FIRST)",
            behaviour.fail_first
        ));
    }
    if behaviour.fail_always.iter().any(|id| id == delivery.id()) {
        return failed(format!(
            "simulated failure: delivery {} fails every attempt (HANDLER_FAIL_ALWAYS)",
            delivery.id()
        ));
    }
    if behaviour.hang {
        return std::future::pending().await;
    }
    if !behaviour.delay.is_zero() {
        // Simulated work.
        tokio::time::sleep(behaviour.delay).await;
    }
    if let Some(path) = &behaviour.handled_log {
        use std::io::Write;
        let line = format!(
            "{}\n",
            serde_json::json!({
                "provider": delivery.provider(),
                "id": delivery.id(),
                "event": event,
            })
        );
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut file| file.write_all(line.as_bytes()));
        if written.is_err() {
            return failed("HANDLED_LOG cannot be written".to_owned());
        }
    }
    let entry = Record {
        provider: delivery.provider().to_owned(),
        source: delivery.source().map(str::to_owned),
        id: delivery.id().to_owned(),
        event,
    };
    tracing::info!(provider = %entry.provider, id = %entry.id, event = ?entry.event, "delivery handled");
    match log.lock() {
        Ok(mut log) => log.push(entry),
        Err(_) => return failed("the log is poisoned".to_owned()),
    }
    (StatusCode::OK, String::new())
}

/// A failed attempt: `503` with a body that says why (the inbox keeps its first bytes).
fn failed(why: String) -> (StatusCode, String) {
    (StatusCode::SERVICE_UNAVAILABLE, why)
}

/// `GET /healthz` and `GET /readyz`: the inbox's checks when there is one.
fn health_routes(inbox: &MaybeInbox) -> Router {
    let alive = || async { Json(serde_json::json!({ "status": "ok", "checks": [] })) };
    match inbox {
        #[cfg(inbox)]
        Some(inbox) => {
            use axum::response::IntoResponse;
            let mut check = tower_webhook::inbox::ReadinessCheck::new();
            if let Some(lag) = std::env::var("READY_MAX_LAG_MS")
                .ok()
                .and_then(|v| v.parse().ok())
            {
                check = check.max_lag(std::time::Duration::from_millis(lag));
            }
            let answer = |health: tower_webhook::inbox::Health| {
                let status = if health.is_ok() {
                    StatusCode::OK
                } else {
                    StatusCode::SERVICE_UNAVAILABLE
                };
                (
                    status,
                    [(http::header::CACHE_CONTROL, "no-store")],
                    Json(health),
                )
                    .into_response()
            };
            let (live, ready) = (inbox.clone(), inbox.clone());
            Router::new()
                .route(
                    "/healthz",
                    get(move || async move { answer(live.liveness()) }),
                )
                .route(
                    "/readyz",
                    get(move || async move { answer(ready.readiness(&check).await) }),
                )
        }
        #[cfg(not(inbox))]
        Some(never) => match *never {},
        None => Router::new()
            .route("/healthz", get(alive))
            .route("/readyz", get(alive)),
    }
}

/// `METRICS=1`: a Prometheus recorder for the whole process, histograms with buckets,
/// and the route that renders it.
fn metrics_routes() -> Result<Router, Box<dyn std::error::Error>> {
    if !std::env::var("METRICS").is_ok_and(|v| v == "1") {
        return Ok(Router::new());
    }
    #[cfg(feature = "metrics")]
    {
        use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("_seconds".into()),
                tower_webhook::metrics::SECONDS_BUCKETS,
            )?
            .build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder)?;
        tower_webhook::metrics::describe();
        // The exporter folds its histograms when it renders; a scrape does that too.
        Ok(Router::new().route(
            "/metrics",
            get(move || {
                let handle = handle.clone();
                async move {
                    (
                        [(
                            http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8",
                        )],
                        handle.render(),
                    )
                }
            }),
        ))
    }
    #[cfg(not(feature = "metrics"))]
    Err("METRICS=1 is set, but this build has no metrics: \
         run with `--features metrics`"
        .into())
}

async fn deliveries(Extension(log): Extension<Log>) -> Result<Json<Vec<Record>>, StatusCode> {
    let log = log.lock().map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(log.clone()))
}

/// The secrets in a variable: comma-separated, kept exactly as written otherwise.
fn secrets(variable: &str) -> Option<Vec<String>> {
    let value = std::env::var(variable).ok()?;
    let secrets: Vec<String> = value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (!secrets.is_empty()).then_some(secrets)
}

fn layer<S: Scheme>(
    scheme: S,
    secrets: Vec<String>,
    store: &Arc<dyn ReplayStore>,
    inbox: &MaybeInbox,
) -> Result<WebhookLayer, ConfigError> {
    let verifier = Verifier::builder(scheme).secrets(secrets).build()?;
    Ok(with_inbox(
        WebhookLayer::new(verifier).replay_store(store.clone()),
        inbox,
    ))
}

/// `/console`: the operator console over the inbox when `CONSOLE_TOKEN` is set and not
/// empty (feature `inbox-console`). Its cookie leaves out `Secure` only when the receiver
/// listens on a loopback address, which a browser reaches over plain HTTP.
fn console_routes(
    inbox: &MaybeInbox,
    addr: SocketAddr,
) -> Result<(Router, bool), Box<dyn std::error::Error>> {
    let Some(token) = std::env::var("CONSOLE_TOKEN")
        .ok()
        .filter(|token| !token.is_empty())
    else {
        return Ok((Router::new(), false));
    };
    #[cfg(all(inbox, feature = "inbox-console"))]
    {
        let Some(inbox) = inbox else {
            return Err("CONSOLE_TOKEN is set, but there is no inbox: set INBOX_URL".into());
        };
        if token.len() < tower_webhook::inbox::MIN_CONSOLE_TOKEN_LEN {
            return Err(format!(
                "CONSOLE_TOKEN is too short: at least {} bytes (openssl rand -base64 32)",
                tower_webhook::inbox::MIN_CONSOLE_TOKEN_LEN
            )
            .into());
        }
        let auth = tower_webhook::inbox::ConsoleAuth::token(tower_webhook::Secret::from(token));
        let auth = if addr.ip().is_loopback() {
            auth.dangerous_cookie_over_plain_http()
        } else {
            auth
        };
        Ok((Router::new().nest("/console", inbox.console(auth)), true))
    }
    #[cfg(not(all(inbox, feature = "inbox-console")))]
    {
        let _ = (inbox, addr, token);
        Err("CONSOLE_TOKEN is set, but this build has no console: \
             run with `--features inbox-sqlite,inbox-console`"
            .into())
    }
}

#[cfg(inbox)]
type MaybeInbox = Option<tower_webhook::inbox::Inbox>;
#[cfg(not(inbox))]
type MaybeInbox = Option<std::convert::Infallible>;

/// The inbox `INBOX_URL` names (`sqlite://path`, a bare path, or `postgres://…`), if set.
async fn open_inbox() -> Result<MaybeInbox, Box<dyn std::error::Error>> {
    match std::env::var("INBOX_URL") {
        #[cfg(inbox)]
        Ok(url) => {
            let url = if url.contains("://") {
                url
            } else {
                format!("sqlite://{url}")
            };
            Ok(Some(tower_webhook::inbox::Inbox::connect(&url).await?))
        }
        #[cfg(not(inbox))]
        Ok(_) => Err("INBOX_URL is set, but this build has no inbox: \
                      run with `--features inbox-sqlite` or `--features inbox-postgres`"
            .into()),
        Err(_) => Ok(None),
    }
}

fn with_inbox(layer: WebhookLayer, inbox: &MaybeInbox) -> WebhookLayer {
    match inbox {
        #[cfg(inbox)]
        Some(inbox) => layer.inbox(inbox.clone()),
        #[cfg(not(inbox))]
        Some(never) => match *never {},
        None => layer,
    }
}

/// The tenants route's sources: the file is read again on each cache miss.
fn tenants(file: String, ttl: std::time::Duration) -> Sources {
    Sources::new(SourceKey::path_segment(2), move |key: String| {
        let file = file.clone();
        async move {
            let text = tokio::fs::read_to_string(&file).await.map_err(|e| {
                LookupError::with_source(
                    LookupErrorKind::Unavailable,
                    "TENANTS_FILE cannot be read",
                    e,
                )
            })?;
            let tenants: HashMap<String, OneOrMany> = serde_json::from_str(&text).map_err(|e| {
                LookupError::with_source(LookupErrorKind::Invalid, "TENANTS_FILE is not valid", e)
            })?;
            let Some((tenant, secrets)) = tenants.get_key_value(&key) else {
                return Ok(None);
            };
            let secrets = match secrets {
                OneOrMany::One(secret) => vec![secret.clone()],
                OneOrMany::Many(secrets) => secrets.clone(),
            };
            let verifier = Verifier::builder(providers::standard_webhooks())
                .secrets(secrets)
                .build()?;
            // The tenant's name as the file spells it is its identity (its replay namespace).
            Ok(Some(KnownSource::new(tenant.as_str(), verifier)))
        }
    })
    .ttl(ttl)
    .unknown_ttl(ttl)
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A Redis store when `REDIS_URL` is set, else one in memory.
async fn replay_store() -> Result<(Arc<dyn ReplayStore>, String), Box<dyn std::error::Error>> {
    match std::env::var("REDIS_URL") {
        #[cfg(feature = "redis")]
        Ok(url) => {
            let store = tower_webhook::replay::RedisStore::connect(&url).await?;
            let shown = url.split('@').next_back().unwrap_or_default().to_owned();
            Ok((
                Arc::new(store),
                format!("redis ({shown}), shared by every instance"),
            ))
        }
        #[cfg(not(feature = "redis"))]
        Ok(_) => Err("REDIS_URL is set, but this build has no Redis support: \
                      run with `--features redis`"
            .into()),
        Err(_) => Ok((
            Arc::new(MemoryStore::new()),
            "in-memory (one process)".to_owned(),
        )),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    let addr: SocketAddr = std::env::var("WEBHOOK_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3000".into())
        .parse()?;
    let public_url = std::env::var("WEBHOOK_PUBLIC_URL").ok();
    let (store, store_name) = replay_store().await?;
    let log: Log = Arc::default();
    let inbox = open_inbox().await?;
    let behaviour = Behaviour::from_env();
    let github = github_dispatch(&log, &behaviour);
    // The handler of each route: GitHub's dispatcher, or `record`.
    let handler = |path: &str| -> MethodRouter {
        if path == "/webhooks/github" {
            post_service(github.clone())
        } else {
            post(record)
        }
    };
    let mut paths: Vec<&'static str> = Vec::new();

    let mut app = Router::new();
    let mut mounted = Vec::new();
    let mut mount = |path: &'static str,
                     variable: &str,
                     make: &dyn Fn(Vec<String>) -> Result<WebhookLayer, ConfigError>|
     -> Result<(), ConfigError> {
        if let Some(secrets) = secrets(variable) {
            let count = secrets.len();
            let layer = make(secrets).map_err(|e| ConfigError::new(format!("{variable}: {e}")))?;
            app = std::mem::take(&mut app).route(path, handler(path).route_layer(layer));
            paths.push(path);
            mounted.push(format!("POST {path}  ({variable}, {count} secret(s))"));
        }
        Ok(())
    };
    mount("/webhooks/standard", "STANDARD_WEBHOOK_SECRET", &|s| {
        layer(providers::standard_webhooks(), s, &store, &inbox)
    })?;
    mount("/webhooks/svix", "SVIX_WEBHOOK_SECRET", &|s| {
        layer(providers::svix(), s, &store, &inbox)
    })?;
    mount("/webhooks/stripe", "STRIPE_WEBHOOK_SECRET", &|s| {
        layer(providers::stripe(), s, &store, &inbox)
    })?;
    mount("/webhooks/github", "GITHUB_WEBHOOK_SECRET", &|s| {
        layer(providers::github(), s, &store, &inbox)
    })?;
    mount("/webhooks/slack", "SLACK_SIGNING_SECRET", &|s| {
        layer(providers::slack(), s, &store, &inbox)
    })?;
    mount("/webhooks/shopify", "SHOPIFY_WEBHOOK_SECRET", &|s| {
        layer(providers::shopify(), s, &store, &inbox)
    })?;
    mount("/webhooks/twilio", "TWILIO_AUTH_TOKEN", &|s| {
        let base = public_url.as_deref().ok_or_else(|| {
            ConfigError::new(
                "Twilio signs the public URL it calls: set WEBHOOK_PUBLIC_URL to its base \
                 (say https://hooks.example.com)",
            )
        })?;
        layer(providers::twilio().public_url(base), s, &store, &inbox)
    })?;

    if let Ok(file) = std::env::var("TENANTS_FILE") {
        let ttl = std::env::var("TENANTS_TTL_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(
                std::time::Duration::from_secs(2),
                std::time::Duration::from_millis,
            );
        let layer = with_inbox(
            WebhookLayer::with_sources(tenants(file.clone(), ttl)).replay_store(store.clone()),
            &inbox,
        );
        paths.push("/webhooks/tenants/{tenant}/standard");
        app = app.route(
            "/webhooks/tenants/{tenant}/standard",
            post(record).route_layer(layer),
        );
        mounted.push(format!(
            "POST /webhooks/tenants/{{tenant}}/standard  (TENANTS_FILE {file}, re-read within {} ms)",
            ttl.as_millis()
        ));
    }

    let (console, has_console) = console_routes(&inbox, addr)?;
    let app = app
        .merge(console)
        .merge(metrics_routes()?)
        .merge(health_routes(&inbox))
        .route("/deliveries", get(deliveries))
        .layer(Extension(log.clone()))
        .layer(Extension(behaviour.clone()));
    // In inbox mode, workers run the same handlers over the stored deliveries.
    #[cfg(inbox)]
    let _workers = inbox.as_ref().map(|inbox| {
        let handlers = paths
            .iter()
            .fold(Router::new(), |router, path| {
                router.route(path, handler(path))
            })
            .layer(Extension(log.clone()))
            .layer(Extension(behaviour.clone()));
        let millis = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .map(std::time::Duration::from_millis)
        };
        let mut workers = inbox.workers(handlers);
        if let Some(lease) = millis("INBOX_LEASE_MS") {
            workers = workers.lease(lease);
        }
        if let Some(first) = millis("INBOX_RETRY_MS") {
            // Saturating: `Duration * 8` panics past its range (a huge INBOX_RETRY_MS).
            workers = workers.backoff(first, first.saturating_mul(8));
        }
        if let Some(timeout) = millis("INBOX_ATTEMPT_TIMEOUT_MS") {
            workers = workers.attempt_timeout(timeout);
        }
        if let Some(attempts) = std::env::var("INBOX_MAX_ATTEMPTS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            workers = workers.max_attempts(attempts);
        }
        workers.spawn()
    });
    #[cfg(not(inbox))]
    let _ = &paths;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    println!("replay store: {store_name}");
    if let Some(base) = &public_url {
        println!("public URL for URL-signed schemes: {base}");
    }
    if mounted.is_empty() {
        println!("no routes mounted: set a secret variable such as STRIPE_WEBHOOK_SECRET");
    }
    for line in &mounted {
        println!("mounted {line}");
    }
    if inbox.is_some() {
        // Without the credentials a postgres:// URL may hold.
        let url = std::env::var("INBOX_URL").unwrap_or_default();
        let shown = match url.split_once("://") {
            Some((scheme, rest)) => {
                format!("{scheme}://{}", rest.rsplit('@').next().unwrap_or(rest))
            }
            None => url,
        };
        println!("inbox: {shown} (deliveries answered 202 once written)");
    }
    if has_console {
        println!("console: /console (log in with CONSOLE_TOKEN)");
    }
    println!("GET /deliveries lists the deliveries handled");
    axum::serve(listener, app).await?;
    Ok(())
}
