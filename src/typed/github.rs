//! GitHub payloads parsed by octocrab's webhook event models.

use http::request::Parts;
use octocrab::models::webhook_events::WebhookEvent;

use super::raw_json;
use crate::dispatch::{FromDelivery, PayloadError};
use crate::Delivery;

/// A GitHub delivery parsed by octocrab's models
/// ([`octocrab::models::webhook_events::WebhookEvent`]), or its raw JSON where the model
/// refuses it (feature `github-types`).
///
/// Never answers `4xx` or `500` for an event type or a field octocrab does not know yet:
/// event types it does not list are `Known` with octocrab's own
/// `WebhookEventPayload::Unknown`; bodies its model refuses are [`Unknown`](Self::Unknown).
/// Only a body that is not JSON (nor a form with a JSON `payload`, GitHub's
/// `application/x-www-form-urlencoded` content type) is a
/// [`PayloadError`] (`500`).
///
/// ```
/// use http::StatusCode;
/// use tower_webhook::dispatch::Dispatch;
/// use tower_webhook::typed::octocrab::models::webhook_events::WebhookEventPayload;
/// use tower_webhook::typed::GitHubEvent;
///
/// async fn on_issue_opened(event: GitHubEvent) -> StatusCode {
///     match event {
///         GitHubEvent::Known(event) => {
///             if let WebhookEventPayload::Issues(issues) = &event.specific {
///                 println!("#{} {}", issues.issue.number, issues.issue.title);
///             }
///         }
///         GitHubEvent::Unknown(json) => println!("{}", json["issue"]["title"]),
///     }
///     StatusCode::OK
/// }
///
/// let dispatch = Dispatch::new().on("issues.opened", on_issue_opened);
/// # let _ = dispatch;
/// ```
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum GitHubEvent {
    /// Parsed by octocrab's model.
    Known(Box<WebhookEvent>),
    /// The model refused the body (or the delivery has no event type): the raw JSON.
    Unknown(serde_json::Value),
}

impl GitHubEvent {
    /// Parses `body` as the `event_type` delivery (the `X-GitHub-Event` header), falling
    /// back to the raw JSON. `None` when the body is not JSON.
    pub fn parse(event_type: Option<&str>, body: &[u8]) -> Option<Self> {
        if let Some(event_type) = event_type {
            match WebhookEvent::try_from_header_and_body(event_type, body) {
                Ok(event) => return Some(GitHubEvent::Known(Box::new(event))),
                Err(error) => {
                    let value = raw_json(body)?;
                    tracing::warn!(
                        event = event_type,
                        error = %error,
                        "octocrab's model does not parse this GitHub payload: handing the \
                         handler the raw JSON (GitHubEvent::Unknown)",
                    );
                    return Some(GitHubEvent::Unknown(value));
                }
            }
        }
        raw_json(body).map(GitHubEvent::Unknown)
    }

    /// Whether octocrab's model parsed the body.
    pub fn is_known(&self) -> bool {
        matches!(self, GitHubEvent::Known(_))
    }
}

fn from_delivery(delivery: &Delivery, parts: &Parts) -> Result<GitHubEvent, PayloadError> {
    let body = delivery.body();
    let parsed = if crate::extract::is_form(&parts.headers) {
        // GitHub's form content type: the JSON is the `payload` parameter.
        form_urlencoded::parse(body)
            .find(|(name, _)| name == "payload")
            .and_then(|(_, json)| GitHubEvent::parse(delivery.event_type(), json.as_bytes()))
    } else {
        GitHubEvent::parse(delivery.event_type(), body)
    };
    parsed.ok_or_else(|| PayloadError::new(delivery, "the body is not JSON"))
}

impl FromDelivery for GitHubEvent {
    fn from_delivery(delivery: &Delivery, parts: &Parts) -> Result<Self, PayloadError> {
        from_delivery(delivery, parts)
    }
}

#[cfg(feature = "axum")]
impl<S: Send + Sync> axum_core::extract::FromRequestParts<S> for GitHubEvent {
    type Rejection = crate::WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        super::extract(parts, from_delivery).await
    }
}
