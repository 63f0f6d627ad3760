//! Stripe-shaped presets: the signature header is a list whose entries carry the timestamp
//! (`t=…`, `ts=…`, or the first entry) and the signatures (`v1=…`), and the signed content
//! is the timestamp, a separator and the body.

use std::time::Duration;

use http::HeaderName;

use crate::scheme::{Encoding, Part, SecretFormat, SignatureScheme, TimestampFormat};

/// [Buildkite](https://buildkite.com/docs/apis/webhooks#webhook-signature).
///
/// - Signature: `X-Buildkite-Signature: timestamp=<timestamp>,signature=<hex HMAC-SHA256>`.
/// - Signed content: `{timestamp}.{body}`. Timestamp: Unix seconds, ±5 minutes.
/// - Event type: `X-Buildkite-Event`.
/// - No delivery id: the body (`event`, `build`, `job`, `sender`) carries ids of the
///   build or job, shared by every event about it, but none of the delivery. A retry is
///   signed anew with a fresh timestamp, so replay protection (keyed on the signature)
///   does not recognise it: handlers must be idempotent (on `event` and `build.id`, say).
///
/// Source: Buildkite docs, "Webhooks": webhook signature.
pub fn buildkite() -> SignatureScheme {
    SignatureScheme::new(
        "buildkite",
        HeaderName::from_static("x-buildkite-signature"),
    )
    .signature_separator(',')
    .signature_prefix("signature=")
    .encoding(Encoding::Hex)
    .timestamp_in_signature("timestamp=", TimestampFormat::UnixSeconds)
    .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
    .event_type_from_header(HeaderName::from_static("x-buildkite-event"))
}

/// [Calendly](https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures).
///
/// - Signature: `Calendly-Webhook-Signature: t=<timestamp>,v1=<hex HMAC-SHA256>`.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix seconds; default tolerance 3
///   minutes, as Calendly's guide uses.
/// - Event type: the body's `event`.
/// - No delivery id: the body (`event`, `created_at`, `created_by`, `payload`) names the
///   invitee or event (`payload.uri`), shared by every event about it, not the delivery.
///   Calendly retries for 24 hours, each retry signed anew with a fresh `t`, so replay
///   protection (keyed on the signature) does not recognise it: handlers must be
///   idempotent (on `event` and `payload.uri`, say).
///
/// Source: Calendly developer docs, "Webhook signatures" and "Webhook errors" (retries).
pub fn calendly() -> SignatureScheme {
    SignatureScheme::new(
        "calendly",
        HeaderName::from_static("calendly-webhook-signature"),
    )
    .signature_separator(',')
    .signature_prefix("v1=")
    .encoding(Encoding::Hex)
    .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
    .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
    .event_type_from_json("event")
    .default_tolerance(Duration::from_secs(180))
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

/// [ElevenLabs](https://elevenlabs.io/docs/product-guides/administration/webhooks).
///
/// - Signature: `ElevenLabs-Signature: t=<timestamp>,v0=<hex HMAC-SHA256>`.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix seconds; default tolerance 30
///   minutes, as ElevenLabs's SDKs use.
/// - Event type: the body's `type`.
/// - No delivery id: a retry is signed anew with a fresh `t`, so replay protection (keyed
///   on the signature) does not recognise it; handlers must be idempotent (on `type` and
///   `data.conversation_id`, say).
///
/// Source: ElevenLabs docs, "Webhooks" (HMAC authentication); `elevenlabs/elevenlabs-
/// python`, `webhooks` helper.
pub fn elevenlabs() -> SignatureScheme {
    SignatureScheme::new(
        "elevenlabs",
        HeaderName::from_static("elevenlabs-signature"),
    )
    .signature_separator(',')
    .signature_prefix("v0=")
    .encoding(Encoding::Hex)
    .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
    .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
    .event_type_from_json("type")
    .default_tolerance(Duration::from_secs(1800))
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

/// [Mux](https://docs.mux.com/guides/listen-for-webhooks#verify-webhook-signatures).
///
/// - Signature: `Mux-Signature: t=<timestamp>,v1=<hex HMAC-SHA256>`; any `v1` passes.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix seconds, ±5 minutes.
/// - Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: `muxinc/mux-node-sdk`, `src/resources/webhooks.ts`; Mux docs, "Verify webhook
/// signatures".
pub fn mux() -> SignatureScheme {
    SignatureScheme::new("mux", HeaderName::from_static("mux-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .id_from_json("id")
        .event_type_from_json("type")
}

/// [Paddle Billing](https://developer.paddle.com/webhooks/signature-verification).
///
/// - Signature: `Paddle-Signature: ts=<timestamp>;h1=<hex HMAC-SHA256>`; several `h1`
///   entries while a secret is rotated, any match passes.
/// - Signed content: `{ts}:{body}`.
/// - Timestamp: the `ts` entry, Unix seconds. Default tolerance **5 seconds**, as Paddle's
///   SDKs use (older and future timestamps beyond it are rejected); widen it with
///   [`VerifierBuilder::tolerance`](crate::VerifierBuilder::tolerance) if clocks drift.
/// - Delivery id: the body's `event_id`. Event type: the body's `event_type`.
/// - Secret: the notification destination's secret key, as text.
///
/// Source: `PaddleHQ/paddle-node-sdk`, `src/notifications/helpers/webhooks-validator.ts`
/// and its tests; Paddle docs, "Verify webhook signatures".
pub fn paddle() -> SignatureScheme {
    SignatureScheme::new("paddle", HeaderName::from_static("paddle-signature"))
        .signature_separator(';')
        .signature_prefix("h1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("ts=", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Timestamp, Part::literal(":"), Part::Body])
        .id_from_json("event_id")
        .event_type_from_json("event_type")
        .default_tolerance(Duration::from_secs(5))
}

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

/// [Recurly](https://docs.recurly.com/recurly-subscriptions/docs/signature-verification)
/// JSON webhooks.
///
/// - Signature: `recurly-signature: <timestamp>,<hex HMAC-SHA256>[,<hex HMAC-SHA256>…]`,
///   keyed with the endpoint's secret key (as text); any signature may match.
/// - Signed content: `{timestamp}.{body}`. Timestamp: the header's first entry, Unix
///   milliseconds, ±5 minutes as Recurly's client libraries check.
/// - Delivery id: the JSON body's `id`, the notification's id (signed). A retry of a
///   notification (up to 10, over about 3 days) is signed anew with a fresh timestamp, so
///   its signature differs; the notification's id does not, and recognises it. Event
///   type: not read (the body's `event_type`, such as `created`, means something only
///   with its `object_type`). (XML webhooks are not signed and cannot be verified.)
///
/// Source: Recurly docs, "Signature verification" and "Automatic retries";
/// `recurly/recurly-client-ruby`, `lib/recurly/webhooks.rb` and its spec (whose JSON
/// notification carries `id`, `object_type`, `event_type`).
pub fn recurly() -> SignatureScheme {
    SignatureScheme::new("recurly", HeaderName::from_static("recurly-signature"))
        .signature_separator(',')
        .encoding(Encoding::Hex)
        .timestamp_in_signature("", TimestampFormat::UnixMillis)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .id_from_json("id")
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
/// and `decodeSignatureHeader`. Proof: `tests/it/sdk_vectors_npm.rs`, fixture made by that
/// SDK (`scripts/sdk_vectors_npm.sh`).
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

/// [Stripe](https://docs.stripe.com/webhooks#verify-manually).
///
/// - Signature: `Stripe-Signature: t=<timestamp>,v1=<hex HMAC-SHA256>[,v1=…][,v0=…]`; any
///   `v1` that matches any secret passes (Stripe sends two while a secret is rolled).
/// - Signed content: `{t}.{body}`.
/// - Timestamp: the `t` entry, Unix seconds; ±5 minutes (the SDKs reject only old ones,
///   this crate also rejects those too far in the future).
/// - Delivery id: the body's `id` (`evt_…`), which Stripe keeps across retries. Event
///   type: the body's `type`.
/// - Secret: the whole `whsec_…` string is the key, as text; it is not base64-decoded. A
///   secret that does not start with `whsec_` (an `sk_live_…` API key pasted in its place)
///   is refused when the verifier is built.
///
/// Source: `stripe/stripe-node`, `src/Webhooks.ts`; `stripe/stripe-python`,
/// `stripe/_webhook.py`.
pub fn stripe() -> SignatureScheme {
    SignatureScheme::new("stripe", HeaderName::from_static("stripe-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .id_from_json("id")
        .event_type_from_json("type")
        .secret_format(SecretFormat::RawWithPrefix {
            prefix: "whsec_",
            what: "Stripe's webhook signing secret (Dashboard, Developers, Webhooks, your \
                   endpoint, Signing secret)",
        })
}

/// [WorkOS](https://workos.com/docs/events/data-syncing/webhooks).
///
/// - Signature: `WorkOS-Signature: t=<timestamp>, v1=<hex HMAC-SHA256>`.
/// - Signed content: `{t}.{body}`. Timestamp: `t`, Unix milliseconds; default tolerance 3
///   minutes, as WorkOS's SDKs use.
/// - Delivery id: the body's `id`. Event type: the body's `event`.
///
/// Source: `workos/workos-node`, `src/webhooks/webhooks.ts` (signature parsing, 180 s
/// tolerance); WorkOS docs, "Webhooks".
pub fn workos() -> SignatureScheme {
    SignatureScheme::new("workos", HeaderName::from_static("workos-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .timestamp_in_signature("t=", TimestampFormat::UnixMillis)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
        .id_from_json("id")
        .event_type_from_json("event")
        .default_tolerance(Duration::from_secs(180))
}
