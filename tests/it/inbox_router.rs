//! The inbox's JSON API (`Inbox::router`), through real HTTP on 127.0.0.1: nested under a
//! prefix as a user mounts it, over an inbox fed by the layer and worked by real workers.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Reply, Server};
use http::StatusCode;
use serde_json::Value;
use tower_webhook::inbox::Inbox;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn delivery(base: &str, id: &str, kind: &str) -> http::Request<Bytes> {
    let request = http::Request::post(format!("{base}/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from(format!(r#"{{"type":"{kind}","id":"{id}"}}"#)))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

/// Calls the API as a client of a JSON API does: state changes say
/// `Content-Type: application/json` (with no body), which the API requires.
async fn call(method: &str, url: String) -> Reply {
    let mut request = http::Request::builder().method(method).uri(url);
    if method != "GET" {
        request = request.header("content-type", "application/json");
    }
    send(request.body(Bytes::new()).unwrap()).await
}

/// Calls the API as a cross-site page can make a browser call it: a form post (or a
/// `no-cors` fetch) with one of the content types a browser sends without a preflight,
/// or none.
async fn call_as_a_form(method: &str, url: String, content_type: Option<&str>) -> Reply {
    let mut request = http::Request::builder().method(method).uri(url);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    send(request.body(Bytes::from_static(b"x=1")).unwrap()).await
}

async fn json(method: &str, url: String) -> (StatusCode, Value) {
    let reply = call(method, url).await;
    assert_eq!(
        reply.headers.get("content-type").unwrap(),
        "application/json"
    );
    (reply.status, reply.json())
}

/// Polls `GET /stats` until `done` holds, for at most 20 seconds.
async fn wait_stats(admin: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, stats) = json("GET", format!("{admin}/stats")).await;
        assert_eq!(status, StatusCode::OK);
        if done(&stats) {
            return stats;
        }
        assert!(Instant::now() < deadline, "{stats}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_api_lists_shows_replays_forgets_and_purges() {
    let dir = std::env::temp_dir().join(format!("tower-webhook-router-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let inbox = Inbox::connect(&format!("sqlite://{}", dir.join("inbox.db").display()))
        .await
        .unwrap();
    // "order.failing" fails until the downstream is healthy: it goes dead.
    let healthy = Arc::new(AtomicBool::new(false));
    let handlers = {
        let healthy = healthy.clone();
        Router::new().route(
            "/hook",
            post(move |delivery: tower_webhook::Delivery| {
                let healthy = healthy.clone();
                async move {
                    if delivery.event_type() == Some("order.failing")
                        && !healthy.load(Ordering::SeqCst)
                    {
                        StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        )
    };
    let workers = inbox
        .workers(handlers.clone())
        .max_attempts(1)
        .poll_interval(Duration::from_millis(10))
        .spawn();
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let app = handlers
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
        .nest("/admin/inbox", inbox.router());
    let server = Server::start(app).await;
    let base = server.url("");
    let admin = format!("{base}/admin/inbox");

    let before = SystemTime::now() - Duration::from_secs(1);
    for (id, kind) in [("msg_ok", "order.created"), ("msg_bad", "order.failing")] {
        assert_eq!(
            send(delivery(&base, id, kind)).await.status,
            StatusCode::ACCEPTED
        );
    }
    let stats = wait_stats(&admin, |s| s["done"] == 1 && s["dead"] == 1).await;
    assert_eq!(stats["pending"], 0);
    assert_eq!(stats["oldest_pending_age_ms"], Value::Null);

    // List, with filters.
    let (status, all) = json("GET", format!("{admin}/deliveries")).await;
    assert_eq!(status, StatusCode::OK);
    let all = all["deliveries"].as_array().unwrap().clone();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["delivery_id"], "msg_bad", "newest first");
    let (_, dead) = json("GET", format!("{admin}/deliveries?state=dead")).await;
    let dead = &dead["deliveries"][0];
    assert_eq!(dead["delivery_id"], "msg_bad");
    assert_eq!(
        dead["last_error"],
        "handler answered 503 Service Unavailable"
    );
    assert_eq!(dead["provider"], "standard-webhooks");
    let count = |value: &Value| value["deliveries"].as_array().unwrap().len();
    let after = time::OffsetDateTime::from(before)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (_, found) = json(
        "GET",
        format!("{admin}/deliveries?provider=standard-webhooks&received_after={after}&limit=1"),
    )
    .await;
    assert_eq!(count(&found), 1);
    let (_, found) = json("GET", format!("{admin}/deliveries?received_before={after}")).await;
    assert_eq!(count(&found), 0);
    let (_, found) = json("GET", format!("{admin}/deliveries?provider=stripe")).await;
    assert_eq!(count(&found), 0);
    // The console's filters: exact event type and delivery id, and the source.
    let (_, found) = json(
        "GET",
        format!("{admin}/deliveries?event_type=order.failing&delivery_id=msg_bad"),
    )
    .await;
    assert_eq!(count(&found), 1);
    assert_eq!(found["deliveries"][0]["delivery_id"], "msg_bad");
    for none in ["event_type=order", "delivery_id=msg_", "source=acme"] {
        let (_, found) = json("GET", format!("{admin}/deliveries?{none}")).await;
        assert_eq!(count(&found), 0, "{none}");
    }
    for bad in [
        "state=lost",
        "limit=many",
        "received_after=yesterday",
        "color=red",
    ] {
        let (status, error) = json("GET", format!("{admin}/deliveries?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(error["error"].is_string());
    }

    // Show one, with its attempts; headers by name only.
    let id = dead["id"].as_i64().unwrap();
    let (status, shown) = json("GET", format!("{admin}/deliveries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["method"], "POST");
    assert_eq!(shown["uri"], "/hook");
    assert!(shown["body"].as_str().unwrap().contains("msg_bad"));
    assert!(shown["header_names"]
        .as_array()
        .unwrap()
        .contains(&Value::from("webhook-signature")));
    let signature = delivery(&base, "msg_bad", "order.failing");
    let signature = signature.headers()["webhook-signature"].to_str().unwrap();
    assert!(!shown
        .to_string()
        .contains(signature.split(',').nth(1).unwrap()));
    // Standard Webhooks signs the id, the event type (in the body) and the timestamp.
    assert_eq!(shown["id_signed"], true);
    assert_eq!(shown["id_is_fingerprint"], false);
    assert_eq!(shown["event_type_signed"], true);
    assert!(shown["signed_at"].as_str().is_some(), "{shown}");
    let attempts = shown["attempt_log"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        attempts[0]["error"],
        "handler answered 503 Service Unavailable"
    );
    assert_eq!(
        json("GET", format!("{admin}/deliveries/999999")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        json("GET", format!("{admin}/deliveries/not-a-number"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Replay the dead one once the downstream is back: it runs and is done.
    healthy.store(true, Ordering::SeqCst);
    let (status, replayed) = json("POST", format!("{admin}/deliveries/{id}/replay")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(replayed["replayed"], true);
    wait_stats(&admin, |s| s["done"] == 2).await;
    let (_, shown) = json("GET", format!("{admin}/deliveries/{id}")).await;
    assert_eq!(shown["state"], "done");
    assert_eq!(shown["attempt_log"].as_array().unwrap().len(), 2);
    // Nothing dead now: replay-dead replays none. A pending one cannot be replayed.
    let (_, none) = json("POST", format!("{admin}/replay-dead")).await;
    assert_eq!(none["replayed"], 0);

    // Forget the done one: its data is gone, its replay keys stay for the replay window
    // (a replay, not a redelivery, runs a done delivery again).
    let (status, forgotten) = json("DELETE", format!("{admin}/deliveries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(forgotten["forgotten"], true);
    assert_eq!(
        json("DELETE", format!("{admin}/deliveries/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        json("POST", format!("{admin}/deliveries/{id}/replay"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let redelivered = send(delivery(&base, "msg_bad", "order.failing")).await;
    assert_eq!(redelivered.status, StatusCode::OK);
    assert_eq!(redelivered.headers["webhook-duplicate"], "true");
    wait_stats(&admin, |s| s["done"] == 1).await;

    // Purge: needs its age; nothing is a day old; everything done is older than 0 s
    // once the clock has moved past the finish times.
    assert_eq!(
        json("POST", format!("{admin}/purge-done")).await.0,
        StatusCode::BAD_REQUEST
    );
    let (_, purged) = json("POST", format!("{admin}/purge-done?older_than_secs=86400")).await;
    assert_eq!(purged["purged"], 0);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut total = 0;
    while total < 1 {
        let (_, purged) = json("POST", format!("{admin}/purge-done?older_than_secs=0")).await;
        total += purged["purged"].as_u64().unwrap();
        assert!(Instant::now() < deadline, "purge");
        tokio::task::yield_now().await;
    }
    let stats = wait_stats(&admin, |_| true).await;
    assert_eq!(stats["done"], 0);
    workers.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_form_cannot_replay_forget_or_purge() {
    let dir =
        std::env::temp_dir().join(format!("tower-webhook-router-csrf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let inbox = Inbox::connect(&format!("sqlite://{}", dir.join("inbox.db").display()))
        .await
        .unwrap();
    // Every delivery fails once and is dead: a replay would make it pending again.
    let handlers = Router::new().route("/hook", post(|| async { StatusCode::SERVICE_UNAVAILABLE }));
    let workers = inbox
        .workers(handlers.clone())
        .max_attempts(1)
        .poll_interval(Duration::from_millis(10))
        .spawn();
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let app = handlers
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
        .nest("/admin/inbox", inbox.router());
    let server = Server::start(app).await;
    let base = server.url("");
    let admin = format!("{base}/admin/inbox");
    assert_eq!(
        send(delivery(&base, "msg_dead", "order.failing"))
            .await
            .status,
        StatusCode::ACCEPTED
    );
    wait_stats(&admin, |s| s["dead"] == 1).await;
    // Stop the workers, so that nothing but this test changes the inbox.
    workers.shutdown().await;
    let (_, dead) = json("GET", format!("{admin}/deliveries?state=dead")).await;
    let id = dead["deliveries"][0]["id"].as_i64().unwrap();

    let state_changes = [
        ("POST", format!("{admin}/deliveries/{id}/replay")),
        ("POST", format!("{admin}/replay-dead")),
        ("DELETE", format!("{admin}/deliveries/{id}")),
        ("POST", format!("{admin}/purge-done?older_than_secs=0")),
    ];
    for (method, url) in &state_changes {
        for content_type in [
            None,
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("text/plain"),
            Some("text/plain; charset=application/json"),
        ] {
            let reply = call_as_a_form(method, url.clone(), content_type).await;
            assert_eq!(
                reply.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{method} {url} with {content_type:?}: {}",
                reply.text()
            );
            assert!(
                reply.json()["error"]
                    .as_str()
                    .unwrap()
                    .contains("Content-Type: application/json"),
                "{}",
                reply.text()
            );
        }
    }
    // Nothing changed: the delivery is still there, still dead, with its one attempt.
    let (status, shown) = json("GET", format!("{admin}/deliveries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["state"], "dead");
    assert_eq!(shown["attempt_log"].as_array().unwrap().len(), 1);

    // The same requests as a JSON client sends them (parameters allowed) do their work.
    let reply = send(
        http::Request::post(format!("{admin}/deliveries/{id}/replay"))
            .header("content-type", "Application/JSON; charset=utf-8")
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["replayed"], true);
    let (_, shown) = json("GET", format!("{admin}/deliveries/{id}")).await;
    assert_eq!(shown["state"], "pending");
    let (status, forgotten) = json("DELETE", format!("{admin}/deliveries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(forgotten["forgotten"], true);
    let _ = std::fs::remove_dir_all(&dir);
}
