use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Bitbucket Cloud](https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/).
///
/// - Signature: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>` (SHA-256 under
///   the unsuffixed header name).
/// - No signed timestamp. Delivery id: `X-Request-UUID` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event
///   type: `X-Event-Key` (not signed).
///
/// Source: Atlassian docs, "Manage webhooks" (secure webhooks).
pub fn bitbucket() -> SignatureScheme {
    SignatureScheme::new("bitbucket", HeaderName::from_static("x-hub-signature"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
        .id_from_header(HeaderName::from_static("x-request-uuid"))
        .event_type_from_header(HeaderName::from_static("x-event-key"))
}
