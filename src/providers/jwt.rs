//! Presets signed with a JWT whose claims carry a SHA-256 of the body (feature `jwt`):
//! [`JwtScheme`] with each provider's header, algorithm and claims.

use http::HeaderName;

use crate::scheme::{JwtAlgorithm, JwtScheme};

/// [Plaid](https://plaid.com/docs/api/webhooks/webhook-verification/) webhooks, signed
/// with an ES256 JWT.
///
/// - Signature: `Plaid-Verification: <JWT>`, `alg` `ES256` (anything else is refused, as
///   Plaid's guide says), `kid` naming the key.
/// - Signed: the claims `iat` and `request_body_sha256` (the hex SHA-256 of the raw body),
///   so the body and the time are signed. No id and no header beside the token.
/// - Timestamp: `iat`, Unix seconds; Plaid says to reject a token older than 5 minutes:
///   the default ±5 minutes.
/// - Delivery id: none is sent. The replay key is a hash of the token's signed part, so a
///   captured request cannot be replayed. A retry (Plaid retries a delivery that is not
///   answered `200` within 10 seconds, for up to 24 hours, at delays from 30 seconds
///   growing fourfold) carries the same body in a newly issued token, so it is a new
///   delivery to the replay store: make handlers idempotent, as Plaid asks.
/// - Event type: the body's `webhook_code` (signed, through the body hash).
/// - Key: Plaid's public key as a JWK, as `/webhook_verification_key/get` returns it: the
///   response itself (`{"key":{…},"request_id":…}`), the `key` object, or a JWK set
///   (`{"keys":[…]}`) of several (one secret per key works too). The token's `kid`
///   selects among them. This crate does not call Plaid: fetch the key (Plaid's
///   example fetches it by `kid` and caches it) and configure it; a key whose `expired_at` is set is
///   refused. For signing (tests), the private key as a JWK with `d` and the same `kid`.
///
/// Source: Plaid API docs, "Verify webhooks" (steps: `alg` must be `ES256`, the `kid`, the
/// 5-minute `iat`, the body's SHA-256 compared in constant time) and "Webhooks" (retries);
/// Plaid's webhook verification example (support article 360041410794).
pub fn plaid() -> JwtScheme {
    JwtScheme::new(
        "plaid",
        HeaderName::from_static("plaid-verification"),
        JwtAlgorithm::Es256,
        "request_body_sha256",
    )
    .issued_at()
    .event_type_from_json("webhook_code")
}

/// [Vonage](https://developer.vonage.com/en/messages/concepts/signed-webhooks) (Nexmo)
/// signed webhooks of the Messages and Dispatch APIs, an HS256 JWT.
///
/// - Signature: `Authorization: Bearer <JWT>`, HS256 with the account's signature secret
///   (`alg` must be `HS256`).
/// - Signed: the claims, among them `iat` and `payload_hash` (the hex SHA-256 of the
///   body), which this preset requires, so the body and the time are signed. Vonage makes
///   the payload check optional; this crate always makes it.
/// - Timestamp: `iat`, Unix seconds, ±5 minutes.
/// - Delivery id: the `jti` claim when the token has one (signed), else a hash of the
///   token's signed part. Vonage does not document whether a retry reuses its token; a
///   re-issued one (a new `iat`) is a new delivery to the replay store.
/// - Event type: not read (message and status webhooks go to different URLs).
/// - Key: the signature secret from the dashboard, as text (the `api_key` claim says
///   which account's secret signed; configure one secret per account). Vonage's Voice
///   API GET callbacks, whose `payload_hash` covers the query parameters re-serialised as
///   JSON, are not supported: the body is what is hashed.
/// - Vonage notes that, after an internal error, a callback may come unsigned and that a
///   `5xx` answer makes it retry; the layer answers `401`.
///
/// Source: Vonage API docs, Messages "Signed webhooks"; Vonage developer blog, "Validating
/// Inbound Messages From the Vonage Messages API" (bearer token, `payload_hash`, `iat`);
/// the `vonage-jwt` SDK (PyPI), `verify_signature` (`algorithms='HS256'`).
pub fn vonage() -> JwtScheme {
    JwtScheme::new(
        "vonage",
        http::header::AUTHORIZATION,
        JwtAlgorithm::Hs256,
        "payload_hash",
    )
    .bearer()
    .issued_at()
    .id_claim("jti")
}
