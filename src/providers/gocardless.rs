use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [GoCardless](https://developer.gocardless.com/getting-started/staying-up-to-date-with-webhooks).
///
/// - Signature: `Webhook-Signature: <hex HMAC-SHA256 of the body>`, keyed with the endpoint
///   secret.
/// - No signed timestamp: replay protection keys on the signature.
///
/// Source: GoCardless developer docs, "Staying up to date with webhooks";
/// `gocardless/gocardless-pro-node`, `src/webhooks.ts`.
pub fn gocardless() -> SignatureScheme {
    SignatureScheme::new("gocardless", HeaderName::from_static("webhook-signature"))
        .encoding(Encoding::Hex)
}
