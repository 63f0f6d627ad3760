//! Copies relabelled with headers the signature does not cover (an unsigned id, an
//! unsigned event type) can neither spend a delivery that has not been handled yet nor run
//! a route twice.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::routing::{post, post_service};
use axum::Router;
use bytes::Bytes;
use http::StatusCode;
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_webhook::dispatch::Dispatch;
use tower_webhook::replay::MemoryStore;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

fn shopify(id: &str, n: u32) -> http::Request<Bytes> {
    let request = http::Request::post("/hook")
        .header("content-type", "application/json")
        .header("x-shopify-topic", "orders/create")
        .body(Bytes::from(format!(r#"{{"content":{n}}}"#)))
        .unwrap();
    Signer::new(providers::shopify(), "s")
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

fn github(id: &str, n: u32) -> http::Request<Bytes> {
    let request = http::Request::post("/hook")
        .header("content-type", "application/json")
        .header("x-github-event", "push")
        .body(Bytes::from(format!(r#"{{"content":{n}}}"#)))
        .unwrap();
    Signer::new(providers::github(), "s")
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

fn relabel(r: &http::Request<Bytes>, name: &str, value: Option<&str>) -> http::Request<Bytes> {
    let mut b = http::Request::post(r.uri().clone());
    for (k, v) in r.headers() {
        if k.as_str() != name {
            b = b.header(k, v);
        }
    }
    if let Some(value) = value {
        b = b.header(name, value);
    }
    b.body(r.body().clone()).unwrap()
}

async fn send(app: &Router, r: &http::Request<Bytes>) -> (u16, bool) {
    let resp = app
        .clone()
        .oneshot(r.clone().map(axum::body::Body::from))
        .await
        .unwrap();
    let dup = resp.headers().contains_key("webhook-duplicate");
    let status = resp.status().as_u16();
    let _ = resp.into_body().collect().await;
    (status, dup)
}

/// Another never-handled content relabelled with the failed delivery's id spends the id;
/// the provider's genuine retry of the failed delivery is then a duplicate.
#[tokio::test]
async fn other_content_under_a_failed_deliverys_id_does_not_spend_it() {
    let fails = Arc::new(AtomicUsize::new(1));
    let runs = Arc::new(AtomicUsize::new(0));
    let (f, r) = (fails.clone(), runs.clone());
    let app = Router::new()
        .route(
            "/hook",
            post(move || {
                let (f, r) = (f.clone(), r.clone());
                async move {
                    r.fetch_add(1, Ordering::SeqCst);
                    if f.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok()
                    {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        )
        .layer(
            WebhookLayer::new(Verifier::new(providers::shopify(), "s").unwrap())
                .replay_store(MemoryStore::new()),
        );
    let a = shopify("evt-a", 1);
    assert_eq!(send(&app, &a).await, (500, false), "A fails");
    // C: another delivery the store does not know (failed too, or older than the retention).
    let c = relabel(&shopify("evt-c", 2), "x-shopify-event-id", Some("evt-a"));
    assert_eq!(send(&app, &c).await, (200, false), "C under A's id runs");
    let retry = send(&app, &a).await;
    assert_eq!(
        retry,
        (200, false),
        "Shopify's retry of A must run; got {retry:?}"
    );
    let c_retry = shopify("evt-c", 2);
    assert_eq!(send(&app, &c_retry).await, (200, true), "C ran once");
}

/// A copy without its unsigned event type reaches the fallback, which answers 2xx: with the
/// layer routed by the dispatcher, the genuine delivery is still new to its own route.
#[tokio::test]
async fn a_copy_handled_by_the_fallback_does_not_complete_the_push() {
    let fails = Arc::new(AtomicUsize::new(1));
    let push_runs = Arc::new(AtomicUsize::new(0));
    let (f, r) = (fails.clone(), push_runs.clone());
    let dispatch = Dispatch::new()
        .on("push", move || {
            let (f, r) = (f.clone(), r.clone());
            async move {
                r.fetch_add(1, Ordering::SeqCst);
                if f.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        })
        .fallback(|| async { StatusCode::NO_CONTENT });
    let layer = WebhookLayer::new(Verifier::new(providers::github(), "s").unwrap())
        .replay_store(MemoryStore::new())
        .routed_by(&dispatch);
    let app = Router::new()
        .route("/hook", post_service(dispatch))
        .layer(layer);
    let a = github("guid-a", 1);
    assert_eq!(send(&app, &a).await, (500, false), "push fails");
    let copy = relabel(&a, "x-github-event", None);
    assert_eq!(
        send(&app, &copy).await,
        (204, false),
        "fallback acks the copy"
    );
    let retry = send(&app, &a).await;
    assert_eq!(
        retry,
        (200, false),
        "redelivery of push must run; got {retry:?}"
    );
}

fn counting(
    fails: usize,
) -> (
    Arc<AtomicUsize>,
    impl Fn() -> std::future::Ready<StatusCode> + Clone + Send + Sync + 'static,
) {
    let f = Arc::new(AtomicUsize::new(fails));
    let g = f.clone();
    (f, move || {
        std::future::ready(
            if g.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            },
        )
    })
}

/// The unsigned `X-GitHub-Event` rewritten to `ping` (a route most apps answer 200) runs
/// the ping route once; the failed push still runs when GitHub retries it.
#[tokio::test]
async fn a_copy_relabelled_ping_runs_ping_once_and_the_push_still_runs() {
    let (_f, push) = counting(1);
    let dispatch = Dispatch::new()
        .on("push", push)
        .on("ping", || async { StatusCode::OK });
    let layer = WebhookLayer::new(Verifier::new(providers::github(), "s").unwrap())
        .replay_store(MemoryStore::new())
        .routed_by(&dispatch);
    let app = Router::new()
        .route("/hook", post_service(dispatch))
        .layer(layer);
    let a = github("guid-a", 1);
    assert_eq!(send(&app, &a).await, (500, false));
    let copy = relabel(&a, "x-github-event", Some("ping"));
    assert_eq!(send(&app, &copy).await, (200, false));
    assert_eq!(
        send(&app, &copy).await,
        (200, true),
        "the ping route runs once"
    );
    let retry = send(&app, &a).await;
    assert_eq!(
        retry,
        (200, false),
        "redelivery of push must run; got {retry:?}"
    );
    assert_eq!(send(&app, &a).await, (200, true), "and only once");
}

/// Zendesk signs each attempt anew: another fresh failed delivery relabelled with A's id
/// does not spend A's id, and its own retry is a duplicate.
#[tokio::test]
async fn zendesk_other_content_under_a_failed_id_does_not_spend_it() {
    let (_f, h) = counting(2);
    let app = Router::new().route("/hook", post(h)).layer(
        WebhookLayer::new(Verifier::new(providers::zendesk(), "s").unwrap())
            .replay_store(MemoryStore::new()),
    );
    let sign = |id: &str, n: u32, at: SystemTime| {
        let request = http::Request::post("/hook")
            .header("content-type", "application/json")
            .body(Bytes::from(format!(
                r#"{{"type":"zen:event-type:ticket.created","content":{n}}}"#
            )))
            .unwrap();
        Signer::new(providers::zendesk(), "s")
            .unwrap()
            .sign_with(request, id, at)
            .unwrap()
    };
    let t0 = SystemTime::now() - std::time::Duration::from_secs(60);
    let a = sign("inv-a", 1, t0);
    let c = sign("inv-c", 2, t0);
    assert_eq!(send(&app, &a).await, (500, false), "A fails");
    assert_eq!(send(&app, &c).await, (500, false), "C fails");
    // C's content under A's id is another key: it runs (C's content, once so far) and
    // completes nothing of A.
    let c_as_a = relabel(&c, "x-zendesk-webhook-invocation-id", Some("inv-a"));
    assert_eq!(send(&app, &c_as_a).await, (200, false), "C under A's id");
    let a_retry = sign("inv-a", 1, SystemTime::now());
    let retry = send(&app, &a_retry).await;
    assert_eq!(
        retry,
        (200, false),
        "Zendesk's retry of A must run; got {retry:?}"
    );
    // C's own retry still runs: nothing signed ties it to the copy (SECURITY.md).
    let c_retry = sign("inv-c", 2, SystemTime::now());
    assert_eq!(
        send(&app, &c_retry).await,
        (200, false),
        "C's retry is not lost"
    );
    assert_eq!(send(&app, &c_retry).await, (200, true), "and is then done");
}

fn zendesk(path: &str, secret: &str, id: &str, at: SystemTime, body: &str) -> http::Request<Bytes> {
    let request = http::Request::post(path)
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    Signer::new(providers::zendesk(), secret)
        .unwrap()
        .sign_with(request, id, at)
        .unwrap()
}

/// Zendesk trigger webhooks carry a body the account's admin templates
/// (`{"ticket_id":"{{ticket.id}}"}`): two invocations (their own ids, each signed at its
/// own time) can carry byte-identical bodies, and both run.
#[tokio::test]
async fn zendesk_invocations_with_one_templated_body_both_run() {
    let (_runs, handler) = counting(0);
    let app = Router::new().route("/hook", post(handler)).layer(
        WebhookLayer::new(Verifier::new(providers::zendesk(), "s").unwrap())
            .replay_store(MemoryStore::new()),
    );
    let now = SystemTime::now();
    let body = r#"{"ticket_id":"42"}"#;
    let first = zendesk("/hook", "s", "inv-1", now, body);
    let second = zendesk("/hook", "s", "inv-2", now + Duration::from_secs(30), body);
    assert_eq!(send(&app, &first).await, (200, false));
    assert_eq!(
        send(&app, &second).await,
        (200, false),
        "another invocation"
    );
    // The retry of the second (same id, same body, signed anew) is recognised.
    let retry = zendesk("/hook", "s", "inv-2", now + Duration::from_secs(90), body);
    assert_eq!(
        send(&app, &retry).await,
        (200, true),
        "the provider's retry"
    );
}

/// Two tenants, each with its own Zendesk secret, behind verifiers of one provider that
/// share a store: tenant A sending the body and id tenant B's trigger will send does not
/// make B's genuine delivery a duplicate.
#[tokio::test]
async fn another_tenants_identical_delivery_does_not_spend_one() {
    let store = Arc::new(MemoryStore::new());
    let (_a, handler_a) = counting(0);
    let (_b, handler_b) = counting(0);
    let app = Router::new()
        .route(
            "/a",
            post(handler_a).layer(
                WebhookLayer::new(Verifier::new(providers::zendesk(), "secret-a").unwrap())
                    .replay_store(store.clone()),
            ),
        )
        .route(
            "/b",
            post(handler_b).layer(
                WebhookLayer::new(Verifier::new(providers::zendesk(), "secret-b").unwrap())
                    .replay_store(store.clone()),
            ),
        );
    let now = SystemTime::now();
    let body = r#"{"ticket_id":"7","status":"solved"}"#;
    let from_a = zendesk("/a", "secret-a", "inv-7", now, body);
    assert_eq!(send(&app, &from_a).await, (200, false));
    let genuine_b = zendesk("/b", "secret-b", "inv-7", now, body);
    assert_eq!(
        send(&app, &genuine_b).await,
        (200, false),
        "B's own delivery"
    );
}

/// A scheme signing a fresh timestamp, its event type in a header and the body, with an
/// unsigned id: what identifies the content across attempts is everything signed but the
/// timestamp, so the same body under another signed event type is another delivery.
#[tokio::test]
async fn a_signed_header_beside_the_body_tells_deliveries_apart() {
    use http::HeaderName;
    use tower_webhook::scheme::{Part, SignatureScheme, TimestampFormat};
    let scheme = || {
        SignatureScheme::new("custom", HeaderName::from_static("x-sig"))
            .timestamp_header(
                HeaderName::from_static("x-ts"),
                TimestampFormat::UnixSeconds,
            )
            .event_type_from_header(HeaderName::from_static("x-event"))
            .id_from_header(HeaderName::from_static("x-id"))
            .signed_parts([
                Part::Timestamp,
                Part::Header(HeaderName::from_static("x-event")),
                Part::Body,
            ])
    };
    let (_runs, handler) = counting(0);
    let app = Router::new().route("/hook", post(handler)).layer(
        WebhookLayer::new(Verifier::new(scheme(), "s").unwrap()).replay_store(MemoryStore::new()),
    );
    let make = |event: &str, id: &str, at: SystemTime| {
        let request = http::Request::post("/hook")
            .header("x-event", event)
            .body(Bytes::from_static(b"{\"user\":1}"))
            .unwrap();
        Signer::new(scheme(), "s")
            .unwrap()
            .sign_with(request, id, at)
            .unwrap()
    };
    let now = SystemTime::now();
    assert_eq!(
        send(&app, &make("user.created", "1", now)).await,
        (200, false)
    );
    assert_eq!(
        send(
            &app,
            &make("user.deleted", "1", now + Duration::from_secs(5))
        )
        .await,
        (200, false),
        "other signed content under the same id"
    );
    assert_eq!(
        send(
            &app,
            &make("user.created", "1", now + Duration::from_secs(9))
        )
        .await,
        (200, true),
        "the first one's retry"
    );
}

/// With `routed_by`, each route handles a given content at most once: a captured `push`
/// relabelled `create` runs the `create` route once (the bound the docs state), and never
/// again under any other name the same route answers.
#[tokio::test]
async fn each_route_handles_one_content_at_most_once() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (r1, r2) = (runs.clone(), runs.clone());
    let dispatch = Dispatch::new()
        .on("push", move || {
            r1.fetch_add(1, Ordering::SeqCst);
            std::future::ready("ok")
        })
        .on("create", move || {
            r2.fetch_add(1, Ordering::SeqCst);
            std::future::ready("ok")
        });
    let layer = WebhookLayer::new(Verifier::new(providers::github(), "s").unwrap())
        .replay_store(MemoryStore::new())
        .routed_by(&dispatch);
    let app = Router::new().route("/hook", post_service(dispatch).route_layer(layer));
    let genuine = github("d-1", 1);
    assert_eq!(send(&app, &genuine).await, (200, false));
    let copy = relabel(&genuine, "x-github-event", Some("create"));
    assert_eq!(
        send(&app, &copy).await,
        (200, false),
        "the create route, once"
    );
    assert_eq!(send(&app, &copy).await, (200, true));
    assert_eq!(send(&app, &genuine).await, (200, true));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

/// A handler that fails its first `fails` calls with `status`, counting every call.
fn failing(
    fails: usize,
    status: StatusCode,
) -> (
    Arc<AtomicUsize>,
    impl Fn() -> std::future::Ready<StatusCode> + Clone + Send + Sync + 'static,
) {
    let runs = Arc::new(AtomicUsize::new(0));
    let left = Arc::new(AtomicUsize::new(fails));
    let r = runs.clone();
    (runs, move || {
        r.fetch_add(1, Ordering::SeqCst);
        std::future::ready(
            if left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                status
            } else {
                StatusCode::OK
            },
        )
    })
}

/// Zendesk signs whole seconds: a retry the provider sends within the second of a failed
/// attempt carries that attempt's very bytes, and must run.
#[tokio::test]
async fn a_retry_within_the_second_of_a_failed_attempt_runs() {
    let (runs, handler) = failing(1, StatusCode::SERVICE_UNAVAILABLE);
    let app = Router::new().route("/hook", post(handler)).layer(
        WebhookLayer::new(Verifier::new(providers::zendesk(), "s").unwrap())
            .replay_store(MemoryStore::new()),
    );
    let body = r#"{"ticket_id":"44"}"#;
    let at = SystemTime::now();
    let attempt = zendesk("/hook", "s", "inv-3", at, body);
    assert_eq!(
        send(&app, &attempt).await,
        (503, false),
        "the attempt fails"
    );
    let retry = zendesk("/hook", "s", "inv-3", at, body);
    assert_eq!(
        send(&app, &retry).await,
        (200, false),
        "the provider's retry"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

/// A scheme signing a fresh timestamp and the body, with an unsigned event type and id.
fn stamped_with_unsigned_event() -> tower_webhook::scheme::SignatureScheme {
    use http::HeaderName;
    use tower_webhook::scheme::{Part, SignatureScheme, TimestampFormat};
    SignatureScheme::new("custom", HeaderName::from_static("x-sig"))
        .timestamp_header(
            HeaderName::from_static("x-ts"),
            TimestampFormat::UnixSeconds,
        )
        .event_type_from_header(HeaderName::from_static("x-event"))
        .id_from_header(HeaderName::from_static("x-id"))
        .signed_parts([Part::Timestamp, Part::Body])
}

fn order(event: &str, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post("/hook")
        .header("x-event", event)
        .body(Bytes::from_static(b"{\"order\":1}"))
        .unwrap();
    Signer::new(stamped_with_unsigned_event(), "s")
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

/// Without `routed_by`, a copy relabelled with an unsigned event type that gets there
/// first, answered unhandled (`2xx`) or refused by another route (`422`), leaves the
/// genuine delivery new: its keys are released, not completed.
#[tokio::test]
async fn a_relabelled_copy_ahead_of_the_genuine_delivery_leaves_it_new() {
    for (relabelled_to, copy_status) in [("no.such.event", 200), ("refund.created", 422)] {
        let runs = Arc::new(AtomicUsize::new(0));
        let r = runs.clone();
        let dispatch = Dispatch::new()
            .on("order.created", move || {
                r.fetch_add(1, Ordering::SeqCst);
                std::future::ready(StatusCode::OK)
            })
            .on("refund.created", || {
                std::future::ready(StatusCode::UNPROCESSABLE_ENTITY)
            });
        let layer = WebhookLayer::new(Verifier::new(stamped_with_unsigned_event(), "s").unwrap())
            .replay_store(MemoryStore::new());
        let app = Router::new().route("/hook", post_service(dispatch).route_layer(layer));
        let genuine = order("order.created", "d-1");
        let copy = relabel(&genuine, "x-event", Some(relabelled_to));
        assert_eq!(
            send(&app, &copy).await,
            (copy_status, false),
            "{relabelled_to}"
        );
        assert_eq!(
            send(&app, &genuine).await,
            (200, false),
            "{relabelled_to}: the genuine"
        );
        assert_eq!(runs.load(Ordering::SeqCst), 1, "{relabelled_to}");
    }
}

/// With the inbox, which acknowledges before any dispatcher runs, `routed_by` is what keeps
/// a copy relabelled to a name no route handles from making the genuine delivery a
/// duplicate: the copy's keys are bound to the unhandled route, the genuine's to `push`.
#[cfg(feature = "inbox-sqlite")]
#[tokio::test]
async fn with_the_inbox_routed_by_keeps_an_unhandled_copy_apart() {
    use tower_webhook::inbox::Inbox;
    let dir = std::env::temp_dir().join(format!(
        "tower-webhook-relabelled-inbox-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let inbox = Inbox::connect(&format!("sqlite://{}", dir.join("inbox.db").display()))
        .await
        .unwrap();
    let dispatch = Dispatch::new().on("push", || std::future::ready(StatusCode::OK));
    let layer = WebhookLayer::new(Verifier::new(providers::github(), "s").unwrap())
        .inbox(inbox.clone())
        .routed_by(&dispatch);
    let app = Router::new().route("/hook", post_service(dispatch).route_layer(layer));
    let genuine = github("guid-i", 7);
    let copy = relabel(&genuine, "x-github-event", Some("no.such.event"));
    assert_eq!(
        send(&app, &copy).await,
        (202, false),
        "the copy is accepted"
    );
    let answer = send(&app, &genuine).await;
    let again = send(&app, &genuine).await;
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(answer, (202, false), "the genuine push is accepted");
    assert_eq!(again, (200, true), "and is then a duplicate");
}

/// A Zendesk-shaped scheme (a fresh timestamp in a header, the body, an unsigned id), its
/// timestamp signed as `Part::Timestamp` or as the timestamp header itself: either way the
/// id is bound to the content, so other content under a failed delivery's id cannot spend
/// it, and the provider's retry of that delivery runs.
#[tokio::test]
async fn a_timestamp_signed_as_its_header_is_the_timestamp_too() {
    use http::HeaderName;
    use tower_webhook::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};
    let scheme = |timestamp: Part| {
        SignatureScheme::new("acme", HeaderName::from_static("x-acme-signature"))
            .encoding(Encoding::Hex)
            .timestamp_header(
                HeaderName::from_static("x-acme-timestamp"),
                TimestampFormat::UnixSeconds,
            )
            .signed_parts([timestamp, Part::literal("."), Part::Body])
            .id_from_header(HeaderName::from_static("x-acme-delivery"))
    };
    for spelling in [
        Part::Timestamp,
        Part::Header(HeaderName::from_static("x-acme-timestamp")),
    ] {
        let (_fails, handler) = counting(1);
        let app = Router::new().route("/hook", post(handler)).layer(
            WebhookLayer::new(Verifier::new(scheme(spelling.clone()), "s").unwrap())
                .replay_store(MemoryStore::new()),
        );
        let sign = |id: &str, n: u32, at: SystemTime| {
            let request = http::Request::post("/hook")
                .header("content-type", "application/json")
                .body(Bytes::from(format!(r#"{{"content":{n}}}"#)))
                .unwrap();
            Signer::new(scheme(spelling.clone()), "s")
                .unwrap()
                .sign_with(request, id, at)
                .unwrap()
        };
        let t0 = SystemTime::now() - Duration::from_secs(60);
        assert_eq!(
            send(&app, &sign("evt-a", 1, t0)).await,
            (500, false),
            "A fails"
        );
        let c_as_a = relabel(&sign("evt-c", 2, t0), "x-acme-delivery", Some("evt-a"));
        assert_eq!(send(&app, &c_as_a).await, (200, false), "C under A's id");
        let a_retry = sign("evt-a", 1, SystemTime::now());
        assert_eq!(
            send(&app, &a_retry).await,
            (200, false),
            "{spelling:?}: the provider's retry of A runs"
        );
    }
}
