//! `Dispatch` without axum: the inner service of a tower stack on a bare hyper server,
//! with the handler shapes a plain tower/hyper user writes. Runs with and without the
//! `axum` feature, so the return types it uses stay accepted whichever is enabled.

use crate::common;

use std::convert::Infallible;
use std::time::SystemTime;

use bytes::Bytes;
use common::send;
use http::StatusCode;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tower_webhook::dispatch::{Dispatch, Dispatched, UNHANDLED_HEADER};
use tower_webhook::{providers, Delivery, Signer, Verifier, Webhook, WebhookLayer, WebhookService};

const SECRET: &str = "plain hyper";

async fn on_push(delivery: Delivery) -> http::Response<Full<Bytes>> {
    http::Response::new(Full::new(Bytes::from(format!("push {}", delivery.id()))))
}

async fn on_issue(Webhook(body): Webhook<serde_json::Value>) -> Result<StatusCode, Infallible> {
    Ok(if body["action"] == "opened" {
        StatusCode::CREATED
    } else {
        StatusCode::ACCEPTED
    })
}

async fn on_star(dispatched: Dispatched) -> (StatusCode, String) {
    (
        StatusCode::OK,
        format!(
            "{} via {}",
            dispatched.name().unwrap_or_default(),
            dispatched.route()
        ),
    )
}

async fn on_ping() -> &'static str {
    "pong"
}

async fn on_anything_else() {}

#[tokio::test]
async fn plain_hyper_server_with_a_dispatcher() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let dispatch = Dispatch::new()
        .on("push", on_push)
        .on("issues.*", on_issue)
        .on("star.created", on_star)
        .on("ping", on_ping);
    let service = tower::ServiceBuilder::new()
        .layer(WebhookLayer::new(
            Verifier::new(providers::github(), SECRET).unwrap(),
        ))
        .service(dispatch.clone().fallback(on_anything_else));
    let unhandled = tower::ServiceBuilder::new()
        .layer(WebhookLayer::new(
            Verifier::new(providers::github(), SECRET).unwrap(),
        ))
        .service(dispatch);
    let serve = |listener: tokio::net::TcpListener, service: WebhookService<Dispatch>| {
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let service = TowerToHyperService::new(service.clone());
                tokio::spawn(async move {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        })
    };
    let with_fallback = serve(listener, service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr_unhandled = listener.local_addr().unwrap();
    let without = serve(listener, unhandled);

    let request = |addr: std::net::SocketAddr, event: &str, body: &'static str, id: &str| {
        let request = http::Request::post(format!("http://{addr}/"))
            .header("x-github-event", event)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap();
        Signer::new(providers::github(), SECRET)
            .unwrap()
            .sign_with(request, id, SystemTime::now())
            .unwrap()
    };
    let reply = send(request(addr, "push", r#"{"ref":"x"}"#, "h1")).await;
    assert_eq!(
        (reply.status, reply.text().as_str()),
        (StatusCode::OK, "push h1")
    );
    let reply = send(request(addr, "issues", r#"{"action":"opened"}"#, "h2")).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let reply = send(request(addr, "issues", r#"{"action":"closed"}"#, "h3")).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let reply = send(request(addr, "star", r#"{"action":"created"}"#, "h4")).await;
    assert_eq!(reply.text(), "star.created via star.created");
    let reply = send(request(
        addr,
        "ping",
        r#"{"zen":"Keep it logically awesome."}"#,
        "h5",
    ))
    .await;
    assert_eq!(reply.text(), "pong");
    assert_eq!(reply.headers["content-type"], "text/plain; charset=utf-8");
    let reply = send(request(addr, "fork", r#"{"forkee":{}}"#, "h6")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers.get(UNHANDLED_HEADER).is_none());

    let reply = send(request(addr_unhandled, "fork", r#"{"forkee":{}}"#, "h7")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[UNHANDLED_HEADER], "fork");
    with_fallback.abort();
    without.abort();
}
