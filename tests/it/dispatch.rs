//! `Dispatch` behind the layer, over real HTTP on 127.0.0.1: which handler runs for which
//! event, what an unhandled event and a payload that does not fit are answered.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::routing::post_service;
use axum::Router;
use bytes::Bytes;
use common::{send, Calls, Server};
use http::StatusCode;
use serde::Deserialize;
use tower_webhook::dispatch::{Dispatch, Dispatched, Route, UNHANDLED_HEADER};
use tower_webhook::{providers, Delivery, Signer, Verifier, Webhook, WebhookLayer};

const SECRET: &str = "dispatch secret";

/// Records which handler ran for which delivery.
#[derive(Clone, Default)]
struct Ran(Arc<Mutex<Vec<String>>>);

impl Ran {
    fn push(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A handler that records `label` with the dispatched name and route.
fn recorder(
    ran: &Ran,
    label: &'static str,
) -> impl Fn(Dispatched) -> std::future::Ready<StatusCode> + Clone + Send + Sync + 'static {
    let ran = ran.clone();
    move |dispatched: Dispatched| {
        ran.push(format!(
            "{label} {} {}",
            dispatched.name().unwrap_or_default(),
            dispatched.route()
        ));
        std::future::ready(StatusCode::OK)
    }
}

async fn github_server(dispatch: Dispatch) -> Server {
    let verifier = Verifier::new(providers::github(), SECRET).unwrap();
    let app = Router::new().route(
        "/github",
        post_service(dispatch).route_layer(WebhookLayer::new(verifier)),
    );
    Server::start(app).await
}

fn github(server: &Server, event: &str, body: &str, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/github"))
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    Signer::new(providers::github(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

#[tokio::test]
async fn most_specific_route_wins() {
    let ran = Ran::default();
    let dispatch = Dispatch::new()
        .on("push", recorder(&ran, "push"))
        .on("issues.opened", recorder(&ran, "opened"))
        .on("issues", recorder(&ran, "issues"))
        .on("issues.*", recorder(&ran, "issues-prefix"))
        .on("pull_request.*", recorder(&ran, "pr-prefix"))
        .on("pull_request.re*", recorder(&ran, "pr-re-prefix"))
        .on("check_*", recorder(&ran, "check-prefix"))
        .fallback(recorder(&ran, "fallback"));
    let server = github_server(dispatch).await;

    let cases = [
        ("push", r#"{"ref":"refs/heads/main"}"#, "push push push"),
        // The exact name with the action beats the event type and the prefix.
        (
            "issues",
            r#"{"action":"opened"}"#,
            "opened issues.opened issues.opened",
        ),
        // The exact event type beats the prefix.
        (
            "issues",
            r#"{"action":"closed"}"#,
            "issues issues.closed issues",
        ),
        // The longest prefix wins.
        (
            "pull_request",
            r#"{"action":"reopened"}"#,
            "pr-re-prefix pull_request.reopened pull_request.re*",
        ),
        (
            "pull_request",
            r#"{"action":"closed"}"#,
            "pr-prefix pull_request.closed pull_request.*",
        ),
        // A prefix of the event type itself: no action needed.
        (
            "check_run",
            r#"{"action":"created"}"#,
            "check-prefix check_run.created check_*",
        ),
        (
            "star",
            r#"{"action":"created"}"#,
            "fallback star.created (fallback)",
        ),
        // An action that is not a string is no action.
        ("fork", r#"{"action":{"x":1}}"#, "fallback fork (fallback)"),
    ];
    for (i, (event, body, _)) in cases.iter().enumerate() {
        // GitHub signs neither the id nor a timestamp: identical bodies would be one
        // delivery (the second a duplicate), so each body says which case it is.
        let body = format!(r#"{{"case":{i},{}"#, &body[1..]);
        let reply = send(github(&server, event, &body, &format!("guid-{i}"))).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{event} {body}: {}",
            reply.text()
        );
        assert!(reply.headers.get(UNHANDLED_HEADER).is_none());
    }
    let expected: Vec<String> = cases.iter().map(|c| c.2.to_owned()).collect();
    assert_eq!(ran.take(), expected);
}

#[tokio::test]
async fn unhandled_events_are_acknowledged_and_marked() {
    let calls = Calls::default();
    let handler = {
        let calls = calls.clone();
        move || {
            calls.hit();
            async { StatusCode::OK }
        }
    };
    let server = github_server(
        Dispatch::new()
            .on("push", handler.clone())
            .on("issues.opened", handler),
    )
    .await;

    let reply = send(github(&server, "issues", r#"{"action":"closed"}"#, "g1")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[UNHANDLED_HEADER], "issues.closed");
    let reply = send(github(&server, "star", r#"{"action":"created"}"#, "g2")).await;
    assert_eq!(reply.status, StatusCode::OK);
    // No route starts with `star.`: the action was not needed, nor read.
    assert_eq!(reply.headers[UNHANDLED_HEADER], "star");
    assert_eq!(calls.count(), 0);

    // GitHub's event type is unsigned, so the "unhandled" answer rests on a claim: the
    // delivery is released, not completed, and a copy is answered "unhandled" again
    // (no handler runs), so that a relabelled copy of a failed delivery cannot complete
    // the genuine one (tests/replay_joints.rs).
    let again = send(github(&server, "star", r#"{"action":"created"}"#, "g2")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.headers.get("webhook-duplicate").is_none());
    assert_eq!(again.headers[UNHANDLED_HEADER], "star");
    assert_eq!(calls.count(), 0);

    // The marker survives a chosen status; the handlers still do not run.
    let server = github_server(Dispatch::new().unhandled(StatusCode::NOT_IMPLEMENTED)).await;
    let reply = send(github(&server, "push", r#"{"ref":"x"}"#, "g3")).await;
    assert_eq!(reply.status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(reply.headers[UNHANDLED_HEADER], "push");
    // Not a 2xx: the delivery was released and its retry is handled (here, unhandled again).
    let retry = send(github(&server, "push", r#"{"ref":"x"}"#, "g3")).await;
    assert!(retry.headers.get("webhook-duplicate").is_none());
}

#[derive(Debug, Deserialize)]
struct Push {
    #[serde(rename = "ref")]
    git_ref: String,
}

#[tokio::test]
async fn a_typed_payload_that_does_not_fit_is_500_and_the_handler_does_not_run() {
    let calls = Calls::default();
    let ran = Ran::default();
    let dispatch = {
        let (calls, ran) = (calls.clone(), ran.clone());
        Dispatch::new().on(
            "push",
            move |delivery: Delivery, Webhook(push): Webhook<Push>| {
                calls.hit();
                ran.push(format!("{} {}", delivery.id(), push.git_ref));
                async { StatusCode::OK }
            },
        )
    };
    let server = github_server(dispatch).await;

    let reply = send(github(
        &server,
        "push",
        r#"{"ref":"refs/heads/main"}"#,
        "ok-1",
    ))
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(ran.take(), ["ok-1 refs/heads/main"]);

    let bad = github(
        &server,
        "push",
        r#"{"reference":"refs/heads/main"}"#,
        "bad-1",
    );
    let reply = send(bad.clone()).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let text = reply.text();
    assert!(text.contains("github event `push`"), "{text}");
    assert!(text.contains("missing field `ref`"), "{text}");
    assert_eq!(calls.count(), 1);
    // Released, so the provider's retry after a fix is handled rather than a duplicate.
    let retry = send(bad).await;
    assert_eq!(retry.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(retry.headers.get("webhook-duplicate").is_none());
}

#[tokio::test]
async fn unsigned_event_types_can_be_refused() {
    let calls = Calls::default();
    let handler = {
        let calls = calls.clone();
        move || {
            calls.hit();
            async { StatusCode::OK }
        }
    };
    let dispatch = Dispatch::new()
        .on("push", handler.clone())
        .on("invoice.paid", handler)
        .require_signed_event_type();

    // GitHub's X-GitHub-Event is not signed: refused.
    let server = github_server(dispatch.clone()).await;
    let reply = send(github(&server, "push", r#"{"ref":"x"}"#, "g1")).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        reply.text().contains("signed event types"),
        "{}",
        reply.text()
    );
    assert_eq!(calls.count(), 0);

    // Stripe signs the body's `type`: dispatched.
    let verifier = Verifier::new(providers::stripe(), "whsec_test").unwrap();
    let app = Router::new().route(
        "/stripe",
        post_service(dispatch).route_layer(WebhookLayer::new(verifier)),
    );
    let server = Server::start(app).await;
    let request = http::Request::post(server.url("/stripe"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"id":"evt_1","type":"invoice.paid"}"#,
        ))
        .unwrap();
    let request = Signer::new(providers::stripe(), "whsec_test")
        .unwrap()
        .sign_with(request, "evt_1", SystemTime::now())
        .unwrap();
    assert_eq!(send(request).await.status, StatusCode::OK);
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn stripe_prefixes_match_the_event_type() {
    let ran = Ran::default();
    let dispatch = Dispatch::new()
        .on("checkout.session.completed", recorder(&ran, "checkout"))
        .on("customer.subscription.*", recorder(&ran, "subscription"));
    let verifier = Verifier::new(providers::stripe(), "whsec_test").unwrap();
    let server = Server::start(Router::new().route(
        "/stripe",
        post_service(dispatch).route_layer(WebhookLayer::new(verifier)),
    ))
    .await;
    for (i, kind) in [
        "checkout.session.completed",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.paid",
    ]
    .iter()
    .enumerate()
    {
        let id = format!("evt_{i}");
        let request = http::Request::post(server.url("/stripe"))
            .header("content-type", "application/json")
            .body(Bytes::from(format!(r#"{{"id":"{id}","type":"{kind}"}}"#)))
            .unwrap();
        let request = Signer::new(providers::stripe(), "whsec_test")
            .unwrap()
            .sign_with(request, &id, SystemTime::now())
            .unwrap();
        let reply = send(request).await;
        assert_eq!(reply.status, StatusCode::OK);
        if *kind == "invoice.paid" {
            assert_eq!(reply.headers[UNHANDLED_HEADER], "invoice.paid");
        }
    }
    assert_eq!(
        ran.take(),
        [
            "checkout checkout.session.completed checkout.session.completed",
            "subscription customer.subscription.updated customer.subscription.*",
            "subscription customer.subscription.deleted customer.subscription.*",
        ]
    );
}

#[tokio::test]
async fn without_the_layer_the_dispatcher_names_the_mistake() {
    let app = Router::new().route(
        "/github",
        post_service(Dispatch::new().on("push", || async { "x" })),
    );
    let server = Server::start(app).await;
    let reply = send(
        http::Request::post(server.url("/github"))
            .header("x-github-event", "push")
            .body(Bytes::from_static(b"{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(reply.text().contains("WebhookLayer"), "{}", reply.text());
}

#[test]
#[should_panic(expected = "registered twice")]
fn a_route_registered_twice_is_a_mistake_found_at_start() {
    let _ = Dispatch::new()
        .on("push", || async {})
        .on("push", || async {});
}

#[test]
fn routes_are_listed_in_debug() {
    let dispatch = Dispatch::new()
        .on("push", || async {})
        .on("customer.subscription.*", || async {});
    let text = format!("{dispatch:?}");
    assert!(
        text.contains("\"push\"") && text.contains("customer.subscription.*"),
        "{text}"
    );
    let _ = Route::Fallback;
}

/// Stripe signs the body's `type`: an "unhandled" answer rests on signed data, so the
/// delivery is completed and its copy is a duplicate (where an unsigned event type's is
/// released: `unhandled_events_are_acknowledged_and_marked`).
#[tokio::test]
async fn an_unhandled_signed_event_type_is_completed() {
    let verifier = Verifier::new(providers::stripe(), "whsec_test").unwrap();
    let app = Router::new().route(
        "/stripe",
        post_service(Dispatch::new()).route_layer(WebhookLayer::new(verifier)),
    );
    let server = Server::start(app).await;
    let delivery = || {
        let request = http::Request::post(server.url("/stripe"))
            .header("content-type", "application/json")
            .body(Bytes::from_static(
                br#"{"id":"evt_unrouted","type":"invoice.paid"}"#,
            ))
            .unwrap();
        Signer::new(providers::stripe(), "whsec_test")
            .unwrap()
            .sign_with(request, "evt_unrouted", SystemTime::now())
            .unwrap()
    };
    let first = send(delivery()).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.headers[UNHANDLED_HEADER], "invoice.paid");
    let again = send(delivery()).await;
    assert_eq!(again.headers["webhook-duplicate"], "true");
}

/// A handler takes `Option<InboxJob>`: the inbox's job (its stable id and the attempt
/// number) when the inbox's workers run it, `None` on the request's path.
#[cfg(feature = "inbox-sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_reads_the_inbox_job_when_the_inbox_runs_it() {
    use std::time::Duration;
    use tower_webhook::inbox::{Inbox, InboxJob};
    use tower_webhook::replay::MemoryStore;

    let ran = Ran::default();
    let (seen, done) = (ran.clone(), Arc::new(tokio::sync::Notify::new()));
    let finished = done.clone();
    let dispatch = Dispatch::new().on("push", move |job: Option<InboxJob>| {
        let (seen, finished) = (seen.clone(), finished.clone());
        async move {
            let attempt = job.as_ref().map(InboxJob::attempt);
            seen.push(format!("attempt {attempt:?}"));
            match attempt {
                // The inbox's first attempt fails; its retry is the second.
                Some(1) => StatusCode::INTERNAL_SERVER_ERROR,
                Some(_) => {
                    finished.notify_one();
                    StatusCode::OK
                }
                None => StatusCode::OK,
            }
        }
    });

    let dir =
        std::env::temp_dir().join(format!("tower-webhook-dispatch-job-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let inbox = Inbox::connect(&format!("sqlite://{}", dir.join("inbox.db").display()))
        .await
        .unwrap();
    let workers = inbox
        .workers(dispatch.clone())
        .backoff(Duration::from_millis(10), Duration::from_millis(20))
        .poll_interval(Duration::from_millis(10))
        .spawn();
    let verifier = || Verifier::new(providers::github(), SECRET).unwrap();
    let inboxed = Server::start(Router::new().route(
        "/github",
        post_service(dispatch.clone()).route_layer(WebhookLayer::new(verifier()).inbox(inbox)),
    ))
    .await;
    let direct = Server::start(
        Router::new().route(
            "/github",
            post_service(dispatch)
                .route_layer(WebhookLayer::new(verifier()).replay_store(MemoryStore::new())),
        ),
    )
    .await;

    let reply = send(github(&inboxed, "push", r#"{"ref":"main"}"#, "d-1")).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    tokio::time::timeout(Duration::from_secs(20), done.notified())
        .await
        .expect("the inbox's second attempt");
    let reply = send(github(&direct, "push", r#"{"ref":"dev"}"#, "d-2")).await;
    assert_eq!(reply.status, StatusCode::OK);
    workers.shutdown().await;
    assert_eq!(
        ran.take(),
        ["attempt Some(1)", "attempt Some(2)", "attempt None"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
