//! More presets that sign a timestamp with the body (beside those of
//! `timestamp_header.rs` and `timestamp_in_signature.rs`): the timestamp travels in
//! the signature header (`t=…`) or a header of its own.

use crate::scheme::{SecretFormat, SignatureScheme};

/// [Dodo Payments](https://www.npmjs.com/package/dodopayments) webhooks, which follow
/// Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `dodo-payments`: `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 minutes),
/// `webhook-signature: v1,<base64>` over `{id}.{timestamp}.{body}`, keyed with the
/// `whsec_` + base64 webhook secret. Delivery id: `webhook-id` (signed). Event type: the
/// signed body's `type` (`payment.succeeded`, …).
///
/// Source: `dodopayments` on npm (the official Node SDK), `resources/webhooks/webhooks.js`
/// (`unwrap` verifies with the `standardwebhooks` library). Proof: `tests/sdk_vectors_npm.rs`,
/// a fixture accepted by that SDK's `webhooks.unwrap`.
pub fn dodo_payments() -> SignatureScheme {
    super::standard_webhooks().provider_name("dodo-payments")
}

/// [Liveblocks](https://liveblocks.io/docs/platform/webhooks) webhooks, which follow
/// Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `liveblocks`: `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 minutes, as the SDK
/// checks), `webhook-signature: v1,<base64>` over `{id}.{timestamp}.{body}`, keyed with the
/// `whsec_` + base64 signing secret. Delivery id: `webhook-id` (signed). Event type: the
/// signed body's `type` (`storageUpdated`, `userEntered`, …).
///
/// Source: `@liveblocks/node` on npm (Liveblocks' official Node package),
/// `WebhookHandler.verifyRequest`. Proof: `tests/sdk_vectors_npm.rs`, a fixture accepted by
/// that handler.
pub fn liveblocks() -> SignatureScheme {
    super::standard_webhooks().provider_name("liveblocks")
}

/// [Polar](https://docs.polar.sh/integrate/webhooks/delivery) webhooks: Standard Webhooks
/// headers and signed content, but the signing secret is used **as text**.
///
/// - Signature: `webhook-signature: v1,<base64 HMAC-SHA256>` (a space-separated list; any
///   `v1` passes), keyed with the webhook's secret exactly as shown (`polar_whs_…`), as
///   text — not base64-decoded as [`standard_webhooks`](super::standard_webhooks) does.
///   (Polar's SDK also tries the base64-decoded secret as a second key, for secrets from
///   before the `polar_whs_` format; configure that key with
///   [`standard_webhooks`](super::standard_webhooks) and `whsec_` + the secret if needed.)
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`. Timestamp: Unix seconds,
///   ±5 minutes, as the SDK checks.
/// - Delivery id: `webhook-id` (signed). Event type: the signed body's `type`
///   (`order.paid`, …).
///
/// Source: `@polar-sh/sdk` on npm (Polar's official SDK), `src/webhooks.ts`
/// (`verifySignature`, `hmacKeys`). Proof: `tests/sdk_vectors_npm.rs`, a fixture accepted
/// by that SDK's `webhooks.validateEvent` (`scripts/sdk_vectors_npm.sh`).
pub fn polar() -> SignatureScheme {
    super::standard_webhooks()
        .provider_name("polar")
        .secret_format(SecretFormat::Raw)
}

/// [Render](https://render.com/docs/webhooks) webhooks, which follow Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `render`:
///
/// - Signature: `webhook-signature: v1,<base64 HMAC-SHA256>` (a space-separated list; any
///   `v1` passes), keyed with the webhook's `whsec_` + base64 signing secret.
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`. Timestamp: Unix seconds,
///   ±5 minutes.
/// - Delivery id: `webhook-id` (signed; the same on every retry). Event type: the signed
///   body's `type` (`deploy_ended`, …).
///
/// Source: Render's own receiver example, `render-examples/webhook-receiver`, `app.ts`
/// (the unbranded `webhook-*` headers checked with the `standardwebhooks` library). Proof:
/// `tests/sdk_vectors_npm.rs`, a fixture signed by `standardwebhooks` on npm, the library
/// that example uses.
pub fn render() -> SignatureScheme {
    super::standard_webhooks().provider_name("render")
}
