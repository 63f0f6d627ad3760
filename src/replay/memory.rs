//! The in-memory replay store: for one process. Bounded: at capacity the oldest completed
//! deliveries are forgotten first; reservations in flight are never evicted.

use std::collections::{hash_map, HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use super::{
    clamp, BoxFuture, Completion, KeySet, ReplayKey, ReplayStore, Reservation, ReservationToken,
    StoreError, StoreErrorKind,
};
use crate::clock::{Clock, SystemClock};

/// The default capacity of a [`MemoryStore`]: 100,000 keys.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// A replay store in this process's memory.
///
/// Use it when one process receives the webhooks; several instances behind a load
/// balancer need a shared store (the Redis store). It holds at most `capacity` keys
/// (a delivery has one, two, or one more per extra secret): when full, expired entries go first, then the oldest
/// completed ones.
///
/// **Eviction forgets.** A completed delivery evicted before its retention ends is no
/// longer recognised: a replay of it (or the provider's retry) runs the handler again.
/// Size the capacity above the deliveries you receive per retention period, or use a
/// shared store; each such eviction is counted ([`evicted_early`](Self::evicted_early))
/// and logged at `warn`.
///
/// Reservations in flight are never evicted; when every slot is in flight, a new
/// reservation fails with a [`StoreError`] (the layer answers `503`, and the provider
/// retries).
///
/// A remembered delivery costs about 94 bytes (measured at one million, BENCHMARKS.md):
/// the table is keyed by the first 128 bits of each [`ReplayKey`] digest, with a 16-byte
/// entry. A store given to [`WebhookLayer::replay_store`](crate::WebhookLayer::replay_store)
/// by value or as an `Arc<MemoryStore>` is called directly, without the boxed futures of
/// [`ReplayStore`].
///
/// ```
/// use tower_webhook::replay::MemoryStore;
///
/// let store = MemoryStore::builder().capacity(10_000).build();
/// # let _ = store;
/// ```
pub struct MemoryStore {
    state: Mutex<State>,
    capacity: usize,
    clock: Arc<dyn Clock>,
    /// Whether `clock` is the system clock (none was configured).
    system_clock: bool,
    evicted_early: AtomicU64,
}

/// Configures a [`MemoryStore`].
#[must_use]
pub struct MemoryStoreBuilder {
    capacity: usize,
    clock: Option<Arc<dyn Clock>>,
}

/// Hashes a [`Slot`] by taking eight of its bytes: the key is already a SHA-256 digest,
/// uniformly spread, so hashing it again (SipHash on every lookup) buys nothing. Only
/// verified deliveries reach the store, so nobody can choose digests that collide in the
/// table.
#[derive(Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // The slot's bytes arrive in one write (after a length prefix, which is ignored).
        if let Some(word) = bytes.get(8..16).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            self.0 = u64::from_le_bytes(word);
        } else {
            for byte in bytes {
                self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
            }
        }
    }

    fn write_usize(&mut self, _length_prefix: usize) {}
}

/// What the table is keyed by: the first 128 bits of the key's SHA-256 digest. Two
/// distinct deliveries share a slot with probability 2^-128 per pair (a birthday search
/// for one would need about 2^64 *signed* deliveries), and half the key's bytes is the
/// difference between 94 and 110 bytes per remembered delivery.
type Slot = [u8; 16];

fn slot(key: &ReplayKey) -> Slot {
    let mut slot = [0; 16];
    slot.copy_from_slice(&key.as_bytes()[..16]);
    slot
}

type DigestMap<V> = HashMap<Slot, V, BuildHasherDefault<DigestHasher>>;

/// Nanoseconds since the Unix epoch (0 before it, saturating in the year 2554): the clock
/// as one machine word, so an entry is two words.
type Nanos = u64;

fn nanos(time: SystemTime) -> Nanos {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| {
            d.as_secs()
                .saturating_mul(NANOS_PER_SECOND)
                .saturating_add(u64::from(d.subsec_nanos()))
        })
        .unwrap_or(0)
}

const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// Whole seconds since the Unix epoch, rounded up (saturating in the year 2106, beyond
/// [`MAX_DURATION`](super::MAX_DURATION) from now): a completion-order item's expiry.
/// Rounded up, so an item that says "expired" is.
fn coarse(time: Nanos) -> u32 {
    u32::try_from(time.div_ceil(NANOS_PER_SECOND)).unwrap_or(u32::MAX)
}

/// An item of the completion-order queue: 24 bytes. The expiry (whole seconds, rounded
/// up) answers the sweep's "has the oldest completion expired?" without looking up the
/// big table, whose slot for it is a cache miss. `seq` is the low half of the write's
/// sequence number: the item matches the table's entry for its key when both the low
/// half and the rounded expiry agree (a rewrite of the key after 2^32 other writes, in
/// the same second of expiry, would be needed to mistake a stale item for a live one;
/// even then the sweep removes nothing unexpired, see [`State::sweep`]).
#[derive(Clone, Copy)]
struct Done {
    key: Slot,
    seq: u32,
    expires: u32,
}

impl Done {
    fn new(key: Slot, entry: Entry) -> Self {
        Done {
            key,
            // The low half, by design.
            seq: entry.seq as u32,
            expires: coarse(entry.expires),
        }
    }

    fn matches(&self, entry: &Entry) -> bool {
        entry.seq as u32 == self.seq && coarse(entry.expires) == self.expires
    }

    /// Whether it expired by `now`, by its rounded-up expiry: never early.
    fn expired(&self, now: Nanos) -> bool {
        u64::from(self.expires) * NANOS_PER_SECOND <= now
    }
}

/// Completed deliveries and reservations in flight are kept apart: almost every
/// reservation is completed or released within moments, so its table stays small and hot
/// in the cache, and the lookups that tell a reservation's queue item from a stale one
/// never touch the big table of completed keys.
struct State {
    completed: DigestMap<Entry>,
    in_flight: DigestMap<Entry>,
    /// Completed keys in the order they were written, with the write's `seq` and expiry;
    /// an item whose entry was since rewritten or removed is stale and skipped.
    completed_order: VecDeque<Done>,
    /// No lease in flight ends before this (a lower bound: leases completed or released
    /// since it was computed may have set it). Reservations do not queue: almost all are
    /// completed or released within moments, and the small table is swept whole, at the
    /// first reservation once a lease may have run out (see [`State::sweep`]).
    in_flight_due: Nanos,
    next: u64,
}

impl Default for State {
    fn default() -> Self {
        State {
            completed: DigestMap::default(),
            in_flight: DigestMap::default(),
            completed_order: VecDeque::new(),
            in_flight_due: Nanos::MAX,
            next: 0,
        }
    }
}

/// Sixteen bytes: when it expires, and the sequence number of the write (for a
/// reservation, its token).
#[derive(Clone, Copy)]
struct Entry {
    expires: Nanos,
    seq: u64,
}

/// What an unexpired key holds.
enum Held {
    Absent,
    InFlight(u64),
    Completed,
    /// Nothing unexpired, but an expired completion is still in the table.
    Expired,
}

impl MemoryStore {
    /// A store with the default capacity and the system clock.
    pub fn new() -> Self {
        MemoryStore::builder().build()
    }

    /// Starts configuring a store.
    pub fn builder() -> MemoryStoreBuilder {
        MemoryStoreBuilder {
            capacity: DEFAULT_CAPACITY,
            clock: None,
        }
    }

    /// How many keys it holds now, in flight or completed (expired ones included until
    /// they are swept).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many completed keys were evicted for room before their retention ended: each
    /// is a delivery that a replay or retry could run again.
    pub fn evicted_early(&self) -> u64 {
        self.evicted_early.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update leaves the map and the queues consistent before it can panic (the
        // queues may hold stale items, which are skipped), so a poisoned lock is usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// [`ReplayStore::reserve`], answered at once, without a future (the store never
    /// waits): for code that calls the store itself, with or without an async runtime.
    /// The layer calls the store this way when it is given one by value or as an
    /// `Arc<MemoryStore>`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_webhook::replay::{Completion, MemoryStore, ReplayKey, Reservation};
    ///
    /// let store = MemoryStore::new();
    /// let keys = [ReplayKey::new("stripe", "evt_1")];
    /// let (lease, retention) = (Duration::from_secs(30), Duration::from_secs(3600));
    /// let Ok(Reservation::Reserved(token)) = store.reserve_now(&keys, lease, retention) else {
    ///     panic!("a new delivery is reserved");
    /// };
    /// // … the delivery is handled, then:
    /// let completion = store.complete_now(&keys, &token, retention).unwrap();
    /// assert!(matches!(completion, Completion::Recorded));
    /// assert!(matches!(
    ///     store.reserve_now(&keys, lease, retention),
    ///     Ok(Reservation::Completed { matched: 0 })
    /// ));
    /// ```
    pub fn reserve_now<'k>(
        &self,
        keys: impl Into<KeySet<'k>>,
        lease: Duration,
        retention: Duration,
    ) -> Result<Reservation, StoreError> {
        self.reserve_at(keys.into(), lease, retention, None)
    }

    /// [`ReplayStore::extend`], answered at once: whether `token` still held a key.
    pub fn extend_now(
        &self,
        keys: &[ReplayKey],
        token: &ReservationToken,
        lease: Duration,
    ) -> bool {
        self.extend_at(keys, token, lease)
    }

    /// [`ReplayStore::complete`], answered at once.
    pub fn complete_now(
        &self,
        keys: &[ReplayKey],
        token: &ReservationToken,
        retention: Duration,
    ) -> Result<Completion, StoreError> {
        self.complete_at(keys, token, retention)
    }

    /// [`ReplayStore::release`], answered at once.
    pub fn release_now(&self, keys: &[ReplayKey], token: &ReservationToken) {
        self.release_at(keys, token)
    }

    /// Reserves `keys`. `system_now`: the system clock's time, just read by the caller
    /// (the layer's verifier, for freshness); used instead of reading the clock again
    /// when this store is on the system clock too.
    pub(crate) fn reserve_at(
        &self,
        set: KeySet<'_>,
        lease: Duration,
        retention: Duration,
        system_now: Option<SystemTime>,
    ) -> Result<Reservation, StoreError> {
        let now = match system_now {
            Some(time) if self.system_clock => nanos(time),
            _ => nanos(self.clock.now()),
        };
        let keys = set.keys();
        let mut state = self.lock();
        state.sweep(now);
        let mut completed = None;
        let mut in_flight = None;
        // Whether a key's expired completion is still in the table.
        let mut stale = false;
        let (mut claim_completed, mut content_completed) = (false, false);
        for (index, key) in keys.iter().enumerate() {
            match state.held(&slot(key), now) {
                Held::Completed => {
                    completed = completed.or(Some(index));
                    if set.is_claim(index) {
                        claim_completed = true;
                    } else {
                        content_completed = true;
                    }
                }
                Held::InFlight(_) => in_flight = in_flight.or(Some(index)),
                Held::Absent => {}
                Held::Expired => stale = true,
            }
        }
        let answer = match (completed, in_flight) {
            (Some(matched), _) => Some(Reservation::Completed { matched }),
            (None, Some(matched)) => Some(Reservation::InFlight { matched }),
            (None, None) => None,
        };
        if let Some(answer) = answer {
            // The copy's content keys are duplicates too, where a hit proves it (see
            // `KeySet`): remember them. Never a claim.
            let expires = expiry(now, retention);
            for key in set.to_learn(claim_completed, content_completed) {
                let key = slot(key);
                if matches!(state.held(&key, now), Held::Absent | Held::Expired) {
                    self.make_room(&mut state, 1, now)?;
                    state.write_completed(key, expires);
                }
            }
            return Ok(answer);
        }
        self.make_room(&mut state, keys.len(), now)?;
        let seq = state.bump();
        let expires = expiry(now, lease);
        state.in_flight_due = state.in_flight_due.min(expires);
        for key in keys {
            let key = slot(key);
            // An expired completion of the same key (the lookup above found it). Nothing
            // to remove for a new key: no second probe of the big table.
            if stale {
                state.completed.remove(&key);
            }
            state.in_flight.insert(key, Entry { expires, seq });
        }
        Ok(Reservation::Reserved(ReservationToken::from_seq(seq)))
    }

    /// Frees slots until `count` more keys fit: the oldest completed keys go first.
    fn make_room(&self, state: &mut State, count: usize, now: Nanos) -> Result<(), StoreError> {
        while state.len() + count > self.capacity {
            self.evict_one(state, now)?;
        }
        Ok(())
    }

    fn evict_one(&self, state: &mut State, now: Nanos) -> Result<(), StoreError> {
        match state.evict_oldest_completed() {
            Some(expires) => {
                if expires > now {
                    let count = self.evicted_early.fetch_add(1, Ordering::Relaxed) + 1;
                    // Once, then every 1,024th, so a flood cannot flood the logs too.
                    if count == 1 || count.is_multiple_of(1024) {
                        tracing::warn!(
                            evicted_early = count,
                            capacity = self.capacity,
                            "memory replay store is full: a completed delivery was forgotten \
                             before its retention ended; a replay of it would run the handler \
                             again (raise the capacity or use a shared store)"
                        );
                    }
                }
                Ok(())
            }
            None => Err(StoreError::new(
                StoreErrorKind::Full,
                "memory replay store is full of deliveries in flight",
            )),
        }
    }

    fn extend_at(&self, keys: &[ReplayKey], token: &ReservationToken, lease: Duration) -> bool {
        let Some(seq) = parse_token(token) else {
            return false;
        };
        let now = nanos(self.clock.now());
        let expires = expiry(now, lease);
        let mut state = self.lock();
        let state = &mut *state;
        let mut held = false;
        for key in keys {
            if let Some(entry) = state.in_flight.get_mut(&slot(key)) {
                if entry.seq == seq {
                    entry.expires = expires;
                    held = true;
                }
            }
        }
        // A shorter lease than before moves the earliest one.
        state.in_flight_due = state.in_flight_due.min(expires);
        held
    }

    fn complete_at(
        &self,
        keys: &[ReplayKey],
        token: &ReservationToken,
        retention: Duration,
    ) -> Result<Completion, StoreError> {
        let seq = parse_token(token);
        let now = nanos(self.clock.now());
        let expires = expiry(now, retention);
        let mut state = self.lock();
        let mut outcome = Completion::Recorded;
        for key in keys {
            let key = slot(key);
            // The usual case: the key is still ours, in flight. It moves to the completed
            // table (one probe of each table; the count of keys is unchanged, so no room
            // is needed), whether or not its lease has run out, as below.
            if let hash_map::Entry::Occupied(ours) = state.in_flight.entry(key) {
                if Some(ours.get().seq) == seq {
                    ours.remove();
                    state.push_completed(key, expires);
                    continue;
                }
            }
            // Not ours any more: the delivery was handled all the same, so the key is
            // written completed whatever holds it. Another copy's live reservation (this
            // one's lease ran out and a copy took the key) is overwritten and reported:
            // left to it, that copy's failure would free the key for a third run.
            if matches!(state.held(&key, now), Held::InFlight(holder) if Some(holder) != seq) {
                outcome = Completion::Contended;
            }
            // Room for a key that was lost (evicted, expired) is made like any other; a
            // store full of reservations in flight says so, and the completion is tried
            // again.
            if !state.contains(&key) {
                self.make_room(&mut state, 1, now)?;
            }
            state.write_completed(key, expires);
        }
        Ok(outcome)
    }

    fn release_at(&self, keys: &[ReplayKey], token: &ReservationToken) {
        let Some(seq) = parse_token(token) else {
            return;
        };
        let mut state = self.lock();
        for key in keys {
            let key = slot(key);
            if state.in_flight.get(&key).is_some_and(|e| e.seq == seq) {
                state.in_flight.remove(&key);
            }
        }
    }
}

fn parse_token(token: &ReservationToken) -> Option<u64> {
    token.seq().or_else(|| token.as_str().parse().ok())
}

/// `now + duration`, saturating far in the future rather than overflowing to "now".
fn expiry(now: Nanos, duration: Duration) -> Nanos {
    let duration = u64::try_from(clamp(duration).as_nanos()).unwrap_or(u64::MAX);
    now.saturating_add(duration)
}

impl State {
    fn bump(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn len(&self) -> usize {
        self.completed.len() + self.in_flight.len()
    }

    fn contains(&self, key: &Slot) -> bool {
        self.in_flight.contains_key(key) || self.completed.contains_key(key)
    }

    fn held(&self, key: &Slot, now: Nanos) -> Held {
        if let Some(entry) = self.in_flight.get(key).filter(|e| e.expires > now) {
            return Held::InFlight(entry.seq);
        }
        match self.completed.get(key) {
            Some(entry) if entry.expires > now => Held::Completed,
            Some(_) => Held::Expired,
            None => Held::Absent,
        }
    }

    fn write_completed(&mut self, key: Slot, expires: Nanos) {
        self.in_flight.remove(&key);
        self.push_completed(key, expires);
    }

    /// Writes `key` completed; it must not be in flight.
    fn push_completed(&mut self, key: Slot, expires: Nanos) {
        let entry = Entry {
            expires,
            seq: self.bump(),
        };
        self.completed_order.push_back(Done::new(key, entry));
        self.completed.insert(key, entry);
    }

    /// Drops the reservations whose lease ran out, and from the front of the completion
    /// queue the items that expired (with their entries). Amortized constant time per
    /// operation: a sweep of the small table happens once its earliest lease may have run
    /// out, at most about once per third of a lease while handlers answer or extend.
    fn sweep(&mut self, now: Nanos) {
        // Leases that ran out: the whole small table, only once one may have (about once
        // per lease period when handlers answer in time; amortized constant time).
        if self.in_flight_due <= now {
            let mut due = Nanos::MAX;
            self.in_flight.retain(|_, entry| {
                let live = entry.expires > now;
                if live {
                    due = due.min(entry.expires);
                }
                live
            });
            self.in_flight_due = due;
        }
        // The oldest completion's item says when it expires: the big table is looked up
        // only for an item that expired (and then removed with the same probe).
        while let Some(done) = self.completed_order.front() {
            if !done.expired(now) {
                break;
            }
            if let hash_map::Entry::Occupied(entry) = self.completed.entry(done.key) {
                if done.matches(entry.get()) {
                    // A matching entry expired too (same rounded expiry, rounded up),
                    // except past the coarse field's range (2106): then the item stays
                    // until the entry's exact expiry, so that every live entry keeps its
                    // item and can still be swept and evicted.
                    if entry.get().expires > now {
                        break;
                    }
                    entry.remove();
                }
            }
            self.completed_order.pop_front();
        }
    }

    /// Forgets the oldest completed key and says when it would have expired; `None` when
    /// there is none.
    fn evict_oldest_completed(&mut self) -> Option<Nanos> {
        while let Some(done) = self.completed_order.pop_front() {
            if let hash_map::Entry::Occupied(entry) = self.completed.entry(done.key) {
                if done.matches(entry.get()) {
                    return Some(entry.remove().expires);
                }
            }
        }
        None
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .field("evicted_early", &self.evicted_early())
            .finish()
    }
}

impl MemoryStoreBuilder {
    /// The most keys held at once (default 100,000; at least 2, one delivery's keys).
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(2);
        self
    }

    /// The clock used for expiry (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Builds the store.
    pub fn build(self) -> MemoryStore {
        MemoryStore {
            state: Mutex::new(State::default()),
            capacity: self.capacity,
            system_clock: self.clock.is_none(),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            evicted_early: AtomicU64::new(0),
        }
    }
}

impl fmt::Debug for MemoryStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStoreBuilder")
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl ReplayStore for MemoryStore {
    fn reserve<'a>(
        &'a self,
        keys: KeySet<'a>,
        lease: Duration,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(std::future::ready(self.reserve_now(keys, lease, retention)))
    }

    fn extend<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        lease: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::ready(Ok(self.extend_now(keys, token, lease))))
    }

    fn complete<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Completion, StoreError>> {
        Box::pin(std::future::ready(
            self.complete_now(keys, token, retention),
        ))
    }

    fn release<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.release_now(keys, token);
        Box::pin(std::future::ready(Ok(())))
    }
}

// The completion-order queue's item stays at 24 bytes (the memory bound, BENCHMARKS.md).
const _: () = assert!(std::mem::size_of::<Done>() == 24);
