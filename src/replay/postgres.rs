//! The PostgreSQL replay store: one store shared by every instance of a service, like the
//! Redis store, for deployments that run PostgreSQL and no Redis.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Row, Transaction};

use super::{
    BoxFuture, Completion, ReplayKey, ReplayStore, Reservation, ReservationToken, StoreError,
};

/// The holder of a completed key. Tokens always start with `t:`, so the two never collide.
const COMPLETED: &str = "done";

/// The database's clock in milliseconds since the Unix epoch: every instance measures
/// leases and retention on the same clock, as with Redis.
const NOW: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// The first half of the advisory locks taken on keys (`tw` `rp` in ASCII); the second is
/// 32 bits of the key's digest. The two-number form never meets the one-number form
/// applications use.
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
/// Every operation is one transaction over all of a delivery's keys. Reserve and complete
/// first take a transaction-level advisory lock on each key (in a fixed order, so two
/// never deadlock): concurrent calls sharing a key are serialised even while the key has
/// no row yet, which is what makes exactly one of many concurrent reservations win. A row
/// is a key, its holder (a reservation's token, or `done`) and its expiry on the
/// database's clock; an expired row counts as absent, and rows are swept now and then
/// (every 1,024 reservations of a store, and by [`sweep`](Self::sweep)).
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
    StoreError::with_source("postgres replay store failed", error)
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
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::with_source("invalid PostgreSQL URL", e))?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::with_source("PostgreSQL could not be reached", e))?;
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

    /// Begins a transaction holding the advisory lock of every key, taken in order.
    async fn locked(&self, keys: &[Vec<u8>]) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut locks: Vec<i32> = keys
            .iter()
            .map(|key| {
                let mut four = [0u8; 4];
                four.copy_from_slice(key.get(..4).unwrap_or(&[0; 4]));
                i32::from_be_bytes(four)
            })
            .collect();
        locks.sort_unstable();
        locks.dedup();
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        for lock in locks {
            sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
                .bind(LOCK_CLASS)
                .bind(lock)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        Ok(tx)
    }

    /// The live (unexpired) holders of `keys`.
    async fn holders(
        tx: &mut Transaction<'static, Postgres>,
        keys: &[Vec<u8>],
    ) -> Result<Vec<(Vec<u8>, String)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT replay_key, holder FROM webhook_replay
             WHERE replay_key = ANY($1) AND expires_at > {NOW}"
        ))
        .bind(keys)
        .fetch_all(&mut **tx)
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(store_error)
    }

    /// Sets `keys` to `holder` until now + `ms`, replacing whatever (expired) row is there.
    async fn set(
        tx: &mut Transaction<'static, Postgres>,
        keys: &[Vec<u8>],
        holder: &str,
        ms: i64,
    ) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        sqlx::query(&format!(
            "INSERT INTO webhook_replay (replay_key, holder, expires_at)
             SELECT key, $2, {NOW} + $3 FROM unnest($1::bytea[]) AS key
             ON CONFLICT (replay_key) DO UPDATE
             SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at"
        ))
        .bind(keys)
        .bind(holder)
        .bind(ms)
        .execute(&mut **tx)
        .await
        .map_err(store_error)?;
        Ok(())
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
        keys: &'a [ReplayKey],
        lease: Duration,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(async move {
            let (token, n) = self.token();
            let unique = distinct(keys);
            let mut tx = self.locked(&unique).await?;
            let held = Self::holders(&mut tx, &unique).await?;
            let holder = |key: &ReplayKey| {
                held.iter()
                    .find(|(k, _)| k.as_slice() == key.as_bytes())
                    .map(|(_, holder)| holder.as_str())
            };
            let completed = keys.iter().position(|k| holder(k) == Some(COMPLETED));
            let in_flight = keys.iter().position(|k| holder(k).is_some());
            let answer = match (completed, in_flight) {
                (None, None) => {
                    Self::set(&mut tx, &unique, token.as_str(), millis(lease)).await?;
                    Reservation::Reserved(token)
                }
                (completed, in_flight) => {
                    // The unknown keys after the first (which may be an id the sender
                    // chose) are remembered as completed.
                    let unknown: Vec<Vec<u8>> = distinct(keys.get(1..).unwrap_or(&[]))
                        .into_iter()
                        .filter(|k| !held.iter().any(|(h, _)| h == k))
                        .filter(|k| keys.first().is_none_or(|first| first.as_bytes() != &k[..]))
                        .collect();
                    Self::set(&mut tx, &unknown, COMPLETED, millis(retention)).await?;
                    match completed {
                        Some(matched) => Reservation::Completed { matched },
                        None => Reservation::InFlight {
                            matched: in_flight.unwrap_or(0),
                        },
                    }
                }
            };
            tx.commit().await.map_err(store_error)?;
            if n % SWEEP_EVERY == SWEEP_EVERY - 1 {
                if let Err(error) = self.sweep().await {
                    tracing::warn!(error = %error, "postgres replay store: sweep failed");
                }
            }
            Ok(answer)
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
            let unique = distinct(keys);
            let mut tx = self.locked(&unique).await?;
            let held = Self::holders(&mut tx, &unique).await?;
            // Held by another live reservation: left to it.
            let contended: Vec<&Vec<u8>> = held
                .iter()
                .filter(|(_, holder)| holder != token.as_str() && holder != COMPLETED)
                .map(|(key, _)| key)
                .collect();
            let writable: Vec<Vec<u8>> = unique
                .iter()
                .filter(|key| !contended.contains(key))
                .cloned()
                .collect();
            Self::set(&mut tx, &writable, COMPLETED, millis(retention)).await?;
            tx.commit().await.map_err(store_error)?;
            Ok(if contended.is_empty() {
                Completion::Recorded
            } else {
                Completion::Contended
            })
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
