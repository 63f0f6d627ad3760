use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Viber](https://developers.viber.com/docs/api/rest-bot-api/#callbacks).
///
/// - Signature: `X-Viber-Content-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   bot's authentication token.
/// - No signed timestamp: replay protection keys on the signature. Event type: the body's
///   `event`.
///
/// Source: Viber REST Bot API docs, "Callbacks"; `Viber/viber-bot-node`, `lib/viber-bot.js`
/// (signature check).
pub fn viber() -> SignatureScheme {
    SignatureScheme::new(
        "viber",
        HeaderName::from_static("x-viber-content-signature"),
    )
    .encoding(Encoding::Hex)
    .event_type_from_json("event")
}
