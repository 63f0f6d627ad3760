//! Replay protection: a store that remembers which deliveries were handled, so replays and
//! provider retries never run the handler twice, while a retry after a failed handler
//! still gets through.
//!
//! A delivery goes through three steps: [`reserve`](ReplayStore::reserve) before the
//! handler runs (only one caller wins), then [`complete`](ReplayStore::complete) when the
//! handler answered 2xx (the id is remembered for the retention period), or
//! [`release`](ReplayStore::release) when it failed, panicked or was cancelled (the
//! provider's retry is handled).

mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use self::memory::{MemoryStore, MemoryStoreBuilder, DEFAULT_CAPACITY};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::redis::{RedisStore, RedisStoreBuilder};

/// A boxed, sendable future, as returned by [`ReplayStore`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The key a delivery is remembered under: its provider and its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplayKey {
    // Shared, so that a store keeping the key (in a map and an expiry queue) clones it
    // without copying the text.
    provider: Arc<str>,
    id: Arc<str>,
}

impl ReplayKey {
    /// The key of delivery `id` from `provider`.
    pub fn new(provider: &str, id: &str) -> Self {
        ReplayKey {
            provider: provider.into(),
            id: id.into(),
        }
    }

    /// The provider's name.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The delivery id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Display for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.id)
    }
}

/// Proof of a reservation: [`complete`](ReplayStore::complete) and
/// [`release`](ReplayStore::release) act only while the stored token still matches, so a
/// late release never removes somebody else's reservation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReservationToken(Box<str>);

impl ReservationToken {
    /// A token with the given unique text.
    pub fn new(token: impl Into<Box<str>>) -> Self {
        ReservationToken(token.into())
    }

    /// The token's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The answer to a [`reserve`](ReplayStore::reserve).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The delivery is new: the caller holds it until it completes or releases it.
    Reserved(ReservationToken),
    /// The delivery was already handled successfully.
    Completed,
    /// Another caller holds the delivery right now.
    InFlight,
}

/// The store could not answer: unreachable, too slow, or full.
#[derive(Debug)]
pub struct StoreError {
    message: Box<str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// An error with a message.
    pub fn new(message: impl Into<Box<str>>) -> Self {
        StoreError {
            message: message.into(),
            source: None,
        }
    }

    /// An error caused by another error.
    pub fn with_source(
        message: impl Into<Box<str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Remembers deliveries. Each operation must be atomic: of many concurrent
/// [`reserve`](Self::reserve) calls for one key, exactly one gets
/// [`Reservation::Reserved`].
pub trait ReplayStore: Send + Sync + 'static {
    /// Reserves `key` for `lease`: a reservation that is neither completed nor released
    /// within the lease expires, so a crashed process never blocks a delivery for good.
    fn reserve<'a>(
        &'a self,
        key: &'a ReplayKey,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>>;

    /// Marks a reserved delivery as handled, remembered for `retention`. Does nothing when
    /// `token` no longer holds the key.
    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Forgets a reservation so the delivery can be tried again. Does nothing when `token`
    /// no longer holds the key.
    fn release<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

impl<S: ReplayStore + ?Sized> ReplayStore for std::sync::Arc<S> {
    fn reserve<'a>(
        &'a self,
        key: &'a ReplayKey,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        (**self).reserve(key, lease)
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).complete(key, token, retention)
    }

    fn release<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).release(key, token)
    }
}
