use crate::scheme::{Encoding, HmacScheme};

use super::preset;

/// [Cal.com](https://cal.com/docs/developing/guides/automation/webhooks).
///
/// - Signature: `X-Cal-Signature-256: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook secret.
/// - No signed timestamp: replay protection keys on the signature. Event type: the body's
///   `triggerEvent`.
///
/// Source: Cal.com docs, "Webhooks" (verifying the authenticity).
pub fn cal_com() -> HmacScheme {
    preset(
        HmacScheme::builder("cal-com", "x-cal-signature-256")
            .encoding(Encoding::Hex)
            .event_type_from_json("triggerEvent"),
    )
}
