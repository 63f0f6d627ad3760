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
