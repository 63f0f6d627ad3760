//! Replayed deliveries through real HTTP: a captured delivery resent under a new unsigned
//! id, completions that must land (slow handlers, timeouts, a Redis restart), handshakes
//! turned into messages.
//! Each test asserts the handler did not run again.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{copy, is_duplicate, post_to, send, with_header, Calls, Server};
use http::{HeaderValue, StatusCode};
use tokio::sync::Notify;
use tower_webhook::replay::{
    BoxFuture, Completion, KeySet, MemoryStore, ReplayKey, ReplayStore, Reservation,
    ReservationToken, StoreError,
};
use tower_webhook::{providers, Scheme, Signer, UnsignedIdPolicy, Verifier, WebhookLayer};

/// A server whose handler counts its runs and answers 200.
async fn start(layer: WebhookLayer) -> (Server, Calls) {
    common::counting_server("/hook", layer, "handled").await
}

/// Providers that sign a timestamp but not the delivery id: the captured delivery resent
/// under fresh ids is refused, and the provider's own retry (same id, new timestamp, new
/// signature) is still recognised, as is a replay of that retry under a new id.
///
/// `id_is_a_key`: whether the unsigned id is one of the replay keys, so a copy under a new
/// id is counted as such (bound to the signed content for Zendesk, alone for the others).
async fn unsigned_id_replays<S: Scheme + Clone>(
    scheme: S,
    secret: &str,
    id_header: &str,
    id_is_a_key: bool,
    body: impl Fn() -> String,
) {
    let layer = WebhookLayer::new(Verifier::new(scheme.clone(), secret).unwrap());
    let counters = layer.counters().clone();
    let (server, calls) = start(layer).await;
    let signer = Signer::new(scheme, secret).unwrap();
    let now = SystemTime::now();
    let original = signer
        .sign_with(post_to(&server, body()), "delivery-1", now)
        .unwrap();
    assert_eq!(send(copy(&original)).await.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);

    for n in 0..5 {
        let replay = with_header(&original, id_header, &format!("forged-{n}"));
        let reply = send(replay).await;
        assert!(is_duplicate(&reply), "{} {}", reply.status, reply.text());
    }
    // A 60 KiB id costs the store no more than any other.
    let long = "x".repeat(60 * 1024);
    assert!(is_duplicate(
        &send(with_header(&original, id_header, &long)).await
    ));
    assert_eq!(calls.count(), 1, "a replay under a new id ran the handler");
    assert_eq!(
        counters.duplicates_under_new_id(),
        if id_is_a_key { 6 } else { 0 }
    );

    // The provider's retry: same id, signed anew a second later.
    let retry = signer
        .sign_with(
            post_to(&server, body()),
            "delivery-1",
            now + Duration::from_secs(1),
        )
        .unwrap();
    assert!(is_duplicate(&send(copy(&retry)).await));
    // ... replayed under a new id: its signature is remembered now.
    assert!(is_duplicate(
        &send(with_header(&retry, id_header, "forged-after-retry")).await
    ));
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn box_replay_under_a_new_delivery_id_is_refused() {
    unsigned_id_replays(
        providers::box_com(),
        "box primary key",
        "box-delivery-id",
        true,
        || r#"{"type":"webhook_event","trigger":"FILE.UPLOADED"}"#.to_owned(),
    )
    .await;
}

#[tokio::test]
async fn zendesk_replay_under_a_new_invocation_id_is_refused() {
    unsigned_id_replays(
        providers::zendesk(),
        "zendesk secret",
        "x-zendesk-webhook-invocation-id",
        true,
        || r#"{"type":"zen:event-type:ticket.created"}"#.to_owned(),
    )
    .await;
}

#[tokio::test]
async fn linear_replay_under_a_new_delivery_id_is_refused() {
    // Linear's timestamp is in the signed body, in milliseconds.
    let millis = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    unsigned_id_replays(
        providers::linear(),
        "lin_wh_secret",
        "linear-delivery",
        true,
        move || format!(r#"{{"type":"Issue","action":"create","webhookTimestamp":{millis}}}"#),
    )
    .await;
}

/// GitHub signs neither id nor timestamp. By default an identical body under another id
/// is refused (the signature is the key); the provider-guidance policy handles it, and still
/// refuses a copy with the same id.
#[tokio::test]
async fn identical_github_bodies_under_distinct_ids() {
    let body = r#"{"action":"added","member":{"login":"octocat"}}"#;
    let secret = "It's a Secret to Everybody";
    let request = |server: &Server, id: &str| {
        let mut request = post_to(server, body);
        request
            .headers_mut()
            .insert("x-github-event", HeaderValue::from_static("membership"));
        Signer::new(providers::github(), secret)
            .unwrap()
            .sign_with(request, id, SystemTime::now())
            .unwrap()
    };

    let layer = WebhookLayer::new(Verifier::new(providers::github(), secret).unwrap());
    let counters = layer.counters().clone();
    let (server, calls) = start(layer).await;
    assert_eq!(
        send(request(&server, "guid-1")).await.status,
        StatusCode::OK
    );
    assert!(is_duplicate(&send(request(&server, "guid-2")).await));
    assert_eq!(calls.count(), 1);
    // GitHub's redelivery keeps its id: a duplicate. The signature alone is the key, so
    // no copy is counted as one under a new id: the id is not compared at all.
    assert!(is_duplicate(&send(request(&server, "guid-1")).await));
    assert_eq!(counters.duplicates_under_new_id(), 0);

    let trusting = Verifier::builder(providers::github())
        .secret(secret)
        .unsigned_id_policy(UnsignedIdPolicy::DangerouslyTrustIdWithSignature)
        .build()
        .unwrap();
    let (server, calls) = start(WebhookLayer::new(trusting)).await;
    assert_eq!(
        send(request(&server, "guid-1")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(request(&server, "guid-2")).await.status,
        StatusCode::OK
    );
    assert!(is_duplicate(&send(request(&server, "guid-1")).await));
    assert_eq!(calls.count(), 2);
}

/// A handler that waits until the test lets it finish.
#[derive(Clone, Default)]
struct Gate {
    entered: Arc<Notify>,
    release: Arc<Notify>,
    calls: Calls,
}

async fn gated_server(layer: WebhookLayer, gate: Gate) -> Server {
    let app = Router::new()
        .route(
            "/hook",
            post(move || {
                let gate = gate.clone();
                async move {
                    gate.calls.hit();
                    gate.entered.notify_one();
                    gate.release.notified().await;
                    "handled"
                }
            }),
        )
        .route_layer(layer);
    Server::start(app).await
}

fn stripe_event(server: &Server, id: &str) -> http::Request<Bytes> {
    Signer::new(providers::stripe(), "whsec_replay")
        .unwrap()
        .sign(post_to(
            server,
            format!(r#"{{"id":"{id}","type":"invoice.paid"}}"#),
        ))
        .unwrap()
}

fn stripe_layer() -> WebhookLayer {
    WebhookLayer::new(Verifier::new(providers::stripe(), "whsec_replay").unwrap())
}

/// A handler slower than the lease keeps its delivery: the layer extends the lease while
/// it runs, so a copy arriving after the lease is refused as in flight, and the exact
/// replay after completion is a duplicate.
async fn slow_handler_keeps_its_lease(layer: WebhookLayer) {
    let lease = Duration::from_millis(150);
    let gate = Gate::default();
    let server = gated_server(layer.reservation_lease(lease), gate.clone()).await;
    let request = stripe_event(&server, "evt_slow");
    let first = tokio::spawn(send(copy(&request)));
    gate.entered.notified().await;
    // Let the lease run out three times over while the handler works.
    tokio::time::sleep(lease * 3).await;
    let copy_reply = send(copy(&request)).await;
    assert_eq!(
        copy_reply.status,
        StatusCode::CONFLICT,
        "{}",
        copy_reply.text()
    );
    gate.release.notify_one();
    assert_eq!(first.await.unwrap().status, StatusCode::OK);
    assert!(is_duplicate(&send(copy(&request)).await));
    assert_eq!(gate.calls.count(), 1);
}

#[tokio::test]
async fn slow_handler_keeps_its_lease_in_memory() {
    slow_handler_keeps_its_lease(stripe_layer()).await;
}

/// Huge retention and lease are clamped, never wrapped into "expired at once".
#[tokio::test]
async fn huge_durations_keep_protection_on() {
    let (server, calls) = start(
        stripe_layer()
            .retention(Duration::MAX)
            .reservation_lease(Duration::MAX),
    )
    .await;
    let request = stripe_event(&server, "evt_huge");
    assert_eq!(send(copy(&request)).await.status, StatusCode::OK);
    assert!(is_duplicate(&send(copy(&request)).await));
    assert_eq!(calls.count(), 1);
}

/// A memory store whose first completion never answers.
struct StallingStore {
    inner: MemoryStore,
    completions: AtomicUsize,
    completed: Notify,
}

impl ReplayStore for StallingStore {
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
        if self.completions.fetch_add(1, Ordering::SeqCst) == 0 {
            return Box::pin(std::future::pending());
        }
        Box::pin(async move {
            let outcome = self.inner.complete(keys, token, retention).await;
            self.completed.notify_one();
            outcome
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

/// A completion that times out is retried in the background: the next exact replay is a
/// duplicate.
#[tokio::test]
async fn a_completion_that_times_out_still_lands() {
    let store = Arc::new(StallingStore {
        inner: MemoryStore::new(),
        completions: AtomicUsize::new(0),
        completed: Notify::new(),
    });
    let layer = stripe_layer()
        .replay_store(store.clone())
        .store_timeout(Duration::from_millis(50));
    let counters = layer.counters().clone();
    let (server, calls) = start(layer).await;
    let request = stripe_event(&server, "evt_stall");
    assert_eq!(send(copy(&request)).await.status, StatusCode::OK);
    store.completed.notified().await;
    assert!(is_duplicate(&send(copy(&request)).await));
    assert_eq!(calls.count(), 1);
    assert_eq!(store.completions.load(Ordering::SeqCst), 2);
    assert_eq!(counters.completions_lost(), 0);
}

#[cfg(feature = "redis")]
mod redis_store {
    use super::*;
    use common::redis_server::RedisServer;
    use tower_webhook::replay::RedisStore;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn slow_handler_keeps_its_lease_in_redis() {
        let redis = RedisServer::start();
        let store = RedisStore::connect(&redis.url()).await.unwrap();
        slow_handler_keeps_its_lease(stripe_layer().replay_store(store)).await;
    }

    /// Redis killed and restarted while the handler runs: the reservation is gone, and
    /// the completion still lands, so the next exact replay is a duplicate.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn completion_lands_after_redis_restarts_mid_handler() {
        let mut redis = RedisServer::start();
        let store = RedisStore::connect(&redis.url()).await.unwrap();
        let layer = stripe_layer()
            .replay_store(store)
            .store_timeout(Duration::from_secs(2));
        let counters = layer.counters().clone();
        let gate = Gate::default();
        let server = gated_server(layer, gate.clone()).await;
        let request = stripe_event(&server, "evt_restart");
        let first = tokio::spawn(send(copy(&request)));
        gate.entered.notified().await;
        redis.kill();
        redis.restart();
        gate.release.notify_one();
        assert_eq!(first.await.unwrap().status, StatusCode::OK);

        // The completion may be retried in the background: wait until Redis holds it.
        let client = redis::Client::open(redis.url()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg("*")
                .query_async(&mut connection)
                .await
                .unwrap();
            if !keys.is_empty() {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "completion never landed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(is_duplicate(&send(copy(&request)).await));
        assert_eq!(gate.calls.count(), 1);
        assert_eq!(counters.completions_lost(), 0);
    }
}

/// Twitch's message type is not signed: a captured callback verification resent as a
/// notification, or a notification resent as a verification, never reaches the handler.
#[tokio::test]
async fn twitch_message_type_cannot_turn_one_message_into_another() {
    let secret = "twitch secret 0123456789";
    let layer = WebhookLayer::new(Verifier::new(providers::twitch(), secret).unwrap());
    let (server, calls) = start(layer).await;
    let signer = Signer::new(providers::twitch(), secret).unwrap();
    let challenge = r#"{"challenge":"pogchamp","subscription":{"type":"channel.follow"}}"#;
    let verification = signer
        .sign(with_header(
            &post_to(&server, challenge),
            "twitch-eventsub-message-type",
            "webhook_callback_verification",
        ))
        .unwrap();
    let reply = send(copy(&verification)).await;
    assert_eq!(reply.text(), "pogchamp");
    let as_notification = with_header(
        &verification,
        "twitch-eventsub-message-type",
        "notification",
    );
    assert!(send(as_notification).await.status.is_client_error());

    let event = r#"{"subscription":{"type":"channel.follow"},"event":{"user_id":"1"}}"#;
    let notification = signer
        .sign(with_header(
            &post_to(&server, event),
            "twitch-eventsub-message-type",
            "notification",
        ))
        .unwrap();
    let as_verification = with_header(
        &notification,
        "twitch-eventsub-message-type",
        "webhook_callback_verification",
    );
    assert!(send(as_verification).await.status.is_client_error());
    assert_eq!(send(copy(&notification)).await.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);
}

/// During a rotation, Zoom's URL validation is answered with the key that verified it.
#[tokio::test]
async fn zoom_url_validation_uses_the_key_that_verified() {
    use hmac::{KeyInit, Mac};
    let (old, new) = ("zoom old token", "zoom new token");
    let verifier = Verifier::builder(providers::zoom())
        .secrets([old, new])
        .build()
        .unwrap();
    let (server, calls) = start(WebhookLayer::new(verifier)).await;
    let body =
        r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event":"endpoint.url_validation"}"#;
    let request = Signer::new(providers::zoom(), new)
        .unwrap()
        .sign(post_to(&server, body))
        .unwrap();
    let reply = send(request).await;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(new.as_bytes()).unwrap();
    mac.update(b"qgg8vlvZRS6UYooatFL8Aw");
    let expected = hex::encode(mac.finalize().into_bytes());
    assert_eq!(reply.json()["encryptedToken"], expected);
    assert_eq!(calls.count(), 0);
}

/// A scheme that counts how often it verifies.
#[derive(Debug, Clone)]
struct Counting<S>(S, Arc<AtomicUsize>);

impl<S: Scheme> Scheme for Counting<S> {
    type Key = S::Key;
    fn provider(&self) -> &str {
        self.0.provider()
    }
    fn key(&self, secret: &tower_webhook::Secret) -> Result<S::Key, tower_webhook::ConfigError> {
        self.0.key(secret)
    }
    fn verify(
        &self,
        request: &tower_webhook::scheme::WebhookRequest<'_>,
        keys: &[S::Key],
    ) -> Result<tower_webhook::scheme::Verified, tower_webhook::Rejection> {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.verify(request, keys)
    }
    fn sign(
        &self,
        secret: &tower_webhook::Secret,
        request: &mut http::Request<Bytes>,
        message: &tower_webhook::scheme::Message<'_>,
    ) -> Result<(), tower_webhook::ConfigError> {
        self.0.sign(secret, request, message)
    }
    fn handshake(
        &self,
        request: &tower_webhook::scheme::WebhookRequest<'_>,
        keys: &[S::Key],
    ) -> Option<Result<tower_webhook::scheme::HandshakeResponse, tower_webhook::Rejection>> {
        self.0.handshake(request, keys)
    }
}

/// A signed handshake is verified once, like any delivery.
#[tokio::test]
async fn discord_ping_is_verified_once() {
    let seed = "769b93a3be05897f21ff10564f054b6c3055d916534b44a3450a13367e375cad";
    let public = "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c";
    let verifications = Arc::new(AtomicUsize::new(0));
    let scheme = Counting(providers::discord(), verifications.clone());
    let (server, calls) = start(WebhookLayer::new(Verifier::new(scheme, public).unwrap())).await;
    let ping = Signer::new(providers::discord(), seed)
        .unwrap()
        .sign(post_to(&server, r#"{"id":"1","type":1}"#))
        .unwrap();
    let reply = send(ping).await;
    assert_eq!(reply.json(), serde_json::json!({"type": 1}));
    assert_eq!(verifications.load(Ordering::SeqCst), 1);
    assert_eq!(calls.count(), 0);
}

/// Public-key schemes check at most two signature entries: junk entries cannot multiply
/// the work of one request.
#[tokio::test]
async fn public_key_schemes_bound_the_entries_checked() {
    let seed = "whsk_dpuTo74FiX8h/xBWTwVLbDBV2RZTS0SjRQoTNn43XK0=";
    let public = "whpk_cAcg86Wd3mkGNkDwKaBvOuQsrj1abd3PygFb53kuhxw=";
    let scheme = providers::standard_webhooks_ed25519();
    let (server, calls) = start(WebhookLayer::new(
        Verifier::new(scheme.clone(), public).unwrap(),
    ))
    .await;
    let valid = Signer::new(scheme, seed)
        .unwrap()
        .sign(post_to(&server, r#"{"type":"ping"}"#))
        .unwrap();
    let signature = valid.headers()["webhook-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let junk = |n: usize| {
        let entries: Vec<String> = (0..n).map(|i| format!("v1a,{}", base64_junk(i))).collect();
        entries.join(" ")
    };
    // Two junk entries and the valid one: refused before any third verification.
    let three = with_header(
        &valid,
        "webhook-signature",
        &format!("{} {signature}", junk(2)),
    );
    let reply = send(three).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    // One junk entry beside the valid one still passes (a provider's key rotation).
    let two = with_header(
        &valid,
        "webhook-signature",
        &format!("{} {signature}", junk(1)),
    );
    assert_eq!(send(two).await.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);
}

fn base64_junk(i: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode([i as u8 + 1; 64])
}

/// Heroku's retry carries a new `webhook_metadata.attempt.id` (different bytes, a new
/// signature) and the same signed `webhook_metadata.delivery.id`: a duplicate.
#[tokio::test]
async fn heroku_retries_are_recognised_by_the_signed_delivery_id() {
    let secret = "heroku webhook secret";
    let (server, calls) = start(WebhookLayer::new(
        Verifier::new(providers::heroku(), secret).unwrap(),
    ))
    .await;
    let attempt = |attempt: &str| {
        let body = format!(
            r#"{{"action":"create","resource":"release","webhook_metadata":{{"attempt":{{"id":"{attempt}"}},"delivery":{{"id":"d-1"}}}}}}"#
        );
        Signer::new(providers::heroku(), secret)
            .unwrap()
            .sign(post_to(&server, body))
            .unwrap()
    };
    assert_eq!(send(attempt("a-1")).await.status, StatusCode::OK);
    assert!(is_duplicate(&send(attempt("a-2")).await));
    assert_eq!(calls.count(), 1);
}
