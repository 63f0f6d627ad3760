use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Maxio Advanced Billing (Chargify)](https://maxio.zendesk.com/hc/en-us/articles/24266136649869-Webhooks-Reference).
///
/// - Signature: `X-Chargify-Webhook-Signature-Hmac-Sha-256: <hex HMAC-SHA256 of the body>`,
///   keyed with the site's shared key.
/// - No signed timestamp. Delivery id: `X-Chargify-Webhook-Id` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
///
/// Source: Maxio docs, "Webhooks reference" (signature verification).
pub fn maxio() -> SignatureScheme {
    SignatureScheme::new(
        "maxio",
        HeaderName::from_static("x-chargify-webhook-signature-hmac-sha-256"),
    )
    .encoding(Encoding::Hex)
    .id_from_header(HeaderName::from_static("x-chargify-webhook-id"))
}
