//! The console's pages: maud templates (every value escaped) and their handlers, each
//! over one of the inbox's public operations.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use axum::extract::{Form, OriginalUri, Path, Query, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use super::auth::Session;
use super::{base_of, mount_path, see_other, Console};
use crate::inbox::{
    to_ms, DeliveryDetails, DeliveryRecord, DeliveryState, InboxError, InboxErrorKind, InboxId,
    ListFilter, MAX_RESPONSE_EXCERPT, REDACTED,
};

/// Rows on a page of deliveries.
const PAGE: usize = 100;
/// The most deliveries the overview reads for its chart and its lists of failures.
const SAMPLE: u32 = 1000;
/// The most dead deliveries one "Replay all matching" replays.
const BULK_LIMIT: usize = 10_000;
/// The most bytes of a body shown in the page (the raw view has all of it).
const BODY_CAP: usize = 64 * 1024;
/// The most bytes of a header value or an error shown.
const TEXT_CAP: usize = 2048;

const STATES: [DeliveryState; 6] = [
    DeliveryState::Pending,
    DeliveryState::Running,
    DeliveryState::Retrying,
    DeliveryState::Done,
    DeliveryState::Dead,
    DeliveryState::Held,
];

/// What every page needs: the way back to the console's root, the session's CSRF token,
/// whether there is a session to end.
struct Frame {
    base: String,
    csrf: String,
    logout: bool,
}

impl Frame {
    fn new(console: &Console, session: &Session, uri: &Uri) -> Frame {
        Frame {
            base: base_of(uri.path()),
            csrf: console.auth.csrf(session),
            logout: matches!(session, Session::Cookie(_)),
        }
    }

    fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf); }
    }

    fn page(&self, title: &str, content: Markup) -> Response {
        let base = &self.base;
        let markup = html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · webhook inbox" }
                    link rel="stylesheet" href={ (base) "console.css" };
                }
                body {
                    header {
                        strong { "Webhook inbox" }
                        nav {
                            a href={ (base) "overview" } { "Overview" }
                            a href={ (base) "deliveries" } { "Deliveries" }
                            a href={ (base) "deliveries?state=dead" } { "Dead" }
                        }
                        @if self.logout {
                            form method="post" action={ (base) "logout" } {
                                (self.csrf_field())
                                button type="submit" { "Log out" }
                            }
                        }
                    }
                    main { (content) }
                }
            }
        };
        html_response(StatusCode::OK, markup)
    }
}

fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// A short page that says why a request was refused or failed.
pub(super) fn problem(status: StatusCode, message: &str) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (status.as_u16()) " · webhook inbox" } }
            body { main { h1 { (status) } p.problem { (message) } } }
        }
    };
    html_response(status, markup)
}

pub(super) async fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "There is no such page.")
}

/// A failure of a page: its status and what the person is told.
pub(super) struct PageError(StatusCode, String);

impl From<InboxError> for PageError {
    fn from(error: InboxError) -> PageError {
        match error.kind() {
            InboxErrorKind::Configuration | InboxErrorKind::Corrupt => {
                tracing::error!(error = %error, "webhook inbox console: a delivery cannot be read");
                // Its message names the key's id (never a key) or the damage.
                PageError(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
            }
            _ => {
                tracing::error!(error = %error, "webhook inbox console: the database failed");
                PageError(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The inbox is unavailable; the log says why.".to_owned(),
                )
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        problem(self.0, &self.1)
    }
}

fn bad_request(message: impl Into<String>) -> PageError {
    PageError(StatusCode::BAD_REQUEST, message.into())
}

fn no_such_delivery() -> PageError {
    PageError(
        StatusCode::NOT_FOUND,
        "There is no such delivery.".to_owned(),
    )
}

fn parse_id(raw: &str) -> Result<InboxId, PageError> {
    raw.parse::<i64>()
        .map(InboxId::new)
        .map_err(|_| no_such_delivery())
}

// ---- formatting ----

fn when(time: SystemTime) -> String {
    let time = time::OffsetDateTime::from(time);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

fn age(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        3600..86400 => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
        _ => format!("{} d {} h", seconds / 86400, seconds % 86400 / 3600),
    }
}

/// How long an attempt took: milliseconds under ten seconds, else seconds.
fn took_text(took: Duration) -> String {
    if took < Duration::from_secs(10) {
        format!("{} ms", took.as_millis())
    } else {
        format!("{:.1} s", took.as_secs_f64())
    }
}

/// `text` cut to at most `cap` bytes, at a character boundary.
fn capped(text: &str, cap: usize) -> (&str, bool) {
    if text.len() <= cap {
        return (text, false);
    }
    let mut end = cap;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

fn state_cell(state: DeliveryState) -> Markup {
    html! { span class={ "state-" (state.as_str()) } { (state.as_str()) } }
}

fn notice(done: &Notice) -> Markup {
    let message = match done.done.as_deref() {
        Some("replayed") => "Replayed: the delivery is pending again.".to_owned(),
        Some("forgotten") => "Forgotten: the delivery and its attempts are deleted.".to_owned(),
        Some("replayed-matching") => {
            format!("Replayed {} dead deliveries.", done.count.unwrap_or(0))
        }
        Some("purged") => format!("Purged {} done deliveries.", done.count.unwrap_or(0)),
        _ => return html! {},
    };
    html! { p.notice role="status" { (message) } }
}

/// A notice a redirect after a state change carries: fixed words and a number only.
#[derive(Deserialize, Default)]
pub(super) struct Notice {
    done: Option<String>,
    count: Option<u64>,
}

// ---- overview ----

pub(super) async fn overview(
    State(console): State<Console>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Query(done): Query<Notice>,
) -> Result<Response, PageError> {
    let frame = Frame::new(&console, &session, &uri);
    let inbox = &console.inbox;
    let stats = inbox.stats().await?;
    let now = SystemTime::now();
    let day_ago = now - Duration::from_secs(24 * 3600);
    let recent = inbox
        .list(&ListFilter::new().received_after(day_ago).limit(SAMPLE))
        .await?;
    let dead = inbox
        .list(&ListFilter::new().state(DeliveryState::Dead).limit(SAMPLE))
        .await?;
    let counts = [
        ("pending", stats.pending),
        ("running", stats.running),
        ("retrying", stats.retrying),
        ("held", stats.held),
        ("dead", stats.dead),
        ("done", stats.done),
    ];
    let top = |key: fn(&DeliveryRecord) -> Option<&str>| {
        let mut by: HashMap<&str, u64> = HashMap::new();
        for record in &dead {
            if let Some(name) = key(record) {
                *by.entry(name).or_default() += 1;
            }
        }
        let mut by: Vec<(&str, u64)> = by.into_iter().collect();
        by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        by.truncate(5);
        by.into_iter()
            .map(|(name, count)| (name.to_owned(), count))
            .collect::<Vec<_>>()
    };
    let providers = top(|record| Some(record.provider.as_str()));
    let sources = top(|record| record.source.as_deref());
    let base = &frame.base;
    let content = html! {
        h1 { "Overview" }
        (notice(&done))
        div.counts {
            @for (state, count) in counts {
                div {
                    strong { (count) }
                    a href={ (base) "deliveries?state=" (state) } { (state) }
                }
            }
        }
        p {
            "Oldest not yet handled: "
            @match stats.oldest_pending_age {
                Some(waited) => { strong { (age(waited)) } " ago" },
                None => { span.muted { "none" } },
            }
        }
        h2 { "Last 24 hours" }
        (chart(&recent, now))
        p.muted {
            "Per hour received: accepted, failed at least once and not dead, dead now."
            @if recent.len() as u32 >= SAMPLE {
                " Drawn from the newest " (SAMPLE) " deliveries of the last 24 hours only: more were received."
            }
        }
        h2 { "Most dead deliveries" }
        @if dead.is_empty() {
            p.muted { "No dead delivery." }
        } @else {
            table {
                thead { tr { th { "Provider" } th { "Dead" } } }
                tbody {
                    @for (provider, count) in &providers {
                        tr {
                            td { a href={ (base) "deliveries?state=dead&provider=" (urlencoded(provider)) } { (provider) } }
                            td { (count) }
                        }
                    }
                }
            }
            @if !sources.is_empty() {
                table {
                    thead { tr { th { "Source" } th { "Dead" } } }
                    tbody {
                        @for (source, count) in &sources {
                            tr {
                                td { a href={ (base) "deliveries?state=dead&source=" (urlencoded(source)) } { (source) } }
                                td { (count) }
                            }
                        }
                    }
                }
            }
            @if dead.len() as u32 >= SAMPLE {
                p.muted { "Among the newest " (SAMPLE) " dead deliveries." }
            }
        }
        h2 { "Purge" }
        form method="post" action={ (base) "purge-done" } {
            (frame.csrf_field())
            label { "Delete done deliveries finished more than "
                input type="number" name="days" min="0" value="30" required;
                " days ago " }
            button type="submit" { "Purge" }
        }
        p.muted { "Their replay keys stay for the replay window, so a late retry or a copy is still a duplicate." }
    };
    Ok(frame.page("Overview", content))
}

/// `value` as a query parameter's value (a filter value of the operator's own, never a
/// payload's).
fn urlencoded(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Accepted, failed and dead per hour of the last 24, as bars drawn on the server.
fn chart(recent: &[DeliveryRecord], now: SystemTime) -> Markup {
    let mut buckets = [[0u64; 3]; 24];
    for record in recent {
        let Ok(ago) = now.duration_since(record.received_at) else {
            continue;
        };
        let hours = (ago.as_secs() / 3600) as usize;
        let Some(bucket) = 23usize.checked_sub(hours).and_then(|i| buckets.get_mut(i)) else {
            continue;
        };
        bucket[0] += 1;
        if record.state == DeliveryState::Dead {
            bucket[2] += 1;
        } else if record.last_error.is_some() {
            bucket[1] += 1;
        }
    }
    let max = buckets.iter().flatten().copied().max().unwrap_or(0).max(1);
    let (width, height, bottom) = (720u64, 160u64, 20u64);
    let scale = |count: u64| count * (height - bottom - 10) / max;
    let classes = ["accepted", "failed", "dead"];
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) }
            role="img" aria-label="Deliveries per hour over the last 24 hours" {
            // Not `;`: maud writes `<line>`, which is no void element in SVG.
            line x1="0" y1=(height - bottom) x2=(width) y2=(height - bottom) {}
            @for (index, bucket) in buckets.iter().enumerate() {
                @for (kind, count) in bucket.iter().enumerate() {
                    @let bar = scale(*count);
                    rect class=(classes[kind])
                        x=(index as u64 * 30 + 2 + kind as u64 * 9) y=(height - bottom - bar)
                        width="8" height=(bar) {
                        title { (count) " " (classes[kind]) ", " (23 - index) "–" (24 - index) " h ago" }
                    }
                }
                @if index % 6 == 0 {
                    text x=(index as u64 * 30) y=(height - 5) { "−" (24 - index) " h" }
                }
            }
            text x=(width - 30) y=(height - 5) { "now" }
            text x="2" y="10" { "max " (max) }
        }
        p.legend {
            span.accepted { "■ accepted" }
            span.failed { "■ failed, not dead" }
            span.dead { "■ dead" }
        }
    }
}

// ---- deliveries ----

/// The filter form's fields (and the page cursor), as the query string carries them.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct Filters {
    state: String,
    provider: String,
    source: String,
    event: String,
    q: String,
    received_after: String,
    received_before: String,
    after: String,
}

/// A time the filter form holds, in UTC: `2026-12-07T20:38` (a `datetime-local` field's
/// value), with seconds, a space for the `T`, or a `Z`; a date alone (its midnight); or
/// RFC 3339 with an offset. Anything else is the person's mistake: a `400` saying so.
fn parse_time(name: &str, text: &str) -> Result<Option<SystemTime>, PageError> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || {
        bad_request(format!(
            "{name} must be a time in UTC, such as 2026-12-07T20:38 or 2026-12-07 20:38:05, \
             or a date, such as 2026-12-07"
        ))
    };
    if let Ok(time) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(Some(time.into()));
    }
    let local = text.replacen(' ', "T", 1);
    let local = local.strip_suffix(['Z', 'z']).unwrap_or(&local);
    let full = match local.len() {
        10 => format!("{local}T00:00:00Z"),
        16 => format!("{local}:00Z"),
        19.. => format!("{local}Z"),
        _ => return Err(invalid()),
    };
    time::OffsetDateTime::parse(&full, &Rfc3339)
        .map(|time| Some(time.into()))
        .map_err(|_| invalid())
}

/// `time` as a `datetime-local` field's value, in UTC.
fn field_time(time: SystemTime) -> String {
    let time = time::OffsetDateTime::from(time);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

impl Filters {
    fn state(&self) -> Result<Option<DeliveryState>, PageError> {
        match self.state.as_str() {
            "" => Ok(None),
            name => DeliveryState::parse(name).map(Some).ok_or_else(|| {
                bad_request("state must be pending, running, retrying, done, dead or held")
            }),
        }
    }

    /// The inbox's filter for these fields (not the cursor).
    fn list_filter(&self) -> Result<ListFilter, PageError> {
        let mut filter = ListFilter::new();
        if let Some(state) = self.state()? {
            filter = filter.state(state);
        }
        let text = |value: &str| {
            Some(value.trim())
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        if let Some(provider) = text(&self.provider) {
            filter = filter.provider(provider);
        }
        if let Some(source) = text(&self.source) {
            filter = filter.source(source);
        }
        if let Some(event) = text(&self.event) {
            filter = filter.event_type(event);
        }
        if let Some(q) = text(&self.q) {
            filter = filter.delivery_id(q);
        }
        let (from, until) = self.received()?;
        if let Some(from) = from {
            filter = filter.received_after(from);
        }
        if let Some(until) = until {
            filter = filter.received_before(until);
        }
        Ok(filter)
    }

    /// The received-after and received-before bounds, checked.
    fn received(&self) -> Result<(Option<SystemTime>, Option<SystemTime>), PageError> {
        let from = parse_time("Received after", &self.received_after)?;
        let until = parse_time("Received before", &self.received_before)?;
        if let (Some(from), Some(until)) = (from, until) {
            if from >= until {
                return Err(bad_request(
                    "Received after must be earlier than received before.",
                ));
            }
        }
        Ok((from, until))
    }

    fn with_cursor(&self, filter: ListFilter) -> Result<ListFilter, PageError> {
        if self.after.is_empty() {
            return Ok(filter);
        }
        let (received, id) = self
            .after
            .split_once('.')
            .and_then(|(received, id)| Some((received.parse().ok()?, id.parse().ok()?)))
            .ok_or_else(|| bad_request("after must be the cursor of a next page"))?;
        Ok(filter.after_cursor(received, id))
    }

    /// The fields that are set, as a query string, with `after` as the cursor.
    fn query(&self, after: Option<&str>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in self.fields() {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        if let Some(after) = after {
            query.append_pair("after", after);
        }
        query.finish()
    }

    fn fields(&self) -> [(&'static str, &str); 7] {
        [
            ("state", &self.state),
            ("provider", &self.provider),
            ("source", &self.source),
            ("event", &self.event),
            ("q", &self.q),
            ("received_after", &self.received_after),
            ("received_before", &self.received_before),
        ]
    }

    fn hidden_fields(&self) -> Markup {
        html! {
            @for (name, value) in self.fields() {
                @if !value.is_empty() { input type="hidden" name=(name) value=(value); }
            }
        }
    }
}

pub(super) async fn deliveries(
    State(console): State<Console>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Query(filters): Query<Filters>,
    Query(done): Query<Notice>,
) -> Result<Response, PageError> {
    let frame = Frame::new(&console, &session, &uri);
    let filter = filters.with_cursor(filters.list_filter()?)?;
    let mut records = console.inbox.list(&filter.limit(PAGE as u32 + 1)).await?;
    let more = records.len() > PAGE;
    records.truncate(PAGE);
    let next = match records.last() {
        Some(last) if more => Some(filters.query(Some(&format!(
            "{}.{}",
            to_ms(last.received_at),
            last.id.get()
        )))),
        _ => None,
    };
    let state = filters.state()?;
    let (from, until) = filters.received()?;
    let base = &frame.base;
    let content = html! {
        h1 { "Deliveries" }
        (notice(&done))
        form.filters method="get" action={ (base) "deliveries" } {
            label { "State"
                select name="state" {
                    option value="" selected[state.is_none()] { "any" }
                    @for option in STATES {
                        option value=(option.as_str()) selected[state == Some(option)] { (option.as_str()) }
                    }
                }
            }
            label { "Provider" input type="text" name="provider" value=(filters.provider); }
            label { "Source" input type="text" name="source" value=(filters.source); }
            label { "Event type (exact)" input type="text" name="event" value=(filters.event); }
            label { "Delivery id (exact)" input type="search" name="q" value=(filters.q); }
            label { "Received after (UTC)"
                input type="datetime-local" step="1" name="received_after"
                    value=(from.map(field_time).unwrap_or_default()); }
            label { "Received before (UTC)"
                input type="datetime-local" step="1" name="received_before"
                    value=(until.map(field_time).unwrap_or_default()); }
            button type="submit" { "Filter" }
        }
        @if matches!(state, None | Some(DeliveryState::Dead)) {
            form.actions method="get" action={ (base) "replay-matching" } {
                (filters.hidden_fields())
                button type="submit" { "Replay all matching" }
                span.muted { " every dead delivery matching this filter, after a page that shows how many" }
            }
        }
        @if records.is_empty() {
            p.muted { "No delivery matches." }
        } @else {
            table {
                thead { tr {
                    th { "#" } th { "Received" } th { "Provider" } th { "Source" }
                    th { "Delivery id" } th { "Event type" } th { "State" } th { "Attempts" }
                    th { "Last error" }
                } }
                tbody {
                    @for record in &records {
                        tr data-delivery-id=(record.id.get()) {
                            td { a href={ (base) "deliveries/" (record.id.get()) } { (record.id.get()) } }
                            td { (when(record.received_at)) }
                            td { (record.provider) }
                            td { (record.source.as_deref().unwrap_or("")) }
                            td.value { (capped(&record.delivery_id, 200).0) }
                            td.value { (capped(record.event_type.as_deref().unwrap_or(""), 200).0) }
                            td { (state_cell(record.state)) }
                            td { (record.attempts) }
                            td.error { (capped(record.last_error.as_deref().unwrap_or(""), 200).0) }
                        }
                    }
                }
            }
        }
        @if let Some(next) = &next {
            p { a rel="next" href={ "?" (next) } { "Next page →" } }
        }
    };
    Ok(frame.page("Deliveries", content))
}

// ---- one delivery ----

/// Names of headers whose values are credentials in some scheme: each preset's declared
/// credential headers, and the usual ones.
fn credential_headers() -> &'static [HeaderName] {
    static HEADERS: OnceLock<Vec<HeaderName>> = OnceLock::new();
    HEADERS.get_or_init(|| {
        use crate::Scheme as _;
        let mut names: Vec<HeaderName> = [
            header::AUTHORIZATION,
            header::PROXY_AUTHORIZATION,
            header::COOKIE,
            header::SET_COOKIE,
        ]
        .into();
        for preset in crate::providers::ALL {
            for name in preset.scheme().credential_fields().headers() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        names
    })
}

/// Parts of a header or parameter name that mark a credential, masked whatever the scheme.
const CREDENTIAL_HINTS: [&str; 9] = [
    "auth", "token", "secret", "password", "passwd", "api-key", "apikey", "api_key", "session",
];

fn looks_like_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    CREDENTIAL_HINTS.iter().any(|hint| name.contains(hint))
}

/// How a header's value is shown: masked when it is a credential.
fn header_value(name: &HeaderName, value: &HeaderValue) -> Markup {
    if value.as_bytes() == REDACTED.as_bytes() {
        return html! { span.muted { (REDACTED) " (never stored)" } };
    }
    if credential_headers().contains(name) || looks_like_credential(name.as_str()) {
        return html! { span.muted { "[masked]" } };
    }
    match value.to_str() {
        Ok(text) => {
            let (shown, cut) = capped(text, TEXT_CAP);
            html! { (shown) @if cut { span.muted { " … (cut)" } } }
        }
        Err(_) => html! { span.muted { "(" (value.len()) " bytes, not text)" } },
    }
}

/// The URI with the value of every query parameter that looks like a credential masked.
fn masked_uri(uri: &Uri) -> String {
    super::super::redact_query(uri, |name| {
        looks_like_credential(name) || name.eq_ignore_ascii_case("key")
    })
}

/// The most bytes the indented body may take: indentation grows with the depth, so a
/// body nested thousands deep would otherwise become a page of gigabytes.
const PRETTY_CAP: usize = 4 * BODY_CAP;

/// `json` (valid JSON) indented, its keys and numbers as they are; `None` when the
/// indented text would exceed [`PRETTY_CAP`] (the body is then shown as received).
fn pretty_json(json: &str) -> Option<String> {
    let mut out = String::with_capacity(json.len() * 2);
    let mut indent = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, indent: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", indent));
    };
    while let Some(c) = chars.next() {
        if out.len() > PRETTY_CAP {
            return None;
        }
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    indent += 1;
                    newline(&mut out, indent);
                }
            }
            '}' | ']' => {
                indent = indent.saturating_sub(1);
                newline(&mut out, indent);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, indent);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    (out.len() <= PRETTY_CAP).then_some(out)
}

fn body_view(details: &DeliveryDetails, base: &str) -> Markup {
    let body = &details.body;
    let id = details.record.id.get();
    let text = std::str::from_utf8(body).ok();
    let json = text.filter(|text| {
        body.len() <= BODY_CAP && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    });
    let pretty = json.and_then(pretty_json);
    let raw = String::from_utf8_lossy(&body[..body.len().min(BODY_CAP)]);
    html! {
        p.muted {
            (body.len()) " bytes"
            @if json.is_some() { ", JSON" } @else if text.is_none() { ", not UTF-8 text" }
            @if json.is_some() && pretty.is_none() { ", nested too deep to indent" }
            " · " a href={ (base) "deliveries/" (id) "/raw" } { "raw" }
        }
        @if let Some(pretty) = pretty {
            pre.body { code { (pretty) } }
            details { summary { "As received" } pre { (raw) } }
        } @else {
            pre.body { (raw) }
            @if body.len() > BODY_CAP {
                p.muted { "The first " (BODY_CAP) " bytes; the raw view has all of them." }
            }
        }
    }
}

pub(super) async fn delivery(
    State(console): State<Console>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(raw): Path<String>,
    Query(done): Query<Notice>,
) -> Result<Response, PageError> {
    let frame = Frame::new(&console, &session, &uri);
    let details = console
        .inbox
        .get(parse_id(&raw)?)
        .await?
        .ok_or_else(no_such_delivery)?;
    let record = &details.record;
    let id = record.id.get();
    let base = &frame.base;
    let replayable = matches!(record.state, DeliveryState::Dead | DeliveryState::Done);
    let content = html! {
        h1 { "Delivery " (id) " " (state_cell(record.state)) }
        (notice(&done))
        div.actions {
            @if replayable {
                form.inline method="post" action={ (base) "deliveries/" (id) "/replay" } {
                    (frame.csrf_field())
                    button type="submit" { "Replay" }
                }
            }
            form.inline method="post" action={ (base) "deliveries/" (id) "/forget" } {
                (frame.csrf_field())
                button type="submit" { "Forget" }
            }
        }
        dl.meta {
            dt { "Provider" } dd { (record.provider) }
            dt { "Source" } dd { (record.source.as_deref().unwrap_or("—")) }
            dt { "Delivery id" } dd.id { (record.delivery_id) " " (signed_note(&details)) }
            dt { "Event type" } dd.event {
                @match &record.event_type {
                    Some(event) => {
                        (capped(event, TEXT_CAP).0) " "
                        @if details.event_type_is_signed { span.signed { "signed" } }
                        @else { span.unsigned { "unsigned: the sender's claim" } }
                    },
                    None => { "—" },
                }
            }
            dt { "Signed timestamp" } dd.timestamp {
                @match details.signed_at {
                    Some(at) => { (when(at)) " " span.signed { "signed" } },
                    None => { span.muted { "none: nothing signed says when it was sent" } },
                }
            }
            dt { "State" } dd { (state_cell(record.state)) }
            dt { "Attempts" } dd { (record.attempts) " since accepted or last replayed" }
            dt { "Received" } dd { (when(record.received_at)) }
            dt { "Scheduled" } dd { (when(record.scheduled_at)) }
            dt { "Finished" } dd { (record.finished_at.map(when).unwrap_or_else(|| "—".to_owned())) }
            dt { "Last error" } dd.error { (capped(record.last_error.as_deref().unwrap_or("—"), TEXT_CAP).0) }
            dt { "Request" } dd { code { (details.method) " " (masked_uri(&details.uri)) } }
        }
        h2 { "Attempts" }
        @if details.attempts.is_empty() {
            p.muted { "None yet." }
        } @else {
            table.attempts {
                thead { tr {
                    th { "#" } th { "Started" } th { "Finished" } th { "Took" }
                    th { "Status" } th { "Failure" } th { "Response (first bytes)" }
                } }
                tbody {
                    @for attempt in &details.attempts {
                        tr {
                            td { (attempt.attempt) }
                            td { (when(attempt.started_at)) }
                            td { (attempt.finished_at.map(when).unwrap_or_else(|| "running".to_owned())) }
                            td { @match attempt.duration {
                                Some(took) => { (took_text(took)) },
                                None => { span.muted { "—" } },
                            } }
                            td.status { @match attempt.status {
                                Some(status) => { (status) },
                                None => { span.muted { "no answer" } },
                            } }
                            td.error { (capped(attempt.error.as_deref().unwrap_or(""), TEXT_CAP).0) }
                            td.response { @if let Some(response) = &attempt.response {
                                @let (shown, cut) = capped(response, MAX_RESPONSE_EXCERPT);
                                pre.response { (shown) }
                                @if cut { span.muted { "… (cut)" } }
                            } }
                        }
                    }
                }
            }
        }
        h2 { "Headers" }
        table.headers {
            tbody {
                @for (name, value) in &details.headers {
                    tr { th { (name.as_str()) } td.value { (header_value(name, value)) } }
                }
            }
        }
        h2 { "Body" }
        (body_view(&details, base))
    };
    Ok(frame.page(&format!("Delivery {id}"), content))
}

/// Whether the signature covered the delivery id, as the inbox recorded it when the
/// delivery was verified.
fn signed_note(details: &DeliveryDetails) -> Markup {
    if details.id_is_fingerprint {
        html! { span.signed { "derived from the signature (the provider sends no id)" } }
    } else if details.id_is_signed {
        html! { span.signed { "signed" } }
    } else {
        html! { span.unsigned { "unsigned: the sender's claim (replay protection does not rest on it)" } }
    }
}

/// The body as it was received: text as `text/plain`, anything else as a download; in a
/// sandbox either way.
pub(super) async fn raw(
    State(console): State<Console>,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let details = console
        .inbox
        .get(parse_id(&raw)?)
        .await?
        .ok_or_else(no_such_delivery)?;
    let text = std::str::from_utf8(&details.body).is_ok();
    let content_type = if text {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    };
    let disposition = if text { "inline" } else { "attachment" };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'",
            ),
        ],
        details.body,
    )
        .into_response())
}

pub(super) async fn replay(
    State(console): State<Console>,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    if console.inbox.replay(id).await? {
        return Ok(see_other(&format!("../../deliveries/{id}?done=replayed")));
    }
    match console.inbox.get(id).await? {
        None => Err(no_such_delivery()),
        Some(details) => Err(PageError(
            StatusCode::CONFLICT,
            format!(
                "The delivery is {}: only dead or done deliveries are replayed.",
                details.record.state
            ),
        )),
    }
}

pub(super) async fn forget(
    State(console): State<Console>,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    if console.inbox.forget(id).await? {
        return Ok(see_other("../../deliveries?done=forgotten"));
    }
    match console.inbox.get(id).await? {
        Some(_) => Err(PageError(
            StatusCode::CONFLICT,
            "The delivery is the running head of its ordering key: forget it once its attempt \
             ends."
                .to_owned(),
        )),
        None => Err(no_such_delivery()),
    }
}

// ---- bulk and purge ----

/// The ids of the dead deliveries `filters` selects, newest first, at most
/// [`BULK_LIMIT`] (and whether there were more).
async fn matching_dead(
    console: &Console,
    filters: &Filters,
) -> Result<(Vec<InboxId>, bool), PageError> {
    if !matches!(filters.state()?, None | Some(DeliveryState::Dead)) {
        return Err(bad_request(
            "Only dead deliveries are replayed all at once: filter by state dead, or none.",
        ));
    }
    let filter = filters
        .list_filter()?
        .state(DeliveryState::Dead)
        .limit(1000);
    let mut ids = Vec::new();
    let mut page = console.inbox.list(&filter).await?;
    while let Some(last) = page.last().cloned() {
        ids.extend(page.iter().map(|record| record.id));
        if ids.len() > BULK_LIMIT {
            ids.truncate(BULK_LIMIT);
            return Ok((ids, true));
        }
        page = console.inbox.list(&filter.clone().after(&last)).await?;
    }
    Ok((ids, false))
}

pub(super) async fn confirm_replay_matching(
    State(console): State<Console>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Query(filters): Query<Filters>,
) -> Result<Response, PageError> {
    let frame = Frame::new(&console, &session, &uri);
    let (ids, more) = matching_dead(&console, &filters).await?;
    let base = &frame.base;
    let described: Vec<String> = filters
        .fields()
        .iter()
        .filter(|(name, value)| *name != "state" && !value.is_empty())
        .map(|(name, value)| format!("{name} = {value}"))
        .collect();
    let content = html! {
        h1 { "Replay all matching" }
        p {
            @if more { "More than " } strong.count { (ids.len()) } " dead deliveries match"
            @if described.is_empty() { "." } @else { ": " (described.join(", ")) "." }
        }
        @if more { p.muted { "One replay takes at most " (BULK_LIMIT) " of them, the newest; replay again for the rest." } }
        @if ids.is_empty() {
            p { a href={ (base) "deliveries?" (filters.query(None)) } { "Back" } }
        } @else {
            form method="post" action={ (base) "replay-matching" } {
                (frame.csrf_field())
                (filters.hidden_fields())
                button type="submit" { "Replay all matching" }
                " "
                a href={ (base) "deliveries?" (filters.query(None)) } { "Cancel" }
            }
        }
    };
    Ok(frame.page("Replay all matching", content))
}

pub(super) async fn replay_matching(
    State(console): State<Console>,
    Form(filters): Form<Filters>,
) -> Result<Response, PageError> {
    let (ids, _) = matching_dead(&console, &filters).await?;
    let mut replayed = 0u64;
    for id in ids {
        // A delivery replayed meanwhile (by another person) is not dead any more: skipped.
        if console.inbox.replay(id).await? {
            replayed += 1;
        }
    }
    let query = filters.query(None);
    Ok(see_other(&format!(
        "deliveries?{query}{}done=replayed-matching&count={replayed}",
        if query.is_empty() { "" } else { "&" }
    )))
}

#[derive(Deserialize)]
pub(super) struct Purge {
    days: String,
}

pub(super) async fn purge_done(
    State(console): State<Console>,
    Form(purge): Form<Purge>,
) -> Result<Response, PageError> {
    let days: u64 = purge
        .days
        .trim()
        .parse()
        .map_err(|_| bad_request("days must be a whole number"))?;
    let older_than = Duration::from_secs(days.saturating_mul(86_400));
    let purged = console.inbox.purge_done(older_than).await?;
    Ok(see_other(&format!("overview?done=purged&count={purged}")))
}

// ---- login ----

fn login_page(status: StatusCode, failed: bool) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Log in · webhook inbox" }
                link rel="stylesheet" href="console.css";
            }
            body {
                main {
                    h1 { "Webhook inbox" }
                    @if failed { p.problem role="alert" { "That is not the console's token." } }
                    form method="post" action="login" {
                        label { "Token " input type="password" name="token" autocomplete="current-password" required autofocus; }
                        " "
                        button type="submit" { "Log in" }
                    }
                }
            }
        }
    };
    html_response(status, markup)
}

pub(super) async fn login_form(State(console): State<Console>) -> Response {
    if !console.auth.has_login() {
        return not_found().await;
    }
    login_page(StatusCode::OK, false)
}

#[derive(Deserialize)]
pub(super) struct Login {
    token: String,
}

pub(super) async fn login(
    State(console): State<Console>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    request: axum::extract::Request,
) -> Response {
    if !console.auth.has_login() {
        return not_found().await;
    }
    let authority = super::authority(&request);
    if let Err(why) = super::auth::cross_origin(request.headers(), authority.as_deref()) {
        tracing::warn!(reason = %why, "webhook inbox console: refused a cross-origin login");
        return problem(
            StatusCode::FORBIDDEN,
            "Refused: this request does not come from the console's own pages.",
        );
    }
    let Ok(Form(login)) = Form::<Login>::from_request(request, &()).await else {
        return login_page(StatusCode::BAD_REQUEST, true);
    };
    if !console.auth.is_token(login.token.as_bytes()) {
        tracing::warn!("webhook inbox console: a login with a wrong token");
        return login_page(StatusCode::UNAUTHORIZED, true);
    }
    let session = console.auth.new_session(crate::inbox::now_ms());
    let mut response = see_other("overview");
    if let Some(cookie) = console.auth.cookie(&session, &mount_path(&original, &uri)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

pub(super) async fn logout(
    State(console): State<Console>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
) -> Response {
    let mut response = see_other("login");
    if let Some(cookie) = console.auth.expired_cookie(&mount_path(&original, &uri)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

use axum::extract::FromRequest as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_keeps_order_and_strings() {
        let json = r#"{"b":1,"a":[1, 2,{}],"s":"x,{\"y\":[]}","e":[]}"#;
        let pretty = pretty_json(json).unwrap();
        assert_eq!(
            pretty,
            "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"s\": \"x,{\\\"y\\\":[]}\",\n  \"e\": []\n}"
        );
        let _: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    }

    #[test]
    fn credential_names_are_masked() {
        assert!(looks_like_credential("X-Auth-Token"));
        assert!(looks_like_credential("x-api-key"));
        assert!(!looks_like_credential("webhook-signature"));
        assert!(credential_headers().contains(&header::AUTHORIZATION));
        let uri = Uri::from_static("/hook?api_key=abc&x=1&key=k");
        assert_eq!(
            masked_uri(&uri),
            "/hook?api_key=%5Bredacted%5D&x=1&key=%5Bredacted%5D"
        );
    }

    #[test]
    fn caps_cut_at_characters() {
        assert_eq!(capped("ééé", 3), ("é", true));
        assert_eq!(capped("abc", 3), ("abc", false));
    }
}
