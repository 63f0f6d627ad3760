use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Cal.com](https://cal.com/docs/developing/guides/automation/webhooks).
///
/// - Signature: `X-Cal-Signature-256: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook secret.
/// - No signed timestamp: replay protection keys on the signature. Event type: the body's
///   `triggerEvent`.
///
/// Source: Cal.com docs, "Webhooks" (verifying the authenticity).
pub fn cal_com() -> SignatureScheme {
    SignatureScheme::new("cal-com", HeaderName::from_static("x-cal-signature-256"))
        .encoding(Encoding::Hex)
        .event_type_from_json("triggerEvent")
}
