//! A GitHub App's webhook endpoint: reacts to `push` and `issues.opened`, with octocrab's
//! typed payloads; every other event GitHub sends is acknowledged (`200`,
//! `webhook-unhandled: <event>`).
//!
//! ```text
//! GITHUB_WEBHOOK_SECRET=... cargo run --example github_app --features github-types
//! ```
//!
//! Listens on `WEBHOOK_ADDR` (default `127.0.0.1:3000`), `POST /webhooks/github`.
//!
//! GitHub does not sign the `X-GitHub-Event` header: the dispatcher routes by what the
//! sender claims (the body is authentic). Here each handler's typed payload checks that
//! the body is the event it claims to be.

use axum::routing::post_service;
use axum::Router;
use http::StatusCode;
use tower_webhook::dispatch::Dispatch;
use tower_webhook::typed::octocrab::models::webhook_events::WebhookEventPayload;
use tower_webhook::typed::GitHubEvent;
use tower_webhook::{providers, ConfigError, Delivery, Verifier, WebhookLayer};

/// `push`: what was pushed where.
async fn on_push(delivery: Delivery, event: GitHubEvent) -> (StatusCode, String) {
    let text = match &event {
        GitHubEvent::Known(event) => match &event.specific {
            WebhookEventPayload::Push(push) => {
                let repository = event.repository.as_ref().map_or("?", |r| r.name.as_str());
                format!(
                    "push to {} of {repository}: {} commit(s), head {}",
                    push.r#ref,
                    push.commits.len(),
                    push.after
                )
            }
            // The header said `push`; the body is something else.
            _ => return (StatusCode::UNPROCESSABLE_ENTITY, "not a push".to_owned()),
        },
        // octocrab's model did not parse it: the raw JSON still has what we need.
        GitHubEvent::Unknown(json) => {
            format!("push to {} (raw JSON)", json["ref"].as_str().unwrap_or("?"))
        }
    };
    tracing::info!(delivery = delivery.id(), "{text}");
    (StatusCode::OK, text)
}

/// `issues` with `"action": "opened"`: the new issue.
async fn on_issue_opened(event: GitHubEvent) -> (StatusCode, String) {
    let text = match &event {
        GitHubEvent::Known(event) => match &event.specific {
            WebhookEventPayload::Issues(issues) => format!(
                "issue #{} opened: {}",
                issues.issue.number, issues.issue.title
            ),
            _ => return (StatusCode::UNPROCESSABLE_ENTITY, "not an issue".to_owned()),
        },
        GitHubEvent::Unknown(json) => format!(
            "issue #{} opened: {} (raw JSON)",
            json["issue"]["number"],
            json["issue"]["title"].as_str().unwrap_or("?")
        ),
    };
    tracing::info!("{text}");
    (StatusCode::OK, text)
}

/// The app: `POST /webhooks/github`, verified with `secret`, dispatched by event.
pub fn app(secret: &str) -> Result<Router, ConfigError> {
    let dispatch = Dispatch::new()
        .on("push", on_push)
        .on("issues.opened", on_issue_opened);
    let layer = WebhookLayer::new(Verifier::new(providers::github(), secret)?);
    Ok(Router::new().route(
        "/webhooks/github",
        post_service(dispatch).route_layer(layer),
    ))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let secret = std::env::var("GITHUB_WEBHOOK_SECRET")
        .map_err(|_| "set GITHUB_WEBHOOK_SECRET to the webhook secret of your GitHub App")?;
    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "listening on http://{}/webhooks/github",
        listener.local_addr()?
    );
    axum::serve(listener, app(&secret)?).await?;
    Ok(())
}
