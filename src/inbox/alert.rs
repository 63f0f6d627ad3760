//! Alerts from the workers: an attempt failed, a delivery is dead, the oldest due delivery
//! waits longer than a threshold (and when it no longer does), handed to a hook of the
//! application's ([`Workers::on_alert`](super::Workers::on_alert)).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::time::Instant;

use super::health::{current_lag, TaskGuard};
use super::{from_ms, Claimed, Inbox, InboxId};
use crate::delivery::OneLine;

/// The longest delivery id and event type an alert carries, in bytes (cut at a character
/// boundary): they come from the request.
pub(crate) const MAX_ALERT_FIELD: usize = 128;

/// The longest error text an alert carries, in bytes (cut at a character boundary): it may
/// quote what the handler's downstream answered.
pub(crate) const MAX_ALERT_ERROR: usize = 1024;

/// How many [`Alert::AttemptFailed`] the hook is given per
/// [`DEFAULT_ALERT_INTERVAL`] by default, and as many [`Alert::Dead`]
/// ([`Workers::alert_limit`](super::Workers::alert_limit)).
pub const DEFAULT_ALERT_LIMIT: u32 = 20;

/// The interval of [`DEFAULT_ALERT_LIMIT`]: a minute.
pub const DEFAULT_ALERT_INTERVAL: Duration = Duration::from_secs(60);

/// Something the workers want a person to know, given to the hook of
/// [`Workers::on_alert`](super::Workers::on_alert).
///
/// Alerts carry a delivery's metadata, never its headers, body or a secret. The delivery
/// id, event type and error come from the request or from the handler's downstream:
/// treat them as untrusted text (escape them for the chat or mail they go to), as
/// `examples/slack_alerts.rs` does.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Alert {
    /// An attempt failed and the delivery will be retried at
    /// [`retry_at`](FailedAttempt::retry_at).
    AttemptFailed(FailedAttempt),
    /// An attempt failed and the delivery is dead (out of attempts, or older than
    /// [`max_age`](super::Workers::max_age)): it waits for a person
    /// ([`Inbox::replay`](super::Inbox::replay)).
    Dead(FailedAttempt),
    /// The oldest due delivery has waited longer than `threshold` for a worker (see
    /// [`Workers::alert_on_lag`](super::Workers::alert_on_lag)). Given once when the lag
    /// crosses the threshold, not again until after [`LagRecovered`](Alert::LagRecovered).
    #[non_exhaustive]
    Lagging {
        /// How long it has waited.
        waited: Duration,
        /// The threshold it crossed.
        threshold: Duration,
    },
    /// The lag is back at or under half the threshold after a [`Lagging`](Alert::Lagging)
    /// (hysteresis: a lag hovering at the threshold gives one `Lagging`, not one pair per
    /// look).
    #[non_exhaustive]
    LagRecovered {
        /// How long the oldest due delivery has waited now.
        waited: Duration,
        /// The threshold.
        threshold: Duration,
    },
}

/// The delivery and attempt of an [`Alert::AttemptFailed`] or [`Alert::Dead`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FailedAttempt {
    /// Its id in the inbox.
    pub inbox_id: InboxId,
    /// The provider ([`Delivery::provider`](crate::Delivery::provider)).
    pub provider: String,
    /// The source, where there are several of one provider.
    pub source: Option<String>,
    /// The provider's delivery id, at most 128 bytes.
    pub delivery_id: String,
    /// The event type, at most 128 bytes.
    pub event_type: Option<String>,
    /// Which attempt failed, from 1.
    pub attempt: u32,
    /// Why, at most 1,024 bytes (as recorded for the attempt).
    pub error: String,
    /// When the delivery was accepted.
    pub received_at: SystemTime,
    /// When it runs again; `None` when it is dead.
    pub retry_at: Option<SystemTime>,
    /// How many alerts of this kind (`AttemptFailed`, or `Dead`) the workers'
    /// [`alert_limit`](super::Workers::alert_limit) left out since the last one given: 0
    /// unless the limit was reached.
    pub suppressed: u64,
}

impl FailedAttempt {
    pub(crate) fn new(claimed: &Claimed, error: &str, retry_at: Option<i64>) -> FailedAttempt {
        let parts = &claimed.parts;
        FailedAttempt {
            inbox_id: claimed.id,
            provider: parts.provider.to_string(),
            source: parts.source.as_deref().map(str::to_owned),
            delivery_id: bounded(&parts.id, MAX_ALERT_FIELD).to_owned(),
            event_type: parts
                .event_type
                .as_deref()
                .map(|kind| bounded(kind, MAX_ALERT_FIELD).to_owned()),
            attempt: claimed.attempt,
            error: bounded(error, MAX_ALERT_ERROR).to_owned(),
            received_at: from_ms(claimed.received_at),
            retry_at: retry_at.map(from_ms),
            suppressed: 0,
        }
    }
}

/// One line for a log or a plain-text message: the fields as they are, but for control
/// characters and the Unicode line and paragraph separators, escaped (`\n`, `\r`,
/// `\t`, `\u{1b}`, `\u{2028}`), so that text from the request or from the handler's
/// downstream cannot start a line of its own in a log. Escape the fields for a format
/// with markup.
impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let delivery = |f: &mut fmt::Formatter<'_>, what: &str, failed: &FailedAttempt| {
            write!(
                f,
                "{what}: {} delivery {} (inbox id {}",
                OneLine(&failed.provider),
                OneLine(&failed.delivery_id),
                failed.inbox_id
            )?;
            if let Some(source) = &failed.source {
                write!(f, ", source {}", OneLine(source))?;
            }
            if let Some(kind) = &failed.event_type {
                write!(f, ", event {}", OneLine(kind))?;
            }
            write!(
                f,
                "), attempt {}: {}",
                failed.attempt,
                OneLine(&failed.error)
            )?;
            if failed.suppressed > 0 {
                write!(
                    f,
                    " ({} more alerts of this kind suppressed by the limit before it)",
                    failed.suppressed
                )?;
            }
            Ok(())
        };
        match self {
            Alert::AttemptFailed(failed) => delivery(f, "attempt failed", failed),
            Alert::Dead(failed) => delivery(f, "delivery dead", failed),
            Alert::Lagging { waited, threshold } => write!(
                f,
                "inbox lagging: the oldest due delivery has waited {} s (threshold {} s)",
                waited.as_secs(),
                threshold.as_secs()
            ),
            Alert::LagRecovered { waited, threshold } => write!(
                f,
                "inbox lag recovered: the oldest due delivery has waited {} s (threshold {} s)",
                waited.as_secs(),
                threshold.as_secs()
            ),
        }
    }
}

/// `text` cut to at most `max` bytes at a character boundary.
fn bounded(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// The application's hook: called on the worker's task, so it must be quick (see
/// [`Workers::on_alert`](super::Workers::on_alert)); a panic in it is caught and logged.
#[derive(Clone)]
pub(crate) struct AlertHook(Arc<dyn Fn(Alert) + Send + Sync>);

/// The bound on the failed attempts' alerts ([`Workers::alert_limit`]): at most `max` of
/// each kind per `per`, in fixed windows that start with the first alert after the last
/// window ended. The alerts left out are counted, and the count is given with the next
/// alert of the kind (and to the metric `webhook_inbox_alerts_suppressed_total`).
///
/// [`Workers::alert_limit`]: super::Workers::alert_limit
#[derive(Debug)]
pub(crate) struct AlertLimiter {
    max: u32,
    per: Duration,
    /// `AttemptFailed`, then `Dead`.
    windows: Mutex<[Window; 2]>,
}

#[derive(Debug, Default)]
struct Window {
    started: Option<Instant>,
    given: u32,
    suppressed: u64,
}

impl AlertLimiter {
    pub(crate) fn new(max: u32, per: Duration) -> AlertLimiter {
        AlertLimiter {
            max,
            per,
            windows: Mutex::new(Default::default()),
        }
    }

    /// Whether an alert of the kind (`dead` or not) may go now: `Some` of how many were
    /// left out since the last one given, or `None` when it is left out (and counted).
    pub(crate) fn admit(&self, dead: bool) -> Option<u64> {
        let now = Instant::now();
        // A poisoned lock (a panic while it was held, which nothing here does): let the
        // alert through rather than lose it.
        let Ok(mut windows) = self.windows.lock() else {
            return Some(0);
        };
        let window = &mut windows[usize::from(dead)];
        if window
            .started
            .is_none_or(|started| now.duration_since(started) >= self.per)
        {
            window.started = Some(now);
            window.given = 0;
        }
        if window.given < self.max {
            window.given += 1;
            return Some(std::mem::take(&mut window.suppressed));
        }
        window.suppressed += 1;
        if window.suppressed == 1 {
            tracing::warn!(
                kind = if dead { "dead" } else { "attempt failed" },
                limit = self.max,
                per = ?self.per,
                "webhook inbox: alerts over the limit are suppressed (counted, and the count \
                 given with the next alert of this kind)"
            );
        }
        None
    }
}

impl fmt::Debug for AlertHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AlertHook")
    }
}

impl AlertHook {
    pub(crate) fn new(hook: impl Fn(Alert) + Send + Sync + 'static) -> AlertHook {
        AlertHook(Arc::new(hook))
    }

    /// Gives the hook a failed attempt's alert (dead when `retry_at` is `None`) if
    /// `limit` lets it through; else counts it as suppressed.
    pub(crate) fn fire_failed(
        &self,
        limit: &AlertLimiter,
        claimed: &Claimed,
        error: &str,
        retry_at: Option<i64>,
    ) {
        let dead = retry_at.is_none();
        let Some(suppressed) = limit.admit(dead) else {
            crate::metrics::inbox_alert_suppressed(dead);
            return;
        };
        let mut failed = FailedAttempt::new(claimed, error, retry_at);
        failed.suppressed = suppressed;
        self.fire(match dead {
            false => Alert::AttemptFailed(failed),
            true => Alert::Dead(failed),
        });
    }

    /// Calls the hook; a panic in it is logged, never taken down the worker.
    pub(crate) fn fire(&self, alert: Alert) {
        let hook = &self.0;
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook(alert))).is_err() {
            tracing::error!("webhook inbox: the alert hook panicked");
        }
    }
}

/// Whether the lag is over the threshold, so that [`Alert::Lagging`] is given once when
/// it crosses and [`Alert::LagRecovered`] once when it is back at or under half of it: a
/// lag hovering about the threshold does not alert on every look.
#[derive(Debug)]
pub(crate) struct LagWatch {
    threshold: Duration,
    lagging: bool,
}

/// The lag at or under which a [`LagWatch`] that is lagging recovers: half its threshold.
fn recovery_mark(threshold: Duration) -> Duration {
    threshold / 2
}

impl LagWatch {
    pub(crate) fn new(threshold: Duration) -> LagWatch {
        LagWatch {
            threshold,
            lagging: false,
        }
    }

    /// The alert the lag `waited` calls for, if any.
    pub(crate) fn observe(&mut self, waited: Duration) -> Option<Alert> {
        let threshold = self.threshold;
        if !self.lagging && waited > threshold {
            self.lagging = true;
            Some(Alert::Lagging { waited, threshold })
        } else if self.lagging && waited <= recovery_mark(threshold) {
            self.lagging = false;
            Some(Alert::LagRecovered { waited, threshold })
        } else {
            None
        }
    }
}

/// The workers' lag watch: reads the lag every `every` until stopped, and gives the hook
/// the alerts [`LagWatch`] calls for. A failed read is logged and changes nothing.
pub(crate) async fn watch_lag(
    inbox: Inbox,
    hook: AlertHook,
    threshold: Duration,
    every: Duration,
    mut stopped: watch::Receiver<bool>,
    task: TaskGuard,
) {
    let mut watch = LagWatch::new(threshold);
    loop {
        task.beat();
        if *stopped.borrow() {
            task.returned();
            return;
        }
        match current_lag(&inbox).await {
            Ok(waited) => {
                if let Some(alert) = watch.observe(waited) {
                    hook.fire(alert);
                }
            }
            Err(error) => {
                tracing::warn!(error = %error, "webhook inbox: the lag could not be read");
            }
        }
        let _ = tokio::time::timeout(every, stopped.changed()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lag_alert_is_given_once_when_crossing_and_once_when_back() {
        let mut watch = LagWatch::new(Duration::from_secs(10));
        let ms = Duration::from_millis;
        assert!(watch.observe(ms(5_000)).is_none());
        assert!(matches!(
            watch.observe(ms(10_001)),
            Some(Alert::Lagging { .. })
        ));
        assert!(watch.observe(ms(20_000)).is_none(), "not on every poll");
        assert!(watch.observe(ms(30_000)).is_none());
        assert!(matches!(
            watch.observe(ms(5_000)),
            Some(Alert::LagRecovered { .. })
        ));
        assert!(watch.observe(ms(0)).is_none());
        assert!(matches!(
            watch.observe(ms(11_000)),
            Some(Alert::Lagging { .. })
        ));
    }

    #[test]
    fn a_lag_hovering_at_the_threshold_alerts_once() {
        let mut watch = LagWatch::new(Duration::from_secs(10));
        let ms = Duration::from_millis;
        let mut alerts = Vec::new();
        // Just over, just under, again and again: one Lagging, no flapping.
        for waited in [10_001, 9_999, 10_500, 9_000, 10_200, 5_001, 12_000, 8_000] {
            alerts.extend(watch.observe(ms(waited)));
        }
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert!(matches!(alerts[0], Alert::Lagging { .. }));
        // Under half the threshold: recovered, once.
        assert!(matches!(
            watch.observe(ms(5_000)),
            Some(Alert::LagRecovered { .. })
        ));
        assert!(
            watch.observe(ms(9_000)).is_none(),
            "under the threshold: quiet"
        );
        assert!(matches!(
            watch.observe(ms(10_001)),
            Some(Alert::Lagging { .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn the_limit_bounds_each_kind_per_interval_and_counts_the_rest() {
        let limit = AlertLimiter::new(2, Duration::from_secs(60));
        assert_eq!(limit.admit(false), Some(0));
        assert_eq!(limit.admit(false), Some(0));
        for _ in 0..5 {
            assert_eq!(limit.admit(false), None, "over the limit");
        }
        // The other kind has a window of its own.
        assert_eq!(limit.admit(true), Some(0));
        assert_eq!(limit.admit(true), Some(0));
        assert_eq!(limit.admit(true), None);
        tokio::time::advance(Duration::from_secs(59)).await;
        assert_eq!(limit.admit(false), None, "the window still runs");
        tokio::time::advance(Duration::from_secs(1)).await;
        // A new window: the next alert carries the count left out.
        assert_eq!(limit.admit(false), Some(6));
        assert_eq!(limit.admit(false), Some(0));
        assert_eq!(limit.admit(true), Some(1));
    }

    #[test]
    fn the_display_is_one_line_whatever_the_fields() {
        let text = OneLine("a\nb\r\nc\td\u{1b}[31me\u{2028}f\u{85}g é").to_string();
        assert_eq!(text, "a\\nb\\r\\nc\\td\\u{1b}[31me\\u{2028}f\\u{85}g é");
        let lag = Alert::Lagging {
            waited: Duration::from_secs(3),
            threshold: Duration::from_secs(1),
        };
        assert!(!lag.to_string().contains('\n'));
    }

    #[test]
    fn fields_are_cut_at_a_character_boundary() {
        let text = "é".repeat(100);
        let cut = bounded(&text, 5);
        assert_eq!(cut, "éé");
        assert_eq!(bounded("short", 128), "short");
    }

    #[test]
    fn a_panicking_hook_is_caught() {
        let hook = AlertHook::new(|_| panic!("the hook's bug"));
        hook.fire(Alert::Lagging {
            waited: Duration::ZERO,
            threshold: Duration::ZERO,
        });
    }
}
