#![doc = guide_links!()]
#![doc = include_str!("../../docs/replay-stores.md")]

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

/// How long a completed delivery is remembered by default: 14 days, beyond the longest
/// retry horizon a preset's provider documents ([`Preset::retry_horizon`]: DocuSign's
/// about 10 days, Customer.io's 7, Stripe's 3, Heroku's 72 hours, Svix's about 28).
///
/// [`Preset::retry_horizon`]: crate::providers::Preset::retry_horizon
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(14 * 24 * 60 * 60);

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
    Routed = 4,
    IdWithContent = 5,
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

    /// The key of an unsigned id bound to what every attempt of its delivery signs
    /// (`content`: a tag of the signed parts without the timestamp), for providers that
    /// sign each attempt anew: only the same content under the same id is this key.
    pub(crate) fn id_with_content(namespace: &str, id: &str, content: &[u8]) -> Self {
        ReplayKey::digest(namespace, KeyRole::IdWithContent, &[id.as_bytes(), content])
    }

    /// This key bound to the route a dispatcher chose (`route`), for deliveries whose
    /// event type is unsigned: the same content under another route is another key.
    pub(crate) fn routed(self, route: &str) -> Self {
        ReplayKey::digest("", KeyRole::Routed, &[&self.0, route.as_bytes()])
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

    /// A placeholder: the digest of nothing, all zeros.
    pub(crate) const fn zero() -> Self {
        ReplayKey([0; 32])
    }

    /// The key whose digest is `bytes`, as stored.
    #[cfg(inbox)]
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

/// A delivery's replay keys as a store [reserves](ReplayStore::reserve) them: the keys,
/// which of them is a *claim* (an id the sender chose, outside the signature), and what a
/// store may remember on the strength of a hit.
///
/// When a reservation finds some key known, the delivery is a duplicate and nothing is
/// reserved. When the key found is **completed**, the copy's unknown *content* keys (every
/// key but a claim) are remembered as completed too, and [`to_learn`](Self::to_learn)
/// says which:
///
/// - a content key was found completed: the same signed content was handled, so its
///   other keys (its tags under the other configured secrets) are that content too;
/// - only the claim was found completed: the copy says it is a delivery already handled,
///   but nothing signed proves it. Its content keys are remembered only where the
///   provider's retries are **signed anew** (a signed timestamp: Zendesk, Box, Linear),
///   so that the retry, replayed under a fresh id, is refused too. Where a retry repeats
///   the very signature (GitHub, Shopify: no signed timestamp), remembering it would let
///   a captured copy of a failed delivery, resent under an id already handled, mark done
///   the signature the provider's genuine retry carries, and that delivery would be lost.
///
/// A key found only **in flight** teaches nothing: the delivery holding it may still fail
/// and be released, and its retry must then get through.
///
/// A claim is never written on the strength of another key.
///
/// ```
/// use tower_webhook::replay::{KeySet, ReplayKey};
///
/// let keys = [ReplayKey::new("github", "delivery-1"), ReplayKey::signature("github", b"tag")];
/// // An unsigned id first, then the signature; retries repeat the signature.
/// let set = KeySet::new(&keys).claim_first(false);
/// assert!(set.is_claim(0));
/// // Found completed by its id only: the signature is not remembered.
/// assert!(set.to_learn(true, false).is_empty());
/// // Found completed by its signature: it is that content.
/// assert_eq!(set.to_learn(false, true), &keys[1..]);
/// // Found only in flight: nothing.
/// assert!(set.to_learn(false, false).is_empty());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct KeySet<'a> {
    keys: &'a [ReplayKey],
    claim_first: bool,
    learn_from_claim: bool,
}

impl<'a> KeySet<'a> {
    /// Keys that each identify the delivery's signed content (a signed id, the signature,
    /// its tags under several secrets).
    pub fn new(keys: &'a [ReplayKey]) -> Self {
        KeySet {
            keys,
            claim_first: false,
            learn_from_claim: false,
        }
    }

    /// The first key is a claim: an id the sender chose that the signature does not
    /// cover. `retries_signed_anew`: whether the provider's retries carry a new signature
    /// (it signs a timestamp), which makes a hit on the claim alone enough to remember the
    /// content keys.
    pub fn claim_first(mut self, retries_signed_anew: bool) -> Self {
        self.claim_first = !self.keys.is_empty();
        self.learn_from_claim = retries_signed_anew;
        self
    }

    /// Every key, the claim (if any) first.
    pub fn keys(&self) -> &'a [ReplayKey] {
        self.keys
    }

    /// Whether the key at `index` is a claim.
    pub fn is_claim(&self, index: usize) -> bool {
        self.claim_first && index == 0
    }

    /// Whether a hit on the claim alone teaches the content keys: the first key is a
    /// claim and the provider's retries are signed anew.
    pub fn learns_from_claim(&self) -> bool {
        self.claim_first && self.learn_from_claim
    }

    /// The content keys: every key but the claim.
    pub fn content(&self) -> &'a [ReplayKey] {
        let start = usize::from(self.claim_first);
        self.keys.get(start..).unwrap_or_default()
    }

    /// The keys a store remembers as completed, where it does not know them yet, when a
    /// reservation finds the delivery known: `claim_completed`, whether the claim was
    /// found completed; `content_completed`, whether a content key was. Keys found only
    /// in flight count for neither. See the type's documentation.
    pub fn to_learn(&self, claim_completed: bool, content_completed: bool) -> &'a [ReplayKey] {
        let claim_completed = claim_completed && self.claim_first;
        if content_completed || (claim_completed && self.learn_from_claim) {
            self.content()
        } else {
            &[]
        }
    }
}

impl<'a> From<&'a [ReplayKey]> for KeySet<'a> {
    fn from(keys: &'a [ReplayKey]) -> Self {
        KeySet::new(keys)
    }
}

impl<'a, const N: usize> From<&'a [ReplayKey; N]> for KeySet<'a> {
    fn from(keys: &'a [ReplayKey; N]) -> Self {
        KeySet::new(keys)
    }
}

impl<'a> From<&'a Vec<ReplayKey>> for KeySet<'a> {
    fn from(keys: &'a Vec<ReplayKey>) -> Self {
        KeySet::new(keys)
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

/// The store could not answer; [`kind`](Self::kind) says why.
#[derive(Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    message: Box<str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What kind of failure a [`StoreError`] is. The layer answers each with `503` and
/// `Retry-After`, so the provider retries; the kind is for logs, metrics and callers of
/// the store.
///
/// ```
/// use tower_webhook::replay::{StoreError, StoreErrorKind};
///
/// let error = StoreError::new(StoreErrorKind::Unavailable, "connection refused");
/// assert_eq!(error.kind(), StoreErrorKind::Unavailable);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The store cannot work as configured (a malformed URL). Retrying does not help.
    Configuration,
    /// The store could not be reached, or failed the command (a closed connection, a
    /// server error, an answer it should not give). Transient.
    Unavailable,
    /// The store did not answer within the layer's store timeout.
    Timeout,
    /// The store is at its capacity (the in-memory store full of reservations in
    /// flight).
    Full,
}

impl StoreError {
    /// An error of `kind` with a message.
    pub fn new(kind: StoreErrorKind, message: impl Into<Box<str>>) -> Self {
        StoreError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// An error of `kind` caused by another error.
    pub fn with_source(
        kind: StoreErrorKind,
        message: impl Into<Box<str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError {
            kind,
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
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
/// A delivery has one or more keys (see
/// [`Delivery::replay_keys`](crate::Delivery::replay_keys)); a hit on any of them makes it
/// a duplicate. A reservation must be atomic over all of its keys: of many concurrent
/// [`reserve`](Self::reserve) calls sharing a key, exactly one gets
/// [`Reservation::Reserved`].
///
/// [`complete`](Self::complete) writes every key completed whatever holds it; see its
/// docs.
pub trait ReplayStore: Send + Sync + 'static {
    /// Reserves every key for `lease` when none is known: a reservation that is neither
    /// completed nor released (nor [extended](Self::extend)) within the lease expires, so
    /// a crashed process never blocks a delivery for good.
    ///
    /// When some key is known, nothing is reserved: the answer is
    /// [`Completed`](Reservation::Completed) if any key is completed, else
    /// [`InFlight`](Reservation::InFlight), and the unknown keys of
    /// [`KeySet::to_learn`] are remembered as completed for `retention`, in the same
    /// atomic step. A claim (an id the sender chose) is never written on the strength of
    /// another key.
    fn reserve<'a>(
        &'a self,
        keys: KeySet<'a>,
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
        keys: KeySet<'a>,
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
