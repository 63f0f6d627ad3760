//! Slack-shaped presets: the timestamp travels in its own header and is signed with the
//! body (`v0:{ts}:{body}`, `{ts}:{body}`, ts ‖ body; Twitch adds its message id).

use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, Part, RegistrationHandshake, SignatureScheme, TimestampFormat};

/// [Customer.io](https://docs.customer.io/journeys/webhooks/#securely-verify-requests) reporting webhooks.
///
/// - Signature: `X-CIO-Signature: <hex HMAC-SHA256>`, keyed with the webhook signing key.
/// - Signed content: `v0:{X-CIO-Timestamp}:{body}`. Timestamp: Unix seconds, ±5 minutes.
/// - Delivery id: the body's `event_id`. Event type: the body's `metric`.
///
/// Source: Customer.io docs, "Reporting webhooks": securely verify requests.
pub fn customer_io() -> SignatureScheme {
    SignatureScheme::new("customer-io", HeaderName::from_static("x-cio-signature"))
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("x-cio-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([
            Part::literal("v0:"),
            Part::Timestamp,
            Part::literal(":"),
            Part::Body,
        ])
        .id_from_json("event_id")
        .event_type_from_json("metric")
}

/// [Slack](https://api.slack.com/authentication/verifying-requests-from-slack).
///
/// - Signature: `X-Slack-Signature: v0=<hex HMAC-SHA256>`.
/// - Signed content: `v0:{X-Slack-Request-Timestamp}:{body}`.
/// - Timestamp: `X-Slack-Request-Timestamp`, Unix seconds; ±5 minutes.
/// - Delivery id: the Events API body's `event_id`; slash commands and interactions carry
///   none, so the signature itself is the id. Event type: the body's `event.type`.
/// - Secret: the app's signing secret, as text.
/// - Handshake: the Events API's signed `url_verification` request is answered with its
///   `challenge` by the layer ([`SignatureScheme::without_handshake`] turns that off).
///
/// Source: Slack docs, "Verifying requests from Slack"; `slackapi/python-slack-sdk`,
/// `slack_sdk/signature/__init__.py`.
pub fn slack() -> SignatureScheme {
    SignatureScheme::new("slack", HeaderName::from_static("x-slack-signature"))
        .signature_prefix("v0=")
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("x-slack-request-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([
            Part::literal("v0:"),
            Part::Timestamp,
            Part::literal(":"),
            Part::Body,
        ])
        .id_from_json("event_id")
        .event_type_from_json("event.type")
        .handshake(RegistrationHandshake::SlackUrlVerification)
}

/// [Twitch EventSub](https://dev.twitch.tv/docs/eventsub/handling-webhook-events/).
///
/// - Signature: `Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256>`.
/// - Signed content: message id, then timestamp, then body, concatenated.
/// - Timestamp: `Twitch-Eventsub-Message-Timestamp`, RFC 3339; default tolerance 10
///   minutes, as Twitch recommends.
/// - Delivery id: `Twitch-Eventsub-Message-Id` (signed; kept on retries). Event type:
///   `Twitch-Eventsub-Subscription-Type`.
/// - Handshake: the signed `webhook_callback_verification` message is answered with its
///   `challenge`.
///
/// Source: Twitch docs, "Handling webhook events" (verifying the event message, responding
/// to a challenge request).
pub fn twitch() -> SignatureScheme {
    SignatureScheme::new(
        "twitch",
        HeaderName::from_static("twitch-eventsub-message-signature"),
    )
    .signature_prefix("sha256=")
    .encoding(Encoding::Hex)
    .id_from_header(HeaderName::from_static("twitch-eventsub-message-id"))
    .timestamp_header(
        HeaderName::from_static("twitch-eventsub-message-timestamp"),
        TimestampFormat::Rfc3339,
    )
    .signed_parts([Part::Id, Part::Timestamp, Part::Body])
    .event_type_from_header(HeaderName::from_static("twitch-eventsub-subscription-type"))
    .default_tolerance(Duration::from_secs(600))
    .handshake(RegistrationHandshake::TwitchCallbackVerification)
}

/// [Webflow](https://developers.webflow.com/data/docs/working-with-webhooks#validating-request-signatures).
///
/// - Signature: `x-webflow-signature: <hex HMAC-SHA256>`.
/// - Signed content: `{x-webflow-timestamp}:{body}`. Timestamp: Unix milliseconds, ±5
///   minutes.
/// - Event type: the body's `triggerType`.
/// - No delivery id: a retry is signed anew with a fresh timestamp, so replay protection
///   (keyed on the signature) does not recognise it; handlers must be idempotent.
///
/// Source: Webflow developer docs, "Working with webhooks": validating request signatures.
pub fn webflow() -> SignatureScheme {
    SignatureScheme::new("webflow", HeaderName::from_static("x-webflow-signature"))
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("x-webflow-timestamp"),
            TimestampFormat::UnixMillis,
        )
        .signed_parts([Part::Timestamp, Part::literal(":"), Part::Body])
        .event_type_from_json("triggerType")
}

/// [Zendesk](https://developer.zendesk.com/documentation/webhooks/verifying/).
///
/// - Signature: `X-Zendesk-Webhook-Signature: <base64 HMAC-SHA256>`, keyed with the
///   webhook's signing secret.
/// - Signed content: `X-Zendesk-Webhook-Signature-Timestamp` followed by the body.
///   Timestamp: RFC 3339, ±5 minutes.
/// - Delivery id: `X-Zendesk-Webhook-Invocation-Id` (not signed: a duplicate is one whose id *or*
///   signature was seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy); a retry is signed
///   anew with a fresh timestamp and recognised by this id).
///
/// Source: Zendesk developer docs, "Verifying webhook authenticity".
pub fn zendesk() -> SignatureScheme {
    SignatureScheme::new(
        "zendesk",
        HeaderName::from_static("x-zendesk-webhook-signature"),
    )
    .encoding(Encoding::Base64)
    .timestamp_header(
        HeaderName::from_static("x-zendesk-webhook-signature-timestamp"),
        TimestampFormat::Rfc3339,
    )
    .signed_parts([Part::Timestamp, Part::Body])
    .id_from_header(HeaderName::from_static("x-zendesk-webhook-invocation-id"))
}

/// [Zoom](https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events).
///
/// - Signature: `x-zm-signature: v0=<hex HMAC-SHA256>`, keyed with the app's secret token.
/// - Signed content: `v0:{x-zm-request-timestamp}:{body}`. Timestamp: Unix seconds, ±5
///   minutes.
/// - Event type: the body's `event`. No delivery id in the signed content: replay
///   protection keys on the signature within the tolerance. A retry is signed anew with a
///   fresh timestamp and is not recognised; handlers must be idempotent (on `event` and
///   `event_ts`, say).
/// - Handshake: the signed `endpoint.url_validation` request is answered with
///   `{"plainToken", "encryptedToken"}`, the token's hex HMAC-SHA256 under the secret token.
///
/// Source: Zoom developer docs, "Using webhooks" (verify webhook events, validate your
/// webhook endpoint).
pub fn zoom() -> SignatureScheme {
    SignatureScheme::new("zoom", HeaderName::from_static("x-zm-signature"))
        .signature_prefix("v0=")
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("x-zm-request-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([
            Part::literal("v0:"),
            Part::Timestamp,
            Part::literal(":"),
            Part::Body,
        ])
        .event_type_from_json("event")
        .handshake(RegistrationHandshake::ZoomUrlValidation)
}
