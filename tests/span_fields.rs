//! The `webhook` span's fields are in every log line of the request, the handler's own
//! included: a sender's event type of 200 KB must not make each line 200 KB. A test binary
//! of its own: tracing's callsite interest is global, so another test hitting the same
//! span with no subscriber at the same time could leave it disabled here.

use std::convert::Infallible;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use tower::{Layer, Service, ServiceExt};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_huge_event_type_is_cut_in_the_span() {
    let captured = Captured::default();
    let writer = captured.clone();
    // This thread's subscriber only (the test's runtime runs on it).
    let _log = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    // Other tests of this binary hit the same callsites meanwhile, with no subscriber:
    // their interest is computed again now that this thread has one.
    tracing::callsite::rebuild_interest_cache();
    let kind = "x".repeat(200_000);
    let body = serde_json::json!({ "type": kind }).to_string();
    let request = Request::post("/")
        .header("content-type", "application/json")
        .body(Bytes::from(body))
        .unwrap();
    let request = Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, "msg_huge_type", SystemTime::now())
        .unwrap()
        .map(Full::new);
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let mut service =
        WebhookLayer::new(verifier).layer(tower::service_fn(|_: Request<VerifiedBody>| async {
            tracing::info!("the handler's own line");
            Ok::<_, Infallible>(Response::new(String::new()))
        }));
    let response = ServiceExt::<Request<Full<Bytes>>>::ready(&mut service)
        .await
        .unwrap()
        .call(request)
        .await
        .unwrap();
    assert!(response.status().is_success());
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|line| line.contains("the handler's own line"))
        .expect("the handler's line");
    assert!(line.contains("event_type"), "{line}");
    assert!(line.len() < 4096, "a line of {} bytes", line.len());
}
