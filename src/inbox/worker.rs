//! The workers: claim a due delivery under a lease, run the handler, record the outcome
//! (done, or retrying with backoff, or dead), extending the lease while the handler runs.

use std::future::Future;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use bytes::Buf;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::BodyExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_service::Service;
use tracing::Instrument;

use super::alert::{Alert, AlertHook, AlertLimiter, DEFAULT_ALERT_INTERVAL, DEFAULT_ALERT_LIMIT};
use super::health::{TaskGuard, WorkerSet};
use super::{
    duration_ms, from_ms, now_ms, Claimed, DeliveryState, Failed, Finished, Inbox, InboxJob,
};
use crate::body::VerifiedBody;
use crate::Delivery;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How many deliveries run at once by default: 4.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// How long a worker holds a delivery without news by default: 5 minutes. While the
/// handler runs, the worker extends it every third of the lease; a worker that dies stops
/// extending it, and another takes the delivery over when it expires.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(5 * 60);
/// How long one attempt may run by default before it counts as failed: 5 minutes. See
/// [`Workers::attempt_timeout`].
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// How many attempts a delivery gets by default before it is dead: 10.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;
/// The pause after the first failure by default: 1 second, doubled after each further
/// failure.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(1);
/// The longest pause between attempts by default: 1 hour.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);
/// How often an idle worker looks for due deliveries by default, besides being woken by
/// the layer: 1 second (this is what notices deliveries written by another process).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The most of a failed attempt's response body an inbox keeps, in bytes: 1 KiB
/// ([`AttemptRecord::response`](super::AttemptRecord::response)). The body is read frame
/// by frame only until this much is in, never further, and within the attempt's timeout;
/// a handler's error text is kept to this length too.
pub const MAX_RESPONSE_EXCERPT: usize = 1024;
/// How much of the response excerpt [`DeliveryRecord::last_error`](super::DeliveryRecord::last_error)
/// repeats after the reason: its first line, at most this many characters.
const LAST_ERROR_EXCERPT: usize = 200;
/// How many of an error's sources an attempt's reason names, at most.
const MAX_SOURCES: usize = 16;

/// Workers that run a handler over an [`Inbox`]'s deliveries; made by
/// [`Inbox::workers`], started by [`spawn`](Self::spawn).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::convert::Infallible;
/// use std::time::Duration;
/// use tower_webhook::inbox::Inbox;
/// use tower_webhook::layer::VerifiedBody;
/// use tower_webhook::Delivery;
///
/// # let dir = std::env::temp_dir().join(format!("inbox-doc-workers-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let url = format!("sqlite://{}", dir.join("inbox.db").display());
/// let inbox = Inbox::connect(&url).await.unwrap();
/// let handler = tower::service_fn(|request: http::Request<VerifiedBody>| async move {
///     let delivery = request.extensions().get::<Delivery>().cloned();
///     let _ = delivery; // … handle it, idempotently …
///     Ok::<_, Infallible>(http::Response::new(String::new()))
/// });
/// let workers = inbox
///     .workers(handler)
///     .concurrency(8)
///     .lease(Duration::from_secs(60))
///     .attempt_timeout(Duration::from_secs(120))
///     .max_attempts(12)
///     .backoff(Duration::from_secs(2), Duration::from_secs(30 * 60))
///     .spawn();
/// workers.shutdown().await;
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # });
/// ```
#[must_use]
pub struct Workers<S> {
    inbox: Inbox,
    handler: S,
    settings: Settings,
}

#[derive(Clone, Debug)]
struct Settings {
    concurrency: usize,
    lease: Duration,
    attempt_timeout: Duration,
    max_attempts: u32,
    max_age: Option<Duration>,
    backoff: Duration,
    max_backoff: Duration,
    poll_interval: Duration,
    /// The application's alert hook ([`Workers::on_alert`]).
    alerts: Option<AlertHook>,
    /// The lag above which the hook gets [`Alert::Lagging`] ([`Workers::alert_on_lag`]).
    lag_alert: Option<Duration>,
    /// How many failed attempts' alerts of each kind per interval ([`Workers::alert_limit`]).
    alert_limit: (u32, Duration),
    /// The bound itself, made at [`Workers::spawn`] and shared by the workers.
    limiter: Option<Arc<AlertLimiter>>,
    /// How often done deliveries are purged; `None`: never ([`Workers::without_purge`]).
    purge_every: Option<Duration>,
    /// How long done deliveries are kept; `None`: the inbox's retention.
    keep_done: Option<Duration>,
}

impl<S> std::fmt::Debug for Workers<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workers")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<S> Workers<S> {
    pub(super) fn new(inbox: Inbox, handler: S) -> Self {
        Workers {
            inbox,
            handler,
            settings: Settings {
                concurrency: DEFAULT_CONCURRENCY,
                lease: DEFAULT_LEASE,
                attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
                max_attempts: DEFAULT_MAX_ATTEMPTS,
                max_age: None,
                backoff: DEFAULT_BACKOFF,
                max_backoff: DEFAULT_MAX_BACKOFF,
                poll_interval: DEFAULT_POLL_INTERVAL,
                alerts: None,
                lag_alert: None,
                alert_limit: (DEFAULT_ALERT_LIMIT, DEFAULT_ALERT_INTERVAL),
                limiter: None,
                purge_every: Some(super::DEFAULT_PURGE_INTERVAL),
                keep_done: None,
            },
        }
    }

    /// How many deliveries run at once (default 4, at least 1).
    pub fn concurrency(mut self, workers: usize) -> Self {
        self.settings.concurrency = workers.max(1);
        self
    }

    /// How long a worker holds a delivery without news (default 5 minutes, at least
    /// 3 ms). It is extended every third of itself while the handler runs, so it bounds
    /// how long a dead worker's delivery waits, not how long a handler may take.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.settings.lease = lease.max(Duration::from_millis(3));
        self
    }

    /// How long one attempt may run (default 5 minutes, at least 1 ms): the handler's
    /// readiness and its call together. An attempt still running then is a failed
    /// attempt: the handler's future is dropped (its task aborted, and awaited, before
    /// the outcome is recorded, so a retry never overlaps it), the attempt is recorded
    /// with the error `attempt timed out after …`, and the delivery is retried with
    /// backoff, or dead after [`max_attempts`](Self::max_attempts) or
    /// [`max_age`](Self::max_age).
    ///
    /// Without it, a handler that never answers would hold its delivery for good (the
    /// lease is extended while it runs), and with [`concurrency`](Self::concurrency) such
    /// deliveries every later delivery would wait. Set it above the longest a handler
    /// can legitimately take: a handler cut off mid-way runs again from the start.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.settings.attempt_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How many attempts a delivery gets before it is dead (default 10, at least 1). An
    /// attempt whose worker died counts: a delivery that kills its process on every
    /// attempt is dead after this many, not run forever.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.settings.max_attempts = attempts.max(1);
        self
    }

    /// A delivery that fails when it is older than `age` (since it was accepted) is dead,
    /// whatever its attempts (default: no limit but the attempts).
    pub fn max_age(mut self, age: Duration) -> Self {
        self.settings.max_age = Some(age);
        self
    }

    /// The pause after the first failure and the longest pause (defaults 1 s and 1 hour).
    /// The pause doubles after each failure; each is drawn between half and all of it
    /// (jitter), so deliveries that failed together do not all come back together.
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.settings.backoff = first;
        self.settings.max_backoff = max.max(first);
        self
    }

    /// How often an idle worker looks for due deliveries besides being woken by the
    /// layer and the operations of this process (default 1 s).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.settings.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Calls `hook` with an [`Alert`] when an attempt fails ([`Alert::AttemptFailed`], or
    /// [`Alert::Dead`] for the attempt that leaves the delivery dead: one alert per failed
    /// attempt, up to the [`alert_limit`](Self::alert_limit)) and, with [`alert_on_lag`](Self::alert_on_lag), when the lag crosses its
    /// threshold and when it is back under it. Each call replaces the hook before.
    ///
    /// The hook runs on the worker's task once the attempt's outcome is recorded (a worker
    /// that lost its lease, or could not record the outcome, gives no alert: the worker
    /// that takes the delivery over speaks for it): **it must be quick and must not block** (no I/O, no lock held for long).
    /// To post an alert somewhere, hand it to a task of your own (a channel, or
    /// `tokio::spawn`), as `examples/slack_alerts.rs` does. A panic in the hook is caught
    /// and logged. An alert carries the delivery's metadata, never its headers or body.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use std::convert::Infallible;
    /// use std::time::Duration;
    /// use tower_webhook::inbox::{Alert, Inbox};
    /// use tower_webhook::layer::VerifiedBody;
    ///
    /// # let dir = std::env::temp_dir().join(format!("inbox-doc-alerts-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap();
    /// let handler = tower::service_fn(|_: http::Request<VerifiedBody>| async {
    ///     Ok::<_, Infallible>(http::Response::new(String::new()))
    /// });
    /// let (alerts, mut received) = tokio::sync::mpsc::unbounded_channel();
    /// let workers = inbox
    ///     .workers(handler)
    ///     .on_alert(move |alert: Alert| {
    ///         // Quick: the sending is done by another task.
    ///         let _ = alerts.send(alert);
    ///     })
    ///     .alert_on_lag(Duration::from_secs(5 * 60))
    ///     .spawn();
    /// tokio::spawn(async move {
    ///     while let Some(alert) = received.recv().await {
    ///         eprintln!("{alert}"); // … post it to your chat or pager …
    ///     }
    /// });
    /// workers.shutdown().await;
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    pub fn on_alert(mut self, hook: impl Fn(Alert) + Send + Sync + 'static) -> Self {
        self.settings.alerts = Some(AlertHook::new(hook));
        self
    }

    /// Gives the [`on_alert`](Self::on_alert) hook [`Alert::Lagging`] when the oldest due
    /// delivery has waited longer than `threshold` for a worker, and
    /// [`Alert::LagRecovered`] when it has waited at most half of `threshold`: once each
    /// time it crosses, not on every look. The recovery's lower mark is hysteresis: a lag
    /// hovering about the threshold gives one `Lagging`, not a `Lagging` and a
    /// `LagRecovered` at every look. The workers look every [`poll_interval`](Self::poll_interval). The lag
    /// is the one [`ReadinessCheck::max_lag`](super::ReadinessCheck::max_lag) bounds: a
    /// delivery waiting for its next retry or held behind its ordering key is not late.
    /// Each instance sharing an inbox looks, and alerts, by itself.
    pub fn alert_on_lag(mut self, threshold: Duration) -> Self {
        self.settings.lag_alert = Some(threshold);
        self
    }

    /// At most `max` [`Alert::AttemptFailed`] per `interval`, and at most `max`
    /// [`Alert::Dead`] (default [`DEFAULT_ALERT_LIMIT`](super::DEFAULT_ALERT_LIMIT), 20,
    /// of each per [`DEFAULT_ALERT_INTERVAL`](super::DEFAULT_ALERT_INTERVAL), a minute;
    /// `max` at least 1, `interval` at least 1 ms), so that an outage of the handler's
    /// downstream does not page once per delivery. Each kind counts in fixed windows of
    /// `interval`, the first starting with the first alert. The alerts over the limit are
    /// not given but counted: the next one given of the kind carries the count
    /// ([`FailedAttempt::suppressed`](super::FailedAttempt::suppressed)), the metric
    /// `webhook_inbox_alerts_suppressed_total{kind}` (feature `metrics`) counts them, and
    /// each attempt is logged as always (a dead delivery at `error`). The lag alerts are
    /// not limited (they come once per crossing). The limit is per [`spawn`](Self::spawn).
    pub fn alert_limit(mut self, max: u32, interval: Duration) -> Self {
        self.settings.alert_limit = (max.max(1), interval.max(Duration::from_millis(1)));
        self
    }

    /// How often the workers purge done deliveries (default
    /// [`DEFAULT_PURGE_INTERVAL`](super::DEFAULT_PURGE_INTERVAL), hourly; at least 1 ms),
    /// once as they start and then at this interval: those done longer ago than
    /// [`keep_done`](Self::keep_done) go, as [`Inbox::purge_done`] deletes them (small
    /// paced batches; the replay keys stay for the replay window; dead deliveries stay).
    /// On PostgreSQL the instances sharing an inbox take turns: one finding another
    /// purging skips its turn (an advisory lock).
    pub fn purge_every(mut self, interval: Duration) -> Self {
        self.settings.purge_every = Some(interval.max(Duration::from_millis(1)));
        self
    }

    /// How long done deliveries are kept before the workers purge them (default: the
    /// inbox's [`retention`](Inbox::retention), the replay window, 14 days by default).
    /// Shorter is safe: a purged delivery's replay keys stay until the replay window
    /// ends, so a provider's retry or a captured copy is still a duplicate.
    pub fn keep_done(mut self, age: Duration) -> Self {
        self.settings.keep_done = Some(age);
        self
    }

    /// The workers never purge (for a purge by a scheduler of your own,
    /// [`Inbox::purge_done`] or the command line's `purge`).
    pub fn without_purge(mut self) -> Self {
        self.settings.purge_every = None;
        self
    }

    /// Starts the workers on the current tokio runtime: the worker loops, the purge of done
    /// deliveries ([`purge_every`](Self::purge_every)) and, with
    /// [`alert_on_lag`](Self::alert_on_lag), the lag's watch. The inbox's
    /// [`readiness`](Inbox::readiness) and [`liveness`](Inbox::liveness) see them.
    ///
    /// The handler's response body is read only when its status is not 2xx, and only its
    /// first [`MAX_RESPONSE_EXCERPT`] bytes, kept with the attempt as why it failed.
    ///
    /// # Panics
    /// When called outside a tokio runtime.
    pub fn spawn<B>(self) -> WorkersHandle
    where
        S: Service<Request<VerifiedBody>, Response = Response<B>> + Clone + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let (stop, stopped) = watch::channel(false);
        let mut settings = self.settings;
        let (max, per) = settings.alert_limit;
        settings.limiter = Some(Arc::new(AlertLimiter::new(max, per)));
        let settings = Arc::new(settings);
        // How long each task may go without a heartbeat before liveness calls it stalled.
        let slack = Duration::from_secs(120);
        // Saturating: an attempt timeout or a poll interval past the clock's range (no
        // deadline) is a configuration the workers accept.
        let worker_stall = settings
            .attempt_timeout
            .saturating_add(settings.poll_interval)
            .saturating_add(slack);
        let lag_watch = settings.alerts.clone().zip(settings.lag_alert);
        let mut kinds = vec![("worker", worker_stall); settings.concurrency];
        if let Some(every) = settings.purge_every {
            // It looks at each interval, and beats between the batches of a purge.
            kinds.push(("purge", every.saturating_add(Duration::from_secs(600))));
        }
        if lag_watch.is_some() {
            kinds.push(("lag watch", settings.poll_interval.saturating_add(slack)));
        }
        let set = WorkerSet::new(kinds);
        self.inbox.shared.workers.register(&set);
        let tasks = (0..settings.concurrency)
            .map(|index| {
                let worker = Worker {
                    inbox: self.inbox.clone(),
                    handler: self.handler.clone(),
                    settings: settings.clone(),
                    stopped: stopped.clone(),
                    task: set.task(index),
                };
                tokio::spawn(worker.run())
            })
            .collect();
        let mut housekeeping = Vec::new();
        let mut index = settings.concurrency;
        if let Some(every) = settings.purge_every {
            housekeeping.push(tokio::spawn(super::retention::purge_loop(
                self.inbox.clone(),
                every,
                settings.keep_done,
                stopped.clone(),
                set.task(index),
            )));
            index += 1;
        }
        if let Some((hook, threshold)) = lag_watch {
            housekeeping.push(tokio::spawn(super::alert::watch_lag(
                self.inbox.clone(),
                hook,
                threshold,
                settings.poll_interval,
                stopped.clone(),
                set.task(index),
            )));
        }
        #[cfg(feature = "metrics")]
        housekeeping.push(tokio::spawn(gauges(self.inbox.clone(), stopped.clone())));
        WorkersHandle {
            tasks,
            housekeeping,
            stop,
            set,
        }
    }
}

/// The running workers of [`Workers::spawn`].
///
/// [`shutdown`](Self::shutdown) lets the running handlers finish. **Dropping the handle
/// aborts the workers at once**, like a crash: the deliveries they held are taken over
/// when their leases expire. Keep it for as long as the workers should run.
#[must_use = "dropping the handle stops the workers"]
pub struct WorkersHandle {
    tasks: Vec<JoinHandle<()>>,
    /// The purge, the lag's watch and the gauges: aborted, not waited for, at shutdown.
    housekeeping: Vec<JoinHandle<()>>,
    stop: watch::Sender<bool>,
    set: Arc<WorkerSet>,
}

impl std::fmt::Debug for WorkersHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkersHandle")
            .field("workers", &self.tasks.len())
            .finish_non_exhaustive()
    }
}

impl WorkersHandle {
    /// Stops claiming deliveries and waits for the handlers that run to finish and their
    /// outcomes to be recorded. The housekeeping tasks (the purge, the lag's watch, the
    /// gauges) are aborted, not waited for: a purge under way stops where it is, its
    /// batch's transaction either committed or rolled back (a batch is idempotent, and the
    /// next purge carries on), and on PostgreSQL the connection holding the purge's lock
    /// closed, which releases the lock. From now on the inbox's
    /// [`readiness`](Inbox::readiness) no longer counts these workers.
    pub async fn shutdown(mut self) {
        self.set.stop();
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
        for task in std::mem::take(&mut self.housekeeping) {
            task.abort();
            let _ = task.await;
        }
    }

    /// Stops the workers at once, like a crash: the handlers running are dropped
    /// mid-way, and their deliveries are taken over when their leases expire.
    pub fn abort(self) {
        drop(self);
    }
}

impl Drop for WorkersHandle {
    fn drop(&mut self) {
        self.set.stop();
        for task in self.tasks.iter().chain(&self.housekeeping) {
            task.abort();
        }
    }
}

/// How often the inbox's gauges are read and set ([`crate::metrics`]).
#[cfg(feature = "metrics")]
const GAUGES_EVERY: Duration = Duration::from_secs(1);

/// Sets the inbox's gauges every [`GAUGES_EVERY`] until the workers stop.
#[cfg(feature = "metrics")]
async fn gauges(inbox: Inbox, mut stopped: watch::Receiver<bool>) {
    loop {
        if *stopped.borrow() {
            return;
        }
        // A round that fails counts an error and leaves the refresh's timestamp as it was:
        // gauges frozen at their last value show as stale, not as a quiet inbox.
        match inbox.stats().await {
            Ok(stats) => match super::health::current_lag(&inbox).await {
                Ok(lag) => {
                    crate::metrics::inbox_stats(&stats, Some(lag));
                    crate::metrics::inbox_gauges_refreshed(std::time::SystemTime::now());
                }
                Err(error) => {
                    crate::metrics::inbox_stats(&stats, None);
                    crate::metrics::inbox_gauges_failed();
                    tracing::warn!(error = %error, "webhook inbox: its lag gauge could not be read")
                }
            },
            Err(error) => {
                crate::metrics::inbox_gauges_failed();
                tracing::warn!(error = %error, "webhook inbox: its gauges could not be read")
            }
        }
        // Stopped (or the handle gone): done; else the next round.
        if tokio::time::timeout(GAUGES_EVERY, stopped.changed())
            .await
            .is_ok()
        {
            return;
        }
    }
}

struct Worker<S> {
    inbox: Inbox,
    handler: S,
    settings: Arc<Settings>,
    stopped: watch::Receiver<bool>,
    /// Its heartbeat and its end, for liveness and readiness.
    task: TaskGuard,
}

/// Aborts the handler's task when the worker is dropped (aborted) mid-way.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How the error of an attempt that ran out of time starts.
const TIMED_OUT: &str = "attempt timed out";

static TOKENS: AtomicU64 = AtomicU64::new(0);

/// A lease token unique to this claim: random per process, counted within it.
fn lease_token() -> String {
    let count = TOKENS.fetch_add(1, Ordering::Relaxed);
    let random = std::collections::hash_map::RandomState::new().hash_one(count);
    format!("{random:016x}-{count}")
}

/// A number in `[0, 1)` drawn afresh.
fn jitter() -> f64 {
    let bits = std::collections::hash_map::RandomState::new().hash_one(now_ms());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// How an attempt ended, as it is recorded.
struct Outcome {
    /// Why it failed, on one line; `None`: it succeeded.
    error: Option<String>,
    /// The status the handler answered, if it answered.
    status: Option<StatusCode>,
    /// The start of the response body of a status that is not 2xx, in clear.
    response: Option<String>,
    /// How long it took; `None` when the handler never ran.
    duration: Option<Duration>,
}

impl Outcome {
    /// An attempt that failed before the handler ran.
    fn not_run(error: String) -> Outcome {
        Outcome {
            error: Some(error),
            status: None,
            response: None,
            duration: None,
        }
    }
}

/// What the handler's task has seen of its answer so far: kept outside the task, so an
/// attempt timed out while the body was read still has the status and the bytes read.
#[derive(Default)]
struct Answer {
    status: Option<StatusCode>,
    excerpt: Vec<u8>,
}

/// Reads `body` frame by frame into `answer`'s excerpt until [`MAX_RESPONSE_EXCERPT`]
/// bytes are in, or the body ends or fails: never more of it.
async fn read_excerpt<B>(body: B, answer: &Mutex<Answer>)
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut body = std::pin::pin!(body);
    let mut room = MAX_RESPONSE_EXCERPT;
    while room > 0 {
        match body.as_mut().frame().await {
            Some(Ok(frame)) => {
                let Ok(mut data) = frame.into_data() else {
                    continue; // trailers
                };
                let Ok(mut answer) = answer.lock() else {
                    return;
                };
                while room > 0 && data.has_remaining() {
                    let chunk = data.chunk();
                    let take = chunk.len().min(room);
                    answer.excerpt.extend_from_slice(&chunk[..take]);
                    data.advance(take);
                    room -= take;
                }
            }
            Some(Err(error)) => {
                let error: BoxError = error.into();
                tracing::debug!(
                    error = %error_chain(&*error),
                    "webhook inbox: the handler's response body failed while read"
                );
                return;
            }
            None => return,
        }
    }
}

/// `text` cut to at most `max` bytes, on a character's boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// The excerpt's bytes as text: bytes that are not UTF-8 replaced, at most
/// [`MAX_RESPONSE_EXCERPT`] bytes; `None` for an empty body.
fn excerpt_text(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    Some(cut(&String::from_utf8_lossy(bytes), MAX_RESPONSE_EXCERPT).to_owned())
}

/// `error` and its sources (`Error::source`), joined with `: ` (a source whose text its
/// error already ends with is not repeated), on one line, at most
/// [`MAX_RESPONSE_EXCERPT`] bytes.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    for _ in 0..MAX_SOURCES {
        let Some(source) = next else {
            break;
        };
        if text.len() > MAX_RESPONSE_EXCERPT {
            break;
        }
        let said = source.to_string();
        if !text.ends_with(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        next = source.source();
    }
    let line: String = cut(&text, MAX_RESPONSE_EXCERPT)
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    line
}

/// The delivery's `last_error`: the attempt's reason, then the first line of its response
/// excerpt (at most [`LAST_ERROR_EXCERPT`] characters) when there is one to show.
fn last_error(error: &str, excerpt: Option<&str>) -> String {
    let first_line =
        excerpt.and_then(|excerpt| excerpt.lines().map(str::trim).find(|line| !line.is_empty()));
    match first_line {
        Some(line) => {
            let shown: String = line.chars().take(LAST_ERROR_EXCERPT).collect();
            let more = if shown.len() < line.len() { "…" } else { "" };
            format!("{error}: {shown}{more}")
        }
        None => error.to_owned(),
    }
}

impl<S, B> Worker<S>
where
    S: Service<Request<VerifiedBody>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    async fn run(mut self) {
        let inbox = self.inbox.clone();
        loop {
            self.task.beat();
            if *self.stopped.borrow() {
                self.task.returned();
                return;
            }
            // Listening before looking, so a delivery written in between still wakes us.
            let notified = inbox.shared.due.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            let token = lease_token();
            match inbox.claim(&token, self.settings.lease, now_ms()).await {
                Ok(Some(claimed)) => {
                    self.attempt(claimed, &token).await;
                    inbox.fold_tally(false).await;
                    continue;
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(error = %error, "webhook inbox: claiming a delivery failed");
                }
            }
            let mut wait = self.settings.poll_interval;
            if let Ok(Some(next)) = inbox.shared.db.next_due().await {
                let until = u64::try_from(next.saturating_sub(now_ms())).unwrap_or(0);
                wait = wait.min(Duration::from_millis(until));
            }
            let sleep = tokio::time::sleep(wait);
            let mut sleep = std::pin::pin!(sleep);
            let changed = self.stopped.changed();
            let mut changed = std::pin::pin!(changed);
            std::future::poll_fn(|cx| {
                if notified.as_mut().poll(cx).is_ready()
                    || sleep.as_mut().poll(cx).is_ready()
                    || changed.as_mut().poll(cx).is_ready()
                {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
            .await;
        }
    }

    async fn attempt(&mut self, claimed: Claimed, token: &str) {
        let span = tracing::info_span!(
            "webhook_inbox_attempt",
            inbox_id = %claimed.id,
            provider = %claimed.parts.provider,
            source = claimed.parts.source.as_deref(),
            delivery_id = %crate::delivery::loggable_line(&claimed.parts.id),
            event_type = claimed.parts.event_type.as_deref().map(crate::delivery::loggable),
            attempt = claimed.attempt,
            outcome = tracing::field::Empty,
        );
        // In the trace of the receive, when one was kept (feature `opentelemetry`).
        super::trace::continue_trace(&span, claimed.traceparent.as_deref());
        // Every event of the attempt, the handler's own included, is in its span.
        self.attempt_in_span(claimed, token, span.clone())
            .instrument(span)
            .await;
    }

    async fn attempt_in_span(&mut self, claimed: Claimed, token: &str, span: tracing::Span) {
        let outcome = if claimed.attempt > self.settings.max_attempts {
            // Its workers died on every attempt (a handler that crashes the process): it
            // is not run again, so that it cannot take the process down for good.
            Outcome::not_run("lease expired on the last attempt".to_owned())
        } else {
            tracing::info!("webhook inbox: attempt started");
            match self.request(&claimed) {
                Ok(request) => self.call(request, &claimed, token, span.clone()).await,
                Err(error) => Outcome::not_run(error),
            }
        };
        let now = now_ms();
        let result = match outcome.error.as_deref() {
            None => crate::metrics::Attempt::Success,
            Some(error) if error.starts_with(TIMED_OUT) => crate::metrics::Attempt::Timeout,
            Some(_) => crate::metrics::Attempt::Failure,
        };
        let mut dead = false;
        // Sealed like the body when the delivery is encrypted at rest; then the delivery's
        // `last_error`, stored in clear for the lists, does not repeat it.
        let sealed = claimed.sealed_with.is_some();
        let response = outcome.response.as_deref().and_then(|excerpt| {
            self.inbox
                .seal_response(&claimed, excerpt)
                .map_err(|error| {
                    tracing::warn!(
                        error = %error,
                        "webhook inbox: the response excerpt could not be sealed; not kept"
                    );
                })
                .ok()
        });
        let mut finished = Finished {
            failed: None,
            status: outcome.status.map(|status| i64::from(status.as_u16())),
            response: response.as_deref(),
            duration_ms: outcome.duration.map(duration_ms),
        };
        let last_error = outcome
            .error
            .as_deref()
            .map(|error| last_error(error, outcome.response.as_deref().filter(|_| !sealed)));
        // The alert a failure gives, once its outcome is recorded: a worker that lost its
        // lease, or whose write failed, does not speak for the delivery.
        let mut alert = None;
        let recorded = match (&outcome.error, &last_error) {
            (None, _) | (_, None) => {
                tracing::info!("webhook inbox: attempt succeeded; delivery done");
                self.inbox
                    .shared
                    .db
                    .finish(&claimed, token, &finished, now)
                    .await
            }
            (Some(error), Some(last_error)) => {
                let age = Duration::from_millis(
                    u64::try_from(now.saturating_sub(claimed.received_at)).unwrap_or(0),
                );
                let too_old = self.settings.max_age.is_some_and(|max| age >= max);
                dead = claimed.attempt >= self.settings.max_attempts || too_old;
                let next_at = now.saturating_add(duration_ms(self.pause(claimed.attempt)));
                alert = Some((last_error.as_str(), (!dead).then_some(next_at)));
                let status = outcome.status.map(|status| status.as_u16());
                let state = if dead {
                    tracing::error!(
                        error = %error,
                        status,
                        "webhook inbox: attempt failed; delivery is dead"
                    );
                    DeliveryState::Dead
                } else {
                    tracing::warn!(
                        error = %error,
                        status,
                        retry_at = ?from_ms(next_at),
                        "webhook inbox: attempt failed; retrying later"
                    );
                    DeliveryState::Retrying
                };
                finished.failed = Some(Failed {
                    error,
                    last_error,
                    state,
                    next_at,
                });
                self.inbox
                    .shared
                    .db
                    .finish(&claimed, token, &finished, now)
                    .await
            }
        };
        if let (Ok(true), Some((error, retry_at))) = (&recorded, alert) {
            self.alert_failed(&claimed, error, retry_at);
        }
        crate::metrics::inbox_attempt(
            &claimed.parts.provider,
            result,
            dead && matches!(recorded, Ok(true)),
        );
        span.record(
            "outcome",
            match (&outcome.error, dead) {
                (None, _) => "done",
                (Some(_), false) => "retrying",
                (Some(_), true) => "dead",
            },
        );
        match recorded {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                "webhook inbox: the lease was lost while the handler ran (another worker took \
                 the delivery over, or it was forgotten); this outcome is not recorded"
            ),
            Err(error) => tracing::error!(
                error = %error,
                "webhook inbox: the outcome could not be recorded; the delivery runs again \
                 when its lease expires"
            ),
        }
    }

    /// Gives the alert hook, if any, the failed attempt (dead when `retry_at` is `None`),
    /// within the [alert limit](Workers::alert_limit).
    fn alert_failed(&self, claimed: &Claimed, error: &str, retry_at: Option<i64>) {
        let (Some(hook), Some(limiter)) = (&self.settings.alerts, &self.settings.limiter) else {
            return;
        };
        hook.fire_failed(limiter, claimed, error, retry_at);
    }

    /// The pause before the attempt after failed attempt `attempt` (from 1).
    fn pause(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        let full = self
            .settings
            .backoff
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.settings.max_backoff);
        full.mul_f64(0.5 + jitter() / 2.0)
    }

    /// The stored request, with the delivery and the job in its extensions.
    /// A row encrypted at rest is opened first; one that does not open (a key this inbox
    /// was not given, an altered row) fails the attempt, and the handler never runs.
    fn request(&self, claimed: &Claimed) -> Result<Request<VerifiedBody>, String> {
        let (uri, headers, body) = self
            .inbox
            .open_claimed(claimed)
            .map_err(|error| error.to_string())?;
        let mut request = Request::new(VerifiedBody::new(body.clone()));
        *request.method_mut() = claimed
            .method
            .parse()
            .map_err(|_| "the stored method is invalid".to_owned())?;
        *request.uri_mut() = uri
            .parse()
            .map_err(|_| "the stored URI is invalid".to_owned())?;
        *request.headers_mut() = super::decode_headers(&headers);
        let parts = claimed.parts.clone();
        let extensions = request.extensions_mut();
        extensions.insert(Delivery::stored(parts, body));
        extensions.insert(InboxJob {
            id: claimed.id,
            attempt: claimed.attempt,
            received_at: from_ms(claimed.received_at),
        });
        Ok(request)
    }

    /// Runs the handler in a task of its own (a panic is a failed attempt), extending
    /// the lease every third of it until the handler is done, or until the attempt
    /// timeout, when the task is aborted and the attempt fails. The task reads the start
    /// of a response body whose status is not 2xx, within the same timeout.
    async fn call(
        &mut self,
        request: Request<VerifiedBody>,
        claimed: &Claimed,
        token: &str,
        span: tracing::Span,
    ) -> Outcome {
        let started = tokio::time::Instant::now();
        let timeout = self.settings.attempt_timeout;
        // `None` only for a timeout past the clock's range: no deadline then.
        let deadline = started.checked_add(timeout);
        let answer = Arc::new(Mutex::new(Answer::default()));
        let ended = |error: Option<String>| {
            let (status, excerpt) = match answer.lock() {
                Ok(mut answer) => (answer.status, std::mem::take(&mut answer.excerpt)),
                Err(_) => (None, Vec::new()),
            };
            Outcome {
                error,
                status,
                response: excerpt_text(&excerpt),
                duration: Some(started.elapsed()),
            }
        };
        let timed_out = || format!("{TIMED_OUT} after {timeout:?}");
        let handler = &mut self.handler;
        let ready = std::future::poll_fn(|cx| {
            handler.poll_ready(cx).map_err(|error| {
                let error: BoxError = error.into();
                format!("handler not ready: {}", error_chain(&*error))
            })
        });
        let ready = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, ready)
                .await
                .unwrap_or_else(|_| Err(timed_out())),
            None => ready.await,
        };
        if let Err(error) = ready {
            return ended(Some(error));
        }
        let call = self.handler.call(request);
        // Only the status, the excerpt and the error's text leave the task.
        let seen = answer.clone();
        let mut task = AbortOnDrop(tokio::spawn(
            async move {
                let response = call.await.map_err(|error| {
                    let error: BoxError = error.into();
                    error_chain(&*error)
                })?;
                let (parts, body) = response.into_parts();
                if let Ok(mut seen) = seen.lock() {
                    seen.status = Some(parts.status);
                }
                if !parts.status.is_success() {
                    read_excerpt(body, &seen).await;
                }
                Ok::<(), String>(())
            }
            .instrument(span),
        ));
        let period = (self.settings.lease / 3).max(Duration::from_millis(1));
        let joined = loop {
            let wait = deadline.map_or(period, |deadline| {
                period.min(deadline.saturating_duration_since(tokio::time::Instant::now()))
            });
            match tokio::time::timeout(wait, &mut task.0).await {
                Ok(joined) => break joined,
                Err(_) if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) => {
                    // The handler's future is dropped before the outcome is recorded, so
                    // the retry never runs beside it.
                    task.0.abort();
                    let _ = (&mut task.0).await;
                    return ended(Some(timed_out()));
                }
                Err(_) => {
                    let until = now_ms().saturating_add(duration_ms(self.settings.lease));
                    match self.inbox.shared.db.extend(claimed.id, token, until).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(
                            inbox_id = %claimed.id,
                            "webhook inbox: lease lost while the handler runs"
                        ),
                        Err(error) => tracing::error!(
                            inbox_id = %claimed.id,
                            error = %error,
                            "webhook inbox: the lease could not be extended"
                        ),
                    }
                }
            }
        };
        let status = answer.lock().ok().and_then(|answer| answer.status);
        let error = match (joined, status) {
            (Ok(Ok(())), Some(status)) if status.is_success() => None,
            (Ok(Ok(())), Some(status)) => Some(format!("handler answered {status}")),
            (Ok(Ok(())), None) => Some("handler answered no status".to_owned()),
            (Ok(Err(error)), _) => Some(format!("handler failed: {error}")),
            (Err(join), _) if join.is_panic() => Some("handler panicked".to_owned()),
            (Err(_), _) => Some("handler was cancelled".to_owned()),
        };
        ended(error)
    }
}
