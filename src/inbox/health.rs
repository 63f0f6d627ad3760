//! Health checks of an inbox and the workers of this process: readiness (the database
//! answers, workers run, the lag is under a threshold) and liveness (no worker loop died
//! or stopped coming back for work), as plain values and as JSON.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use super::{now_ms, Inbox, InboxErrorKind};

/// How long the readiness check waits for the database by default: 500 ms, under the
/// 1 s a Kubernetes probe waits by default (`timeoutSeconds`).
pub const DEFAULT_HEALTH_TIMEOUT: Duration = Duration::from_millis(500);

/// The longest a due delivery may wait for a worker before the inbox is not ready, by
/// default: 5 minutes.
pub const DEFAULT_MAX_LAG: Duration = Duration::from_secs(5 * 60);

/// What [`Inbox::readiness`] checks, and its bounds.
///
/// ```
/// use std::time::Duration;
/// use tower_webhook::inbox::ReadinessCheck;
///
/// // A receiver whose workers run in another process: the workers are not checked here.
/// let check = ReadinessCheck::new()
///     .timeout(Duration::from_millis(300))
///     .max_lag(Duration::from_secs(60))
///     .require_workers(false);
/// # let _ = check;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ReadinessCheck {
    timeout: Duration,
    max_lag: Option<Duration>,
    require_workers: bool,
}

impl Default for ReadinessCheck {
    fn default() -> Self {
        ReadinessCheck::new()
    }
}

impl ReadinessCheck {
    /// The database within [`DEFAULT_HEALTH_TIMEOUT`], workers of this process running,
    /// and a lag under [`DEFAULT_MAX_LAG`].
    pub fn new() -> ReadinessCheck {
        ReadinessCheck {
            timeout: DEFAULT_HEALTH_TIMEOUT,
            max_lag: Some(DEFAULT_MAX_LAG),
            require_workers: true,
        }
    }

    /// How long the database may take to answer (default 500 ms): past it, the check
    /// `database` fails.
    pub fn timeout(mut self, timeout: Duration) -> ReadinessCheck {
        self.timeout = timeout;
        self
    }

    /// The longest the oldest due delivery may have waited for a worker (default
    /// 5 minutes): the check `lag` fails above it. The lag is how long the delivery that
    /// has waited longest since it fell due has waited: pending, retrying past its
    /// scheduled time, or running under a lease that has expired (its worker died). A
    /// delivery waiting for its next retry (backoff), or held behind an earlier one of its
    /// ordering key, is not late: the workers are not behind for it.
    pub fn max_lag(mut self, lag: Duration) -> ReadinessCheck {
        self.max_lag = Some(lag);
        self
    }

    /// Does not check the lag (the check `lag` is `skipped`).
    pub fn ignore_lag(mut self) -> ReadinessCheck {
        self.max_lag = None;
        self
    }

    /// Whether workers of this process must run (default `true`). `false` for a process
    /// that only receives (its workers run elsewhere): the check `workers` is `skipped`.
    pub fn require_workers(mut self, required: bool) -> ReadinessCheck {
        self.require_workers = required;
        self
    }
}

/// The outcome of one check of a [`Health`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CheckStatus {
    /// It passed.
    Ok,
    /// It failed: the [`Health`] is not ok.
    Fail,
    /// It was not made (not asked for, or it depends on a check that failed).
    Skipped,
}

impl CheckStatus {
    /// `ok`, `fail` or `skipped`, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Fail => "fail",
            CheckStatus::Skipped => "skipped",
        }
    }
}

/// One named check: `database`, `workers` or `lag`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    name: &'static str,
    status: CheckStatus,
    detail: String,
}

impl Check {
    fn new(name: &'static str, status: CheckStatus, detail: impl Into<String>) -> Check {
        Check {
            name,
            status,
            detail: detail.into(),
        }
    }

    /// Its name: `database`, `workers` or `lag`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether it passed.
    pub fn status(&self) -> CheckStatus {
        self.status
    }

    /// What it found, for a person: never a secret, a URL or a database's own message
    /// (those go to the log).
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

/// What [`Inbox::readiness`] or [`Inbox::liveness`] found: each check with its status.
/// Serialises to JSON as `{"status": "ok"|"fail", "checks": [{"name", "status",
/// "detail"}, …], "failing": ["lag", …]}`.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use tower_webhook::inbox::{Inbox, ReadinessCheck};
/// # let dir = std::env::temp_dir().join(format!("inbox-doc-health-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap();
/// // No workers run in this process yet.
/// let health = inbox.readiness(&ReadinessCheck::new()).await;
/// assert!(!health.is_ok());
/// assert_eq!(health.failing().map(|check| check.name()).collect::<Vec<_>>(), ["workers"]);
/// let json = serde_json::to_value(&health).unwrap();
/// assert_eq!(json["failing"][0], "workers");
/// assert!(inbox.liveness().is_ok());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct Health {
    checks: Vec<Check>,
}

impl Health {
    /// Whether no check failed.
    pub fn is_ok(&self) -> bool {
        self.checks
            .iter()
            .all(|check| check.status != CheckStatus::Fail)
    }

    /// Every check, in a fixed order.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The checks that failed.
    pub fn failing(&self) -> impl Iterator<Item = &Check> {
        self.checks
            .iter()
            .filter(|check| check.status == CheckStatus::Fail)
    }

    /// The check named `name`.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|check| check.name == name)
    }
}

impl Serialize for Health {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Health", 3)?;
        out.serialize_field("status", if self.is_ok() { "ok" } else { "fail" })?;
        out.serialize_field("checks", &self.checks)?;
        let failing: Vec<&str> = self.failing().map(|check| check.name).collect();
        out.serialize_field("failing", &failing)?;
        out.end()
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, check) in self.checks.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(
                f,
                "{} {}: {}",
                check.name,
                check.status.as_str(),
                check.detail
            )?;
        }
        Ok(())
    }
}

impl Inbox {
    /// Whether this process should get traffic: the checks `database` (a cheap read
    /// answers within [`ReadinessCheck::timeout`]; for SQLite also that the file at the
    /// inbox's path is still the one opened, not deleted or replaced), `workers` (workers
    /// of this process were [spawned](super::Workers::spawn), are not shut down, and none
    /// of their loops died) and `lag` (the oldest due delivery has waited for a worker at
    /// most [`ReadinessCheck::max_lag`]; see there).
    ///
    /// One statement, the read the idle workers make anyway; nothing is written. On
    /// PostgreSQL it runs in a transaction whose `statement_timeout` is the check's
    /// timeout, so a read stuck behind a lock is given up by the server as well, not left
    /// waiting (and holding a pooled connection) after each probe. See
    /// [`Health`] for an example, and [`health_router`](Inbox::health_router) for the
    /// HTTP face.
    pub async fn readiness(&self, check: &ReadinessCheck) -> Health {
        let now = now_ms();
        let read = tokio::time::timeout(check.timeout, self.shared.db.health(check.timeout)).await;
        let mut checks = Vec::with_capacity(3);
        let next_due = match read {
            Ok(Ok(next_due)) => {
                checks.push(Check::new(
                    "database",
                    CheckStatus::Ok,
                    format!("{} answered", self.shared.db.engine()),
                ));
                Some(next_due)
            }
            Ok(Err(error)) => {
                tracing::warn!(error = %error, "webhook inbox: readiness: the database failed");
                checks.push(Check::new(
                    "database",
                    CheckStatus::Fail,
                    format!(
                        "{} failed ({}; the error is in the log)",
                        self.shared.db.engine(),
                        kind_name(error.kind())
                    ),
                ));
                None
            }
            Err(_) => {
                tracing::warn!(
                    timeout = ?check.timeout,
                    "webhook inbox: readiness: the database did not answer in time"
                );
                checks.push(Check::new(
                    "database",
                    CheckStatus::Fail,
                    format!(
                        "{} did not answer within {} ms",
                        self.shared.db.engine(),
                        check.timeout.as_millis()
                    ),
                ));
                None
            }
        };
        checks.push(match check.require_workers {
            true => self.shared.workers.readiness(),
            false => Check::new("workers", CheckStatus::Skipped, "not required"),
        });
        checks.push(match (check.max_lag, next_due) {
            (None, _) => Check::new("lag", CheckStatus::Skipped, "not checked"),
            (Some(_), None) => Check::new(
                "lag",
                CheckStatus::Skipped,
                "not known: the database did not answer",
            ),
            (Some(max), Some(next_due)) => lag_check(lag(next_due, now), max),
        });
        Health { checks }
    }

    /// Whether this process is alive, for a liveness probe (restart it when not): it
    /// answers (a probe that gets an answer at all has checked the runtime), and the
    /// workers of this process, if any run, have no loop that died (a panic in the
    /// handler's `poll_ready` or `call`, outside the task an attempt runs in) or that
    /// has not come back to look for work for longer than its bound: its
    /// [attempt timeout](super::Workers::attempt_timeout) plus its poll interval plus
    /// 2 minutes for the database's statements (the purge's loop: 10 minutes for one
    /// batch). It never reads the database: an outage of the database is not a reason to
    /// restart, and readiness reports it.
    pub fn liveness(&self) -> Health {
        Health {
            checks: vec![self.shared.workers.liveness()],
        }
    }
}

#[cfg(feature = "inbox-router")]
impl Inbox {
    /// The health checks as an axum [`Router`](axum::Router) for a load balancer's or an
    /// orchestrator's probes: `GET /healthz` answers [`liveness`](Inbox::liveness),
    /// `GET /readyz` answers [`readiness`](Inbox::readiness) with `check`; each `200` when
    /// every check passes, else `503`, with the [`Health`] as JSON and
    /// `Cache-Control: no-store`. The body names each check, its status and what it
    /// found, and lists the failing ones; it never holds a secret, a URL or a database's
    /// own error (those go to the log), so the router may be served without
    /// authentication, apart from the admin API ([`router`](Inbox::router)).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use axum::Router;
    /// use tower_webhook::inbox::{Inbox, ReadinessCheck};
    ///
    /// # let dir = std::env::temp_dir().join(format!("inbox-doc-health-router-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap();
    /// let app: Router = Router::new().merge(inbox.health_router(ReadinessCheck::new()));
    /// # let _ = app;
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox-router")))]
    pub fn health_router(&self, check: ReadinessCheck) -> axum::Router {
        use axum::routing::get;
        let state = Arc::new((self.clone(), check));
        axum::Router::new()
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .with_state(state)
    }
}

#[cfg(feature = "inbox-router")]
async fn healthz(
    axum::extract::State(state): axum::extract::State<Arc<(Inbox, ReadinessCheck)>>,
) -> axum::response::Response {
    answer(&state.0.liveness())
}

#[cfg(feature = "inbox-router")]
async fn readyz(
    axum::extract::State(state): axum::extract::State<Arc<(Inbox, ReadinessCheck)>>,
) -> axum::response::Response {
    answer(&state.0.readiness(&state.1).await)
}

#[cfg(feature = "inbox-router")]
fn answer(health: &Health) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = match health.is_ok() {
        true => http::StatusCode::OK,
        false => http::StatusCode::SERVICE_UNAVAILABLE,
    };
    let no_store = [(http::header::CACHE_CONTROL, "no-store")];
    (status, no_store, axum::Json(health)).into_response()
}

/// How long a delivery due at `next_due` has waited at `now` (zero if it is not due yet).
fn lag(next_due: Option<i64>, now: i64) -> Duration {
    let waited = next_due.map_or(0, |due| now.saturating_sub(due));
    Duration::from_millis(u64::try_from(waited).unwrap_or(0))
}

fn lag_check(lag: Duration, max: Duration) -> Check {
    let detail = format!(
        "the oldest due delivery has waited {} ms for a worker (at most {} ms)",
        lag.as_millis(),
        max.as_millis()
    );
    let status = if lag > max {
        CheckStatus::Fail
    } else {
        CheckStatus::Ok
    };
    Check::new("lag", status, detail)
}

/// The lag as the workers' alerts see it: how long the oldest due delivery has waited.
pub(crate) async fn current_lag(inbox: &Inbox) -> Result<Duration, super::InboxError> {
    let now = now_ms();
    let next_due = inbox.shared.db.next_due().await?;
    Ok(lag(next_due, now))
}

fn kind_name(kind: InboxErrorKind) -> &'static str {
    match kind {
        InboxErrorKind::Configuration => "configuration",
        InboxErrorKind::Unavailable => "unavailable",
        InboxErrorKind::Database => "database error",
        InboxErrorKind::Corrupt => "corrupt",
    }
}

/// The worker sets of this process over one inbox, as their handles left them: what
/// readiness and liveness read. Held weakly: a set whose handle and loops are gone is gone.
#[derive(Default)]
pub(crate) struct Registry {
    sets: Mutex<Vec<Weak<WorkerSet>>>,
}

impl Registry {
    pub(crate) fn register(&self, set: &Arc<WorkerSet>) {
        if let Ok(mut sets) = self.sets.lock() {
            sets.retain(|set| set.strong_count() > 0);
            sets.push(Arc::downgrade(set));
        }
    }

    /// The sets not shut down or aborted.
    fn running(&self) -> Vec<Arc<WorkerSet>> {
        let Ok(sets) = self.sets.lock() else {
            return Vec::new();
        };
        sets.iter()
            .filter_map(Weak::upgrade)
            .filter(|set| !set.stopped.load(Ordering::SeqCst))
            .collect()
    }

    fn readiness(&self) -> Check {
        let sets = self.running();
        if sets.is_empty() {
            return Check::new(
                "workers",
                CheckStatus::Fail,
                "no workers run in this process (never spawned, shut down or aborted)",
            );
        }
        let loops: usize = sets.iter().map(|set| set.loops.len()).sum();
        let died: Vec<&str> = sets.iter().flat_map(|set| set.died()).collect();
        if !died.is_empty() {
            return Check::new(
                "workers",
                CheckStatus::Fail,
                format!(
                    "{} of {loops} worker tasks died ({}); restart the process",
                    died.len(),
                    died.join(", ")
                ),
            );
        }
        Check::new(
            "workers",
            CheckStatus::Ok,
            format!("{loops} worker tasks running"),
        )
    }

    fn liveness(&self) -> Check {
        let sets = self.running();
        let (mut loops, mut died, mut stalled) = (0, Vec::new(), Vec::new());
        for set in &sets {
            loops += set.loops.len();
            died.extend(set.died());
            stalled.extend(set.stalled());
        }
        if !died.is_empty() {
            return Check::new(
                "workers",
                CheckStatus::Fail,
                format!(
                    "{} of {loops} worker tasks died ({})",
                    died.len(),
                    died.join(", ")
                ),
            );
        }
        if let Some((kind, quiet)) = stalled.first() {
            return Check::new(
                "workers",
                CheckStatus::Fail,
                format!(
                    "{} of {loops} worker tasks stalled: a {kind} task has not come back for \
                     {} s",
                    stalled.len(),
                    quiet.as_secs()
                ),
            );
        }
        if loops == 0 {
            return Check::new("workers", CheckStatus::Ok, "no workers run in this process");
        }
        Check::new(
            "workers",
            CheckStatus::Ok,
            format!("{loops} worker tasks running"),
        )
    }
}

/// The tasks of one [`WorkersHandle`](super::WorkersHandle): each task's state, written by
/// the task (its heartbeat, its end) and by the handle (stopped).
pub(crate) struct WorkerSet {
    loops: Box<[TaskState]>,
    /// Set by the handle when it shuts the workers down or aborts them: their ends are not
    /// deaths, and the set no longer counts as running.
    stopped: AtomicBool,
    started: Instant,
}

struct TaskState {
    kind: &'static str,
    /// How long the task may go without a heartbeat before it counts as stalled.
    stall_after: Duration,
    /// Milliseconds since `started` of the last heartbeat.
    beat: AtomicU64,
    /// Its future is gone: it returned, was aborted or panicked.
    ended: AtomicBool,
    /// It returned (because it was told to stop).
    returned: AtomicBool,
}

impl WorkerSet {
    /// A set of tasks, each a kind (`worker`, `purge`, `lag alert`) and its stall bound.
    pub(crate) fn new(tasks: impl IntoIterator<Item = (&'static str, Duration)>) -> Arc<Self> {
        Arc::new(WorkerSet {
            loops: tasks
                .into_iter()
                .map(|(kind, stall_after)| TaskState {
                    kind,
                    stall_after,
                    beat: AtomicU64::new(0),
                    ended: AtomicBool::new(false),
                    returned: AtomicBool::new(false),
                })
                .collect(),
            stopped: AtomicBool::new(false),
            started: Instant::now(),
        })
    }

    /// The guard of task `index`, to move into it.
    pub(crate) fn task(self: &Arc<Self>, index: usize) -> TaskGuard {
        TaskGuard {
            set: self.clone(),
            index,
        }
    }

    /// The handle stops the tasks (shutdown, abort or drop).
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The kinds of the tasks whose future is gone though nobody stopped them: a panic
    /// (or a bug).
    fn died(&self) -> Vec<&'static str> {
        self.loops
            .iter()
            .filter(|task| {
                task.ended.load(Ordering::SeqCst) && !task.returned.load(Ordering::SeqCst)
            })
            .map(|task| task.kind)
            .collect()
    }

    /// Tasks alive whose last heartbeat is older than their bound, with how long ago.
    fn stalled(&self) -> Vec<(&'static str, Duration)> {
        let now = self.elapsed_ms();
        self.loops
            .iter()
            .filter(|task| !task.ended.load(Ordering::SeqCst))
            .filter_map(|task| {
                let quiet =
                    Duration::from_millis(now.saturating_sub(task.beat.load(Ordering::SeqCst)));
                (quiet > task.stall_after).then_some((task.kind, quiet))
            })
            .collect()
    }
}

/// Held by one task for its life: its heartbeat, and its end (dropped with the task's
/// future, however it ends).
pub(crate) struct TaskGuard {
    set: Arc<WorkerSet>,
    index: usize,
}

impl TaskGuard {
    /// The task is making progress.
    pub(crate) fn beat(&self) {
        if let Some(task) = self.set.loops.get(self.index) {
            task.beat.store(self.set.elapsed_ms(), Ordering::SeqCst);
        }
    }

    /// The task returns because it was told to stop: its end is not a death.
    pub(crate) fn returned(&self) {
        if let Some(task) = self.set.loops.get(self.index) {
            task.returned.store(true, Ordering::SeqCst);
        }
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        if let Some(task) = self.set.loops.get(self.index) {
            task.ended.store(true, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_that_ends_unasked_died_and_one_that_stops_quietly_stalls() {
        let mut set = WorkerSet::new([
            ("worker", Duration::from_secs(60)),
            ("purge", Duration::ZERO),
        ]);
        // Started a second ago: the purge, which never beat, has been quiet that long.
        if let (Some(set), Some(earlier)) = (
            Arc::get_mut(&mut set),
            Instant::now().checked_sub(Duration::from_secs(1)),
        ) {
            set.started = earlier;
        }
        let registry = Registry::default();
        registry.register(&set);
        let worker = set.task(0);
        let purge = set.task(1);
        worker.beat();
        assert_eq!(registry.readiness().status(), CheckStatus::Ok);
        let live = registry.liveness();
        assert_eq!(live.status(), CheckStatus::Fail, "{}", live.detail());
        assert!(live.detail().contains("purge"), "{}", live.detail());
        drop(purge);
        drop(worker);
        assert_eq!(registry.readiness().status(), CheckStatus::Fail);
        let detail = registry.liveness().detail().to_owned();
        assert!(
            detail.contains("2 of 2 worker tasks died (worker, purge)"),
            "{detail}"
        );
        set.stop();
        assert!(registry.readiness().detail().contains("no workers"));
        assert_eq!(registry.liveness().status(), CheckStatus::Ok);
    }

    #[test]
    fn the_lag_is_the_time_since_the_oldest_delivery_fell_due() {
        assert_eq!(lag(None, 1_000), Duration::ZERO);
        assert_eq!(lag(Some(2_000), 1_000), Duration::ZERO);
        assert_eq!(lag(Some(400), 1_000), Duration::from_millis(600));
        assert_eq!(
            lag_check(Duration::from_millis(2), Duration::from_millis(1)).status(),
            CheckStatus::Fail
        );
        assert_eq!(
            lag_check(Duration::from_millis(1), Duration::from_millis(1)).status(),
            CheckStatus::Ok
        );
    }
}
