//! Signing deliveries the way a provider does: for tests, demos, and services that send
//! webhooks themselves.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use bytes::Bytes;

use crate::scheme::{Message, Scheme};
use crate::{ConfigError, Secret};

#[doc = guide_links!()]
#[doc = include_str!("../docs/signing.md")]
pub struct Signer<S> {
    scheme: S,
    secret: Secret,
}

impl<S: Scheme> Signer<S> {
    /// A signer for `scheme` with `secret` (for asymmetric schemes, the private key), or
    /// why the secret cannot sign for it (checked once here, as
    /// [`Verifier::new`](crate::Verifier::new) checks its secrets).
    ///
    /// ```
    /// use tower_webhook::{providers, Signer};
    ///
    /// assert!(Signer::new(providers::stripe(), "whsec_test").is_ok());
    /// // Adyen's HMAC key is hex.
    /// assert!(Signer::new(providers::adyen(), "not hex").is_err());
    /// ```
    pub fn new(scheme: S, secret: impl Into<Secret>) -> Result<Self, ConfigError> {
        let secret = secret.into();
        scheme.check_signing_secret(&secret)?;
        Ok(Signer { scheme, secret })
    }

    /// Signs `request` now, with a fresh delivery id.
    pub fn sign(&self, request: http::Request<Bytes>) -> Result<http::Request<Bytes>, ConfigError> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let now = SystemTime::now();
        let nanos = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let id = format!("msg_{nanos:x}{:x}", NEXT.fetch_add(1, Ordering::Relaxed));
        self.sign_with(request, &id, now)
    }

    /// Signs `request` with the given delivery id and timestamp.
    pub fn sign_with(
        &self,
        mut request: http::Request<Bytes>,
        id: &str,
        timestamp: SystemTime,
    ) -> Result<http::Request<Bytes>, ConfigError> {
        self.scheme
            .sign(&self.secret, &mut request, &Message { id, timestamp })?;
        Ok(request)
    }

    /// The scheme.
    pub fn scheme(&self) -> &S {
        &self.scheme
    }
}

impl<S: Scheme> fmt::Debug for Signer<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme)
            .field("secret", &self.secret)
            .finish()
    }
}
