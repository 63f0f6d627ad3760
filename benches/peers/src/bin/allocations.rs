//! Heap allocations per verified delivery, counted with dhat's allocator, at each body
//! size: the synchronous verification of several presets, and the whole layer (in-memory
//! store, a handler that reads the body). The body is never copied, so the figures do not
//! grow with it.
//!
//!     cargo run --release -p tower-webhook-benches --bin allocations

use bytes::Bytes;
use tower::Layer;
use tower_webhook::replay::MemoryStore;
use tower_webhook::{providers, Scheme, Verifier, WebhookLayer};
use tower_webhook_benches::*;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const ROUNDS: u64 = 1000;

/// Allocations and bytes allocated per call of `f`, averaged over `ROUNDS` calls.
fn per_call(mut f: impl FnMut(u64)) -> (u64, u64) {
    f(0); // warm-up: lazily initialised state is not the per-request cost
    let before = dhat::HeapStats::get();
    for round in 1..=ROUNDS {
        f(round);
    }
    let after = dhat::HeapStats::get();
    (
        (after.total_blocks - before.total_blocks) / ROUNDS,
        (after.total_bytes - before.total_bytes) / ROUNDS,
    )
}

/// The synchronous verification of one signed request.
fn sync<S: Scheme>(
    make: impl Fn() -> S,
    secret: &str,
    uri: &str,
    content_type: &str,
    body: Bytes,
) -> (u64, u64) {
    let request = signed(make(), secret, uri, content_type, body, "d1");
    let verifier = Verifier::new(make(), secret).unwrap();
    assert!(verifier.verify(&request).is_ok());
    per_call(|_| {
        std::hint::black_box(verifier.verify(std::hint::black_box(&request)).is_ok());
    })
}

fn cell((blocks, bytes): (u64, u64)) -> String {
    format!("{blocks} / {bytes} B")
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    println!("allocations / bytes allocated per delivery (dhat; mean of {ROUNDS})");
    println!();
    println!("| body | standard-webhooks | stripe | github | slack | twilio (form) | whole layer, memory store |");
    println!("|---|---|---|---|---|---|---|");
    for size in SIZES {
        let standard = sync(
            providers::standard_webhooks,
            STANDARD_SECRET,
            "/",
            "application/json",
            json_body(size),
        );
        let stripe = sync(
            providers::stripe,
            SECRET,
            "/",
            "application/json",
            json_body(size),
        );
        let github = sync(
            providers::github,
            SECRET,
            "/",
            "application/json",
            json_body(size),
        );
        let slack = sync(
            providers::slack,
            SECRET,
            "/",
            "application/json",
            json_body(size),
        );
        let twilio = sync(
            || providers::twilio().public_url("https://hooks.example.com"),
            SECRET,
            "https://hooks.example.com/twilio",
            "application/x-www-form-urlencoded",
            form_body(size),
        );

        // The whole layer: each request a new delivery, signed outside the count.
        let body = json_body(size);
        let requests: Vec<_> = (0..=ROUNDS)
            .map(|n| standard_delivery("/", body.clone(), &format!("msg_{size}_{n}")))
            .collect();
        let mut requests = requests.into_iter();
        let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
        let mut service = WebhookLayer::new(verifier)
            .replay_store(MemoryStore::new())
            .layer(tower::service_fn(read_body));
        let layer = per_call(|_| {
            let request = requests.next().unwrap();
            assert_eq!(call_once(&runtime, &mut service, request), 200);
        });

        let label = if size >= 1024 {
            format!("{} KiB", size / 1024)
        } else {
            format!("{size} B")
        };
        println!(
            "| {label} | {} | {} | {} | {} | {} | {} |",
            cell(standard),
            cell(stripe),
            cell(github),
            cell(slack),
            cell(twilio),
            cell(layer)
        );
    }
}
