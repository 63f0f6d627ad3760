use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, Part, SecretFormat, SignatureScheme, TimestampFormat};

/// [Telnyx](https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks).
///
/// - Signature: `telnyx-signature-ed25519: <base64 Ed25519 signature>`.
/// - Signed content: `{telnyx-timestamp}|{body}`. Timestamp: Unix seconds, ±5 minutes (the
///   SDKs' default).
/// - Delivery id: the body's `data.id`. Event type: the body's `data.event_type`.
/// - Key: the account's public key, base64, from the portal. For signing (tests), a base64
///   32-byte Ed25519 seed.
///
/// Source: `team-telnyx/telnyx-node`, `lib/Webhooks.js` (signature verification).
pub fn telnyx() -> SignatureScheme {
    SignatureScheme::new(
        "telnyx",
        HeaderName::from_static("telnyx-signature-ed25519"),
    )
    .algorithm(Algorithm::Ed25519)
    .encoding(Encoding::Base64)
    .timestamp_header(
        HeaderName::from_static("telnyx-timestamp"),
        TimestampFormat::UnixSeconds,
    )
    .signed_parts([Part::Timestamp, Part::literal("|"), Part::Body])
    .id_from_json("data.id")
    .event_type_from_json("data.event_type")
    .secret_format(SecretFormat::Base64 { prefix: None })
}
