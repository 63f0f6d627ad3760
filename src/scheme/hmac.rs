//! The declarative HMAC scheme: most providers are one HMAC recipe with different
//! headers, prefixes, encodings and signed-content order, so a preset is a few lines of
//! data and users can describe providers the crate does not ship.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::HeaderName;

use super::crypto::{
    self, Algorithm, SchemeKey, MAX_PUBLIC_KEY_SIGNATURES, MAX_SIGNATURE, MAX_TAG,
};
use super::header_value;
use super::json::{find_fields, JsonPath};
use super::{
    parse_timestamp, path_and_query, url_base, Encoding, HandshakeResponse, Message, PublicBase,
    RegistrationHandshake, Scheme, TimestampFormat, Verified, WebhookRequest,
};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

/// The most entries a signature header may hold (`v1=…,v1=…` or `v1,… v1,…`). A header
/// with more is refused as malformed, which bounds the work an attacker can cause.
pub const MAX_SIGNATURE_ENTRIES: usize = 16;

/// Most signed parts a scheme may have.
const MAX_PARTS: usize = 16;

/// How a configured secret becomes the HMAC key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretFormat {
    /// The secret's bytes are the key, as given (Stripe, GitHub, Slack, …).
    Raw,
    /// The secret is standard base64, optionally after a prefix that is stripped when
    /// present (Standard Webhooks: `whsec_` then base64).
    Base64 {
        /// A prefix to strip first, such as `whsec_`.
        prefix: Option<&'static str>,
    },
    /// The secret is hexadecimal text.
    Hex,
}

/// One piece of the signed content, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// The raw body bytes.
    Body,
    /// The timestamp exactly as sent.
    Timestamp,
    /// The delivery id exactly as sent in the id header ([`FieldSource::Header`]).
    Id,
    /// The value of a header, exactly as sent. The header is required.
    Header(HeaderName),
    /// Fixed text such as `.` or `v0:`.
    Literal(Cow<'static, str>),
    /// The request method (`POST`).
    Method,
    /// The public URL: the configured public base (see
    /// [`HmacSchemeBuilder::public_url`] and [`HmacScheme::with_public_url`]) followed by
    /// the request's path and query. A verifier for a scheme that signs it cannot be built
    /// without that base, unless the scheme was told to
    /// [trust the `Host` header](HmacScheme::dangerously_trust_host_header).
    Url,
}

impl Part {
    /// Fixed text.
    pub fn literal(text: impl Into<Cow<'static, str>>) -> Self {
        Part::Literal(text.into())
    }
}

/// Where a value (the delivery id, the event type) is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldSource {
    /// A request header.
    Header(HeaderName),
    /// A string or integer field of the JSON body, read only after the signature is
    /// verified.
    Json(JsonPath),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TimestampSource {
    Header(HeaderName),
    SignatureEntry(Cow<'static, str>),
    Json(JsonPath),
}

/// A provider whose signature is an HMAC over parts of the request, described as data.
///
/// Built with [`HmacScheme::builder`]. Most of the crate's presets are `HmacScheme`s;
/// this is how Stripe is described:
///
/// ```
/// use tower_webhook::scheme::{Encoding, FieldSource, HmacScheme, Part, TimestampFormat};
///
/// let stripe = HmacScheme::builder("stripe", "stripe-signature")
///     .signature_separator(',')
///     .signature_prefix("v1=")
///     .encoding(Encoding::Hex)
///     .timestamp_in_signature("t=", TimestampFormat::UnixSeconds)
///     .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
///     .id_from_json("id")
///     .event_type_from_json("type")
///     .build()
///     .unwrap();
/// # let _ = stripe;
/// ```
#[derive(Debug, Clone)]
pub struct HmacScheme {
    provider: Cow<'static, str>,
    algorithm: Algorithm,
    signature_header: HeaderName,
    separator: Option<char>,
    signature_prefix: Cow<'static, str>,
    encoding: Encoding,
    timestamp: Option<(TimestampSource, TimestampFormat)>,
    parts: Vec<Part>,
    id: Option<FieldSource>,
    event_type: Option<FieldSource>,
    secret_format: SecretFormat,
    signing_secret_format: Option<SecretFormat>,
    tolerance: Duration,
    public_url: Option<PublicBase>,
    trust_host: bool,
    fallbacks: Vec<(HeaderName, HeaderName)>,
    handshake: Option<RegistrationHandshake>,
    /// The JSON sources, shared with each delivery that reads them lazily.
    id_json: Option<Arc<JsonPath>>,
    event_type_json: Option<Arc<JsonPath>>,
}

/// Describes an [`HmacScheme`]. Every option has a default that fits the simplest
/// providers: HMAC-SHA256, hex, no prefix, one signature, the body alone signed, no
/// timestamp, the raw secret as key.
#[derive(Debug, Clone)]
#[must_use]
pub struct HmacSchemeBuilder {
    provider: Cow<'static, str>,
    algorithm: Algorithm,
    signature_header: Cow<'static, str>,
    separator: Option<char>,
    signature_prefix: Cow<'static, str>,
    encoding: Encoding,
    timestamp: Option<(TimestampSourceSpec, TimestampFormat)>,
    parts: Vec<Part>,
    id: Option<FieldSpec>,
    event_type: Option<FieldSpec>,
    secret_format: SecretFormat,
    signing_secret_format: Option<SecretFormat>,
    tolerance: Duration,
    public_url: Option<String>,
    trust_host: bool,
    fallbacks: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    handshake: Option<RegistrationHandshake>,
}

#[derive(Debug, Clone)]
enum TimestampSourceSpec {
    Header(Cow<'static, str>),
    SignatureEntry(Cow<'static, str>),
    Json(JsonPath),
}

#[derive(Debug, Clone)]
enum FieldSpec {
    Header(Cow<'static, str>),
    Json(JsonPath),
}

impl HmacScheme {
    /// Starts describing a provider: its name (which namespaces its delivery ids) and the
    /// header that carries the signature.
    pub fn builder(
        provider: impl Into<Cow<'static, str>>,
        signature_header: impl Into<Cow<'static, str>>,
    ) -> HmacSchemeBuilder {
        HmacSchemeBuilder {
            provider: provider.into(),
            algorithm: Algorithm::Sha256,
            signature_header: signature_header.into(),
            separator: None,
            signature_prefix: Cow::Borrowed(""),
            encoding: Encoding::Hex,
            timestamp: None,
            parts: vec![Part::Body],
            id: None,
            event_type: None,
            secret_format: SecretFormat::Raw,
            signing_secret_format: None,
            tolerance: crate::verifier::DEFAULT_TOLERANCE,
            public_url: None,
            trust_host: false,
            fallbacks: Vec::new(),
            handshake: None,
        }
    }

    /// Returns the same scheme under another provider name (its replay namespace).
    pub fn with_provider(mut self, provider: impl Into<Cow<'static, str>>) -> Self {
        self.provider = provider.into();
        self
    }

    /// Returns the same scheme without its registration handshake: handshake requests then
    /// reach the handler like any delivery (or are refused when unsigned).
    pub fn without_handshake(mut self) -> Self {
        self.handshake = None;
        self
    }

    /// Returns the same scheme with a registration handshake answered by the layer.
    pub fn with_handshake(mut self, handshake: RegistrationHandshake) -> Self {
        self.handshake = Some(handshake);
        self
    }

    /// Returns the same scheme with another default tolerance.
    pub fn with_default_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the public base URL (such as `https://hooks.example.com`) used by
    /// [`Part::Url`]: the URL the provider calls, whose path and query are the request's.
    /// Required for a scheme that signs the URL: the `Host` header and the request's own
    /// URL are chosen by whoever sends the request. (Without it, [`Scheme::sign`] signs the
    /// URL of the request it is given, as a provider would.)
    pub fn with_public_url(mut self, base: &str) -> Result<Self, ConfigError> {
        self.public_url = Some(PublicBase::parse(base)?);
        Ok(self)
    }

    /// Without a public URL, forms the URL for [`Part::Url`] from the request itself: its
    /// absolute URI (as HTTP/2 sends it), else `https://` and its `Host` header.
    ///
    /// Anyone can send any `Host`: a delivery signed for another host that shares this
    /// secret (another environment or tenant) would then verify here. Only for a server
    /// behind a proxy that sets `Host` to the public host itself; prefer
    /// [`with_public_url`](Self::with_public_url), which takes precedence when both are set.
    pub fn dangerously_trust_host_header(mut self) -> Self {
        self.trust_host = true;
        self
    }
}

impl HmacSchemeBuilder {
    /// The signature algorithm (default HMAC-SHA256).
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The text encoding of the signature (default hex).
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Text before each signature, such as `sha256=`, `v1=` or `v1,` (default none).
    /// Entries with another prefix (other versions) are ignored.
    pub fn signature_prefix(mut self, prefix: impl Into<Cow<'static, str>>) -> Self {
        self.signature_prefix = prefix.into();
        self
    }

    /// The header holds a list of entries separated by this character (`,` for Stripe, a
    /// space for Standard Webhooks). Any entry that matches any secret passes.
    pub fn signature_separator(mut self, separator: char) -> Self {
        self.separator = Some(separator);
        self
    }

    /// The signed timestamp is in its own header. The signed parts must cover it:
    /// [`Part::Timestamp`], or [`Part::Header`] of this header.
    pub fn timestamp_header(
        mut self,
        header: impl Into<Cow<'static, str>>,
        format: TimestampFormat,
    ) -> Self {
        self.timestamp = Some((TimestampSourceSpec::Header(header.into()), format));
        self
    }

    /// The signed timestamp is an entry of the signature header with this prefix (`t=`
    /// for Stripe). An empty prefix means the header's first entry, whatever it holds
    /// (Recurly: `<timestamp>,<signature>,…`). Needs
    /// [`signature_separator`](Self::signature_separator), and [`Part::Timestamp`] among
    /// the signed parts.
    pub fn timestamp_in_signature(
        mut self,
        prefix: impl Into<Cow<'static, str>>,
        format: TimestampFormat,
    ) -> Self {
        self.timestamp = Some((TimestampSourceSpec::SignatureEntry(prefix.into()), format));
        self
    }

    /// The timestamp is a field of the signed JSON body (Linear's `webhookTimestamp`),
    /// read after the signature verifies. Needs [`Part::Body`] among the signed parts.
    pub fn timestamp_from_json(
        mut self,
        path: impl Into<JsonPath>,
        format: TimestampFormat,
    ) -> Self {
        self.timestamp = Some((TimestampSourceSpec::Json(path.into()), format));
        self
    }

    /// The signed content, in order (default: the body alone). At most 16 pieces, each
    /// [`Part::Url`] counting as 3.
    pub fn signed_parts(mut self, parts: impl IntoIterator<Item = Part>) -> Self {
        self.parts = parts.into_iter().collect();
        self
    }

    /// The delivery id is in this header.
    pub fn id_from_header(mut self, header: impl Into<Cow<'static, str>>) -> Self {
        self.id = Some(FieldSpec::Header(header.into()));
        self
    }

    /// The delivery id is this field of the JSON body (`"id"`, or a dotted path).
    pub fn id_from_json(mut self, path: impl Into<JsonPath>) -> Self {
        self.id = Some(FieldSpec::Json(path.into()));
        self
    }

    /// The event type is in this header.
    pub fn event_type_from_header(mut self, header: impl Into<Cow<'static, str>>) -> Self {
        self.event_type = Some(FieldSpec::Header(header.into()));
        self
    }

    /// The event type is this field of the JSON body (`"type"`, `"event.type"`).
    pub fn event_type_from_json(mut self, path: impl Into<JsonPath>) -> Self {
        self.event_type = Some(FieldSpec::Json(path.into()));
        self
    }

    /// How a configured secret becomes the key (default: its raw bytes).
    pub fn secret_format(mut self, format: SecretFormat) -> Self {
        self.secret_format = format;
        self
    }

    /// How a signing secret (for [`Scheme::sign`]) is decoded, when it differs from the
    /// verification secret: the private key of an asymmetric scheme (default: as
    /// [`secret_format`](Self::secret_format)).
    pub fn signing_secret_format(mut self, format: SecretFormat) -> Self {
        self.signing_secret_format = Some(format);
        self
    }

    /// The provider's documented timestamp tolerance (default five minutes).
    pub fn default_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The public base URL for [`Part::Url`] (see [`HmacScheme::with_public_url`]),
    /// checked by [`build`](Self::build).
    pub fn public_url(mut self, base: impl Into<String>) -> Self {
        self.public_url = Some(base.into());
        self
    }

    /// Trusts the request's `Host` header for [`Part::Url`] when no public URL is set: see
    /// [`HmacScheme::dangerously_trust_host_header`].
    pub fn dangerously_trust_host_header(mut self) -> Self {
        self.trust_host = true;
        self
    }

    /// The provider's endpoint-registration handshake, answered by the layer.
    pub fn handshake(mut self, handshake: RegistrationHandshake) -> Self {
        self.handshake = Some(handshake);
        self
    }

    /// When `header` is absent, read `fallback` instead (Svix sends `svix-id`, or the
    /// unbranded `webhook-id`). Applies to every header the scheme reads.
    pub fn header_fallback(
        mut self,
        header: impl Into<Cow<'static, str>>,
        fallback: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.fallbacks.push((header.into(), fallback.into()));
        self
    }

    /// Checks the description and builds the scheme.
    pub fn build(self) -> Result<HmacScheme, ConfigError> {
        let header = |name: &str| {
            HeaderName::try_from(name.to_ascii_lowercase())
                .map_err(|_| ConfigError::new(format!("invalid header name {name:?}")))
        };
        let signature_header = header(&self.signature_header)?;
        let timestamp = match self.timestamp {
            None => None,
            Some((TimestampSourceSpec::Header(name), format)) => {
                Some((TimestampSource::Header(header(&name)?), format))
            }
            Some((TimestampSourceSpec::SignatureEntry(prefix), format)) => {
                if self.separator.is_none() {
                    return Err(ConfigError::new(
                        "a timestamp inside the signature header needs a signature separator",
                    ));
                }
                if !prefix.is_empty() && prefix == self.signature_prefix {
                    return Err(ConfigError::new(
                        "the timestamp entry needs a prefix distinct from the signature prefix",
                    ));
                }
                Some((TimestampSource::SignatureEntry(prefix), format))
            }
            Some((TimestampSourceSpec::Json(path), format)) => {
                if path.is_empty() || !self.parts.contains(&Part::Body) {
                    return Err(ConfigError::new(
                        "a timestamp from the JSON body needs a path and a signed body",
                    ));
                }
                Some((TimestampSource::Json(path), format))
            }
        };
        let field = |spec: Option<FieldSpec>| -> Result<Option<FieldSource>, ConfigError> {
            Ok(match spec {
                None => None,
                Some(FieldSpec::Header(name)) => Some(FieldSource::Header(header(&name)?)),
                Some(FieldSpec::Json(path)) if path.is_empty() => {
                    return Err(ConfigError::new("a JSON field path cannot be empty"))
                }
                Some(FieldSpec::Json(path)) => Some(FieldSource::Json(path)),
            })
        };
        let id = field(self.id)?;
        let event_type = field(self.event_type)?;
        let (id_json, event_type_json) = (json_source(&id), json_source(&event_type));

        let slices: usize = self.parts.iter().map(slice_count).sum();
        if self.parts.is_empty() || slices > MAX_PARTS {
            return Err(ConfigError::new(format!(
                "a scheme signs between 1 and {MAX_PARTS} pieces, each Part::Url counting as \
                 {URL_SLICES}; these signed parts make {slices}: sign fewer parts"
            )));
        }
        // A timestamp the signature does not cover would be trusted as signed: freshness
        // and the replay key would both rest on a header anyone can set.
        match &timestamp {
            Some((TimestampSource::Header(name), _))
                if !self.parts.iter().any(|part| {
                    matches!(part, Part::Timestamp) || matches!(part, Part::Header(h) if h == name)
                }) =>
            {
                return Err(ConfigError::new(format!(
                    "the timestamp is read from the {name} header, which no signed part covers: \
                     add Part::Timestamp to the signed parts"
                )));
            }
            Some((TimestampSource::SignatureEntry(_), _))
                if !self.parts.contains(&Part::Timestamp) =>
            {
                return Err(ConfigError::new(
                    "the timestamp is read from the signature header, which no signed part \
                     covers: add Part::Timestamp to the signed parts",
                ));
            }
            _ => {}
        }
        if self.parts.contains(&Part::Timestamp)
            && !matches!(
                timestamp,
                Some((
                    TimestampSource::Header(_) | TimestampSource::SignatureEntry(_),
                    _
                ))
            )
        {
            return Err(ConfigError::new(
                "Part::Timestamp is signed but no timestamp source is configured",
            ));
        }
        if self.parts.contains(&Part::Id) && !matches!(id, Some(FieldSource::Header(_))) {
            return Err(ConfigError::new(
                "Part::Id is signed but the id is not read from a header",
            ));
        }
        let fallbacks = self
            .fallbacks
            .iter()
            .map(|(a, b)| Ok((header(a)?, header(b)?)))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let public_url = self
            .public_url
            .as_deref()
            .map(PublicBase::parse)
            .transpose()?;

        Ok(HmacScheme {
            provider: self.provider,
            algorithm: self.algorithm,
            signature_header,
            separator: self.separator,
            signature_prefix: self.signature_prefix,
            encoding: self.encoding,
            timestamp,
            parts: self.parts,
            id,
            event_type,
            secret_format: self.secret_format,
            signing_secret_format: self.signing_secret_format,
            tolerance: self.tolerance,
            public_url,
            trust_host: self.trust_host,
            fallbacks,
            handshake: self.handshake,
            id_json,
            event_type_json,
        })
    }
}

fn json_source(source: &Option<FieldSource>) -> Option<Arc<JsonPath>> {
    match source {
        Some(FieldSource::Json(path)) => Some(Arc::new(path.clone())),
        _ => None,
    }
}

/// Decodes a secret according to its format.
pub(crate) fn decode_secret(
    format: &SecretFormat,
    secret: &Secret,
) -> Result<Vec<u8>, ConfigError> {
    let bytes = secret.expose();
    let key = match format {
        SecretFormat::Raw => bytes.to_vec(),
        SecretFormat::Base64 { prefix } => {
            let text = secret
                .expose_str()
                .ok_or_else(|| ConfigError::new("secret is not valid UTF-8 base64"))?
                .trim();
            let text = prefix.and_then(|p| text.strip_prefix(p)).unwrap_or(text);
            STANDARD
                .decode(text)
                .map_err(|_| ConfigError::new("secret is not valid base64"))?
        }
        SecretFormat::Hex => {
            let text = secret
                .expose_str()
                .ok_or_else(|| ConfigError::new("secret is not valid hex"))?
                .trim();
            hex::decode(text).map_err(|_| ConfigError::new("secret is not valid hex"))?
        }
    };
    if key.is_empty() {
        return Err(ConfigError::new("secret is empty"));
    }
    Ok(key)
}

/// Signatures found in a request, decoded, on the stack.
struct Candidates {
    tags: [[u8; MAX_SIGNATURE]; MAX_SIGNATURE_ENTRIES],
    lens: [usize; MAX_SIGNATURE_ENTRIES],
    count: usize,
}

impl Candidates {
    fn iter(&self) -> impl Iterator<Item = &[u8]> + Clone {
        self.tags
            .iter()
            .zip(self.lens.iter())
            .take(self.count)
            .map(|(tag, len)| tag.get(..*len).unwrap_or_default())
    }
}

/// How many slices [`Part::Url`] resolves to: the base's scheme (or the whole configured
/// base), its authority, then the path and query.
const URL_SLICES: usize = 3;

/// How many slices a part resolves to; [`HmacSchemeBuilder::build`] refuses schemes whose
/// parts add up to more than [`MAX_PARTS`].
fn slice_count(part: &Part) -> usize {
    match part {
        Part::Url => URL_SLICES,
        _ => 1,
    }
}

/// The signed parts of one request, as slices borrowed from it.
struct Resolved<'a> {
    slices: [&'a [u8]; MAX_PARTS],
    count: usize,
}

impl<'a> Resolved<'a> {
    /// Adds a slice. Never fails for a built scheme, whose slices are counted by `build`;
    /// if it did, the request is refused rather than verified over less than was signed.
    fn push(&mut self, bytes: &'a [u8]) -> Result<(), Rejection> {
        let slot = self.slices.get_mut(self.count).ok_or_else(|| {
            Rejection::new(
                RejectionKind::InvalidRequest,
                "the scheme signs more parts than it can hold",
            )
        })?;
        *slot = bytes;
        self.count += 1;
        Ok(())
    }

    fn as_slice(&self) -> &[&'a [u8]] {
        self.slices.get(..self.count).unwrap_or_default()
    }
}

impl HmacScheme {
    /// A header the scheme reads, or its configured fallback when it is absent.
    fn read<'a>(
        &self,
        request: &WebhookRequest<'a>,
        name: &HeaderName,
    ) -> Result<Option<&'a str>, Rejection> {
        if let Some(value) = request.header(name)? {
            return Ok(Some(value));
        }
        match self.fallbacks.iter().find(|(primary, _)| primary == name) {
            Some((_, fallback)) => request.header(fallback),
            None => Ok(None),
        }
    }

    fn read_required<'a>(
        &self,
        request: &WebhookRequest<'a>,
        name: &HeaderName,
    ) -> Result<&'a str, Rejection> {
        self.read(request, name)?
            .ok_or_else(|| Rejection::missing_header(name.as_str()))
    }

    /// Reads the signature header: the candidate signatures and, for Stripe-like schemes,
    /// the timestamp entry.
    /// Decoded into `candidates`, which the caller owns so that the array is never moved.
    fn parse_signature_header<'a>(
        &self,
        value: &'a str,
        candidates: &mut Candidates,
    ) -> Result<Option<&'a str>, Rejection> {
        let mut timestamp = None;
        let mut undecodable = false;
        let ts_prefix = match &self.timestamp {
            Some((TimestampSource::SignatureEntry(prefix), _)) => Some(&**prefix),
            _ => None,
        };
        let name = self.signature_header.as_str();
        let mut entries = 0;
        let mut other_entries = 0;
        let mut handle = |entry: &'a str| -> Result<(), Rejection> {
            let entry = entry.trim_matches(' ');
            if entry.is_empty() {
                return Ok(());
            }
            entries += 1;
            if entries > MAX_SIGNATURE_ENTRIES {
                return Err(Rejection::malformed_header(
                    name,
                    "too many signature entries",
                ));
            }
            match ts_prefix {
                // Positional: the first entry is the timestamp.
                Some("") if entries == 1 => {
                    timestamp = Some(entry);
                    return Ok(());
                }
                Some(p) if !p.is_empty() => {
                    if let Some(ts) = entry.strip_prefix(p) {
                        if timestamp.replace(ts).is_some() {
                            return Err(Rejection::malformed_header(
                                name,
                                "timestamp appears twice",
                            ));
                        }
                        return Ok(());
                    }
                }
                _ => {}
            }
            other_entries += 1;
            let Some(text) = entry.strip_prefix(&*self.signature_prefix) else {
                return Ok(()); // another scheme version: ignored
            };
            if !self.algorithm.is_mac() && candidates.count >= MAX_PUBLIC_KEY_SIGNATURES {
                return Err(Rejection::malformed_header(
                    name,
                    "too many signatures for a public-key scheme",
                ));
            }
            let (Some(tag), Some(len)) = (
                candidates.tags.get_mut(candidates.count),
                candidates.lens.get_mut(candidates.count),
            ) else {
                return Ok(());
            };
            match self.encoding.decode_into(text, tag) {
                Some(n) if self.algorithm.accepts_len(n) => {
                    *len = n;
                    candidates.count += 1;
                }
                _ => undecodable = true,
            }
            Ok(())
        };
        match self.separator {
            Some(separator) => {
                for entry in value.split(separator) {
                    handle(entry)?;
                }
            }
            None => handle(value)?,
        }
        if candidates.count == 0 {
            // A positional timestamp and nothing after it: the list is incomplete.
            let incomplete = ts_prefix == Some("") && other_entries == 0;
            return Err(if undecodable || incomplete {
                Rejection::malformed_header(name, "signature is not valid or has the wrong length")
            } else {
                Rejection::new(
                    RejectionKind::SignatureMismatch,
                    "no signature of a supported version",
                )
                .with_subject(name)
            });
        }
        Ok(timestamp)
    }

    fn timestamp_raw<'a>(
        &self,
        request: &WebhookRequest<'a>,
        from_signature: Option<&'a str>,
    ) -> Result<Option<(&'a str, SystemTime)>, Rejection> {
        let Some((source, format)) = &self.timestamp else {
            return Ok(None);
        };
        let (raw, name) = match source {
            TimestampSource::Header(name) => (self.read_required(request, name)?, name.as_str()),
            TimestampSource::SignatureEntry(prefix) => {
                let name = self.signature_header.as_str();
                let raw = from_signature.ok_or_else(|| {
                    Rejection::new(RejectionKind::MissingHeader, "missing timestamp entry")
                        .with_subject(format!("{name} {prefix}"))
                })?;
                (raw, name)
            }
            // Read from the body once the signature has verified.
            TimestampSource::Json(_) => return Ok(None),
        };
        let at = parse_timestamp(raw, *format)
            .ok_or_else(|| Rejection::malformed_header(name, "timestamp is not valid"))?;
        Ok(Some((raw, at)))
    }

    fn id_header<'a>(&self, request: &WebhookRequest<'a>) -> Result<Option<&'a str>, Rejection> {
        match &self.id {
            Some(FieldSource::Header(name)) if self.parts.contains(&Part::Id) => {
                self.read_required(request, name).map(Some)
            }
            Some(FieldSource::Header(name)) => self.read(request, name),
            _ => Ok(None),
        }
    }

    /// The signed parts of a received request.
    fn resolve<'a>(
        &'a self,
        request: &WebhookRequest<'a>,
        timestamp: Option<&'a str>,
        id: Option<&'a str>,
    ) -> Result<Resolved<'a>, Rejection> {
        self.resolve_parts(request, timestamp, id, self.trust_host)
    }

    /// The signed parts of a request; its own URL stands in for a missing public URL only
    /// when `trust_request_url` (the opt-in, or a request the caller is signing itself).
    fn resolve_parts<'a>(
        &'a self,
        request: &WebhookRequest<'a>,
        timestamp: Option<&'a str>,
        id: Option<&'a str>,
        trust_request_url: bool,
    ) -> Result<Resolved<'a>, Rejection> {
        let mut resolved = Resolved {
            slices: [&[]; MAX_PARTS],
            count: 0,
        };
        for part in &self.parts {
            match part {
                Part::Body => resolved.push(request.body())?,
                Part::Timestamp => resolved.push(timestamp.unwrap_or_default().as_bytes())?,
                Part::Id => resolved.push(id.unwrap_or_default().as_bytes())?,
                Part::Header(name) => {
                    resolved.push(self.read_required(request, name)?.as_bytes())?
                }
                Part::Literal(text) => resolved.push(text.as_bytes())?,
                Part::Method => resolved.push(request.method().as_str().as_bytes())?,
                Part::Url => {
                    let (scheme, authority) = url_base(
                        self.public_url.as_ref(),
                        trust_request_url,
                        request,
                        "https://",
                    )?;
                    resolved.push(scheme.as_bytes())?;
                    resolved.push(authority.as_bytes())?;
                    resolved.push(path_and_query(request).as_bytes())?;
                }
            }
        }
        Ok(resolved)
    }

    /// The timestamp field of a verified JSON body.
    fn body_timestamp(
        &self,
        request: &WebhookRequest<'_>,
        path: &JsonPath,
        format: TimestampFormat,
    ) -> Result<SystemTime, Rejection> {
        let [raw] = find_fields(request.body(), [Some(path)]);
        let raw = raw.ok_or_else(|| {
            Rejection::new(RejectionKind::MissingHeader, "missing timestamp field")
                .with_subject(path.to_string())
        })?;
        parse_timestamp(&raw, format).ok_or_else(|| {
            Rejection::new(RejectionKind::InvalidBody, "timestamp field is not valid")
                .with_subject(path.to_string())
        })
    }

    /// Whether the delivery id is covered by the signature.
    fn id_is_signed(&self) -> bool {
        match &self.id {
            Some(FieldSource::Header(_)) if self.parts.contains(&Part::Id) => true,
            source => self.is_signed(source.as_ref()),
        }
    }

    /// Whether a value read from `source` is covered by the signature.
    fn is_signed(&self, source: Option<&FieldSource>) -> bool {
        match source {
            Some(FieldSource::Json(_)) => self.parts.contains(&Part::Body),
            Some(FieldSource::Header(name)) => self
                .parts
                .iter()
                .any(|part| matches!(part, Part::Header(h) if h == name)),
            None => false,
        }
    }

    /// The answer to a signed registration handshake, for a request that verified with
    /// `key`: Zoom's answer is an HMAC under the key that verified the request, which
    /// during a rotation need not be the first.
    fn signed_handshake(
        &self,
        request: &WebhookRequest<'_>,
        key: Option<&SchemeKey>,
    ) -> Result<Option<HandshakeResponse>, Rejection> {
        let Some(handshake) = self.handshake.as_ref().filter(|h| h.is_signed()) else {
            return Ok(None);
        };
        if !handshake.matches(request) {
            return Ok(None);
        }
        let mac = |message: &[u8]| {
            let mut tag = [0u8; MAX_TAG];
            let len = key?.tag(&[message], &mut tag);
            (len > 0).then(|| hex::encode(tag.get(..len).unwrap_or_default()))
        };
        Ok(handshake.answer(request, &mac)?.map(HandshakeResponse::new))
    }
}

impl Scheme for HmacScheme {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        &self.provider
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        let key = zeroize::Zeroizing::new(decode_secret(&self.secret_format, secret)?);
        SchemeKey::new(self.algorithm, &key)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let header = self.read_required(request, &self.signature_header)?;
        let mut candidates = Candidates {
            tags: [[0; MAX_SIGNATURE]; MAX_SIGNATURE_ENTRIES],
            lens: [0; MAX_SIGNATURE_ENTRIES],
            count: 0,
        };
        let ts_entry = self.parse_signature_header(header, &mut candidates)?;
        let timestamp = self.timestamp_raw(request, ts_entry)?;
        let id = self.id_header(request)?;
        let resolved = self.resolve(request, timestamp.map(|(raw, _)| raw), id)?;

        let parts = resolved.as_slice();
        let mut tag = [0u8; MAX_TAG];
        let Some(matched) = crypto::first_match(keys, parts, candidates.iter(), &mut tag) else {
            return Err(Rejection::new(
                RejectionKind::SignatureMismatch,
                "signature does not match",
            ));
        };

        let mut verified = Verified::new();
        if self.algorithm.is_mac() {
            // The tag itself identifies the signed content; hex-encoded only if asked.
            verified.tag = Some((tag, u8::try_from(matched.tag_len).unwrap_or(0)));
        } else {
            verified.fingerprint = Some(crypto::fingerprint(
                self.algorithm,
                parts,
                matched.signature,
            ));
        }
        verified.timestamp = match &self.timestamp {
            Some((TimestampSource::Json(path), format)) => {
                Some(self.body_timestamp(request, path, *format)?)
            }
            _ => timestamp.map(|(_, at)| at),
        };
        verified.id = match &self.id {
            Some(FieldSource::Header(_)) => id.map(str::to_owned),
            _ => None,
        };
        verified.id_json = self.id_json.clone();
        verified.id_signed = self.id_is_signed();
        verified.event_type = match &self.event_type {
            Some(FieldSource::Header(name)) => self.read(request, name)?.map(str::to_owned),
            _ => None,
        };
        verified.event_type_json = self.event_type_json.clone();
        verified.event_type_signed = self.is_signed(self.event_type.as_ref());
        verified.handshake = self.signed_handshake(request, keys.get(matched.key))?;
        Ok(verified)
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let format = self
            .signing_secret_format
            .as_ref()
            .unwrap_or(&self.secret_format);
        let key = zeroize::Zeroizing::new(decode_secret(format, secret)?);
        let mut ts_entry = None;
        if let Some((source, format)) = &self.timestamp {
            let text = format.format(message.timestamp);
            match source {
                TimestampSource::Header(name) => {
                    request
                        .headers_mut()
                        .insert(name.clone(), header_value(&text)?);
                }
                TimestampSource::SignatureEntry(prefix) => ts_entry = Some((prefix, text)),
                // The caller's body carries its own timestamp.
                TimestampSource::Json(_) => {}
            }
        }
        if let Some(FieldSource::Header(name)) = &self.id {
            request
                .headers_mut()
                .insert(name.clone(), header_value(message.id)?);
        }

        let (method, uri, headers) = (request.method(), request.uri(), request.headers());
        let view = WebhookRequest::new(method, uri, headers, request.body());
        let ts_raw = ts_entry
            .as_ref()
            .map(|(_, text)| text.as_str())
            .or_else(|| match &self.timestamp {
                Some((TimestampSource::Header(name), _)) => self.read(&view, name).ok().flatten(),
                _ => None,
            });
        let id = match &self.id {
            Some(FieldSource::Header(_)) => Some(message.id),
            _ => None,
        };
        // The signer's own request: without a public URL, its URL is the one to sign.
        let resolved = self
            .resolve_parts(&view, ts_raw, id, true)
            .map_err(|r| ConfigError::new(format!("cannot sign this request: {r}")))?;
        let signature = crypto::sign(self.algorithm, &key, resolved.as_slice())?;
        let signature = self.encoding.encode(&signature);

        let mut header = String::new();
        if let (Some((prefix, text)), Some(separator)) = (&ts_entry, self.separator) {
            header.push_str(prefix);
            header.push_str(text);
            header.push(separator);
        }
        header.push_str(&self.signature_prefix);
        header.push_str(&signature);
        let header = header_value(&header)?;
        request
            .headers_mut()
            .insert(self.signature_header.clone(), header);
        Ok(())
    }

    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
        _keys: &[SchemeKey],
    ) -> Option<Result<HandshakeResponse, Rejection>> {
        // Signed handshakes are recognised in `verify`, after the one verification.
        let handshake = self.handshake.as_ref().filter(|h| !h.is_signed())?;
        if !handshake.matches(request) {
            return None;
        }
        match handshake.answer(request, &|_| None) {
            Ok(Some(response)) => Some(Ok(HandshakeResponse::new(response))),
            Ok(None) => None,
            Err(rejection) => Some(Err(rejection)),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.parts.contains(&Part::Url) && self.public_url.is_none() && !self.trust_host {
            return Err(PublicBase::missing("with_public_url"));
        }
        if let Some(RegistrationHandshake::MetaVerifyToken(token)) = &self.handshake {
            if token.expose().is_empty() {
                return Err(ConfigError::new(
                    "the verify token is empty, so anyone's hub.challenge would be answered: \
                     pass the verify token you chose in the app dashboard (providers::meta(token)), \
                     or call without_handshake() to answer no challenge",
                ));
            }
        }
        Ok(())
    }

    fn default_tolerance(&self) -> Duration {
        self.tolerance
    }
}
