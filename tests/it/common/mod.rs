//! Test harness: a real axum server on 127.0.0.1 and a real HTTP/1 client.
#![allow(dead_code, unreachable_pub)]

#[cfg(inbox)]
pub mod inbox;
#[cfg(any(feature = "inbox-postgres", feature = "postgres"))]
pub mod postgres;
#[cfg(feature = "metrics")]
pub mod prometheus;
#[cfg(feature = "redis")]
pub mod redis_server;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

/// A running server; aborted when dropped.
pub struct Server {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start(app: Router) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Server { addr, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// Counts how often a handler ran.
#[derive(Clone, Default)]
pub struct Calls(Arc<AtomicUsize>);

impl Calls {
    pub fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A server with one route, `path`, behind `layer`: its handler counts its runs and
/// answers `200` with `answer`.
pub async fn counting_server(
    path: &str,
    layer: tower_webhook::WebhookLayer,
    answer: &'static str,
) -> (Server, Calls) {
    let calls = Calls::default();
    let app = {
        let calls = calls.clone();
        Router::new()
            .route(
                path,
                axum::routing::post(move || {
                    calls.hit();
                    async move { answer }
                }),
            )
            .route_layer(layer)
    };
    (Server::start(app).await, calls)
}

/// A JSON POST to `/hook` on `server`.
pub fn post_to(server: &Server, body: impl Into<Bytes>) -> http::Request<Bytes> {
    http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .body(body.into())
        .expect("request")
}

/// A copy of a buffered request: what an attacker who captured it can resend.
pub fn copy(request: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// A copy of `request` with header `name` set to `value`.
pub fn with_header(
    request: &http::Request<Bytes>,
    name: &str,
    value: &str,
) -> http::Request<Bytes> {
    let mut copy = copy(request);
    copy.headers_mut().insert(
        http::HeaderName::try_from(name).expect("header name"),
        http::HeaderValue::try_from(value).expect("header value"),
    );
    copy
}

/// Whether the layer answered a duplicate (`200` with `webhook-duplicate: true`).
pub fn is_duplicate(reply: &Reply) -> bool {
    reply.status == http::StatusCode::OK
        && reply
            .headers
            .get("webhook-duplicate")
            .is_some_and(|v| v == "true")
}

pub struct Reply {
    pub status: http::StatusCode,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends a buffered request (with Content-Length).
pub async fn send(request: http::Request<Bytes>) -> Reply {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client
        .request(request.map(Full::new))
        .await
        .expect("request");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// Sends a buffered request; `Err` when the connection fails (a server that died).
pub async fn try_send(
    request: http::Request<Bytes>,
) -> Result<Reply, Box<dyn std::error::Error + Send + Sync>> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client.request(request.map(Full::new)).await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok(Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}

/// Sends a request whose body is streamed in chunks (Transfer-Encoding: chunked).
pub async fn send_chunked(
    request: http::Request<Bytes>,
    chunk: usize,
) -> Result<Reply, hyper_util::client::legacy::Error> {
    let (parts, body) = request.into_parts();
    let chunks: Vec<Result<Frame<Bytes>, Infallible>> = body
        .chunks(chunk.max(1))
        .map(|c| Ok(Frame::data(Bytes::copy_from_slice(c))))
        .collect();
    let stream = StreamBody::new(futures_stream(chunks));
    let client = Client::builder(TokioExecutor::new()).build_http();
    let response = client
        .request(http::Request::from_parts(parts, stream))
        .await?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    Ok(Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}

fn futures_stream<T: Send + Unpin + 'static>(
    items: Vec<T>,
) -> impl futures_core::Stream<Item = T> + Send + 'static {
    struct Iter<T>(std::vec::IntoIter<T>);
    impl<T: Unpin> futures_core::Stream for Iter<T> {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Iter(items.into_iter())
}

/// A verifier for `scheme` with `secrets`, whose clock stands still at `now` (the instant
/// a vector was signed at).
pub fn verifier_at<S: tower_webhook::Scheme>(
    scheme: S,
    secrets: &[&str],
    now: std::time::SystemTime,
) -> tower_webhook::Verifier {
    tower_webhook::Verifier::builder(scheme)
        .secrets(secrets.iter().copied())
        .clock(move || now)
        .build()
        .expect("valid secrets")
}
