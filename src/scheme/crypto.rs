//! Signature algorithms: HMAC (computed and compared in constant time), Ed25519, ECDSA
//! P-256 and, with the `rsa` feature, RSA PKCS#1 v1.5 (verified with a public key). Every algorithm is fed the signed parts in order,
//! so no copy of the body is ever made.

use hmac::{Hmac, Mac};
// ECDSA takes the SHA-256 digest as bytes (what its digest API computes itself), so
// p256's own `digest` version need not match the one HMAC uses.
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Verified;
use crate::ConfigError;

/// The signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA1 (Twilio, legacy GitHub). Still a sound MAC, though SHA-1 is not a sound hash.
    Sha1,
    /// HMAC-SHA256, what most providers use.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
    /// Ed25519 signatures verified with the provider's public key (Discord, Standard
    /// Webhooks `v1a`).
    Ed25519,
    /// ECDSA over P-256 with SHA-256, signatures in ASN.1 DER (SendGrid).
    EcdsaP256Sha256,
    /// RSA PKCS#1 v1.5 signatures over SHA-256 (`SHA256withRSA`, `RS256`) verified with the
    /// provider's public key (Wise). Keys of 2048 to 8192 bits; a signature is exactly the
    /// modulus length. Needs the `rsa` feature: without it, a scheme using this algorithm
    /// is refused at configuration.
    RsaPkcs1v15Sha256,
}

/// Longest MAC output (SHA-512).
pub(crate) const MAX_TAG: usize = 64;
/// Longest signature accepted on the stack, for every algorithm but RSA: a DER-encoded
/// P-256 ECDSA signature is at most 72 bytes. RSA signatures (256 to 1024 bytes) are
/// decoded into a buffer of their own, allocated only for an RSA scheme, so the HMAC
/// paths keep their small stack buffers.
pub(crate) const MAX_SIGNATURE: usize = 80;
/// Longest RSA signature: the modulus length of an 8192-bit key.
pub(crate) const MAX_RSA_SIGNATURE: usize = 1024;
/// Shortest RSA signature: the modulus length of a 2048-bit key.
const MIN_RSA_SIGNATURE: usize = 256;
#[cfg(feature = "rsa")]
const _: () = assert!(
    MAX_RSA_SIGNATURE == super::rsa_key::MAX_RSA_SIGNATURE
        && MIN_RSA_SIGNATURE == super::rsa_key::MIN_RSA_SIGNATURE
);

impl Algorithm {
    /// Its usual name: `HMAC-SHA256`, `Ed25519`, `ECDSA P-256`, …
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "HMAC-SHA1",
            Algorithm::Sha256 => "HMAC-SHA256",
            Algorithm::Sha512 => "HMAC-SHA512",
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::EcdsaP256Sha256 => "ECDSA P-256",
            Algorithm::RsaPkcs1v15Sha256 => "RSA PKCS#1 v1.5 SHA-256",
        }
    }

    pub(crate) fn is_mac(self) -> bool {
        matches!(
            self,
            Algorithm::Sha1 | Algorithm::Sha256 | Algorithm::Sha512
        )
    }

    /// Whether a decoded signature has a length this algorithm can produce.
    pub(crate) fn accepts_len(self, len: usize) -> bool {
        match self {
            Algorithm::Sha1 => len == 20,
            Algorithm::Sha256 => len == 32,
            Algorithm::Sha512 => len == 64,
            Algorithm::Ed25519 => len == 64,
            Algorithm::EcdsaP256Sha256 => (8..=72).contains(&len),
            // Any key's modulus length; each key then checks its own exactly.
            Algorithm::RsaPkcs1v15Sha256 => (MIN_RSA_SIGNATURE..=MAX_RSA_SIGNATURE).contains(&len),
        }
    }

    /// Whether signatures are too long for the stack buffer of [`MAX_SIGNATURE`] bytes.
    pub(crate) fn has_long_signatures(self) -> bool {
        matches!(self, Algorithm::RsaPkcs1v15Sha256)
    }
}

/// A verification key prepared once from a secret: a keyed HMAC state (cloned for each
/// request; the state and its clones are zeroized on drop), or a parsed public key.
#[derive(Clone)]
pub struct SchemeKey(KeyState);

#[derive(Clone)]
enum KeyState {
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
    Sha512(Hmac<sha2::Sha512>),
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
    #[cfg(feature = "rsa")]
    Rsa(Box<super::rsa_key::RsaKey>),
    /// A shared token, as its SHA-256 digest (zeroized on drop).
    Token(zeroize::Zeroizing<[u8; 32]>),
    /// One secret keyed for HMAC-SHA1 and HMAC-SHA256 both, where the request says which
    /// (Twilio's signature settings header); SHA-1 unless asked otherwise.
    Sha1OrSha256(Hmac<sha1::Sha1>, Hmac<sha2::Sha256>),
    /// A JWT scheme's keys (an HS256 secret, or a JWK set's public keys).
    #[cfg(feature = "jwt")]
    Jwt(std::sync::Arc<super::jwt_key::JwtKey>),
}

impl std::fmt::Debug for SchemeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.0 {
            KeyState::Sha1(_) | KeyState::Sha256(_) | KeyState::Sha512(_) => "hmac",
            KeyState::Ed25519(_) => "ed25519",
            KeyState::P256(_) => "p256",
            #[cfg(feature = "rsa")]
            KeyState::Rsa(_) => "rsa",
            KeyState::Token(_) => "token",
            KeyState::Sha1OrSha256(..) => "hmac-sha1/sha256",
            #[cfg(feature = "jwt")]
            KeyState::Jwt(_) => "jwt",
        };
        write!(f, "SchemeKey({kind}, <redacted>)")
    }
}

/// A keyed HMAC state is as good as the key: it holds the hash states after `K ^ ipad` and
/// `K ^ opad`. Both, and the block buffer, are zeroized on drop (the `zeroize` features of
/// `sha1`, `sha2` and `hmac`); this fails to compile if a feature is lost.
const fn zeroized_on_drop<T: zeroize::ZeroizeOnDrop>() {}
const _: () = {
    use hmac::digest::block_api::{Buffer, EagerHash};
    zeroized_on_drop::<<sha1::Sha1 as EagerHash>::Core>();
    zeroized_on_drop::<<sha2::Sha256 as EagerHash>::Core>();
    zeroized_on_drop::<<sha2::Sha512 as EagerHash>::Core>();
    zeroized_on_drop::<Buffer<hmac::block_api::HmacCore<sha1::Sha1>>>();
    zeroized_on_drop::<Buffer<hmac::block_api::HmacCore<sha2::Sha256>>>();
    zeroized_on_drop::<Buffer<hmac::block_api::HmacCore<sha2::Sha512>>>();
};

fn hmac_state<M: Mac + hmac::digest::KeyInit>(key: &[u8]) -> M {
    // HMAC accepts keys of any length.
    <M as hmac::digest::KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

impl SchemeKey {
    /// Prepares a verification key from decoded key bytes: the HMAC key, a raw 32-byte
    /// Ed25519 public key, a P-256 public key as DER SubjectPublicKeyInfo or SEC1 bytes, or
    /// (feature `rsa`) an RSA public key of 2048 to 8192 bits as PEM or DER,
    /// SubjectPublicKeyInfo or PKCS#1.
    pub fn new(algorithm: Algorithm, key: &[u8]) -> Result<Self, ConfigError> {
        Ok(SchemeKey(match algorithm {
            Algorithm::Sha1 => KeyState::Sha1(hmac_state(key)),
            Algorithm::Sha256 => KeyState::Sha256(hmac_state(key)),
            Algorithm::Sha512 => KeyState::Sha512(hmac_state(key)),
            Algorithm::Ed25519 => {
                let bytes: &[u8; 32] = key
                    .try_into()
                    .map_err(|_| ConfigError::new("an Ed25519 public key is 32 bytes"))?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(bytes)
                    .map_err(|_| ConfigError::new("not a valid Ed25519 public key"))?;
                // A small-order key verifies signatures anyone can make: refuse it here,
                // once, rather than checking it on every request as `verify_strict` does.
                if key.is_weak() {
                    return Err(ConfigError::new("a weak (small-order) Ed25519 public key"));
                }
                KeyState::Ed25519(key)
            }
            Algorithm::EcdsaP256Sha256 => KeyState::P256(
                p256::ecdsa::VerifyingKey::from_public_key_der(key)
                    .or_else(|_| p256::ecdsa::VerifyingKey::from_sec1_bytes(key))
                    .map_err(|_| ConfigError::new("not a valid P-256 public key"))?,
            ),
            #[cfg(feature = "rsa")]
            Algorithm::RsaPkcs1v15Sha256 => {
                KeyState::Rsa(Box::new(super::rsa_key::RsaKey::from_public(key)?))
            }
            #[cfg(not(feature = "rsa"))]
            Algorithm::RsaPkcs1v15Sha256 => return Err(rsa_feature_missing()),
        }))
    }

    /// An HMAC key whose bytes are the secret itself, as most providers use it; an empty
    /// secret is a configuration error, and so is an algorithm that is not a MAC.
    pub fn hmac(algorithm: Algorithm, secret: &crate::Secret) -> Result<Self, ConfigError> {
        if !algorithm.is_mac() {
            return Err(ConfigError::new(
                "SchemeKey::hmac needs a MAC algorithm (HMAC-SHA1/256/512); a public key is \
                 prepared with SchemeKey::new",
            ));
        }
        if secret.expose().is_empty() {
            return Err(ConfigError::new("secret is empty"));
        }
        SchemeKey::new(algorithm, secret.expose())
    }

    /// A shared token (a scheme that sends the secret itself, such as GitLab's), kept as
    /// its SHA-256 digest so that comparing it reveals neither its content nor its length.
    pub fn token(secret: &crate::Secret) -> Result<Self, ConfigError> {
        if secret.expose().is_empty() {
            return Err(ConfigError::new("token is empty"));
        }
        Ok(SchemeKey(KeyState::Token(secret_digest(secret.expose()))))
    }

    /// One secret keyed for both HMAC-SHA1 and HMAC-SHA256; [`tag`](Self::tag) uses SHA-1,
    /// [`tag_sha256_parts`](Self::tag_sha256_parts) SHA-256.
    pub(crate) fn hmac_sha1_or_sha256(secret: &crate::Secret) -> Result<Self, ConfigError> {
        if secret.expose().is_empty() {
            return Err(ConfigError::new("secret is empty"));
        }
        Ok(SchemeKey(KeyState::Sha1OrSha256(
            hmac_state(secret.expose()),
            hmac_state(secret.expose()),
        )))
    }

    /// The HMAC-SHA256 tag of the parts, for a key made by
    /// [`hmac_sha1_or_sha256`](Self::hmac_sha1_or_sha256) (or an HMAC-SHA256 key); zero
    /// length for any other key.
    pub(crate) fn tag_sha256_parts<'p>(
        &self,
        parts: impl IntoIterator<Item = &'p [u8]>,
        out: &mut [u8; MAX_TAG],
    ) -> usize {
        match &self.0 {
            KeyState::Sha1OrSha256(_, mac) | KeyState::Sha256(mac) => run_mac(mac, parts, out),
            _ => 0,
        }
    }

    /// Whether this is a token key whose digest equals `received` (a digest of what the
    /// request sent), in constant time.
    pub(crate) fn token_matches(&self, received: &[u8; 32]) -> subtle::Choice {
        match &self.0 {
            KeyState::Token(digest) => received[..].ct_eq(&digest[..]),
            _ => subtle::Choice::from(0),
        }
    }

    /// The MAC of the concatenated parts, fed in order without copying them together.
    /// Zero length for public keys, which cannot compute one.
    pub(crate) fn tag(&self, parts: &[&[u8]], out: &mut [u8; MAX_TAG]) -> usize {
        self.tag_parts(parts.iter().copied(), out)
    }

    /// [`tag`](Self::tag) of parts given one after another.
    pub(crate) fn tag_parts<'p>(
        &self,
        parts: impl IntoIterator<Item = &'p [u8]>,
        out: &mut [u8; MAX_TAG],
    ) -> usize {
        match &self.0 {
            KeyState::Sha1(mac) => run_mac(mac, parts, out),
            KeyState::Sha256(mac) => run_mac(mac, parts, out),
            KeyState::Sha512(mac) => run_mac(mac, parts, out),
            KeyState::Sha1OrSha256(mac, _) => run_mac(mac, parts, out),
            KeyState::Ed25519(_) | KeyState::P256(_) | KeyState::Token(_) => 0,
            #[cfg(feature = "rsa")]
            KeyState::Rsa(_) => 0,
            #[cfg(feature = "jwt")]
            KeyState::Jwt(_) => 0,
        }
    }

    /// Whether `signature` is valid for the concatenated parts. For HMAC keys, pass the
    /// tag computed once with [`tag`](Self::tag) through `tag`.
    pub(crate) fn verifies(&self, parts: &[&[u8]], tag: &[u8], signature: &[u8]) -> bool {
        match &self.0 {
            KeyState::Sha1(_)
            | KeyState::Sha256(_)
            | KeyState::Sha512(_)
            | KeyState::Sha1OrSha256(..) => !tag.is_empty() && tags_equal(tag, signature),
            KeyState::Ed25519(key) => {
                let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
                    return false;
                };
                let Ok(mut stream) = key.verify_stream(&signature) else {
                    return false;
                };
                for part in parts {
                    stream.update(part);
                }
                stream.finalize_and_verify().is_ok()
            }
            KeyState::P256(key) => {
                let Ok(signature) = p256::ecdsa::Signature::from_der(signature) else {
                    return false;
                };
                let mut digest = Sha256::new();
                for part in parts {
                    digest.update(part);
                }
                key.verify_prehash(&digest.finalize(), &signature).is_ok()
            }
            #[cfg(feature = "rsa")]
            KeyState::Rsa(key) => key.verifies_digest(&sha256(parts), signature),
            KeyState::Token(_) => false,
            #[cfg(feature = "jwt")]
            KeyState::Jwt(_) => false,
        }
    }

    /// A JWT scheme's keys.
    #[cfg(feature = "jwt")]
    pub(crate) fn jwt(key: super::jwt_key::JwtKey) -> Self {
        SchemeKey(KeyState::Jwt(std::sync::Arc::new(key)))
    }

    /// The JWT scheme's keys this key holds, if it is one.
    #[cfg(feature = "jwt")]
    pub(crate) fn as_jwt(&self) -> Option<&super::jwt_key::JwtKey> {
        match &self.0 {
            KeyState::Jwt(key) => Some(key),
            _ => None,
        }
    }
}

#[cfg(feature = "paypal")]
impl SchemeKey {
    /// An RSA key parsed elsewhere (from a certificate).
    pub(crate) fn from_rsa(key: super::rsa_key::RsaKey) -> Self {
        SchemeKey(KeyState::Rsa(Box::new(key)))
    }

    /// The RSA key, if this is one.
    pub(crate) fn as_rsa(&self) -> Option<&super::rsa_key::RsaKey> {
        match &self.0 {
            KeyState::Rsa(key) => Some(key),
            _ => None,
        }
    }
}

/// The MAC of the parts with a clone of a keyed state, written to `out`; its length.
fn run_mac<'p, M: Mac + Clone>(
    mac: &M,
    parts: impl IntoIterator<Item = &'p [u8]>,
    out: &mut [u8; MAX_TAG],
) -> usize {
    let mut mac = mac.clone();
    for part in parts {
        mac.update(part);
    }
    let tag = mac.finalize().into_bytes();
    let len = tag.len().min(MAX_TAG);
    match (out.get_mut(..len), tag.get(..len)) {
        (Some(slot), Some(tag)) => {
            slot.copy_from_slice(tag);
            len
        }
        _ => 0,
    }
}

/// The most signature entries a public-key scheme checks per request. Each check of an
/// Ed25519 signature hashes the whole body again (its hash covers the signature's `R`),
/// so more entries would let junk multiply the work; two cover a provider signing with
/// an old and a new key during its rotation. A header with more is refused.
pub const MAX_PUBLIC_KEY_SIGNATURES: usize = 2;

/// An RSA key's verification needs no request data but the key itself is configuration:
/// the message a scheme using RSA gets without the feature.
#[cfg(not(feature = "rsa"))]
fn rsa_feature_missing() -> ConfigError {
    ConfigError::new(
        "RSA signatures need the `rsa` feature of tower-webhook (in Cargo.toml: \
         features = [\"rsa\"])",
    )
}

/// The SHA-256 digest of the concatenated parts.
fn sha256(parts: &[&[u8]]) -> sha2::digest::Output<Sha256> {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update(part);
    }
    digest.finalize()
}

/// What matched: the key (its index), its tag length (zero for public keys), and the
/// candidate signature.
pub(crate) struct Match<'c> {
    pub(crate) key: usize,
    pub(crate) tag_len: usize,
    pub(crate) signature: &'c [u8],
}

/// The first key that verifies one of `candidates` over `parts`. Each key's MAC is
/// computed once, whatever the number of candidates; for ECDSA and RSA the signed content
/// is hashed once for every key and candidate.
pub(crate) fn first_match<'c, I>(
    keys: &[SchemeKey],
    parts: &[&[u8]],
    candidates: I,
    tag: &mut [u8; MAX_TAG],
) -> Option<Match<'c>>
where
    I: IntoIterator<Item = &'c [u8]>,
    I::IntoIter: Clone,
{
    let candidates = candidates.into_iter();
    let mut prehash = None;
    keys.iter().enumerate().find_map(|(index, key)| {
        #[cfg(feature = "rsa")]
        if let KeyState::Rsa(verifying) = &key.0 {
            // Candidates of another length are skipped before any hashing or arithmetic.
            let mut fitting = candidates
                .clone()
                .filter(|candidate| candidate.len() == verifying.signature_len())
                .peekable();
            fitting.peek()?;
            let digest = prehash.get_or_insert_with(|| sha256(parts));
            return fitting
                .find(|candidate| verifying.verifies_digest(digest, candidate))
                .map(|signature| Match {
                    key: index,
                    tag_len: 0,
                    signature,
                });
        }
        if let KeyState::P256(verifying) = &key.0 {
            let digest = prehash.get_or_insert_with(|| sha256(parts));
            return candidates
                .clone()
                .find(|candidate| {
                    p256::ecdsa::Signature::from_der(candidate)
                        .is_ok_and(|sig| verifying.verify_prehash(digest, &sig).is_ok())
                })
                .map(|signature| Match {
                    key: index,
                    tag_len: 0,
                    signature,
                });
        }
        let len = key.tag(parts, tag);
        let computed = tag.get(..len).unwrap_or_default();
        candidates
            .clone()
            .find(|candidate| key.verifies(parts, computed, candidate))
            .map(|signature| Match {
                key: index,
                tag_len: len,
                signature,
            })
    })
}

/// Records what identifies the signed content under every configured key: `tag` (of
/// length `tag_len`) is the matching key's tag, kept as the fingerprint; every other
/// MAC key's tag of the same parts is added beside it. A provider that signs with several
/// keys at once (Box, DocuSign, a rotation) sends one signature per key, and a secret
/// rotated in changes which key matches first: keyed on one key's tag alone, a capture
/// resent with only another key's signature, or after the secrets were reordered, would
/// be another delivery. Costs one more MAC per configured key beyond the first, so
/// nothing with one secret.
pub(crate) fn record_content_tags(
    verified: &mut Verified,
    keys: &[SchemeKey],
    parts: &[&[u8]],
    matched_key: usize,
    tag: &[u8],
) {
    verified.set_signature(tag);
    for (index, key) in keys.iter().enumerate() {
        if index == matched_key {
            continue;
        }
        let mut other = [0u8; MAX_TAG];
        let len = key.tag(parts, &mut other);
        verified.add_other_signature(other.get(..len).unwrap_or_default());
    }
}

/// Signs the concatenated parts with a signing secret: the HMAC key, an Ed25519 seed (32
/// bytes, or the 64-byte keypair), a P-256 private key (PKCS#8 DER or the 32-byte
/// scalar), or (feature `rsa`) an RSA private key (PKCS#8 or PKCS#1, PEM or DER).
pub(crate) fn sign(
    algorithm: Algorithm,
    key: &[u8],
    parts: &[&[u8]],
) -> Result<Vec<u8>, ConfigError> {
    if algorithm.is_mac() {
        let key = SchemeKey::new(algorithm, key)?;
        let mut tag = [0u8; MAX_TAG];
        let len = key.tag(parts, &mut tag);
        return Ok(tag.get(..len).unwrap_or_default().to_vec());
    }
    match algorithm {
        Algorithm::Ed25519 => {
            let seed: &[u8; 32] = key
                .get(..32)
                .and_then(|s| s.try_into().ok())
                .filter(|_| key.len() == 32 || key.len() == 64)
                .ok_or_else(|| ConfigError::new("an Ed25519 private key is a 32-byte seed"))?;
            let signing = ed25519_dalek::SigningKey::from_bytes(seed);
            let message: Vec<u8> = parts.concat();
            use ed25519_dalek::Signer as _;
            Ok(signing.sign(&message).to_bytes().to_vec())
        }
        #[cfg(feature = "rsa")]
        Algorithm::RsaPkcs1v15Sha256 => super::rsa_key::sign(key, parts),
        #[cfg(not(feature = "rsa"))]
        Algorithm::RsaPkcs1v15Sha256 => Err(rsa_feature_missing()),
        _ => {
            let signing = p256::ecdsa::SigningKey::from_pkcs8_der(key)
                .or_else(|_| p256::ecdsa::SigningKey::from_slice(key))
                .map_err(|_| ConfigError::new("not a valid P-256 private key"))?;
            let mut digest = Sha256::new();
            for part in parts {
                digest.update(part);
            }
            let signature: p256::ecdsa::Signature =
                signing.sign_prehash(&digest.finalize()).map_err(|_| {
                    ConfigError::new("P-256 signing failed: use a valid P-256 private key")
                })?;
            Ok(signature.to_der().as_bytes().to_vec())
        }
    }
}

/// A stable fingerprint of a verified request, used as its replay id when the provider
/// sends none: the signature itself where no one without the key can make a second valid
/// one for the same content — MACs, and Ed25519, whose verification accepts only the
/// canonical encoding of `S` and compares `R` byte for byte — and for ECDSA, where `s`
/// and `n - s` both verify, a hash of what was signed. RSA PKCS#1 v1.5 signatures are
/// unique too (deterministic, and `s >= n` is refused), but up to 1024 bytes: a hash of
/// what was signed is a shorter key.
pub(crate) fn fingerprint(algorithm: Algorithm, parts: &[&[u8]], signature: &[u8]) -> String {
    if !matches!(
        algorithm,
        Algorithm::EcdsaP256Sha256 | Algorithm::RsaPkcs1v15Sha256
    ) {
        return hex::encode(signature);
    }
    hex::encode(sha256(parts))
}

/// Whether two MAC tags are equal, in time that depends only on their lengths (public).
/// Compared eight bytes at a time through `subtle`, which keeps the constant-time
/// guarantee with a quarter of the optimization barriers of a byte-wise compare.
pub(crate) fn tags_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let words = a.chunks_exact(8).zip(b.chunks_exact(8));
    let mut equal = subtle::Choice::from(1);
    for (x, y) in words {
        let x = u64::from_le_bytes(x.try_into().unwrap_or_default());
        let y = u64::from_le_bytes(y.try_into().unwrap_or_default());
        equal &= x.ct_eq(&y);
    }
    let tail = a.len() - a.len() % 8;
    equal &= a
        .get(tail..)
        .unwrap_or_default()
        .ct_eq(b.get(tail..).unwrap_or_default());
    bool::from(equal)
}

/// The SHA-256 digest of a secret (a shared token, a verify token), compared in its place
/// so that the time a comparison takes does not depend on the secret's length: prepare the
/// expected one once, hash each received one.
pub(crate) fn secret_digest(secret: &[u8]) -> zeroize::Zeroizing<[u8; 32]> {
    zeroize::Zeroizing::new(Sha256::digest(secret).into())
}

/// Whether a received secret equals the expected one, comparing their fixed-size
/// SHA-256 digests in constant time. The time depends on the received secret's length
/// (the sender's own) and on the expected one's only through the number of 64-byte blocks
/// hashed; where the expected secret is fixed, hash it once with [`secret_digest`] instead.
pub(crate) fn secrets_equal(received: &[u8], expected: &[u8]) -> bool {
    let (received, expected) = (secret_digest(received), secret_digest(expected));
    bool::from(received[..].ct_eq(&expected[..]))
}
