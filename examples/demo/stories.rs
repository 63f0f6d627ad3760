//! The demo's later chapters: events dispatched by type, many sources on one endpoint,
//! and the durable inbox surviving a failing handler. Each chapter starts a server of its
//! own on 127.0.0.1, sends real HTTP, and returns how many checks failed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::routing::{post, post_service};
use axum::Router;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use tower_webhook::dispatch::{Dispatch, Dispatched, UNHANDLED_HEADER};
use tower_webhook::layer::{KnownSource, SourceKey, Sources, DUPLICATE_HEADER};
use tower_webhook::{providers, Delivery, Scheme, Signer, Verifier, WebhookLayer};

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;
type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// What the handlers of a chapter ran, in order.
type Ran = Arc<Mutex<Vec<String>>>;

fn ran(log: &Ran) -> Vec<String> {
    log.lock().map(|l| l.clone()).unwrap_or_default()
}

/// Prints one check and counts it if it failed.
struct Checks {
    failed: usize,
}

impl Checks {
    fn new(title: &str) -> Checks {
        println!("\n{title}\n{}", "-".repeat(107));
        Checks { failed: 0 }
    }
    fn check(&mut self, what: &str, seen: impl std::fmt::Display, good: bool) {
        self.failed += usize::from(!good);
        println!(
            "{:<70} {:<28} {}",
            what,
            seen.to_string(),
            if good { "yes" } else { "NO" }
        );
    }
}

async fn serve(app: Router) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}

async fn send(
    client: &HttpClient,
    request: http::Request<Bytes>,
) -> Result<(StatusCode, HeaderMap)> {
    let response = client.request(request.map(Full::new)).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let _ = response.into_body().collect().await?;
    Ok((status, headers))
}

fn post_json(url: &str, body: &str, headers: &[(&str, &str)]) -> http::Request<Bytes> {
    let mut builder = http::Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Bytes::from(body.to_owned()))
        .expect("valid request")
}

fn sign<S: Scheme>(
    scheme: S,
    secret: &str,
    request: http::Request<Bytes>,
    id: &str,
) -> http::Request<Bytes> {
    Signer::new(scheme, secret)
        .and_then(|signer| signer.sign_with(request, id, SystemTime::now()))
        .expect("demo requests can be signed")
}

/// Events routed by type: GitHub's `event.action` names and Stripe's prefixes, each to its
/// own handler; an event nobody registered for is acknowledged and marked, not retried.
pub async fn dispatch(client: &HttpClient) -> Result<usize> {
    let mut checks = Checks::new("dispatch by event type (tower_webhook::dispatch::Dispatch)");
    let log: Ran = Arc::default();
    let handler = |name: &'static str| {
        let log = log.clone();
        move |delivery: Delivery, dispatched: Dispatched| {
            let log = log.clone();
            async move {
                let entry = format!(
                    "{name} <- {} {}",
                    dispatched.name().unwrap_or_default(),
                    delivery.id()
                );
                log.lock().map(|mut l| l.push(entry)).ok();
                StatusCode::OK
            }
        }
    };
    let github = Dispatch::new()
        .on("push", handler("on_push"))
        .on("issues.opened", handler("on_issue_opened"));
    let stripe = Dispatch::new()
        .on("checkout.session.completed", handler("on_checkout"))
        .on("customer.subscription.*", handler("on_subscription"));
    let github_key = "a demo secret for the dispatch chapter";
    let stripe_key = "whsec_ZGVtbyBzdHJpcGUgZGlzcGF0Y2gga2V5";
    let app = Router::new()
        .route(
            "/github",
            post_service(github).route_layer(WebhookLayer::new(Verifier::new(
                providers::github(),
                github_key,
            )?)),
        )
        .route(
            "/stripe",
            post_service(stripe).route_layer(WebhookLayer::new(Verifier::new(
                providers::stripe(),
                stripe_key,
            )?)),
        );
    let base = serve(app).await?;

    let cases: [(&str, http::Request<Bytes>, &str); 5] = [
        (
            "GitHub push",
            sign(
                providers::github(),
                github_key,
                post_json(
                    &format!("{base}/github"),
                    r#"{"ref":"refs/heads/main"}"#,
                    &[("x-github-event", "push")],
                ),
                "gh-1",
            ),
            "on_push <- push gh-1",
        ),
        (
            "GitHub issues with action opened",
            sign(
                providers::github(),
                github_key,
                post_json(
                    &format!("{base}/github"),
                    r#"{"action":"opened","issue":{"number":1}}"#,
                    &[("x-github-event", "issues")],
                ),
                "gh-2",
            ),
            "on_issue_opened <- issues.opened gh-2",
        ),
        (
            "Stripe checkout.session.completed",
            sign(
                providers::stripe(),
                stripe_key,
                post_json(
                    &format!("{base}/stripe"),
                    r#"{"id":"evt_1","type":"checkout.session.completed"}"#,
                    &[],
                ),
                "evt_1",
            ),
            "on_checkout <- checkout.session.completed evt_1",
        ),
        (
            "Stripe customer.subscription.updated (prefix route)",
            sign(
                providers::stripe(),
                stripe_key,
                post_json(
                    &format!("{base}/stripe"),
                    r#"{"id":"evt_2","type":"customer.subscription.updated"}"#,
                    &[],
                ),
                "evt_2",
            ),
            "on_subscription <- customer.subscription.updated evt_2",
        ),
        (
            "GitHub star (nobody registered)",
            sign(
                providers::github(),
                github_key,
                post_json(
                    &format!("{base}/github"),
                    r#"{"action":"created"}"#,
                    &[("x-github-event", "star")],
                ),
                "gh-3",
            ),
            "",
        ),
    ];
    for (what, request, expected) in cases {
        let before = ran(&log).len();
        let (status, headers) = send(client, request).await?;
        let after = ran(&log);
        let handled = after.get(before).cloned().unwrap_or_default();
        if expected.is_empty() {
            let marked = headers.contains_key(UNHANDLED_HEADER);
            checks.check(
                &format!("{what}: acknowledged, marked, no handler"),
                format!(
                    "{} {}",
                    status.as_u16(),
                    if marked { "unhandled" } else { "" }
                ),
                status == StatusCode::OK && marked && after.len() == before,
            );
        } else {
            checks.check(
                &format!(
                    "{what} -> {}",
                    expected.split(' ').next().unwrap_or_default()
                ),
                status.as_u16(),
                status == StatusCode::OK && handled == expected,
            );
        }
    }
    Ok(checks.failed)
}

/// Many sources on one endpoint: each tenant's secret looked up per request (here in a
/// map standing for a database), rotated at run time.
pub async fn many_sources(client: &HttpClient) -> Result<usize> {
    let mut checks = Checks::new("many sources on one endpoint (WebhookLayer::with_sources)");
    let database: Arc<Mutex<HashMap<String, String>>> = Arc::new(Mutex::new(HashMap::from([
        (
            "acme".to_owned(),
            "whsec_YWNtZSBzZWNyZXQgb25lIGZvciB0aGUgZGVtbw==".to_owned(),
        ),
        (
            "globex".to_owned(),
            "whsec_Z2xvYmV4IHNlY3JldCBmb3IgdGhlIGRlbW8h".to_owned(),
        ),
    ])));
    let sources = {
        let database = database.clone();
        Sources::new(SourceKey::path_segment(1), move |key: String| {
            let found = database.lock().ok().and_then(|db| {
                db.get_key_value(&key)
                    .map(|(tenant, secret)| (tenant.clone(), secret.clone()))
            });
            async move {
                match found {
                    None => Ok(None),
                    // The tenant's name as stored is its identity: its replay namespace.
                    Some((tenant, secret)) => Ok(Some(KnownSource::new(
                        tenant,
                        Verifier::new(providers::standard_webhooks(), secret)?,
                    ))),
                }
            }
        })
    };
    let log: Ran = Arc::default();
    let handler = {
        let log = log.clone();
        move |delivery: Delivery| {
            let log = log.clone();
            async move {
                let entry = format!("{} {}", delivery.source().unwrap_or("-"), delivery.id());
                log.lock().map(|mut l| l.push(entry)).ok();
                StatusCode::OK
            }
        }
    };
    let app = Router::new().route(
        "/tenants/{tenant}/hooks",
        post(handler).route_layer(WebhookLayer::with_sources(sources.clone())),
    );
    let base = serve(app).await?;
    let secret = |tenant: &str| -> String {
        database
            .lock()
            .ok()
            .and_then(|db| db.get(tenant).cloned())
            .unwrap_or_default()
    };
    let delivery = |tenant: &str, secret: &str, id: &str| {
        sign(
            providers::standard_webhooks(),
            secret,
            post_json(
                &format!("{base}/tenants/{tenant}/hooks"),
                r#"{"type":"demo"}"#,
                &[],
            ),
            id,
        )
    };
    let acme_old = secret("acme");

    let (status, _) = send(client, delivery("acme", &acme_old, "msg_1")).await?;
    checks.check(
        "acme, signed with acme's secret",
        status.as_u16(),
        status == StatusCode::OK && ran(&log).last().map(String::as_str) == Some("acme msg_1"),
    );
    let (status, _) = send(client, delivery("globex", &secret("globex"), "msg_1")).await?;
    checks.check(
        "globex, the same id: its own source, handled too",
        status.as_u16(),
        status == StatusCode::OK && ran(&log).last().map(String::as_str) == Some("globex msg_1"),
    );
    let (status, _) = send(client, delivery("globex", &acme_old, "msg_2")).await?;
    checks.check(
        "globex's route, signed with acme's secret",
        status.as_u16(),
        status == StatusCode::UNAUTHORIZED,
    );
    let (status, _) = send(client, delivery("initech", &acme_old, "msg_3")).await?;
    checks.check(
        "a tenant the database does not know",
        status.as_u16(),
        status == StatusCode::NOT_FOUND,
    );

    // Rotation: a new secret in the database, the cache told, no restart.
    let acme_new = "whsec_YWNtZSBzZWNyZXQgdHdvIGFmdGVyIHJvdGF0aW9u".to_owned();
    if let Ok(mut db) = database.lock() {
        db.insert("acme".to_owned(), acme_new.clone());
    }
    sources.invalidate("acme");
    let (status, _) = send(client, delivery("acme", &acme_new, "msg_4")).await?;
    checks.check(
        "acme after rotation, the new secret",
        status.as_u16(),
        status == StatusCode::OK,
    );
    let (status, _) = send(client, delivery("acme", &acme_old, "msg_5")).await?;
    checks.check(
        "acme after rotation, the old secret",
        status.as_u16(),
        status == StatusCode::UNAUTHORIZED,
    );
    let handled = ran(&log).len();
    checks.check("handler runs", handled, handled == 3);
    Ok(checks.failed)
}

/// The durable inbox: every delivery acknowledged at once, the handler failing twice per
/// delivery and then recovering; each delivery handled once, none lost, a duplicate not
/// stored again; a delivery that keeps failing goes dead and is replayed by a person.
pub async fn inbox(client: &HttpClient) -> Result<usize> {
    use tower_webhook::inbox::{DeliveryState, Inbox, InboxJob, ListFilter};

    let mut checks = Checks::new("durable inbox (SQLite) surviving a failing handler");
    let dir = std::env::temp_dir().join(format!("tower-webhook-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let inbox = Inbox::sqlite(dir.join("inbox.db")).await?;

    // Fails the first two attempts of each delivery; "poison" fails until `fixed`.
    let handled: Ran = Arc::default();
    let fixed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let handler = {
        let (handled, fixed) = (handled.clone(), fixed.clone());
        move |delivery: Delivery, axum::Extension(job): axum::Extension<InboxJob>| {
            let (handled, fixed) = (handled.clone(), fixed.clone());
            async move {
                let poison = delivery.id() == "msg_poison";
                if job.attempt() <= 2
                    || (poison && !fixed.load(std::sync::atomic::Ordering::SeqCst))
                {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                handled
                    .lock()
                    .map(|mut l| l.push(delivery.id().to_owned()))
                    .ok();
                StatusCode::OK
            }
        }
    };
    let handlers = Router::new().route("/hooks", post(handler));
    let secret = "whsec_aW5ib3ggZGVtbyBzZWNyZXQgZm9yIHRoZSBzdG9yeQ==";
    let layer = WebhookLayer::new(Verifier::new(providers::standard_webhooks(), secret)?)
        .inbox(inbox.clone());
    let app = handlers.clone().route_layer(layer);
    let workers = inbox
        .workers(handlers)
        .max_attempts(4)
        .backoff(Duration::from_millis(20), Duration::from_millis(100))
        .spawn();
    let base = serve(app).await?;
    let delivery = |id: &str| {
        sign(
            providers::standard_webhooks(),
            secret,
            post_json(&format!("{base}/hooks"), r#"{"type":"order.paid"}"#, &[]),
            id,
        )
    };

    let started = Instant::now();
    let mut accepted = 0;
    for n in 1..=5 {
        let (status, _) = send(client, delivery(&format!("msg_{n}"))).await?;
        accepted += usize::from(status == StatusCode::ACCEPTED);
    }
    let elapsed = started.elapsed();
    checks.check(
        "5 deliveries, each answered 202 as soon as it is written",
        format!("{accepted} x 202 in {} ms", elapsed.as_millis()),
        accepted == 5,
    );
    let (status, headers) = send(client, delivery("msg_1")).await?;
    checks.check(
        "msg_1 again (a provider retry): a duplicate, not stored twice",
        format!(
            "{} duplicate={}",
            status.as_u16(),
            headers.contains_key(DUPLICATE_HEADER)
        ),
        status.is_success() && headers.contains_key(DUPLICATE_HEADER),
    );
    let (status, _) = send(client, delivery("msg_poison")).await?;
    checks.check(
        "msg_poison: accepted too",
        status.as_u16(),
        status == StatusCode::ACCEPTED,
    );

    // The workers retry with backoff; wait for the outcome.
    let deadline = Instant::now() + Duration::from_secs(30);
    let stats = loop {
        let stats = inbox.stats().await?;
        if stats.done == 5 && stats.dead == 1 || Instant::now() > deadline {
            break stats;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut once = ran(&handled);
    once.sort();
    checks.check(
        "after 2 failures each, all 5 handled, each exactly once",
        format!("done {} handled {}", stats.done, once.len()),
        stats.done == 5 && once == ["msg_1", "msg_2", "msg_3", "msg_4", "msg_5"],
    );
    let dead = inbox
        .list(&ListFilter::new().state(DeliveryState::Dead))
        .await?;
    checks.check(
        "msg_poison: dead after 4 attempts, waiting for a person",
        format!("dead {}", dead.len()),
        dead.len() == 1
            && dead
                .first()
                .is_some_and(|d| d.delivery_id == "msg_poison" && d.attempts == 4),
    );
    fixed.store(true, std::sync::atomic::Ordering::SeqCst);
    let replayed = inbox.replay_dead().await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let stats = loop {
        let stats = inbox.stats().await?;
        if stats.done == 6 || Instant::now() > deadline {
            break stats;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    checks.check(
        "the bug fixed, the dead delivery replayed: handled",
        format!("replayed {replayed} done {}", stats.done),
        replayed == 1 && stats.done == 6 && stats.dead == 0,
    );
    workers.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(checks.failed)
}

/// The inbox as tenants share it: one tenant's flood never starves another, one
/// customer's events run in the order received (a failing one holds back only its
/// customer), the stored requests are encrypted on disk, and the list pages by keyset.
pub async fn inbox_at_volume(client: &HttpClient) -> Result<usize> {
    use tower_webhook::inbox::{AtRestKeys, Inbox, InboxJob, ListFilter, OrderingKey};
    use tower_webhook::Secret;

    let mut checks =
        Checks::new("the inbox shared: fair tenants, ordered customers, encrypted at rest");
    let dir =
        std::env::temp_dir().join(format!("tower-webhook-demo-volume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let key = Secret::from("q8ZQ6b4Qm1ZbfyWQ4mBSv8bJ2E0c9HqK1u0xR3p0P9g=");
    let inbox = Inbox::sqlite(dir.join("inbox.db"))
        .await?
        .ordered_by(OrderingKey::json_field("data.customer"))
        .encrypt_at_rest(AtRestKeys::new("demo-2026", &key)?);

    // Records each attempt as "tenant:customer:n"; cus_1's first event fails its first.
    let handled: Ran = Arc::default();
    let handler = {
        let handled = handled.clone();
        move |delivery: Delivery, axum::Extension(job): axum::Extension<InboxJob>| {
            let handled = handled.clone();
            async move {
                let body: serde_json::Value =
                    serde_json::from_slice(delivery.body()).unwrap_or_default();
                let name = format!(
                    "{}:{}:{}",
                    delivery.source().unwrap_or("-"),
                    body["data"]["customer"].as_str().unwrap_or("-"),
                    body["data"]["n"]
                );
                handled.lock().map(|mut l| l.push(name.clone())).ok();
                if name == "quiet:cus_1:1" && job.attempt() == 1 {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                StatusCode::OK
            }
        }
    };
    let handlers = Router::new().route("/hooks/{tenant}", post(handler));
    let secret = "whsec_dm9sdW1lIGRlbW8gc2VjcmV0IGZvciB0aGUgc3Rvcnk=";
    let verifier = Verifier::new(providers::standard_webhooks(), secret)?;
    let tenant = |name: &str| {
        Router::new()
            .route(&format!("/hooks/{name}"), post(|| async { StatusCode::OK }))
            .route_layer(WebhookLayer::new(verifier.for_source(name)).inbox(inbox.clone()))
    };
    let base = serve(tenant("flood").merge(tenant("quiet"))).await?;
    let delivery = |tenant: &str, customer: &str, n: u32| {
        sign(
            providers::standard_webhooks(),
            secret,
            post_json(
                &format!("{base}/hooks/{tenant}"),
                &format!(
                    r#"{{"type":"invoice.paid","data":{{"customer":"{customer}","n":{n},"card":"4242-SECRET-CARD"}}}}"#
                ),
                &[],
            ),
            &format!("msg_{tenant}_{customer}_{n}"),
        )
    };

    // One tenant floods 300 deliveries (each its own customer), then the quiet tenant
    // sends three events of one customer, before any worker runs.
    let mut accepted = 0;
    for n in 0..300 {
        let (status, _) = send(client, delivery("flood", &format!("cus_f{n}"), 1)).await?;
        accepted += usize::from(status == StatusCode::ACCEPTED);
    }
    for n in 1..=3 {
        let (status, _) = send(client, delivery("quiet", "cus_1", n)).await?;
        accepted += usize::from(status == StatusCode::ACCEPTED);
    }
    let stats = inbox.stats().await?;
    checks.check(
        "303 accepted; cus_1's 2nd and 3rd held behind its 1st",
        format!("pending {} held {}", stats.pending, stats.held),
        accepted == 303 && stats.pending == 301 && stats.held == 2,
    );

    let database = std::fs::read(dir.join("inbox.db")).unwrap_or_default();
    let wal = std::fs::read(dir.join("inbox.db-wal")).unwrap_or_default();
    let found = |bytes: &[u8]| bytes.windows(16).any(|w| w == b"4242-SECRET-CARD");
    let plain = found(&database) || found(&wal);
    checks.check(
        "on disk (the file and its WAL): no body in clear",
        format!(
            "{} bytes read, card found: {plain}",
            database.len() + wal.len()
        ),
        !plain && !database.is_empty(),
    );

    let mut listed = 0;
    let mut pages = 0;
    let mut page = inbox.list(&ListFilter::new().limit(100)).await?;
    while let Some(last) = page.last().cloned() {
        listed += page.len();
        pages += 1;
        page = inbox
            .list(&ListFilter::new().limit(100).after(&last))
            .await?;
    }
    checks.check(
        "the list in pages of 100 (keyset): every delivery once",
        format!("{listed} in {pages} pages"),
        listed == 303 && pages == 4,
    );

    let workers = inbox
        .workers(handlers)
        .concurrency(1)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .spawn();
    let deadline = Instant::now() + Duration::from_secs(60);
    let stats = loop {
        let stats = inbox.stats().await?;
        if stats.done == 303 || Instant::now() > deadline {
            break stats;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    workers.shutdown().await;
    let order = ran(&handled);
    let quiet_at = order.iter().position(|name| name.starts_with("quiet:"));
    checks.check(
        "the quiet tenant's first event ran second, not after the flood's 300",
        format!("attempt {quiet_at:?} of {}", order.len()),
        stats.done == 303 && quiet_at.is_some_and(|at| at <= 1),
    );
    let quiet: Vec<&String> = order
        .iter()
        .filter(|name| name.starts_with("quiet:"))
        .collect();
    checks.check(
        "cus_1's events in order: its 1st failed, retried, then the 2nd, the 3rd",
        quiet
            .iter()
            .map(|name| name.trim_start_matches("quiet:cus_1:"))
            .collect::<Vec<_>>()
            .join(" "),
        quiet
            == [
                "quiet:cus_1:1",
                "quiet:cus_1:1",
                "quiet:cus_1:2",
                "quiet:cus_1:3",
            ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(checks.failed)
}

/// PayPal: no shared secret, a certificate named in each delivery. The layer resolves the
/// certificate per request through `Sources` (cached), fetched by the application's
/// fetcher (here an in-process one serving a test chain) only from PayPal's own hosts, and
/// checks the chain against trust anchors (here a test root: the real default is Mozilla's
/// roots).
#[cfg(feature = "paypal")]
pub async fn paypal(client: &HttpClient) -> Result<usize> {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;
    use tower_webhook::layer::{LookupError, LookupErrorKind};
    use tower_webhook::providers::paypal;

    // Made by scripts/paypal_fixtures.sh (OpenSSL): a test root, and a certificate for
    // messageverificationcerts.paypal.com it signed, with its private key (PayPal's, in
    // real life).
    const ROOT: &[u8] = include_bytes!("../../tests/fixtures/paypal/test_ca.pem");
    const CHAIN: &[u8] = include_bytes!("../../tests/fixtures/paypal/leaf_chain.pem");
    const PAYPAL_KEY: &str = include_str!("../../tests/fixtures/paypal/leaf_key.pem");
    const FORGER_KEY: &str = include_str!("../../tests/fixtures/paypal/self_signed_key.pem");
    const CERT_URL: &str = "https://api.paypal.com/v1/notifications/certs/CERT-demo";

    let mut checks = Checks::new(
        "PayPal: the certificate named in each delivery (paypal::Certificates through Sources)",
    );
    let roots = CertificateDer::pem_slice_iter(ROOT).collect::<std::result::Result<Vec<_>, _>>()?;
    let scheme = || providers::paypal("WH-DEMO-0001").trust_anchors(&roots);
    let fetches = Arc::new(AtomicUsize::new(0));
    let fetcher = {
        let fetches = fetches.clone();
        move |url: String| {
            fetches.fetch_add(1, Ordering::SeqCst);
            // PayPal serves the certificate under both of its API hosts.
            let path = CERT_URL.trim_start_matches("https://api.paypal.com");
            let known = url == CERT_URL || url == format!("https://api-m.paypal.com{path}");
            std::future::ready(if known {
                Ok(Bytes::from_static(CHAIN))
            } else {
                Err(LookupError::new(
                    LookupErrorKind::Invalid,
                    "no such certificate",
                ))
            })
        }
    };
    let sources = Sources::new(
        SourceKey::header(paypal::CERT_URL),
        paypal::Certificates::new(scheme(), fetcher),
    );
    let log: Ran = Arc::default();
    let handler = {
        let log = log.clone();
        move |delivery: Delivery| {
            let log = log.clone();
            async move {
                log.lock()
                    .map(|mut l| l.push(delivery.id().to_owned()))
                    .ok();
                StatusCode::OK
            }
        }
    };
    let app = Router::new().route(
        "/paypal",
        post(handler).route_layer(WebhookLayer::with_sources(sources)),
    );
    let base = serve(app).await?;
    let delivery = |key: &str, id: &str, cert_url: &str| -> Result<http::Request<Bytes>> {
        let body = r#"{"id":"WH-EVT-1","event_type":"PAYMENT.CAPTURE.COMPLETED"}"#;
        let mut request = sign(
            scheme(),
            key,
            post_json(&format!("{base}/paypal"), body, &[]),
            id,
        );
        request
            .headers_mut()
            .insert(paypal::CERT_URL, http::HeaderValue::from_str(cert_url)?);
        Ok(request)
    };

    let first = delivery(PAYPAL_KEY, "8f1c3a60-0001", CERT_URL)?;
    let (status, _) = send(client, first.clone()).await?;
    let fetched = fetches.load(Ordering::SeqCst);
    checks.check(
        "signed by PayPal's certificate: fetched, chain checked, handled",
        format!("{status} fetched {fetched}"),
        status == StatusCode::OK && fetched == 1,
    );
    let (status, headers) = send(client, first).await?;
    checks.check(
        "the same delivery again: a duplicate",
        format!(
            "{status} duplicate={}",
            headers.contains_key(DUPLICATE_HEADER)
        ),
        status == StatusCode::OK && headers.contains_key(DUPLICATE_HEADER),
    );
    // The certificate URL is not signed: the same transmission, naming the same
    // certificate on PayPal's other API host, is still the same delivery.
    let mut other_host = delivery(PAYPAL_KEY, "8f1c3a60-0001", CERT_URL)?;
    other_host.headers_mut().insert(
        paypal::CERT_URL,
        http::HeaderValue::from_static("https://api-m.paypal.com/v1/notifications/certs/CERT-demo"),
    );
    let (status, headers) = send(client, other_host).await?;
    checks.check(
        "the same transmission naming PayPal's other host (api-m): a duplicate",
        format!(
            "{status} duplicate={}",
            headers.contains_key(DUPLICATE_HEADER)
        ),
        status == StatusCode::OK && headers.contains_key(DUPLICATE_HEADER),
    );
    let (status, _) = send(client, delivery(PAYPAL_KEY, "8f1c3a60-0002", CERT_URL)?).await?;
    let fetched = fetches.load(Ordering::SeqCst);
    checks.check(
        "the next delivery: the certificate comes from the cache",
        format!("{status} fetched {fetched}"),
        status == StatusCode::OK && fetched == 2,
    );
    let (status, _) = send(client, delivery(FORGER_KEY, "8f1c3a60-0003", CERT_URL)?).await?;
    checks.check(
        "signed with a forger's key, naming PayPal's certificate",
        status,
        status == StatusCode::UNAUTHORIZED,
    );
    let elsewhere = "https://certs.attacker.example/v1/notifications/certs/CERT-demo";
    let (status, _) = send(client, delivery(FORGER_KEY, "8f1c3a60-0004", elsewhere)?).await?;
    let fetched = fetches.load(Ordering::SeqCst);
    checks.check(
        "a certificate URL off PayPal's hosts: refused, nothing fetched",
        format!("{status} fetched {fetched}"),
        status == StatusCode::NOT_FOUND && fetched == 2,
    );
    let handled = ran(&log);
    checks.check(
        "handler runs",
        handled.len(),
        handled == ["8f1c3a60-0001", "8f1c3a60-0002"],
    );
    Ok(checks.failed)
}

/// Without the `paypal` feature the chapter says how to see it.
#[cfg(not(feature = "paypal"))]
pub async fn paypal(_: &HttpClient) -> Result<usize> {
    println!("\n(PayPal's certificate chapter needs the `paypal` feature: --all-features)");
    Ok(0)
}

/// What an operator sees: why an attempt failed (the handler's status and the first bytes
/// of its answer), an alert for it, the readiness probe, and the metrics of every
/// outcome in the Prometheus text format (feature `metrics`).
pub async fn seeing_it(client: &HttpClient) -> Result<usize> {
    use tower_webhook::inbox::{Alert, Inbox, InboxJob, ListFilter, ReadinessCheck};

    let mut checks =
        Checks::new("seeing it in production: failure reasons, alerts, health, metrics");
    #[cfg(feature = "metrics")]
    let metrics = {
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
        handle
    };
    let dir = std::env::temp_dir().join(format!("tower-webhook-demo-ops-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let inbox = Inbox::sqlite(dir.join("inbox.db")).await?;

    // The first attempt finds the payment service down, and says so.
    let handler = |axum::Extension(job): axum::Extension<InboxJob>| async move {
        if job.attempt() == 1 {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "payment service down: connection refused",
            )
        } else {
            (StatusCode::OK, "")
        }
    };
    let handlers = Router::new().route("/hooks", post(handler));
    let secret = "whsec_c2VlaW5nIGl0IGluIHByb2R1Y3Rpb24gZGVtbw==";
    let layer = WebhookLayer::new(Verifier::new(providers::standard_webhooks(), secret)?)
        .inbox(inbox.clone());
    let app = handlers.clone().route_layer(layer);
    // The operator console beside the receiver, behind a token (plain HTTP on
    // 127.0.0.1 here, so its cookie goes without `Secure`).
    #[cfg(feature = "inbox-console")]
    let console_token = "demo-console-token-of-32-bytes-or-so";
    #[cfg(feature = "inbox-console")]
    let app = app.nest(
        "/console",
        inbox.console(
            tower_webhook::inbox::ConsoleAuth::token(console_token)
                .dangerous_cookie_over_plain_http(),
        ),
    );
    let alerts: Arc<Mutex<Vec<String>>> = Arc::default();
    let workers = inbox
        .workers(handlers)
        .backoff(Duration::from_millis(20), Duration::from_millis(100))
        .on_alert({
            let alerts = alerts.clone();
            move |alert| {
                if let Alert::AttemptFailed(failed) = alert {
                    let line = format!(
                        "{} {}: {}",
                        failed.provider, failed.delivery_id, failed.error
                    );
                    alerts.lock().map(|mut a| a.push(line)).ok();
                }
            }
        })
        .spawn();
    let base = serve(app).await?;
    let delivery = sign(
        providers::standard_webhooks(),
        secret,
        post_json(&format!("{base}/hooks"), r#"{"type":"invoice.paid"}"#, &[]),
        "msg_ops_1",
    );
    let mut tampered = copy_request(&delivery);
    *tampered.body_mut() = Bytes::from_static(br#"{"type":"invoice.refunded"}"#);
    let (status, _) = send(client, delivery).await?;
    let (refused, _) = send(client, tampered).await?;
    checks.check(
        "a delivery accepted, a tampered copy refused",
        format!("{} then {}", status.as_u16(), refused.as_u16()),
        status == StatusCode::ACCEPTED && refused == StatusCode::UNAUTHORIZED,
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    while inbox.stats().await?.done < 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let listed = inbox.list(&ListFilter::new()).await?;
    let details = match listed.first() {
        Some(record) => inbox.get(record.id).await?,
        None => None,
    };
    let first = details.as_ref().and_then(|d| d.attempts.first().cloned());
    checks.check(
        "attempt 1 kept why it failed: the status and the handler's answer",
        first
            .as_ref()
            .map(|a| format!("{:?}", a.status.map(|s| s.as_u16())))
            .unwrap_or_default(),
        first.as_ref().is_some_and(|a| {
            a.status == Some(StatusCode::SERVICE_UNAVAILABLE)
                && a.response.as_deref() == Some("payment service down: connection refused")
                && a.duration.is_some()
        }),
    );
    let alerted = alerts.lock().map(|a| a.clone()).unwrap_or_default();
    checks.check(
        "the alert hook heard of it, with the delivery and the reason",
        format!("{} alert(s)", alerted.len()),
        alerted.len() == 1
            && alerted
                .first()
                .is_some_and(|a| a.contains("msg_ops_1") && a.contains("payment service down")),
    );
    let ready = inbox.readiness(&ReadinessCheck::new()).await;
    checks.check(
        "ready: the database answers, the workers run, nothing is late",
        if ready.is_ok() { "ready" } else { "not ready" },
        ready.is_ok() && inbox.liveness().is_ok(),
    );
    #[cfg(feature = "metrics")]
    {
        let text = metrics.render();
        let count = |needle: &[&str]| {
            text.lines()
                .filter(|l| !l.starts_with('#') && needle.iter().all(|n| l.contains(n)))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .sum::<f64>()
        };
        let accepted = count(&["webhook_requests_total{", "outcome=\"accepted\""]);
        let refused = count(&["webhook_requests_total{", "reason=\"signature_mismatch\""]);
        let failures = count(&["webhook_inbox_attempts_total{", "result=\"failure\""]);
        let successes = count(&["webhook_inbox_attempts_total{", "result=\"success\""]);
        checks.check(
            "metrics: accepted, refused by reason, attempts by result",
            format!("{accepted}/{refused}/{failures}/{successes}"),
            accepted == 1.0 && refused == 1.0 && failures == 1.0 && successes == 1.0,
        );
    }
    #[cfg(not(feature = "metrics"))]
    println!("(metrics: build the demo with `--features metrics` to see them)");
    #[cfg(feature = "inbox-console")]
    {
        let page = |path: &str, token: Option<&str>| {
            let mut request = http::Request::get(format!("{base}/console{path}"));
            if let Some(token) = token {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            request.body(Bytes::new())
        };
        let anonymous = client
            .request(page("/deliveries", None)?.map(Full::new))
            .await?;
        let list = client
            .request(page("/deliveries", Some(console_token))?.map(Full::new))
            .await?;
        let list_status = list.status();
        let list_text = http_body_util::BodyExt::collect(list.into_body())
            .await?
            .to_bytes();
        let list_text = String::from_utf8_lossy(&list_text);
        checks.check(
            "the console: a login for strangers, the delivery for the operator",
            format!("{} / {}", anonymous.status().as_u16(), list_status.as_u16()),
            anonymous.status() == StatusCode::SEE_OTHER
                && list_status == StatusCode::OK
                && list_text.contains("msg_ops_1"),
        );
        let id = listed.first().map(|record| record.id);
        let detail = match id {
            Some(id) => {
                let response = client
                    .request(
                        page(&format!("/deliveries/{id}"), Some(console_token))?.map(Full::new),
                    )
                    .await?;
                let body = http_body_util::BodyExt::collect(response.into_body()).await?;
                String::from_utf8_lossy(&body.to_bytes()).into_owned()
            }
            None => String::new(),
        };
        checks.check(
            "its delivery page shows why attempt 1 failed",
            if detail.contains("payment service down") {
                "shown"
            } else {
                "missing"
            },
            detail.contains("payment service down") && detail.contains("503"),
        );
    }
    #[cfg(not(feature = "inbox-console"))]
    println!("(the console: build the demo with `--features inbox-console` to see it)");
    workers.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(checks.failed)
}

/// The gateway's first piece: a Stripe delivery verified at the edge, kept by the inbox,
/// and forwarded to an internal service signed anew with Standard Webhooks under that
/// service's own key, which it verifies with this crate; the provider's retry is a
/// duplicate at the edge and never forwarded.
#[cfg(feature = "forward")]
pub async fn forwarding(client: &HttpClient) -> Result<usize> {
    use tower_webhook::forward::Forward;
    use tower_webhook::inbox::Inbox;

    let mut checks =
        Checks::new("forwarding: verified at the edge, signed anew for an internal service");
    let billing_key = "whsec_Zm9yd2FyZGVkIHRvIHRoZSBiaWxsaW5nIHNlcnZpY2U=";
    let stripe_secret = "whsec_demo_stripe_forwarding";

    // The internal billing service: it knows one scheme and one key, not Stripe's.
    let seen: Arc<Mutex<Vec<(String, Bytes)>>> = Arc::default();
    let billing = Router::new()
        .route(
            "/hooks",
            post({
                let seen = seen.clone();
                move |headers: HeaderMap, body: Bytes| {
                    let seen = seen.clone();
                    async move {
                        let id = headers
                            .get("webhook-id")
                            .and_then(|id| id.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        seen.lock().map(|mut s| s.push((id, body))).ok();
                        "billed"
                    }
                }
            }),
        )
        .route_layer(WebhookLayer::new(Verifier::new(
            providers::standard_webhooks(),
            billing_key,
        )?));
    let billing = serve(billing).await?;

    // The edge: Stripe's deliveries into the inbox; the workers forward them.
    let dir =
        std::env::temp_dir().join(format!("tower-webhook-demo-forward-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let inbox = Inbox::sqlite(dir.join("gateway.db")).await?;
    let forward = Forward::to(format!("{billing}/hooks").parse()?, billing_key)?.name("billing");
    let workers = inbox
        .workers(forward)
        .poll_interval(Duration::from_millis(20))
        .spawn();
    let edge = Router::new()
        .route("/in/stripe", post(|| async { "the inbox takes it" }))
        .route_layer(
            WebhookLayer::new(Verifier::new(providers::stripe(), stripe_secret)?)
                .inbox(inbox.clone()),
        );
    let edge = serve(edge).await?;

    let body = r#"{"id":"evt_forwarded","type":"invoice.paid","object":"event"}"#;
    let delivery = sign(
        providers::stripe(),
        stripe_secret,
        post_json(&format!("{edge}/in/stripe"), body, &[]),
        "evt_forwarded",
    );
    let retry = copy_request(&delivery);
    let (status, _) = send(client, delivery).await?;
    let (again, headers) = send(client, retry).await?;
    checks.check(
        "Stripe's delivery accepted at the edge, its retry a duplicate",
        format!("{} then {}", status.as_u16(), again.as_u16()),
        status == StatusCode::ACCEPTED && headers.contains_key(DUPLICATE_HEADER),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while inbox.stats().await?.done < 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let forwarded = seen.lock().map(|s| s.clone()).unwrap_or_default();
    checks.check(
        "billing verified it under its own key, once, the body byte for byte",
        format!("{} forwarded", forwarded.len()),
        forwarded.len() == 1 && forwarded.first().is_some_and(|(_, b)| b == body.as_bytes()),
    );
    checks.check(
        "its webhook-id is the gateway's, not Stripe's (stable across retries)",
        forwarded
            .first()
            .map(|(id, _)| id.clone())
            .unwrap_or_default(),
        forwarded
            .first()
            .is_some_and(|(id, _)| id.starts_with("msg_") && id != "evt_forwarded"),
    );
    workers.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(checks.failed)
}

fn copy_request(request: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}
