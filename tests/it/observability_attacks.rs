//! Hostile review of the observability: configurations and request paths that the metrics,
//! the health checks and the workers' housekeeping must survive.

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
