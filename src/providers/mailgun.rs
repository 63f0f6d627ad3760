//! Mailgun puts its signature inside the body, and signs a timestamp and a random token
//! rather than the body itself.
//!
//! The preset is [`providers::mailgun()`](super::mailgun()); this module holds its scheme,
//! [`Mailgun`], and [`signature`], which builds the signature a body carries.

use bytes::Bytes;

use crate::scheme::crypto::MAX_TAG;
use crate::scheme::json::find_fields;
use crate::scheme::{
    parse_timestamp, Algorithm, Encoding, JsonPath, Message, Scheme, SchemeKey, TimestampFormat,
    Verified, WebhookRequest,
};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

/// [Mailgun](https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks)
/// webhooks; made by [`mailgun()`](super::mailgun()).
///
/// - The JSON body carries `signature.timestamp`, `signature.token` and
///   `signature.signature`: the hex HMAC-SHA256 of the timestamp followed by the token,
///   keyed with the HTTP webhook signing key. Legacy form posts carry `timestamp`, `token`
///   and `signature` fields.
/// - Mailgun does not sign the body: `event-data` is trusted because the request carries a
///   fresh token signed with your key. Keep the tolerance tight.
/// - Timestamp: `signature.timestamp`, Unix seconds, ±5 minutes. Delivery id: the signed
///   `token`, unique per delivery. Event type: `event-data.event`.
///
/// To produce a body in tests, see [`signature`].
///
/// Source: Mailgun docs, "Securing webhooks"; `mailgun/mailgun.js`, `lib/Classes/Webhooks`
/// (signature fields).
#[derive(Debug, Clone, Default)]
pub struct Mailgun;

/// The hex signature Mailgun puts in `signature.signature`, for building test bodies.
pub fn signature(signing_key: &str, timestamp: &str, token: &str) -> Result<String, ConfigError> {
    let key = SchemeKey::new(Algorithm::Sha256, signing_key.as_bytes())?;
    let mut tag = [0u8; MAX_TAG];
    let len = key.tag(&[timestamp.as_bytes(), token.as_bytes()], &mut tag);
    Ok(Encoding::Hex.encode(tag.get(..len).unwrap_or_default()))
}

struct Fields {
    timestamp: String,
    token: String,
    signature: String,
    event: Option<String>,
}

fn fields(request: &WebhookRequest<'_>) -> Result<Fields, Rejection> {
    let body = request.body();
    let missing = || {
        Rejection::new(
            RejectionKind::MissingField,
            "missing signature fields in the body",
        )
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        let paths = [
            JsonPath::from("signature.timestamp"),
            JsonPath::from("signature.token"),
            JsonPath::from("signature.signature"),
            JsonPath::new(["event-data", "event"]),
        ];
        let [timestamp, token, signature, event] = find_fields(
            body,
            [
                Some(&paths[0]),
                Some(&paths[1]),
                Some(&paths[2]),
                Some(&paths[3]),
            ],
        );
        return Ok(Fields {
            timestamp: timestamp.ok_or_else(missing)?,
            token: token.ok_or_else(missing)?,
            signature: signature.ok_or_else(missing)?,
            event,
        });
    }
    let (mut timestamp, mut token, mut signature, mut event) = (None, None, None, None);
    for (name, value) in form_urlencoded::parse(body).take(256) {
        match &*name {
            "timestamp" => timestamp = Some(value.into_owned()),
            "token" => token = Some(value.into_owned()),
            "signature" => signature = Some(value.into_owned()),
            "event" => event = Some(value.into_owned()),
            _ => {}
        }
    }
    Ok(Fields {
        timestamp: timestamp.ok_or_else(missing)?,
        token: token.ok_or_else(missing)?,
        signature: signature.ok_or_else(missing)?,
        event,
    })
}

impl Scheme for Mailgun {
    type Key = SchemeKey;

    fn signature_algorithm(&self) -> Option<crate::scheme::Algorithm> {
        Some(crate::scheme::Algorithm::Sha256)
    }

    fn provider(&self) -> &str {
        "mailgun"
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        SchemeKey::hmac(Algorithm::Sha256, secret)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let fields = fields(request)?;
        let at =
            parse_timestamp(&fields.timestamp, TimestampFormat::UnixSeconds).ok_or_else(|| {
                Rejection::new(
                    RejectionKind::InvalidBody,
                    "signature.timestamp is not valid",
                )
            })?;
        let mut signature = [0u8; 32];
        let Some(32) = Encoding::Hex.decode_into(&fields.signature, &mut signature) else {
            return Err(Rejection::new(
                RejectionKind::InvalidBody,
                "signature.signature is not a hex HMAC-SHA256",
            ));
        };
        let parts = [fields.timestamp.as_bytes(), fields.token.as_bytes()];
        let mut tag = [0u8; MAX_TAG];
        let matched = keys.iter().any(|key| {
            let len = key.tag(&parts, &mut tag);
            key.verifies(&parts, tag.get(..len).unwrap_or_default(), &signature)
        });
        if !matched {
            return Err(Rejection::new(
                RejectionKind::SignatureMismatch,
                "signature does not match",
            ));
        }
        let mut verified = Verified::new()
            .signed_timestamp(at)
            // The token is signed, but run together with the timestamp: moving their
            // boundary keeps the signature and changes the token, so it is not a key alone.
            .unsigned_id(fields.token)
            .signature(&signature);
        if let Some(event) = fields.event {
            verified = verified.signed_event_type(event);
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
            "Mailgun signs inside the body: build it with providers::mailgun::signature",
        ))
    }
}
