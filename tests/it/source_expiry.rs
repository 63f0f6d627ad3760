//! When cached sources expire, on tokio's paused clock (no sleeps): a burst for an expired
//! source runs one lookup and waits for it; answers filled together expire spread over the
//! TTL's jitter, never after the TTL itself.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use tokio::sync::Notify;
use tower::{Layer, ServiceExt};
use tower_webhook::layer::{KnownSource, SourceKey, Sources, VerifiedBody};
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A runtime on one thread whose clock only moves when the test advances it.
fn paused() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

/// Sources whose every tenant is known (one secret for all), counting the lookups. Once
/// `hold` is set, each lookup waits for `release` before answering.
#[derive(Clone, Default)]
struct Tenants {
    lookups: Arc<AtomicUsize>,
    hold: Arc<std::sync::atomic::AtomicBool>,
    release: Arc<Notify>,
}

impl Tenants {
    fn sources(&self) -> Sources {
        let tenants = self.clone();
        Sources::new(SourceKey::path_segment(1), move |tenant: String| {
            let tenants = tenants.clone();
            async move {
                tenants.lookups.fetch_add(1, Ordering::SeqCst);
                if tenants.hold.load(Ordering::SeqCst) {
                    tenants.release.notified().await;
                }
                Ok(Some(KnownSource::new(
                    tenant,
                    Verifier::new(providers::standard_webhooks(), SECRET)?,
                )))
            }
        })
        // Never reached: a held lookup is released before the clock moves.
        .lookup_timeout(Duration::from_secs(24 * 3600))
    }

    fn lookups(&self) -> usize {
        self.lookups.load(Ordering::SeqCst)
    }
}

fn delivery(tenant: &str, id: &str) -> http::Request<http_body_util::Full<Bytes>> {
    let request = http::Request::post(format!("/webhooks/{tenant}/standard"))
        .body(Bytes::from_static(br#"{"type":"invoice.paid"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
        .map(http_body_util::Full::new)
}

type Service = tower_webhook::layer::WebhookService<
    tower::util::ServiceFn<
        fn(
            http::Request<VerifiedBody>,
        ) -> std::future::Ready<Result<http::Response<String>, Infallible>>,
    >,
>;

fn service(sources: Sources) -> Service {
    fn ok(
        _request: http::Request<VerifiedBody>,
    ) -> std::future::Ready<Result<http::Response<String>, Infallible>> {
        std::future::ready(Ok(http::Response::new(String::new())))
    }
    WebhookLayer::with_sources(sources).layer(tower::service_fn(ok as fn(_) -> _))
}

async fn call(
    service: &Service,
    request: http::Request<http_body_util::Full<Bytes>>,
) -> StatusCode {
    service.clone().oneshot(request).await.unwrap().status()
}

/// A burst of requests for a source whose answer expired shares one lookup, and every one
/// of them waits for it: none is served the expired verifier.
#[test]
fn a_burst_for_an_expired_source_looks_it_up_once() {
    paused().block_on(async {
        const BURST: usize = 50;
        let tenants = Tenants::default();
        let sources = tenants.sources().ttl(Duration::from_secs(60));
        let service = service(sources);
        assert_eq!(
            call(&service, delivery("acme", "msg_0")).await,
            StatusCode::OK
        );
        assert_eq!(tenants.lookups(), 1);

        // Past the TTL (the jitter only shortens it): the answer has expired.
        tokio::time::advance(Duration::from_secs(60)).await;
        tenants.hold.store(true, Ordering::SeqCst);
        let mut burst = tokio::task::JoinSet::new();
        for n in 1..=BURST {
            let (service, request) = (service.clone(), delivery("acme", &format!("msg_{n}")));
            burst.spawn(async move { call(&service, request).await });
        }
        // On this one thread, one yield lets every request run until it waits: the first
        // in the lookup, the others on its answer.
        tokio::task::yield_now().await;
        assert_eq!(tenants.lookups(), 2, "one lookup for the whole burst");
        assert!(
            burst.try_join_next().is_none(),
            "no request was answered before the lookup"
        );
        tenants.release.notify_waiters();
        let mut answered = 0;
        while let Some(status) = burst.join_next().await {
            assert_eq!(status.unwrap(), StatusCode::OK);
            answered += 1;
        }
        assert_eq!(answered, BURST);
        assert_eq!(tenants.lookups(), 2);
    });
}

/// `n` tenants filled at the same instant, then every tenant requested at each of
/// `steps` evenly spaced instants from `from` to `to` after the fill: how many were
/// looked up again at each instant (answers that expired since the one before). Also
/// checks that none expired before `from`.
fn expiries(
    sources: Sources,
    tenants: &Tenants,
    n: usize,
    from: Duration,
    to: Duration,
    steps: u32,
) -> Vec<usize> {
    paused().block_on(async {
        let service = service(sources.clone());
        let mut rounds = 0;
        round(&service, n, &mut rounds).await;
        assert_eq!(tenants.lookups(), n);
        assert_eq!(sources.cached(), n);

        // Just before the earliest expiry: every answer is still used.
        tokio::time::advance(from - Duration::from_millis(1)).await;
        round(&service, n, &mut rounds).await;
        assert_eq!(tenants.lookups(), n, "an answer expired before {from:?}");
        tokio::time::advance(Duration::from_millis(1)).await;

        let step = (to - from) / steps;
        let mut counts = Vec::new();
        for k in 0..=steps {
            if k > 0 {
                tokio::time::advance(step).await;
            }
            let before = tenants.lookups();
            round(&service, n, &mut rounds).await;
            counts.push(tenants.lookups() - before);
        }
        assert_eq!(sources.cached(), n, "refills keep their place in the count");
        counts
    })
}

/// Requests every one of `n` tenants once, each a new delivery.
async fn round(service: &Service, n: usize, rounds: &mut usize) {
    *rounds += 1;
    for t in 0..n {
        let name = format!("tenant{t}");
        let status = call(service, delivery(&name, &format!("msg_{rounds}_{t}"))).await;
        assert_eq!(status, StatusCode::OK, "{name}");
    }
}

/// By default (a jitter of 0.1), 1,000 verifiers filled at once expire spread over the
/// last tenth of the TTL: none before 90 s of a 100 s TTL, each second of the ten
/// holding about a tenth of them, all by the TTL.
#[test]
fn answers_filled_together_expire_spread_over_the_last_tenth_of_the_ttl() {
    const N: usize = 1_000;
    let tenants = Tenants::default();
    let sources = tenants.sources().ttl(Duration::from_secs(100));
    let counts = expiries(
        sources,
        &tenants,
        N,
        Duration::from_secs(90),
        Duration::from_secs(100),
        10,
    );
    // At 90 s exactly, at most the few whose jitter is the whole tenth; then ten
    // one-second spans.
    assert!(counts[0] <= N / 100, "{counts:?}");
    for (second, &count) in counts[1..].iter().enumerate() {
        assert!(
            (N / 20..=N * 3 / 20).contains(&count),
            "second {second} after 90 s: {count} of {N} expired ({counts:?})"
        );
    }
    assert_eq!(
        counts.iter().sum::<usize>(),
        N,
        "every answer expired once, and none outlived the TTL: {counts:?}"
    );
}

/// A larger jitter spreads the expiries wider: half of the TTL, here.
#[test]
fn the_jitter_is_configurable() {
    const N: usize = 1_000;
    let tenants = Tenants::default();
    let sources = tenants
        .sources()
        .ttl(Duration::from_secs(100))
        .ttl_jitter(0.5);
    let counts = expiries(
        sources,
        &tenants,
        N,
        Duration::from_secs(50),
        Duration::from_secs(100),
        10,
    );
    assert!(counts[0] <= N / 100, "{counts:?}");
    for &count in &counts[1..] {
        assert!((N / 20..=N * 3 / 20).contains(&count), "{counts:?}");
    }
    assert_eq!(counts.iter().sum::<usize>(), N, "{counts:?}");
}

/// Without jitter, every answer is kept for exactly the TTL: all of them expire together.
#[test]
fn without_jitter_answers_filled_together_expire_together() {
    const N: usize = 100;
    let tenants = Tenants::default();
    let sources = tenants
        .sources()
        .ttl(Duration::from_secs(100))
        .ttl_jitter(0.0);
    let counts = expiries(
        sources,
        &tenants,
        N,
        Duration::from_secs(100),
        Duration::from_secs(101),
        1,
    );
    assert_eq!(counts, [N, 0]);
}
