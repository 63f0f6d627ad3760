//! The inbox on an embedded SQLite file (WAL mode): its migrations and every statement.
//!
//! Each state change is one statement or one transaction that starts with a write, so two
//! workers never hold the same delivery and no transaction upgrades a read lock to a write.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;

use super::fair;
use super::read::{self, failed};
use super::{
    to_ms, Accepted, AtRestKeys, Claimed, DeliveryDetails, DeliveryRecord, DeliveryState, Finished,
    InboxError, InboxErrorKind, InboxId, InboxStats, ListFilter, StoredKeys, StoredRequest,
};
use crate::Delivery;

/// The schema's migrations, in order: each runs once, recorded in
/// `webhook_inbox_migrations` (the first three are also idempotent, from before that).
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/sqlite/0001_inbox.sql")),
    (2, include_str!("migrations/sqlite/0002_retained_keys.sql")),
    (3, include_str!("migrations/sqlite/0003_claim_indexes.sql")),
    (4, include_str!("migrations/sqlite/0004_sealed_with.sql")),
    (
        5,
        include_str!("migrations/sqlite/0005_fair_and_ordered.sql"),
    ),
    (
        6,
        include_str!("migrations/sqlite/0006_tally_and_read_indexes.sql"),
    ),
    (
        7,
        include_str!("migrations/sqlite/0007_attempt_details.sql"),
    ),
    (
        8,
        include_str!("migrations/sqlite/0008_delivery_id_index.sql"),
    ),
    (9, include_str!("migrations/sqlite/0009_state_counts.sql")),
];

/// The next delivery to claim: the first due row of `webhook_inbox_claimable`, read in
/// index order (no sort, whatever the backlog). `INDEXED BY`, because on a table without
/// statistics SQLite prefers `webhook_inbox_due` and a sort; it is an error, not a slow
/// plan, if the index cannot serve the query. `?1`: now.
macro_rules! next_due {
    () => {
        "SELECT id FROM webhook_inbox INDEXED BY webhook_inbox_claimable
         WHERE state IN ('pending', 'retrying') AND scheduled_at <= ?1
         ORDER BY scheduled_at, id
         LIMIT 1"
    };
}

/// Deliveries whose worker lost its lease (it died, or its heartbeat stopped) become
/// claimable again; the claim that takes one closes its open attempt as `lease expired`.
/// Its token is cleared, so the late worker's outcome is not recorded. `?1`: now.
const RESCUE_EXPIRED_LEASES: &str = "UPDATE webhook_inbox INDEXED BY webhook_inbox_leases
     SET state = 'retrying', lease_token = NULL
     WHERE state = 'running' AND lease_until <= ?1";

/// The columns a claim returns, for [`read::claimed`].
macro_rules! claimed_columns {
    () => {
        " RETURNING id, provider, source, delivery_id, id_is_fingerprint, id_signed,
             event_type, event_type_signed, signed_at, method, uri, headers, body,
             attempts, received_at, ordering_key, sealed_with, traceparent"
    };
}

/// The lease a claim takes. `?1`: now, `?2`: the lease token, `?3`: the lease's end.
macro_rules! take_lease {
    () => {
        "UPDATE webhook_inbox
         SET state = 'running', attempts = attempts + 1, lease_token = ?2, lease_until = ?3
         WHERE id = ("
    };
}

/// Claims the next due delivery of every source. `?1`: now, `?2`: the lease token, `?3`:
/// the lease's end.
const CLAIM: &str = concat!(take_lease!(), next_due!(), ")", claimed_columns!());

/// The source to claim from next, in turn: the first source after `?1` (the source of
/// the last claim) with a delivery that may be claimed, or past the last one the first of
/// all. Each is the first entry of `webhook_inbox_claimable_by_source` after a bound: no
/// scan, however many deliveries each source has waiting. Deliveries without a source
/// are the source `''`.
const NEXT_SOURCE: &str = "SELECT coalesce(
     (SELECT coalesce(source, '') FROM webhook_inbox
      INDEXED BY webhook_inbox_claimable_by_source
      WHERE state IN ('pending', 'retrying') AND coalesce(source, '') > ?1
      ORDER BY coalesce(source, '') LIMIT 1),
     (SELECT coalesce(source, '') FROM webhook_inbox
      INDEXED BY webhook_inbox_claimable_by_source
      WHERE state IN ('pending', 'retrying')
      ORDER BY coalesce(source, '') LIMIT 1)) AS turn";

/// Claims the next due delivery of the source `?4`: a range of
/// `webhook_inbox_claimable_by_source`, its first entry if it is due. `?1`–`?3` as for
/// [`CLAIM`].
const CLAIM_IN_SOURCE: &str = concat!(
    take_lease!(),
    "SELECT id FROM webhook_inbox INDEXED BY webhook_inbox_claimable_by_source
     WHERE state IN ('pending', 'retrying') AND coalesce(source, '') = ?4
         AND scheduled_at <= ?1
     ORDER BY scheduled_at, id
     LIMIT 1)",
    claimed_columns!()
);

/// Makes the next delivery of the ordering key `?1` pending, if it is held: the first of
/// the key not yet done, once the head before it is done or gone.
const RELEASE_NEXT: &str = "UPDATE webhook_inbox SET state = 'pending'
     WHERE state = 'held' AND id = (
         SELECT id FROM webhook_inbox INDEXED BY webhook_inbox_ordering
         WHERE ordering_key = ?1 AND ordering_key IS NOT NULL AND state <> 'done'
         ORDER BY ordering_key, id
         LIMIT 1)";

/// How long a statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub(super) struct Db {
    pool: SqlitePool,
    /// The database file as opened (`None`: not a plain file), for the readiness check.
    file: Option<Arc<FileIdentity>>,
    /// SQLite has one writer at a time. Writers of this process queue here, in order,
    /// instead of colliding on the file lock, whose busy handler sleeps and retries (up to
    /// 100 ms a time): under concurrent deliveries that sleeping, not the disk, was the
    /// bottleneck. Other processes on the same file still wait on the busy timeout.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// The writer task's queue of deliveries to write.
    writes: tokio::sync::mpsc::Sender<Write>,
}

/// A delivery to write, as the writer task gets it.
struct Pending {
    provider: String,
    source: Option<String>,
    delivery_id: String,
    id_is_fingerprint: bool,
    id_signed: bool,
    event_type: Option<String>,
    event_type_signed: bool,
    signed_at: Option<i64>,
    method: String,
    uri: String,
    headers: Vec<u8>,
    body: Bytes,
    sealed_with: Option<Arc<str>>,
    traceparent: Option<String>,
    now: i64,
    keys: StoredKeys,
    ordering_key: Option<String>,
}

type Write = (
    Pending,
    tokio::sync::oneshot::Sender<Result<Accepted, InboxError>>,
);

/// The most deliveries one transaction of the writer task commits.
const MAX_BATCH: usize = 256;

/// The writer task: takes the deliveries waiting, writes them in one transaction, and
/// answers each. Ends when every [`Db`] (every sender) is gone.
async fn write_loop(
    pool: SqlitePool,
    writer: Arc<tokio::sync::Mutex<()>>,
    mut writes: tokio::sync::mpsc::Receiver<Write>,
) {
    let mut batch: Vec<Write> = Vec::new();
    while writes.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let result = {
            let _writing = writer.lock().await;
            write_batch(&pool, &batch).await
        };
        match result {
            Ok(outcomes) => {
                for ((_, reply), outcome) in batch.drain(..).zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(error) => {
                let message = error.to_string();
                let kind = InboxErrorKind::of_sql(&error);
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(InboxError::new(
                        kind,
                        format!("the delivery could not be written to the inbox: {message}"),
                    )));
                }
            }
        }
    }
}

/// Writes `batch` in one transaction: each delivery whose keys are all unknown (also to
/// the deliveries before it in the batch) is new, the others are duplicates. A duplicate
/// teaches its other keys where a key found proves them ([`StoredKeys::to_learn`]): they
/// are written for the delivery that holds the key found.
async fn write_batch(pool: &SqlitePool, batch: &[Write]) -> Result<Vec<Accepted>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for (row, _) in batch {
        let mut found = Vec::new();
        let mut holder = None;
        for (index, key) in row.keys.keys.iter().enumerate() {
            let key = key.as_bytes().as_slice();
            let live = sqlx::query("SELECT delivery FROM webhook_inbox_keys WHERE replay_key = ?")
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(live) = live {
                found.push(index);
                holder.get_or_insert(Holder::Delivery(live.try_get(0)?));
                continue;
            }
            let retained = sqlx::query(
                "SELECT expires_at FROM webhook_inbox_retained_keys
                 WHERE replay_key = ? AND expires_at > ?",
            )
            .bind(key)
            .bind(row.now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(retained) = retained {
                found.push(index);
                holder.get_or_insert(Holder::Retained(retained.try_get(0)?));
            }
        }
        if let (Some(&matched), Some(holder)) = (found.first(), holder) {
            for (index, key) in row.keys.keys.iter().enumerate() {
                let learned = row.keys.to_learn(&found).contains(key);
                if !learned || found.contains(&index) {
                    continue;
                }
                let key = key.as_bytes().as_slice();
                match holder {
                    Holder::Delivery(delivery) => {
                        sqlx::query(
                            "INSERT OR IGNORE INTO webhook_inbox_keys (replay_key, delivery)
                             VALUES (?, ?)",
                        )
                        .bind(key)
                        .bind(delivery)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Holder::Retained(expires_at) => {
                        sqlx::query(
                            "INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
                             VALUES (?, ?)
                             ON CONFLICT (replay_key) DO UPDATE SET expires_at =
                                 max(webhook_inbox_retained_keys.expires_at, excluded.expires_at)",
                        )
                        .bind(key)
                        .bind(expires_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            outcomes.push(Accepted::Duplicate { matched });
            continue;
        }
        // An ordered delivery waits (held) while its key has one not yet done.
        let id: i64 = sqlx::query(
            "INSERT INTO webhook_inbox (provider, source, delivery_id, id_is_fingerprint,
                 id_signed, event_type, event_type_signed, signed_at, method, uri, headers, body,
                 state, attempts, received_at, scheduled_at, ordering_key, sealed_with,
                 traceparent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                 CASE WHEN ?14 IS NOT NULL AND EXISTS (
                     SELECT 1 FROM webhook_inbox INDEXED BY webhook_inbox_ordering
                     WHERE ordering_key = ?14 AND ordering_key IS NOT NULL
                         AND state <> 'done')
                 THEN 'held' ELSE 'pending' END,
                 0, ?13, ?13, ?14, ?15, ?16)
             RETURNING id",
        )
        .bind(&row.provider)
        .bind(&row.source)
        .bind(&row.delivery_id)
        .bind(row.id_is_fingerprint)
        .bind(row.id_signed)
        .bind(&row.event_type)
        .bind(row.event_type_signed)
        .bind(row.signed_at)
        .bind(&row.method)
        .bind(&row.uri)
        .bind(row.headers.as_slice())
        .bind(row.body.as_ref())
        .bind(row.now)
        .bind(row.ordering_key.as_deref())
        .bind(row.sealed_with.as_deref())
        .bind(row.traceparent.as_deref())
        .fetch_one(&mut *tx)
        .await
        .and_then(|row| row.try_get(0))?;
        for key in &row.keys.keys {
            sqlx::query("INSERT INTO webhook_inbox_keys (replay_key, delivery) VALUES (?, ?)")
                .bind(key.as_bytes().as_slice())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        outcomes.push(Accepted::New(InboxId(id)));
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// A file's path and identity (device and inode on Unix; its creation time elsewhere, else
/// its existence): what the readiness check compares to tell a deleted or replaced file.
pub(super) struct FileIdentity {
    path: std::path::PathBuf,
    id: (u64, u64),
}

impl FileIdentity {
    fn of(path: &Path) -> Option<FileIdentity> {
        let metadata = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            (metadata.dev(), metadata.ino())
        };
        #[cfg(not(unix))]
        let id = metadata
            .created()
            .ok()
            .and_then(|created| created.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |since| {
                (since.as_secs(), u64::from(since.subsec_nanos()))
            });
        Some(FileIdentity {
            // Absolute: a later change of the working directory changes nothing.
            path: std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()),
            id,
        })
    }
}

/// Who holds a replay key found in the inbox: a delivery there, or (purged) nobody until
/// the key expires.
#[derive(Clone, Copy)]
enum Holder {
    Delivery(i64),
    Retained(i64),
}

/// Creates the database file, empty, readable and writable by its owner only, if it does
/// not exist: it holds verified payloads and their headers. SQLite creates a new file with
/// the process's umask (world-readable under the usual 022), and gives the `-wal` and
/// `-shm` files beside it the main file's permissions, so creating the file first is what
/// keeps all three private. An existing file keeps the permissions it has (its owner's
/// choice); an empty file is what SQLite makes a new database of.
fn create_owner_only(path: &Path) -> Result<(), InboxError> {
    // SQLite's own names for a database that is not a file, and its URI filenames
    // (`file:…?…`, opened with SQLITE_OPEN_URI), which name no file this could create.
    let name = path.as_os_str();
    if name.is_empty() || name == ":memory:" || name.as_encoded_bytes().starts_with(b"file:") {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another process may have created it a moment ago: SQLite opens it as it is.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // The error names no path: the caller's message says which inbox.
        Err(error) => Err(InboxError::with_source(
            InboxErrorKind::Configuration,
            "the inbox database file could not be created",
            error,
        )),
    }
}

impl Db {
    pub(super) async fn open(path: &Path) -> Result<Db, InboxError> {
        create_owner_only(path)?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Durable at commit, also across a power cut: the provider is told "accepted"
            // only after the commit.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(failed("the inbox database could not be opened"))?;
        let db = Db::with_pool(pool, path);
        db.migrate().await?;
        Ok(db)
    }

    /// Opens an existing inbox file to read it only: no migration, no write lock taken or
    /// waited for (in WAL mode readers never wait for the writer), so a command that only
    /// reads never fails because a receiver is writing. A write is refused by SQLite.
    pub(super) async fn open_read_only(path: &Path) -> Result<Db, InboxError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .create_if_missing(false)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(failed("the inbox database could not be opened"))?;
        Ok(Db::with_pool(pool, path))
    }

    fn with_pool(pool: SqlitePool, path: &Path) -> Db {
        let writer = Arc::new(tokio::sync::Mutex::new(()));
        let (writes, queue) = tokio::sync::mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_loop(pool.clone(), writer.clone(), queue));
        Db {
            pool,
            file: FileIdentity::of(path).map(Arc::new),
            writer,
            writes,
        }
    }

    async fn migrate(&self) -> Result<(), InboxError> {
        let what = "inbox migration";
        let mut conn = self.pool.acquire().await.map_err(failed(what))?;
        // IMMEDIATE: the write lock is taken (waiting on the busy timeout) before the
        // schema is read. A deferred transaction would read first, and its upgrade to a
        // write fails at once ("database is locked") when another process migrates too.
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut *conn)
            .await
            .map_err(failed(what))?;
        let result = async {
            sqlx::raw_sql(
                "CREATE TABLE IF NOT EXISTS webhook_inbox_migrations (
                    version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
            )
            .execute(&mut *conn)
            .await?;
            for (version, sql) in MIGRATIONS {
                // Each migration runs once: SQLite has no `ADD COLUMN IF NOT EXISTS`.
                let applied =
                    sqlx::query("SELECT 1 FROM webhook_inbox_migrations WHERE version = ?")
                        .bind(version)
                        .fetch_optional(&mut *conn)
                        .await?;
                if applied.is_some() {
                    continue;
                }
                sqlx::raw_sql(sql).execute(&mut *conn).await?;
                sqlx::query(
                    "INSERT INTO webhook_inbox_migrations (version, applied_at) VALUES (?, ?)",
                )
                .bind(version)
                .bind(super::now_ms())
                .execute(&mut *conn)
                .await?;
            }
            Ok::<(), sqlx::Error>(())
        }
        .await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = sqlx::raw_sql(end).execute(&mut *conn).await;
        result.map_err(failed(what))?;
        ended.map(drop).map_err(failed(what))
    }

    /// Writes a verified delivery, deduplicated by its replay keys: queued to this
    /// inbox's writer task, which commits the deliveries waiting at that moment together
    /// (group commit: one `fsync` for many). Each caller is answered once its batch has
    /// committed; a batch that fails fails every delivery in it (the layer answers `503`).
    pub(super) async fn insert(
        &self,
        parts: &http::request::Parts,
        delivery: &Delivery,
        stored: StoredRequest,
        ordering_key: Option<String>,
        now: i64,
    ) -> Result<Accepted, InboxError> {
        let what = "the delivery could not be written to the inbox";
        let keys = StoredKeys::of(delivery);
        let row = Pending {
            provider: delivery.provider().to_owned(),
            source: delivery.source().map(str::to_owned),
            delivery_id: delivery.id().to_owned(),
            id_is_fingerprint: delivery.id_is_fingerprint(),
            id_signed: delivery.id_is_signed(),
            event_type: delivery.event_type().map(str::to_owned),
            event_type_signed: delivery.event_type_is_signed(),
            signed_at: delivery.timestamp().map(to_ms),
            method: parts.method.as_str().to_owned(),
            uri: stored.uri,
            headers: stored.headers,
            body: stored.body,
            sealed_with: stored.sealed_with,
            traceparent: stored.traceparent,
            now,
            keys,
            ordering_key,
        };
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.writes
            .send((row, reply))
            .await
            .map_err(|_| InboxError::new(InboxErrorKind::Unavailable, what))?;
        answer
            .await
            .map_err(|_| InboxError::new(InboxErrorKind::Unavailable, what))?
    }

    /// Claims the next due delivery, taking the sources in turn after `after` (the source
    /// of the last claim, see [`super::Inbox::claim`]): pending, retrying and due, or
    /// running under an expired lease. One worker wins: each claim is a single `UPDATE`.
    pub(super) async fn claim(
        &self,
        token: &str,
        lease: Duration,
        now: i64,
        after: Option<&str>,
    ) -> Result<(Option<Claimed>, Option<String>), InboxError> {
        let what = "a delivery could not be claimed";
        let until = now.saturating_add(super::duration_ms(lease));
        let _writing = self.writer.lock().await;
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
            "UPDATE webhook_inbox_attempts SET finished_at = ?, error = 'lease expired'
             WHERE delivery = ? AND finished_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        sqlx::query(
            "INSERT INTO webhook_inbox_attempts (delivery, attempt, started_at) VALUES (?, ?, ?)",
        )
        .bind(id)
        .bind(attempt)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        let keys = sqlx::query("SELECT replay_key FROM webhook_inbox_keys WHERE delivery = ?")
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
        let _writing = self.writer.lock().await;
        let done = sqlx::query(
            "UPDATE webhook_inbox SET lease_until = ?
             WHERE id = ? AND lease_token = ? AND state = 'running'",
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
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
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
             SET state = ?, last_error = ?, scheduled_at = COALESCE(?, scheduled_at),
                 finished_at = ?, lease_token = NULL, lease_until = NULL
             WHERE id = ? AND lease_token = ? AND state = 'running'",
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
             SET finished_at = ?, error = ?, status = ?, response = ?, duration_ms = ?
             WHERE delivery = ? AND attempt = ? AND finished_at IS NULL",
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
        sqlx::query(
            // Each minimum read from its index's first entry, not from a scan.
            "SELECT MIN(due) FROM (
                 SELECT MIN(scheduled_at) AS due FROM webhook_inbox
                 WHERE state IN ('pending', 'retrying')
                 UNION ALL
                 SELECT MIN(lease_until) AS due FROM webhook_inbox WHERE state = 'running'
             ) AS due_times",
        )
        .fetch_one(&self.pool)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(failed("the inbox could not be read"))
    }

    pub(super) async fn replay(&self, id: Option<InboxId>, now: i64) -> Result<u64, InboxError> {
        let query = match id {
            // A done delivery replayed while its ordering key has a head waits behind it.
            Some(id) => sqlx::query(
                "UPDATE webhook_inbox
                 SET state = CASE WHEN ordering_key IS NOT NULL AND EXISTS (
                         SELECT 1 FROM webhook_inbox AS other INDEXED BY webhook_inbox_ordering
                         WHERE other.ordering_key = webhook_inbox.ordering_key
                             AND other.ordering_key IS NOT NULL AND other.state <> 'done'
                             AND other.state <> 'held' AND other.id <> webhook_inbox.id)
                     THEN 'held' ELSE 'pending' END,
                     attempts = 0, scheduled_at = ?, finished_at = NULL
                 WHERE id = ? AND state IN ('dead', 'done')",
            )
            .bind(now)
            .bind(id.0),
            None => sqlx::query(
                "UPDATE webhook_inbox
                 SET state = 'pending', attempts = 0, scheduled_at = ?, finished_at = NULL
                 WHERE state = 'dead'",
            )
            .bind(now),
        };
        let _writing = self.writer.lock().await;
        let done = query
            .execute(&self.pool)
            .await
            .map_err(failed("the delivery could not be replayed"))?;
        Ok(done.rows_affected())
    }

    pub(super) async fn forget(
        &self,
        id: InboxId,
        retention: i64,
        now: i64,
    ) -> Result<bool, InboxError> {
        let what = "the delivery could not be forgotten";
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        // A done delivery's keys are kept for the replay window, as a purge keeps them.
        sqlx::query(
            "INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
             SELECT k.replay_key, d.finished_at + ?1
             FROM webhook_inbox_keys k JOIN webhook_inbox d ON d.id = k.delivery
             WHERE d.id = ?2 AND d.state = 'done' AND d.finished_at + ?1 > ?3
             ON CONFLICT (replay_key) DO UPDATE SET expires_at =
                 max(webhook_inbox_retained_keys.expires_at, excluded.expires_at)",
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
             WHERE id = ? AND NOT (ordering_key IS NOT NULL AND state = 'running')
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
        if deleted.is_some() {
            for table in ["webhook_inbox_keys", "webhook_inbox_attempts"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE delivery = ?"))
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed(what))?;
            }
        }
        tx.commit().await.map_err(failed(what))?;
        Ok(deleted.is_some())
    }

    /// Deletes at most `limit` deliveries done before `cutoff`, in one transaction under the
    /// writer lock; their replay keys move to the retained keys until `retention` after
    /// each was done. How many, and whether the batch was full.
    pub(super) async fn purge_batch(
        &self,
        cutoff: i64,
        retention: i64,
        now: i64,
        limit: i64,
    ) -> Result<(u64, bool), InboxError> {
        let what = "done deliveries could not be purged";
        let batch = "SELECT id FROM webhook_inbox INDEXED BY webhook_inbox_done
             WHERE state = 'done' AND finished_at < ?2 ORDER BY finished_at LIMIT ?4";
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        sqlx::query(&format!(
            "INSERT INTO webhook_inbox_retained_keys (replay_key, expires_at)
             SELECT k.replay_key, d.finished_at + ?1
             FROM webhook_inbox_keys k JOIN webhook_inbox d ON d.id = k.delivery
             WHERE d.id IN ({batch}) AND d.finished_at + ?1 > ?3
             ON CONFLICT (replay_key) DO UPDATE SET expires_at =
                 max(webhook_inbox_retained_keys.expires_at, excluded.expires_at)"
        ))
        .bind(retention)
        .bind(cutoff)
        .bind(now)
        .bind(limit)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        for table in ["webhook_inbox_keys", "webhook_inbox_attempts"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE delivery IN ({batch})"))
                .bind(retention)
                .bind(cutoff)
                .bind(now)
                .bind(limit)
                .execute(&mut *tx)
                .await
                .map_err(failed(what))?;
        }
        let deleted = sqlx::query(&format!("DELETE FROM webhook_inbox WHERE id IN ({batch})"))
            .bind(retention)
            .bind(cutoff)
            .bind(now)
            .bind(limit)
            .execute(&mut *tx)
            .await
            .map_err(failed(what))?
            .rows_affected();
        tx.commit().await.map_err(failed(what))?;
        let full = i64::try_from(deleted).unwrap_or(i64::MAX) >= limit;
        Ok((deleted, full))
    }

    /// Deletes at most `limit` retained keys whose replay window has ended, in one
    /// statement under the writer lock: how many, and whether the batch was full. Paced
    /// like the purge's batches, so that a large expiry never holds the lock long.
    pub(super) async fn expire_retained_keys(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<(u64, bool), InboxError> {
        let _writing = self.writer.lock().await;
        let deleted = sqlx::query(
            "DELETE FROM webhook_inbox_retained_keys WHERE replay_key IN (
                 SELECT replay_key FROM webhook_inbox_retained_keys
                 INDEXED BY webhook_inbox_retained_keys_expires
                 WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)",
        )
        .bind(now)
        .bind(limit)
        .execute(&self.pool)
        .await
        .map_err(failed("expired replay keys could not be deleted"))?
        .rows_affected();
        Ok((deleted, i64::try_from(deleted).unwrap_or(i64::MAX) >= limit))
    }

    /// The readiness check's read: the file at the inbox's path is still the one this
    /// inbox opened (an inbox whose file was deleted or replaced writes to a file nobody
    /// will open again), then when the next delivery falls due.
    /// The `timeout` is the caller's: a read of a SQLite file in WAL mode waits for no
    /// writer.
    pub(super) async fn health(&self, _timeout: Duration) -> Result<Option<i64>, InboxError> {
        if let Some(opened) = &self.file {
            let now = FileIdentity::of(&opened.path);
            if now.as_ref().map(|now| now.id) != Some(opened.id) {
                return Err(InboxError::new(
                    InboxErrorKind::Unavailable,
                    "the inbox's database file was deleted or replaced since it was opened",
                ));
            }
        }
        self.next_due().await
    }

    /// Folds the state counts' deltas into one row per state.
    pub(super) async fn fold_tally(&self) -> Result<(), InboxError> {
        let what = "the inbox's counts could not be folded";
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        let last: Option<i64> = sqlx::query_scalar("SELECT max(rowid) FROM webhook_inbox_tally")
            .fetch_one(&mut *tx)
            .await
            .map_err(failed(what))?;
        let Some(last) = last else {
            return Ok(());
        };
        sqlx::query(
            "INSERT INTO webhook_inbox_counts (state, total)
             SELECT state, SUM(delta) FROM webhook_inbox_tally WHERE rowid <= ?1
             GROUP BY state HAVING SUM(delta) <> 0
             ON CONFLICT (state) DO UPDATE SET total = total + excluded.total",
        )
        .bind(last)
        .execute(&mut *tx)
        .await
        .map_err(failed(what))?;
        sqlx::query("DELETE FROM webhook_inbox_tally WHERE rowid <= ?1")
            .bind(last)
            .execute(&mut *tx)
            .await
            .map_err(failed(what))?;
        tx.commit().await.map_err(failed(what))
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

#[cfg(test)]
mod tests {
    use sqlx::Row;

    /// The plan SQLite chooses for `sql` (with `params` parameters) on a fresh inbox
    /// file, one line per step.
    async fn plan(sql: &str, params: usize) -> String {
        let dir = std::env::temp_dir().join(format!(
            "tower-webhook-plan-{}-{}",
            std::process::id(),
            sql.len()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = super::Db::open(&dir.join("inbox.db")).await.unwrap();
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let mut query = sqlx::query(&explain);
        for _ in 0..params {
            query = query.bind(0_i64);
        }
        let rows = query.fetch_all(&db.pool).await.unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        rows.iter()
            .map(|row| row.get::<String, _>("detail"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The claim reads the first due row of its index: no sort, so a claim costs the same
    /// with 100,000 deliveries pending as with ten.
    #[tokio::test]
    async fn the_claim_reads_its_index_in_order() {
        let plan = plan(super::CLAIM, 3).await;
        assert!(plan.contains("webhook_inbox_claimable"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "the claim sorts:\n{plan}");
    }

    /// Taking the sources in turn reads the first entry after a bound, then a range of
    /// one source: neither sorts nor scans another source's backlog.
    #[tokio::test]
    async fn the_fair_claim_reads_its_index_in_order() {
        for (sql, params) in [(super::NEXT_SOURCE, 1), (super::CLAIM_IN_SOURCE, 4)] {
            let plan = plan(sql, params).await;
            assert!(!plan.contains("TEMP B-TREE"), "it sorts:\n{plan}");
            // Each read of the table is of the index, in its order (a scan of it stops at
            // the first entry: `LIMIT 1`), or the update of the row it found.
            for line in plan.lines().filter(|line| line.contains("webhook_inbox")) {
                assert!(
                    line.contains("USING INDEX webhook_inbox_claimable_by_source")
                        || line.contains("USING INTEGER PRIMARY KEY (rowid=?)"),
                    "{line}\n{plan}"
                );
            }
        }
    }

    #[tokio::test]
    async fn the_ordering_key_statements_read_its_index() {
        let plan = plan(super::RELEASE_NEXT, 1).await;
        assert!(plan.contains("webhook_inbox_ordering"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "it sorts:\n{plan}");
    }

    /// What an operator reads, at any size: a page of one state or of all (the next page
    /// too), the lag, and a batch of the purge, each from an index in its order.
    #[tokio::test]
    async fn the_reads_of_the_operator_read_their_indexes() {
        use super::super::{read, DeliveryState, ListFilter};
        let record = super::super::DeliveryRecord {
            id: super::super::InboxId(7),
            provider: String::new(),
            source: None,
            delivery_id: String::new(),
            event_type: None,
            state: DeliveryState::Done,
            attempts: 0,
            received_at: std::time::SystemTime::now(),
            scheduled_at: std::time::SystemTime::now(),
            finished_at: None,
            last_error: None,
        };
        let dead = ListFilter::new().state(DeliveryState::Dead);
        for (filter, params, index) in [
            (ListFilter::new(), 1, "webhook_inbox_received"),
            (
                ListFilter::new().after(&record),
                3,
                "webhook_inbox_received",
            ),
            (dead.clone(), 2, "webhook_inbox_by_state"),
            (dead.clone().after(&record), 4, "webhook_inbox_by_state"),
            // The console's filters: a search by the provider's id reads its own index;
            // the source and the event type are checked on the rows of an index read in
            // order.
            (
                ListFilter::new()
                    .source("acme")
                    .event_type("invoice.paid")
                    .delivery_id("evt_1"),
                4,
                "webhook_inbox_by_delivery_id",
            ),
            (
                dead.clone().delivery_id("evt_1").after(&record),
                5,
                "webhook_inbox_by_delivery_id",
            ),
            (
                ListFilter::new().source("acme").event_type("invoice.paid"),
                3,
                "webhook_inbox_received",
            ),
            (
                dead.source("acme").after(&record),
                5,
                "webhook_inbox_by_state",
            ),
        ] {
            let plan = plan(&read::list_sql(&filter), params).await;
            assert!(plan.contains(index), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "it sorts:\n{plan}");
            assert!(!plan.contains("SCAN webhook_inbox\n"), "it scans:\n{plan}");
        }
        let oldest = plan(read::OLDEST_UNFINISHED, 0).await;
        for line in oldest.lines().filter(|line| line.contains("webhook_inbox")) {
            assert!(
                line.contains("SEARCH webhook_inbox USING COVERING INDEX webhook_inbox_by_state"),
                "{line}\n{oldest}"
            );
        }
        let purge = plan(
            "SELECT id FROM webhook_inbox INDEXED BY webhook_inbox_done
             WHERE state = 'done' AND finished_at < ?1 ORDER BY finished_at LIMIT ?2",
            2,
        )
        .await;
        assert!(!purge.contains("TEMP B-TREE"), "it sorts:\n{purge}");
    }

    #[tokio::test]
    async fn the_rescue_of_expired_leases_reads_its_index() {
        let plan = plan(super::RESCUE_EXPIRED_LEASES, 1).await;
        assert!(plan.contains("webhook_inbox_leases"), "{plan}");
    }
}
