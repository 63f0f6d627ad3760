//! Slack-shaped presets: the timestamp travels in its own header and is signed with the
//! body (`v0:{ts}:{body}`, `{ts}:{body}`, `v1.{ts}.{body}`, ts ‖ body; Twitch adds its
//! message id).

use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, Part, RegistrationHandshake, SignatureScheme, TimestampFormat};

/// [Airwallex](https://www.airwallex.com/docs/developer-tools/webhooks/listen-for-webhook-events)
/// webhooks.
///
/// - Signature: `x-signature: <hex HMAC-SHA256>`, keyed with the endpoint's secret (as
///   text).
/// - Signed content: `x-timestamp` immediately followed by the body (no separator).
/// - Timestamp: `x-timestamp`, Unix milliseconds; Airwallex sets no window, so ±5
///   minutes.
/// - Delivery id: the body's `id`, which Airwallex keeps across retries (signed). Event
///   type: the body's `name` (signed).
/// - Retries: exponential back-off over about three days; a retry carries the same `id`.
///
/// Source: Airwallex docs, "Listen for webhook events" (delivery headers, the code
/// examples) and "Webhooks overview" (delivery and retries, the stable `id`).
pub fn airwallex() -> SignatureScheme {
    SignatureScheme::new("airwallex", HeaderName::from_static("x-signature"))
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("x-timestamp"),
            TimestampFormat::UnixMillis,
        )
        .signed_parts([Part::Timestamp, Part::Body])
        .id_from_json("id")
        .event_type_from_json("name")
}

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

/// [Frame.io](https://developer.adobe.com/frameio/guides/Webhooks/) V4 (and legacy) webhooks.
///
/// - Signature: `X-Frameio-Signature: v0=<hex HMAC-SHA256>`, keyed with the webhook's
///   signing secret (returned once, when the webhook is created), as text.
/// - Signed content: `v0:{X-Frameio-Request-Timestamp}:{body}`. Timestamp: Unix seconds;
///   ±5 minutes, as Frame.io recommends.
/// - Event type: the signed body's `type` (`file.ready`, …). No delivery id: replay
///   protection keys on the signature within the tolerance.
/// - Retries: five attempts in all, with exponential back-off from 15 seconds; each is
///   signed anew, so a retry is recognised only by what the handler makes of the body.
///
/// Source: Adobe's Frame.io developer docs, "V4 Webhooks" (security, verifying webhook
/// signatures, retries), `AdobeDocs/frameio-api`, `src/pages/guides/Webhooks/index.md`.
/// Proof: an independently computed vector (`scripts/independent_vectors_more.py`).
pub fn frame_io() -> SignatureScheme {
    SignatureScheme::new("frame-io", HeaderName::from_static("x-frameio-signature"))
        .signature_prefix("v0=")
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("x-frameio-request-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([
            Part::literal("v0:"),
            Part::Timestamp,
            Part::literal(":"),
            Part::Body,
        ])
        .event_type_from_json("type")
}

/// [Grafana Alerting](https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/)
/// webhook contact points with an HMAC secret **and** a timestamp header named
/// `X-Grafana-Alerting-Timestamp` (the name Grafana's own configuration examples use; the
/// header has no default, and without one see [`grafana`](super::grafana)).
///
/// - Signature: `X-Grafana-Alerting-Signature: <hex HMAC-SHA256>`, keyed with the contact
///   point's HMAC secret, as text.
/// - Signed content: `{X-Grafana-Alerting-Timestamp}:{body}`. Timestamp: Unix seconds, ±5
///   minutes.
/// - Delivery id and event type: none read; replay protection keys on the signature
///   within the tolerance. Grafana signs each attempt anew, so a retry is a new delivery.
///
/// Source: `grafana/alerting`, `http/hmac.go` (`HMACRoundTripper.sign`) and
/// `receivers/webhook/v1` (the `X-Grafana-Alerting-Timestamp` example). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn grafana_timestamped() -> SignatureScheme {
    SignatureScheme::new(
        "grafana",
        HeaderName::from_static("x-grafana-alerting-signature"),
    )
    .encoding(Encoding::Hex)
    .timestamp_header(
        HeaderName::from_static("x-grafana-alerting-timestamp"),
        TimestampFormat::UnixSeconds,
    )
    .signed_parts([Part::Timestamp, Part::literal(":"), Part::Body])
}

/// [Revolut](https://developer.revolut.com/docs/guides/accept-payments/tutorials/work-with-webhooks/verify-the-payload-signature)
/// (Merchant API; the Business API signs the same way).
///
/// - Signature: `Revolut-Signature: v1=<hex HMAC-SHA256>`; while two signing secrets are
///   active, several `v1=` entries separated by commas, any of which passes.
/// - Signed content: `v1.{Revolut-Request-Timestamp}.{body}`. Timestamp:
///   `Revolut-Request-Timestamp`, Unix milliseconds; ±5 minutes, as Revolut documents.
/// - Key: the webhook signing secret (`wsk_…`), as text.
/// - Event type: the signed body's `event` (`ORDER_COMPLETED`, `TransactionCreated`). No
///   delivery id: replay protection keys on the signature within the tolerance.
///
/// Source: Revolut developer docs, "Webhook signature verification" (Merchant API) and
/// "Verify the payload signature" (Business API). Proof: an independently computed vector
/// (`scripts/independent_vectors.py`).
pub fn revolut() -> SignatureScheme {
    SignatureScheme::new("revolut", HeaderName::from_static("revolut-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("revolut-request-timestamp"),
            TimestampFormat::UnixMillis,
        )
        .signed_parts([
            Part::literal("v1."),
            Part::Timestamp,
            Part::literal("."),
            Part::Body,
        ])
        .event_type_from_json("event")
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
/// - Delivery id: `X-Zendesk-Webhook-Invocation-Id` (not signed: replay protection binds it
///   to the signed body, beside the signature, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy);
///   a retry, signed anew with a fresh timestamp, carries the same id and body and is
///   recognised by them).
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
