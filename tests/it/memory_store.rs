//! The in-memory store's bound: at capacity the oldest completed deliveries are forgotten
//! first, reservations in flight never are, and a store full of them refuses new ones.

use std::time::Duration;

use tower_webhook::replay::{
    KeySet, MemoryStore, ReplayKey, ReplayStore, Reservation, ReservationToken, StoreErrorKind,
};

const LEASE: Duration = Duration::from_secs(300);
const RETENTION: Duration = Duration::from_secs(3600);

fn key(id: &str) -> [ReplayKey; 1] {
    [ReplayKey::new("p", id)]
}

async fn reserve(store: &MemoryStore, id: &str) -> Result<ReservationToken, Reservation> {
    match store
        .reserve(KeySet::from(&key(id)), LEASE, RETENTION)
        .await
        .unwrap()
    {
        Reservation::Reserved(token) => Ok(token),
        other => Err(other),
    }
}

#[tokio::test]
async fn completed_deliveries_are_evicted_oldest_first() {
    let store = MemoryStore::builder().capacity(3).build();
    for id in ["a", "b", "c"] {
        let token = reserve(&store, id).await.unwrap();
        store.complete(&key(id), &token, RETENTION).await.unwrap();
    }
    assert_eq!(store.len(), 3);
    // A fourth delivery evicts "a", the oldest completed one.
    let _d = reserve(&store, "d").await.unwrap();
    assert_eq!(store.len(), 3);
    assert!(reserve(&store, "a").await.is_ok(), "a was forgotten");
    // ... which in turn evicted "b"; "c" is still remembered.
    assert_eq!(
        reserve(&store, "c").await.unwrap_err(),
        Reservation::Completed { matched: 0 }
    );
}

#[tokio::test]
async fn reservations_in_flight_are_never_evicted() {
    let store = MemoryStore::builder().capacity(2).build();
    let _a = reserve(&store, "a").await.unwrap();
    let b = reserve(&store, "b").await.unwrap();
    store.complete(&key("b"), &b, RETENTION).await.unwrap();
    // Full: "b" (completed) goes, "a" (in flight) stays.
    let _c = reserve(&store, "c").await.unwrap();
    assert_eq!(
        reserve(&store, "a").await.unwrap_err(),
        Reservation::InFlight { matched: 0 }
    );
    // Full of deliveries in flight: a new one is refused with an error (the layer
    // answers 503 and the provider retries), never by evicting one.
    let error = store
        .reserve(KeySet::from(&key("d")), LEASE, RETENTION)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::Full, "{error}");
    assert_eq!(
        reserve(&store, "c").await.unwrap_err(),
        Reservation::InFlight { matched: 0 }
    );
}

#[tokio::test]
async fn early_evictions_of_completed_deliveries_are_counted() {
    let store = MemoryStore::builder().capacity(2).build();
    for id in ["a", "b"] {
        let token = reserve(&store, id).await.unwrap();
        store.complete(&key(id), &token, RETENTION).await.unwrap();
    }
    assert_eq!(store.evicted_early(), 0);
    // "a" is forgotten an hour before its retention ends: counted, and replayable.
    let _c = reserve(&store, "c").await.unwrap();
    assert_eq!(store.evicted_early(), 1);
    assert!(reserve(&store, "a").await.is_ok());
}

/// A completion whose own lease ran out (the handler was slow and nothing took the key
/// meanwhile) is recorded once: the key moves from in flight to completed, it is counted
/// once, and a copy is a duplicate. A key whose completion expired is reserved anew.
#[tokio::test]
async fn a_completion_after_its_lease_ran_out_is_recorded_once() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::SystemTime;
    use tower_webhook::replay::Completion;

    let now = Arc::new(AtomicU64::new(1_700_000_000));
    let clock = {
        let now = now.clone();
        move || SystemTime::UNIX_EPOCH + Duration::from_secs(now.load(Ordering::SeqCst))
    };
    let store = MemoryStore::builder().capacity(4).clock(clock).build();
    let slow = match store
        .reserve(
            KeySet::from(&key("slow")),
            Duration::from_secs(10),
            RETENTION,
        )
        .await
        .unwrap()
    {
        Reservation::Reserved(token) => token,
        other => panic!("fresh key: {other:?}"),
    };
    now.fetch_add(11, Ordering::SeqCst);
    assert_eq!(
        store
            .complete(&key("slow"), &slow, Duration::from_secs(100))
            .await
            .unwrap(),
        Completion::Recorded
    );
    assert_eq!(store.len(), 1);
    assert_eq!(
        reserve(&store, "slow").await.unwrap_err(),
        Reservation::Completed { matched: 0 }
    );
    // Its retention over, the key is new again, and still counted once.
    now.fetch_add(101, Ordering::SeqCst);
    let again = reserve(&store, "slow").await.unwrap();
    assert_eq!(store.len(), 1);
    store
        .complete(&key("slow"), &again, RETENTION)
        .await
        .unwrap();
    assert_eq!(store.len(), 1);
    assert_eq!(
        reserve(&store, "slow").await.unwrap_err(),
        Reservation::Completed { matched: 0 }
    );
}

/// A test clock: nanoseconds since the epoch, moved by the test.
fn test_clock() -> (
    std::sync::Arc<std::sync::atomic::AtomicU64>,
    impl Fn() -> std::time::SystemTime + Send + Sync + 'static,
) {
    use std::sync::atomic::{AtomicU64, Ordering};
    let now = std::sync::Arc::new(AtomicU64::new(1_700_000_000_000_000_000));
    let clock = {
        let now = now.clone();
        move || std::time::SystemTime::UNIX_EPOCH + Duration::from_nanos(now.load(Ordering::SeqCst))
    };
    (now, clock)
}

/// Reservations whose lease ran out (never completed nor released) free their slots for
/// the next reservation, even in a store full of them; one still in its lease does not.
#[tokio::test]
async fn reservations_whose_lease_ran_out_free_their_slots() {
    use std::sync::atomic::Ordering;
    let (now, clock) = test_clock();
    let store = MemoryStore::builder().capacity(3).clock(clock).build();
    let lease = |secs| Duration::from_secs(secs);
    for (id, secs) in [("a", 10), ("b", 20), ("c", 30)] {
        let reserved = store
            .reserve(KeySet::from(&key(id)), lease(secs), RETENTION)
            .await
            .unwrap();
        assert!(matches!(reserved, Reservation::Reserved(_)), "{id}");
    }
    assert!(store
        .reserve(KeySet::from(&key("d")), LEASE, RETENTION)
        .await
        .is_err());
    // "a"'s lease ran out: its slot goes to "d", and "a" is new again (once "b" ran out).
    now.fetch_add(10_000_000_001, Ordering::SeqCst);
    let _d = reserve(&store, "d").await.unwrap();
    assert_eq!(store.len(), 3);
    assert!(store
        .reserve(KeySet::from(&key("a")), LEASE, RETENTION)
        .await
        .is_err());
    now.fetch_add(10_000_000_000, Ordering::SeqCst);
    let _a = reserve(&store, "a").await.unwrap();
    assert_eq!(store.len(), 3);
    assert_eq!(
        reserve(&store, "c").await.unwrap_err(),
        Reservation::InFlight { matched: 0 }
    );
}

/// A lease extended past its first end is not swept with the ones that ran out.
#[tokio::test]
async fn an_extended_lease_is_kept_by_the_sweep() {
    use std::sync::atomic::Ordering;
    let (now, clock) = test_clock();
    let store = MemoryStore::builder().capacity(4).clock(clock).build();
    let short = Duration::from_secs(10);
    let Reservation::Reserved(kept) = store
        .reserve(KeySet::from(&key("kept")), short, RETENTION)
        .await
        .unwrap()
    else {
        panic!("fresh key")
    };
    let _lost = store
        .reserve(KeySet::from(&key("lost")), short, RETENTION)
        .await
        .unwrap();
    now.fetch_add(9_000_000_000, Ordering::SeqCst);
    assert!(store.extend(&key("kept"), &kept, short).await.unwrap());
    now.fetch_add(2_000_000_000, Ordering::SeqCst);
    // The sweep drops "lost" (its lease ran out) and keeps "kept".
    let _new = reserve(&store, "new").await.unwrap();
    assert_eq!(store.len(), 2);
    assert_eq!(
        reserve(&store, "kept").await.unwrap_err(),
        Reservation::InFlight { matched: 0 }
    );
    assert!(reserve(&store, "lost").await.is_ok());
}

/// A completion is remembered for exactly its retention (to the nanosecond, whatever the
/// store rounds internally), and its slot is freed within a second after that.
#[tokio::test]
async fn completions_expire_after_their_retention_and_are_swept() {
    use std::sync::atomic::Ordering;
    let (now, clock) = test_clock();
    let store = MemoryStore::builder().capacity(10).clock(clock).build();
    let token = reserve(&store, "a").await.unwrap();
    store
        .complete(&key("a"), &token, Duration::from_millis(1500))
        .await
        .unwrap();
    let token = reserve(&store, "b").await.unwrap();
    store.complete(&key("b"), &token, RETENTION).await.unwrap();
    now.fetch_add(1_499_999_999, Ordering::SeqCst);
    assert_eq!(
        reserve(&store, "a").await.unwrap_err(),
        Reservation::Completed { matched: 0 }
    );
    assert_eq!(store.len(), 2);
    // A second later "a" is gone from the store; "b" is not.
    now.fetch_add(1_000_000_001, Ordering::SeqCst);
    let x = reserve(&store, "x").await.unwrap();
    store.release(&key("x"), &x).await.unwrap();
    assert_eq!(store.len(), 1);
    assert_eq!(
        reserve(&store, "b").await.unwrap_err(),
        Reservation::Completed { matched: 0 }
    );
    let _a = reserve(&store, "a").await.unwrap();
}

/// Past 2106 (beyond the 32-bit seconds the store's completion queue keeps), completions
/// are still swept at their expiry and evicted for room: the store never fills with
/// entries it can no longer reach.
#[tokio::test]
async fn completions_are_still_swept_and_evicted_after_2106() {
    use std::sync::atomic::Ordering;
    let (now, clock) = test_clock();
    // 2200-01-01T00:00:00Z.
    now.store(7_258_118_400_000_000_000, Ordering::SeqCst);
    let store = MemoryStore::builder().capacity(2).clock(clock).build();
    for id in ["a", "b"] {
        let token = reserve(&store, id).await.unwrap();
        store
            .complete(&key(id), &token, Duration::from_secs(100))
            .await
            .unwrap();
    }
    // A reservation sweeps: both completions are live and stay duplicates.
    now.fetch_add(1_000_000_000, Ordering::SeqCst);
    assert_eq!(
        reserve(&store, "a").await.unwrap_err(),
        Reservation::Completed { matched: 0 }
    );
    // Full of completions: the oldest ("a") is evicted for a new delivery.
    let c = reserve(&store, "c").await.unwrap();
    assert_eq!(store.evicted_early(), 1);
    store
        .complete(&key("c"), &c, Duration::from_secs(100))
        .await
        .unwrap();
    assert_eq!(store.len(), 2);
    // After their retention both expired: swept, new again, with room for two.
    now.fetch_add(100_000_000_000, Ordering::SeqCst);
    let _b = reserve(&store, "b").await.unwrap();
    let _d = reserve(&store, "d").await.unwrap();
    assert_eq!(store.len(), 2);
    assert_eq!(store.evicted_early(), 1);
}
