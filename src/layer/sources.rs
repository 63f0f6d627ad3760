//! Many sources on one endpoint: the verifier of each request resolved from a key in the
//! request (a path segment, the host, a header), through a cached async lookup.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use http::HeaderName;
use tokio::sync::OnceCell;

use crate::replay::BoxFuture;
use crate::{Rejection, RejectionKind, Verifier};

/// The default time a looked-up verifier is used before it is looked up again: one minute.
pub const DEFAULT_SOURCE_TTL: Duration = Duration::from_secs(60);
/// The default time an unknown source is remembered as unknown: five seconds.
pub const DEFAULT_UNKNOWN_TTL: Duration = Duration::from_secs(5);
/// The default number of sources the cache holds: 100,000.
pub const DEFAULT_SOURCE_CAPACITY: usize = 100_000;
/// The longest source key looked up; a longer one is unknown without a lookup.
pub const MAX_SOURCE_KEY: usize = 256;

/// Where the layer finds the source of a request.
#[derive(Clone)]
pub struct SourceKey(KeyFrom);

/// A function that reads the source key from a request's head.
type KeyFn = dyn Fn(&http::request::Parts) -> Option<String> + Send + Sync;

#[derive(Clone)]
enum KeyFrom {
    PathSegment(usize),
    Host,
    Header(HeaderName),
    Custom(Arc<KeyFn>),
}

impl SourceKey {
    /// The `index`th segment of the request path, from 0: for `/webhooks/{tenant}/stripe`,
    /// `SourceKey::path_segment(1)`. With axum's `nest`, the path the layer sees is the
    /// one left after the nest's prefix.
    pub fn path_segment(index: usize) -> Self {
        SourceKey(KeyFrom::PathSegment(index))
    }

    /// The request's `Host` (without a port): one host name per tenant.
    pub fn host() -> Self {
        SourceKey(KeyFrom::Host)
    }

    /// The value of a header (sent by the provider, or set by a proxy in front).
    pub fn header(name: HeaderName) -> Self {
        SourceKey(KeyFrom::Header(name))
    }

    /// Anything else: a function of the request's head.
    pub fn from_fn(
        key: impl Fn(&http::request::Parts) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        SourceKey(KeyFrom::Custom(Arc::new(key)))
    }

    fn read(&self, parts: &http::request::Parts) -> Option<String> {
        let key = match &self.0 {
            KeyFrom::PathSegment(index) => parts
                .uri
                .path()
                .split('/')
                .filter(|segment| !segment.is_empty())
                .nth(*index)
                .map(|segment| {
                    percent_encoding::percent_decode_str(segment)
                        .decode_utf8()
                        .ok()
                        .map(|decoded| decoded.into_owned())
                })??,
            KeyFrom::Host => {
                let host = match parts.uri.host() {
                    Some(host) => host.to_owned(),
                    None => parts
                        .headers
                        .get(http::header::HOST)?
                        .to_str()
                        .ok()?
                        .parse::<http::uri::Authority>()
                        .ok()?
                        .host()
                        .to_owned(),
                };
                host.to_ascii_lowercase()
            }
            KeyFrom::Header(name) => {
                let mut values = parts.headers.get_all(name).iter();
                let value = values.next()?.to_str().ok()?.to_owned();
                if values.next().is_some() {
                    return None;
                }
                value
            }
            KeyFrom::Custom(key) => key(parts)?,
        };
        (!key.is_empty() && key.len() <= MAX_SOURCE_KEY).then_some(key)
    }
}

impl fmt::Debug for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            KeyFrom::PathSegment(index) => write!(f, "SourceKey::path_segment({index})"),
            KeyFrom::Host => f.write_str("SourceKey::host()"),
            KeyFrom::Header(name) => write!(f, "SourceKey::header({name})"),
            KeyFrom::Custom(_) => f.write_str("SourceKey::from_fn(..)"),
        }
    }
}

/// Why a lookup failed: the database is down, the file unreadable. The layer answers
/// `503` (fail closed) and the provider retries.
#[derive(Debug)]
pub struct LookupError {
    message: Box<str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl LookupError {
    /// An error with a message.
    pub fn new(message: impl Into<Box<str>>) -> Self {
        LookupError {
            message: message.into(),
            source: None,
        }
    }

    /// An error caused by another error.
    pub fn with_source(
        message: impl Into<Box<str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        LookupError {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LookupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Finds the verifier of a source: its scheme and its current secrets. `Ok(None)` when
/// the source is unknown (the layer answers `404`), `Err` when the lookup itself failed
/// (`503`).
///
/// Implemented for async closures `Fn(String) -> impl Future<Output = Result<Option<Verifier>,
/// LookupError>>`.
pub trait VerifierLookup: Send + Sync + 'static {
    /// Looks up `source`.
    fn lookup(&self, source: String) -> BoxFuture<'_, Result<Option<Verifier>, LookupError>>;
}

impl<F, Fut> VerifierLookup for F
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<Verifier>, LookupError>> + Send + 'static,
{
    fn lookup(&self, source: String) -> BoxFuture<'_, Result<Option<Verifier>, LookupError>> {
        Box::pin(self(source))
    }
}

/// The verifiers of many sources of webhooks on one endpoint, resolved per request: the
/// request's [`SourceKey`] is looked up through your [`VerifierLookup`] (a map, a file, a
/// database), and the answer cached.
///
/// - A verifier is used for the time-to-live (default one minute), then looked up again,
///   so a rotated or added secret takes effect without a restart; [`invalidate`](Self::invalidate)
///   makes it take effect at once. Concurrent requests for a source that is not cached
///   share one lookup (single flight).
/// - An unknown source is answered `404` and remembered as unknown for a short while
///   (default five seconds); a failed lookup is answered `503` (fail closed) and not
///   cached. A request without a source key, or with one longer than
///   [`MAX_SOURCE_KEY`], is unknown without a lookup.
/// - Each verifier is [namespaced by its source](Verifier::for_source): the same delivery
///   id under two sources is two deliveries, and the handler reads the source from
///   [`Delivery::source`](crate::Delivery::source). The source is the key, unless the
///   lookup returns a verifier it already bound with `for_source`: do that when the key
///   is not an identity the signature covers (PayPal's certificate URL: a captured
///   delivery must not become new by naming another URL of the same certificate).
/// - The cache holds at most `capacity` sources (default 100,000), oldest first out.
///
/// **The lookup runs before anything is verified**, because the source key is what
/// chooses the verifier: anyone can make it run. The negative cache absorbs repeats of
/// one unknown name, but a flood of *distinct* random names costs one lookup each (on
/// your database, if that is where it goes). Bound it before it reaches the lookup: a
/// [`SourceKey::from_fn`] that answers `None` for names outside your format (a UUID, a
/// slug of known length) costs nothing, and rate limiting in front of the route (a
/// proxy, or tower's `RateLimit`/`ConcurrencyLimit`) caps the rest.
///
/// Clone it to keep a handle for invalidation; clones share the cache.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Arc;
/// use axum::{routing::post, Router};
/// use tower_webhook::layer::{Sources, SourceKey};
/// use tower_webhook::{providers, Delivery, Verifier, WebhookLayer};
///
/// // The "database": tenant name to Standard Webhooks secret.
/// let secrets: Arc<HashMap<String, String>> = Arc::new(HashMap::from([(
///     "acme".to_owned(),
///     "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
/// )]));
/// let sources = Sources::new(SourceKey::path_segment(1), move |tenant: String| {
///     let secrets = secrets.clone();
///     async move {
///         Ok(match secrets.get(&tenant) {
///             Some(secret) => Some(Verifier::new(providers::standard_webhooks(), secret.as_str())?),
///             None => None,
///         })
///     }
/// });
/// let app: Router = Router::new().route(
///     "/webhooks/{tenant}/standard",
///     post(|delivery: Delivery| async move { format!("{:?}", delivery.source()) })
///         .route_layer(WebhookLayer::with_sources(sources.clone())),
/// );
/// // After rotating acme's secret in the database:
/// sources.invalidate("acme");
/// # let _ = app;
/// ```
#[derive(Clone)]
pub struct Sources {
    key: SourceKey,
    lookup: Arc<dyn VerifierLookup>,
    ttl: Duration,
    unknown_ttl: Duration,
    capacity: usize,
    cache: Arc<Mutex<Cache>>,
}

#[derive(Default)]
struct Cache {
    entries: HashMap<Arc<str>, Entry>,
    /// Keys in the order they were (re)filled, with their fill number: the oldest goes first.
    order: VecDeque<(Arc<str>, u64)>,
    next: u64,
}

struct Entry {
    cell: Arc<OnceCell<Option<Verifier>>>,
    filled: Instant,
    seq: u64,
}

impl From<LookupError> for crate::ConfigError {
    fn from(error: LookupError) -> Self {
        crate::ConfigError::new(error.to_string())
    }
}

impl From<crate::ConfigError> for LookupError {
    fn from(error: crate::ConfigError) -> Self {
        LookupError::with_source("the source's verifier could not be built", error)
    }
}

impl Sources {
    /// Sources keyed by `key`, looked up through `lookup`.
    pub fn new(key: SourceKey, lookup: impl VerifierLookup) -> Self {
        Sources {
            key,
            lookup: Arc::new(lookup),
            ttl: DEFAULT_SOURCE_TTL,
            unknown_ttl: DEFAULT_UNKNOWN_TTL,
            capacity: DEFAULT_SOURCE_CAPACITY,
            cache: Arc::new(Mutex::new(Cache::default())),
        }
    }

    /// How long a looked-up verifier is used before it is looked up again (default one
    /// minute).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long an unknown source is remembered as unknown (default five seconds).
    pub fn unknown_ttl(mut self, ttl: Duration) -> Self {
        self.unknown_ttl = ttl;
        self
    }

    /// The most sources cached at once (default 100,000; at least 1).
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// Forgets `source`: its next request looks it up again (after a rotation, a new
    /// tenant, a removed one).
    pub fn invalidate(&self, source: &str) {
        self.lock().entries.remove(source);
    }

    /// Forgets every source.
    pub fn invalidate_all(&self) {
        let mut cache = self.lock();
        cache.entries.clear();
        cache.order.clear();
    }

    /// How many sources are cached now (known and unknown).
    pub fn cached(&self) -> usize {
        self.lock().entries.len()
    }

    fn lock(&self) -> MutexGuard<'_, Cache> {
        // Every update leaves the map consistent (the order queue may hold stale items,
        // which are skipped), so a poisoned lock is still usable.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The verifier of the request's source, or the rejection that answers it.
    pub(crate) async fn resolve(
        &self,
        parts: &http::request::Parts,
    ) -> Result<Verifier, Rejection> {
        let Some(key) = self.key.read(parts) else {
            return Err(unknown());
        };
        let cell = self.cell(&key);
        let lookup = cell
            .get_or_try_init(|| async {
                let found = self.lookup.lookup(key.clone()).await?;
                // A verifier the lookup bound to a source itself keeps that source: the key
                // need not be an identity (PayPal's certificate URL is not).
                Ok::<_, LookupError>(found.map(|verifier| match verifier.source() {
                    Some(_) => verifier,
                    None => verifier.for_source(key.as_str()),
                }))
            })
            .await;
        match lookup {
            Ok(Some(verifier)) => Ok(verifier.clone()),
            Ok(None) => Err(unknown()),
            Err(error) => {
                tracing::error!(error = %error, "webhook source lookup failed");
                Err(Rejection::new(
                    RejectionKind::SourceUnavailable,
                    "the webhook source could not be looked up; retry later",
                )
                .with_retry_after(Duration::from_secs(5)))
            }
        }
    }

    /// The cache cell of `key`: the cached one while it is fresh, else a new one.
    fn cell(&self, key: &str) -> Arc<OnceCell<Option<Verifier>>> {
        let now = Instant::now();
        let mut cache = self.lock();
        if let Some(entry) = cache.entries.get(key) {
            let ttl = match entry.cell.get() {
                Some(None) => self.unknown_ttl,
                _ => self.ttl,
            };
            // A cell still being filled is shared, whatever its age: single flight.
            if !entry.cell.initialized() || now.duration_since(entry.filled) < ttl {
                return entry.cell.clone();
            }
        }
        while cache.entries.len() >= self.capacity {
            let Some((oldest, seq)) = cache.order.pop_front() else {
                break;
            };
            if cache.entries.get(&oldest).is_some_and(|e| e.seq == seq) {
                cache.entries.remove(&oldest);
            }
        }
        cache.next += 1;
        let seq = cache.next;
        let key: Arc<str> = Arc::from(key);
        let cell = Arc::new(OnceCell::new());
        cache.order.push_back((key.clone(), seq));
        cache.entries.insert(
            key,
            Entry {
                cell: cell.clone(),
                filled: now,
                seq,
            },
        );
        cell
    }
}

fn unknown() -> Rejection {
    Rejection::new(RejectionKind::UnknownSource, "no such webhook source")
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sources")
            .field("key", &self.key)
            .field("ttl", &self.ttl)
            .field("unknown_ttl", &self.unknown_ttl)
            .field("capacity", &self.capacity)
            .field("cached", &self.cached())
            .finish_non_exhaustive()
    }
}
