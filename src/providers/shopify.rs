use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme};

/// [Shopify](https://shopify.dev/docs/apps/build/webhooks/subscribe/https).
///
/// - Signature: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`.
/// - No signed timestamp (`X-Shopify-Triggered-At` is not signed).
/// - Delivery id: `X-Shopify-Event-Id`, which Shopify keeps across retries and documents
///   for detecting duplicates (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: `X-Shopify-Topic` (not
///   signed).
/// - Secret: the app's client secret.
///
/// Source: Shopify docs, "Verify webhooks" and "Ignore duplicate webhooks";
/// `Shopify/shopify-app-js`, `packages/apps/shopify-api/lib/webhooks/validate.ts`.
pub fn shopify() -> SignatureScheme {
    SignatureScheme::new("shopify", HeaderName::from_static("x-shopify-hmac-sha256"))
        .encoding(Encoding::Base64)
        .signed_parts([Part::Body])
        .id_from_header(HeaderName::from_static("x-shopify-event-id"))
        .event_type_from_header(HeaderName::from_static("x-shopify-topic"))
}
