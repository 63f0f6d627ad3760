//! Stripe billing: provisions on `checkout.session.completed`, follows every
//! `customer.subscription.*` event, with async-stripe's typed events; everything else
//! Stripe sends is acknowledged (`200`, `webhook-unhandled: <event>`), so Stripe does not
//! retry it for three days.
//!
//! ```text
//! STRIPE_WEBHOOK_SECRET=whsec_... cargo run --example stripe_billing --features stripe-types
//! ```
//!
//! Listens on `WEBHOOK_ADDR` (default `127.0.0.1:3000`), `POST /webhooks/stripe`. Stripe
//! signs the event type (the body's `type`), so the dispatcher is told to refuse any
//! other: routing never rests on a claim.

use axum::routing::post_service;
use axum::Router;
use http::StatusCode;
use tower_webhook::dispatch::Dispatch;
use tower_webhook::typed::stripe_webhook::EventObject;
use tower_webhook::typed::StripeEvent;
use tower_webhook::{providers, ConfigError, Verifier, WebhookLayer};

/// `checkout.session.completed`: the customer paid; provision what they bought.
async fn on_checkout_completed(event: StripeEvent) -> (StatusCode, String) {
    let text = match &event {
        StripeEvent::Known(event) => match &event.data.object {
            EventObject::CheckoutSessionCompleted(session) => format!(
                "checkout {} completed: {} {} for {}",
                session.id,
                session.amount_total.unwrap_or_default(),
                session
                    .currency
                    .as_ref()
                    .map_or("?".to_owned(), |c| c.to_string()),
                session
                    .customer
                    .as_ref()
                    .map_or("a guest".to_owned(), |c| c.id().to_string()),
            ),
            _ => {
                return (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "not a checkout".to_owned(),
                )
            }
        },
        // async-stripe's model did not parse it: the raw JSON still has what we need.
        StripeEvent::Unknown(json) => format!(
            "checkout {} completed (raw JSON)",
            json["data"]["object"]["id"].as_str().unwrap_or("?")
        ),
    };
    tracing::info!("{text}");
    (StatusCode::OK, text)
}

/// `customer.subscription.created`, `.updated`, `.deleted`, …: the subscription's state.
async fn on_subscription(event: StripeEvent) -> (StatusCode, String) {
    let text = match &event {
        StripeEvent::Known(event) => {
            let subscription = match &event.data.object {
                EventObject::CustomerSubscriptionCreated(s)
                | EventObject::CustomerSubscriptionUpdated(s)
                | EventObject::CustomerSubscriptionDeleted(s)
                | EventObject::CustomerSubscriptionPaused(s)
                | EventObject::CustomerSubscriptionResumed(s)
                | EventObject::CustomerSubscriptionTrialWillEnd(s)
                | EventObject::CustomerSubscriptionPendingUpdateApplied(s)
                | EventObject::CustomerSubscriptionPendingUpdateExpired(s) => s,
                _ => {
                    return (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "not a subscription".to_owned(),
                    )
                }
            };
            format!(
                "{}: subscription {} is {}",
                event.type_, subscription.id, subscription.status
            )
        }
        StripeEvent::Unknown(json) => format!(
            "{}: subscription {} is {} (raw JSON)",
            json["type"].as_str().unwrap_or("?"),
            json["data"]["object"]["id"].as_str().unwrap_or("?"),
            json["data"]["object"]["status"].as_str().unwrap_or("?")
        ),
    };
    tracing::info!("{text}");
    (StatusCode::OK, text)
}

/// The app: `POST /webhooks/stripe`, verified with `secret`, dispatched by event type.
pub fn app(secret: &str) -> Result<Router, ConfigError> {
    let dispatch = Dispatch::new()
        .on("checkout.session.completed", on_checkout_completed)
        .on("customer.subscription.*", on_subscription)
        .require_signed_event_type();
    let layer = WebhookLayer::new(Verifier::new(providers::stripe(), secret)?);
    Ok(Router::new().route(
        "/webhooks/stripe",
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
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET")
        .map_err(|_| "set STRIPE_WEBHOOK_SECRET to your endpoint's signing secret (whsec_…)")?;
    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "listening on http://{}/webhooks/stripe",
        listener.local_addr()?
    );
    axum::serve(listener, app(&secret)?).await?;
    Ok(())
}
