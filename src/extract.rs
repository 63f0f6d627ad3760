//! The parsed event, [`Webhook<T>`]: a [`Dispatch`](crate::dispatch::Dispatch) handler
//! argument, and with the `axum` feature an extractor, beside [`Delivery`](crate::Delivery).

use http::header;
use serde::de::DeserializeOwned;

#[cfg(feature = "axum")]
pub use self::axum_extract::WebhookRejection;

/// Extracts the verified event, deserialized into `T`: from JSON, or from a form body
/// when the request says `application/x-www-form-urlencoded` (Slack slash commands,
/// Twilio).
///
/// Only works behind a [`WebhookLayer`](crate::WebhookLayer): the body it reads is the one
/// the layer verified. An extractor with the `axum` feature, and an argument of
/// [`Dispatch`](crate::dispatch::Dispatch) handlers.
///
/// # A body that does not fit `T`
/// It is answered `500`, with an `error` event naming the provider, the event type and
/// the deserializer's message, and the handler does not run. The body is authentic (its
/// signature was verified), so the mismatch is a bug on the receiving side, not the
/// provider's: a `4xx` would make the provider drop the event (or retry it in vain), a
/// `2xx` would drop it silently; a `500` lets the provider retry it while a fix is
/// deployed, and the layer releases the delivery so the retry is handled. (With the inbox,
/// the workers retry it and dead-letter it after the last attempt.) For payloads whose shape you do not
/// control, take `Webhook<serde_json::Value>`, or the typed events of the `github-types`
/// and `stripe-types` features, which fall back to the raw JSON.
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

/// The body as `T`: a form when the headers say so, JSON otherwise.
pub(crate) fn deserialize_body<T: DeserializeOwned>(
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<T, String> {
    if is_form(headers) {
        serde_urlencoded::from_bytes(body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(body).map_err(|e| e.to_string())
    }
}

pub(crate) fn is_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The axum extractors (feature `axum`).
#[cfg(feature = "axum")]
mod axum_extract {
    use std::fmt;

    use axum_core::extract::FromRequestParts;
    use axum_core::response::{IntoResponse, Response};
    use http::request::Parts;
    use http::{header, HeaderValue, StatusCode};
    use serde::de::DeserializeOwned;

    use super::{deserialize_body, Webhook};
    use crate::Delivery;

    /// Why [`Webhook`] or [`Delivery`] could not be extracted.
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum WebhookRejection {
        /// The route has no [`WebhookLayer`](crate::WebhookLayer): a server mistake, `500`.
        MissingLayer,
        /// The verified body does not deserialize into the handler's type: a bug on the
        /// receiving side, `500` (see [`Webhook`]). Holds the provider, the event type and the
        /// deserializer's message.
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
                        "the webhook body does not fit the handler's type: {error}"
                    )
                }
            }
        }
    }

    impl std::error::Error for WebhookRejection {}

    impl IntoResponse for WebhookRejection {
        fn into_response(self) -> Response {
            tracing::error!("{self}");
            let status = StatusCode::INTERNAL_SERVER_ERROR;
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

        async fn from_request_parts(
            parts: &mut Parts,
            _state: &S,
        ) -> Result<Self, Self::Rejection> {
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

        async fn from_request_parts(
            parts: &mut Parts,
            _state: &S,
        ) -> Result<Self, Self::Rejection> {
            let delivery = parts
                .extensions
                .get::<Delivery>()
                .ok_or(WebhookRejection::MissingLayer)?;
            deserialize_body(&parts.headers, delivery.body())
                .map(Webhook)
                .map_err(|error| {
                    WebhookRejection::InvalidBody(format!(
                        "{} event `{}`: {error}",
                        delivery.provider(),
                        delivery.event_type().unwrap_or("-")
                    ))
                })
        }
    }
}
