use crate::scheme::{Encoding, HmacScheme};

use super::preset;

/// [Razorpay](https://razorpay.com/docs/webhooks/validate-test/).
///
/// - Signature: `X-Razorpay-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `x-razorpay-event-id` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event
///   type: the body's `event`.
///
/// Source: `razorpay/razorpay-node`, `lib/utils/razorpay-utils.js`
/// (`validateWebhookSignature`); Razorpay docs, "Validate and Test Webhooks".
pub fn razorpay() -> HmacScheme {
    preset(
        HmacScheme::builder("razorpay", "x-razorpay-signature")
            .encoding(Encoding::Hex)
            .id_from_header("x-razorpay-event-id")
            .event_type_from_json("event"),
    )
}
