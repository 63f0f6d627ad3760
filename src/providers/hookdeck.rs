//! Hookdeck, the webhook gateway, signs what it forwards in one header and, while its
//! signing secret is being rolled, with the previous secret in a second header.
//!
//! The preset is [`providers::hookdeck()`](super::hookdeck()); this module holds its scheme,
//! [`Hookdeck`].

use bytes::Bytes;
use http::HeaderName;

use crate::scheme::crypto::{first_match, record_content_tags, MAX_TAG};
use crate::scheme::{
    header_value, Algorithm, Encoding, Message, Scheme, SchemeKey, Verified, WebhookRequest,
};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

const SIGNATURE: HeaderName = HeaderName::from_static("x-hookdeck-signature");
const PREVIOUS: HeaderName = HeaderName::from_static("x-hookdeck-signature-2");
const EVENT_ID: HeaderName = HeaderName::from_static("x-hookdeck-eventid");

/// Deliveries forwarded by the [Hookdeck](https://hookdeck.com/docs/authentication) Event
/// Gateway to a destination that keeps Hookdeck's default authentication ("Hookdeck
/// Signature"); made by [`hookdeck()`](super::hookdeck()).
///
/// - Signature: `X-Hookdeck-Signature: <base64 HMAC-SHA256 of the body>`, keyed with the
///   project's signing secret (used as text). While the secret is being rolled, Hookdeck
///   also sends `X-Hookdeck-Signature-2`, signed with the previous secret: a delivery
///   passes when either header matches any configured secret, so deliveries keep
///   verifying until the new secret is configured. `X-Hookdeck-Signature` is required.
/// - No signed timestamp. Delivery id: `X-Hookdeck-EventID`, the same on every attempt
///   of a Hookdeck event (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). No event type: Hookdeck forwards
///   the original provider's body, whose type field is that provider's.
/// - `X-Hookdeck-Verified: true` (Hookdeck checked the original provider's signature) is
///   not signed, so it is not read; the original provider's own headers are forwarded
///   and can be verified as well, with that provider's preset, on the same request.
/// - A project with a custom header prefix (other than `x-hookdeck-`) is not supported by
///   this preset.
///
/// Source: Hookdeck docs, "Authentication" (destination authentication, Hookdeck
/// signature); `@hookdeck/sdk` 0.4.0, `webhooks/helpers.js` (`verifyWebhookSignature`:
/// the required primary header, the secondary one, base64 HMAC-SHA256 of the raw body).
#[derive(Debug, Clone, Default)]
pub struct Hookdeck;

/// A decoded base64 signature: 32 bytes for HMAC-SHA256; longer text is refused.
fn decode(header: &HeaderName, value: &str) -> Result<([u8; MAX_TAG], usize), Rejection> {
    let mut out = [0u8; MAX_TAG];
    let len = Encoding::Base64
        .decode_into(value.trim(), &mut out)
        .filter(|&len| len == 32)
        .ok_or_else(|| {
            Rejection::malformed_header(header.as_str(), "signature is not base64 HMAC-SHA256")
        })?;
    Ok((out, len))
}

impl Scheme for Hookdeck {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        "hookdeck"
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        SchemeKey::hmac(Algorithm::Sha256, secret)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let (current, current_len) = decode(&SIGNATURE, request.required_header(&SIGNATURE)?)?;
        let previous = match request.header(&PREVIOUS)? {
            Some(value) => Some(decode(&PREVIOUS, value)?),
            None => None,
        };
        let mut candidates: Vec<&[u8]> = vec![current.get(..current_len).unwrap_or_default()];
        if let Some((bytes, len)) = &previous {
            candidates.push(bytes.get(..*len).unwrap_or_default());
        }
        let parts = [request.body().as_ref()];
        let mut tag = [0u8; MAX_TAG];
        let matched = first_match(keys, &parts, candidates.iter().copied(), &mut tag)
            .map(|found| (found.key, found.tag_len))
            .ok_or_else(|| {
                Rejection::new(RejectionKind::SignatureMismatch, "signature does not match")
            })?;
        let mut verified = Verified::new();
        record_content_tags(
            &mut verified,
            keys,
            &parts,
            matched.0,
            tag.get(..matched.1).unwrap_or_default(),
        );
        if let Some(id) = request.header(&EVENT_ID)? {
            verified = verified.unsigned_id(id);
        }
        Ok(verified)
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let key = self.key(secret)?;
        let mut tag = [0u8; MAX_TAG];
        let len = key.tag(&[request.body().as_ref()], &mut tag);
        let signature = Encoding::Base64.encode(tag.get(..len).unwrap_or_default());
        let headers = request.headers_mut();
        headers.insert(SIGNATURE, header_value(&signature)?);
        headers.insert(EVENT_ID, header_value(message.id)?);
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        self.key(secret).map(drop)
    }
}
