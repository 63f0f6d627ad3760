//! The PostgreSQL replay store: one store shared by every instance of a service, like the
//! Redis store, for deployments that run PostgreSQL and no Redis.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::Row;

use super::{
    BoxFuture, Completion, KeySet, ReplayKey, ReplayStore, Reservation, ReservationToken,
    StoreError, StoreErrorKind,
};

/// The holder of a completed key. Tokens always start with `t:`, so the two never collide.
const COMPLETED: &str = "done";

/// The database's clock in milliseconds since the Unix epoch: every instance measures
/// leases and retention on the same clock, as with Redis.
const NOW: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// The advisory lock taken while the schema is created (`tw` `rp` in ASCII, and 0): the
/// two-number form never meets the one-number form applications use.
const LOCK_CLASS: i32 = 0x7477_7270;

/// The schema, applied by [`PostgresStore::connect`]: idempotent.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS webhook_replay (
    replay_key BYTEA  PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_replay_expires ON webhook_replay (expires_at);
";

/// How many reservations pass between two sweeps of expired rows, per store.
const SWEEP_EVERY: u64 = 1024;

/// A replay store in PostgreSQL (feature `postgres`), for several instances behind a load
/// balancer, without Redis. Its table (`webhook_replay`) may live in the inbox's
/// database.
///
/// Every operation is one statement, so one round trip in the common case: a
/// reservation claims each key that has no row (or only an expired one) with a
/// conditional upsert, the keys of signed content first and the first key (which may be
/// an id the sender chose) only if all of them were claimed, so exactly one of many
/// concurrent reservations gets every key and a replay never writes the id it carries. A
/// duplicate takes a second statement, which records the new keys it claimed as completed
/// and reads who holds the others. Reservations and completions lock rows in one order
/// (the keys after the first ascending, then the first), so they never deadlock each
/// other; an `extend`, `release` or sweep racing a copy of a delivery whose lease already
/// ran out can, and PostgreSQL then fails one statement (a `503` the provider retries, or
/// a heartbeat or completion retried). A row is a key, its holder (a reservation's token, or `done`) and its expiry
/// on the database's clock; an expired row counts as absent, and rows are swept now and
/// then (every 1,024 reservations of a store, and by [`sweep`](Self::sweep)).
///
/// Every instance sharing the table must run this version or a later one: earlier ones
/// serialised on advisory locks and overwrote rows they had read as absent.
///
/// While PostgreSQL is unreachable the layer answers `503` (after at most its store
/// timeout); the pool reconnects on its own once it is back.
///
/// ```no_run
/// use tower_webhook::replay::PostgresStore;
/// use tower_webhook::{providers, Verifier, WebhookLayer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = PostgresStore::connect("postgres://webhooks:secret@db.internal/webhooks").await?;
/// let verifier = Verifier::new(providers::stripe(), "whsec_...")?;
/// let layer = WebhookLayer::new(verifier).replay_store(store);
/// # let _ = layer;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// Makes tokens unique across processes and restarts.
    instance: u64,
}

fn store_error(error: sqlx::Error) -> StoreError {
    let kind = match error {
        sqlx::Error::PoolTimedOut => StoreErrorKind::Timeout,
        _ => StoreErrorKind::Unavailable,
    };
    StoreError::with_source(kind, "postgres replay store failed", error)
}

/// Milliseconds, clamped as every store clamps them.
fn millis(duration: Duration) -> i64 {
    i64::try_from(super::clamp(duration).as_millis()).unwrap_or(i64::MAX)
}

/// The keys without repeats, in their order (an upsert may not touch a row twice).
fn distinct(keys: &[ReplayKey]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
    for key in keys {
        let bytes = key.as_bytes().to_vec();
        if !out.contains(&bytes) {
            out.push(bytes);
        }
    }
    out
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and creates the
    /// store's table if it is missing (idempotent, under an advisory lock, so instances
    /// starting together are safe).
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let options: PgConnectOptions = url.parse().map_err(|e| {
            StoreError::with_source(StoreErrorKind::Configuration, "invalid PostgreSQL URL", e)
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|e| {
                StoreError::with_source(
                    StoreErrorKind::Unavailable,
                    "PostgreSQL could not be reached",
                    e,
                )
            })?;
        let store = PostgresStore {
            pool,
            instance: instance_id(),
        };
        let mut tx = store.pool.begin().await.map_err(store_error)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, 0)")
            .bind(LOCK_CLASS)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        sqlx::raw_sql(SCHEMA)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(store)
    }

    /// Deletes the expired rows now; returns how many. The store also does it on its own
    /// every 1,024 reservations.
    pub async fn sweep(&self) -> Result<u64, StoreError> {
        let deleted = sqlx::query(&format!(
            "DELETE FROM webhook_replay WHERE expires_at <= {NOW}"
        ))
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(deleted.rows_affected())
    }

    fn token(&self) -> (ReservationToken, u64) {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        (
            ReservationToken::new(format!("t:{:016x}:{n:x}", self.instance)),
            n,
        )
    }

    /// Claims every key for `token` until now + `ms`, in one statement: the keys after the
    /// first (signed content) in ascending order, then the first key (which may be an id
    /// the sender chose) only if every other key was claimed. A key is claimed when it
    /// has no row or only an expired one; returns the keys claimed.
    async fn claim(
        &self,
        first: &[u8],
        rest: &[Vec<u8>],
        token: &str,
        ms: i64,
    ) -> Result<Vec<Vec<u8>>, StoreError> {
        sqlx::query_scalar(&format!(
            "WITH rest AS (
                 INSERT INTO webhook_replay (replay_key, holder, expires_at)
                 SELECT key, $3, {NOW} + $4 FROM unnest($2::bytea[]) AS key
                 ON CONFLICT (replay_key) DO UPDATE
                 SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                 WHERE webhook_replay.expires_at <= {NOW}
                 RETURNING replay_key
             ), first AS (
                 INSERT INTO webhook_replay (replay_key, holder, expires_at)
                 SELECT $1, $3, {NOW} + $4
                 WHERE (SELECT count(*) FROM rest) = cardinality($2::bytea[])
                 ON CONFLICT (replay_key) DO UPDATE
                 SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                 WHERE webhook_replay.expires_at <= {NOW}
                 RETURNING replay_key
             )
             SELECT replay_key FROM rest UNION ALL SELECT replay_key FROM first"
        ))
        .bind(first)
        .bind(rest)
        .bind(token)
        .bind(ms)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)
    }

    /// After a claim that did not get every key: settles the keys it did claim (all after
    /// the first) and returns the live holders of the others. The claimed keys are
    /// recorded as completed when a key found completed proves the content known
    /// ([`KeySet::to_learn`]: a content key, or the claim where retries are signed anew),
    /// and deleted otherwise, so a copy answered on the strength of its claim alone, or of
    /// a delivery only in flight, leaves no mark on keys the genuine delivery shares.
    async fn settle_duplicate(
        &self,
        claimed: &[Vec<u8>],
        others: &[Vec<u8>],
        set: KeySet<'_>,
        token: &str,
        retention: i64,
    ) -> Result<Vec<(Vec<u8>, String)>, StoreError> {
        let claim = set
            .keys()
            .first()
            .filter(|_| set.is_claim(0))
            .map(|key| key.as_bytes().to_vec());
        // Without a claim the first key is content too, never claimed by a duplicate (it
        // is claimed last): written completed here when the others teach it.
        let first_content = set
            .keys()
            .first()
            .filter(|_| !set.is_claim(0))
            .map(|key| key.as_bytes().to_vec())
            .filter(|first| !claimed.contains(first));
        let rows = sqlx::query(&format!(
            "WITH held AS (
                 SELECT replay_key, holder FROM webhook_replay
                 WHERE replay_key = ANY($1) AND expires_at > {NOW}
             ), learn AS (
                 SELECT EXISTS (
                     SELECT 1 FROM held WHERE holder = '{COMPLETED}'
                     AND ($5::bytea IS NULL OR replay_key <> $5::bytea)
                 ) OR ($6 AND EXISTS (
                     SELECT 1 FROM held WHERE holder = '{COMPLETED}' AND replay_key = $5::bytea
                 )) AS yes
             ), done AS (
                 UPDATE webhook_replay SET holder = '{COMPLETED}', expires_at = {NOW} + $4
                 WHERE replay_key = ANY($2) AND holder = $3 AND (SELECT yes FROM learn)
             ), undone AS (
                 DELETE FROM webhook_replay
                 WHERE replay_key = ANY($2) AND holder = $3 AND NOT (SELECT yes FROM learn)
             ), first_done AS (
                 INSERT INTO webhook_replay (replay_key, holder, expires_at)
                 SELECT $7::bytea, '{COMPLETED}', {NOW} + $4
                 WHERE $7::bytea IS NOT NULL AND (SELECT yes FROM learn)
                 ON CONFLICT (replay_key) DO UPDATE
                 SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                 WHERE webhook_replay.expires_at <= {NOW}
             )
             SELECT replay_key, holder FROM held"
        ))
        .bind(others)
        .bind(claimed)
        .bind(token)
        .bind(retention)
        .bind(claim)
        .bind(set.learns_from_claim())
        .bind(first_content)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(store_error)
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

impl ReplayStore for PostgresStore {
    fn reserve<'a>(
        &'a self,
        set: KeySet<'a>,
        lease: Duration,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(async move {
            let keys = set.keys();
            let (token, n) = self.token();
            let Some(first) = keys.first() else {
                return Ok(Reservation::Reserved(token));
            };
            let first = first.as_bytes();
            let mut rest = distinct(keys.get(1..).unwrap_or(&[]));
            rest.retain(|key| key.as_slice() != first);
            // One order for every statement's row locks, so two never deadlock.
            rest.sort_unstable();
            let claimed = self
                .claim(first, &rest, token.as_str(), millis(lease))
                .await?;
            if n % SWEEP_EVERY == SWEEP_EVERY - 1 {
                if let Err(error) = self.sweep().await {
                    tracing::warn!(error = %error, "postgres replay store: sweep failed");
                }
            }
            let is_claimed = |key: &[u8]| claimed.iter().any(|c| c.as_slice() == key);
            if is_claimed(first) {
                // The first key is claimed only once every other key was.
                return Ok(Reservation::Reserved(token));
            }
            // A duplicate: the keys claimed (signed content, new) are remembered as
            // completed or let go (`settle_duplicate`); the first key was never written.
            let others: Vec<Vec<u8>> = std::iter::once(first.to_vec())
                .chain(rest.iter().filter(|key| !is_claimed(key)).cloned())
                .collect();
            let held = match self
                .settle_duplicate(&claimed, &others, set, token.as_str(), millis(retention))
                .await
            {
                Ok(held) => held,
                Err(error) => {
                    // Known to be a duplicate already (the claim was refused): say so,
                    // rather than an error a fail-open policy would run the handler on.
                    // The keys claimed stay held until their lease runs out.
                    tracing::warn!(error = %error, "postgres replay store: a duplicate's keys could not be settled");
                    return Ok(Reservation::InFlight { matched: 0 });
                }
            };
            let holder = |key: &ReplayKey| {
                held.iter()
                    .find(|(k, _)| k.as_slice() == key.as_bytes())
                    .map(|(_, holder)| holder.as_str())
            };
            let completed = keys.iter().position(|key| holder(key) == Some(COMPLETED));
            let in_flight = keys.iter().position(|key| holder(key).is_some());
            Ok(match (completed, in_flight) {
                (Some(matched), _) => Reservation::Completed { matched },
                (None, Some(matched)) => Reservation::InFlight { matched },
                // Whatever refused the claim has ended since: still a copy in flight. Which
                // key it held is unknown, so the answer names the first (not "the same
                // content under another id").
                (None, None) => Reservation::InFlight { matched: 0 },
            })
        })
    }

    fn extend<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        lease: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let extended = sqlx::query(&format!(
                "UPDATE webhook_replay SET expires_at = {NOW} + $3
                 WHERE replay_key = ANY($1) AND holder = $2 AND expires_at > {NOW}"
            ))
            .bind(distinct(keys))
            .bind(token.as_str())
            .bind(millis(lease))
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
            Ok(extended.rows_affected() > 0)
        })
    }

    fn complete<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Completion, StoreError>> {
        Box::pin(async move {
            // Rows locked in the order a reservation locks them: the keys after the first
            // ascending, then the first.
            let mut unique = distinct(keys.get(1..).unwrap_or(&[]));
            if let Some(first) = keys.first() {
                unique.retain(|key| key.as_slice() != first.as_bytes());
                unique.sort_unstable();
                unique.push(first.as_bytes().to_vec());
            }
            // Written when absent, expired, already completed or held by this token: the
            // common case, in one statement.
            let upsert = |retention: &str, condition: &str| {
                format!(
                    "INSERT INTO webhook_replay (replay_key, holder, expires_at)
                     SELECT key, '{COMPLETED}', {NOW} + {retention}
                     FROM unnest($1::bytea[]) AS key
                     ON CONFLICT (replay_key) DO UPDATE
                     SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                     {condition}
                     RETURNING replay_key"
                )
            };
            let written: Vec<Vec<u8>> = sqlx::query_scalar(&upsert(
                "$3",
                &format!(
                    "WHERE webhook_replay.holder IN ($2, '{COMPLETED}')
                        OR webhook_replay.expires_at <= {NOW}"
                ),
            ))
            .bind(&unique)
            .bind(token.as_str())
            .bind(millis(retention))
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
            if written.len() == unique.len() {
                return Ok(Completion::Recorded);
            }
            // Some key is held by another live reservation (a copy that took it after this
            // one's lease ran out): the delivery was handled, so it is written completed
            // all the same, in the same order. Between the two statements that copy may
            // release the key and a third take it, for one round trip: the third is
            // overwritten too (the old rule left every contending copy the key for good).
            sqlx::query(&upsert("$2", ""))
                .bind(&unique)
                .bind(millis(retention))
                .execute(&self.pool)
                .await
                .map_err(store_error)?;
            Ok(Completion::Contended)
        })
    }

    fn release<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM webhook_replay WHERE replay_key = ANY($1) AND holder = $2")
                .bind(distinct(keys))
                .bind(token.as_str())
                .execute(&self.pool)
                .await
                .map_err(store_error)?;
            Ok(())
        })
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL (and its password) is never shown.
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}
