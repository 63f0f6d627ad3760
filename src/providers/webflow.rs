use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [Webflow](https://developers.webflow.com/data/docs/working-with-webhooks#validating-request-signatures).
///
/// - Signature: `x-webflow-signature: <hex HMAC-SHA256>`.
/// - Signed content: `{x-webflow-timestamp}:{body}`. Timestamp: Unix milliseconds, ±5
///   minutes.
/// - Event type: the body's `triggerType`.
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
