//! More presets whose signature is an HMAC of the body alone, sent in one header (beside
//! those of `body_hmac.rs`). No signed timestamp: replay protection
//! keys on a signed body id where the payload has one, else on the signature itself.

use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, RegistrationHandshake, SignatureScheme};

/// [Attio](https://docs.attio.com/rest-api/how-to/webhooks).
///
/// - Signature: `Attio-Signature: <hex HMAC-SHA256 of the body>` (duplicated as
///   `X-Attio-Signature`, read when `Attio-Signature` is absent), keyed with the webhook
///   secret, as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Delivery id: `Idempotency-Key`, different for each message and the same between
///   retries and redeliveries (not signed: a duplicate is one whose id *or* signature was
///   seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: none read (a
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

/// [Modern Treasury](https://www.npmjs.com/package/modern-treasury).
///
/// - Signature: `X-Signature: <hex HMAC-SHA256 of the body>`, keyed with the organization's
///   webhook key (Developer Settings), as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Delivery id and event type: none read; replay protection keys on the signature, so a
///   retry (the same bytes) is recognised within the retention window.
///
/// Source: `modern-treasury` on npm (the official Node SDK), `resources/webhooks.js`:
/// `getSignature` and `validateSignature`. Proof: `tests/sdk_vectors_more.rs`, fixture made
/// by that SDK (`scripts/sdk_vectors_more.sh`).
pub fn modern_treasury() -> SignatureScheme {
    SignatureScheme::new("modern-treasury", HeaderName::from_static("x-signature"))
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
/// `tests/sdk_vectors_more.rs`, fixture made by that SDK.
pub fn onfido() -> SignatureScheme {
    SignatureScheme::new("onfido", HeaderName::from_static("x-sha2-signature"))
        .encoding(Encoding::Hex)
        .event_type_from_json("payload.action")
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
/// `lib/token.js`. Proof: `tests/sdk_vectors_more.rs`, fixture made by that SDK.
pub fn pusher() -> SignatureScheme {
    SignatureScheme::new("pusher", HeaderName::from_static("x-pusher-signature"))
        .encoding(Encoding::Hex)
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

/// [Gogs](https://gogs.io/) webhooks (the "Gogs" payload format, with a secret).
///
/// - Signature: `X-Gogs-Signature: <hex HMAC-SHA256 of the body>`, keyed with the
///   webhook's secret, as text.
/// - Signed content: the body alone. No signed timestamp.
/// - Delivery id: `X-Gogs-Delivery`, a UUID per delivery (not signed: a duplicate is one
///   whose id *or* signature was seen, see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)).
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

/// [Discourse](https://meta.discourse.org/t/configure-webhooks-that-trigger-on-discourse-events-to-integrate-with-external-services/49045)
/// webhooks with a secret.
///
/// - Signature: `X-Discourse-Event-Signature: sha256=<hex HMAC-SHA256 of the body>`, keyed
///   with the webhook's secret, as text.
/// - Signed content: the JSON body alone. No signed timestamp.
/// - Delivery id: `X-Discourse-Event-Id`, the id of Discourse's delivery record (not
///   signed: a duplicate is one whose id *or* signature was seen, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: `X-Discourse-Event`
///   (`post_created`, …; **not signed**: route on it only knowing that); its category is
///   `X-Discourse-Event-Type` (`post`, also unsigned, not read here).
///
/// Source: Discourse's own source, `discourse/discourse`, the `Jobs::EmitWebHookEvent`
/// spec ("sets up proper request headers") and the `web_hook` fabricator. Proof: that
/// spec's published vector and an independently computed one
/// (`tests/independent_vectors_more.rs`).
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

/// [Todoist](https://developer.todoist.com/) app webhooks.
///
/// - Signature: `X-Todoist-Hmac-SHA256: <base64 HMAC-SHA256 of the body>`, keyed with the
///   app's OAuth client secret, as text.
/// - Signed content: the raw body alone. No signed timestamp.
/// - Delivery id: `X-Todoist-Delivery-ID`, unique per notification and reused when a failed
///   delivery is retried (not signed: a duplicate is one whose id *or* signature was seen,
///   see [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)). Event type: the signed body's
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
/// vectors on that page (`tests/independent_vectors_more.rs`) and an independently computed
/// one (`scripts/independent_vectors_more.py`).
pub fn toggl() -> SignatureScheme {
    SignatureScheme::new("toggl", HeaderName::from_static("x-webhook-signature-256"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
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
/// (`tests/independent_vectors_more.rs`) and an independently computed one
/// (`scripts/independent_vectors_more.py`).
pub fn datasaur() -> SignatureScheme {
    SignatureScheme::new("datasaur", HeaderName::from_static("x-datasaur-signature"))
        .encoding(Encoding::Hex)
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
/// (`tests/independent_vectors_more.rs`) and an independently computed vector
/// (`scripts/independent_vectors_more.py`).
pub fn coinify() -> SignatureScheme {
    SignatureScheme::new(
        "coinify",
        HeaderName::from_static("x-coinify-webhook-signature"),
    )
    .encoding(Encoding::Hex)
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
