//! More presets that sign a timestamp with the body (beside those of
//! `timestamp_header.rs` and `timestamp_in_signature.rs`): the timestamp travels in
//! the signature header (`t=…`) or a header of its own.

use http::HeaderName;

use crate::scheme::{Encoding, Part, SecretFormat, SignatureScheme, TimestampFormat};

/// [Persona](https://docs.withpersona.com/v2022-09-01/docs/best-practices) webhooks.
///
/// - Signature: `Persona-Signature: t=<timestamp>,v1=<hex HMAC-SHA256>`, keyed with the
///   webhook secret (`wbhsec_…`), as text.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix seconds; ±5 minutes (Persona
///   documents no tolerance of its own).
/// - Delivery id: the signed body's `data.id` (the event's `evt_…` id). Event type: the
///   signed body's `data.attributes.name` (`inquiry.completed`, …).
/// - Retries: `Persona-Webhook-Attempts-Made` / `-Left` count them (unsigned, not read). A
///   retry is signed anew with a fresh `t`: the event id recognises it.
///
/// Source: Persona docs, "Best Practices" (checking signatures), the webhook reference
/// (headers) and "Quickstart: Webhooks" (`data.attributes.name`). Proof: an independently
/// computed vector (`scripts/independent_vectors.py`).
pub fn persona() -> SignatureScheme {
    SignatureScheme::new("persona", HeaderName::from_static("persona-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .id_from_json("data.id")
        .event_type_from_json("data.attributes.name")
}

/// [Revolut](https://developer.revolut.com/docs/guides/accept-payments/tutorials/work-with-webhooks/verify-the-payload-signature)
/// (Merchant API; the Business API signs the same way).
///
/// - Signature: `Revolut-Signature: v1=<hex HMAC-SHA256>`; while two signing secrets are
///   active, several `v1=` entries separated by commas, any of which passes.
/// - Signed content: `v1.{Revolut-Request-Timestamp}.{body}`. Timestamp:
///   `Revolut-Request-Timestamp`, Unix milliseconds; ±5 minutes, as Revolut documents.
/// - Key: the webhook signing secret (`wsk_…`), as text.
/// - Event type: the signed body's `event` (`ORDER_COMPLETED`, `TransactionCreated`). No
///   delivery id: replay protection keys on the signature within the tolerance.
///
/// Source: Revolut developer docs, "Webhook signature verification" (Merchant API) and
/// "Verify the payload signature" (Business API). Proof: an independently computed vector
/// (`scripts/independent_vectors.py`).
pub fn revolut() -> SignatureScheme {
    SignatureScheme::new("revolut", HeaderName::from_static("revolut-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("revolut-request-timestamp"),
            TimestampFormat::UnixMillis,
        )
        .signed_parts([
            Part::literal("v1."),
            Part::Timestamp,
            Part::literal("."),
            Part::Body,
        ])
        .event_type_from_json("event")
}

/// [Sanity](https://www.npmjs.com/package/@sanity/webhook) GROQ-powered webhooks.
///
/// - Signature: `sanity-webhook-signature: t=<timestamp>,v1=<URL-safe base64 HMAC-SHA256,
///   unpadded>`, keyed with the webhook's secret, as text.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix **milliseconds**; ±5 minutes
///   (the SDK itself checks none).
/// - Delivery id and event type: none read; replay protection keys on the signature
///   within the tolerance.
///
/// Source: `@sanity/webhook` on npm (Sanity's official toolkit), `encodeSignatureHeader`
/// and `decodeSignatureHeader`. Proof: `tests/sdk_vectors_more.rs`, fixture made by that
/// SDK (`scripts/sdk_vectors_more.sh`).
pub fn sanity() -> SignatureScheme {
    SignatureScheme::new(
        "sanity",
        HeaderName::from_static("sanity-webhook-signature"),
    )
    .signature_separator(',')
    .signature_prefix("v1=")
    .encoding(Encoding::Base64Url)
    .timestamp_in_signature("t=", TimestampFormat::UnixMillis)
    .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
}

/// [Grafana Alerting](https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/)
/// webhook contact points with an HMAC secret **and** a timestamp header named
/// `X-Grafana-Alerting-Timestamp` (the name Grafana's own configuration examples use; the
/// header has no default, and without one see [`grafana`](super::grafana)).
///
/// - Signature: `X-Grafana-Alerting-Signature: <hex HMAC-SHA256>`, keyed with the contact
///   point's HMAC secret, as text.
/// - Signed content: `{X-Grafana-Alerting-Timestamp}:{body}`. Timestamp: Unix seconds, ±5
///   minutes.
/// - Delivery id and event type: none read; replay protection keys on the signature
///   within the tolerance. Grafana signs each attempt anew, so a retry is a new delivery.
///
/// Source: `grafana/alerting`, `http/hmac.go` (`HMACRoundTripper.sign`) and
/// `receivers/webhook/v1` (the `X-Grafana-Alerting-Timestamp` example). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn grafana_timestamped() -> SignatureScheme {
    SignatureScheme::new(
        "grafana",
        HeaderName::from_static("x-grafana-alerting-signature"),
    )
    .encoding(Encoding::Hex)
    .timestamp_header(
        HeaderName::from_static("x-grafana-alerting-timestamp"),
        TimestampFormat::UnixSeconds,
    )
    .signed_parts([Part::Timestamp, Part::literal(":"), Part::Body])
}

/// [Frame.io](https://developer.adobe.com/frameio/guides/Webhooks/) V4 (and legacy) webhooks.
///
/// - Signature: `X-Frameio-Signature: v0=<hex HMAC-SHA256>`, keyed with the webhook's
///   signing secret (returned once, when the webhook is created), as text.
/// - Signed content: `v0:{X-Frameio-Request-Timestamp}:{body}`. Timestamp: Unix seconds;
///   ±5 minutes, as Frame.io recommends.
/// - Event type: the signed body's `type` (`file.ready`, …). No delivery id: replay
///   protection keys on the signature within the tolerance.
/// - Retries: five attempts in all, with exponential back-off from 15 seconds; each is
///   signed anew, so a retry is recognised only by what the handler makes of the body.
///
/// Source: Adobe's Frame.io developer docs, "V4 Webhooks" (security, verifying webhook
/// signatures, retries), `AdobeDocs/frameio-api`, `src/pages/guides/Webhooks/index.md`.
/// Proof: an independently computed vector (`scripts/independent_vectors_more.py`).
pub fn frame_io() -> SignatureScheme {
    SignatureScheme::new("frame-io", HeaderName::from_static("x-frameio-signature"))
        .signature_prefix("v0=")
        .encoding(Encoding::Hex)
        .timestamp_header(
            HeaderName::from_static("x-frameio-request-timestamp"),
            TimestampFormat::UnixSeconds,
        )
        .signed_parts([
            Part::literal("v0:"),
            Part::Timestamp,
            Part::literal(":"),
            Part::Body,
        ])
        .event_type_from_json("type")
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
/// `tests/sdk_vectors_npm.rs`, a fixture signed by `standardwebhooks` on npm, the library
/// that example uses.
pub fn render() -> SignatureScheme {
    super::standard_webhooks().provider_name("render")
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
/// (`verifySignature`, `hmacKeys`). Proof: `tests/sdk_vectors_npm.rs`, a fixture accepted
/// by that SDK's `webhooks.validateEvent` (`scripts/sdk_vectors_npm.sh`).
pub fn polar() -> SignatureScheme {
    super::standard_webhooks()
        .provider_name("polar")
        .secret_format(SecretFormat::Raw)
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
/// (`unwrap` verifies with the `standardwebhooks` library). Proof: `tests/sdk_vectors_npm.rs`,
/// a fixture accepted by that SDK's `webhooks.unwrap`.
pub fn dodo_payments() -> SignatureScheme {
    super::standard_webhooks().provider_name("dodo-payments")
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
/// `WebhookHandler.verifyRequest`. Proof: `tests/sdk_vectors_npm.rs`, a fixture accepted by
/// that handler.
pub fn liveblocks() -> SignatureScheme {
    super::standard_webhooks().provider_name("liveblocks")
}

/// [Knock](https://docs.knock.app/developer-tools/outbound-webhooks/overview) outbound
/// webhooks.
///
/// - Signature: `x-knock-signature: t=<timestamp>,s=<base64 HMAC-SHA256>`, keyed with the
///   webhook's secret key (on its page in the Knock dashboard), as text.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix **milliseconds** (Knock's example
///   reads it with `new Date(t)`); ±5 minutes, as Knock suggests.
/// - Event type: the signed body's `type` (`message.sent`, …; the same value travels,
///   unsigned, in `x-knock-event`, which is not read). No delivery id: replay protection
///   keys on the signature within the tolerance.
/// - Retries: 8 attempts in all for a `3xx`, `4xx` or `5xx` answer, each signed anew.
///
/// Source: Knock's own documentation, `knocklabs/docs`,
/// `content/developer-tools/outbound-webhooks/overview.mdx` (payload and headers, retries,
/// verifying the signature). Proof: an independently computed vector
/// (`scripts/independent_vectors_more.py`).
pub fn knock() -> SignatureScheme {
    SignatureScheme::new("knock", HeaderName::from_static("x-knock-signature"))
        .signature_separator(',')
        .signature_prefix("s=")
        .encoding(Encoding::Base64)
        .timestamp_in_signature("t=", TimestampFormat::UnixMillis)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .event_type_from_json("type")
}

/// [Courier](https://www.courier.com/docs/guides/getting-started/outbound-webhooks) outbound
/// webhooks with signing turned on.
///
/// - Signature: `courier-signature: t=<timestamp>,signature=<hex HMAC-SHA256>`, keyed with
///   the webhook's secret (Settings → Webhooks), as text.
/// - Signed content: `{t}.{body}` (as Courier's verification code builds it; its prose
///   omits the `.`, its code and example do not). Timestamp: `t`, Unix **milliseconds**
///   (Courier's example header carries `t=1631816343012`); ±5 minutes (Courier leaves the
///   tolerance to the receiver).
/// - Event type: the signed body's `type` (`message:updated`, …). No delivery id: the
///   body's `data.id` names the message, shared by its successive status updates, so replay
///   protection keys on the signature within the tolerance.
///
/// Source: Courier's own documentation, `trycourier/docs`,
/// `docs/guides/getting-started/outbound-webhooks.mdx` (verifying signature). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn courier() -> SignatureScheme {
    SignatureScheme::new("courier", HeaderName::from_static("courier-signature"))
        .signature_separator(',')
        .signature_prefix("signature=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("t=", TimestampFormat::UnixMillis)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .event_type_from_json("type")
}
