use crate::scheme::{Encoding, HmacScheme, Part};

use super::preset;

/// [GitHub](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
///
/// - Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. The legacy
///   SHA-1 header `X-Hub-Signature` is not accepted: a request carrying only that one is
///   refused, so it cannot be used to downgrade.
/// - No timestamp: replay protection rests on the delivery id.
/// - Delivery id: `X-GitHub-Delivery` (kept when a delivery is redelivered). Event type:
///   `X-GitHub-Event`.
///
/// Source: GitHub docs, "Validating webhook deliveries"; `octokit/webhooks-methods.js`,
/// `src/node/verify.ts`.
pub fn github() -> HmacScheme {
    preset(
        HmacScheme::builder("github", "x-hub-signature-256")
            .signature_prefix("sha256=")
            .encoding(Encoding::Hex)
            .signed_parts([Part::Body])
            .id_from_header("x-github-delivery")
            .event_type_from_header("x-github-event"),
    )
}
