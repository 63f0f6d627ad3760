//! The inbox's read side (`stats`, `list`, `get`), one generic implementation over the SQL
//! engines: the schemas are the same and these statements are plain SQL, so only the
//! placeholders differ, and `QueryBuilder` writes those for each engine.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use super::at_rest::{self, RowIdentity};
use super::{
    decode_headers, from_ms, to_ms, AtRestKeys, AttemptRecord, Claimed, DeliveryDetails,
    DeliveryRecord, DeliveryState, InboxError, InboxErrorKind, InboxId, InboxStats, ListFilter,
};
use crate::delivery::StoredParts;
use crate::replay::ReplayKey;

/// The columns [`record`] reads.
pub(super) const RECORD_COLUMNS: &str = "id, provider, source, delivery_id, event_type, \
    state, attempts, received_at, scheduled_at, finished_at, last_error";

const UNREADABLE: &str = "the inbox could not be read";

pub(super) fn failed(what: &'static str) -> impl FnOnce(sqlx::Error) -> InboxError {
    move |error| InboxError::sql(what, error)
}

/// A row of [`RECORD_COLUMNS`] as a [`DeliveryRecord`].
pub(super) fn record<R>(row: &R) -> Result<DeliveryRecord, InboxError>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let get = || -> Result<DeliveryRecord, sqlx::Error> {
        let state: String = row.try_get("state")?;
        Ok(DeliveryRecord {
            id: InboxId(row.try_get("id")?),
            provider: row.try_get("provider")?,
            source: row.try_get("source")?,
            delivery_id: row.try_get("delivery_id")?,
            event_type: row.try_get("event_type")?,
            state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Pending),
            attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(0),
            received_at: from_ms(row.try_get("received_at")?),
            scheduled_at: from_ms(row.try_get("scheduled_at")?),
            finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(from_ms),
            last_error: row.try_get("last_error")?,
        })
    };
    get().map_err(failed(UNREADABLE))
}

/// A claimed delivery's row (the columns both engines' `claim` return) and its replay keys'
/// rows as a [`Claimed`].
pub(super) fn claimed<R>(
    row: &R,
    key_rows: &[R],
    id: i64,
    attempt: i64,
    what: &'static str,
) -> Result<Claimed, InboxError>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
{
    let keys = key_rows
        .iter()
        .filter_map(|row| {
            let bytes: Vec<u8> = row.try_get(0).ok()?;
            Some(ReplayKey::from_bytes(bytes.try_into().ok()?))
        })
        .collect();
    let text = |column: &str| row.try_get::<String, _>(column).map_err(failed(what));
    let optional = |column: &str| {
        row.try_get::<Option<String>, _>(column)
            .map_err(failed(what))
    };
    let flag = |column: &str| row.try_get::<bool, _>(column).map_err(failed(what));
    let parts = StoredParts {
        provider: Arc::from(text("provider")?),
        source: optional("source")?.map(Arc::from),
        id: text("delivery_id")?.into_boxed_str(),
        id_is_fingerprint: flag("id_is_fingerprint")?,
        id_signed: flag("id_signed")?,
        event_type: optional("event_type")?.map(String::into_boxed_str),
        event_type_signed: flag("event_type_signed")?,
        timestamp: row
            .try_get::<Option<i64>, _>("signed_at")
            .map_err(failed(what))?
            .map(from_ms),
        keys,
    };
    Ok(Claimed {
        id: InboxId(id),
        attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
        received_at: row.try_get("received_at").map_err(failed(what))?,
        method: text("method")?,
        uri: text("uri")?,
        headers: row.try_get("headers").map_err(failed(what))?,
        body: Bytes::from(row.try_get::<Vec<u8>, _>("body").map_err(failed(what))?),
        parts,
        ordering_key: optional("ordering_key")?,
        sealed_with: optional("sealed_with")?,
        // Only a well-formed one is used (the column may have been written by hand).
        traceparent: optional("traceparent")?.filter(|text| super::trace::is_valid(text)),
    })
}

/// The count of deliveries in each state: the folded totals plus the deltas the tally's
/// triggers appended since (folded about every second), never a count of the table. One
/// statement, so one snapshot: a fold moves deltas into the totals atomically.
pub(super) const STATE_COUNTS: &str = "SELECT state, CAST(SUM(n) AS BIGINT) FROM (
         SELECT state, total AS n FROM webhook_inbox_counts
         UNION ALL SELECT state, delta FROM webhook_inbox_tally
     ) AS counted GROUP BY state";

/// When the oldest delivery not yet handled was received, and the oldest waiting for an
/// attempt (pending or retrying): the first entry of each unfinished state in
/// `webhook_inbox_by_state`.
pub(super) const OLDEST_UNFINISHED: &str =
    "SELECT MIN(oldest), MIN(CASE WHEN waiting = 1 THEN oldest END) FROM (
     SELECT MIN(received_at) AS oldest, 1 AS waiting FROM webhook_inbox WHERE state = 'pending'
     UNION ALL SELECT MIN(received_at), 0 FROM webhook_inbox WHERE state = 'running'
     UNION ALL SELECT MIN(received_at), 1 FROM webhook_inbox WHERE state = 'retrying'
     UNION ALL SELECT MIN(received_at), 0 FROM webhook_inbox WHERE state = 'held'
 ) AS unfinished";

/// The counts of deliveries by state, and the age of the oldest unfinished one.
pub(super) async fn stats<DB>(pool: &Pool<DB>, now: i64) -> Result<InboxStats, InboxError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    for<'r> Option<i64>: Decode<'r, DB> + Type<DB>,
{
    let rows = sqlx::query::<DB>(STATE_COUNTS)
        .fetch_all(pool)
        .await
        .map_err(failed(UNREADABLE))?;
    let mut stats = InboxStats::default();
    for row in rows {
        let state: String = row.try_get(0).map_err(failed(UNREADABLE))?;
        let count: i64 = row.try_get(1).map_err(failed(UNREADABLE))?;
        let count = u64::try_from(count).unwrap_or(0);
        match DeliveryState::parse(&state) {
            Some(DeliveryState::Pending) => stats.pending = count,
            Some(DeliveryState::Running) => stats.running = count,
            Some(DeliveryState::Retrying) => stats.retrying = count,
            Some(DeliveryState::Done) => stats.done = count,
            Some(DeliveryState::Dead) => stats.dead = count,
            Some(DeliveryState::Held) => stats.held = count,
            None => {}
        }
    }
    let row = sqlx::query::<DB>(OLDEST_UNFINISHED)
        .fetch_one(pool)
        .await
        .map_err(failed(UNREADABLE))?;
    let oldest: Option<i64> = row.try_get(0).map_err(failed(UNREADABLE))?;
    let oldest_waiting: Option<i64> = row.try_get(1).map_err(failed(UNREADABLE))?;
    let age = |received: i64| {
        Duration::from_millis(u64::try_from(now.saturating_sub(received)).unwrap_or(0))
    };
    stats.oldest_pending_age = oldest.map(age);
    stats.oldest_waiting_age = oldest_waiting.map(age);
    Ok(stats)
}

/// The statement of [`list`] for `filter`: its conditions, newest first, a page. Every
/// value is a bound parameter (`list` binds them in the order of the clauses here), never
/// text of the statement.
///
/// The state and the time received are served by the indexes `webhook_inbox_by_state` and
/// `webhook_inbox_received`, in the page's order, and a delivery id by
/// `webhook_inbox_by_delivery_id`; the provider, source and event type are checked on the
/// rows those indexes yield (no index of their own: each would be one more B-tree entry
/// on every acknowledgement), so a value that few deliveries have reads further down the
/// index to fill a page.
pub(super) fn list_sql(filter: &ListFilter) -> String {
    // The filters' clauses, then their values bound in the same order. `$n` placeholders:
    // PostgreSQL's, and SQLite reads `$n` as the nth parameter too.
    let mut sql = format!("SELECT {RECORD_COLUMNS} FROM webhook_inbox WHERE 1 = 1");
    let mut n = 0;
    let mut clause = |sql: &mut String, condition: &str| {
        n += 1;
        sql.push_str(&format!(" AND {condition} ${n}"));
    };
    if filter.state.is_some() {
        clause(&mut sql, "state =");
    }
    if filter.provider.is_some() {
        clause(&mut sql, "provider =");
    }
    if filter.source.is_some() {
        clause(&mut sql, "source =");
    }
    if filter.event_type.is_some() {
        clause(&mut sql, "event_type =");
    }
    if filter.delivery_id.is_some() {
        clause(&mut sql, "delivery_id =");
    }
    if filter.received_after.is_some() {
        clause(&mut sql, "received_at >=");
    }
    if filter.received_before.is_some() {
        clause(&mut sql, "received_at <");
    }
    if filter.after.is_some() {
        n += 2;
        sql.push_str(&format!(" AND (received_at, id) < (${}, ${n})", n - 1));
    }
    sql.push_str(&format!(
        " ORDER BY received_at DESC, id DESC LIMIT ${}",
        n + 1
    ));
    sql
}

/// The deliveries `filter` selects, newest first.
pub(super) async fn list<DB>(
    pool: &Pool<DB>,
    filter: &ListFilter,
) -> Result<Vec<DeliveryRecord>, InboxError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    for<'r> Option<i64>: Decode<'r, DB> + Type<DB>,
{
    let sql = list_sql(filter);
    let mut query = sqlx::query::<DB>(&sql);
    if let Some(state) = filter.state {
        query = query.bind(state.as_str());
    }
    if let Some(provider) = &filter.provider {
        query = query.bind(provider.as_str());
    }
    if let Some(source) = &filter.source {
        query = query.bind(source.as_str());
    }
    if let Some(event_type) = &filter.event_type {
        query = query.bind(event_type.as_str());
    }
    if let Some(delivery_id) = &filter.delivery_id {
        query = query.bind(delivery_id.as_str());
    }
    if let Some(after) = filter.received_after {
        query = query.bind(to_ms(after));
    }
    if let Some(before) = filter.received_before {
        query = query.bind(to_ms(before));
    }
    if let Some((received, id)) = filter.after {
        query = query.bind(received).bind(id);
    }
    let rows = query
        .bind(i64::from(filter.limit))
        .fetch_all(pool)
        .await
        .map_err(failed(UNREADABLE))?;
    rows.iter().map(record).collect()
}

/// One delivery with its request and every attempt, or `None` when there is no such id.
pub(super) async fn get<DB>(
    pool: &Pool<DB>,
    id: InboxId,
    keys: Option<&AtRestKeys>,
) -> Result<Option<DeliveryDetails>, InboxError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    for<'q> i64: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    for<'r> Option<i64>: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
{
    let sql = format!(
        "SELECT {RECORD_COLUMNS}, method, uri, headers, body, sealed_with, id_signed,
         id_is_fingerprint, event_type_signed, signed_at FROM webhook_inbox WHERE id = $1"
    );
    let row = sqlx::query::<DB>(&sql)
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(failed(UNREADABLE))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let attempts = sqlx::query::<DB>(
        "SELECT attempt, started_at, finished_at, error, status, response, duration_ms
         FROM webhook_inbox_attempts
         WHERE delivery = $1 ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await
    .map_err(failed(UNREADABLE))?;
    let attempts = attempts
        .iter()
        .map(|row| {
            let record = AttemptRecord {
                attempt: u32::try_from(row.try_get::<i64, _>(0)?).unwrap_or(0),
                started_at: from_ms(row.try_get(1)?),
                finished_at: row.try_get::<Option<i64>, _>(2)?.map(from_ms),
                error: row.try_get(3)?,
                status: row
                    .try_get::<Option<i64>, _>(4)?
                    .and_then(|status| u16::try_from(status).ok())
                    .and_then(|status| http::StatusCode::from_u16(status).ok()),
                response: None,
                duration: row
                    .try_get::<Option<i64>, _>(6)?
                    .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0))),
            };
            Ok((record, row.try_get::<Option<String>, _>(5)?))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(failed(UNREADABLE))?;
    let method: String = row.try_get("method").map_err(failed(UNREADABLE))?;
    let uri: String = row.try_get("uri").map_err(failed(UNREADABLE))?;
    let headers: Vec<u8> = row.try_get("headers").map_err(failed(UNREADABLE))?;
    let body: Vec<u8> = row.try_get("body").map_err(failed(UNREADABLE))?;
    let sealed_with: Option<String> = row.try_get("sealed_with").map_err(failed(UNREADABLE))?;
    let flag = |column: &str| row.try_get::<bool, _>(column).map_err(failed(UNREADABLE));
    let (id_is_signed, id_is_fingerprint, event_type_is_signed) = (
        flag("id_signed")?,
        flag("id_is_fingerprint")?,
        flag("event_type_signed")?,
    );
    let signed_at = row
        .try_get::<Option<i64>, _>("signed_at")
        .map_err(failed(UNREADABLE))?
        .map(from_ms);
    let record = record(&row)?;
    let identity = RowIdentity {
        provider: &record.provider,
        source: record.source.as_deref(),
        delivery_id: &record.delivery_id,
        event_type: record.event_type.as_deref(),
        received_at: row.try_get("received_at").map_err(failed(UNREADABLE))?,
    };
    let (uri, headers, body) = at_rest::open(
        keys,
        sealed_with.as_deref(),
        &identity,
        uri,
        headers,
        Bytes::from(body),
    )?;
    let attempts = attempts
        .into_iter()
        .map(|(mut record, response)| {
            record.response = response
                .map(|stored| {
                    at_rest::open_response(keys, sealed_with.as_deref(), &identity, stored)
                })
                .transpose()?;
            Ok(record)
        })
        .collect::<Result<Vec<_>, InboxError>>()?;
    Ok(Some(DeliveryDetails {
        record,
        method: method
            .parse()
            .map_err(|error| InboxError::with_source(InboxErrorKind::Corrupt, UNREADABLE, error))?,
        uri: uri
            .parse()
            .map_err(|error| InboxError::with_source(InboxErrorKind::Corrupt, UNREADABLE, error))?,
        headers: decode_headers(&headers),
        body,
        attempts,
        id_is_signed,
        id_is_fingerprint,
        event_type_is_signed,
        signed_at,
    }))
}
