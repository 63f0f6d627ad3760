//! Presets whose signature is an HMAC of the body alone, sent in one header (hex or base64,
//! sometimes after a prefix such as `sha256=`): no signed timestamp, except Linear's, which
//! is a field of the signed body.

use std::time::Duration;

use http::HeaderName;

use crate::scheme::{
    Algorithm, Encoding, Part, RegistrationHandshake, SecretFormat, SignatureScheme,
    TimestampFormat,
};
use crate::Secret;

/// [Alchemy Notify](https://docs.alchemy.com/reference/notify-api-quickstart#webhook-signature--security).
///
/// - Signature: `X-Alchemy-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook's signing key.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: Alchemy docs, "Notify API quickstart": webhook signature and security.
pub fn alchemy() -> SignatureScheme {
    SignatureScheme::new("alchemy", HeaderName::from_static("x-alchemy-signature"))
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}

/// [Asana](https://developers.asana.com/docs/webhooks-guide#security).
///
/// - Signature: `X-Hook-Signature: <hex HMAC-SHA256 of the body>`, keyed with the `X-Hook-
///   Secret` Asana sent in the handshake when the webhook was created (store it and
///   configure it here).
/// - No signed timestamp: replay protection keys on the signature.
/// - Handshake: Asana's unsigned `X-Hook-Secret` request is not answered by default; opt in with
///   [`RegistrationHandshake::AsanaHookSecret`](crate::scheme::RegistrationHandshake::AsanaHookSecret)
///   through [`SignatureScheme::handshake`].
///
/// Source: Asana developers, "Webhooks guide": the handshake and security.
pub fn asana() -> SignatureScheme {
    SignatureScheme::new("asana", HeaderName::from_static("x-hook-signature"))
        .encoding(Encoding::Hex)
}

/// [Bitbucket Cloud](https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/).
///
/// - Signature: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>` (SHA-256 under
///   the unsuffixed header name).
/// - No signed timestamp. Delivery id: `X-Request-UUID` (not signed: a duplicate is one whose id
///   *or* signature was seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type:
///   `X-Event-Key` (not signed).
///
/// Source: Atlassian docs, "Manage webhooks" (secure webhooks).
pub fn bitbucket() -> SignatureScheme {
    SignatureScheme::new("bitbucket", HeaderName::from_static("x-hub-signature"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
        .id_from_header(HeaderName::from_static("x-request-uuid"))
        .event_type_from_header(HeaderName::from_static("x-event-key"))
}

/// [Cal.com](https://cal.com/docs/developing/guides/automation/webhooks).
///
/// - Signature: `X-Cal-Signature-256: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook secret.
/// - No signed timestamp: replay protection keys on the signature. Event type: the body's
///   `triggerEvent`.
///
/// Source: Cal.com docs, "Webhooks" (verifying the authenticity).
pub fn cal_com() -> SignatureScheme {
    SignatureScheme::new("cal-com", HeaderName::from_static("x-cal-signature-256"))
        .encoding(Encoding::Hex)
        .event_type_from_json("triggerEvent")
}

/// [Checkout.com](https://www.checkout.com/docs/developer-resources/webhooks/manage-webhooks).
///
/// - Signature: `Cko-Signature: <hex HMAC-SHA256 of the body>`, keyed with the webhook
///   secret key.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: Checkout.com docs, "Manage webhooks" (verify the signature).
pub fn checkout_com() -> SignatureScheme {
    SignatureScheme::new("checkout-com", HeaderName::from_static("cko-signature"))
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}

/// [CircleCI](https://circleci.com/docs/webhooks/#validate-webhooks).
///
/// - Signature: `circleci-signature: v1=<hex HMAC-SHA256 of the body>`, possibly among
///   other comma-separated versions.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: CircleCI docs, "Webhooks": validate webhooks.
pub fn circleci() -> SignatureScheme {
    SignatureScheme::new("circleci", HeaderName::from_static("circleci-signature"))
        .signature_separator(',')
        .signature_prefix("v1=")
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}

/// [Coinbase Commerce](https://docs.cloud.coinbase.com/commerce/docs/webhooks-security).
///
/// - Signature: `X-CC-Webhook-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: `event.type`.
/// - Secret: the webhook shared secret.
///
/// Source: `coinbase/coinbase-commerce-node`, `lib/Webhook.js` and its tests.
pub fn coinbase_commerce() -> SignatureScheme {
    SignatureScheme::new(
        "coinbase-commerce",
        HeaderName::from_static("x-cc-webhook-signature"),
    )
    .encoding(Encoding::Hex)
    .id_from_json("id")
    .event_type_from_json("event.type")
}

/// [Dropbox](https://www.dropbox.com/developers/reference/webhooks).
///
/// - Signature: `X-Dropbox-Signature: <hex HMAC-SHA256 of the body>`, keyed with the app
///   secret.
/// - No signed timestamp or id: replay protection keys on the signature.
/// - Handshake: `GET ?challenge=…` is echoed (as `text/plain` with `nosniff`).
///
/// Source: Dropbox developer reference, "Webhooks".
pub fn dropbox() -> SignatureScheme {
    SignatureScheme::new("dropbox", HeaderName::from_static("x-dropbox-signature"))
        .encoding(Encoding::Hex)
        .handshake(RegistrationHandshake::DropboxChallenge)
}

/// [Gitea](https://docs.gitea.com/usage/webhooks) (and Forgejo).
///
/// - Signature: `X-Gitea-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `X-Gitea-Delivery` (not signed: a duplicate is one whose
///   id *or* signature was seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type:
///   `X-Gitea-Event` (not signed).
/// - Content type: set the webhook's *POST Content Type* to `application/json`. With the
///   form content type Gitea signs the JSON but sends `payload=<url-encoded JSON>`, a
///   body other than the one signed: such deliveries are refused with `400` and a message
///   saying so ([`SignatureScheme::refuse_form_bodies`]), never verified by decoding the
///   form (the bytes the handler would get are not the bytes signed).
///
/// Source: Gitea docs, "Webhooks"; `go-gitea/gitea`, `services/webhook/deliver.go`.
pub fn gitea() -> SignatureScheme {
    SignatureScheme::new("gitea", HeaderName::from_static("x-gitea-signature"))
        .encoding(Encoding::Hex)
        .refuse_form_bodies(
            "Gitea's form content type signs a body other than the one it sends: set the \
             webhook's POST Content Type to application/json",
        )
        .id_from_header(HeaderName::from_static("x-gitea-delivery"))
        .event_type_from_header(HeaderName::from_static("x-gitea-event"))
}

/// [GitHub](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
///
/// - Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. The legacy
///   SHA-1 header `X-Hub-Signature` is not accepted: a request carrying only that one is
///   refused, so it cannot be used to downgrade.
/// - No timestamp, and the id is not signed. Delivery id: `X-GitHub-Delivery`, kept when a
///   delivery is redelivered and named by GitHub as the key to dedupe on. Replay
///   protection recognises a delivery by that id *or* by its signature, so a captured
///   delivery resent under a new id is refused too; the cost is that two distinct
///   deliveries with byte-identical bodies count as one (logged at `warn`, counted). See
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy) to dedupe on the id alone instead.
/// - Event type: `X-GitHub-Event` (not signed: what the sender claims).
/// - Body: GitHub caps payloads at 25 MB, so that is the layer's default body limit for
///   this preset (instead of 2 MiB).
///
/// Source: GitHub docs, "Validating webhook deliveries", "Webhook events and payloads"
/// (payload cap); `octokit/webhooks-methods.js`, `src/node/verify.ts`.
pub fn github() -> SignatureScheme {
    SignatureScheme::new("github", HeaderName::from_static("x-hub-signature-256"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
        .signed_parts([Part::Body])
        .id_from_header(HeaderName::from_static("x-github-delivery"))
        .event_type_from_header(HeaderName::from_static("x-github-event"))
        .default_body_limit(25 * 1000 * 1000)
}

/// [GoCardless](https://developer.gocardless.com/getting-started/staying-up-to-date-with-webhooks).
///
/// - Signature: `Webhook-Signature: <hex HMAC-SHA256 of the body>`, keyed with the endpoint
///   secret.
/// - No signed timestamp: replay protection keys on the signature.
///
/// Source: GoCardless developer docs, "Staying up to date with webhooks";
/// `gocardless/gocardless-pro-node`, `src/webhooks.ts`.
pub fn gocardless() -> SignatureScheme {
    SignatureScheme::new("gocardless", HeaderName::from_static("webhook-signature"))
        .encoding(Encoding::Hex)
}

/// [Heroku](https://devcenter.heroku.com/articles/app-webhooks#securing-webhook-requests)
/// app webhooks.
///
/// - Signature: `Heroku-Webhook-Hmac-SHA256: <base64 HMAC-SHA256 of the body>`, keyed with
///   the webhook secret.
/// - No signed timestamp. Delivery id: the signed body's `webhook_metadata.delivery.id`,
///   the same on every attempt of a delivery (`webhook_metadata.attempt.id` is new on
///   each, so a retry is different bytes and a different signature: only this id
///   recognises Heroku's retries, for up to 72 hours).
///
/// Source: Heroku Dev Center, "App webhooks" (securing webhook requests; retries and
/// limits) and "App Webhooks API Reference" (delivery and attempt ids).
pub fn heroku() -> SignatureScheme {
    SignatureScheme::new(
        "heroku",
        HeaderName::from_static("heroku-webhook-hmac-sha256"),
    )
    .encoding(Encoding::Base64)
    .id_from_json("webhook_metadata.delivery.id")
}

/// [Intercom](https://developers.intercom.com/docs/webhooks/webhook-notifications#signed-notifications).
///
/// - Signature: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>`, keyed with the app's
///   client secret.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `topic`.
///
/// Source: Intercom developer docs, "Webhook notifications": signed notifications.
pub fn intercom() -> SignatureScheme {
    SignatureScheme::new("intercom", HeaderName::from_static("x-hub-signature"))
        .algorithm(Algorithm::Sha1)
        .signature_prefix("sha1=")
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("topic")
}

/// [Lemon Squeezy](https://docs.lemonsqueezy.com/help/webhooks/signing-requests).
///
/// - Signature: `X-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp: replay protection keys on the signature.
/// - Event type: `X-Event-Name`.
/// - Secret: the signing secret chosen when the webhook was created.
///
/// Source: Lemon Squeezy docs, "Signing requests".
pub fn lemon_squeezy() -> SignatureScheme {
    SignatureScheme::new("lemon-squeezy", HeaderName::from_static("x-signature"))
        .encoding(Encoding::Hex)
        .event_type_from_header(HeaderName::from_static("x-event-name"))
}

/// [LINE Messaging API](https://developers.line.biz/en/docs/messaging-api/receiving-messages/#verifying-signatures).
///
/// - Signature: `x-line-signature: <base64 HMAC-SHA256 of the body>`, keyed with the
///   channel secret.
/// - No signed timestamp: replay protection keys on the signature (each event also carries
///   `webhookEventId`).
///
/// Source: LINE developers docs, "Receive messages (webhook)": verifying signatures;
/// `line/line-bot-sdk-nodejs`, `lib/validate-signature.ts`.
pub fn line() -> SignatureScheme {
    SignatureScheme::new("line", HeaderName::from_static("x-line-signature"))
        .encoding(Encoding::Base64)
}

/// [Linear](https://linear.app/developers/webhooks#securing-webhooks).
///
/// - Signature: `Linear-Signature: <hex HMAC-SHA256 of the body>`.
/// - Timestamp: the signed body's `webhookTimestamp`, Unix milliseconds; default tolerance
///   60 seconds, as Linear's SDK uses.
/// - Delivery id: `Linear-Delivery` (not signed: a duplicate is one whose id *or* signature was
///   seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: the body's `type`.
///
/// Source: Linear developer docs, "Webhooks"; `linear/linear`, `packages/sdk/src/webhooks`
/// (`LinearWebhooks.verify`).
pub fn linear() -> SignatureScheme {
    SignatureScheme::new("linear", HeaderName::from_static("linear-signature"))
        .encoding(Encoding::Hex)
        .timestamp_from_json("webhookTimestamp", TimestampFormat::UnixMillis)
        .id_from_header(HeaderName::from_static("linear-delivery"))
        .event_type_from_json("type")
        .default_tolerance(Duration::from_secs(60))
}

/// [Maxio Advanced Billing (Chargify)](https://maxio.zendesk.com/hc/en-us/articles/24266136649869-Webhooks-Reference).
///
/// - Signature: `X-Chargify-Webhook-Signature-Hmac-Sha-256: <hex HMAC-SHA256 of the body>`,
///   keyed with the site's shared key.
/// - No signed timestamp. Delivery id: `X-Chargify-Webhook-Id` (not signed: a duplicate is one
///   whose id *or* signature was seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
///
/// Source: Maxio docs, "Webhooks reference" (signature verification).
pub fn maxio() -> SignatureScheme {
    SignatureScheme::new(
        "maxio",
        HeaderName::from_static("x-chargify-webhook-signature-hmac-sha-256"),
    )
    .encoding(Encoding::Hex)
    .id_from_header(HeaderName::from_static("x-chargify-webhook-id"))
}

/// [Meta](https://developers.facebook.com/docs/graph-api/webhooks/getting-started)
/// webhooks: WhatsApp Business, Messenger, Instagram, Graph API objects.
///
/// - Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, keyed with
///   the app secret.
/// - No signed timestamp or delivery id: replay protection keys on the signature.
/// - Event type: the body's `object` (`whatsapp_business_account`, `page`, …).
/// - Handshake: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` is answered
///   with the challenge when the verify token matches `verify_token` (the string you chose
///   in the app dashboard, not the app secret); compared in constant time. An empty
///   verify token would answer anyone's challenge: building the verifier fails.
///
/// Source: Meta for Developers, "Getting Started with Webhooks" (verification requests,
/// validating payloads).
pub fn meta(verify_token: impl Into<Secret>) -> SignatureScheme {
    SignatureScheme::new("meta", HeaderName::from_static("x-hub-signature-256"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
        .event_type_from_json("object")
        .handshake(RegistrationHandshake::MetaVerifyToken(verify_token.into()))
}

/// [Notion](https://developers.notion.com/reference/webhooks#step-3-validating-event-payloads-recommended).
///
/// - Signature: `X-Notion-Signature: sha256=<hex HMAC-SHA256 of the body>`, keyed with the
///   subscription's `verification_token`.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: Notion developers, "Webhooks": validating event payloads.
pub fn notion() -> SignatureScheme {
    SignatureScheme::new("notion", HeaderName::from_static("x-notion-signature"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}

/// [PagerDuty](https://developer.pagerduty.com/docs/webhooks/webhook-signatures/) v3
/// webhooks.
///
/// - Signature: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body>[,v1=…]`; several
///   while a secret is rotated, any match passes.
/// - No signed timestamp: replay protection keys on the signature.
/// - Delivery id: the body's `event.id`. Event type: the body's `event.event_type`.
///
/// Source: PagerDuty docs, "Verifying Signatures"; `PagerDuty/go-pagerduty`,
/// `webhookv3/signature.go` and its test vector.
pub fn pagerduty() -> SignatureScheme {
    SignatureScheme::new(
        "pagerduty",
        HeaderName::from_static("x-pagerduty-signature"),
    )
    .signature_separator(',')
    .signature_prefix("v1=")
    .encoding(Encoding::Hex)
    .id_from_json("event.id")
    .event_type_from_json("event.event_type")
}

/// [Paystack](https://paystack.com/docs/payments/webhooks/).
///
/// - Signature: `x-paystack-signature: <hex HMAC-SHA512 of the body>`, keyed with the
///   secret key.
/// - No signed timestamp or id: replay protection keys on the signature.
/// - Event type: the body's `event`.
///
/// Source: Paystack docs, "Webhooks" (verify event origin).
pub fn paystack() -> SignatureScheme {
    SignatureScheme::new("paystack", HeaderName::from_static("x-paystack-signature"))
        .algorithm(Algorithm::Sha512)
        .encoding(Encoding::Hex)
        .event_type_from_json("event")
}

/// [Intuit QuickBooks Online](https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications).
///
/// - Signature: `intuit-signature: <base64 HMAC-SHA256 of the body>`, keyed with the app's
///   verifier token.
/// - No signed timestamp: replay protection keys on the signature.
///
/// Source: Intuit developer docs, "Managing webhooks notifications" (validating the
/// notification).
pub fn quickbooks() -> SignatureScheme {
    SignatureScheme::new("quickbooks", HeaderName::from_static("intuit-signature"))
        .encoding(Encoding::Base64)
}

/// [Razorpay](https://razorpay.com/docs/webhooks/validate-test/).
///
/// - Signature: `X-Razorpay-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `x-razorpay-event-id` (not signed: a duplicate is one
///   whose id *or* signature was seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event
///   type: the body's `event`.
///
/// Source: `razorpay/razorpay-node`, `lib/utils/razorpay-utils.js`
/// (`validateWebhookSignature`); Razorpay docs, "Validate and Test Webhooks".
pub fn razorpay() -> SignatureScheme {
    SignatureScheme::new("razorpay", HeaderName::from_static("x-razorpay-signature"))
        .encoding(Encoding::Hex)
        .id_from_header(HeaderName::from_static("x-razorpay-event-id"))
        .event_type_from_json("event")
}

/// [Sentry](https://docs.sentry.io/organization/integrations/integration-platform/webhooks/)
/// integration-platform webhooks.
///
/// - Signature: `Sentry-Hook-Signature: <hex HMAC-SHA256 of the body>`.
/// - `Sentry-Hook-Timestamp` is sent but not signed, so it is not checked.
/// - Delivery id: `Request-ID` (not signed: a duplicate is one whose id *or* signature was seen,
///   see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: `Sentry-Hook-Resource` (not
///   signed).
/// - Secret: the integration's client secret.
///
/// Source: Sentry docs, "Webhooks" (verifying the signature).
pub fn sentry() -> SignatureScheme {
    SignatureScheme::new("sentry", HeaderName::from_static("sentry-hook-signature"))
        .encoding(Encoding::Hex)
        .id_from_header(HeaderName::from_static("request-id"))
        .event_type_from_header(HeaderName::from_static("sentry-hook-resource"))
}

/// [Shopify](https://shopify.dev/docs/apps/build/webhooks/subscribe/https).
///
/// - Signature: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`; Events
///   deliveries send the same headers without the `X-` (`Shopify-Hmac-Sha256`,
///   `Shopify-Event-Id`, `Shopify-Topic`), read when the `X-` one is absent.
/// - No signed timestamp (`X-Shopify-Triggered-At` is not signed).
/// - Delivery id: `X-Shopify-Event-Id`, which Shopify keeps across retries and documents
///   for detecting duplicates (not signed: a duplicate is one whose id *or* signature was
///   seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type:
///   `X-Shopify-Topic` (not signed).
/// - Secret: the app's client secret.
///
/// Source: Shopify docs, "Verify webhooks", "Ignore duplicate webhooks" and "Verify Events
/// deliveries"; `@shopify/shopify-api` 13.1.0, `lib/types` (`ShopifyEventsHeader`) and
/// `lib/webhooks/validate` (an Events delivery is recognised by `shopify-hmac-sha256`).
pub fn shopify() -> SignatureScheme {
    let header = HeaderName::from_static;
    SignatureScheme::new("shopify", header("x-shopify-hmac-sha256"))
        .encoding(Encoding::Base64)
        .signed_parts([Part::Body])
        .id_from_header(header("x-shopify-event-id"))
        .event_type_from_header(header("x-shopify-topic"))
        .header_fallback(
            header("x-shopify-hmac-sha256"),
            header("shopify-hmac-sha256"),
        )
        .header_fallback(header("x-shopify-event-id"), header("shopify-event-id"))
        .header_fallback(header("x-shopify-topic"), header("shopify-topic"))
}

/// [Squarespace](https://developers.squarespace.com/webhooks/verifying-notifications)
/// (Commerce webhooks).
///
/// - Signature: `Squarespace-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   subscription's secret, which Squarespace hands out as hexadecimal and which is
///   decoded to bytes first.
/// - No signed timestamp (the body's `createdOn` is not a freshness bound: Squarespace
///   retries for up to 48 hours). Delivery id: the body's `id`, which Squarespace tells
///   receivers to deduplicate on. Event type: the body's `topic`.
///
/// Source: Squarespace developer docs, "Verifying notifications", "Webhooks overview"
/// and "Notification delivery".
pub fn squarespace() -> SignatureScheme {
    SignatureScheme::new(
        "squarespace",
        HeaderName::from_static("squarespace-signature"),
    )
    .encoding(Encoding::Hex)
    .secret_format(SecretFormat::Hex)
    .id_from_json("id")
    .event_type_from_json("topic")
}

/// [HCP Terraform / Terraform Enterprise](https://developer.hashicorp.com/terraform/cloud-docs/api-docs/notification-configurations#notification-authenticity) notifications.
///
/// - Signature: `X-TFE-Notification-Signature: <hex HMAC-SHA512 of the body>`, keyed with
///   the notification token.
/// - No signed timestamp: replay protection keys on the signature.
///
/// Source: HashiCorp docs, "Notification configurations API": notification authenticity.
pub fn terraform_cloud() -> SignatureScheme {
    SignatureScheme::new(
        "terraform-cloud",
        HeaderName::from_static("x-tfe-notification-signature"),
    )
    .algorithm(Algorithm::Sha512)
    .encoding(Encoding::Hex)
}

/// [Typeform](https://www.typeform.com/developers/webhooks/secure-your-webhooks/).
///
/// - Signature: `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: the body's `event_id`. Event type: the body's
///   `event_type`.
///
/// Source: Typeform docs, "Secure your webhooks".
pub fn typeform() -> SignatureScheme {
    SignatureScheme::new("typeform", HeaderName::from_static("typeform-signature"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Base64)
        .id_from_json("event_id")
        .event_type_from_json("event_type")
}

/// [Vercel](https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks).
///
/// - Signature: `x-vercel-signature: <hex HMAC-SHA1 of the body>`, keyed with the webhook
///   secret.
/// - No signed timestamp. Delivery id: the body's `id`. Event type: the body's `type`.
///
/// Source: Vercel docs, "Webhooks API": securing webhooks.
pub fn vercel() -> SignatureScheme {
    SignatureScheme::new("vercel", HeaderName::from_static("x-vercel-signature"))
        .algorithm(Algorithm::Sha1)
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("type")
}

/// [Viber](https://developers.viber.com/docs/api/rest-bot-api/#callbacks).
///
/// - Signature: `X-Viber-Content-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   bot's authentication token.
/// - No signed timestamp: replay protection keys on the signature. Event type: the body's
///   `event`.
///
/// Source: Viber REST Bot API docs, "Callbacks"; `Viber/viber-bot-node`, `lib/viber-bot.js`
/// (signature check).
pub fn viber() -> SignatureScheme {
    SignatureScheme::new(
        "viber",
        HeaderName::from_static("x-viber-content-signature"),
    )
    .encoding(Encoding::Hex)
    .event_type_from_json("event")
}

/// [WooCommerce](https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks).
///
/// - Signature: `X-WC-Webhook-Signature: <base64 HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `X-WC-Webhook-Delivery-ID` (not signed: a
///   duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: `X-WC-Webhook-Topic`
///   (not signed).
/// - Handshake: the unsigned ping `webhook_id=<id>` WooCommerce sends when a webhook is
///   saved is answered `200` ([`RegistrationHandshake::WooCommercePing`]), or WooCommerce
///   refuses to save it.
///
/// Source: WooCommerce REST API docs, "Webhooks" (delivery headers); `woocommerce`,
/// `includes/class-wc-webhook.php` (`deliver_ping`).
pub fn woocommerce() -> SignatureScheme {
    SignatureScheme::new(
        "woocommerce",
        HeaderName::from_static("x-wc-webhook-signature"),
    )
    .encoding(Encoding::Base64)
    .id_from_header(HeaderName::from_static("x-wc-webhook-delivery-id"))
    .event_type_from_header(HeaderName::from_static("x-wc-webhook-topic"))
    .handshake(RegistrationHandshake::WooCommercePing)
}

/// [Xero](https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/).
///
/// - Signature: `x-xero-signature: <base64 HMAC-SHA256 of the body>`, keyed with the
///   webhook key.
/// - Intent to receive: Xero's set-up requests are signed like any delivery and expect
///   `200` when valid and `401` when not, which the layer answers (the handler then sees
///   the empty `events` list). Xero wants those answers with no body (a body fails the
///   check, and after 24 hours of failures Xero disables the webhook), so the layer's
///   rejections and duplicates carry none for this preset.
/// - No signed timestamp: replay protection keys on the signature.
///
/// Source: Xero developer docs, "Configuring your server" (signature, intent to receive,
/// empty responses).
pub fn xero() -> SignatureScheme {
    SignatureScheme::new("xero", HeaderName::from_static("x-xero-signature"))
        .encoding(Encoding::Base64)
        .empty_responses()
}
