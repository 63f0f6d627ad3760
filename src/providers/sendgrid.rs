use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, Part, SecretFormat, SignatureScheme, TimestampFormat};

/// [SendGrid](https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features)
/// signed Event Webhook, ECDSA P-256.
///
/// - Signature: `X-Twilio-Email-Event-Webhook-Signature: <base64 DER ECDSA signature>`.
/// - Signed content: `X-Twilio-Email-Event-Webhook-Timestamp` followed by the body,
///   hashed with SHA-256.
/// - Timestamp: Unix seconds, ±5 minutes (the SDKs do not check it; this crate does).
/// - The body is a JSON array of events, so there is no single delivery id: replay
///   protection keys on a hash of the signed content.
/// - Key: the verification key from the settings page, base64 DER (SubjectPublicKeyInfo).
///
/// Source: `sendgrid/sendgrid-nodejs`, `packages/eventwebhook/src/eventwebhook.js` and
/// its spec file.
pub fn sendgrid() -> SignatureScheme {
    SignatureScheme::new(
        "sendgrid",
        HeaderName::from_static("x-twilio-email-event-webhook-signature"),
    )
    .algorithm(Algorithm::EcdsaP256Sha256)
    .encoding(Encoding::Base64)
    .timestamp_header(
        HeaderName::from_static("x-twilio-email-event-webhook-timestamp"),
        TimestampFormat::UnixSeconds,
    )
    .signed_parts([Part::Timestamp, Part::Body])
    .secret_format(SecretFormat::Base64 { prefix: None })
}
