//! Registration handshakes answered by the layer, through real HTTP: only after
//! verification wherever the provider signs them, and never reaching the handler.

mod common;

use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Calls, Server};
use http::StatusCode;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const CHALLENGE: &str = r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;

async fn slack_server(scheme: tower_webhook::scheme::HmacScheme) -> (Server, Calls) {
    let calls = Calls::default();
    let app = {
        let calls = calls.clone();
        Router::new()
            .route(
                "/slack",
                post(move || {
                    calls.hit();
                    async { "handler" }
                }),
            )
            .route_layer(WebhookLayer::new(
                Verifier::new(scheme, SLACK_SECRET).unwrap(),
            ))
    };
    (Server::start(app).await, calls)
}

fn challenge(server: &Server, secret: &str, at: SystemTime) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/slack"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(CHALLENGE.as_bytes()))
        .unwrap();
    Signer::new(providers::slack(), secret)
        .sign_with(request, "x", at)
        .unwrap()
}

#[tokio::test]
async fn slack_url_verification_is_answered_after_verification() {
    let (server, calls) = slack_server(providers::slack()).await;
    let reply = send(challenge(&server, SLACK_SECRET, SystemTime::now())).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.text(),
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");

    let forged = send(challenge(&server, "not the secret", SystemTime::now())).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    let stale = send(challenge(
        &server,
        SLACK_SECRET,
        SystemTime::now() - Duration::from_secs(600),
    ))
    .await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn handshakes_can_be_turned_off_per_preset() {
    let (server, calls) = slack_server(providers::slack().without_handshake()).await;
    let reply = send(challenge(&server, SLACK_SECRET, SystemTime::now())).await;
    assert_eq!(reply.text(), "handler");
    assert_eq!(calls.count(), 1);
}
