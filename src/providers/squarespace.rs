use http::HeaderName;

use crate::scheme::{Encoding, SecretFormat, SignatureScheme};

/// [Squarespace](https://developers.squarespace.com/webhooks/verifying-notifications)
/// (Commerce webhooks).
///
/// - Signature: `Squarespace-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   subscription's secret, which Squarespace hands out as hexadecimal and which is
///   decoded to bytes first.
/// - No signed timestamp (the body's `createdOn` is not a freshness bound: Squarespace
///   retries for up to 48 hours). Delivery id: the body's `id`, which Squarespace tells
///   receivers to deduplicate on. Event type: the body's `topic`.
///
/// Source: Squarespace developer docs, "Verifying notifications", "Webhooks overview"
/// and "Notification delivery".
pub fn squarespace() -> SignatureScheme {
    SignatureScheme::new(
        "squarespace",
        HeaderName::from_static("squarespace-signature"),
    )
    .encoding(Encoding::Hex)
    .secret_format(SecretFormat::Hex)
    .id_from_json("id")
    .event_type_from_json("topic")
}
