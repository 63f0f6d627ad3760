//! Shared-token schemes: the provider sends the configured token itself in a header
//! (GitLab's `X-Gitlab-Token`, Telegram's secret token). Nothing is signed, so the body is
//! authenticated only by TLS; the token is compared in constant time, through its SHA-256
//! digest so that neither its content nor its length shows in the timing.

use std::borrow::Cow;

use bytes::Bytes;
use http::HeaderName;

use super::crypto::{secret_digest, SchemeKey};
use super::{header_value, CredentialFields, Message, Scheme, Verified, WebhookRequest};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

/// A provider that authenticates deliveries with a shared token in a header. The header is
/// declared a credential ([`credential_fields`](Scheme::credential_fields)): the durable
/// inbox stores it redacted.
///
/// ```
/// use http::HeaderName;
/// use tower_webhook::scheme::TokenScheme;
///
/// let gitlab = TokenScheme::new("gitlab", HeaderName::from_static("x-gitlab-token"))
///     .id_from_header(HeaderName::from_static("x-gitlab-event-uuid"));
/// # let _ = gitlab;
/// ```
#[derive(Debug, Clone)]
pub struct TokenScheme {
    provider: Cow<'static, str>,
    header: HeaderName,
    id: Option<HeaderName>,
    event_type: Option<HeaderName>,
}

impl TokenScheme {
    /// A provider that sends its token in `header`.
    pub fn new(provider: impl Into<Cow<'static, str>>, header: HeaderName) -> Self {
        TokenScheme {
            provider: provider.into(),
            header,
            id: None,
            event_type: None,
        }
    }

    /// Another provider name: the namespace of its replay keys.
    pub fn provider_name(mut self, provider: impl Into<Cow<'static, str>>) -> Self {
        self.provider = provider.into();
        self
    }

    /// The delivery id is in this header. A token signs nothing, so the id is unsigned:
    /// replay protection keys on it together with a hash of the body (see
    /// [`Delivery::replay_keys`](crate::Delivery::replay_keys)).
    pub fn id_from_header(mut self, header: HeaderName) -> Self {
        self.id = Some(header);
        self
    }

    /// The event type is in this header (not signed: what the sender claims).
    pub fn event_type_from_header(mut self, header: HeaderName) -> Self {
        self.event_type = Some(header);
        self
    }
}

impl Scheme for TokenScheme {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        &self.provider
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        SchemeKey::token(secret)
    }

    fn credential_fields(&self) -> CredentialFields {
        CredentialFields::new().header(self.header.clone())
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let token = request.required_header(&self.header)?;
        verify_presented(
            request,
            keys,
            token.as_bytes(),
            "token does not match",
            self.id.as_ref(),
            self.event_type.as_ref(),
        )
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        request
            .headers_mut()
            .insert(self.header.clone(), header_value(secret.expose())?);
        if let Some(name) = &self.id {
            request
                .headers_mut()
                .insert(name.clone(), header_value(message.id)?);
        }
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        header_value(secret.expose()).map(drop)
    }
}

/// What [`TokenScheme`] and [`CredentialScheme`](super::CredentialScheme) share: the
/// presented secret checked against every key, then the unsigned id and event type read
/// from their headers.
pub(super) fn verify_presented(
    request: &WebhookRequest<'_>,
    keys: &[SchemeKey],
    presented: &[u8],
    mismatch: &'static str,
    id: Option<&HeaderName>,
    event_type: Option<&HeaderName>,
) -> Result<Verified, Rejection> {
    // Fixed-size digests, every key compared: the time taken tells neither the secrets'
    // lengths nor which one matched.
    let received = secret_digest(presented);
    let matched = keys.iter().fold(subtle::Choice::from(0), |acc, key| {
        acc | key.token_matches(&received)
    });
    if !bool::from(matched) {
        return Err(Rejection::new(RejectionKind::SignatureMismatch, mismatch));
    }
    let mut verified = Verified::new();
    if let Some(name) = id {
        if let Some(id) = request.header(name)? {
            verified = verified.unsigned_id(id);
        }
    }
    if let Some(name) = event_type {
        if let Some(kind) = request.header(name)? {
            verified = verified.unsigned_event_type(kind);
        }
    }
    Ok(verified)
}
