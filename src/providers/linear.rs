use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme, TimestampFormat};

/// [Linear](https://linear.app/developers/webhooks#securing-webhooks).
///
/// - Signature: `Linear-Signature: <hex HMAC-SHA256 of the body>`.
/// - Timestamp: the signed body's `webhookTimestamp`, Unix milliseconds; default tolerance
///   60 seconds, as Linear's SDK uses.
/// - Delivery id: `Linear-Delivery` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: the body's
///   `type`.
///
/// Source: Linear developer docs, "Webhooks"; `linear/linear`, `packages/sdk/src/webhooks`
/// (`LinearWebhooks.verify`).
pub fn linear() -> SignatureScheme {
    SignatureScheme::new("linear", HeaderName::from_static("linear-signature"))
        .encoding(Encoding::Hex)
        .timestamp_from_json("webhookTimestamp", TimestampFormat::UnixMillis)
        .id_from_header(HeaderName::from_static("linear-delivery"))
        .event_type_from_json("type")
        .default_tolerance(Duration::from_secs(60))
}
