#![doc = guide_links!()]
#![doc = include_str!("../../docs/configuration.md")]
#![doc = include_str!("../../docs/sources.md")]

mod allow_list;
mod future;
mod service;
mod sources;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, StatusCode};
use tower_layer::Layer;

use std::sync::atomic::{AtomicU64, Ordering};

use self::allow_list::NetworkFilter;
use crate::replay::{clamp, MemoryStore, ReplayStore, DEFAULT_RETENTION};
use crate::Verifier;

pub use self::allow_list::{AllowedNetworks, ClientAddress};
pub use self::future::ResponseFuture;
pub use self::service::WebhookService;
pub use self::sources::{
    KnownSource, LookupError, LookupErrorKind, SourceKey, Sources, VerifierLookup,
    DEFAULT_FAILURE_TTL, DEFAULT_LOOKUP_TIMEOUT, DEFAULT_MAX_NEW_SOURCE_LOOKUPS,
    DEFAULT_SOURCE_CAPACITY, DEFAULT_SOURCE_TTL, DEFAULT_TTL_JITTER, DEFAULT_UNKNOWN_TTL,
    MAX_SOURCE_KEY,
};
pub use crate::body::{ResponseBody, VerifiedBody};

/// The default body limit: 2 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;
/// How long a reservation stays in flight before it expires on its own by default: 5
/// minutes, well above a webhook handler's expected run time.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(5 * 60);
/// How long a replay store may take to answer by default: 250 ms.
pub const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_millis(250);
/// The header that marks a response to a duplicate delivery: `webhook-duplicate: true`.
pub const DUPLICATE_HEADER: HeaderName = HeaderName::from_static("webhook-duplicate");

/// Verifies webhooks before the inner service sees them: body limit, signature,
/// freshness, then replay protection.
///
/// | case | response | handler called |
/// |---|---|---|
/// | source address not in the [allow-list](Self::allowed_networks), or unknown | `403`, body not read | no |
/// | verified, new | whatever the handler returns | yes |
/// | duplicate of a completed delivery | `200` (configurable), `webhook-duplicate: true` | no |
/// | duplicate while the first is in flight | `409` with `Retry-After` | no |
/// | signature missing or wrong, timestamp stale or in the future | `401` | no |
/// | header present but malformed | `400` | no |
/// | body over the limit | `413` | no |
/// | replay store unreachable | `503` with `Retry-After` | no |
///
/// A `2xx` from the handler completes the delivery; any other status, a panic, or a
/// dropped response future releases it, so the provider's retry is handled.
///
/// By default each layer has its own [`MemoryStore`], shared by every route the layer
/// value (and its clones) is applied to.
#[derive(Clone)]
#[must_use]
pub struct WebhookLayer {
    config: Config,
}

#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) verifiers: Verifiers,
    pub(crate) store: Option<Arc<dyn ReplayStore>>,
    /// The same store when it is a [`MemoryStore`]: the layer then calls it directly,
    /// without the boxed futures of the [`ReplayStore`] trait (it answers at once).
    pub(crate) memory: Option<Arc<MemoryStore>>,
    /// Set explicitly; else the provider's documented maximum, else the default.
    pub(crate) body_limit: Option<usize>,
    pub(crate) retention: Duration,
    pub(crate) lease: Duration,
    pub(crate) duplicate_status: StatusCode,
    pub(crate) in_flight_retry_after: Duration,
    pub(crate) store_timeout: Duration,
    pub(crate) store_retry_after: Duration,
    pub(crate) on_store_failure: StoreFailure,
    pub(crate) counters: Counters,
    pub(crate) allowed: Option<NetworkFilter>,
    /// The dispatcher behind the layer, to bind the replay keys of deliveries whose event
    /// type is unsigned to the route it chooses.
    pub(crate) routes: Option<crate::dispatch::Dispatch>,
    /// Whether the metrics carry a `source` label ([`WebhookLayer::metrics_by_source`]).
    pub(crate) metrics_by_source: bool,
    #[cfg(inbox)]
    pub(crate) inbox: Option<crate::inbox::Inbox>,
}

/// Events of a layer that a person should look at, counted since it was made: read them
/// from [`WebhookLayer::counters`] and export them to your metrics. Each is also logged at
/// `warn` or `error` when it happens.
#[derive(Clone, Default)]
pub struct Counters(Arc<CountersInner>);

#[derive(Default)]
struct CountersInner {
    duplicates_under_new_id: AtomicU64,
    completions_contended: AtomicU64,
    completions_lost: AtomicU64,
}

impl Counters {
    /// Deliveries refused as duplicates because their signed content was already seen
    /// under another (unsigned) id: replays under a new id, or distinct deliveries with
    /// byte-identical signed content (see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
    pub fn duplicates_under_new_id(&self) -> u64 {
        self.0.duplicates_under_new_id.load(Ordering::Relaxed)
    }

    /// Deliveries handled while another copy held them: the lease had expired (the
    /// handler outran it and the store lost the heartbeat), so the handler may have run
    /// twice. The completion overwrote that copy's hold on the keys they share, so its
    /// failure cannot free them for a third run.
    pub fn completions_contended(&self) -> u64 {
        self.0.completions_contended.load(Ordering::Relaxed)
    }

    /// Completions that never reached the store after every retry: a replay of those
    /// deliveries would run the handler again.
    pub fn completions_lost(&self) -> u64 {
        self.0.completions_lost.load(Ordering::Relaxed)
    }

    pub(crate) fn count_duplicate_under_new_id(&self) {
        self.0
            .duplicates_under_new_id
            .fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_completion_contended(&self) {
        self.0.completions_contended.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_completion_lost(&self) {
        self.0.completions_lost.fetch_add(1, Ordering::Relaxed);
    }
}

impl fmt::Debug for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counters")
            .field("duplicates_under_new_id", &self.duplicates_under_new_id())
            .field("completions_contended", &self.completions_contended())
            .field("completions_lost", &self.completions_lost())
            .finish()
    }
}

/// The verifier of every request, or the sources that resolve one per request.
#[derive(Clone, Debug)]
pub(crate) enum Verifiers {
    One(Verifier),
    PerSource(Sources),
}

impl Verifiers {
    /// What names the layer in a log event before a request's verifier is known.
    pub(crate) fn label(&self) -> &str {
        match self {
            Verifiers::One(verifier) => verifier.provider(),
            Verifiers::PerSource(_) => "per-source",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StoreFailure {
    Reject,
    Proceed,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("Config");
        f.field("verifiers", &self.verifiers)
            .field("replay_protection", &self.store.is_some())
            .field("body_limit", &self.body_limit)
            .field("retention", &self.retention)
            .field("lease", &self.lease)
            .field("duplicate_status", &self.duplicate_status)
            .field("store_timeout", &self.store_timeout)
            .field("on_store_failure", &self.on_store_failure)
            .field("allowed", &self.allowed)
            .field("routed_by", &self.routes.is_some());
        #[cfg(inbox)]
        f.field("inbox", &self.inbox);
        f.finish()
    }
}

impl fmt::Debug for WebhookLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookLayer")
            .field("config", &self.config)
            .finish()
    }
}

impl WebhookLayer {
    /// A layer that verifies with `verifier` and remembers deliveries in a new
    /// [`MemoryStore`].
    pub fn new(verifier: Verifier) -> Self {
        WebhookLayer::with_verifiers(Verifiers::One(verifier))
    }

    /// A layer for many sources of webhooks on one endpoint (tenants, customers): each
    /// request's verifier is resolved by `sources` from the request (a path segment, the
    /// host, a header), through your cached lookup. An unknown source is answered `404`,
    /// a failed lookup `503`; deliveries are namespaced by their source. See [`Sources`].
    ///
    /// On an axum router, add it per route (`post(handler).route_layer(layer)`), so each
    /// route has the layer it means: `Router::route(a).route_layer(A).route(b)
    /// .route_layer(B)` wraps route `a` in both layers.
    pub fn with_sources(sources: Sources) -> Self {
        WebhookLayer::with_verifiers(Verifiers::PerSource(sources))
    }

    fn with_verifiers(verifiers: Verifiers) -> Self {
        let layer = WebhookLayer {
            config: Config {
                verifiers,
                store: None,
                memory: None,
                body_limit: None,
                retention: DEFAULT_RETENTION,
                lease: DEFAULT_LEASE,
                duplicate_status: StatusCode::OK,
                in_flight_retry_after: Duration::from_secs(5),
                store_timeout: DEFAULT_STORE_TIMEOUT,
                store_retry_after: Duration::from_secs(5),
                on_store_failure: StoreFailure::Reject,
                counters: Counters::default(),
                allowed: None,
                routes: None,
                metrics_by_source: false,
                #[cfg(inbox)]
                inbox: None,
            },
        };
        layer.replay_store(MemoryStore::new())
    }

    /// Remembers deliveries in `store`. Pass an `Arc` to share one store between layers
    /// or to keep a handle on it.
    ///
    /// A [`MemoryStore`] (by value, or as an `Arc<MemoryStore>`) is called directly: no
    /// boxed futures, and its completion runs inline. An `Arc<dyn ReplayStore>` holding
    /// one works too, through the trait.
    pub fn replay_store<S: ReplayStore>(mut self, mut store: S) -> Self {
        let any: &mut dyn std::any::Any = &mut store;
        let memory = match any.downcast_mut::<MemoryStore>() {
            // Moved out (a new, empty store is left behind and dropped with `store`).
            Some(memory) => Some(Arc::new(std::mem::take(memory))),
            None => any.downcast_ref::<Arc<MemoryStore>>().cloned(),
        };
        self.config.store = Some(match &memory {
            Some(memory) => memory.clone(),
            None => Arc::new(store),
        });
        self.config.memory = memory;
        self
    }

    /// Turns replay protection off: replays and provider retries run the handler again.
    pub fn dangerously_disable_replay_protection(mut self) -> Self {
        self.config.store = None;
        self.config.memory = None;
        self
    }

    /// The largest body accepted, in bytes (default: the largest the provider documents
    /// sending, such as GitHub's 25 MB, else 2 MiB). Larger ones get `413`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = Some(bytes);
        self
    }

    /// How long a completed delivery is remembered (default 14 days, [`DEFAULT_RETENTION`]). Keep it beyond the
    /// provider's retry horizon, or retries after it run the handler again. Values beyond
    /// [`MAX_DURATION`](crate::replay::MAX_DURATION) (ten years, up to `Duration::MAX`)
    /// are clamped to it: a huge retention never wraps into none.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.config.retention = clamp(retention);
        self
    }

    /// How long a reservation stays in flight without news from its handler (default 5
    /// minutes), so a crashed process never blocks a delivery for good. While the handler
    /// runs, the layer extends it every third of the lease, so a slow handler keeps its
    /// delivery. Clamped like [`retention`](Self::retention).
    pub fn reservation_lease(mut self, lease: Duration) -> Self {
        self.config.lease = clamp(lease);
        self
    }

    /// The status answered to a duplicate of a completed delivery (default `200 OK`, which
    /// stops the provider's retries).
    pub fn duplicate_status(mut self, status: StatusCode) -> Self {
        self.config.duplicate_status = status;
        self
    }

    /// The `Retry-After` sent with `409` for a delivery in flight (default 5 s).
    pub fn in_flight_retry_after(mut self, after: Duration) -> Self {
        self.config.in_flight_retry_after = after;
        self
    }

    /// How long the replay store may take to answer before the request gets `503`
    /// (default 250 ms).
    pub fn store_timeout(mut self, timeout: Duration) -> Self {
        self.config.store_timeout = timeout;
        self
    }

    /// The `Retry-After` sent with `503` when the store is unavailable (default 5 s).
    pub fn store_retry_after(mut self, after: Duration) -> Self {
        self.config.store_retry_after = after;
        self
    }

    /// When the replay store is unavailable, call the handler anyway instead of answering
    /// `503`: verified deliveries are handled, but duplicates can run twice while the
    /// store is down.
    pub fn dangerously_fail_open_when_store_unavailable(mut self) -> Self {
        self.config.on_store_failure = StoreFailure::Proceed;
        self
    }

    /// Refuses requests whose client address, read as `client_address` says, is not in
    /// `sources`: `403 Forbidden` with the reason `address_not_allowed`, before the body is
    /// read. An address that cannot be told is refused too. A second line of defence
    /// beside the signature. [`AllowedNetworks`] says where providers publish their ranges,
    /// [`ClientAddress`] how to read the address directly or behind a proxy.
    ///
    /// ```
    /// use tower_webhook::layer::{AllowedNetworks, ClientAddress};
    /// use tower_webhook::{providers, Verifier, WebhookLayer};
    ///
    /// let github = AllowedNetworks::parse(["192.30.252.0/22", "2a0a:a440::/29"]).unwrap();
    /// let verifier = Verifier::new(providers::github(), "my webhook secret").unwrap();
    /// let layer = WebhookLayer::new(verifier).allowed_networks(github, ClientAddress::peer());
    /// # let _ = layer;
    /// ```
    pub fn allowed_networks(
        mut self,
        sources: AllowedNetworks,
        client_address: ClientAddress,
    ) -> Self {
        self.config.allowed = Some(NetworkFilter::new(sources, client_address));
        self
    }

    /// Tells the layer the [`Dispatch`] behind it (or behind the inbox's workers), so that
    /// the replay keys of a delivery whose event type is **unsigned** (GitHub's
    /// `X-GitHub-Event`, Shopify's `X-Shopify-Topic`, …) are bound to the route it takes.
    ///
    /// Without it, a captured copy presented under another event type (`ping`, or none,
    /// reaching the fallback) is handled by the route that name chooses and completes the
    /// delivery's keys: the genuine delivery, if it has not been handled yet (it failed,
    /// or the copy raced it), is then a duplicate and is never handled. With it, each
    /// route handles a given signed content at most once: the copy under another name
    /// reaches that name's route once, and the genuine delivery is still new to its own.
    /// The routes are configuration, so what one captured delivery can reach is bounded
    /// by them. Deliveries whose event type is signed are unaffected.
    ///
    /// Pass the same `Dispatch` you serve (a clone shares its routes).
    ///
    /// ```
    /// use axum::{routing::post_service, Router};
    /// use tower_webhook::dispatch::Dispatch;
    /// use tower_webhook::{providers, Delivery, Verifier, WebhookLayer};
    ///
    /// let dispatch = Dispatch::new()
    ///     .on("push", |_: Delivery| async { "built" })
    ///     .on("ping", |_: Delivery| async { "pong" });
    /// let github = Verifier::new(providers::github(), "github webhook secret").unwrap();
    /// let layer = WebhookLayer::new(github).routed_by(&dispatch);
    /// let app: Router = Router::new().route("/webhooks/github", post_service(dispatch).route_layer(layer));
    /// # let _ = app;
    /// ```
    ///
    /// [`Dispatch`]: crate::dispatch::Dispatch
    pub fn routed_by(mut self, dispatch: &crate::dispatch::Dispatch) -> Self {
        self.config.routes = Some(dispatch.clone());
        self
    }

    /// Inbox mode: a verified, new delivery is written to `inbox` and the provider gets
    /// `202 Accepted` as soon as that write commits; the handler runs later, from
    /// [`Workers`](crate::inbox::Workers), never on the request path. The write dedupes
    /// the delivery by its replay keys (the layer's [replay store](Self::replay_store) is
    /// not used for it): a duplicate is answered as without the inbox, whether the first
    /// copy was handled yet or not. A failed or slow write is answered `503` with
    /// `Retry-After` ([`store_retry_after`](Self::store_retry_after)): fail closed.
    /// Registration handshakes are answered as without the inbox.
    ///
    /// The service behind the layer is never called in inbox mode; give it the handlers
    /// the workers run, so one router serves both. See [`crate::inbox`] for the contract.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use axum::{routing::post, Router};
    /// use tower_webhook::inbox::Inbox;
    /// use tower_webhook::{providers, Verifier, WebhookLayer};
    ///
    /// let inbox = Inbox::connect("sqlite://webhooks.db").await?;
    /// let handlers = Router::new().route("/webhooks/github", post(|| async { "ok" }));
    /// let workers = inbox.workers(handlers.clone()).spawn();
    /// let verifier = Verifier::new(providers::github(), "my webhook secret")?;
    /// let app = handlers.route_layer(WebhookLayer::new(verifier).inbox(inbox));
    /// # let _ = (app, workers);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(inbox)]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(feature = "inbox-sqlite", feature = "inbox-postgres")))
    )]
    pub fn inbox(mut self, inbox: crate::inbox::Inbox) -> Self {
        self.config.inbox = Some(inbox);
        self
    }

    /// Labels the layer's metrics with the delivery's source too (feature `metrics`; see
    /// [`crate::metrics`]). Off by default: tenants can number 100,000, and each is a
    /// series per metric and label value. Only sources the lookup found are labelled; a
    /// request naming an unknown source is counted under the provider alone.
    ///
    /// ```
    /// use tower_webhook::{providers, Verifier, WebhookLayer};
    ///
    /// let verifier = Verifier::new(providers::stripe(), "whsec_c2VjcmV0").unwrap();
    /// let layer = WebhookLayer::new(verifier).metrics_by_source(true);
    /// # let _ = layer;
    /// ```
    pub fn metrics_by_source(mut self, by_source: bool) -> Self {
        self.config.metrics_by_source = by_source;
        self
    }

    /// The verifier this layer uses; `None` for a layer that resolves one per source
    /// ([`with_sources`](Self::with_sources)).
    pub fn verifier(&self) -> Option<&Verifier> {
        match &self.config.verifiers {
            Verifiers::One(verifier) => Some(verifier),
            Verifiers::PerSource(_) => None,
        }
    }

    /// The layer's [`Counters`], shared by every service it makes.
    pub fn counters(&self) -> &Counters {
        &self.config.counters
    }
}

impl<S> Layer<S> for WebhookLayer {
    type Service = WebhookService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WebhookService::new(inner, Arc::new(self.config.clone()))
    }
}
