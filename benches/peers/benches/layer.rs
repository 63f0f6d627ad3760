//! The whole layer with the in-memory store, each iteration a new valid delivery, beside
//! the same service without verification (which still buffers the same body); and the
//! in-memory store's reserve + complete.

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tower::{Layer, Service};
use tower_webhook::layer::{KnownSource, SourceKey, Sources};
use tower_webhook::replay::{KeySet, MemoryStore, ReplayKey, ReplayStore, Reservation};
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
        // The same layer recording its metrics into a Prometheus recorder (local to the
        // thread, so the other rows record nothing): the cost of the `metrics` feature.
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Suffix("_seconds".into()),
                tower_webhook::metrics::SECONDS_BUCKETS,
            )
            .unwrap()
            .build_recorder();
        let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
        let mut measured = WebhookLayer::new(verifier)
            .replay_store(MemoryStore::new())
            .layer(tower::service_fn(read_body));
        group.bench_function("tower-webhook-layer-metrics-on", |b| {
            b.iter_batched(
                &mut fresh,
                |request| {
                    metrics::with_local_recorder(&recorder, || {
                        assert_eq!(call_once(&runtime, &mut measured, request), 200)
                    })
                },
                BatchSize::SmallInput,
            )
        });
        // Many sources on one endpoint, the source's verifier cached (a hit every time).
        let sources = Sources::new(SourceKey::path_segment(1), |_tenant: String| async {
            Ok(Some(KnownSource::new(
                "acme",
                Verifier::new(providers::standard_webhooks(), STANDARD_SECRET)?,
            )))
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
        // The same layer without replay protection, and the verification alone, so that
        // the store's and the layer's own shares are measured in one run.
        let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
        let mut unprotected = WebhookLayer::new(verifier.clone())
            .dangerously_disable_replay_protection()
            .layer(tower::service_fn(read_body));
        group.bench_function("tower-webhook-layer-no-replay", |b| {
            b.iter_batched(
                &mut fresh,
                |request| assert_eq!(call_once(&runtime, &mut unprotected, request), 200),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("verify-only", |b| {
            b.iter_batched(
                || {
                    use http_body_util::BodyExt;
                    let (parts, body) = fresh().into_parts();
                    let body = runtime.block_on(body.collect()).unwrap().to_bytes();
                    http::Request::from_parts(parts, body)
                },
                |request| {
                    // The id and the replay keys too, as the layer asks for them.
                    let delivery = verifier.verify(&request).unwrap();
                    black_box(delivery.replay_keys());
                },
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
    let store = MemoryStore::new();
    let mut n = 0u64;
    // The key is made outside the measurement: the layer computes it (a SHA-256 of the
    // namespaced id) as part of the delivery, and that is not the store's cost. The store
    // is at its default capacity (100,000 keys) after the warm-up, so each new delivery
    // also evicts the oldest.
    // As the layer calls it (a store given by value or as an `Arc<MemoryStore>`): at once,
    // without a future.
    c.bench_function("memory-store/reserve+complete", |b| {
        b.iter_batched(
            || {
                n += 1;
                [ReplayKey::new("stripe", &format!("evt_{n:016x}"))]
            },
            |key| {
                let Reservation::Reserved(token) = store
                    .reserve_now(&key, Duration::from_secs(300), Duration::from_secs(3600))
                    .unwrap()
                else {
                    panic!("fresh key")
                };
                store
                    .complete_now(&key, &token, Duration::from_secs(3600))
                    .unwrap();
            },
            BatchSize::SmallInput,
        )
    });
    // Through `dyn ReplayStore`, as code holding any store calls it: a boxed future each.
    let dyn_store: &dyn ReplayStore = &store;
    c.bench_function("memory-store/reserve+complete-dyn", |b| {
        b.iter_batched(
            || {
                n += 1;
                [ReplayKey::new("stripe", &format!("evt_{n:016x}"))]
            },
            |key| {
                let Reservation::Reserved(token) = now(dyn_store.reserve(
                    KeySet::from(&key),
                    Duration::from_secs(300),
                    Duration::from_secs(3600),
                ))
                .unwrap() else {
                    panic!("fresh key")
                };
                now(dyn_store.complete(&key, &token, Duration::from_secs(3600))).unwrap();
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("replay-key/new", |b| {
        b.iter(|| ReplayKey::new(black_box("stripe"), black_box("evt_0000000000000001")))
    });
}

/// Tenants in the many-sources benchmark: the cache's default capacity.
const TENANTS: usize = 100_000;

/// Many sources on one endpoint at scale: a `Sources` cache filled with 100,000 tenants
/// (each its own verifier), every request for the next tenant in turn (a hit, in a map
/// too large for the CPU's caches), beside the same request through a fixed verifier and
/// through one cached tenant. Twice: a valid 1 KiB delivery, and a request without
/// signature headers and without a body, refused right after the source is resolved, on
/// which the resolution is most of the cost.
fn sources(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tenant = |n: usize| format!("tenant{n:06}");
    let lookup = |key: String| async move {
        Ok(Some(KnownSource::new(
            key,
            Verifier::new(providers::standard_webhooks(), STANDARD_SECRET)?,
        )))
    };
    // An hour: no entry expires (and is refilled) while this runs.
    let hour = Duration::from_secs(3600);
    let many = Sources::new(SourceKey::path_segment(1), lookup).ttl(hour);
    let one = Sources::new(SourceKey::path_segment(1), lookup).ttl(hour);
    let fixed =
        WebhookLayer::new(Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap());
    let mut services = [
        ("fixed-verifier", fixed),
        ("per-source-1-tenant", WebhookLayer::with_sources(one)),
        (
            "per-source-100k-tenants",
            WebhookLayer::with_sources(many.clone()),
        ),
    ]
    .map(|(name, layer)| {
        (
            name,
            layer
                .replay_store(MemoryStore::new())
                .layer(tower::service_fn(read_body)),
        )
    });
    let bare = |uri: &str| {
        http::Request::post(uri)
            .body(http_body_util::Full::new(Bytes::new()))
            .unwrap()
    };
    // Fill the cache: one lookup per tenant.
    for n in 0..TENANTS {
        let uri = format!("/webhooks/{}/standard", tenant(n));
        assert_eq!(call_once(&runtime, &mut services[2].1, bare(&uri)), 401);
    }
    assert_eq!(many.cached(), TENANTS);

    let body = json_body(1024);
    let mut n = 0usize;
    // The next request's tenant: in turn through all of them for the 100,000, always the
    // first otherwise (the fixed verifier ignores it).
    let mut next = |all: bool| {
        n += 1;
        (tenant(if all { n % TENANTS } else { 0 }), n)
    };
    for (kind, signed) in [("signed-1024", true), ("unsigned-empty", false)] {
        let mut group = c.benchmark_group(format!("sources-100k/{kind}"));
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(3));
        for (name, service) in &mut services {
            let all = name.ends_with("100k-tenants");
            let expected = if signed { 200 } else { 401 };
            group.bench_function(*name, |b| {
                b.iter_batched(
                    || {
                        let (tenant, id) = next(all);
                        let uri = format!("/webhooks/{tenant}/standard");
                        if signed {
                            standard_delivery(&uri, body.clone(), &format!("msg_{id}"))
                        } else {
                            bare(&uri)
                        }
                    },
                    |request| assert_eq!(call_once(&runtime, service, request), expected),
                    BatchSize::SmallInput,
                )
            });
        }
        group.finish();
    }
    assert_eq!(many.cached(), TENANTS, "no entry evicted or added");
}

/// A body that arrives one byte per frame: the most frames a body of its size can cost.
struct OneByteFrames(Bytes);

impl http_body::Body for OneByteFrames {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.0.is_empty() {
            return std::task::Poll::Ready(None);
        }
        let byte = self.0.split_to(1);
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(byte))))
    }
}

/// The hostile worst case of buffering: a body of the layer's limit (2 MiB) in 1-byte
/// frames with a junk signature, beside one valid delivery of the same size in one frame,
/// both through the whole layer.
fn chunked(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let size = tower_webhook::layer::DEFAULT_BODY_LIMIT;
    let body = json_body(size);
    let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
    let layer = WebhookLayer::new(verifier).replay_store(MemoryStore::new());
    let mut one_frame = layer.clone().layer(tower::service_fn(read_body));
    let mut one_byte = layer.layer(tower::service_fn(read_body));
    let mut n = 0u64;
    let mut group = c.benchmark_group(format!("hostile-chunked/{size}"));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("valid", |b| {
        b.iter_batched(
            || {
                n += 1;
                standard_delivery("/", body.clone(), &format!("msg_{n}"))
            },
            |request| assert_eq!(call_once(&runtime, &mut one_frame, request), 200),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("junk-1-byte-frames", |b| {
        b.iter_batched(
            || {
                n += 1;
                let (mut parts, _) =
                    standard_delivery("/", body.clone(), &format!("msg_{n}")).into_parts();
                parts.headers.insert(
                    "webhook-signature",
                    "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
                        .parse()
                        .unwrap(),
                );
                http::Request::from_parts(parts, OneByteFrames(body.clone()))
            },
            |request| {
                runtime.block_on(async {
                    use tower::ServiceExt;
                    let response = ServiceExt::<http::Request<OneByteFrames>>::ready(&mut one_byte)
                        .await
                        .unwrap()
                        .call(request)
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 401);
                })
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, layer, store, chunked, sources);
criterion_main!(benches);
