//! The whole story in one run: a receiver on 127.0.0.1 and a sender, through real HTTP.
//!
//! 1. Seven presets (Standard Webhooks, Svix, Stripe, GitHub, Slack, Shopify, Twilio) each
//!    get a valid delivery, the same delivery again, a provider retry, a tampered body, a
//!    wrong secret, a stale timestamp and an oversized body.
//! 2. Every preset of [`providers::ALL`], on a route of its own with a layer of its own,
//!    gets a delivery signed with its example key, the same delivery again and a tampered
//!    one (Mailgun's signature is built with `providers::mailgun::signature`, Braintree's
//!    with `providers::braintree::signature`; Adyen's is signed inside a notification).
//! 3. Events dispatched by type: GitHub's `push` and `issues.opened`, Stripe's
//!    `checkout.session.completed` and `customer.subscription.*`, each to its handler; an
//!    event nobody registered for acknowledged and marked.
//! 4. Many sources on one endpoint: tenants' secrets looked up per request, a secret of
//!    one tenant refused on another's route, an unknown tenant `404`, a secret rotated at
//!    run time.
//! 5. The durable inbox (a SQLite file): deliveries answered `202` at once while the
//!    handler fails; each handled exactly once after its retries; a delivery that keeps
//!    failing dead-lettered, then replayed.
//! 6. PayPal's certificates (feature `paypal`): the certificate each delivery names is
//!    fetched once through the application's fetcher (an in-process one here), its chain
//!    checked against a test root, then cached; a forger's signature `401`; a certificate
//!    URL off PayPal's hosts `404` with nothing fetched.
//!
//! Prints what happened and exits non-zero if any outcome is not the expected one.
//!
//! ```text
//! cargo run --example demo --all-features
//! ```

mod stories;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::{Extension, Router};
use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower_webhook::layer::DUPLICATE_HEADER;
use tower_webhook::providers::PresetOptions;
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
                .and_then(|signer| signer.sign_with(request, "msg_demo_0001", at))
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
    let options = PresetOptions::new()
        .public_url(&public_url)
        .verify_token("demo verify token");
    for preset in providers::ALL {
        app = every_preset_route(app, preset, &options);
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

    println!(
        "\nevery preset of providers::ALL ({}), each on its own route and layer:\n",
        providers::ALL.len()
    );
    println!(
        "{:<26} {:<8} {:<14} {:<40} as expected",
        "preset", "signed", "same again", "tampered"
    );
    println!("{}", "-".repeat(107));
    let mut surprises = 0;
    for preset in providers::ALL {
        let checked = check_preset(&client, &log, preset, &public_url, &options).await?;
        surprises += usize::from(!checked.as_expected);
        println!("{}", checked.line);
    }
    println!(
        "\n{} of {} presets as expected: signed -> 2xx and handled, same again -> duplicate, \
         tampered -> 401",
        providers::ALL.len() - surprises,
        providers::ALL.len()
    );

    let client_for_stories: stories::HttpClient = client.clone();
    let mut chapters = stories::dispatch(&client_for_stories).await?;
    chapters += stories::many_sources(&client_for_stories).await?;
    chapters += stories::inbox(&client_for_stories).await?;
    chapters += stories::inbox_at_volume(&client_for_stories).await?;
    chapters += stories::seeing_it(&client_for_stories).await?;
    #[cfg(feature = "forward")]
    {
        chapters += stories::forwarding(&client_for_stories).await?;
    }
    #[cfg(not(feature = "forward"))]
    println!(
        "\n(forwarding to internal services: build the demo with `--features forward` to see it)"
    );
    chapters += stories::paypal(&client_for_stories).await?;
    let surprises = surprises + chapters;

    if failures + surprises > 0 {
        eprintln!(
            "\n{} outcome(s) differ from the expected ones",
            failures + surprises
        );
        std::process::exit(1);
    }
    println!("\nevery outcome is the expected one");
    Ok(())
}

/// `/all/<name>`: the preset's route, behind a layer of its own (and so a replay store of
/// its own), verifying with the preset's example key.
fn every_preset_route(
    router: Router,
    preset: &providers::Preset,
    options: &PresetOptions,
) -> Router {
    let (_, verifying) = preset.example_keys();
    let verifier = Verifier::new(preset.scheme_with(options), verifying)
        .unwrap_or_else(|e| panic!("{}: the example key makes a verifier: {e}", preset.name()));
    router.route(
        &format!("/all/{}", preset.name()),
        post(handle).route_layer(WebhookLayer::new(verifier)),
    )
}

/// What one preset's three deliveries did, as one printed line.
struct Checked {
    line: String,
    as_expected: bool,
}

/// Sends a delivery signed with the preset's example key, the same bytes again, and a
/// tampered delivery: its body changed, or for a shared token (which signs no body) a
/// wrong token, or for Mailgun the signed token in its body changed.
async fn check_preset(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    log: &Log,
    preset: &providers::Preset,
    public_url: &str,
    options: &PresetOptions,
) -> Result<Checked, Box<dyn std::error::Error>> {
    let url = format!("{public_url}/all/{}", preset.name());
    let (signing, _) = preset.example_keys();
    let now = SystemTime::now();
    let unix = now.duration_since(SystemTime::UNIX_EPOCH)?;
    let post = |body: String| {
        http::Request::post(url.as_str())
            .header("content-type", "application/json")
            .body(Bytes::from(body))
    };
    let (valid, tampered, tampering) = if preset.can_sign() {
        // Linear reads its timestamp from the body, in milliseconds.
        let body = format!(
            r#"{{"id":"evt_{}","type":"demo.ping","webhookTimestamp":{}}}"#,
            preset.name(),
            unix.as_millis()
        );
        let sign = |key: &str, body: String| -> Result<_, Box<dyn std::error::Error>> {
            Ok(Signer::new(preset.scheme_with(options), key)?.sign_with(
                post(body)?,
                &format!("msg_{}", preset.name()),
                now,
            )?)
        };
        let valid = sign(signing, body.clone())?;
        if preset.signs_body() {
            let (parts, _) = copy(&valid).into_parts();
            let forged = Bytes::from(body.replace("demo.ping", "demo.pong"));
            (valid, http::Request::from_parts(parts, forged), "body")
        } else {
            let wrong = sign("a-user:a-token-the-receiver-does-not-hold", body)?;
            (valid, wrong, "wrong token: a token signs no body")
        }
    } else if preset.name() == "mailgun" {
        let mailgun = |token: &str, signed_token: &str| -> Result<_, Box<dyn std::error::Error>> {
            let timestamp = unix.as_secs().to_string();
            let signature = providers::mailgun::signature(signing, &timestamp, signed_token)?;
            Ok(post(format!(
                r#"{{"signature":{{"timestamp":"{timestamp}","token":"{token}","signature":"{signature}"}},"event-data":{{"event":"delivered"}}}}"#
            ))?)
        };
        let token = format!("demo-token-{}", unix.as_nanos());
        let valid = mailgun(&token, &token)?;
        let tampered = mailgun(&format!("{token}-forged"), &token)?;
        (valid, tampered, "the signed token in the body")
    } else if preset.name() == "adyen" {
        // Adyen signs fields of each notification item; the signer fills in the item's
        // additionalData.hmacSignature.
        let body = format!(
            r#"{{"live":"false","notificationItems":[{{"NotificationRequestItem":{{"pspReference":"PSP{}","originalReference":"","merchantAccountCode":"DemoShop","merchantReference":"order-1","amount":{{"value":1000,"currency":"EUR"}},"eventCode":"AUTHORISATION","success":"true"}}}}]}}"#,
            unix.as_nanos()
        );
        let valid = Signer::new(preset.scheme_with(options), signing)?.sign_with(
            post(body)?,
            "unused",
            now,
        )?;
        let (parts, body) = copy(&valid).into_parts();
        let forged = String::from_utf8_lossy(&body).replace("\"value\":1000", "\"value\":1");
        (
            valid,
            http::Request::from_parts(parts, Bytes::from(forged)),
            "the signed amount in the body",
        )
    } else {
        // Braintree: bt_signature and bt_payload in a form body.
        let form = |payload: &str, signature: &str| {
            let body = form_urlencoded::Serializer::new(String::new())
                .append_pair("bt_signature", signature)
                .append_pair("bt_payload", payload)
                .finish();
            http::Request::post(url.as_str())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Bytes::from(body))
        };
        let xml = |kind: &str| {
            use base64::Engine as _;
            let xml = format!(
                "<notification><kind>{kind}</kind><timestamp>{}</timestamp></notification>",
                unix.as_nanos()
            );
            format!(
                "{}\n",
                base64::engine::general_purpose::STANDARD.encode(xml)
            )
        };
        let payload = xml("check");
        let signature = providers::braintree::signature("demo_public_key", signing, &payload)?;
        let valid = form(&payload, &signature)?;
        let tampered = form(&xml("disbursement"), &signature)?;
        (valid, tampered, "bt_payload, under the old signature")
    };

    let again = copy(&valid);
    let mut as_expected = true;
    let mut cells = Vec::new();
    for (request, expect) in [
        (valid, Expect::Handled),
        (again, Expect::Duplicate),
        (tampered, Expect::Unauthorized),
    ] {
        let before = log.lock().expect("log").len();
        let response = client.request(request.map(Full::new)).await?;
        let status = response.status();
        let duplicate = response.headers().get(DUPLICATE_HEADER)
            == Some(&http::HeaderValue::from_static("true"));
        let _ = response.into_body().collect().await?;
        let ran = log.lock().expect("log").len() > before;
        as_expected &= match expect {
            Expect::Handled => status.is_success() && ran && !duplicate,
            Expect::Duplicate => status.is_success() && duplicate && !ran,
            Expect::Unauthorized => status == StatusCode::UNAUTHORIZED && !ran,
        };
        cells.push(format!(
            "{}{}{}",
            status.as_u16(),
            if duplicate { " duplicate" } else { "" },
            if ran { " ran" } else { "" }
        ));
    }
    let line = format!(
        "{:<26} {:<8} {:<14} {:<40} {}",
        preset.name(),
        cells[0],
        cells[1],
        format!("{} {tampering}", cells[2]),
        if as_expected { "yes" } else { "NO" }
    );
    Ok(Checked { line, as_expected })
}

#[derive(Clone, Copy)]
enum Expect {
    /// A 2xx, and the handler ran.
    Handled,
    /// A 2xx marked `webhook-duplicate: true`, and the handler did not run.
    Duplicate,
    /// `401`, and the handler did not run.
    Unauthorized,
}

fn copy(request: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}
