//! The replay namespace of a source is the identity its lookup returns, not the spelling
//! of its key: one capture sent under several spellings of one tenant (path segments in
//! another case, a host in another case, with a port or a trailing dot) is one delivery,
//! through real HTTP on 127.0.0.1.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{copy, is_duplicate, send, with_header, Calls, Server};
use http::StatusCode;
use tower_webhook::layer::{KnownSource, SourceKey, Sources};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn sign(url: String, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(url)
        .body(Bytes::from_static(br#"{"type":"invoice.paid"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

/// A server whose handler answers the delivery's source and counts its runs.
async fn serve(path: &str, sources: Sources) -> (Server, Calls) {
    let calls = Calls::default();
    let handler = {
        let calls = calls.clone();
        move |delivery: Delivery| {
            calls.hit();
            async move { delivery.source().unwrap_or_default().to_owned() }
        }
    };
    let app = Router::new().route(
        path,
        post(handler).route_layer(WebhookLayer::with_sources(sources)),
    );
    (Server::start(app).await, calls)
}

/// A lookup that matches tenant names case-insensitively (as a database collation might)
/// and returns the name as stored: a captured delivery resent to `/ACME/`, `/Acme/`… is
/// the delivery already handled, not a new one per spelling.
#[tokio::test]
async fn one_tenant_under_many_spellings_is_one_namespace() {
    let sources = Sources::new(SourceKey::path_segment(1), |key: String| async move {
        Ok(match key.to_lowercase().as_str() {
            "acme" => Some(KnownSource::new(
                "acme",
                Verifier::new(providers::standard_webhooks(), SECRET)?,
            )),
            _ => None,
        })
    });
    let (server, calls) = serve("/webhooks/{tenant}/standard", sources).await;
    let capture = sign(server.url("/webhooks/acme/standard"), "msg_1");
    let first = send(copy(&capture)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.text(), "acme");
    for spelling in ["ACME", "Acme", "aCmE"] {
        let mut resent = copy(&capture);
        *resent.uri_mut() = server
            .url(&format!("/webhooks/{spelling}/standard"))
            .parse()
            .unwrap();
        let reply = send(resent).await;
        assert!(
            is_duplicate(&reply),
            "{spelling}: {} {}",
            reply.status,
            reply.text()
        );
    }
    assert_eq!(calls.count(), 1, "handled once, whatever the spelling");
}

/// `SourceKey::host()` normalises the host as DNS compares names: case, port and the
/// trailing dot of a fully qualified name make no other key (and no other lookup); a host
/// that still ends in a dot is unknown without a lookup.
#[tokio::test]
async fn a_host_key_is_normalised() {
    let keys = Arc::new(Mutex::new(Vec::new()));
    let sources = {
        let keys = keys.clone();
        Sources::new(SourceKey::host(), move |key: String| {
            keys.lock().unwrap().push(key.clone());
            async move {
                Ok((key == "acme.example.com").then(|| {
                    KnownSource::new(
                        "acme",
                        Verifier::new(providers::standard_webhooks(), SECRET).unwrap(),
                    )
                }))
            }
        })
    };
    let (server, calls) = serve("/hook", sources).await;
    let capture = sign(server.url("/hook"), "msg_1");
    let first = send(with_header(&capture, "host", "acme.example.com")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    for host in [
        "ACME.Example.COM",
        "acme.example.com.",
        "Acme.Example.Com.:8443",
    ] {
        let reply = send(with_header(&capture, "host", host)).await;
        assert!(
            is_duplicate(&reply),
            "{host}: {} {}",
            reply.status,
            reply.text()
        );
    }
    let doubled = send(with_header(&capture, "host", "acme.example.com..")).await;
    assert_eq!(doubled.status, StatusCode::NOT_FOUND);
    assert_eq!(calls.count(), 1);
    assert_eq!(
        *keys.lock().unwrap(),
        ["acme.example.com"],
        "one key, one lookup"
    );
}
