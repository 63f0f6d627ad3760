//! `examples/slack_alerts.rs`'s posting of alerts, against a local incoming webhook (an axum
//! server on 127.0.0.1 that keeps what it is sent): real alerts from real workers, whose
//! delivery was sent over HTTP with an event type and a handler error that try Slack's
//! mrkdwn (`<!channel>`, a link under a false label) and JSON (quotes) on the way.

#[path = "../../examples/slack_alerts/slack.rs"]
#[allow(dead_code)]
mod slack;

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::inbox::{signed, verifier, wait_for, Database};
use common::{send, Server};
use http::StatusCode;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tower_webhook::inbox::Alert;
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{Delivery, WebhookLayer};

const HOSTILE_EVENT: &str = r#"order.<!channel>"},"x":"&"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_are_posted_as_escaped_slack_messages() {
    // The incoming webhook: keeps each body it is posted.
    let posted = Arc::new(Mutex::new(Vec::<Value>::new()));
    let incoming = {
        let posted = posted.clone();
        Server::start(Router::new().route(
            "/alerts",
            post(move |body: axum::Json<Value>| {
                let posted = posted.clone();
                async move {
                    posted.lock().unwrap().push(body.0);
                    "ok"
                }
            }),
        ))
        .await
    };
    let url: http::Uri = incoming.url("/alerts").parse().unwrap();

    let database = Database::new(common::inbox::engines()[0], "slack_alerts");
    let inbox = database.open().await;
    // A handler whose error quotes its downstream's answer: text the sender may choose.
    let handler = tower::service_fn(|request: http::Request<VerifiedBody>| async move {
        let delivery = request.extensions().get::<Delivery>().cloned();
        let event = delivery.and_then(|d| d.event_type().map(str::to_owned));
        Err::<http::Response<String>, _>(format!(
            "downstream said <http://evil.example|your bank> for {}",
            event.unwrap_or_default()
        ))
    });
    let (alerts, mut to_post) = tokio::sync::mpsc::unbounded_channel::<Alert>();
    let poster = tokio::spawn(async move {
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        while let Some(alert) = to_post.recv().await {
            slack::post(&client, &url, &alert).await.unwrap();
        }
    });
    let workers = inbox
        .workers(handler)
        .max_attempts(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(1))
        .poll_interval(Duration::from_millis(10))
        .on_alert(move |alert| {
            let _ = alerts.send(alert);
        })
        .spawn();
    let receiver = Server::start(
        Router::new()
            .route("/hook", post(|| async { StatusCode::OK }))
            .route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())),
    )
    .await;
    assert_eq!(
        send(signed(&receiver, "msg_alerted", "order.created"))
            .await
            .status,
        StatusCode::ACCEPTED
    );
    // The event type in the body, with quotes and markup in it, written by serde.
    let body = serde_json::json!({ "type": HOSTILE_EVENT, "id": "msg_hostile" }).to_string();
    let request = http::Request::post(receiver.url("/hook"))
        .header("content-type", "application/json")
        .body(Bytes::from(body))
        .unwrap();
    let request = tower_webhook::Signer::new(
        tower_webhook::providers::standard_webhooks(),
        common::inbox::SECRET,
    )
    .unwrap()
    .sign_with(request, "msg_hostile", std::time::SystemTime::now())
    .unwrap();
    assert_eq!(send(request).await.status, StatusCode::ACCEPTED);

    let messages = wait_for("four messages", || async {
        let posted = posted.lock().unwrap().clone();
        (posted.len() >= 4).then_some(posted)
    })
    .await;
    assert_eq!(messages.len(), 4, "{messages:?}");
    for message in &messages {
        let object = message.as_object().unwrap();
        assert_eq!(object.len(), 1, "only `text`: {message}");
        let text = message["text"].as_str().unwrap();
        assert!(text.contains("standard-webhooks"), "{text}");
        assert!(
            text.contains("downstream said &lt;http://evil.example|your bank&gt;"),
            "{text}"
        );
        assert!(
            !text.contains('<') && !text.contains('>'),
            "unescaped markup: {text}"
        );
    }
    let texts: Vec<&str> = messages
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    let about = |id: &str| texts.iter().filter(|text| text.contains(id)).count();
    assert_eq!(about("delivery msg_alerted "), 2, "{texts:?}");
    assert_eq!(about("delivery msg_hostile "), 2, "{texts:?}");
    assert!(texts
        .iter()
        .any(|t| t.starts_with("*Webhook attempt failed*")));
    assert!(texts
        .iter()
        .any(|t| t.starts_with("*Webhook delivery dead*")));
    let hostile = texts
        .iter()
        .find(|text| text.contains("msg_hostile"))
        .unwrap();
    assert!(
        hostile.contains(r#"event order.&lt;!channel&gt;"},"x":"&amp;"#),
        "{hostile}"
    );

    workers.shutdown().await;
    poster.abort();
}

#[test]
fn slack_markup_is_escaped() {
    assert_eq!(
        slack::escape("<!channel> & <http://a|b>"),
        "&lt;!channel&gt; &amp; &lt;http://a|b&gt;"
    );
    assert_eq!(slack::escape("plain text"), "plain text");
}

/// An event type (signed by the sender, so the sender's choice) with a line break cannot
/// start a line of the message that reads like another alert; a bidirectional override
/// cannot reorder what is shown.
#[test]
fn line_breaks_and_bidi_overrides_are_shown_escaped() {
    let escaped = slack::escape("order.created\n*Webhook lag recovered*: all good\u{202e}kcilc");
    assert!(!escaped.contains('\n'), "{escaped}");
    assert!(!escaped.contains('\u{202e}'), "{escaped}");
    assert_eq!(
        escaped,
        "order.created\\u{a}*Webhook lag recovered*: all good\\u{202e}kcilc"
    );
}

/// A webhook that accepts the connection and never answers does not hold the poster (and
/// every alert behind it) for good.
#[tokio::test]
async fn a_webhook_that_never_answers_is_given_up() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url: http::Uri = format!("http://{}/alerts", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    // Accepts, reads nothing, answers nothing.
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let message = serde_json::json!({ "text": "inbox lagging" });
    let posted = slack::post_within(&client, &url, &message, Duration::from_millis(200)).await;
    let error = posted.unwrap_err();
    assert!(error.contains("did not answer"), "{error}");
    silent.abort();
}
