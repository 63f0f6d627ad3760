use crate::scheme::{Encoding, HmacScheme};

use super::preset;

/// [Maxio Advanced Billing (Chargify)](https://maxio.zendesk.com/hc/en-us/articles/24266136649869-Webhooks-Reference).
///
/// - Signature: `X-Chargify-Webhook-Signature-Hmac-Sha-256: <hex HMAC-SHA256 of the body>`,
///   keyed with the site's shared key.
/// - No signed timestamp. Delivery id: `X-Chargify-Webhook-Id` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
///
/// Source: Maxio docs, "Webhooks reference" (signature verification).
pub fn maxio() -> HmacScheme {
    preset(
        HmacScheme::builder("maxio", "x-chargify-webhook-signature-hmac-sha-256")
            .encoding(Encoding::Hex)
            .id_from_header("x-chargify-webhook-id"),
    )
}
