use http::HeaderName;

use crate::scheme::TokenScheme;

/// [GitLab](https://docs.gitlab.com/user/project/integrations/webhooks/) webhooks with a
/// secret token.
///
/// - Authentication: `X-Gitlab-Token` carries the secret token itself (nothing is
///   signed); compared in constant time against each configured token.
/// - No timestamp. Delivery id: `X-Gitlab-Event-UUID` (not signed: a duplicate is one
///   whose id *or* body hash was seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
///   Event type: `X-Gitlab-Event` (not signed).
///
/// Source: GitLab docs, "Webhooks" (secret token; delivery headers).
pub fn gitlab() -> TokenScheme {
    TokenScheme::new("gitlab", HeaderName::from_static("x-gitlab-token"))
        .id_from_header(HeaderName::from_static("x-gitlab-event-uuid"))
        .event_type_from_header(HeaderName::from_static("x-gitlab-event"))
}
