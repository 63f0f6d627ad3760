use crate::scheme::SignatureScheme;

/// [Resend](https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests):
/// delivered through Svix.
///
/// Exactly [`svix`](super::svix) under the provider name `resend`.
///
/// Source: Resend docs, "Verify Webhooks Requests" (verification with the `svix`
/// library).
pub fn resend() -> SignatureScheme {
    super::svix().provider_name("resend")
}
