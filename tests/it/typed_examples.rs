//! The `github_app` and `stripe_billing` examples, called through their `app` functions
//! and served on 127.0.0.1, fed the vendored real payloads (tests/fixtures).

use crate::common;

use std::time::SystemTime;

use bytes::Bytes;
use common::{send, Server};
use http::StatusCode;
use tower_webhook::dispatch::UNHANDLED_HEADER;
use tower_webhook::{providers, Signer};

#[cfg(all(feature = "axum", feature = "github-types"))]
#[allow(dead_code)]
#[path = "../../examples/github_app.rs"]
mod github_app;

#[cfg(all(feature = "axum", feature = "stripe-types"))]
#[allow(dead_code)]
#[path = "../../examples/stripe_billing.rs"]
mod stripe_billing;

/// The first example of `event` (with `action`) in the octokit fixture.
#[allow(dead_code)]
fn github_example(event: &str, action: Option<&str>) -> Bytes {
    let list: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../fixtures/github/examples.json")).unwrap();
    let entry = list
        .into_iter()
        .find(|e| e["event"] == event && e["payload"]["action"].as_str() == action)
        .unwrap_or_else(|| panic!("no {event} {action:?} example"));
    Bytes::from(serde_json::to_vec(&entry["payload"]).unwrap())
}

/// The Stripe fixture event of type `kind`.
#[allow(dead_code)]
fn stripe_event(kind: &str) -> (String, Bytes) {
    let list: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../fixtures/stripe/events.json")).unwrap();
    let event = list
        .into_iter()
        .find(|e| e["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} event"));
    (
        event["id"].as_str().unwrap().to_owned(),
        Bytes::from(serde_json::to_vec(&event).unwrap()),
    )
}

#[cfg(all(feature = "axum", feature = "github-types"))]
#[tokio::test]
async fn github_app_reacts_to_push_and_opened_issues_and_acknowledges_the_rest() {
    let server = Server::start(github_app::app("app secret").unwrap()).await;
    let deliver = |event: &str, body: Bytes, id: &str| {
        let request = http::Request::post(server.url("/webhooks/github"))
            .header("content-type", "application/json")
            .header("x-github-event", event)
            .body(body)
            .unwrap();
        Signer::new(providers::github(), "app secret")
            .unwrap()
            .sign_with(request, id, SystemTime::now())
            .unwrap()
    };

    let reply = send(deliver("push", github_example("push", None), "d1")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .text()
            .starts_with("push to refs/tags/simple-tag of Hello-World: 0 commit(s)"),
        "{}",
        reply.text()
    );

    let opened = github_example("issues", Some("opened"));
    let reply = send(deliver("issues", opened, "d2")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.text(),
        "issue #1 opened: Spelling error in the README file"
    );

    // Every other event and action: acknowledged, marked, no handler.
    for (n, (event, action)) in [
        ("issues", Some("labeled")),
        ("star", Some("created")),
        ("fork", None),
    ]
    .into_iter()
    .enumerate()
    {
        let reply = send(deliver(
            event,
            github_example(event, action),
            &format!("o{n}"),
        ))
        .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.headers.contains_key(UNHANDLED_HEADER), "{event}");
        assert_eq!(reply.text(), "");
    }

    // The header claims `push`, the body is an issue: the typed payload says so. (Another
    // issue's body: GitHub signs no id, so `opened`'s body again would be a duplicate.)
    let edited = github_example("issues", Some("edited"));
    let reply = send(deliver("push", edited, "d3")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("raw JSON"), "{}", reply.text());
}

#[cfg(all(feature = "axum", feature = "stripe-types"))]
#[tokio::test]
async fn stripe_billing_handles_checkout_and_subscriptions_and_acknowledges_the_rest() {
    let server = Server::start(stripe_billing::app("whsec_billing").unwrap()).await;
    let deliver = |kind: &str| {
        let (id, body) = stripe_event(kind);
        let request = http::Request::post(server.url("/webhooks/stripe"))
            .header("content-type", "application/json")
            .body(body)
            .unwrap();
        Signer::new(providers::stripe(), "whsec_billing")
            .unwrap()
            .sign_with(request, &id, SystemTime::now())
            .unwrap()
    };

    let reply = send(deliver("checkout.session.completed")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.text().starts_with("checkout cs_test_") && reply.text().contains(" completed: "),
        "{}",
        reply.text()
    );

    for kind in [
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.trial_will_end",
    ] {
        let reply = send(deliver(kind)).await;
        assert_eq!(reply.status, StatusCode::OK, "{kind}");
        assert!(
            reply
                .text()
                .starts_with(&format!("{kind}: subscription sub_")),
            "{}",
            reply.text()
        );
        assert!(!reply.text().contains("raw JSON"), "{}", reply.text());
    }

    for kind in [
        "invoice.paid",
        "customer.created",
        "payment_intent.succeeded",
    ] {
        let reply = send(deliver(kind)).await;
        assert_eq!(reply.status, StatusCode::OK, "{kind}");
        assert_eq!(reply.headers[UNHANDLED_HEADER], kind);
    }
}
