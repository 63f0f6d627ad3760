//! Why a delivery was refused, and the HTTP response that says so.
//!
//! Every refusal is a [`Rejection`]: an opaque error with a [`RejectionKind`] to match on,
//! an HTTP status, and an RFC 9457 `application/problem+json` body with a short
//! machine-readable `reason`. Neither the body nor the `Display` text ever contains a
//! secret or the signature the verifier expected.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};

/// What went wrong with a delivery. Match on it through [`Rejection::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectionKind {
    /// A header the scheme needs (the signature, its timestamp, its id) is absent. `401`.
    MissingHeader,
    /// A field the scheme needs in the body (Mailgun's signature fields, Linear's signed
    /// timestamp), or in the query string (an API key parameter), is absent. `401`.
    MissingField,
    /// A header is present but cannot be read: not UTF-8, repeated, unparseable, or a
    /// signature that is not valid hex/base64. `400`.
    MalformedHeader,
    /// No signature in the request matches any configured secret. `401`.
    SignatureMismatch,
    /// The signed timestamp is older than the tolerance. `401`.
    TimestampExpired,
    /// The signed timestamp is further in the future than the tolerance. `401`.
    TimestampInFuture,
    /// The body is larger than the configured limit. `413`.
    BodyTooLarge,
    /// The body could not be read, or the scheme needs a body it cannot parse. `400`.
    InvalidBody,
    /// The URL or method does not fit the scheme (for example, a URL-signed scheme whose
    /// public URL cannot be formed). `400`.
    InvalidRequest,
    /// The same delivery is being handled right now; retry later. `409` with `Retry-After`.
    InFlight,
    /// The replay store could not be reached in time; retry later. `503` with `Retry-After`.
    StoreUnavailable,
    /// The client address is not in the layer's source allow-list, or cannot be told.
    /// `403`.
    AddressNotAllowed,
    /// The request names no source the layer knows (many sources on one endpoint). `404`.
    UnknownSource,
    /// The source's verifier could not be looked up; retry later. `503` with
    /// `Retry-After`.
    SourceUnavailable,
}

impl RejectionKind {
    /// The HTTP status this kind of rejection is answered with.
    pub fn status(self) -> StatusCode {
        match self {
            RejectionKind::MissingHeader
            | RejectionKind::MissingField
            | RejectionKind::SignatureMismatch
            | RejectionKind::TimestampExpired
            | RejectionKind::TimestampInFuture => StatusCode::UNAUTHORIZED,
            RejectionKind::MalformedHeader
            | RejectionKind::InvalidBody
            | RejectionKind::InvalidRequest => StatusCode::BAD_REQUEST,
            RejectionKind::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            RejectionKind::InFlight => StatusCode::CONFLICT,
            RejectionKind::StoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            RejectionKind::AddressNotAllowed => StatusCode::FORBIDDEN,
            RejectionKind::UnknownSource => StatusCode::NOT_FOUND,
            RejectionKind::SourceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A short, stable, machine-readable code: the `reason` member of the problem body.
    pub fn code(self) -> &'static str {
        match self {
            RejectionKind::MissingHeader => "missing_header",
            RejectionKind::MissingField => "missing_field",
            RejectionKind::MalformedHeader => "malformed_header",
            RejectionKind::SignatureMismatch => "signature_mismatch",
            RejectionKind::TimestampExpired => "timestamp_expired",
            RejectionKind::TimestampInFuture => "timestamp_in_future",
            RejectionKind::BodyTooLarge => "body_too_large",
            RejectionKind::InvalidBody => "invalid_body",
            RejectionKind::InvalidRequest => "invalid_request",
            RejectionKind::InFlight => "in_flight",
            RejectionKind::StoreUnavailable => "store_unavailable",
            RejectionKind::AddressNotAllowed => "address_not_allowed",
            RejectionKind::UnknownSource => "unknown_source",
            RejectionKind::SourceUnavailable => "source_unavailable",
        }
    }

    fn title(self) -> &'static str {
        match self {
            RejectionKind::MissingHeader => "A required webhook header is missing",
            RejectionKind::MissingField => "A required field of the webhook body is missing",
            RejectionKind::MalformedHeader => "A webhook header is malformed",
            RejectionKind::SignatureMismatch => "The webhook signature does not match",
            RejectionKind::TimestampExpired => "The webhook timestamp is too old",
            RejectionKind::TimestampInFuture => "The webhook timestamp is in the future",
            RejectionKind::BodyTooLarge => "The webhook body is too large",
            RejectionKind::InvalidBody => "The webhook body is invalid",
            RejectionKind::InvalidRequest => "The webhook request is invalid",
            RejectionKind::InFlight => "This delivery is already being handled",
            RejectionKind::StoreUnavailable => "The replay store is unavailable",
            RejectionKind::AddressNotAllowed => "The webhook's source address is not allowed",
            RejectionKind::UnknownSource => "No such webhook source",
            RejectionKind::SourceUnavailable => "The webhook source could not be looked up",
        }
    }
}

impl fmt::Display for RejectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A refused delivery: why, and how to answer it.
///
/// ```
/// use tower_webhook::{providers, RejectionKind, Verifier};
///
/// let verifier = Verifier::new(providers::github(), "It's a Secret to Everybody").unwrap();
/// let request = http::Request::post("/webhooks/github")
///     .header("x-hub-signature-256", "sha256=0000000000000000000000000000000000000000000000000000000000000000")
///     .body(bytes::Bytes::from_static(b"Hello, World!"))
///     .unwrap();
/// let rejection = verifier.verify(&request).unwrap_err();
/// assert_eq!(rejection.kind(), RejectionKind::SignatureMismatch);
/// assert_eq!(rejection.status(), http::StatusCode::UNAUTHORIZED);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Rejection {
    kind: RejectionKind,
    detail: &'static str,
    subject: Option<Box<str>>,
    retry_after: Option<Duration>,
    diagnostic: Option<Box<str>>,
}

impl Rejection {
    /// A rejection of the given kind with a fixed, non-secret detail message.
    pub fn new(kind: RejectionKind, detail: &'static str) -> Self {
        Rejection {
            kind,
            detail,
            subject: None,
            retry_after: None,
            diagnostic: None,
        }
    }

    /// Adds what helps a person diagnose the rejection (the timestamp's skew, the URL that
    /// was signed): logged with the rejection's `tracing` event, never sent in the
    /// response. Never pass secret material or an expected signature here.
    pub fn with_diagnostic(mut self, diagnostic: impl Into<Box<str>>) -> Self {
        self.diagnostic = Some(diagnostic.into());
        self
    }

    /// What helps diagnose the rejection, for logs; not part of the response.
    pub fn diagnostic(&self) -> Option<&str> {
        self.diagnostic.as_deref()
    }

    /// Names what the rejection is about, for example the header that is missing. Never
    /// pass secret material here: it is shown in the response.
    pub fn with_subject(mut self, subject: impl Into<Box<str>>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    pub(crate) fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    pub(crate) fn missing_header(name: &str) -> Self {
        Rejection::new(RejectionKind::MissingHeader, "missing header").with_subject(name)
    }

    pub(crate) fn malformed_header(name: &str, detail: &'static str) -> Self {
        Rejection::new(RejectionKind::MalformedHeader, detail).with_subject(name)
    }

    /// What went wrong.
    pub fn kind(&self) -> RejectionKind {
        self.kind
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }

    /// The fixed detail message.
    pub fn detail(&self) -> &str {
        self.detail
    }

    /// What the rejection is about (a header name, say), when known.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The `application/problem+json` response for this rejection.
    pub fn to_response(&self) -> Response<Bytes> {
        let status = self.status();
        let mut body = String::with_capacity(192);
        body.push_str("{\"type\":\"about:blank\",\"title\":");
        push_json_str(&mut body, self.kind.title());
        body.push_str(",\"status\":");
        body.push_str(status.as_str());
        body.push_str(",\"detail\":");
        match &self.subject {
            Some(subject) => push_json_str(&mut body, &format!("{}: {}", self.detail, subject)),
            None => push_json_str(&mut body, self.detail),
        }
        body.push_str(",\"reason\":");
        push_json_str(&mut body, self.kind.code());
        body.push('}');

        let mut response = Response::new(Bytes::from(body));
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(after) = self.retry_after {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(after.as_secs().max(1)),
            );
        }
        response
    }
}

fn push_json_str(out: &mut String, value: &str) {
    // serde_json escapes correctly; a &str always serializes.
    match serde_json::to_string(value) {
        Ok(quoted) => out.push_str(&quoted),
        Err(_) => out.push_str("\"\""),
    }
}

impl fmt::Debug for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejection")
            .field("kind", &self.kind)
            .field("detail", &self.detail)
            .field("subject", &self.subject)
            .finish()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.subject {
            Some(subject) => write!(f, "{} ({}): {}", self.detail, self.kind, subject),
            None => write!(f, "{} ({})", self.detail, self.kind),
        }
    }
}

impl std::error::Error for Rejection {}

/// A configuration mistake found while building a [`Verifier`](crate::Verifier) or a
/// scheme: reported at start-up, not as a `401` on every request.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: Box<str>,
}

impl ConfigError {
    /// A configuration error with the given message. The message must not contain secret
    /// material.
    pub fn new(message: impl Into<Box<str>>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ConfigError").field(&self.message).finish()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}
