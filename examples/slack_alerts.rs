//! Inbox alerts posted to a Slack-style incoming webhook.
//!
//! ```text
//! ALERT_WEBHOOK_URL=http://127.0.0.1:9000/alerts STANDARD_WEBHOOK_SECRET=whsec_... \
//!     cargo run --example slack_alerts --features inbox-sqlite
//! ```
//!
//! - Receives Standard Webhooks deliveries on `POST /hook` at `WEBHOOK_ADDR` (default
//!   `127.0.0.1:3000`) into the inbox at `INBOX_URL` (default `sqlite://alerts.db`), and
//!   answers the health probes on `GET /healthz` and `GET /readyz`.
//! - Its handler fails every delivery whose event type is `order.failing`: each failed
//!   attempt, each dead delivery, and a lag over a minute are posted as
//!   `{"text": "..."}` to `ALERT_WEBHOOK_URL`.
//! - The alert hook only puts the alert on a channel (a hook must be quick: it runs on
//!   the worker's task); a task of its own posts them.
//! - This example's client speaks plain `http://` (hyper-util's `HttpConnector`, to
//!   keep to the crate's dev-dependencies). Slack's URLs are `https://`: build the
//!   client with a TLS connector (hyper-rustls' `HttpsConnector`) and pass it to
//!   `slack::post` unchanged.

#[path = "slack_alerts/slack.rs"]
mod slack;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http::StatusCode;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower_webhook::inbox::{Alert, Inbox, ReadinessCheck};
use tower_webhook::{providers, Delivery, Verifier, WebhookLayer};

/// How many alerts wait for the poster at most.
const ALERT_QUEUE: usize = 1024;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url: http::Uri = std::env::var("ALERT_WEBHOOK_URL")
        .map_err(|_| "set ALERT_WEBHOOK_URL to the incoming webhook's URL")?
        .parse()?;
    if url.scheme_str() != Some("http") {
        return Err("this example's client speaks http:// only (see its documentation)".into());
    }
    let secret = std::env::var("STANDARD_WEBHOOK_SECRET")
        .map_err(|_| "set STANDARD_WEBHOOK_SECRET (whsec_...)")?;
    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let inbox_url = std::env::var("INBOX_URL").unwrap_or_else(|_| "sqlite://alerts.db".into());

    let inbox = Inbox::connect(&inbox_url).await?;
    let handlers = Router::new().route(
        "/hook",
        post(|delivery: Delivery| async move {
            match delivery.event_type() {
                Some("order.failing") => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::OK,
            }
        }),
    );

    // The hook hands each alert to the poster: never I/O on the worker's task. The queue
    // is bounded: senders choose how many attempts fail, and a webhook that is down or
    // slow must not make the alerts waiting grow without end. Alerts that find it full
    // are counted, and the count is reported.
    let (alerts, mut to_post) = tokio::sync::mpsc::channel::<Alert>(ALERT_QUEUE);
    let dropped = Arc::new(AtomicU64::new(0));
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    {
        let dropped = dropped.clone();
        tokio::spawn(async move {
            while let Some(alert) = to_post.recv().await {
                if let Err(error) = slack::post(&client, &url, &alert).await {
                    eprintln!("{error}");
                }
                let lost = dropped.swap(0, Ordering::Relaxed);
                if lost > 0 {
                    eprintln!("{lost} alerts dropped: the queue to the webhook was full");
                }
            }
        });
    }
    let workers = inbox
        .workers(handlers.clone())
        .max_attempts(3)
        .backoff(Duration::from_secs(1), Duration::from_secs(10))
        .on_alert(move |alert| {
            if alerts.try_send(alert).is_err() {
                dropped.fetch_add(1, Ordering::Relaxed);
            }
        })
        .alert_on_lag(Duration::from_secs(60))
        .spawn();

    let verifier = Verifier::new(providers::standard_webhooks(), secret.as_str())?;
    let app = handlers
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
        .merge(inbox.health_router(ReadinessCheck::new()));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("receiving on http://{addr}/hook; alerts go to the webhook");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    workers.shutdown().await;
    Ok(())
}
