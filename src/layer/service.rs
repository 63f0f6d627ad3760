//! The middleware: buffer the body, verify, reserve the delivery, call the handler, then
//! complete or release the reservation.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response};
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tower_service::Service;

use super::{Config, ResponseBody, ResponseFuture, StoreFailure, VerifiedBody};
use crate::replay::{BoxFuture, ReplayKey, ReplayStore, Reservation, ReservationToken, StoreError};
use crate::{Delivery, Rejection, RejectionKind};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Verifies each request before calling the inner service; made by
/// [`WebhookLayer`](super::WebhookLayer).
#[derive(Clone, Debug)]
pub struct WebhookService<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> WebhookService<S> {
    pub(crate) fn new(inner: S, config: Arc<Config>) -> Self {
        WebhookService { inner, config }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for WebhookService<S>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResBody: Send + 'static,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<BoxError>,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // Call the service that was polled ready, leave a fresh clone in its place.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        ResponseFuture::new(Box::pin(handle(self.config.clone(), inner, request)))
    }
}

async fn handle<S, ReqBody, ResBody>(
    config: Arc<Config>,
    mut inner: S,
    request: Request<ReqBody>,
) -> Result<Response<ResponseBody<ResBody>>, S::Error>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>>,
    ReqBody: Body,
    ReqBody::Error: Into<BoxError>,
{
    let provider = config.verifier.provider();
    let (parts, body) = request.into_parts();

    // First, so a refused source costs neither a body read nor a signature check.
    if let Some(sources) = &config.sources {
        if let Err(rejection) = sources.check(&parts) {
            return Ok(reject(provider, &rejection));
        }
    }

    let limit = config.body_limit;
    if content_length(&parts.headers).is_some_and(|len| len > limit as u64) {
        return Ok(reject(provider, &too_large()));
    }
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return Ok(reject(provider, &too_large()))
        }
        Err(_) => {
            let rejection = Rejection::new(RejectionKind::InvalidBody, "body could not be read");
            return Ok(reject(provider, &rejection));
        }
    };

    if let Some(answer) = config.verifier.handshake_parts(&parts, &body) {
        return Ok(match answer {
            Ok(response) => {
                tracing::info!(provider, "webhook registration handshake answered");
                response.map(ResponseBody::layer)
            }
            Err(rejection) => reject(provider, &rejection),
        });
    }

    let delivery = match config.verifier.verify_parts(&parts, &body) {
        Ok(delivery) => delivery,
        Err(rejection) => return Ok(reject(provider, &rejection)),
    };

    let reservation = match &config.store {
        None => None,
        Some(store) => match reserve(&config, store, &delivery).await {
            Ok(held) => Some(held),
            Err(response) => return Ok(response),
        },
    };

    let mut request = Request::from_parts(parts, VerifiedBody::new(body));
    request.extensions_mut().insert(delivery);
    let mut handler = std::pin::pin!(inner.call(request));
    // Declared after the handler's future, so it is dropped first: if this future is
    // dropped (the client went away) or unwinds (the handler panicked), the reservation is
    // released before the handler's state is torn down.
    let reservation = reservation;
    let result = handler.as_mut().await;

    if let Some(held) = reservation {
        let succeeded = matches!(&result, Ok(response) if response.status().is_success());
        if succeeded {
            held.complete(config.retention, config.store_timeout).await
        } else {
            held.release(config.store_timeout).await
        }
    }
    result.map(|response| response.map(ResponseBody::inner))
}

async fn reserve<B>(
    config: &Config,
    store: &Arc<dyn ReplayStore>,
    delivery: &Delivery,
) -> Result<Held, Response<ResponseBody<B>>> {
    let key = ReplayKey::new(delivery.provider(), delivery.replay_id());
    let outcome = bounded(store.reserve(&key, config.lease), config.store_timeout).await;
    match outcome {
        Ok(Reservation::Reserved(token)) => Ok(Held {
            store: store.clone(),
            key,
            token: Some(token),
        }),
        Ok(Reservation::Completed) => {
            tracing::info!(
                provider = delivery.provider(),
                id = delivery.id(),
                "webhook duplicate of a completed delivery; handler not called"
            );
            Err(duplicate(config))
        }
        Ok(Reservation::InFlight) => {
            let rejection = Rejection::new(
                RejectionKind::InFlight,
                "the same delivery is being handled; retry later",
            )
            .with_retry_after(config.in_flight_retry_after);
            Err(reject(delivery.provider(), &rejection))
        }
        Err(error) => {
            tracing::error!(
                provider = delivery.provider(),
                error = %error,
                "webhook replay store unavailable"
            );
            match config.on_store_failure {
                StoreFailure::Reject => {
                    let rejection = Rejection::new(
                        RejectionKind::StoreUnavailable,
                        "the replay store is unavailable; retry later",
                    )
                    .with_retry_after(config.store_retry_after);
                    Err(reject(delivery.provider(), &rejection))
                }
                StoreFailure::Proceed => Ok(Held {
                    store: store.clone(),
                    key,
                    token: None,
                }),
            }
        }
    }
}

/// A reservation this request holds. Dropped without [`complete`](Held::complete) or
/// [`release`](Held::release), it releases itself.
struct Held {
    store: Arc<dyn ReplayStore>,
    key: ReplayKey,
    token: Option<ReservationToken>,
}

impl Held {
    async fn complete(mut self, retention: Duration, timeout: Duration) {
        if let Some(token) = self.token.take() {
            let done = self.store.complete(&self.key, &token, retention);
            if let Err(error) = bounded(done, timeout).await {
                tracing::error!(key = %self.key, error = %error, "webhook could not be marked completed");
            }
        }
    }

    async fn release(mut self, timeout: Duration) {
        if let Some(token) = self.token.take() {
            let done = self.store.release(&self.key, &token);
            if let Err(error) = bounded(done, timeout).await {
                tracing::error!(key = %self.key, error = %error, "webhook reservation could not be released");
            }
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else {
            return;
        };
        tracing::debug!(key = %self.key, "webhook handler did not finish; releasing its reservation");
        let store = self.store.clone();
        let key = self.key.clone();
        let mut release = Box::pin(async move {
            if let Err(error) = store.release(&key, &token).await {
                tracing::error!(key = %key, error = %error, "webhook reservation could not be released");
            }
        });
        // The in-memory store finishes at once; a networked one goes on in the background.
        let mut cx = Context::from_waker(std::task::Waker::noop());
        if release.as_mut().poll(&mut cx).is_pending() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => drop(runtime.spawn(release)),
                Err(_) => tracing::error!(
                    key = %self.key,
                    "no tokio runtime to release the reservation; it expires with its lease"
                ),
            }
        }
    }
}

/// Runs a store operation within `timeout`. An operation that is ready at once (the
/// in-memory store always is) needs no timer.
async fn bounded<T>(
    mut operation: BoxFuture<'_, Result<T, StoreError>>,
    timeout: Duration,
) -> Result<T, StoreError> {
    let first = std::future::poll_fn(|cx| Poll::Ready(operation.as_mut().poll(cx))).await;
    if let Poll::Ready(result) = first {
        return result;
    }
    if tokio::runtime::Handle::try_current().is_err() {
        return operation.await;
    }
    match tokio::time::timeout(timeout, operation).await {
        Ok(result) => result,
        Err(_) => Err(StoreError::new("replay store did not answer in time")),
    }
}

fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn too_large() -> Rejection {
    Rejection::new(RejectionKind::BodyTooLarge, "body exceeds the limit")
}

fn reject<B>(provider: &str, rejection: &Rejection) -> Response<ResponseBody<B>> {
    tracing::warn!(
        provider,
        reason = rejection.kind().code(),
        status = rejection.status().as_u16(),
        subject = rejection.subject(),
        "webhook rejected"
    );
    rejection.to_response().map(ResponseBody::layer)
}

fn duplicate<B>(config: &Config) -> Response<ResponseBody<B>> {
    let mut response = Response::new(ResponseBody::layer(Bytes::from_static(
        b"{\"status\":\"duplicate\",\"detail\":\"this delivery was already handled\"}",
    )));
    *response.status_mut() = config.duplicate_status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(super::DUPLICATE_HEADER, HeaderValue::from_static("true"));
    response
}
