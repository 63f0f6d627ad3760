use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [Calendly](https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures).
///
/// - Signature: `Calendly-Webhook-Signature: t=<timestamp>,v1=<hex HMAC-SHA256>`.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix seconds; default tolerance 3
///   minutes, as Calendly's guide uses.
/// - Event type: the body's `event`.
///
/// Source: Calendly developer docs, "Webhook signatures".
pub fn calendly() -> SignatureScheme {
    SignatureScheme::new(
        "calendly",
        HeaderName::from_static("calendly-webhook-signature"),
    )
    .signature_separator(',')
    .signature_prefix("v1=")
    .encoding(Encoding::Hex)
    .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
    .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
    .event_type_from_json("event")
    .default_tolerance(Duration::from_secs(180))
}
