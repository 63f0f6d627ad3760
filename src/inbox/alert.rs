//! Alerts from the workers: an attempt failed, a delivery is dead, the oldest due delivery
//! waits longer than a threshold (and when it no longer does), handed to a hook of the
//! application's ([`Workers::on_alert`](super::Workers::on_alert)).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use super::health::{current_lag, TaskGuard};
use super::{from_ms, Claimed, Inbox, InboxId};

/// The longest delivery id and event type an alert carries, in bytes (cut at a character
/// boundary): they come from the request.
pub(crate) const MAX_ALERT_FIELD: usize = 128;

/// The longest error text an alert carries, in bytes (cut at a character boundary): it may
/// quote what the handler's downstream answered.
pub(crate) const MAX_ALERT_ERROR: usize = 1024;

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
    /// The lag is back at or under the threshold after a [`Lagging`](Alert::Lagging).
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
        }
    }
}

/// One line for a log or a plain-text message (the fields as they are: escape them for
/// a format with markup).
impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let delivery = |f: &mut fmt::Formatter<'_>, what: &str, failed: &FailedAttempt| {
            write!(
                f,
                "{what}: {} delivery {} (inbox id {}",
                failed.provider, failed.delivery_id, failed.inbox_id
            )?;
            if let Some(source) = &failed.source {
                write!(f, ", source {source}")?;
            }
            if let Some(kind) = &failed.event_type {
                write!(f, ", event {kind}")?;
            }
            write!(f, "), attempt {}: {}", failed.attempt, failed.error)
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

impl fmt::Debug for AlertHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AlertHook")
    }
}

impl AlertHook {
    pub(crate) fn new(hook: impl Fn(Alert) + Send + Sync + 'static) -> AlertHook {
        AlertHook(Arc::new(hook))
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
/// it crosses and [`Alert::LagRecovered`] once when it is back.
#[derive(Debug)]
pub(crate) struct LagWatch {
    threshold: Duration,
    lagging: bool,
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
        match (self.lagging, waited > threshold) {
            (false, true) => {
                self.lagging = true;
                Some(Alert::Lagging { waited, threshold })
            }
            (true, false) => {
                self.lagging = false;
                Some(Alert::LagRecovered { waited, threshold })
            }
            _ => None,
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
            watch.observe(ms(10_000)),
            Some(Alert::LagRecovered { .. })
        ));
        assert!(watch.observe(ms(0)).is_none());
        assert!(matches!(
            watch.observe(ms(11_000)),
            Some(Alert::Lagging { .. })
        ));
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
