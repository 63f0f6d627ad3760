//! Presets verified with the sender's public key rather than a shared secret: Ed25519,
//! ECDSA P-256, or RSA (Wise's published key, feature `rsa`; the certificate PayPal names in
//! each delivery, feature `paypal`). An RSA signer is [`Algorithm::RsaPkcs1v15Sha256`] in a
//! [`SignatureScheme`], so another provider signing with RSA is a few lines of the same
//! data. Standard Webhooks' asymmetric `v1a` lives with its family in `standard.rs`.

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

/// [PayPal](https://developer.paypal.com/api/rest/webhooks/rest/) webhooks (feature
/// `paypal`) for the webhook `webhook_id` (the id the developer dashboard shows for your
/// webhook), verified with the RSA key of the certificate PayPal names in each delivery.
/// See [`paypal::PayPal`](super::paypal::PayPal), and
/// [`paypal::Certificates`](super::paypal::Certificates), which fetches the certificates.
#[cfg(feature = "paypal")]
#[cfg_attr(docsrs, doc(cfg(feature = "paypal")))]
pub fn paypal(webhook_id: impl Into<std::sync::Arc<str>>) -> super::paypal::PayPal {
    super::paypal::PayPal::new(webhook_id.into())
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

/// [Wise](https://docs.wise.com/guides/developer/webhooks/event-handling) (formerly
/// TransferWise), signed with RSA.
///
/// - Signature: `X-Signature-SHA256: <base64 RSA signature>`, PKCS#1 v1.5 over the SHA-256
///   digest of the body (`SHA256withRSA`).
/// - Signed content: the body only.
/// - Key: Wise's public key, the same for every subscription: pass
///   [`wise::PUBLIC_KEY`](super::wise::PUBLIC_KEY) (production) or [`wise::SANDBOX_PUBLIC_KEY`](super::wise::SANDBOX_PUBLIC_KEY) as the secret, or
///   the PEM from Wise's page (any RSA public key as PEM or DER, SubjectPublicKeyInfo or
///   PKCS#1, of 2048 to 8192 bits). For signing (tests), an RSA private key (PKCS#8 or
///   PKCS#1).
/// - Delivery id: `X-Delivery-Id`, a UUID per notification, **not signed**: anyone can
///   change it on a captured delivery. The layer's replay protection does not use it: the
///   signature (a hash of the signed body) recognises a duplicate, so a changed id does
///   not get a capture past it; do not use [`Delivery::id`](crate::Delivery::id) alone for
///   idempotency.
/// - Event type: the body's `event_type` (signed).
/// - Test notifications carry `X-Test-Notification: true`, **not signed** either: read it
///   from the request for logs only, never to decide what to do with a delivery.
/// - Freshness: **none**. Wise signs no timestamp header; the body's `sent_at` is signed
///   but Wise does not document whether a retry (it retries up to 25 times over two weeks)
///   refreshes it, so it is not checked. Replay protection rests on the signed body's hash.
///
/// ```
/// use tower_webhook::{providers, Verifier};
///
/// let verifier = Verifier::new(providers::wise(), providers::wise::PUBLIC_KEY).unwrap();
/// # let _ = verifier;
/// ```
///
/// Source: Wise Platform docs, "Webhooks: event handling" (docs.wise.com, headers and
/// both public keys). The example code Wise links to verifies with
/// `SHA256withRSA`/`RSA-SHA256` over the raw body; the crate's tests check an
/// OpenSSL-made signature (`scripts/rsa_fixtures.sh`).
#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
pub fn wise() -> SignatureScheme {
    SignatureScheme::new("wise", HeaderName::from_static("x-signature-sha256"))
        .algorithm(Algorithm::RsaPkcs1v15Sha256)
        .encoding(Encoding::Base64)
        .signed_parts([Part::Body])
        .id_from_header(HeaderName::from_static("x-delivery-id"))
        .event_type_from_json("event_type")
}
