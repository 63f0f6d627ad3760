//! Handlers and their arguments: async functions taking the [`Delivery`] and, optionally,
//! a typed payload, in the manner of axum's handlers and extractors.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use http::request::Parts;
use http::{header, HeaderValue, Response, StatusCode};
use serde::de::DeserializeOwned;

use super::response::{DispatchBody, IntoDispatchResponse};
use super::ResponseFuture;
use crate::{Delivery, Webhook};

/// An async function that handles the deliveries of one route of a
/// [`Dispatch`](super::Dispatch).
///
/// Implemented for `async fn`s and closures of up to four arguments, each of which
/// implements [`FromDelivery`] ([`Delivery`], [`Webhook<T>`], [`Dispatched`],
/// `http::HeaderMap`, `http::Extensions`, the typed events of the `github-types` and
/// `stripe-types` features), returning something that implements [`IntoDispatchResponse`]. State comes
/// in through the closure:
///
/// ```
/// use std::sync::Arc;
/// use http::StatusCode;
/// use tower_webhook::dispatch::Dispatch;
/// use tower_webhook::Delivery;
///
/// struct Db;
/// impl Db {
///     async fn record(&self, _id: &str) {}
/// }
///
/// let db = Arc::new(Db);
/// let dispatch = Dispatch::new().on("push", move |delivery: Delivery| {
///     let db = db.clone();
///     async move {
///         db.record(delivery.id()).await;
///         StatusCode::OK
///     }
/// });
/// # let _ = dispatch;
/// ```
pub trait Handler<T>: Clone + Send + Sync + 'static {
    /// Reads the arguments from the delivery and runs the handler.
    #[doc(hidden)]
    fn call(self, delivery: &Delivery, parts: &Parts) -> ResponseFuture;
}

/// A handler argument, read from the verified delivery and the request's head.
///
/// An argument that cannot be read (a typed payload that does not fit the body) answers
/// with its [`PayloadError`] (`500`) and the handler does not run.
///
/// ```
/// use http::request::Parts;
/// use tower_webhook::dispatch::{Dispatch, FromDelivery, PayloadError};
/// use tower_webhook::Delivery;
///
/// /// The GitHub App installation a delivery is for.
/// struct Installation(u64);
///
/// impl FromDelivery for Installation {
///     fn from_delivery(delivery: &Delivery, _parts: &Parts) -> Result<Self, PayloadError> {
///         let body: serde_json::Value = serde_json::from_slice(delivery.body())
///             .map_err(|error| PayloadError::new(delivery, error))?;
///         body["installation"]["id"]
///             .as_u64()
///             .map(Installation)
///             .ok_or_else(|| PayloadError::new(delivery, "no installation.id"))
///     }
/// }
///
/// let dispatch = Dispatch::new().on("push", |Installation(id): Installation| async move {
///     println!("push for installation {id}");
/// });
/// # let _ = dispatch;
/// ```
pub trait FromDelivery: Sized {
    /// Reads the argument.
    fn from_delivery(delivery: &Delivery, parts: &Parts) -> Result<Self, PayloadError>;
}

impl FromDelivery for Delivery {
    fn from_delivery(delivery: &Delivery, _parts: &Parts) -> Result<Self, PayloadError> {
        Ok(delivery.clone())
    }
}

impl FromDelivery for http::HeaderMap {
    fn from_delivery(_delivery: &Delivery, parts: &Parts) -> Result<Self, PayloadError> {
        Ok(parts.headers.clone())
    }
}

/// The request's extensions: what layers outside the dispatcher attached, such as the
/// inbox's job (its stable id and the attempt number) when the inbox's workers run it.
impl FromDelivery for http::Extensions {
    fn from_delivery(_delivery: &Delivery, parts: &Parts) -> Result<Self, PayloadError> {
        Ok(parts.extensions.clone())
    }
}

/// The inbox's job (its stable id and the attempt number) when the inbox's workers run
/// the handler; `None` when it runs on the request's path.
///
/// ```
/// use tower_webhook::dispatch::Dispatch;
/// use tower_webhook::inbox::InboxJob;
/// use tower_webhook::Delivery;
///
/// async fn on_push(delivery: Delivery, job: Option<InboxJob>) -> &'static str {
///     if let Some(job) = job {
///         println!("{} (inbox {}, attempt {})", delivery.id(), job.id(), job.attempt());
///     }
///     "ok"
/// }
///
/// let dispatch = Dispatch::new().on("push", on_push);
/// # let _ = dispatch;
/// ```
#[cfg(inbox)]
impl FromDelivery for Option<crate::inbox::InboxJob> {
    fn from_delivery(_delivery: &Delivery, parts: &Parts) -> Result<Self, PayloadError> {
        Ok(parts.extensions.get::<crate::inbox::InboxJob>().cloned())
    }
}

/// The body deserialized into `T`, as the [`Webhook`] extractor does: JSON, or a form
/// when the request says `application/x-www-form-urlencoded`. A body that does not fit
/// `T` is a [`PayloadError`] (`500`).
impl<T: DeserializeOwned> FromDelivery for Webhook<T> {
    fn from_delivery(delivery: &Delivery, parts: &Parts) -> Result<Self, PayloadError> {
        crate::extract::deserialize_body(&parts.headers, delivery.body())
            .map(Webhook)
            .map_err(|error| PayloadError::new(delivery, error))
    }
}

macro_rules! impl_handler {
    ($($arg:ident),*) => {
        impl<F, Fut, R, $($arg,)*> Handler<($($arg,)*)> for F
        where
            F: FnOnce($($arg,)*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = R> + Send + 'static,
            R: IntoDispatchResponse,
            $($arg: FromDelivery + Send + 'static,)*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(self, delivery: &Delivery, parts: &Parts) -> ResponseFuture {
                $(
                    let $arg = match $arg::from_delivery(delivery, parts) {
                        Ok(value) => value,
                        Err(error) => return ResponseFuture::ready(error.into_response()),
                    };
                )*
                ResponseFuture::new(async move { self($($arg,)*).await.into_dispatch_response() })
            }
        }
    };
}

impl_handler!();
impl_handler!(T1);
impl_handler!(T1, T2);
impl_handler!(T1, T2, T3);
impl_handler!(T1, T2, T3, T4);

/// A handler's typed payload does not fit the verified body.
///
/// The body is authentic (its signature was verified), so the mismatch is a bug on the
/// receiving side — a type that does not match what the provider sends — not the
/// provider's. It is answered `500` with an `error` event naming the provider, the event
/// type and the deserializer's message, and the handler does not run: the provider
/// retries (Stripe for 3 days, most others for hours) while a fix is deployed, where a
/// `4xx` would tell it to give up (or, for some, to keep retrying a request that cannot
/// succeed) and a `2xx` would drop the event silently. The delivery is released by the
/// [`WebhookLayer`](crate::WebhookLayer), so the retry is handled once the fix is live.
/// With the inbox (`WebhookLayer::inbox`), the workers retry it instead, and dead-letter
/// it after the last attempt.
#[derive(Debug, Clone)]
pub struct PayloadError {
    provider: Box<str>,
    event: Option<Box<str>>,
    message: Box<str>,
}

impl PayloadError {
    /// A mismatch between `delivery`'s body and a handler's type, described by `error`.
    pub fn new(delivery: &Delivery, error: impl fmt::Display) -> Self {
        PayloadError {
            provider: delivery.provider().into(),
            event: delivery.event_type().map(Into::into),
            message: error.to_string().into(),
        }
    }

    /// The event type of the delivery, where it has one.
    pub fn event_type(&self) -> Option<&str> {
        self.event.as_deref()
    }

    /// What the deserializer said.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The response: `500`, plain text, after an `error` event.
    pub fn into_response(self) -> Response<DispatchBody> {
        tracing::error!(
            provider = %self.provider,
            event = self.event.as_deref().map_or("-", crate::delivery::loggable),
            // The deserializer quotes what it refused (a field's name, a variant) as the
            // sender wrote it: on one line.
            error = %crate::delivery::OneLine(&self.message),
            "the verified webhook body does not fit the handler's type: a bug on the \
             receiving side; answering 500 so the provider retries after a fix",
        );
        text_response(StatusCode::INTERNAL_SERVER_ERROR, self.to_string())
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the webhook body ({} event `{}`) does not fit the handler's type: {}",
            self.provider,
            self.event.as_deref().unwrap_or("-"),
            self.message
        )
    }
}

impl std::error::Error for PayloadError {}

pub(super) fn text_response(status: StatusCode, text: String) -> Response<DispatchBody> {
    let mut response = Response::new(DispatchBody::full(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Which route of a [`Dispatch`](super::Dispatch) a delivery took.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// An exact name: `push`, `issues.opened`, `checkout.session.completed`.
    Exact(Arc<str>),
    /// A prefix, registered as `customer.subscription.*`; holds `customer.subscription.`.
    Prefix(Arc<str>),
    /// The fallback handler.
    Fallback,
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Exact(name) => f.write_str(name),
            Route::Prefix(prefix) => write!(f, "{prefix}*"),
            Route::Fallback => f.write_str("(fallback)"),
        }
    }
}

/// A handler argument: the name a delivery was dispatched under and the route it took.
///
/// ```
/// use tower_webhook::dispatch::{Dispatch, Dispatched};
///
/// let dispatch = Dispatch::new().fallback(|dispatched: Dispatched| async move {
///     // "issues.opened" for an issues delivery whose action is "opened", "push" for a push
///     println!("{} via {}", dispatched.name().unwrap_or_default(), dispatched.route());
/// });
/// # let _ = dispatch;
/// ```
#[derive(Debug, Clone)]
pub struct Dispatched {
    delivery: Delivery,
    route: Route,
}

impl Dispatched {
    pub(super) fn new(delivery: Delivery, route: Route) -> Self {
        Dispatched { delivery, route }
    }

    /// The event's full name: the event type, followed by `.` and the body's top-level
    /// `action` where there is one (`issues.opened`); `None` when the provider states no
    /// event type.
    pub fn name(&self) -> Option<String> {
        let event = self.delivery.event_type()?;
        Some(match self.delivery.action() {
            Some(action) => format!("{event}.{action}"),
            None => event.to_owned(),
        })
    }

    /// The route that matched.
    pub fn route(&self) -> &Route {
        &self.route
    }
}

impl FromDelivery for Dispatched {
    fn from_delivery(delivery: &Delivery, parts: &Parts) -> Result<Self, PayloadError> {
        Ok(parts
            .extensions
            .get::<Dispatched>()
            .cloned()
            .unwrap_or_else(|| {
                // Only a `Dispatch` calls handlers; it inserts the route first.
                Dispatched::new(delivery.clone(), Route::Fallback)
            }))
    }
}
