use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [Mux](https://docs.mux.com/guides/listen-for-webhooks#verify-webhook-signatures).
///
/// - Signature: `Mux-Signature: t=<timestamp>,v1=<hex HMAC-SHA256>`; any `v1` passes.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix seconds, ±5 minutes.
/// - Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: `muxinc/mux-node-sdk`, `src/resources/webhooks.ts`; Mux docs, "Verify webhook
/// signatures".
pub fn mux() -> SignatureScheme {
    SignatureScheme::new("mux", HeaderName::from_static("mux-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .id_from_json("id")
        .event_type_from_json("type")
}
