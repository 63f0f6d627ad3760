//! The description of a [`SignatureScheme`]: what a provider signs and where it puts it,
//! set with chained setters, and the checks that refuse a description that would verify
//! less than it claims.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderName;

use super::SignatureScheme;
use crate::scheme::crypto::Algorithm;
use crate::scheme::json::JsonPath;
use crate::scheme::{Encoding, PublicBase, RegistrationHandshake, TimestampFormat};
use crate::ConfigError;

/// Most slices a scheme may sign.
pub(super) const MAX_PARTS: usize = 16;

/// How a configured secret becomes the HMAC key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretFormat {
    /// The secret's bytes are the key, as given (GitHub, Slack, …).
    Raw,
    /// The secret's bytes are the key, as given, and the secret must start with `prefix`
    /// (Stripe's `whsec_`): anything else is a configuration mistake, such as an API key
    /// pasted where the webhook signing secret belongs. `what` names the secret and where
    /// the provider shows it, for the error message.
    RawWithPrefix {
        /// The prefix every such secret starts with.
        prefix: &'static str,
        /// What the secret is and where to find it.
        what: &'static str,
    },
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
    /// [`SignatureScheme::public_url`]) followed by the request's path and query. A
    /// verifier for a scheme that signs it cannot be built without that base, unless the
    /// scheme was told to [trust the `Host` header](SignatureScheme::dangerously_trust_host_header).
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
pub(super) enum TimestampSource {
    Header(HeaderName),
    SignatureEntry(Cow<'static, str>),
    Json(JsonPath),
}

/// How many slices [`Part::Url`] resolves to: the base's scheme (or the whole configured
/// base), its authority, then the path and query.
const URL_SLICES: usize = 3;

/// How many slices a part resolves to; [`SignatureScheme::check`] refuses schemes whose
/// parts add up to more than [`MAX_PARTS`].
fn slice_count(part: &Part) -> usize {
    match part {
        Part::Url => URL_SLICES,
        _ => 1,
    }
}

impl SignatureScheme {
    /// Starts describing a provider: its name (which namespaces its delivery ids) and the
    /// header that carries the signature. Every other setting has a default that fits the
    /// simplest providers: HMAC-SHA256, hex, no prefix, one signature, the body alone
    /// signed, no timestamp, the raw secret as key.
    pub fn new(provider: impl Into<Cow<'static, str>>, signature_header: HeaderName) -> Self {
        SignatureScheme {
            provider: provider.into(),
            algorithm: Algorithm::Sha256,
            signature_header,
            separator: None,
            signature_prefix: Cow::Borrowed(""),
            signature_suffix: None,
            encoding: Encoding::Hex,
            timestamp: None,
            parts: vec![Part::Body],
            id: None,
            event_type: None,
            secret_format: SecretFormat::Raw,
            signing_secret_format: None,
            tolerance: crate::scheme::DEFAULT_TOLERANCE,
            default_body_limit: None,
            empty_responses: false,
            form_refusal: None,
            public_url: None,
            exact_url: None,
            trust_host: false,
            fallbacks: Vec::new(),
            handshake: None,
            id_json: None,
            event_type_json: None,
        }
    }

    /// Another provider name: the namespace of its replay keys and
    /// [`Delivery::provider`](crate::Delivery::provider).
    pub fn provider_name(mut self, provider: impl Into<Cow<'static, str>>) -> Self {
        self.provider = provider.into();
        self
    }

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

    /// A character that may end a signature entry without being part of it, stripped
    /// once when present: Supabase joins its `v1,<base64>` entries with `, `, so every
    /// entry but the last ends in `,` after the space-separated split (default none).
    ///
    /// ```
    /// use http::HeaderName;
    /// use tower_webhook::scheme::{Encoding, SignatureScheme};
    ///
    /// let scheme = SignatureScheme::new("example", HeaderName::from_static("x-signature"))
    ///     .signature_separator(' ')
    ///     .signature_prefix("v1,")
    ///     .signature_suffix(',')
    ///     .encoding(Encoding::Base64);
    /// # let _ = scheme;
    /// ```
    pub fn signature_suffix(mut self, suffix: char) -> Self {
        self.signature_suffix = Some(suffix);
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
    pub fn timestamp_header(mut self, header: HeaderName, format: TimestampFormat) -> Self {
        self.timestamp = Some((TimestampSource::Header(header), format));
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
        self.timestamp = Some((TimestampSource::SignatureEntry(prefix.into()), format));
        self
    }

    /// The timestamp is a field of the signed JSON body (Linear's `webhookTimestamp`),
    /// read after the signature verifies. Needs [`Part::Body`] among the signed parts.
    pub fn timestamp_from_json(
        mut self,
        path: impl Into<JsonPath>,
        format: TimestampFormat,
    ) -> Self {
        self.timestamp = Some((TimestampSource::Json(path.into()), format));
        self
    }

    /// The signed content, in order (default: the body alone). At most 16 pieces, each
    /// [`Part::Url`] counting as 3.
    pub fn signed_parts(mut self, parts: impl IntoIterator<Item = Part>) -> Self {
        self.parts = parts.into_iter().collect();
        self
    }

    /// The delivery id is in this header.
    pub fn id_from_header(mut self, header: HeaderName) -> Self {
        self.id = Some(FieldSource::Header(header));
        self.id_json = None;
        self
    }

    /// The delivery id is this field of the JSON body (`"id"`, or a dotted path).
    pub fn id_from_json(mut self, path: impl Into<JsonPath>) -> Self {
        let path = path.into();
        self.id_json = Some(Arc::new(path.clone()));
        self.id = Some(FieldSource::Json(path));
        self
    }

    /// The event type is in this header.
    pub fn event_type_from_header(mut self, header: HeaderName) -> Self {
        self.event_type = Some(FieldSource::Header(header));
        self.event_type_json = None;
        self
    }

    /// The event type is this field of the JSON body (`"type"`, `"event.type"`).
    pub fn event_type_from_json(mut self, path: impl Into<JsonPath>) -> Self {
        let path = path.into();
        self.event_type_json = Some(Arc::new(path.clone()));
        self.event_type = Some(FieldSource::Json(path));
        self
    }

    /// How a configured secret becomes the key (default: its raw bytes).
    pub fn secret_format(mut self, format: SecretFormat) -> Self {
        self.secret_format = format;
        self
    }

    /// How a signing secret (for [`Scheme::sign`](crate::Scheme::sign)) is decoded, when
    /// it differs from the verification secret: the private key of an asymmetric scheme
    /// (default: as [`secret_format`](Self::secret_format)).
    pub fn signing_secret_format(mut self, format: SecretFormat) -> Self {
        self.signing_secret_format = Some(format);
        self
    }

    /// The provider's documented timestamp tolerance (default five minutes), used when the
    /// verifier is not told otherwise.
    pub fn default_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The largest body the provider documents sending: the layer's body limit unless the
    /// layer is told otherwise.
    pub fn default_body_limit(mut self, bytes: usize) -> Self {
        self.default_body_limit = Some(bytes);
        self
    }

    /// The layer answers its rejections and duplicates with an empty body: the provider
    /// refuses any body (Xero's intent-to-receive check).
    pub fn empty_responses(mut self) -> Self {
        self.empty_responses = true;
        self
    }

    /// Refuses a request whose body is a form (`Content-Type:
    /// application/x-www-form-urlencoded`) with [`RejectionKind::InvalidBody`](crate::RejectionKind::InvalidBody)
    /// (`400`) and `detail` as its message, before any signature work: for a provider
    /// that can be set to send a form this description cannot verify (Gitea's form
    /// content type signs the JSON but sends `payload=<url-encoded JSON>`), so the
    /// provider's delivery log says what to change instead of showing a bare `401`.
    /// `detail` is sent in the response: say what to configure, never anything secret.
    ///
    /// ```
    /// use http::HeaderName;
    /// use tower_webhook::scheme::SignatureScheme;
    /// use tower_webhook::{RejectionKind, Verifier};
    ///
    /// let scheme = SignatureScheme::new("example", HeaderName::from_static("x-signature"))
    ///     .refuse_form_bodies("set the webhook's content type to application/json");
    /// let verifier = Verifier::new(scheme, "secret").unwrap();
    /// let form = http::Request::post("/hook")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .header("x-signature", "00")
    ///     .body(bytes::Bytes::from_static(b"payload=%7B%7D"))
    ///     .unwrap();
    /// assert_eq!(verifier.verify(&form).unwrap_err().kind(), RejectionKind::InvalidBody);
    /// ```
    pub fn refuse_form_bodies(mut self, detail: &'static str) -> Self {
        self.form_refusal = Some(detail);
        self
    }

    /// The public base URL (such as `https://hooks.example.com`) used by [`Part::Url`]:
    /// the URL the provider calls, whose path and query are the request's. Required for a
    /// scheme that signs the URL: the `Host` header and the request's own URL are chosen
    /// by whoever sends the request. A malformed URL is reported when the verifier is
    /// built. (Without it, [`Scheme::sign`](crate::Scheme::sign) signs the URL of the
    /// request it is given, as a provider would.)
    pub fn public_url(mut self, base: impl AsRef<str>) -> Self {
        self.public_url = Some(PublicBase::parse(base.as_ref()));
        self
    }

    /// The exact URL the provider signs for [`Part::Url`], used as it is, with no path or
    /// query appended: Square signs the notification URL of the subscription exactly as
    /// it was entered (`https://example.com`, with no path, even though the request's
    /// path is `/`). Takes precedence over [`public_url`](Self::public_url). A URL that is
    /// not absolute `http://` or `https://` is reported when the verifier is built.
    pub fn signed_url(mut self, url: impl AsRef<str>) -> Self {
        let url = url.as_ref();
        let absolute = ["https://", "http://"].iter().any(|scheme| {
            url.strip_prefix(scheme)
                .is_some_and(|rest| !rest.is_empty())
        });
        self.exact_url = Some(
            if absolute && url.bytes().all(|b| (0x21..0x7f).contains(&b)) {
                Ok(url.into())
            } else {
                Err(ConfigError::new(
                    "the signed URL must be an absolute http:// or https:// URL, without spaces",
                ))
            },
        );
        self
    }

    /// Without a public URL, forms the URL for [`Part::Url`] from the request itself: its
    /// absolute URI (as HTTP/2 sends it), else `https://` and its `Host` header.
    ///
    /// Anyone can send any `Host`: a delivery signed for another host that shares this
    /// secret (another environment or tenant) would then verify here. Only for a server
    /// behind a proxy that sets `Host` to the public host itself; prefer
    /// [`public_url`](Self::public_url), which takes precedence when both are set.
    pub fn dangerously_trust_host_header(mut self) -> Self {
        self.trust_host = true;
        self
    }

    /// The provider's endpoint-registration handshake, answered by the layer.
    pub fn handshake(mut self, handshake: RegistrationHandshake) -> Self {
        self.handshake = Some(handshake);
        self
    }

    /// No registration handshake: handshake requests then reach the handler like any
    /// delivery (or are refused when unsigned).
    pub fn without_handshake(mut self) -> Self {
        self.handshake = None;
        self
    }

    /// When `header` is absent, read `fallback` instead (Svix sends `svix-id`, or the
    /// unbranded `webhook-id`). Applies to every header the scheme reads.
    pub fn header_fallback(mut self, header: HeaderName, fallback: HeaderName) -> Self {
        self.fallbacks.push((header, fallback));
        self
    }

    /// Checks that the description verifies what it claims: called by
    /// [`Scheme::validate`](crate::Scheme::validate), so a verifier is never built on a
    /// description that would trust an unsigned timestamp or drop a signed part.
    pub(super) fn check(&self) -> Result<(), ConfigError> {
        let signs = |part: &Part| self.parts.contains(part);
        match &self.timestamp {
            Some((TimestampSource::SignatureEntry(prefix), _)) => {
                if self.separator.is_none() {
                    return Err(ConfigError::new(
                        "a timestamp inside the signature header needs a signature separator",
                    ));
                }
                if !prefix.is_empty() && *prefix == self.signature_prefix {
                    return Err(ConfigError::new(
                        "the timestamp entry needs a prefix distinct from the signature prefix",
                    ));
                }
                // A timestamp the signature does not cover would be trusted as signed:
                // freshness and the replay key would rest on a header anyone can set.
                if !signs(&Part::Timestamp) {
                    return Err(ConfigError::new(
                        "the timestamp is read from the signature header, which no signed part \
                         covers: add Part::Timestamp to the signed parts",
                    ));
                }
            }
            Some((TimestampSource::Header(name), _))
                if !signs(&Part::Timestamp) && !signs(&Part::Header(name.clone())) =>
            {
                return Err(ConfigError::new(format!(
                    "the timestamp is read from the {name} header, which no signed part \
                     covers: add Part::Timestamp to the signed parts"
                )));
            }
            Some((TimestampSource::Json(path), _)) => {
                if path.is_empty() || !signs(&Part::Body) {
                    return Err(ConfigError::new(
                        "a timestamp from the JSON body needs a path and a signed body",
                    ));
                }
            }
            Some((TimestampSource::Header(_), _)) | None => {}
        }
        for source in [&self.id, &self.event_type] {
            if matches!(source, Some(FieldSource::Json(path)) if path.is_empty()) {
                return Err(ConfigError::new("a JSON field path cannot be empty"));
            }
        }
        let slices: usize = self.parts.iter().map(slice_count).sum();
        if self.parts.is_empty() || slices > MAX_PARTS {
            return Err(ConfigError::new(format!(
                "a scheme signs between 1 and {MAX_PARTS} pieces, each Part::Url counting as \
                 {URL_SLICES}; these signed parts make {slices}: sign fewer parts"
            )));
        }
        if signs(&Part::Timestamp)
            && !matches!(
                self.timestamp,
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
        if signs(&Part::Id) && !matches!(self.id, Some(FieldSource::Header(_))) {
            return Err(ConfigError::new(
                "Part::Id is signed but the id is not read from a header",
            ));
        }
        Ok(())
    }
}
