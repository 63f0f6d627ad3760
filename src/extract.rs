//! axum extractors (feature `axum`): the parsed event and the delivery's metadata.

use std::fmt;

use axum_core::extract::FromRequestParts;
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;
use http::{header, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;

use crate::Delivery;

/// Extracts the verified event, deserialized into `T`: from JSON, or from a form body
/// when the request says `application/x-www-form-urlencoded` (Slack slash commands,
/// Twilio).
///
/// Only works behind a [`WebhookLayer`](crate::WebhookLayer): the body it reads is the one
/// the layer verified.
///
/// ```
/// use axum::{http::StatusCode, routing::post, Router};
/// use serde::Deserialize;
/// use tower_webhook::{providers, Verifier, Webhook, WebhookLayer};
///
/// #[derive(Deserialize)]
/// struct StripeEvent {
///     id: String,
///     #[serde(rename = "type")]
///     kind: String,
/// }
///
/// async fn on_event(Webhook(event): Webhook<StripeEvent>) -> StatusCode {
///     println!("{} {}", event.id, event.kind);
///     StatusCode::OK
/// }
///
/// let verifier = Verifier::new(providers::stripe(), "whsec_test").unwrap();
/// let app: Router = Router::new()
///     .route("/webhooks/stripe", post(on_event))
///     .route_layer(WebhookLayer::new(verifier));
/// # let _ = app;
/// ```
#[derive(Debug, Clone)]
pub struct Webhook<T>(pub T);

/// Why [`Webhook`] or [`Delivery`] could not be extracted.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The route has no [`WebhookLayer`](crate::WebhookLayer): a server mistake, `500`.
    MissingLayer,
    /// The verified body does not deserialize into the handler's type: `400`.
    InvalidBody(String),
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookRejection::MissingLayer => f.write_str(
                "no verified webhook on this request: is tower_webhook::WebhookLayer applied \
                 to this route (`.route_layer(WebhookLayer::new(verifier))`)?",
            ),
            WebhookRejection::InvalidBody(error) => {
                write!(
                    f,
                    "the webhook body does not match the expected event: {error}"
                )
            }
        }
    }
}

impl std::error::Error for WebhookRejection {}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let status = match self {
            WebhookRejection::MissingLayer => {
                tracing::error!("{self}");
                StatusCode::INTERNAL_SERVER_ERROR
            }
            WebhookRejection::InvalidBody(_) => {
                tracing::warn!("{self}");
                StatusCode::BAD_REQUEST
            }
        };
        let mut response = self.to_string().into_response();
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Delivery {
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Delivery>()
            .cloned()
            .ok_or(WebhookRejection::MissingLayer)
    }
}

impl<S, T> FromRequestParts<S> for Webhook<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let delivery = parts
            .extensions
            .get::<Delivery>()
            .ok_or(WebhookRejection::MissingLayer)?;
        let body = delivery.body();
        let event = if is_form(&parts.headers) {
            serde_urlencoded::from_bytes(body)
                .map_err(|e| WebhookRejection::InvalidBody(e.to_string()))?
        } else {
            serde_json::from_slice(body)
                .map_err(|e| WebhookRejection::InvalidBody(e.to_string()))?
        };
        Ok(Webhook(event))
    }
}

fn is_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}
