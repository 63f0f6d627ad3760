//! The in-memory replay store: for one process. Bounded: at capacity the oldest completed
//! deliveries are forgotten first; reservations in flight are never evicted.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use super::{BoxFuture, ReplayKey, ReplayStore, Reservation, ReservationToken, StoreError};
use crate::clock::{Clock, SystemClock};

/// The default capacity of a [`MemoryStore`]: 100,000 deliveries.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// A replay store in this process's memory.
///
/// Use it when one process receives the webhooks; several instances behind a load
/// balancer need a shared store (the Redis store). It holds at most `capacity`
/// deliveries: when full, expired entries go first, then the oldest completed ones.
/// Reservations in flight are never evicted; when every slot is in flight, a new
/// reservation fails with a [`StoreError`] (the layer answers `503`, and the provider
/// retries).
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
}

/// Configures a [`MemoryStore`].
#[must_use]
pub struct MemoryStoreBuilder {
    capacity: usize,
    clock: Arc<dyn Clock>,
}

#[derive(Default)]
struct State {
    entries: HashMap<ReplayKey, Entry>,
    in_flight: VecDeque<(ReplayKey, u64)>,
    completed: VecDeque<(ReplayKey, u64)>,
    next: u64,
}

struct Entry {
    seq: u64,
    in_flight: bool,
    expires: SystemTime,
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
            clock: Arc::new(SystemClock),
        }
    }

    /// How many deliveries it holds now, in flight or completed (expired ones included
    /// until they are swept).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map inconsistent (every update is
        // a single insert or remove), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn reserve_now(&self, key: &ReplayKey, lease: Duration) -> Result<Reservation, StoreError> {
        let now = self.clock.now();
        let mut state = self.lock();
        state.sweep(now);
        if let Some(entry) = state.entries.get(key) {
            if entry.expires > now {
                return Ok(if entry.in_flight {
                    Reservation::InFlight
                } else {
                    Reservation::Completed
                });
            }
            state.entries.remove(key);
        }
        if state.entries.len() >= self.capacity && !state.evict_oldest_completed() {
            return Err(StoreError::new(
                "memory replay store is full of deliveries in flight",
            ));
        }
        let seq = state.bump();
        let key = key.clone();
        state.in_flight.push_back((key.clone(), seq));
        state.entries.insert(
            key,
            Entry {
                seq,
                in_flight: true,
                expires: now.checked_add(lease).unwrap_or(now),
            },
        );
        Ok(Reservation::Reserved(ReservationToken::new(
            seq.to_string(),
        )))
    }

    fn complete_now(&self, key: &ReplayKey, token: &ReservationToken, retention: Duration) {
        let now = self.clock.now();
        let mut state = self.lock();
        let seq = state.bump();
        let State {
            entries, completed, ..
        } = &mut *state;
        let Some(entry) = entries.get_mut(key) else {
            return;
        };
        if !entry.in_flight || token.as_str().parse::<u64>().ok() != Some(entry.seq) {
            return;
        }
        *entry = Entry {
            seq,
            in_flight: false,
            expires: now.checked_add(retention).unwrap_or(now),
        };
        completed.push_back((key.clone(), seq));
    }

    fn release_now(&self, key: &ReplayKey, token: &ReservationToken) {
        let mut state = self.lock();
        let holds = state
            .entries
            .get(key)
            .is_some_and(|e| e.in_flight && token.as_str().parse::<u64>().ok() == Some(e.seq));
        if holds {
            state.entries.remove(key);
        }
    }
}

impl State {
    fn bump(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// Drops queue items that no longer match an entry, and entries that expired, from
    /// the front of both queues. Amortized constant time per operation.
    fn sweep(&mut self, now: SystemTime) {
        for queue in [&mut self.in_flight, &mut self.completed] {
            while let Some((key, seq)) = queue.front() {
                match self.entries.get(key) {
                    Some(entry) if entry.seq == *seq => {
                        if entry.expires > now {
                            break;
                        }
                        self.entries.remove(key);
                    }
                    _ => {}
                }
                queue.pop_front();
            }
        }
    }

    /// Forgets the oldest completed delivery; `false` when there is none.
    fn evict_oldest_completed(&mut self) -> bool {
        while let Some((key, seq)) = self.completed.pop_front() {
            if self.entries.get(&key).is_some_and(|e| e.seq == seq) {
                self.entries.remove(&key);
                return true;
            }
        }
        false
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
            .finish()
    }
}

impl MemoryStoreBuilder {
    /// The most deliveries held at once (default 100,000; at least 1).
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// The clock used for expiry (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Builds the store.
    pub fn build(self) -> MemoryStore {
        MemoryStore {
            state: Mutex::new(State::default()),
            capacity: self.capacity,
            clock: self.clock,
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
        key: &'a ReplayKey,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        let result = self.reserve_now(key, lease);
        Box::pin(std::future::ready(result))
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.complete_now(key, token, retention);
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.release_now(key, token);
        Box::pin(std::future::ready(Ok(())))
    }
}
