//! The whole layer with the in-memory store, each iteration a new valid delivery, beside
//! the same service without verification (which still buffers the same body); and the
//! in-memory store's reserve + complete.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tower::{Layer, Service};
use tower_webhook::layer::{SourceKey, Sources};
use tower_webhook::replay::{MemoryStore, ReplayKey, ReplayStore, Reservation};
use tower_webhook::{providers, Verifier, WebhookLayer};
use tower_webhook_benches::*;

fn layer(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for size in SIZES {
        let mut group = c.benchmark_group(format!("layer-standard-webhooks/{size}"));
        group.throughput(Throughput::Bytes(size as u64));
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        let body = json_body(size);
        let mut n = 0u64;
        let mut fresh = || {
            n += 1;
            standard_delivery("/", body.clone(), &format!("msg_{n}"))
        };

        let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
        let mut verified = WebhookLayer::new(verifier)
            .replay_store(MemoryStore::new())
            .layer(tower::service_fn(read_body));
        group.bench_function("tower-webhook-layer", |b| {
            b.iter_batched(
                &mut fresh,
                |request| assert_eq!(call_once(&runtime, &mut verified, request), 200),
                BatchSize::SmallInput,
            )
        });
        // Many sources on one endpoint, the source's verifier cached (a hit every time).
        let sources = Sources::new(SourceKey::path_segment(1), |_tenant: String| async {
            Ok(Some(Verifier::new(
                providers::standard_webhooks(),
                STANDARD_SECRET,
            )?))
        });
        let mut per_source = WebhookLayer::with_sources(sources)
            .replay_store(MemoryStore::new())
            .layer(tower::service_fn(read_body));
        let mut m = 0u64;
        let mut fresh_tenant = || {
            m += 1;
            standard_delivery("/webhooks/acme/standard", body.clone(), &format!("msg_{m}"))
        };
        group.bench_function("tower-webhook-layer-per-source", |b| {
            b.iter_batched(
                &mut fresh_tenant,
                |request| assert_eq!(call_once(&runtime, &mut per_source, request), 200),
                BatchSize::SmallInput,
            )
        });
        let mut plain = tower::service_fn(read_body);
        group.bench_function("no-verification", |b| {
            b.iter_batched(
                &mut fresh,
                |request| black_box(runtime.block_on(plain.call(request)).unwrap()),
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

fn store(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let store = MemoryStore::new();
    let mut n = 0u64;
    // The key is made outside the measurement: the layer computes it (a SHA-256 of the
    // namespaced id) as part of the delivery, and that is not the store's cost.
    c.bench_function("memory-store/reserve+complete", |b| {
        b.iter_batched(
            || {
                n += 1;
                [ReplayKey::new("stripe", &format!("evt_{n:016x}"))]
            },
            |key| {
                runtime.block_on(async {
                    let Reservation::Reserved(token) = store
                        .reserve(&key, Duration::from_secs(300), Duration::from_secs(3600))
                        .await
                        .unwrap()
                    else {
                        panic!("fresh key")
                    };
                    store
                        .complete(&key, &token, Duration::from_secs(3600))
                        .await
                        .unwrap();
                })
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("replay-key/new", |b| {
        b.iter(|| ReplayKey::new(black_box("stripe"), black_box("evt_0000000000000001")))
    });
}

criterion_group!(benches, layer, store);
criterion_main!(benches);
