use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, Part, SignatureScheme};

/// [Trello](https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks/#webhook-signatures).
///
/// - Signature: `X-Trello-Webhook: <base64 HMAC-SHA1>`, keyed with the application secret.
/// - Signed content: the body followed by the callback URL given when the webhook was
///   created: set its base with [`SignatureScheme::public_url`] (the request's path and
///   query follow). A verifier cannot be built without it, unless
///   [`SignatureScheme::dangerously_trust_host_header`] rebuilds it from the `Host` header.
/// - No signed timestamp: replay protection keys on the signature. Event type: the body's
///   `action.type`.
///
/// Source: Atlassian developer docs, "Trello webhooks": webhook signatures.
pub fn trello() -> SignatureScheme {
    SignatureScheme::new("trello", HeaderName::from_static("x-trello-webhook"))
        .algorithm(Algorithm::Sha1)
        .encoding(Encoding::Base64)
        .signed_parts([Part::Body, Part::Url])
        .event_type_from_json("action.type")
}
