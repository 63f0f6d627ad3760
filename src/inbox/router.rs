//! The inbox's operations as JSON over HTTP (feature `inbox-router`).

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Value};

use super::{
    DeliveryDetails, DeliveryRecord, DeliveryState, Inbox, InboxError, InboxId, InboxStats,
    ListFilter,
};

/// The most deliveries one list answer holds, whatever `limit` asks.
pub const MAX_LIST_LIMIT: u32 = 1000;

impl Inbox {
    /// The inbox's operations as a JSON API, an axum [`Router`] to mount (nest) where you
    /// like **behind your own authentication**: it lets whoever reaches it read payloads
    /// and run handlers again.
    ///
    /// | Method and path | Does | Answers |
    /// | --- | --- | --- |
    /// | `GET /stats` | [`Inbox::stats`] | counts by state, `oldest_pending_age_ms`, `oldest_waiting_age_ms` |
    /// | `GET /deliveries?state=&provider=&source=&event_type=&delivery_id=&received_after=&received_before=&limit=&after=` | [`Inbox::list`] (`event_type` and `delivery_id` match exactly; times in RFC 3339, `limit` at most 1,000, default 100; `after`: the `next` of the page before) | `{"deliveries": [...], "next": …}`, newest first; `next` is `null` on a page that is not full |
    /// | `GET /deliveries/{id}` | [`Inbox::get`] | the delivery with its attempts, header names and body |
    /// | `POST /deliveries/{id}/replay` | [`Inbox::replay`] | `{"replayed": true}`; `409` if it is not dead or done |
    /// | `DELETE /deliveries/{id}` | [`Inbox::forget`] | `{"forgotten": true}`; `409` if it is the running head of an ordering key |
    /// | `POST /replay-dead` | [`Inbox::replay_dead`] | `{"replayed": n}` |
    /// | `POST /purge-done?older_than_secs=n` | [`Inbox::purge_done`] | `{"purged": n}` |
    ///
    /// A delivery that does not exist is `404`, a malformed query `400`, and a database
    /// failure `503`; every error is `{"error": "..."}`.
    ///
    /// **Every state-changing request (`POST`, `DELETE`: any method but `GET`, `HEAD`,
    /// `OPTIONS` and `TRACE`) must carry `Content-Type: application/json`**, else it is
    /// refused with `415` before it does anything (its body may stay empty). A web page
    /// on another site can make a browser send a form (`application/x-www-form-urlencoded`,
    /// `multipart/form-data`, `text/plain`) to this API with the operator's cookies, but
    /// not a JSON request: that needs a CORS preflight, which this router never answers.
    /// So an authentication layer based on cookies does not let another site replay,
    /// forget or purge deliveries. With curl: `curl -X POST -H 'content-type:
    /// application/json' …/replay-dead`. Times are RFC 3339 in UTC.
    /// Headers are shown by name only: some providers send their secret itself in a
    /// header (token schemes), and the API never shows a secret. The body is shown as text
    /// (`body`, `null` if not UTF-8) and as base64 (`body_base64`).
    ///
    /// ```no_run
    /// use axum::Router;
    /// use tower_webhook::inbox::Inbox;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let inbox = Inbox::connect("sqlite://webhooks.db").await?;
    /// let app: Router = Router::new().nest("/admin/inbox", inbox.router());
    /// // … add your authentication layer to `/admin` before serving `app`.
    /// # let _ = app;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox-router")))]
    pub fn router(&self) -> Router {
        // One check for every route, so a state-changing route added later has it too.
        Router::new()
            .route("/stats", get(stats))
            .route("/deliveries", get(list))
            .route("/deliveries/{id}", get(show).delete(forget))
            .route("/deliveries/{id}/replay", post(replay))
            .route("/replay-dead", post(replay_dead))
            .route("/purge-done", post(purge_done))
            .route_layer(axum::middleware::from_fn(refuse_simple_requests))
            .with_state(self.clone())
    }
}

/// Refuses a state-changing request without `Content-Type: application/json`: the
/// request a cross-site form (or a `no-cors` fetch) can make a browser send. Safe methods
/// pass: their answers are not readable cross-site without CORS, which is never granted.
async fn refuse_simple_requests(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if request.method().is_safe() || is_json(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(
        method = %request.method(),
        "webhook inbox API: refused a state-changing request without \
         Content-Type: application/json (what a cross-site form sends)"
    );
    ApiError(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "state-changing requests must be sent with Content-Type: application/json".to_owned(),
    )
    .into_response()
}

/// Whether the request's one `Content-Type` is `application/json` (parameters allowed).
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let mut values = headers.get_all(axum::http::header::CONTENT_TYPE).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// An error answer: `{"error": "..."}` with its status.
struct ApiError(StatusCode, String);

impl From<InboxError> for ApiError {
    fn from(error: InboxError) -> ApiError {
        match error.kind() {
            // A row that cannot be read (sealed under a key this instance lacks, or
            // damaged): not an outage, and retrying does not help.
            crate::inbox::InboxErrorKind::Configuration | crate::inbox::InboxErrorKind::Corrupt => {
                tracing::error!(error = %error, "webhook inbox API: a delivery cannot be read");
                // Its message names the key's id (never a key) or the damage.
                ApiError(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
            }
            _ => {
                tracing::error!(error = %error, "webhook inbox API: the database failed");
                // The database's own message stays in the log.
                ApiError(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the inbox is unavailable".to_owned(),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.into())
}

fn not_found() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "no such delivery".to_owned())
}

fn rfc3339(time: SystemTime) -> String {
    time::OffsetDateTime::from(time)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn parse_time(name: &str, value: &str) -> Result<SystemTime, ApiError> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(SystemTime::from)
        .map_err(|_| bad_request(format!("{name} must be an RFC 3339 time")))
}

#[derive(Serialize)]
struct RecordJson {
    id: i64,
    provider: String,
    source: Option<String>,
    delivery_id: String,
    event_type: Option<String>,
    state: &'static str,
    attempts: u32,
    received_at: String,
    scheduled_at: String,
    finished_at: Option<String>,
    last_error: Option<String>,
}

impl From<&DeliveryRecord> for RecordJson {
    fn from(record: &DeliveryRecord) -> RecordJson {
        RecordJson {
            id: record.id.get(),
            provider: record.provider.clone(),
            source: record.source.clone(),
            delivery_id: record.delivery_id.clone(),
            event_type: record.event_type.clone(),
            state: record.state.as_str(),
            attempts: record.attempts,
            received_at: rfc3339(record.received_at),
            scheduled_at: rfc3339(record.scheduled_at),
            finished_at: record.finished_at.map(rfc3339),
            last_error: record.last_error.clone(),
        }
    }
}

fn details_json(details: &DeliveryDetails) -> Value {
    let mut names: Vec<&str> = details.headers.keys().map(|name| name.as_str()).collect();
    names.dedup();
    let attempts: Vec<Value> = details
        .attempts
        .iter()
        .map(|attempt| {
            json!({
                "attempt": attempt.attempt,
                "started_at": rfc3339(attempt.started_at),
                "finished_at": attempt.finished_at.map(rfc3339),
                "error": attempt.error,
                "status": attempt.status.map(|status| status.as_u16()),
                "response": attempt.response,
                "duration_ms": attempt
                    .duration
                    .map(|duration| u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)),
            })
        })
        .collect();
    let mut value = serde_json::to_value(RecordJson::from(&details.record)).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("method".into(), json!(details.method.as_str()));
        map.insert("uri".into(), json!(details.uri.to_string()));
        map.insert("header_names".into(), json!(names));
        map.insert(
            "body".into(),
            json!(std::str::from_utf8(&details.body).ok()),
        );
        map.insert(
            "body_base64".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(&details.body)),
        );
        map.insert("attempt_log".into(), Value::Array(attempts));
        // What the signature covered: replay protection and routing rest on these.
        map.insert("id_signed".into(), json!(details.id_is_signed));
        map.insert("id_is_fingerprint".into(), json!(details.id_is_fingerprint));
        map.insert(
            "event_type_signed".into(),
            json!(details.event_type_is_signed),
        );
        map.insert("signed_at".into(), json!(details.signed_at.map(rfc3339)));
    }
    value
}

fn stats_json(stats: &InboxStats) -> Value {
    json!({
        "pending": stats.pending,
        "running": stats.running,
        "retrying": stats.retrying,
        "done": stats.done,
        "dead": stats.dead,
        "held": stats.held,
        "oldest_pending_age_ms": stats
            .oldest_pending_age
            .map(|age| u64::try_from(age.as_millis()).unwrap_or(u64::MAX)),
        "oldest_waiting_age_ms": stats
            .oldest_waiting_age
            .map(|age| u64::try_from(age.as_millis()).unwrap_or(u64::MAX)),
    })
}

async fn stats(State(inbox): State<Inbox>) -> Result<Json<Value>, ApiError> {
    Ok(Json(stats_json(&inbox.stats().await?)))
}

async fn list(
    State(inbox): State<Inbox>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let mut filter = ListFilter::new();
    let mut limit_asked = crate::inbox::DEFAULT_LIST_LIMIT;
    for (name, value) in &query {
        filter = match name.as_str() {
            "state" => filter.state(DeliveryState::parse(value).ok_or_else(|| {
                bad_request("state must be pending, running, retrying, done, dead or held")
            })?),
            "provider" => filter.provider(value.clone()),
            "source" => filter.source(value.clone()),
            "event_type" => filter.event_type(value.clone()),
            "delivery_id" => filter.delivery_id(value.clone()),
            "received_after" => filter.received_after(parse_time(name, value)?),
            "received_before" => filter.received_before(parse_time(name, value)?),
            "limit" => {
                let limit: u32 = value
                    .parse()
                    .map_err(|_| bad_request("limit must be a number"))?;
                limit_asked = limit.min(MAX_LIST_LIMIT);
                filter.limit(limit_asked)
            }
            "after" => {
                let (received, id) = value
                    .split_once('.')
                    .and_then(|(received, id)| Some((received.parse().ok()?, id.parse().ok()?)))
                    .ok_or_else(|| bad_request("after must be the `next` of a page"))?;
                filter.after_cursor(received, id)
            }
            _ => return Err(bad_request("unknown query parameter")),
        };
    }
    let records = inbox.list(&filter).await?;
    // A full page may have a next one: its cursor (the last delivery's time and id).
    let next = match records.last() {
        Some(last) if records.len() >= limit_asked as usize => Some(format!(
            "{}.{}",
            crate::inbox::to_ms(last.received_at),
            last.id.get()
        )),
        _ => None,
    };
    let records: Vec<RecordJson> = records.iter().map(RecordJson::from).collect();
    Ok(Json(json!({ "deliveries": records, "next": next })))
}

fn id(raw: &str) -> Result<InboxId, ApiError> {
    raw.parse::<i64>()
        .map(InboxId::new)
        .map_err(|_| not_found())
}

async fn show(
    State(inbox): State<Inbox>,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let details = inbox.get(id(&raw)?).await?.ok_or_else(not_found)?;
    Ok(Json(details_json(&details)))
}

async fn replay(
    State(inbox): State<Inbox>,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id(&raw)?;
    if inbox.replay(id).await? {
        return Ok(Json(json!({ "replayed": true })));
    }
    match inbox.get(id).await? {
        None => Err(not_found()),
        Some(details) => Err(ApiError(
            StatusCode::CONFLICT,
            format!(
                "the delivery is {}: only dead or done deliveries are replayed",
                details.record.state
            ),
        )),
    }
}

async fn forget(
    State(inbox): State<Inbox>,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id(&raw)?;
    if inbox.forget(id).await? {
        return Ok(Json(json!({ "forgotten": true })));
    }
    match inbox.get(id).await? {
        // The running head of an ordering key: forgotten once its attempt ends.
        Some(_) => Err(ApiError(
            StatusCode::CONFLICT,
            "the delivery is the running head of its ordering key: forget it once its \
             attempt ends"
                .to_owned(),
        )),
        None => Err(not_found()),
    }
}

async fn replay_dead(State(inbox): State<Inbox>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "replayed": inbox.replay_dead().await? })))
}

async fn purge_done(
    State(inbox): State<Inbox>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let seconds: u64 = query
        .get("older_than_secs")
        .ok_or_else(|| bad_request("older_than_secs is required"))?
        .parse()
        .map_err(|_| bad_request("older_than_secs must be a number of seconds"))?;
    let purged = inbox.purge_done(Duration::from_secs(seconds)).await?;
    Ok(Json(json!({ "purged": purged })))
}
