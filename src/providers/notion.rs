use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Notion](https://developers.notion.com/reference/webhooks#step-3-validating-event-payloads-recommended).
///
/// - Signature: `X-Notion-Signature: sha256=<hex HMAC-SHA256 of the body>`, keyed with the
///   subscription's `verification_token`.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: Notion developers, "Webhooks": validating event payloads.
pub fn notion() -> SignatureScheme {
    SignatureScheme::new("notion", HeaderName::from_static("x-notion-signature"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}
