//! Replay protection: a store that remembers which deliveries were handled, so replays and
//! provider retries never run the handler twice, while a retry after a failed handler
//! still gets through.
//!
//! A delivery goes through three steps: [`reserve`](ReplayStore::reserve) before the
//! handler runs (only one caller wins), [`extend`](ReplayStore::extend) while a slow
//! handler runs, then [`complete`](ReplayStore::complete) when the handler answered 2xx
//! (the delivery is remembered for the retention period), or
//! [`release`](ReplayStore::release) when it failed, panicked or was cancelled (the
//! provider's retry is handled).
//!
//! Keys are [`ReplayKey`]s: fixed-size digests made only from signed data, namespaced by
//! provider; see [`Delivery::replay_keys`](crate::Delivery::replay_keys) for which.

mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use self::memory::{MemoryStore, MemoryStoreBuilder, DEFAULT_CAPACITY};

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use self::postgres::PostgresStore;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::redis::{RedisStore, RedisStoreBuilder};

/// A boxed, sendable future, as returned by [`ReplayStore`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The longest a retention or lease can be: ten years. Longer durations (up to
/// `Duration::MAX`) are clamped to it, so a huge value never overflows into "expires at
/// once", which would turn replay protection off.
pub const MAX_DURATION: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// `duration`, clamped to [`MAX_DURATION`] and to at least one millisecond.
pub(crate) fn clamp(duration: Duration) -> Duration {
    duration.clamp(Duration::from_millis(1), MAX_DURATION)
}

/// What a replay key is made from; part of the digest, so an id and a signature with the
/// same bytes are different keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum KeyRole {
    Id = 1,
    Signature = 2,
    IdWithSignature = 3,
}

/// The key a delivery is remembered under: a SHA-256 digest of its namespace (the
/// provider or source) and of what identifies it (a signed id, or the signature).
///
/// Fixed-size whatever the request sent, so a hostile id never makes a store keep more
/// than 32 bytes per key; the encoding is injective (length-prefixed fields and a role
/// byte), so no provider name, id or signature can collide with another's.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplayKey([u8; 32]);

impl ReplayKey {
    /// The key of delivery `id` in `namespace` (a provider's name).
    pub fn new(namespace: &str, id: &str) -> Self {
        ReplayKey::digest(namespace, KeyRole::Id, &[id.as_bytes()])
    }

    /// The key of a verified signature (or another fingerprint of the signed content) in
    /// `namespace`.
    pub fn signature(namespace: &str, signature: &[u8]) -> Self {
        ReplayKey::digest(namespace, KeyRole::Signature, &[signature])
    }

    /// The key of an id bound to the signed content: the same id with other content is
    /// another key.
    pub fn id_with_signature(namespace: &str, id: &str, signature: &[u8]) -> Self {
        ReplayKey::digest(
            namespace,
            KeyRole::IdWithSignature,
            &[id.as_bytes(), signature],
        )
    }

    fn digest(namespace: &str, role: KeyRole, fields: &[&[u8]]) -> Self {
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        let mut field = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_be_bytes());
            hash.update(bytes);
        };
        field(namespace.as_bytes());
        field(&[role as u8]);
        for value in fields {
            field(value);
        }
        ReplayKey(hash.finalize().into())
    }

    /// The key whose digest is `bytes`, as stored.
    #[cfg(any(feature = "inbox-sqlite", feature = "inbox-postgres"))]
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        ReplayKey(bytes)
    }

    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in &self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReplayKey({self})")
    }
}

/// Proof of a reservation: [`extend`](ReplayStore::extend) and
/// [`release`](ReplayStore::release) act only while the stored token still matches, so a
/// late release never removes somebody else's reservation. ([`complete`](ReplayStore::complete)
/// writes every key whatever holds it, and uses the token to tell whether another copy's
/// reservation was overwritten.)
#[derive(Clone)]
pub struct ReservationToken(Token);

/// A token's text, or (the in-memory store's tokens) a number, kept without an
/// allocation and written out only when asked for.
#[derive(Clone)]
enum Token {
    Text(Box<str>),
    Seq {
        seq: u64,
        text: std::sync::OnceLock<Box<str>>,
    },
}

impl ReservationToken {
    /// A token with the given unique text.
    pub fn new(token: impl Into<Box<str>>) -> Self {
        ReservationToken(Token::Text(token.into()))
    }

    /// The in-memory store's token for its reservation number `seq`: the same token as
    /// `new(seq.to_string())`, without the allocation.
    pub(crate) fn from_seq(seq: u64) -> Self {
        ReservationToken(Token::Seq {
            seq,
            text: std::sync::OnceLock::new(),
        })
    }

    /// The number a [`from_seq`](Self::from_seq) token was made from.
    pub(crate) fn seq(&self) -> Option<u64> {
        match &self.0 {
            Token::Seq { seq, .. } => Some(*seq),
            Token::Text(_) => None,
        }
    }

    /// The token's text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Token::Text(text) => text,
            Token::Seq { seq, text } => text.get_or_init(|| seq.to_string().into_boxed_str()),
        }
    }
}

impl PartialEq for ReservationToken {
    fn eq(&self, other: &Self) -> bool {
        match (self.seq(), other.seq()) {
            (Some(a), Some(b)) => a == b,
            _ => self.as_str() == other.as_str(),
        }
    }
}

impl Eq for ReservationToken {}

impl std::hash::Hash for ReservationToken {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for ReservationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReservationToken")
            .field(&self.as_str())
            .finish()
    }
}

/// The answer to a [`reserve`](ReplayStore::reserve).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Every key is new: the caller holds them until it completes or releases them.
    Reserved(ReservationToken),
    /// The delivery was already handled successfully: the key at index `matched` of the
    /// ones passed to `reserve` is remembered as completed.
    Completed {
        /// The index of the first key found completed.
        matched: usize,
    },
    /// Another caller holds the delivery right now: the key at index `matched` is in
    /// flight.
    InFlight {
        /// The index of the first key found in flight.
        matched: usize,
    },
}

/// The answer to a [`complete`](ReplayStore::complete).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Every key is now remembered as completed.
    Recorded,
    /// Every key is now remembered as completed, but some key was held by another live
    /// reservation: the delivery was handled while a second copy was being handled too
    /// (this reservation's lease had expired, and a copy took the key). That copy's hold
    /// on the shared keys was overwritten: its handler may still run, but its failure can
    /// no longer free them for a third run.
    Contended,
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

/// Remembers deliveries.
///
/// A delivery has one or two keys (see
/// [`Delivery::replay_keys`](crate::Delivery::replay_keys)); a hit on any of them makes it
/// a duplicate. A reservation must be atomic over all of its keys: of many concurrent
/// [`reserve`](Self::reserve) calls sharing a key, exactly one gets
/// [`Reservation::Reserved`].
///
/// **Implementing it yourself:** since 2026-11-26, [`complete`](Self::complete) writes
/// every key completed whatever holds it (it used to leave a key held by another live
/// reservation alone); see its docs.
pub trait ReplayStore: Send + Sync + 'static {
    /// Reserves every key for `lease` when none is known: a reservation that is neither
    /// completed nor released (nor [extended](Self::extend)) within the lease expires, so
    /// a crashed process never blocks a delivery for good.
    ///
    /// When some key is known, nothing is reserved: the answer is
    /// [`Completed`](Reservation::Completed) if any key is completed, else
    /// [`InFlight`](Reservation::InFlight), and the unknown keys **after the first** are
    /// remembered as completed for `retention`. The first key may be an id the sender
    /// chose (an unsigned header), so it is never written on the strength of another key;
    /// the others identify signed content: a retry signed anew (its id known, its
    /// signature new) makes its signature a duplicate too, so replaying that retry under
    /// a new id is refused as well.
    fn reserve<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        lease: Duration,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>>;

    /// Keeps a reservation in flight for another `lease` while its handler runs. `false`
    /// when `token` no longer holds the keys.
    fn extend<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        lease: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Marks a handled delivery as completed, remembered for `retention`.
    ///
    /// Writes every key completed, whatever holds it: a completion must land even when
    /// the lease ran out during a slow handler or the store lost the reservation (a
    /// restart), or the next replay would run the handler again. A key held by another
    /// live reservation (a copy that took it after this one's lease ran out) is
    /// overwritten too, and reported as [`Completion::Contended`]: the delivery was
    /// handled, and left to that copy, the key would be freed again if its handler
    /// failed. Only the keys the two share are overwritten: a key of the copy's own (its
    /// content, signed anew) stays its reservation. Idempotent, so a completion that timed
    /// out can be retried.
    fn complete<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Completion, StoreError>>;

    /// Forgets a reservation so the delivery can be tried again. Does nothing to keys that
    /// `token` no longer holds.
    fn release<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

impl<S: ReplayStore + ?Sized> ReplayStore for std::sync::Arc<S> {
    fn reserve<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        lease: Duration,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        (**self).reserve(keys, lease, retention)
    }

    fn extend<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        lease: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        (**self).extend(keys, token, lease)
    }

    fn complete<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Completion, StoreError>> {
        (**self).complete(keys, token, retention)
    }

    fn release<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).release(keys, token)
    }
}
