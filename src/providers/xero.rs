use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Xero](https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/).
///
/// - Signature: `x-xero-signature: <base64 HMAC-SHA256 of the body>`, keyed with the
///   webhook key.
/// - Intent to receive: Xero's set-up requests are signed like any delivery and expect
///   `200` when valid and `401` when not, which the layer answers (the handler then sees
///   the empty `events` list).
/// - No signed timestamp: replay protection keys on the signature.
///
/// Source: Xero developer docs, "Configuring your server" (signature, intent to receive).
pub fn xero() -> SignatureScheme {
    SignatureScheme::new("xero", HeaderName::from_static("x-xero-signature"))
        .encoding(Encoding::Base64)
}
