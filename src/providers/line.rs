use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [LINE Messaging API](https://developers.line.biz/en/docs/messaging-api/receiving-messages/#verifying-signatures).
///
/// - Signature: `x-line-signature: <base64 HMAC-SHA256 of the body>`, keyed with the
///   channel secret.
/// - No signed timestamp: replay protection keys on the signature (each event also carries
///   `webhookEventId`).
///
/// Source: LINE developers docs, "Receive messages (webhook)": verifying signatures;
/// `line/line-bot-sdk-nodejs`, `lib/validate-signature.ts`.
pub fn line() -> SignatureScheme {
    SignatureScheme::new("line", HeaderName::from_static("x-line-signature"))
        .encoding(Encoding::Base64)
}
