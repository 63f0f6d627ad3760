use http::HeaderName;

use crate::scheme::{Encoding, RegistrationHandshake, SignatureScheme};

/// [Dropbox](https://www.dropbox.com/developers/reference/webhooks).
///
/// - Signature: `X-Dropbox-Signature: <hex HMAC-SHA256 of the body>`, keyed with the app
///   secret.
/// - No signed timestamp or id: replay protection keys on the signature.
/// - Handshake: `GET ?challenge=…` is echoed (as `text/plain` with `nosniff`).
///
/// Source: Dropbox developer reference, "Webhooks".
pub fn dropbox() -> SignatureScheme {
    SignatureScheme::new("dropbox", HeaderName::from_static("x-dropbox-signature"))
        .encoding(Encoding::Hex)
        .handshake(RegistrationHandshake::DropboxChallenge)
}
