//! DocuSign Connect sends one signature header per active HMAC key, numbered from 1, so a
//! key can be rotated while the others keep verifying.
//!
//! The preset is [`providers::docusign()`](super::docusign()); this module holds its scheme,
//! [`DocuSign`].

use std::sync::{Arc, LazyLock};

use bytes::Bytes;
use http::HeaderName;

use crate::scheme::crypto::{first_match, record_content_tags, MAX_TAG};
use crate::scheme::{
    header_value, Algorithm, Encoding, Message, SchemeKey, Verified, WebhookRequest,
};
use crate::scheme::{JsonPath, Scheme, MAX_SIGNATURE_ENTRIES};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

const PREFIX: &str = "x-docusign-signature-";
const FIRST: HeaderName = HeaderName::from_static("x-docusign-signature-1");
/// An HMAC-SHA256 tag is 32 bytes.
const TAG: usize = 32;

/// [DocuSign Connect](https://developers.docusign.com/platform/webhooks/connect/hmac/)
/// with HMAC security; made by [`docusign()`](super::docusign()).
///
/// - Signature: `X-DocuSign-Signature-1`, `X-DocuSign-Signature-2`, …: one base64
///   HMAC-SHA256 of the whole body per active Connect HMAC key (the key used as text).
///   Any header matching any configured key passes, so configure the keys you hold in any
///   order; at most 16 signature headers are read, more is refused as malformed.
/// - No signed timestamp and no delivery id: replay protection keys on the signature.
///   Event type: the body's `event` (JSON Connect messages).
///
/// Source: DocuSign developer docs, "HMAC security" and "How to validate an HMAC
/// signature" (Connect).
#[derive(Debug, Clone, Default)]
pub struct DocuSign;

impl Scheme for DocuSign {
    type Key = SchemeKey;

    fn signature_algorithm(&self) -> Option<crate::scheme::Algorithm> {
        Some(crate::scheme::Algorithm::Sha256)
    }

    fn provider(&self) -> &str {
        "docusign"
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        SchemeKey::hmac(Algorithm::Sha256, secret)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let mut candidates = [[0u8; TAG]; MAX_SIGNATURE_ENTRIES];
        let mut count = 0;
        let mut seen = 0;
        for (name, value) in request.headers() {
            let Some(number) = name.as_str().strip_prefix(PREFIX) else {
                continue;
            };
            if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            seen += 1;
            if seen > MAX_SIGNATURE_ENTRIES {
                return Err(Rejection::malformed_header(
                    FIRST.as_str(),
                    "too many signature headers",
                ));
            }
            let mut decoded = [0u8; MAX_TAG];
            let text = value.to_str().unwrap_or_default().trim();
            if let (Some(TAG), Some(slot)) = (
                Encoding::Base64.decode_into(text, &mut decoded),
                candidates.get_mut(count),
            ) {
                slot.copy_from_slice(decoded.get(..TAG).unwrap_or(&[0; TAG]));
                count += 1;
            }
        }
        if seen == 0 {
            return Err(Rejection::missing_header(FIRST.as_str()));
        }
        if count == 0 {
            return Err(Rejection::malformed_header(
                FIRST.as_str(),
                "signature is not valid or has the wrong length",
            ));
        }

        let parts = [request.body().as_ref()];
        let mut tag = [0u8; MAX_TAG];
        let candidates = candidates.iter().take(count).map(|c| c.as_slice());
        let matched = first_match(keys, &parts, candidates, &mut tag).ok_or_else(|| {
            Rejection::new(RejectionKind::SignatureMismatch, "signature does not match")
        })?;
        // As for declarative schemes: the tag is hex-encoded and the body's event type read
        // only if they are asked for.
        static EVENT: LazyLock<Arc<JsonPath>> = LazyLock::new(|| Arc::new(JsonPath::from("event")));
        let mut verified = Verified::new();
        record_content_tags(
            &mut verified,
            keys,
            &parts,
            matched.key,
            tag.get(..matched.tag_len).unwrap_or_default(),
        );
        Ok(verified.signed_event_type_in_body(Arc::clone(&EVENT)))
    }

    /// Signs with one key, as `X-DocuSign-Signature-1`.
    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        _message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let key = self.key(secret)?;
        let mut tag = [0u8; MAX_TAG];
        let len = key.tag(&[request.body().as_ref()], &mut tag);
        let signature = Encoding::Base64.encode(tag.get(..len).unwrap_or_default());
        request
            .headers_mut()
            .insert(FIRST, header_value(&signature)?);
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        self.key(secret).map(drop)
    }
}
