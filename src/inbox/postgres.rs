//! The inbox on PostgreSQL, for several instances sharing one inbox: its migrations and
//! every statement.
//!
//! Workers claim with `FOR UPDATE SKIP LOCKED`: of several workers (in one process or
//! many) looking for a due delivery at once, each locks a different row or none, and the
//! claim sets a lease token in the same statement, so a delivery is never held by two
//! workers. Migrations run under a transaction-level advisory lock, so instances starting
//! together apply them once.

use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::Postgres;
use sqlx::Row;

use super::fair;
use super::read::{self, failed};
use super::{
    to_ms, Accepted, AtRestKeys, Claimed, DeliveryDetails, DeliveryRecord, DeliveryState, Finished,
    InboxError, InboxId, InboxStats, ListFilter, StoredKeys, StoredRequest,
};
use crate::Delivery;

/// The schema's migrations, in order: each runs once, under the advisory lock, recorded in
/// `webhook_inbox_migrations`.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/postgres/0001_inbox.sql")),
    (
        2,
        include_str!("migrations/postgres/0002_retained_keys.sql"),
    ),
    (
        3,
        include_str!("migrations/postgres/0003_claim_indexes.sql"),
    ),
    (4, include_str!("migrations/postgres/0004_sealed_with.sql")),
    (
        5,
        include_str!("migrations/postgres/0005_fair_and_ordered.sql"),
    ),
    (
        6,
        include_str!("migrations/postgres/0006_tally_and_read_indexes.sql"),
    ),
    (
        7,
        include_str!("migrations/postgres/0007_attempt_details.sql"),
    ),
    (
        8,
        include_str!("migrations/postgres/0008_delivery_id_index.sql"),
    ),
    (9, include_str!("migrations/postgres/0009_state_counts.sql")),
];

/// Deliveries whose worker lost its lease (it died, or its heartbeat stopped) become
/// claimable again; the claim that takes one closes its open attempt as `lease expired`.
/// Its token is cleared, so the late worker's outcome is not recorded. Rows another
/// transaction holds are skipped (a heartbeat, another worker's rescue): never a deadlock.
/// `$1`: now.
const RESCUE_EXPIRED_LEASES: &str = "UPDATE webhook_inbox
     SET state = 'retrying', lease_token = NULL
     WHERE id IN (
         SELECT id FROM webhook_inbox
         WHERE state = 'running' AND lease_until <= $1
         FOR UPDATE SKIP LOCKED)";

/// The columns a claim returns, for [`read::claimed`].
macro_rules! claimed_columns {
    () => {
        " RETURNING id, provider, source, delivery_id, id_is_fingerprint, id_signed,
             event_type, event_type_signed, signed_at, method, uri, headers, body,
             attempts, received_at, ordering_key, sealed_with, traceparent"
    };
}

/// Claims the next due delivery of every source: the first row of
/// `webhook_inbox_claimable` no other worker holds, read in index order (no sort,
/// whatever the backlog). `$1`: now, `$2`: the lease token, `$3`: the lease's end.
const CLAIM: &str = concat!(
    "UPDATE webhook_inbox
     SET state = 'running', attempts = attempts + 1, lease_token = $2, lease_until = $3
     WHERE id = (
         SELECT id FROM webhook_inbox
         WHERE state IN ('pending', 'retrying') AND scheduled_at <= $1
         ORDER BY scheduled_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED)",
    claimed_columns!()
);

/// The source to claim from next, in turn: the first source after `$1` (the source of
/// the last claim) with a delivery that may be claimed, or past the last one the first of
/// all. Each is the first entry of `webhook_inbox_claimable_by_source` after a bound: no
/// scan, however many deliveries each source has waiting. Deliveries without a source
/// are the source `''`.
const NEXT_SOURCE: &str = "SELECT coalesce(
     (SELECT coalesce(source, '') FROM webhook_inbox
      WHERE state IN ('pending', 'retrying') AND coalesce(source, '') > $1::text
      ORDER BY coalesce(source, '') LIMIT 1),
     (SELECT coalesce(source, '') FROM webhook_inbox
      WHERE state IN ('pending', 'retrying')
      ORDER BY coalesce(source, '') LIMIT 1)) AS turn";

/// Claims the next due delivery of the source `$4` no other worker holds: a range of
/// `webhook_inbox_claimable_by_source`. `$1`–`$3` as for [`CLAIM`].
const CLAIM_IN_SOURCE: &str = concat!(
    "UPDATE webhook_inbox
     SET state = 'running', attempts = attempts + 1, lease_token = $2, lease_until = $3
     WHERE id = (
         SELECT id FROM webhook_inbox
         WHERE state IN ('pending', 'retrying') AND coalesce(source, '') = $4
             AND scheduled_at <= $1
         ORDER BY coalesce(source, ''), scheduled_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED)",
    claimed_columns!()
);

/// Makes the next delivery of the ordering key `$1` pending, if it is held: the first of
/// the key not yet done, once the head before it is done or gone. Run under the key's
/// lock ([`lock_ordering_key`]).
const RELEASE_NEXT: &str = "UPDATE webhook_inbox SET state = 'pending'
     WHERE state = 'held' AND id = (
         SELECT id FROM webhook_inbox
         WHERE ordering_key = $1 AND ordering_key IS NOT NULL AND state <> 'done'
         ORDER BY ordering_key, id
         LIMIT 1)";

/// The first key of the advisory locks on ordering keys (`tw`), apart from the migrations'
/// one-key lock.
const ORDERING_LOCK: i32 = 0x7477;

/// Takes the transaction's lock on an ordering key: a write of the key, and a head's end,
/// each see what the one before committed, so a key never has two heads. Its own
/// statement: a statement's snapshot is taken before a lock it waits for inside it.
async fn lock_ordering_key(tx: &mut sqlx::PgConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(ORDERING_LOCK)
        .bind(key)
        .execute(tx)
        .await
        .map(drop)
}

/// The advisory lock migrations run under (any constant; `tw` `ib` in ASCII).
const MIGRATION_LOCK: i64 = 0x7477_6962;

/// The advisory lock a purge holds for its whole run (`tw` `pu` in ASCII), so that the
/// workers of several instances never purge at once.
const PURGE_LOCK: i64 = 0x7477_7075;

/// A purge's run on PostgreSQL: the connection holding the purge's advisory lock
/// ([`Db::start_purge`]). Dropped unfinished, the connection is closed, which releases
/// the lock.
pub(super) struct PurgeRun(PoolConnection<Postgres>);

impl PurgeRun {
    /// Releases the lock. Whatever the answer the connection is closed (it was marked
    /// so), so a failed unlock leaves no lock behind.
    pub(super) async fn finish(mut self) {
        if let Err(error) = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(PURGE_LOCK)
            .execute(&mut *self.0)
            .await
        {
            tracing::debug!(error = %error, "webhook inbox: the purge's lock could not be released; its connection is closed");
        }
    }
}

/// When the next delivery falls due: the earliest due time of a pending or retrying
/// delivery, or lease end of a running one. Each minimum is read from its index's first
/// entry, not from a scan.
const NEXT_DUE: &str = "SELECT MIN(due) FROM (
         SELECT MIN(scheduled_at) AS due FROM webhook_inbox
         WHERE state IN ('pending', 'retrying')
         UNION ALL
         SELECT MIN(lease_until) AS due FROM webhook_inbox WHERE state = 'running'
     ) AS due_times";

/// How many connections one [`Inbox`](super::Inbox) keeps to the server.
const POOL_SIZE: u32 = 10;

/// How long a statement may wait for a connection from the pool.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// How many deltas one fold of the state counts takes before it vacuums the tally.
const VACUUM_AFTER_FOLDING: i64 = 10_000;

#[derive(Clone)]
pub(super) struct Db {
    pool: PgPool,
}

impl Db {
    pub(super) async fn open(url: &str) -> Result<Db, InboxError> {
        let db = Db::connect(url, false).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Opens the inbox to read it only: no migration, and every transaction read-only
    /// (`default_transaction_read_only`), so a write is refused by the server.
    pub(super) async fn open_read_only(url: &str) -> Result<Db, InboxError> {
        Db::connect(url, true).await
    }

    async fn connect(url: &str, read_only: bool) -> Result<Db, InboxError> {
        // The URL's error never shows the URL (it may hold a password).
        let mut options: PgConnectOptions = url
            .parse()
            .map_err(failed("the PostgreSQL URL is not valid"))?;
        if read_only {
            options = options.options([("default_transaction_read_only", "on")]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(failed("the inbox database could not be reached"))?;
        Ok(Db { pool })
    }

    async fn migrate(&self) -> Result<(), InboxError> {
        let what = "inbox migration";
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        // Instances starting together wait here for each other: `CREATE … IF NOT EXISTS`
        // alone races in PostgreSQL (two creators collide on the catalog).
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(failed(what))?;
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS webhook_inbox_migrations (
                version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        for (version, sql) in MIGRATIONS {
            let applied = sqlx::query("SELECT 1 FROM webhook_inbox_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await
                .map_err(failed(what))?;
            if applied.is_some() {
                continue;
            }
            sqlx::raw_sql(sql)
                .execute(&mut *tx)
                .await
                .map_err(failed(what))?;
            sqlx::query(
                "INSERT INTO webhook_inbox_migrations (version, applied_at) VALUES ($1, $2)",
            )
            .bind(version)
            .bind(super::now_ms())
            .execute(&mut *tx)
            .await
            .map_err(failed(what))?;
        }
        tx.commit().await.map_err(failed(what))
    }

    pub(super) async fn insert(
        &self,
        parts: &http::request::Parts,
        delivery: &Delivery,
        stored: StoredRequest,
        ordering_key: Option<String>,
        now: i64,
    ) -> Result<Accepted, InboxError> {
        let what = "the delivery could not be written to the inbox";
        let stored_keys = StoredKeys::of(delivery);
        let keys = stored_keys.bytes();
        let key_count = i64::try_from(keys.len()).unwrap_or(i64::MAX);
        // One statement, one round trip, atomic: the keys are inserted first under an id
        // drawn from the table's sequence, and the delivery only if every key was new. A
        // concurrent copy's insert of the same key waits for this statement's commit,
        // then finds the key (a duplicate). When only some keys were new, the delivery row
        // is not written and their rows fail the foreign key at the end of the statement,
        // which undoes the whole statement: a duplicate too. A key retained after its
        // delivery was purged (still inside the replay window) makes it a duplicate too.
        // An ordered delivery waits (held) while its key has one not yet done.
        let insert = sqlx::query(
            "WITH new AS (
                 SELECT nextval(pg_get_serial_sequence('webhook_inbox', 'id')) AS id
             ), retained AS (
                 SELECT 1 FROM webhook_inbox_retained_keys
                 WHERE replay_key = ANY($14::bytea[]) AND expires_at > $13
                 LIMIT 1
             ), keys AS (
                 INSERT INTO webhook_inbox_keys (replay_key, delivery)
                 SELECT key, new.id FROM new, unnest($14::bytea[]) AS key
                 WHERE NOT EXISTS (SELECT 1 FROM retained)
                 ON CONFLICT (replay_key) DO NOTHING
                 RETURNING delivery
             ), delivery AS (
                 INSERT INTO webhook_inbox (id, provider, source, delivery_id,
                     id_is_fingerprint, id_signed, event_type, event_type_signed, signed_at,
                     method, uri, headers, body, state, attempts, received_at, scheduled_at,
                     ordering_key, sealed_with, traceparent)
                 SELECT new.id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                     CASE WHEN $16::text IS NOT NULL AND EXISTS (
                         SELECT 1 FROM webhook_inbox
                         WHERE ordering_key = $16 AND ordering_key IS NOT NULL
                             AND state <> 'done')
                     THEN 'held' ELSE 'pending' END,
                     0, $13, $13, $16, $17, $18
                 FROM new
                 WHERE (SELECT COUNT(*) FROM keys) = $15
                 RETURNING id
             )
             SELECT (SELECT id FROM delivery)",
        )
        .bind(delivery.provider())
        .bind(delivery.source())
        .bind(delivery.id())
        .bind(delivery.id_is_fingerprint())
        .bind(delivery.id_is_signed())
        .bind(delivery.event_type())
        .bind(delivery.event_type_is_signed())
        .bind(delivery.timestamp().map(to_ms))
        .bind(parts.method.as_str())
        .bind(stored.uri)
        .bind(stored.headers)
        .bind(stored.body.as_ref())
        .bind(now)
        .bind(&keys)
        .bind(key_count)
        .bind(ordering_key.as_deref())
        .bind(stored.sealed_with.as_deref())
        .bind(stored.traceparent.as_deref());
        let inserted = match &ordering_key {
            None => insert.fetch_one(&self.pool).await,
            // An ordered delivery is written under its key's lock, so that it sees the
            // key's head committed by another instance a moment ago.
            Some(key) => {
                async {
                    let mut tx = self.pool.begin().await?;
                    lock_ordering_key(&mut tx, key).await?;
                    let row = insert.fetch_one(&mut *tx).await?;
                    tx.commit().await?;
                    Ok(row)
                }
                .await
            }
        }
        .and_then(|row| row.try_get::<Option<i64>, _>(0));
        match inserted {
            Ok(Some(id)) => Ok(Accepted::New(InboxId(id))),
            Ok(None) => Ok(self.duplicate(&stored_keys, now).await),
            // foreign_key_violation: some keys were new, others known.
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("23503") => {
                Ok(self.duplicate(&stored_keys, now).await)
            }
            Err(error) => Err(InboxError::sql(what, error)),
        }
    }

    /// A delivery found to be a duplicate: which of its keys the inbox holds, and the
    /// other keys that proves ([`StoredKeys::to_learn`]) written for the same holder. Two
    /// more statements, for duplicates only. A failure here still answers "duplicate"
    /// (the insert already found a key): only the learning is lost, and logged.
    async fn duplicate(&self, stored: &StoredKeys, now: i64) -> Accepted {
        match self.learn(stored, now).await {
            Ok(matched) => Accepted::Duplicate { matched },
            Err(error) => {
                tracing::warn!(error = %error, "postgres inbox: a duplicate's keys could not be settled");
                Accepted::Duplicate { matched: 0 }
            }
        }
    }

    async fn learn(&self, stored: &StoredKeys, now: i64) -> Result<usize, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT u.idx, k.delivery, r.expires_at
             FROM unnest($1::bytea[]) WITH ORDINALITY AS u(key, idx)
             LEFT JOIN webhook_inbox_keys k ON k.replay_key = u.key
             LEFT JOIN webhook_inbox_retained_keys r
                 ON r.replay_key = u.key AND r.expires_at > $2
             WHERE k.replay_key IS NOT NULL OR r.replay_key IS NOT NULL
             ORDER BY u.idx",
        )
        .bind(stored.bytes())
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::with_capacity(rows.len());
        let mut holder = None;
        for row in &rows {
            let index: i64 = row.try_get(0)?;
            // Ordinality counts from 1.
            found.push(usize::try_from(index.saturating_sub(1)).unwrap_or(usize::MAX));
            let delivery: Option<i64> = row.try_get(1)?;
            let expires_at: Option<i64> = row.try_get(2)?;
            holder = holder.or(delivery.map(Ok)).or(expires_at.map(Err));
        }
        let Some(&matched) = found.first() else {
            // Whatever made it a duplicate is gone since (forgotten, purged past its
            // window): still a duplicate of that moment.
            return Ok(0);
        };
        let learned: Vec<Vec<u8>> = stored
            .to_learn(&found)
            .iter()
            .map(|key| key.as_bytes().to_vec())
            .collect();
        match holder {
            Some(Ok(delivery)) if !learned.is_empty() => {
                sqlx::query(
                    "INSERT INTO webhook_inbox_keys (replay_key, delivery)
                     SELECT key, $2 FROM unnest($1::bytea[]) AS key
                     ON CONFLICT (replay_key) DO NOTHING",
                )
                .bind(&learned)
                .bind(delivery)
                .execute(&self.pool)
                .await?;
            }
            Some(Err(expires_at)) if !learned.is_empty() => {
                sqlx::query(
                    "INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
                     SELECT key, $2 FROM unnest($1::bytea[]) AS key
                     ON CONFLICT (replay_key) DO UPDATE SET expires_at =
                         GREATEST(webhook_inbox_retained_keys.expires_at, EXCLUDED.expires_at)",
                )
                .bind(&learned)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
            }
            _ => {}
        }
        Ok(matched)
    }

    /// Claims the next due delivery, taking the sources in turn after `after` (the source
    /// of the last claim, see [`super::Inbox::claim`]): pending, retrying and due, or
    /// running under an expired lease. `SKIP LOCKED`: a row another worker is claiming
    /// right now is passed over, and the `WHERE` is checked again on the row as it is once
    /// locked, so two workers never claim one delivery.
    pub(super) async fn claim(
        &self,
        token: &str,
        lease: Duration,
        now: i64,
        after: Option<&str>,
    ) -> Result<(Option<Claimed>, Option<String>), InboxError> {
        let what = "a delivery could not be claimed";
        let until = now.saturating_add(super::duration_ms(lease));
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        sqlx::query(RESCUE_EXPIRED_LEASES)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(failed(what))?;
        let (row, turn) = fair::claim(
            &mut tx,
            &fair::Statements {
                next_source: NEXT_SOURCE,
                in_source: CLAIM_IN_SOURCE,
                any: CLAIM,
            },
            (now, token, until),
            after,
        )
        .await?;
        let Some(row) = row else {
            tx.rollback().await.map_err(failed(what))?;
            return Ok((None, turn));
        };
        let id: i64 = row.try_get("id").map_err(failed(what))?;
        let attempt: i64 = row.try_get("attempts").map_err(failed(what))?;
        // An attempt still open was cut short: its worker died or lost its lease.
        sqlx::query(
            "UPDATE webhook_inbox_attempts SET finished_at = $1, error = 'lease expired'
             WHERE delivery = $2 AND finished_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        sqlx::query(
            "INSERT INTO webhook_inbox_attempts (delivery, attempt, started_at)
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(attempt)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        let keys = sqlx::query("SELECT replay_key FROM webhook_inbox_keys WHERE delivery = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(failed(what))?;
        tx.commit().await.map_err(failed(what))?;
        read::claimed(&row, &keys, id, attempt, what).map(|claimed| (Some(claimed), turn))
    }

    /// Extends a lease this worker still holds; `false` if it lost it.
    pub(super) async fn extend(
        &self,
        id: InboxId,
        token: &str,
        until: i64,
    ) -> Result<bool, InboxError> {
        let done = sqlx::query(
            "UPDATE webhook_inbox SET lease_until = $1
             WHERE id = $2 AND lease_token = $3 AND state = 'running'",
        )
        .bind(until)
        .bind(id.0)
        .bind(token)
        .execute(&self.pool)
        .await
        .map_err(failed("the lease could not be extended"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Records an attempt's outcome: done when it did not fail, else the error and the
    /// next state (retrying at `next_at`, or dead), with what the attempt kept (status,
    /// response, duration). `false` if the lease was lost first.
    pub(super) async fn finish(
        &self,
        claimed: &Claimed,
        token: &str,
        outcome: &Finished<'_>,
        now: i64,
    ) -> Result<bool, InboxError> {
        let what = "an attempt's outcome could not be recorded";
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        if let Some(key) = &claimed.ordering_key {
            lock_ordering_key(&mut tx, key)
                .await
                .map_err(failed(what))?;
        }
        let (state, error, last_error, scheduled) = match &outcome.failed {
            None => (DeliveryState::Done, None, None, None),
            Some(failed) => (
                failed.state,
                Some(failed.error),
                Some(failed.last_error),
                Some(failed.next_at),
            ),
        };
        let finished = matches!(state, DeliveryState::Done | DeliveryState::Dead).then_some(now);
        let updated = sqlx::query(
            "UPDATE webhook_inbox
             SET state = $1, last_error = $2, scheduled_at = COALESCE($3, scheduled_at),
                 finished_at = $4, lease_token = NULL, lease_until = NULL
             WHERE id = $5 AND lease_token = $6 AND state = 'running'",
        )
        .bind(state.as_str())
        .bind(last_error)
        .bind(scheduled)
        .bind(finished)
        .bind(claimed.id.0)
        .bind(token)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        if updated.rows_affected() == 0 {
            tx.rollback().await.map_err(failed(what))?;
            return Ok(false);
        }
        sqlx::query(
            "UPDATE webhook_inbox_attempts
             SET finished_at = $1, error = $2, status = $3, response = $4, duration_ms = $5
             WHERE delivery = $6 AND attempt = $7 AND finished_at IS NULL",
        )
        .bind(now)
        .bind(error)
        .bind(outcome.status)
        .bind(outcome.response)
        .bind(outcome.duration_ms)
        .bind(claimed.id.0)
        .bind(i64::from(claimed.attempt))
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        if let (DeliveryState::Done, Some(key)) = (state, &claimed.ordering_key) {
            sqlx::query(RELEASE_NEXT)
                .bind(key)
                .execute(&mut *tx)
                .await
                .map_err(failed(what))?;
        }
        tx.commit().await.map_err(failed(what))?;
        Ok(true)
    }

    /// When the next delivery falls due (a scheduled time or a lease's end), if any.
    pub(super) async fn next_due(&self) -> Result<Option<i64>, InboxError> {
        sqlx::query(NEXT_DUE)
            .fetch_one(&self.pool)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(failed("the inbox could not be read"))
    }

    pub(super) async fn replay(&self, id: Option<InboxId>, now: i64) -> Result<u64, InboxError> {
        let what = "the delivery could not be replayed";
        let Some(id) = id else {
            // Dead deliveries are their ordering keys' heads: each runs again first.
            let done = sqlx::query(
                "UPDATE webhook_inbox
                 SET state = 'pending', attempts = 0, scheduled_at = $1, finished_at = NULL
                 WHERE state = 'dead'",
            )
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(failed(what))?;
            return Ok(done.rows_affected());
        };
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        let key: Option<Option<String>> =
            sqlx::query_scalar("SELECT ordering_key FROM webhook_inbox WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(failed(what))?;
        if let Some(Some(key)) = &key {
            lock_ordering_key(&mut tx, key)
                .await
                .map_err(failed(what))?;
        }
        // A done delivery replayed while its ordering key has a head waits behind it.
        let done = sqlx::query(
            "UPDATE webhook_inbox
             SET state = CASE WHEN ordering_key IS NOT NULL AND EXISTS (
                     SELECT 1 FROM webhook_inbox AS other
                     WHERE other.ordering_key = webhook_inbox.ordering_key
                         AND other.ordering_key IS NOT NULL AND other.state <> 'done'
                         AND other.state <> 'held' AND other.id <> webhook_inbox.id)
                 THEN 'held' ELSE 'pending' END,
                 attempts = 0, scheduled_at = $1, finished_at = NULL
             WHERE id = $2 AND state IN ('dead', 'done')",
        )
        .bind(now)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        tx.commit().await.map_err(failed(what))?;
        Ok(done.rows_affected())
    }

    /// Deletes a delivery; its keys and attempts go with it (`ON DELETE CASCADE`).
    pub(super) async fn forget(
        &self,
        id: InboxId,
        retention: i64,
        now: i64,
    ) -> Result<bool, InboxError> {
        let what = "the delivery could not be forgotten";
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        let key: Option<Option<String>> =
            sqlx::query_scalar("SELECT ordering_key FROM webhook_inbox WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(failed(what))?;
        if let Some(Some(key)) = &key {
            lock_ordering_key(&mut tx, key)
                .await
                .map_err(failed(what))?;
        }
        // A done delivery's keys are kept for the replay window, as a purge keeps them;
        // copied in the same transaction as the deletion, so no copy finds neither.
        sqlx::query(
            "INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
             SELECT k.replay_key, d.finished_at + $1
             FROM webhook_inbox_keys k JOIN webhook_inbox d ON d.id = k.delivery
             WHERE d.id = $2 AND d.state = 'done' AND d.finished_at + $1 > $3
             ON CONFLICT (replay_key) DO UPDATE SET expires_at =
                 GREATEST(webhook_inbox_retained_keys.expires_at, EXCLUDED.expires_at)",
        )
        .bind(retention)
        .bind(id.0)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        // A forgotten head releases its ordering key's next delivery. A head that is
        // running is not forgotten: the next would run beside its handler.
        let deleted = sqlx::query(
            "DELETE FROM webhook_inbox
             WHERE id = $1 AND NOT (ordering_key IS NOT NULL AND state = 'running')
             RETURNING ordering_key, state IN ('pending', 'retrying', 'dead') AS head",
        )
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(failed(what))?;
        if let Some(deleted) = &deleted {
            let key: Option<String> = deleted.try_get("ordering_key").map_err(failed(what))?;
            let head: bool = deleted.try_get("head").map_err(failed(what))?;
            if let (Some(key), true) = (key, head) {
                sqlx::query(RELEASE_NEXT)
                    .bind(key)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed(what))?;
            }
        }
        tx.commit().await.map_err(failed(what))?;
        Ok(deleted.is_some())
    }

    /// Deletes at most `limit` deliveries done before `cutoff`; their replay keys move to
    /// the retained keys until `retention` after each was done, and whether the batch was
    /// full. The copy commits before the rows (and their keys) are deleted, so a committed
    /// key is always in one of the two tables. A copy's insert can still slip through only
    /// if its one statement starts before the copy commits and reaches the same key while
    /// the deletion is committing.
    ///
    /// The run holds the purge's advisory lock ([`Db::start_purge`]), so the workers of
    /// several instances do not purge side by side. Were two copies of one batch to
    /// overlap anyway (a lock lost with its connection), the copy and the deletion are
    /// idempotent: duplicate work, never a loss.
    pub(super) async fn purge_batch(
        &self,
        cutoff: i64,
        retention: i64,
        now: i64,
        limit: i64,
    ) -> Result<(u64, bool), InboxError> {
        let what = "done deliveries could not be purged";
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        let batch: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM webhook_inbox WHERE state = 'done' AND finished_at < $1
             ORDER BY finished_at LIMIT $2",
        )
        .bind(cutoff)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(failed(what))?;
        let full = i64::try_from(batch.len()).unwrap_or(i64::MAX) >= limit;
        if batch.is_empty() {
            tx.rollback().await.map_err(failed(what))?;
            return Ok((0, false));
        }
        sqlx::query(
            "INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
             SELECT k.replay_key, d.finished_at + $1
             FROM webhook_inbox_keys k JOIN webhook_inbox d ON d.id = k.delivery
             WHERE d.id = ANY($2) AND d.state = 'done' AND d.finished_at + $1 > $3
             ON CONFLICT (replay_key) DO UPDATE SET expires_at =
                 GREATEST(webhook_inbox_retained_keys.expires_at, EXCLUDED.expires_at)",
        )
        .bind(retention)
        .bind(&batch)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        tx.commit().await.map_err(failed(what))?;
        // Still done before the cutoff: one replayed and done again since the copy (its
        // keys copied with its earlier end, or not at all when that end's window was
        // over) stays, or its fresh keys would go with it.
        let deleted = sqlx::query(
            "DELETE FROM webhook_inbox WHERE id = ANY($1) AND state = 'done' AND finished_at < $2",
        )
        .bind(&batch)
        .bind(cutoff)
        .execute(&self.pool)
        .await
        .map_err(failed(what))?
        .rows_affected();
        Ok((deleted, full))
    }

    /// Takes the purge's advisory lock for a whole run, on a connection of its own held
    /// until [`PurgeRun::finish`]: [`PurgeLock::Wait`] waits for another instance's run,
    /// [`PurgeLock::Try`] answers `None` when another instance holds it. A session lock,
    /// not a transaction's: the run's batches are transactions of their own, and no
    /// transaction stays open through the rests between them.
    ///
    /// [`PurgeLock::Wait`]: super::PurgeLock::Wait
    /// [`PurgeLock::Try`]: super::PurgeLock::Try
    pub(super) async fn start_purge(
        &self,
        lock: super::PurgeLock,
    ) -> Result<Option<PurgeRun>, InboxError> {
        let what = "done deliveries could not be purged";
        let mut conn = self.pool.acquire().await.map_err(failed(what))?;
        // A run dropped before it finishes (its task aborted, its caller cancelled) must
        // not hand a connection holding the lock back to the pool, where it would keep
        // it: that connection is closed instead, and the server releases the lock.
        conn.close_on_drop();
        let locked: bool = match lock {
            super::PurgeLock::Try => sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(PURGE_LOCK)
                .fetch_one(&mut *conn)
                .await
                .map_err(failed(what))?,
            super::PurgeLock::Wait => {
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(PURGE_LOCK)
                    .execute(&mut *conn)
                    .await
                    .map_err(failed(what))?;
                true
            }
        };
        Ok(locked.then_some(PurgeRun(conn)))
    }

    /// Deletes at most `limit` retained keys whose replay window has ended, in one
    /// statement: how many, and whether the batch was full.
    pub(super) async fn expire_retained_keys(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<(u64, bool), InboxError> {
        let deleted = sqlx::query(
            "DELETE FROM webhook_inbox_retained_keys WHERE replay_key IN (
                 SELECT replay_key FROM webhook_inbox_retained_keys
                 WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)",
        )
        .bind(now)
        .bind(limit)
        .execute(&self.pool)
        .await
        .map_err(failed("expired replay keys could not be deleted"))?
        .rows_affected();
        Ok((deleted, i64::try_from(deleted).unwrap_or(i64::MAX) >= limit))
    }

    /// The readiness check's read: when the next delivery falls due, in a transaction
    /// whose `statement_timeout` is the check's `timeout`. The check gives up on its own
    /// at `timeout`; the server then gives up too, so a read stuck behind a lock (a
    /// migration's, an `ALTER TABLE`, a `LOCK TABLE`) does not keep waiting on the
    /// server, and does not keep its connection from the pool, after every probe.
    pub(super) async fn health(&self, timeout: Duration) -> Result<Option<i64>, InboxError> {
        let what = "the inbox could not be read";
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        // In milliseconds, at least 1 (0 would be no timeout), at most the server's own
        // bound (`INT_MAX`).
        let ms = timeout.as_millis().clamp(1, 2_147_483_647);
        sqlx::query("SELECT set_config('statement_timeout', $1, true)")
            .bind(ms.to_string())
            .execute(&mut *tx)
            .await
            .map_err(failed(what))?;
        let next_due = sqlx::query(NEXT_DUE)
            .fetch_one(&mut *tx)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(failed(what))?;
        tx.commit().await.map_err(failed(what))?;
        Ok(next_due)
    }

    /// Folds the state counts' deltas into the totals: the rows deleted are the rows
    /// summed (one statement), and deltas appended meanwhile stay for the next fold. A
    /// fold of many deltas (a flood, a backlog) leaves the emptied tally as long as they
    /// were, and every read of the counts scans it; `VACUUM` (which does not block the
    /// triggers' appends) then truncates it.
    pub(super) async fn fold_tally(&self) -> Result<(), InboxError> {
        let what = "the inbox's counts could not be folded";
        let folded: i64 = sqlx::query_scalar(
            "WITH folded AS (DELETE FROM webhook_inbox_tally RETURNING state, delta),
             summed AS (
                 INSERT INTO webhook_inbox_counts (state, total)
                 SELECT state, SUM(delta) FROM folded GROUP BY state HAVING SUM(delta) <> 0
                 ON CONFLICT (state) DO UPDATE
                     SET total = webhook_inbox_counts.total + excluded.total)
             SELECT count(*) FROM folded",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(failed(what))?;
        if folded >= VACUUM_AFTER_FOLDING {
            // The simple protocol: VACUUM runs outside any transaction block.
            sqlx::raw_sql("VACUUM webhook_inbox_tally")
                .execute(&self.pool)
                .await
                .map_err(failed(what))?;
        }
        Ok(())
    }

    pub(super) async fn stats(&self, now: i64) -> Result<InboxStats, InboxError> {
        read::stats(&self.pool, now).await
    }

    pub(super) async fn list(
        &self,
        filter: &ListFilter,
    ) -> Result<Vec<DeliveryRecord>, InboxError> {
        read::list(&self.pool, filter).await
    }

    pub(super) async fn get(
        &self,
        id: InboxId,
        keys: Option<&AtRestKeys>,
    ) -> Result<Option<DeliveryDetails>, InboxError> {
        read::get(&self.pool, id, keys).await
    }
}

/// The tests' PostgreSQL server, started by the unit test below.
#[cfg(test)]
#[path = "../../tests/it/common/postgres.rs"]
#[allow(dead_code, unreachable_pub)]
mod test_server;

#[cfg(test)]
mod tests {
    use super::test_server as server;
    use sqlx::Row;

    /// The plans PostgreSQL chooses for the claim's statements on an inbox of 40,000
    /// deliveries of two sources, one flooding (half of them pending), with statistics.
    #[tokio::test]
    async fn the_claims_read_their_indexes_in_order() {
        let server = server::PgServer::start();
        let db = super::Db::open(&server.fresh_database("plans"))
            .await
            .unwrap();
        sqlx::raw_sql(
            "INSERT INTO webhook_inbox (provider, source, delivery_id, id_is_fingerprint,
                 id_signed, event_type_signed, method, uri, headers, body, state,
                 received_at, scheduled_at, ordering_key)
             SELECT 'stripe', CASE WHEN n % 100 = 0 THEN 'quiet' ELSE 'flood' END,
                 'evt_' || n, false, true, true, 'POST', '/hook', '', '',
                 CASE WHEN n % 2 = 0 THEN 'done' WHEN n % 7 = 0 THEN 'held' ELSE 'pending' END,
                 n, n, 'stripe' || chr(31) || chr(31) || 'cus_' || (n % 500)
             FROM generate_series(1, 40000) AS n;
             ANALYZE webhook_inbox;",
        )
        .execute(&db.pool)
        .await
        .unwrap();
        let plan = |sql: String, binds: &'static [&'static str]| {
            let pool = db.pool.clone();
            async move {
                let explain = format!("EXPLAIN {sql}");
                let mut query = sqlx::query(&explain);
                for bind in binds {
                    query = match *bind {
                        "now" => query.bind(50_000_i64),
                        "text" => query.bind("flood"),
                        "key" => query.bind("stripe\u{1f}\u{1f}cus_7"),
                        "int" => query.bind(100_i64),
                        other => query.bind(other),
                    };
                }
                let rows = query.fetch_all(&pool).await.unwrap();
                rows.iter()
                    .map(|row| row.get::<String, _>(0))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        for (sql, binds, index) in [
            (
                super::NEXT_SOURCE,
                &["text"][..],
                "webhook_inbox_claimable_by_source",
            ),
            (
                super::CLAIM_IN_SOURCE,
                &["now", "token", "now", "text"][..],
                "webhook_inbox_claimable_by_source",
            ),
            (
                super::CLAIM,
                &["now", "token", "now"][..],
                "webhook_inbox_claimable",
            ),
            (super::RELEASE_NEXT, &["key"][..], "webhook_inbox_ordering"),
        ] {
            let plan = plan(sql.to_owned(), binds).await;
            assert!(plan.contains(&format!("Scan using {index} on")), "{plan}");
            assert!(!plan.contains("Sort"), "it sorts:\n{plan}");
            assert!(!plan.contains("Seq Scan"), "it scans:\n{plan}");
        }
        // What an operator reads: a page of one state (the next page too), a page of all,
        // the lag.
        use super::super::{read, DeliveryState, ListFilter};
        let record = super::super::DeliveryRecord {
            id: super::super::InboxId(7),
            provider: String::new(),
            source: None,
            delivery_id: String::new(),
            event_type: None,
            state: DeliveryState::Done,
            attempts: 0,
            received_at: std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::from_millis(30_000),
            scheduled_at: std::time::SystemTime::now(),
            finished_at: None,
            last_error: None,
        };
        let dead = ListFilter::new().state(DeliveryState::Dead);
        for (filter, binds, index) in [
            (ListFilter::new(), &["int"][..], "webhook_inbox_received"),
            (
                ListFilter::new().after(&record),
                &["int", "int", "int"][..],
                "webhook_inbox_received",
            ),
            (
                dead.clone().after(&record),
                &["dead", "int", "int", "int"][..],
                "webhook_inbox_by_state",
            ),
            // A search by the provider's id, in one state or all.
            (
                ListFilter::new().delivery_id("evt_7"),
                &["evt_7", "int"][..],
                "webhook_inbox_by_delivery_id",
            ),
            (
                ListFilter::new()
                    .state(DeliveryState::Done)
                    .delivery_id("evt_8"),
                &["done", "evt_8", "int"][..],
                "webhook_inbox_by_delivery_id",
            ),
        ] {
            let plan = plan(read::list_sql(&filter), binds).await;
            assert!(
                plan.contains(&format!("Scan Backward using {index} on"))
                    || plan.contains(&format!("Index Scan using {index} on"))
                    || plan.contains(&format!("Bitmap Index Scan on {index}")),
                "{plan}"
            );
            assert!(!plan.contains("Seq Scan"), "it scans:\n{plan}");
            if !index.ends_with("by_delivery_id") {
                // A page of one state or of all reads its index in order; the few entries
                // of one delivery id may be sorted.
                assert!(!plan.contains("Sort"), "it sorts:\n{plan}");
            }
        }
        let oldest = plan(read::OLDEST_UNFINISHED.to_owned(), &[]).await;
        assert!(!oldest.contains("Seq Scan"), "it scans:\n{oldest}");
    }

    /// A fold of a burst of deltas leaves the counts right and the tally short: the
    /// folded totals live in their own table, and the emptied tally is vacuumed, so a
    /// read of the counts does not scan the burst's dead pages for ever after.
    #[tokio::test]
    async fn a_fold_after_a_burst_leaves_the_tally_short() {
        let server = server::PgServer::start();
        let db = super::Db::open(&server.fresh_database("tally"))
            .await
            .unwrap();
        sqlx::raw_sql(
            "INSERT INTO webhook_inbox (provider, delivery_id, id_is_fingerprint, id_signed,
                 event_type_signed, method, uri, headers, body, state, received_at,
                 scheduled_at)
             SELECT 'stripe', 'evt_' || n, false, true, true, 'POST', '/hook', '', '',
                 'pending', n, n
             FROM generate_series(1, 30000) AS n;
             UPDATE webhook_inbox SET state = 'done' WHERE id % 3 = 0;",
        )
        .execute(&db.pool)
        .await
        .unwrap();
        let pages = || async {
            sqlx::query_scalar::<_, i64>("SELECT pg_relation_size('webhook_inbox_tally') / 8192")
                .fetch_one(&db.pool)
                .await
                .unwrap()
        };
        let before = pages().await;
        assert!(before > 50, "the burst's deltas: {before} pages");
        let counted = db.stats(0).await.unwrap();
        assert_eq!((counted.pending, counted.done), (20_000, 10_000));

        db.fold_tally().await.unwrap();
        let stats = db.stats(0).await.unwrap();
        assert_eq!((stats.pending, stats.done), (20_000, 10_000));
        let after = pages().await;
        assert!(after <= 1, "the tally kept {after} of {before} pages");

        // Deltas after the fold add to the totals; a second fold keeps them.
        sqlx::raw_sql("UPDATE webhook_inbox SET state = 'dead' WHERE id <= 10")
            .execute(&db.pool)
            .await
            .unwrap();
        let stats = db.stats(0).await.unwrap();
        assert_eq!((stats.pending, stats.done, stats.dead), (19_993, 9_997, 10));
        db.fold_tally().await.unwrap();
        let stats = db.stats(0).await.unwrap();
        assert_eq!((stats.pending, stats.done, stats.dead), (19_993, 9_997, 10));
    }
}
