//! The source of "now" for freshness checks and replay-store expiry. Injectable so tests
//! can move time without sleeping.

use std::time::SystemTime;

/// Tells the current time.
///
/// Any `Fn() -> SystemTime` is a clock, so a test can pin time with a closure:
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use tower_webhook::{providers, Verifier};
///
/// let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_614_265_330);
/// let verifier = Verifier::builder(providers::standard_webhooks())
///     .secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
///     .clock(move || at)
///     .build()
///     .unwrap();
/// # let _ = verifier;
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
}

impl<F> Clock for F
where
    F: Fn() -> SystemTime + Send + Sync + 'static,
{
    fn now(&self) -> SystemTime {
        self()
    }
}

/// The system's wall clock, [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}
