//! Presets whose signature travels inside the body rather than in a header: Adyen's in each
//! notification item (over eight of its fields), Braintree's in a form field (over the
//! payload beside it), Mailgun's in a JSON object (over a timestamp and a token). Each has a
//! scheme of its own, in its provider's module.

use super::adyen::Adyen;
use super::braintree::Braintree;
use super::mailgun::Mailgun;

/// [Adyen](https://docs.adyen.com/development-resources/webhooks/verify-hmac-signatures)
/// standard (payment) webhooks: each notification item carries an HMAC of eight of its
/// fields. See [`adyen::Adyen`](Adyen), and [`adyen::MAX_ITEMS`](super::adyen::MAX_ITEMS).
pub fn adyen() -> Adyen {
    Adyen
}

/// [Braintree](https://developer.paypal.com/braintree/docs/guides/webhooks/parse) webhooks:
/// a form body whose `bt_signature` signs its `bt_payload`. See
/// [`braintree::Braintree`](Braintree), and [`braintree::signature`](super::braintree::signature)
/// for test bodies.
pub fn braintree() -> Braintree {
    Braintree
}

/// [Mailgun](https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks)
/// webhooks: the JSON body's `signature` object signs its timestamp and token. See
/// [`mailgun::Mailgun`](Mailgun), and [`mailgun::signature`](super::mailgun::signature) for
/// test bodies.
pub fn mailgun() -> Mailgun {
    Mailgun
}
