//! A hostile review of the console: payloads shaped to exhaust a page, tokens too weak
//! to protect it. Over real HTTP on 127.0.0.1, through the public API only.

use super::*;

/// A GitHub receiver (the event type from `X-GitHub-Event`, any body) with the console
/// at `/console` under `auth`; deliveries are accepted and never worked.
struct Github {
    server: Server,
    inbox: Inbox,
    _dir: Dir,
}

async fn github(name: &str, auth: ConsoleAuth) -> Github {
    let dir = std::env::temp_dir().join(format!(
        "tower-webhook-console-hostile-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let inbox = Inbox::connect(&format!("sqlite://{}", dir.join("inbox.db").display()))
        .await
        .unwrap();
    let verifier = Verifier::new(providers::github(), SECRET).unwrap();
    let app = Router::new()
        .route("/hook", post(|| async { StatusCode::OK }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
        .nest(
            "/console",
            inbox.console(auth.dangerous_cookie_over_plain_http()),
        );
    Github {
        server: Server::start(app).await,
        inbox,
        _dir: Dir(dir),
    }
}

impl Github {
    async fn accept(&self, id: &str, event: &str, body: &str) -> tower_webhook::inbox::InboxId {
        let request = http::Request::post(self.server.url("/hook"))
            .header("content-type", "application/json")
            .header("x-github-event", event)
            .body(Bytes::from(body.to_owned()))
            .unwrap();
        let request = Signer::new(providers::github(), SECRET)
            .unwrap()
            .sign_with(request, id, SystemTime::now())
            .unwrap();
        let reply = send(request).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
        let filter = ListFilter::new().delivery_id(id);
        self.inbox.list(&filter).await.unwrap()[0].id
    }

    async fn page(&self, path: &str) -> Reply {
        let request = http::Request::get(self.server.url(&format!("/console{path}")))
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(Bytes::new())
            .unwrap();
        send(request).await
    }
}

/// A valid JSON body of a few kilobytes, nested thousands deep, made the delivery page
/// indent every level on its own line: the page grew with the square of the depth
/// (3,000 levels, 6 KB: about 18 MB; the 64 KiB the page pretty-prints, 32,768 levels:
/// about 2 GiB, then escaped into a second copy), enough for one look at one delivery to
/// take the process down.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deeply_nested_json_body_does_not_blow_up_the_delivery_page() {
    let receiver = github("deep", ConsoleAuth::token(TOKEN)).await;
    let depth = 3000;
    let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(serde_json::from_str::<serde::de::IgnoredAny>(&body).is_ok());
    let id = receiver.accept("deep-1", "push", &body).await;
    let reply = receiver.page(&format!("/deliveries/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.len() < 256 * 1024,
        "a {} byte body made a {} byte page",
        body.len(),
        reply.body.len()
    );
    // The body is still shown, as received.
    assert!(reply.text().contains(&"[".repeat(100)));
}

/// `ConsoleAuth::token("")` (an unset variable read as empty, a missing configuration
/// key) made a console whose login form took an empty token: anyone in. A token of a
/// byte or a few is guessed in seconds by a form that does not slow guesses down.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_or_short_console_token_lets_nobody_in() {
    for token in ["", "a", "secret"] {
        let receiver = github("weak", ConsoleAuth::token(token)).await;
        let login = receiver.server.url("/console/login");
        let reply = form(&login, None, &[("token", token)]).await;
        assert_ne!(reply.status, StatusCode::SEE_OTHER, "{token:?} logged in");
        assert!(reply.headers.get("set-cookie").is_none(), "{token:?}");
        let request = http::Request::get(receiver.server.url("/console/deliveries"))
            .header("authorization", format!("Bearer {token}"))
            .body(Bytes::new())
            .unwrap();
        assert_ne!(send(request).await.status, StatusCode::OK, "{token:?}");
    }
}

/// An event type is the sender's text of any length (a header, or a field of the body
/// for Standard Webhooks): the list showed each in full, 100 a page, and the delivery
/// page too; the list caps the delivery id and the error, not this.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_event_type_is_cut_on_the_pages() {
    let receiver = github("event", ConsoleAuth::token(TOKEN)).await;
    let event = format!("push{}", "e".repeat(60_000));
    let id = receiver.accept("event-1", &event, "{}").await;
    for path in ["/deliveries".to_owned(), format!("/deliveries/{id}")] {
        let reply = receiver.page(&path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let shown = reply.text();
        assert!(shown.contains("pusheee"), "{path}");
        assert!(
            !shown.contains(&event),
            "{path}: the whole {} byte event type shown",
            event.len()
        );
    }
}
