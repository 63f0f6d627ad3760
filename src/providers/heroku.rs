use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Heroku](https://devcenter.heroku.com/articles/app-webhooks#securing-webhook-requests) app webhooks.
///
/// - Signature: `Heroku-Webhook-Hmac-SHA256: <base64 HMAC-SHA256 of the body>`, keyed with
///   the webhook secret.
/// - No signed timestamp. Delivery id: `Heroku-Webhook-Id` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
///
/// Source: Heroku Dev Center, "App webhooks": securing webhook requests.
pub fn heroku() -> SignatureScheme {
    SignatureScheme::new(
        "heroku",
        HeaderName::from_static("heroku-webhook-hmac-sha256"),
    )
    .encoding(Encoding::Base64)
    .id_from_header(HeaderName::from_static("heroku-webhook-id"))
}
