//! Bytes per cached tenant of `Sources` at 100,000 tenants (its default capacity), each
//! with its own Standard Webhooks verifier, measured with dhat's counting allocator: the
//! whole entry, and the verifier's own share of it.
//!
//!     cargo run --release -p tower-webhook-benches --bin source_memory

use std::convert::Infallible;
use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use tower::Layer;
use tower_webhook::layer::{KnownSource, SourceKey, Sources, VerifiedBody};
use tower_webhook::{providers, Verifier};
use tower_webhook_benches::call_once;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const N: usize = 100_000;

fn live_bytes() -> usize {
    dhat::HeapStats::get().curr_bytes
}

/// Tenant `n`'s key in the path: `tenant000042`.
fn tenant(n: usize) -> String {
    format!("tenant{n:06}")
}

/// Tenant `n`'s Standard Webhooks secret: 24 random-looking bytes of its own.
fn secret(n: usize) -> String {
    let key = format!("tenant secret {n:010}");
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// What the lookup answers for `key`: the source, its identity the key itself.
fn source(key: String) -> Result<KnownSource, tower_webhook::ConfigError> {
    let n: usize = key["tenant".len()..].parse().expect("a tenant's key");
    Ok(KnownSource::new(
        key,
        Verifier::new(providers::standard_webhooks(), secret(n))?,
    ))
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // The verifiers alone, as the cache keeps them (bound to their identity), in a vector
    // sized up front: their own heap, beside the cache's.
    let before = live_bytes();
    let mut verifiers = Vec::with_capacity(N);
    let vector = live_bytes() - before;
    for n in 0..N {
        verifiers.push(source(tenant(n)).unwrap().verifier().clone());
    }
    let verifier_heap = live_bytes() - before - vector;
    drop(verifiers);

    let sources = Sources::new(SourceKey::path_segment(1), |key: String| async move {
        Ok(Some(source(key)?))
    })
    .capacity(N)
    // No refill while this runs.
    .ttl(Duration::from_secs(3600));
    let mut service = tower_webhook::WebhookLayer::with_sources(sources.clone()).layer(
        tower::service_fn(|_request: http::Request<VerifiedBody>| async {
            Ok::<_, Infallible>(http::Response::new(String::new()))
        }),
    );
    let before = live_bytes();
    let start = Instant::now();
    for n in 0..N {
        // Unsigned: the source is looked up and cached, then the request refused (the
        // cache is what is measured, not the replay store).
        let request = http::Request::post(format!("/webhooks/{}/standard", tenant(n)))
            .body(http_body_util::Full::new(Bytes::new()))
            .unwrap();
        let status = call_once(&runtime, &mut service, request);
        assert_eq!(status, http::StatusCode::UNAUTHORIZED, "tenant {n}");
    }
    let elapsed = start.elapsed();
    let cache_heap = live_bytes() - before;
    assert_eq!(sources.cached(), N);
    // The time is inflated by dhat's counting allocator; the criterion benchmark
    // `sources-100k` measures a hit.
    println!("| cached tenants | heap bytes | bytes per tenant | of which its verifier | of which the cache | fill time (under dhat) |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {N} | {cache_heap} | {} | {} | {} | {:.1} s |",
        cache_heap / N,
        verifier_heap / N,
        (cache_heap - verifier_heap) / N,
        elapsed.as_secs_f64()
    );
}
