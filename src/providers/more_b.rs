//! Presets of several families (Standard Webhooks and Svix, body and timestamped HMACs,
//! a shared token), each in its own block by family.
//! Each names its primary source; the candidates that could not be confirmed from one are
//! not here.

use http::header;

use crate::scheme::{SecretFormat, SignatureScheme, TokenScheme};

// ---- Standard Webhooks, through the provider's own SDK ----------------------------------

/// [Auth0 log streams](https://auth0.com/docs/customize/log-streams/custom-log-streams)
/// to a custom webhook.
///
/// - Authentication: the `Authorization` header carries the stream's *Authorization
///   Token* exactly as configured (`Bearer …` included if you typed it): nothing is
///   signed; compared in constant time. Configure the whole value as the secret.
/// - No timestamp, no delivery id: the body (JSON lines, an array or an object, as the
///   stream's content format says) is a batch of log events, each with its `log_id`;
///   replay protection keys on a hash of the body.
/// - Retries: Auth0 documents no horizon this crate could confirm.
///
/// Source: Auth0 docs, "Stream logs to a custom webhook" (the Authorization Token is "the
/// value in the Authorization header of the request"; content formats).
pub fn auth0_log_streams() -> TokenScheme {
    TokenScheme::new("auth0-log-streams", header::AUTHORIZATION)
}

/// [incident.io](https://docs.incident.io/api-reference/webhooks) webhooks, delivered
/// through Svix under the unbranded Standard Webhooks headers.
///
/// - Signature: `webhook-signature: v1,<base64 HMAC-SHA256>` (space-separated list).
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`; timestamp Unix seconds,
///   ±5 minutes.
/// - Delivery id: `webhook-id` (signed; kept when a message is retried or replayed).
///   Event type: the body's `event_type` (such as `public_incident.incident_created_v2`,
///   signed), which also names the body's other key.
/// - Secret: the endpoint's signing secret (`whsec_…`, base64 after the prefix).
/// - Retries: exponential back-off over the next 24 hours.
///
/// Source: incident.io API reference, "Webhooks" (powered by Svix; the three headers and
/// `$WEBHOOK_ID.$WEBHOOK_TIMESTAMP.$REQUEST_BODY`; status codes, errors and retries).
pub fn incident_io() -> SignatureScheme {
    super::standard_webhooks()
        .provider_name("incident-io")
        .event_type_from_json("event_type")
}

/// [Lithic](https://docs.lithic.com/docs/events-api#verifying-webhooks) events, which
/// follow Standard Webhooks.
///
/// - Signature: `webhook-signature: v1,<base64 HMAC-SHA256>` (space-separated list).
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`; timestamp Unix seconds,
///   ±5 minutes (the `standardwebhooks` library's tolerance, which Lithic's SDK uses).
/// - Delivery id: `webhook-id` (signed; the same on every retry of a message). Event
///   type: the body's `event_type` (signed).
/// - Secret: the endpoint's `whsec_…` secret, base64 after the prefix.
/// - Retries: Lithic documents no horizon this crate could confirm.
///
/// Source: `lithic-com/lithic-node`, `src/resources/webhooks.ts` (`verifySignature`
/// hands the three `webhook-*` headers to `standardwebhooks`' `Webhook`), and its test
/// `tests/api-resources/webhooks.test.ts`.
pub fn lithic() -> SignatureScheme {
    super::standard_webhooks()
        .provider_name("lithic")
        .event_type_from_json("event_type")
}

/// [Stytch](https://stytch.com/docs/b2b/guides/webhooks) webhooks, delivered through Svix.
///
/// - Signature, signed content, timestamp and secret: as [`svix`](super::svix)
///   (`svix-signature: v1,<base64>` over `{svix-id}.{svix-timestamp}.{body}`, `whsec_`
///   secret; the unbranded `webhook-*` headers are read when the `svix-*` ones are
///   absent).
/// - Delivery id: `svix-id` (signed; the same when Svix retries the message). The body's
///   own `event_id` is unique per event too.
/// - Event type: **none**. Stytch's type is three body fields, `source`, `object_type`
///   and `action` (`direct.organization.create`), all signed: route on them in the
///   handler. ([`Delivery::event_type`](crate::Delivery::event_type) reads the body's
///   `type`, which Stytch does not send, so it is `None`.)
/// - Retries: Svix's schedule (about 28 hours).
///
/// Source: Stytch docs, "Webhooks" (powered through Svix; the payload's fields).
pub fn stytch() -> SignatureScheme {
    super::svix().provider_name("stytch")
}

/// [Supabase Auth hooks](https://supabase.com/docs/guides/auth/auth-hooks) of the HTTP
/// type (Send Email, Send SMS, Custom Access Token, …), signed with Standard Webhooks.
///
/// - Signature: `webhook-signature`, one `v1,<base64 HMAC-SHA256>` per hook secret,
///   joined with `, ` (so every entry but the last ends in `,`:
///   [`SignatureScheme::signature_suffix`]).
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`; timestamp Unix seconds,
///   ±5 minutes.
/// - Secret: the hook secret exactly as the dashboard shows it, `v1,whsec_<base64>`; a
///   secret without the `v1,whsec_` prefix is refused when the verifier is built.
/// - Delivery id: `webhook-id` (signed) — but Supabase draws a **new id and timestamp
///   for every attempt** (up to 3, two seconds apart), so a retry is not recognised as a
///   duplicate: the hook's handler must be idempotent. Event type: the body's `type`, as
///   in Standard Webhooks, which Supabase's payloads do not carry (the hook's kind is the
///   endpoint it is configured on), so it is `None`.
///
/// Source: `supabase/auth`, `internal/hooks/hookshttp/hookshttp.go` (`runHTTPHook`,
/// `generateSignatures`: the `v1,` prefix trimmed, `standard-webhooks`' Go library,
/// `strings.Join(signatureList, ", ")`, a new UUID per attempt).
pub fn supabase_auth_hooks() -> SignatureScheme {
    super::standard_webhooks()
        .provider_name("supabase-auth-hooks")
        .signature_suffix(',')
        .secret_format(SecretFormat::Base64 {
            prefix: Some("v1,whsec_"),
        })
}
