//! Stripe events built from Stripe's published API fixtures (tests/fixtures/stripe: the
//! objects and the event envelope of stripe/openapi's fixtures3.json, not written here),
//! signed as Stripe signs, sent over HTTP through the layer to a dispatcher: exact names
//! and prefixes reach their handlers, everything else is acknowledged, and with
//! `stripe-types` each event is parsed by async-stripe's model or falls back to the raw
//! JSON, never refused.

use crate::common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::routing::post_service;
use axum::Router;
use bytes::Bytes;
use common::{send, Server};
use http::StatusCode;
use tower_webhook::dispatch::{Dispatch, Dispatched, UNHANDLED_HEADER};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_stripe_fixtures";

fn events() -> Vec<(String, String, Bytes)> {
    let text = include_str!("../fixtures/stripe/events.json");
    let list: Vec<serde_json::Value> = serde_json::from_str(text).expect("fixture");
    list.into_iter()
        .map(|event| {
            (
                event["id"].as_str().expect("id").to_owned(),
                event["type"].as_str().expect("type").to_owned(),
                Bytes::from(serde_json::to_vec(&event).expect("event")),
            )
        })
        .collect()
}

async fn serve(dispatch: Dispatch) -> Server {
    let verifier = Verifier::new(providers::stripe(), SECRET).unwrap();
    Server::start(Router::new().route(
        "/stripe",
        post_service(dispatch).route_layer(WebhookLayer::new(verifier)),
    ))
    .await
}

fn request(server: &Server, id: &str, body: &Bytes) -> http::Request<Bytes> {
    let request = http::Request::post(server.url("/stripe"))
        .header("content-type", "application/json")
        .body(body.clone())
        .unwrap();
    Signer::new(providers::stripe(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

#[tokio::test]
async fn exact_names_and_prefixes_over_the_fixtures_and_the_rest_acknowledged() {
    let events = events();
    assert!(events.len() >= 60, "{} events", events.len());
    let ran: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let handler = |label: &'static str| {
        let ran = ran.clone();
        move |delivery: Delivery, dispatched: Dispatched| {
            assert_eq!(delivery.event_type(), dispatched.name().as_deref());
            ran.lock()
                .unwrap()
                .insert(delivery.id().to_owned(), label.to_owned());
            async { StatusCode::OK }
        }
    };
    let server = serve(
        Dispatch::new()
            .on("checkout.session.completed", handler("checkout"))
            .on("customer.subscription.*", handler("subscription"))
            .on("invoice.paid", handler("invoice.paid"))
            .on("invoice.*", handler("invoice")),
    )
    .await;

    for (id, kind, body) in &events {
        let reply = send(request(&server, id, body)).await;
        assert_eq!(reply.status, StatusCode::OK, "{kind}: {}", reply.text());
        let expected = match kind.as_str() {
            "checkout.session.completed" => Some("checkout"),
            "invoice.paid" => Some("invoice.paid"),
            k if k.starts_with("customer.subscription.") => Some("subscription"),
            k if k.starts_with("invoice.") => Some("invoice"),
            _ => None,
        };
        let took = ran.lock().unwrap().remove(id);
        assert_eq!(took.as_deref(), expected, "{kind}");
        match expected {
            Some(_) => assert!(reply.headers.get(UNHANDLED_HEADER).is_none(), "{kind}"),
            None => assert_eq!(reply.headers[UNHANDLED_HEADER], **kind, "{kind}"),
        }
    }
}

#[cfg(feature = "stripe-types")]
#[tokio::test]
async fn with_stripe_types_every_event_is_parsed_or_falls_back_to_json() {
    use tower_webhook::typed::stripe_webhook::EventObject;
    use tower_webhook::typed::StripeEvent;

    // This thread's subscriber only (the test's runtime runs on it): a global one would
    // reach every other test of this binary.
    let _log = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_env_filter("tower_webhook=warn")
            .with_test_writer()
            .finish(),
    );
    let events = events();
    let parsed: Arc<Mutex<BTreeMap<String, bool>>> = Arc::default();
    let dispatch = {
        let parsed = parsed.clone();
        Dispatch::new().fallback(move |delivery: Delivery, event: StripeEvent| {
            if let StripeEvent::Known(known) = &event {
                assert_eq!(Some(known.type_.as_str()), delivery.event_type());
                if known.type_.as_str() == "checkout.session.completed" {
                    assert!(matches!(
                        known.data.object,
                        EventObject::CheckoutSessionCompleted(_)
                    ));
                }
            }
            let kind = delivery.event_type().unwrap_or_default().to_owned();
            parsed.lock().unwrap().insert(kind, event.is_known());
            async { StatusCode::OK }
        })
    };
    let server = serve(dispatch).await;
    for (id, kind, body) in &events {
        let reply = send(request(&server, id, body)).await;
        assert_eq!(reply.status, StatusCode::OK, "{kind}: {}", reply.text());
    }
    let parsed = parsed.lock().unwrap();
    assert_eq!(parsed.len(), events.len(), "one event type per event");
    let unknown: Vec<&String> = parsed
        .iter()
        .filter(|(_, k)| !**k)
        .map(|(n, _)| n)
        .collect();
    eprintln!(
        "async-stripe parsed {} of {} event types; raw JSON for {:?}",
        parsed.len() - unknown.len(),
        parsed.len(),
        unknown
    );
    for kind in [
        "checkout.session.completed",
        "customer.subscription.updated",
        "invoice.paid",
        "customer.created",
    ] {
        assert_eq!(parsed.get(kind), Some(&true), "{kind}");
    }
}
