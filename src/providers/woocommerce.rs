use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [WooCommerce](https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks).
///
/// - Signature: `X-WC-Webhook-Signature: <base64 HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `X-WC-Webhook-Delivery-ID` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event
///   type: `X-WC-Webhook-Topic` (not signed).
///
/// Source: WooCommerce REST API docs, "Webhooks" (delivery headers).
pub fn woocommerce() -> SignatureScheme {
    SignatureScheme::new(
        "woocommerce",
        HeaderName::from_static("x-wc-webhook-signature"),
    )
    .encoding(Encoding::Base64)
    .id_from_header(HeaderName::from_static("x-wc-webhook-delivery-id"))
    .event_type_from_header(HeaderName::from_static("x-wc-webhook-topic"))
}
