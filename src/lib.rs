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
//! - [`providers`]: a preset for each provider the crate ships (the README's Providers
//!   table lists them, with what each signs); [`scheme::SignatureScheme`] describes any
//!   other provider as data, [`scheme::TokenScheme`] a shared-token one,
//!   [`scheme::CredentialScheme`] one that sends only HTTP Basic credentials or an API
//!   key, and the [`Scheme`] trait anything else.
//! - [`Verifier`]: a scheme, its secrets (several during a rotation), the timestamp
//!   tolerance and a clock. Synchronous, usable from any framework.
//! - [`WebhookLayer`]: the tower middleware: source allow-list, body limit, verification,
//!   replay protection through a [`replay::ReplayStore`].
//! - [`Delivery`]: what was verified, in the request's extensions, and whether its id and
//!   event type are signed; with the `axum` feature, [`Webhook<T>`] extracts the parsed
//!   event.
//! - [`dispatch::Dispatch`]: routes each verified delivery to the handler registered for
//!   its event type (`push`, GitHub's `issues.opened`, prefixes such as
//!   `customer.subscription.*`, a fallback), and acknowledges the rest.
//! - [`Signer`]: signs requests as the provider would, for tests and senders.
//!
//! # Features
//! - `axum` (default): the [`Webhook`] extractor and [`Delivery`] as an extractor.
//! - `redis`: [`replay::RedisStore`], a replay store shared by several instances.
//! - `github-types`: `typed::GitHubEvent`, GitHub payloads parsed by octocrab's webhook
//!   models (octocrab's default features off: no HTTP client), falling back to the raw
//!   JSON.
//! - `stripe-types`: `typed::StripeEvent`, Stripe events parsed by async-stripe's webhook
//!   `Event`, falling back to the raw JSON.
//! - `rsa`: RSA PKCS#1 v1.5 signatures (`scheme::Algorithm::RsaPkcs1v15Sha256`) and the
//!   Wise preset (`providers::wise`).
//! - `paypal`: PayPal's certificate-verified webhooks (`providers::paypal`,
//!   `providers::PayPalCertificates`); implies `rsa`.
//! - `jwt`: `scheme::JwtScheme`, deliveries signed with a JWT whose claims carry the
//!   body's SHA-256 (the Plaid and Vonage presets), verified with jsonwebtoken on its
//!   pure-Rust RustCrypto backend.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

mod clock;
mod delivery;
pub mod dispatch;
mod extract;
#[cfg(any(feature = "inbox-sqlite", feature = "inbox-postgres"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "inbox-sqlite", feature = "inbox-postgres")))
)]
pub mod inbox;
pub mod layer;
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
pub use crate::layer::{AllowedSources, ClientAddress, WebhookLayer, WebhookService};
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
