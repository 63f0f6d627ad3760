use crate::scheme::SignatureScheme;

/// [Clerk](https://clerk.com/docs/webhooks/sync-data): delivered through Svix.
///
/// Exactly [`svix`](super::svix) under the provider name `clerk`: `svix-id`, `svix-timestamp`,
/// `svix-signature`, a `whsec_` signing secret.
///
/// Source: Clerk docs, "Sync Clerk data to your app with webhooks" (verification with
/// the `svix` library).
pub fn clerk() -> SignatureScheme {
    super::svix().provider_name("clerk")
}
