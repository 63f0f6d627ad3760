use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [Buildkite](https://buildkite.com/docs/apis/webhooks#webhook-signature).
///
/// - Signature: `X-Buildkite-Signature: timestamp=<timestamp>,signature=<hex HMAC-SHA256>`.
/// - Signed content: `{timestamp}.{body}`. Timestamp: Unix seconds, ±5 minutes.
/// - Event type: `X-Buildkite-Event`.
///
/// Source: Buildkite docs, "Webhooks": webhook signature.
pub fn buildkite() -> SignatureScheme {
    SignatureScheme::new(
        "buildkite",
        HeaderName::from_static("x-buildkite-signature"),
    )
    .signature_separator(',')
    .signature_prefix("signature=")
    .encoding(Encoding::Hex)
    .timestamp_in_signature("timestamp=", TimestampFormat::UnixSeconds)
    .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
    .event_type_from_header(HeaderName::from_static("x-buildkite-event"))
}
