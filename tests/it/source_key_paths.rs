//! A path-segment source key is percent-decoded, and a decoded key that no raw segment
//! could be (holding `/` or `\`, a NUL or another control character) or that is `.` or
//! `..` is an unknown source: `404`, and the lookup is never called. Shown with a lookup
//! that reads each tenant's secret from a file named after the key, through real HTTP on
//! 127.0.0.1: a delivery signed with a public file's text must not verify as a tenant.

use crate::common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Calls, Server};
use http::StatusCode;
use tower_webhook::layer::{KnownSource, LookupError, LookupErrorKind, SourceKey, Sources};
use tower_webhook::{providers, Delivery, Signer, Verifier, WebhookLayer};

const ACME_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The text of a public file beside the tenants' directory: anyone can read it.
const BANNER: &str = "whsec_cHVibGljIGJhbm5lciB0ZXh0IGZvciBldmVyeW9uZQ==";

/// `root/tenants/acme` holds acme's secret; `root/public/banner.txt` is public.
fn files() -> PathBuf {
    let root = std::env::temp_dir().join(format!("tower-webhook-key-paths-{}", std::process::id()));
    std::fs::create_dir_all(root.join("tenants")).unwrap();
    std::fs::create_dir_all(root.join("public")).unwrap();
    std::fs::write(root.join("tenants/acme"), ACME_SECRET).unwrap();
    std::fs::write(root.join("public/banner.txt"), BANNER).unwrap();
    root
}

fn sign(server: &Server, raw_tenant: &str, secret: &str, id: &str) -> http::Request<Bytes> {
    let request = http::Request::post(server.url(&format!("/webhooks/{raw_tenant}/standard")))
        .body(Bytes::from_static(br#"{"type":"invoice.paid"}"#))
        .unwrap();
    Signer::new(providers::standard_webhooks(), secret)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

#[tokio::test]
async fn decoded_keys_that_name_a_path_step_are_unknown() {
    let root = files();
    let lookups = Arc::new(AtomicUsize::new(0));
    let sources = {
        let (root, lookups) = (root.clone(), lookups.clone());
        Sources::new(SourceKey::path_segment(1), move |key: String| {
            lookups.fetch_add(1, Ordering::SeqCst);
            let file = root.join("tenants").join(&key);
            async move {
                match tokio::fs::read_to_string(&file).await {
                    Ok(secret) => Ok(Some(KnownSource::new(
                        key,
                        Verifier::new(providers::standard_webhooks(), secret.trim())?,
                    ))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(LookupError::with_source(
                        LookupErrorKind::Unavailable,
                        "tenant file unreadable",
                        e,
                    )),
                }
            }
        })
    };
    let calls = Calls::default();
    let app = {
        let calls = calls.clone();
        Router::new().route(
            "/webhooks/{tenant}/standard",
            post(move |delivery: Delivery| {
                calls.hit();
                async move { delivery.source().unwrap_or_default().to_owned() }
            })
            .route_layer(WebhookLayer::with_sources(sources)),
        )
    };
    let server = Server::start(app).await;

    for raw in [
        "..%2Fpublic%2Fbanner.txt",
        "..%2fpublic%2fbanner.txt",
        "..%5Cpublic%5Cbanner.txt",
        "%2E%2E",
        "%2e",
        "..",
        "acme%2F",
        "acme%00",
        "acme%0A",
        "acme%7F",
    ] {
        let reply = send(sign(&server, raw, BANNER, "msg_1")).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{raw}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["reason"], "unknown_source", "{raw}");
    }
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        0,
        "no lookup for any of them"
    );
    assert_eq!(calls.count(), 0);

    // A plain key, spelled raw or percent-encoded, is still a tenant.
    let reply = send(sign(&server, "acme", ACME_SECRET, "msg_1")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "acme");
    let reply = send(sign(&server, "ac%6De", ACME_SECRET, "msg_2")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(calls.count(), 2);
    std::fs::remove_dir_all(root).ok();
}
