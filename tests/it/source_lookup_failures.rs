//! What a source lookup that fails, hangs, or is asked for many new names costs, through
//! real HTTP on 127.0.0.1: a failure is remembered for the failure TTL (one lookup however
//! many requests name the key), a lookup that does not answer within the lookup timeout is
//! a failure, and lookups of names the cache does not know are capped, beyond which a
//! request is answered `503` without a lookup, while known sources keep being refreshed.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Calls, Reply, Server};
use http::StatusCode;
use tokio::sync::{mpsc, watch};
use tower_webhook::layer::{KnownSource, LookupError, LookupErrorKind, SourceKey, Sources};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HOUR: Duration = Duration::from_secs(3600);

async fn serve(sources: Sources) -> (Server, Calls) {
    let calls = Calls::default();
    let handler = {
        let calls = calls.clone();
        move |_delivery: Delivery| {
            calls.hit();
            async { "ok" }
        }
    };
    let app = Router::new().route(
        "/webhooks/{tenant}/standard",
        post(handler).route_layer(WebhookLayer::with_sources(sources)),
    );
    (Server::start(app).await, calls)
}

/// A bodiless, unsigned request for `tenant`: what anyone can send.
fn bare(server: &Server, tenant: &str) -> http::Request<Bytes> {
    http::Request::post(server.url(&format!("/webhooks/{tenant}/standard")))
        .body(Bytes::new())
        .unwrap()
}

fn signed(server: &Server, tenant: &str, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(server.url(&format!("/webhooks/{tenant}/standard")))
        .body(Bytes::from_static(br#"{"type":"invoice.paid"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

fn assert_unavailable(reply: &Reply, retry_after: &str) {
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.text()
    );
    assert_eq!(reply.json()["reason"], "source_unavailable");
    assert_eq!(reply.headers["retry-after"], retry_after);
}

/// A lookup that fails is looked up once per failure TTL, however many requests name its
/// key; the `Retry-After` says when to come back; invalidating it tries again at once.
#[tokio::test]
async fn a_failed_lookup_is_remembered_for_the_failure_ttl() {
    let lookups = Arc::new(AtomicUsize::new(0));
    let sources = {
        let lookups = lookups.clone();
        Sources::new(SourceKey::path_segment(1), move |_key: String| {
            lookups.fetch_add(1, Ordering::SeqCst);
            async {
                Err(LookupError::new(
                    LookupErrorKind::Unavailable,
                    "database unavailable",
                ))
            }
        })
        .failure_ttl(HOUR)
    };
    let (server, calls) = serve(sources.clone()).await;
    for _ in 0..20 {
        assert_unavailable(&send(bare(&server, "acme")).await, "3600");
    }
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        1,
        "one lookup for 20 requests"
    );

    sources.invalidate("acme");
    assert_unavailable(&send(bare(&server, "acme")).await, "3600");
    assert_eq!(lookups.load(Ordering::SeqCst), 2);
    assert_eq!(calls.count(), 0);
}

/// A lookup that never answers holds no request beyond the lookup timeout: the requests
/// waiting on it (one lookup between them) get `503`, and so does the next one, from the
/// remembered failure, without a lookup.
#[tokio::test]
async fn a_hung_lookup_times_out_into_a_remembered_failure() {
    let lookups = Arc::new(AtomicUsize::new(0));
    let sources = {
        let lookups = lookups.clone();
        Sources::new(SourceKey::path_segment(1), move |_key: String| {
            lookups.fetch_add(1, Ordering::SeqCst);
            std::future::pending::<Result<Option<KnownSource>, LookupError>>()
        })
        .lookup_timeout(Duration::from_millis(200))
        .failure_ttl(HOUR)
    };
    let (server, calls) = serve(sources).await;
    let mut waiting = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let request = bare(&server, "acme");
        waiting.spawn(send(request));
    }
    while let Some(reply) = waiting.join_next().await {
        assert_unavailable(&reply.unwrap(), "3600");
    }
    assert_unavailable(&send(bare(&server, "acme")).await, "3600");
    assert_eq!(lookups.load(Ordering::SeqCst), 1);
    assert_eq!(calls.count(), 0);
}

/// At most `max_new_source_lookups` lookups of names the cache does not know run at once:
/// another new name is answered `503` without a lookup, while a known source (refreshed on
/// every request here) is still served. Once the lookups answer, new names are looked up
/// again.
#[tokio::test]
async fn lookups_of_new_sources_are_capped() {
    const LIMIT: usize = 4;
    let (started_tx, mut started) = mpsc::unbounded_channel::<String>();
    let (release, released) = watch::channel(false);
    let lookups = Arc::new(AtomicUsize::new(0));
    let sources = {
        let lookups = lookups.clone();
        Sources::new(SourceKey::path_segment(1), move |key: String| {
            lookups.fetch_add(1, Ordering::SeqCst);
            let (started, mut released) = (started_tx.clone(), released.clone());
            async move {
                if key == "acme" {
                    return Ok(Some(KnownSource::new(
                        "acme",
                        Verifier::new(providers::standard_webhooks(), SECRET)?,
                    )));
                }
                started.send(key).ok();
                released.wait_for(|released| *released).await.ok();
                Ok(None)
            }
        })
        // Every request for acme refreshes it: a lookup each time, never capped.
        .ttl(Duration::ZERO)
        .max_new_source_lookups(LIMIT)
    };
    let (server, calls) = serve(sources).await;
    assert_eq!(
        send(signed(&server, "acme", "msg_1")).await.status,
        StatusCode::OK
    );

    let mut pending = tokio::task::JoinSet::new();
    for n in 0..LIMIT {
        pending.spawn(send(bare(&server, &format!("random{n}"))));
    }
    for _ in 0..LIMIT {
        started.recv().await.unwrap();
    }
    let before = lookups.load(Ordering::SeqCst);
    let refused = send(bare(&server, "random-over-the-limit")).await;
    assert_unavailable(&refused, "1");
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        before,
        "refused without a lookup"
    );

    let refreshed = send(signed(&server, "acme", "msg_2")).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text());
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        before + 1,
        "acme was refreshed"
    );

    release.send(true).unwrap();
    while let Some(reply) = pending.join_next().await {
        assert_eq!(reply.unwrap().status, StatusCode::NOT_FOUND);
    }
    let answered = send(bare(&server, "random-over-the-limit")).await;
    assert_eq!(answered.status, StatusCode::NOT_FOUND);
    assert_eq!(calls.count(), 2);
}

/// A secret the verifier refuses, found by a lookup, is an invalid source, not an outage.
#[test]
fn a_refused_secret_is_an_invalid_source() {
    let refused = Verifier::new(providers::adyen(), "not hex").unwrap_err();
    let error = LookupError::from(refused);
    assert_eq!(error.kind(), LookupErrorKind::Invalid, "{error}");
}
