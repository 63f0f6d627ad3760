#![doc = guide_links!()]
#![doc = include_str!("../../docs/inbox.md")]

mod alert;
mod at_rest;
#[cfg(feature = "inbox-console")]
mod console;
mod fair;
mod health;
mod ordering;
#[cfg(feature = "inbox-postgres")]
mod postgres;
#[cfg(inbox)]
mod read;
mod retention;
#[cfg(feature = "inbox-router")]
mod router;
#[cfg(feature = "inbox-sqlite")]
mod sqlite;
mod trace;
mod worker;

use std::borrow::Cow;
use std::fmt;
#[cfg(feature = "inbox-sqlite")]
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use tokio::sync::Notify;

use crate::Delivery;

pub use self::alert::{Alert, FailedAttempt, DEFAULT_ALERT_INTERVAL, DEFAULT_ALERT_LIMIT};
pub use self::at_rest::AtRestKeys;
#[cfg(feature = "inbox-console")]
#[cfg_attr(docsrs, doc(cfg(feature = "inbox-console")))]
pub use self::console::{ConsoleAuth, DEFAULT_SESSION_LIFETIME, MIN_CONSOLE_TOKEN_LEN};
pub use self::health::{
    Check, CheckStatus, Health, ReadinessCheck, DEFAULT_HEALTH_TIMEOUT, DEFAULT_MAX_LAG,
};
pub use self::ordering::OrderingKey;
pub use self::retention::DEFAULT_PURGE_INTERVAL;
#[cfg(feature = "inbox-router")]
#[cfg_attr(docsrs, doc(cfg(feature = "inbox-router")))]
pub use self::router::MAX_LIST_LIMIT;
pub use self::worker::{
    Workers, WorkersHandle, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_BACKOFF, DEFAULT_CONCURRENCY,
    DEFAULT_LEASE, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BACKOFF, DEFAULT_POLL_INTERVAL,
    MAX_RESPONSE_EXCERPT,
};

/// What the inbox stores in place of a credential: the value of each header and query
/// parameter the scheme declares a credential ([`Scheme::credential_fields`]: a shared
/// token, Basic credentials, an API key) is stored, shown and handed to the workers'
/// handler as this marker, so a person sees it was there and the database never holds the
/// secret. In the URI's query it is percent-encoded (`key=%5Bredacted%5D`), so it reads as
/// this marker once decoded.
///
/// [`Scheme::credential_fields`]: crate::Scheme::credential_fields
pub const REDACTED: &str = "[redacted]";

/// [`REDACTED`] as a query parameter's value.
const REDACTED_IN_QUERY: &str = "%5Bredacted%5D";

/// How long the layer's write of a delivery may take before the provider gets `503`, by
/// default: 5 seconds.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// A durable inbox of verified deliveries: the layer writes to it
/// ([`WebhookLayer::inbox`](crate::WebhookLayer::inbox)), [`Workers`] run the handler
/// from it, and its methods let a person operate it. Cheap to clone: clones share the
/// database.
///
/// See [the module documentation](self) for the delivery contract.
#[derive(Clone)]
pub struct Inbox {
    shared: Arc<Shared>,
    write_timeout: Duration,
    retention: Duration,
    ordering: Option<OrderingKey>,
    policy: StoragePolicy,
}

struct Shared {
    db: Db,
    /// Woken when a delivery becomes due: a new one, or a replay.
    due: Notify,
    /// The source of the last claim: the next claim takes the next source that has a
    /// delivery due, so the sources take turns (round robin) and one source's flood never
    /// starves another. Each instance keeps its own turn; instances sharing a PostgreSQL
    /// inbox each take the sources in turn.
    turn: std::sync::Mutex<Option<Box<str>>>,
    /// When the state counts' deltas were last folded ([`Inbox::fold_tally`]).
    folded: std::sync::Mutex<Option<std::time::Instant>>,
    /// Opened by [`Inbox::connect_read_only`]: it never writes.
    read_only: bool,
    /// The workers of this process over this inbox, as readiness and liveness see them.
    workers: health::Registry,
    /// An automatic purge of this process runs ([`retention::Purging`]).
    purging: std::sync::atomic::AtomicBool,
}

/// How often, at most, the deltas of the state counts are folded into one row per state:
/// so [`Inbox::stats`] sums at most about a second of changes, whatever the inbox holds.
const FOLD_INTERVAL: Duration = Duration::from_secs(1);

/// How many deliveries [`Inbox::list`] returns unless [`ListFilter::limit`] says.
pub(crate) const DEFAULT_LIST_LIMIT: u32 = 100;

/// How many sources a claim asks in turn for a due delivery before it takes the first
/// due delivery of all instead (and the next claim carries on after the last source
/// asked): a bound on a claim's statements when many sources have only deliveries waiting
/// for a later retry.
const FAIR_PROBES: usize = 16;

/// The database engine behind an inbox: the same tables and statements on each.
#[derive(Clone)]
enum Db {
    #[cfg(feature = "inbox-sqlite")]
    Sqlite(sqlite::Db),
    #[cfg(feature = "inbox-postgres")]
    Postgres(postgres::Db),
}

/// Calls the same method on whichever engine `$db` is.
macro_rules! on_engine {
    ($db:expr, $engine:ident => $call:expr) => {
        match $db {
            #[cfg(feature = "inbox-sqlite")]
            Db::Sqlite($engine) => $call,
            #[cfg(feature = "inbox-postgres")]
            Db::Postgres($engine) => $call,
        }
    };
}

impl Db {
    fn engine(&self) -> &'static str {
        match self {
            #[cfg(feature = "inbox-sqlite")]
            Db::Sqlite(_) => "sqlite",
            #[cfg(feature = "inbox-postgres")]
            Db::Postgres(_) => "postgres",
        }
    }

    async fn insert(
        &self,
        parts: &http::request::Parts,
        delivery: &Delivery,
        stored: StoredRequest,
        ordering_key: Option<String>,
        now: i64,
    ) -> Result<Accepted, InboxError> {
        on_engine!(self, db => db.insert(parts, delivery, stored, ordering_key, now).await)
    }

    async fn claim(
        &self,
        token: &str,
        lease: Duration,
        now: i64,
        after: Option<&str>,
    ) -> Result<(Option<Claimed>, Option<String>), InboxError> {
        on_engine!(self, db => db.claim(token, lease, now, after).await)
    }

    async fn extend(&self, id: InboxId, token: &str, until: i64) -> Result<bool, InboxError> {
        on_engine!(self, db => db.extend(id, token, until).await)
    }

    async fn finish(
        &self,
        claimed: &Claimed,
        token: &str,
        outcome: &Finished<'_>,
        now: i64,
    ) -> Result<bool, InboxError> {
        on_engine!(self, db => db.finish(claimed, token, outcome, now).await)
    }

    async fn next_due(&self) -> Result<Option<i64>, InboxError> {
        on_engine!(self, db => db.next_due().await)
    }

    async fn replay(&self, id: Option<InboxId>, now: i64) -> Result<u64, InboxError> {
        on_engine!(self, db => db.replay(id, now).await)
    }

    async fn forget(&self, id: InboxId, retention: i64, now: i64) -> Result<bool, InboxError> {
        on_engine!(self, db => db.forget(id, retention, now).await)
    }

    /// Starts a purge's run: `None` when `lock` is [`PurgeLock::Try`] and another
    /// instance is purging. On PostgreSQL the run holds an advisory lock until
    /// [`PurgeRun::finish`] (or until it is dropped); SQLite's writer lock serialises the
    /// batches anyway.
    async fn start_purge(&self, lock: PurgeLock) -> Result<Option<PurgeRun>, InboxError> {
        match self {
            #[cfg(feature = "inbox-sqlite")]
            Db::Sqlite(_) => {
                let _ = lock;
                Ok(Some(PurgeRun::Local))
            }
            #[cfg(feature = "inbox-postgres")]
            Db::Postgres(db) => Ok(db.start_purge(lock).await?.map(PurgeRun::Postgres)),
        }
    }

    /// One batch of a purge: at most `limit` deliveries done before `cutoff` (how many
    /// were deleted, and whether the batch was full).
    async fn purge_batch(
        &self,
        cutoff: i64,
        retention: i64,
        now: i64,
        limit: i64,
    ) -> Result<(u64, bool), InboxError> {
        on_engine!(self, db => db.purge_batch(cutoff, retention, now, limit).await)
    }

    /// How long one batch of a purge should take on this engine.
    fn purge_budget(&self) -> Duration {
        match self {
            #[cfg(feature = "inbox-sqlite")]
            Db::Sqlite(_) => retention::SQLITE_BATCH_BUDGET,
            #[cfg(feature = "inbox-postgres")]
            Db::Postgres(_) => retention::POSTGRES_BATCH_BUDGET,
        }
    }

    /// One batch of the expiry of retained keys: at most `limit` keys whose window ended
    /// by `now` (how many were deleted, and whether the batch was full).
    async fn expire_retained_keys(&self, now: i64, limit: i64) -> Result<(u64, bool), InboxError> {
        on_engine!(self, db => db.expire_retained_keys(now, limit).await)
    }

    /// A cheap read for the readiness check: when the next delivery falls due. SQLite
    /// also checks that the file at the inbox's path is the one it opened; PostgreSQL
    /// bounds the read by `timeout` on the server too.
    async fn health(&self, timeout: Duration) -> Result<Option<i64>, InboxError> {
        on_engine!(self, db => db.health(timeout).await)
    }

    async fn stats(&self, now: i64) -> Result<InboxStats, InboxError> {
        on_engine!(self, db => db.stats(now).await)
    }

    async fn fold_tally(&self) -> Result<(), InboxError> {
        on_engine!(self, db => db.fold_tally().await)
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<DeliveryRecord>, InboxError> {
        on_engine!(self, db => db.list(filter).await)
    }

    async fn get(
        &self,
        id: InboxId,
        keys: Option<&AtRestKeys>,
    ) -> Result<Option<DeliveryDetails>, InboxError> {
        on_engine!(self, db => db.get(id, keys).await)
    }
}

/// A request as the inbox stores it: its URI and its headers, with every credential the
/// scheme declares ([`Delivery::credential_fields`]) and every field the inbox is told never
/// to store ([`Inbox::never_store`]) replaced by [`REDACTED`], the headers encoded
/// ([`encode_headers`]), and the URI, headers and body sealed under the current at-rest key
/// when there is one ([`Inbox::encrypt_at_rest`]). The one place the engines' writes take
/// them from: they store these bytes as they are.
pub(crate) struct StoredRequest {
    pub(crate) uri: String,
    pub(crate) headers: Vec<u8>,
    pub(crate) body: bytes::Bytes,
    /// The id of the key that sealed the fields; `None`: stored in clear.
    pub(crate) sealed_with: Option<Arc<str>>,
    /// The W3C `traceparent` of the span the delivery was accepted in (feature
    /// `opentelemetry`), always a valid one; `None` without the feature or a valid trace.
    pub(crate) traceparent: Option<String>,
}

impl StoredRequest {
    pub(crate) fn new(
        parts: &http::request::Parts,
        delivery: &Delivery,
        policy: &StoragePolicy,
        received_at: i64,
    ) -> Result<StoredRequest, InboxError> {
        let credentials = delivery.credential_fields();
        let redacted = credentials.into_iter().chain(policy.never_store.as_deref());
        let mut headers = Cow::Borrowed(&parts.headers);
        for name in redacted.clone().flat_map(|fields| fields.headers()) {
            if parts.headers.contains_key(name) {
                if let http::header::Entry::Occupied(mut entry) = headers.to_mut().entry(name) {
                    for value in entry.iter_mut() {
                        *value = HeaderValue::from_static(REDACTED);
                    }
                }
            }
        }
        let redacts_query = redacted
            .clone()
            .any(|fields| fields.query_parameters().next().is_some());
        let uri = match redacts_query {
            true => redact_query(&parts.uri, |name| {
                redacted
                    .clone()
                    .any(|fields| fields.query_parameters().any(|redacted| name == redacted))
            }),
            false => parts.uri.to_string(),
        };
        let headers = encode_headers(&headers);
        let Some(keys) = &policy.at_rest else {
            return Ok(StoredRequest {
                uri,
                headers,
                body: delivery.body().clone(),
                sealed_with: None,
                traceparent: None,
            });
        };
        let row = at_rest::RowIdentity {
            provider: delivery.provider(),
            source: delivery.source(),
            delivery_id: delivery.id(),
            event_type: delivery.event_type(),
            received_at,
        };
        let sealed = keys.seal(&row, &uri, &headers, delivery.body())?;
        Ok(StoredRequest {
            uri: sealed.uri,
            headers: sealed.headers,
            body: sealed.body,
            sealed_with: sealed.sealed_with,
            traceparent: None,
        })
    }
}

/// What an inbox does to a request before it stores it, beyond the scheme's credentials:
/// the fields it never stores, and the keys it encrypts with.
#[derive(Clone, Default)]
pub(crate) struct StoragePolicy {
    never_store: Option<Arc<crate::scheme::CredentialFields>>,
    at_rest: Option<Arc<AtRestKeys>>,
}

/// `uri` as text with the value of each query parameter whose name `is_redacted` replaced,
/// every other byte as received. A parameter's name is compared once decoded, as the scheme
/// reads it.
fn redact_query(uri: &http::Uri, is_redacted: impl Fn(&str) -> bool) -> String {
    let text = uri.to_string();
    let Some(query) = uri.query() else {
        return text;
    };
    let mut redacted = String::with_capacity(query.len());
    for (index, pair) in query.split('&').enumerate() {
        if index > 0 {
            redacted.push('&');
        }
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        let decoded = form_urlencoded::parse(name.as_bytes())
            .next()
            .map(|(decoded, _)| decoded);
        if decoded.is_some_and(|decoded| is_redacted(&decoded)) {
            redacted.push_str(name);
            redacted.push('=');
            redacted.push_str(REDACTED_IN_QUERY);
        } else {
            redacted.push_str(pair);
        }
    }
    // A URI's query is all that follows its first `?` (an `http::Uri` keeps no fragment).
    match text.split_once('?') {
        Some((head, _)) => format!("{head}?{redacted}"),
        None => text,
    }
}

/// A delivery a worker has claimed.
pub(crate) struct Claimed {
    pub(crate) id: InboxId,
    pub(crate) attempt: u32,
    pub(crate) received_at: i64,
    pub(crate) method: String,
    pub(crate) uri: String,
    pub(crate) headers: Vec<u8>,
    pub(crate) body: bytes::Bytes,
    pub(crate) parts: crate::delivery::StoredParts,
    /// The key it is ordered by ([`Inbox::ordered_by`]), whose next delivery it releases
    /// when it is done.
    pub(crate) ordering_key: Option<String>,
    /// The at-rest key that sealed `uri`, `headers` and `body`; `None`: in clear.
    pub(crate) sealed_with: Option<String>,
    /// The trace context it was accepted in, if a valid one was stored.
    pub(crate) traceparent: Option<String>,
}

impl Claimed {
    /// Its identity, as bound into its sealed fields.
    pub(crate) fn identity(&self) -> at_rest::RowIdentity<'_> {
        at_rest::RowIdentity {
            provider: &self.parts.provider,
            source: self.parts.source.as_deref(),
            delivery_id: &self.parts.id,
            event_type: self.parts.event_type.as_deref(),
            received_at: self.received_at,
        }
    }

    /// The stored URI, headers and body, opened with `keys` if the row is sealed.
    pub(crate) fn open(
        &self,
        keys: Option<&AtRestKeys>,
    ) -> Result<(String, Vec<u8>, bytes::Bytes), InboxError> {
        at_rest::open(
            keys,
            self.sealed_with.as_deref(),
            &self.identity(),
            self.uri.clone(),
            self.headers.clone(),
            self.body.clone(),
        )
    }
}

impl fmt::Debug for Inbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("engine", &self.shared.db.engine())
            .field("write_timeout", &self.write_timeout)
            .field("at_rest", &self.policy.at_rest)
            .finish_non_exhaustive()
    }
}

impl Inbox {
    /// Opens (or creates) the inbox in the SQLite file at `path`, in WAL mode with full
    /// synchronous writes, and brings its tables up to date (idempotent: safe at every
    /// start and from several processes).
    ///
    /// A new file is created readable and writable by its owner only (mode `0600` on
    /// Unix, whatever the umask), and SQLite gives its `-wal` and `-shm` files the same
    /// mode: the inbox holds verified payloads. An existing file keeps its permissions.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use tower_webhook::inbox::Inbox;
    ///
    /// let dir = std::env::temp_dir().join(format!("inbox-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap();
    /// assert_eq!(inbox.stats().await.unwrap().pending, 0);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    #[cfg(feature = "inbox-sqlite")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox-sqlite")))]
    pub async fn sqlite(path: impl AsRef<Path>) -> Result<Inbox, InboxError> {
        let db = sqlite::Db::open(path.as_ref()).await?;
        Ok(Inbox::with_db(Db::Sqlite(db), false))
    }

    /// Connects to the PostgreSQL database at `url`
    /// (`postgres://user:password@host:port/database`, with libpq's parameters such as
    /// `sslmode`) and brings its tables up to date: the migrations shipped in the crate
    /// run at every start, in one transaction under an advisory lock; each that is not yet
    /// recorded in `webhook_inbox_migrations` is applied and recorded, so instances
    /// starting together apply it once. The role needs the right to create
    /// tables in its schema (the first time) and to read and write them.
    ///
    /// Several instances (processes, hosts) may share one database: workers claim with
    /// `FOR UPDATE SKIP LOCKED` and a lease, so a delivery is never run by two workers at
    /// once. Times are written by the instances' clocks: keep them synchronised (NTP),
    /// well within the lease.
    ///
    /// A URL without the `//` after its scheme is refused, and no error repeats the URL.
    ///
    /// TLS (`sslmode=require`, `verify-full`) needs the `postgres-tls` feature; without
    /// it `sslmode=prefer` (the default) connects in clear text and `require` fails.
    ///
    /// ```no_run
    /// use tower_webhook::inbox::Inbox;
    ///
    /// # async fn run() -> Result<(), tower_webhook::inbox::InboxError> {
    /// let inbox = Inbox::postgres("postgres://webhooks:secret@db.internal/webhooks").await?;
    /// println!("{} dead", inbox.stats().await?.dead);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "inbox-postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox-postgres")))]
    pub async fn postgres(url: &str) -> Result<Inbox, InboxError> {
        postgres_url(url)?;
        let db = postgres::Db::open(url).await?;
        Ok(Inbox::with_db(Db::Postgres(db), false))
    }

    /// Opens the inbox a URL names, on the engine its scheme picks:
    /// `sqlite://path` (or `sqlite:path`; a relative path is relative to the working
    /// directory, `sqlite:///abs/path` is absolute) with the `inbox-sqlite` feature, and
    /// `postgres://…` or `postgresql://…` with the `inbox-postgres` feature. See
    /// [`sqlite`](Self::sqlite) and [`postgres`](Self::postgres).
    ///
    /// An unknown scheme, a `postgres:` URL without its `//`, or an engine whose feature
    /// this build lacks, is a [`Configuration`](InboxErrorKind::Configuration) error that
    /// says so. No error repeats the URL, which may hold a password.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use tower_webhook::inbox::Inbox;
    ///
    /// let error = Inbox::connect("mysql://localhost/webhooks").await.unwrap_err();
    /// assert!(error.to_string().contains("sqlite://"));
    /// # });
    /// ```
    pub async fn connect(url: &str) -> Result<Inbox, InboxError> {
        Inbox::open(url, false).await
    }

    /// Opens the inbox a URL names (as [`connect`](Self::connect) does) to read it only:
    /// [`list`](Self::list), [`get`](Self::get) and [`stats`](Self::stats). Nothing is
    /// migrated and no write lock is taken or waited for, so it never fails because a
    /// receiver is writing (SQLite in WAL mode: readers never wait for the writer). A
    /// SQLite file must exist. Writes (a replay, a purge, the layer's, the workers') are
    /// refused by the database, as [`Database`](InboxErrorKind::Database) errors.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use tower_webhook::inbox::{Inbox, InboxId};
    ///
    /// let dir = std::env::temp_dir().join(format!("inbox-doc-read-only-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let url = format!("sqlite://{}", dir.join("inbox.db").display());
    /// let receiver = Inbox::connect(&url).await.unwrap();
    /// let reader = Inbox::connect_read_only(&url).await.unwrap();
    /// assert_eq!(reader.stats().await.unwrap().pending, 0);
    /// assert!(reader.replay(InboxId::new(1)).await.is_err());
    /// # drop(receiver);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    pub async fn connect_read_only(url: &str) -> Result<Inbox, InboxError> {
        Inbox::open(url, true).await
    }

    async fn open(url: &str, read_only: bool) -> Result<Inbox, InboxError> {
        let (scheme, rest) = url.split_once(':').unwrap_or(("", url));
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                #[cfg(feature = "inbox-sqlite")]
                return match read_only {
                    true => Ok(Inbox::with_db(
                        Db::Sqlite(sqlite::Db::open_read_only(Path::new(path)).await?),
                        true,
                    )),
                    false => Inbox::sqlite(path).await,
                };
                #[cfg(not(feature = "inbox-sqlite"))]
                {
                    let _ = (path, read_only);
                    Err(InboxError::new(
                        InboxErrorKind::Configuration,
                        "a sqlite:// inbox needs the `inbox-sqlite` feature, which this build \
                         lacks",
                    ))
                }
            }
            "postgres" | "postgresql" => {
                #[cfg(feature = "inbox-postgres")]
                return match read_only {
                    true => {
                        postgres_url(url)?;
                        Ok(Inbox::with_db(
                            Db::Postgres(postgres::Db::open_read_only(url).await?),
                            true,
                        ))
                    }
                    false => Inbox::postgres(url).await,
                };
                #[cfg(not(feature = "inbox-postgres"))]
                Err(InboxError::new(
                    InboxErrorKind::Configuration,
                    "a postgres:// inbox needs the `inbox-postgres` feature, which this build \
                     lacks",
                ))
            }
            _ => Err(InboxError::new(
                InboxErrorKind::Configuration,
                "the inbox URL must start with sqlite:// or postgres://",
            )),
        }
    }

    fn with_db(db: Db, read_only: bool) -> Inbox {
        Inbox {
            shared: Arc::new(Shared {
                db,
                due: Notify::new(),
                turn: std::sync::Mutex::new(None),
                folded: std::sync::Mutex::new(None),
                read_only,
                workers: health::Registry::default(),
                purging: std::sync::atomic::AtomicBool::new(false),
            }),
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            retention: crate::replay::DEFAULT_RETENTION,
            ordering: None,
            policy: StoragePolicy::default(),
        }
    }

    /// How long the layer's write of a delivery may take before the provider is answered
    /// `503` (default 5 s). A write that commits after the timeout is safe: the
    /// provider's retry is then a duplicate.
    #[must_use]
    pub fn write_timeout(mut self, timeout: Duration) -> Inbox {
        self.write_timeout = timeout;
        self
    }

    /// How long a done delivery's replay keys are kept once it is
    /// [purged](Self::purge_done), counted from when it was done (default
    /// [`DEFAULT_RETENTION`](crate::replay::DEFAULT_RETENTION), 14 days): the replay window.
    /// A purge deletes the delivery (its headers, body and attempts) but never its keys
    /// inside this window, so a captured copy, or a late provider retry, is still a
    /// duplicate. Keep it beyond the providers' retry horizons.
    #[must_use]
    pub fn retention(mut self, retention: Duration) -> Inbox {
        self.retention = crate::replay::clamp(retention);
        self
    }

    /// Runs the deliveries that share an ordering key one at a time, in the order the
    /// inbox received them (off by default: deliveries run as soon as a worker is free).
    ///
    /// The first delivery of a key not yet done is its head; the later ones wait in the
    /// state [`DeliveryState::Held`]. When the head is done, or a person
    /// [forgets](Self::forget) it, the next one becomes pending. A head that fails is
    /// retried as any delivery is and holds back only its own key; a head that is dead
    /// holds it until a person decides ([`replay`](Self::replay) or
    /// [`forget`](Self::forget)). A done delivery that is replayed while its key has a
    /// head waits behind it.
    ///
    /// What it costs: reading the key (one pass over the JSON body for
    /// [`OrderingKey::json_field`]) on the way to the `202`, one index lookup per write,
    /// and on PostgreSQL a transaction with an advisory lock on the key (two more round
    /// trips) for each ordered write and each ordered delivery that finishes. Deliveries
    /// written while it was off are not ordered.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use tower_webhook::inbox::{Inbox, OrderingKey};
    /// # let dir = std::env::temp_dir().join(format!("inbox-doc-ordered-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    ///
    /// let inbox = Inbox::sqlite(dir.join("inbox.db"))
    ///     .await
    ///     .unwrap()
    ///     .ordered_by(OrderingKey::json_field("data.object.customer"));
    /// # let _ = inbox;
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    #[must_use]
    pub fn ordered_by(mut self, key: OrderingKey) -> Inbox {
        self.ordering = Some(key);
        self
    }

    /// Encrypts the stored request of every delivery written from now on (its URI, headers
    /// and body) with AES-256-GCM under the current key of `keys`, and opens those sealed
    /// under any of its keys where they are read: the workers' handler and
    /// [`get`](Self::get) see them as received. Off by default. Rows written in clear
    /// (before it was turned on) are still read as they are. The provider, ids, event type,
    /// states and times stay in clear: the inbox's queries need them.
    ///
    /// A row sealed under a key `keys` lacks is never handed to the handler: its attempt
    /// fails (and is retried, then dead, as any failed attempt), and
    /// [`get`](Self::get) answers a [`Configuration`](InboxErrorKind::Configuration)
    /// error naming the key's id. Keep a rotated-out key as
    /// [`with_old_key`](AtRestKeys::with_old_key) while rows sealed under it remain.
    /// Every instance sharing an inbox needs every key in use. See
    /// [the module documentation](self#encryption-at-rest).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use tower_webhook::inbox::{AtRestKeys, Inbox};
    /// use tower_webhook::Secret;
    ///
    /// # let dir = std::env::temp_dir().join(format!("inbox-doc-at-rest-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// // From your configuration: e.g. `openssl rand -base64 32`.
    /// let key = Secret::from("q8ZQ6b4Qm1ZbfyWQ4mBSv8bJ2E0c9HqK1u0xR3p0P9g=");
    /// let keys = AtRestKeys::new("2025-06", &key).unwrap();
    /// let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap().encrypt_at_rest(keys);
    /// # drop(inbox);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    #[must_use]
    pub fn encrypt_at_rest(mut self, keys: AtRestKeys) -> Inbox {
        self.policy.at_rest = Some(Arc::new(keys));
        self
    }

    /// Fields of the request never to store, beyond the credentials the scheme declares:
    /// the value of each header and query parameter `fields` names is stored, shown and
    /// handed to the handler as [`REDACTED`], as a credential's is. Each call adds to the
    /// list.
    ///
    /// Headers and query parameters only, not fields of the body: the stored body is the
    /// one the provider signed and the handler gets, byte for byte (a handler that parses
    /// it, or checks it again, relies on that). To keep a body's content unreadable in the
    /// database, [encrypt it at rest](Self::encrypt_at_rest).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use http::HeaderName;
    /// use tower_webhook::inbox::Inbox;
    /// use tower_webhook::scheme::CredentialFields;
    ///
    /// # let dir = std::env::temp_dir().join(format!("inbox-doc-never-store-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap().never_store(
    ///     CredentialFields::new()
    ///         .header(HeaderName::from_static("x-customer-email"))
    ///         .query_parameter("email"),
    /// );
    /// # drop(inbox);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    #[must_use]
    pub fn never_store(mut self, fields: crate::scheme::CredentialFields) -> Inbox {
        let mut all = self
            .policy
            .never_store
            .as_deref()
            .cloned()
            .unwrap_or_default();
        for header in fields.headers() {
            all = all.header(header.clone());
        }
        for parameter in fields.query_parameters() {
            all = all.query_parameter(parameter.to_owned());
        }
        self.policy.never_store = (!all.is_empty()).then(|| Arc::new(all));
        self
    }

    /// The stored URI, headers and body of a claimed delivery, opened.
    pub(crate) fn open_claimed(
        &self,
        claimed: &Claimed,
    ) -> Result<(String, Vec<u8>, bytes::Bytes), InboxError> {
        claimed.open(self.policy.at_rest.as_deref())
    }

    /// An attempt's response excerpt as stored: sealed like the claimed delivery's body
    /// (under the key that sealed it, in the excerpt's own place), or in clear when the
    /// delivery is stored in clear.
    pub(crate) fn seal_response(
        &self,
        claimed: &Claimed,
        excerpt: &str,
    ) -> Result<String, InboxError> {
        at_rest::seal_response(
            self.policy.at_rest.as_deref(),
            claimed.sealed_with.as_deref(),
            &claimed.identity(),
            excerpt,
        )
    }

    /// Workers that run `handler` over this inbox's deliveries: configure them, then
    /// [`spawn`](Workers::spawn) them.
    ///
    /// `handler` is the same shape as the service behind
    /// [`WebhookLayer`](crate::WebhookLayer): a tower `Service` taking the request (its
    /// stored method, URI, headers and body) with the [`Delivery`] and an [`InboxJob`]
    /// in its extensions, so an axum `Router` of your webhook routes works as it is. The
    /// request is the one the layer verified, except for the credential a token or
    /// credential scheme compared, which the inbox never stores: its header or query
    /// parameter holds [`REDACTED`].
    pub fn workers<S>(&self, handler: S) -> Workers<S> {
        Workers::new(self.clone(), handler)
    }

    /// Claims the next due delivery for a worker, the sources taking turns.
    pub(crate) async fn claim(
        &self,
        token: &str,
        lease: Duration,
        now: i64,
    ) -> Result<Option<Claimed>, InboxError> {
        let after = self.shared.turn.lock().map_or(None, |turn| turn.clone());
        let (claimed, turn) = self
            .shared
            .db
            .claim(token, lease, now, after.as_deref())
            .await?;
        if let (Some(turn), Ok(mut kept)) = (turn, self.shared.turn.lock()) {
            *kept = Some(turn.into());
        }
        Ok(claimed)
    }

    /// Writes a verified delivery, deduplicated by its replay keys, in one transaction.
    pub(crate) async fn accept(
        &self,
        parts: &http::request::Parts,
        delivery: &Delivery,
    ) -> Result<Accepted, InboxError> {
        let now = now_ms();
        let mut stored = StoredRequest::new(parts, delivery, &self.policy, now)?;
        stored.traceparent = trace::current_traceparent();
        let ordering_key = self.ordering.as_ref().and_then(|key| key.of(delivery));
        let write = self
            .shared
            .db
            .insert(parts, delivery, stored, ordering_key, now);
        let accepted = match tokio::time::timeout(self.write_timeout, write).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(InboxError::new(
                    InboxErrorKind::Unavailable,
                    "the inbox write did not finish in time",
                ))
            }
        };
        if matches!(accepted, Accepted::New(_)) {
            self.shared.due.notify_waiters();
        }
        Ok(accepted)
    }

    /// The deliveries `filter` selects, newest first.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use tower_webhook::inbox::{DeliveryState, Inbox, ListFilter};
    /// # let dir = std::env::temp_dir().join(format!("inbox-doc-list-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let url = format!("sqlite://{}", dir.join("inbox.db").display());
    /// let inbox = Inbox::connect(&url).await.unwrap();
    /// let dead = inbox
    ///     .list(&ListFilter::new().state(DeliveryState::Dead).provider("stripe").limit(50))
    ///     .await
    ///     .unwrap();
    /// assert!(dead.is_empty());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<DeliveryRecord>, InboxError> {
        self.shared.db.list(filter).await
    }

    /// One delivery with its request and every attempt; `None` if there is none with
    /// this id.
    ///
    /// A delivery [encrypted at rest](Self::encrypt_at_rest) is shown opened; one sealed
    /// under a key this inbox was not given is a
    /// [`Configuration`](InboxErrorKind::Configuration) error.
    pub async fn get(&self, id: InboxId) -> Result<Option<DeliveryDetails>, InboxError> {
        self.shared.db.get(id, self.policy.at_rest.as_deref()).await
    }

    /// Runs a dead (or done) delivery again: it becomes pending with a fresh count of
    /// attempts (held, if it is ordered and its key has another delivery not yet done:
    /// it runs next). Returns whether a delivery was replayed (`false`: no such delivery,
    /// or it is pending, running, retrying or held already).
    pub async fn replay(&self, id: InboxId) -> Result<bool, InboxError> {
        let replayed = self.shared.db.replay(Some(id), now_ms()).await? > 0;
        if replayed {
            self.shared.due.notify_waiters();
        }
        Ok(replayed)
    }

    /// Runs every dead delivery again; returns how many.
    pub async fn replay_dead(&self) -> Result<u64, InboxError> {
        let replayed = self.shared.db.replay(None, now_ms()).await?;
        if replayed > 0 {
            self.shared.due.notify_waiters();
        }
        Ok(replayed)
    }

    /// Deletes a delivery, its request and its attempts. Returns whether it was deleted
    /// (`false`: no such delivery, or a running ordered head, below). A worker running it
    /// right now finishes, but its outcome is not recorded.
    ///
    /// A delivery not handled yet (pending, retrying, dead) takes its replay keys with it:
    /// the provider's redelivery is then accepted as new, which is what forgetting a dead
    /// one is for. A **done** delivery's keys stay until the [retention](Self::retention)
    /// has passed since it was done, as a purge keeps them: forgetting it (to erase its
    /// data) never lets a captured copy run it again.
    ///
    /// Forgetting the head of an ordering key ([`ordered_by`](Self::ordered_by)) that is
    /// not done releases the key: its next delivery becomes pending. A head whose handler
    /// is running is not forgotten (`false`) until its attempt ends: its next would run
    /// beside it.
    pub async fn forget(&self, id: InboxId) -> Result<bool, InboxError> {
        let now = now_ms();
        let forgotten = self
            .shared
            .db
            .forget(id, duration_ms(self.retention), now)
            .await?;
        if forgotten {
            // It may have released the next delivery of its ordering key.
            self.shared.due.notify_waiters();
        }
        Ok(forgotten)
    }

    /// Deletes the deliveries done more than `older_than` ago: their headers, bodies and
    /// attempts. Their replay keys stay until the [retention](Self::retention) has passed
    /// since each was done, so a purge never reopens a replay, whatever `older_than`
    /// (zero included); keys past it are deleted by the same call. Returns how many
    /// deliveries were deleted. Dead deliveries stay until a person replays or forgets
    /// them.
    ///
    /// In small batches, each its own transaction, sized to take about 10 ms on SQLite
    /// (where a batch holds the write lock) and 50 ms on PostgreSQL, with a rest after
    /// each as long as it took: the acknowledgements and the
    /// workers' writes arriving meanwhile wait for one small batch at most, and the purge
    /// takes at most half of the writer's time. The workers purge by themselves
    /// ([`Workers::purge_every`]); this is for a purge by hand or from a scheduler.
    pub async fn purge_done(&self, older_than: Duration) -> Result<u64, InboxError> {
        let purged = self.purge(older_than, PurgeLock::Wait, &|| {}).await?;
        Ok(purged.unwrap_or(0))
    }

    /// [`purge_done`](Self::purge_done), `beat` after each batch; `None` when `lock` is
    /// [`PurgeLock::Try`] and another instance was purging.
    pub(crate) async fn purge(
        &self,
        older_than: Duration,
        lock: PurgeLock,
        beat: &(dyn Fn() + Sync),
    ) -> Result<Option<u64>, InboxError> {
        let now = now_ms();
        let cutoff = now.saturating_sub(duration_ms(older_than));
        let retention = duration_ms(self.retention);
        let db = &self.shared.db;
        let Some(run) = db.start_purge(lock).await? else {
            // Another instance purges: it also expires the retained keys.
            return Ok(None);
        };
        let mut pace = retention::Pace::new(db.purge_budget());
        let mut purged = 0;
        loop {
            let started = std::time::Instant::now();
            let (deleted, full) = db.purge_batch(cutoff, retention, now, pace.batch()).await?;
            purged += deleted;
            if !full {
                break;
            }
            pace.rest(started.elapsed()).await;
            beat();
        }
        // The retained keys past their window, paced the same way: on SQLite each batch
        // holds the writer lock that every acknowledgement waits for.
        let mut pace = retention::Pace::new(db.purge_budget());
        loop {
            let started = std::time::Instant::now();
            let (_, full) = db.expire_retained_keys(now, pace.batch()).await?;
            if !full {
                break;
            }
            pace.rest(started.elapsed()).await;
            beat();
        }
        run.finish().await;
        self.fold_tally(true).await;
        Ok(Some(purged))
    }

    /// How many deliveries are in each state, and how long the oldest waiting one has
    /// waited (the lag). Read from counts kept as deliveries change state and from an
    /// index, never a count of the table.
    pub async fn stats(&self) -> Result<InboxStats, InboxError> {
        self.fold_tally(false).await;
        self.shared.db.stats(now_ms()).await
    }

    /// Folds the deltas of the state counts into one row per state, at most every
    /// [`FOLD_INTERVAL`] unless `now`; a failure is logged (the counts stay right, and
    /// the next fold sums more).
    pub(crate) async fn fold_tally(&self, now: bool) {
        if self.shared.read_only {
            return;
        }
        {
            let Ok(mut folded) = self.shared.folded.lock() else {
                return;
            };
            let due = now || folded.is_none_or(|at| at.elapsed() >= FOLD_INTERVAL);
            if !due {
                return;
            }
            *folded = Some(std::time::Instant::now());
        }
        if let Err(error) = self.shared.db.fold_tally().await {
            tracing::warn!(error = %error, "webhook inbox: the state counts could not be folded");
        }
    }
}

/// Refuses `postgres:/user:password@host/db` (a slash missing), which is still a URL,
/// with no host and the rest as its path: the database's name, which a server that does
/// not know it repeats in its error, password and all. Refused before anything reads it.
#[cfg(feature = "inbox-postgres")]
fn postgres_url(url: &str) -> Result<(), InboxError> {
    let (_, rest) = url.split_once(':').unwrap_or(("", url));
    if rest.starts_with("//") {
        Ok(())
    } else {
        Err(InboxError::new(
            InboxErrorKind::Configuration,
            "a PostgreSQL inbox URL starts with postgres:// (two slashes): \
             postgres://user:password@host/database",
        ))
    }
}

/// How a purge treats another instance's purge of the same PostgreSQL inbox (an advisory
/// lock held for each run): wait for its run to end (a purge by hand), or skip this turn
/// (the workers'). SQLite's writer lock serialises the batches anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PurgeLock {
    Wait,
    Try,
}

/// A purge's run, from [`Db::start_purge`]: on PostgreSQL the connection holding the
/// purge's advisory lock.
enum PurgeRun {
    #[cfg(feature = "inbox-sqlite")]
    Local,
    #[cfg(feature = "inbox-postgres")]
    Postgres(postgres::PurgeRun),
}

impl PurgeRun {
    /// Ends the run: releases the lock it holds, if any.
    async fn finish(self) {
        match self {
            #[cfg(feature = "inbox-sqlite")]
            PurgeRun::Local => {}
            #[cfg(feature = "inbox-postgres")]
            PurgeRun::Postgres(run) => run.finish().await,
        }
    }
}

/// What the layer's write of a delivery found.
pub(crate) enum Accepted {
    /// Written: the delivery is new.
    New(InboxId),
    /// One of its replay keys is already in the inbox: the first found is at `matched` in
    /// [`Delivery::replay_keys`].
    Duplicate {
        /// The index of the first key found.
        matched: usize,
    },
}

/// A delivery's replay keys as the engines write them: distinct, in
/// [`Delivery::replay_keys`] order, with what a duplicate may teach
/// ([`KeySet::to_learn`](crate::replay::KeySet::to_learn)). A key found in the inbox is
/// as good as completed: the inbox runs its delivery to the end itself.
pub(crate) struct StoredKeys {
    pub(crate) keys: Vec<crate::replay::ReplayKey>,
    claim_first: bool,
    learns_from_claim: bool,
}

impl StoredKeys {
    pub(crate) fn of(delivery: &Delivery) -> StoredKeys {
        let set = delivery.key_set();
        StoredKeys {
            keys: set.keys().to_vec(),
            claim_first: set.is_claim(0),
            learns_from_claim: set.learns_from_claim(),
        }
    }

    /// The keys' bytes, as bound to a statement.
    #[cfg(feature = "inbox-postgres")]
    pub(crate) fn bytes(&self) -> Vec<Vec<u8>> {
        self.keys
            .iter()
            .map(|key| key.as_bytes().to_vec())
            .collect()
    }

    /// The keys to write for the delivery that holds the keys `found` (indexes into
    /// `keys`), where they are not known yet.
    pub(crate) fn to_learn(&self, found: &[usize]) -> &[crate::replay::ReplayKey] {
        let mut set = crate::replay::KeySet::new(&self.keys);
        if self.claim_first {
            set = set.claim_first(self.learns_from_claim);
        }
        let claim = found.iter().any(|&index| set.is_claim(index));
        let content = found.iter().any(|&index| !set.is_claim(index));
        set.to_learn(claim, content)
    }
}

/// A delivery's id in the inbox: stable for its life there, whatever its attempts. Give
/// it to your own storage to make the handler idempotent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InboxId(i64);

impl InboxId {
    /// The id with this number (as shown by [`Display`](fmt::Display) and
    /// [`get`](Self::get)).
    pub fn new(id: i64) -> InboxId {
        InboxId(id)
    }

    /// The id's number.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for InboxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The attempt a worker is making: found in the request's extensions beside the
/// [`Delivery`] when the handler runs from the inbox (axum: `Extension<InboxJob>`).
#[derive(Debug, Clone)]
pub struct InboxJob {
    id: InboxId,
    attempt: u32,
    received_at: SystemTime,
}

impl InboxJob {
    /// The delivery's stable id in the inbox: the same on every attempt.
    pub fn id(&self) -> InboxId {
        self.id
    }

    /// Which attempt this is, from 1 (counted again from 1 after a
    /// [`replay`](Inbox::replay)).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// When the delivery was accepted.
    pub fn received_at(&self) -> SystemTime {
        self.received_at
    }
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeliveryState {
    /// Accepted, waiting for a worker (or returned by an expired lease).
    Pending,
    /// A worker holds it under a lease and runs the handler.
    Running,
    /// The handler failed; it runs again at its scheduled time.
    Retrying,
    /// The handler succeeded.
    Done,
    /// Out of attempts or too old: waits for a person ([`Inbox::replay`]).
    Dead,
    /// Waits for the delivery before it with the same ordering key to be done
    /// ([`Inbox::ordered_by`]).
    Held,
}

impl DeliveryState {
    /// The state's name as stored and shown: `pending`, `running`, `retrying`, `done`,
    /// `dead`, `held`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Running => "running",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Done => "done",
            DeliveryState::Dead => "dead",
            DeliveryState::Held => "held",
        }
    }

    /// The state named `name`, as [`as_str`](Self::as_str) writes it.
    pub fn parse(name: &str) -> Option<DeliveryState> {
        Some(match name {
            "pending" => DeliveryState::Pending,
            "running" => DeliveryState::Running,
            "retrying" => DeliveryState::Retrying,
            "done" => DeliveryState::Done,
            "dead" => DeliveryState::Dead,
            "held" => DeliveryState::Held,
            _ => return None,
        })
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which deliveries [`Inbox::list`] returns: every condition set must hold.
#[derive(Debug, Clone)]
#[must_use]
pub struct ListFilter {
    pub(crate) state: Option<DeliveryState>,
    pub(crate) provider: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) event_type: Option<String>,
    pub(crate) delivery_id: Option<String>,
    pub(crate) received_after: Option<SystemTime>,
    pub(crate) received_before: Option<SystemTime>,
    /// The last delivery of the page before (its time received and its id).
    pub(crate) after: Option<(i64, i64)>,
    pub(crate) limit: u32,
}

impl Default for ListFilter {
    fn default() -> Self {
        ListFilter::new()
    }
}

impl ListFilter {
    /// Every delivery, at most 100.
    pub fn new() -> ListFilter {
        ListFilter {
            state: None,
            provider: None,
            source: None,
            event_type: None,
            delivery_id: None,
            received_after: None,
            received_before: None,
            after: None,
            limit: DEFAULT_LIST_LIMIT,
        }
    }

    /// Only deliveries in `state`.
    pub fn state(mut self, state: DeliveryState) -> ListFilter {
        self.state = Some(state);
        self
    }

    /// Only deliveries of `provider` (as [`Delivery::provider`] names it).
    pub fn provider(mut self, provider: impl Into<String>) -> ListFilter {
        self.provider = Some(provider.into());
        self
    }

    /// Only deliveries of `source` (as [`Delivery::source`] names it: the source key the
    /// lookup resolved, or the verifier's [`for_source`](crate::Verifier::for_source)).
    pub fn source(mut self, source: impl Into<String>) -> ListFilter {
        self.source = Some(source.into());
        self
    }

    /// Only deliveries whose event type is exactly `event_type` (as
    /// [`Delivery::event_type`] names it; case-sensitive, no wildcard).
    pub fn event_type(mut self, event_type: impl Into<String>) -> ListFilter {
        self.event_type = Some(event_type.into());
        self
    }

    /// Only deliveries whose provider's delivery id ([`Delivery::id`]) is exactly
    /// `delivery_id`: the id a provider's dashboard or a support ticket shows. An exact
    /// match, not a prefix or a substring: an index on the column serves it as it is on
    /// both engines, where a prefix would need a collation-specific operator class on
    /// PostgreSQL. Several deliveries may share an id (a replayed copy the signature
    /// told apart, two sources): all of them are listed.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use tower_webhook::inbox::{Inbox, ListFilter};
    /// # let dir = std::env::temp_dir().join(format!("inbox-doc-by-id-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap();
    /// let filter = ListFilter::new()
    ///     .source("acme")
    ///     .event_type("invoice.paid")
    ///     .delivery_id("evt_1NqV2k");
    /// assert!(inbox.list(&filter).await.unwrap().is_empty());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    pub fn delivery_id(mut self, delivery_id: impl Into<String>) -> ListFilter {
        self.delivery_id = Some(delivery_id.into());
        self
    }

    /// Only deliveries received at or after `time`.
    pub fn received_after(mut self, time: SystemTime) -> ListFilter {
        self.received_after = Some(time);
        self
    }

    /// Only deliveries received before `time`.
    pub fn received_before(mut self, time: SystemTime) -> ListFilter {
        self.received_before = Some(time);
        self
    }

    /// The page after the one that ended with `last`: the deliveries listed after it
    /// (older, or as old with a lower id). Keyset paging: each page costs the same
    /// however deep it is, and a delivery written meanwhile never shifts a page.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use tower_webhook::inbox::{Inbox, ListFilter};
    /// # let dir = std::env::temp_dir().join(format!("inbox-doc-page-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap();
    /// let mut page = inbox.list(&ListFilter::new().limit(50)).await.unwrap();
    /// while let Some(last) = page.last() {
    ///     page = inbox.list(&ListFilter::new().limit(50).after(last)).await.unwrap();
    /// }
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    pub fn after(mut self, last: &DeliveryRecord) -> ListFilter {
        self.after = Some((to_ms(last.received_at), last.id.0));
        self
    }

    /// [`after`](Self::after) from the parts of the JSON API's `after` cursor.
    #[cfg(feature = "inbox-router")]
    pub(crate) fn after_cursor(mut self, received_ms: i64, id: i64) -> ListFilter {
        self.after = Some((received_ms, id));
        self
    }

    /// At most `limit` deliveries (default 100).
    pub fn limit(mut self, limit: u32) -> ListFilter {
        self.limit = limit;
        self
    }
}

/// A delivery as [`Inbox::list`] shows it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// Its id in the inbox.
    pub id: InboxId,
    /// The provider ([`Delivery::provider`]).
    pub provider: String,
    /// The source, where there are several of one provider ([`Delivery::source`]).
    pub source: Option<String>,
    /// The provider's delivery id ([`Delivery::id`]).
    pub delivery_id: String,
    /// The event type ([`Delivery::event_type`]).
    pub event_type: Option<String>,
    /// Where it is in its life.
    pub state: DeliveryState,
    /// Attempts since it was accepted or last replayed.
    pub attempts: u32,
    /// When it was accepted.
    pub received_at: SystemTime,
    /// When it is (or was) due to run next.
    pub scheduled_at: SystemTime,
    /// When it became done or dead.
    pub finished_at: Option<SystemTime>,
    /// Why the last attempt failed, if it did, on one line: its
    /// [`error`](AttemptRecord::error), then for a handler that answered with a body the
    /// start of its [`response`](AttemptRecord::response) (its first line, at most 200
    /// characters): `handler answered 503 Service Unavailable: upstream down`. Without the
    /// excerpt when the delivery is [encrypted at rest](Inbox::encrypt_at_rest): the list
    /// is stored in clear, and a response can echo the payload.
    pub last_error: Option<String>,
}

/// One delivery in full, as [`Inbox::get`] shows it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeliveryDetails {
    /// What [`Inbox::list`] shows of it.
    pub record: DeliveryRecord,
    /// The request's method.
    pub method: http::Method,
    /// The request's URI, as received except for a credential query parameter's value,
    /// stored as [`REDACTED`].
    pub uri: http::Uri,
    /// The request's headers, as received except for a credential header's value (a shared
    /// token, Basic credentials, an API key), stored as [`REDACTED`].
    pub headers: HeaderMap,
    /// The verified body.
    pub body: bytes::Bytes,
    /// Every attempt, oldest first (also those before a replay).
    pub attempts: Vec<AttemptRecord>,
    /// Whether the signature covered the delivery id ([`Delivery::id_is_signed`]; an id
    /// derived from the signature counts as covered). `false`: the id is what the sender
    /// claims.
    pub id_is_signed: bool,
    /// Whether the id was derived from the signature because the provider sent none
    /// ([`Delivery::id_is_fingerprint`]).
    pub id_is_fingerprint: bool,
    /// Whether the signature covered the event type ([`Delivery::event_type_is_signed`]).
    pub event_type_is_signed: bool,
    /// The signed timestamp ([`Delivery::timestamp`]), for providers that sign one; `None`
    /// when nothing signed says when it was sent.
    pub signed_at: Option<SystemTime>,
}

/// One run of the handler.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AttemptRecord {
    /// Its number since the delivery was accepted or last replayed, from 1.
    pub attempt: u32,
    /// When a worker started it.
    pub started_at: SystemTime,
    /// When it ended; `None` while it runs (or if its worker died and nobody has taken
    /// the delivery over yet).
    pub finished_at: Option<SystemTime>,
    /// Why it failed, on one line; `None` if it succeeded or still runs:
    /// `handler answered 503 Service Unavailable`, `handler failed: ` and the handler's
    /// error with its sources (`Error::source`, joined with `: `), `attempt timed out
    /// after 30s`, `handler panicked`, `lease expired` (its worker died).
    pub error: Option<String>,
    /// The status the handler answered, when it answered (also on success).
    pub status: Option<http::StatusCode>,
    /// The first bytes of the handler's response body when it answered a status that is
    /// not 2xx: at most [`MAX_RESPONSE_EXCERPT`] bytes, as text (bytes that are not UTF-8
    /// replaced, cut at a character's boundary). Read only that far, within the attempt's
    /// timeout. `None` when it answered 2xx, an empty body, or did not answer. Sealed
    /// like the body when the delivery is [encrypted at rest](Inbox::encrypt_at_rest),
    /// and shown opened. It is the handler's text, maybe an echo of the payload: escape
    /// it before printing it to a terminal or a page.
    pub response: Option<String>,
    /// How long the attempt took: the handler's readiness, its call, and reading the
    /// excerpt. `None` for an attempt whose handler never ran (its worker died, or the
    /// stored request could not be opened) and for attempts recorded before this was
    /// kept.
    pub duration: Option<Duration>,
}

/// An attempt's outcome as the engines record it.
pub(crate) struct Finished<'a> {
    /// `None`: it succeeded, and the delivery is done.
    pub(crate) failed: Option<Failed<'a>>,
    pub(crate) status: Option<i64>,
    /// The response excerpt as stored (sealed when the delivery is).
    pub(crate) response: Option<&'a str>,
    pub(crate) duration_ms: Option<i64>,
}

/// A failed attempt: why, and what follows.
pub(crate) struct Failed<'a> {
    /// The attempt's one-line reason.
    pub(crate) error: &'a str,
    /// The delivery's `last_error`: the reason and the start of the excerpt.
    pub(crate) last_error: &'a str,
    /// Retrying (at `next_at`) or dead.
    pub(crate) state: DeliveryState,
    pub(crate) next_at: i64,
}

/// How many deliveries are in each state, and the lag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboxStats {
    /// Waiting for a worker.
    pub pending: u64,
    /// Held by a worker.
    pub running: u64,
    /// Waiting for their next attempt.
    pub retrying: u64,
    /// Handled.
    pub done: u64,
    /// Waiting for a person.
    pub dead: u64,
    /// Waiting for an earlier delivery of their ordering key ([`Inbox::ordered_by`]).
    pub held: u64,
    /// How long the oldest delivery not yet handled (pending, running, retrying or held) has
    /// waited since it was accepted: the lag. `None` when there is none.
    pub oldest_pending_age: Option<Duration>,
    /// How long the oldest delivery waiting for an attempt (pending or retrying) has
    /// waited since it was accepted: the backlog's age, without the deliveries running or
    /// held behind their ordering key. `None` when there is none.
    pub oldest_waiting_age: Option<Duration>,
}

/// The inbox's database failed (unreachable, locked too long, disk full) or answered
/// something it should not have. [`kind`](InboxError::kind) says which, for code that
/// reacts differently (retry later, fix the configuration, page someone).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use tower_webhook::inbox::{Inbox, InboxErrorKind};
///
/// let error = Inbox::connect("mysql://localhost/webhooks").await.unwrap_err();
/// assert_eq!(error.kind(), InboxErrorKind::Configuration);
/// # });
/// ```
#[derive(Debug)]
pub struct InboxError {
    kind: InboxErrorKind,
    message: Box<str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What kind of failure an [`InboxError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InboxErrorKind {
    /// The inbox cannot work as configured: a URL of an unsupported kind or one this
    /// build has no engine for, a malformed URL, a missing SQLite file where one must
    /// exist, wrong credentials. Retrying does not help.
    Configuration,
    /// The database could not be reached or did not answer in time (the connection
    /// pool is exhausted or closed, the network or the file failed). Transient: the layer
    /// answers `503`, so the provider retries.
    Unavailable,
    /// The database refused a statement (a constraint, a full disk, a read-only file, a
    /// failed migration).
    Database,
    /// A stored row could not be read back as a delivery (a schema edited by hand, a
    /// newer version's rows).
    Corrupt,
}

impl InboxError {
    pub(crate) fn new(kind: InboxErrorKind, message: impl Into<Box<str>>) -> InboxError {
        InboxError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn with_source(
        kind: InboxErrorKind,
        message: impl Into<Box<str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> InboxError {
        InboxError {
            kind,
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// A failed statement: its kind read from the driver's error.
    #[cfg(inbox)]
    pub(crate) fn sql(message: impl Into<Box<str>>, source: sqlx::Error) -> InboxError {
        InboxError::with_source(InboxErrorKind::of_sql(&source), message, source)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> InboxErrorKind {
        self.kind
    }
}

impl InboxErrorKind {
    #[cfg(inbox)]
    pub(crate) fn of_sql(error: &sqlx::Error) -> InboxErrorKind {
        match error {
            sqlx::Error::Configuration(_) | sqlx::Error::Tls(_) => InboxErrorKind::Configuration,
            // PostgreSQL's class 28: invalid authorization (a wrong password or user).
            sqlx::Error::Database(database)
                if database.code().is_some_and(|code| code.starts_with("28")) =>
            {
                InboxErrorKind::Configuration
            }
            sqlx::Error::Database(_) | sqlx::Error::Migrate(_) => InboxErrorKind::Database,
            sqlx::Error::Io(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => InboxErrorKind::Unavailable,
            _ => InboxErrorKind::Corrupt,
        }
    }
}

impl fmt::Display for InboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InboxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    to_ms(SystemTime::now())
}

pub(crate) fn to_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => duration_ms(since),
        Err(before) => duration_ms(before.duration()).saturating_neg(),
    }
}

pub(crate) fn from_ms(ms: i64) -> SystemTime {
    let magnitude = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH.checked_add(magnitude).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(magnitude).unwrap_or(UNIX_EPOCH)
    }
}

pub(crate) fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Headers as stored: for each, the name's length (u16, big-endian), the name, the
/// value's length (u32) and the value. Values need not be UTF-8.
pub(crate) fn encode_headers(headers: &HeaderMap) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in headers {
        let (name, value) = (name.as_str().as_bytes(), value.as_bytes());
        let (Ok(name_len), Ok(value_len)) = (u16::try_from(name.len()), u32::try_from(value.len()))
        else {
            continue;
        };
        out.extend_from_slice(&name_len.to_be_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(&value_len.to_be_bytes());
        out.extend_from_slice(value);
    }
    out
}

/// The headers [`encode_headers`] wrote; stops at the first malformed entry.
pub(crate) fn decode_headers(mut bytes: &[u8]) -> HeaderMap {
    fn take<'a>(bytes: &mut &'a [u8], len: usize) -> Option<&'a [u8]> {
        let (head, tail) = bytes.split_at_checked(len)?;
        *bytes = tail;
        Some(head)
    }
    let mut headers = HeaderMap::new();
    while !bytes.is_empty() {
        let entry = (|| {
            let name_len = u16::from_be_bytes(take(&mut bytes, 2)?.try_into().ok()?);
            let name = HeaderName::from_bytes(take(&mut bytes, usize::from(name_len))?).ok()?;
            let value_len = u32::from_be_bytes(take(&mut bytes, 4)?.try_into().ok()?);
            let value = take(&mut bytes, usize::try_from(value_len).ok()?)?;
            Some((name, HeaderValue::from_bytes(value).ok()?))
        })();
        match entry {
            Some((name, value)) => {
                headers.append(name, value);
            }
            None => break,
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_with_repeats_and_opaque_bytes() {
        let mut headers = HeaderMap::new();
        headers.append("x-a", HeaderValue::from_static("1"));
        headers.append("x-a", HeaderValue::from_static("2"));
        headers.append("x-b", HeaderValue::from_bytes(&[0xff, 0x20, 0x80]).unwrap());
        let decoded = decode_headers(&encode_headers(&headers));
        assert_eq!(decoded, headers);
        // Truncated input never panics and keeps what was whole.
        let bytes = encode_headers(&headers);
        for end in 0..bytes.len() {
            let _ = decode_headers(&bytes[..end]);
        }
    }

    #[test]
    fn times_round_trip() {
        let now = SystemTime::now();
        let back = from_ms(to_ms(now));
        assert!(now.duration_since(back).unwrap() < Duration::from_millis(1));
        assert_eq!(
            from_ms(i64::MIN),
            UNIX_EPOCH
                .checked_sub(Duration::from_millis(i64::MIN.unsigned_abs()))
                .unwrap_or(UNIX_EPOCH)
        );
    }
}
