//! Hostile review of the observability: configurations and request paths that the metrics,
//! the health checks and the workers' housekeeping must survive.

#[cfg(all(feature = "metrics", feature = "axum"))]
mod metrics_paths {
    use std::convert::Infallible;
    use std::future::Future;
    use std::time::SystemTime;

    use bytes::Bytes;
    use http::{Request, Response};
    use http_body_util::Full;
    use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};
    use tower::{Layer, Service, ServiceExt};
    use tower_webhook::layer::VerifiedBody;
    use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn signed(id: &str) -> Request<Full<Bytes>> {
        let request = Request::post("/")
            .header("content-type", "application/json")
            .body(Bytes::from_static(br#"{"type":"order.created"}"#))
            .unwrap();
        Signer::new(providers::standard_webhooks(), SECRET)
            .unwrap()
            .sign_with(request, id, SystemTime::now())
            .unwrap()
            .map(Full::new)
    }

    fn requests(recorder: &PrometheusRecorder) -> f64 {
        recorder
            .handle()
            .render()
            .lines()
            .filter(|line| line.starts_with("webhook_requests_total{"))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }

    fn handler_failures(recorder: &PrometheusRecorder) -> Option<f64> {
        recorder
            .handle()
            .render()
            .lines()
            .find(|line| {
                line.starts_with("webhook_handler_seconds_count{")
                    && line.contains("outcome=\"failure\"")
            })
            .and_then(|line| line.rsplit(' ').next()?.parse().ok())
    }

    /// A handler that panics, or a request whose client goes away while the handler runs,
    /// is still a request the layer answered (or would have): counted once, as a handler
    /// failure, never missing from `webhook_requests_total`.
    #[tokio::test]
    async fn a_panicking_or_abandoned_handler_is_still_counted() {
        let recorder = PrometheusBuilder::new().build_recorder();
        // This test's thread only (the runtime is current-thread): no global recorder.
        let _local = metrics::set_default_local_recorder(&recorder);

        let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
        let mut panicking = WebhookLayer::new(verifier.clone()).layer(tower::service_fn(
            |_: Request<VerifiedBody>| async move {
                if true {
                    panic!("the handler's bug");
                }
                Ok::<_, Infallible>(Response::new(String::new()))
            },
        ));
        let future = ServiceExt::<Request<Full<Bytes>>>::ready(&mut panicking)
            .await
            .unwrap()
            .call(signed("msg_panics"));
        // A task of this thread's runtime: its panic is caught, on this thread.
        let joined = tokio::spawn(future).await;
        assert!(joined.is_err_and(|error| error.is_panic()));
        assert_eq!(requests(&recorder), 1.0, "{}", recorder.handle().render());
        assert_eq!(handler_failures(&recorder), Some(1.0));

        let mut hanging = WebhookLayer::new(verifier).layer(tower::service_fn(
            |_: Request<VerifiedBody>| async move {
                std::future::pending::<()>().await;
                Ok::<_, Infallible>(Response::new(String::new()))
            },
        ));
        {
            let mut future =
                std::pin::pin!(ServiceExt::<Request<Full<Bytes>>>::ready(&mut hanging)
                    .await
                    .unwrap()
                    .call(signed("msg_abandoned")));
            // Polled until the handler runs, then dropped: the client went away.
            let polled = std::future::poll_fn(|cx| {
                std::task::Poll::Ready(future.as_mut().poll(cx).is_pending())
            })
            .await;
            assert!(polled, "the handler hangs");
        }
        assert_eq!(requests(&recorder), 2.0, "{}", recorder.handle().render());
        assert_eq!(handler_failures(&recorder), Some(2.0));
    }
}

#[cfg(all(inbox, feature = "axum"))]
mod workers {
    use std::convert::Infallible;
    use std::time::Duration;

    use crate::common::inbox::{engines, Database};
    use tower_webhook::layer::VerifiedBody;

    /// `attempt_timeout` documents a timeout past the clock's range as "no deadline";
    /// spawning such workers must not overflow the liveness bounds.
    #[tokio::test]
    async fn workers_without_a_deadline_spawn() {
        for engine in engines() {
            let database = Database::new(engine, "no-deadline");
            let inbox = database.open().await;
            let handler = tower::service_fn(|_: http::Request<VerifiedBody>| async {
                Ok::<_, Infallible>(http::Response::new(String::new()))
            });
            let workers = inbox
                .workers(handler)
                .attempt_timeout(Duration::MAX)
                .poll_interval(Duration::MAX)
                .purge_every(Duration::MAX)
                .alert_on_lag(Duration::MAX)
                .on_alert(|_| {})
                .spawn();
            assert!(inbox.liveness().is_ok());
            workers.shutdown().await;
        }
    }
}
