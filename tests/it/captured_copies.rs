//! Captured deliveries resent altered are still the same delivery: a copy carrying only
//! another key's signature, copies under attacker-chosen ids (which neither flush the
//! memory store nor mark a chosen id as handled), a completion dropped with the response
//! future, Mailgun's token boundary. Each test asserts the secure behaviour and failed on
//! the code before its fix (the second hostile review's findings). (The declared-length allocation finding
//! is in `tests/body_allocation.rs`, which measures with dhat.)
//!
//! The attacker can send anything to the public URL and holds copies of earlier valid
//! deliveries (captured from logs), but no secret.

use crate::common;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{copy, is_duplicate, post_to, send, Calls, Server};
use http::{HeaderName, HeaderValue, StatusCode};
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;
use tower::{Layer, ServiceExt};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::replay::{
    BoxFuture, Completion, KeySet, MemoryStore, ReplayKey, ReplayStore, Reservation,
    ReservationToken, StoreError,
};
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// A server whose handler counts its runs and answers 200.
async fn start(layer: WebhookLayer) -> (Server, Calls) {
    common::counting_server("/hook", layer, "handled").await
}

fn set(request: &mut http::Request<Bytes>, name: &str, value: &str) {
    request.headers_mut().insert(
        HeaderName::try_from(name).unwrap(),
        HeaderValue::try_from(value).unwrap(),
    );
}

// ---------------------------------------------------------------------------------------
// Finding 1: the replay key of a keyless delivery is the MAC tag of *the key that
// matched*. A provider that signs with several keys at once (DocuSign: one header per
// key; Box: primary and secondary) gives every delivery one replay identity per key: the
// attacker strips the signatures of the keys already used and the handler runs again.
// ---------------------------------------------------------------------------------------

/// DocuSign Connect sends one `X-DocuSign-Signature-N` per active HMAC key and the preset
/// tells users to configure the keys they hold. No timestamp, no id: the key is the tag of
/// whichever configured key matched first. Replayed with only the second key's signature,
/// a completed delivery runs the handler again, at any time (nothing expires it).
#[tokio::test]
async fn docusign_capture_replayed_with_only_its_second_key_signature() {
    let (k1, k2) = ("docusign connect key one", "docusign connect key two");
    let verifier = Verifier::builder(providers::docusign())
        .secrets([k1, k2])
        .build()
        .unwrap();
    let (server, calls) = start(WebhookLayer::new(verifier)).await;
    let body = r#"{"event":"envelope-completed","data":{"envelopeId":"e-1"}}"#;
    let signature = |key: &str| {
        let signed = Signer::new(providers::docusign(), key)
            .unwrap()
            .sign(post_to(&server, body))
            .unwrap();
        signed.headers()["x-docusign-signature-1"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    // What DocuSign sends: both keys' signatures.
    let mut original = post_to(&server, body);
    set(&mut original, "x-docusign-signature-1", &signature(k1));
    set(&mut original, "x-docusign-signature-2", &signature(k2));
    assert_eq!(send(copy(&original)).await.status, StatusCode::OK);
    assert!(is_duplicate(&send(copy(&original)).await));
    assert_eq!(calls.count(), 1);

    // The attacker drops the first header.
    let mut replay = copy(&original);
    replay.headers_mut().remove("x-docusign-signature-1");
    let reply = send(replay).await;
    assert!(
        is_duplicate(&reply),
        "a captured DocuSign delivery with only its second signature ran the handler again \
         ({} {})",
        reply.status,
        reply.text()
    );
    assert_eq!(calls.count(), 1);
}

/// Box always sends `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY`, and the preset
/// says to configure both keys. The replay keys are the unsigned id and the tag of the key
/// that matched; without the primary header the secondary's tag is a new key, and with a
/// new id both keys are new: the handler runs again within Box's 10-minute tolerance.
#[tokio::test]
async fn box_capture_replayed_with_only_its_secondary_signature_under_a_new_id() {
    let (primary, secondary) = ("box primary key", "box secondary key");
    let verifier = Verifier::builder(providers::box_com())
        .secrets([primary, secondary])
        .build()
        .unwrap();
    let (server, calls) = start(WebhookLayer::new(verifier)).await;
    let body = r#"{"type":"webhook_event","trigger":"FILE.UPLOADED"}"#;
    let now = SystemTime::now();
    let sign = |key: &str| {
        Signer::new(providers::box_com(), key)
            .unwrap()
            .sign_with(post_to(&server, body), "box-delivery-1", now)
            .unwrap()
    };
    let mut original = sign(primary);
    let secondary_signature = sign(secondary).headers()["box-signature-primary"]
        .to_str()
        .unwrap()
        .to_owned();
    set(
        &mut original,
        "box-signature-secondary",
        &secondary_signature,
    );
    assert_eq!(send(copy(&original)).await.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);

    let mut replay = copy(&original);
    replay.headers_mut().remove("box-signature-primary");
    set(&mut replay, "box-delivery-id", "forged-1");
    let reply = send(replay).await;
    assert!(
        is_duplicate(&reply),
        "a captured Box delivery with only its secondary signature ran the handler again \
         ({} {})",
        reply.status,
        reply.text()
    );
    assert_eq!(calls.count(), 1);
}

/// Recurly lists one signature per active secret after the timestamp
/// (`<ms>,<sig key 1>,<sig key 2>`); no id. Within the tolerance, the capture with only the
/// second signature is a new delivery.
#[tokio::test]
async fn recurly_capture_replayed_with_only_its_second_signature() {
    let (k1, k2) = ("recurly secret one", "recurly secret two");
    let verifier = Verifier::builder(providers::recurly())
        .secrets([k1, k2])
        .build()
        .unwrap();
    let (server, calls) = start(WebhookLayer::new(verifier)).await;
    let body = r#"{"id":"notification-1","object_type":"account","event_type":"created"}"#;
    let now = SystemTime::now();
    let header = |key: &str| {
        Signer::new(providers::recurly(), key)
            .unwrap()
            .sign_with(post_to(&server, body), "unused", now)
            .unwrap()
            .headers()["recurly-signature"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let (first, second) = (header(k1), header(k2));
    let (timestamp, sig2) = second.split_once(',').unwrap();
    let mut original = post_to(&server, body);
    set(
        &mut original,
        "recurly-signature",
        &format!("{first},{sig2}"),
    );
    assert_eq!(send(copy(&original)).await.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);

    let mut replay = copy(&original);
    set(
        &mut replay,
        "recurly-signature",
        &format!("{timestamp},{sig2}"),
    );
    let reply = send(replay).await;
    assert!(
        is_duplicate(&reply),
        "a captured Recurly delivery with only its second signature ran the handler again \
         ({} {})",
        reply.status,
        reply.text()
    );
    assert_eq!(calls.count(), 1);
}

// ---------------------------------------------------------------------------------------
// Finding 2: the absorb rule writes a completed key for every unsigned id an attacker
// attaches to a captured signature. One capture (valid forever where nothing is
// timestamped: GitHub, Shopify, Bitbucket, Gitea, Sentry, Twilio) lets the attacker
// (a) fill the bounded memory store and evict real completions, then replay them, and
// (b) mark any id it knows as already handled, so the provider's redelivery is dropped.
// ---------------------------------------------------------------------------------------

const GITHUB_SECRET: &str = "It's a Secret to Everybody";

fn github_request(body: &str, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post("http://hooks.example.com/hook")
        .header("content-type", "application/json")
        .header("x-github-event", "push")
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .unwrap();
    Signer::new(providers::github(), GITHUB_SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

/// With the layer's default store (100,000 keys), one captured delivery resent under
/// 100,000 fresh `X-GitHub-Delivery` ids evicts every real completion; every captured
/// delivery then runs the handler again.
#[tokio::test]
async fn replays_under_fresh_ids_flush_the_memory_store() {
    let calls = Calls::default();
    let layer = WebhookLayer::new(Verifier::new(providers::github(), GITHUB_SECRET).unwrap());
    let service = {
        let calls = calls.clone();
        layer.layer(tower::service_fn(move |_: http::Request<VerifiedBody>| {
            calls.hit();
            async { Ok::<_, Infallible>(http::Response::new(String::from("ok"))) }
        }))
    };
    let call = |request: http::Request<Bytes>| {
        let service = service.clone();
        async move {
            let request = request.map(http_body_util::Full::new);
            service.oneshot(request).await.unwrap()
        }
    };

    // The victim: a real delivery, handled once.
    let victim = github_request(r#"{"ref":"refs/heads/main","after":"abc"}"#, "guid-victim");
    assert_eq!(call(copy(&victim)).await.status(), StatusCode::OK);
    // Another real delivery, which the attacker captured.
    let captured = github_request(r#"{"zen":"Design for failure."}"#, "guid-captured");
    assert_eq!(call(copy(&captured)).await.status(), StatusCode::OK);
    assert_eq!(calls.count(), 2);

    // Every copy is refused as a duplicate, and each leaves one more key behind.
    for n in 0..tower_webhook::replay::DEFAULT_CAPACITY {
        let mut replay = copy(&captured);
        set(&mut replay, "x-github-delivery", &format!("flood-{n}"));
        let response = call(replay).await;
        assert!(response.headers().contains_key("webhook-duplicate"));
    }
    assert_eq!(calls.count(), 2, "no flood request reached the handler");

    let response = call(copy(&victim)).await;
    assert!(
        response.headers().contains_key("webhook-duplicate"),
        "after the flood, the exact replay of a handled delivery ran the handler again"
    );
    assert_eq!(calls.count(), 2);
}

/// A GitHub delivery whose handler failed is redelivered by GitHub under the same
/// `X-GitHub-Delivery`. An attacker who sees that id in the logs sends any captured
/// delivery under it first: the id is written as completed, and the redelivery is
/// answered "duplicate" without the handler. The delivery is lost, silently for GitHub.
#[tokio::test]
async fn any_capture_marks_a_chosen_delivery_id_as_handled() {
    let calls = Calls::default();
    let failures = Arc::new(AtomicUsize::new(1));
    let app = {
        let (calls, failures) = (calls.clone(), failures.clone());
        Router::new()
            .route(
                "/hook",
                post(move |body: Bytes| {
                    calls.hit();
                    let fail = body.starts_with(b"{\"ref\"")
                        && failures
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                    async move {
                        if fail {
                            (StatusCode::INTERNAL_SERVER_ERROR, "try again")
                        } else {
                            (StatusCode::OK, "handled")
                        }
                    }
                }),
            )
            .route_layer(WebhookLayer::new(
                Verifier::new(providers::github(), GITHUB_SECRET).unwrap(),
            ))
    };
    let server = Server::start(app).await;
    let to_server = |request: http::Request<Bytes>| {
        let mut request = copy(&request);
        *request.uri_mut() = server.url("/hook").parse().unwrap();
        request
    };
    let captured = github_request(r#"{"zen":"Keep it logically awesome."}"#, "guid-old");
    assert_eq!(
        send(to_server(captured.clone())).await.status,
        StatusCode::OK
    );

    let pending = github_request(r#"{"ref":"refs/heads/main","after":"def"}"#, "guid-pending");
    let first = send(to_server(pending.clone())).await;
    assert_eq!(first.status, StatusCode::INTERNAL_SERVER_ERROR);

    // The attacker: the old capture, under the id GitHub will redeliver.
    let mut poison = to_server(captured);
    set(&mut poison, "x-github-delivery", "guid-pending");
    assert!(is_duplicate(&send(poison).await));

    // GitHub's redelivery: same id, same body, same signature.
    let redelivery = send(to_server(pending)).await;
    assert!(
        !is_duplicate(&redelivery),
        "the redelivery of a failed delivery was dropped as a duplicate: an attacker chose \
         which delivery id counts as handled"
    );
    assert_eq!(calls.count(), 3);
}

// ---------------------------------------------------------------------------------------
// Finding 3: `handle` awaits `complete` inside the response future. `Held::complete`
// takes the token out first, so if the future is dropped while the store answers (the
// client went away; hyper drops the future), nothing completes, nothing retries, and
// `Held::drop` finds no token. The keys stay in flight until the lease, then vanish: the
// next replay runs the handler again.
// ---------------------------------------------------------------------------------------

/// A memory store whose completions take a while, like a networked store; signals when a
/// completion future is dropped before it finished.
struct SlowCompletions {
    inner: MemoryStore,
    delay: Duration,
    dropped: Arc<Notify>,
}

struct SignalOnDrop(Arc<Notify>, bool);

impl Drop for SignalOnDrop {
    fn drop(&mut self) {
        // Finished or dropped half-way: either way the completion is over.
        self.0.notify_one();
    }
}

impl ReplayStore for SlowCompletions {
    fn reserve<'a>(
        &'a self,
        keys: KeySet<'a>,
        lease: Duration,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        self.inner.reserve(keys, lease, retention)
    }
    fn extend<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        lease: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.inner.extend(keys, token, lease)
    }
    fn complete<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Completion, StoreError>> {
        Box::pin(async move {
            let mut guard = SignalOnDrop(self.dropped.clone(), false);
            tokio::time::sleep(self.delay).await;
            guard.1 = true;
            self.inner.complete(keys, token, retention).await
        })
    }
    fn release<'a>(
        &'a self,
        keys: &'a [ReplayKey],
        token: &'a ReservationToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.inner.release(keys, token)
    }
}

#[tokio::test]
async fn a_client_that_disconnects_during_completion_makes_the_delivery_replayable() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let dropped = Arc::new(Notify::new());
    let store = SlowCompletions {
        inner: MemoryStore::new(),
        delay: Duration::from_millis(200),
        dropped: dropped.clone(),
    };
    let lease = Duration::from_millis(300);
    let layer = WebhookLayer::new(Verifier::new(providers::standard_webhooks(), secret).unwrap())
        .replay_store(store)
        .reservation_lease(lease)
        .store_timeout(Duration::from_secs(5));
    let counters = layer.counters().clone();
    let handled = Arc::new(Notify::new());
    let calls = Calls::default();
    let app = {
        let (calls, handled) = (calls.clone(), handled.clone());
        Router::new()
            .route(
                "/hook",
                post(move || {
                    calls.hit();
                    handled.notify_one();
                    async { "handled" }
                }),
            )
            .route_layer(layer)
    };
    let server = Server::start(app).await;
    let request = Signer::new(providers::standard_webhooks(), secret)
        .unwrap()
        .sign_with(
            post_to(&server, r#"{"type":"invoice.paid"}"#),
            "msg_disconnect_in_complete",
            SystemTime::now(),
        )
        .unwrap();

    let mut raw = format!(
        "POST /hook HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n",
        server.addr,
        request.body().len()
    );
    for (name, value) in request.headers() {
        raw.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap()));
    }
    raw.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(raw.as_bytes()).await.unwrap();
    stream.write_all(request.body()).await.unwrap();
    // The handler answered 200; the completion is on its way to the store.
    handled.notified().await;
    drop(stream);
    tokio::time::timeout(Duration::from_secs(5), dropped.notified())
        .await
        .expect("the completion ended");

    // Let the lease run out: a completion dropped with the response future would have
    // left only the reservation, which expires now.
    tokio::time::sleep(lease * 2).await;
    let replay = send(request).await;
    assert!(
        is_duplicate(&replay),
        "a delivery whose handler answered 200 ran again: its completion was dropped with \
         the response future (status {}, completions_lost = {})",
        replay.status,
        counters.completions_lost()
    );
    assert_eq!(calls.count(), 1);
}

// ---------------------------------------------------------------------------------------
// Finding 5 (needs `dangerously_skip_timestamp_check`): Mailgun's HMAC covers
// `timestamp || token` with no separator, and the replay key is the token alone. Moving
// the boundary (the timestamp's last digit to the front of the token) keeps the signature
// valid and makes a new token: a captured delivery runs the handler again, although the
// opt-in's documentation promises replays are refused "until the replay store forgets
// their id".
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn mailgun_token_boundary_shift_is_a_new_delivery() {
    let key = "mailgun signing key";
    let verifier = Verifier::builder(providers::mailgun())
        .secret(key)
        .dangerously_skip_timestamp_check()
        .build()
        .unwrap();
    let (server, calls) = start(WebhookLayer::new(verifier)).await;
    let body = |timestamp: &str, token: &str, signature: &str| {
        format!(
            r#"{{"signature":{{"timestamp":"{timestamp}","token":"{token}","signature":"{signature}"}},"event-data":{{"event":"delivered"}}}}"#
        )
    };
    let (timestamp, token) = (
        "1700000000",
        "5c1e2b4f0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
    );
    let signature = providers::mailgun::signature(key, timestamp, token).unwrap();
    let original = post_to(&server, body(timestamp, token, &signature));
    assert_eq!(send(copy(&original)).await.status, StatusCode::OK);
    assert!(is_duplicate(&send(copy(&original)).await));

    // "170000000" + "0" + token: the same signed bytes, another token.
    let shifted = post_to(&server, body("170000000", &format!("0{token}"), &signature));
    let reply = send(shifted).await;
    assert!(
        is_duplicate(&reply),
        "the same Mailgun signature with the timestamp/token boundary moved ran the handler \
         again ({} {})",
        reply.status,
        reply.text()
    );
    assert_eq!(calls.count(), 1);
}
