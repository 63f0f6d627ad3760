use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Typeform](https://www.typeform.com/developers/webhooks/secure-your-webhooks/).
///
/// - Signature: `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: the body's `event_id`. Event type: the body's
///   `event_type`.
///
/// Source: Typeform docs, "Secure your webhooks".
pub fn typeform() -> SignatureScheme {
    SignatureScheme::new("typeform", HeaderName::from_static("typeform-signature"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Base64)
        .id_from_json("event_id")
        .event_type_from_json("event_type")
}
