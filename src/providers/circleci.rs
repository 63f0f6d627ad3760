use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [CircleCI](https://circleci.com/docs/webhooks/#validate-webhooks).
///
/// - Signature: `circleci-signature: v1=<hex HMAC-SHA256 of the body>`, possibly among
///   other comma-separated versions.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: CircleCI docs, "Webhooks": validate webhooks.
pub fn circleci() -> SignatureScheme {
    SignatureScheme::new("circleci", HeaderName::from_static("circleci-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}
