use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [PagerDuty](https://developer.pagerduty.com/docs/webhooks/webhook-signatures/) v3
/// webhooks.
///
/// - Signature: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body>[,v1=…]`; several
///   while a secret is rotated, any match passes.
/// - No signed timestamp: replay protection keys on the signature.
/// - Delivery id: the body's `event.id`. Event type: the body's `event.event_type`.
///
/// Source: PagerDuty docs, "Verifying Signatures"; `PagerDuty/go-pagerduty`,
/// `webhookv3/signature.go` and its test vector.
pub fn pagerduty() -> SignatureScheme {
    SignatureScheme::new(
        "pagerduty",
        HeaderName::from_static("x-pagerduty-signature"),
    )
    .signature_separator(',')
    .signature_prefix("v1=")
    .encoding(Encoding::Hex)
    .id_from_json("event.id")
    .event_type_from_json("event.event_type")
}
