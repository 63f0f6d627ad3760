use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Checkout.com](https://www.checkout.com/docs/developer-resources/webhooks/manage-webhooks).
///
/// - Signature: `Cko-Signature: <hex HMAC-SHA256 of the body>`, keyed with the webhook
///   secret key.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: Checkout.com docs, "Manage webhooks" (verify the signature).
pub fn checkout_com() -> SignatureScheme {
    SignatureScheme::new("checkout-com", HeaderName::from_static("cko-signature"))
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}
