//! The public URL a provider signed. Behind a proxy or tunnel the server sees another
//! URL than the provider called, so URL-signed schemes take the public base URL from
//! configuration and append the request's path and query.

use crate::{ConfigError, Rejection, RejectionKind};

use super::WebhookRequest;

/// A validated public base URL such as `https://hooks.example.com` (no trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicBase(Box<str>);

impl PublicBase {
    pub(crate) fn parse(base: &str) -> Result<Self, ConfigError> {
        let trimmed = base.trim().trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"));
        match rest {
            Some(authority) if !authority.is_empty() && !authority.contains(['?', '#']) => {
                Ok(PublicBase(trimmed.into()))
            }
            _ => Err(ConfigError::new(
                "public URL must be an absolute http:// or https:// URL without query or fragment",
            )),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The configuration error of a URL-signed scheme with neither a public URL nor the
    /// opt-in to trust the request's `Host`.
    pub(crate) fn missing() -> ConfigError {
        ConfigError::new(
            "the signature covers the public URL the provider called, and none is configured: \
             set it with .public_url(\"https://hooks.example.com\") (the base the provider calls; \
             the request's path and query follow). Only behind a proxy that sets the Host header \
             itself, call .dangerously_trust_host_header() instead",
        )
    }
}

/// The request's path and query, as received (`/` when the URI has none).
pub(crate) fn path_and_query<'a>(request: &WebhookRequest<'a>) -> &'a str {
    request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/")
}

/// The base URL to sign, in two pieces to concatenate: the configured one (and nothing);
/// else, only when `trust_request` says the request's own authority is trustworthy, its
/// absolute URI or else `scheme_if_unknown` and its `Host` header. Both of those are set
/// by whoever sends the request, so they are trusted only on an explicit opt-in (or when
/// signing, where the request is the signer's own).
pub(crate) fn base<'a>(
    configured: Option<&'a PublicBase>,
    trust_request: bool,
    request: &WebhookRequest<'a>,
    scheme_if_unknown: &'static str,
) -> Result<(&'a str, &'a str), Rejection> {
    if let Some(base) = configured {
        return Ok((base.as_str(), ""));
    }
    if !trust_request {
        return Err(Rejection::new(
            RejectionKind::InvalidRequest,
            "cannot form the signed URL: no public URL configured",
        ));
    }
    let uri = request.uri();
    if let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) {
        let scheme = if scheme == "https" {
            "https://"
        } else {
            "http://"
        };
        return Ok((scheme, authority.as_str()));
    }
    let host = request
        .header(&http::header::HOST)?
        .filter(|h| !h.is_empty() && !h.contains(['/', '?', '#', '@', ' ']))
        .ok_or_else(|| {
            Rejection::new(
                RejectionKind::InvalidRequest,
                "cannot form the signed URL: no valid Host header and no public URL configured",
            )
        })?;
    Ok((scheme_if_unknown, host))
}
