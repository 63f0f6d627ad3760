//! Presets whose signature is an HMAC of the body alone, sent in one header (hex or base64,
//! sometimes after a prefix such as `sha256=`): no signed timestamp, except Linear's, which
//! is a field of the signed body. Replay protection keys on a signed body id where the
//! payload has one, else on the signature itself.

use std::time::Duration;

use http::HeaderName;

use crate::scheme::{
    Algorithm, Encoding, Part, RegistrationHandshake, SecretFormat, SignatureScheme,
    TimestampFormat,
};
use crate::Secret;

/// [Acuity Scheduling](https://developers.acuityscheduling.com/docs/webhooks) webhooks
/// (static and dynamic).
///
/// - Signature: `X-Acuity-Signature: <base64 HMAC-SHA256 of the body>`, keyed with the API
///   key (the main admin's for static webhooks, the user's for dynamic ones), as text.
/// - Signed content: the body alone, `application/x-www-form-urlencoded` (`action`, `id`,
///   `calendarID`, `appointmentTypeID`). No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id and event type: none read (the form's `action` and `id` are signed; the
///   handler reads them from the verified body).
///
/// Source: Acuity Scheduling developer docs, "Webhooks" (verifying webhook requests).
/// Proof: an independently computed vector (`scripts/independent_vectors_more.py`).
pub fn acuity() -> SignatureScheme {
    SignatureScheme::new("acuity", HeaderName::from_static("x-acuity-signature"))
        .encoding(Encoding::Base64)
}

/// [AfterShip Tracking](https://www.aftership.com/docs/tracking/webhook/webhook-signature)
/// webhooks (v4.3 and later).
///
/// - Signature: `aftership-hmac-sha256: <base64 HMAC-SHA256 of the body>`, keyed with the
///   account's webhook secret (Settings > Notifications), as text.
/// - Signed content: the body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id and event type: none read (the handler reads the event from the verified
///   body).
/// - AfterShip checks a new webhook URL with a POST that must be answered 200; its docs do
///   not say that this POST is signed. If it is not, this preset refuses it and AfterShip
///   does not save the webhook (not checked against AfterShip itself).
///
/// Source: AfterShip Tracking docs, "Webhook Signature", and its help centre, "Learn More
/// About AfterShip Tracking Webhooks". (AfterShip's other products sign differently, in
/// `as-signature-hmac-sha256`.) Proof: an independently computed vector
/// (`scripts/independent_vectors_more.py`).
pub fn aftership() -> SignatureScheme {
    SignatureScheme::new(
        "aftership",
        HeaderName::from_static("aftership-hmac-sha256"),
    )
    .encoding(Encoding::Base64)
}

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

/// [Attio](https://docs.attio.com/rest-api/how-to/webhooks).
///
/// - Signature: `Attio-Signature: <hex HMAC-SHA256 of the body>` (duplicated as
///   `X-Attio-Signature`, read when `Attio-Signature` is absent), keyed with the webhook
///   secret, as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Delivery id: `Idempotency-Key`, different for each message and the same between
///   retries and redeliveries (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: none read (a
///   body carries a list of `events`).
/// - Retries: up to 10 times with exponential back-off over about 3 days, inside the
///   default 7-day retention.
///
/// Source: Attio docs, "Webhooks" (authenticating, idempotency, retries). Proof: an
/// independently computed vector (`scripts/independent_vectors.py`).
pub fn attio() -> SignatureScheme {
    SignatureScheme::new("attio", HeaderName::from_static("attio-signature"))
        .encoding(Encoding::Hex)
        .header_fallback(
            HeaderName::from_static("attio-signature"),
            HeaderName::from_static("x-attio-signature"),
        )
        .id_from_header(HeaderName::from_static("idempotency-key"))
}

/// [Bitbucket Cloud](https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/).
///
/// - Signature: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>` (SHA-256 under
///   the unsuffixed header name).
/// - No signed timestamp. Delivery id: `X-Request-UUID` (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type:
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

/// [Bunny Stream](https://docs.bunny.net/stream/webhooks) (bunny.net) video webhooks,
/// signature version `v1`.
///
/// - Signature: `X-BunnyStream-Signature: <lowercase hex HMAC-SHA256 of the body>`, keyed
///   with the video library's Read-Only API key, as text. `X-BunnyStream-Signature-Version`
///   (`v1`) and `X-BunnyStream-Signature-Algorithm` (`hmac-sha256`) are not read: a later
///   version would fail here rather than be misread.
/// - Signed content: the exact raw body; the URL, timestamp, method and headers are not
///   signed. No signed timestamp: replay protection keys on the signature.
/// - Delivery id and event type: none read (the signed body's `VideoGuid` and `Status` are
///   the handler's to read; a video sends many statuses, so neither is a delivery key).
///
/// Source: bunny.net docs, "Stream webhooks" (signature validation). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn bunny_stream() -> SignatureScheme {
    SignatureScheme::new(
        "bunny-stream",
        HeaderName::from_static("x-bunnystream-signature"),
    )
    .encoding(Encoding::Hex)
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

/// [ClickUp](https://developer.clickup.com/docs/webhooksignature) API webhooks.
///
/// - Signature: `X-Signature: <hex HMAC-SHA256 of the body>`, keyed with the `secret`
///   returned when the webhook is created, as text.
/// - Signed content: the body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Event type: the signed body's `event` (`taskCreated`, …). No delivery id is read (the
///   body's `webhook_id` names the webhook, not the delivery).
///
/// Source: ClickUp developer docs, "Webhook signature". Proof: an independently computed
/// vector (`scripts/independent_vectors_more.py`).
pub fn clickup() -> SignatureScheme {
    SignatureScheme::new("clickup", HeaderName::from_static("x-signature"))
        .encoding(Encoding::Hex)
        .event_type_from_json("event")
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

/// [Coinify](https://coinify.readme.io/docs/webhook-signature) webhooks.
///
/// - Signature: `x-coinify-webhook-signature: <lowercase hex HMAC-SHA256 of the body>`,
///   keyed with the shared secret agreed with Coinify, as text.
/// - Signed content: the full body (UTF-8). No signed timestamp: replay protection keys on
///   the signature.
/// - Delivery id and event type: none read (the handler reads the event from the verified
///   body).
///
/// Source: Coinify docs, "Webhook Signature". Proof: the example published on that page
/// (`tests/it/independent_vectors_no_sdk.rs`) and an independently computed vector
/// (`scripts/independent_vectors_more.py`).
pub fn coinify() -> SignatureScheme {
    SignatureScheme::new(
        "coinify",
        HeaderName::from_static("x-coinify-webhook-signature"),
    )
    .encoding(Encoding::Hex)
}

/// [Datasaur](https://docs.datasaur.ai/integrations/webhook-notifications/webhook-signature)
/// webhook notifications.
///
/// - Signature: `X-Datasaur-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   secret given when the webhook was registered, as text.
/// - Signed content: the body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id and event type: none read (the handler reads the event from the verified
///   body).
///
/// Source: Datasaur docs, "Webhook Signature". Proof: the vector published on that page
/// (`tests/it/independent_vectors_no_sdk.rs`) and an independently computed one
/// (`scripts/independent_vectors_more.py`).
pub fn datasaur() -> SignatureScheme {
    SignatureScheme::new("datasaur", HeaderName::from_static("x-datasaur-signature"))
        .encoding(Encoding::Hex)
}

/// [Discourse](https://meta.discourse.org/t/configure-webhooks-that-trigger-on-discourse-events-to-integrate-with-external-services/49045)
/// webhooks with a secret.
///
/// - Signature: `X-Discourse-Event-Signature: sha256=<hex HMAC-SHA256 of the body>`, keyed
///   with the webhook's secret, as text.
/// - Signed content: the JSON body alone. No signed timestamp.
/// - Delivery id: `X-Discourse-Event-Id`, the id of Discourse's delivery record (not signed, and not used: the signature recognises a duplicate, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: `X-Discourse-Event`
///   (`post_created`, …; **not signed**: route on it only knowing that); its category is
///   `X-Discourse-Event-Type` (`post`, also unsigned, not read here).
///
/// Source: Discourse's own source, `discourse/discourse`, the `Jobs::EmitWebHookEvent`
/// spec ("sets up proper request headers") and the `web_hook` fabricator. Proof: that
/// spec's published vector and an independently computed one
/// (`tests/it/independent_vectors_no_sdk.rs`).
pub fn discourse() -> SignatureScheme {
    SignatureScheme::new(
        "discourse",
        HeaderName::from_static("x-discourse-event-signature"),
    )
    .signature_prefix("sha256=")
    .encoding(Encoding::Hex)
    .id_from_header(HeaderName::from_static("x-discourse-event-id"))
    .event_type_from_header(HeaderName::from_static("x-discourse-event"))
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

/// [Dwolla](https://developers.dwolla.com/docs/balance/webhooks) webhooks.
///
/// - Signature: `X-Request-Signature-SHA-256: <hex HMAC-SHA256 of the body>`, keyed with
///   the `secret` given when the webhook subscription was created, as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Delivery id: the signed body's `id` (the event's id, the same on every retry). Event
///   type: the signed body's `topic` (`customer_created`, …).
/// - Retries: up to 8 times over the next 72 hours, inside the default 7-day retention.
///
/// Source: Dwolla developer docs, "Working with Webhooks", "Validating webhooks" and the
/// webhooks FAQ (header, key, retries). Proof: an independently computed vector
/// (`scripts/independent_vectors_more.py`).
pub fn dwolla() -> SignatureScheme {
    SignatureScheme::new(
        "dwolla",
        HeaderName::from_static("x-request-signature-sha-256"),
    )
    .encoding(Encoding::Hex)
    .id_from_json("id")
    .event_type_from_json("topic")
}

/// [EasyPost](https://docs.easypost.com/guides/webhooks-guide#hmac-validation) webhooks
/// with a webhook secret.
///
/// - Signature: `X-Hmac-Signature: hmac-sha256-hex=<hex HMAC-SHA256 of the body>`.
/// - No signed timestamp: replay protection keys on the event's id.
/// - Delivery id: the body's `id` (`evt_…`, signed). Event type: the body's
///   `description` (such as `tracker.updated`, signed).
/// - Secret: the webhook's secret, **NFKD-normalised** as EasyPost's SDKs do before
///   keying. An ASCII secret is unchanged by that; a secret with accents must be given
///   in its NFKD form (`"se\u{301}cret"` for `sécret`): this crate does not normalise.
/// - Retries: EasyPost documents no horizon this crate could confirm.
///
/// Source: `EasyPost/easypost-python`, `easypost/util.py` (`validate_webhook`), and the
/// fixture its tests use, `EasyPost/examples` `official/fixtures/` (the published vector
/// in `tests/it/vectors_easypost_lithic_airwallex_auth0.rs`).
pub fn easypost() -> SignatureScheme {
    SignatureScheme::new("easypost", HeaderName::from_static("x-hmac-signature"))
        .signature_prefix("hmac-sha256-hex=")
        .encoding(Encoding::Hex)
        .id_from_json("id")
        .event_type_from_json("description")
}

/// [FastSpring](https://developer.fastspring.com/docs/message-security) server webhooks
/// with an "HMAC SHA256 Secret".
///
/// - Signature: `X-FS-Signature: <base64 HMAC-SHA256 of the body>`, keyed with the
///   webhook's HMAC SHA256 Secret, as text. (FastSpring may vary the header name's case;
///   HTTP header names are case-insensitive, so that changes nothing here.)
/// - Signed content: the body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id and event type: none read (a post may carry several events, each with its
///   own `id`; FastSpring asks receivers to ignore events whose id they have seen, which
///   the handler does on the verified body).
///
/// Source: FastSpring developer docs, "Message Security" (and "Webhooks Overview" on
/// duplicate events). Proof: an independently computed vector
/// (`scripts/independent_vectors_more.py`).
pub fn fastspring() -> SignatureScheme {
    SignatureScheme::new("fastspring", HeaderName::from_static("x-fs-signature"))
        .encoding(Encoding::Base64)
}

/// [Front](https://dev.frontapp.com/docs/rule-webhooks) rule webhooks (for Front's
/// application webhooks, signed over the timestamp too, this preset does not apply).
///
/// - Signature: `X-Front-Signature: <base64 HMAC-SHA1 of the body>`, keyed with the
///   company's API secret, as text.
/// - Signed content: the body alone (UTF-8). No signed timestamp: replay protection keys on
///   the signature.
/// - Delivery id and event type: none read (the body is the event, or its preview; the
///   handler reads its signed `id` and `type`).
///
/// Source: Front developer docs, "Rule webhooks" (validating data integrity). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn front_rule() -> SignatureScheme {
    SignatureScheme::new("front-rule", HeaderName::from_static("x-front-signature"))
        .algorithm(Algorithm::Sha1)
        .encoding(Encoding::Base64)
}

/// [Gitea](https://docs.gitea.com/usage/webhooks) (and Forgejo).
///
/// - Signature: `X-Gitea-Signature: <hex HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `X-Gitea-Delivery` (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type:
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
///   delivery is redelivered and named by GitHub as the key to dedupe on. Replay protection recognises a delivery by its signature (the id is not used), so a captured
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

/// [Gogs](https://gogs.io/) webhooks (the "Gogs" payload format, with a secret).
///
/// - Signature: `X-Gogs-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook's secret, as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Delivery id: `X-Gogs-Delivery`, a UUID per delivery (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
///   Event type: `X-Gogs-Event` (`push`, …; **not signed**: route on it only knowing that).
///
/// Source: Gogs' own documentation, `gogs/gogs`, `docs/advancing/webhooks.mdx` (event
/// headers). Proof: an independently computed vector (`scripts/independent_vectors_more.py`).
pub fn gogs() -> SignatureScheme {
    SignatureScheme::new("gogs", HeaderName::from_static("x-gogs-signature"))
        .encoding(Encoding::Hex)
        .id_from_header(HeaderName::from_static("x-gogs-delivery"))
        .event_type_from_header(HeaderName::from_static("x-gogs-event"))
}

/// [Grafana Alerting](https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/)
/// webhook contact points with an HMAC secret and **no** timestamp header (for one, see
/// [`grafana_timestamped`](super::grafana_timestamped)).
///
/// - Signature: `X-Grafana-Alerting-Signature: <hex HMAC-SHA256 of the body>` (Grafana's
///   default header name), keyed with the contact point's HMAC secret, as text.
/// - Signed content: the body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id and event type: none read (a body carries a group of alerts).
/// - A contact point configured with another header name: describe it with
///   [`SignatureScheme::new`] and the same settings.
///
/// Source: `grafana/alerting`, `http/hmac.go` (`HMACRoundTripper.sign`: the default header,
/// the optional timestamp and its `:` separator). Proof: an independently computed vector
/// (`scripts/independent_vectors_more.py`).
pub fn grafana() -> SignatureScheme {
    SignatureScheme::new(
        "grafana",
        HeaderName::from_static("x-grafana-alerting-signature"),
    )
    .encoding(Encoding::Hex)
}

/// [Help Scout](https://developer.helpscout.com/webhooks/) webhooks (the Webhooks app).
///
/// - Signature: `X-HelpScout-Signature: <base64 HMAC-SHA1 of the body>`, keyed with the
///   secret key set in the Webhooks app, as text.
/// - Signed content: the JSON body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id: none. Event type: `X-HelpScout-Event` (`convo.created`, …; **not
///   signed**: route on it only knowing that).
///
/// Source: Help Scout developer docs, "Webhooks" (headers and verifying). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn help_scout() -> SignatureScheme {
    SignatureScheme::new(
        "help-scout",
        HeaderName::from_static("x-helpscout-signature"),
    )
    .algorithm(Algorithm::Sha1)
    .encoding(Encoding::Base64)
    .event_type_from_header(HeaderName::from_static("x-helpscout-event"))
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

/// [LaunchDarkly](https://launchdarkly.com/docs/home/infrastructure/webhooks) signed
/// webhooks ("Sign this webhook").
///
/// - Signature: `X-LD-Signature: <hex HMAC-SHA256 of the body>`, keyed with the webhook's
///   secret (chosen, or generated by LaunchDarkly when left empty), as text.
/// - Signed content: the body alone, an audit log entry. No signed timestamp (the body's
///   `date` is signed but not used as a freshness bound).
/// - Delivery id: the signed body's `_id` (the audit log entry's id). Event type: none read
///   (the body's `kind` names the resource kind, not an event).
///
/// Source: LaunchDarkly docs, "Webhooks" (sign a webhook); LaunchDarkly's own API client,
/// `launchdarkly/api-client-javascript`, `docs/Webhook.md` (`secret`: "an HMAC SHA256 hex
/// digest of the webhook payload, using the secret as the key"). Proof: an independently
/// computed vector (`scripts/independent_vectors_more.py`).
pub fn launchdarkly() -> SignatureScheme {
    SignatureScheme::new("launchdarkly", HeaderName::from_static("x-ld-signature"))
        .encoding(Encoding::Hex)
        .id_from_json("_id")
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
/// - No signed timestamp. Delivery id: `X-Chargify-Webhook-Id` (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
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

/// [Modern Treasury](https://www.npmjs.com/package/modern-treasury).
///
/// - Signature: `X-Signature: <hex HMAC-SHA256 of the body>`, keyed with the organization's
///   webhook key (Developer Settings), as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Delivery id and event type: none read; replay protection keys on the signature, so a
///   retry (the same bytes) is recognised within the retention window.
///
/// Source: `modern-treasury` on npm (the official Node SDK), `resources/webhooks.js`:
/// `getSignature` and `validateSignature`. Proof: `tests/it/sdk_vectors_npm.rs`, fixture made
/// by that SDK (`scripts/sdk_vectors_npm.sh`).
pub fn modern_treasury() -> SignatureScheme {
    SignatureScheme::new("modern-treasury", HeaderName::from_static("x-signature"))
        .encoding(Encoding::Hex)
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

/// [Novu](https://docs.novu.co/platform/integrations/push/push-webhook)'s Push Webhook (and
/// Email Webhook) providers, configured with a "Secret HMAC Key".
///
/// - Signature: `x-novu-signature: <hex HMAC-SHA256 of the body>`, keyed with the Secret
///   HMAC Key set on the integration, as text.
/// - Signed content: the JSON body alone. No signed timestamp: replay protection keys on
///   the signature.
/// - Delivery id and event type: none read (the body carries the rendered `title`,
///   `content`, `target` tokens and the trigger's `payload`).
///
/// Source: Novu's own documentation, `novuhq/docs`,
/// `content/docs/platform/integrations/push/(providers)/push-webhook.mdx` (checking
/// authenticity). Proof: an independently computed vector
/// (`scripts/independent_vectors_more.py`).
pub fn novu() -> SignatureScheme {
    SignatureScheme::new("novu", HeaderName::from_static("x-novu-signature"))
        .encoding(Encoding::Hex)
}

/// [Nylas](https://developer.nylas.com/docs/cookbook/use-cases/build/verify-webhook-signatures/)
/// API v3 notifications.
///
/// - Signature: `x-nylas-signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   destination's `webhook_secret` (returned once, after the challenge), as text.
/// - Signed content: the exact body bytes. No signed timestamp. (Nylas may compress bodies:
///   the signature covers the bytes as sent, so do not let a proxy decompress them first.)
/// - Delivery id and event type: none read here; replay protection keys on the signature.
/// - Handshake: `GET ?challenge=…`, sent when the destination is created, is answered by
///   echoing the challenge as plain text (Nylas wants it within 10 seconds);
///   [`SignatureScheme::without_handshake`] turns that off.
///
/// Source: Nylas docs, "Verify webhook signatures" (cookbook) and "Create a webhook
/// destination" (`POST /v3/webhooks`: the `x-nylas-signature` header). Proof: an
/// independently computed vector (`scripts/independent_vectors.py`).
pub fn nylas() -> SignatureScheme {
    SignatureScheme::new("nylas", HeaderName::from_static("x-nylas-signature"))
        .encoding(Encoding::Hex)
        .handshake(RegistrationHandshake::DropboxChallenge)
}

/// [Onfido](https://www.npmjs.com/package/@onfido/api).
///
/// - Signature: `X-SHA2-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook's token, as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Event type: the signed body's `payload.action` (`check.completed`, …). No delivery id
///   is read: replay protection keys on the signature.
///
/// Source: `@onfido/api` on npm (the official Node SDK), `dist/webhook-event-verifier.js`
/// (`WebhookEventVerifier.readPayload`) and the `WebhookEventPayload` type. Proof:
/// `tests/it/sdk_vectors_npm.rs`, fixture made by that SDK.
pub fn onfido() -> SignatureScheme {
    SignatureScheme::new("onfido", HeaderName::from_static("x-sha2-signature"))
        .encoding(Encoding::Hex)
        .event_type_from_json("payload.action")
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

/// [Pusher Channels](https://www.npmjs.com/package/pusher) webhooks.
///
/// - Signature: `X-Pusher-Signature: <hex HMAC-SHA256 of the body>`, keyed with the app
///   secret, as text. `X-Pusher-Key` names the app key: it is not signed and not checked
///   here (configure one verifier per app).
/// - Signed content: the JSON body, `{"time_ms": …, "events": […]}`. Its `time_ms` is
///   signed but not used as a freshness bound: replay protection keys on the signature.
/// - Delivery id and event type: none (a body batches several events).
///
/// Source: `pusher` on npm (the official Node server SDK), `lib/webhook.js` and
/// `lib/token.js`. Proof: `tests/it/sdk_vectors_npm.rs`, fixture made by that SDK.
pub fn pusher() -> SignatureScheme {
    SignatureScheme::new("pusher", HeaderName::from_static("x-pusher-signature"))
        .encoding(Encoding::Hex)
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
/// - No signed timestamp. Delivery id: `x-razorpay-event-id` (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event
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

/// [Segment](https://www.twilio.com/docs/segment/connections/destinations/catalog/actions-webhook)
/// Webhooks (Actions) destination, with a shared secret.
///
/// - Signature: `X-Signature: <hex HMAC-SHA1 of the body>`, keyed with the shared secret
///   set in the destination's advanced settings, as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Delivery id and event type: none read (the body's shape is the destination's mapping);
///   replay protection keys on the signature.
///
/// Source: Twilio Segment docs, "Webhooks (Actions) Destination" (getting started: the
/// shared secret and the `X-Signature` HMAC). Proof: an independently computed vector
/// (`scripts/independent_vectors.py`).
pub fn segment() -> SignatureScheme {
    SignatureScheme::new("segment", HeaderName::from_static("x-signature"))
        .algorithm(Algorithm::Sha1)
        .encoding(Encoding::Hex)
}

/// [Sentry](https://docs.sentry.io/organization/integrations/integration-platform/webhooks/)
/// integration-platform webhooks.
///
/// - Signature: `Sentry-Hook-Signature: <hex HMAC-SHA256 of the body>`.
/// - `Sentry-Hook-Timestamp` is sent but not signed, so it is not checked.
/// - Delivery id: `Request-ID` (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: `Sentry-Hook-Resource` (not
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
///   for detecting duplicates (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type:
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

/// [SmartSurvey](https://docs.smartsurvey.io/docs/signing) webhooks.
///
/// - Signature: `X-SmartSurvey-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook's "Signature Key" (each webhook has its own), as text.
/// - Signed content: the body alone (JSON, or XML for webhooks set to send it). No signed
///   timestamp: replay protection keys on the signature.
/// - Delivery id and event type: none read (the handler reads the event from the verified
///   body).
///
/// Source: SmartSurvey API docs, "Signed Webhooks" (and "Webhooks Introduction"). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn smartsurvey() -> SignatureScheme {
    SignatureScheme::new(
        "smartsurvey",
        HeaderName::from_static("x-smartsurvey-signature"),
    )
    .encoding(Encoding::Hex)
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

/// [Strike](https://docs.strike.me/webhooks/signature-verification) (the Bitcoin payments
/// API) webhooks.
///
/// - Signature: `X-Webhook-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   secret given when the webhook subscription was created, as text.
/// - Signed content: the body alone (the webhook's JSON content). No signed timestamp:
///   replay protection keys on the signature.
/// - Delivery id and event type: none read (the handler reads the verified body).
///
/// Source: Strike API docs, "Signature verification" (HMAC with SHA-256 of the request's
/// JSON payload with the subscription's secret, in `X-Webhook-Signature`, compared as
/// hex). Proof: an independently computed vector (`scripts/independent_vectors_more.py`).
pub fn strike() -> SignatureScheme {
    SignatureScheme::new("strike", HeaderName::from_static("x-webhook-signature"))
        .encoding(Encoding::Hex)
}

/// [Survicate](https://developers.survicate.com/webhooks/security/) webhooks, with the
/// signing secret (recommended by Survicate over its plain `Token` header, which this
/// preset does not read).
///
/// - Signature: `Hmac: <lowercase hex HMAC-SHA256 of the body>`, keyed with the workspace's
///   webhook Signing Secret, as text.
/// - Signed content: the body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id and event type: none read (the handler reads the event from the verified
///   body).
///
/// Source: Survicate developer docs, "Webhooks: Security" (signing secret). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn survicate() -> SignatureScheme {
    SignatureScheme::new("survicate", HeaderName::from_static("hmac")).encoding(Encoding::Hex)
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

/// [Todoist](https://developer.todoist.com/) app webhooks.
///
/// - Signature: `X-Todoist-Hmac-SHA256: <base64 HMAC-SHA256 of the body>`, keyed with the
///   app's OAuth client secret, as text.
/// - Signed content: the raw body alone. No signed timestamp.
/// - Delivery id: `X-Todoist-Delivery-ID`, unique per notification and reused when a failed
///   delivery is retried (not signed, and not used: the signature recognises a duplicate, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: the signed body's
///   `event_name` (`item:added`, …).
/// - Retries: a non-200 answer is retried after 15 minutes, at most three times: well
///   inside the default 7-day retention.
///
/// Source: Todoist's official TypeScript SDK (`@doist/todoist-api-typescript`,
/// `verifyWebhookSignature`: the header, the client secret as key, base64) and Todoist's
/// developer docs, "Webhooks" (request format, delivery id, retries). Proof: an
/// independently computed vector (`scripts/independent_vectors_more.py`).
pub fn todoist() -> SignatureScheme {
    SignatureScheme::new("todoist", HeaderName::from_static("x-todoist-hmac-sha256"))
        .encoding(Encoding::Base64)
        .id_from_header(HeaderName::from_static("x-todoist-delivery-id"))
        .event_type_from_json("event_name")
}

/// [Toggl Track](https://engineering.toggl.com/docs/webhooks_start/validating_received_events)
/// webhooks.
///
/// - Signature: `X-Webhook-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, keyed with
///   the subscription's `secret` (set at creation, or assigned by Toggl), as text.
/// - Signed content: the full, unparsed body. No signed timestamp: the body's `created_at`
///   and `timestamp` are signed but not used as a freshness bound; replay protection keys
///   on the signature.
/// - Delivery id and event type: none read (the body's `event_id` is `0` for every ping,
///   so it is no delivery key; the handler reads `metadata` from the verified body).
/// - Handshake: Toggl validates a new subscription's URL endpoint with a signed `PING`
///   event; this preset answers no handshake itself, so the signed ping reaches the
///   handler (or use Toggl's asynchronous validation).
///
/// Source: Toggl Track developer docs, "Validating Received Events". Proof: both published
/// vectors on that page (`tests/it/independent_vectors_no_sdk.rs`) and an independently computed
/// one (`scripts/independent_vectors_more.py`).
pub fn toggl() -> SignatureScheme {
    SignatureScheme::new("toggl", HeaderName::from_static("x-webhook-signature-256"))
        .signature_prefix("sha256=")
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

/// [Veriff](https://devdocs.veriff.com/docs/hmac-authentication-and-endpoint-security)
/// decision and event webhooks.
///
/// - Signature: `X-HMAC-SIGNATURE: <hex HMAC-SHA256 of the body>`, keyed with the
///   integration's shared secret key (the API secret), as text. `X-AUTH-CLIENT` carries
///   the public API key: not a secret, not checked here.
/// - Signed content: the body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id and event type: none read (decision and event webhooks have different
///   shapes; the handler reads the verified body).
///
/// Source: Veriff developer docs, "HMAC Authentication and Endpoint Security" (the
/// `x-hmac-signature` header, webhooks sign the payload); Veriff's own
/// `Veriff/js-integration-demo`, `server.ts` (hex HMAC-SHA256 of the body with the API
/// secret). Proof: an independently computed vector (`scripts/independent_vectors_more.py`).
pub fn veriff() -> SignatureScheme {
    SignatureScheme::new("veriff", HeaderName::from_static("x-hmac-signature"))
        .encoding(Encoding::Hex)
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

/// [Webex](https://developer.webex.com/docs/api/guides/webhooks) (formerly Cisco Spark)
/// webhooks created with a `secret`.
///
/// - Signature: `X-Spark-Signature: <hex HMAC-SHA1 of the body>`, keyed with the webhook's
///   `secret`, as text.
/// - Signed content: the body alone. No signed timestamp: replay protection keys on the
///   signature.
/// - Delivery id and event type: none read (the body's `id` names the webhook; `resource`
///   and `event` together name what happened, and the handler reads them from the verified
///   body).
///
/// Source: Webex for Developers, "Using a Webhook Secret" (blog, with its Python
/// verifier: `hmac.new(key.encode(), raw, hashlib.sha1).hexdigest()`) and the "Webhooks"
/// guide. Proof: an independently computed vector (`scripts/independent_vectors_more.py`).
pub fn webex() -> SignatureScheme {
    SignatureScheme::new("webex", HeaderName::from_static("x-spark-signature"))
        .algorithm(Algorithm::Sha1)
        .encoding(Encoding::Hex)
}

/// [WooCommerce](https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks).
///
/// - Signature: `X-WC-Webhook-Signature: <base64 HMAC-SHA256 of the body>`.
/// - No signed timestamp. Delivery id: `X-WC-Webhook-Delivery-ID` (not signed, and not used: the signature recognises a duplicate, see
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
