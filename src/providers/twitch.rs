use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, Part, RegistrationHandshake, SignatureScheme, TimestampFormat};

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
