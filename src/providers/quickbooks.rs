use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Intuit QuickBooks Online](https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications).
///
/// - Signature: `intuit-signature: <base64 HMAC-SHA256 of the body>`, keyed with the app's
///   verifier token.
/// - No signed timestamp: replay protection keys on the signature.
///
/// Source: Intuit developer docs, "Managing webhooks notifications" (validating the
/// notification).
pub fn quickbooks() -> SignatureScheme {
    SignatureScheme::new("quickbooks", HeaderName::from_static("intuit-signature"))
        .encoding(Encoding::Base64)
}
