use std::time::Duration;

use crate::scheme::{Encoding, HmacScheme, Part, TimestampFormat};

use super::preset;

/// [WorkOS](https://workos.com/docs/events/data-syncing/webhooks).
///
/// - Signature: `WorkOS-Signature: t=<timestamp>, v1=<hex HMAC-SHA256>`.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix milliseconds; default tolerance 3
///   minutes, as WorkOS's SDKs use.
/// - Delivery id: the body's `id`. Event type: the body's `event`.
///
/// Source: `workos/workos-node`, `src/webhooks/webhooks.ts` (signature parsing, 180 s
/// tolerance); WorkOS docs, "Webhooks".
pub fn workos() -> HmacScheme {
    preset(
        HmacScheme::builder("workos", "workos-signature")
            .signature_separator(',')
            .signature_prefix("v1=")
            .encoding(Encoding::Hex)
            .timestamp_in_signature("t=", TimestampFormat::UnixMillis)
            .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
            .id_from_json("id")
            .event_type_from_json("event")
            .default_tolerance(Duration::from_secs(180)),
    )
}
