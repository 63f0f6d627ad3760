use http::HeaderName;

use crate::scheme::{Encoding, Part, RegistrationHandshake, SignatureScheme, TimestampFormat};

/// [Zoom](https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events).
///
/// - Signature: `x-zm-signature: v0=<hex HMAC-SHA256>`, keyed with the app's secret token.
/// - Signed content: `v0:{x-zm-request-timestamp}:{body}`. Timestamp: Unix seconds, ±5
///   minutes.
/// - Event type: the body's `event`. No delivery id: replay protection keys on the
///   signature within the tolerance.
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
