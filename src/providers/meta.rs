use http::HeaderName;

use crate::scheme::{Encoding, RegistrationHandshake, SignatureScheme};
use crate::Secret;

/// [Meta](https://developers.facebook.com/docs/graph-api/webhooks/getting-started)
/// webhooks: WhatsApp Business, Messenger, Instagram, Graph API objects.
///
/// - Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, keyed with
///   the app secret.
/// - No signed timestamp or delivery id: replay protection keys on the signature.
/// - Event type: the body's `object` (`whatsapp_business_account`, `page`, …).
/// - Handshake: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` is answered
///   with the challenge when the verify token matches `verify_token` (the string you chose
///   in the app dashboard, not the app secret); compared in constant time. An empty
///   verify token would answer anyone's challenge: building the verifier fails.
///
/// Source: Meta for Developers, "Getting Started with Webhooks" (verification requests,
/// validating payloads).
pub fn meta(verify_token: impl Into<Secret>) -> SignatureScheme {
    SignatureScheme::new("meta", HeaderName::from_static("x-hub-signature-256"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
        .event_type_from_json("object")
        .handshake(RegistrationHandshake::MetaVerifyToken(verify_token.into()))
}
