//! A fixed number of deliveries through the in-memory store (at its capacity) or the
//! whole layer, for instruction counts under callgrind, which do not move with the
//! machine's load (`criterion` times do):
//!
//!     cargo build --release -p tower-webhook-benches --bin store_ops
//!     valgrind --tool=callgrind --toggle-collect='*measured*' \
//!         target/release/store_ops store 20000
//!
//! Only the `measured_*` functions are counted: keys and signed requests are made before.
//! Modes: `store` (reserve + complete as the layer calls them, without futures; the store
//! full, so each delivery evicts the oldest), `store-dyn` (the same through
//! `dyn ReplayStore`, a boxed future per call), `store-below` (100,000 keys in a store of
//! a million),
//! `layer` (Standard Webhooks, 256 B, memory store),
//! `layer-no-replay`, `verify` (verification and replay keys only).

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use tower::Layer;
use tower_webhook::replay::{KeySet, MemoryStore, ReplayKey, ReplayStore, Reservation};
use tower_webhook::{providers, Verifier, WebhookLayer};
use tower_webhook_benches::*;

/// Reserve + complete as the layer calls them: at once, without a future.
fn once(store: &MemoryStore, key: &[ReplayKey; 1]) {
    let Reservation::Reserved(token) = store
        .reserve_now(key, Duration::from_secs(300), Duration::from_secs(3600))
        .unwrap()
    else {
        panic!("fresh key")
    };
    store
        .complete_now(key, &token, Duration::from_secs(3600))
        .unwrap();
}

/// The same through `dyn ReplayStore`: a boxed future per call.
fn once_dyn(store: &dyn ReplayStore, key: &[ReplayKey; 1]) {
    let Reservation::Reserved(token) = now(store.reserve(
        KeySet::from(key),
        Duration::from_secs(300),
        Duration::from_secs(3600),
    ))
    .unwrap() else {
        panic!("fresh key")
    };
    now(store.complete(key, &token, Duration::from_secs(3600))).unwrap();
}

#[inline(never)]
fn measured_store(store: &MemoryStore, keys: &[[ReplayKey; 1]]) {
    for key in keys {
        once(store, key);
    }
}

#[inline(never)]
fn measured_store_dyn(store: &MemoryStore, keys: &[[ReplayKey; 1]]) {
    for key in keys {
        once_dyn(store, key);
    }
}

#[inline(never)]
fn measured_layer<S>(
    runtime: &tokio::runtime::Runtime,
    service: &mut S,
    requests: Vec<http::Request<http_body_util::Full<Bytes>>>,
) where
    S: tower::Service<
        http::Request<http_body_util::Full<Bytes>>,
        Response = http::Response<tower_webhook::layer::ResponseBody<String>>,
    >,
    S::Error: std::fmt::Debug,
{
    for request in requests {
        assert_eq!(call_once(runtime, service, request), 200);
    }
}

#[inline(never)]
fn measured_verify(verifier: &Verifier, requests: Vec<http::Request<Bytes>>) {
    for request in requests {
        let delivery = verifier.verify(&request).unwrap();
        black_box(delivery.replay_keys());
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "store".into());
    let n: usize = args.next().map_or(20_000, |n| n.parse().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fresh = |i: usize| standard_delivery("/", json_body(256), &format!("msg_{i}"));
    match mode.as_str() {
        "store" | "store-below" | "store-dyn" => {
            // `store-below`: 100,000 completed keys in a store of a million (nothing is
            // evicted; the sweep only checks the oldest).
            let store = if mode == "store-below" {
                MemoryStore::builder().capacity(1_000_000).build()
            } else {
                MemoryStore::new()
            };
            let key = |i: usize| [ReplayKey::new("stripe", &format!("evt_{i:016x}"))];
            let capacity = tower_webhook::replay::DEFAULT_CAPACITY;
            for i in 0..capacity {
                once(&store, &key(i));
            }
            let keys: Vec<_> = (capacity..capacity + n).map(key).collect();
            if mode == "store-dyn" {
                measured_store_dyn(&store, &keys);
            } else {
                measured_store(&store, &keys);
            }
        }
        "layer" | "layer-no-replay" => {
            let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
            let layer = if mode == "layer" {
                WebhookLayer::new(verifier).replay_store(MemoryStore::new())
            } else {
                WebhookLayer::new(verifier).dangerously_disable_replay_protection()
            };
            let mut service = layer.layer(tower::service_fn(read_body));
            // Warm up (and fill part of the store), then measure.
            let warm: Vec<_> = (0..1000).map(fresh).collect();
            warm_layer(&runtime, &mut service, warm);
            let requests: Vec<_> = (1000..1000 + n).map(fresh).collect();
            measured_layer(&runtime, &mut service, requests);
        }
        "verify" => {
            use http_body_util::BodyExt;
            let verifier = Verifier::new(providers::standard_webhooks(), STANDARD_SECRET).unwrap();
            let requests: Vec<_> = (0..n)
                .map(|i| {
                    let (parts, body) = fresh(i).into_parts();
                    let body = runtime.block_on(body.collect()).unwrap().to_bytes();
                    http::Request::from_parts(parts, body)
                })
                .collect();
            measured_verify(&verifier, requests);
        }
        other => panic!("unknown mode {other}"),
    }
}

#[inline(never)]
fn warm_layer<S>(
    runtime: &tokio::runtime::Runtime,
    service: &mut S,
    requests: Vec<http::Request<http_body_util::Full<Bytes>>>,
) where
    S: tower::Service<
        http::Request<http_body_util::Full<Bytes>>,
        Response = http::Response<tower_webhook::layer::ResponseBody<String>>,
    >,
    S::Error: std::fmt::Debug,
{
    for request in requests {
        black_box(call_once(runtime, service, request));
    }
}
