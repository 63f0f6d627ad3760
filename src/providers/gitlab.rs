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
    token(
        "gitlab",
        "x-gitlab-token",
        Some("x-gitlab-event-uuid"),
        Some("x-gitlab-event"),
    )
}

/// Builds a token preset from fixed, valid header names.
pub(super) fn token(
    provider: &'static str,
    header: &str,
    id: Option<&str>,
    event_type: Option<&str>,
) -> TokenScheme {
    let built = TokenScheme::new(provider, header).and_then(|scheme| {
        let scheme = match id {
            Some(id) => scheme.id_from_header(id)?,
            None => scheme,
        };
        match event_type {
            Some(kind) => scheme.event_type_from_header(kind),
            None => Ok(scheme),
        }
    });
    match built {
        Ok(scheme) => scheme,
        Err(error) => panic!("tower-webhook preset is invalid: {error}"),
    }
}
