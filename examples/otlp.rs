//! The inbox's spans exported to an OpenTelemetry collector over OTLP (HTTP/protobuf): a
//! delivery's receive and each of its attempts, in one trace. With the `opentelemetry`
//! feature the inbox keeps the W3C `traceparent` of the span a delivery is accepted in,
//! and each attempt's `webhook_inbox_attempt` span continues it (its parent, and a link),
//! however much later the attempt runs.
//!
//! A collector on the default port (Jaeger: `docker run -p 4318:4318 -p 16686:16686
//! jaegertracing/all-in-one`), then:
//!
//! ```text
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 \
//!     cargo run --example otlp --features inbox-sqlite,opentelemetry
//! ```
//!
//! It receives one signed delivery into a SQLite inbox, whose handler fails once (503)
//! and then succeeds: the trace shows `webhook_receive`, then two `webhook_inbox_attempt`
//! spans under it. tests/otlp_example.rs runs [`run`] against a collector of its own.

use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tower_webhook::inbox::Inbox;
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // The collector's base URL, as OpenTelemetry's SDKs read it (`/v1/traces` is added).
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
        .unwrap_or_else(|_| "http://localhost:4318".to_owned());
    let dir = std::env::temp_dir().join(format!("tower-webhook-otlp-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = run(&endpoint, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    println!("exported the receive and its attempts to {endpoint}");
    Ok(())
}

/// Exports to the collector at `endpoint` (its base URL) the spans of one delivery
/// received into an inbox in `dir` and attempted twice, and waits until they are sent.
/// Installs the global `tracing` subscriber: once per process.
pub async fn run(endpoint: &str, dir: &Path) -> Result<(), BoxError> {
    // The exporter, batching on this tokio runtime (its hyper client needs one).
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()?;
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(exporter, runtime::Tokio).build())
        .with_resource(
            Resource::builder()
                .with_service_name("tower-webhook-otlp-example")
                .build(),
        )
        .build();
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("tower-webhook")))
        .try_init()?;

    // The inbox, and a handler that fails once (503), then succeeds.
    let inbox = Inbox::sqlite(dir.join("inbox.db")).await?;
    let failed_once = Arc::new(AtomicBool::new(false));
    let handler = tower::service_fn(move |_request: http::Request<VerifiedBody>| {
        let failed_once = failed_once.clone();
        async move {
            let mut response = http::Response::new(String::from("ok"));
            if !failed_once.swap(true, Ordering::SeqCst) {
                *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
                *response.body_mut() = "the ledger is down".to_owned();
            }
            Ok::<_, Infallible>(response)
        }
    });
    let workers = inbox
        .workers(handler)
        .backoff(Duration::from_millis(50), Duration::from_millis(100))
        .spawn();

    // The receiver: one span per request (what a server's tracing middleware gives), the
    // layer writing verified deliveries to the inbox inside it.
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET)?;
    let app = Router::new()
        .route("/webhooks", post(|| async { "the inbox takes it" }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
        .layer(axum::middleware::from_fn(
            |request: axum::extract::Request, next: axum::middleware::Next| {
                let span = tracing::info_span!(
                    "webhook_receive",
                    http.request.method = %request.method(),
                    url.path = %request.uri().path(),
                );
                next.run(request).instrument(span)
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    // A provider's delivery, signed.
    let request = http::Request::post(format!("http://{address}/webhooks"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"type":"invoice.paid","data":{"id":"in_1"}}"#,
        ))?;
    let request = Signer::new(providers::standard_webhooks(), SECRET)?.sign_with(
        request,
        "msg_otlp_example",
        SystemTime::now(),
    )?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let answer = client.request(request.map(Full::new)).await?;
    if answer.status() != http::StatusCode::ACCEPTED {
        return Err(format!("the receiver answered {}", answer.status()).into());
    }

    // Until the retry has succeeded.
    let deadline = Instant::now() + Duration::from_secs(30);
    while inbox.stats().await?.done == 0 {
        if Instant::now() > deadline {
            return Err("the delivery was not handled within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    workers.shutdown().await;
    server.abort();
    // Sends what is batched, and waits for it.
    provider.shutdown()?;
    Ok(())
}
