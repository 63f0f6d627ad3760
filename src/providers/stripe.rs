use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [Stripe](https://docs.stripe.com/webhooks#verify-manually).
///
/// - Signature: `Stripe-Signature: t=<timestamp>,v1=<hex HMAC-SHA256>[,v1=…][,v0=…]`; any
///   `v1` that matches any secret passes (Stripe sends two while a secret is rolled).
/// - Signed content: `{t}.{body}`.
/// - Timestamp: the `t` entry, Unix seconds; ±5 minutes (the SDKs reject only old ones,
///   this crate also rejects those too far in the future).
/// - Delivery id: the body's `id` (`evt_…`), which Stripe keeps across retries. Event
///   type: the body's `type`.
/// - Secret: the whole `whsec_…` string is the key, as text; it is not base64-decoded.
///
/// Source: `stripe/stripe-node`, `src/Webhooks.ts`; `stripe/stripe-python`,
/// `stripe/_webhook.py`.
pub fn stripe() -> SignatureScheme {
    SignatureScheme::new("stripe", HeaderName::from_static("stripe-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .id_from_json("id")
        .event_type_from_json("type")
}
