use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [Zendesk](https://developer.zendesk.com/documentation/webhooks/verifying/).
///
/// - Signature: `X-Zendesk-Webhook-Signature: <base64 HMAC-SHA256>`, keyed with the
///   webhook's signing secret.
/// - Signed content: `X-Zendesk-Webhook-Signature-Timestamp` followed by the body.
///   Timestamp: RFC 3339, ±5 minutes.
/// - Delivery id: `X-Zendesk-Webhook-Invocation-Id` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy); a retry is
///   signed anew with a fresh timestamp and recognised by this id).
///
/// Source: Zendesk developer docs, "Verifying webhook authenticity".
pub fn zendesk() -> SignatureScheme {
    SignatureScheme::new(
        "zendesk",
        HeaderName::from_static("x-zendesk-webhook-signature"),
    )
    .encoding(Encoding::Base64)
    .timestamp_header(
        HeaderName::from_static("x-zendesk-webhook-signature-timestamp"),
        TimestampFormat::Rfc3339,
    )
    .signed_parts([Part::Timestamp, Part::Body])
    .id_from_header(HeaderName::from_static("x-zendesk-webhook-invocation-id"))
}
