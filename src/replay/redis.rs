//! The Redis replay store: one store shared by every instance of a service, so a
//! delivery is handled once even when its copies land on different instances.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{
    BoxFuture, Completion, KeySet, ReplayKey, ReplayStore, Reservation, ReservationToken,
    StoreError, StoreErrorKind,
};

/// The value a completed delivery is stored under. Tokens always start with `t:`, so the
/// two never collide.
const COMPLETED: &str = "done";

/// Reserve every key if none is known; otherwise say which is, and, when one is known
/// completed, remember the unknown content keys as completed (`KeySet::to_learn`: never
/// the claim; from a hit on the claim alone only when retries are signed anew).
/// ARGV: token, lease ms, retention ms, the completed marker, 1 if the first key is a
/// claim, 1 if a hit on the claim alone teaches the content keys.
const RESERVE: &str = r"
local claim = ARGV[5] == '1'
local done_at, flight_at, content_done = 0, 0, false
for i, key in ipairs(KEYS) do
  local held = redis.call('GET', key)
  if held == ARGV[4] then
    if done_at == 0 then done_at = i end
    if not (claim and i == 1) then content_done = true end
  elseif held then
    if flight_at == 0 then flight_at = i end
  end
end
if done_at == 0 and flight_at == 0 then
  for _, key in ipairs(KEYS) do
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  end
  return {'reserved', 0}
end
if content_done or (done_at > 0 and ARGV[6] == '1') then
  local first = 1
  if claim then first = 2 end
  for i = first, #KEYS do
    redis.call('SET', KEYS[i], ARGV[4], 'PX', ARGV[3], 'NX')
  end
end
if done_at > 0 then return {'completed', done_at - 1} end
return {'in_flight', flight_at - 1}
";

/// Extend: only the keys our token still holds. ARGV: token, lease ms.
const EXTEND: &str = r"
local held = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    held = 1
  end
end
return held
";

/// Complete, on a server older than 7.0 (newer ones take one bare `SET … GET` per key):
/// every key is written completed; a key another token held is reported.
/// ARGV: token, retention ms, the completed marker.
const COMPLETE: &str = r"
local contended = 0
for _, key in ipairs(KEYS) do
  local held = redis.call('GET', key)
  if held and held ~= ARGV[1] and held ~= ARGV[3] then
    contended = 1
  end
  redis.call('SET', key, ARGV[3], 'PX', ARGV[2])
end
return contended
";

/// Release: only the keys our token still holds, so a late release never removes another
/// instance's reservation.
const RELEASE: &str = r"
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
  end
end
return 0
";

struct Scripts {
    reserve: redis::Script,
    extend: redis::Script,
    complete: redis::Script,
    release: redis::Script,
}

fn scripts() -> &'static Scripts {
    static SCRIPTS: OnceLock<Scripts> = OnceLock::new();
    SCRIPTS.get_or_init(|| Scripts {
        reserve: redis::Script::new(RESERVE),
        extend: redis::Script::new(EXTEND),
        complete: redis::Script::new(COMPLETE),
        release: redis::Script::new(RELEASE),
    })
}

/// A replay store in Redis (feature `redis`), for several instances behind a load
/// balancer.
///
/// Reservations, extensions and releases are each one atomic Lua script over all of a
/// delivery's keys (a one-key reservation a bare command): a reservation is a unique
/// token set only if every key is absent, with the lease as its expiry; extend and
/// release act only on keys that token still holds. A completion writes every key
/// completed, with bare `SET … GET` commands in one round trip: it lands even after the
/// lease ran out or Redis restarted, and overwrites the reservation of a copy that took
/// the key meanwhile (reported as [`Completion::Contended`]). Keys are
/// `{prefix}{hex digest}` (default prefix `tower-webhook:`): 64 hex characters whatever
/// the delivery sent. In-flight reservations expire with their lease, so a crashed
/// instance never blocks a delivery for good; completed ones are kept for the retention.
///
/// One delivery's keys are used together in one script, so the store needs a single Redis
/// (with replicas if you like), not Redis Cluster. Redis 7.0 or later runs the one-key
/// reservation and the completion without Lua; older servers run scripts.
///
/// The connection is redis' reconnecting `ConnectionManager`: one multiplexed connection
/// shared by every request (concurrent commands are pipelined on it, no pool, no
/// connection per request). While Redis is down the layer answers `503` (after at most its
/// store timeout), and once it is back requests succeed again without a restart.
///
/// # Round trips, and what a response guarantees
///
/// A new delivery costs two round trips: the reservation before the handler (one bare
/// `SET key token NX PX lease GET` for a one-key delivery on Redis 7 and later, else the
/// reserve script), and the completion after it (`SET key done PX retention GET` per
/// key, pipelined). The completion runs as a task of its own and the `2xx` waits for its first
/// attempt only; that wait is kept on purpose. Answering before it lands would not let a
/// handler run twice (a copy arriving meanwhile still finds the delivery in flight and
/// gets `409`, which providers retry), but a process stopped in that window would lose
/// the completion after the provider was told "done", and the reservation would then
/// expire with its lease and let a later replay through. As it is: when a `2xx` leaves
/// the layer, the delivery is recorded as completed in Redis, or its completion failed
/// once and is being retried in the background (logged, and counted in
/// [`Counters::completions_lost`](crate::layer::Counters::completions_lost) if every retry
/// fails).
///
/// # Persistence
///
/// The completed keys are what make a provider's retry or a replayed copy a duplicate,
/// and the in-flight ones what make a copy arriving while the handler runs a `409`.
/// Redis holds them in memory; a restart keeps only what its persistence wrote, and a
/// key it forgets is a delivery handled again:
///
/// | Redis persistence | what a restart or crash of Redis forgets |
/// | --- | --- |
/// | none (`appendonly no`, `save ""`) | every key: each completed delivery's replays within the retention are handled again, and a copy arriving while a handler runs (or before its completion lands) is handled beside it |
/// | RDB snapshots only (`save …`) | after a clean shutdown, nothing (it writes a snapshot); after a crash, everything since the last snapshot (minutes, by the save points) |
/// | AOF, `appendfsync everysec` (recommended) | after a crash of Redis, nothing; after a crash of its host, about the last second of writes |
/// | AOF, `appendfsync always` | nothing acknowledged, at the cost of an fsync per write (on every reservation and completion) |
/// | AOF, `appendfsync no` | after a crash of its host, what the OS had not flushed yet (up to ~30 s on Linux) |
///
/// Run Redis with `appendonly yes` and `appendfsync everysec` (or `always`). A failover
/// to a replica also loses what the replica had not received yet (replication is
/// asynchronous). [`connect`](RedisStore::connect) reads these settings with
/// `CONFIG GET` and logs a `warn` event when Redis has no persistence at all.
///
/// ```no_run
/// use tower_webhook::replay::RedisStore;
/// use tower_webhook::{providers, Verifier, WebhookLayer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379").await?;
/// let verifier = Verifier::new(providers::stripe(), "whsec_...")?;
/// let layer = WebhookLayer::new(verifier).replay_store(store);
/// # let _ = layer;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: Box<str>,
    /// Makes tokens unique across processes and restarts.
    instance: u64,
    /// Whether the server takes `SET … NX … GET` (Redis 7.0 and later) for reservations
    /// and `SET … GET` for completions; cleared at the first refusal of either.
    set_get: Arc<AtomicBool>,
}

/// Configures a [`RedisStore`]; made by [`RedisStore::builder`].
#[must_use]
pub struct RedisStoreBuilder {
    url: String,
    prefix: String,
    connection_timeout: Duration,
}

impl RedisStore {
    /// Connects to `url` (`redis://[:password@]host:port[/db]`), checks that Redis
    /// answers, and reads its persistence settings: a `warn` event when it has none
    /// (neither AOF nor RDB snapshots), an `info` event when a crash would lose recent
    /// completions (RDB only, or AOF with `appendfsync no`). See
    /// [Persistence](RedisStore#persistence). A server that refuses `CONFIG GET` (managed
    /// Redis often does) gets a `debug` event only; the check never fails the connection.
    pub async fn connect(url: &str) -> Result<RedisStore, StoreError> {
        let store = RedisStore::builder(url).build()?;
        let mut connection = store.connection.clone();
        redis::cmd("PING")
            .query_async::<()>(&mut connection)
            .await
            .map_err(|e| {
                StoreError::with_source(StoreErrorKind::Unavailable, "redis did not answer PING", e)
            })?;
        store.check_persistence().await;
        Ok(store)
    }

    /// Logs what a restart or a crash of this Redis would forget (see `connect`).
    async fn check_persistence(&self) {
        let mut connection = self.connection.clone();
        let mut pipe = redis::pipe();
        for name in ["appendonly", "appendfsync", "save"] {
            pipe.cmd("CONFIG").arg("GET").arg(name);
        }
        type Settings = (
            HashMap<String, String>,
            HashMap<String, String>,
            HashMap<String, String>,
        );
        let (aof, fsync, save) = match pipe.query_async::<Settings>(&mut connection).await {
            Ok(settings) => settings,
            Err(error) => {
                tracing::debug!(
                    error = %error,
                    "redis replay store: cannot read the persistence settings (CONFIG GET \
                     refused); without AOF a restart of Redis forgets completed deliveries"
                );
                return;
            }
        };
        let aof = aof.get("appendonly").is_some_and(|v| v == "yes");
        let fsync = fsync.get("appendfsync").map(String::as_str).unwrap_or("");
        let rdb = save.get("save").is_some_and(|v| !v.trim().is_empty());
        match (aof, rdb) {
            (false, false) => tracing::warn!(
                "redis replay store: Redis has no persistence (appendonly no, save \"\"): a \
                 restart forgets every completed delivery, and their replays are handled \
                 again; turn on AOF (appendonly yes, appendfsync everysec)"
            ),
            (false, true) => tracing::info!(
                "redis replay store: Redis persists by RDB snapshots only: a crash forgets \
                 the deliveries completed since the last snapshot; AOF (appendonly yes, \
                 appendfsync everysec) keeps all but the last second"
            ),
            (true, _) if fsync == "no" => tracing::info!(
                "redis replay store: Redis writes its AOF with appendfsync no: a crash of \
                 the host can forget the last ~30 seconds of completed deliveries; \
                 appendfsync everysec keeps all but the last second"
            ),
            (true, _) => tracing::debug!(
                appendfsync = fsync,
                "redis replay store: Redis persists with AOF"
            ),
        }
    }

    /// Starts configuring a store for `url`.
    pub fn builder(url: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.into(),
            prefix: "tower-webhook:".to_owned(),
            connection_timeout: Duration::from_secs(1),
        }
    }

    /// A store on an existing connection manager.
    pub fn from_connection(connection: ConnectionManager, prefix: impl Into<String>) -> Self {
        RedisStore {
            connection,
            prefix: prefix.into().into_boxed_str(),
            instance: instance_id(),
            set_get: Arc::new(AtomicBool::new(true)),
        }
    }

    fn key(&self, key: &ReplayKey) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(self.prefix.len() + 64);
        text.push_str(&self.prefix);
        for byte in key.as_bytes() {
            text.push(char::from(HEX[usize::from(byte >> 4)]));
            text.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        text
    }

    /// A one-key reservation as one bare command, `SET key token NX PX lease GET`: it
    /// sets the key only when absent and answers what it held, which is the reserve
    /// script's whole work for one key (a copy's keys are learned only with several),
    /// without running Lua. `None` when the server refuses the command (Redis before 7.0
    /// does not allow `NX` with `GET`): the script is used from then on.
    async fn reserve_one(
        &self,
        key: &ReplayKey,
        token: &ReservationToken,
        lease: Duration,
    ) -> Option<Result<Reservation, StoreError>> {
        let mut connection = self.connection.clone();
        let held: Result<Option<String>, _> = redis::cmd("SET")
            .arg(self.key(key))
            .arg(token.as_str())
            .arg("NX")
            .arg("PX")
            .arg(millis(lease))
            .arg("GET")
            .query_async(&mut connection)
            .await;
        match held {
            Ok(None) => Some(Ok(Reservation::Reserved(token.clone()))),
            Ok(Some(held)) if held.as_str() == COMPLETED => {
                Some(Ok(Reservation::Completed { matched: 0 }))
            }
            Ok(Some(_)) => Some(Ok(Reservation::InFlight { matched: 0 })),
            // The server's own refusal of the command: `ERR syntax error` before 7.0.
            Err(error) if error.code() == Some("ERR") => {
                self.set_get.store(false, Ordering::Relaxed);
                None
            }
            Err(error) => Some(Err(store_error(error))),
        }
    }

    /// A completion as bare commands, `SET key done PX retention GET` for each key (one
    /// round trip, no Lua): the delivery was handled, so every key is written completed,
    /// and what a key held says whether another copy's reservation was overwritten.
    /// `None` when the server refuses the command (before Redis 6.2): the script is used
    /// from then on.
    async fn complete_bare(
        &self,
        keys: &[ReplayKey],
        token: &ReservationToken,
        retention: Duration,
    ) -> Option<Result<Completion, StoreError>> {
        let mut connection = self.connection.clone();
        let mut pipe = redis::pipe();
        // Several keys in one MULTI/EXEC, as the script wrote them at once.
        if keys.len() > 1 {
            pipe.atomic();
        }
        for key in keys {
            pipe.cmd("SET")
                .arg(self.key(key))
                .arg(COMPLETED)
                .arg("PX")
                .arg(millis(retention))
                .arg("GET");
        }
        let held: Result<Vec<Option<String>>, _> = pipe.query_async(&mut connection).await;
        match held {
            Ok(held) => {
                let contended = held
                    .iter()
                    .flatten()
                    .any(|held| held != COMPLETED && held != token.as_str());
                Some(Ok(if contended {
                    Completion::Contended
                } else {
                    Completion::Recorded
                }))
            }
            // The server's own refusal of the command: `ERR syntax error` before 6.2.
            Err(error) if error.code() == Some("ERR") => {
                self.set_get.store(false, Ordering::Relaxed);
                None
            }
            Err(error) => Some(Err(store_error(error))),
        }
    }

    fn invocation<'s>(
        &self,
        script: &'s redis::Script,
        keys: &[ReplayKey],
    ) -> redis::ScriptInvocation<'s> {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(self.key(key));
        }
        invocation
    }

    fn token(&self) -> ReservationToken {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        ReservationToken::new(format!("t:{:016x}:{n:x}", self.instance))
    }
}

/// A random value per process, mixed with its id and start time: two instances never
/// produce the same token.
fn instance_id() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    hasher.write_u128(nanos);
    hasher.finish()
}

/// Milliseconds for `PX`, clamped to ten years: Redis refuses an expiry it cannot add to
/// its clock, and that error must never switch protection off.
fn millis(duration: Duration) -> u64 {
    u64::try_from(super::clamp(duration).as_millis()).unwrap_or(1)
}

fn store_error(error: redis::RedisError) -> StoreError {
    let kind = if error.is_timeout() {
        StoreErrorKind::Timeout
    } else {
        StoreErrorKind::Unavailable
    };
    StoreError::with_source(kind, "redis replay store failed", error)
}

impl RedisStoreBuilder {
    /// The prefix of every key (default `tower-webhook:`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long one connection attempt may take (default 1 s).
    pub fn connection_timeout(mut self, timeout: Duration) -> Self {
        self.connection_timeout = timeout;
        self
    }

    /// Builds the store. It connects lazily: if Redis is not up yet, requests get `503`
    /// until it is.
    pub fn build(self) -> Result<RedisStore, StoreError> {
        let client = redis::Client::open(self.url.as_str()).map_err(|e| {
            StoreError::with_source(StoreErrorKind::Configuration, "invalid redis URL", e)
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connection_timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_lazy_with_config(client, config).map_err(|e| {
            StoreError::with_source(
                StoreErrorKind::Unavailable,
                "cannot create the redis connection",
                e,
            )
        })?;
        Ok(RedisStore::from_connection(connection, self.prefix))
    }
}

impl ReplayStore for RedisStore {
    fn reserve<'a>(
        &'a self,
        set: KeySet<'a>,
        lease: Duration,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(async move {
            let token = self.token();
            let keys = set.keys();
            if let [key] = keys {
                if self.set_get.load(Ordering::Relaxed) {
                    if let Some(answer) = self.reserve_one(key, &token, lease).await {
                        return answer;
                    }
                }
            }
            let mut connection = self.connection.clone();
            let (answer, matched): (String, usize) = self
                .invocation(&scripts().reserve, keys)
                .arg(token.as_str())
                .arg(millis(lease))
                .arg(millis(retention))
                .arg(COMPLETED)
                .arg(if set.is_claim(0) { "1" } else { "0" })
                .arg(if set.learns_from_claim() { "1" } else { "0" })
                .invoke_async(&mut connection)
                .await
                .map_err(store_error)?;
            match answer.as_str() {
                "reserved" => Ok(Reservation::Reserved(token)),
                "completed" => Ok(Reservation::Completed { matched }),
                "in_flight" => Ok(Reservation::InFlight { matched }),
                _ => Err(StoreError::new(
                    StoreErrorKind::Unavailable,
                    "unexpected answer from the redis script",
                )),
            }
        })
    }

    fn extend<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        lease: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let held: i64 = self
                .invocation(&scripts().extend, keys)
                .arg(token.as_str())
                .arg(millis(lease))
                .invoke_async(&mut connection)
                .await
                .map_err(store_error)?;
            Ok(held == 1)
        })
    }

    fn complete<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Completion, StoreError>> {
        Box::pin(async move {
            if self.set_get.load(Ordering::Relaxed) {
                if let Some(answer) = self.complete_bare(keys, token, retention).await {
                    return answer;
                }
            }
            let mut connection = self.connection.clone();
            let contended: i64 = self
                .invocation(&scripts().complete, keys)
                .arg(token.as_str())
                .arg(millis(retention))
                .arg(COMPLETED)
                .invoke_async(&mut connection)
                .await
                .map_err(store_error)?;
            Ok(if contended == 1 {
                Completion::Contended
            } else {
                Completion::Recorded
            })
        })
    }

    fn release<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _: i64 = self
                .invocation(&scripts().release, keys)
                .arg(token.as_str())
                .invoke_async(&mut connection)
                .await
                .map_err(store_error)?;
            Ok(())
        })
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL (and its password) is never shown.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("prefix", &self.prefix)
            .field("connection_timeout", &self.connection_timeout)
            .finish_non_exhaustive()
    }
}
