//! Fair claiming, one generic implementation over the SQL engines: the sources (tenants)
//! take turns at the claim. Each engine brings its own statements (SQLite and PostgreSQL
//! lock and skip rows differently); the turn-taking around them is the same.

use sqlx::{Database, Encode, Executor, IntoArguments, Type};

use super::read::failed;
use super::{InboxError, FAIR_PROBES};

/// An engine's statements of a fair claim. Each claiming statement takes `$1` now, `$2`
/// the lease token and `$3` the lease's end; [`in_source`](Self::in_source) takes the
/// source as `$4`; [`next_source`](Self::next_source) takes the source to start after as
/// `$1` (`NULL`: from the first) and returns the next source with a delivery claimable,
/// wrapping around.
pub(super) struct Statements {
    pub(super) next_source: &'static str,
    pub(super) in_source: &'static str,
    pub(super) any: &'static str,
}

/// Claims in `tx` the first due delivery of the source after `after` that has one: the
/// sources ask in turn, at most [`FAIR_PROBES`] of them, then the first due delivery of
/// all. Returns the claimed row, if any, and the turn the next claim starts after (the
/// source claimed from, or the last source asked when none of those asked had one).
pub(super) async fn claim<'c, DB>(
    tx: &mut sqlx::Transaction<'c, DB>,
    statements: &Statements,
    (now, token, until): (i64, &str, i64),
    after: Option<&str>,
) -> Result<(Option<DB::Row>, Option<String>), InboxError>
where
    DB: Database,
    for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    (Option<String>,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    let what = "a delivery could not be claimed";
    let mut after = after.map(str::to_owned);
    let mut first: Option<String> = None;
    for _ in 0..FAIR_PROBES {
        let (next,): (Option<String>,) = sqlx::query_as(statements.next_source)
            .bind(after.as_deref())
            .fetch_one(&mut **tx)
            .await
            .map_err(failed(what))?;
        let Some(source) = next else {
            return Ok((None, None));
        };
        if first.as_ref() == Some(&source) {
            // Every source was asked: none has a delivery due that no other worker holds.
            return Ok((None, None));
        }
        first.get_or_insert_with(|| source.clone());
        let row = sqlx::query(statements.in_source)
            .bind(now)
            .bind(token)
            .bind(until)
            .bind(source.clone())
            .fetch_optional(&mut **tx)
            .await
            .map_err(failed(what))?;
        if row.is_some() {
            return Ok((row, Some(source)));
        }
        after = Some(source);
    }
    // As many sources as probes have nothing due: the first due of them all, and the
    // next claim carries on after the last source asked.
    let row = sqlx::query(statements.any)
        .bind(now)
        .bind(token)
        .bind(until)
        .fetch_optional(&mut **tx)
        .await
        .map_err(failed(what))?;
    Ok((row, after))
}
