//! The key of a [`JwtScheme`](super::JwtScheme), held by [`SchemeKey`](super::crypto::SchemeKey):
//! it depends on nothing of the scheme above it, so the key types form no circle with the
//! scheme that reads them. Behind the `jwt` feature.

use jsonwebtoken as jose;

/// A key of a `JwtScheme`: the HMAC secret, or the public keys of a JWK set.
pub(crate) struct JwtKey {
    pub(crate) entries: Vec<JwtKeyEntry>,
}

/// One key, with the `kid` a token names it by, if the JWK set gave one.
pub(crate) struct JwtKeyEntry {
    pub(crate) kid: Option<Box<str>>,
    pub(crate) key: jose::DecodingKey,
}
