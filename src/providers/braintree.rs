//! Braintree posts its notification as a form: a base64 XML payload and its signature,
//! both in the body.
//!
//! The preset is [`providers::braintree()`](super::braintree()); this module holds its scheme,
//! [`Braintree`], and [`signature`], which builds a signed body.

use base64::Engine as _;
use bytes::Bytes;
use sha1::Digest as _;

use crate::scheme::crypto::{first_match, record_content_tags, MAX_TAG};
use crate::scheme::{
    Algorithm, Encoding, Message, Scheme, SchemeKey, Verified, WebhookRequest,
    MAX_SIGNATURE_ENTRIES,
};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

/// [Braintree](https://developer.paypal.com/braintree/docs/guides/webhooks/parse)
/// webhooks; made by [`braintree()`](super::braintree()).
///
/// - The body is a form (`application/x-www-form-urlencoded`) with `bt_signature` and
///   `bt_payload`. `bt_payload` is base64 XML (letters, digits, `+`, `/`, `=` and line
///   feeds only); `bt_signature` is `public_key|signature`, several pairs joined by `&`
///   (at most [`MAX_SIGNATURE_ENTRIES`]).
/// - Signature: hex HMAC-SHA1 of `bt_payload` (or of `bt_payload` followed by a line
///   feed, as Braintree's SDKs also accept), keyed with the **SHA-1 digest** of the API
///   private key.
/// - Secret: the API private key. A pair passes when its signature verifies with a
///   configured private key; its public key is only a label and is not compared.
/// - The whole payload is signed. No freshness: the payload's `<timestamp>` is when the
///   notification was created, and Braintree retries the same payload later, so it is
///   not checked against a tolerance; replay protection keys on the signature, which a
///   retry repeats. Event type: the payload's `<kind>` (signed). No delivery id.
/// - The `bt_challenge` URL verification of Braintree's older webhook setup is not
///   answered (its answer needs the public key, which this preset does not take).
/// - To build a body in tests, see [`signature`].
///
/// Source: Braintree docs, "Webhooks: parse"; `braintree` npm 3.40.0,
/// `lib/braintree/webhook_notification_gateway.js` (`validateSignature`, the payload's
/// character check), `digest.js` (`hmacSha1`: the key is SHA-1 of the private key) and
/// `webhook_testing_gateway.js` (`sampleNotification`).
#[derive(Debug, Clone, Default)]
pub struct Braintree;

fn hmac_key(private_key: &[u8]) -> Result<SchemeKey, ConfigError> {
    if private_key.is_empty() {
        return Err(ConfigError::new("the Braintree private key is empty"));
    }
    let digest: zeroize::Zeroizing<[u8; 20]> =
        zeroize::Zeroizing::new(sha1::Sha1::digest(private_key).into());
    SchemeKey::new(Algorithm::Sha1, &digest[..])
}

/// The `bt_signature` Braintree sends with `payload` (`public_key|<hex HMAC-SHA1>`), for
/// building test bodies: `bt_signature=<this>&bt_payload=<payload>`, form-encoded.
pub fn signature(
    public_key: &str,
    private_key: &str,
    payload: &str,
) -> Result<String, ConfigError> {
    let key = hmac_key(private_key.as_bytes())?;
    let mut tag = [0u8; MAX_TAG];
    let len = key.tag(&[payload.as_bytes()], &mut tag);
    Ok(format!(
        "{public_key}|{}",
        Encoding::Hex.encode(tag.get(..len).unwrap_or_default())
    ))
}

/// The payload's `<kind>`, if it decodes and has one: read only after it verified.
fn kind(payload: &str) -> Option<String> {
    let compact: String = payload.chars().filter(|c| *c != '\n').collect();
    let xml = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    let xml = std::str::from_utf8(&xml).ok()?;
    let start = xml.find("<kind>")? + "<kind>".len();
    let len = xml.get(start..)?.find("</kind>")?;
    let kind = xml.get(start..start + len)?.trim();
    (!kind.is_empty() && kind.len() <= 128).then(|| kind.to_owned())
}

impl Scheme for Braintree {
    type Key = SchemeKey;

    fn signature_algorithm(&self) -> Option<crate::scheme::Algorithm> {
        Some(crate::scheme::Algorithm::Sha1)
    }

    fn provider(&self) -> &str {
        "braintree"
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        hmac_key(secret.expose())
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let (mut signature, mut payload) = (None, None);
        for (name, value) in form_urlencoded::parse(request.body()).take(16) {
            let slot = match &*name {
                "bt_signature" => &mut signature,
                "bt_payload" => &mut payload,
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return Err(Rejection::new(
                    RejectionKind::InvalidBody,
                    "bt_signature or bt_payload appears more than once",
                ));
            }
        }
        let missing = || {
            Rejection::new(
                RejectionKind::MissingField,
                "bt_signature and bt_payload are required",
            )
        };
        let (signature, payload) = (signature.ok_or_else(missing)?, payload.ok_or_else(missing)?);
        if payload.is_empty()
            || !payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'=' | b'/' | b'\n'))
        {
            return Err(Rejection::new(
                RejectionKind::InvalidBody,
                "bt_payload contains illegal characters",
            ));
        }
        let mut decoded = Vec::new();
        for pair in signature.split('&').filter(|pair| pair.contains('|')) {
            if decoded.len() >= MAX_SIGNATURE_ENTRIES {
                return Err(Rejection::new(
                    RejectionKind::InvalidBody,
                    "bt_signature has too many pairs",
                ));
            }
            let hex = pair.split('|').nth(1).unwrap_or_default();
            let mut bytes = [0u8; 20];
            if Encoding::Hex.decode_into(hex, &mut bytes) == Some(20) {
                decoded.push(bytes);
            }
        }
        let candidates = decoded.iter().map(|bytes| &bytes[..]);
        let mut tag = [0u8; MAX_TAG];
        let with_newline = [payload.as_bytes(), b"\n"];
        let matched = first_match(keys, &[payload.as_bytes()], candidates.clone(), &mut tag)
            .is_some()
            || first_match(keys, &with_newline, candidates, &mut tag).is_some();
        if !matched {
            return Err(Rejection::new(
                RejectionKind::SignatureMismatch,
                "signature does not match",
            ));
        }
        // The replay keys: every key's tag of the payload itself, whichever pair and form
        // matched, so that a resent payload is recognised whatever the keys' order.
        let first = keys
            .first()
            .map_or(0, |key| key.tag(&[payload.as_bytes()], &mut tag));
        let mut verified = Verified::new();
        record_content_tags(
            &mut verified,
            keys,
            &[payload.as_bytes()],
            0,
            tag.get(..first).unwrap_or_default(),
        );
        if let Some(kind) = kind(&payload) {
            verified = verified.signed_event_type(kind);
        }
        Ok(verified)
    }

    fn sign(
        &self,
        _secret: &Secret,
        _request: &mut http::Request<Bytes>,
        _message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        Err(ConfigError::new(
            "Braintree signs inside a form body: build it with providers::braintree::signature",
        ))
    }
}
