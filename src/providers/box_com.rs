//! Box signs with two keys at once, each in its own header, so that either key can be
//! rotated while the other keeps verifying.
//!
//! The preset is [`providers::box_com()`](super::box_com()); this module holds its scheme,
//! [`BoxCom`].

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue};

use crate::scheme::crypto::{record_content_tags, MAX_TAG};
use crate::scheme::{
    header_value, parse_timestamp, Algorithm, Encoding, Message, SchemeKey, TimestampFormat,
    Verified, WebhookRequest,
};
use crate::scheme::{JsonPath, Scheme};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

const PRIMARY: HeaderName = HeaderName::from_static("box-signature-primary");
const SECONDARY: HeaderName = HeaderName::from_static("box-signature-secondary");
const VERSION: HeaderName = HeaderName::from_static("box-signature-version");
const ALGORITHM: HeaderName = HeaderName::from_static("box-signature-algorithm");
const TIMESTAMP: HeaderName = HeaderName::from_static("box-delivery-timestamp");
const DELIVERY_ID: HeaderName = HeaderName::from_static("box-delivery-id");

/// [Box](https://developer.box.com/guides/webhooks/v2/signatures-v2/) webhooks (v2
/// signatures); made by [`box_com()`](super::box_com()).
///
/// - Two keys: configure the primary key first, then the secondary. The primary key is
///   checked against `BOX-SIGNATURE-PRIMARY`, the secondary against
///   `BOX-SIGNATURE-SECONDARY` (base64 HMAC-SHA256); either match passes.
/// - Signed content: the body followed by `BOX-DELIVERY-TIMESTAMP`.
/// - Requires `BOX-SIGNATURE-VERSION: 1` and `BOX-SIGNATURE-ALGORITHM: HmacSHA256`.
/// - Timestamp: `BOX-DELIVERY-TIMESTAMP`, RFC 3339; default tolerance 10 minutes, as Box's
///   SDKs use (this crate also rejects timestamps that far in the future).
/// - Delivery id: `BOX-DELIVERY-ID` (not signed: a duplicate is one whose id *or* signature was
///   seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy); Box's retries are signed anew and
///   recognised by this id). Event type: the body's `trigger`.
///
/// Source: Box developer docs, "Signatures v2"; `box/box-node-sdk`, `docs/webhooks.md`
/// (its published example) and `src/managers/webhooks.ts`.
#[derive(Debug, Clone, Default)]
pub struct BoxCom;

fn signed_parts<'a>(request: &WebhookRequest<'a>, timestamp: &'a str) -> [&'a [u8]; 2] {
    [request.body().as_ref(), timestamp.as_bytes()]
}

impl Scheme for BoxCom {
    type Key = SchemeKey;

    fn signature_algorithm(&self) -> Option<crate::scheme::Algorithm> {
        Some(crate::scheme::Algorithm::Sha256)
    }

    fn provider(&self) -> &str {
        "box"
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        SchemeKey::hmac(Algorithm::Sha256, secret)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        if request.required_header(&VERSION)? != "1" {
            return Err(Rejection::malformed_header(
                VERSION.as_str(),
                "unsupported version",
            ));
        }
        if request.required_header(&ALGORITHM)? != "HmacSHA256" {
            return Err(Rejection::malformed_header(
                ALGORITHM.as_str(),
                "unsupported algorithm",
            ));
        }
        let raw = request.required_header(&TIMESTAMP)?;
        let at = parse_timestamp(raw, TimestampFormat::Rfc3339).ok_or_else(|| {
            Rejection::malformed_header(TIMESTAMP.as_str(), "timestamp is not valid")
        })?;
        let parts = signed_parts(request, raw);

        let headers = [request.header(&PRIMARY)?, request.header(&SECONDARY)?];
        if headers.iter().all(Option::is_none) {
            return Err(Rejection::missing_header(PRIMARY.as_str()));
        }
        let mut tag = [0u8; MAX_TAG];
        let mut matched = None;
        for (index, (key, header)) in keys.iter().zip(headers).enumerate() {
            let Some(header) = header else { continue };
            let mut signature = [0u8; MAX_TAG];
            let Some(len) = Encoding::Base64.decode_into(header.trim(), &mut signature) else {
                continue;
            };
            let signature = signature.get(..len).unwrap_or_default();
            let tag_len = key.tag(&parts, &mut tag);
            let computed = tag.get(..tag_len).unwrap_or_default();
            if key.verifies(&parts, computed, signature) {
                matched = Some((index, tag_len));
                break;
            }
        }
        let (index, tag_len) = matched.ok_or_else(|| {
            Rejection::new(RejectionKind::SignatureMismatch, "signature does not match")
        })?;
        // The event type is read from the body only if it is asked for.
        static TRIGGER: LazyLock<Arc<JsonPath>> =
            LazyLock::new(|| Arc::new(JsonPath::from("trigger")));
        let mut verified = Verified::new();
        record_content_tags(
            &mut verified,
            keys,
            &parts,
            index,
            tag.get(..tag_len).unwrap_or_default(),
        );
        let mut verified = verified
            .signed_timestamp(at)
            .signed_event_type_in_body(Arc::clone(&TRIGGER));
        if let Some(id) = request.header(&DELIVERY_ID)? {
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
        let timestamp = TimestampFormat::Rfc3339.format(message.timestamp);
        let view = WebhookRequest::new(
            request.method(),
            request.uri(),
            request.headers(),
            request.body(),
        );
        let mut tag = [0u8; MAX_TAG];
        let len = key.tag(&signed_parts(&view, &timestamp), &mut tag);
        let signature = Encoding::Base64.encode(tag.get(..len).unwrap_or_default());
        let headers = request.headers_mut();
        headers.insert(PRIMARY, header_value(&signature)?);
        headers.insert(VERSION, HeaderValue::from_static("1"));
        headers.insert(ALGORITHM, HeaderValue::from_static("HmacSHA256"));
        headers.insert(TIMESTAMP, header_value(&timestamp)?);
        headers.insert(DELIVERY_ID, header_value(message.id)?);
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        self.key(secret).map(drop)
    }

    fn default_tolerance(&self) -> Duration {
        Duration::from_secs(600)
    }
}
