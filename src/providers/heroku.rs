use crate::scheme::{Encoding, HmacScheme};

use super::preset;

/// [Heroku](https://devcenter.heroku.com/articles/app-webhooks#securing-webhook-requests) app webhooks.
///
/// - Signature: `Heroku-Webhook-Hmac-SHA256: <base64 HMAC-SHA256 of the body>`, keyed with
///   the webhook secret.
/// - No signed timestamp. Delivery id: `Heroku-Webhook-Id` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
///
/// Source: Heroku Dev Center, "App webhooks": securing webhook requests.
pub fn heroku() -> HmacScheme {
    preset(
        HmacScheme::builder("heroku", "heroku-webhook-hmac-sha256")
            .encoding(Encoding::Base64)
            .id_from_header("heroku-webhook-id"),
    )
}
