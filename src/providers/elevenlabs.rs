use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [ElevenLabs](https://elevenlabs.io/docs/product-guides/administration/webhooks).
///
/// - Signature: `ElevenLabs-Signature: t=<timestamp>,v0=<hex HMAC-SHA256>`.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix seconds; default tolerance 30
///   minutes, as ElevenLabs's SDKs use.
/// - Event type: the body's `type`.
///
/// Source: ElevenLabs docs, "Webhooks" (HMAC authentication); `elevenlabs/elevenlabs-
/// python`, `webhooks` helper.
pub fn elevenlabs() -> SignatureScheme {
    SignatureScheme::new(
        "elevenlabs",
        HeaderName::from_static("elevenlabs-signature"),
    )
    .signature_separator(',')
    .signature_prefix("v0=")
    .encoding(Encoding::Hex)
    .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
    .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
    .event_type_from_json("type")
    .default_tolerance(Duration::from_secs(1800))
}
