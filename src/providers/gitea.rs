use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Gitea](https://docs.gitea.com/usage/webhooks) (and Forgejo).
///
/// - Signature: `X-Gitea-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `X-Gitea-Delivery` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event
///   type: `X-Gitea-Event` (not signed).
///
/// Source: Gitea docs, "Webhooks"; `go-gitea/gitea`, `services/webhook/deliver.go`.
pub fn gitea() -> SignatureScheme {
    SignatureScheme::new("gitea", HeaderName::from_static("x-gitea-signature"))
        .encoding(Encoding::Hex)
        .id_from_header(HeaderName::from_static("x-gitea-delivery"))
        .event_type_from_header(HeaderName::from_static("x-gitea-event"))
}
