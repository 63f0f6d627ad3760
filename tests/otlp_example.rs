//! examples/otlp.rs really exports: its code runs against a collector of this test's own
//! (an HTTP server on 127.0.0.1 that accepts `POST /v1/traces`), which must receive the
//! receive span and the attempt spans as OTLP protobuf. A binary of its own: the example
//! installs the global tracing subscriber.
#![cfg(all(feature = "axum", feature = "inbox-sqlite", feature = "opentelemetry"))]

#[path = "../examples/otlp.rs"]
#[allow(dead_code)]
mod example;

use std::sync::{Arc, Mutex};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;

/// One export the collector received: its content type and its body.
type Export = (Option<String>, Bytes);

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_exports_the_receive_and_the_attempts() {
    let received: Arc<Mutex<Vec<Export>>> = Arc::default();
    let collector = {
        let received = received.clone();
        Router::new().route(
            "/v1/traces",
            post(move |headers: http::HeaderMap, body: Bytes| {
                let received = received.clone();
                async move {
                    let content_type = headers
                        .get(http::header::CONTENT_TYPE)
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned);
                    received.lock().unwrap().push((content_type, body));
                    // An empty ExportTraceServiceResponse: everything accepted.
                    (
                        [(http::header::CONTENT_TYPE, "application/x-protobuf")],
                        Bytes::new(),
                    )
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, collector).await });

    let dir = std::env::temp_dir().join(format!("tower-webhook-otlp-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    example::run(&format!("http://{address}"), &dir)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    server.abort();

    let received = received.lock().unwrap();
    assert!(!received.is_empty(), "the collector received nothing");
    for (content_type, _) in received.iter() {
        assert_eq!(content_type.as_deref(), Some("application/x-protobuf"));
    }
    let all: Vec<u8> = received
        .iter()
        .flat_map(|(_, body)| body.to_vec())
        .collect();
    // A span's name is field 5 of its `Span` message: tag 0x2a, then its length.
    let named = |name: &str| {
        let mut field = vec![0x2a, u8::try_from(name.len()).unwrap()];
        field.extend_from_slice(name.as_bytes());
        all.windows(field.len())
            .filter(|window| *window == field.as_slice())
            .count()
    };
    assert_eq!(named("webhook_receive"), 1, "the receive span");
    // One per attempt: the 503, then the success.
    assert_eq!(named("webhook_inbox_attempt"), 2, "the attempt spans");
    assert!(
        contains(&all, b"tower-webhook-otlp-example"),
        "no service name"
    );
}
