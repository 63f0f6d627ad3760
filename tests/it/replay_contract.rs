//! One contract, run against every replay store: the in-memory store, and the Redis store
//! on a real redis-server.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tower_webhook::replay::{
    Completion, KeySet, MemoryStore, ReplayKey, ReplayStore, Reservation, ReservationToken,
};

const LEASE: Duration = Duration::from_secs(300);
const RETENTION: Duration = Duration::from_secs(3600);

fn key(id: &str) -> [ReplayKey; 1] {
    [ReplayKey::new("contract", id)]
}

async fn reserve(store: &dyn ReplayStore, id: &str, lease: Duration) -> Reservation {
    store
        .reserve(KeySet::from(&key(id)), lease, RETENTION)
        .await
        .expect("store answers")
}

fn token(reservation: Reservation) -> ReservationToken {
    match reservation {
        Reservation::Reserved(token) => token,
        other => panic!("expected a reservation, got {other:?}"),
    }
}

/// Fresh, in flight, completed, released, token mismatch.
async fn lifecycle(store: &dyn ReplayStore) {
    let first = token(reserve(store, "a", LEASE).await);
    assert_eq!(
        reserve(store, "a", LEASE).await,
        Reservation::InFlight { matched: 0 }
    );
    store.complete(&key("a"), &first, RETENTION).await.unwrap();
    assert_eq!(
        reserve(store, "a", LEASE).await,
        Reservation::Completed { matched: 0 }
    );

    let second = token(reserve(store, "b", LEASE).await);
    store.release(&key("b"), &second).await.unwrap();
    let third = token(reserve(store, "b", LEASE).await);
    assert_ne!(second, third);

    // A late release with a stale token changes nothing.
    store.release(&key("b"), &second).await.unwrap();
    assert_eq!(
        reserve(store, "b", LEASE).await,
        Reservation::InFlight { matched: 0 }
    );
    // A late completion says the delivery was handled: the key is completed over the
    // newer reservation, which is reported.
    assert_eq!(
        store.complete(&key("b"), &second, RETENTION).await.unwrap(),
        Completion::Contended
    );
    assert_eq!(
        reserve(store, "b", LEASE).await,
        Reservation::Completed { matched: 0 }
    );
    store.release(&key("b"), &third).await.unwrap();
    assert_eq!(
        reserve(store, "b", LEASE).await,
        Reservation::Completed { matched: 0 }
    );

    // Keys are namespaced by provider.
    let other = [ReplayKey::new("other-provider", "a")];
    assert!(matches!(
        store
            .reserve(KeySet::from(&other), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Reserved(_)
    ));

    two_keys(store).await;
    retries_repeat_signature(store).await;
    rotation_keys(store).await;
    completion_lands(store).await;
}

/// Where the provider's retry repeats the very signature (GitHub, Shopify: no signed
/// timestamp), a copy answered duplicate on the strength of its claim alone (an unsigned
/// id already handled) leaves its signature unknown, so the genuine retry of a delivery
/// that failed still gets through. A copy found through a key only in flight teaches
/// nothing either: the delivery holding it may still fail.
async fn retries_repeat_signature(store: &dyn ReplayStore) {
    let id = |id: &str| ReplayKey::new("repeat", id);
    let sig = |sig: &[u8]| ReplayKey::signature("repeat", sig);
    let same = |keys: &[ReplayKey; 2]| -> Vec<ReplayKey> { keys.to_vec() };
    // Delivery Y handled.
    let handled = same(&[id("y"), sig(b"sy")]);
    let y = token(
        store
            .reserve(repeats(&handled), LEASE, RETENTION)
            .await
            .unwrap(),
    );
    store.complete(&handled, &y, RETENTION).await.unwrap();
    // Delivery X (signature sx) failed: reserved, then released.
    let failed = same(&[id("x"), sig(b"sx")]);
    let x = token(
        store
            .reserve(repeats(&failed), LEASE, RETENTION)
            .await
            .unwrap(),
    );
    store.release(&failed, &x).await.unwrap();
    // A captured copy of X relabelled with Y's id: a duplicate...
    let relabelled = same(&[id("y"), sig(b"sx")]);
    assert_eq!(
        store
            .reserve(repeats(&relabelled), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Completed { matched: 0 }
    );
    // ... that did not spend X's signature: the provider's retry of X is reserved.
    assert!(matches!(
        store
            .reserve(repeats(&failed), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Reserved(_)
    ));

    // Z in flight; a copy under a fresh id is in flight by its signature, and learns
    // nothing: once Z fails and is released, its retry is reserved.
    let z_keys = same(&[id("z"), sig(b"sz")]);
    let z = token(
        store
            .reserve(repeats(&z_keys), LEASE, RETENTION)
            .await
            .unwrap(),
    );
    let copy = [id("z-copy"), sig(b"sz"), sig(b"sz-under-another-secret")];
    assert_eq!(
        store
            .reserve(repeats(&copy), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::InFlight { matched: 1 }
    );
    store.release(&z_keys, &z).await.unwrap();
    let retry = [id("z"), sig(b"sz"), sig(b"sz-under-another-secret")];
    assert!(matches!(
        store
            .reserve(repeats(&retry), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Reserved(_)
    ));
}

/// The signed content's tags under several secrets (a rotation) are all content keys: a
/// hit on one, completed, teaches the others, whatever their order.
async fn rotation_keys(store: &dyn ReplayStore) {
    let sig = |sig: &[u8]| ReplayKey::signature("rotation", sig);
    // Handled while only the old secret was configured.
    let before = [sig(b"old-tag")];
    let t = token(
        store
            .reserve(KeySet::new(&before), LEASE, RETENTION)
            .await
            .unwrap(),
    );
    store.complete(&before, &t, RETENTION).await.unwrap();
    // The new secret put first: the same content has both tags; still a duplicate.
    let during = [sig(b"new-tag"), sig(b"old-tag")];
    assert_eq!(
        store
            .reserve(KeySet::new(&during), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Completed { matched: 1 }
    );
    // The old secret removed: the new tag was learned.
    let after = [sig(b"new-tag")];
    assert_eq!(
        store
            .reserve(KeySet::new(&after), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Completed { matched: 0 }
    );
}

/// A delivery with two keys (an unsigned id and its signature) is a duplicate when either
/// is known, and a copy whose id is known makes its signature known too, never the
/// reverse.
async fn two_keys(store: &dyn ReplayStore) {
    let id = |id: &str| ReplayKey::new("two", id);
    let sig = |sig: &[u8]| ReplayKey::signature("two", sig);
    let first = token(
        store
            .reserve(signed_anew(&[id("a"), sig(b"s1")]), LEASE, RETENTION)
            .await
            .unwrap(),
    );
    // A replay under a new id while the first is in flight: the signature is in flight.
    assert_eq!(
        store
            .reserve(signed_anew(&[id("b"), sig(b"s1")]), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::InFlight { matched: 1 }
    );
    assert_eq!(
        store
            .complete(&[id("a"), sig(b"s1")], &first, RETENTION)
            .await
            .unwrap(),
        Completion::Recorded
    );
    // The provider's retry, signed anew: same id, new signature.
    assert_eq!(
        store
            .reserve(signed_anew(&[id("a"), sig(b"s2")]), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Completed { matched: 0 }
    );
    // ... whose signature is now known too: replaying that retry under a new id fails.
    assert_eq!(
        store
            .reserve(signed_anew(&[id("c"), sig(b"s2")]), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Completed { matched: 1 }
    );
    // But the new ids those replays carried are not written: an id the sender chose
    // never marks another delivery as handled.
    assert!(matches!(
        store
            .reserve(signed_anew(&[id("c"), sig(b"s9")]), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Reserved(_)
    ));

    // A completion contended on the id only (a retry signed anew took the id after this
    // reservation's lease ran out): the id is completed over it, the retry's own
    // signature key stays its reservation.
    let retry = token(
        store
            .reserve(signed_anew(&[id("x"), sig(b"x2")]), LEASE, RETENTION)
            .await
            .unwrap(),
    );
    let lost = ReservationToken::new("t:lost-x");
    assert_eq!(
        store
            .complete(&[id("x"), sig(b"x1")], &lost, RETENTION)
            .await
            .unwrap(),
        Completion::Contended
    );
    assert_eq!(
        store
            .reserve(signed_anew(&[id("x"), sig(b"x9")]), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::Completed { matched: 0 }
    );
    assert_eq!(
        store
            .reserve(signed_anew(&[id("y"), sig(b"x2")]), LEASE, RETENTION)
            .await
            .unwrap(),
        Reservation::InFlight { matched: 1 }
    );
    store.release(&[id("x"), sig(b"x2")], &retry).await.unwrap();
}

/// A completion lands when the reservation is gone (lease expired, store restarted), is
/// idempotent, and overwrites and reports a key held by another live reservation.
async fn completion_lands(store: &dyn ReplayStore) {
    // Never reserved here (as after a restart of the store): completing still records it.
    let lost = ReservationToken::new("t:lost");
    assert_eq!(
        store
            .complete(&key("lost"), &lost, RETENTION)
            .await
            .unwrap(),
        Completion::Recorded
    );
    assert_eq!(
        reserve(store, "lost", LEASE).await,
        Reservation::Completed { matched: 0 }
    );
    // Twice is the same as once.
    assert_eq!(
        store
            .complete(&key("lost"), &lost, RETENTION)
            .await
            .unwrap(),
        Completion::Recorded
    );
    // Extending works for the holder only.
    let holder = token(reserve(store, "extended", LEASE).await);
    assert!(store
        .extend(&key("extended"), &holder, LEASE)
        .await
        .unwrap());
    assert!(!store.extend(&key("extended"), &lost, LEASE).await.unwrap());
    store.release(&key("extended"), &holder).await.unwrap();
    assert!(matches!(
        reserve(store, "extended", LEASE).await,
        Reservation::Reserved(_)
    ));
    // Another live reservation holds the key (a copy took it after this one's lease ran
    // out): the delivery was handled, so the key is completed all the same, and the
    // overwritten copy is reported.
    let live = token(reserve(store, "overwritten", LEASE).await);
    assert_eq!(
        store
            .complete(&key("overwritten"), &lost, RETENTION)
            .await
            .unwrap(),
        Completion::Contended
    );
    assert_eq!(
        reserve(store, "overwritten", LEASE).await,
        Reservation::Completed { matched: 0 }
    );
    // The overwritten copy no longer holds it: its heartbeat says so, and its failure
    // (a release) cannot free the key for a third run; its own success is recorded.
    assert!(!store
        .extend(&key("overwritten"), &live, LEASE)
        .await
        .unwrap());
    store.release(&key("overwritten"), &live).await.unwrap();
    assert_eq!(
        reserve(store, "overwritten", LEASE).await,
        Reservation::Completed { matched: 0 }
    );
    assert_eq!(
        store
            .complete(&key("overwritten"), &live, RETENTION)
            .await
            .unwrap(),
        Completion::Recorded
    );

    // Huge durations are clamped, never wrapped into "expired at once".
    let huge = token(
        store
            .reserve(KeySet::from(&key("huge")), Duration::MAX, Duration::MAX)
            .await
            .unwrap(),
    );
    assert_eq!(
        reserve(store, "huge", LEASE).await,
        Reservation::InFlight { matched: 0 }
    );
    store
        .complete(&key("huge"), &huge, Duration::MAX)
        .await
        .unwrap();
    assert_eq!(
        reserve(store, "huge", LEASE).await,
        Reservation::Completed { matched: 0 }
    );
}

/// Of 1,000 concurrent reservations of one id, exactly one wins.
async fn one_winner(store: Arc<dyn ReplayStore>) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let store = store.clone();
        tasks.spawn(async move { reserve(&*store, "contended", LEASE).await });
    }
    let mut winners = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Reservation::Reserved(_) => winners += 1,
            Reservation::InFlight { .. } => {}
            Reservation::Completed { .. } => panic!("never completed"),
        }
    }
    assert_eq!(winners, 1);
}

/// A flood of replays of a handled delivery, each naming the id of a legitimate delivery
/// in flight towards the store, never holds that id: the legitimate one is reserved
/// whatever the interleaving (a store that wrote the replays' id, even for a moment,
/// would answer it "in flight").
async fn replays_never_hold_their_id(store: Arc<dyn ReplayStore>) {
    let id = |id: &str| ReplayKey::new("flood", id);
    let sig = |sig: &str| ReplayKey::signature("flood", sig.as_bytes());
    let captured = token(
        store
            .reserve(signed_anew(&[id("old"), sig("captured")]), LEASE, RETENTION)
            .await
            .unwrap(),
    );
    store
        .complete(&[id("old"), sig("captured")], &captured, RETENTION)
        .await
        .unwrap();
    for round in 0..20 {
        let victim = format!("victim-{round}");
        let mut replays = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (store, victim) = (store.clone(), victim.clone());
            replays.spawn(async move {
                store
                    .reserve(
                        signed_anew(&[id(&victim), sig("captured")]),
                        LEASE,
                        RETENTION,
                    )
                    .await
                    .unwrap()
            });
        }
        let legitimate = store
            .reserve(
                signed_anew(&[id(&victim), sig(&format!("fresh-{round}"))]),
                LEASE,
                RETENTION,
            )
            .await
            .unwrap();
        assert!(
            matches!(legitimate, Reservation::Reserved(_)),
            "round {round}: {legitimate:?}"
        );
        while let Some(replay) = replays.join_next().await {
            assert!(matches!(
                replay.unwrap(),
                Reservation::Completed { matched: 1 } | Reservation::InFlight { .. }
            ));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_contract() {
    let now = Arc::new(AtomicU64::new(1_700_000_000));
    let clock = {
        let now = now.clone();
        move || SystemTime::UNIX_EPOCH + Duration::from_secs(now.load(Ordering::SeqCst))
    };
    let store = MemoryStore::builder().clock(clock).build();
    lifecycle(&store).await;

    // A lease expires on its own; a completed id expires after its retention.
    let _held = token(reserve(&store, "lease", Duration::from_secs(10)).await);
    now.fetch_add(11, Ordering::SeqCst);
    let done = token(reserve(&store, "lease", LEASE).await);
    store
        .complete(&key("lease"), &done, Duration::from_secs(100))
        .await
        .unwrap();
    now.fetch_add(99, Ordering::SeqCst);
    assert_eq!(
        reserve(&store, "lease", LEASE).await,
        Reservation::Completed { matched: 0 }
    );
    now.fetch_add(2, Ordering::SeqCst);
    assert!(matches!(
        reserve(&store, "lease", LEASE).await,
        Reservation::Reserved(_)
    ));

    one_winner(Arc::new(MemoryStore::new())).await;
    replays_never_hold_their_id(Arc::new(MemoryStore::new())).await;
}

#[cfg(feature = "redis")]
mod redis_store {
    use super::*;
    use crate::common::redis_server::RedisServer;
    use tower_webhook::replay::RedisStore;

    /// Polls until `check` holds, for at most two seconds: Redis expires keys on its own
    /// clock, which a test cannot move.
    async fn eventually(mut check: impl AsyncFnMut() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while !check().await {
            assert!(std::time::Instant::now() < deadline, "condition never held");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn redis_store_contract() {
        let server = RedisServer::start();
        let store = RedisStore::connect(&server.url()).await.unwrap();
        lifecycle(&store).await;

        let _held = token(reserve(&store, "lease", Duration::from_millis(50)).await);
        eventually(async || {
            matches!(
                reserve(&store, "lease", LEASE).await,
                Reservation::Reserved(_)
            )
        })
        .await;
        // The winner of that poll holds "lease" now; complete it with a short retention.
        let done = token(reserve(&store, "retained", LEASE).await);
        store
            .complete(&key("retained"), &done, Duration::from_millis(50))
            .await
            .unwrap();
        eventually(async || {
            matches!(
                reserve(&store, "retained", LEASE).await,
                Reservation::Reserved(_)
            )
        })
        .await;

        one_winner(Arc::new(store.clone())).await;
        replays_never_hold_their_id(Arc::new(store.clone())).await;

        // Two stores (two instances) on one Redis see each other's reservations.
        let other = RedisStore::connect(&server.url()).await.unwrap();
        let mine = token(reserve(&store, "shared", LEASE).await);
        assert_eq!(
            reserve(&other, "shared", LEASE).await,
            Reservation::InFlight { matched: 0 }
        );
        // The other instance's release with its own (wrong) token does nothing.
        other
            .release(&key("shared"), &ReservationToken::new("t:forged"))
            .await
            .unwrap();
        assert_eq!(
            reserve(&other, "shared", LEASE).await,
            Reservation::InFlight { matched: 0 }
        );
        store
            .complete(&key("shared"), &mine, RETENTION)
            .await
            .unwrap();
        assert_eq!(
            reserve(&other, "shared", LEASE).await,
            Reservation::Completed { matched: 0 }
        );
    }

    #[tokio::test]
    async fn keys_are_prefixed_and_debug_hides_the_url() {
        let server = RedisServer::start();
        let store = RedisStore::builder(format!("redis://:hunter2@127.0.0.1:{}", server.port))
            .prefix("myapp:")
            .build()
            .unwrap();
        assert!(!format!("{store:?}").contains("hunter2"));
        // The password is wrong for a server without one: the error must not show it.
        let error = store
            .reserve(KeySet::from(&key("x")), LEASE, RETENTION)
            .await
            .unwrap_err();
        assert!(!error.to_string().contains("hunter2"));

        let store = RedisStore::builder(server.url())
            .prefix("myapp:")
            .build()
            .unwrap();
        let _ = token(reserve(&store, "x", LEASE).await);
        let client = redis::Client::open(server.url()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("*")
            .query_async(&mut connection)
            .await
            .unwrap();
        // The digest of the key, hex: fixed size whatever the id.
        assert_eq!(keys, vec![format!("myapp:{}", key("x")[0])]);
        assert_eq!(keys[0].len(), "myapp:".len() + 64);
    }
}

#[cfg(feature = "postgres")]
mod postgres_store {
    use super::*;
    use tower_webhook::replay::PostgresStore;

    /// Polls until `check` holds, for at most two seconds: PostgreSQL's clock decides
    /// when a lease or retention ends, and a test cannot move it.
    async fn eventually(mut check: impl AsyncFnMut() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while !check().await {
            assert!(std::time::Instant::now() < deadline, "condition never held");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_store_contract() {
        let url = crate::common::postgres::shared().fresh_database("replay");
        let store = PostgresStore::connect(&url).await.unwrap();
        lifecycle(&store).await;

        let _held = token(reserve(&store, "lease", Duration::from_millis(50)).await);
        eventually(async || {
            matches!(
                reserve(&store, "lease", LEASE).await,
                Reservation::Reserved(_)
            )
        })
        .await;
        let done = token(reserve(&store, "retained", LEASE).await);
        store
            .complete(&key("retained"), &done, Duration::from_millis(50))
            .await
            .unwrap();
        eventually(async || {
            matches!(
                reserve(&store, "retained", LEASE).await,
                Reservation::Reserved(_)
            )
        })
        .await;

        one_winner(Arc::new(store.clone())).await;
        replays_never_hold_their_id(Arc::new(store.clone())).await;

        // Two stores (two instances) on one database see each other's reservations; the
        // schema is created again, idempotently.
        let other = PostgresStore::connect(&url).await.unwrap();
        let mine = token(reserve(&store, "shared", LEASE).await);
        assert_eq!(
            reserve(&other, "shared", LEASE).await,
            Reservation::InFlight { matched: 0 }
        );
        other
            .release(&key("shared"), &ReservationToken::new("t:forged"))
            .await
            .unwrap();
        assert_eq!(
            reserve(&other, "shared", LEASE).await,
            Reservation::InFlight { matched: 0 }
        );
        store
            .complete(&key("shared"), &mine, RETENTION)
            .await
            .unwrap();
        assert_eq!(
            reserve(&other, "shared", LEASE).await,
            Reservation::Completed { matched: 0 }
        );

        // Expired rows are swept; live ones stay.
        let _short = token(reserve(&store, "swept", Duration::from_millis(20)).await);
        let mut swept = 0;
        eventually(async || {
            swept += store.sweep().await.unwrap();
            swept >= 1
        })
        .await;
        assert_eq!(
            reserve(&other, "shared", LEASE).await,
            Reservation::Completed { matched: 0 }
        );
    }

    /// One winner among concurrent reservations made through two stores (two pools), on
    /// delivery key pairs that overlap in both orders: no deadlock, one winner per key.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_store_serialises_overlapping_reservations_across_instances() {
        let url = crate::common::postgres::shared().fresh_database("replay_pairs");
        let stores = [
            Arc::new(PostgresStore::connect(&url).await.unwrap()),
            Arc::new(PostgresStore::connect(&url).await.unwrap()),
        ];
        let id = |id: &str| ReplayKey::new("pairs", id);
        let sig = |sig: &str| ReplayKey::signature("pairs", sig.as_bytes());
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..200 {
            let store = stores[i % 2].clone();
            // Half reserve [id, sig], half [id', sig] for the same signature: a replay
            // under another id, racing the original.
            let keys = if i % 4 < 2 {
                [id("x"), sig("s")]
            } else {
                [id(&format!("y{i}")), sig("s")]
            };
            tasks.spawn(async move {
                store
                    .reserve(KeySet::from(&keys), LEASE, RETENTION)
                    .await
                    .unwrap()
            });
        }
        let mut winners = 0;
        while let Some(result) = tasks.join_next().await {
            if let Reservation::Reserved(_) = result.unwrap() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1, "the signature is one delivery");
    }
}

/// Keys whose first is a claim (an unsigned id) and whose provider signs its retries
/// anew (a signed timestamp): a hit on the claim alone teaches the signature.
fn signed_anew(keys: &[ReplayKey]) -> KeySet<'_> {
    KeySet::new(keys).claim_first(true)
}

/// Keys whose first is a claim and whose provider's retries repeat the signature.
fn repeats(keys: &[ReplayKey]) -> KeySet<'_> {
    KeySet::new(keys).claim_first(false)
}

/// A free port on 127.0.0.1 with nothing listening on it.
#[cfg(any(feature = "redis", feature = "postgres"))]
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    port
}

/// A store that cannot be configured says so apart from one that cannot be reached: the
/// first is fixed in the configuration, the second passes.
#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_store_errors_say_their_kind() {
    use tower_webhook::replay::{RedisStore, StoreErrorKind};
    let invalid = RedisStore::connect("not a url").await.unwrap_err();
    assert_eq!(invalid.kind(), StoreErrorKind::Configuration, "{invalid}");
    let url = format!("redis://127.0.0.1:{}", closed_port());
    let unreachable = RedisStore::connect(&url).await.unwrap_err();
    assert_eq!(
        unreachable.kind(),
        StoreErrorKind::Unavailable,
        "{unreachable}"
    );
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_store_errors_say_their_kind() {
    use tower_webhook::replay::{PostgresStore, StoreErrorKind};
    let invalid = PostgresStore::connect("postgres://[").await.unwrap_err();
    assert_eq!(invalid.kind(), StoreErrorKind::Configuration, "{invalid}");
    let url = format!("postgres://user@127.0.0.1:{}/db", closed_port());
    let unreachable = PostgresStore::connect(&url).await.unwrap_err();
    assert_eq!(
        unreachable.kind(),
        StoreErrorKind::Unavailable,
        "{unreachable}"
    );
}
