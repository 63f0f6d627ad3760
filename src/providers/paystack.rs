use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, SignatureScheme};

/// [Paystack](https://paystack.com/docs/payments/webhooks/).
///
/// - Signature: `x-paystack-signature: <hex HMAC-SHA512 of the body>`, keyed with the
///   secret key.
/// - No signed timestamp or id: replay protection keys on the signature.
/// - Event type: the body's `event`.
///
/// Source: Paystack docs, "Webhooks" (verify event origin).
pub fn paystack() -> SignatureScheme {
    SignatureScheme::new("paystack", HeaderName::from_static("x-paystack-signature"))
        .algorithm(Algorithm::Sha512)
        .encoding(Encoding::Hex)
        .event_type_from_json("event")
}
