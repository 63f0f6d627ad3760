use http::HeaderName;

use crate::scheme::TokenScheme;

/// [Telegram Bot API](https://core.telegram.org/bots/api#setwebhook) webhooks.
///
/// - Authentication: `X-Telegram-Bot-Api-Secret-Token` carries the `secret_token` given
///   to `setWebhook` (nothing is signed); compared in constant time.
/// - No timestamp. The body's `update_id` identifies an update; replay protection keys on
///   a hash of the body.
///
/// Source: Telegram Bot API reference, `setWebhook` (`secret_token`).
pub fn telegram() -> TokenScheme {
    TokenScheme::new(
        "telegram",
        HeaderName::from_static("x-telegram-bot-api-secret-token"),
    )
}
