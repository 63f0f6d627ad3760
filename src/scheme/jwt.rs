//! JWT/JWS-signed deliveries (feature `jwt`): the provider sends a compact JWS in a header
//! (Plaid's `Plaid-Verification`, Vonage's `Authorization: Bearer`, Netlify's
//! `X-Webhook-Signature`) whose claims carry a SHA-256 of the body, and often the time it
//! was issued (`iat`) and an id (`jti`).
//!
//! The token's signature is checked with [jsonwebtoken] on its pure-Rust RustCrypto
//! backend. The algorithm is the scheme's, fixed when it is built: the token's `alg` is
//! only compared with it, never used to choose one, so `alg: none` and algorithm confusion
//! (an HS256 token keyed with an ES256 scheme's public key) are refused before any key is
//! touched. The body claim is compared with a SHA-256 of the raw body bytes, in constant
//! time.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use http::HeaderName;
use jsonwebtoken as jose;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::crypto::{tags_equal, Algorithm, SchemeKey};
use super::jwt_key::{JwtKey, JwtKeyEntry};
use super::{header_value, JsonPath, Message, Scheme, Verified, WebhookRequest};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

/// The longest token a [`JwtScheme`] decodes unless told otherwise
/// ([`JwtScheme::max_token_length`]): 4 KiB, several times the tokens Plaid, Vonage and
/// Netlify send. A longer header value is refused before anything in it is decoded.
pub const DEFAULT_MAX_TOKEN_LENGTH: usize = 4096;

/// The largest limit [`JwtScheme::max_token_length`] accepts: 64 KiB.
pub const MAX_TOKEN_LENGTH: usize = 64 * 1024;

/// The most keys one configured JWK set may hold: each token is checked against every key
/// whose `kid` fits, so the number of signature checks per request is bounded by
/// configuration.
pub const MAX_JWK_SET_KEYS: usize = 16;

/// Longest secret text read as a JWK or JWK set (a configuration limit).
const MAX_KEY_TEXT: usize = 64 * 1024;

/// The signature algorithm of a [`JwtScheme`], fixed by the scheme and never read from a
/// token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtAlgorithm {
    /// `HS256`: HMAC-SHA256 with a shared secret (Vonage's signature secret, Netlify's JWS
    /// secret). The configured secret is the HMAC key, used as its bytes.
    Hs256,
    /// `ES256`: ECDSA over P-256 with SHA-256, checked with public keys configured as JWKs
    /// (Plaid).
    Es256,
}

impl JwtAlgorithm {
    /// Its JOSE name, exactly as a token's `alg` must spell it: `HS256`, `ES256`.
    pub fn name(self) -> &'static str {
        match self {
            JwtAlgorithm::Hs256 => "HS256",
            JwtAlgorithm::Es256 => "ES256",
        }
    }

    fn jose(self) -> jose::Algorithm {
        match self {
            JwtAlgorithm::Hs256 => jose::Algorithm::HS256,
            JwtAlgorithm::Es256 => jose::Algorithm::ES256,
        }
    }

    fn catalogue(self) -> Algorithm {
        match self {
            JwtAlgorithm::Hs256 => Algorithm::Sha256,
            JwtAlgorithm::Es256 => Algorithm::EcdsaP256Sha256,
        }
    }
}

/// A provider that signs each delivery with a JWT (a compact JWS) in a header, whose
/// claims hold a SHA-256 of the body.
///
/// What is checked, in order: the header is present once, starts with the prefix if one
/// is set (`Bearer `), and is no longer than [`max_token_length`](Self::max_token_length);
/// the token's `alg` is the scheme's algorithm and it has no `crit` parameter; its
/// signature verifies with one of the keys (for ES256, among the keys of the configured
/// JWK sets whose `kid` equals the token's, or that have none); the issuer, when one is
/// set, is exactly `iss`; the body claim is the lowercase hex SHA-256 of the raw body; and, when
/// [`issued_at`](Self::issued_at) is set, `iat` is present and within the verifier's
/// tolerance. `exp` and `nbf` are not read: freshness is `iat`'s.
///
/// Keys: for [`JwtAlgorithm::Hs256`] the secret itself (its bytes); for
/// [`JwtAlgorithm::Es256`] a public JWK (`{"kty":"EC","crv":"P-256","x":…,"y":…}`), a JWK
/// set (`{"keys":[…]}`, at most [`MAX_JWK_SET_KEYS`]), or a response of Plaid's
/// `/webhook_verification_key/get` (`{"key":{…},…}`) as JSON text. A JWK with a private
/// part (`d`), another curve or algorithm, `use` other than `sig`, or a non-null
/// `expired_at` (Plaid's mark of a retired key) is a configuration error.
///
/// Replay: the delivery id is the claim named by [`id_claim`](Self::id_claim) when set
/// and present (signed); otherwise the replay key is a SHA-256 of the signed part of the
/// token (`header.payload`), which identifies the token whatever its (malleable ECDSA)
/// signature bytes.
///
/// ```
/// use http::HeaderName;
/// use tower_webhook::scheme::{JwtAlgorithm, JwtScheme};
///
/// // A provider that sends `X-Webhook-Signature: <JWT>`, HS256 with a shared secret,
/// // claims `{"iss":"example","sha256":"<hex SHA-256 of the body>","iat":…}`.
/// let example = JwtScheme::new(
///     "example",
///     HeaderName::from_static("x-webhook-signature"),
///     JwtAlgorithm::Hs256,
///     "sha256",
/// )
/// .issuer("example")
/// .issued_at();
/// # let _ = example;
/// ```
#[derive(Debug, Clone)]
pub struct JwtScheme {
    provider: Cow<'static, str>,
    header: HeaderName,
    prefix: Option<Cow<'static, str>>,
    algorithm: JwtAlgorithm,
    body_hash_claim: Cow<'static, str>,
    issuer: Option<Cow<'static, str>>,
    issued_at: bool,
    id_claim: Option<Cow<'static, str>>,
    event_type: Option<Arc<JsonPath>>,
    max_token_length: usize,
}

impl JwtScheme {
    /// A provider that sends its token in `header`, signed with `algorithm`, with the hex
    /// SHA-256 of the body in the claim `body_hash_claim`.
    pub fn new(
        provider: impl Into<Cow<'static, str>>,
        header: HeaderName,
        algorithm: JwtAlgorithm,
        body_hash_claim: impl Into<Cow<'static, str>>,
    ) -> Self {
        JwtScheme {
            provider: provider.into(),
            header,
            prefix: None,
            algorithm,
            body_hash_claim: body_hash_claim.into(),
            issuer: None,
            issued_at: false,
            id_claim: None,
            event_type: None,
            max_token_length: DEFAULT_MAX_TOKEN_LENGTH,
        }
    }

    /// Another provider name: the namespace of its replay keys.
    pub fn provider_name(mut self, provider: impl Into<Cow<'static, str>>) -> Self {
        self.provider = provider.into();
        self
    }

    /// The header value is `Bearer <token>` (the scheme name in any case, one space), as
    /// in an `Authorization` header.
    pub fn bearer(mut self) -> Self {
        self.prefix = Some(Cow::Borrowed("Bearer "));
        self
    }

    /// The token's `iss` claim must be exactly `issuer`.
    pub fn issuer(mut self, issuer: impl Into<Cow<'static, str>>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The token must carry `iat` (seconds since the epoch): the signed timestamp the
    /// verifier checks against its tolerance.
    pub fn issued_at(mut self) -> Self {
        self.issued_at = true;
        self
    }

    /// The delivery id is this (string) claim, when the token has it: signed.
    pub fn id_claim(mut self, claim: impl Into<Cow<'static, str>>) -> Self {
        self.id_claim = Some(claim.into());
        self
    }

    /// The event type is this field of the JSON body (signed: the token covers the body's
    /// hash), as `"webhook_code"` for Plaid; read only if asked for.
    pub fn event_type_from_json(mut self, path: impl Into<JsonPath>) -> Self {
        self.event_type = Some(Arc::new(path.into()));
        self
    }

    /// The longest token decoded, in bytes (default [`DEFAULT_MAX_TOKEN_LENGTH`], at most
    /// [`MAX_TOKEN_LENGTH`], checked when the verifier is built). A longer one is refused
    /// (`400`) before it is decoded.
    pub fn max_token_length(mut self, bytes: usize) -> Self {
        self.max_token_length = bytes;
        self
    }

    /// The scheme's algorithm.
    pub fn algorithm(&self) -> JwtAlgorithm {
        self.algorithm
    }

    fn token<'r>(&self, value: &'r str) -> Result<&'r str, Rejection> {
        let token = match &self.prefix {
            None => value,
            Some(prefix) => value
                .get(..prefix.len())
                .filter(|start| start.eq_ignore_ascii_case(prefix))
                .and_then(|_| value.get(prefix.len()..))
                .ok_or_else(|| {
                    Rejection::malformed_header(self.header.as_str(), "not a bearer token")
                })?,
        };
        if token.len() > self.max_token_length {
            return Err(Rejection::malformed_header(
                self.header.as_str(),
                "token is longer than the scheme's limit",
            ));
        }
        Ok(token)
    }

    fn validation(&self) -> jose::Validation {
        let mut validation = jose::Validation::new(self.algorithm.jose());
        // Freshness is `iat`'s, judged by the verifier (and its clock); nothing else is
        // required or checked by the library: the scheme checks its own claims.
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation
    }
}

impl JwtScheme {
    /// The key tokens are signed with, and the `kid` to name it by.
    fn signing_key(
        &self,
        secret: &Secret,
    ) -> Result<(jose::EncodingKey, Option<String>), ConfigError> {
        match self.algorithm {
            JwtAlgorithm::Hs256 => {
                if secret.expose().is_empty() {
                    return Err(ConfigError::new("secret is empty"));
                }
                Ok((jose::EncodingKey::from_secret(secret.expose()), None))
            }
            JwtAlgorithm::Es256 => es256_signing_key(secret.expose()),
        }
    }
}

fn mismatch(detail: &'static str) -> Rejection {
    Rejection::new(RejectionKind::SignatureMismatch, detail)
}

impl Scheme for JwtScheme {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        &self.provider
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        let bytes = secret.expose();
        if bytes.is_empty() {
            return Err(ConfigError::new("secret is empty"));
        }
        let entries = match self.algorithm {
            JwtAlgorithm::Hs256 => {
                if looks_like_public_key(bytes) {
                    return Err(ConfigError::new(
                        "an HS256 scheme's secret is the shared HMAC secret, not a public key \
                         (a JWK, PEM or DER public key here would let anyone who has it sign)",
                    ));
                }
                vec![JwtKeyEntry {
                    kid: None,
                    key: jose::DecodingKey::from_secret(bytes),
                }]
            }
            JwtAlgorithm::Es256 => public_jwks(bytes)?,
        };
        Ok(SchemeKey::jwt(JwtKey { entries }))
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let name = self.header.as_str();
        let token = self.token(request.required_header(&self.header)?)?;
        let malformed = || Rejection::malformed_header(name, "not a compact JWS");
        let (signing_input, _signature) = token.rsplit_once('.').ok_or_else(malformed)?;
        let (header, payload) = signing_input.split_once('.').ok_or_else(malformed)?;
        if payload.contains('.') {
            return Err(malformed());
        }
        let header: Map<String, Value> = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok())
            .ok_or_else(malformed)?;
        // The algorithm is the scheme's: `none`, or any other, is refused here, before a
        // key is looked at (the library checks it again against the key's family).
        if header.get("alg").and_then(Value::as_str) != Some(self.algorithm.name()) {
            return Err(mismatch("the token's algorithm is not the scheme's"));
        }
        if header.contains_key("crit") {
            return Err(mismatch("the token has critical header parameters"));
        }
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.as_str()),
            Some(_) => return Err(malformed()),
        };
        let validation = self.validation();
        let claims = keys
            .iter()
            .filter_map(SchemeKey::as_jwt)
            .flat_map(|key| key.entries.iter())
            .filter(|entry| match (kid, entry.kid.as_deref()) {
                (Some(wanted), Some(has)) => wanted == has,
                _ => true,
            })
            .find_map(|entry| {
                jose::decode::<Map<String, Value>>(token, &entry.key, &validation)
                    .ok()
                    .map(|data| data.claims)
            })
            .ok_or_else(|| mismatch("no key verifies the token"))?;

        if let Some(issuer) = &self.issuer {
            if claims.get("iss").and_then(Value::as_str) != Some(issuer.as_ref()) {
                return Err(mismatch("the token's issuer is not the provider's"));
            }
        }
        let claimed = claims
            .get(self.body_hash_claim.as_ref())
            .and_then(Value::as_str)
            // Lowercase hex, as the providers send it (Python's `hexdigest`) and as their
            // reference checks compare it, as text.
            .filter(|hash| {
                hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            })
            .and_then(|hash| {
                let mut out = [0u8; 32];
                hex::decode_to_slice(hash, &mut out).ok().map(|()| out)
            })
            .ok_or_else(|| mismatch("the token has no SHA-256 of the body"))?;
        let actual = Sha256::digest(request.body());
        if !tags_equal(&claimed, &actual) {
            return Err(mismatch("the body does not match the token's SHA-256"));
        }

        let mut verified = Verified::new().signature(&Sha256::digest(signing_input.as_bytes()));
        if self.issued_at {
            let seconds = claims
                .get("iat")
                .and_then(Value::as_u64)
                .ok_or_else(|| mismatch("the token has no issued-at time (iat)"))?;
            let at = UNIX_EPOCH
                .checked_add(Duration::from_secs(seconds))
                .ok_or_else(|| mismatch("the token's issued-at time (iat) is out of range"))?;
            verified = verified.signed_timestamp(at);
        }
        if let Some(claim) = &self.id_claim {
            if let Some(id) = claims.get(claim.as_ref()).and_then(Value::as_str) {
                verified = verified.signed_id(id);
            }
        }
        if let Some(path) = &self.event_type {
            verified = verified.signed_event_type_in_body(Arc::clone(path));
        }
        Ok(verified)
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let (key, kid) = self.signing_key(secret)?;
        let mut claims = Map::new();
        if self.issued_at {
            let seconds = message
                .timestamp
                .duration_since(UNIX_EPOCH)
                .map_err(|_| ConfigError::new("cannot sign a time before 1970"))?
                .as_secs();
            claims.insert("iat".into(), seconds.into());
        }
        if let Some(issuer) = &self.issuer {
            claims.insert("iss".into(), issuer.as_ref().into());
        }
        if let Some(claim) = &self.id_claim {
            claims.insert(claim.as_ref().into(), message.id.into());
        }
        claims.insert(
            self.body_hash_claim.as_ref().into(),
            hex::encode(Sha256::digest(request.body())).into(),
        );
        let mut header = jose::Header::new(self.algorithm.jose());
        header.typ = Some("JWT".into());
        header.kid = kid;
        let token = jose::encode(&header, &claims, &key)
            .map_err(|e| ConfigError::new(format!("cannot sign the token: {e}")))?;
        // A token its own verifier would refuse unread (found by the sign_verify fuzz
        // target: a long delivery id in the id claim).
        if token.len() > self.max_token_length {
            return Err(ConfigError::new(
                "the token would be longer than the scheme's limit: use a shorter id",
            ));
        }
        let value = match &self.prefix {
            Some(prefix) => format!("{prefix}{token}"),
            None => token,
        };
        request
            .headers_mut()
            .insert(self.header.clone(), header_value(value)?);
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        self.signing_key(secret).map(drop)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.body_hash_claim.is_empty() {
            return Err(ConfigError::new(
                "a JWT scheme needs the claim that carries the body's SHA-256",
            ));
        }
        if !(1..=MAX_TOKEN_LENGTH).contains(&self.max_token_length) {
            return Err(ConfigError::new(format!(
                "the token length limit must be between 1 and {MAX_TOKEN_LENGTH} bytes"
            )));
        }
        Ok(())
    }

    fn signature_algorithm(&self) -> Option<Algorithm> {
        Some(self.algorithm.catalogue())
    }
}

/// Whether an HS256 secret is really a public key: configuring one as the HMAC secret is
/// the algorithm-confusion mistake, since anyone holding the public key could then sign. A
/// JWK, PEM, or DER (a SubjectPublicKeyInfo of any algorithm, a PKCS#1 `RSAPublicKey`) as
/// raw bytes, base64 (standard or URL-safe, padded or not, in lines or not) or hex.
fn looks_like_public_key(secret: &[u8]) -> bool {
    let text = String::from_utf8_lossy(secret);
    let text = text.trim_start();
    if text.starts_with("-----BEGIN") || (text.starts_with('{') && text.contains("\"kty\"")) {
        return true;
    }
    if is_der_public_key(secret) {
        return true;
    }
    let compact: Vec<u8> = secret
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let base64 = || {
        use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
        use base64::engine::DecodePaddingMode;
        let indifferent =
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
        [base64::alphabet::STANDARD, base64::alphabet::URL_SAFE]
            .into_iter()
            .filter_map(move |alphabet| {
                GeneralPurpose::new(&alphabet, indifferent)
                    .decode(&compact)
                    .ok()
            })
    };
    hex::decode(secret.trim_ascii())
        .ok()
        .into_iter()
        .chain(base64())
        .any(|der| is_der_public_key(&der))
}

/// Whether `der` is exactly one DER public key: a SubjectPublicKeyInfo (any algorithm),
/// or a PKCS#1 `RSAPublicKey` (`SEQUENCE { modulus INTEGER, publicExponent INTEGER }`).
/// Parsed with the `der` and `spki` crates (through `p256`'s `pkcs8`).
fn is_der_public_key(der: &[u8]) -> bool {
    use p256::pkcs8::der::asn1::UintRef;
    use p256::pkcs8::der::{Decode, Reader, SliceReader};
    use p256::pkcs8::spki::SubjectPublicKeyInfoRef;

    if der.first() != Some(&0x30) {
        return false; // not a SEQUENCE: neither form
    }
    if SubjectPublicKeyInfoRef::from_der(der).is_ok() {
        return true;
    }
    let Ok(mut reader) = SliceReader::new(der) else {
        return false;
    };
    reader
        .sequence(|fields| {
            UintRef::decode(fields)?;
            UintRef::decode(fields)?;
            Ok(())
        })
        .and_then(|()| reader.finish(()))
        .is_ok()
}

fn b64url(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
}

/// The JWKs in a secret: one JWK, a JWK set, or Plaid's key response.
fn jwks(secret: &[u8]) -> Result<Vec<Map<String, Value>>, ConfigError> {
    if secret.len() > MAX_KEY_TEXT {
        return Err(ConfigError::new("a JWK set longer than 64 KiB"));
    }
    let not_jwk = || {
        ConfigError::new(
            "an ES256 key is a JWK, a JWK set ({\"keys\":[…]}) or Plaid's \
             /webhook_verification_key/get response, as JSON",
        )
    };
    let value: Value = serde_json::from_slice(secret).map_err(|_| not_jwk())?;
    let Value::Object(mut object) = value else {
        return Err(not_jwk());
    };
    let list = if let Some(keys) = object.remove("keys") {
        match keys {
            Value::Array(keys) => keys,
            _ => return Err(not_jwk()),
        }
    } else if let Some(key) = object.remove("key") {
        vec![key]
    } else {
        vec![Value::Object(object)]
    };
    if list.is_empty() || list.len() > MAX_JWK_SET_KEYS {
        return Err(ConfigError::new(format!(
            "a JWK set holds between 1 and {MAX_JWK_SET_KEYS} keys"
        )));
    }
    list.into_iter()
        .map(|key| match key {
            Value::Object(key) => Ok(key),
            _ => Err(not_jwk()),
        })
        .collect()
}

fn string<'j>(jwk: &'j Map<String, Value>, member: &str) -> Option<&'j str> {
    jwk.get(member).and_then(Value::as_str)
}

/// Checks a JWK is a P-256 signing key for ES256, and returns its `kid`, `x` and `y`.
fn p256_members(jwk: &Map<String, Value>) -> Result<(Option<Box<str>>, [u8; 65]), ConfigError> {
    if string(jwk, "kty") != Some("EC") || string(jwk, "crv") != Some("P-256") {
        return Err(ConfigError::new(
            "an ES256 key is an EC JWK on P-256 (kty \"EC\", crv \"P-256\")",
        ));
    }
    if jwk
        .get("alg")
        .is_some_and(|alg| alg.as_str() != Some("ES256"))
    {
        return Err(ConfigError::new("a JWK whose alg is not ES256"));
    }
    if jwk
        .get("use")
        .is_some_and(|usage| usage.as_str() != Some("sig"))
    {
        return Err(ConfigError::new("a JWK whose use is not sig"));
    }
    if jwk.get("expired_at").is_some_and(|at| !at.is_null()) {
        return Err(ConfigError::new(
            "a retired key (its expired_at is set): Plaid no longer signs with it",
        ));
    }
    let kid = match jwk.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.clone().into_boxed_str()),
        Some(_) => return Err(ConfigError::new("a JWK whose kid is not a string")),
    };
    let coordinate = |member| {
        string(jwk, member)
            .and_then(b64url)
            .filter(|bytes| bytes.len() == 32)
            .ok_or_else(|| {
                ConfigError::new("a P-256 JWK's x and y are 32 bytes each, in base64url")
            })
    };
    let mut point = [4u8; 65];
    point[1..33].copy_from_slice(&coordinate("x")?);
    point[33..].copy_from_slice(&coordinate("y")?);
    p256::PublicKey::from_sec1_bytes(&point)
        .map_err(|_| ConfigError::new("a JWK whose point is not on P-256"))?;
    Ok((kid, point))
}

fn public_jwks(secret: &[u8]) -> Result<Vec<JwtKeyEntry>, ConfigError> {
    jwks(secret)?
        .into_iter()
        .map(|jwk| {
            if jwk.contains_key("d") {
                return Err(ConfigError::new(
                    "a private JWK where the public key belongs: configure the public key \
                     (drop \"d\"), never the private one",
                ));
            }
            let (kid, point) = p256_members(&jwk)?;
            let (x, y) = (&point[1..33], &point[33..]);
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let key = jose::DecodingKey::from_ec_components(&b64.encode(x), &b64.encode(y))
                .map_err(|_| ConfigError::new("not a valid P-256 JWK"))?;
            Ok(JwtKeyEntry { kid, key })
        })
        .collect()
}

/// An ES256 signing key: a private JWK (with `d`; its `kid` goes into the tokens' headers)
/// or a PKCS#8 private key, DER in base64.
fn es256_signing_key(secret: &[u8]) -> Result<(jose::EncodingKey, Option<String>), ConfigError> {
    let invalid = || {
        ConfigError::new(
            "an ES256 signing key is a private P-256 JWK (with d) or a PKCS#8 key in base64",
        )
    };
    let text = std::str::from_utf8(secret).map_err(|_| invalid())?.trim();
    if text.starts_with('{') {
        let jwk = jwks(text.as_bytes())?
            .into_iter()
            .next()
            .ok_or_else(invalid)?;
        let (kid, _) = p256_members(&jwk)?;
        let d = string(&jwk, "d").and_then(b64url).ok_or_else(invalid)?;
        let key = p256::SecretKey::from_slice(&d).map_err(|_| invalid())?;
        let der = key.to_pkcs8_der().map_err(|_| invalid())?;
        return Ok((
            jose::EncodingKey::from_ec_der(der.as_bytes()),
            kid.map(String::from),
        ));
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| invalid())?;
    p256::SecretKey::from_pkcs8_der(&der).map_err(|_| invalid())?;
    Ok((jose::EncodingKey::from_ec_der(&der), None))
}
