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
pub struct Secret {
    bytes: Zeroizing<Vec<u8>>,
    verbatim: bool,
}

impl Secret {
    /// Wraps raw secret bytes.
    ///
    /// A secret that starts or ends with whitespace (a trailing newline from a file or a
    /// Kubernetes secret, a stray space) is refused when the verifier is built: no
    /// provider hands out such secrets, and every signature would fail. Where a
    /// provider really does, keep it with [`Secret::verbatim`].
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Secret {
            bytes: Zeroizing::new(bytes.into()),
            verbatim: false,
        }
    }

    /// Wraps secret bytes that are to be used exactly as given, surrounding whitespace
    /// included.
    pub fn verbatim(bytes: impl Into<Vec<u8>>) -> Self {
        Secret {
            bytes: Zeroizing::new(bytes.into()),
            verbatim: true,
        }
    }

    /// The secret's bytes, exactly as given.
    pub fn expose(&self) -> &[u8] {
        &self.bytes
    }

    /// The secret as UTF-8 text, when it is.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    /// What surrounding whitespace the secret has, when it has some and was not made
    /// [`verbatim`](Self::verbatim): a configuration mistake.
    pub(crate) fn stray_whitespace(&self) -> Option<String> {
        if self.verbatim {
            return None;
        }
        let name = |byte: &u8| match byte {
            b'\n' => Some("a newline"),
            b'\r' => Some("a carriage return"),
            b'\t' => Some("a tab"),
            b' ' => Some("a space"),
            _ => None,
        };
        if let Some(last) = self.bytes.last().and_then(name) {
            return Some(format!("ends with {last}"));
        }
        let first = self.bytes.first().and_then(name)?;
        Some(format!("starts with {first}"))
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
