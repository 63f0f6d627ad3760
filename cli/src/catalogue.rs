//! What each preset does, found out by using it: a sample is signed with the preset's
//! example keys and verified, and the headers the signer set tell the signature header
//! apart from the timestamp and id headers.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::providers::{Preset, PresetOptions};
use tower_webhook::scheme::DynScheme;
use tower_webhook::{Scheme, Signer, Verifier};

/// The public base URL used to sign the samples of URL-signed presets.
pub const SAMPLE_PUBLIC_URL: &str = "https://hooks.example.com";

/// What a preset signs and sends.
#[derive(Debug, Clone)]
pub struct PresetInfo {
    /// The preset's name in `providers::ALL`.
    pub name: &'static str,
    /// The signing family: `HMAC-SHA256`, `Ed25519`, `ECDSA P-256`, `shared token`, ….
    pub family: String,
    /// The headers carrying the signature (or the token).
    pub signature_headers: Vec<String>,
    /// A header carrying the signed timestamp on its own, if the preset sends one.
    pub timestamp_header: Option<String>,
    /// The header the event type is read from, when it is a header.
    pub event_header: Option<String>,
    /// Every header the signer sets.
    pub headers_sent: Vec<String>,
    /// The default timestamp tolerance.
    pub tolerance: Duration,
    /// Whether the provider signs a timestamp at all.
    pub timestamp_signed: Option<bool>,
    /// Whether the signature covers the URL (a verifier needs the public URL).
    pub signs_url: bool,
    /// Whether the preset can sign.
    pub can_sign: bool,
    /// Whether the body is authenticated.
    pub signs_body: bool,
    /// Whether the delivery id is signed; `None` when it could not be found out.
    pub id_signed: Option<bool>,
    /// Whether the event type is signed; `None` when it could not be found out.
    pub event_type_signed: Option<bool>,
}

impl PresetInfo {
    /// The signature header(s), joined for a table cell.
    pub fn signature_header(&self) -> String {
        if self.signature_headers.is_empty() {
            if self.can_sign {
                "-".to_owned()
            } else {
                "(in the body)".to_owned()
            }
        } else {
            self.signature_headers.join(", ")
        }
    }

    /// A JSON object for `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "family": self.family,
            "signature_headers": self.signature_headers,
            "timestamp_header": self.timestamp_header,
            "event_header": self.event_header,
            "headers_sent": self.headers_sent,
            "tolerance_seconds": self.tolerance.as_secs(),
            "timestamp_signed": self.timestamp_signed,
            "needs_public_url": self.signs_url,
            "can_sign": self.can_sign,
            "signs_body": self.signs_body,
            "id_signed": self.id_signed,
            "event_type_signed": self.event_type_signed,
        })
    }
}

/// The options the samples are signed with: a public URL for the URL-signed presets.
pub fn sample_options() -> PresetOptions {
    PresetOptions::new().public_url(SAMPLE_PUBLIC_URL)
}

fn family(preset: &Preset, scheme: &DynScheme) -> String {
    match scheme.signature_algorithm() {
        Some(algorithm) if preset.signs_body() || !algorithm.name().starts_with("HMAC") => {
            algorithm.name().to_owned()
        }
        Some(algorithm) => format!("{} (fields of the body)", algorithm.name()),
        None if !preset.signs_body() => "shared token".to_owned(),
        None => "custom".to_owned(),
    }
}

/// The header the event type is read from, when the scheme reads it from a header.
pub fn event_header(preset: &Preset) -> Option<String> {
    let scheme = preset.scheme_with(&sample_options());
    scheme
        .event_type_header()
        .map(|name| name.as_str().to_owned())
}

/// The headers a signed request carries, name to value.
fn header_map(request: &http::Request<Bytes>) -> BTreeMap<String, String> {
    request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn differing(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    a.iter()
        .filter(|(name, value)| b.get(*name) != Some(value))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Finds out what `preset` signs and sends.
pub fn describe(preset: &'static Preset) -> PresetInfo {
    let options = sample_options();
    let scheme = preset.scheme_with(&options);
    let event_header = scheme
        .event_type_header()
        .map(|name| name.as_str().to_owned());
    let mut info = PresetInfo {
        name: preset.name(),
        family: family(preset, &scheme),
        signature_headers: Vec::new(),
        timestamp_header: None,
        event_header: event_header.clone(),
        headers_sent: Vec::new(),
        tolerance: scheme.default_tolerance(),
        timestamp_signed: None,
        signs_url: preset.signs_url(),
        can_sign: preset.can_sign(),
        signs_body: preset.signs_body(),
        id_signed: None,
        event_type_signed: None,
    };
    if !preset.can_sign() {
        return info;
    }
    let (signing, verifying) = preset.example_keys();
    let now = SystemTime::now();
    let sign = |key: &str, body: &str, at: SystemTime| {
        let body = crate::samples::generic(preset.name(), body, at);
        let mut builder =
            http::Request::post(format!("{SAMPLE_PUBLIC_URL}/webhooks/{}", preset.name()))
                .header(http::header::CONTENT_TYPE, "application/json");
        if let Some(name) = &event_header {
            builder = builder.header(name.as_str(), "test.event");
        }
        let request = builder.body(Bytes::from(body)).ok()?;
        Signer::new(preset.scheme_with(&options), key)
            .and_then(|signer| signer.sign_with(request, "msg_catalogue_1", at))
            .ok()
    };
    let Some(signed) = sign(signing, "test.event", now) else {
        return info;
    };
    let base = header_map(&signed);
    let own = ["content-type", "content-length"];
    info.headers_sent = base
        .keys()
        .filter(|name| !own.contains(&name.as_str()) && Some(*name) != event_header.as_ref())
        .cloned()
        .collect();
    let other_body = sign(signing, "test.other", now).map(|r| header_map(&r));
    let mut signature = other_body.map(|m| differing(&base, &m)).unwrap_or_default();
    if signature.is_empty() {
        // A token signs no body: the header that changes with the key.
        let other_key = format!("{signing}-other");
        signature = sign(&other_key, "test.event", now)
            .map(|r| differing(&base, &header_map(&r)))
            .unwrap_or_default();
    }
    signature.retain(|name| !own.contains(&name.as_str()));
    let later = sign(signing, "test.event", now + Duration::from_secs(7))
        .map(|r| differing(&base, &header_map(&r)))
        .unwrap_or_default();
    info.timestamp_header = later
        .into_iter()
        .find(|name| !signature.contains(name) && !own.contains(&name.as_str()));
    info.signature_headers = signature;
    if let Ok(verifier) = Verifier::new(preset.scheme_with(&options), verifying) {
        if let Ok(delivery) = verifier.verify(&signed) {
            info.id_signed = Some(delivery.id_is_signed());
            info.event_type_signed = Some(delivery.event_type_is_signed());
            info.timestamp_signed = Some(delivery.timestamp().is_some());
        }
    }
    info
}

/// [`describe`] for every preset of `providers::ALL`.
pub fn describe_all() -> Vec<PresetInfo> {
    tower_webhook::providers::ALL.iter().map(describe).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_webhook::providers;

    fn info(name: &str) -> PresetInfo {
        describe(providers::find(name).unwrap())
    }

    #[test]
    fn finds_headers_and_what_is_signed() {
        let github = info("github");
        assert_eq!(github.family, "HMAC-SHA256");
        assert_eq!(github.signature_headers, ["x-hub-signature-256"]);
        assert_eq!(github.event_header.as_deref(), Some("x-github-event"));
        assert_eq!(github.timestamp_signed, Some(false));
        assert_eq!(github.event_type_signed, Some(false));

        let stripe = info("stripe");
        assert_eq!(stripe.signature_headers, ["stripe-signature"]);
        assert_eq!(stripe.timestamp_header, None);
        assert_eq!(stripe.timestamp_signed, Some(true));
        assert_eq!(stripe.id_signed, Some(true));

        let standard = info("standard_webhooks");
        assert_eq!(standard.signature_headers, ["webhook-signature"]);
        assert_eq!(
            standard.timestamp_header.as_deref(),
            Some("webhook-timestamp")
        );
        assert_eq!(standard.id_signed, Some(true));

        let gitlab = info("gitlab");
        assert_eq!(gitlab.family, "shared token");
        assert_eq!(gitlab.signature_headers, ["x-gitlab-token"]);

        assert_eq!(info("discord").family, "Ed25519");
        assert_eq!(info("sendgrid").family, "ECDSA P-256");
        assert!(info("twilio").signs_url);
        assert_eq!(info("twilio").family, "HMAC-SHA1");
        assert!(!info("mailgun").can_sign);
        assert_eq!(info("mailgun").family, "HMAC-SHA256 (fields of the body)");
        assert_eq!(info("box_com").family, "HMAC-SHA256");
        assert_eq!(
            info("github").event_header.as_deref(),
            Some("x-github-event")
        );
        assert_eq!(info("stripe").event_header, None, "read from the body");
    }

    #[test]
    fn every_signing_preset_has_a_signature_header_and_verifies() {
        for info in describe_all().into_iter().filter(|info| info.can_sign) {
            assert!(!info.signature_headers.is_empty(), "{}", info.name);
            assert!(info.id_signed.is_some(), "{} did not verify", info.name);
        }
    }
}
