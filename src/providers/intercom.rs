use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, SignatureScheme};

/// [Intercom](https://developers.intercom.com/docs/webhooks/webhook-notifications#signed-notifications).
///
/// - Signature: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>`, keyed with the app's
///   client secret.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `topic`.
///
/// Source: Intercom developer docs, "Webhook notifications": signed notifications.
pub fn intercom() -> SignatureScheme {
    SignatureScheme::new("intercom", HeaderName::from_static("x-hub-signature"))
        .algorithm(Algorithm::Sha1)
        .signature_prefix("sha1=")
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("topic")
}
