//! Exactly once across instances: two real servers sharing one real Redis.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::redis_server::RedisServer;
use common::{send, Calls, Server};
use http::StatusCode;
use tower_webhook::replay::RedisStore;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One instance of the service: its own RedisStore on the shared Redis.
async fn instance(redis: &str, calls: Calls, fail_once: Arc<AtomicBool>) -> Server {
    let store = RedisStore::connect(redis).await.unwrap();
    // A generous store timeout: 200 concurrent copies on a loaded 2-core machine can keep
    // Redis past the default 250 ms, and this test is about exactly-once, not timeouts
    // (tests/it/http_semantics.rs covers those).
    let layer = WebhookLayer::new(Verifier::new(providers::standard_webhooks(), SECRET).unwrap())
        .replay_store(store)
        .store_timeout(std::time::Duration::from_secs(10));
    let app = Router::new()
        .route(
            "/hook",
            post(move || {
                calls.hit();
                let fail = fail_once.swap(false, Ordering::SeqCst);
                async move {
                    tokio::task::yield_now().await;
                    if fail {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        )
        .route_layer(layer);
    Server::start(app).await
}

fn delivery(server: &Server, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(br#"{"type":"order.paid"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

fn to(server: &Server, request: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut request = request.clone();
    *request.uri_mut() = server.url("/hook").parse().unwrap();
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_handle_concurrent_copies_exactly_once() {
    let redis = RedisServer::start();
    let calls = Calls::default();
    let no = || Arc::new(AtomicBool::new(false));
    let a = instance(&redis.url(), calls.clone(), no()).await;
    let b = instance(&redis.url(), calls.clone(), no()).await;

    let request = delivery(&a, "msg_shared");
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let target = if i % 2 == 0 {
            to(&a, &request)
        } else {
            to(&b, &request)
        };
        tasks.spawn(send(target));
    }
    while let Some(reply) = tasks.join_next().await {
        let status = reply.unwrap().status;
        assert!(
            status == StatusCode::OK || status == StatusCode::CONFLICT,
            "{status}"
        );
    }
    assert_eq!(calls.count(), 1);
    assert_eq!(
        send(to(&b, &request)).await.headers["webhook-duplicate"],
        "true"
    );
}

#[tokio::test]
async fn a_failure_on_one_instance_is_retried_on_the_other() {
    let redis = RedisServer::start();
    let calls = Calls::default();
    let a = instance(&redis.url(), calls.clone(), Arc::new(AtomicBool::new(true))).await;
    let b = instance(
        &redis.url(),
        calls.clone(),
        Arc::new(AtomicBool::new(false)),
    )
    .await;
    let request = delivery(&a, "msg_failover");
    assert_eq!(
        send(to(&a, &request)).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let retry = send(to(&b, &request)).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert!(retry.headers.get("webhook-duplicate").is_none());
    assert_eq!(calls.count(), 2);
    assert_eq!(
        send(to(&a, &request)).await.headers["webhook-duplicate"],
        "true"
    );
}

#[tokio::test]
async fn redis_down_is_503_and_recovers_without_a_restart() {
    let mut redis = RedisServer::start();
    let calls = Calls::default();
    let server = instance(
        &redis.url(),
        calls.clone(),
        Arc::new(AtomicBool::new(false)),
    )
    .await;
    assert_eq!(
        send(delivery(&server, "msg_before")).await.status,
        StatusCode::OK
    );

    redis.kill();
    let reply = send(delivery(&server, "msg_during")).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.headers["retry-after"], "5");
    assert_eq!(reply.json()["reason"], "store_unavailable");
    assert_eq!(calls.count(), 1);

    redis.restart();
    // The connection manager reconnects in the background: the provider's retries get
    // through once it has (bounded: at most 5 s).
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let reply = send(delivery(&server, "msg_during")).await;
        if reply.status == StatusCode::OK {
            break;
        }
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(std::time::Instant::now() < deadline, "never recovered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(calls.count(), 2);
}
