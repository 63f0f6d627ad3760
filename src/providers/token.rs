//! Presets that authenticate with a shared token sent as it is in a header, not a
//! signature: nothing is signed, and the token is compared in constant time. Each declares
//! its token's header ([`Scheme::credential_fields`](crate::Scheme::credential_fields)),
//! so the durable inbox never stores the token.

use http::{header, HeaderName};

use crate::scheme::TokenScheme;

/// [Auth0 log streams](https://auth0.com/docs/customize/log-streams/custom-log-streams)
/// to a custom webhook.
///
/// - Authentication: the `Authorization` header carries the stream's *Authorization
///   Token* exactly as configured (`Bearer …` included if you typed it): nothing is
///   signed; compared in constant time. Configure the whole value as the secret.
/// - No timestamp, no delivery id: the body (JSON lines, an array or an object, as the
///   stream's content format says) is a batch of log events, each with its `log_id`;
///   replay protection keys on a hash of the body.
/// - Retries: Auth0 documents no horizon this crate could confirm.
///
/// Source: Auth0 docs, "Stream logs to a custom webhook" (the Authorization Token is "the
/// value in the Authorization header of the request"; content formats).
pub fn auth0_log_streams() -> TokenScheme {
    TokenScheme::new("auth0-log-streams", header::AUTHORIZATION)
}

/// [Cloudflare Notifications](https://developers.cloudflare.com/notifications/reference/webhook-payload-schema/)
/// generic webhooks configured with a secret.
///
/// - Authentication: `cf-webhook-auth` carries the webhook destination's `secret` itself
///   (nothing is signed); compared in constant time against each configured secret.
/// - No timestamp (the body's `ts` is not authenticated). Delivery id and event type: none
///   read; replay protection keys on a hash of the body. The body's `alert_type` and
///   `alert_correlation_id` are **not authenticated** (a token covers no body): a holder
///   of the secret can send any body.
///
/// Source: Cloudflare docs, "Webhook payload schema" (verifying with `cf-webhook-auth`) and
/// the Alerting API's webhook destinations (`secret`: "passed in the `cf-webhook-auth`
/// header"). Proof: `tests/it/independent_vectors_no_sdk.rs`
/// (`cloudflare_notifications_token`).
pub fn cloudflare_notifications() -> TokenScheme {
    TokenScheme::new(
        "cloudflare-notifications",
        HeaderName::from_static("cf-webhook-auth"),
    )
}

/// [GitLab](https://docs.gitlab.com/user/project/integrations/webhooks/) webhooks with a
/// secret token.
///
/// - Authentication: `X-Gitlab-Token` carries the secret token itself (nothing is
///   signed); compared in constant time against each configured token.
/// - No timestamp. Delivery id: `X-Gitlab-Event-UUID` (not signed: a duplicate is one
///   whose id *or* body hash was seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
///   Event type: `X-Gitlab-Event` (not signed).
///
/// Source: GitLab docs, "Webhooks" (secret token; delivery headers).
pub fn gitlab() -> TokenScheme {
    TokenScheme::new("gitlab", HeaderName::from_static("x-gitlab-token"))
        .id_from_header(HeaderName::from_static("x-gitlab-event-uuid"))
        .event_type_from_header(HeaderName::from_static("x-gitlab-event"))
}

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
