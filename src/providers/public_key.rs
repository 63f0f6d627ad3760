//! Presets verified with the sender's public key (Ed25519 or ECDSA P-256) rather than a
//! shared secret. Standard Webhooks' asymmetric `v1a` lives with its family in `standard.rs`.

use http::HeaderName;

use crate::scheme::{
    Algorithm, Encoding, Part, RegistrationHandshake, SecretFormat, SignatureScheme,
    TimestampFormat,
};

/// [Discord](https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint)
/// interactions, signed with Ed25519.
///
/// - Signature: `X-Signature-Ed25519: <hex Ed25519 signature>`.
/// - Signed content: `X-Signature-Timestamp` followed by the body.
/// - Timestamp: `X-Signature-Timestamp`, Unix seconds, ±5 minutes (Discord's libraries do
///   not check it; this crate does).
/// - Delivery id: the body's `id` (the interaction id). Event type: the body's `type`.
/// - Key: the application's public key, in hex, as the developer portal shows it. For
///   signing (tests), a 32-byte Ed25519 seed in hex.
/// - Handshake: the signed PING (`"type": 1`) is answered with `{"type":1}`.
///
/// Source: Discord developer docs, "Interactions: receiving and responding" (security and
/// authorization); `discord/discord-interactions-js`, `src/index.ts` (`verifyKey`).
pub fn discord() -> SignatureScheme {
    SignatureScheme::new("discord", HeaderName::from_static("x-signature-ed25519"))
        .algorithm(Algorithm::Ed25519)
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("x-signature-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([Part::Timestamp, Part::Body])
        .id_from_json("id")
        .event_type_from_json("type")
        .secret_format(SecretFormat::Hex)
        .handshake(RegistrationHandshake::DiscordPing)
}

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

/// [Telnyx](https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks).
///
/// - Signature: `telnyx-signature-ed25519: <base64 Ed25519 signature>`.
/// - Signed content: `{telnyx-timestamp}|{body}`. Timestamp: Unix seconds, ±5 minutes (the
///   SDKs' default).
/// - Delivery id: the body's `data.id`. Event type: the body's `data.event_type`.
/// - Key: the account's public key, base64, from the portal. For signing (tests), a base64
///   32-byte Ed25519 seed.
///
/// Source: `team-telnyx/telnyx-node`, `lib/Webhooks.js` (signature verification).
pub fn telnyx() -> SignatureScheme {
    SignatureScheme::new(
        "telnyx",
        HeaderName::from_static("telnyx-signature-ed25519"),
    )
    .algorithm(Algorithm::Ed25519)
    .encoding(Encoding::Base64)
    .timestamp_header(
        HeaderName::from_static("telnyx-timestamp"),
        TimestampFormat::UnixSeconds,
    )
    .signed_parts([Part::Timestamp, Part::literal("|"), Part::Body])
    .id_from_json("data.id")
    .event_type_from_json("data.event_type")
    .secret_format(SecretFormat::Base64 { prefix: None })
}
