//! Which concurrent map for the in-memory replay store: the well-kept concurrent maps
//! (dashmap, papaya, scc, moka) beside one mutex around a hashbrown table and N mutexes
//! around N tables, all on the store's workload, in one run: a fresh 32-byte digest is
//! inserted (in flight), updated (completed), and the key inserted `LIVE` operations ago
//! removed (the store at capacity forgets its oldest). One thread, then two threads
//! sharing the map (this machine has two cores).
//!
//! Only the winner enters the library; the others are here so the choice can be
//! re-checked on another machine: `cargo bench -p tower-webhook-benches --bench maps`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

/// Keys live at once: the store at its default capacity.
const LIVE: u64 = 100_000;

type Key = [u8; 32];

#[derive(Clone, Copy)]
struct Entry {
    seq: u64,
    expires: u64,
}

/// The digest's own bytes as its hash (the store's hasher): the key is already SHA-256.
#[derive(Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        if let Some(word) = bytes.get(8..16) {
            self.0 = u64::from_le_bytes(word.try_into().unwrap());
        }
    }
    fn write_usize(&mut self, _: usize) {}
}

type Build = BuildHasherDefault<DigestHasher>;

/// A uniformly spread 32-byte key for counter `n` (splitmix64), cheap to make.
fn key(n: u64) -> Key {
    let mut out = [0u8; 32];
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for chunk in out.chunks_mut(8) {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

trait Store: Sync {
    /// Reserve, complete, forget the key `LIVE` steps back.
    fn step(&self, n: u64);
}

struct OneMutex(Mutex<HashMap<Key, Entry, Build>>);

impl Store for OneMutex {
    fn step(&self, n: u64) {
        let k = key(n);
        {
            let mut map = self.0.lock().unwrap();
            if n >= LIVE {
                map.remove(&key(n - LIVE));
            }
            map.entry(k).or_insert(Entry { seq: n, expires: 1 });
        }
        let mut map = self.0.lock().unwrap();
        if let Some(e) = map.get_mut(&k) {
            e.expires = e.seq + 1;
        }
    }
}

struct Sharded(Vec<Mutex<HashMap<Key, Entry, Build>>>);

impl Sharded {
    fn shard(&self, k: &Key) -> &Mutex<HashMap<Key, Entry, Build>> {
        &self.0[k[0] as usize % self.0.len()]
    }
}

impl Store for Sharded {
    fn step(&self, n: u64) {
        let k = key(n);
        if n >= LIVE {
            let old = key(n - LIVE);
            self.shard(&old).lock().unwrap().remove(&old);
        }
        self.shard(&k)
            .lock()
            .unwrap()
            .entry(k)
            .or_insert(Entry { seq: n, expires: 1 });
        if let Some(e) = self.shard(&k).lock().unwrap().get_mut(&k) {
            e.expires = e.seq + 1;
        }
    }
}

struct Dash(dashmap::DashMap<Key, Entry, Build>);

impl Store for Dash {
    fn step(&self, n: u64) {
        let k = key(n);
        if n >= LIVE {
            self.0.remove(&key(n - LIVE));
        }
        self.0.entry(k).or_insert(Entry { seq: n, expires: 1 });
        if let Some(mut e) = self.0.get_mut(&k) {
            e.expires = e.seq + 1;
        }
    }
}

struct Papaya(papaya::HashMap<Key, Entry, Build>);

impl Store for Papaya {
    fn step(&self, n: u64) {
        let k = key(n);
        let map = self.0.pin();
        if n >= LIVE {
            map.remove(&key(n - LIVE));
        }
        map.get_or_insert(k, Entry { seq: n, expires: 1 });
        map.update(k, |e| Entry {
            expires: e.seq + 1,
            ..*e
        });
    }
}

struct Scc(scc::HashMap<Key, Entry, Build>);

impl Store for Scc {
    fn step(&self, n: u64) {
        let k = key(n);
        if n >= LIVE {
            self.0.remove_sync(&key(n - LIVE));
        }
        let _ = self.0.insert_sync(k, Entry { seq: n, expires: 1 });
        self.0.update_sync(&k, |_, e| e.expires = e.seq + 1);
    }
}

/// moka bounds itself (no explicit removal): its own eviction is part of its cost.
struct Moka(moka::sync::Cache<Key, Entry, Build>);

impl Store for Moka {
    fn step(&self, n: u64) {
        let k = key(n);
        self.0.entry(k).or_insert(Entry { seq: n, expires: 1 });
        self.0.insert(k, Entry { seq: n, expires: 2 });
    }
}

fn candidates() -> Vec<(&'static str, Box<dyn Store>)> {
    let cap = LIVE as usize;
    vec![
        (
            "one-mutex-hashbrown",
            Box::new(OneMutex(Mutex::new(HashMap::with_capacity_and_hasher(
                cap,
                Build::default(),
            )))),
        ),
        (
            "sharded-hashbrown-16",
            Box::new(Sharded(
                (0..16)
                    .map(|_| {
                        Mutex::new(HashMap::with_capacity_and_hasher(
                            cap / 16,
                            Build::default(),
                        ))
                    })
                    .collect(),
            )),
        ),
        (
            "dashmap",
            Box::new(Dash(dashmap::DashMap::with_capacity_and_hasher(
                cap,
                Build::default(),
            ))),
        ),
        (
            "papaya",
            Box::new(Papaya(papaya::HashMap::with_capacity_and_hasher(
                cap,
                Build::default(),
            ))),
        ),
        (
            "scc",
            Box::new(Scc(scc::HashMap::with_capacity_and_hasher(
                cap,
                Build::default(),
            ))),
        ),
        (
            "moka",
            Box::new(Moka(
                moka::sync::Cache::builder()
                    .max_capacity(LIVE)
                    .build_with_hasher(Build::default()),
            )),
        ),
    ]
}

fn maps(c: &mut Criterion) {
    for (name, store) in candidates() {
        // Fill to the steady state first.
        for n in 0..LIVE {
            store.step(n);
        }
        let mut next = LIVE;
        let mut group = c.benchmark_group("replay-map-1-thread");
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for n in next..next + iters {
                    store.step(n);
                }
                next += iters;
                start.elapsed()
            })
        });
        group.finish();
        // Two threads share the map, each doing half the operations; the time is the wall
        // time per operation (throughput), so perfect scaling halves it.
        let mut group = c.benchmark_group("replay-map-2-threads");
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let base = next;
                let half = iters.div_ceil(2);
                let start = Instant::now();
                std::thread::scope(|s| {
                    for t in 0..2 {
                        let store = &store;
                        s.spawn(move || {
                            let from = base + t * half;
                            for n in from..from + half {
                                store.step(n);
                            }
                        });
                    }
                });
                next += 2 * half;
                start.elapsed()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, maps);
criterion_main!(benches);
