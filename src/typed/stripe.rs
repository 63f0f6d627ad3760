//! Stripe events parsed by async-stripe's webhook `Event` model.

use http::request::Parts;
use stripe_webhook::Event;

use super::raw_json;
use crate::dispatch::{FromDelivery, PayloadError};
use crate::Delivery;

/// A Stripe event parsed by async-stripe's model ([`stripe_webhook::Event`], whose
/// `data.object` is a typed [`stripe_webhook::EventObject`]), or its raw JSON where the
/// model refuses it (feature `stripe-types`).
///
/// Never answers `4xx` or `500` for an event type or a field async-stripe does not know
/// yet: those are [`Unknown`](Self::Unknown). The feature builds async-stripe's shared
/// models only (174 of its 266 event types, checkout sessions, subscriptions, invoices,
/// customers and payment intents among them); event types of its other model crates
/// (treasury, terminal, issuing, …) are `Unknown` unless your application enables the
/// matching feature of `async-stripe-webhook` (`async-stripe-treasury`, …) itself. Only a
/// body that is not JSON is a [`PayloadError`] (`500`).
///
/// ```
/// use http::StatusCode;
/// use tower_webhook::dispatch::Dispatch;
/// use tower_webhook::typed::stripe_webhook::EventObject;
/// use tower_webhook::typed::StripeEvent;
///
/// async fn on_checkout(event: StripeEvent) -> StatusCode {
///     match event {
///         StripeEvent::Known(event) => {
///             if let EventObject::CheckoutSessionCompleted(session) = &event.data.object {
///                 println!("{} paid {:?}", session.id, session.amount_total);
///             }
///         }
///         StripeEvent::Unknown(json) => println!("{}", json["data"]["object"]["id"]),
///     }
///     StatusCode::OK
/// }
///
/// let dispatch = Dispatch::new().on("checkout.session.completed", on_checkout);
/// # let _ = dispatch;
/// ```
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum StripeEvent {
    /// Parsed by async-stripe's model.
    Known(Box<Event>),
    /// The model refused the body: the raw JSON.
    Unknown(serde_json::Value),
}

impl StripeEvent {
    /// Parses `body`, falling back to the raw JSON. `None` when the body is not JSON.
    pub fn parse(body: &[u8]) -> Option<Self> {
        match serde_json::from_slice::<Event>(body) {
            Ok(event) => Some(StripeEvent::Known(Box::new(event))),
            Err(error) => {
                let value = raw_json(body)?;
                let event = value.get("type").and_then(|t| t.as_str()).unwrap_or("-");
                let message = error.to_string();
                if message.contains("unknown event type") {
                    tracing::debug!(
                        event,
                        "async-stripe's model has no type for this event: handing the \
                         handler the raw JSON (StripeEvent::Unknown)",
                    );
                } else {
                    tracing::warn!(
                        event,
                        error = %message,
                        "async-stripe's model does not parse this Stripe event: handing the \
                         handler the raw JSON (StripeEvent::Unknown)",
                    );
                }
                Some(StripeEvent::Unknown(value))
            }
        }
    }

    /// Whether async-stripe's model parsed the body.
    pub fn is_known(&self) -> bool {
        matches!(self, StripeEvent::Known(_))
    }
}

fn from_delivery(delivery: &Delivery, _parts: &Parts) -> Result<StripeEvent, PayloadError> {
    StripeEvent::parse(delivery.body())
        .ok_or_else(|| PayloadError::new(delivery, "the body is not JSON"))
}

impl FromDelivery for StripeEvent {
    fn from_delivery(delivery: &Delivery, parts: &Parts) -> Result<Self, PayloadError> {
        from_delivery(delivery, parts)
    }
}

#[cfg(feature = "axum")]
impl<S: Send + Sync> axum_core::extract::FromRequestParts<S> for StripeEvent {
    type Rejection = crate::WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        super::extract(parts, from_delivery).await
    }
}
