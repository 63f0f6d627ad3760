//! The whole story in one run: a receiver on 127.0.0.1 with every preset, and a sender
//! that, through real HTTP, delivers to each one a valid delivery, the same delivery
//! again, a provider retry, a tampered body, a wrong secret, a stale timestamp and an
//! oversized body. Prints what happened and exits non-zero if any outcome is not the
//! expected one.
//!
//! ```text
//! cargo run --example demo
//! ```

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::{Extension, Router};
use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower_webhook::replay::MemoryStore;
use tower_webhook::{providers, Delivery, Scheme, Signer, Verifier, WebhookLayer};

/// Deliveries the handlers ran, in order.
type Log = Arc<Mutex<Vec<String>>>;

const BODY_LIMIT: usize = 256 * 1024;

type SignFn = Box<dyn Fn(&str, http::Request<Bytes>, SystemTime) -> http::Request<Bytes>>;

struct Preset {
    name: &'static str,
    path: &'static str,
    secret: &'static str,
    wrong_secret: &'static str,
    content_type: &'static str,
    body: &'static str,
    tampered: &'static str,
    signs_timestamp: bool,
    event_header: Option<(&'static str, &'static str)>,
    sign: SignFn,
}

#[allow(clippy::too_many_arguments)]
fn preset<S: Scheme + Clone>(
    scheme: S,
    name: &'static str,
    path: &'static str,
    secrets: (&'static str, &'static str),
    content_type: &'static str,
    body: &'static str,
    tampered: &'static str,
    signs_timestamp: bool,
) -> Preset {
    Preset {
        name,
        path,
        secret: secrets.0,
        wrong_secret: secrets.1,
        content_type,
        body,
        tampered,
        signs_timestamp,
        event_header: None,
        sign: Box::new(move |secret, request, at| {
            Signer::new(scheme.clone(), secret)
                .sign_with(request, "msg_demo_0001", at)
                .expect("demo requests can be signed")
        }),
    }
}

impl Preset {
    fn with_event_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.event_header = Some((name, value));
        self
    }
}

fn presets(public_url: &str) -> Vec<Preset> {
    let twilio = providers::twilio().public_url(public_url);
    vec![
        preset(
            providers::standard_webhooks(),
            "Standard Webhooks",
            "/webhooks/standard",
            (
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ),
            "application/json",
            r#"{"type":"invoice.paid","data":{"amount":4200}}"#,
            r#"{"type":"invoice.paid","data":{"amount":9900}}"#,
            true,
        ),
        preset(
            providers::svix(),
            "Svix",
            "/webhooks/svix",
            (
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            ),
            "application/json",
            r#"{"type":"user.created","data":{"id":"user_1"}}"#,
            r#"{"type":"user.deleted","data":{"id":"user_1"}}"#,
            true,
        ),
        preset(
            providers::stripe(),
            "Stripe",
            "/webhooks/stripe",
            ("whsec_demo_stripe_secret", "whsec_someone_else"),
            "application/json",
            r#"{"id":"evt_demo_0001","type":"payment_intent.succeeded","data":{"amount":4200}}"#,
            r#"{"id":"evt_demo_0001","type":"payment_intent.succeeded","data":{"amount":1}}"#,
            true,
        ),
        preset(
            providers::github(),
            "GitHub",
            "/webhooks/github",
            ("demo github secret", "someone else's secret"),
            "application/json",
            r#"{"ref":"refs/heads/main","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"}"#,
            r#"{"ref":"refs/heads/main","after":"0000000000000000000000000000000000000000"}"#,
            false,
        )
        .with_event_header("x-github-event", "push"),
        preset(
            providers::slack(),
            "Slack",
            "/webhooks/slack",
            (
                "8f742231b10e8888abcd99yyyzzz85a5",
                "0123456789abcdef0123456789abcdef",
            ),
            "application/json",
            r#"{"type":"event_callback","event_id":"Ev_demo_0001","event":{"type":"app_mention","text":"hi"}}"#,
            r#"{"type":"event_callback","event_id":"Ev_demo_0001","event":{"type":"app_mention","text":"rm -rf"}}"#,
            true,
        ),
        preset(
            providers::shopify(),
            "Shopify",
            "/webhooks/shopify",
            ("shpss_demo_client_secret", "shpss_someone_else"),
            "application/json",
            r#"{"id":820982911946154508,"total_price":"42.00"}"#,
            r#"{"id":820982911946154508,"total_price":"0.01"}"#,
            false,
        )
        .with_event_header("x-shopify-topic", "orders/create"),
        preset(
            twilio,
            "Twilio",
            "/webhooks/twilio",
            ("demo twilio auth token", "someone else's token"),
            "application/x-www-form-urlencoded",
            "MessageSid=SM0001&From=%2B14155550100&Body=Hello",
            "MessageSid=SM0001&From=%2B14155550100&Body=Goodbye",
            false,
        ),
    ]
}

fn route(router: Router, preset: &Preset, store: &Arc<MemoryStore>, public_url: &str) -> Router {
    fn layer<S: Scheme>(scheme: S, secret: &str, store: &Arc<MemoryStore>) -> WebhookLayer {
        let verifier = Verifier::new(scheme, secret).expect("valid secret");
        WebhookLayer::new(verifier)
            .replay_store(store.clone())
            .body_limit(BODY_LIMIT)
    }
    let layer = match preset.path {
        "/webhooks/standard" => layer(providers::standard_webhooks(), preset.secret, store),
        "/webhooks/svix" => layer(providers::svix(), preset.secret, store),
        "/webhooks/stripe" => layer(providers::stripe(), preset.secret, store),
        "/webhooks/github" => layer(providers::github(), preset.secret, store),
        "/webhooks/slack" => layer(providers::slack(), preset.secret, store),
        "/webhooks/shopify" => layer(providers::shopify(), preset.secret, store),
        _ => layer(
            providers::twilio().public_url(public_url),
            preset.secret,
            store,
        ),
    };
    router.route(preset.path, post(handle).route_layer(layer))
}

async fn handle(Extension(log): Extension<Log>, delivery: Delivery) -> StatusCode {
    log.lock().expect("log").push(format!(
        "{} {} {}",
        delivery.provider(),
        delivery.id(),
        delivery.event_type().unwrap_or("-")
    ));
    StatusCode::OK
}

#[derive(Clone, Copy, PartialEq)]
enum Ran {
    Yes,
    No,
}

struct Outcome {
    case: String,
    status: StatusCode,
    duplicate: bool,
    ran: Ran,
    expected: (StatusCode, Ran),
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let public_url = format!("http://{addr}");
    let log: Log = Arc::default();
    let store = Arc::new(MemoryStore::new());

    let presets = presets(&public_url);
    let mut app = Router::new();
    for preset in &presets {
        app = route(app, preset, &store, &public_url);
    }
    let app = app.layer(Extension(log.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiver listening on {public_url}\n");

    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut outcomes: Vec<(&str, Outcome)> = Vec::new();
    for preset in &presets {
        let url = format!("{public_url}{}", preset.path);
        let request = |body: String| {
            let mut builder =
                http::Request::post(url.as_str()).header("content-type", preset.content_type);
            if let Some((name, value)) = preset.event_header {
                builder = builder.header(name, value);
            }
            builder.body(Bytes::from(body)).expect("valid request")
        };
        let now = SystemTime::now();
        let valid = (preset.sign)(preset.secret, request(preset.body.into()), now);
        let retry = (preset.sign)(
            preset.secret,
            request(preset.body.into()),
            now + Duration::from_secs(30),
        );
        let tampered = {
            let signed = (preset.sign)(preset.secret, request(preset.body.into()), now);
            let (parts, _) = signed.into_parts();
            http::Request::from_parts(parts, Bytes::from(preset.tampered))
        };
        let wrong = (preset.sign)(preset.wrong_secret, request(preset.body.into()), now);
        let stale = (preset.sign)(
            preset.secret,
            request(preset.body.into()),
            now - Duration::from_secs(600),
        );
        let oversized = (preset.sign)(
            preset.secret,
            request(format!("{}{}", preset.body, " ".repeat(BODY_LIMIT))),
            now,
        );

        let ok = (StatusCode::OK, Ran::Yes);
        let duplicate = (StatusCode::OK, Ran::No);
        let unauthorized = (StatusCode::UNAUTHORIZED, Ran::No);
        let mut cases = vec![
            ("valid delivery", valid.clone(), ok),
            ("same delivery again", valid, duplicate),
            (
                "provider retry (same id, re-signed 30 s later)",
                retry,
                duplicate,
            ),
            ("tampered body", tampered, unauthorized),
            ("wrong secret", wrong, unauthorized),
        ];
        if preset.signs_timestamp {
            cases.push(("stale timestamp (10 min old)", stale, unauthorized));
        }
        cases.push((
            "oversized body",
            oversized,
            (StatusCode::PAYLOAD_TOO_LARGE, Ran::No),
        ));

        for (case, request, expected) in cases {
            let before = log.lock().expect("log").len();
            let response = client.request(request.map(Full::new)).await?;
            let status = response.status();
            let duplicate = response.headers().contains_key("webhook-duplicate");
            let _ = response.into_body().collect().await?;
            let ran = if log.lock().expect("log").len() > before {
                Ran::Yes
            } else {
                Ran::No
            };
            outcomes.push((
                preset.name,
                Outcome {
                    case: case.into(),
                    status,
                    duplicate,
                    ran,
                    expected,
                },
            ));
        }
        if !preset.signs_timestamp {
            outcomes.push((
                preset.name,
                Outcome {
                    case: "stale timestamp: not applicable, signs no timestamp".into(),
                    status: StatusCode::OK,
                    duplicate: false,
                    ran: Ran::No,
                    expected: (StatusCode::OK, Ran::No),
                },
            ));
        }
    }

    println!(
        "{:<18} {:<52} {:<14} {:<8} as expected",
        "provider", "sent", "status", "handler"
    );
    println!("{}", "-".repeat(107));
    let mut failures = 0;
    for (provider, outcome) in &outcomes {
        let not_sent = outcome.case.contains("not applicable");
        let good = (outcome.status, outcome.ran) == outcome.expected;
        failures += usize::from(!good);
        println!(
            "{:<18} {:<52} {:<14} {:<8} {}",
            provider,
            outcome.case,
            if not_sent {
                "-".to_owned()
            } else if outcome.duplicate {
                format!("{} duplicate", outcome.status.as_u16())
            } else {
                outcome.status.as_u16().to_string()
            },
            if not_sent {
                "-"
            } else if outcome.ran == Ran::Yes {
                "ran"
            } else {
                "no"
            },
            if good { "yes" } else { "NO" }
        );
    }
    println!("\nhandlers ran {} times:", log.lock().expect("log").len());
    for line in log.lock().expect("log").iter() {
        println!("  {line}");
    }
    if failures > 0 {
        eprintln!("\n{failures} outcome(s) differ from the expected ones");
        std::process::exit(1);
    }
    println!("\nevery outcome is the expected one");
    Ok(())
}
