use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Alchemy Notify](https://docs.alchemy.com/reference/notify-api-quickstart#webhook-signature--security).
///
/// - Signature: `X-Alchemy-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook's signing key.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: Alchemy docs, "Notify API quickstart": webhook signature and security.
pub fn alchemy() -> SignatureScheme {
    SignatureScheme::new("alchemy", HeaderName::from_static("x-alchemy-signature"))
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}
