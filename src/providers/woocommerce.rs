use crate::scheme::{Encoding, HmacScheme};

use super::preset;

/// [WooCommerce](https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks).
///
/// - Signature: `X-WC-Webhook-Signature: <base64 HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `X-WC-Webhook-Delivery-ID` (beside the signature:
///   replay protection keys on the signature). Event type: `X-WC-Webhook-Topic`.
///
/// Source: WooCommerce REST API docs, "Webhooks" (delivery headers).
pub fn woocommerce() -> HmacScheme {
    preset(
        HmacScheme::builder("woocommerce", "x-wc-webhook-signature")
            .encoding(Encoding::Base64)
            .id_from_header("x-wc-webhook-delivery-id")
            .event_type_from_header("x-wc-webhook-topic"),
    )
}
