use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

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
