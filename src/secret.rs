//! Secrets: the shared keys (and, for asymmetric schemes, the public keys) a verifier holds.
//! Redacted in `Debug` and `Display`, zeroized when dropped.

use std::fmt;

use zeroize::Zeroizing;

/// A secret as the provider hands it out: a signing secret, an auth token, or a public
/// key in the provider's own text form.
///
/// How the bytes are interpreted belongs to the [`Scheme`](crate::Scheme): Stripe uses the
/// whole `whsec_…` string as the key, Standard Webhooks base64-decodes what follows
/// `whsec_`, Discord parses a hex public key.
///
/// A `Secret` never shows its value: `Debug` and `Display` print `Secret(<redacted>)`, and
/// the bytes are overwritten with zeros when it is dropped.
///
/// ```
/// use tower_webhook::Secret;
///
/// let secret = Secret::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// ```
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps raw secret bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Secret(Zeroizing::new(bytes.into()))
    }

    /// The secret's bytes, exactly as given.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as UTF-8 text, when it is.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value.as_bytes())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value.into_bytes())
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret::new(value.as_bytes())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(value: Vec<u8>) -> Self {
        Secret::new(value)
    }
}

impl From<&[u8]> for Secret {
    fn from(value: &[u8]) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
