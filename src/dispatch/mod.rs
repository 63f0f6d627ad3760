#![doc = guide_links!()]
#![doc = include_str!("../../docs/dispatch.md")]

mod handler;
mod response;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::Bound;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use tower_service::Service;

use crate::Delivery;

pub use self::handler::{Dispatched, FromDelivery, Handler, PayloadError, Route};
pub use self::response::{BoxError, DispatchBody, IntoDispatchResponse};

/// The header that marks an unhandled delivery's response: `webhook-unhandled: <name>`,
/// the name looked up — the event type (`invoice.paid`, `star`), with `.<action>` where
/// routing read the action because a route starts with the event type and a dot
/// (`issues.closed` beside an `issues.opened` route) — or `-` when the delivery has no
/// event type or the name is not a valid header value (or longer than 256 bytes).
pub const UNHANDLED_HEADER: HeaderName = HeaderName::from_static("webhook-unhandled");

/// A tower `Service` that sends each verified delivery to the handler registered for its
/// event type. See the [module documentation](self) for the routing order, unsigned event
/// types and typed payloads.
///
/// Built with chained setters; cheap to clone (the routes are shared).
///
/// As the inner service of a plain tower stack (no axum):
///
/// ```
/// use http::StatusCode;
/// use tower_webhook::dispatch::Dispatch;
/// use tower_webhook::{providers, Delivery, Verifier, WebhookLayer};
///
/// async fn paid(delivery: Delivery) -> StatusCode {
///     println!("invoice paid: {}", delivery.id());
///     StatusCode::OK
/// }
///
/// let stripe = Verifier::new(providers::stripe(), "whsec_test").unwrap();
/// let service = tower::ServiceBuilder::new()
///     .layer(WebhookLayer::new(stripe))
///     .service(Dispatch::new().on("invoice.paid", paid));
/// // hyper_util::service::TowerToHyperService::new(service) serves it.
/// # let _ = service;
/// ```
#[derive(Clone)]
pub struct Dispatch {
    routes: Arc<Routes>,
}

#[derive(Clone)]
struct Routes {
    exact: BTreeMap<Arc<str>, BoxedHandler>,
    /// Longest first.
    prefixes: Vec<(Arc<str>, BoxedHandler)>,
    fallback: Option<BoxedHandler>,
    unhandled: StatusCode,
    require_signed: bool,
}

impl Default for Dispatch {
    fn default() -> Self {
        Dispatch::new()
    }
}

impl Dispatch {
    /// A dispatcher with no routes: every delivery is unhandled (`200`, marked).
    pub fn new() -> Self {
        Dispatch {
            routes: Arc::new(Routes {
                exact: BTreeMap::new(),
                prefixes: Vec::new(),
                fallback: None,
                unhandled: StatusCode::OK,
                require_signed: false,
            }),
        }
    }

    fn routes(&mut self) -> &mut Routes {
        Arc::make_mut(&mut self.routes)
    }

    /// Routes deliveries named `pattern` to `handler`.
    ///
    /// `pattern` is an exact name (`push`, `issues.opened`, `checkout.session.completed`),
    /// or a prefix followed by `*` (`customer.subscription.*`, `issues.*`).
    ///
    /// # Panics
    /// When `pattern` is empty, has a `*` anywhere but at its end, or was registered
    /// before: mistakes in the program, found when it starts, as axum's `Router::route`
    /// does for overlapping routes.
    #[track_caller]
    pub fn on<H, T>(mut self, pattern: &str, handler: H) -> Self
    where
        H: Handler<T>,
        T: 'static,
    {
        let boxed = BoxedHandler::new(handler);
        let routes = self.routes();
        match pattern.strip_suffix('*') {
            _ if pattern.is_empty() => panic!("Dispatch::on: the event name is empty"),
            Some(prefix) if !prefix.contains('*') => {
                if routes.prefixes.iter().any(|(p, _)| **p == *prefix) {
                    panic!("Dispatch::on: `{pattern}` is registered twice");
                }
                routes.prefixes.push((prefix.into(), boxed));
                routes
                    .prefixes
                    .sort_by(|(a, _), (b, _)| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            }
            None if !pattern.contains('*') => {
                if routes.exact.insert(pattern.into(), boxed).is_some() {
                    panic!("Dispatch::on: `{pattern}` is registered twice");
                }
            }
            _ => panic!("Dispatch::on: `{pattern}`: a `*` may only end a prefix"),
        }
        self
    }

    /// The handler for deliveries that no route matches, in place of acknowledging them
    /// as unhandled.
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T>,
        T: 'static,
    {
        self.routes().fallback = Some(BoxedHandler::new(handler));
        self
    }

    /// The status of the answer to a delivery no route matches (without a fallback):
    /// `200 OK` by default, so the provider does not retry an event nobody handles. The
    /// [`webhook-unhandled`](UNHANDLED_HEADER) header marks it whatever the status.
    ///
    /// A non-`2xx` status makes the provider retry the delivery and the layer release it:
    /// choose one only while you are deploying handlers for events you already receive.
    pub fn unhandled(mut self, status: StatusCode) -> Self {
        self.routes().unhandled = status;
        self
    }

    /// Refuses to dispatch a delivery whose event type the signature does not cover
    /// (GitHub, Shopify, GitLab, …: see the [providers table](crate::providers#the-presets)): it is answered
    /// `500`, with an `error` event, and no handler runs. For providers that sign the
    /// event type (Stripe, Standard Webhooks, Slack, …), it guarantees that routing never
    /// rests on a claim. Deliveries without an event type still reach the fallback.
    pub fn require_signed_event_type(mut self) -> Self {
        self.routes().require_signed = true;
        self
    }

    fn dispatch(&self, delivery: &Delivery) -> Outcome<'_> {
        let routes = &*self.routes;
        let Some(event) = delivery.event_type() else {
            return match &routes.fallback {
                Some(handler) => Outcome::Handler(handler, Route::Fallback),
                None => Outcome::Unhandled("-".to_owned()),
            };
        };
        if routes.require_signed && !delivery.event_type_is_signed() {
            return Outcome::Refused(event.to_owned());
        }
        let dotted = format!("{event}.");
        let needs_action = routes
            .exact
            .range::<str, _>((Bound::Included(dotted.as_str()), Bound::Unbounded))
            .next()
            .is_some_and(|(name, _)| name.starts_with(&dotted))
            || routes.prefixes.iter().any(|(p, _)| p.starts_with(&dotted));
        let name = match delivery.action().filter(|_| needs_action) {
            Some(action) => dotted + action,
            None => event.to_owned(),
        };
        if let Some((route, handler)) = routes
            .exact
            .get_key_value(name.as_str())
            .or_else(|| routes.exact.get_key_value(event))
        {
            return Outcome::Handler(handler, Route::Exact(route.clone()));
        }
        if let Some((prefix, handler)) =
            routes.prefixes.iter().find(|(p, _)| name.starts_with(&**p))
        {
            return Outcome::Handler(handler, Route::Prefix(prefix.clone()));
        }
        match &routes.fallback {
            Some(handler) => Outcome::Handler(handler, Route::Fallback),
            None => Outcome::Unhandled(name),
        }
    }

    /// The route `delivery` takes, as the layer binds its replay keys to it
    /// ([`WebhookLayer::routed_by`](crate::WebhookLayer::routed_by)).
    pub(crate) fn route_key(&self, delivery: &Delivery) -> Box<str> {
        match self.dispatch(delivery) {
            Outcome::Handler(_, Route::Exact(name)) => format!("exact {name}").into(),
            Outcome::Handler(_, Route::Prefix(prefix)) => format!("prefix {prefix}").into(),
            Outcome::Handler(_, Route::Fallback) => "fallback".into(),
            Outcome::Unhandled(_) => "unhandled".into(),
            Outcome::Refused(_) => "refused".into(),
        }
    }

    fn unhandled_response(&self, delivery: &Delivery, name: &str) -> Response<DispatchBody> {
        tracing::debug!(
            provider = delivery.provider(),
            id = delivery.id(),
            event = %crate::delivery::loggable_line(name),
            status = self.routes.unhandled.as_u16(),
            "no handler for this event: acknowledged as unhandled",
        );
        let mut response = Response::new(DispatchBody::empty());
        *response.status_mut() = self.routes.unhandled;
        let value = Some(name)
            .filter(|name| name.len() <= MAX_UNHANDLED_NAME)
            .and_then(|name| HeaderValue::from_str(name).ok())
            .unwrap_or(HeaderValue::from_static("-"));
        response.headers_mut().insert(UNHANDLED_HEADER, value);
        // The layer completes an unhandled delivery only when its event type is signed.
        response.extensions_mut().insert(Unhandled);
        response
    }
}

/// Longer names are marked `-`: the header echoes what the sender sent.
const MAX_UNHANDLED_NAME: usize = 256;

/// Where a delivery goes.
enum Outcome<'a> {
    Handler(&'a BoxedHandler, Route),
    /// No route: the name looked up.
    Unhandled(String),
    /// An unsigned event type, refused by `require_signed_event_type`.
    Refused(String),
}

impl fmt::Debug for Dispatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let routes = &*self.routes;
        let prefixes: Vec<String> = routes
            .prefixes
            .iter()
            .map(|(p, _)| format!("{p}*"))
            .collect();
        f.debug_struct("Dispatch")
            .field("exact", &routes.exact.keys().collect::<Vec<_>>())
            .field("prefixes", &prefixes)
            .field("fallback", &routes.fallback.is_some())
            .field("unhandled", &routes.unhandled)
            .field("require_signed_event_type", &routes.require_signed)
            .finish()
    }
}

impl<B> Service<Request<B>> for Dispatch {
    type Response = Response<DispatchBody>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> ResponseFuture {
        // The body was verified and buffered by the layer; the delivery holds it.
        let (mut parts, _body) = request.into_parts();
        let Some(delivery) = parts.extensions.get::<Delivery>().cloned() else {
            tracing::error!(
                "tower_webhook::dispatch::Dispatch: no verified delivery on the request"
            );
            return ResponseFuture::ready(handler::text_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "no verified webhook on this request: is tower_webhook::WebhookLayer applied \
                 to this route (`post_service(dispatch).route_layer(WebhookLayer::new(verifier))`)?"
                    .to_owned(),
            ));
        };
        match self.dispatch(&delivery) {
            Outcome::Handler(handler, route) => {
                let handler = handler.clone();
                parts
                    .extensions
                    .insert(Dispatched::new(delivery.clone(), route));
                handler.call(&delivery, &parts)
            }
            Outcome::Unhandled(name) => {
                ResponseFuture::ready(self.unhandled_response(&delivery, &name))
            }
            Outcome::Refused(event) => {
                tracing::error!(
                    provider = delivery.provider(),
                    id = delivery.id(),
                    event = %crate::delivery::loggable_line(&event),
                    "refused to dispatch on an event type the signature does not cover \
                     (Dispatch::require_signed_event_type)",
                );
                ResponseFuture::ready(handler::text_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!(
                        "this endpoint dispatches only on signed event types, and {}'s is \
                         not signed",
                        delivery.provider()
                    ),
                ))
            }
        }
    }
}

/// The response future of [`Dispatch`] (and of a [`Handler`]'s call).
pub struct ResponseFuture {
    inner: Pin<Box<dyn Future<Output = Response<DispatchBody>> + Send>>,
}

impl ResponseFuture {
    fn new(future: impl Future<Output = Response<DispatchBody>> + Send + 'static) -> Self {
        ResponseFuture {
            inner: Box::pin(future),
        }
    }

    fn ready(response: Response<DispatchBody>) -> Self {
        ResponseFuture::new(std::future::ready(response))
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl Future for ResponseFuture {
    type Output = Result<Response<DispatchBody>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx).map(Ok)
    }
}

/// A handler with its argument types erased.
#[derive(Clone)]
struct BoxedHandler(Arc<dyn ErasedHandler>);

impl BoxedHandler {
    fn new<H: Handler<T>, T: 'static>(handler: H) -> Self {
        BoxedHandler(Arc::new(Erased {
            handler,
            args: PhantomData,
        }))
    }

    fn call(&self, delivery: &Delivery, parts: &http::request::Parts) -> ResponseFuture {
        self.0.call(delivery, parts)
    }
}

trait ErasedHandler: Send + Sync {
    fn call(&self, delivery: &Delivery, parts: &http::request::Parts) -> ResponseFuture;
}

struct Erased<H, T> {
    handler: H,
    args: PhantomData<fn() -> T>,
}

impl<H: Handler<T>, T: 'static> ErasedHandler for Erased<H, T> {
    fn call(&self, delivery: &Delivery, parts: &http::request::Parts) -> ResponseFuture {
        self.handler.clone().call(delivery, parts)
    }
}

/// A response extension that says a `2xx` acknowledges the delivery without handling it
/// ([`Dispatch`] sets it on its "unhandled" answer; any inner service of the layer may).
///
/// The layer then completes the delivery's replay keys only when what chose the answer is
/// signed: a delivery whose [event type](crate::Delivery::event_type) the signature covers.
/// Otherwise (GitHub's `X-GitHub-Event`, Shopify's topic, or no event type at all) the
/// answer rests on a header anyone can change, and a captured copy of a delivery that
/// failed, resent under an event type nobody handles, would otherwise complete keys the
/// genuine delivery shares, making the provider's retry a duplicate: the reservation is
/// released instead, and the retry is handled.
///
/// ```
/// use http::{Response, StatusCode};
/// use tower_webhook::dispatch::Unhandled;
///
/// let mut response = Response::new(());
/// *response.status_mut() = StatusCode::OK;
/// response.extensions_mut().insert(Unhandled);
/// # let _ = response;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unhandled;
