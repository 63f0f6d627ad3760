//! Receive webhooks safely: one tower [`Layer`](tower_layer::Layer) proves that each
//! delivery is **authentic** (its signature was made with the shared secret, compared in
//! constant time), **fresh** (its signed timestamp is within the tolerance, neither too
//! old nor in the future) and **new** (its delivery id was not already handled), before
//! the handler runs.
//!
//! ```no_run
//! use axum::{http::StatusCode, routing::post, Router};
//! use serde::Deserialize;
//! use tower_webhook::{providers, Delivery, Verifier, Webhook, WebhookLayer};
//!
//! #[derive(Deserialize)]
//! struct Event {
//!     #[serde(rename = "type")]
//!     kind: String,
//! }
//!
//! async fn on_stripe(delivery: Delivery, Webhook(event): Webhook<Event>) -> StatusCode {
//!     println!("{} {}", delivery.id(), event.kind);
//!     StatusCode::OK
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let stripe = Verifier::new(providers::stripe(), std::env::var("STRIPE_WEBHOOK_SECRET")?)?;
//! let app = Router::new()
//!     .route("/webhooks/stripe", post(on_stripe))
//!     .route_layer(WebhookLayer::new(stripe));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```
//!
//! # The pieces
//! - [`providers`]: a preset for each provider the crate ships, with what each signs;
//!   [`scheme::SignatureScheme`] describes any other provider as data,
//!   [`scheme::TokenScheme`] a shared-token one, [`scheme::CredentialScheme`] one that
//!   sends only HTTP Basic credentials or an API key, and the [`Scheme`] trait anything
//!   else.
//! - [`Verifier`]: a scheme, its secrets (several during a rotation), the timestamp
//!   tolerance and a clock. Synchronous, usable from any framework.
//! - [`WebhookLayer`]: the tower middleware: source allow-list, body limit, verification,
//!   replay protection through a [`replay::ReplayStore`]; one endpoint for many sources
//!   with [`layer::Sources`].
//! - [`Delivery`]: what was verified, in the request's extensions, and whether its id and
//!   event type are signed; with the `axum` feature, [`Webhook<T>`] extracts the parsed
//!   event.
//! - [`dispatch::Dispatch`]: routes each verified delivery to the handler registered for
//!   its event type (`push`, GitHub's `issues.opened`, prefixes such as
//!   `customer.subscription.*`, a fallback), and acknowledges the rest.
//! - `inbox::Inbox` (features `inbox-sqlite`, `inbox-postgres`): the durable inbox, which
//!   answers the provider once a delivery is written and runs the handler from workers.
//! - [`Signer`]: signs requests as the provider would, for tests and senders.
//!
//! # Guides
//! - [Providers](providers): the presets, what each signs, and the replay keys that
//!   follow from it.
//! - [Describing another provider](scheme).
//! - [The layer](layer): what it answers, its configuration, many sources on one
//!   endpoint.
//! - [Replay stores](replay): memory, Redis, PostgreSQL, and what happens when one fails.
//! - [Routing events](dispatch): dispatch by event type, and unsigned event types.
//! - Typed GitHub and Stripe payloads (`typed`, features `github-types`, `stripe-types`).
//! - The durable inbox (`inbox`, features `inbox-sqlite`, `inbox-postgres`).
//! - [Signing and testing your receiver](Signer).
//!
//! # Features
//! - `axum` (default): the [`Webhook`] extractor and [`Delivery`] as an extractor.
//! - `redis`: `replay::RedisStore`, a replay store shared by several instances.
//! - `postgres`: `replay::PostgresStore`, a replay store in PostgreSQL, so a Postgres-only
//!   deployment needs no Redis.
//! - `inbox-sqlite`: the durable inbox (`inbox`) on an embedded SQLite file, with sqlx's
//!   bundled SQLite.
//! - `inbox-postgres`: the durable inbox on PostgreSQL, for several instances sharing it;
//!   sqlx's pure-Rust driver.
//! - `inbox-router`: `inbox::Inbox::router`, the inbox's operations as a JSON API (an axum
//!   `Router` to mount behind your own authentication). Needs an engine feature too.
//! - `inbox-console`: `inbox::Inbox::console`, the operator console: server-rendered
//!   pages (maud) to see, search, replay and forget deliveries, with its own token login
//!   or behind your authentication. Implies `inbox-router`.
//! - `postgres-tls`: TLS to PostgreSQL (`sslmode=require` or `verify-full`), for the inbox
//!   and the replay store: rustls with the webpki roots, no system OpenSSL.
//! - `github-types`: `typed::GitHubEvent`, GitHub payloads parsed by octocrab's webhook
//!   models (octocrab's default features off: no HTTP client), falling back to the raw
//!   JSON.
//! - `stripe-types`: `typed::StripeEvent`, Stripe events parsed by async-stripe's webhook
//!   `Event`, falling back to the raw JSON.
//! - `rsa`: RSA PKCS#1 v1.5 signatures (`scheme::Algorithm::RsaPkcs1v15Sha256`) and the
//!   Wise preset (`providers::wise`).
//! - `paypal`: PayPal's certificate-verified webhooks (`providers::paypal`,
//!   `providers::paypal::Certificates`); implies `rsa`.
//! - `jwt`: `scheme::JwtScheme`, deliveries signed with a JWT whose claims carry the
//!   body's SHA-256 (the Plaid and Vonage presets), verified with jsonwebtoken on its
//!   pure-Rust RustCrypto backend.
//! - `metrics`: [`metrics`], what the layer, the source lookups and the
//!   inbox record through the `metrics` facade (requests by outcome and reason,
//!   verification and handler time, the inbox's states, lag and attempts), for the
//!   exporter the application installs.
//! - `opentelemetry`: the inbox keeps the W3C `traceparent` of the span a delivery is
//!   accepted in, and each attempt's span continues that trace (with a
//!   `tracing_opentelemetry` layer installed): `opentelemetry` (its API, `trace` only)
//!   and `tracing-opentelemetry`, no SDK or exporter. `examples/otlp.rs` exports to a
//!   collector.
//! - `forward`: `forward::Forward`, a tower `Service` that sends each verified delivery
//!   to an internal HTTP destination, signed anew with Standard Webhooks (hyper's client).

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

/// Link definitions that send the guides' links to each other (relative `.md` links, for
/// GitHub) to the rustdoc items that include those guides instead: in Markdown the first
/// definition of a label wins, so a module puts these before its guide.
macro_rules! guide_links {
    () => {
        concat!(
            "[custom-providers]: crate::scheme\n",
            "[dispatch]: crate::dispatch\n",
            "[dispatch-unsigned]: crate::dispatch#unsigned-event-types\n",
            "[providers]: crate::providers\n",
            "[providers-table]: crate::providers#the-presets\n",
            "[signed]: crate::providers#what-is-signed\n",
            "[replay]: crate::replay\n",
            "[sources]: crate::layer#many-sources-on-one-endpoint\n",
            "[cli]: https://github.com/tower-webhook/tower-webhook/blob/main/docs/cli.md\n",
            "[security]: https://github.com/tower-webhook/tower-webhook/blob/main/SECURITY.md\n",
            inbox_link!(),
            typed_link!(),
        )
    };
}
#[cfg(inbox)]
macro_rules! inbox_link {
    () => {
        "[inbox]: crate::inbox\n"
    };
}
#[cfg(not(inbox))]
macro_rules! inbox_link {
    () => {
        "[inbox]: https://github.com/tower-webhook/tower-webhook/blob/main/docs/inbox.md\n"
    };
}
#[cfg(any(feature = "github-types", feature = "stripe-types"))]
macro_rules! typed_link {
    () => {
        "[typed]: crate::typed\n"
    };
}
#[cfg(not(any(feature = "github-types", feature = "stripe-types")))]
macro_rules! typed_link {
    () => {
        "[typed]: https://github.com/tower-webhook/tower-webhook/blob/main/docs/typed-payloads.md\n"
    };
}

mod body;
mod clock;
mod delivery;
pub mod dispatch;
mod extract;
#[cfg(feature = "forward")]
#[cfg_attr(docsrs, doc(cfg(feature = "forward")))]
pub mod forward;
#[cfg(inbox)]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "inbox-sqlite", feature = "inbox-postgres")))
)]
pub mod inbox;
pub mod layer;
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub mod metrics;
#[cfg(not(feature = "metrics"))]
#[allow(dead_code, unreachable_pub, unused_imports)]
mod metrics;
pub mod providers;
mod rejection;
pub mod replay;
pub mod scheme;
mod secret;
mod sign;
#[cfg(any(feature = "github-types", feature = "stripe-types"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "github-types", feature = "stripe-types")))
)]
pub mod typed;
mod verifier;

pub use crate::clock::{Clock, SystemClock};
pub use crate::delivery::{Delivery, UnsignedIdPolicy};
pub use crate::extract::Webhook;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use crate::extract::WebhookRejection;
pub use crate::layer::{WebhookLayer, WebhookService};
pub use crate::rejection::{ConfigError, Rejection, RejectionKind};
pub use crate::scheme::Scheme;
pub use crate::secret::Secret;
pub use crate::sign::Signer;
pub use crate::verifier::{Verifier, VerifierBuilder, DEFAULT_TOLERANCE};

/// The README's Rust examples, compiled and run as doc tests so they cannot drift from
/// the API.
#[cfg(all(
    doctest,
    feature = "axum",
    feature = "redis",
    feature = "inbox-sqlite",
    feature = "github-types",
    feature = "stripe-types"
))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
