//! Presets that send one signature header per key, so that a key can be rotated while the
//! others keep verifying: Box (a primary and a secondary key), DocuSign Connect (one header
//! per active key, numbered from 1), Hookdeck (the current secret and, while it is being
//! rolled, the previous one). Each has a scheme of its own, in its provider's module.

use super::box_com::BoxCom;
use super::docusign::DocuSign;
use super::hookdeck::Hookdeck;

/// [Box](https://developer.box.com/guides/webhooks/v2/signatures-v2/) webhooks (v2
/// signatures): two keys, each checked against its own header. See
/// [`box_com::BoxCom`](BoxCom).
pub fn box_com() -> BoxCom {
    BoxCom
}

/// [DocuSign Connect](https://developers.docusign.com/platform/webhooks/connect/hmac/) with
/// HMAC security: one signature header per active key. See
/// [`docusign::DocuSign`](DocuSign).
pub fn docusign() -> DocuSign {
    DocuSign
}

/// Deliveries forwarded by the [Hookdeck](https://hookdeck.com/docs/authentication) Event
/// Gateway, signed with the project's secret and, while it is being rolled, with the
/// previous one in a second header. See [`hookdeck::Hookdeck`](Hookdeck).
pub fn hookdeck() -> Hookdeck {
    Hookdeck
}
