//! The operator console (feature `inbox-console`): server-rendered HTML pages to see,
//! search, replay and forget deliveries, over the same operations as the JSON API.

mod auth;
mod pages;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::{from_fn_with_state, map_response, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub use self::auth::{ConsoleAuth, DEFAULT_SESSION_LIFETIME, MIN_CONSOLE_TOKEN_LEN};
use super::Inbox;

/// The console's Content-Security-Policy: nothing but its own style sheet and forms; no
/// script, no frame, no base URL.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The largest form the console reads (its forms hold a token and a few filters).
const FORM_LIMIT: usize = 16 * 1024;

#[derive(Clone)]
struct Console {
    inbox: Inbox,
    auth: Arc<ConsoleAuth>,
}

impl Inbox {
    /// The operator console: HTML pages over this inbox, an axum [`Router`] to mount (nest)
    /// under any path, e.g. `Router::new().nest("/console", inbox.console(auth))`: its root
    /// (`/console`) leads to the overview (`/console/overview`). Every link is relative, so
    /// it also works behind a proxy that strips a prefix.
    ///
    /// | Page | Shows and does |
    /// | --- | --- |
    /// | `overview` (the root redirects there) | counts by state, the oldest pending age, the last 24 hours as a chart, the providers and sources with the most dead deliveries; purge done deliveries older than N days |
    /// | `deliveries?state=&provider=&source=&event=&q=&received_after=&received_before=` | newest first, 100 a page, `rel="next"` to the next; `event` and `q` (the provider's delivery id) match exactly; the times are UTC (`2026-12-07T20:38`, a date, or RFC 3339), after inclusive, before exclusive; "Replay all matching" for dead ones, after a page that shows how many |
    /// | `deliveries/{id}` | metadata (with whether the signature covered the id, the event type and a timestamp), headers (credential values masked), body (JSON pretty-printed, size-capped; `raw` for all of it), attempts (status, the start of the handler's answer, duration); "Replay", "Forget" |
    /// | `login` | the token form ([`ConsoleAuth::token`] only) |
    ///
    /// Safe by construction: webhook payloads are attacker-controlled text shown to a
    /// person who can replay them. Every value is escaped by the templates (maud; nothing
    /// is pre-escaped); no payload becomes HTML, an attribute URL or a link target; every
    /// answer carries `Content-Security-Policy: default-src 'none'; style-src 'self';
    /// img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`
    /// (no script at all), `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`,
    /// `X-Content-Type-Options: nosniff` and `Cache-Control: no-store`. Every state change
    /// is a `POST` that must carry the page's CSRF token (a hidden field, bound to the
    /// session) **and** come from the console's own origin (`Sec-Fetch-Site`, else
    /// `Origin`): a copied token does not let another origin — another port of the same
    /// host is one, and the `SameSite=Strict` cookie is sent from there — change anything.
    ///
    /// ```no_run
    /// use axum::Router;
    /// use tower_webhook::inbox::{ConsoleAuth, Inbox};
    /// use tower_webhook::Secret;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let inbox = Inbox::connect("sqlite://webhooks.db").await?;
    /// let token = Secret::from(std::env::var("CONSOLE_TOKEN")?);
    /// let app: Router = Router::new().nest("/console", inbox.console(ConsoleAuth::token(token)));
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    /// axum::serve(listener, app).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox-console")))]
    pub fn console(&self, auth: ConsoleAuth) -> Router {
        let console = Console {
            inbox: self.clone(),
            auth: Arc::new(auth),
        };
        let protected = Router::new()
            .route("/overview", get(pages::overview))
            .route("/deliveries", get(pages::deliveries))
            .route("/deliveries/{id}", get(pages::delivery))
            .route("/deliveries/{id}/raw", get(pages::raw))
            .route("/deliveries/{id}/replay", post(pages::replay))
            .route("/deliveries/{id}/forget", post(pages::forget))
            .route(
                "/replay-matching",
                get(pages::confirm_replay_matching).post(pages::replay_matching),
            )
            .route("/purge-done", post(pages::purge_done))
            .route("/logout", post(pages::logout))
            .route_layer(from_fn_with_state(console.clone(), guard));
        Router::new()
            .route("/login", get(pages::login_form).post(pages::login))
            .route("/console.css", get(css))
            .merge(protected)
            .route("/", get(root))
            .fallback(pages::not_found)
            .layer(map_response(security_headers))
            .with_state(console)
    }
}

/// The console's root: to the overview, relative to the root's own URL (`/console` when
/// nested at `/console`, or `/` at the top).
async fn root(OriginalUri(original): OriginalUri) -> Response {
    let path = original.path();
    let last = path.rsplit('/').next().unwrap_or_default();
    if last.is_empty() {
        see_other("overview")
    } else {
        see_other(&format!("{last}/overview"))
    }
}

/// The relative path from the page at `path` (inside the console) to the console's root:
/// `""` for `/deliveries`, `"../"` for `/deliveries/7`.
fn base_of(path: &str) -> String {
    "../".repeat(path.matches('/').count().saturating_sub(1))
}

/// The path the console is mounted at, as the browser sees it, for the cookie's `Path`:
/// the original path without the console's own part; `/` when it cannot be told or holds
/// a character a cookie attribute must not.
fn mount_path(original: &Uri, inner: &Uri) -> String {
    let (original, inner) = (original.path(), inner.path());
    let prefix = original.strip_suffix(inner).unwrap_or("");
    let safe = prefix
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || b"/-._~%".contains(&byte));
    if prefix.is_empty() || !safe {
        "/".to_owned()
    } else {
        prefix.to_owned()
    }
}

/// The request's own authority (host and port), for the `Origin` check.
fn authority(request: &Request) -> Option<String> {
    if let Some(authority) = request.uri().authority() {
        return Some(authority.as_str().to_owned());
    }
    let host = request.headers().get(header::HOST)?.to_str().ok()?;
    Some(host.to_owned())
}

/// A `303 See Other` to `location` (relative to the request's URL).
fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::try_from(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Every protected route: a session, and for a state change the same origin and the session's CSRF token.
async fn guard(State(console): State<Console>, request: Request, next: Next) -> Response {
    let base = base_of(request.uri().path());
    let now = super::now_ms();
    let Some(session) = console.auth.session(request.headers(), now) else {
        if request.method().is_safe() {
            return see_other(&format!("{base}login"));
        }
        return pages::problem(
            StatusCode::UNAUTHORIZED,
            "Log in first: this console needs its token.",
        );
    };
    let mut request = request;
    if !request.method().is_safe() {
        if let Err(why) = auth::cross_origin(request.headers(), authority(&request).as_deref()) {
            tracing::warn!(reason = %why, "webhook inbox console: refused a cross-origin state change");
            return pages::problem(
                StatusCode::FORBIDDEN,
                "Refused: this request does not come from the console's own pages.",
            );
        }
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
            return pages::problem(StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.");
        };
        let presented = form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.into_owned());
        if !presented.is_some_and(|token| console.auth.is_csrf(&session, &token)) {
            tracing::warn!("webhook inbox console: refused a state change without its CSRF token");
            return pages::problem(
                StatusCode::FORBIDDEN,
                "Refused: the form's CSRF token is missing or stale. Reload the page and try again.",
            );
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }
    request.extensions_mut().insert(session);
    next.run(request).await
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("console.css"),
    )
        .into_response()
}

/// The headers every answer of the console carries.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_bases_and_mount_paths() {
        assert_eq!(base_of("/"), "");
        assert_eq!(base_of("/deliveries"), "");
        assert_eq!(base_of("/deliveries/7"), "../");
        assert_eq!(base_of("/deliveries/7/replay"), "../../");
        let uri = |s: &'static str| Uri::from_static(s);
        assert_eq!(
            mount_path(&uri("/console/login"), &uri("/login")),
            "/console"
        );
        assert_eq!(mount_path(&uri("/a/b/login"), &uri("/login")), "/a/b");
        assert_eq!(mount_path(&uri("/login"), &uri("/login")), "/");
        assert_eq!(mount_path(&uri("/x;y/login"), &uri("/login")), "/");
    }
}
