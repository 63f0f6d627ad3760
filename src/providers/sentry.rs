use http::HeaderName;

use crate::scheme::{Encoding, SignatureScheme};

/// [Sentry](https://docs.sentry.io/organization/integrations/integration-platform/webhooks/)
/// integration-platform webhooks.
///
/// - Signature: `Sentry-Hook-Signature: <hex HMAC-SHA256 of the body>`.
/// - `Sentry-Hook-Timestamp` is sent but not signed, so it is not checked.
/// - Delivery id: `Request-ID` (not signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type:
///   `Sentry-Hook-Resource` (not signed).
/// - Secret: the integration's client secret.
///
/// Source: Sentry docs, "Webhooks" (verifying the signature).
pub fn sentry() -> SignatureScheme {
    SignatureScheme::new("sentry", HeaderName::from_static("sentry-hook-signature"))
        .encoding(Encoding::Hex)
        .id_from_header(HeaderName::from_static("request-id"))
        .event_type_from_header(HeaderName::from_static("sentry-hook-resource"))
}
