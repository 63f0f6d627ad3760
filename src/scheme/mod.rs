#![doc = guide_links!()]
#![doc = include_str!("../../docs/custom-providers.md")]

mod credentials;
pub(crate) mod crypto;
mod encoding;
mod handshake;
pub(crate) mod json;
#[cfg(feature = "jwt")]
mod jwt;
#[cfg(feature = "jwt")]
mod jwt_key;
#[cfg(feature = "rsa")]
pub(crate) mod rsa_key;
mod signature;
mod timestamp;
mod token;
mod url;

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, Method, Uri};

use crate::{ConfigError, Rejection, Secret};

pub use self::credentials::{CredentialFields, CredentialScheme, MAX_QUERY_PARAMETERS};
pub use self::crypto::{Algorithm, SchemeKey, MAX_PUBLIC_KEY_SIGNATURES};
pub use self::encoding::Encoding;
pub use self::handshake::{AsanaHookSecret, HandshakeResponse, RegistrationHandshake};
pub use self::json::JsonPath;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub use self::jwt::{
    JwtAlgorithm, JwtScheme, DEFAULT_MAX_TOKEN_LENGTH, MAX_JWK_SET_KEYS, MAX_TOKEN_LENGTH,
};
#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
pub use self::rsa_key::{MAX_RSA_BITS, MIN_RSA_BITS};
pub use self::signature::{
    FieldSource, Part, SecretFormat, SignatureScheme, MAX_SIGNATURE_ENTRIES,
};
pub use self::timestamp::TimestampFormat;
pub use self::token::TokenScheme;

pub use self::timestamp::parse_timestamp;
pub(crate) use self::url::{base as url_base, path_and_query, PublicBase};

/// The default timestamp tolerance, both into the past and into the future: five minutes,
/// unless a preset documents its provider's own ([`Scheme::default_tolerance`]).
pub const DEFAULT_TOLERANCE: std::time::Duration = std::time::Duration::from_secs(300);

/// One provider's signing scheme.
///
/// A scheme turns each configured [`Secret`] into a key once, at start-up
/// ([`Scheme::key`]), then checks each request against those keys
/// ([`Scheme::verify`]). Verification is synchronous and pure; freshness and replay are
/// judged by the [`Verifier`](crate::Verifier) and the layer from what the scheme returns.
pub trait Scheme: fmt::Debug + Send + Sync + 'static {
    /// A verification key, prepared once from a secret (a keyed HMAC state, a parsed
    /// public key).
    type Key: Send + Sync + 'static;

    /// The provider's name. It namespaces delivery ids in the replay store and appears in
    /// [`Delivery::provider`](crate::Delivery::provider).
    fn provider(&self) -> &str;

    /// Prepares a key from a configured secret, or says why the secret cannot be one.
    fn key(&self, secret: &Secret) -> Result<Self::Key, ConfigError>;

    /// Checks the request's signature against every key; on success returns what the
    /// signature proves (its timestamp, the delivery id, the event type).
    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[Self::Key],
    ) -> Result<Verified, Rejection>;

    /// Signs a request the way the provider would: adds the signature header (and the
    /// timestamp and id headers the scheme uses) to `request`.
    ///
    /// For tests, demos and services that send webhooks themselves.
    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError>;

    /// Checks, once when a [`Signer`](crate::Signer) is built, that `secret` can sign
    /// (an HMAC secret in the scheme's encoding, a private key that parses), so a bad key
    /// is an error there rather than at every [`sign`](Self::sign). The default accepts
    /// every secret.
    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        let _ = secret;
        Ok(())
    }

    /// Answers the provider's registration handshake when `request` is one (Slack's
    /// `url_verification`, Meta's `hub.challenge`, …): `None` for ordinary deliveries.
    ///
    /// The layer calls it before [`verify`](Self::verify) and, when it answers, sends the
    /// response without calling the handler. A signed handshake must be verified here
    /// before it is answered; its signed timestamp is checked by the verifier.
    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[Self::Key],
    ) -> Option<Result<HandshakeResponse, Rejection>> {
        let _ = (request, keys);
        None
    }

    /// Checks, once when the [`Verifier`](crate::Verifier) is built, that the scheme is
    /// configured safely: a setting that would silently weaken verification (a URL-signed
    /// scheme without its public URL, an empty verify token) is an error here rather
    /// than a `401` on every delivery, or a hole. The default accepts everything.
    fn validate(&self) -> Result<(), ConfigError> {
        Ok(())
    }

    /// Whether the provider wants the layer's own answers (rejections, duplicates) with an
    /// empty body: Xero's intent-to-receive check fails on any body. Default `false`.
    fn empty_responses(&self) -> bool {
        false
    }

    /// The signature algorithm, for catalogues and diagnostics (the command line's
    /// `providers` table): `None` when the scheme checks no signature (a shared token or
    /// credentials) or does not say. Where the request chooses among several (Twilio's
    /// SharedKey signatures), the default one.
    fn signature_algorithm(&self) -> Option<Algorithm> {
        None
    }

    /// The header the event type is read from, when it is read from a header (whether the
    /// signature covers it is [`Verified`]'s to say, per delivery). Senders, such as the
    /// command line's `send --event`, set it. Default `None`.
    fn event_type_header(&self) -> Option<&HeaderName> {
        None
    }

    /// The largest body the provider documents sending (GitHub: 25 MB), which the layer
    /// uses as its body limit unless told otherwise. `None`: the layer's default (2 MiB).
    fn default_body_limit(&self) -> Option<usize> {
        None
    }

    /// The timestamp tolerance the provider documents, used when the verifier is not told
    /// otherwise. Five minutes unless a preset says otherwise.
    fn default_tolerance(&self) -> std::time::Duration {
        DEFAULT_TOLERANCE
    }

    /// The headers and query parameters whose value is a secret the sender presents as it
    /// is (a shared token, Basic credentials, an API key), for what keeps requests after
    /// their verification: the durable inbox stores those values redacted. A scheme that
    /// compares such a credential must declare it here; a signature is no credential.
    /// Read once, when the [`Verifier`](crate::Verifier) is built. Default: none.
    fn credential_fields(&self) -> CredentialFields {
        CredentialFields::new()
    }
}

/// A scheme chosen at run time: every built-in scheme uses [`SchemeKey`], so any of them
/// fits behind this one type (the provider registry hands them
/// out so). A `Verifier` or `Signer` takes it like any scheme.
pub type DynScheme = Box<dyn Scheme<Key = SchemeKey>>;

impl Scheme for DynScheme {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        (**self).provider()
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        (**self).key(secret)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        (**self).verify(request, keys)
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        (**self).sign(secret, request, message)
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        (**self).check_signing_secret(secret)
    }

    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Option<Result<HandshakeResponse, Rejection>> {
        (**self).handshake(request, keys)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        (**self).validate()
    }

    fn default_tolerance(&self) -> std::time::Duration {
        (**self).default_tolerance()
    }

    fn default_body_limit(&self) -> Option<usize> {
        (**self).default_body_limit()
    }

    fn empty_responses(&self) -> bool {
        (**self).empty_responses()
    }

    fn signature_algorithm(&self) -> Option<Algorithm> {
        (**self).signature_algorithm()
    }

    fn event_type_header(&self) -> Option<&HeaderName> {
        (**self).event_type_header()
    }

    fn credential_fields(&self) -> CredentialFields {
        (**self).credential_fields()
    }
}

/// Whether the request says its body is a form (`application/x-www-form-urlencoded`,
/// whatever its parameters and case).
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// A header value for a signed request. Only visible ASCII (and spaces) is accepted:
/// that is all a verifier reads as text ([`WebhookRequest::header`]), so anything else
/// would sign a request no verifier accepts. A configuration error of the signer, never
/// of a received request.
pub(crate) fn header_value(bytes: impl AsRef<[u8]>) -> Result<http::HeaderValue, ConfigError> {
    let bytes = bytes.as_ref();
    if !bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        return Err(ConfigError::new(
            "a header value must be visible ASCII (an id, a token or a secret sent as a header)",
        ));
    }
    http::HeaderValue::from_bytes(bytes).map_err(|_| ConfigError::new("not a valid header value"))
}

/// What to sign: the timestamp and delivery id a provider would send along.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The delivery id, for schemes that send one in a header.
    pub id: &'a str,
    /// When the delivery is signed.
    pub timestamp: SystemTime,
}

/// A read-only view of the request being verified: method, URL, headers and the complete
/// body.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a Bytes,
}

impl<'a> WebhookRequest<'a> {
    /// A view over the parts of a request and its buffered body.
    pub fn new(method: &'a Method, uri: &'a Uri, headers: &'a HeaderMap, body: &'a Bytes) -> Self {
        WebhookRequest {
            method,
            uri,
            headers,
            body,
        }
    }

    /// The request method.
    pub fn method(&self) -> &'a Method {
        self.method
    }

    /// The request URI as the server received it.
    pub fn uri(&self) -> &'a Uri {
        self.uri
    }

    /// All request headers.
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The raw body bytes exactly as received.
    pub fn body(&self) -> &'a Bytes {
        self.body
    }

    /// The value of a header that must appear at most once, as text.
    ///
    /// `Ok(None)` when absent; a [`MalformedHeader`](crate::RejectionKind::MalformedHeader)
    /// rejection when it is repeated or not visible ASCII.
    pub fn header(&self, name: &HeaderName) -> Result<Option<&'a str>, Rejection> {
        let mut values = self.headers.get_all(name).iter();
        let Some(value) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(Rejection::malformed_header(
                name.as_str(),
                "header appears more than once",
            ));
        }
        value
            .to_str()
            .map(Some)
            .map_err(|_| Rejection::malformed_header(name.as_str(), "header is not visible ASCII"))
    }

    /// Like [`header`](Self::header), but a missing header is a
    /// [`MissingHeader`](crate::RejectionKind::MissingHeader) rejection.
    pub fn required_header(&self, name: &HeaderName) -> Result<&'a str, Rejection> {
        self.header(name)?
            .ok_or_else(|| Rejection::missing_header(name.as_str()))
    }
}

/// What a verified signature proves about a delivery: the one type that carries it from
/// the scheme, through the verifier, into the [`Delivery`](crate::Delivery) the handler
/// receives.
///
/// A scheme builds it after the signature verified, saying of each value whether the
/// signature covers it, because replay protection and routing must rest only on signed
/// data ([`Delivery::replay_keys`](crate::Delivery::replay_keys)).
///
/// ```
/// use std::time::SystemTime;
/// use tower_webhook::scheme::Verified;
///
/// # let (tag, at) = ([0u8; 32], SystemTime::now());
/// let verified = Verified::new()
///     .signature(&tag)                  // what identifies the signed content
///     .signed_timestamp(at)             // checked against the tolerance
///     .unsigned_id("delivery-1")        // a header beside the signature
///     .signed_event_type("invoice.paid"); // read from the signed body
/// # let _ = verified;
/// ```
#[derive(Debug, Clone, Default)]
pub struct Verified {
    pub(crate) timestamp: Option<SystemTime>,
    pub(crate) id: Field,
    pub(crate) id_signed: bool,
    pub(crate) event_type: Field,
    pub(crate) event_type_signed: bool,
    pub(crate) fingerprint: Fingerprint,
    /// The tags of the same signed content under the other configured keys (a rotation,
    /// Box's two keys): the delivery is remembered under each. Empty with one key, so no
    /// allocation in the common case.
    pub(crate) other_signatures: Vec<Box<[u8]>>,
    /// Boxed: rare, and `Verified` is moved through each builder call.
    pub(crate) handshake: Option<Box<HandshakeResponse>>,
    /// Where the request carried a credential: the scheme's declaration, set by the
    /// verifier (`None` when there is none), whatever the scheme built.
    pub(crate) credentials: Option<Arc<CredentialFields>>,
    /// Where each attempt signs a new timestamp beside the same content and the id is
    /// unsigned: a tag of the signed content without the timestamp, under the key that
    /// verified. Bound to the id, it recognises the provider's retries of that delivery
    /// and nothing else.
    pub(crate) retry_content: Option<Box<[u8]>>,
}

/// Where a value of a delivery comes from.
#[derive(Debug, Clone)]
pub(crate) enum Field {
    /// Known when verified (a header, or set by the scheme).
    Known(Option<Text>),
    /// A field of the JSON body, read on first access.
    Json(Arc<JsonPath>),
}

impl Default for Field {
    fn default() -> Self {
        Field::Known(None)
    }
}

impl Field {
    /// The text, where it is known.
    pub(crate) fn known(&self) -> Option<&str> {
        match self {
            Field::Known(text) => text.as_ref().map(Text::as_str),
            Field::Json(_) => None,
        }
    }
}

/// The longest text kept inline (most delivery ids and event types are shorter: a UUID is
/// 36 characters, a Standard Webhooks id about 30).
const INLINE_TEXT: usize = 46;

/// A delivery's id or event type as text: inline when short, so that copying one from a
/// header costs no allocation.
#[derive(Clone)]
pub(crate) enum Text {
    Inline(u8, [u8; INLINE_TEXT]),
    Heap(Box<str>),
}

impl Text {
    /// A copy of `text`.
    #[inline]
    pub(crate) fn new(text: &str) -> Self {
        let mut inline = [0u8; INLINE_TEXT];
        match (inline.get_mut(..text.len()), u8::try_from(text.len())) {
            (Some(slot), Ok(len)) => {
                slot.copy_from_slice(text.as_bytes());
                Text::Inline(len, inline)
            }
            _ => Text::Heap(text.into()),
        }
    }

    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Only ever filled from a `&str`, whole: always UTF-8.
            Text::Inline(len, bytes) => bytes
                .get(..usize::from(*len))
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default(),
            Text::Heap(text) => text,
        }
    }
}

impl From<String> for Text {
    #[inline]
    fn from(text: String) -> Self {
        if text.len() <= INLINE_TEXT {
            Text::new(&text)
        } else {
            Text::Heap(text.into_boxed_str())
        }
    }
}

impl From<Box<str>> for Text {
    fn from(text: Box<str>) -> Self {
        Text::Heap(text)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// What identifies the signed content.
#[derive(Debug, Clone, Default)]
pub(crate) enum Fingerprint {
    /// Text given by the scheme.
    Text(Box<str>),
    /// The signature or MAC tag that matched (at most 64 bytes).
    Tag([u8; crypto::MAX_TAG], u8),
    /// Nothing given: a SHA-256 of the body.
    #[default]
    BodyHash,
}

impl Verified {
    /// Nothing proven beyond authenticity.
    #[inline]
    pub fn new() -> Self {
        Verified::default()
    }

    /// The signed timestamp. The verifier rejects it when it is outside the tolerance.
    #[inline]
    pub fn signed_timestamp(mut self, timestamp: SystemTime) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// The provider's delivery id, covered by the signature (a signed header, or a field
    /// of the signed body).
    #[inline]
    pub fn signed_id(mut self, id: impl Into<String>) -> Self {
        self.id = Field::Known(Some(Text::from(id.into())));
        self.id_signed = true;
        self
    }

    /// The provider's delivery id from a header the signature does not cover. Anyone
    /// replaying a captured request can change it, so replay protection never rests on it
    /// alone (see [`Delivery::replay_keys`](crate::Delivery::replay_keys)).
    #[inline]
    pub fn unsigned_id(mut self, id: impl Into<String>) -> Self {
        self.id = Field::Known(Some(Text::from(id.into())));
        self.id_signed = false;
        self
    }

    /// The provider's delivery id is this field of the signed JSON body, read only if it
    /// is asked for.
    #[inline]
    pub fn signed_id_in_body(mut self, path: impl Into<Arc<JsonPath>>) -> Self {
        self.id = Field::Json(path.into());
        self.id_signed = true;
        self
    }

    /// The provider's event type, covered by the signature.
    #[inline]
    pub fn signed_event_type(mut self, event_type: impl Into<String>) -> Self {
        self.event_type = Field::Known(Some(Text::from(event_type.into())));
        self.event_type_signed = true;
        self
    }

    /// The provider's event type from a header the signature does not cover: what the
    /// sender claims.
    #[inline]
    pub fn unsigned_event_type(mut self, event_type: impl Into<String>) -> Self {
        self.event_type = Field::Known(Some(Text::from(event_type.into())));
        self.event_type_signed = false;
        self
    }

    /// The provider's event type is this field of the signed JSON body, read only if it
    /// is asked for.
    #[inline]
    pub fn signed_event_type_in_body(mut self, path: impl Into<Arc<JsonPath>>) -> Self {
        self.event_type = Field::Json(path.into());
        self.event_type_signed = true;
        self
    }

    /// The signature (or MAC tag) that matched: it identifies the signed content, and is
    /// the replay key when the provider sends no signed id. Only a signature nobody can
    /// make a second valid one of for the same content will do (MACs, Ed25519); for
    /// ECDSA, pass a hash of the signed content instead. Longer than 64 bytes, its
    /// SHA-256 is kept. Without one, a SHA-256 of the body is used.
    #[inline]
    pub fn signature(mut self, signature: &[u8]) -> Self {
        self.set_signature(signature);
        self
    }

    /// [`signature`](Self::signature) in place.
    #[inline]
    pub(crate) fn set_signature(&mut self, signature: &[u8]) {
        let mut tag = [0u8; crypto::MAX_TAG];
        let digest;
        let bytes = if signature.len() > tag.len() {
            digest = <sha2::Sha256 as sha2::Digest>::digest(signature);
            &digest[..]
        } else {
            signature
        };
        if let Some(slot) = tag.get_mut(..bytes.len()) {
            slot.copy_from_slice(bytes);
            self.fingerprint = Fingerprint::Tag(tag, u8::try_from(bytes.len()).unwrap_or(0));
        }
    }

    /// The tag of the same signed content under another configured key (a secret being
    /// rotated in, a provider's second key): call it once per key beside the one that
    /// matched. Replay protection remembers the delivery under every key's tag, so that
    /// neither the order of the configured secrets nor which of several signatures a copy
    /// carries can make a captured delivery new. Longer than 64 bytes, its SHA-256 is
    /// kept, as for [`signature`](Self::signature).
    #[inline]
    pub fn other_key_signature(mut self, signature: &[u8]) -> Self {
        self.add_other_signature(signature);
        self
    }

    /// [`other_key_signature`](Self::other_key_signature) in place.
    pub(crate) fn add_other_signature(&mut self, signature: &[u8]) {
        if signature.is_empty() {
            return;
        }
        let kept: Box<[u8]> = if signature.len() > crypto::MAX_TAG {
            <sha2::Sha256 as sha2::Digest>::digest(signature)
                .to_vec()
                .into()
        } else {
            signature.into()
        };
        if !self.other_signatures.contains(&kept) {
            self.other_signatures.push(kept);
        }
    }

    /// A stable text form of the signed content, used like
    /// [`signature`](Self::signature) when the scheme has no signature bytes to give.
    #[inline]
    pub fn fingerprint(mut self, fingerprint: impl Into<String>) -> Self {
        self.fingerprint = Fingerprint::Text(fingerprint.into().into_boxed_str());
        self
    }

    /// The verified request is a registration handshake (Slack's `url_verification`,
    /// Zoom's `endpoint.url_validation`, …): the layer answers it with `response` instead
    /// of calling the handler, after recording it with replay protection so that a
    /// captured handshake cannot come back as another kind of message.
    #[inline]
    pub fn handshake_response(mut self, response: HandshakeResponse) -> Self {
        self.handshake = Some(Box::new(response));
        self
    }
}
