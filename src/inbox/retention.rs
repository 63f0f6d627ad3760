//! Automatic retention: the workers purge done deliveries past their retention, in small
//! paced batches, so that acknowledgements never wait long for the purge's write.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use super::health::TaskGuard;
use super::Inbox;

/// How often the workers purge done deliveries by default: every hour (and once when they
/// start).
pub const DEFAULT_PURGE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// The first batch of a purge, and the bounds of its size as it adapts to its budget
/// ([`SQLITE_BATCH_BUDGET`], [`POSTGRES_BATCH_BUDGET`]): small batches, because on SQLite every write of the inbox (each
/// acknowledgement) waits for the batch that holds the write lock. At a million rows a
/// batch of 1,000 held it for about 85 ms.
const FIRST_BATCH: i64 = 100;
const MIN_BATCH: i64 = 10;
const MAX_BATCH: i64 = 1000;

/// How long one batch should take on SQLite, where it holds the database's write lock
/// (every acknowledgement waits for it): batches that take longer shrink, batches much
/// quicker grow.
#[cfg(feature = "inbox-sqlite")]
pub(crate) const SQLITE_BATCH_BUDGET: Duration = Duration::from_millis(10);

/// How long one batch should take on PostgreSQL, where it blocks no acknowledgement (they
/// share the server's CPU and WAL flushes with it): longer batches, fewer round trips and
/// commits.
#[cfg(feature = "inbox-postgres")]
pub(crate) const POSTGRES_BATCH_BUDGET: Duration = Duration::from_millis(50);

/// The longest rest between two batches.
const MAX_REST: Duration = Duration::from_millis(100);

/// The size of a purge's batches and the rest after each: after a batch the purge rests
/// as long as the batch took, so it holds the writer at most half of the time and the
/// writes waiting (acknowledgements, the workers' outcomes) go first.
#[derive(Debug)]
pub(crate) struct Pace {
    batch: i64,
    budget: Duration,
}

impl Pace {
    /// Batches sized to take about `budget` each.
    pub(crate) fn new(budget: Duration) -> Pace {
        Pace {
            batch: FIRST_BATCH,
            budget,
        }
    }

    /// How many done deliveries the next batch deletes.
    pub(crate) fn batch(&self) -> i64 {
        self.batch
    }

    /// After a batch that took `took`: the next batch's size, then the rest.
    pub(crate) async fn rest(&mut self, took: Duration) {
        if took > self.budget {
            self.batch = (self.batch / 2).max(MIN_BATCH);
        } else if took < self.budget / 2 {
            self.batch = (self.batch * 2).min(MAX_BATCH);
        }
        tokio::time::sleep(took.clamp(Duration::from_millis(1), MAX_REST)).await;
    }
}

/// Held while an automatic purge of this process runs on an inbox: two sets of workers on
/// one inbox never purge it at once.
pub(crate) struct Purging<'a>(&'a AtomicBool);

impl<'a> Purging<'a> {
    pub(crate) fn start(flag: &'a AtomicBool) -> Option<Purging<'a>> {
        flag.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .ok()
            .map(|_| Purging(flag))
    }
}

impl Drop for Purging<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// The workers' purge: at start and then every `every`, the done deliveries older than
/// `keep_done` (default: the inbox's retention) go, until stopped. On PostgreSQL an
/// instance finding another one purging skips its turn.
pub(crate) async fn purge_loop(
    inbox: Inbox,
    every: Duration,
    keep_done: Option<Duration>,
    mut stopped: watch::Receiver<bool>,
    task: TaskGuard,
) {
    loop {
        task.beat();
        if *stopped.borrow() {
            task.returned();
            return;
        }
        if let Some(_purging) = Purging::start(&inbox.shared.purging) {
            let keep = keep_done.unwrap_or(inbox.retention);
            match inbox
                .purge(keep, super::PurgeLock::Try, &|| task.beat())
                .await
            {
                Ok(Some(0)) => {}
                Ok(Some(purged)) => tracing::info!(purged, "webhook inbox: done deliveries purged"),
                Ok(None) => tracing::debug!("webhook inbox: another instance is purging"),
                Err(error) => {
                    tracing::warn!(error = %error, "webhook inbox: the purge failed; next turn")
                }
            }
        }
        let _ = tokio::time::timeout(every, stopped.changed()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_batch_shrinks_when_slow_and_grows_when_quick() {
        let mut pace = Pace::new(Duration::from_millis(10));
        pace.rest(Duration::from_millis(40)).await;
        assert_eq!(pace.batch(), 50);
        for _ in 0..10 {
            pace.rest(Duration::from_millis(40)).await;
        }
        assert_eq!(pace.batch(), MIN_BATCH);
        for _ in 0..10 {
            pace.rest(Duration::from_millis(1)).await;
        }
        assert_eq!(pace.batch(), MAX_BATCH);
        pace.rest(Duration::from_millis(7)).await;
        assert_eq!(pace.batch(), MAX_BATCH, "within the budget: as it was");
    }
}
