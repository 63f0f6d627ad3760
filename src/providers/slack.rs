use http::HeaderName;

use crate::scheme::{Encoding, Part, RegistrationHandshake, SignatureScheme, TimestampFormat};

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
