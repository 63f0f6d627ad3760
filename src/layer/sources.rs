//! Many sources on one endpoint: the verifier of each request resolved from a key in the
//! request (a path segment, the host, a header), through a cached async lookup.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;
use std::time::Duration;

use http::HeaderName;
use tokio::sync::{OnceCell, Semaphore, SemaphorePermit};
// tokio's clock, which the lookup timeout runs on too: the system's monotonic clock, or a
// test's paused one (`tokio::time::pause`, with tokio's `test-util`).
use tokio::time::Instant;

use crate::metrics::Lookup;
use crate::replay::BoxFuture;
use crate::{Rejection, RejectionKind, Verifier};

/// The default time a looked-up verifier is used before it is looked up again: one minute.
pub const DEFAULT_SOURCE_TTL: Duration = Duration::from_secs(60);
/// The default spread of the times answers are kept: each is kept between 90 % and 100 %
/// of its time-to-live, so answers filled together (a restart, a burst of new tenants) do
/// not expire together. See [`Sources::ttl_jitter`].
pub const DEFAULT_TTL_JITTER: f64 = 0.1;
/// The default time an unknown source is remembered as unknown: five seconds.
pub const DEFAULT_UNKNOWN_TTL: Duration = Duration::from_secs(5);
/// The default time a failed lookup (an error, or no answer within the
/// [lookup timeout](Sources::lookup_timeout)) is remembered as failed: one second.
pub const DEFAULT_FAILURE_TTL: Duration = Duration::from_secs(1);
/// The default time a lookup may take before it counts as failed: five seconds.
pub const DEFAULT_LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);
/// The default number of lookups of sources not known to the cache that run at once: 32.
pub const DEFAULT_MAX_NEW_SOURCE_LOOKUPS: usize = 32;
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
    ///
    /// The segment is percent-decoded. A decoded key that a raw segment could not hold,
    /// or that names a path step, is unknown without a lookup: one holding `/` or `\`
    /// (`..%2Fpublic`), a NUL or another control character, or one that is `.` or `..`.
    /// So a lookup that turns the key into a file name or a URL path never sees one that
    /// leaves its directory.
    pub fn path_segment(index: usize) -> Self {
        SourceKey(KeyFrom::PathSegment(index))
    }

    /// The request's host, from the request target or else the `Host` header: one host
    /// name per tenant. Normalised as DNS compares names: lowercased, without the port,
    /// and without the trailing dot of a fully qualified name, so `Acme.example.com.:443`
    /// is the key `acme.example.com`. A host that still ends in a dot is unknown.
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
            KeyFrom::PathSegment(index) => {
                let segment = parts
                    .uri
                    .path()
                    .split('/')
                    .filter(|segment| !segment.is_empty())
                    .nth(*index)?;
                let decoded = percent_encoding::percent_decode_str(segment)
                    .decode_utf8()
                    .ok()?;
                if !is_plain_segment(&decoded) {
                    return None;
                }
                decoded.into_owned()
            }
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
                let host = host.strip_suffix('.').unwrap_or(&host);
                if host.ends_with('.') {
                    return None;
                }
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
        (!key.is_empty() && key.len() <= MAX_SOURCE_KEY && !key.chars().any(char::is_control))
            .then_some(key)
    }
}

/// Whether a decoded path segment is one a raw segment could be: no separator, and not a
/// step to the same or the parent directory.
fn is_plain_segment(segment: &str) -> bool {
    segment != "." && segment != ".." && !segment.contains(['/', '\\'])
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

/// Why a lookup failed; [`kind`](Self::kind) says which way. The layer answers `503`
/// (fail closed) and the provider retries.
#[derive(Debug)]
pub struct LookupError {
    kind: LookupErrorKind,
    message: Box<str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What kind of failure a [`LookupError`] is.
///
/// ```
/// use tower_webhook::layer::{LookupError, LookupErrorKind};
///
/// let error = LookupError::new(LookupErrorKind::Unavailable, "database unavailable");
/// assert_eq!(error.kind(), LookupErrorKind::Unavailable);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LookupErrorKind {
    /// What holds the sources could not answer (a database down, a file unreadable, a
    /// fetch that failed). Transient: the provider's retry may find it back.
    Unavailable,
    /// What the lookup found is not a usable source (a malformed record, a secret or key
    /// the verifier refuses, a certificate too large). Retrying does not help until the
    /// record is fixed.
    Invalid,
}

impl LookupError {
    /// An error of `kind` with a message.
    pub fn new(kind: LookupErrorKind, message: impl Into<Box<str>>) -> Self {
        LookupError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// An error of `kind` caused by another error.
    pub fn with_source(
        kind: LookupErrorKind,
        message: impl Into<Box<str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        LookupError {
            kind,
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> LookupErrorKind {
        self.kind
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

/// A source the lookup knows: the identity its deliveries are namespaced by, and its
/// verifier.
///
/// The identity is the source as your lookup resolved it (the tenant's canonical name or
/// id from your database), not the key the request spelled: when the lookup matches keys
/// case-insensitively, `/acme/` and `/ACME/` are one tenant, and both spellings of a
/// captured delivery must be the same delivery. The handler reads it from
/// [`Delivery::source`](crate::Delivery::source).
///
/// ```
/// use tower_webhook::layer::KnownSource;
/// use tower_webhook::{providers, Verifier};
///
/// let verifier = Verifier::new(providers::github(), "acme's secret")?;
/// let found = KnownSource::new("acme", verifier);
/// assert_eq!(found.identity(), "acme");
/// assert_eq!(found.verifier().source(), Some("acme"));
/// # Ok::<(), tower_webhook::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct KnownSource {
    identity: Arc<str>,
    /// Bound to the identity with [`Verifier::for_source`].
    verifier: Verifier,
}

impl KnownSource {
    /// The source `identity`, verified by `verifier`, which is bound to `identity`
    /// ([`Verifier::for_source`], replacing any source it was bound to).
    pub fn new(identity: impl Into<Arc<str>>, verifier: Verifier) -> Self {
        let identity = identity.into();
        KnownSource {
            verifier: verifier.for_source(identity.clone()),
            identity,
        }
    }

    /// The identity deliveries from this source are namespaced by.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The source's verifier, bound to its identity.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }
}

/// Finds a source by the key a request carries: its identity and its verifier (scheme
/// and current secrets), as a [`KnownSource`]. `Ok(None)` when the source is unknown (the
/// layer answers `404`), `Err` when the lookup itself failed (`503`).
///
/// Implemented for async closures `Fn(String) -> impl Future<Output =
/// Result<Option<KnownSource>, LookupError>>`.
pub trait VerifierLookup: Send + Sync + 'static {
    /// Looks up the source of `key`.
    fn lookup(&self, key: String) -> BoxFuture<'_, Result<Option<KnownSource>, LookupError>>;
}

impl<F, Fut> VerifierLookup for F
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<KnownSource>, LookupError>> + Send + 'static,
{
    fn lookup(&self, key: String) -> BoxFuture<'_, Result<Option<KnownSource>, LookupError>> {
        Box::pin(self(key))
    }
}

/// The verifiers of many sources of webhooks on one endpoint, resolved per request: the
/// request's [`SourceKey`] is looked up through your [`VerifierLookup`] (a map, a file, a
/// database), and the answer cached.
///
/// - A verifier is used for at most the time-to-live (default one minute), then looked up
///   again, so a rotated or added secret takes effect without a restart; [`invalidate`](Self::invalidate)
///   makes it take effect at once. Each answer is kept for a time spread below its TTL
///   ([`ttl_jitter`](Self::ttl_jitter), default between 90 % and 100 % of it), so the
///   entries of many tenants filled at once expire spread over that span rather than in
///   one storm of lookups. Concurrent requests for a key that is not cached, or whose
///   answer expired, share one lookup (single flight); meanwhile they wait for it, none is
///   served the expired answer.
/// - An unknown source is answered `404` and remembered as unknown for a short while
///   ([`unknown_ttl`](Self::unknown_ttl), default five seconds). A failed lookup (an
///   error, or no answer within the [`lookup_timeout`](Self::lookup_timeout), default
///   five seconds) is answered `503` with `Retry-After` (fail closed) and remembered as
///   failed for [`failure_ttl`](Self::failure_ttl) (default one second): requests for
///   that key meanwhile get `503` without a lookup, and the first after it tries again.
/// - A request without a source key, with one longer than [`MAX_SOURCE_KEY`] or holding
///   a control character, or with a [path segment](SourceKey::path_segment) that decodes
///   to a path step, is unknown without a lookup.
/// - **Deliveries are namespaced by the identity the lookup returns**
///   ([`KnownSource::new`]), never by the key's spelling: the same delivery id under two
///   sources is two deliveries, and a delivery sent under two spellings of one source
///   (`/acme/` and `/ACME/` to a case-insensitive lookup, two URLs of one PayPal
///   certificate) is one delivery. The handler reads the identity from
///   [`Delivery::source`](crate::Delivery::source).
/// - The cache holds at most `capacity` keys (default 100,000), oldest answer first out,
///   whatever the pattern of requests: its memory is bounded by the capacity.
///
/// **The lookup runs before anything is verified**, because the source key is what
/// chooses the verifier: anyone can make it run. The cache absorbs repeats of one name
/// (known, unknown or failing), and at most [`max_new_source_lookups`](Self::max_new_source_lookups)
/// lookups of keys not known to the cache run at once (default 32): beyond that, a
/// request for another such key is answered `503` with `Retry-After` without a lookup,
/// so a flood of distinct random names takes at most that many of your database's
/// connections. Refreshing a source whose last answer was a verifier is never refused
/// this way. To keep random names from competing with new tenants at all, refuse them
/// before the lookup: a [`SourceKey::from_fn`] that answers `None` for names outside
/// your format (a UUID, a slug of known length) costs nothing, and rate limiting in front
/// of the route (a proxy, or tower's `RateLimit`) caps the rest.
///
/// Clone it to keep a handle for invalidation; clones share the cache.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Arc;
/// use axum::{routing::post, Router};
/// use tower_webhook::layer::{KnownSource, Sources, SourceKey};
/// use tower_webhook::{providers, Delivery, Verifier, WebhookLayer};
///
/// // The "database": tenant name to Standard Webhooks secret.
/// let secrets: Arc<HashMap<String, String>> = Arc::new(HashMap::from([(
///     "acme".to_owned(),
///     "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
/// )]));
/// let sources = Sources::new(SourceKey::path_segment(1), move |key: String| {
///     let secrets = secrets.clone();
///     async move {
///         Ok(match secrets.get_key_value(&key) {
///             // The tenant's name as stored is its identity.
///             Some((tenant, secret)) => Some(KnownSource::new(
///                 tenant.as_str(),
///                 Verifier::new(providers::standard_webhooks(), secret.as_str())?,
///             )),
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
    jitter: f64,
    unknown_ttl: Duration,
    failure_ttl: Duration,
    lookup_timeout: Duration,
    capacity: usize,
    new_lookups: Arc<Semaphore>,
    max_new_lookups: usize,
    cache: Arc<Mutex<Cache>>,
}

#[derive(Default)]
struct Cache {
    entries: HashMap<Arc<str>, Entry>,
    /// Keys in the order they were (re)filled, with their fill number: the oldest goes
    /// first. An item whose fill number is no longer its key's is stale and skipped; stale
    /// items are pruned before they outnumber the entries, so the queue stays within
    /// twice the entries (plus a few).
    order: VecDeque<(Arc<str>, u64)>,
    next: u64,
}

/// Stale items the order queue may hold beyond the entries before it is pruned.
const STALE_SLACK: usize = 16;

struct Entry {
    cell: Arc<OnceCell<Settled>>,
    seq: u64,
    /// Whether the key's last definite answer (before this one) was a verifier: its
    /// lookups are refreshes, not counted against the limit on new sources.
    known: bool,
}

/// A lookup's answer, and until when it is used: its time-to-live, less its jitter, after
/// it came; `None` when that is beyond what an `Instant` holds (never, in practice).
struct Settled {
    answer: Answer,
    until: Option<Instant>,
}

enum Answer {
    Known(Verifier),
    Unknown,
    Failed,
}

/// What a request waits on: the cell of its key, whether the key is known, and the
/// permit of a lookup of a new source when one was taken for it.
struct Slot<'a> {
    cell: Arc<OnceCell<Settled>>,
    /// The fill number of the cell's entry, which spreads its time-to-live.
    seq: u64,
    known: bool,
    permit: Option<SemaphorePermit<'a>>,
}

/// Too many lookups of new sources run already.
struct Busy;

impl From<LookupError> for crate::ConfigError {
    fn from(error: LookupError) -> Self {
        crate::ConfigError::new(error.to_string())
    }
}

impl From<crate::ConfigError> for LookupError {
    fn from(error: crate::ConfigError) -> Self {
        LookupError::with_source(
            LookupErrorKind::Invalid,
            "the source's verifier could not be built",
            error,
        )
    }
}

impl Sources {
    /// Sources keyed by `key`, looked up through `lookup`.
    pub fn new(key: SourceKey, lookup: impl VerifierLookup) -> Self {
        Sources {
            key,
            lookup: Arc::new(lookup),
            ttl: DEFAULT_SOURCE_TTL,
            jitter: DEFAULT_TTL_JITTER,
            unknown_ttl: DEFAULT_UNKNOWN_TTL,
            failure_ttl: DEFAULT_FAILURE_TTL,
            lookup_timeout: DEFAULT_LOOKUP_TIMEOUT,
            capacity: DEFAULT_SOURCE_CAPACITY,
            new_lookups: Arc::new(Semaphore::new(DEFAULT_MAX_NEW_SOURCE_LOOKUPS)),
            max_new_lookups: DEFAULT_MAX_NEW_SOURCE_LOOKUPS,
            cache: Arc::new(Mutex::new(Cache::default())),
        }
    }

    /// How long a looked-up verifier is used at most before it is looked up again
    /// (default one minute): a secret revoked in your database stops verifying at the
    /// latest this long after the lookup that last read it answered (or at once with
    /// [`invalidate`](Self::invalidate)).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How much shorter than its time-to-live an answer may be kept, as a fraction of it
    /// (default [`DEFAULT_TTL_JITTER`], 0.1; from 0, every answer kept for exactly its
    /// TTL, to 1): each answer (a verifier, an unknown source, a failure) is kept for a
    /// time between `(1 - jitter) × ttl` and the TTL, spread evenly over the answers in
    /// the order they are filled. So the entries of 100,000 tenants filled within a few
    /// seconds (after a restart, an [`invalidate_all`](Self::invalidate_all)) expire over
    /// the last tenth of the TTL, not all in the same second, and their lookups are
    /// spread likewise. The TTLs stay upper bounds: no answer is kept longer.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_webhook::layer::{SourceKey, Sources};
    ///
    /// // Verifiers kept between 4 and 5 minutes.
    /// let sources = Sources::new(SourceKey::host(), |_key: String| async { Ok(None) })
    ///     .ttl(Duration::from_secs(300))
    ///     .ttl_jitter(0.2);
    /// # let _ = sources;
    /// ```
    pub fn ttl_jitter(mut self, jitter: f64) -> Self {
        // `clamp` keeps a NaN; it counts as no jitter.
        self.jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        self
    }

    /// How long an unknown source is remembered as unknown (default five seconds).
    pub fn unknown_ttl(mut self, ttl: Duration) -> Self {
        self.unknown_ttl = ttl;
        self
    }

    /// How long a failed lookup is remembered as failed (default one second): requests for
    /// its key meanwhile are answered `503` without a lookup, with this as `Retry-After`
    /// (at least a second).
    pub fn failure_ttl(mut self, ttl: Duration) -> Self {
        self.failure_ttl = ttl;
        self
    }

    /// How long a lookup may take before it counts as failed (default five seconds): the
    /// requests waiting on it are answered `503`, and the key is remembered as failed for
    /// the [`failure_ttl`](Self::failure_ttl). Needs a tokio runtime with its timer (a
    /// lookup that answers at once needs neither).
    pub fn lookup_timeout(mut self, timeout: Duration) -> Self {
        self.lookup_timeout = timeout;
        self
    }

    /// The most sources cached at once (default 100,000; at least 1).
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// The most lookups of keys not known to the cache that run at once (default 32; at
    /// least 1): beyond it, a request for another such key is answered `503` with
    /// `Retry-After`, without a lookup. A key is known while its last answer was a
    /// verifier; refreshing it is not counted.
    pub fn max_new_source_lookups(mut self, limit: usize) -> Self {
        let limit = limit.clamp(1, Semaphore::MAX_PERMITS);
        // Clones made before share the old limit; a builder is configured before use.
        self.new_lookups = Arc::new(Semaphore::new(limit));
        self.max_new_lookups = limit;
        self
    }

    /// Forgets the answer for `key`: its next request looks it up again (after a rotation,
    /// a new tenant, a removed one).
    pub fn invalidate(&self, key: &str) {
        self.lock().entries.remove(key);
    }

    /// Forgets every source.
    pub fn invalidate_all(&self) {
        let mut cache = self.lock();
        cache.entries.clear();
        cache.order.clear();
    }

    /// How many keys are cached now (known, unknown, failed, or being looked up).
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
        let Slot {
            cell,
            seq,
            known,
            permit,
        } = self.slot(&key).map_err(|Busy| self.busy())?;
        // Whether this request asked the lookup (a miss), or found an answer cached or
        // coming from another request's lookup (single flight).
        let asked = std::sync::atomic::AtomicBool::new(false);
        let settled = cell
            .get_or_try_init(|| async {
                asked.store(true, std::sync::atomic::Ordering::Relaxed);
                // The request that made the cell brings its permit; one that takes over a
                // lookup given up (its request dropped) takes its own.
                let _permit = match permit {
                    Some(permit) => Some(permit),
                    None if known => None,
                    None => Some(self.new_lookups.try_acquire().map_err(|_| Busy)?),
                };
                let answer = self.look_up(&key).await;
                let until = Instant::now().checked_add(self.kept(&answer, seq));
                Ok::<_, Busy>(Settled { answer, until })
            })
            .await
            .map_err(|Busy| self.busy())?;
        crate::metrics::source_lookup(match (&settled.answer, asked.into_inner()) {
            (Answer::Failed, _) => Lookup::Error,
            (_, true) => Lookup::Miss,
            (Answer::Known(_), false) => Lookup::Hit,
            (Answer::Unknown, false) => Lookup::Negative,
        });
        match &settled.answer {
            Answer::Known(verifier) => Ok(verifier.clone()),
            Answer::Unknown => Err(unknown()),
            Answer::Failed => Err(Rejection::new(
                RejectionKind::SourceUnavailable,
                "the webhook source could not be looked up; retry later",
            )
            .with_retry_after(self.retry_after())),
        }
    }

    /// Runs the lookup of `key` within the timeout.
    async fn look_up(&self, key: &str) -> Answer {
        match within(self.lookup_timeout, self.lookup.lookup(key.to_owned())).await {
            Some(Ok(Some(found))) => Answer::Known(found.verifier),
            Some(Ok(None)) => Answer::Unknown,
            Some(Err(error)) => {
                tracing::error!(error = %error, "webhook source lookup failed");
                Answer::Failed
            }
            None => {
                tracing::error!(
                    timeout = ?self.lookup_timeout,
                    "webhook source lookup did not answer in time"
                );
                Answer::Failed
            }
        }
    }

    fn busy(&self) -> Rejection {
        // Answered as a failed lookup is, and counted so: `error`.
        crate::metrics::source_lookup(Lookup::Error);
        tracing::warn!(
            limit = self.max_new_lookups,
            "too many lookups of new webhook sources at once: refused without a lookup"
        );
        Rejection::new(
            RejectionKind::SourceUnavailable,
            "too many webhook sources are being looked up; retry later",
        )
        .with_retry_after(self.retry_after())
    }

    fn retry_after(&self) -> Duration {
        self.failure_ttl.max(Duration::from_secs(1))
    }

    fn ttl_of(&self, answer: &Answer) -> Duration {
        match answer {
            Answer::Known(_) => self.ttl,
            Answer::Unknown => self.unknown_ttl,
            Answer::Failed => self.failure_ttl,
        }
    }

    /// How long the answer of the fill numbered `seq` is kept: its TTL shortened by a
    /// fraction in `[0, jitter)` of it. The fraction is the fill number's Fibonacci hash
    /// (the fractional part of `seq / φ`), a low-discrepancy sequence: the answers of any
    /// run of fills are spread evenly over the span, not merely at random, and no state
    /// nor randomness is needed. Never longer than the TTL.
    fn kept(&self, answer: &Answer, seq: u64) -> Duration {
        let ttl = self.ttl_of(answer);
        if self.jitter == 0.0 {
            return ttl;
        }
        let fraction = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) as f64 / 2f64.powi(64);
        Duration::try_from_secs_f64(ttl.as_secs_f64() * (1.0 - self.jitter * fraction))
            .map_or(ttl, |kept| kept.min(ttl))
    }

    /// The cache cell of `key`: the cached one while its answer is fresh (or still to
    /// come: single flight), else a new one. A key not known takes a permit of the limit
    /// on new lookups before its cell is made, so refused requests cost no cache entry.
    fn slot(&self, key: &str) -> Result<Slot<'_>, Busy> {
        let now = Instant::now();
        let mut cache = self.lock();
        let mut stored_key = None;
        let mut known = false;
        if let Some((stored, entry)) = cache.entries.get_key_value(key) {
            let expired = entry
                .cell
                .get()
                .filter(|settled| settled.until.is_some_and(|until| now >= until));
            // Still to come (single flight), or fresh.
            let Some(settled) = expired else {
                return Ok(Slot {
                    cell: entry.cell.clone(),
                    seq: entry.seq,
                    known: entry.known,
                    permit: None,
                });
            };
            known = match settled.answer {
                Answer::Known(_) => true,
                Answer::Unknown => false,
                Answer::Failed => entry.known,
            };
            stored_key = Some(stored.clone());
        }
        let permit = if known {
            None
        } else {
            Some(self.new_lookups.try_acquire().map_err(|_| Busy)?)
        };
        let key = match stored_key {
            // A refill: the key keeps its entry's place in the count.
            Some(stored) => stored,
            None => {
                while cache.entries.len() >= self.capacity {
                    let Some((oldest, seq)) = cache.order.pop_front() else {
                        break;
                    };
                    if cache.entries.get(&oldest).is_some_and(|e| e.seq == seq) {
                        cache.entries.remove(&oldest);
                    }
                }
                Arc::from(key)
            }
        };
        cache.next += 1;
        let seq = cache.next;
        let cell = Arc::new(OnceCell::new());
        cache.order.push_back((key.clone(), seq));
        cache.entries.insert(
            key,
            Entry {
                cell: cell.clone(),
                seq,
                known,
            },
        );
        if cache.order.len() > 2 * cache.entries.len() + STALE_SLACK {
            let Cache { entries, order, .. } = &mut *cache;
            order.retain(|(key, seq)| entries.get(key).is_some_and(|e| e.seq == *seq));
        }
        Ok(Slot {
            cell,
            seq,
            known,
            permit,
        })
    }
}

/// Runs `lookup` for at most `timeout`; `None` when it did not answer in time. A lookup
/// that answers at once (a map) needs no timer, and without a tokio runtime there is none
/// to set.
async fn within<T>(timeout: Duration, mut lookup: BoxFuture<'_, T>) -> Option<T> {
    let first = std::future::poll_fn(|cx| Poll::Ready(lookup.as_mut().poll(cx))).await;
    if let Poll::Ready(answer) = first {
        return Some(answer);
    }
    if tokio::runtime::Handle::try_current().is_err() {
        return Some(lookup.await);
    }
    tokio::time::timeout(timeout, lookup).await.ok()
}

fn unknown() -> Rejection {
    Rejection::new(RejectionKind::UnknownSource, "no such webhook source")
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sources")
            .field("key", &self.key)
            .field("ttl", &self.ttl)
            .field("ttl_jitter", &self.jitter)
            .field("unknown_ttl", &self.unknown_ttl)
            .field("failure_ttl", &self.failure_ttl)
            .field("lookup_timeout", &self.lookup_timeout)
            .field("capacity", &self.capacity)
            .field("max_new_source_lookups", &self.max_new_lookups)
            .field("cached", &self.cached())
            .finish_non_exhaustive()
    }
}
