//! Inbox alerts as messages to a Slack-style incoming webhook: `POST` of
//! `{"text": "..."}`. Shared by `examples/slack_alerts.rs` and its test
//! (tests/it/slack_alerts.rs).
//!
//! The delivery id, event type and error of an alert come from the request or from the
//! handler's downstream, so whoever sent the delivery chooses them. Two things keep them
//! from doing more than being shown:
//! - the JSON is written by serde (`serde_json::json!`), never by pasting text between
//!   quotes, so a `"` or `\` in an id cannot add fields to the message;
//! - Slack reads `text` as mrkdwn, where `<!channel>` notifies everyone and
//!   `<http://evil.example|your bank>` is a link under any label: `&`, `<` and `>` are
//!   written as `&amp;`, `&lt;` and `&gt;`, as Slack documents ("Escaping text"), so they
//!   show as typed;
//! - a line break, any other control character and the bidirectional overrides (which
//!   reorder what is shown) are written as `\u{…}`: an event type with a line break
//!   cannot start a line of its own that reads like another alert.
//!
//! A post waits at most [`POST_TIMEOUT`]: a webhook that never answers must not hold the
//! alerts behind it for good.

use std::fmt::Write as _;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::Connect;
use hyper_util::client::legacy::Client;
use tower_webhook::inbox::{Alert, FailedAttempt};

/// How long one post may take, its answer read, before it is given up.
pub const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// `text` with `&`, `<` and `>` escaped for Slack's mrkdwn, and control characters and
/// bidirectional overrides shown as `\u{…}`.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c if c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                let _ = write!(escaped, "{}", c.escape_unicode());
            }
            c => escaped.push(c),
        }
    }
    escaped
}

/// The message's text for `alert`, every field from the delivery escaped.
pub fn text(alert: &Alert) -> String {
    let delivery = |title: &str, failed: &FailedAttempt| {
        let mut text = format!(
            "*{title}*: {} delivery {} (inbox id {}",
            escape(&failed.provider),
            escape(&failed.delivery_id),
            failed.inbox_id
        );
        if let Some(source) = &failed.source {
            let _ = write!(text, ", source {}", escape(source));
        }
        if let Some(kind) = &failed.event_type {
            let _ = write!(text, ", event {}", escape(kind));
        }
        let _ = write!(
            text,
            "), attempt {}: {}",
            failed.attempt,
            escape(&failed.error)
        );
        text
    };
    match alert {
        Alert::AttemptFailed(failed) => delivery("Webhook attempt failed", failed),
        Alert::Dead(failed) => delivery("Webhook delivery dead", failed),
        // Lagging, LagRecovered and any later kind: their one line, escaped.
        other => escape(&other.to_string()),
    }
}

/// The JSON body Slack's incoming webhooks take.
pub fn message(alert: &Alert) -> serde_json::Value {
    serde_json::json!({ "text": text(alert) })
}

/// Posts `alert` to `url`; `Err` with why when the request fails, is not answered 2xx,
/// or takes longer than [`POST_TIMEOUT`]. Generic over the client's connector: Slack's
/// URLs are `https://`, so give it a client with a TLS connector (hyper-rustls'
/// `HttpsConnector`); plain `HttpConnector` speaks `http://` only.
pub async fn post<C>(
    client: &Client<C, Full<Bytes>>,
    url: &http::Uri,
    alert: &Alert,
) -> Result<(), String>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    post_within(client, url, &message(alert), POST_TIMEOUT).await
}

/// Posts the JSON `message` to `url`, given up after `timeout`.
pub async fn post_within<C>(
    client: &Client<C, Full<Bytes>>,
    url: &http::Uri,
    message: &serde_json::Value,
    timeout: Duration,
) -> Result<(), String>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    tokio::time::timeout(timeout, post_now(client, url, message))
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "the alert webhook did not answer within {timeout:?}"
            ))
        })
}

async fn post_now<C>(
    client: &Client<C, Full<Bytes>>,
    url: &http::Uri,
    message: &serde_json::Value,
) -> Result<(), String>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    let body = serde_json::to_vec(message).map_err(|error| error.to_string())?;
    let request = http::Request::post(url.clone())
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|error| error.to_string())?;
    let response = client
        .request(request)
        .await
        .map_err(|error| format!("the alert could not be posted: {error}"))?;
    let status = response.status();
    // Read the answer to its end, so the connection can be used again.
    let _ = response.into_body().collect().await;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the alert webhook answered {status}"))
    }
}
