//! Presets that authenticate with a credential, not a signature: HTTP Basic auth or an API
//! key ([`CredentialScheme`]). They prove only that the sender knows a secret: nothing
//! covers the body or the time (see [`CredentialScheme`]). Each declares where its
//! credential is ([`Scheme::credential_fields`](crate::Scheme::credential_fields)), so the
//! durable inbox never stores it.

use http::HeaderName;

use crate::scheme::CredentialScheme;

/// Any sender that authenticates with an API key in an `X-API-Key` header, as a
/// gateway's "API key" source does. For another header, a prefix (`Bearer `) or a query
/// parameter, describe it with [`CredentialScheme`] (`provider_name` keeps the name).
///
/// - Secret: the API key, compared in constant time (through SHA-256 digests).
/// - **Authenticates the sender only**: no body integrity beyond TLS, no timestamp, no
///   delivery id; replay protection keys on a SHA-256 of the body.
///
/// Source: none beyond convention (`X-API-Key` is the usual header; Hookdeck docs,
/// "Source authentication", list an API key in a configurable header or query parameter).
pub fn api_key() -> CredentialScheme {
    CredentialScheme::api_key_header("api_key", HeaderName::from_static("x-api-key"))
}

/// Any sender that authenticates with HTTP Basic auth (RFC 7617), as a gateway's "Basic
/// auth" source does: `Authorization: Basic <base64 of user:password>`.
///
/// - Secret: `user:password`, compared in constant time (through SHA-256 digests).
/// - **Authenticates the sender only**: no body integrity beyond TLS, no timestamp, no
///   delivery id; replay protection keys on a SHA-256 of the body.
///
/// Source: RFC 7617, "The 'Basic' HTTP Authentication Scheme".
pub fn basic_auth() -> CredentialScheme {
    CredentialScheme::basic_auth("basic_auth")
}

/// [Chargebee](https://www.chargebee.com/docs/2.0/events_and_webhooks.html) webhooks,
/// which Chargebee protects with HTTP Basic auth only (it does not sign them).
///
/// - Secret: the webhook's `username:password`, compared in constant time.
/// - **Authenticates the sender only**: no body integrity beyond TLS, no timestamp. The
///   body's `id` (the event id) is not covered by anything, so it is not trusted as the
///   delivery id: replay protection keys on a SHA-256 of the body, which a retry of the
///   same event repeats byte for byte. Event type: the body's `event_type` (unsigned; read
///   it from the body yourself).
///
/// Source: Chargebee docs, "Events and Webhooks" (webhook basic authentication);
/// confirmed against Hookdeck's published Chargebee guide, not against an official SDK
/// (Chargebee's SDKs have no webhook verification).
pub fn chargebee() -> CredentialScheme {
    CredentialScheme::basic_auth("chargebee")
}

/// [Postmark](https://postmarkapp.com/developer/webhooks/webhooks-overview) webhooks,
/// protected with HTTP Basic auth: the user name and password are set in the webhook URL
/// (`https://user:password@example.com/webhook`) or the webhook's `HttpAuth`, and Postmark
/// sends them in `Authorization: Basic`.
///
/// - Secret: `user:password`, compared in constant time.
/// - **Authenticates the sender only**: Postmark does not sign webhooks; no body
///   integrity beyond TLS, no timestamp, no delivery id. Replay protection keys on a
///   SHA-256 of the body. Postmark also documents its source IP ranges: combine with
///   [`AllowedNetworks`](crate::layer::AllowedNetworks).
///
/// Source: Postmark docs, "Webhooks overview" (protecting your webhook: basic HTTP
/// authentication, IPs for firewalls); `postmark` npm client, `HttpAuth`.
pub fn postmark() -> CredentialScheme {
    CredentialScheme::basic_auth("postmark")
}
