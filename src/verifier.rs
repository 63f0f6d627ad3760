//! The verifier: a scheme, its keys, a tolerance and a clock. Synchronous and pure, so it
//! serves any framework; the tower layer is built on it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use crate::clock::{Clock, SystemClock};
use crate::delivery::{Origin, UnsignedIdPolicy};
use crate::scheme::{CredentialFields, HandshakeResponse, Scheme, WebhookRequest};
use crate::{ConfigError, Delivery, Rejection, RejectionKind, Secret};

pub use crate::scheme::DEFAULT_TOLERANCE;

/// Checks that a delivery is authentic and fresh.
///
/// A `Verifier` holds one provider's [`Scheme`], one or more secrets (several during a
/// rotation: a signature made with any of them passes), the timestamp tolerance and a
/// clock. It is cheap to clone and synchronous, so it works without tower too:
///
/// ```
/// use bytes::Bytes;
/// use tower_webhook::{providers, Verifier};
///
/// let verifier = Verifier::new(providers::github(), "It's a Secret to Everybody").unwrap();
/// let request = http::Request::post("/webhooks/github")
///     .header(
///         "x-hub-signature-256",
///         "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
///     )
///     .header("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
///     .header("x-github-event", "push")
///     .body(Bytes::from_static(b"Hello, World!"))
///     .unwrap();
///
/// let delivery = verifier.verify(&request).unwrap();
/// assert_eq!(delivery.provider(), "github");
/// assert_eq!(delivery.id(), "72d3162e-cc78-11e3-81ab-4c9367dc0958");
/// assert_eq!(delivery.event_type(), Some("push"));
/// ```
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<dyn ErasedVerifier>,
    /// The provider, which of several sources of it this verifier is for, and the
    /// namespace of its deliveries' replay keys: one `Arc` that each delivery shares.
    origin: Arc<Origin>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.origin.source {
            write!(f, "[source {source:?}] ")?;
        }
        self.inner.debug(f)
    }
}

/// The replay namespace of `provider`'s deliveries from `source`: injective, so that no
/// provider name and source name run together into another pair.
fn namespace(provider: &str, source: Option<&str>) -> Arc<str> {
    match source {
        None => Arc::from(provider),
        Some(source) => Arc::from(format!("{}:{provider}/{source}", provider.len())),
    }
}

impl Verifier {
    /// A verifier for `scheme` with one secret and the scheme's default tolerance.
    pub fn new<S: Scheme>(scheme: S, secret: impl Into<Secret>) -> Result<Verifier, ConfigError> {
        Verifier::builder(scheme).secret(secret).build()
    }

    /// Starts configuring a verifier for `scheme`.
    pub fn builder<S: Scheme>(scheme: S) -> VerifierBuilder<S> {
        VerifierBuilder {
            scheme,
            secrets: Vec::new(),
            tolerance: None,
            check_timestamp: true,
            clock: None,
            unsigned_id_policy: UnsignedIdPolicy::default(),
        }
    }

    /// The provider's name.
    pub fn provider(&self) -> &str {
        self.inner.provider()
    }

    /// The same verifier (same scheme, keys and settings) for one of several sources of the
    /// same provider — a tenant, a customer, an endpoint. Its deliveries carry the source
    /// ([`Delivery::source`]) and their replay keys are namespaced by it, so the same
    /// delivery id under two sources is two deliveries. This is how every scheme is
    /// namespaced; a [`KnownSource`](crate::layer::KnownSource) does it for the sources a
    /// [`Sources`](crate::layer::Sources) lookup resolves, with the identity the lookup
    /// returns.
    pub fn for_source(&self, source: impl Into<Arc<str>>) -> Verifier {
        let source = source.into();
        Verifier {
            inner: self.inner.clone(),
            origin: Arc::new(Origin {
                provider: self.origin.provider.clone(),
                namespace: namespace(self.inner.provider(), Some(&source)),
                source: Some(source),
                metrics: Default::default(),
            }),
        }
    }

    /// The largest body the provider documents sending, if it documents one
    /// ([`Scheme::default_body_limit`]).
    pub fn default_body_limit(&self) -> Option<usize> {
        self.inner.default_body_limit()
    }

    /// Whether the provider wants the layer's own answers with an empty body
    /// ([`Scheme::empty_responses`]).
    pub fn empty_responses(&self) -> bool {
        self.inner.empty_responses()
    }

    /// The source this verifier is for, if it was given one.
    pub fn source(&self) -> Option<&str> {
        self.origin.source.as_deref()
    }

    /// Who its deliveries are from: the provider, the source, the replay namespace.
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) fn origin(&self) -> &Arc<Origin> {
        &self.origin
    }

    /// Verifies a request whose body is already buffered.
    pub fn verify(&self, request: &http::Request<Bytes>) -> Result<Delivery, Rejection> {
        let view = WebhookRequest::new(
            request.method(),
            request.uri(),
            request.headers(),
            request.body(),
        );
        self.inner.verify(&view, &self.origin)
    }

    /// Answers the provider's **unsigned** registration handshake when `request` is one
    /// (Meta's `hub.challenge`, Dropbox's `challenge`, Asana's `X-Hook-Secret`), before
    /// any verification: `None` for everything else.
    ///
    /// Signed handshakes (Slack's `url_verification`, Zoom's `endpoint.url_validation`,
    /// Twitch's callback verification, Discord's PING) are recognised by
    /// [`verify`](Self::verify), which verifies them once like any delivery: their answer
    /// is [`Delivery::handshake`].
    pub fn handshake(
        &self,
        request: &http::Request<Bytes>,
    ) -> Option<Result<http::Response<Bytes>, Rejection>> {
        let view = WebhookRequest::new(
            request.method(),
            request.uri(),
            request.headers(),
            request.body(),
        );
        self.inner.handshake(&view)
    }

    /// [`handshake`](Self::handshake) for a request given as its parts and its body.
    pub fn handshake_parts(
        &self,
        parts: &http::request::Parts,
        body: &Bytes,
    ) -> Option<Result<http::Response<Bytes>, Rejection>> {
        let view = WebhookRequest::new(&parts.method, &parts.uri, &parts.headers, body);
        self.inner.handshake(&view)
    }

    /// Verifies a request given as its parts and its buffered body.
    pub fn verify_parts(
        &self,
        parts: &http::request::Parts,
        body: &Bytes,
    ) -> Result<Delivery, Rejection> {
        let view = WebhookRequest::new(&parts.method, &parts.uri, &parts.headers, body);
        self.inner.verify(&view, &self.origin)
    }
}

/// Configures a [`Verifier`]; made by [`Verifier::builder`].
#[must_use]
pub struct VerifierBuilder<S> {
    scheme: S,
    secrets: Vec<Secret>,
    tolerance: Option<Duration>,
    check_timestamp: bool,
    clock: Option<Arc<dyn Clock>>,
    unsigned_id_policy: UnsignedIdPolicy,
}

impl<S: Scheme> fmt::Debug for VerifierBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("scheme", &self.scheme)
            .field("secrets", &self.secrets.len())
            .field("tolerance", &self.tolerance)
            .field("check_timestamp", &self.check_timestamp)
            .field("unsigned_id_policy", &self.unsigned_id_policy)
            .finish()
    }
}

impl<S: Scheme> VerifierBuilder<S> {
    /// Adds a secret. Add several during a rotation: a signature made with any passes.
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Adds several secrets.
    pub fn secrets<I>(mut self, secrets: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        self.secrets.extend(secrets.into_iter().map(Into::into));
        self
    }

    /// How far a signed timestamp may be from now, into the past or the future (default:
    /// the scheme's, five minutes unless the provider documents another).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Accepts signed timestamps of any age. Replayed captures then pass until the replay
    /// store forgets their id: only for providers whose timestamps are known to be wrong.
    pub fn dangerously_skip_timestamp_check(mut self) -> Self {
        self.check_timestamp = false;
        self
    }

    /// How replay protection treats a delivery id the signature does not cover (default
    /// [`UnsignedIdPolicy::IdOrSignature`]: the signed content alone wherever it
    /// recognises the provider's retries). See [`UnsignedIdPolicy`] for the trade-off.
    pub fn unsigned_id_policy(mut self, policy: UnsignedIdPolicy) -> Self {
        self.unsigned_id_policy = policy;
        self
    }

    /// The clock used for freshness (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Prepares every secret as a key; a malformed secret is an error here, at start-up.
    pub fn build(self) -> Result<Verifier, ConfigError> {
        if self.secrets.is_empty() {
            return Err(ConfigError::new(format!(
                "no secret configured for {}",
                self.scheme.provider()
            )));
        }
        self.scheme
            .validate()
            .map_err(|e| ConfigError::new(format!("{}: {e}", self.scheme.provider())))?;
        let keys = self
            .secrets
            .iter()
            .enumerate()
            .map(|(i, secret)| {
                // An RSA key is PEM, whose line breaks (a final one included) are part of
                // the format, or DER, whose bytes may be anything: no stray whitespace.
                let pem = matches!(
                    self.scheme.signature_algorithm(),
                    Some(crate::scheme::Algorithm::RsaPkcs1v15Sha256)
                );
                if let Some(whitespace) = secret.stray_whitespace().filter(|_| !pem) {
                    return Err(ConfigError::new(format!(
                        "secret #{} for {} {whitespace} (read from a file or an environment \
                         variable?): trim it, or wrap it in Secret::verbatim if the provider \
                         really uses such a secret",
                        i + 1,
                        self.scheme.provider()
                    )));
                }
                self.scheme.key(secret).map_err(|e| {
                    ConfigError::new(format!(
                        "secret #{} for {}: {e}",
                        i + 1,
                        self.scheme.provider()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tolerance = self
            .tolerance
            .unwrap_or_else(|| self.scheme.default_tolerance());
        let provider: Arc<str> = Arc::from(self.scheme.provider());
        let credentials = self.scheme.credential_fields();
        let credentials = (!credentials.is_empty()).then(|| Arc::new(credentials));
        Ok(Verifier {
            origin: Arc::new(Origin {
                namespace: provider.clone(),
                provider,
                source: None,
                metrics: Default::default(),
            }),
            inner: Arc::new(Typed {
                scheme: self.scheme,
                keys,
                tolerance: self.check_timestamp.then_some(tolerance),
                system_clock: self.clock.is_none(),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                unsigned_id_policy: self.unsigned_id_policy,
                credentials,
            }),
        })
    }
}

trait ErasedVerifier: Send + Sync + 'static {
    fn provider(&self) -> &str;
    fn default_body_limit(&self) -> Option<usize>;
    fn empty_responses(&self) -> bool;
    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
    ) -> Option<Result<http::Response<Bytes>, Rejection>>;
    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        origin: &Arc<Origin>,
    ) -> Result<Delivery, Rejection>;
    fn debug(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

struct Typed<S: Scheme> {
    scheme: S,
    keys: Vec<S::Key>,
    tolerance: Option<Duration>,
    clock: Arc<dyn Clock>,
    /// Whether `clock` is the system clock (none was configured).
    system_clock: bool,
    unsigned_id_policy: UnsignedIdPolicy,
    /// Where the scheme's requests carry a credential ([`Scheme::credential_fields`]).
    credentials: Option<Arc<CredentialFields>>,
}

impl<S: Scheme> ErasedVerifier for Typed<S> {
    fn provider(&self) -> &str {
        self.scheme.provider()
    }

    fn default_body_limit(&self) -> Option<usize> {
        self.scheme.default_body_limit()
    }

    fn empty_responses(&self) -> bool {
        self.scheme.empty_responses()
    }

    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
    ) -> Option<Result<http::Response<Bytes>, Rejection>> {
        let answer = self.scheme.handshake(request, &self.keys)?;
        Some(answer.map(HandshakeResponse::into_response))
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        origin: &Arc<Origin>,
    ) -> Result<Delivery, Rejection> {
        let mut verified = self.scheme.verify(request, &self.keys)?;
        verified.credentials = self.credentials.clone();
        let mut system_now = None;
        if let (Some(at), Some(tolerance)) = (verified.timestamp, self.tolerance) {
            let now = self.clock.now();
            check_freshness(at, now, tolerance)?;
            system_now = self.system_clock.then_some(now);
        }
        Ok(Delivery::new(
            origin.clone(),
            verified,
            request.body().clone(),
            self.unsigned_id_policy,
            system_now,
        ))
    }

    fn debug(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme)
            .field("keys", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .field("unsigned_id_policy", &self.unsigned_id_policy)
            .finish()
    }
}

fn check_freshness(at: SystemTime, now: SystemTime, tolerance: Duration) -> Result<(), Rejection> {
    let skew = |seconds: u64, direction: &str| {
        format!(
            "timestamp is {seconds} s {direction} (tolerance {} s): check the server's clock, \
             or a delivery replayed later",
            tolerance.as_secs()
        )
    };
    match now.duration_since(at) {
        Ok(age) if age > tolerance => Err(Rejection::new(
            RejectionKind::TimestampExpired,
            "timestamp is older than the tolerance",
        )
        .with_diagnostic(skew(age.as_secs(), "old"))),
        Ok(_) => Ok(()),
        Err(ahead) if ahead.duration() > tolerance => Err(Rejection::new(
            RejectionKind::TimestampInFuture,
            "timestamp is further in the future than the tolerance",
        )
        .with_diagnostic(skew(ahead.duration().as_secs(), "in the future"))),
        Err(_) => Ok(()),
    }
}
