//! Sample bodies, so that `send github URL --event push` needs no file: a `push` and an
//! `issues.opened` for GitHub, an event each for Stripe, Slack, Shopify and Standard
//! Webhooks (and the services built on it), a generic JSON object otherwise.

use std::time::{Duration, SystemTime};

fn unix(at: SystemTime) -> Duration {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
}

fn quote(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// A sample body for `preset`, with `event` where the provider puts the event type in the
/// body, and the event-type header value when it puts it in a header.
pub struct Sample {
    /// The body.
    pub body: String,
    /// The value for the preset's event-type header, if it reads one.
    pub event_header_value: String,
    /// What the sample is, for a person.
    pub description: String,
}

/// The default event of a preset's sample.
pub fn default_event(preset: &str) -> &'static str {
    match preset {
        "github" | "gitea" => "push",
        "stripe" => "payment_intent.succeeded",
        "slack" => "app_mention",
        "shopify" => "orders/create",
        "gitlab" => "Push Hook",
        "standard_webhooks"
        | "standard_webhooks_ed25519"
        | "svix"
        | "clerk"
        | "resend"
        | "openai"
        | "replicate" => "user.created",
        _ => "test.event",
    }
}

/// The sample body for `preset` and `event` (its default when `None`), signed at `at`.
pub fn sample(preset: &str, event: Option<&str>, at: SystemTime) -> Sample {
    let event = event.unwrap_or_else(|| default_event(preset));
    let seconds = unix(at).as_secs();
    let nanos = unix(at).as_nanos();
    let (body, header, description) = match preset {
        "github" | "gitea" if event.starts_with("issues") => {
            let action = event.strip_prefix("issues.").unwrap_or("opened");
            (
                format!(
                    r#"{{"action":{},"issue":{{"number":1,"title":"Found a bug","state":"open","user":{{"login":"octocat"}}}},"repository":{{"full_name":"octocat/hello-world"}},"sender":{{"login":"octocat"}}}}"#,
                    quote(action)
                ),
                "issues".to_owned(),
                format!("an issues.{action} sample"),
            )
        }
        "github" | "gitea" => (
            format!(
                r#"{{"ref":"refs/heads/main","before":"0000000000000000000000000000000000000000","after":"{:040x}","repository":{{"full_name":"octocat/hello-world"}},"pusher":{{"name":"octocat"}},"commits":[]}}"#,
                nanos
            ),
            event.to_owned(),
            format!("a {event} sample"),
        ),
        "stripe" => (
            format!(
                r#"{{"id":"evt_{nanos:x}","object":"event","api_version":"2024-06-20","created":{seconds},"type":{},"data":{{"object":{{"id":"pi_{nanos:x}","object":"payment_intent","amount":2000,"currency":"usd","status":"succeeded"}}}},"livemode":false}}"#,
                quote(event)
            ),
            event.to_owned(),
            format!("a Stripe {event} event"),
        ),
        "slack" => (
            format!(
                r#"{{"token":"sample","team_id":"T0001","api_app_id":"A0001","type":"event_callback","event_id":"Ev{nanos:X}","event_time":{seconds},"event":{{"type":{},"user":"U0001","text":"hello","channel":"C0001","ts":"{seconds}.000100"}}}}"#,
                quote(event)
            ),
            event.to_owned(),
            format!("a Slack event_callback ({event})"),
        ),
        "shopify" => (
            format!(
                r#"{{"id":{},"email":"customer@example.com","total_price":"20.00","currency":"USD","line_items":[{{"title":"T-shirt","quantity":1}}]}}"#,
                nanos % 1_000_000_000_000
            ),
            event.to_owned(),
            format!("a Shopify order ({event} in X-Shopify-Topic)"),
        ),
        "standard_webhooks"
        | "standard_webhooks_ed25519"
        | "svix"
        | "clerk"
        | "resend"
        | "openai"
        | "replicate" => (
            format!(
                r#"{{"type":{},"timestamp":"{}","data":{{"id":"user_{nanos:x}","email":"user@example.com"}}}}"#,
                quote(event),
                tower_webhook::scheme::TimestampFormat::Rfc3339.format(at)
            ),
            event.to_owned(),
            format!("a Standard Webhooks {event} event"),
        ),
        _ => (
            generic(preset, event, at),
            event.to_owned(),
            format!("a generic JSON event ({event})"),
        ),
    };
    Sample {
        body,
        event_header_value: header,
        description,
    }
}

/// A generic JSON event: `id`, `type`, `event` and Linear's `webhookTimestamp` (Unix
/// milliseconds, which Linear signs).
pub fn generic(preset: &str, event: &str, at: SystemTime) -> String {
    format!(
        r#"{{"id":"evt_{}_{:x}","type":{},"event":{},"webhookTimestamp":{},"data":{{}}}}"#,
        preset,
        unix(at).as_nanos(),
        quote(event),
        quote(event),
        unix(at).as_millis()
    )
}
