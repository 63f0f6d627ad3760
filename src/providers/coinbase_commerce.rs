use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Coinbase Commerce](https://docs.cloud.coinbase.com/commerce/docs/webhooks-security).
///
/// - Signature: `X-CC-Webhook-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: `event.type`.
/// - Secret: the webhook shared secret.
///
/// Source: `coinbase/coinbase-commerce-node`, `lib/Webhook.js` and its tests.
pub fn coinbase_commerce() -> SignatureScheme {
    SignatureScheme::new(
        "coinbase-commerce",
        HeaderName::from_static("x-cc-webhook-signature"),
    )
    .encoding(Encoding::Hex)
    .id_from_json("id")
    .event_type_from_json("event.type")
}
