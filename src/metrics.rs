//! What the layer, the sources and the inbox record through the [`metrics`] facade
//! (feature `metrics`): the names and labels below are a contract, extended but never
//! renamed.
//!
//! The crate records; the application picks the exporter (Prometheus, OpenTelemetry,
//! StatsD) and installs it **before the first request**, as the facade requires. Without
//! an exporter every record is a no-op. [`describe`] gives each metric its help text
//! and unit, and [`SECONDS_BUCKETS`] are the buckets the histograms are meant to be
//! exported with (a Prometheus exporter's default is a summary, which cannot be
//! aggregated across instances):
//!
//! ```
//! use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
//! use tower_webhook::metrics::{describe, SECONDS_BUCKETS};
//!
//! let recorder = PrometheusBuilder::new()
//!     .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
//!     .unwrap()
//!     .build_recorder();
//! let handle = recorder.handle();
//! metrics::set_global_recorder(recorder).unwrap();
//! describe();
//! // Serve `handle.render()` as `GET /metrics` (examples/receiver.rs does, with axum).
//! # let _ = handle;
//! ```
//!
//! | name | type | labels | what |
//! |---|---|---|---|
//! | `webhook_requests_total` | counter | `provider`, `outcome`, `reason` (, `source`) | every request the layer answered; see below |
//! | `webhook_duplicates_under_new_id_total` | counter | `provider` | duplicates found through their signed content under another (unsigned) id |
//! | `webhook_completions_contended_total` | counter | `provider` | deliveries handled while another copy held them (their lease had run out) |
//! | `webhook_completions_lost_total` | counter | `provider` | completions that never landed: a replay would run the handler again |
//! | `webhook_verify_seconds` | histogram | `provider` | every verification, refused ones included |
//! | `webhook_handler_seconds` | histogram | `provider`, `outcome` | the handler's own time on the request path; `outcome` is `success` (a `2xx`) or `failure` |
//! | `webhook_source_lookups_total` | counter | `result` | per-source verifiers: `hit`, `negative`, `miss`, `error` |
//! | `webhook_inbox_deliveries` | gauge | `state` | deliveries in each state: `pending`, `running`, `retrying`, `held`, `dead`, `done` |
//! | `webhook_inbox_oldest_pending_age_seconds` | gauge | | how long the oldest delivery waiting for an attempt (pending or retrying) has waited; 0 when none |
//! | `webhook_inbox_lag_seconds` | gauge | | how long the oldest *due* delivery has waited for a worker (past its due time; a delivery waiting out its backoff is not late): what [`ReadinessCheck::max_lag`](crate::inbox::ReadinessCheck::max_lag) bounds, the gauge to alert on |
//! | `webhook_inbox_gauges_refreshed_timestamp_seconds` | gauge | | when the inbox's gauges above were last refreshed (Unix time): alert on `time() - this` growing, as the gauges keep their last value while the database fails or hangs |
//! | `webhook_inbox_gauge_errors_total` | counter | | rounds of the gauges' refresh that failed (the database did not answer the read) |
//! | `webhook_inbox_attempts_total` | counter | `provider`, `result` | the workers' attempts: `success`, `failure`, `timeout` |
//! | `webhook_inbox_dead_total` | counter | `provider` | deliveries that became dead |
//! | `webhook_inbox_alerts_suppressed_total` | counter | `kind` | alerts of the workers' hook left out by [`Workers::alert_limit`](crate::inbox::Workers::alert_limit): `attempt_failed`, `dead` |
//!
//! `outcome` of `webhook_requests_total` is one of `accepted` (verified and handled, or
//! written to the inbox; the handler's own answer is in `webhook_handler_seconds`),
//! `duplicate`, `rejected`, `handshake` (a registration handshake answered) and
//! `unhandled` (a [`Dispatch`](crate::dispatch::Dispatch) had no handler for its event
//! type); `reason` is the [`RejectionKind::code`](crate::RejectionKind::code) of a
//! rejection and empty otherwise. Every request is counted once: one whose handler
//! panicked, or whose response future was dropped while the handler ran (the client went
//! away), is `accepted`, its handler's time recorded as a `failure`.
//!
//! A source lookup is a `hit` (a known source, from the cache), `negative` (a source
//! known to be unknown, from the cache), `miss` (the lookup was asked, whatever it found)
//! or `error` (the lookup failed or timed out, now or in the cached answer, or it was
//! refused without a lookup because too many lookups of new sources ran at once:
//! [`Sources::max_new_source_lookups`](crate::layer::Sources::max_new_source_lookups)).
//!
//! The inbox's gauges are refreshed every second by each process running
//! [workers](crate::inbox::Inbox::workers), from the counts the inbox keeps (no table
//! scan). While the database fails they keep their last value:
//! `webhook_inbox_gauges_refreshed_timestamp_seconds` stops advancing and
//! `webhook_inbox_gauge_errors_total` counts the failed rounds.
//!
//! **Cardinality is bounded by the configuration.** No label carries a delivery id or
//! anything else a sender chooses: `provider` is the name of a configured verifier
//! (before a per-source request's verifier is known, `per-source`), `reason`, `outcome`
//! and `result` are from fixed sets. The `source` label (a tenant, which can number
//! 100,000) is off unless
//! [`WebhookLayer::metrics_by_source`](crate::WebhookLayer::metrics_by_source) turns it on,
//! and then carries only sources the lookup found: a request naming an unknown source
//! adds no series.

use std::sync::Arc;

/// `webhook_requests_total{provider, outcome, reason}`.
pub const REQUESTS_TOTAL: &str = "webhook_requests_total";
/// `webhook_duplicates_under_new_id_total{provider}`.
pub const DUPLICATES_UNDER_NEW_ID_TOTAL: &str = "webhook_duplicates_under_new_id_total";
/// `webhook_completions_contended_total{provider}`.
pub const COMPLETIONS_CONTENDED_TOTAL: &str = "webhook_completions_contended_total";
/// `webhook_completions_lost_total{provider}`.
pub const COMPLETIONS_LOST_TOTAL: &str = "webhook_completions_lost_total";
/// `webhook_verify_seconds{provider}`.
pub const VERIFY_SECONDS: &str = "webhook_verify_seconds";
/// `webhook_handler_seconds{provider, outcome}`.
pub const HANDLER_SECONDS: &str = "webhook_handler_seconds";
/// `webhook_source_lookups_total{result}`.
pub const SOURCE_LOOKUPS_TOTAL: &str = "webhook_source_lookups_total";
/// `webhook_inbox_deliveries{state}`.
pub const INBOX_DELIVERIES: &str = "webhook_inbox_deliveries";
/// `webhook_inbox_oldest_pending_age_seconds`.
pub const INBOX_OLDEST_PENDING_AGE_SECONDS: &str = "webhook_inbox_oldest_pending_age_seconds";
/// `webhook_inbox_lag_seconds`.
pub const INBOX_LAG_SECONDS: &str = "webhook_inbox_lag_seconds";
/// `webhook_inbox_gauges_refreshed_timestamp_seconds`.
pub const INBOX_GAUGES_REFRESHED_TIMESTAMP_SECONDS: &str =
    "webhook_inbox_gauges_refreshed_timestamp_seconds";
/// `webhook_inbox_gauge_errors_total`.
pub const INBOX_GAUGE_ERRORS_TOTAL: &str = "webhook_inbox_gauge_errors_total";
/// `webhook_inbox_attempts_total{provider, result}`.
pub const INBOX_ATTEMPTS_TOTAL: &str = "webhook_inbox_attempts_total";
/// `webhook_inbox_dead_total{provider}`.
pub const INBOX_DEAD_TOTAL: &str = "webhook_inbox_dead_total";
/// `webhook_inbox_alerts_suppressed_total{kind}`.
pub const INBOX_ALERTS_SUPPRESSED_TOTAL: &str = "webhook_inbox_alerts_suppressed_total";

/// The buckets, in seconds, for the `_seconds` histograms: from 10 µs (a verification)
/// to 60 s (a slow handler).
pub const SECONDS_BUCKETS: &[f64] = &[
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Gives every metric of the table above its help text and unit, through the installed
/// exporter. Call it once, after installing the exporter.
#[cfg(feature = "metrics")]
pub fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        REQUESTS_TOTAL,
        "Webhook requests answered by the layer, by outcome (accepted, duplicate, rejected, \
         handshake, unhandled) and rejection reason"
    );
    describe_counter!(
        DUPLICATES_UNDER_NEW_ID_TOTAL,
        "Duplicates found through their signed content under another id"
    );
    describe_counter!(
        COMPLETIONS_CONTENDED_TOTAL,
        "Deliveries handled while another copy held them"
    );
    describe_counter!(
        COMPLETIONS_LOST_TOTAL,
        "Completions that never landed: a replay would run the handler again"
    );
    describe_histogram!(
        VERIFY_SECONDS,
        Unit::Seconds,
        "Time to verify a delivery, refused ones included"
    );
    describe_histogram!(
        HANDLER_SECONDS,
        Unit::Seconds,
        "The handler's time on the request path, by outcome (success, failure)"
    );
    describe_counter!(
        SOURCE_LOOKUPS_TOTAL,
        "Per-source verifier lookups: hit, negative, miss, error"
    );
    describe_gauge!(INBOX_DELIVERIES, "Deliveries in the inbox, by state");
    describe_gauge!(
        INBOX_OLDEST_PENDING_AGE_SECONDS,
        Unit::Seconds,
        "How long the oldest delivery waiting for an attempt has waited"
    );
    describe_gauge!(
        INBOX_LAG_SECONDS,
        Unit::Seconds,
        "How long the oldest due delivery has waited for a worker"
    );
    describe_gauge!(
        INBOX_GAUGES_REFRESHED_TIMESTAMP_SECONDS,
        Unit::Seconds,
        "When the inbox's gauges were last refreshed, in Unix time"
    );
    describe_counter!(
        INBOX_GAUGE_ERRORS_TOTAL,
        "Refreshes of the inbox's gauges that failed"
    );
    describe_counter!(
        INBOX_ATTEMPTS_TOTAL,
        "The inbox workers' attempts, by result (success, failure, timeout)"
    );
    describe_counter!(INBOX_DEAD_TOTAL, "Inbox deliveries that became dead");
    describe_counter!(
        INBOX_ALERTS_SUPPRESSED_TOTAL,
        "Alerts left out by the workers' alert limit, by kind (attempt_failed, dead)"
    );
}

/// What the layer did with a request: the `outcome` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Accepted,
    Duplicate,
    Rejected(crate::RejectionKind),
    Handshake,
    Unhandled,
}

impl Outcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Duplicate => "duplicate",
            Outcome::Rejected(_) => "rejected",
            Outcome::Handshake => "handshake",
            Outcome::Unhandled => "unhandled",
        }
    }

    #[cfg(feature = "metrics")]
    fn reason(self) -> &'static str {
        match self {
            Outcome::Rejected(kind) => kind.code(),
            _ => "",
        }
    }
}

/// A verifier's metric handles, registered on first use: a request's records then cost
/// an atomic add each, with no key built or looked up. Two sets, with and without the
/// source label.
#[derive(Default)]
pub(crate) struct Cache {
    #[cfg(feature = "metrics")]
    plain: std::sync::OnceLock<Arc<Handles>>,
    #[cfg(feature = "metrics")]
    by_source: std::sync::OnceLock<Arc<Handles>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").finish_non_exhaustive()
    }
}

/// How many outcomes have a counter of their own in [`Handles`]: four, then one per
/// rejection kind.
#[cfg(feature = "metrics")]
const OUTCOME_SLOTS: usize = 4 + 16;
// Every rejection kind has a slot (one past the slots would be counted uncached).
#[cfg(feature = "metrics")]
const _: () = assert!(4 + (crate::RejectionKind::SourceUnavailable as usize) < OUTCOME_SLOTS);

#[cfg(feature = "metrics")]
struct Handles {
    provider: Arc<str>,
    source: Option<Arc<str>>,
    requests: [std::sync::OnceLock<metrics::Counter>; OUTCOME_SLOTS],
    verify: std::sync::OnceLock<metrics::Histogram>,
    handler: [std::sync::OnceLock<metrics::Histogram>; 2],
    duplicates_under_new_id: std::sync::OnceLock<metrics::Counter>,
}

#[cfg(feature = "metrics")]
impl Handles {
    fn new(provider: Arc<str>, source: Option<Arc<str>>) -> Handles {
        Handles {
            provider,
            source,
            requests: std::array::from_fn(|_| std::sync::OnceLock::new()),
            verify: std::sync::OnceLock::new(),
            handler: std::array::from_fn(|_| std::sync::OnceLock::new()),
            duplicates_under_new_id: std::sync::OnceLock::new(),
        }
    }

    fn labels(&self, mut labels: Vec<metrics::Label>) -> Vec<metrics::Label> {
        labels.push(metrics::Label::new("provider", self.provider.clone()));
        if let Some(source) = &self.source {
            labels.push(metrics::Label::new("source", source.clone()));
        }
        labels
    }
}

#[cfg(feature = "metrics")]
impl Outcome {
    /// Its counter's place in [`Handles::requests`]; `None` past the slots.
    fn slot(self) -> Option<usize> {
        let slot = match self {
            Outcome::Accepted => 0,
            Outcome::Duplicate => 1,
            Outcome::Handshake => 2,
            Outcome::Unhandled => 3,
            Outcome::Rejected(kind) => 4 + kind as usize,
        };
        (slot < OUTCOME_SLOTS).then_some(slot)
    }
}

/// Whom a request's metrics are labelled with: the provider, and the source when the
/// layer labels by source and the source is known. Made from a verifier, it records
/// through the verifier's cached handles.
pub(crate) struct Labels {
    #[cfg(feature = "metrics")]
    handles: Arc<Handles>,
}

impl Labels {
    /// Labels for `provider` alone, with handles of their own (a request refused before
    /// its verifier is known, a rare event).
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn new(provider: &str) -> Labels {
        Labels {
            #[cfg(feature = "metrics")]
            handles: Arc::new(Handles::new(Arc::from(provider), None)),
        }
    }

    /// The labels of a request verified by `verifier`; its source only when `by_source`.
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn of(verifier: &crate::Verifier, by_source: bool) -> Labels {
        #[cfg(feature = "metrics")]
        {
            let origin = verifier.origin();
            let (cell, source) = match (by_source, &origin.source) {
                (true, Some(source)) => (&origin.metrics.by_source, Some(source.clone())),
                _ => (&origin.metrics.plain, None),
            };
            let handles = cell
                .get_or_init(|| Arc::new(Handles::new(origin.provider.clone(), source)))
                .clone();
            Labels { handles }
        }
        #[cfg(not(feature = "metrics"))]
        Labels {}
    }

    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn request(&self, outcome: Outcome) {
        #[cfg(feature = "metrics")]
        {
            let register = || {
                metrics::counter!(
                    REQUESTS_TOTAL,
                    self.handles.labels(vec![
                        metrics::Label::from_static_parts("outcome", outcome.as_str()),
                        metrics::Label::from_static_parts("reason", outcome.reason()),
                    ])
                )
            };
            match outcome
                .slot()
                .and_then(|slot| self.handles.requests.get(slot))
            {
                Some(cell) => cell.get_or_init(register).increment(1),
                None => register().increment(1),
            }
        }
    }

    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn verified_in(&self, took: std::time::Duration) {
        #[cfg(feature = "metrics")]
        self.handles
            .verify
            .get_or_init(|| {
                metrics::histogram!(VERIFY_SECONDS, self.handles.labels(Vec::with_capacity(2)))
            })
            .record(took.as_secs_f64());
    }

    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn handled_in(&self, took: std::time::Duration, success: bool) {
        #[cfg(feature = "metrics")]
        self.handles.handler[usize::from(!success)]
            .get_or_init(|| {
                metrics::histogram!(
                    HANDLER_SECONDS,
                    self.handles.labels(vec![metrics::Label::from_static_parts(
                        "outcome",
                        if success { "success" } else { "failure" },
                    )])
                )
            })
            .record(took.as_secs_f64());
    }

    pub(crate) fn duplicate_under_new_id(&self) {
        #[cfg(feature = "metrics")]
        self.handles
            .duplicates_under_new_id
            .get_or_init(|| {
                metrics::counter!(
                    DUPLICATES_UNDER_NEW_ID_TOTAL,
                    self.handles.labels(Vec::with_capacity(2))
                )
            })
            .increment(1);
    }

    pub(crate) fn completion_contended(&self) {
        #[cfg(feature = "metrics")]
        metrics::counter!(
            COMPLETIONS_CONTENDED_TOTAL,
            self.handles.labels(Vec::with_capacity(2))
        )
        .increment(1);
    }

    pub(crate) fn completion_lost(&self) {
        #[cfg(feature = "metrics")]
        metrics::counter!(
            COMPLETIONS_LOST_TOTAL,
            self.handles.labels(Vec::with_capacity(2))
        )
        .increment(1);
    }
}

/// Times what the metrics time; with the `metrics` feature off it reads no clock.
pub(crate) struct Stopwatch {
    #[cfg(feature = "metrics")]
    started: std::time::Instant,
}

impl Stopwatch {
    pub(crate) fn start() -> Stopwatch {
        Stopwatch {
            #[cfg(feature = "metrics")]
            started: std::time::Instant::now(),
        }
    }

    pub(crate) fn elapsed(&self) -> std::time::Duration {
        #[cfg(feature = "metrics")]
        return self.started.elapsed();
        #[cfg(not(feature = "metrics"))]
        std::time::Duration::ZERO
    }
}

/// What a source lookup found: the `result` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    Hit,
    Negative,
    Miss,
    Error,
}

#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub(crate) fn source_lookup(result: Lookup) {
    #[cfg(feature = "metrics")]
    metrics::counter!(
        SOURCE_LOOKUPS_TOTAL,
        "result" => match result {
            Lookup::Hit => "hit",
            Lookup::Negative => "negative",
            Lookup::Miss => "miss",
            Lookup::Error => "error",
        }
    )
    .increment(1);
}

/// How an inbox attempt ended: the `result` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg(inbox)]
pub(crate) enum Attempt {
    Success,
    Failure,
    Timeout,
}

#[cfg(inbox)]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub(crate) fn inbox_attempt(provider: &Arc<str>, result: Attempt, dead: bool) {
    #[cfg(feature = "metrics")]
    {
        let provider = metrics::SharedString::from(provider.clone());
        let result = match result {
            Attempt::Success => "success",
            Attempt::Failure => "failure",
            Attempt::Timeout => "timeout",
        };
        metrics::counter!(INBOX_ATTEMPTS_TOTAL, "provider" => provider.clone(), "result" => result)
            .increment(1);
        if dead {
            metrics::counter!(INBOX_DEAD_TOTAL, "provider" => provider).increment(1);
        }
    }
}

/// An alert the workers' limit left out: `dead` or a failed attempt to be retried.
#[cfg(inbox)]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub(crate) fn inbox_alert_suppressed(dead: bool) {
    #[cfg(feature = "metrics")]
    metrics::counter!(
        INBOX_ALERTS_SUPPRESSED_TOTAL,
        "kind" => if dead { "dead" } else { "attempt_failed" }
    )
    .increment(1);
}

/// The inbox's gauges were refreshed at `at`.
#[cfg(all(inbox, feature = "metrics"))]
pub(crate) fn inbox_gauges_refreshed(at: std::time::SystemTime) {
    let seconds = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64());
    metrics::gauge!(INBOX_GAUGES_REFRESHED_TIMESTAMP_SECONDS).set(seconds);
}

/// A refresh of the inbox's gauges failed.
#[cfg(all(inbox, feature = "metrics"))]
pub(crate) fn inbox_gauges_failed() {
    metrics::counter!(INBOX_GAUGE_ERRORS_TOTAL).increment(1);
}

/// Sets the inbox's gauges from its counts.
#[cfg(all(inbox, feature = "metrics"))]
pub(crate) fn inbox_stats(stats: &crate::inbox::InboxStats, lag: Option<std::time::Duration>) {
    for (state, count) in [
        ("pending", stats.pending),
        ("running", stats.running),
        ("retrying", stats.retrying),
        ("held", stats.held),
        ("dead", stats.dead),
        ("done", stats.done),
    ] {
        metrics::gauge!(INBOX_DELIVERIES, "state" => state).set(count as f64);
    }
    metrics::gauge!(INBOX_OLDEST_PENDING_AGE_SECONDS).set(
        stats
            .oldest_waiting_age
            .map_or(0.0, |age| age.as_secs_f64()),
    );
    if let Some(lag) = lag {
        metrics::gauge!(INBOX_LAG_SECONDS).set(lag.as_secs_f64());
    }
}
