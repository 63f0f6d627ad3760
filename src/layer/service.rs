//! The middleware: buffer the body, verify, reserve the delivery, call the handler, then
//! complete or release the reservation.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response};
use http_body::Body;
use tower_service::Service;
use tracing::field::Empty;
use tracing::Instrument;

use super::{
    Config, Counters, ResponseBody, ResponseFuture, StoreFailure, VerifiedBody, Verifiers,
};
use crate::body::{buffer, BufferError};
use crate::delivery::loggable;
use crate::dispatch::Unhandled;
use crate::metrics::{Labels, Outcome, Stopwatch};
use crate::replay::{
    BoxFuture, Completion, ReplayStore, Reservation, ReservationToken, StoreError, StoreErrorKind,
};
use crate::scheme::HandshakeResponse;
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
        // One span per delivery, its fields recorded as they become known; the handler
        // runs inside it.
        let span = tracing::info_span!(
            "webhook",
            provider = Empty,
            source = Empty,
            delivery_id = Empty,
            event_type = Empty,
            outcome = Empty,
        );
        ResponseFuture::new(Box::pin(
            handle(self.config.clone(), inner, request).instrument(span),
        ))
    }
}

async fn handle<S, ReqBody, ResBody>(
    config: Arc<Config>,
    inner: S,
    request: Request<ReqBody>,
) -> Result<Response<ResponseBody<ResBody>>, S::Error>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>>,
    ReqBody: Body,
    ReqBody::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let span = tracing::Span::current();
    if let Verifiers::One(verifier) = &config.verifiers {
        span.record("provider", verifier.provider());
    }

    // First, so a refused address costs neither a body read nor a signature check.
    if let Some(allowed) = &config.allowed {
        if let Err(rejection) = allowed.check(&parts) {
            let label = config.verifiers.label();
            return Ok(reject(&Labels::new(label), label, &rejection));
        }
    }
    // Then the request's verifier: an unknown source costs no body read either.
    let resolved;
    let verifier = match &config.verifiers {
        Verifiers::One(verifier) => verifier,
        Verifiers::PerSource(sources) => match sources.resolve(&parts).await {
            Ok(verifier) => {
                resolved = verifier;
                &resolved
            }
            Err(rejection) => {
                let label = config.verifiers.label();
                return Ok(reject(&Labels::new(label), label, &rejection));
            }
        },
    };
    if let Verifiers::PerSource(_) = &config.verifiers {
        span.record("provider", verifier.provider());
        if let Some(source) = verifier.source() {
            span.record("source", source);
        }
    }
    let quiet = verifier.empty_responses();
    let response = verified_call(&config, verifier, inner, parts, body).await;
    if quiet {
        // The provider wants no body on what the layer answers (Xero).
        return response.map(without_layer_body);
    }
    response
}

/// The rest of a request's path once its verifier is known: body, handshake,
/// verification, replay protection, handler.
async fn verified_call<S, ReqBody, ResBody>(
    config: &Arc<Config>,
    verifier: &crate::Verifier,
    mut inner: S,
    parts: http::request::Parts,
    body: ReqBody,
) -> Result<Response<ResponseBody<ResBody>>, S::Error>
where
    S: Service<Request<VerifiedBody>, Response = Response<ResBody>>,
    ReqBody: Body,
    ReqBody::Error: Into<BoxError>,
{
    let provider = verifier.provider();
    let labels = Labels::of(verifier, config.metrics_by_source);
    let labels = &labels;

    let limit = config
        .body_limit
        .or_else(|| verifier.default_body_limit())
        .unwrap_or(super::DEFAULT_BODY_LIMIT);
    let declared = content_length(&parts.headers);
    if declared.is_some_and(|len| len > limit as u64) {
        return Ok(reject(labels, provider, &too_large()));
    }
    let body = match buffer(body, declared, limit).await {
        Ok(body) => body,
        Err(BufferError::TooLarge) => return Ok(reject(labels, provider, &too_large())),
        Err(BufferError::Unreadable) => {
            let rejection = Rejection::new(RejectionKind::InvalidBody, "body could not be read");
            return Ok(reject(labels, provider, &rejection));
        }
    };

    // Unsigned handshakes (Meta, Dropbox, Asana) come before verification; they never
    // read the body.
    if let Some(answer) = verifier.handshake_parts(&parts, &body) {
        return Ok(match answer {
            Ok(response) => {
                observed(labels, Outcome::Handshake);
                tracing::info!(provider, "webhook registration handshake answered");
                response.map(ResponseBody::layer)
            }
            Err(rejection) => reject(labels, provider, &rejection),
        });
    }

    let verifying = Stopwatch::start();
    let verified = verifier.verify_parts(&parts, &body);
    labels.verified_in(verifying.elapsed());
    let delivery = match verified {
        Ok(delivery) => delivery,
        Err(rejection) => return Ok(reject(labels, provider, &rejection)),
    };
    let span = tracing::Span::current();
    span.record(
        "delivery_id",
        tracing::field::display(crate::delivery::loggable_line(delivery.id())),
    );
    if let Some(event_type) = delivery.event_type() {
        // Cut like the id: the sender chooses it, and it is in every line of the span.
        span.record("event_type", loggable(event_type));
    }
    if let Some(routes) = &config.routes {
        if !delivery.event_type_is_signed() {
            delivery.route_keys(routes.route_key(&delivery));
        }
    }

    #[cfg(inbox)]
    if let Some(inbox) = &config.inbox {
        if delivery.handshake().is_none() {
            return Ok(into_inbox(config, labels, inbox, &parts, &delivery).await);
        }
    }

    let reservation = match &config.store {
        None => None,
        Some(store) => match reserve(config, labels, store, &delivery).await {
            Ok(held) => Some(held),
            Err(response) => return Ok(response),
        },
    };

    // A signed handshake was verified once, like any delivery, and is recorded with replay
    // protection so a captured one cannot come back as another kind of message.
    if let Some(handshake) = delivery.handshake() {
        if let Some(held) = reservation {
            held.complete(config).await;
        }
        return Ok(answer_handshake(labels, provider, handshake));
    }

    let mut request = Request::from_parts(parts, VerifiedBody::new(body));
    request.extensions_mut().insert(delivery);
    let mut handler = std::pin::pin!(inner.call(request));
    // Declared after the handler's future, so it is dropped first: if this future is
    // dropped (the client went away) or unwinds (the handler panicked), the reservation is
    // released before the handler's state is torn down.
    let reservation = reservation;
    // Counts the request if the handler never answers: it panicked, or this future was
    // dropped (the client went away) while it ran.
    let handling = Handling::start(labels);
    let result = match &reservation {
        Some(held) => with_heartbeat(handler.as_mut(), held, config).await,
        None => handler.as_mut().await,
    };
    let success = matches!(&result, Ok(response) if response.status().is_success());
    labels.handled_in(handling.answered(), success);
    let unhandled =
        matches!(&result, Ok(response) if response.extensions().get::<Unhandled>().is_some());
    observed(
        labels,
        if unhandled {
            Outcome::Unhandled
        } else {
            Outcome::Accepted
        },
    );

    if let Some(held) = reservation {
        let handled = match &result {
            Ok(response) => handled(response, &held.delivery),
            Err(_) => false,
        };
        if handled {
            held.complete(config).await
        } else {
            held.release(config).await
        }
    }
    result.map(|response| response.map(ResponseBody::inner))
}

/// The handler's time on the request path. Dropped before the handler answered (it
/// panicked, or the response future was dropped while it ran), it records the request as
/// accepted with a failed handler: verified and given to the handler, like one whose
/// handler answered an error, so that every request is counted once.
struct Handling<'a> {
    labels: &'a Labels,
    started: Stopwatch,
    answered: bool,
}

impl<'a> Handling<'a> {
    fn start(labels: &'a Labels) -> Handling<'a> {
        Handling {
            labels,
            started: Stopwatch::start(),
            answered: false,
        }
    }

    /// The handler answered: how long it took.
    fn answered(mut self) -> Duration {
        self.answered = true;
        self.started.elapsed()
    }
}

impl Drop for Handling<'_> {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        self.labels.handled_in(self.started.elapsed(), false);
        observed(self.labels, Outcome::Accepted);
    }
}

/// Whether the inner service's `response` says the delivery was handled, so that its
/// keys are completed: a `2xx`, unless the response is marked [`Unhandled`] and what
/// chose that answer is unsigned. An "unhandled" answer decided from an event type the
/// signature does not cover (GitHub's `X-GitHub-Event`, or its absence) is what a copy
/// with one header changed gets too; completing it would make the genuine delivery,
/// which shares every key, a duplicate. Released, the provider's own retry is handled.
fn handled<B>(response: &Response<B>, delivery: &Delivery) -> bool {
    if !response.status().is_success() {
        return false;
    }
    match response.extensions().get::<Unhandled>() {
        Some(_) => delivery.event_type_is_signed() && delivery.event_type().is_some(),
        None => true,
    }
}

/// Writes the delivery to the inbox and answers the provider: `202` once committed, the
/// duplicate answer for a duplicate, `503` when the write fails.
#[cfg(inbox)]
async fn into_inbox<B>(
    config: &Config,
    labels: &Labels,
    inbox: &crate::inbox::Inbox,
    parts: &http::request::Parts,
    delivery: &Delivery,
) -> Response<ResponseBody<B>> {
    use crate::inbox::Accepted;
    match inbox.accept(parts, delivery).await {
        Ok(Accepted::New(id)) => {
            observed(labels, Outcome::Accepted);
            tracing::info!(
                provider = delivery.provider(),
                id = loggable(delivery.id()),
                inbox_id = %id,
                "webhook accepted into the inbox"
            );
            let mut response = Response::new(ResponseBody::layer(Bytes::from_static(
                b"{\"status\":\"accepted\"}",
            )));
            *response.status_mut() = http::StatusCode::ACCEPTED;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Ok(Accepted::Duplicate { matched }) => {
            duplicate_under_new_id(config, labels, delivery, matched);
            tracing::info!(
                provider = delivery.provider(),
                id = loggable(delivery.id()),
                "webhook duplicate of a delivery in the inbox; not written again"
            );
            duplicate(config, labels)
        }
        Err(error) => {
            tracing::error!(
                provider = delivery.provider(),
                error = %error,
                "webhook inbox write failed"
            );
            let rejection = Rejection::new(
                RejectionKind::StoreUnavailable,
                "the inbox is unavailable; retry later",
            )
            .with_retry_after(config.store_retry_after);
            reject(labels, delivery.provider(), &rejection)
        }
    }
}

/// Counts and logs a duplicate found through its signed content under another id (the
/// key at `matched`): the same in both modes, with a replay store or the inbox.
fn duplicate_under_new_id(config: &Config, labels: &Labels, delivery: &Delivery, matched: usize) {
    if !delivery.seen_under_another_id(matched) {
        return;
    }
    config.counters.count_duplicate_under_new_id();
    labels.duplicate_under_new_id();
    tracing::warn!(
        provider = delivery.provider(),
        id = loggable(delivery.id()),
        "webhook refused as a duplicate: its signed content was already seen under another \
         id (a replay under a new id, or a distinct delivery with byte-identical signed \
         content); handler not called"
    );
}

fn answer_handshake<B>(
    labels: &Labels,
    provider: &str,
    handshake: &HandshakeResponse,
) -> Response<ResponseBody<B>> {
    observed(labels, Outcome::Handshake);
    tracing::info!(provider, "webhook registration handshake answered");
    handshake.to_response().map(ResponseBody::layer)
}

async fn reserve<'a, B>(
    config: &Config,
    labels: &Labels,
    store: &'a Arc<dyn ReplayStore>,
    delivery: &Delivery,
) -> Result<Held<'a>, Response<ResponseBody<B>>> {
    let keys = delivery.key_set();
    let outcome = match &config.memory {
        Some(memory) => {
            memory.reserve_at(keys, config.lease, config.retention, delivery.system_now())
        }
        None => {
            bounded(
                store.reserve(keys, config.lease, config.retention),
                config.store_timeout,
            )
            .await
        }
    };
    let matched = match &outcome {
        Ok(Reservation::Completed { matched } | Reservation::InFlight { matched }) => {
            Some(*matched)
        }
        _ => None,
    };
    if let Some(matched) = matched {
        duplicate_under_new_id(config, labels, delivery, matched);
    }
    if matched.is_some() {
        if let Some(handshake) = delivery.handshake() {
            // Answering a handshake again runs no handler.
            return Err(answer_handshake(labels, delivery.provider(), handshake));
        }
    }
    match outcome {
        Ok(Reservation::Reserved(token)) => Ok(Held {
            store,
            delivery: delivery.clone(),
            token: Some(token),
        }),
        Ok(Reservation::Completed { .. }) => {
            tracing::info!(
                provider = delivery.provider(),
                id = loggable(delivery.id()),
                "webhook duplicate of a completed delivery; handler not called"
            );
            Err(duplicate(config, labels))
        }
        Ok(Reservation::InFlight { .. }) => {
            let rejection = Rejection::new(
                RejectionKind::InFlight,
                "the same delivery is being handled; retry later",
            )
            .with_retry_after(config.in_flight_retry_after);
            Err(reject(labels, delivery.provider(), &rejection))
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
                    Err(reject(labels, delivery.provider(), &rejection))
                }
                StoreFailure::Proceed => Ok(Held {
                    store,
                    delivery: delivery.clone(),
                    token: None,
                }),
            }
        }
    }
}

/// Runs the handler, extending the reservation's lease every third of it so that a slow
/// handler keeps its delivery: without it a copy arriving after the lease would run too.
async fn with_heartbeat<F: Future>(
    mut handler: std::pin::Pin<&mut F>,
    held: &Held<'_>,
    config: &Config,
) -> F::Output {
    let Some(token) = held.token.as_ref() else {
        return handler.await;
    };
    let period = (config.lease / 3).max(Duration::from_millis(1));
    let mut extending: Option<BoxFuture<'_, Result<bool, StoreError>>> = None;
    // Made only once the handler is pending: a handler that answers at once needs no
    // timer (nor a runtime with timers enabled).
    let mut timer: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
    // Whether there is a runtime for the timer, asked only once the handler is pending
    // (asking clones the runtime's handle).
    let mut runtime: Option<bool> = None;
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = handler.as_mut().poll(cx) {
            return Poll::Ready(output);
        }
        if !*runtime.get_or_insert_with(|| tokio::runtime::Handle::try_current().is_ok()) {
            return Poll::Pending;
        }
        let timer = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(period)));
        loop {
            if let Some(extension) = extending.as_mut() {
                let Poll::Ready(result) = extension.as_mut().poll(cx) else {
                    return Poll::Pending;
                };
                extending = None;
                match result {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(
                        provider = held.delivery.provider(),
                        id = loggable(held.delivery.id()),
                        "webhook reservation was lost while its handler ran (its lease ran \
                         out, or a copy completed the delivery); a copy may run too"
                    ),
                    Err(error) => tracing::error!(
                        provider = held.delivery.provider(),
                        error = %error,
                        "webhook reservation could not be extended"
                    ),
                }
                timer.as_mut().reset(tokio::time::Instant::now() + period);
            }
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let keys = held.delivery.replay_keys();
            extending = Some(Box::pin(bounded(
                held.store.extend(keys, token, config.lease),
                config.store_timeout,
            )));
        }
    })
    .await
}

/// A reservation this request holds. Dropped without [`complete`](Held::complete) or
/// [`release`](Held::release), it releases itself. It borrows the layer's store (no
/// reference count touched per request; a release from `drop` clones it).
struct Held<'a> {
    store: &'a Arc<dyn ReplayStore>,
    delivery: Delivery,
    token: Option<ReservationToken>,
}

/// How often a completion that failed is tried again in the background, and the first
/// pause between tries (doubled each time).
const COMPLETION_RETRIES: u32 = 5;
const COMPLETION_BACKOFF: Duration = Duration::from_millis(100);

impl Held<'_> {
    /// Marks the delivery completed. A completion that fails or times out is tried again
    /// in the background: a completion that never lands would let a replay run the
    /// handler again. It runs as a task of its own, so it lands even when this response
    /// future is dropped while it waits (the client went away after the handler
    /// answered); the response waits for its first attempt only.
    async fn complete(mut self, config: &Config) {
        let Some(token) = self.token.take() else {
            return;
        };
        // The in-memory store answers at once: no task, no channel, no boxed future.
        if let Some(memory) = &config.memory {
            let keys = self.delivery.replay_keys();
            if let Ok(outcome) = memory.complete_now(keys, &token, config.retention) {
                completed(&self.delivery, outcome, &config.counters);
                return;
            }
            // Full of reservations in flight: retried in the background like any store.
        }
        let (first_attempt, answered) = tokio::sync::oneshot::channel();
        let mut job = Box::pin(completion(
            self.store.clone(),
            self.delivery.clone(),
            token,
            config.clone_for_completion(),
            first_attempt,
        ));
        // The in-memory store finishes at once, with no task.
        let ready = {
            let mut cx = Context::from_waker(std::task::Waker::noop());
            job.as_mut().poll(&mut cx).is_ready()
        };
        if ready {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                drop(runtime.spawn(job));
                let _ = answered.await;
            }
            Err(_) => job.await,
        }
    }

    /// Releases the reservation, so the provider's retry gets through.
    async fn release(mut self, config: &Config) {
        if let Some(token) = self.token.take() {
            let done = self.store.release(self.delivery.replay_keys(), &token);
            log_release(&self.delivery, bounded(done, config.store_timeout).await);
        }
    }
}

fn log_release(delivery: &Delivery, result: Result<(), StoreError>) {
    if let Err(error) = result {
        tracing::error!(
            provider = delivery.provider(),
            error = %error,
            "webhook reservation could not be released; it expires with its lease"
        );
    }
}

/// What a completion needs from the layer's configuration.
struct CompletionSettings {
    retention: Duration,
    timeout: Duration,
    counters: Counters,
}

impl Config {
    fn clone_for_completion(&self) -> CompletionSettings {
        CompletionSettings {
            retention: self.retention,
            timeout: self.store_timeout,
            counters: self.counters.clone(),
        }
    }
}

/// Completes `delivery`'s reservation, retrying with backoff; says on `first_attempt`
/// when the first try is over, whatever its outcome.
async fn completion(
    store: Arc<dyn ReplayStore>,
    delivery: Delivery,
    token: ReservationToken,
    settings: CompletionSettings,
    first_attempt: tokio::sync::oneshot::Sender<()>,
) {
    let mut first_attempt = Some(first_attempt);
    let mut pause = COMPLETION_BACKOFF;
    for attempt in 0..=COMPLETION_RETRIES {
        if attempt > 0 {
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
        let keys = delivery.replay_keys();
        let result = bounded(
            store.complete(keys, &token, settings.retention),
            settings.timeout,
        )
        .await;
        if let Some(sender) = first_attempt.take() {
            let _ = sender.send(());
        }
        match result {
            Ok(outcome) => {
                completed(&delivery, outcome, &settings.counters);
                return;
            }
            Err(error) if attempt == 0 => tracing::warn!(
                provider = delivery.provider(),
                id = loggable(delivery.id()),
                error = %error,
                "webhook completion failed; retrying in the background"
            ),
            Err(_) => {}
        }
    }
    settings.counters.count_completion_lost();
    Labels::new(delivery.provider()).completion_lost();
    tracing::error!(
        provider = delivery.provider(),
        id = loggable(delivery.id()),
        "webhook could not be marked completed: a replay of it would run the handler again"
    );
}

fn completed(delivery: &Delivery, outcome: Completion, counters: &Counters) {
    if outcome == Completion::Contended {
        counters.count_completion_contended();
        Labels::new(delivery.provider()).completion_contended();
        tracing::warn!(
            provider = delivery.provider(),
            id = loggable(delivery.id()),
            "webhook handled while another copy held the delivery: its lease had expired, so \
             the handler may have run twice; recorded as completed over that copy's reservation"
        );
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else {
            return;
        };
        tracing::debug!(
            provider = self.delivery.provider(),
            "webhook handler did not finish; releasing its reservation"
        );
        let store = self.store.clone();
        let delivery = self.delivery.clone();
        let mut release = Box::pin(async move {
            if let Err(error) = store.release(delivery.replay_keys(), &token).await {
                tracing::error!(
                    provider = delivery.provider(),
                    error = %error,
                    "webhook reservation could not be released"
                );
            }
        });
        // The in-memory store finishes at once; a networked one goes on in the background.
        let mut cx = Context::from_waker(std::task::Waker::noop());
        if release.as_mut().poll(&mut cx).is_pending() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => drop(runtime.spawn(release)),
                Err(_) => tracing::error!(
                    provider = self.delivery.provider(),
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
        Err(_) => Err(StoreError::new(
            StoreErrorKind::Timeout,
            "replay store did not answer in time",
        )),
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

/// The response with an empty body when the layer wrote it (a rejection, a duplicate
/// notice); the handler's own responses are left as they are.
fn without_layer_body<B>(response: Response<ResponseBody<B>>) -> Response<ResponseBody<B>> {
    if !response.body().is_layer() {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, ResponseBody::layer(Bytes::new()))
}

/// Records what the layer did with the request: its span's `outcome` and the
/// `webhook_requests_total` metric.
fn observed(labels: &Labels, outcome: Outcome) {
    tracing::Span::current().record("outcome", outcome.as_str());
    labels.request(outcome);
}

fn reject<B>(labels: &Labels, provider: &str, rejection: &Rejection) -> Response<ResponseBody<B>> {
    observed(labels, Outcome::Rejected(rejection.kind()));
    tracing::warn!(
        provider,
        reason = rejection.kind().code(),
        status = rejection.status().as_u16(),
        subject = rejection.subject(),
        diagnostic = rejection.diagnostic(),
        "webhook rejected"
    );
    rejection.to_response().map(ResponseBody::layer)
}

fn duplicate<B>(config: &Config, labels: &Labels) -> Response<ResponseBody<B>> {
    observed(labels, Outcome::Duplicate);
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
