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

/// A delivery id is the sender's text (Stripe's body `id`; every tenant of a multi-tenant
/// endpoint signs its own bodies): recorded in the span, it is in every line of the
/// request. A newline or an escape sequence in it must not start a line of its own (a
/// forged log line) or reach the terminal raw.
#[tokio::test]
async fn a_delivery_id_cannot_forge_a_log_line() {
    let captured = Captured::default();
    let writer = captured.clone();
    let _log = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    tracing::callsite::rebuild_interest_cache();
    const STRIPE: &str = "whsec_span_fields_test_secret";
    let forged = "evt_1\n2026-12-07T00:00:00.000000Z  INFO forged: admin logged in\u{1b}[2K";
    let body = serde_json::json!({ "id": forged, "type": "invoice.paid" }).to_string();
    let request = Request::post("/")
        .header("content-type", "application/json")
        .body(Bytes::from(body))
        .unwrap();
    let request = Signer::new(providers::stripe(), STRIPE)
        .unwrap()
        .sign_with(request, "unused", SystemTime::now())
        .unwrap()
        .map(Full::new);
    let verifier = Verifier::new(providers::stripe(), STRIPE).unwrap();
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
    assert!(text.contains("the handler's own line"), "{text}");
    assert!(
        !text
            .lines()
            .any(|line| line.starts_with("2026-12-07T00:00:00")),
        "a forged line:\n{text}"
    );
    assert!(!text.contains('\u{1b}'), "a raw escape sequence:\n{text:?}");
}

/// The same id, kept by the inbox: the attempt's span (`webhook_inbox_attempt`) is in
/// every line the workers and the handler write.
#[cfg(feature = "inbox-sqlite")]
#[tokio::test]
async fn a_stored_delivery_id_cannot_forge_a_log_line_in_the_attempt() {
    use tower_webhook::inbox::Inbox;

    let captured = Captured::default();
    let writer = captured.clone();
    let _log = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    tracing::callsite::rebuild_interest_cache();
    const STRIPE: &str = "whsec_span_fields_test_secret";
    let forged = "evt_2\n2026-12-07T00:00:00.000000Z  INFO forged: admin logged in";
    let body = serde_json::json!({ "id": forged, "type": "invoice.paid" }).to_string();
    let request = Request::post("/")
        .header("content-type", "application/json")
        .body(Bytes::from(body))
        .unwrap();
    let request = Signer::new(providers::stripe(), STRIPE)
        .unwrap()
        .sign_with(request, "unused", SystemTime::now())
        .unwrap()
        .map(Full::new);
    let file = std::env::temp_dir().join(format!(
        "tower-webhook-span-fields-{}.db",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&file);
    let inbox = Inbox::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let verifier = Verifier::new(providers::stripe(), STRIPE).unwrap();
    let mut service = WebhookLayer::new(verifier)
        .inbox(inbox.clone())
        .layer(tower::service_fn(|_: Request<VerifiedBody>| async {
            Ok::<_, Infallible>(Response::new(String::new()))
        }));
    let response = ServiceExt::<Request<Full<Bytes>>>::ready(&mut service)
        .await
        .unwrap()
        .call(request)
        .await
        .unwrap();
    assert_eq!(response.status(), http::StatusCode::ACCEPTED);

    let (ran, mut handled) = tokio::sync::mpsc::unbounded_channel::<()>();
    let workers = inbox
        .workers(tower::service_fn(move |_: Request<VerifiedBody>| {
            tracing::info!("the handler's own line");
            let _ = ran.send(());
            async { Ok::<_, Infallible>(Response::new(String::new())) }
        }))
        .spawn();
    handled.recv().await.unwrap();
    workers.shutdown().await;
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("the handler's own line"), "{text}");
    assert!(
        !text
            .lines()
            .any(|line| line.starts_with("2026-12-07T00:00:00")),
        "a forged line:\n{text}"
    );
}

/// A body that does not fit a handler's type is logged at `error` with the
/// deserializer's message, which quotes the sender's field names (`unknown field
/// `…``): it must not start a line of its own either.
#[tokio::test]
async fn a_payload_error_cannot_forge_a_log_line() {
    use tower_webhook::dispatch::Dispatch;
    use tower_webhook::Webhook;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Invoice {
        id: String,
        r#type: String,
    }

    let captured = Captured::default();
    let writer = captured.clone();
    let _log = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    tracing::callsite::rebuild_interest_cache();
    const STRIPE: &str = "whsec_span_fields_test_secret";
    let mut body = serde_json::Map::new();
    body.insert("id".into(), "evt_3".into());
    body.insert("type".into(), "invoice.paid".into());
    body.insert(
        "x\n2026-12-07T00:00:00.000000Z  INFO forged: admin logged in".into(),
        1.into(),
    );
    let request = Request::post("/")
        .header("content-type", "application/json")
        .body(Bytes::from(serde_json::Value::Object(body).to_string()))
        .unwrap();
    let request = Signer::new(providers::stripe(), STRIPE)
        .unwrap()
        .sign_with(request, "unused", SystemTime::now())
        .unwrap()
        .map(Full::new);
    let verifier = Verifier::new(providers::stripe(), STRIPE).unwrap();
    let dispatch = Dispatch::new().on("invoice.paid", |_: Webhook<Invoice>| async { "paid" });
    let mut service = WebhookLayer::new(verifier).layer(dispatch);
    let response = ServiceExt::<Request<Full<Bytes>>>::ready(&mut service)
        .await
        .unwrap()
        .call(request)
        .await
        .unwrap();
    assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("does not fit"), "{text}");
    assert!(
        !text
            .lines()
            .any(|line| line.starts_with("2026-12-07T00:00:00")),
        "a forged line:\n{text}"
    );
}
