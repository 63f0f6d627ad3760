//! Exactly-once handling through real HTTP: concurrent copies, failing handlers, panics,
//! and clients that disconnect mid-handler.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Calls, Server};
use http::StatusCode;
use tokio::io::AsyncWriteExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn layer() -> WebhookLayer {
    WebhookLayer::new(Verifier::new(providers::standard_webhooks(), SECRET).unwrap())
}

fn delivery(server: &Server, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(br#"{"type":"order.created"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_copies_run_the_handler_once() {
    let calls = Calls::default();
    let app = {
        let calls = calls.clone();
        Router::new()
            .route(
                "/hook",
                post(move || {
                    let calls = calls.clone();
                    async move {
                        calls.hit();
                        tokio::task::yield_now().await;
                        "ok"
                    }
                }),
            )
            .route_layer(layer())
    };
    let server = Server::start(app).await;
    let request = delivery(&server, "msg_concurrent");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        tasks.spawn(send(request.clone()));
    }
    let mut statuses = Vec::new();
    while let Some(reply) = tasks.join_next().await {
        statuses.push(reply.unwrap().status);
    }
    assert_eq!(calls.count(), 1, "handler ran once");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    // Once it completed, every copy is a duplicate.
    assert_eq!(send(request).await.headers["webhook-duplicate"], "true");
}

#[tokio::test]
async fn a_failed_handler_lets_the_retry_through() {
    let calls = Calls::default();
    let fail = Arc::new(AtomicBool::new(true));
    let app = {
        let (calls, fail) = (calls.clone(), fail.clone());
        Router::new()
            .route(
                "/hook",
                post(move || {
                    calls.hit();
                    let status = if fail.swap(false, Ordering::SeqCst) {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    };
                    async move { status }
                }),
            )
            .route_layer(layer())
    };
    let server = Server::start(app).await;
    let request = delivery(&server, "msg_retry");
    assert_eq!(
        send(request.clone()).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let retry = send(request.clone()).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert!(retry.headers.get("webhook-duplicate").is_none());
    assert_eq!(calls.count(), 2);
    assert_eq!(send(request).await.headers["webhook-duplicate"], "true");
    assert_eq!(calls.count(), 2);
}

async fn panicking_app(calls: Calls, catch_outside: bool) -> Server {
    let panic_once = Arc::new(AtomicBool::new(true));
    let handler = post(move || {
        calls.hit();
        let panic = panic_once.swap(false, Ordering::SeqCst);
        async move {
            if panic {
                panic!("handler bug");
            }
            "ok"
        }
    });
    let app = if catch_outside {
        // The panic unwinds through the webhook layer.
        Router::new()
            .route("/hook", handler)
            .route_layer(layer())
            .layer(CatchPanicLayer::new())
    } else {
        // The panic becomes a 500 inside the webhook layer.
        Router::new()
            .route("/hook", handler)
            .route_layer(CatchPanicLayer::new())
            .route_layer(layer())
    };
    Server::start(app).await
}

#[tokio::test]
async fn a_panicking_handler_releases_the_delivery() {
    for catch_outside in [true, false] {
        let calls = Calls::default();
        let server = panicking_app(calls.clone(), catch_outside).await;
        let request = delivery(&server, "msg_panic");
        let reply = send(request.clone()).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
        let retry = send(request).await;
        assert_eq!(retry.status, StatusCode::OK, "outside={catch_outside}");
        assert!(retry.headers.get("webhook-duplicate").is_none());
        assert_eq!(calls.count(), 2);
    }
}

/// Sends `signal` when dropped: tells the test the handler's future was torn down.
struct DropSignal(Option<tokio::sync::oneshot::Sender<()>>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        if let Some(signal) = self.0.take() {
            let _ = signal.send(());
        }
    }
}

#[tokio::test]
async fn a_client_that_disconnects_mid_handler_releases_the_delivery() {
    let calls = Calls::default();
    let (started_tx, mut started_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let (dropped_tx, dropped_rx) = tokio::sync::oneshot::channel::<()>();
    let dropped_tx = Arc::new(std::sync::Mutex::new(Some(dropped_tx)));
    let app = {
        let calls = calls.clone();
        Router::new()
            .route(
                "/hook",
                post(move || {
                    calls.hit();
                    let first = calls.count() == 1;
                    let started = started_tx.clone();
                    let guard = DropSignal(dropped_tx.lock().unwrap().take());
                    async move {
                        if first {
                            let _guard = guard;
                            let _ = started.send(());
                            std::future::pending::<()>().await;
                        }
                        "ok"
                    }
                }),
            )
            .route_layer(layer())
    };
    let server = Server::start(app).await;
    let request = delivery(&server, "msg_disconnect");

    let mut raw = format!(
        "POST /hook HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n",
        server.addr,
        request.body().len()
    );
    for (name, value) in request.headers() {
        raw.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap()));
    }
    raw.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(raw.as_bytes()).await.unwrap();
    stream.write_all(request.body()).await.unwrap();
    started_rx.recv().await.expect("handler started");
    drop(stream);

    // The reservation is released before the handler's future is dropped.
    dropped_rx.await.expect("handler future dropped");
    let retry = send(request).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert!(retry.headers.get("webhook-duplicate").is_none());
    assert_eq!(calls.count(), 2);
}
