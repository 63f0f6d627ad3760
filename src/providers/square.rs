use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme};

/// [Square](https://developer.squareup.com/docs/webhooks/step3validate).
///
/// - Signature: `x-square-hmacsha256-signature: <base64 HMAC-SHA256>`.
/// - Signed content: the notification URL, then the body. The URL must be exactly the one
///   in the subscription: set its base with [`SignatureScheme::public_url`] (the
///   request's path and query follow). A verifier cannot be built without it, unless
///   [`SignatureScheme::dangerously_trust_host_header`] rebuilds it from the `Host` header.
/// - No signed timestamp. Delivery id: the body's `event_id`. Event type: `type`.
/// - Secret: the subscription's signature key.
///
/// Source: `square/square-nodejs-sdk`, `src/utilities/webhooksHelper.ts` and its test.
pub fn square() -> SignatureScheme {
    SignatureScheme::new(
        "square",
        HeaderName::from_static("x-square-hmacsha256-signature"),
    )
    .encoding(Encoding::Base64)
    .signed_parts([Part::Url, Part::Body])
    .id_from_json("event_id")
    .event_type_from_json("type")
}
