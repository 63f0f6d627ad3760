use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [Paddle Billing](https://developer.paddle.com/webhooks/signature-verification).
///
/// - Signature: `Paddle-Signature: ts=<timestamp>;h1=<hex HMAC-SHA256>`; several `h1`
///   entries while a secret is rotated, any match passes.
/// - Signed content: `{ts}:{body}`.
/// - Timestamp: the `ts` entry, Unix seconds. Default tolerance **5 seconds**, as Paddle's
///   SDKs use (older and future timestamps beyond it are rejected); widen it with
///   [`VerifierBuilder::tolerance`](crate::VerifierBuilder::tolerance) if clocks drift.
/// - Delivery id: the body's `event_id`. Event type: the body's `event_type`.
/// - Secret: the notification destination's secret key, as text.
///
/// Source: `PaddleHQ/paddle-node-sdk`, `src/notifications/helpers/webhooks-validator.ts`
/// and its tests; Paddle docs, "Verify webhook signatures".
pub fn paddle() -> SignatureScheme {
    SignatureScheme::new("paddle", HeaderName::from_static("paddle-signature"))
        .signature_separator(';')
        .signature_prefix("h1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("ts=", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Timestamp, Part::literal(":"), Part::Body])
        .id_from_json("event_id")
        .event_type_from_json("event_type")
        .default_tolerance(Duration::from_secs(5))
}
