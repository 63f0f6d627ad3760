//! The same layer on a bare hyper 1.x server, through tower: the handler reads the
//! verified delivery from the request's extensions.

use crate::common;

use std::convert::Infallible;
use std::time::SystemTime;

use bytes::Bytes;
use common::send;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tower::ServiceBuilder;
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const SECRET: &str = "It's a Secret to Everybody";

async fn handler(request: Request<VerifiedBody>) -> Result<Response<Full<Bytes>>, Infallible> {
    let delivery = request.extensions().get::<Delivery>().cloned();
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let text = match delivery {
        Some(d) => format!(
            "{} {} {} {}",
            d.provider(),
            d.id(),
            d.event_type().unwrap_or("-"),
            // The handler's body is the very buffer that was verified.
            d.body().as_ptr() == body.as_ptr()
        ),
        None => "unverified".to_owned(),
    };
    Ok(Response::new(Full::new(Bytes::from(text))))
}

#[tokio::test]
async fn hyper_server_with_the_layer() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = ServiceBuilder::new()
        .layer(WebhookLayer::new(
            Verifier::new(providers::github(), SECRET).unwrap(),
        ))
        .service_fn(handler);
    let server = tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });

    let request = Request::post(format!("http://{addr}/"))
        .header("x-github-event", "push")
        .body(Bytes::from_static(b"Hello, World!"))
        .unwrap();
    let request = Signer::new(providers::github(), SECRET)
        .unwrap()
        .sign_with(
            request,
            "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            SystemTime::now(),
        )
        .unwrap();
    assert_eq!(
        request.headers()["x-hub-signature-256"],
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    );
    let reply = send(request.clone()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.text(),
        "github 72d3162e-cc78-11e3-81ab-4c9367dc0958 push true"
    );

    // A redelivery is a duplicate; so is a replay that changes the unsigned delivery id.
    assert_eq!(
        send(request.clone()).await.headers["webhook-duplicate"],
        "true"
    );
    let mut replay = request;
    replay.headers_mut().insert(
        "x-github-delivery",
        "00000000-0000-0000-0000-000000000000".parse().unwrap(),
    );
    assert_eq!(send(replay).await.headers["webhook-duplicate"], "true");

    // The legacy SHA-1 header alone does not pass.
    let downgrade = Request::post(format!("http://{addr}/"))
        .header(
            "x-hub-signature",
            "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59",
        )
        .body(Bytes::from_static(b"Hello, World!"))
        .unwrap();
    assert_eq!(send(downgrade).await.status, StatusCode::UNAUTHORIZED);
    server.abort();
}
