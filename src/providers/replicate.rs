use crate::scheme::SignatureScheme;

/// [Replicate](https://replicate.com/docs/topics/webhooks/verify-webhook) webhooks, which
/// follow Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `replicate`: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`, a
/// `whsec_` signing secret (from `GET /v1/webhooks/default/secret`).
///
/// Source: Replicate docs, "Verify webhooks".
pub fn replicate() -> SignatureScheme {
    super::standard_webhooks().provider_name("replicate")
}
