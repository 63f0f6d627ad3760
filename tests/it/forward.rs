//! `forward::Forward` over real HTTP on 127.0.0.1: deliveries verified by a receiver and
//! kept by the inbox (every engine) are forwarded by the inbox's workers to a
//! destination that verifies them with this crate's own Standard Webhooks verifier under
//! the destination's secret. A destination failing twice gets the same `webhook-id` three
//! times, each signed anew; only the headers named are copied; ids differ per delivery
//! and per destination; unreachable, hanging and misplaced forwards are errors of their
//! kind.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::inbox::{engines, signed, verifier, wait_for, Database};
use common::{send, Server};
use http::{HeaderMap, HeaderName, StatusCode};
use tower::{Service, ServiceExt};
use tower_webhook::forward::{Forward, ForwardErrorKind};
use tower_webhook::inbox::{DeliveryState, Inbox, ListFilter};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Delivery, Verifier, WebhookLayer};

/// The destination's Standard Webhooks key (not the provider's).
const DESTINATION_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// What the destination's handler saw: it runs only on requests its verifier accepted.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// A destination behind the layer with `DESTINATION_SECRET`, at `/billing` and
/// `/audit`: it answers `503` to its first `failures` verified requests, then `200`.
struct Destination {
    server: Server,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// The `webhook-id` of every request that arrived, before the verifier.
    arrived: Arc<Mutex<Vec<String>>>,
}

impl Destination {
    async fn start(failures: usize) -> Destination {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let calls = Arc::new(AtomicUsize::new(0));
        let handler = {
            let seen = Arc::clone(&seen);
            move |uri: http::Uri, headers: HeaderMap, body: Bytes| {
                let seen = Arc::clone(&seen);
                let calls = Arc::clone(&calls);
                async move {
                    seen.lock().unwrap().push(Seen {
                        path: uri.path().to_owned(),
                        headers,
                        body,
                    });
                    if calls.fetch_add(1, Ordering::SeqCst) < failures {
                        (StatusCode::SERVICE_UNAVAILABLE, "billing is down")
                    } else {
                        (StatusCode::OK, "ok")
                    }
                }
            }
        };
        let verifier = Verifier::new(providers::standard_webhooks(), DESTINATION_SECRET).unwrap();
        let arrived = Arc::new(Mutex::new(Vec::new()));
        let record = {
            let arrived = Arc::clone(&arrived);
            move |request: axum::extract::Request| {
                let id = request
                    .headers()
                    .get("webhook-id")
                    .map_or_else(String::new, |id| id.to_str().unwrap_or_default().to_owned());
                arrived.lock().unwrap().push(id);
                std::future::ready(request)
            }
        };
        let app = Router::new()
            .route("/billing", post(handler.clone()))
            .route("/audit", post(handler))
            .route_layer(WebhookLayer::new(verifier))
            .layer(axum::middleware::map_request(record));
        Destination {
            server: Server::start(app).await,
            seen,
            arrived,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn arrived(&self) -> Vec<String> {
        self.arrived.lock().unwrap().clone()
    }

    fn forward(&self, path: &str) -> Forward {
        Forward::to(self.server.url(path).parse().unwrap(), DESTINATION_SECRET).unwrap()
    }
}

/// A receiver writing verified Standard Webhooks deliveries to `inbox`.
async fn receiver(inbox: &Inbox) -> Server {
    let app = Router::new()
        .route("/hook", post(|| async { "not run: the inbox takes it" }))
        .route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone()));
    Server::start(app).await
}

async fn done(inbox: &Inbox, id: &str) -> tower_webhook::inbox::DeliveryDetails {
    wait_for(&format!("{id} done"), || async {
        let records = inbox.list(&ListFilter::new()).await.unwrap();
        let record = records
            .into_iter()
            .find(|record| record.delivery_id == id)?;
        if record.state != DeliveryState::Done {
            return None;
        }
        inbox.get(record.id).await.unwrap()
    })
    .await
}

fn header<'a>(seen: &'a Seen, name: &str) -> &'a str {
    seen.headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name}: {:?}", seen.headers))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn a_stored_delivery_reaches_its_destination_signed_anew_and_retried_under_one_id() {
    for engine in engines() {
        let database = Database::new(engine, "forward-retried");
        let inbox = database.open().await;
        let destination = Destination::start(2).await;
        let forward = destination
            .forward("/billing")
            .name("billing")
            .copy_headers([HeaderName::from_static("x-shop-domain")]);
        assert!(!format!("{forward:?}").contains("C2FVsBQ"), "{forward:?}");
        let workers = inbox
            .workers(forward)
            .concurrency(1)
            .max_attempts(5)
            .backoff(Duration::from_millis(10), Duration::from_millis(20))
            .poll_interval(Duration::from_millis(10))
            .spawn();
        let server = receiver(&inbox).await;

        let mut request = signed(&server, "msg_order_1", "order.created");
        let headers = request.headers_mut();
        headers.insert("x-shop-domain", "acme.example".parse().unwrap());
        headers.insert("authorization", "Bearer proxy-credential".parse().unwrap());
        let original_body = request.body().clone();
        let original_signature = request.headers()["webhook-signature"].clone();
        assert_eq!(send(request).await.status, StatusCode::ACCEPTED);

        let details = done(&inbox, "msg_order_1").await;
        assert_eq!(
            details.attempts.len(),
            3,
            "{engine:?}: {:?}",
            details.attempts
        );
        for failed in &details.attempts[..2] {
            assert_eq!(
                failed.status,
                Some(StatusCode::SERVICE_UNAVAILABLE),
                "{engine:?}: {failed:?}"
            );
            assert_eq!(failed.response.as_deref(), Some("billing is down"));
        }
        assert_eq!(details.attempts[2].status, Some(StatusCode::OK));

        // Three verified requests (the destination's handler runs only after its own
        // verifier accepted the signature and the timestamp), under one id.
        let seen = destination.seen();
        assert_eq!(seen.len(), 3, "{engine:?}: {seen:?}");
        let id = header(&seen[0], "webhook-id").to_owned();
        assert!(id.starts_with("msg_") && id != "msg_order_1", "{id}");
        for each in &seen {
            assert_eq!(each.path, "/billing");
            assert_eq!(header(each, "webhook-id"), id, "{engine:?}");
            assert_eq!(each.body, original_body);
            assert_eq!(header(each, "content-type"), "application/json");
            assert_eq!(header(each, "x-shop-domain"), "acme.example");
            assert!(
                each.headers.get("authorization").is_none(),
                "{:?}",
                each.headers
            );
            assert_ne!(each.headers["webhook-signature"], original_signature);
            assert!(header(each, "user-agent").starts_with("tower-webhook/"));
        }
        workers.shutdown().await;
    }
}

#[tokio::test]
async fn the_webhook_id_differs_per_delivery_and_per_destination_and_holds_across_restarts() {
    let database = Database::new(engines()[0], "forward-ids");
    let destination = Destination::start(0).await;
    // One handler forwarding to two destinations (two names), each delivery to both.
    let billing = destination.forward("/billing").name("billing");
    let audit = destination.forward("/audit").name("audit");
    let both = tower::service_fn(move |request: http::Request<VerifiedBody>| {
        let (mut billing, mut audit) = (billing.clone(), audit.clone());
        async move {
            let copy = |request: &http::Request<VerifiedBody>| {
                let mut copy = http::Request::new(());
                *copy.headers_mut() = request.headers().clone();
                copy.extensions_mut()
                    .insert(request.extensions().get::<Delivery>().cloned().unwrap());
                if let Some(job) = request.extensions().get::<tower_webhook::inbox::InboxJob>() {
                    copy.extensions_mut().insert(job.clone());
                }
                copy
            };
            let first = ServiceExt::<http::Request<()>>::ready(&mut billing)
                .await?
                .call(copy(&request))
                .await?;
            let second = ServiceExt::<http::Request<()>>::ready(&mut audit)
                .await?
                .call(copy(&request))
                .await?;
            assert!(first.status().is_success() && second.status().is_success());
            Ok::<_, tower_webhook::forward::ForwardError>(http::Response::new(String::new()))
        }
    });
    let ids = |seen: &[Seen]| {
        seen.iter()
            .map(|each| (each.path.clone(), header(each, "webhook-id").to_owned()))
            .collect::<Vec<_>>()
    };

    let inbox = database.open().await;
    let workers = inbox
        .workers(both.clone())
        .poll_interval(Duration::from_millis(10))
        .spawn();
    let server = receiver(&inbox).await;
    for id in ["msg_a", "msg_b"] {
        assert_eq!(
            send(signed(&server, id, "order.created")).await.status,
            StatusCode::ACCEPTED
        );
        done(&inbox, id).await;
    }
    let first = ids(&destination.seen());
    assert_eq!(first.len(), 4, "{first:?}");
    let mut distinct: Vec<&String> = first.iter().map(|(_, id)| id).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "ids repeat: {first:?}");

    // Replayed by an operator after a restart of the workers: the same ids again, so
    // the destination's own replay protection takes them for the copies they are.
    workers.shutdown().await;
    let inbox = database.open().await;
    let workers = inbox
        .workers(both)
        .poll_interval(Duration::from_millis(10))
        .spawn();
    let record = inbox
        .list(&ListFilter::new().delivery_id("msg_a"))
        .await
        .unwrap()
        .remove(0);
    inbox.replay(record.id).await.unwrap();
    wait_for("the replay forwarded", || async {
        (destination.arrived().len() == 6).then_some(())
    })
    .await;
    let arrived = destination.arrived();
    let msg_a: Vec<String> = first.iter().take(2).map(|(_, id)| id.clone()).collect();
    assert_eq!(arrived[4..], msg_a[..], "not msg_a's ids: {first:?}");
    done(&inbox, "msg_a").await;
    assert_eq!(
        destination.seen().len(),
        4,
        "the destination ran a copy twice"
    );
    workers.shutdown().await;
}

#[tokio::test]
async fn a_forward_fails_with_its_kind() {
    // Not behind the layer or the workers: no delivery to forward.
    let destination = Destination::start(0).await;
    let error = destination
        .forward("/billing")
        .oneshot(http::Request::new(()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ForwardErrorKind::NotADelivery, "{error}");
    assert!(destination.seen().is_empty());

    // A delivery to forward, from the layer on the request path.
    let delivery = {
        let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
        let app = Router::new()
            .route(
                "/hook",
                post(move |delivery: Delivery| {
                    let sender = sender.clone();
                    async move {
                        let _ = sender.send(delivery);
                        "ok"
                    }
                }),
            )
            .route_layer(WebhookLayer::new(verifier()));
        let server = Server::start(app).await;
        assert_eq!(
            send(signed(&server, "msg_1", "order.created")).await.status,
            StatusCode::OK
        );
        received.recv().await.unwrap()
    };
    let with_delivery = || {
        let mut request = http::Request::new(());
        request.extensions_mut().insert(delivery.clone());
        request
    };

    // Nothing listens: refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let url = format!("http://{address}/hooks").parse().unwrap();
    let error = Forward::to(url, DESTINATION_SECRET)
        .unwrap()
        .oneshot(with_delivery())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ForwardErrorKind::Unreachable, "{error}");

    // A destination that accepts the connection and never answers: the timeout.
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", hanging.local_addr().unwrap())
        .parse()
        .unwrap();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (socket, _) = hanging.accept().await.unwrap();
            held.push(socket);
        }
    });
    let error = Forward::to(url, DESTINATION_SECRET)
        .unwrap()
        .timeout(Duration::from_millis(200))
        .oneshot(with_delivery())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ForwardErrorKind::Timeout, "{error}");
    holder.abort();

    // On the request path, the destination gets it signed for itself.
    let response = destination
        .forward("/billing")
        .oneshot(with_delivery())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(destination.seen().len(), 1);
}

#[test]
fn a_forward_refuses_urls_it_cannot_use_safely() {
    for url in [
        "https://billing.internal/hooks",
        "http://user:password@billing.internal/hooks",
        "/hooks",
    ] {
        let error = Forward::to(url.parse().unwrap(), DESTINATION_SECRET).unwrap_err();
        assert!(!error.to_string().contains("billing.internal"), "{error}");
    }
    assert!(Forward::to("http://127.0.0.1:1/".parse().unwrap(), "not a whsec key").is_err());
}
