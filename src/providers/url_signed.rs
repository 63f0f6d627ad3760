//! Presets whose signature covers the URL the provider called, so they need the public
//! base URL (`public_url`). Twilio, which also signs form parameters, has a scheme of its
//! own, in its module.

use http::HeaderName;

use crate::scheme::{
    Algorithm, Encoding, Part, RegistrationHandshake, SignatureScheme, TimestampFormat,
};

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

/// [Square](https://developer.squareup.com/docs/webhooks/step3validate).
///
/// - Signature: `x-square-hmacsha256-signature: <base64 HMAC-SHA256>`.
/// - Signed content: the notification URL, then the body. The URL is exactly the one in
///   the subscription, as it was entered: set it with [`SignatureScheme::signed_url`]
///   (`https://example.com` stays without a path, as Square's SDK signs it). Where the
///   subscription's URL is the public base followed by the request's path and query,
///   [`SignatureScheme::public_url`] (the base) works too. A verifier cannot be built
///   without one, unless [`SignatureScheme::dangerously_trust_host_header`] rebuilds it
///   from the `Host` header.
/// - No signed timestamp. Delivery id: the body's `event_id`. Event type: `type`.
/// - Secret: the subscription's signature key.
///
/// Source: `square/square-nodejs-sdk`, `src/utilities/webhooksHelper.ts` and its test.
pub fn square() -> SignatureScheme {
    SignatureScheme::new(
        "square",
        HeaderName::from_static("x-square-hmacsha256-signature"),
    )
    .encoding(Encoding::Base64)
    .signed_parts([Part::Url, Part::Body])
    .id_from_json("event_id")
    .event_type_from_json("type")
}

/// [Trello](https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks/#webhook-signatures).
///
/// - Signature: `X-Trello-Webhook: <base64 HMAC-SHA1>`, keyed with the application secret.
/// - Signed content: the body followed by the callback URL given when the webhook was
///   created: set its base with [`SignatureScheme::public_url`] (the request's path and
///   query follow). A verifier cannot be built without it, unless
///   [`SignatureScheme::dangerously_trust_host_header`] rebuilds it from the `Host` header.
/// - No signed timestamp: replay protection keys on the signature. Event type: the body's
///   `action.type`.
/// - Handshake: when a webhook is created, Trello sends a `HEAD` request to the callback
///   URL and creates the webhook only if it is answered `200`: the layer answers it
///   ([`RegistrationHandshake::TrelloHead`]; it is unsigned, carries nothing and reaches
///   no handler). [`SignatureScheme::without_handshake`] turns that off.
///
/// Source: Atlassian developer docs, "Trello webhooks": webhook signatures, and "Creating
/// a webhook" (the `HEAD` request answered `200`).
pub fn trello() -> SignatureScheme {
    SignatureScheme::new("trello", HeaderName::from_static("x-trello-webhook"))
        .algorithm(Algorithm::Sha1)
        .encoding(Encoding::Base64)
        .signed_parts([Part::Body, Part::Url])
        .event_type_from_json("action.type")
        .handshake(RegistrationHandshake::TrelloHead)
}

/// [Twilio](https://www.twilio.com/docs/usage/security#validating-requests) request
/// validation: the URL Twilio called, and either the POST parameters of a form or a
/// SHA-256 of a JSON body carried in that URL. See [`twilio::Twilio`](super::twilio::Twilio)
/// (its public URL is required), and [`twilio::body_sha256`](super::twilio::body_sha256).
pub fn twilio() -> super::twilio::Twilio {
    super::twilio::Twilio::default()
}
