use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, SignatureScheme};

/// [Vercel](https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks).
///
/// - Signature: `x-vercel-signature: <hex HMAC-SHA1 of the body>`, keyed with the webhook
///   secret.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: Vercel docs, "Webhooks API": securing webhooks.
pub fn vercel() -> SignatureScheme {
    SignatureScheme::new("vercel", HeaderName::from_static("x-vercel-signature"))
        .algorithm(Algorithm::Sha1)
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}
