//! Typed payloads from the model crates users already trust, that never refuse a
//! delivery their model does not know yet: [`GitHubEvent`] (feature `github-types`,
//! octocrab's webhook event models) and [`StripeEvent`] (feature `stripe-types`,
//! async-stripe's webhook `Event`).
//!
//! Each is a [`Dispatch`](crate::dispatch::Dispatch) handler argument and, with the `axum`
//! feature, an extractor. A body the model parses is `Known`; a body it refuses — an event
//! type it does not list, a field it expects that the provider no longer sends, a new
//! shape — is `Unknown`, the raw JSON ([`serde_json::Value`]), logged at `debug` (an event
//! type the model does not know) or `warn` (one it knows but cannot parse: a lag worth
//! reporting upstream). Only a body that is not JSON at all is refused, as any typed
//! payload that does not fit is: `500`
//! ([`PayloadError`](crate::dispatch::PayloadError)).
//!
//! The model crates are re-exported (`typed::octocrab`, `typed::stripe_webhook`), so the
//! types you match on are the ones this crate parsed into, whatever else your
//! application depends on.

#[cfg(feature = "github-types")]
mod github;
#[cfg(feature = "stripe-types")]
mod stripe;

#[cfg(feature = "github-types")]
#[cfg_attr(docsrs, doc(cfg(feature = "github-types")))]
pub use self::github::GitHubEvent;
#[cfg(feature = "github-types")]
#[cfg_attr(docsrs, doc(cfg(feature = "github-types")))]
pub use octocrab;

#[cfg(feature = "stripe-types")]
#[cfg_attr(docsrs, doc(cfg(feature = "stripe-types")))]
pub use self::stripe::StripeEvent;
#[cfg(feature = "stripe-types")]
#[cfg_attr(docsrs, doc(cfg(feature = "stripe-types")))]
pub use stripe_webhook;

/// The axum extractor of a typed event: the delivery from the extensions, then `parse`.
#[cfg(feature = "axum")]
async fn extract<T>(
    parts: &mut http::request::Parts,
    parse: fn(&crate::Delivery, &http::request::Parts) -> Result<T, crate::dispatch::PayloadError>,
) -> Result<T, crate::WebhookRejection> {
    let delivery = parts
        .extensions
        .get::<crate::Delivery>()
        .ok_or(crate::WebhookRejection::MissingLayer)?;
    parse(delivery, parts).map_err(|error| {
        crate::WebhookRejection::InvalidBody(format!(
            "{} event `{}`: {}",
            delivery.provider(),
            error.event_type().unwrap_or("-"),
            error.message()
        ))
    })
}

/// The body as JSON, or `None` when it is not JSON.
fn raw_json(body: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(body).ok()
}
