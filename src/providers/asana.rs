use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Asana](https://developers.asana.com/docs/webhooks-guide#security).
///
/// - Signature: `X-Hook-Signature: <hex HMAC-SHA256 of the body>`, keyed with the `X-Hook-
///   Secret` Asana sent in the handshake when the webhook was created (store it and
///   configure it here).
/// - No signed timestamp: replay protection keys on the signature.
/// - Handshake: Asana's unsigned `X-Hook-Secret` request is not answered by default; opt
///   in with [`RegistrationHandshake::AsanaHookSecret`](crate::scheme::RegistrationHandshake::AsanaHookSecret)
///   through [`SignatureScheme::handshake`].
///
/// Source: Asana developers, "Webhooks guide": the handshake and security.
pub fn asana() -> SignatureScheme {
    SignatureScheme::new("asana", HeaderName::from_static("x-hook-signature"))
        .encoding(Encoding::Hex)
}
