//! The integration tests, one binary: each module checks one behaviour through the
//! public API. (Tests that need a process of their own — a global allocator, a global
//! tracing subscriber — are separate files beside this directory.)

mod common;

mod adyen;
mod allowed_networks;
mod body_frames;
mod braintree;
mod captured_copies;
mod configuration;
mod credentials;
mod diagnostics;
#[cfg(feature = "axum")]
mod dispatch;
mod dispatch_hyper;
mod exactly_once;
#[cfg(all(inbox, feature = "forward", feature = "axum"))]
mod forward;
#[cfg(feature = "axum")]
mod github_examples;
mod handshakes;
mod hookdeck;
mod hostile;
#[cfg(feature = "axum")]
mod http_semantics;
mod hyper_server;
#[cfg(all(inbox, feature = "axum"))]
mod inbox_alerts;
#[cfg(all(inbox, feature = "axum"))]
mod inbox_at_rest;
#[cfg(all(inbox, feature = "axum"))]
mod inbox_attempt_timeout;
#[cfg(all(feature = "inbox-console", feature = "inbox-sqlite", feature = "axum"))]
mod inbox_console;
#[cfg(all(inbox, feature = "axum"))]
mod inbox_contract;
#[cfg(all(inbox, feature = "axum"))]
mod inbox_failure_reasons;
#[cfg(all(inbox, feature = "inbox-router", feature = "axum"))]
mod inbox_health;
#[cfg(all(inbox, feature = "axum"))]
mod inbox_retention;
#[cfg(all(feature = "inbox-router", feature = "inbox-sqlite", feature = "axum"))]
mod inbox_router;
#[cfg(all(inbox, feature = "axum"))]
mod inbox_secrets;
#[cfg(all(feature = "inbox-sqlite", feature = "axum", feature = "opentelemetry"))]
mod inbox_trace;
mod independent_vectors;
mod independent_vectors_no_sdk;
#[cfg(feature = "jwt")]
mod jwt;
#[cfg(feature = "jwt")]
mod jwt_hs256_secret;
#[cfg(feature = "axum")]
mod many_sources;
mod memory_store;
mod observability_attacks;
#[cfg(all(feature = "paypal", feature = "axum"))]
mod paypal;
mod preset_details;
mod presets;
mod properties;
mod readme;
#[cfg(feature = "axum")]
mod receiver;
#[cfg(all(feature = "metrics", feature = "inbox-sqlite", feature = "axum"))]
mod receiver_observability;
#[cfg(all(feature = "redis", feature = "axum"))]
mod redis_http;
#[cfg(all(feature = "redis", feature = "axum"))]
mod redis_persistence_check;
mod relabelled_copies;
mod replay_contract;
mod replayed_deliveries;
mod retries;
#[cfg(feature = "axum")]
mod rsa;
mod sdk_vectors;
mod sdk_vectors_npm;
mod secrets;
#[cfg(all(inbox, feature = "axum"))]
mod slack_alerts;
#[cfg(feature = "axum")]
mod source_expiry;
#[cfg(feature = "axum")]
mod source_identity;
#[cfg(feature = "axum")]
mod source_key_paths;
#[cfg(feature = "axum")]
mod source_lookup_failures;
#[cfg(feature = "axum")]
mod stripe_events;
mod twilio_url_encoding;
#[cfg(all(
    feature = "axum",
    any(feature = "github-types", feature = "stripe-types")
))]
mod typed_examples;
mod vectors;
mod vectors_easypost_lithic_airwallex_auth0;
