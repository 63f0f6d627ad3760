//! The trace context of the receive, kept by the inbox and continued by each attempt
//! (feature `opentelemetry`): with a `tracing_opentelemetry` layer over the SDK's in-memory
//! exporter, a delivery accepted inside a span, then attempted twice (it fails once), gives
//! attempt spans in the receive's trace, each a child of the span it was accepted in and
//! linked to it.

use crate::common;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Server};
use http::StatusCode;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use tower_webhook::inbox::{Inbox, InboxStats};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt as _;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The receive's span: around the whole request, as a server's tracing middleware puts it.
async fn in_receive_span(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    next.run(request)
        .instrument(tracing::info_span!("webhook_receive"))
        .await
}

async fn wait_for(inbox: &Inbox, what: &str, done: impl Fn(&InboxStats) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if done(&inbox.stats().await.unwrap()) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

// One thread: the subscriber is this test's default, not the binary's global one, and
// the server, the workers and the handler all run on it.
#[tokio::test(flavor = "current_thread")]
async fn each_attempt_continues_the_trace_of_its_receive() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("inbox-trace-test")));
    let _default = tracing::subscriber::set_default(subscriber);

    let dir =
        std::env::temp_dir().join(format!("tower-webhook-inbox-trace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let inbox = Inbox::sqlite(dir.join("inbox.db")).await.unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let handler = {
        let calls = calls.clone();
        tower::service_fn(move |_request: http::Request<VerifiedBody>| {
            let calls = calls.clone();
            async move {
                let mut response = http::Response::new(String::new());
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                }
                Ok::<_, Infallible>(response)
            }
        })
    };
    let workers = inbox
        .workers(handler)
        .concurrency(1)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .poll_interval(Duration::from_millis(5))
        .spawn();
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let app = Router::new()
        .route("/hook", post(|| async { "not run: the inbox takes it" }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
        .layer(axum::middleware::from_fn(in_receive_span));
    let server = Server::start(app).await;
    let request = http::Request::post(server.url("/hook"))
        .body(Bytes::from_static(br#"{"type":"order.created"}"#))
        .unwrap();
    let request = Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, "msg_traced", SystemTime::now())
        .unwrap();
    assert_eq!(send(request).await.status, StatusCode::ACCEPTED);
    wait_for(&inbox, "the delivery done", |s| s.done == 1).await;
    workers.shutdown().await;
    drop(server);
    // A span ends when its last handle drops, which can be a moment after the delivery is
    // done (a task of the runtime still holding one): read the exporter until both
    // attempts have ended.
    let deadline = Instant::now() + Duration::from_secs(20);
    let spans = loop {
        provider.force_flush().unwrap();
        let spans = exporter.get_finished_spans().unwrap();
        let attempts = spans
            .iter()
            .filter(|span| span.name == "webhook_inbox_attempt")
            .count();
        if attempts >= 2 || Instant::now() > deadline {
            break spans;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let receive = spans
        .iter()
        .find(|span| span.name == "webhook_receive")
        .expect("the receive span");
    let trace_id = receive.span_context.trace_id();
    // The spans of the receive's trace: the span current at the accept is one of them.
    let in_trace: Vec<_> = spans
        .iter()
        .filter(|span| span.span_context.trace_id() == trace_id)
        .map(|span| span.span_context.span_id())
        .collect();
    let attempts: Vec<_> = spans
        .iter()
        .filter(|span| span.name == "webhook_inbox_attempt")
        .collect();
    assert_eq!(attempts.len(), 2, "two attempts: {spans:#?}");
    for attempt in attempts {
        assert_eq!(attempt.span_context.trace_id(), trace_id, "{attempt:#?}");
        assert!(attempt.parent_span_is_remote);
        assert!(in_trace.contains(&attempt.parent_span_id), "{attempt:#?}");
        let link = attempt.links.links.first().expect("a link to the receive");
        assert_eq!(link.span_context.trace_id(), trace_id);
        assert_eq!(link.span_context.span_id(), attempt.parent_span_id);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
