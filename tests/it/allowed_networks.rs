//! The source allow-list through real HTTP on 127.0.0.1: the peer address (hyper, and
//! axum's `ConnectInfo` through `ClientAddress::from_fn`) and trusted proxy headers, each
//! proving whether the handler ran.

use crate::common;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use axum::extract::ConnectInfo;
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Calls, Reply, Server};
use http::{HeaderName, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tower::{ServiceBuilder, ServiceExt};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::layer::{AllowedNetworks, ClientAddress};
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_source_allow_list";

fn layer() -> WebhookLayer {
    WebhookLayer::new(Verifier::new(providers::stripe(), SECRET).unwrap())
}

fn sources(networks: &[&str]) -> AllowedNetworks {
    AllowedNetworks::parse(networks).unwrap()
}

/// A signed Stripe delivery to `url`.
fn delivery(url: String, id: &str) -> Request<Bytes> {
    let body = format!(r#"{{"id":"{id}","type":"charge.succeeded","object":"event"}}"#);
    let request = Request::post(url)
        .header("content-type", "application/json")
        .body(Bytes::from(body))
        .unwrap();
    Signer::new(providers::stripe(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

fn with_header(mut request: Request<Bytes>, name: &'static str, value: &str) -> Request<Bytes> {
    request
        .headers_mut()
        .append(name, value.parse().expect("header value"));
    request
}

fn assert_refused(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
    assert_eq!(reply.headers["content-type"], "application/problem+json");
    let body = reply.json();
    assert_eq!(body["reason"], "address_not_allowed", "{body}");
    assert_eq!(body["status"], 403);
}

/// An axum app (no connection info) whose handler counts its calls.
async fn axum_server(layer: WebhookLayer) -> (Server, Calls) {
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
            .route_layer(layer)
    };
    (Server::start(app).await, calls)
}

/// A bare hyper server that puts each connection's peer `SocketAddr` in the request's
/// extensions, as `ClientAddress::peer` expects.
struct HyperServer {
    addr: SocketAddr,
    calls: Calls,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HyperServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HyperServer {
    async fn start(layer: WebhookLayer) -> HyperServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let calls = Calls::default();
        let service = {
            let calls = calls.clone();
            ServiceBuilder::new()
                .layer(layer)
                .service_fn(move |_: Request<VerifiedBody>| {
                    calls.hit();
                    async { Ok::<_, Infallible>(Response::new(Full::new(Bytes::from("handled")))) }
                })
        };
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    continue;
                };
                let service = service.clone().map_request(move |mut request: Request<_>| {
                    request.extensions_mut().insert(peer);
                    request
                });
                tokio::spawn(async move {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                        .await;
                });
            }
        });
        HyperServer { addr, calls, task }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }
}

// --- the connection's peer ------------------------------------------------------------

#[tokio::test]
async fn peer_in_the_list_reaches_the_handler() {
    let layer = layer().allowed_networks(sources(&["127.0.0.0/8"]), ClientAddress::peer());
    let server = HyperServer::start(layer).await;
    let reply = send(delivery(server.url(), "evt_peer_ok")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.text(), "handled");
    assert_eq!(server.calls.count(), 1);
}

#[tokio::test]
async fn peer_outside_the_list_is_refused_and_the_handler_does_not_run() {
    let allowed = sources(&["192.0.2.0/24", "2001:db8::/32"]);
    let server = HyperServer::start(layer().allowed_networks(allowed, ClientAddress::peer())).await;
    let reply = send(delivery(server.url(), "evt_peer_refused")).await;
    assert_refused(&reply);
    assert_eq!(
        reply.json()["detail"],
        "source address not allowed: 127.0.0.1"
    );
    assert_eq!(server.calls.count(), 0);
}

#[tokio::test]
async fn peer_outside_the_list_is_not_helped_by_proxy_headers() {
    let allowed = sources(&["192.0.2.0/24"]);
    let server = HyperServer::start(layer().allowed_networks(allowed, ClientAddress::peer())).await;
    let request = delivery(server.url(), "evt_peer_spoof");
    let request = with_header(request, "x-forwarded-for", "192.0.2.1");
    let request = with_header(request, "x-real-ip", "192.0.2.1");
    assert_refused(&send(request).await);
    assert_eq!(server.calls.count(), 0);
}

#[tokio::test]
async fn peer_mode_without_a_peer_address_is_refused() {
    // axum::serve without connection info: no `SocketAddr` in the extensions.
    let layer = layer().allowed_networks(sources(&["127.0.0.0/8"]), ClientAddress::peer());
    let (server, calls) = axum_server(layer).await;
    let reply = send(delivery(server.url("/hook"), "evt_no_peer")).await;
    assert_refused(&reply);
    assert_eq!(reply.json()["detail"], "source address unknown");
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn axum_connect_info_through_from_fn() {
    let peer = || {
        ClientAddress::from_fn(|parts| {
            let ConnectInfo(addr) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
            Some(addr.ip())
        })
    };
    for (allowed, expect_handled) in [("127.0.0.1", true), ("10.0.0.0/8", false)] {
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
                .route_layer(layer().allowed_networks(sources(&[allowed]), peer()))
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let reply = send(delivery(format!("http://{addr}/hook"), "evt_axum")).await;
        task.abort();
        if expect_handled {
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            assert_eq!(calls.count(), 1);
        } else {
            assert_refused(&reply);
            assert_eq!(calls.count(), 0);
        }
    }
}

#[tokio::test]
async fn allowed_source_still_needs_a_valid_signature() {
    let layer = layer().allowed_networks(sources(&["127.0.0.0/8"]), ClientAddress::peer());
    let server = HyperServer::start(layer).await;
    let mut request = delivery(server.url(), "evt_forged");
    *request.body_mut() = Bytes::from_static(b"{\"id\":\"evt_forged\",\"type\":\"payout.paid\"}");
    let reply = send(request).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text());
    assert_eq!(server.calls.count(), 0);
}

#[tokio::test]
async fn refused_source_is_answered_before_the_body_is_read() {
    let allowed = sources(&["192.0.2.0/24"]);
    let server = HyperServer::start(layer().allowed_networks(allowed, ClientAddress::peer())).await;
    // A head announcing a large body, of which only a few bytes ever arrive: a layer that
    // read the body first would wait for the rest and never answer.
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /hook HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
         content-length: 1000000\r\n\r\n{{\"id\":",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    let read_head = async {
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed without an answer");
            answer.extend_from_slice(&buf[..n]);
        }
    };
    // A bound on failure, not a synchronisation: the answer comes as soon as the head is in.
    tokio::time::timeout(Duration::from_secs(30), read_head)
        .await
        .expect("the layer waited for the body");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert_eq!(server.calls.count(), 0);
}

#[tokio::test]
async fn refused_source_beats_the_body_limit() {
    let allowed = sources(&["192.0.2.0/24"]);
    let layer = layer()
        .body_limit(16)
        .allowed_networks(allowed, ClientAddress::peer());
    let server = HyperServer::start(layer).await;
    let reply = send(delivery(server.url(), "evt_too_large_and_refused")).await;
    assert_refused(&reply);
    assert_eq!(server.calls.count(), 0);
}

// --- X-Forwarded-For from trusted proxies ---------------------------------------------

fn behind_proxies(proxies: usize) -> WebhookLayer {
    layer().allowed_networks(
        sources(&["203.0.113.0/24", "2a0a:a440::/29"]),
        ClientAddress::trust_x_forwarded_for(proxies),
    )
}

async fn via_forwarded_for(server: &Server, id: &str, values: &[&str]) -> Reply {
    let mut request = delivery(server.url("/hook"), id);
    for value in values {
        request = with_header(request, "x-forwarded-for", value);
    }
    send(request).await
}

#[tokio::test]
async fn forwarded_for_allows_and_refuses_by_the_proxy_written_entry() {
    let (server, calls) = axum_server(behind_proxies(1)).await;

    let reply = via_forwarded_for(&server, "evt_xff_ok", &["203.0.113.7"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(calls.count(), 1);

    let reply = via_forwarded_for(&server, "evt_xff_out", &["198.51.100.7"]).await;
    assert_refused(&reply);
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn a_spoofed_left_most_forwarded_for_entry_does_not_help() {
    let (server, calls) = axum_server(behind_proxies(1)).await;
    // The attacker at 198.51.100.7 sends `X-Forwarded-For: 203.0.113.7`; the proxy appends
    // the address it saw, as a comma or as a line of its own.
    let reply = via_forwarded_for(&server, "evt_spoof_a", &["203.0.113.7, 198.51.100.7"]).await;
    assert_refused(&reply);
    let reply = via_forwarded_for(&server, "evt_spoof_b", &["203.0.113.7", "198.51.100.7"]).await;
    assert_refused(&reply);
    assert_eq!(calls.count(), 0);

    // Garbage the sender puts on the left costs a real delivery nothing.
    let reply = via_forwarded_for(&server, "evt_left_junk", &["junk, <x>, 203.0.113.7"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn forwarded_for_counts_every_trusted_proxy_from_the_right() {
    let (server, calls) = axum_server(behind_proxies(2)).await;
    // spoofed, client (seen by the CDN), CDN (seen by the load balancer)
    let reply = via_forwarded_for(
        &server,
        "evt_two_hops",
        &["198.51.100.1, 203.0.113.7, 192.0.2.10"],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(calls.count(), 1);

    let reply = via_forwarded_for(
        &server,
        "evt_two_hops_out",
        &["203.0.113.7, 198.51.100.1, 192.0.2.10"],
    )
    .await;
    assert_refused(&reply);
    // One entry only: the second proxy did not write its own, so the address is unknown.
    let reply = via_forwarded_for(&server, "evt_one_hop_only", &["203.0.113.7"]).await;
    assert_refused(&reply);
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn missing_or_malformed_forwarded_for_is_refused() {
    let (server, calls) = axum_server(behind_proxies(1)).await;
    let reply = via_forwarded_for(&server, "evt_missing", &[]).await;
    assert_refused(&reply);
    assert_eq!(reply.json()["detail"], "source address unknown");

    let long = vec!["203.0.113.7"; 1000].join(", ");
    let malformed = [
        "",
        "unknown",
        "203.0.113.7 ",
        "203.0.113.7;",
        "203.0.113",
        "203.0.113.7/32",
        "203.0.113.7, ",
        "203.0.113.7,junk",
        "2a0a:a440::1%eth0",
        long.as_str(),
    ];
    for (n, value) in malformed.iter().enumerate() {
        let reply = via_forwarded_for(&server, &format!("evt_bad_{n}"), &[value]).await;
        // "203.0.113.7 " is fine (whitespace is trimmed); every other one is refused.
        if value.trim() == "203.0.113.7" {
            assert_eq!(reply.status, StatusCode::OK, "{value:?}: {}", reply.text());
        } else {
            assert_refused(&reply);
        }
    }
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn forwarded_for_with_ipv6_networks() {
    let (server, calls) = axum_server(behind_proxies(1)).await;
    for (n, value) in [
        "2a0a:a440::17",
        "2a0a:a447:ffff:ffff::1",
        "[2a0a:a440::17]:443",
        "::ffff:203.0.113.7",
    ]
    .iter()
    .enumerate()
    {
        let reply = via_forwarded_for(&server, &format!("evt_v6_ok_{n}"), &[value]).await;
        assert_eq!(reply.status, StatusCode::OK, "{value}: {}", reply.text());
    }
    assert_eq!(calls.count(), 4);

    for (n, value) in ["2a0a:a448::1", "2a0b::1", "::1", "::ffff:198.51.100.7"]
        .iter()
        .enumerate()
    {
        let reply = via_forwarded_for(&server, &format!("evt_v6_out_{n}"), &[value]).await;
        assert_refused(&reply);
    }
    assert_eq!(calls.count(), 4);
}

// --- a single-value header from a trusted proxy -----------------------------------------

#[tokio::test]
async fn trusted_single_value_header() {
    let fly = HeaderName::from_static("fly-client-ip");
    let layer = layer().allowed_networks(
        sources(&["203.0.113.0/24", "2a0a:a440::/29"]),
        ClientAddress::trust_header(fly),
    );
    let (server, calls) = axum_server(layer).await;
    let url = || server.url("/hook");

    let reply = send(with_header(
        delivery(url(), "evt_fly"),
        "fly-client-ip",
        "203.0.113.7",
    ))
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = send(with_header(
        delivery(url(), "evt_fly6"),
        "fly-client-ip",
        "2a0a:a440::9",
    ))
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(calls.count(), 2);

    let refused = [
        // outside
        with_header(
            delivery(url(), "evt_fly_out"),
            "fly-client-ip",
            "198.51.100.7",
        ),
        // missing, or only in another header
        delivery(url(), "evt_fly_missing"),
        with_header(
            delivery(url(), "evt_fly_xff"),
            "x-forwarded-for",
            "203.0.113.7",
        ),
        // a list where one address belongs
        with_header(
            delivery(url(), "evt_fly_list"),
            "fly-client-ip",
            "203.0.113.7, 198.51.100.7",
        ),
        // garbage
        with_header(
            delivery(url(), "evt_fly_junk"),
            "fly-client-ip",
            "localhost",
        ),
    ];
    for request in refused {
        assert_refused(&send(request).await);
    }
    // Repeated: the client's line and the proxy's both arrived.
    let request = with_header(
        delivery(url(), "evt_fly_twice"),
        "fly-client-ip",
        "203.0.113.7",
    );
    let request = with_header(request, "fly-client-ip", "198.51.100.7");
    assert_refused(&send(request).await);
    assert_eq!(calls.count(), 2);
}
