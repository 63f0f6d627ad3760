use crate::scheme::{Encoding, HmacScheme};

use super::preset;

/// [Gitea](https://docs.gitea.com/usage/webhooks) (and Forgejo).
///
/// - Signature: `X-Gitea-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `X-Gitea-Delivery` (beside the signature: replay
///   protection keys on the signature). Event type: `X-Gitea-Event`.
///
/// Source: Gitea docs, "Webhooks"; `go-gitea/gitea`, `services/webhook/deliver.go`.
pub fn gitea() -> HmacScheme {
    preset(
        HmacScheme::builder("gitea", "x-gitea-signature")
            .encoding(Encoding::Hex)
            .id_from_header("x-gitea-delivery")
            .event_type_from_header("x-gitea-event"),
    )
}
