//! The operator console (`Inbox::console`), through real HTTP on 127.0.0.1: mounted under
//! `/console` as a user mounts it, over an inbox fed by the layer and worked by real
//! workers. Login, Bearer, the pages and their filters, escaping of hostile payloads, and
//! the refusal of state changes without the CSRF token or from another origin.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use common::{send, Reply, Server};
use http::StatusCode;
use tower_webhook::inbox::{ConsoleAuth, DeliveryState, Inbox, InboxStats, ListFilter};
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TOKEN: &str = "console-token-7c1f0a9e4b2d4e8f9a6b3c5d";

/// A hostile payload: what a provider's customer can put in a delivery.
const HOSTILE: &str = r#"{"type":"order.failing","note":"<script>alert(1)</script>","pic":"<img src=x onerror=alert(2)>","link":"javascript:alert(3)"}"#;

/// What the `order.echo` handler answers (with `502`): HTML a page must not run.
const ECHO: &str = r#"<h1>upstream down</h1><script>alert("echo")</script>"#;

fn delivery(base: &str, id: &str, body: &str) -> http::Request<Bytes> {
    let request = http::Request::post(format!("{base}/hook"))
        .header("content-type", "application/json")
        .header("x-api-key", "sk_live_do_not_show_me")
        .header("x-tenant", "<b>acme</b>")
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    Signer::new(providers::standard_webhooks(), SECRET)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .unwrap()
}

struct Console {
    _server: Server,
    _dir: Dir,
    base: String,
    console: String,
    inbox: Inbox,
    healthy: Arc<AtomicBool>,
    workers: Option<tower_webhook::inbox::WorkersHandle>,
}

struct Dir(std::path::PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A receiver whose handler fails `order.failing` until `healthy`, with workers that try
/// once, and the console at `/console`.
async fn start(name: &str) -> Console {
    let dir = std::env::temp_dir().join(format!(
        "tower-webhook-console-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let inbox = Inbox::connect(&format!("sqlite://{}", dir.join("inbox.db").display()))
        .await
        .unwrap();
    let healthy = Arc::new(AtomicBool::new(false));
    let handlers = {
        let healthy = healthy.clone();
        Router::new().route(
            "/hook",
            post(move |delivery: tower_webhook::Delivery| {
                let healthy = healthy.clone();
                async move {
                    if delivery.event_type() == Some("order.echo") {
                        // A handler that answers with hostile HTML, longer than the inbox keeps.
                        let body = format!("{ECHO}{}TAIL_NEVER_KEPT", "x".repeat(2000));
                        return (StatusCode::BAD_GATEWAY, body).into_response();
                    }
                    if delivery.event_type() == Some("order.failing")
                        && !healthy.load(Ordering::SeqCst)
                    {
                        StatusCode::SERVICE_UNAVAILABLE.into_response()
                    } else {
                        StatusCode::OK.into_response()
                    }
                }
            }),
        )
    };
    let workers = inbox
        .workers(handlers.clone())
        .max_attempts(1)
        .poll_interval(Duration::from_millis(10))
        .spawn();
    let verifier = Verifier::new(providers::standard_webhooks(), SECRET).unwrap();
    let auth = ConsoleAuth::token(TOKEN).dangerous_cookie_over_plain_http();
    let app = handlers
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
        .nest("/console", inbox.console(auth));
    let server = Server::start(app).await;
    let base = server.url("");
    Console {
        console: format!("{base}/console"),
        base,
        _server: server,
        _dir: Dir(dir),
        inbox,
        healthy,
        workers: Some(workers),
    }
}

impl Console {
    async fn accept(&self, id: &str, body: &str) {
        let reply = send(delivery(&self.base, id, body)).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    }

    async fn wait(&self, done: impl Fn(&InboxStats) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let stats = self.inbox.stats().await.unwrap();
            if done(&stats) {
                return;
            }
            assert!(Instant::now() < deadline, "{stats:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Logs in through the form; the session cookie.
    async fn login(&self) -> String {
        let reply = form(
            &format!("{}/login", self.console),
            None,
            &[("token", TOKEN)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        let cookie = reply.headers["set-cookie"].to_str().unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }
}

async fn get(url: &str, cookie: Option<&str>) -> Reply {
    let mut request = http::Request::get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    send(request.body(Bytes::new()).unwrap()).await
}

/// A form post as the console's own page makes a current browser send it.
async fn form(url: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Reply {
    form_with(url, cookie, fields, &[("sec-fetch-site", "same-origin")]).await
}

async fn form_with(
    url: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Reply {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request =
        http::Request::post(url).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(request.body(Bytes::from(body)).unwrap()).await
}

/// The CSRF token of a page's forms.
fn csrf(page: &str) -> String {
    let start = page
        .find(r#"name="csrf" value=""#)
        .expect("a form with its token")
        + 19;
    page[start..].split('"').next().unwrap().to_owned()
}

fn assert_secure_headers(reply: &Reply) {
    let header = |name: &str| {
        reply
            .headers
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .to_str()
            .unwrap()
    };
    assert_eq!(
        header("content-security-policy"),
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("cache-control"), "no-store");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_needs_its_token_and_sets_a_strict_session_cookie() {
    let console = start("login").await;
    let root = &console.console;
    // Without a session: pages redirect to the login form, state changes are refused.
    for page in ["/overview", "/deliveries", "/deliveries/1"] {
        let reply = get(&format!("{root}{page}"), None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{page}");
        let location = reply.headers["location"].to_str().unwrap();
        assert!(location.ends_with("login"), "{page}: {location}");
        assert_secure_headers(&reply);
    }
    // The root leads to the overview, relative to itself.
    let reply = get(root, None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers["location"], "console/overview");
    let reply = form(&format!("{root}/deliveries/1/replay"), None, &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // The login form, its style sheet.
    let reply = get(&format!("{root}/login"), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains(r#"name="token""#));
    assert_secure_headers(&reply);
    let css = get(&format!("{root}/console.css"), None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));

    // A wrong token is refused; a cross-origin login too.
    let wrong = form(&format!("{root}/login"), None, &[("token", "guess")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.headers.get("set-cookie").is_none());
    let prefix = &TOKEN[..TOKEN.len() - 1];
    let wrong = form(&format!("{root}/login"), None, &[("token", prefix)]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let cross = form_with(
        &format!("{root}/login"),
        None,
        &[("token", TOKEN)],
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(cross.headers.get("set-cookie").is_none());

    // The right token: a session cookie that is not the token.
    let reply = form(&format!("{root}/login"), None, &[("token", TOKEN)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers["location"], "overview");
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap();
    assert!(set_cookie.contains("; HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("; SameSite=Strict"), "{set_cookie}");
    assert!(set_cookie.contains("; Path=/console;"), "{set_cookie}");
    assert!(!set_cookie.contains(TOKEN), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap();
    let page = get(&format!("{root}/overview"), Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.text().contains("Overview"));
    assert_secure_headers(&page);
    // A forged or altered session is no session.
    let forged = format!("{}0", cookie);
    assert_eq!(
        get(&format!("{root}/overview"), Some(&forged)).await.status,
        StatusCode::SEE_OTHER
    );

    // Bearer works without a cookie; a wrong one does not.
    let bearer = |token: &str| {
        http::Request::get(format!("{root}/deliveries"))
            .header("authorization", format!("Bearer {token}"))
            .body(Bytes::new())
            .unwrap()
    };
    assert_eq!(send(bearer(TOKEN)).await.status, StatusCode::OK);
    assert_eq!(send(bearer("nope")).await.status, StatusCode::SEE_OTHER);

    // Log out: the cookie is cleared.
    let page = get(&format!("{root}/overview"), Some(cookie)).await.text();
    let reply = form(
        &format!("{root}/logout"),
        Some(cookie),
        &[("csrf", &csrf(&page))],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_list_filter_show_and_replay_safely() {
    let mut console = start("pages").await;
    let root = console.console.clone();
    console
        .accept("msg_ok", r#"{"type":"order.created"}"#)
        .await;
    console
        .accept(r#"msg_"><svg onload=alert(4)>"#, HOSTILE)
        .await;
    console.wait(|s| s.done == 1 && s.dead == 1).await;
    let cookie = console.login().await;
    let cookie = Some(cookie.as_str());

    // The overview counts.
    let overview = get(&format!("{root}/overview"), cookie).await.text();
    assert!(overview.contains("<svg"), "the chart");
    // Every SVG element closed (in SVG nothing is void): the bars are not swallowed.
    assert!(overview.contains("></line>"), "{overview}");
    assert!(
        overview.contains(r#"<title>1 dead, 0–1 h ago</title>"#),
        "{overview}"
    );
    assert!(
        overview.contains("standard-webhooks"),
        "top failing providers"
    );

    // Filters: state, provider, event type, delivery id.
    let rows = |page: &str| page.matches("<tr data-delivery-id=").count();
    let page = get(&format!("{root}/deliveries"), cookie).await.text();
    assert_eq!(rows(&page), 2);
    for field in [
        r#"name="state""#,
        r#"name="provider""#,
        r#"name="source""#,
        r#"name="event""#,
        r#"name="q""#,
    ] {
        assert!(page.contains(field), "{field}");
    }
    assert!(!page.contains(r#"rel="next""#));
    let dead = get(&format!("{root}/deliveries?state=dead"), cookie)
        .await
        .text();
    assert_eq!(rows(&dead), 1);
    assert!(dead.contains("handler answered 503"));
    let filtered = |query: &'static str| {
        let root = root.clone();
        let cookie = cookie.map(str::to_owned);
        async move {
            let reply = get(&format!("{root}/deliveries?{query}"), cookie.as_deref()).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text());
            rows(&reply.text())
        }
    };
    assert_eq!(filtered("provider=standard-webhooks&state=done").await, 1);
    assert_eq!(filtered("provider=stripe").await, 0);
    assert_eq!(filtered("event=order.created").await, 1);
    assert_eq!(filtered("event=order").await, 0);
    assert_eq!(filtered("q=msg_ok").await, 1);
    assert_eq!(filtered("q=msg_").await, 0);
    assert_eq!(filtered("source=acme").await, 0);
    assert_eq!(filtered("state=&provider=&q=").await, 2);
    let bad = get(&format!("{root}/deliveries?state=lost"), cookie).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // The dead one's page: every hostile string is text, credentials are masked.
    let id = console
        .inbox
        .list(&ListFilter::new().state(DeliveryState::Dead))
        .await
        .unwrap()[0]
        .id;
    assert!(dead.contains(&format!(r#"<tr data-delivery-id="{id}">"#)));
    assert!(
        !dead.contains("<svg onload"),
        "the provider's id is escaped"
    );
    let reply = get(&format!("{root}/deliveries/{id}"), cookie).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_secure_headers(&reply);
    let shown = reply.text();
    for hostile in [
        "<script",
        "<img",
        "<svg onload",
        "<b>acme",
        "href=\"javascript:",
        "src=\"x",
    ] {
        assert!(!shown.contains(hostile), "{hostile} in\n{shown}");
    }
    assert!(shown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(shown.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(shown.contains("javascript:alert(3)"), "shown as text");
    assert!(!shown.contains("sk_live_do_not_show_me"), "masked");
    assert!(shown.contains("[masked]"));
    assert!(shown.contains("handler answered 503"), "the failure reason");
    assert!(
        shown.contains("\n  &quot;note&quot;: "),
        "pretty-printed JSON"
    );
    // The raw view: the bytes as received, as text in a sandbox.
    let raw = get(&format!("{root}/deliveries/{id}/raw"), cookie).await;
    assert_eq!(raw.text(), HOSTILE);
    assert_eq!(raw.headers["content-type"], "text/plain; charset=utf-8");
    assert!(raw.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("sandbox"));
    assert_eq!(raw.headers["x-content-type-options"], "nosniff");

    // State changes: without the token, with a wrong one, from another origin with the
    // right one: refused, and nothing changes.
    let token = csrf(&shown);
    let replay = format!("{root}/deliveries/{id}/replay");
    for (fields, headers) in [
        (vec![], vec![("sec-fetch-site", "same-origin")]),
        (
            vec![("csrf", "0000")],
            vec![("sec-fetch-site", "same-origin")],
        ),
        (
            vec![("csrf", token.as_str())],
            vec![("sec-fetch-site", "cross-site")],
        ),
        (
            vec![("csrf", token.as_str())],
            vec![("sec-fetch-site", "same-site")],
        ),
        (
            vec![("csrf", token.as_str())],
            vec![("origin", "http://127.0.0.1:1")],
        ),
    ] {
        let reply = form_with(&replay, cookie, &fields, &headers).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{fields:?} {headers:?}"
        );
    }
    assert_eq!(
        console.inbox.get(id).await.unwrap().unwrap().record.state,
        DeliveryState::Dead
    );
    // A token of another session is refused too.
    let other = console.login().await;
    let other_page = get(&format!("{root}/deliveries/{id}"), Some(&other))
        .await
        .text();
    let reply = form(&replay, cookie, &[("csrf", &csrf(&other_page))]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // The console's own form (the Origin a browser without Sec-Fetch-Site sends, and
    // Chromium's `null` under no-referrer): replayed, and done once the handler is well.
    console.healthy.store(true, Ordering::SeqCst);
    let own_origin = console.base.clone();
    let reply = form_with(
        &replay,
        cookie,
        &[("csrf", &token)],
        &[("origin", own_origin.as_str())],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(
        reply.headers["location"],
        format!("../../deliveries/{id}?done=replayed")
    );
    console.wait(|s| s.done == 2).await;
    let shown = get(&format!("{root}/deliveries/{id}?done=replayed"), cookie)
        .await
        .text();
    assert!(shown.contains("state-done"));
    assert!(shown.contains("Replayed"));

    // Replay all matching: a confirmation with the count, then the replay.
    console.healthy.store(false, Ordering::SeqCst);
    for n in 0..3 {
        console
            .accept(&format!("msg_bulk_{n}"), r#"{"type":"order.failing"}"#)
            .await;
    }
    console.wait(|s| s.dead == 3).await;
    let confirm = get(
        &format!("{root}/replay-matching?state=dead&event=order.failing"),
        cookie,
    )
    .await;
    assert_eq!(confirm.status, StatusCode::OK);
    let confirm = confirm.text();
    assert!(
        confirm.contains(r#"<strong class="count">3</strong>"#),
        "{confirm}"
    );
    assert!(confirm.contains("Replay all matching"));
    if let Some(workers) = console.workers.take() {
        workers.shutdown().await;
    }
    let reply = form(
        &format!("{root}/replay-matching"),
        cookie,
        &[
            ("csrf", &csrf(&confirm)),
            ("state", "dead"),
            ("event", "order.failing"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let stats = console.inbox.stats().await.unwrap();
    assert_eq!((stats.dead, stats.pending), (0, 3), "{stats:?}");

    // Forget one; purge the done ones.
    let pending = console
        .inbox
        .list(&ListFilter::new().state(DeliveryState::Pending))
        .await
        .unwrap();
    let reply = form(
        &format!("{root}/deliveries/{}/forget", pending[0].id),
        cookie,
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(console.inbox.get(pending[0].id).await.unwrap().is_none());
    let reply = form(
        &format!("{root}/purge-done"),
        cookie,
        &[("csrf", &token), ("days", "0")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.headers["location"]
        .to_str()
        .unwrap()
        .starts_with("overview?done=purged"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_holds_100_rows_and_links_the_next() {
    let console = start("paging").await;
    let root = &console.console;
    let mut in_flight = tokio::task::JoinSet::new();
    for n in 0..105 {
        let request = delivery(&console.base, &format!("msg_{n}"), r#"{"type":"x"}"#);
        in_flight.spawn(send(request));
    }
    while let Some(reply) = in_flight.join_next().await {
        assert_eq!(reply.unwrap().status, StatusCode::ACCEPTED);
    }
    let bearer = |url: String| {
        http::Request::get(url)
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(Bytes::new())
            .unwrap()
    };
    let first = send(bearer(format!("{root}/deliveries?event=x")))
        .await
        .text();
    assert_eq!(first.matches("<tr data-delivery-id=").count(), 100);
    let start = first.find(r#"rel="next" href=""#).expect("a next link") + 17;
    let next = first[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(next.starts_with("?event=x&after="), "{next}");
    let second = send(bearer(format!("{root}/deliveries{next}")))
        .await
        .text();
    assert_eq!(second.matches("<tr data-delivery-id=").count(), 5);
    assert!(!second.contains(r#"rel="next""#));
}

/// The same console driven by a real headless Chromium.
mod browser;

/// A hostile review: pages a payload could exhaust, tokens too weak to protect them.
mod hostile;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_shows_the_status_and_the_escaped_start_of_the_handlers_answer() {
    let console = start("attempts").await;
    let root = console.console.clone();
    console.accept("msg_echo", r#"{"type":"order.echo"}"#).await;
    console.wait(|s| s.dead == 1).await;
    let cookie = console.login().await;
    let id = console.inbox.list(&ListFilter::new()).await.unwrap()[0].id;
    let reply = get(&format!("{root}/deliveries/{id}"), Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let shown = reply.text();
    let attempts = &shown[shown
        .find(r#"<table class="attempts">"#)
        .expect("the attempts")..];
    let attempts = &attempts[..attempts.find("</table>").unwrap()];
    assert!(attempts.contains("<th>Status</th>"), "{attempts}");
    assert!(
        attempts.contains(r#"<td class="status">502 Bad Gateway</td>"#),
        "{attempts}"
    );
    assert!(attempts.contains(" ms</td>"), "the duration: {attempts}");
    // The handler's answer as text: escaped, and no more of it than the inbox keeps.
    assert!(
        attempts.contains(
            "&lt;h1&gt;upstream down&lt;/h1&gt;&lt;script&gt;alert(&quot;echo&quot;)&lt;/script&gt;xxx"
        ),
        "{attempts}"
    );
    for hostile in ["<h1>upstream", "<script"] {
        assert!(!shown.contains(hostile), "{hostile} in\n{shown}");
    }
    assert!(!shown.contains("TAIL_NEVER_KEPT"));
    let excerpt = console.inbox.get(id).await.unwrap().unwrap().attempts[0]
        .response
        .clone()
        .unwrap();
    assert_eq!(excerpt.len(), tower_webhook::inbox::MAX_RESPONSE_EXCERPT);
}

/// The delivery page says what the signature covered: Standard Webhooks signs the id and a
/// timestamp (and the body, whose `type` is the event type); GitHub signs neither its
/// delivery id nor its event header, nor any time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_delivery_page_says_whether_the_id_and_the_timestamp_were_signed() {
    let console = start("signed").await;
    let root = console.console.clone();
    console
        .accept("msg_signed", r#"{"type":"order.created"}"#)
        .await;
    console.wait(|s| s.done == 1).await;
    let cookie = console.login().await;
    let id = console.inbox.list(&ListFilter::new()).await.unwrap()[0].id;
    let shown = get(&format!("{root}/deliveries/{id}"), Some(&cookie))
        .await
        .text();
    assert!(
        shown.contains(r#"<dd class="id">msg_signed <span class="signed">signed</span></dd>"#),
        "{shown}"
    );
    assert!(
        shown
            .contains(r#"<dd class="event">order.created <span class="signed">signed</span></dd>"#),
        "{shown}"
    );
    let details = console.inbox.get(id).await.unwrap().unwrap();
    let at = details
        .signed_at
        .expect("Standard Webhooks signs a timestamp");
    let at = time::OffsetDateTime::from(at);
    let shown_at = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    assert!(
        shown.contains(&format!(
            r#"<dd class="timestamp">{shown_at} <span class="signed">signed</span></dd>"#
        )),
        "{shown}"
    );

    // GitHub: an unsigned id (a claim), an unsigned event type, no signed time.
    let dir = std::env::temp_dir().join(format!(
        "tower-webhook-console-github-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let _dir = Dir(dir.clone());
    let inbox = Inbox::connect(&format!("sqlite://{}", dir.join("inbox.db").display()))
        .await
        .unwrap();
    let verifier = Verifier::new(providers::github(), SECRET).unwrap();
    let app = Router::new()
        .route("/hook", post(|| async { StatusCode::OK }))
        .route_layer(WebhookLayer::new(verifier).inbox(inbox.clone()))
        .nest("/console", inbox.console(ConsoleAuth::token(TOKEN)));
    let server = Server::start(app).await;
    let request = http::Request::post(server.url("/hook"))
        .header("content-type", "application/json")
        .header("x-github-event", "push")
        .body(Bytes::from_static(br#"{"ref":"refs/heads/main"}"#))
        .unwrap();
    let request = Signer::new(providers::github(), SECRET)
        .unwrap()
        .sign_with(request, "claimed-delivery-id", SystemTime::now())
        .unwrap();
    assert_eq!(send(request).await.status, StatusCode::ACCEPTED);
    let id = inbox.list(&ListFilter::new()).await.unwrap()[0].id;
    let request = http::Request::get(server.url(&format!("/console/deliveries/{id}")))
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Bytes::new())
        .unwrap();
    let shown = send(request).await.text();
    assert!(
        shown.contains(
            r#"<dd class="id">claimed-delivery-id <span class="unsigned">unsigned: the sender's claim"#
        ),
        "{shown}"
    );
    assert!(
        shown.contains(r#"<dd class="event">push <span class="unsigned">"#),
        "{shown}"
    );
    assert!(
        shown.contains(r#"<dd class="timestamp"><span class="muted">none: nothing signed says when it was sent</span></dd>"#),
        "{shown}"
    );
}

/// The list's received-after and received-before fields: the inbox's time bounds (after
/// inclusive, before exclusive), in UTC, carried by the paging and bulk links; a time that
/// cannot be read is a `400` that says what to type.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_by_the_time_received() {
    use time::format_description::well_known::Rfc3339;
    let console = start("received").await;
    let root = console.console.clone();
    console
        .accept("msg_one", r#"{"type":"order.created"}"#)
        .await;
    console
        .accept("msg_two", r#"{"type":"order.failing"}"#)
        .await;
    console.wait(|s| s.done == 1 && s.dead == 1).await;
    let cookie = console.login().await;
    let page = |query: String| {
        let (root, cookie) = (root.clone(), cookie.clone());
        async move { get(&format!("{root}/deliveries?{query}"), Some(&cookie)).await }
    };
    let rows = |reply: &Reply| {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.text().matches("<tr data-delivery-id=").count()
    };
    let all = page(String::new()).await.text();
    assert!(all.contains(r#"name="received_after""#), "{all}");
    assert!(all.contains(r#"name="received_before""#), "{all}");

    let day = Duration::from_secs(86_400);
    let date = |time: SystemTime| {
        let time = time::OffsetDateTime::from(time);
        format!(
            "{}-{:02}-{:02}",
            time.year(),
            u8::from(time.month()),
            time.day()
        )
    };
    let now = SystemTime::now();
    let (tomorrow, yesterday) = (date(now + day), date(now - day));
    assert_eq!(rows(&page(format!("received_after={tomorrow}")).await), 0);
    assert_eq!(rows(&page(format!("received_before={tomorrow}")).await), 2);
    assert_eq!(
        rows(&page(format!("received_after={yesterday}T00:00")).await),
        2
    );
    assert_eq!(
        rows(&page("received_before=2000-01-01+00%3A00%3A00Z".into()).await),
        0
    );
    assert_eq!(rows(&page("received_after=0000-01-01".into()).await), 2);
    let last = "received_before=9999-12-31T23:59:59.999%2B00:00";
    assert_eq!(rows(&page(last.into()).await), 2);
    let both = format!("received_after={yesterday}&received_before={tomorrow}&state=dead");
    assert_eq!(rows(&page(both).await), 1);

    // The bounds exactly: after is inclusive, before exclusive.
    let one = &console
        .inbox
        .list(&ListFilter::new().delivery_id("msg_one"))
        .await
        .unwrap()[0];
    let at = time::OffsetDateTime::from(one.received_at)
        .format(&Rfc3339)
        .unwrap();
    let at: String = form_urlencoded::byte_serialize(at.as_bytes()).collect();
    assert_eq!(
        rows(&page(format!("q=msg_one&received_after={at}")).await),
        1
    );
    assert_eq!(
        rows(&page(format!("q=msg_one&received_before={at}")).await),
        0
    );

    // The form shows the bounds back, in its fields' format.
    let shown = page(format!("received_after={yesterday}")).await.text();
    assert!(
        shown.contains(&format!(
            r#"name="received_after" value="{yesterday}T00:00:00""#
        )),
        "{shown}"
    );
    // "Replay all matching" counts within the bounds.
    let confirm = get(
        &format!("{root}/replay-matching?received_before=2000-01-01"),
        Some(&cookie),
    )
    .await
    .text();
    assert!(
        confirm.contains(r#"<strong class="count">0</strong>"#),
        "{confirm}"
    );
    let confirm = get(
        &format!("{root}/replay-matching?received_after={yesterday}"),
        Some(&cookie),
    )
    .await
    .text();
    assert!(
        confirm.contains(r#"<strong class="count">1</strong>"#),
        "{confirm}"
    );
    assert!(
        confirm.contains(&format!(r#"name="received_after" value="{yesterday}""#)),
        "carried to the bulk replay: {confirm}"
    );

    // What cannot be read: a 400 that says what to type, for either field.
    for query in [
        "received_after=yesterday",
        "received_after=2026-13-45",
        "received_before=2026-12-07T25:00",
        "received_before=%F0%9F%92%A5",
        "received_after=99999-01-01",
    ] {
        let reply = page(query.to_owned()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            reply.text().contains("must be a time in UTC"),
            "{query}: {}",
            reply.text()
        );
    }
    let reply = page(format!(
        "received_after={tomorrow}&received_before={yesterday}"
    ))
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.text().contains("must be earlier than"),
        "{}",
        reply.text()
    );
}
