//! RSA keys for [`Algorithm::RsaPkcs1v15Sha256`](super::Algorithm::RsaPkcs1v15Sha256):
//! parsing a public key once at configuration, within bounds, and verifying PKCS#1 v1.5
//! SHA-256 signatures with it. Behind the `rsa` feature (RustCrypto's `rsa`).

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::hazmat::PrehashVerifier;
use rsa::signature::Signer;
use rsa::traits::PublicKeyParts;
use sha2::Sha256;

use crate::ConfigError;

/// The smallest RSA modulus accepted, in bits: shorter keys are factorable in practice
/// (NIST SP 800-131A disallows them for signatures).
pub const MIN_RSA_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits: the work of one verification grows with the
/// modulus, so the key (configuration, never a request) bounds it.
pub const MAX_RSA_BITS: usize = 8192;
/// The longest RSA signature: the modulus length of the largest key, in bytes.
pub(crate) const MAX_RSA_SIGNATURE: usize = MAX_RSA_BITS / 8;
/// The shortest RSA signature (the smallest key's modulus length, in bytes).
pub(crate) const MIN_RSA_SIGNATURE: usize = MIN_RSA_BITS / 8;

/// A parsed RSA public key and the PKCS#1 v1.5 SHA-256 verifier built on it.
#[derive(Clone)]
pub(crate) struct RsaKey {
    verifying: rsa::pkcs1v15::VerifyingKey<Sha256>,
    /// The modulus length in bytes: a signature of any other length is refused before any
    /// arithmetic.
    size: usize,
}

impl RsaKey {
    /// A public key from PEM (`BEGIN PUBLIC KEY`, SubjectPublicKeyInfo, or `BEGIN RSA
    /// PUBLIC KEY`, PKCS#1) or DER (either), with a modulus of 2048 to 8192 bits.
    pub(crate) fn from_public(key: &[u8]) -> Result<Self, ConfigError> {
        let public = parse_public(key).ok_or_else(|| {
            ConfigError::new(
                "not an RSA public key: expected PEM (BEGIN PUBLIC KEY or BEGIN RSA PUBLIC KEY) \
                 or DER (SubjectPublicKeyInfo or PKCS#1)",
            )
        })?;
        RsaKey::bounded(public)
    }

    /// Wraps a public key whose modulus is within bounds (used for the key of a parsed
    /// certificate too).
    pub(crate) fn bounded(public: rsa::PublicKey) -> Result<Self, ConfigError> {
        let bits = public.n().as_ref().bit_width() as usize;
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(ConfigError::new(format!(
                "an RSA key of {bits} bits: keys of {MIN_RSA_BITS} to {MAX_RSA_BITS} bits are accepted"
            )));
        }
        let size = public.size();
        Ok(RsaKey {
            verifying: rsa::pkcs1v15::VerifyingKey::new(public),
            size,
        })
    }

    /// The modulus length in bytes, the only length a signature can have.
    pub(crate) fn signature_len(&self) -> usize {
        self.size
    }

    /// Whether `signature` is a PKCS#1 v1.5 signature of the SHA-256 `digest`. A signature
    /// of the wrong length is refused before any arithmetic.
    pub(crate) fn verifies_digest(&self, digest: &[u8], signature: &[u8]) -> bool {
        if signature.len() != self.size {
            return false;
        }
        let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
            return false;
        };
        self.verifying.verify_prehash(digest, &signature).is_ok()
    }
}

fn parse_public(key: &[u8]) -> Option<rsa::PublicKey> {
    match pem_text(key) {
        Some(text) => rsa::PublicKey::from_public_key_pem(text)
            .ok()
            .or_else(|| rsa::PublicKey::from_pkcs1_pem(text).ok()),
        None => rsa::PublicKey::from_public_key_der(key)
            .ok()
            .or_else(|| rsa::PublicKey::from_pkcs1_der(key).ok()),
    }
}

fn parse_private(key: &[u8]) -> Result<rsa::PrivateKey, ConfigError> {
    let parsed = match pem_text(key) {
        Some(text) => rsa::PrivateKey::from_pkcs8_pem(text)
            .ok()
            .or_else(|| rsa::PrivateKey::from_pkcs1_pem(text).ok()),
        None => rsa::PrivateKey::from_pkcs8_der(key)
            .ok()
            .or_else(|| rsa::PrivateKey::from_pkcs1_der(key).ok()),
    };
    parsed.ok_or_else(|| {
        ConfigError::new(
            "not an RSA private key: expected PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 (BEGIN RSA \
             PRIVATE KEY), PEM or DER",
        )
    })
}

/// The key as PEM text, when it is PEM (leading whitespace allowed).
fn pem_text(key: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(key).ok()?.trim();
    text.starts_with("-----BEGIN ").then_some(text)
}

/// Signs `parts` with an RSA private key (PKCS#8 or PKCS#1, PEM or DER): PKCS#1 v1.5 with
/// SHA-256. For tests, demos and senders; the private key's size is bounded as a public
/// key's is.
pub(crate) fn sign(key: &[u8], parts: &[&[u8]]) -> Result<Vec<u8>, ConfigError> {
    let private = parse_private(key)?;
    RsaKey::bounded(private.to_public_key())?;
    let signing = rsa::pkcs1v15::SigningKey::<Sha256>::new(private);
    let message: Vec<u8> = parts.concat();
    let signature = signing
        .try_sign(&message)
        .map_err(|_| ConfigError::new("RSA signing failed: use a valid RSA private key"))?;
    Ok(Box::<[u8]>::from(signature).into_vec())
}
