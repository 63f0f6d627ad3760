use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Lemon Squeezy](https://docs.lemonsqueezy.com/help/webhooks/signing-requests).
///
/// - Signature: `X-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp: replay protection keys on the signature.
/// - Event type: `X-Event-Name`.
/// - Secret: the signing secret chosen when the webhook was created.
///
/// Source: Lemon Squeezy docs, "Signing requests".
pub fn lemon_squeezy() -> SignatureScheme {
    SignatureScheme::new("lemon-squeezy", HeaderName::from_static("x-signature"))
        .encoding(Encoding::Hex)
        .event_type_from_header(HeaderName::from_static("x-event-name"))
}
