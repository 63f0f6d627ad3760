use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [WorkOS](https://workos.com/docs/events/data-syncing/webhooks).
///
/// - Signature: `WorkOS-Signature: t=<timestamp>, v1=<hex HMAC-SHA256>`.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix milliseconds; default tolerance 3
///   minutes, as WorkOS's SDKs use.
/// - Delivery id: the body's `id`. Event type: the body's `event`.
///
/// Source: `workos/workos-node`, `src/webhooks/webhooks.ts` (signature parsing, 180 s
/// tolerance); WorkOS docs, "Webhooks".
pub fn workos() -> SignatureScheme {
    SignatureScheme::new("workos", HeaderName::from_static("workos-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("t=", TimestampFormat::UnixMillis)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .id_from_json("id")
        .event_type_from_json("event")
        .default_tolerance(Duration::from_secs(180))
}
