//! Typed payloads from the model crates users already trust: [`GitHubEvent`] (feature
//! `github-types`, octocrab's webhook event models) and [`StripeEvent`] (feature
//! `stripe-types`, async-stripe's webhook `Event`).
//!
#![doc = guide_links!()]
// The guide's example uses both features.
#![cfg_attr(
    all(feature = "github-types", feature = "stripe-types"),
    doc = include_str!("../../docs/typed-payloads.md")
)]

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
