//! Adyen signs each notification item inside the body: an HMAC over eight of its fields,
//! carried in the item itself.
//!
//! The preset is [`providers::adyen()`](super::adyen()); this module holds its scheme,
//! [`Adyen`], and the bound on its items, [`MAX_ITEMS`].

use bytes::Bytes;
use serde::Deserialize;
use sha2::Digest as _;

use crate::scheme::crypto::{first_match, MAX_TAG};
use crate::scheme::{Algorithm, Encoding, Message, Scheme, SchemeKey, Verified, WebhookRequest};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

/// The most notification items one Adyen request may carry; each is verified. Adyen's
/// JSON webhooks send one item per request.
pub const MAX_ITEMS: usize = 16;

/// [Adyen](https://docs.adyen.com/development-resources/webhooks/verify-hmac-signatures)
/// standard (payment) webhooks, JSON; made by [`adyen()`](super::adyen()).
///
/// - Each `notificationItems[].NotificationRequestItem` carries
///   `additionalData.hmacSignature`: the base64 HMAC-SHA256 of eight of its fields joined
///   with `:`, in this order: `pspReference`, `originalReference`, `merchantAccountCode`,
///   `merchantReference`, `amount.value`, `amount.currency`, `eventCode`, `success` (an
///   absent field is empty; no escaping). Every item must verify (at most
///   [`MAX_ITEMS`]).
/// - Secret: the HMAC key from the Customer Area, **hexadecimal** (decoded to bytes).
/// - **Only those eight fields are signed.** The rest of the body — `eventDate`,
///   `reason`, `paymentMethod`, `live`, the rest of `additionalData` — is not covered
///   and must not drive a decision; read the signed fields, or fetch the payment from
///   Adyen's API.
/// - The fields are joined without escaping, so when one of them contains a `:` (a
///   merchant reference such as `shop:1234`), a colon can be moved from one field to the
///   next without changing the signature: the id and event type are then reported as
///   **unsigned**. Otherwise, and with one item, the delivery id is
///   `{pspReference}:{eventCode}:{success}` (signed: Adyen resends a notification with
///   the same values) and the event type `eventCode` (signed). With several items, the
///   replay key is a hash of their signed strings.
/// - No signed timestamp (`eventDate` is not signed).
/// - The signer ([`Signer`](crate::Signer)) fills in `hmacSignature` in a notification
///   body (re-serializing it); [`Preset::can_sign`](super::Preset::can_sign) is `false`
///   because any other body cannot be signed.
///
/// Source: Adyen docs, "Verify HMAC signatures"; `@adyen/api-library` 32.1.0,
/// `lib/src/utils/hmacValidator.js` (`getDataToSign`, `calculateHmacSignature`: hex key,
/// fields joined with `:` unescaped, base64).
#[derive(Debug, Clone, Default)]
pub struct Adyen;

#[derive(Deserialize)]
struct Notification {
    #[serde(rename = "notificationItems")]
    items: Vec<Wrapper>,
}

#[derive(Deserialize)]
struct Wrapper {
    #[serde(rename = "NotificationRequestItem")]
    item: Item,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    psp_reference: Option<String>,
    original_reference: Option<String>,
    merchant_account_code: Option<String>,
    merchant_reference: Option<String>,
    amount: Option<Amount>,
    event_code: Option<String>,
    success: Option<Success>,
    additional_data: Option<AdditionalData>,
}

#[derive(Deserialize)]
struct Amount {
    value: Option<serde_json::Number>,
    currency: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Success {
    Text(String),
    Flag(bool),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdditionalData {
    hmac_signature: Option<String>,
}

impl Item {
    /// The eight signed fields, as Adyen's library joins them (absent fields empty).
    fn fields(&self) -> Result<[String; 8], Rejection> {
        let amount = self.amount.as_ref().ok_or_else(|| {
            Rejection::new(
                RejectionKind::MissingField,
                "a notification item has no amount",
            )
        })?;
        let value = match &amount.value {
            None => String::new(),
            Some(number) if number.is_i64() || number.is_u64() => number.to_string(),
            Some(_) => {
                return Err(Rejection::new(
                    RejectionKind::InvalidBody,
                    "amount.value is not an integer",
                ))
            }
        };
        let text = |field: &Option<String>| field.clone().unwrap_or_default();
        Ok([
            text(&self.psp_reference),
            text(&self.original_reference),
            text(&self.merchant_account_code),
            text(&self.merchant_reference),
            value,
            text(&amount.currency),
            text(&self.event_code),
            match &self.success {
                None => String::new(),
                Some(Success::Text(text)) => text.clone(),
                Some(Success::Flag(flag)) => flag.to_string(),
            },
        ])
    }
}

fn parse(body: &[u8]) -> Result<Notification, Rejection> {
    let notification: Notification = serde_json::from_slice(body).map_err(|_| {
        Rejection::new(
            RejectionKind::InvalidBody,
            "not an Adyen notification (notificationItems[].NotificationRequestItem)",
        )
    })?;
    if notification.items.is_empty() || notification.items.len() > MAX_ITEMS {
        return Err(Rejection::new(
            RejectionKind::InvalidBody,
            "an Adyen notification holds 1 to MAX_ITEMS items",
        ));
    }
    Ok(notification)
}

fn hmac_key(secret: &Secret) -> Result<SchemeKey, ConfigError> {
    let text = secret
        .expose_str()
        .ok_or_else(|| ConfigError::new("an Adyen HMAC key is hexadecimal"))?;
    let key = zeroize::Zeroizing::new(
        hex::decode(text.trim())
            .map_err(|_| ConfigError::new("an Adyen HMAC key is hexadecimal"))?,
    );
    if key.is_empty() {
        return Err(ConfigError::new("the Adyen HMAC key is empty"));
    }
    SchemeKey::new(Algorithm::Sha256, &key)
}

impl Scheme for Adyen {
    type Key = SchemeKey;

    fn signature_algorithm(&self) -> Option<crate::scheme::Algorithm> {
        Some(crate::scheme::Algorithm::Sha256)
    }

    fn provider(&self) -> &str {
        "adyen"
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        hmac_key(secret)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let notification = parse(request.body())?;
        let mut signed_strings = sha2::Sha256::new();
        let mut ambiguous = false;
        let mut first = None;
        for wrapper in &notification.items {
            let item = &wrapper.item;
            let encoded = item
                .additional_data
                .as_ref()
                .and_then(|data| data.hmac_signature.as_deref())
                .ok_or_else(|| {
                    Rejection::new(
                        RejectionKind::MissingField,
                        "additionalData.hmacSignature is missing",
                    )
                })?;
            let mut signature = [0u8; MAX_TAG];
            let len = Encoding::Base64
                .decode_into(encoded.trim(), &mut signature)
                .filter(|&len| len == 32)
                .ok_or_else(|| {
                    Rejection::new(
                        RejectionKind::InvalidBody,
                        "additionalData.hmacSignature is not a base64 HMAC-SHA256",
                    )
                })?;
            let fields = item.fields()?;
            ambiguous |= fields.iter().any(|field| field.contains(':'));
            let signed = fields.join(":");
            let mut tag = [0u8; MAX_TAG];
            let candidate = signature.get(..len).unwrap_or_default();
            if first_match(keys, &[signed.as_bytes()], [candidate], &mut tag).is_none() {
                return Err(Rejection::new(
                    RejectionKind::SignatureMismatch,
                    "signature does not match",
                ));
            }
            signed_strings.update(signed.as_bytes());
            signed_strings.update([0u8]);
            if first.is_none() {
                first = Some(fields);
            }
        }
        let verified = Verified::new().signature(&signed_strings.finalize());
        match first {
            Some([psp, _, _, _, _, _, event, success]) if notification.items.len() == 1 => {
                let id = format!("{psp}:{event}:{success}");
                Ok(if ambiguous {
                    verified.unsigned_id(id).unsigned_event_type(event)
                } else {
                    verified.signed_id(id).signed_event_type(event)
                })
            }
            _ => Ok(verified),
        }
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        _message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let key = hmac_key(secret)?;
        let not_a_notification = || {
            ConfigError::new(
                "Adyen signs inside a notification body (notificationItems[].NotificationRequestItem)",
            )
        };
        let typed = parse(request.body()).map_err(|_| not_a_notification())?;
        let mut body: serde_json::Value =
            serde_json::from_slice(request.body()).map_err(|_| not_a_notification())?;
        let items = body
            .get_mut("notificationItems")
            .and_then(serde_json::Value::as_array_mut)
            .ok_or_else(not_a_notification)?;
        for (wrapper, typed) in items.iter_mut().zip(&typed.items) {
            let fields = typed.item.fields().map_err(|_| not_a_notification())?;
            let mut tag = [0u8; MAX_TAG];
            let len = key.tag(&[fields.join(":").as_bytes()], &mut tag);
            let signature = Encoding::Base64.encode(tag.get(..len).unwrap_or_default());
            let item = wrapper
                .get_mut("NotificationRequestItem")
                .and_then(serde_json::Value::as_object_mut)
                .ok_or_else(not_a_notification)?;
            let data = item
                .entry("additionalData")
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            let data = data.as_object_mut().ok_or_else(not_a_notification)?;
            data.insert("hmacSignature".into(), signature.into());
        }
        let bytes = serde_json::to_vec(&body).map_err(|_| not_a_notification())?;
        *request.body_mut() = Bytes::from(bytes);
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        hmac_key(secret).map(drop)
    }
}
