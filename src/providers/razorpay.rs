use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Razorpay](https://razorpay.com/docs/webhooks/validate-test/).
///
/// - Signature: `X-Razorpay-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `x-razorpay-event-id` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event
///   type: the body's `event`.
///
/// Source: `razorpay/razorpay-node`, `lib/utils/razorpay-utils.js`
/// (`validateWebhookSignature`); Razorpay docs, "Validate and Test Webhooks".
pub fn razorpay() -> SignatureScheme {
    SignatureScheme::new("razorpay", HeaderName::from_static("x-razorpay-signature"))
        .encoding(Encoding::Hex)
        .id_from_header(HeaderName::from_static("x-razorpay-event-id"))
        .event_type_from_json("event")
}
