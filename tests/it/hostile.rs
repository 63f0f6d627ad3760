//! Hostile input through real HTTP: every attempt gets a 4xx (never a 5xx, never a
//! panic), the handler never runs, and the server keeps serving valid deliveries.

use crate::common;

use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Calls, Server};
use http::{HeaderValue, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower_webhook::scheme::MAX_SIGNATURE_ENTRIES;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_hostile";

async fn server(layer: WebhookLayer) -> (Server, Calls) {
    common::counting_server("/hook", layer, "handled").await
}

fn layer() -> WebhookLayer {
    WebhookLayer::new(Verifier::new(providers::stripe(), SECRET).unwrap()).body_limit(64 * 1024)
}

fn valid(server: &Server, id: &str) -> http::Request<Bytes> {
    let body = format!(r#"{{"id":"{id}","type":"ping"}}"#);
    Signer::new(providers::stripe(), SECRET)
        .unwrap()
        .sign_with(
            http::Request::post(server.url("/hook"))
                .body(Bytes::from(body))
                .unwrap(),
            id,
            SystemTime::now(),
        )
        .unwrap()
}

/// The server still handles a valid delivery.
async fn still_serving(server: &Server, calls: &Calls, id: &str) {
    let before = calls.count();
    let reply = send(valid(server, id)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(calls.count(), before + 1);
}

fn with_signature(server: &Server, value: HeaderValue) -> http::Request<Bytes> {
    let mut request = valid(server, "evt_hostile");
    request.headers_mut().insert("stripe-signature", value);
    request
}

async fn raw(server: &Server, bytes: &[u8], shutdown_write: bool) -> String {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    if shutdown_write {
        stream.shutdown().await.unwrap();
    }
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut reply)).await;
    String::from_utf8_lossy(&reply).into_owned()
}

fn status_of(reply: &str) -> Option<u16> {
    reply.get(9..12)?.parse().ok()
}

#[tokio::test]
async fn hostile_signature_headers_are_refused_with_bounded_work() {
    let (server, calls) = server(layer()).await;
    let t = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let many = format!(
        "t={t},{}",
        vec![format!("v1={}", "a".repeat(64)); 5000].join(",")
    );
    let cases: Vec<(&str, HeaderValue)> = vec![
        (
            "thousands of signatures",
            HeaderValue::try_from(many).unwrap(),
        ),
        (
            "just over the cap",
            HeaderValue::try_from(format!(
                "t={t},{}",
                vec![format!("v1={}", "b".repeat(64)); MAX_SIGNATURE_ENTRIES].join(",")
            ))
            .unwrap(),
        ),
        (
            "invalid UTF-8",
            HeaderValue::from_bytes(b"t=1,v1=\xc3\x28").unwrap(),
        ),
        (
            "wrong length",
            HeaderValue::try_from(format!("t={t},v1=abcd")).unwrap(),
        ),
        (
            "not hex",
            HeaderValue::try_from(format!("t={t},v1={}", "z".repeat(64))).unwrap(),
        ),
        (
            "signed timestamp",
            HeaderValue::try_from(format!("t=+{t},v1={}", "0".repeat(64))).unwrap(),
        ),
        (
            "negative timestamp",
            HeaderValue::try_from(format!("t=-{t},v1={}", "0".repeat(64))).unwrap(),
        ),
        (
            "overflowing timestamp",
            HeaderValue::try_from(format!("t={},v1={}", "9".repeat(40), "0".repeat(64))).unwrap(),
        ),
        (
            "milliseconds",
            HeaderValue::try_from(format!("t={t}000,v1={}", "0".repeat(64))).unwrap(),
        ),
        (
            "leading zeros",
            HeaderValue::try_from(format!("t=000{t},v1={}", "0".repeat(64))).unwrap(),
        ),
        (
            "two timestamps",
            HeaderValue::try_from(format!("t={t},t={t},v1={}", "0".repeat(64))).unwrap(),
        ),
        (
            "no timestamp",
            HeaderValue::try_from(format!("v1={}", "0".repeat(64))).unwrap(),
        ),
        ("empty", HeaderValue::from_static("")),
        ("separators only", HeaderValue::from_static(",,,,,,")),
    ];
    for (name, value) in cases {
        let reply = send(with_signature(&server, value)).await;
        assert!(reply.status.is_client_error(), "{name}: {}", reply.status);
    }
    // Repeated signature headers.
    let mut repeated = valid(&server, "evt_repeat");
    let copy = repeated.headers()["stripe-signature"].clone();
    repeated.headers_mut().append("stripe-signature", copy);
    assert_eq!(send(repeated).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(calls.count(), 0);
    still_serving(&server, &calls, "evt_after_headers").await;
}

#[tokio::test]
async fn huge_header_values_are_refused() {
    let (server, calls) = server(layer()).await;
    for size in [8 * 1024, 64 * 1024, 1024 * 1024] {
        let huge = HeaderValue::try_from("a".repeat(size)).unwrap();
        let mut request = valid(&server, "evt_huge");
        request.headers_mut().insert("stripe-signature", huge);
        let reply = raw_request(&server, &request).await;
        let status = status_of(&reply);
        assert!(
            status.is_none_or(|s| (400..500).contains(&s)),
            "{size} bytes: {reply:.60}"
        );
    }
    assert_eq!(calls.count(), 0);
    still_serving(&server, &calls, "evt_after_huge").await;
}

async fn raw_request(server: &Server, request: &http::Request<Bytes>) -> String {
    let mut bytes = format!(
        "POST /hook HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n",
        request.body().len()
    )
    .into_bytes();
    for (name, value) in request.headers() {
        bytes.extend_from_slice(name.as_str().as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"connection: close\r\n\r\n");
    bytes.extend_from_slice(request.body());
    raw(server, &bytes, false).await
}

#[tokio::test]
async fn lying_content_lengths() {
    let (server, calls) = server(layer()).await;
    let request = valid(&server, "evt_lying");
    let header = request.headers()["stripe-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = request.body().clone();

    // Announces more than it sends, then closes: the body cannot be read.
    let mut longer = format!(
        "POST /hook HTTP/1.1\r\nhost: x\r\nstripe-signature: {header}\r\ncontent-length: {}\r\n\r\n",
        body.len() + 100
    )
    .into_bytes();
    longer.extend_from_slice(&body);
    let reply = raw(&server, &longer, true).await;
    assert!(
        status_of(&reply).is_none_or(|s| (400..500).contains(&s)),
        "{reply:.80}"
    );

    // Announces less than it sends: the signed body is cut short, the rest is garbage.
    let mut shorter = format!(
        "POST /hook HTTP/1.1\r\nhost: x\r\nstripe-signature: {header}\r\ncontent-length: {}\r\n\r\n",
        body.len() - 5
    )
    .into_bytes();
    shorter.extend_from_slice(&body);
    let reply = raw(&server, &shorter, true).await;
    assert_eq!(status_of(&reply), Some(401), "{reply:.80}");

    // Not a number, and two different values.
    for lengths in [
        "content-length: ten\r\n",
        "content-length: 5\r\ncontent-length: 6\r\n",
    ] {
        let bad = format!(
            "POST /hook HTTP/1.1\r\nhost: x\r\nstripe-signature: {header}\r\n{lengths}\r\nhello"
        );
        let reply = raw(&server, bad.as_bytes(), true).await;
        assert!(
            status_of(&reply).is_none_or(|s| (400..500).contains(&s)),
            "{reply:.80}"
        );
    }
    assert_eq!(calls.count(), 0);
    still_serving(&server, &calls, "evt_after_lengths").await;
}

#[tokio::test]
async fn chunked_body_past_the_limit_is_cut_off() {
    let (server, calls) = server(layer()).await;
    let mut bytes = b"POST /hook HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nstripe-signature: t=1,v1=00\r\n\r\n".to_vec();
    for _ in 0..100 {
        bytes.extend_from_slice(b"400\r\n");
        bytes.extend(std::iter::repeat_n(b'x', 1024));
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let reply = raw(&server, &bytes, false).await;
    assert_eq!(status_of(&reply), Some(413), "{reply:.80}");
    assert_eq!(calls.count(), 0);
    still_serving(&server, &calls, "evt_after_chunks").await;
}

#[tokio::test]
async fn github_sha1_alone_cannot_downgrade() {
    let layer = WebhookLayer::new(
        Verifier::new(providers::github(), "It's a Secret to Everybody").unwrap(),
    );
    let (server, calls) = server(layer).await;
    // A correct legacy SHA-1 signature of the body, without the SHA-256 header.
    let request = http::Request::post(server.url("/hook"))
        .header(
            "x-hub-signature",
            "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59",
        )
        .body(Bytes::from_static(b"Hello, World!"))
        .unwrap();
    assert_eq!(send(request).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.count(), 0);
}

/// A client that sends the headers and part of the body, then stalls. The layer buffers
/// the whole body, so stack a body timeout in front of it: tower-http's
/// `RequestBodyTimeoutLayer` (and `TimeoutLayer` for the whole request).
#[tokio::test]
async fn slow_bodies_are_cut_by_a_timeout_layer_in_front() {
    use tower_http::timeout::RequestBodyTimeoutLayer;
    let calls = Calls::default();
    let app = {
        let calls = calls.clone();
        Router::new()
            .route(
                "/hook",
                post(move || {
                    calls.hit();
                    async { "handled" }
                }),
            )
            .route_layer(layer())
            .layer(RequestBodyTimeoutLayer::new(Duration::from_millis(200)))
    };
    let server = Server::start(app).await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"POST /hook HTTP/1.1\r\nhost: x\r\nstripe-signature: t=1,v1=00\r\ncontent-length: 1000\r\n\r\n{\"id\":")
        .await
        .unwrap();
    let mut reply = vec![0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut reply))
        .await
        .expect("the server answers the stalled request")
        .unwrap();
    let reply = String::from_utf8_lossy(&reply[..n]);
    // The timed-out body is an unreadable body: 400, never the handler.
    assert!(
        status_of(&reply).is_some_and(|s| (400..500).contains(&s)),
        "{reply}"
    );
    assert_eq!(calls.count(), 0);
    still_serving(&server, &calls, "evt_after_slow").await;
}

/// A header value the verifier reads must be visible ASCII: bytes past 127 are refused
/// as a malformed header even when they spell valid UTF-8 (an `é` in a delivery id or an
/// event type), while a tab, which HTTP allows inside a value, is kept.
#[test]
fn header_values_past_ascii_are_malformed_even_as_valid_utf8() {
    let verifier = Verifier::new(providers::github(), "It's a Secret to Everybody").unwrap();
    let signed = |id: &[u8], event: &[u8]| {
        let mut request = Signer::new(providers::github(), "It's a Secret to Everybody")
            .unwrap()
            .sign_with(
                http::Request::post("/hook")
                    .body(Bytes::from_static(b"{}"))
                    .unwrap(),
                "placeholder",
                SystemTime::now(),
            )
            .unwrap();
        let headers = request.headers_mut();
        headers.insert("x-github-delivery", HeaderValue::from_bytes(id).unwrap());
        headers.insert("x-github-event", HeaderValue::from_bytes(event).unwrap());
        request
    };
    let kind = |request| verifier.verify(&request).unwrap_err().kind();
    assert_eq!(
        kind(signed("d\u{e9}".as_bytes(), b"push")),
        tower_webhook::RejectionKind::MalformedHeader
    );
    assert_eq!(
        kind(signed(b"d1", "p\u{fc}sh".as_bytes())),
        tower_webhook::RejectionKind::MalformedHeader
    );
    assert_eq!(
        kind(signed(b"d1", b"push\xff")),
        tower_webhook::RejectionKind::MalformedHeader
    );
    let delivery = verifier.verify(&signed(b"d\t1", b"push")).unwrap();
    assert_eq!(delivery.id(), "d\t1");
    assert_eq!(delivery.event_type(), Some("push"));
}
