use crate::scheme::SignatureScheme;

/// [OpenAI](https://platform.openai.com/docs/guides/webhooks) webhooks, which follow
/// Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name `openai`: `webhook-id`,
/// `webhook-timestamp`, `webhook-signature: v1,<base64>`, a `whsec_` secret.
///
/// Source: OpenAI docs, "Webhooks" (signatures follow the Standard Webhooks
/// specification).
pub fn openai() -> SignatureScheme {
    super::standard_webhooks().provider_name("openai")
}
