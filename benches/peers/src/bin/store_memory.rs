//! Bytes per entry of the in-memory replay store at one million completed deliveries,
//! measured with dhat's counting allocator.
//!
//!     cargo run --release -p tower-webhook-benches --bin store_memory

use std::time::{Duration, Instant};

use tower_webhook::replay::{KeySet, MemoryStore, ReplayKey, ReplayStore, Reservation};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

fn live_bytes() -> usize {
    dhat::HeapStats::get().curr_bytes
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    const N: usize = 1_000_000;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let store = MemoryStore::builder().capacity(N).build();
    let before = live_bytes();
    let start = Instant::now();
    runtime.block_on(async {
        for i in 0..N {
            // A Stripe-like id: "evt_" and 24 characters.
            let key = [ReplayKey::new("stripe", &format!("evt_{i:024}"))];
            let Reservation::Reserved(token) = store
                .reserve(
                    KeySet::from(&key),
                    Duration::from_secs(300),
                    Duration::from_secs(3600),
                )
                .await
                .unwrap()
            else {
                panic!("fresh key");
            };
            store
                .complete(&key, &token, Duration::from_secs(7 * 86400))
                .await
                .unwrap();
        }
    });
    let elapsed = start.elapsed();
    let bytes = live_bytes() - before;
    // The time is inflated by dhat's counting allocator; the criterion benchmark
    // `memory-store/reserve+complete` measures the cost per operation.
    println!("| entries | heap bytes | bytes per entry | fill time (under dhat) |");
    println!("|---|---|---|---|");
    println!(
        "| {N} | {bytes} | {} | {:.1} s |",
        bytes / N,
        elapsed.as_secs_f64()
    );
}
