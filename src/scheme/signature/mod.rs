//! The declarative signature scheme: most providers sign one recipe — an HMAC, or an
//! Ed25519/ECDSA signature — over different headers, prefixes, encodings and
//! signed-content order, so a preset is a few lines of data and users can describe
//! providers the crate does not ship.
//!
//! - `describe.rs`: the description (the public enums, the chained setters, and the
//!   checks that refuse a description that would verify less than it claims);
//! - `engine.rs`: reading the signature header, resolving the signed parts, and
//!   verifying, signing and answering handshakes.

mod describe;
mod engine;

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderName;

use super::crypto::Algorithm;
use super::json::JsonPath;
use super::{Encoding, PublicBase, RegistrationHandshake, TimestampFormat};
use crate::ConfigError;

pub use self::describe::{FieldSource, Part, SecretFormat};

/// The most entries a signature header may hold (`v1=…,v1=…` or `v1,… v1,…`). A header
/// with more is refused as malformed, which bounds the work an attacker can cause.
pub const MAX_SIGNATURE_ENTRIES: usize = 16;

/// A provider whose signature (an HMAC, or an Ed25519 or ECDSA P-256 signature) covers
/// parts of the request, described as data.
///
/// Made with [`SignatureScheme::new`] and described with chained setters; the description
/// is checked once, when a [`Verifier`](crate::Verifier) is built on it
/// ([`Scheme::validate`](crate::Scheme::validate)), and a preset is adjusted with the same
/// setters (`providers::square().public_url("https://hooks.example.com")`). Most of the
/// crate's presets are `SignatureScheme`s; this is how Stripe is described:
///
/// ```
/// use http::HeaderName;
/// use tower_webhook::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};
/// use tower_webhook::Verifier;
///
/// let stripe = SignatureScheme::new("stripe", HeaderName::from_static("stripe-signature"))
///     .signature_separator(',')
///     .signature_prefix("v1=")
///     .encoding(Encoding::Hex)
///     .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
///     .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
///     .id_from_json("id")
///     .event_type_from_json("type");
/// let verifier = Verifier::new(stripe, "whsec_…").unwrap();
/// # let _ = verifier;
/// ```
#[derive(Debug, Clone)]
pub struct SignatureScheme {
    provider: Cow<'static, str>,
    algorithm: Algorithm,
    signature_header: HeaderName,
    separator: Option<char>,
    signature_prefix: Cow<'static, str>,
    /// Text that may follow a signature entry and is not part of it (Supabase's `, `
    /// joins leave a `,` after every entry but the last).
    signature_suffix: Option<char>,
    encoding: Encoding,
    timestamp: Option<(describe::TimestampSource, TimestampFormat)>,
    parts: Vec<Part>,
    id: Option<FieldSource>,
    event_type: Option<FieldSource>,
    secret_format: SecretFormat,
    signing_secret_format: Option<SecretFormat>,
    tolerance: Duration,
    default_body_limit: Option<usize>,
    empty_responses: bool,
    /// Why a form body (`application/x-www-form-urlencoded`) is refused, when the provider
    /// sends one that this description cannot verify (Gitea's form content type).
    form_refusal: Option<&'static str>,
    /// Parsed when set; a malformed one is reported by `validate`.
    public_url: Option<Result<PublicBase, ConfigError>>,
    /// The exact URL signed, when the provider signs a fixed URL (Square's notification
    /// URL) rather than the one requested; checked when set, reported by `validate`.
    exact_url: Option<Result<Box<str>, ConfigError>>,
    trust_host: bool,
    fallbacks: Vec<(HeaderName, HeaderName)>,
    handshake: Option<RegistrationHandshake>,
    /// The JSON sources, shared with each delivery that reads them lazily.
    id_json: Option<Arc<JsonPath>>,
    event_type_json: Option<Arc<JsonPath>>,
}
