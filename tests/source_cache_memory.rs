//! The source cache of `Sources` holds at most its capacity, whatever the pattern of
//! refills: one key refilled again and again, more keys than fit cycling through, a key
//! invalidated and looked up again. Measured with dhat's allocator, so this file holds a
//! single test (dhat allows one profiler per process).

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use tower::{Layer, Service, ServiceExt};
use tower_webhook::layer::{SourceKey, Sources, VerifiedBody};
use tower_webhook::WebhookLayer;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const CAPACITY: usize = 64;
/// Requests per measured round: each one refills the cache (both TTLs are zero).
const ROUND: usize = 10_000;
/// What the live heap may grow by over a round once the cache is full: a few entries'
/// worth, far below one entry per refill.
const GROWTH: usize = 64 * 1024;

fn request(key: &str) -> Request<Full<Bytes>> {
    Request::post(format!("/webhooks/{key}/standard"))
        .body(Full::new(Bytes::new()))
        .unwrap()
}

fn live_bytes() -> usize {
    dhat::HeapStats::get().curr_bytes
}

#[test]
fn the_source_cache_holds_its_capacity_whatever_the_refills() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Every source is unknown, and every answer stale at once: each request refills.
    let sources = Sources::new(SourceKey::path_segment(1), |_key: String| async {
        Ok(None)
    })
    .ttl(Duration::ZERO)
    .unknown_ttl(Duration::ZERO)
    .capacity(CAPACITY);
    let mut service = WebhookLayer::with_sources(sources.clone()).layer(tower::service_fn(
        |_request: Request<VerifiedBody>| async {
            Ok::<_, Infallible>(Response::new(String::new()))
        },
    ));
    let mut send = |key: &str| {
        let status = runtime
            .block_on(async {
                let ready = ServiceExt::<Request<Full<Bytes>>>::ready(&mut service)
                    .await
                    .unwrap();
                ready.call(request(key)).await
            })
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND);
    };
    let names: Vec<String> = (0..3 * CAPACITY).map(|n| format!("tenant{n}")).collect();
    let patterns = [
        "one key refilled",
        "more keys than fit, cycling",
        "a key invalidated and refilled",
    ];
    for (p, name) in patterns.into_iter().enumerate() {
        let mut refill = |n: usize| match p {
            0 => send("acme"),
            1 => send(&names[n % names.len()]),
            _ => {
                sources.invalidate("globex");
                send("globex")
            }
        };
        // A warm-up round reaches the steady state (a full cache, grown buffers).
        for n in 0..ROUND {
            refill(n);
        }
        let before = live_bytes();
        for n in 0..ROUND {
            refill(n);
        }
        let growth = live_bytes().saturating_sub(before);
        eprintln!("{name}: live heap grew by {growth} B over {ROUND} refills");
        assert!(
            growth <= GROWTH,
            "{name}: the live heap grew by {growth} B over {ROUND} refills (bound {GROWTH} B)"
        );
        assert!(
            sources.cached() <= CAPACITY,
            "{name}: {} cached",
            sources.cached()
        );
    }
}
