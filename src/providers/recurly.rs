//! Recurly puts the timestamp first in its signature list, without a prefix, which the
//! declarative scheme does not describe.

use bytes::Bytes;
use http::HeaderName;

use crate::scheme::{
    header_value, parse_timestamp, Algorithm, Encoding, Message, SchemeKey, TimestampFormat,
    Verified, WebhookRequest,
};
use crate::scheme::{Scheme, MAX_SIGNATURE_ENTRIES};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

const SIGNATURE: HeaderName = HeaderName::from_static("recurly-signature");
/// An HMAC-SHA256 tag is 32 bytes.
const TAG: usize = 32;

/// [Recurly](https://docs.recurly.com/recurly-subscriptions/docs/signature-verification)
/// JSON webhooks; made by [`recurly`].
///
/// - Signature: `recurly-signature: <timestamp>,<hex HMAC-SHA256>[,<hex HMAC-SHA256>…]`,
///   keyed with the endpoint's secret key (as text); any signature may match.
/// - Signed content: `{timestamp}.{body}`. Timestamp: the header's first entry, Unix
///   milliseconds, ±5 minutes as Recurly's client libraries check.
/// - No delivery id in a header: replay protection keys on the signature, and the signed
///   timestamp bounds replays. (XML webhooks are not signed and cannot be verified.)
///
/// Source: Recurly docs, "Signature verification"; `recurly/recurly-client-ruby`,
/// `lib/recurly/webhooks.rb`.
#[derive(Debug, Clone, Default)]
pub struct Recurly;

/// The [`Recurly`] preset.
pub fn recurly() -> Recurly {
    Recurly
}

impl Scheme for Recurly {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        "recurly"
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        SchemeKey::hmac(Algorithm::Sha256, secret)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let header = request.required_header(&SIGNATURE)?;
        let mut entries = header.split(',').map(|entry| entry.trim_matches(' '));
        let raw = entries.next().unwrap_or_default();
        let at = parse_timestamp(raw, TimestampFormat::UnixMillis).ok_or_else(|| {
            Rejection::malformed_header(SIGNATURE.as_str(), "timestamp is not valid")
        })?;

        let mut candidates = [[0u8; TAG]; MAX_SIGNATURE_ENTRIES];
        let mut count = 0;
        for entry in entries.filter(|entry| !entry.is_empty()) {
            let mut decoded = [0u8; 64];
            let (Some(TAG), Some(slot)) = (
                Encoding::Hex.decode_into(entry, &mut decoded),
                candidates.get_mut(count),
            ) else {
                return Err(Rejection::malformed_header(
                    SIGNATURE.as_str(),
                    "signature is not valid, has the wrong length or there are too many",
                ));
            };
            slot.copy_from_slice(decoded.get(..TAG).unwrap_or(&[0; TAG]));
            count += 1;
        }
        if count == 0 {
            return Err(Rejection::malformed_header(
                SIGNATURE.as_str(),
                "no signature after the timestamp",
            ));
        }

        let parts = [raw.as_bytes(), b".", request.body().as_ref()];
        let mut tag = [0u8; 64];
        for key in keys {
            let len = key.tag(&parts, &mut tag);
            let computed = tag.get(..len).unwrap_or_default();
            if candidates
                .iter()
                .take(count)
                .any(|candidate| key.verifies(&parts, computed, candidate))
            {
                return Ok(Verified::new()
                    .fingerprint(hex::encode(computed))
                    .timestamp(at));
            }
        }
        Err(Rejection::new(
            RejectionKind::SignatureMismatch,
            "signature does not match",
        ))
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let key = self.key(secret)?;
        let timestamp = TimestampFormat::UnixMillis.format(message.timestamp);
        let mut tag = [0u8; 64];
        let len = key.tag(
            &[timestamp.as_bytes(), b".", request.body().as_ref()],
            &mut tag,
        );
        let signature = Encoding::Hex.encode(tag.get(..len).unwrap_or_default());
        request
            .headers_mut()
            .insert(SIGNATURE, header_value(format!("{timestamp},{signature}"))?);
        Ok(())
    }
}
