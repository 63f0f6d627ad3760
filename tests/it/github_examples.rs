//! Every example payload of `@octokit/webhooks-examples` (tests/fixtures/github, one per
//! event type and action, written by GitHub's community, not here), signed as GitHub
//! signs, sent over HTTP through the layer to a dispatcher: each reaches the handler of
//! its own `event.action` (or event type), and with `github-types` each is parsed by
//! octocrab's model or falls back to the raw JSON, never refused.

use crate::common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::routing::post_service;
use axum::Router;
use bytes::Bytes;
use common::{send, Server};
use http::StatusCode;
use tower_webhook::dispatch::{Dispatch, Dispatched, Route, UNHANDLED_HEADER};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const SECRET: &str = "octokit examples";

struct Example {
    event: String,
    action: Option<String>,
    body: Bytes,
}

fn examples() -> Vec<Example> {
    let text = include_str!("../fixtures/github/examples.json");
    let list: Vec<serde_json::Value> = serde_json::from_str(text).expect("fixture");
    list.into_iter()
        .map(|entry| Example {
            event: entry["event"].as_str().expect("event").to_owned(),
            action: entry["payload"]["action"].as_str().map(str::to_owned),
            body: Bytes::from(serde_json::to_vec(&entry["payload"]).expect("payload")),
        })
        .collect()
}

fn name(example: &Example) -> String {
    match &example.action {
        Some(action) => format!("{}.{action}", example.event),
        None => example.event.clone(),
    }
}

async fn serve(dispatch: Dispatch) -> Server {
    let verifier = Verifier::new(providers::github(), SECRET).unwrap();
    Server::start(Router::new().route(
        "/github",
        post_service(dispatch).route_layer(WebhookLayer::new(verifier)),
    ))
    .await
}

fn request(server: &Server, example: &Example, n: usize) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/github"))
        .header("content-type", "application/json")
        .header("x-github-event", &example.event)
        .body(example.body.clone())
        .unwrap();
    Signer::new(providers::github(), SECRET)
        .unwrap()
        .sign_with(request, &format!("delivery-{n}"), SystemTime::now())
        .unwrap()
}

#[tokio::test]
async fn every_example_reaches_the_handler_of_its_event_and_action() {
    let examples = examples();
    assert!(examples.len() >= 150, "{} examples", examples.len());
    let events: std::collections::BTreeSet<&str> =
        examples.iter().map(|e| e.event.as_str()).collect();
    assert!(events.len() >= 50, "{} event types", events.len());

    let ran: Arc<Mutex<Vec<String>>> = Arc::default();
    let handler = |label: String| {
        let ran = ran.clone();
        move |dispatched: Dispatched, delivery: Delivery| {
            ran.lock().unwrap().push(format!(
                "{label} <- {} {} via {}",
                delivery.id(),
                dispatched.name().unwrap_or_default(),
                dispatched.route()
            ));
            async { StatusCode::OK }
        }
    };
    // A route per `event.action` pair, plus one per event type for actionless examples.
    let mut dispatch = Dispatch::new();
    for example in &examples {
        let name = name(example);
        dispatch = dispatch.on(&name, handler(name.clone()));
    }
    let server = serve(dispatch).await;

    let mut expected = Vec::new();
    for (n, example) in examples.iter().enumerate() {
        let reply = send(request(&server, example, n)).await;
        let name = name(example);
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.text());
        assert!(reply.headers.get(UNHANDLED_HEADER).is_none(), "{name}");
        expected.push(format!("{name} <- delivery-{n} {name} via {name}"));
    }
    assert_eq!(*ran.lock().unwrap(), expected);
}

#[tokio::test]
async fn prefixes_and_fallback_over_the_examples() {
    let examples = examples();
    let ran: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let handler = || {
        let ran = ran.clone();
        move |dispatched: Dispatched, delivery: Delivery| {
            let route = match dispatched.route() {
                Route::Exact(_) => "exact",
                Route::Prefix(_) => "prefix",
                Route::Fallback => "fallback",
                _ => "other",
            };
            ran.lock()
                .unwrap()
                .insert(delivery.id().to_owned(), route.to_owned());
            async { StatusCode::OK }
        }
    };
    let dispatch = Dispatch::new()
        .on("push", handler())
        .on("issues.opened", handler())
        .on("pull_request.*", handler())
        .on("workflow_*", handler());
    let server = serve(dispatch.clone()).await;
    let with_fallback = serve(dispatch.fallback(handler())).await;

    for (n, example) in examples.iter().enumerate() {
        let name = name(example);
        let route = if name == "push" || name == "issues.opened" {
            Some("exact")
        } else if name.starts_with("pull_request.") || name.starts_with("workflow_") {
            Some("prefix")
        } else {
            None
        };
        let reply = send(request(&server, example, n)).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}");
        let id = format!("delivery-{n}");
        let took = ran.lock().unwrap().remove(&id);
        match route {
            Some(route) => assert_eq!(took.as_deref(), Some(route), "{name}"),
            None => {
                // Unhandled: acknowledged, marked with the name looked up (the action is
                // read only where a route starts with the event type: `issues.`), and no
                // handler ran.
                assert_eq!(took, None, "{name}");
                let looked_up = if example.event == "issues" {
                    &name
                } else {
                    &example.event
                };
                assert_eq!(reply.headers[UNHANDLED_HEADER], **looked_up, "{name}");
            }
        }
        let reply = send(request(&with_fallback, example, n)).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}");
        let took = ran.lock().unwrap().remove(&id);
        assert_eq!(took.as_deref(), Some(route.unwrap_or("fallback")), "{name}");
    }
}

#[cfg(feature = "github-types")]
#[tokio::test]
async fn with_github_types_every_example_is_parsed_or_falls_back_to_json() {
    use tower_webhook::typed::octocrab::models::webhook_events::WebhookEventPayload;
    use tower_webhook::typed::GitHubEvent;

    let examples = examples();
    let parsed: Arc<Mutex<BTreeMap<String, bool>>> = Arc::default();
    let dispatch = {
        let parsed = parsed.clone();
        Dispatch::new().fallback(move |dispatched: Dispatched, event: GitHubEvent| {
            let name = dispatched.name().unwrap_or_default();
            if let GitHubEvent::Known(known) = &event {
                // The model's variant is the delivery's event type.
                if name == "push" {
                    assert!(matches!(known.specific, WebhookEventPayload::Push(_)));
                }
            }
            parsed.lock().unwrap().insert(name, event.is_known());
            async { StatusCode::OK }
        })
    };
    let server = serve(dispatch).await;
    for (n, example) in examples.iter().enumerate() {
        let reply = send(request(&server, example, n)).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{}: {}",
            name(example),
            reply.text()
        );
    }
    let parsed = parsed.lock().unwrap();
    assert_eq!(parsed.len(), examples.len());
    let unknown: Vec<&String> = parsed
        .iter()
        .filter(|(_, k)| !**k)
        .map(|(n, _)| n)
        .collect();
    eprintln!(
        "octocrab parsed {} of {} examples; raw JSON for {:?}",
        parsed.len() - unknown.len(),
        parsed.len(),
        unknown
    );
    // The events an application most often handles are parsed, not merely accepted.
    for name in [
        "push",
        "issues.opened",
        "pull_request.opened",
        "issue_comment.created",
    ] {
        assert_eq!(parsed.get(name), Some(&true), "{name}");
    }
}
