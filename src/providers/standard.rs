//! Standard Webhooks and Svix, and the providers that deliver through them: `{id}.{ts}.{body}`
//! signed under `webhook-*` (or `svix-*`) headers with a `whsec_` secret, or with Ed25519
//! (`v1a`).

use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, Part, SecretFormat, SignatureScheme, TimestampFormat};

fn standard_parts() -> [Part; 5] {
    [
        Part::Id,
        Part::literal("."),
        Part::Timestamp,
        Part::literal("."),
        Part::Body,
    ]
}

/// [Clerk](https://clerk.com/docs/webhooks/sync-data): delivered through Svix.
///
/// Exactly [`svix`](super::svix) under the provider name `clerk`: `svix-id`, `svix-timestamp`,
/// `svix-signature`, a `whsec_` signing secret.
///
/// Source: Clerk docs, "Sync Clerk data to your app with webhooks" (verification with
/// the `svix` library).
pub fn clerk() -> SignatureScheme {
    svix().provider_name("clerk")
}

/// [Dodo Payments](https://www.npmjs.com/package/dodopayments) webhooks, which follow
/// Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `dodo-payments`: `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 minutes),
/// `webhook-signature: v1,<base64>` over `{id}.{timestamp}.{body}`, keyed with the
/// `whsec_` + base64 webhook secret. Delivery id: `webhook-id` (signed). Event type: the
/// signed body's `type` (`payment.succeeded`, …).
///
/// Source: `dodopayments` on npm (the official Node SDK), `resources/webhooks/webhooks.js`
/// (`unwrap` verifies with the `standardwebhooks` library). Proof: `tests/it/sdk_vectors_npm.rs`,
/// a fixture accepted by that SDK's `webhooks.unwrap`.
pub fn dodo_payments() -> SignatureScheme {
    super::standard_webhooks().provider_name("dodo-payments")
}

/// [GitLab](https://docs.gitlab.com/user/project/integrations/webhooks/) webhooks with a
/// signing token: the preferred GitLab setup where it is available, since the secret
/// token ([`gitlab`](super::gitlab)) is sent as it is and signs nothing.
///
/// - Signature: Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256>` over
///   `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the signing token (`whsec_`
///   and base64, as Standard Webhooks secrets are).
/// - Timestamp: `webhook-timestamp`, Unix seconds, ±5 minutes.
/// - Delivery id: `webhook-id` (signed), equal to GitLab's `Idempotency-Key`, the same on
///   every retry of an event (unlike `X-Gitlab-Event-UUID`, which recursive hooks share).
///   Event type: `X-Gitlab-Event` (not signed: what the sender claims).
///
/// Source: GitLab merge request 230944, "Add webhook HMAC signing token" (the signed
/// content, headers and format); GitLab docs, "Webhooks" (`Idempotency-Key`).
pub fn gitlab_signing_token() -> SignatureScheme {
    standard_webhooks()
        .provider_name("gitlab")
        .event_type_from_header(HeaderName::from_static("x-gitlab-event"))
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

/// [Liveblocks](https://liveblocks.io/docs/platform/webhooks) webhooks, which follow
/// Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `liveblocks`: `webhook-id`, `webhook-timestamp` (Unix seconds, ±5 minutes, as the SDK
/// checks), `webhook-signature: v1,<base64>` over `{id}.{timestamp}.{body}`, keyed with the
/// `whsec_` + base64 signing secret. Delivery id: `webhook-id` (signed). Event type: the
/// signed body's `type` (`storageUpdated`, `userEntered`, …).
///
/// Source: `@liveblocks/node` on npm (Liveblocks' official Node package),
/// `WebhookHandler.verifyRequest`. Proof: `tests/it/sdk_vectors_npm.rs`, a fixture accepted by
/// that handler.
pub fn liveblocks() -> SignatureScheme {
    super::standard_webhooks().provider_name("liveblocks")
}

/// [OpenAI](https://platform.openai.com/docs/guides/webhooks) webhooks, which follow
/// Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `openai`: `webhook-id`,
/// `webhook-timestamp`, `webhook-signature: v1,<base64>`, a `whsec_` secret.
///
/// Source: OpenAI docs, "Webhooks" (signatures follow the Standard Webhooks
/// specification).
pub fn openai() -> SignatureScheme {
    standard_webhooks().provider_name("openai")
}

/// [Polar](https://docs.polar.sh/integrate/webhooks/delivery) webhooks: Standard Webhooks
/// headers and signed content, but the signing secret is used **as text**.
///
/// - Signature: `webhook-signature: v1,<base64 HMAC-SHA256>` (a space-separated list; any
///   `v1` passes), keyed with the webhook's secret exactly as shown (`polar_whs_…`), as
///   text — not base64-decoded as [`standard_webhooks`](super::standard_webhooks) does.
///   (Polar's SDK also tries the base64-decoded secret as a second key, for secrets from
///   before the `polar_whs_` format; configure that key with
///   [`standard_webhooks`](super::standard_webhooks) and `whsec_` + the secret if needed.)
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`. Timestamp: Unix seconds,
///   ±5 minutes, as the SDK checks.
/// - Delivery id: `webhook-id` (signed). Event type: the signed body's `type`
///   (`order.paid`, …).
///
/// Source: `@polar-sh/sdk` on npm (Polar's official SDK), `src/webhooks.ts`
/// (`verifySignature`, `hmacKeys`). Proof: `tests/it/sdk_vectors_npm.rs`, a fixture accepted
/// by that SDK's `webhooks.validateEvent` (`scripts/sdk_vectors_npm.sh`).
pub fn polar() -> SignatureScheme {
    super::standard_webhooks()
        .provider_name("polar")
        .secret_format(SecretFormat::Raw)
}

/// [Render](https://render.com/docs/webhooks) webhooks, which follow Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `render`:
///
/// - Signature: `webhook-signature: v1,<base64 HMAC-SHA256>` (a space-separated list; any
///   `v1` passes), keyed with the webhook's `whsec_` + base64 signing secret.
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`. Timestamp: Unix seconds,
///   ±5 minutes.
/// - Delivery id: `webhook-id` (signed; the same on every retry). Event type: the signed
///   body's `type` (`deploy_ended`, …).
///
/// Source: Render's own receiver example, `render-examples/webhook-receiver`, `app.ts`
/// (the unbranded `webhook-*` headers checked with the `standardwebhooks` library). Proof:
/// `tests/it/sdk_vectors_npm.rs`, a fixture signed by `standardwebhooks` on npm, the library
/// that example uses.
pub fn render() -> SignatureScheme {
    super::standard_webhooks().provider_name("render")
}

/// [Replicate](https://replicate.com/docs/topics/webhooks/verify-webhook) webhooks, which
/// follow Standard Webhooks.
///
/// Exactly [`standard_webhooks`](super::standard_webhooks) under the provider name
/// `replicate`: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`, a
/// `whsec_` signing secret (from `GET /v1/webhooks/default/secret`).
///
/// Source: Replicate docs, "Verify webhooks".
pub fn replicate() -> SignatureScheme {
    standard_webhooks().provider_name("replicate")
}

/// [Resend](https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests):
/// delivered through Svix.
///
/// Exactly [`svix`](super::svix) under the provider name `resend`.
///
/// Source: Resend docs, "Verify Webhooks Requests" (verification with the `svix`
/// library).
pub fn resend() -> SignatureScheme {
    svix().provider_name("resend")
}

/// [Standard Webhooks](https://www.standardwebhooks.com/) symmetric signatures (`v1`).
///
/// - Signature: `webhook-signature`, a space-separated list of `v1,<base64 HMAC-SHA256>`;
///   entries of other versions are ignored, any `v1` that matches any secret passes.
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`.
/// - Timestamp: `webhook-timestamp`, Unix seconds, ±5 minutes.
/// - Delivery id: `webhook-id`. Event type: the body's `type`.
/// - Secret: `whsec_` followed by base64 (the prefix is optional); a secret that does not
///   decode is refused when the verifier is built.
///
/// Source: the specification, `spec/standard-webhooks.md`, and the reference libraries
/// in `standard-webhooks/standard-webhooks` (`libraries/`).
pub fn standard_webhooks() -> SignatureScheme {
    SignatureScheme::new(
        "standard-webhooks",
        HeaderName::from_static("webhook-signature"),
    )
    .signature_separator(' ')
    .signature_prefix("v1,")
    .encoding(Encoding::Base64)
    .timestamp_header(
        HeaderName::from_static("webhook-timestamp"),
        TimestampFormat::UnixSeconds,
    )
    .id_from_header(HeaderName::from_static("webhook-id"))
    .signed_parts(standard_parts())
    .event_type_from_json("type")
    .secret_format(SecretFormat::Base64 {
        prefix: Some("whsec_"),
    })
}

/// [Standard Webhooks](https://www.standardwebhooks.com/) asymmetric signatures (`v1a`,
/// Ed25519), verified with the sender's public key.
///
/// - Signature: `webhook-signature`, a space-separated list of `v1a,<base64 Ed25519
///   signature>`; `v1` (symmetric) entries are ignored by this preset.
/// - Signed content, timestamp, id and event type: as [`standard_webhooks`].
/// - Key: the public key as `whpk_` followed by the base64 of its 32 bytes. For signing
///   (tests, senders), the private key as `whsk_` followed by the base64 of its 32-byte
///   seed (or of the 64-byte seed and public key).
///
/// No Rust crate verified `v1a` before this one.
///
/// Source: the specification, `spec/standard-webhooks.md` ("Asymmetric signatures"), and
/// the Go library's asymmetric test in `standard-webhooks/standard-webhooks`.
pub fn standard_webhooks_ed25519() -> SignatureScheme {
    SignatureScheme::new(
        "standard-webhooks",
        HeaderName::from_static("webhook-signature"),
    )
    .algorithm(Algorithm::Ed25519)
    .signature_separator(' ')
    .signature_prefix("v1a,")
    .encoding(Encoding::Base64)
    .timestamp_header(
        HeaderName::from_static("webhook-timestamp"),
        TimestampFormat::UnixSeconds,
    )
    .id_from_header(HeaderName::from_static("webhook-id"))
    .signed_parts(standard_parts())
    .event_type_from_json("type")
    .secret_format(SecretFormat::Base64 {
        prefix: Some("whpk_"),
    })
    .signing_secret_format(SecretFormat::Base64 {
        prefix: Some("whsk_"),
    })
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

/// [Svix](https://www.svix.com/) (and the providers that deliver through it: Clerk,
/// Resend, …): Standard Webhooks under `svix-id`, `svix-timestamp` and `svix-signature`.
///
/// Each header falls back to its unbranded `webhook-*` name when absent, as the Svix
/// libraries do. Everything else is as [`standard_webhooks`].
///
/// Source: `svix/svix-webhooks`, `rust/src/webhooks.rs` and `javascript/src/webhook.ts`.
pub fn svix() -> SignatureScheme {
    SignatureScheme::new("svix", HeaderName::from_static("svix-signature"))
        .signature_separator(' ')
        .signature_prefix("v1,")
        .encoding(Encoding::Base64)
        .timestamp_header(
            HeaderName::from_static("svix-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .id_from_header(HeaderName::from_static("svix-id"))
        .header_fallback(
            HeaderName::from_static("svix-id"),
            HeaderName::from_static("webhook-id"),
        )
        .header_fallback(
            HeaderName::from_static("svix-timestamp"),
            HeaderName::from_static("webhook-timestamp"),
        )
        .header_fallback(
            HeaderName::from_static("svix-signature"),
            HeaderName::from_static("webhook-signature"),
        )
        .signed_parts(standard_parts())
        .event_type_from_json("type")
        .secret_format(SecretFormat::Base64 {
            prefix: Some("whsec_"),
        })
}
