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
