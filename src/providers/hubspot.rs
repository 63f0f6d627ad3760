use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [HubSpot](https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests) v3 request signatures.
///
/// - Signature: `X-HubSpot-Signature-v3: <base64 HMAC-SHA256>`, keyed with the app's client
///   secret.
/// - Signed content: method, then the full request URL, then the body, then the timestamp.
///   The URL is the one HubSpot called: set its base with [`SignatureScheme::public_url`]
///   (the request's path and query follow). A verifier cannot be built without it, unless
///   [`SignatureScheme::dangerously_trust_host_header`] rebuilds it from the `Host` header.
/// - Timestamp: `X-HubSpot-Request-Timestamp`, Unix milliseconds; HubSpot rejects anything
///   older than 5 minutes, as does this crate (both ways).
///
/// Source: HubSpot developer docs, "Validating requests" (v3 signature).
pub fn hubspot() -> SignatureScheme {
    SignatureScheme::new("hubspot", HeaderName::from_static("x-hubspot-signature-v3"))
        .encoding(Encoding::Base64)
        .timestamp_header(
            HeaderName::from_static("x-hubspot-request-timestamp"),
            TimestampFormat::UnixMillis,
        )
        .signed_parts([Part::Method, Part::Url, Part::Body, Part::Timestamp])
}
