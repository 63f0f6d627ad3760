//! The workers' automatic purge (`Workers::purge_every`, `Workers::keep_done`), on every
//! engine, with deliveries sent over real HTTP on 127.0.0.1: done deliveries past their
//! retention go by themselves, dead, running and pending ones stay, and a purged delivery
//! sent again inside the replay window is still a duplicate.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use common::inbox::{engines, signed, verifier, wait_for, Database};
use common::{copy, is_duplicate, send, Server};
use http::StatusCode;
use tokio::sync::Notify;
use tower_webhook::inbox::{DeliveryState, ListFilter};
use tower_webhook::{Delivery, WebhookLayer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn done_deliveries_are_purged_by_the_workers_and_stay_duplicates() {
    for engine in engines() {
        let database = Database::new(engine, "retention");
        let inbox = database.open().await;
        let runs = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(Notify::new());
        let started = Arc::new(Notify::new());
        let handlers = {
            let (runs, release, started) = (runs.clone(), release.clone(), started.clone());
            Router::new().route(
                "/hook",
                post(move |delivery: Delivery| {
                    let (runs, release, started) = (runs.clone(), release.clone(), started.clone());
                    async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        match delivery.event_type() {
                            Some("order.failing") => StatusCode::SERVICE_UNAVAILABLE,
                            Some("order.slow") => {
                                started.notify_one();
                                release.notified().await;
                                StatusCode::OK
                            }
                            _ => StatusCode::OK,
                        }
                    }
                }),
            )
        };
        // One worker: while the slow delivery holds it, the next one stays pending.
        let workers = inbox
            .workers(handlers.clone())
            .concurrency(1)
            .max_attempts(1)
            .poll_interval(Duration::from_millis(10))
            .keep_done(Duration::ZERO)
            .purge_every(Duration::from_millis(10))
            .spawn();
        let server =
            Server::start(handlers.route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())))
                .await;

        let first = signed(&server, "msg_done_1", "order.created");
        for request in [
            copy(&first),
            signed(&server, "msg_done_2", "order.created"),
            signed(&server, "msg_dead", "order.failing"),
        ] {
            assert_eq!(send(request).await.status, StatusCode::ACCEPTED);
        }
        wait_for("three runs, one dead", || async {
            let dead = inbox.stats().await.unwrap().dead;
            (runs.load(Ordering::SeqCst) == 3 && dead == 1).then_some(())
        })
        .await;
        let slow_started = started.notified();
        assert_eq!(
            send(signed(&server, "msg_running", "order.slow"))
                .await
                .status,
            StatusCode::ACCEPTED
        );
        slow_started.await;
        assert_eq!(
            send(signed(&server, "msg_pending", "order.created"))
                .await
                .status,
            StatusCode::ACCEPTED
        );

        // The two done deliveries go; the dead, the running and the pending one stay.
        let left = wait_for("the done deliveries purged", || async {
            let all = inbox.list(&ListFilter::new()).await.unwrap();
            let done = all.iter().any(|record| record.state == DeliveryState::Done);
            (!done && all.len() == 3).then_some(all)
        })
        .await;
        let mut states: Vec<(String, DeliveryState)> = left
            .iter()
            .map(|record| (record.delivery_id.clone(), record.state))
            .collect();
        states.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            states,
            [
                ("msg_dead".to_owned(), DeliveryState::Dead),
                ("msg_pending".to_owned(), DeliveryState::Pending),
                ("msg_running".to_owned(), DeliveryState::Running),
            ],
            "{engine:?}"
        );
        let stats = inbox.stats().await.unwrap();
        assert_eq!(
            (stats.done, stats.dead, stats.pending, stats.running),
            (0, 1, 1, 1)
        );

        // Purged, and still inside the replay window: a copy is a duplicate, and the
        // handler does not run again.
        let reply = send(copy(&first)).await;
        assert!(is_duplicate(&reply), "{engine:?}: {}", reply.status);
        assert_eq!(runs.load(Ordering::SeqCst), 4);

        release.notify_one();
        workers.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_without_purge_keep_done_deliveries() {
    let engine = engines()[0];
    let database = Database::new(engine, "retention_off");
    let inbox = database.open().await;
    let handlers = Router::new().route("/hook", post(|| async { StatusCode::OK }));
    let workers = inbox
        .workers(handlers.clone())
        .poll_interval(Duration::from_millis(10))
        // Were the purge still on, it would take the delivery within 10 ms.
        .purge_every(Duration::from_millis(10))
        .without_purge()
        .keep_done(Duration::ZERO)
        .spawn();
    let server =
        Server::start(handlers.route_layer(WebhookLayer::new(verifier()).inbox(inbox.clone())))
            .await;
    assert_eq!(
        send(signed(&server, "msg_kept", "order.created"))
            .await
            .status,
        StatusCode::ACCEPTED
    );
    wait_for("the delivery done", || async {
        (inbox.stats().await.unwrap().done == 1).then_some(())
    })
    .await;
    // A purge by hand still works.
    assert_eq!(inbox.purge_done(Duration::ZERO).await.unwrap(), 1);
    assert_eq!(inbox.stats().await.unwrap().done, 0);
    workers.shutdown().await;
}
