//! What the layer records through the `metrics` facade (feature `metrics`), read back
//! from a Prometheus exporter installed as the process's recorder. The recorder is
//! global, so this file is a test binary of its own with a single test: no other test's
//! requests are counted.
#![cfg(all(feature = "metrics", feature = "axum"))]

use std::convert::Infallible;
use std::time::SystemTime;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower::{Layer, Service, ServiceExt};
use tower_webhook::dispatch::Dispatch;
use tower_webhook::layer::{KnownSource, LookupError, LookupErrorKind, SourceKey, Sources};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const GITHUB_SECRET: &str = "github secret";
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn standard(path: &str, id: &str) -> Request<Bytes> {
    let request = Request::post(path)
        .header("content-type", "application/json")
        .body(Bytes::from_static(br#"{"type":"order.created"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

async fn call<S, B>(service: &mut S, request: Request<Bytes>) -> StatusCode
where
    S: Service<Request<Full<Bytes>>, Response = Response<B>, Error = Infallible>,
{
    let request = request.map(Full::new);
    let response = service.ready().await.unwrap().call(request).await.unwrap();
    response.status()
}

/// The value of the series of `name` whose labels include every one of `labels`
/// (`key="value"` as rendered), or `None` when there is none.
fn value(handle: &PrometheusHandle, name: &str, labels: &[&str]) -> Option<f64> {
    let text = handle.render();
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

fn recorder() -> PrometheusHandle {
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Suffix("_seconds".into()),
            tower_webhook::metrics::SECONDS_BUCKETS,
        )
        .unwrap()
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).unwrap();
    tower_webhook::metrics::describe();
    handle
}

#[tokio::test]
async fn the_layer_records_every_outcome_with_bounded_labels() {
    let handle = recorder();

    // The request path: accepted (handled or failing), duplicate, rejected.
    let handler = tower::service_fn(
        |request: Request<tower_webhook::layer::VerifiedBody>| async move {
            let failing = request
                .extensions()
                .get::<Delivery>()
                .is_some_and(|delivery| delivery.id() == "msg_fails");
            let mut response = Response::new(axum::body::Body::empty());
            if failing {
                *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            }
            Ok::<_, Infallible>(response)
        },
    );
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let mut service = WebhookLayer::new(verifier).layer(handler);
    assert_eq!(
        call(&mut service, standard("/", "msg_1")).await,
        StatusCode::OK
    );
    assert_eq!(
        call(&mut service, standard("/", "msg_1")).await,
        StatusCode::OK
    );
    assert_eq!(
        call(&mut service, standard("/", "msg_fails")).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let mut tampered = standard("/", "msg_tampered");
    *tampered.body_mut() = Bytes::from_static(b"{}");
    assert_eq!(call(&mut service, tampered).await, StatusCode::UNAUTHORIZED);

    let provider = "provider=\"standard-webhooks\"";
    let requests = "webhook_requests_total";
    assert_eq!(
        value(
            &handle,
            requests,
            &[provider, "outcome=\"accepted\"", "reason=\"\""]
        ),
        Some(2.0)
    );
    assert_eq!(
        value(&handle, requests, &[provider, "outcome=\"duplicate\""]),
        Some(1.0)
    );
    assert_eq!(
        value(
            &handle,
            requests,
            &[
                provider,
                "outcome=\"rejected\"",
                "reason=\"signature_mismatch\""
            ]
        ),
        Some(1.0)
    );
    // Every verification is timed, the refused one included; the duplicate is verified
    // before it is found to be one.
    assert_eq!(
        value(&handle, "webhook_verify_seconds_count", &[provider]),
        Some(4.0)
    );
    assert!(value(
        &handle,
        "webhook_verify_seconds_bucket",
        &[provider, "le=\"0.001\""]
    )
    .is_some());
    assert_eq!(
        value(
            &handle,
            "webhook_handler_seconds_count",
            &[provider, "outcome=\"success\""]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            &handle,
            "webhook_handler_seconds_count",
            &[provider, "outcome=\"failure\""]
        ),
        Some(1.0)
    );

    // A dispatcher with no handler for the event type: unhandled.
    let dispatch = Dispatch::new().on("push", || async { StatusCode::OK });
    let github = Verifier::new(providers::github(), GITHUB_SECRET).unwrap();
    let mut service = WebhookLayer::new(github)
        .routed_by(&dispatch)
        .layer(dispatch);
    let request = Request::post("/")
        .header("content-type", "application/json")
        .header("x-github-event", "issues")
        .body(Bytes::from_static(br#"{"action":"opened"}"#))
        .unwrap();
    let request = Signer::new(providers::github(), GITHUB_SECRET)
        .unwrap()
        .sign_with(request, "guid-1", SystemTime::now())
        .unwrap();
    call(&mut service, request).await;
    assert_eq!(
        value(
            &handle,
            requests,
            &["provider=\"github\"", "outcome=\"unhandled\""]
        ),
        Some(1.0)
    );

    // Slack's URL verification: a handshake.
    let handler = tower::service_fn(|_: Request<tower_webhook::layer::VerifiedBody>| async {
        Ok::<_, Infallible>(Response::new(axum::body::Body::empty()))
    });
    let slack = Verifier::new(providers::slack(), SLACK_SECRET).unwrap();
    let mut service = WebhookLayer::new(slack).layer(handler);
    let request = Request::post("/")
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"token":"t","challenge":"c","type":"url_verification"}"#,
        ))
        .unwrap();
    let request = Signer::new(providers::slack(), SLACK_SECRET)
        .unwrap()
        .sign_with(request, "x", SystemTime::now())
        .unwrap();
    assert_eq!(call(&mut service, request).await, StatusCode::OK);
    assert_eq!(
        value(
            &handle,
            requests,
            &["provider=\"slack\"", "outcome=\"handshake\""]
        ),
        Some(1.0)
    );

    // Sources: lookups by result, and the source label only when asked for and only for
    // a source the lookup found.
    let sources = Sources::new(SourceKey::path_segment(0), |tenant: String| async move {
        match tenant.as_str() {
            "acme" => Ok(Some(KnownSource::new(
                "acme",
                Verifier::new(providers::standard_webhooks(), SECRET)?,
            ))),
            "broken" => Err(LookupError::new(
                LookupErrorKind::Unavailable,
                "database down",
            )),
            _ => Ok(None),
        }
    });
    let handler = tower::service_fn(|_: Request<tower_webhook::layer::VerifiedBody>| async {
        Ok::<_, Infallible>(Response::new(axum::body::Body::empty()))
    });
    let mut service = WebhookLayer::with_sources(sources)
        .metrics_by_source(true)
        .layer(handler);
    for (path, id, status) in [
        ("/acme/in", "msg_a1", StatusCode::OK),
        ("/acme/in", "msg_a2", StatusCode::OK),
        ("/nobody/in", "msg_n1", StatusCode::NOT_FOUND),
        ("/nobody/in", "msg_n2", StatusCode::NOT_FOUND),
        ("/broken/in", "msg_b1", StatusCode::SERVICE_UNAVAILABLE),
    ] {
        assert_eq!(
            call(&mut service, standard(path, id)).await,
            status,
            "{path}"
        );
    }
    let lookups = "webhook_source_lookups_total";
    assert_eq!(value(&handle, lookups, &["result=\"miss\""]), Some(2.0));
    assert_eq!(value(&handle, lookups, &["result=\"hit\""]), Some(1.0));
    assert_eq!(value(&handle, lookups, &["result=\"negative\""]), Some(1.0));
    assert_eq!(value(&handle, lookups, &["result=\"error\""]), Some(1.0));
    assert_eq!(
        value(
            &handle,
            requests,
            &["source=\"acme\"", "outcome=\"accepted\""]
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            &handle,
            requests,
            &["provider=\"per-source\"", "reason=\"unknown_source\""]
        ),
        Some(2.0)
    );
    let text = handle.render();
    assert!(
        !text.contains("nobody") && !text.contains("broken"),
        "{text}"
    );
    // Without `metrics_by_source`, no series carries a source.
    assert_eq!(
        text.matches("source=").count(),
        text.matches("source=\"acme\"").count()
    );
    // No label carries a delivery id.
    assert!(!text.contains("msg_"), "{text}");

    // A request refused because too many lookups of new sources run at once (its own
    // lookup never asked) is counted as an `error`: it is answered as a failed lookup.
    let started = std::sync::Arc::new(tokio::sync::Notify::new());
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let sources = {
        let (started, release) = (started.clone(), release.clone());
        Sources::new(SourceKey::path_segment(0), move |_: String| {
            let (started, release) = (started.clone(), release.clone());
            async move {
                started.notify_one();
                release.notified().await;
                Ok(None)
            }
        })
        .max_new_source_lookups(1)
    };
    let handler = tower::service_fn(|_: Request<tower_webhook::layer::VerifiedBody>| async {
        Ok::<_, Infallible>(Response::new(axum::body::Body::empty()))
    });
    let service = WebhookLayer::with_sources(sources).layer(handler);
    let lookup_started = started.notified();
    let slow = tokio::spawn({
        let mut service = service.clone();
        async move { call(&mut service, standard("/slow/in", "msg_s1")).await }
    });
    lookup_started.await;
    let mut busy = service.clone();
    assert_eq!(
        call(&mut busy, standard("/other/in", "msg_o1")).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(value(&handle, lookups, &["result=\"error\""]), Some(2.0));
    release.notify_one();
    assert_eq!(slow.await.unwrap(), StatusCode::NOT_FOUND);
    assert_eq!(value(&handle, lookups, &["result=\"miss\""]), Some(3.0));
}
