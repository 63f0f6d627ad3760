//! Registration handshakes answered by the layer, through real HTTP: only after
//! verification wherever the provider signs them, and never reaching the handler.

use crate::common;

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use common::{send, Calls, Server};
use http::StatusCode;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const CHALLENGE: &str = r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;

async fn slack_server(scheme: tower_webhook::scheme::SignatureScheme) -> (Server, Calls) {
    let layer = WebhookLayer::new(Verifier::new(scheme, SLACK_SECRET).unwrap());
    common::counting_server("/slack", layer, "handler").await
}

fn challenge(server: &Server, secret: &str, at: SystemTime) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/slack"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(CHALLENGE.as_bytes()))
        .unwrap();
    Signer::new(providers::slack(), secret)
        .unwrap()
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

async fn server_for<S: tower_webhook::Scheme>(scheme: S, secret: &str) -> (Server, Calls) {
    let layer = WebhookLayer::new(Verifier::new(scheme, secret).unwrap());
    common::counting_server("/hook", layer, "handler").await
}

fn post_json(server: &Server, body: &'static str) -> http::Request<Bytes> {
    http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

#[tokio::test]
async fn zoom_url_validation_answers_with_the_encrypted_token() {
    use hmac::{KeyInit, Mac};
    let secret = "zoom secret token";
    let (server, calls) = server_for(providers::zoom(), secret).await;
    let body = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let request = Signer::new(providers::zoom(), secret)
        .unwrap()
        .sign(post_json(&server, body))
        .unwrap();
    let reply = send(request).await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(b"qgg8vlvZRS6UYooatFL8Aw");
    let expected = hex::encode(mac.finalize().into_bytes());
    assert_eq!(
        reply.json(),
        serde_json::json!({"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected})
    );

    let forged = Signer::new(providers::zoom(), "attacker")
        .unwrap()
        .sign(post_json(&server, body))
        .unwrap();
    assert_eq!(send(forged).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn twitch_callback_verification_answers_the_challenge() {
    let secret = "twitch secret 0123456789";
    let (server, calls) = server_for(providers::twitch(), secret).await;
    let body = r#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"type":"channel.follow"}}"#;
    let mut request = post_json(&server, body);
    request.headers_mut().insert(
        "twitch-eventsub-message-type",
        "webhook_callback_verification".parse().unwrap(),
    );
    let signed = Signer::new(providers::twitch(), secret)
        .unwrap()
        .sign(request.clone())
        .unwrap();
    let reply = send(signed).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "pogchamp-kappa-360noscope-vohiyo");

    let forged = Signer::new(providers::twitch(), "attacker secret 0123")
        .unwrap()
        .sign(request)
        .unwrap();
    assert_eq!(send(forged).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn meta_verify_token_handshake() {
    let (server, calls) = server_for(providers::meta("my verify token"), "app secret").await;
    let get = |query: &str| {
        http::Request::get(server.url(&format!("/hook?{query}")))
            .body(Bytes::new())
            .unwrap()
    };
    let reply = send(get(
        "hub.mode=subscribe&hub.verify_token=my+verify+token&hub.challenge=1158201444",
    ))
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "1158201444");

    let wrong = send(get(
        "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444",
    ))
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(!wrong.text().contains("my verify token"));
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn dropbox_challenge_is_echoed_as_plain_text() {
    let (server, calls) = server_for(providers::dropbox(), "app secret").await;
    let reply = send(
        http::Request::get(server.url("/hook?challenge=%3Cscript%3Ex%3C%2Fscript%3E"))
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "<script>x</script>");
    assert_eq!(reply.headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn discord_ping_gets_a_pong_only_when_signed() {
    let seed = "769b93a3be05897f21ff10564f054b6c3055d916534b44a3450a13367e375cad";
    let public = "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c";
    let (server, calls) = server_for(providers::discord(), public).await;
    let ping = Signer::new(providers::discord(), seed)
        .unwrap()
        .sign(post_json(&server, r#"{"id":"1","type":1}"#))
        .unwrap();
    let reply = send(ping).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), serde_json::json!({"type": 1}));

    let unsigned = post_json(&server, r#"{"id":"1","type":1}"#);
    assert_eq!(send(unsigned).await.status, StatusCode::UNAUTHORIZED);

    // An ordinary interaction reaches the handler.
    let command = Signer::new(providers::discord(), seed)
        .unwrap()
        .sign(post_json(&server, r#"{"id":"2","type":2}"#))
        .unwrap();
    assert_eq!(send(command).await.text(), "handler");
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn asana_hook_secret_is_echoed_only_while_expected() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use tower_webhook::scheme::{AsanaHookSecret, RegistrationHandshake};

    let expecting = Arc::new(AtomicBool::new(true));
    let stored: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
    let handshake = {
        let (expecting, stored) = (expecting.clone(), stored.clone());
        AsanaHookSecret::new(move |secret| {
            if !expecting.swap(false, Ordering::SeqCst) {
                return false;
            }
            *stored.lock().unwrap() = Some(secret.expose().to_vec());
            true
        })
    };
    let scheme =
        providers::asana().handshake(RegistrationHandshake::AsanaHookSecret(handshake.clone()));
    // Until the handshake, the endpoint has no secret of its own to verify with.
    let (server, calls) = server_for(scheme, "placeholder until the handshake").await;
    let hook_secret = "c8a1a1b09e0f4c3a9e7e3b1e0f6a2d44";
    let handshake_request = |secret: &str| {
        http::Request::post(server.url("/hook"))
            .header("x-hook-secret", secret)
            .body(Bytes::new())
            .unwrap()
    };

    let reply = send(handshake_request(hook_secret)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["x-hook-secret"], hook_secret);
    assert_eq!(
        stored.lock().unwrap().as_deref(),
        Some(hook_secret.as_bytes())
    );

    // Not creating a webhook any more: an unsolicited handshake is refused and nothing
    // is stored, so nobody can plant a secret of their own.
    let planted = send(handshake_request("attacker chosen secret")).await;
    assert_eq!(planted.status, StatusCode::UNAUTHORIZED);
    assert!(!planted.text().contains("attacker"));
    assert_eq!(
        stored.lock().unwrap().as_deref(),
        Some(hook_secret.as_bytes())
    );

    // A request that also carries a signature is an event, never a handshake.
    let disguised = http::Request::post(server.url("/hook"))
        .header("x-hook-secret", hook_secret)
        .header("x-hook-signature", "00".repeat(32))
        .body(Bytes::from_static(b"{\"events\":[]}"))
        .unwrap();
    assert_eq!(send(disguised).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.count(), 0);

    // Events are then verified with the secret the handshake delivered.
    let (server, calls) = server_for(
        providers::asana().handshake(RegistrationHandshake::AsanaHookSecret(handshake)),
        hook_secret,
    )
    .await;
    let event = http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            b"{\"events\":[{\"action\":\"changed\"}]}",
        ))
        .unwrap();
    let event = Signer::new(providers::asana(), hook_secret)
        .unwrap()
        .sign(event)
        .unwrap();
    let reply = send(event).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);
}

/// WooCommerce's unsigned ping when a webhook is saved gets `200`, reaches no handler;
/// anything else unsigned is still refused.
#[tokio::test]
async fn woocommerce_ping_is_answered() {
    let (server, calls) = server_for(providers::woocommerce(), "woo secret").await;
    let ping = http::Request::post(server.url("/hook"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from_static(b"webhook_id=42"))
        .unwrap();
    let reply = send(ping).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());
    let other = http::Request::post(server.url("/hook"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from_static(b"webhook_id=42&order=1"))
        .unwrap();
    assert_eq!(send(other).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.count(), 0);
}

/// Xero's intent-to-receive check wants 401 for a bad signature with no body at all.
#[tokio::test]
async fn xero_rejections_have_no_body() {
    let (server, calls) = server_for(providers::xero(), "xero webhook key").await;
    let forged = http::Request::post(server.url("/hook"))
        .header(
            "x-xero-signature",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .body(Bytes::from_static(br#"{"events":[]}"#))
        .unwrap();
    let reply = send(forged).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.is_empty(), "{}", reply.text());
    assert!(reply.headers.get("content-type").is_none());
    let valid = Signer::new(providers::xero(), "xero webhook key")
        .unwrap()
        .sign(post_json(&server, r#"{"events":[]}"#))
        .unwrap();
    assert_eq!(send(valid).await.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);
}

/// A server whose `/trello` route takes both POST and HEAD, as Trello needs.
async fn trello_server(scheme: tower_webhook::scheme::SignatureScheme) -> (Server, Calls) {
    let layer = WebhookLayer::new(Verifier::new(scheme, "trello app secret").unwrap());
    let calls = Calls::default();
    let counter = calls.clone();
    let handler = move || {
        counter.hit();
        async { "handler" }
    };
    let app = axum::Router::new()
        .route(
            "/trello",
            axum::routing::post(handler.clone()).head(handler),
        )
        .route_layer(layer);
    (Server::start(app).await, calls)
}

/// Trello creates a webhook only when a `HEAD` to the callback URL is answered `200`: the
/// layer answers it and the handler never runs; a POST is still verified.
#[tokio::test]
async fn trello_head_is_answered() {
    const PUBLIC: &str = "https://hooks.example.com";
    let (server, calls) = trello_server(providers::trello().public_url(PUBLIC)).await;
    let head = || {
        http::Request::head(server.url("/trello"))
            .body(Bytes::new())
            .unwrap()
    };
    let reply = send(head()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_empty());
    assert_eq!(calls.count(), 0, "the HEAD never reaches the handler");

    // Anything else unsigned is refused as before.
    let body = r#"{"action":{"type":"createCard"}}"#;
    let unsigned = http::Request::post(server.url("/trello"))
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap();
    assert_eq!(send(unsigned).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.count(), 0);

    // A signed delivery (Trello signs the callback URL it called) reaches the handler.
    let delivery = http::Request::post(format!("{PUBLIC}/trello"))
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap();
    let mut signed = Signer::new(providers::trello(), "trello app secret")
        .unwrap()
        .sign(delivery)
        .unwrap();
    *signed.uri_mut() = server.url("/trello").parse().unwrap();
    let reply = send(signed).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "handler");
    assert_eq!(calls.count(), 1);

    // Turned off, the HEAD is verified like anything else: unsigned, it is refused.
    let quiet = providers::trello().public_url(PUBLIC).without_handshake();
    let (server, calls) = trello_server(quiet).await;
    let head = http::Request::head(server.url("/trello"))
        .body(Bytes::new())
        .unwrap();
    assert_eq!(send(head).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.count(), 0);
}
