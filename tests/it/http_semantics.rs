//! Every row of the semantics table, through real HTTP on 127.0.0.1, each proving whether
//! the handler ran.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, send_chunked, Calls, Server};
use http::StatusCode;
use tower_webhook::replay::{
    BoxFuture, Completion, KeySet, ReplayKey, ReplayStore, Reservation, ReservationToken,
    StoreError, StoreErrorKind,
};
use tower_webhook::{providers, Delivery, Signer, Verifier, Webhook, WebhookLayer};

const SECRET: &str = "whsec_test_secret_for_http";

fn stripe_app(calls: Calls, layer: WebhookLayer) -> Router {
    Router::new()
        .route(
            "/webhooks/stripe",
            post(move |delivery: Delivery| {
                let calls = calls.clone();
                async move {
                    calls.hit();
                    format!("handled {}", delivery.id())
                }
            }),
        )
        .route_layer(layer)
}

fn layer() -> WebhookLayer {
    WebhookLayer::new(Verifier::new(providers::stripe(), SECRET).unwrap())
}

fn event(server: &Server, id: &str, at: SystemTime) -> http::Request<Bytes> {
    let body = format!(r#"{{"id":"{id}","type":"charge.succeeded","object":"event"}}"#);
    let request = http::Request::post(server.url("/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(Bytes::from(body))
        .unwrap();
    Signer::new(providers::stripe(), SECRET)
        .unwrap()
        .sign_with(request, id, at)
        .unwrap()
}

async fn start(layer: WebhookLayer) -> (Server, Calls) {
    let calls = Calls::default();
    (Server::start(stripe_app(calls.clone(), layer)).await, calls)
}

fn assert_problem(reply: &common::Reply, status: StatusCode, reason: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.headers["content-type"], "application/problem+json");
    let body = reply.json();
    assert_eq!(body["reason"], reason, "{body}");
    assert_eq!(body["status"], status.as_u16());
}

#[tokio::test]
async fn verified_new_delivery_reaches_the_handler() {
    let (server, calls) = start(layer()).await;
    let reply = send(event(&server, "evt_new", SystemTime::now())).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "handled evt_new");
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn duplicate_of_completed_delivery_is_acknowledged_without_the_handler() {
    let (server, calls) = start(layer()).await;
    let first = event(&server, "evt_dup", SystemTime::now());
    let again = first.clone();
    assert_eq!(send(first).await.status, StatusCode::OK);
    let reply = send(again).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["webhook-duplicate"], "true");
    assert_eq!(calls.count(), 1);

    // A provider retry: same event id, new timestamp, new signature.
    let retry = event(
        &server,
        "evt_dup",
        SystemTime::now() + Duration::from_secs(60),
    );
    let reply = send(retry).await;
    assert_eq!(reply.headers["webhook-duplicate"], "true");
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn duplicate_status_is_configurable() {
    let (server, calls) = start(layer().duplicate_status(StatusCode::ACCEPTED)).await;
    let first = event(&server, "evt_202", SystemTime::now());
    send(first.clone()).await;
    assert_eq!(send(first).await.status, StatusCode::ACCEPTED);
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn duplicate_in_flight_gets_409_with_retry_after() {
    let started = Arc::new(tokio::sync::Notify::new());
    let finish = Arc::new(tokio::sync::Notify::new());
    let calls = Calls::default();
    let app = {
        let (started, finish, calls) = (started.clone(), finish.clone(), calls.clone());
        Router::new()
            .route(
                "/webhooks/stripe",
                post(move || {
                    let (started, finish, calls) = (started.clone(), finish.clone(), calls.clone());
                    async move {
                        calls.hit();
                        started.notify_one();
                        finish.notified().await;
                        "done"
                    }
                }),
            )
            .route_layer(layer())
    };
    let server = Server::start(app).await;
    let request = event(&server, "evt_slow", SystemTime::now());
    let first = tokio::spawn(send(request.clone()));
    started.notified().await;

    let reply = send(request.clone()).await;
    assert_problem(&reply, StatusCode::CONFLICT, "in_flight");
    assert_eq!(reply.headers["retry-after"], "5");

    finish.notify_one();
    assert_eq!(first.await.unwrap().status, StatusCode::OK);
    assert_eq!(send(request).await.headers["webhook-duplicate"], "true");
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn missing_signature_is_401() {
    let (server, calls) = start(layer()).await;
    let mut request = event(&server, "evt_unsigned", SystemTime::now());
    request.headers_mut().remove("stripe-signature");
    assert_problem(
        &send(request).await,
        StatusCode::UNAUTHORIZED,
        "missing_header",
    );
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn wrong_signature_is_401_and_never_echoes_the_expected_one() {
    let (server, calls) = start(layer()).await;
    let good = event(&server, "evt_wrong", SystemTime::now());
    let header = good.headers()["stripe-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let expected = header.split(",v1=").nth(1).unwrap().to_owned();

    let forged = Signer::new(providers::stripe(), "whsec_attacker")
        .unwrap()
        .sign_with(good, "evt_wrong", SystemTime::now())
        .unwrap();
    let reply = send(forged).await;
    assert_problem(&reply, StatusCode::UNAUTHORIZED, "signature_mismatch");
    assert!(!reply.text().contains(&expected));
    assert!(!reply.text().contains(SECRET));
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn tampered_body_is_401() {
    let (server, calls) = start(layer()).await;
    let good = event(&server, "evt_tamper", SystemTime::now());
    let (parts, body) = good.into_parts();
    let tampered = String::from_utf8(body.to_vec())
        .unwrap()
        .replace("charge.succeeded", "charge.refunded");
    let reply = send(http::Request::from_parts(parts, Bytes::from(tampered))).await;
    assert_problem(&reply, StatusCode::UNAUTHORIZED, "signature_mismatch");
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn stale_and_future_timestamps_are_401() {
    let (server, calls) = start(layer()).await;
    let stale = event(
        &server,
        "evt_stale",
        SystemTime::now() - Duration::from_secs(600),
    );
    assert_problem(
        &send(stale).await,
        StatusCode::UNAUTHORIZED,
        "timestamp_expired",
    );
    let future = event(
        &server,
        "evt_future",
        SystemTime::now() + Duration::from_secs(600),
    );
    assert_problem(
        &send(future).await,
        StatusCode::UNAUTHORIZED,
        "timestamp_in_future",
    );
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn malformed_header_is_400() {
    let (server, calls) = start(layer()).await;
    for bad in ["t=abc,v1=00", "t=1700000000,v1=zz", "t=+1700000000,v1=00"] {
        let mut request = event(&server, "evt_malformed", SystemTime::now());
        request
            .headers_mut()
            .insert("stripe-signature", bad.parse().unwrap());
        assert_problem(
            &send(request).await,
            StatusCode::BAD_REQUEST,
            "malformed_header",
        );
    }
    let mut request = event(&server, "evt_malformed", SystemTime::now());
    request.headers_mut().insert(
        "stripe-signature",
        http::HeaderValue::from_bytes(b"t=1,v1=\xff").unwrap(),
    );
    assert_problem(
        &send(request).await,
        StatusCode::BAD_REQUEST,
        "malformed_header",
    );
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn body_over_the_limit_is_413_from_content_length_and_from_chunks() {
    let (server, calls) = start(layer().body_limit(1024)).await;
    let big = format!(r#"{{"id":"evt_big","pad":"{}"}}"#, "x".repeat(4096));
    let request = Signer::new(providers::stripe(), SECRET)
        .unwrap()
        .sign_with(
            http::Request::post(server.url("/webhooks/stripe"))
                .body(Bytes::from(big))
                .unwrap(),
            "evt_big",
            SystemTime::now(),
        )
        .unwrap();
    assert_problem(
        &send(request.clone()).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
    );
    let chunked = send_chunked(request, 256).await.expect("server answers");
    assert_problem(&chunked, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn content_length_over_the_limit_is_refused_before_the_body_is_sent() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, calls) = start(layer().body_limit(1024)).await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    // Announce 10 MB and send none of it: the answer must come anyway.
    stream
        .write_all(
            b"POST /webhooks/stripe HTTP/1.1\r\nhost: x\r\ncontent-length: 10000000\r\nstripe-signature: t=1,v1=00\r\n\r\n",
        )
        .await
        .unwrap();
    let mut head = vec![0u8; 64];
    let n = stream.read(&mut head).await.unwrap();
    let head = String::from_utf8_lossy(&head[..n]);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert_eq!(calls.count(), 0);
}

/// A store that is always down.
struct DownStore;

impl ReplayStore for DownStore {
    fn reserve<'a>(
        &'a self,
        _: KeySet<'a>,
        _: Duration,
        _: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(async {
            Err(StoreError::new(
                StoreErrorKind::Unavailable,
                "connection refused",
            ))
        })
    }
    fn extend<'a>(
        &'a self,
        _: &'a [ReplayKey],
        _: &'a ReservationToken,
        _: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async {
            Err(StoreError::new(
                StoreErrorKind::Unavailable,
                "connection refused",
            ))
        })
    }
    fn complete<'a>(
        &'a self,
        _: &'a [ReplayKey],
        _: &'a ReservationToken,
        _: Duration,
    ) -> BoxFuture<'a, Result<Completion, StoreError>> {
        Box::pin(async {
            Err(StoreError::new(
                StoreErrorKind::Unavailable,
                "connection refused",
            ))
        })
    }
    fn release<'a>(
        &'a self,
        _: &'a [ReplayKey],
        _: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async {
            Err(StoreError::new(
                StoreErrorKind::Unavailable,
                "connection refused",
            ))
        })
    }
}

/// A store that never answers.
struct HangingStore;

impl ReplayStore for HangingStore {
    fn reserve<'a>(
        &'a self,
        _: KeySet<'a>,
        _: Duration,
        _: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(std::future::pending())
    }
    fn extend<'a>(
        &'a self,
        _: &'a [ReplayKey],
        _: &'a ReservationToken,
        _: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::pending())
    }
    fn complete<'a>(
        &'a self,
        _: &'a [ReplayKey],
        _: &'a ReservationToken,
        _: Duration,
    ) -> BoxFuture<'a, Result<Completion, StoreError>> {
        Box::pin(std::future::pending())
    }
    fn release<'a>(
        &'a self,
        _: &'a [ReplayKey],
        _: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn unreachable_or_slow_store_is_503_and_fails_closed() {
    for layer in [
        layer().replay_store(DownStore),
        layer()
            .replay_store(HangingStore)
            .store_timeout(Duration::from_millis(20)),
    ] {
        let (server, calls) = start(layer).await;
        let reply = send(event(&server, "evt_store", SystemTime::now())).await;
        assert_problem(&reply, StatusCode::SERVICE_UNAVAILABLE, "store_unavailable");
        assert_eq!(reply.headers["retry-after"], "5");
        assert_eq!(calls.count(), 0);
    }
}

#[tokio::test]
async fn failing_open_is_an_explicit_dangerous_choice() {
    let (server, calls) = start(
        layer()
            .replay_store(DownStore)
            .dangerously_fail_open_when_store_unavailable(),
    )
    .await;
    let reply = send(event(&server, "evt_open", SystemTime::now())).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn unknown_paths_still_get_404_with_route_layer() {
    let (server, calls) = start(layer()).await;
    let request = http::Request::post(server.url("/nowhere"))
        .body(Bytes::new())
        .unwrap();
    assert_eq!(send(request).await.status, StatusCode::NOT_FOUND);
    assert_eq!(calls.count(), 0);
}

#[derive(serde::Deserialize)]
struct StripeEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

#[tokio::test]
async fn extractors_give_the_parsed_event_and_its_metadata() {
    let app = Router::new()
        .route(
            "/webhooks/stripe",
            post(
                |delivery: Delivery, Webhook(event): Webhook<StripeEvent>| async move {
                    format!(
                        "{} {} {} {} {}",
                        delivery.provider(),
                        delivery.id(),
                        delivery.event_type().unwrap_or("-"),
                        event.id,
                        event.kind
                    )
                },
            ),
        )
        .route_layer(layer());
    let server = Server::start(app).await;
    let reply = send(event(&server, "evt_parsed", SystemTime::now())).await;
    assert_eq!(
        reply.text(),
        "stripe evt_parsed charge.succeeded evt_parsed charge.succeeded"
    );
}

#[tokio::test]
async fn body_that_does_not_fit_the_handler_type_is_500_and_released() {
    let calls = Calls::default();
    let app = {
        let calls = calls.clone();
        Router::new()
            .route(
                "/webhooks/stripe",
                post(move |Webhook(_): Webhook<Vec<u32>>| {
                    calls.hit();
                    async { "unreachable" }
                }),
            )
            .route_layer(layer())
    };
    let server = Server::start(app).await;
    let request = event(&server, "evt_shape", SystemTime::now());
    let reply = send(request.clone()).await;
    // The body is authentic: the handler's type is wrong, a bug the provider's retry
    // (after a fix) resolves.
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let text = reply.text();
    assert!(text.contains("does not fit the handler's type"), "{text}");
    assert!(text.contains("event `charge.succeeded`"), "{text}");
    assert_eq!(calls.count(), 0);
    // The 500 released the reservation: the retry is not a duplicate.
    assert!(send(request)
        .await
        .headers
        .get("webhook-duplicate")
        .is_none());
}

#[tokio::test]
async fn handler_without_the_layer_gets_500_naming_the_mistake() {
    let app = Router::new().route(
        "/webhooks/stripe",
        post(|Webhook(_): Webhook<serde_json::Value>| async { "unreachable" }),
    );
    let server = Server::start(app).await;
    let reply = send(
        http::Request::post(server.url("/webhooks/stripe"))
            .header("content-type", "application/json")
            .body(Bytes::from_static(b"{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(reply.text().contains("WebhookLayer"), "{}", reply.text());
}

#[tokio::test]
async fn form_bodies_are_parsed_by_content_type() {
    #[derive(serde::Deserialize)]
    struct SlashCommand {
        command: String,
        text: String,
    }
    let secret = "8f742231b10e8888abcd99yyyzzz85a5";
    let app = Router::new()
        .route(
            "/slack",
            post(|Webhook(cmd): Webhook<SlashCommand>| async move {
                format!("{} {}", cmd.command, cmd.text)
            }),
        )
        .route_layer(WebhookLayer::new(
            Verifier::new(providers::slack(), secret).unwrap(),
        ));
    let server = Server::start(app).await;
    let request = http::Request::post(server.url("/slack"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from_static(b"command=%2Fdeploy&text=prod+now"))
        .unwrap();
    let request = Signer::new(providers::slack(), secret)
        .unwrap()
        .sign(request)
        .unwrap();
    assert_eq!(send(request).await.text(), "/deploy prod now");
}
