//! The workers' alert hook (`Workers::on_alert`), on every engine, with deliveries sent
//! over real HTTP on 127.0.0.1: one alert per failed attempt (failed, then dead), with the
//! delivery's metadata and never its body or headers; the lag alert once when the oldest
//! due delivery waits past the threshold and once when it is back.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::Router;
use common::inbox::{engines, signed, verifier, wait_for, Database};
use common::{send, Server};
use http::StatusCode;
use tokio::sync::Notify;
use tower_webhook::inbox::Alert;
use tower_webhook::{Delivery, WebhookLayer};

/// The alerts the hook was given, in order.
#[derive(Clone, Default)]
struct Alerts(Arc<Mutex<Vec<Alert>>>);

impl Alerts {
    fn hook(&self) -> impl Fn(Alert) + Send + Sync + 'static {
        let alerts = self.0.clone();
        move |alert| alerts.lock().unwrap().push(alert)
    }

    fn all(&self) -> Vec<Alert> {
        self.0.lock().unwrap().clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_attempt_and_a_dead_delivery_alert_with_their_metadata() {
    for engine in engines() {
        let database = Database::new(engine, "alerts_failed");
        let inbox = database.open().await;
        let handlers = Router::new().route(
            "/hook",
            post(|delivery: Delivery| async move {
                match delivery.event_type() {
                    Some("order.failing") => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::OK,
                }
            }),
        );
        let alerts = Alerts::default();
        let workers = inbox
            .workers(handlers.clone())
            .max_attempts(2)
            .backoff(Duration::from_millis(1), Duration::from_millis(1))
            .poll_interval(Duration::from_millis(10))
            .on_alert(alerts.hook())
            .spawn();
        let server =
            Server::start(handlers.route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())))
                .await;
        let before = SystemTime::now() - Duration::from_secs(1);
        for (id, kind) in [("msg_fine", "order.created"), ("msg_bad", "order.failing")] {
            assert_eq!(
                send(signed(&server, id, kind)).await.status,
                StatusCode::ACCEPTED
            );
        }
        wait_for("two alerts", || async {
            (alerts.all().len() >= 2).then_some(())
        })
        .await;
        wait_for("the delivery dead", || async {
            (inbox.stats().await.unwrap().dead == 1).then_some(())
        })
        .await;
        let all = alerts.all();
        assert_eq!(
            all.len(),
            2,
            "{engine:?}: one alert per failed attempt: {all:?}"
        );
        let Alert::AttemptFailed(first) = &all[0] else {
            panic!("{:?}", all[0]);
        };
        let Alert::Dead(dead) = &all[1] else {
            panic!("{:?}", all[1]);
        };
        for (alert, attempt) in [(first, 1), (dead, 2)] {
            assert_eq!(alert.provider, "standard-webhooks");
            assert_eq!(alert.delivery_id, "msg_bad");
            assert_eq!(alert.event_type.as_deref(), Some("order.failing"));
            assert_eq!(alert.attempt, attempt);
            assert_eq!(alert.error, "handler answered 503 Service Unavailable");
            assert!(alert.received_at >= before && alert.received_at <= SystemTime::now());
            assert_eq!(alert.source, None);
        }
        assert!(first.retry_at.is_some());
        assert!(dead.retry_at.is_none());
        assert_eq!(first.inbox_id, dead.inbox_id);
        let text = all[1].to_string();
        assert!(
            text.contains("msg_bad") && text.contains("standard-webhooks") && text.contains("503"),
            "{text}"
        );
        workers.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lag_alert_is_given_when_crossing_and_when_back() {
    for engine in engines() {
        let database = Database::new(engine, "alerts_lag");
        let inbox = database.open().await;
        // The first delivery holds the only worker until released: the second waits.
        let release = Arc::new(Notify::new());
        let handlers = {
            let release = release.clone();
            Router::new().route(
                "/hook",
                post(move |delivery: Delivery| {
                    let release = release.clone();
                    async move {
                        if delivery.id() == "msg_holds" {
                            release.notified().await;
                        }
                        StatusCode::OK
                    }
                }),
            )
        };
        let alerts = Alerts::default();
        let workers = inbox
            .workers(handlers.clone())
            .concurrency(1)
            .poll_interval(Duration::from_millis(10))
            .on_alert(alerts.hook())
            .alert_on_lag(Duration::from_millis(1))
            .spawn();
        let server =
            Server::start(handlers.route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())))
                .await;
        assert_eq!(
            send(signed(&server, "msg_holds", "order.created"))
                .await
                .status,
            StatusCode::ACCEPTED
        );
        wait_for("the first delivery running", || async {
            (inbox.stats().await.unwrap().running == 1).then_some(())
        })
        .await;
        assert_eq!(
            send(signed(&server, "msg_waits", "order.created"))
                .await
                .status,
            StatusCode::ACCEPTED
        );
        // The lag may also have crossed for a moment before the first delivery was
        // claimed: what counts is that the alerts alternate, one per crossing.
        wait_for("the lag alert", || async {
            matches!(alerts.all().last(), Some(Alert::Lagging { .. })).then_some(())
        })
        .await;
        let Some(Alert::Lagging {
            waited, threshold, ..
        }) = alerts.all().last().cloned()
        else {
            panic!("{:?}", alerts.all());
        };
        assert!(waited > threshold, "{waited:?} {threshold:?}");
        assert_eq!(threshold, Duration::from_millis(1));

        release.notify_one();
        wait_for("both done", || async {
            (inbox.stats().await.unwrap().done == 2).then_some(())
        })
        .await;
        wait_for("the recovery alert", || async {
            matches!(alerts.all().last(), Some(Alert::LagRecovered { .. })).then_some(())
        })
        .await;
        let all = alerts.all();
        assert!(all.len() <= 4, "{engine:?}: {all:?}");
        for (index, alert) in all.iter().enumerate() {
            // Once when crossing, again only after it recovered: never twice in a row.
            match index % 2 {
                0 => assert!(matches!(alert, Alert::Lagging { .. }), "{all:?}"),
                _ => assert!(matches!(alert, Alert::LagRecovered { .. }), "{all:?}"),
            }
        }
        workers.shutdown().await;
    }
}

/// An outage of the handler's downstream fails every delivery: the hook gets at most the
/// limit of each kind per interval, not one alert per attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_attempts_alert_within_the_limit() {
    for engine in engines() {
        let database = Database::new(engine, "alerts_limit");
        let inbox = database.open().await;
        let handlers =
            Router::new().route("/hook", post(|| async { StatusCode::SERVICE_UNAVAILABLE }));
        let alerts = Alerts::default();
        let workers = inbox
            .workers(handlers.clone())
            .max_attempts(2)
            .backoff(Duration::from_millis(1), Duration::from_millis(1))
            .poll_interval(Duration::from_millis(10))
            .on_alert(alerts.hook())
            .alert_limit(2, Duration::from_secs(3600))
            .spawn();
        let server =
            Server::start(handlers.route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())))
                .await;
        for index in 0..5 {
            let id = format!("msg_outage_{index}");
            assert_eq!(
                send(signed(&server, &id, "order.created")).await.status,
                StatusCode::ACCEPTED
            );
        }
        wait_for("every delivery dead", || async {
            (inbox.stats().await.unwrap().dead == 5).then_some(())
        })
        .await;
        // The workers' outcomes are all recorded, and their alerts given.
        workers.shutdown().await;
        let all = alerts.all();
        let failed = all
            .iter()
            .filter(|alert| matches!(alert, Alert::AttemptFailed(_)))
            .count();
        let dead = all
            .iter()
            .filter(|alert| matches!(alert, Alert::Dead(_)))
            .count();
        assert_eq!((failed, dead), (2, 2), "{engine:?}: {all:?}");
        for alert in &all {
            let (Alert::AttemptFailed(attempt) | Alert::Dead(attempt)) = alert else {
                panic!("{alert:?}");
            };
            assert_eq!(attempt.suppressed, 0, "the first of their window");
        }
    }
}

/// An event type from the payload and a response from the handler's downstream with line
/// breaks in them: the alert's text stays one line, so it cannot forge a line of a log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_prints_on_one_line_whatever_the_sender_wrote() {
    let engine = engines()[0];
    let database = Database::new(engine, "alerts_one_line");
    let inbox = database.open().await;
    let handlers = Router::new().route(
        "/hook",
        post(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "upstream refused\r2026-12-07T00:00:00Z ERROR forged\u{2028}and more\u{1b}[2K",
            )
        }),
    );
    let alerts = Alerts::default();
    let workers = inbox
        .workers(handlers.clone())
        .max_attempts(1)
        .poll_interval(Duration::from_millis(10))
        .on_alert(alerts.hook())
        .spawn();
    let server =
        Server::start(handlers.route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())))
            .await;
    // `\n` in the JSON: a line break in the event type.
    let kind = r"order.created\n2026-12-07T00:00:00Z INFO forged";
    assert_eq!(
        send(signed(&server, "msg_lines", kind)).await.status,
        StatusCode::ACCEPTED
    );
    let alert = wait_for("the dead alert", || async { alerts.all().pop() }).await;
    workers.shutdown().await;
    let Alert::Dead(dead) = &alert else {
        panic!("{alert:?}");
    };
    assert!(
        dead.event_type.as_deref().unwrap().contains('\n'),
        "{dead:?}"
    );
    assert!(dead.error.contains('\r'), "{dead:?}");
    let text = alert.to_string();
    assert!(
        !text.contains(['\n', '\r', '\u{1b}', '\u{2028}']),
        "one line: {text:?}"
    );
    assert!(
        text.contains(r"order.created\n2026") && text.contains(r"refused\r2026"),
        "escaped, not dropped: {text}"
    );
}
