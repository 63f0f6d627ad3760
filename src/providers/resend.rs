use crate::scheme::HmacScheme;

/// [Resend](https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests):
/// delivered through Svix.
///
/// Exactly [`svix`](super::svix) under the provider name `resend`.
///
/// Source: Resend docs, "Verify Webhooks Requests" (verification with the `svix`
/// library).
pub fn resend() -> HmacScheme {
    super::svix().with_provider("resend")
}
