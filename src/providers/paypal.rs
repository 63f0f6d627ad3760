//! PayPal (feature `paypal`): certificate-based verification. Each delivery names, in
//! `PAYPAL-CERT-URL`, the certificate whose RSA key signed it; the certificate is fetched
//! per source through the layer's cached [`Sources`](crate::layer::Sources), by a
//! [`Certificates`] lookup that refuses any URL off PayPal's own hosts before
//! fetching, fetches through an injectable [`CertificateFetcher`], and accepts a
//! certificate only if it chains to a trust anchor and names PayPal's signing service.
//!
//! The preset is [`providers::paypal()`](super::paypal()); this module holds its scheme,
//! [`PayPal`], the [`Certificates`] lookup and what goes with it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::HeaderName;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use sha2::{Digest, Sha256};

use crate::layer::{KnownSource, LookupError, VerifierLookup};
use crate::replay::BoxFuture;
use crate::scheme::json::{find_fields, JsonPath};
use crate::scheme::rsa_key::{self, RsaKey, MAX_RSA_SIGNATURE};
use crate::scheme::{
    header_value, parse_timestamp, Message, Scheme, SchemeKey, TimestampFormat, Verified,
    WebhookRequest,
};
use crate::{ConfigError, Rejection, RejectionKind, Secret, Verifier};

const TRANSMISSION_ID: HeaderName = HeaderName::from_static("paypal-transmission-id");
const TRANSMISSION_TIME: HeaderName = HeaderName::from_static("paypal-transmission-time");
const TRANSMISSION_SIG: HeaderName = HeaderName::from_static("paypal-transmission-sig");
const AUTH_ALGO: HeaderName = HeaderName::from_static("paypal-auth-algo");
/// The header naming the certificate: the source key of [`Certificates`].
pub const CERT_URL: HeaderName = HeaderName::from_static("paypal-cert-url");

/// The only signature algorithm accepted in `PAYPAL-AUTH-ALGO` (what PayPal sends).
const SHA256_WITH_RSA: &str = "SHA256withRSA";
/// The longest transmission id read (PayPal's are UUIDs).
const MAX_TRANSMISSION_ID: usize = 128;

/// The hosts a `PAYPAL-CERT-URL` may name: PayPal's REST API hosts, live and sandbox, which
/// serve `/v1/notifications/certs/CERT-…`. Exact hosts only (no `*.paypal.com`: that
/// would trust every PayPal subdomain, whoever runs it).
pub const CERT_HOSTS: &[&str] = &[
    "api.paypal.com",
    "api-m.paypal.com",
    "api.sandbox.paypal.com",
    "api-m.sandbox.paypal.com",
];
/// The path every certificate URL starts with.
const CERT_PATH: &str = "/v1/notifications/certs/";
/// The names a signing certificate must carry (subjectAltName DNS), live and sandbox:
/// PayPal's Java SDK (`SSLUtil.validateCertificateChain`) accepts a subject CN
/// `messageverificationcerts*.paypal.com`.
pub const CERT_NAMES: &[&str] = &[
    "messageverificationcerts.paypal.com",
    "messageverificationcerts.sandbox.paypal.com",
];
/// The largest certificate chain fetched: a PEM chain is a few kilobytes.
pub const MAX_CERTIFICATE_BYTES: usize = 64 * 1024;
/// The most certificates read from one chain.
const MAX_CHAIN: usize = 8;

/// Whether `url` may be fetched as a PayPal certificate: `https`, one of
/// [`CERT_HOSTS`] exactly, the default port, a path under
/// `/v1/notifications/certs/`, and no user info, query or fragment. Checked before any
/// fetch, so a delivery naming another host never makes the server connect anywhere.
///
/// ```
/// use tower_webhook::providers::paypal::is_cert_url;
///
/// assert!(is_cert_url(
///     "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
/// ));
/// assert!(!is_cert_url("https://evil.example/v1/notifications/certs/CERT-1"));
/// assert!(!is_cert_url("http://api.paypal.com/v1/notifications/certs/CERT-1"));
/// assert!(!is_cert_url("https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1"));
/// ```
pub fn is_cert_url(url: &str) -> bool {
    let Ok(uri) = url.parse::<http::Uri>() else {
        return false;
    };
    let Some(authority) = uri.authority() else {
        return false;
    };
    let path = uri.path();
    uri.scheme_str() == Some("https")
        // No user info (`user@host`), no explicit port.
        && authority.as_str() == authority.host()
        && CERT_HOSTS.contains(&authority.host())
        && uri.query().is_none()
        && !url.contains('#')
        && path.len() > CERT_PATH.len()
        && path.starts_with(CERT_PATH)
        && path[CERT_PATH.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Fetches a certificate chain (PEM) from a URL [`is_cert_url`] accepted. Implement
/// it with your HTTP client (the crate ships none, so that it pulls no TLS stack into your
/// build); return at most `limit` bytes, or an error. Tests implement it offline.
///
/// Implemented for closures `Fn(String) -> impl Future<Output = Result<Bytes, LookupError>>`.
///
/// With `reqwest` (not a dependency of this crate), reading at most `limit` bytes:
///
/// ```ignore
/// use tower_webhook::layer::{LookupError, LookupErrorKind};
///
/// let client = reqwest::Client::builder()
///     .timeout(std::time::Duration::from_secs(5))
///     .redirect(reqwest::redirect::Policy::none()) // never follow off PayPal's host
///     .build()?;
/// let fetcher = move |url: String| {
///     let client = client.clone();
///     async move {
///         let mut response = client.get(&url).send().await
///             .and_then(|r| r.error_for_status())
///             .map_err(|e| LookupError::with_source(LookupErrorKind::Unavailable, "PayPal certificate fetch failed", e))?;
///         let mut pem = Vec::new();
///         while let Some(chunk) = response.chunk().await
///             .map_err(|e| LookupError::with_source(LookupErrorKind::Unavailable, "PayPal certificate fetch failed", e))?
///         {
///             if pem.len() + chunk.len() > tower_webhook::providers::paypal::MAX_CERTIFICATE_BYTES {
///                 return Err(LookupError::new(LookupErrorKind::Invalid, "PayPal certificate too large"));
///             }
///             pem.extend_from_slice(&chunk);
///         }
///         Ok(bytes::Bytes::from(pem))
///     }
/// };
/// ```
pub trait CertificateFetcher: Send + Sync + 'static {
    /// Fetches the PEM at `url`.
    fn fetch(&self, url: String) -> BoxFuture<'_, Result<Bytes, LookupError>>;
}

impl<F, Fut> CertificateFetcher for F
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Bytes, LookupError>> + Send + 'static,
{
    fn fetch(&self, url: String) -> BoxFuture<'_, Result<Bytes, LookupError>> {
        Box::pin(self(url))
    }
}

/// [PayPal](https://developer.paypal.com/api/rest/webhooks/rest/) webhooks, verified with
/// the certificate PayPal names in each delivery; made by
/// [`paypal()`](super::paypal()).
///
/// - Signature: `PAYPAL-TRANSMISSION-SIG: <base64>`, `SHA256withRSA` (the only value of
///   `PAYPAL-AUTH-ALGO` accepted) by the key of the certificate at `PAYPAL-CERT-URL`.
/// - Signed content: `{PAYPAL-TRANSMISSION-ID}|{PAYPAL-TRANSMISSION-TIME}|{webhook id}|{CRC32
///   of the body, in decimal}`. The webhook id is yours, from the developer dashboard.
/// - **The body is covered only through its CRC32, which is not cryptographic**: anyone who
///   captured a delivery can change its body keeping the CRC32 (four bytes chosen anywhere
///   suffice) and the signature still verifies. So nothing in the body is authenticated:
///   not the event id, not the event type (reported as **unsigned**), not the amounts. For
///   body integrity, call PayPal's `POST /v1/notifications/verify-webhook-signature` API
///   with the delivery, or fetch the event by id from PayPal's API before acting on it.
/// - Replay protection keys on the signed transmission id; freshness on the signed
///   `PAYPAL-TRANSMISSION-TIME` (RFC 3339, five minutes unless the verifier says
///   otherwise). A captured delivery with an altered body is still the same transmission:
///   it is refused as a replay, and as stale after the tolerance.
/// - Key: the certificate chain (PEM) at `PAYPAL-CERT-URL`, which must chain to a trust
///   anchor (default: the Mozilla roots of `webpki-roots`; PayPal's are DigiCert's), carry
///   one of [`CERT_NAMES`], allow client authentication if it lists extended key
///   usages (as PayPal's Java SDK checks client trust), be within its validity period, and
///   hold an RSA key of 2048 to 8192 bits. A [`Verifier`] is built per certificate by
///   [`Certificates`] in a [`Sources`](crate::layer::Sources).
///
/// Source: PayPal's REST SDKs, `WebhookEvent.validateReceivedEvent` and
/// `SSLUtil.validateCertificateChain` / `crc32` (PayPal-Java-SDK), and the developer docs'
/// "Webhooks: verify signature" section.
#[derive(Clone)]
pub struct PayPal {
    webhook_id: Arc<str>,
    anchors: Arc<[TrustAnchor<'static>]>,
    now: fn() -> SystemTime,
}

impl fmt::Debug for PayPal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayPal")
            .field("webhook_id", &self.webhook_id)
            .field("trust_anchors", &self.anchors.len())
            .finish_non_exhaustive()
    }
}

impl PayPal {
    /// What [`providers::paypal`](super::paypal()) returns.
    pub(super) fn new(webhook_id: Arc<str>) -> Self {
        PayPal {
            webhook_id,
            anchors: Arc::from(webpki_roots::TLS_SERVER_ROOTS),
            now: SystemTime::now,
        }
    }

    /// Trust anchors other than the Mozilla roots, as DER certificates (a test CA, or a
    /// pinned PayPal root). Replaces the defaults; an unparsable one is reported by
    /// [`Scheme::validate`].
    pub fn trust_anchors(mut self, roots: &[CertificateDer<'_>]) -> Self {
        let anchors: Vec<TrustAnchor<'static>> = roots
            .iter()
            .filter_map(|der| webpki::anchor_from_trusted_cert(der).ok())
            .map(|anchor| anchor.to_owned())
            .collect();
        // Fewer anchors than certificates: `validate` refuses the scheme.
        self.anchors = if anchors.len() == roots.len() {
            Arc::from(anchors)
        } else {
            Arc::from(Vec::new())
        };
        self
    }

    /// The clock certificates' validity is checked against (default: the system clock).
    pub fn certificate_clock(mut self, now: fn() -> SystemTime) -> Self {
        self.now = now;
        self
    }

    /// The RSA key of a PEM certificate chain, once the chain is validated.
    fn certificate_key(&self, pem: &[u8]) -> Result<RsaKey, ConfigError> {
        if pem.len() > MAX_CERTIFICATE_BYTES {
            return Err(ConfigError::new("the certificate chain is too large"));
        }
        let mut chain = Vec::new();
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|_| ConfigError::new("not a PEM certificate chain"))?;
            if chain.len() == MAX_CHAIN {
                return Err(ConfigError::new("too many certificates in the chain"));
            }
            chain.push(cert);
        }
        let (leaf, intermediates) = chain
            .split_first()
            .ok_or_else(|| ConfigError::new("no certificate in the PEM"))?;
        let leaf = webpki::EndEntityCert::try_from(leaf)
            .map_err(|_| ConfigError::new("the certificate cannot be parsed"))?;
        let now = (self.now)()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        leaf.verify_for_usage(
            CHAIN_ALGORITHMS,
            &self.anchors,
            intermediates,
            UnixTime::since_unix_epoch(now),
            webpki::KeyUsage::client_auth(),
            None,
            None,
        )
        .map_err(|e| {
            ConfigError::new(format!(
                "the certificate does not chain to a trust anchor, or is not valid now: {e}"
            ))
        })?;
        let named = CERT_NAMES.iter().any(|name| {
            ServerName::try_from(*name)
                .is_ok_and(|name| leaf.verify_is_valid_for_subject_name(&name).is_ok())
        });
        if !named {
            return Err(ConfigError::new(
                "the certificate is not issued to messageverificationcerts.paypal.com",
            ));
        }
        let spki = leaf.subject_public_key_info();
        RsaKey::from_public(spki.as_ref())
    }

    fn header<'a>(request: &WebhookRequest<'a>, name: &HeaderName) -> Result<&'a str, Rejection> {
        request
            .header(name)?
            .ok_or_else(|| Rejection::missing_header(name.as_str()))
    }
}

/// The signature algorithms a certificate chain may use.
static CHAIN_ALGORITHMS: &[&dyn rustls_pki_types::SignatureVerificationAlgorithm] = &[
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
];

/// The message PayPal signs.
fn signed_message(id: &str, time: &str, webhook_id: &str, body: &[u8]) -> String {
    format!("{id}|{time}|{webhook_id}|{}", crc32fast::hash(body))
}

impl Scheme for PayPal {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        "paypal"
    }

    /// The secret is the certificate chain, PEM, as fetched from `PAYPAL-CERT-URL`.
    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        self.certificate_key(secret.expose())
            .map(SchemeKey::from_rsa)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let algorithm = Self::header(request, &AUTH_ALGO)?;
        if algorithm != SHA256_WITH_RSA {
            return Err(Rejection::malformed_header(
                AUTH_ALGO.as_str(),
                "only SHA256withRSA is accepted",
            ));
        }
        let id = Self::header(request, &TRANSMISSION_ID)?;
        if id.is_empty() || id.len() > MAX_TRANSMISSION_ID {
            return Err(Rejection::malformed_header(
                TRANSMISSION_ID.as_str(),
                "empty or too long",
            ));
        }
        let time = Self::header(request, &TRANSMISSION_TIME)?;
        let at = parse_timestamp(time, TimestampFormat::Rfc3339).ok_or_else(|| {
            Rejection::malformed_header(TRANSMISSION_TIME.as_str(), "timestamp is not valid")
        })?;
        let encoded = Self::header(request, &TRANSMISSION_SIG)?;
        let malformed = || {
            Rejection::malformed_header(
                TRANSMISSION_SIG.as_str(),
                "signature is not valid base64 or has the wrong length",
            )
        };
        // Bounded before decoding: base64 of the longest RSA signature.
        if encoded.len() > MAX_RSA_SIGNATURE.div_ceil(3) * 4 {
            return Err(malformed());
        }
        let signature = STANDARD.decode(encoded).map_err(|_| malformed())?;
        let mut keys = keys.iter().filter_map(SchemeKey::as_rsa);
        if !keys
            .clone()
            .any(|key| key.signature_len() == signature.len())
        {
            return Err(malformed());
        }
        let message = signed_message(id, time, &self.webhook_id, request.body());
        let digest = Sha256::digest(message.as_bytes());
        if !keys.any(|key| key.verifies_digest(&digest, &signature)) {
            return Err(Rejection::new(
                RejectionKind::SignatureMismatch,
                "signature does not match",
            ));
        }
        let mut verified = Verified::new()
            .fingerprint(hex::encode(digest))
            .signed_timestamp(at)
            .signed_id(id);
        // Covered only by a CRC32: unsigned.
        let path = JsonPath::from("event_type");
        let [event] = find_fields(request.body(), [Some(&path)]);
        if let Some(event) = event {
            verified = verified.unsigned_event_type(event);
        }
        Ok(verified)
    }

    /// Signs as PayPal does, with an RSA private key (PKCS#8 or PKCS#1, PEM): for tests.
    /// Sets the transmission id, time, algorithm and signature; the certificate URL is the
    /// caller's to set.
    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let time = TimestampFormat::Rfc3339.format(message.timestamp);
        let signed = signed_message(message.id, &time, &self.webhook_id, request.body());
        let signature = rsa_key::sign(secret.expose(), &[signed.as_bytes()])?;
        let headers = request.headers_mut();
        headers.insert(TRANSMISSION_ID, header_value(message.id)?);
        headers.insert(TRANSMISSION_TIME, header_value(&time)?);
        headers.insert(AUTH_ALGO, header_value(SHA256_WITH_RSA)?);
        headers.insert(TRANSMISSION_SIG, header_value(STANDARD.encode(signature))?);
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        rsa_key::sign(secret.expose(), &[b""]).map(drop)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.webhook_id.is_empty() {
            return Err(ConfigError::new(
                "the PayPal webhook id is empty: pass the id the developer dashboard shows",
            ));
        }
        if self.anchors.is_empty() {
            return Err(ConfigError::new(
                "no usable trust anchor: every certificate given to trust_anchors must parse",
            ));
        }
        Ok(())
    }

    fn signature_algorithm(&self) -> Option<crate::scheme::Algorithm> {
        Some(crate::scheme::Algorithm::RsaPkcs1v15Sha256)
    }
}

/// The [`VerifierLookup`] of PayPal's certificates, for a
/// [`Sources`](crate::layer::Sources) keyed on [`CERT_URL`]: for each certificate
/// URL, checks it with [`is_cert_url`] (an unknown source otherwise, answered `404`
/// without any fetch), fetches it through the [`CertificateFetcher`], refuses more than
/// [`MAX_CERTIFICATE_BYTES`], and builds a [`Verifier`] from the validated certificate (an
/// invalid one is an unknown source too, with a `warn` event). A failed fetch is a failed
/// lookup: `503`, and PayPal retries.
///
/// The certificate URL is read before anything is verified, so anyone can name one. The
/// [`Sources`](crate::layer::Sources) is what keeps that from making your server fetch
/// at the sender's rate: it caches each URL's answer (a certificate for its TTL, a refused
/// URL for the unknown TTL, a failed or timed-out fetch for the failure TTL, each fetched
/// once however many requests name it meanwhile), gives every fetch its lookup timeout,
/// and lets at most [`max_new_source_lookups`](crate::layer::Sources::max_new_source_lookups)
/// fetches of URLs it does not know run at once. PayPal signs with a handful of
/// certificates, so a small capacity (16) and a small limit on new fetches (4) are
/// plenty.
///
/// The sources it returns all have one identity, `paypal:<webhook id>`
/// ([`Delivery::source`](crate::Delivery::source)), not the certificate URL: the URL is
/// not signed and PayPal serves one certificate under several (`api.paypal.com` and
/// `api-m.paypal.com`), so a captured delivery that names another URL of the same
/// certificate is still a duplicate.
///
/// ```
/// use axum::{routing::post, Router};
/// use tower_webhook::layer::{LookupError, LookupErrorKind, SourceKey, Sources};
/// use tower_webhook::providers::{self, paypal::Certificates, paypal::CERT_URL};
/// use tower_webhook::{Delivery, WebhookLayer};
///
/// // Your HTTP client here (see `CertificateFetcher`); this one fetches nothing.
/// let fetcher = |url: String| async move {
///     Err::<bytes::Bytes, _>(LookupError::new(LookupErrorKind::Unavailable, format!("no HTTP client to fetch {url}")))
/// };
/// let certificates = Certificates::new(providers::paypal("1JE4291016473214C"), fetcher);
/// let sources = Sources::new(SourceKey::header(CERT_URL), certificates)
///     .capacity(16)
///     .max_new_source_lookups(4);
/// let app: Router = Router::new().route(
///     "/webhooks/paypal",
///     post(|delivery: Delivery| async move { delivery.id().to_owned() })
///         .route_layer(WebhookLayer::with_sources(sources)),
/// );
/// # let _ = app;
/// ```
pub struct Certificates {
    scheme: PayPal,
    fetcher: Arc<dyn CertificateFetcher>,
    tolerance: Option<Duration>,
}

impl fmt::Debug for Certificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificates")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

impl Certificates {
    /// Certificates for `scheme`, fetched by `fetcher`.
    pub fn new(scheme: PayPal, fetcher: impl CertificateFetcher) -> Self {
        Certificates {
            scheme,
            fetcher: Arc::new(fetcher),
            tolerance: None,
        }
    }

    /// The freshness tolerance of `PAYPAL-TRANSMISSION-TIME` (default five minutes).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }
}

impl VerifierLookup for Certificates {
    fn lookup(&self, url: String) -> BoxFuture<'_, Result<Option<KnownSource>, LookupError>> {
        Box::pin(async move {
            if !is_cert_url(&url) {
                tracing::warn!(url = %url, "PAYPAL-CERT-URL is not one of PayPal's: refused without fetching");
                return Ok(None);
            }
            let pem = self.fetcher.fetch(url.clone()).await?;
            if pem.len() > MAX_CERTIFICATE_BYTES {
                tracing::warn!(url = %url, len = pem.len(), "PayPal certificate too large");
                return Ok(None);
            }
            let mut builder = Verifier::builder(self.scheme.clone()).secret(pem.to_vec());
            if let Some(tolerance) = self.tolerance {
                builder = builder.tolerance(tolerance);
            }
            match builder.build() {
                // One source for every certificate URL: the URL is not signed, and PayPal
                // serves one certificate under several (`api` and `api-m`), so replay keys
                // must not depend on it.
                Ok(verifier) => Ok(Some(KnownSource::new(
                    format!("paypal:{}", self.scheme.webhook_id),
                    verifier,
                ))),
                Err(error) => {
                    tracing::warn!(url = %url, error = %error, "PayPal certificate refused");
                    Ok(None)
                }
            }
        })
    }
}
