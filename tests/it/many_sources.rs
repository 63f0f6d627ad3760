//! Many sources on one endpoint: verifiers resolved per request from a path segment,
//! cached, rotated and added at run time, namespaced by source; unknown sources `404`,
//! failing lookups `503`.

use crate::common;

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use axum::routing::post;
use axum::Router;
use base64::Engine;
use bytes::Bytes;
use common::{send, Calls, Server};
use http::StatusCode;
use tower::{Layer, ServiceExt};
use tower_webhook::layer::{
    KnownSource, LookupError, LookupErrorKind, SourceKey, Sources, VerifiedBody,
};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

/// The "database": tenant name to its Standard Webhooks secrets (several during a
/// rotation), and how many lookups it answered.
#[derive(Clone, Default)]
struct Tenants {
    secrets: Arc<RwLock<HashMap<String, Vec<String>>>>,
    lookups: Arc<AtomicUsize>,
}

impl Tenants {
    fn set(&self, tenant: &str, secrets: &[&str]) {
        self.secrets.write().unwrap().insert(
            tenant.to_owned(),
            secrets.iter().map(|s| (*s).to_owned()).collect(),
        );
    }

    fn sources(&self) -> Sources {
        let tenants = self.clone();
        Sources::new(SourceKey::path_segment(1), move |tenant: String| {
            let tenants = tenants.clone();
            async move {
                tenants.lookups.fetch_add(1, Ordering::SeqCst);
                let found = tenants
                    .secrets
                    .read()
                    .unwrap()
                    .get_key_value(&tenant)
                    .map(|(name, secrets)| (name.clone(), secrets.clone()));
                Ok(match found {
                    Some((name, secrets)) => Some(KnownSource::new(
                        name,
                        Verifier::builder(providers::standard_webhooks())
                            .secrets(secrets)
                            .build()?,
                    )),
                    None => None,
                })
            }
        })
    }
}

fn secret(n: usize) -> String {
    let key = format!("tenant secret {n:08}");
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

fn delivery(tenant: &str, secret: &str, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(format!("/webhooks/{tenant}/standard"))
        .body(Bytes::from_static(br#"{"type":"invoice.paid"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), secret)
        .unwrap()
        .sign_with(request, id, std::time::SystemTime::now())
        .unwrap()
}

/// The layer in process, its handler answering the delivery's source and id.
fn service(
    sources: Sources,
) -> impl tower::Service<
    http::Request<http_body_util::Full<Bytes>>,
    Response = http::Response<tower_webhook::layer::ResponseBody<String>>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    WebhookLayer::with_sources(sources).layer(tower::service_fn(
        |request: http::Request<VerifiedBody>| async move {
            let delivery = request.extensions().get::<Delivery>().unwrap();
            Ok::<_, Infallible>(http::Response::new(format!(
                "{} {}",
                delivery.source().unwrap(),
                delivery.id()
            )))
        },
    ))
}

async fn call<S>(service: &S, request: http::Request<Bytes>) -> StatusCode
where
    S: tower::Service<
            http::Request<http_body_util::Full<Bytes>>,
            Response = http::Response<tower_webhook::layer::ResponseBody<String>>,
            Error = Infallible,
        > + Clone,
{
    let response = service
        .clone()
        .oneshot(request.map(http_body_util::Full::new))
        .await
        .unwrap();
    response.status()
}

/// 10,000 sources, each looked up once; secrets rotated and tenants added at run time.
#[tokio::test]
async fn ten_thousand_sources_added_and_rotated_at_run_time() {
    const N: usize = 10_000;
    let tenants = Tenants::default();
    for n in 0..N {
        tenants.set(&format!("t{n}"), &[&secret(n)]);
    }
    let sources = tenants.sources();
    let service = service(sources.clone());
    for n in 0..N {
        let status = call(&service, delivery(&format!("t{n}"), &secret(n), "msg_1")).await;
        assert_eq!(status, StatusCode::OK, "tenant {n}");
    }
    assert_eq!(
        tenants.lookups.load(Ordering::SeqCst),
        N,
        "one lookup per source"
    );
    assert_eq!(sources.cached(), N);

    // Rotate t7: its new secret is added beside the old one, then the old one removed.
    let rotated = "whsec_cm90YXRlZCBzZWNyZXQgb2YgdDc=";
    tenants.set("t7", &[rotated, &secret(7)]);
    sources.invalidate("t7");
    assert_eq!(
        call(&service, delivery("t7", rotated, "msg_2")).await,
        StatusCode::OK
    );
    assert_eq!(
        call(&service, delivery("t7", &secret(7), "msg_3")).await,
        StatusCode::OK
    );
    tenants.set("t7", &[rotated]);
    sources.invalidate("t7");
    assert_eq!(
        call(&service, delivery("t7", &secret(7), "msg_4")).await,
        StatusCode::UNAUTHORIZED
    );

    // A tenant added at run time: unknown first, then known once its cache entry goes.
    let new_secret = secret(N);
    assert_eq!(
        call(&service, delivery("newcomer", &new_secret, "msg_5")).await,
        StatusCode::NOT_FOUND
    );
    tenants.set("newcomer", &[&new_secret]);
    sources.invalidate("newcomer");
    assert_eq!(
        call(&service, delivery("newcomer", &new_secret, "msg_5")).await,
        StatusCode::OK
    );
}

/// A signature made for one source is refused on another; the same delivery id under two
/// sources is two deliveries, and a duplicate within one.
#[tokio::test]
async fn sources_are_separate_namespaces() {
    let tenants = Tenants::default();
    tenants.set("acme", &[&secret(1)]);
    tenants.set("globex", &[&secret(2)]);
    let calls = Calls::default();
    let app = {
        let calls = calls.clone();
        Router::new().route(
            "/webhooks/{tenant}/standard",
            post(move |delivery: Delivery| {
                calls.hit();
                async move { format!("{} {}", delivery.source().unwrap(), delivery.id()) }
            })
            .route_layer(WebhookLayer::with_sources(tenants.sources())),
        )
    };
    let server = Server::start(app).await;
    let at = |request: http::Request<Bytes>| {
        let (mut parts, body) = request.into_parts();
        parts.uri = server.url(parts.uri.path()).parse().unwrap();
        http::Request::from_parts(parts, body)
    };

    // acme's signature sent to globex.
    let forged = send(at(delivery("globex", &secret(1), "msg_1"))).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    let first = send(at(delivery("acme", &secret(1), "msg_same"))).await;
    assert_eq!(first.text(), "acme msg_same");
    let second = send(at(delivery("globex", &secret(2), "msg_same"))).await;
    assert_eq!(second.text(), "globex msg_same");
    let again = send(at(delivery("acme", &secret(1), "msg_same"))).await;
    assert_eq!(again.headers["webhook-duplicate"], "true");
    assert_eq!(calls.count(), 2);

    // Unknown source: 404, handler not called; a missing source key too.
    let unknown = send(at(delivery("initech", &secret(3), "msg_1"))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["reason"], "unknown_source");
    assert_eq!(calls.count(), 2);
}

/// A lookup that fails is answered 503 (fail closed), and looked up again once its
/// failure is no longer remembered.
#[tokio::test]
async fn a_failing_lookup_is_503_and_retried() {
    let failures = Arc::new(AtomicUsize::new(1));
    let sources = {
        let failures = failures.clone();
        Sources::new(SourceKey::path_segment(1), move |_tenant: String| {
            let failures = failures.clone();
            async move {
                if failures.load(Ordering::SeqCst) > 0 {
                    failures.fetch_sub(1, Ordering::SeqCst);
                    return Err(LookupError::new(
                        LookupErrorKind::Unavailable,
                        "database unavailable",
                    ));
                }
                Ok(Some(KnownSource::new(
                    "acme",
                    Verifier::new(providers::standard_webhooks(), secret(1))?,
                )))
            }
        })
        // Not remembered: the next request tries again.
        .failure_ttl(std::time::Duration::ZERO)
    };
    let service = service(sources);
    assert_eq!(
        call(&service, delivery("acme", &secret(1), "msg_1")).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        call(&service, delivery("acme", &secret(1), "msg_1")).await,
        StatusCode::OK
    );
}

/// A burst for a source that is not cached yet loads it once.
#[test]
fn a_burst_for_a_new_source_looks_it_up_once() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let release = Arc::new(tokio::sync::Notify::new());
        let lookups = Arc::new(AtomicUsize::new(0));
        let sources = {
            let (release, lookups) = (release.clone(), lookups.clone());
            Sources::new(SourceKey::path_segment(1), move |_tenant: String| {
                let (release, lookups) = (release.clone(), lookups.clone());
                async move {
                    lookups.fetch_add(1, Ordering::SeqCst);
                    release.notified().await;
                    Ok(Some(KnownSource::new(
                        "acme",
                        Verifier::new(providers::standard_webhooks(), secret(1))?,
                    )))
                }
            })
        };
        let service = service(sources);
        let mut burst = tokio::task::JoinSet::new();
        for n in 0..50 {
            let service = service.clone();
            let request = delivery("acme", &secret(1), &format!("msg_{n}"));
            burst.spawn(async move { call(&service, request).await });
        }
        // On this one thread, one yield lets every request run until it waits: the first
        // in the lookup, the others on its result.
        tokio::task::yield_now().await;
        release.notify_waiters();
        while let Some(status) = burst.join_next().await {
            assert_eq!(status.unwrap(), StatusCode::OK);
        }
        assert_eq!(lookups.load(Ordering::SeqCst), 1);
    });
}
