//! Credential schemes: the sender presents a secret it knows (HTTP Basic credentials, an
//! API key in a header or in a query parameter) and signs nothing. What a gateway such as
//! Hookdeck or Svix Ingest accepts from a source that offers no signature, declared as
//! data. Each credential is compared in constant time through its SHA-256 digest, so that
//! neither its content nor its length shows in the timing.

use std::borrow::Cow;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use bytes::Bytes;
use http::HeaderName;

use super::crypto::SchemeKey;
use super::{header_value, Message, Scheme, Verified, WebhookRequest};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

/// The most query parameters read while looking for an API key; a URL with more before
/// the key is refused, so the work per request is bounded by configuration.
pub const MAX_QUERY_PARAMETERS: usize = 64;

/// Where a scheme's requests carry a credential in clear: the headers and query parameters
/// whose value is a secret the sender presents as it is (a shared token, Basic credentials,
/// an API key), as [`Scheme::credential_fields`] declares them. Empty for a signature,
/// which is no secret: it holds only for the content it signs.
///
/// The durable inbox stores those values replaced by
/// [`inbox::REDACTED`](crate::inbox::REDACTED): the delivery is verified when it is
/// received, so nothing after needs the credential, and a stored copy of it would
/// authenticate any body.
///
/// ```
/// use http::HeaderName;
/// use tower_webhook::scheme::CredentialFields;
///
/// let fields = CredentialFields::new()
///     .header(HeaderName::from_static("x-api-key"))
///     .query_parameter("key");
/// assert_eq!(fields.headers(), [HeaderName::from_static("x-api-key")]);
/// assert!(fields.query_parameters().eq(["key"]));
/// assert!(CredentialFields::new().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct CredentialFields {
    headers: Vec<HeaderName>,
    query_parameters: Vec<Cow<'static, str>>,
}

impl CredentialFields {
    /// No credential anywhere: what a signature scheme declares.
    pub fn new() -> CredentialFields {
        CredentialFields::default()
    }

    /// Every value of `header` is a credential.
    pub fn header(mut self, header: HeaderName) -> CredentialFields {
        if !self.headers.contains(&header) {
            self.headers.push(header);
        }
        self
    }

    /// The query parameter `parameter` (its name as it reads once percent-decoded, `+` as
    /// a space) is a credential.
    pub fn query_parameter(mut self, parameter: impl Into<Cow<'static, str>>) -> CredentialFields {
        let parameter = parameter.into();
        if !self.query_parameters.contains(&parameter) {
            self.query_parameters.push(parameter);
        }
        self
    }

    /// The headers that carry a credential.
    pub fn headers(&self) -> &[HeaderName] {
        &self.headers
    }

    /// The names of the query parameters that carry a credential.
    pub fn query_parameters(&self) -> impl Iterator<Item = &str> + '_ {
        self.query_parameters.iter().map(|name| &**name)
    }

    /// Whether no header and no query parameter carries a credential.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query_parameters.is_empty()
    }
}

/// A provider that authenticates deliveries with a credential rather than a signature:
/// HTTP Basic auth ([`basic_auth`](Self::basic_auth)), an API key in a header
/// ([`api_key_header`](Self::api_key_header)) or in a query parameter
/// ([`api_key_query`](Self::api_key_query)).
///
/// **A credential proves only that the sender knows a secret.** It covers neither the
/// body (which is authenticated by TLS alone: a proxy that terminates TLS, or anyone who
/// learns the credential, can send any body) nor the time (a captured request can be
/// replayed at any time). The credential itself is the same on every request, so once
/// leaked (a log line, a proxy, a browser history for a query parameter) it authenticates
/// anything until it is rotated. Prefer a signature wherever the provider offers one.
///
/// Replay protection keys on the delivery id header when one is configured (unsigned:
/// together with a hash of the body, see
/// [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)), otherwise on a SHA-256 of the body
/// alone: a retry carrying the same bytes is a duplicate, and an attacker holding the
/// credential can always send a new body.
///
/// Several secrets may be configured (a rotation): each is compared, whichever matches.
/// Where the credential is (the header, or the query parameter) is declared
/// ([`credential_fields`](Scheme::credential_fields)): the durable inbox stores it
/// redacted.
///
/// ```
/// use http::HeaderName;
/// use tower_webhook::scheme::CredentialScheme;
/// use tower_webhook::Verifier;
///
/// // The secret of Basic auth is `user:password`.
/// let basic = Verifier::new(CredentialScheme::basic_auth("partner"), "hooks:s3cret")?;
///
/// // `Authorization: Bearer <key>`.
/// let bearer = CredentialScheme::api_key_header("crm", http::header::AUTHORIZATION)
///     .value_prefix("Bearer ");
/// let bearer = Verifier::new(bearer, "the API key")?;
///
/// // `https://hooks.example.com/hook?key=<key>`.
/// let query = Verifier::new(CredentialScheme::api_key_query("forms", "key"), "the API key")?;
/// # let _ = (basic, bearer, query);
/// # Ok::<(), tower_webhook::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CredentialScheme {
    provider: Cow<'static, str>,
    source: Source,
    prefix: Option<Cow<'static, str>>,
    id: Option<HeaderName>,
    event_type: Option<HeaderName>,
}

#[derive(Debug, Clone)]
enum Source {
    Basic,
    Header(HeaderName),
    Query(Cow<'static, str>),
}

impl CredentialScheme {
    /// HTTP Basic authentication (RFC 7617): `Authorization: Basic <base64 of
    /// user:password>`. Each secret is `user:password`; the whole pair is compared.
    ///
    /// The layer's `401` carries no `WWW-Authenticate` challenge: the sender must send
    /// its credentials with every request, as webhook senders do.
    pub fn basic_auth(provider: impl Into<Cow<'static, str>>) -> Self {
        CredentialScheme::with_source(provider.into(), Source::Basic)
    }

    /// An API key sent as the value of `header` (after [`value_prefix`](Self::value_prefix)
    /// if one is set).
    pub fn api_key_header(provider: impl Into<Cow<'static, str>>, header: HeaderName) -> Self {
        CredentialScheme::with_source(provider.into(), Source::Header(header))
    }

    /// An API key sent as the query parameter `parameter` of the URL the provider calls
    /// (percent-decoded, `+` as a space). The URL, key included, is written to the access
    /// logs of every proxy on the way: use a header where the provider allows one.
    pub fn api_key_query(
        provider: impl Into<Cow<'static, str>>,
        parameter: impl Into<Cow<'static, str>>,
    ) -> Self {
        CredentialScheme::with_source(provider.into(), Source::Query(parameter.into()))
    }

    fn with_source(provider: Cow<'static, str>, source: Source) -> Self {
        CredentialScheme {
            provider,
            source,
            prefix: None,
            id: None,
            event_type: None,
        }
    }

    /// For [`api_key_header`](Self::api_key_header): the key follows this prefix, matched
    /// without regard to ASCII case (`"Bearer "` for `Authorization: Bearer <key>`). Any
    /// other source with a prefix is refused when the verifier is built.
    pub fn value_prefix(mut self, prefix: impl Into<Cow<'static, str>>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Another provider name: the namespace of its replay keys.
    pub fn provider_name(mut self, provider: impl Into<Cow<'static, str>>) -> Self {
        self.provider = provider.into();
        self
    }

    /// The delivery id is in this header. A credential signs nothing, so the id is
    /// unsigned: replay protection keys on it together with a hash of the body (see
    /// [`Delivery::replay_keys`](crate::Delivery::replay_keys)).
    pub fn id_from_header(mut self, header: HeaderName) -> Self {
        self.id = Some(header);
        self
    }

    /// The event type is in this header (not signed: what the sender claims).
    pub fn event_type_from_header(mut self, header: HeaderName) -> Self {
        self.event_type = Some(header);
        self
    }

    /// The credential the request presents, as bytes to compare.
    fn presented(&self, request: &WebhookRequest<'_>) -> Result<Vec<u8>, Rejection> {
        match &self.source {
            Source::Basic => {
                let value = request.required_header(&http::header::AUTHORIZATION)?;
                let mismatch = || {
                    Rejection::new(
                        RejectionKind::SignatureMismatch,
                        "no Basic credentials in Authorization",
                    )
                };
                let (scheme, token) = value.trim().split_once(' ').ok_or_else(mismatch)?;
                if !scheme.eq_ignore_ascii_case("basic") {
                    return Err(mismatch());
                }
                let token = token.trim_start_matches(' ');
                STANDARD
                    .decode(token)
                    .or_else(|_| STANDARD_NO_PAD.decode(token))
                    .map_err(|_| {
                        Rejection::malformed_header(
                            "authorization",
                            "Basic credentials are not base64",
                        )
                    })
            }
            Source::Header(name) => {
                let value = request.required_header(name)?;
                let value = match &self.prefix {
                    None => value,
                    Some(prefix) => strip_prefix_ignore_case(value, prefix).ok_or_else(|| {
                        Rejection::new(
                            RejectionKind::SignatureMismatch,
                            "the API key header lacks its prefix",
                        )
                    })?,
                };
                Ok(value.as_bytes().to_vec())
            }
            Source::Query(parameter) => {
                let query = request.uri().query().unwrap_or_default();
                let mut found = None;
                for (index, (name, value)) in form_urlencoded::parse(query.as_bytes()).enumerate() {
                    if index >= MAX_QUERY_PARAMETERS {
                        return Err(Rejection::new(
                            RejectionKind::InvalidRequest,
                            "too many query parameters",
                        ));
                    }
                    if name == **parameter {
                        if found.is_some() {
                            return Err(Rejection::new(
                                RejectionKind::InvalidRequest,
                                "the API key query parameter appears more than once",
                            ));
                        }
                        found = Some(value.into_owned().into_bytes());
                    }
                }
                found.ok_or_else(|| {
                    Rejection::new(
                        RejectionKind::MissingField,
                        "the API key query parameter is missing",
                    )
                    .with_subject(parameter.as_ref())
                })
            }
        }
    }
}

fn strip_prefix_ignore_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| value.get(prefix.len()..))
        .flatten()
}

impl Scheme for CredentialScheme {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        &self.provider
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        if let Source::Basic = self.source {
            let text = secret.expose();
            let colon = text.iter().position(|&b| b == b':').ok_or_else(|| {
                ConfigError::new("a Basic auth secret is `user:password`, with a colon")
            })?;
            if text.get(colon + 1..).is_none_or(<[u8]>::is_empty) {
                return Err(ConfigError::new("the Basic auth password is empty"));
            }
        }
        SchemeKey::token(secret)
    }

    fn credential_fields(&self) -> CredentialFields {
        match &self.source {
            Source::Basic => CredentialFields::new().header(http::header::AUTHORIZATION),
            Source::Header(name) => CredentialFields::new().header(name.clone()),
            Source::Query(parameter) => CredentialFields::new().query_parameter(parameter.clone()),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        match (&self.source, &self.prefix) {
            (Source::Header(_), _) | (_, None) => {}
            _ => {
                return Err(ConfigError::new(
                    "CredentialScheme::value_prefix applies only to api_key_header",
                ))
            }
        }
        if let Source::Query(parameter) = &self.source {
            if parameter.is_empty() {
                return Err(ConfigError::new("the API key query parameter has no name"));
            }
        }
        Ok(())
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let presented = zeroize::Zeroizing::new(self.presented(request)?);
        super::token::verify_presented(
            request,
            keys,
            &presented,
            "credentials do not match",
            self.id.as_ref(),
            self.event_type.as_ref(),
        )
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        self.key(secret)?;
        match &self.source {
            Source::Basic => {
                let value = format!("Basic {}", STANDARD.encode(secret.expose()));
                request
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, header_value(value)?);
            }
            Source::Header(name) => {
                let prefix = self.prefix.as_deref().unwrap_or_default().as_bytes();
                let value = [prefix, secret.expose()].concat();
                request
                    .headers_mut()
                    .insert(name.clone(), header_value(zeroize::Zeroizing::new(value))?);
            }
            Source::Query(parameter) => {
                let uri = request.uri();
                let mut query = form_urlencoded::Serializer::new(String::new());
                if let Some(existing) = uri.query() {
                    for (name, value) in form_urlencoded::parse(existing.as_bytes()) {
                        if name != **parameter {
                            query.append_pair(&name, &value);
                        }
                    }
                }
                let key = secret.expose_str().ok_or_else(|| {
                    ConfigError::new("an API key sent in a query parameter must be UTF-8")
                })?;
                query.append_pair(parameter, key);
                let path_and_query = format!("{}?{}", uri.path(), query.finish());
                let mut parts = uri.clone().into_parts();
                parts.path_and_query = Some(
                    path_and_query
                        .parse()
                        .map_err(|_| ConfigError::new("the signed URL is not valid"))?,
                );
                *request.uri_mut() = http::Uri::from_parts(parts)
                    .map_err(|_| ConfigError::new("the signed URL is not valid"))?;
            }
        }
        if let Some(name) = &self.id {
            request
                .headers_mut()
                .insert(name.clone(), header_value(message.id)?);
        }
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        self.key(secret).map(drop)
    }
}
