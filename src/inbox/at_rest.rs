//! Encryption at rest: the stored request's URI, headers and body sealed with AES-256-GCM
//! under the inbox's current key, each row naming the key that sealed it (`sealed_with`),
//! and opened again where rows are read (a worker's claim, [`Inbox::get`]). The one place
//! that seals and the one place that opens; the engines store and return bytes.
//!
//! A sealed field is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`, with a random nonce
//! per field. Its associated data binds it to its field and to its row's identity as known
//! before the insert (provider, source, delivery id, event type, time received): a body
//! cannot be moved into another row, or into the headers, without failing to open.
//!
//! [`Inbox::get`]: super::Inbox::get

use std::fmt;
use std::sync::Arc;

use aes_gcm::aead::{self, AeadInOut, Generate, KeyInit};
use aes_gcm::Aes256Gcm;

type Nonce = aead::Nonce<Aes256Gcm>;
type Tag = aead::Tag<Aes256Gcm>;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use bytes::Bytes;

use super::{InboxError, InboxErrorKind};
use crate::Secret;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// The longest key id: it is stored in every row and shown in errors.
const MAX_KEY_ID_LEN: usize = 64;
/// The associated data's first bytes: what this ciphertext is, and the format's version.
const DOMAIN: &[u8] = b"tower-webhook inbox at rest v1\0";

/// The keys an inbox encrypts its stored requests with ([`Inbox::encrypt_at_rest`]): the
/// current key, which seals every new delivery, and the old keys of a rotation, which only
/// open the rows sealed under them. Each has an id, stored in each row it seals, so a
/// row names the key that opens it.
///
/// A key is 32 bytes (AES-256), given as a [`Secret`]: the 32 bytes themselves, or as
/// text, 64 hex digits or the base64 of 32 bytes (what `openssl rand -hex 32` and
/// `openssl rand -base64 32` print). `Debug` shows the ids, never a key.
///
/// ```
/// use tower_webhook::inbox::AtRestKeys;
/// use tower_webhook::Secret;
///
/// let keys = AtRestKeys::new("2025-06", &Secret::from("q8ZQ6b4Qm1ZbfyWQ4mBSv8bJ2E0c9HqK1u0xR3p0P9g="))
///     .unwrap()
///     .with_old_key("2024-11", &Secret::from("5f3a".repeat(16)))
///     .unwrap();
/// assert_eq!(format!("{keys:?}"), r#"AtRestKeys { current: "2025-06", old: ["2024-11"] }"#);
/// assert!(AtRestKeys::new("short", &Secret::from("not 32 bytes")).is_err());
/// ```
///
/// [`Inbox::encrypt_at_rest`]: super::Inbox::encrypt_at_rest
#[derive(Clone)]
pub struct AtRestKeys {
    current: Arc<AtRestKey>,
    old: Vec<Arc<AtRestKey>>,
}

/// One key and its id. The cipher's key schedule is zeroized when dropped.
struct AtRestKey {
    id: Arc<str>,
    cipher: Aes256Gcm,
}

impl AtRestKeys {
    /// The current key, `key`, under the id `id`: it seals every delivery written from now
    /// on, and opens those it sealed.
    ///
    /// An id is 1 to 64 characters of `A-Z a-z 0-9 . _ -` (a date, a version). A key
    /// that is not 32 bytes, as raw bytes, hex or base64, or a malformed id, is a
    /// [`Configuration`](InboxErrorKind::Configuration) error, which never shows the key.
    pub fn new(id: &str, key: &Secret) -> Result<AtRestKeys, InboxError> {
        Ok(AtRestKeys {
            current: Arc::new(AtRestKey::new(id, key)?),
            old: Vec::new(),
        })
    }

    /// An old key of a rotation: it seals nothing, and opens the rows sealed under `id`
    /// while they remain (until they are purged or forgotten). Two keys with the same id
    /// are a [`Configuration`](InboxErrorKind::Configuration) error.
    pub fn with_old_key(mut self, id: &str, key: &Secret) -> Result<AtRestKeys, InboxError> {
        let key = AtRestKey::new(id, key)?;
        if self.find(&key.id).is_some() {
            return Err(InboxError::new(
                InboxErrorKind::Configuration,
                format!("two at-rest keys have the id `{id}`: each needs its own"),
            ));
        }
        self.old.push(Arc::new(key));
        Ok(self)
    }

    /// The id of the key that seals new deliveries.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    fn find(&self, id: &str) -> Option<&AtRestKey> {
        std::iter::once(&self.current)
            .chain(&self.old)
            .find(|key| &*key.id == id)
            .map(|key| &**key)
    }
}

impl fmt::Debug for AtRestKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let old: Vec<&str> = self.old.iter().map(|key| &*key.id).collect();
        f.debug_struct("AtRestKeys")
            .field("current", &&*self.current.id)
            .field("old", &old)
            .finish()
    }
}

impl AtRestKey {
    fn new(id: &str, key: &Secret) -> Result<AtRestKey, InboxError> {
        if !is_key_id(id) {
            return Err(InboxError::new(
                InboxErrorKind::Configuration,
                "an at-rest key id is 1 to 64 characters of A-Z, a-z, 0-9, `.`, `_` and `-`",
            ));
        }
        let bytes = key_bytes(key.expose()).ok_or_else(|| {
            InboxError::new(
                InboxErrorKind::Configuration,
                format!(
                    "the at-rest key `{id}` is not 32 bytes: give the bytes, 64 hex digits, or \
                     the base64 of 32 bytes (`openssl rand -base64 32`)"
                ),
            )
        })?;
        if bytes.iter().all(|&b| b == 0) {
            return Err(InboxError::new(
                InboxErrorKind::Configuration,
                format!(
                    "the at-rest key `{id}` is all zeros: make one with `openssl rand -base64 32`"
                ),
            ));
        }
        // Keyed from the zeroized buffer itself: no copy of the key is left behind.
        let cipher = Aes256Gcm::new_from_slice(&bytes[..]).map_err(|_| {
            InboxError::new(
                InboxErrorKind::Configuration,
                "the at-rest key is not 32 bytes",
            )
        })?;
        Ok(AtRestKey {
            id: Arc::from(id),
            cipher,
        })
    }
}

/// Whether `id` is a key id as [`AtRestKeys::new`] takes them.
fn is_key_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_KEY_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The 32 bytes of a key given raw, as hex, or as base64 (padded or not). 32 bytes of
/// printable text are not taken as raw bytes: that is a passphrase (or a 128-bit key in
/// hex), not 256 random bits; a random key is all printable with a chance near 10^-14.
fn key_bytes(given: &[u8]) -> Option<zeroize::Zeroizing<[u8; 32]>> {
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    if given.len() == 32 && !given.iter().all(|&b| b.is_ascii_graphic() || b == b' ') {
        out.copy_from_slice(given);
        return Some(out);
    }
    if given.len() == 64 && const_hex::decode_to_slice(given, &mut out[..]).is_ok() {
        return Some(out);
    }
    let decoded = zeroize::Zeroizing::new(
        STANDARD
            .decode(given)
            .or_else(|_| STANDARD_NO_PAD.decode(given))
            .ok()?,
    );
    *out = <[u8; 32]>::try_from(decoded.as_slice()).ok()?;
    Some(out)
}

/// Which stored field a ciphertext is: part of its associated data.
#[derive(Clone, Copy)]
pub(crate) enum Field {
    Uri,
    Headers,
    Body,
    /// An attempt's excerpt of the handler's response, which can echo the body.
    Response,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Uri => "uri",
            Field::Headers => "headers",
            Field::Body => "body",
            Field::Response => "response",
        }
    }
}

/// A row's identity as the insert knows it and every read returns it: bound into each of
/// its sealed fields.
pub(crate) struct RowIdentity<'a> {
    pub(crate) provider: &'a str,
    pub(crate) source: Option<&'a str>,
    pub(crate) delivery_id: &'a str,
    pub(crate) event_type: Option<&'a str>,
    pub(crate) received_at: i64,
}

impl RowIdentity<'_> {
    /// The associated data of `field` of this row: each part length-prefixed, so no two
    /// rows' identities read the same.
    fn associated_data(&self, field: Field) -> Vec<u8> {
        fn part(out: &mut Vec<u8>, value: Option<&str>) {
            match value {
                None => out.push(0),
                Some(value) => {
                    out.push(1);
                    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
                    out.extend_from_slice(&len.to_be_bytes());
                    out.extend_from_slice(value.as_bytes());
                }
            }
        }
        let mut out =
            Vec::with_capacity(DOMAIN.len() + 64 + self.provider.len() + self.delivery_id.len());
        out.extend_from_slice(DOMAIN);
        part(&mut out, Some(field.name()));
        part(&mut out, Some(self.provider));
        part(&mut out, self.source);
        part(&mut out, Some(self.delivery_id));
        part(&mut out, self.event_type);
        out.extend_from_slice(&self.received_at.to_be_bytes());
        out
    }
}

/// The stored request's fields, sealed (or not) and the id of the key that sealed them.
pub(crate) struct Sealed {
    pub(crate) uri: String,
    pub(crate) headers: Vec<u8>,
    pub(crate) body: Bytes,
    pub(crate) sealed_with: Option<Arc<str>>,
}

impl AtRestKeys {
    /// The fields sealed under the current key.
    pub(crate) fn seal(
        &self,
        row: &RowIdentity<'_>,
        uri: &str,
        headers: &[u8],
        body: &[u8],
    ) -> Result<Sealed, InboxError> {
        let key = &self.current;
        let uri = key.seal(row, Field::Uri, uri.as_bytes())?;
        Ok(Sealed {
            uri: STANDARD_NO_PAD.encode(uri),
            headers: key.seal(row, Field::Headers, headers)?,
            body: Bytes::from(key.seal(row, Field::Body, body)?),
            sealed_with: Some(key.id.clone()),
        })
    }
}

impl AtRestKey {
    fn seal(
        &self,
        row: &RowIdentity<'_>,
        field: Field,
        plain: &[u8],
    ) -> Result<Vec<u8>, InboxError> {
        let nonce = Nonce::try_generate().map_err(|error| {
            InboxError::with_source(
                InboxErrorKind::Unavailable,
                "no random nonce for the inbox's encryption at rest",
                error,
            )
        })?;
        let mut out = Vec::with_capacity(NONCE_LEN + plain.len() + TAG_LEN);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain);
        let tag = self
            .cipher
            .encrypt_inout_detached(
                &nonce,
                &row.associated_data(field),
                out[NONCE_LEN..].as_mut().into(),
            )
            .map_err(|_| {
                InboxError::new(
                    InboxErrorKind::Configuration,
                    "a delivery too large to encrypt at rest",
                )
            })?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    fn open(
        &self,
        row: &RowIdentity<'_>,
        field: Field,
        sealed: &[u8],
    ) -> Result<Vec<u8>, InboxError> {
        let unreadable = || {
            InboxError::new(
                InboxErrorKind::Corrupt,
                format!(
                    "the stored {} does not open under the at-rest key `{}`: the key given \
                     under that id is not the one that sealed it, or the row was altered",
                    field.name(),
                    self.id
                ),
            )
        };
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(unreadable());
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| unreadable())?;
        let tag = Tag::try_from(tag).map_err(|_| unreadable())?;
        let mut plain = ciphertext.to_vec();
        self.cipher
            .decrypt_inout_detached(
                &nonce,
                &row.associated_data(field),
                plain.as_mut_slice().into(),
                &tag,
            )
            .map_err(|_| unreadable())?;
        Ok(plain)
    }
}

/// The stored fields as the handler and a person see them: opened with the key
/// `sealed_with` names, or as they are when it is `None` (a row written before encryption
/// was turned on). A key the inbox was not given is a
/// [`Configuration`](InboxErrorKind::Configuration) error; a field that does not open
/// ([`Corrupt`](InboxErrorKind::Corrupt)) is never returned as garbage.
pub(crate) fn open(
    keys: Option<&AtRestKeys>,
    sealed_with: Option<&str>,
    row: &RowIdentity<'_>,
    uri: String,
    headers: Vec<u8>,
    body: Bytes,
) -> Result<(String, Vec<u8>, Bytes), InboxError> {
    let Some(id) = sealed_with else {
        return Ok((uri, headers, body));
    };
    let key = keys.and_then(|keys| keys.find(id)).ok_or_else(|| {
        // A row's id is shown only if it is one a key could have (the column may have been
        // written by hand): never control characters into the logs.
        if !is_key_id(id) {
            return InboxError::new(
                InboxErrorKind::Corrupt,
                "the delivery names a malformed at-rest key id",
            );
        }
        InboxError::new(
            InboxErrorKind::Configuration,
            format!(
                "the delivery is encrypted at rest under the key `{id}`, which this inbox was \
                 not given (`Inbox::encrypt_at_rest`, `AtRestKeys::with_old_key`)"
            ),
        )
    })?;
    let uri_sealed = STANDARD_NO_PAD.decode(uri.as_bytes()).map_err(|_| {
        InboxError::new(
            InboxErrorKind::Corrupt,
            "the stored URI of a delivery encrypted at rest is not base64",
        )
    })?;
    let uri = String::from_utf8(key.open(row, Field::Uri, &uri_sealed)?)
        .map_err(|_| InboxError::new(InboxErrorKind::Corrupt, "the stored URI is not UTF-8"))?;
    let headers = key.open(row, Field::Headers, &headers)?;
    let body = Bytes::from(key.open(row, Field::Body, &body)?);
    Ok((uri, headers, body))
}

/// An attempt's response excerpt as stored: in clear when its delivery is (`sealed_with`
/// is `None`: the body beside it is in clear too), else sealed under the key that sealed
/// the delivery, in the excerpt's own place, as base64 text. That key is one `keys` has:
/// the worker opened the delivery with it.
pub(crate) fn seal_response(
    keys: Option<&AtRestKeys>,
    sealed_with: Option<&str>,
    row: &RowIdentity<'_>,
    excerpt: &str,
) -> Result<String, InboxError> {
    let Some(id) = sealed_with else {
        return Ok(excerpt.to_owned());
    };
    let key = keys.and_then(|keys| keys.find(id)).ok_or_else(|| {
        InboxError::new(
            InboxErrorKind::Configuration,
            "the response excerpt of a delivery encrypted at rest has no key to seal it",
        )
    })?;
    let sealed = key.seal(row, Field::Response, excerpt.as_bytes())?;
    Ok(STANDARD_NO_PAD.encode(sealed))
}

/// An attempt's response excerpt as [`seal_response`] stored it, opened: as it is when
/// its delivery is in clear. An excerpt whose key is missing, or that does not open, is
/// an error, as the body's is.
pub(crate) fn open_response(
    keys: Option<&AtRestKeys>,
    sealed_with: Option<&str>,
    row: &RowIdentity<'_>,
    stored: String,
) -> Result<String, InboxError> {
    let Some(id) = sealed_with else {
        return Ok(stored);
    };
    let key = keys.and_then(|keys| keys.find(id)).ok_or_else(|| {
        InboxError::new(
            InboxErrorKind::Configuration,
            "an attempt's response is encrypted at rest under a key this inbox was not given",
        )
    })?;
    let sealed = STANDARD_NO_PAD.decode(stored.as_bytes()).map_err(|_| {
        InboxError::new(
            InboxErrorKind::Corrupt,
            "the stored response of a delivery encrypted at rest is not base64",
        )
    })?;
    String::from_utf8(key.open(row, Field::Response, &sealed)?)
        .map_err(|_| InboxError::new(InboxErrorKind::Corrupt, "the stored response is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(delivery_id: &str) -> RowIdentity<'_> {
        RowIdentity {
            provider: "stripe",
            source: None,
            delivery_id,
            event_type: Some("invoice.paid"),
            received_at: 1_700_000_000_000,
        }
    }

    fn keys() -> AtRestKeys {
        AtRestKeys::new("k1", &Secret::new([7u8; 32])).unwrap()
    }

    #[test]
    fn sealed_fields_open_only_in_their_own_row_and_place() {
        let keys = keys();
        let sealed = keys
            .seal(&row("evt_1"), "/hooks?a=b", b"h", b"plain body")
            .unwrap();
        assert!(!sealed.body.windows(5).any(|w| w == b"plain"));
        let opened = open(
            Some(&keys),
            sealed.sealed_with.as_deref(),
            &row("evt_1"),
            sealed.uri.clone(),
            sealed.headers.clone(),
            sealed.body.clone(),
        )
        .unwrap();
        assert_eq!(
            opened,
            (
                "/hooks?a=b".to_owned(),
                b"h".to_vec(),
                Bytes::from_static(b"plain body")
            )
        );
        // Another row's identity: does not open.
        let moved = open(
            Some(&keys),
            Some("k1"),
            &row("evt_2"),
            sealed.uri.clone(),
            sealed.headers.clone(),
            sealed.body.clone(),
        );
        assert_eq!(moved.unwrap_err().kind(), InboxErrorKind::Corrupt);
        // The body in the headers' place: does not open.
        let swapped = open(
            Some(&keys),
            Some("k1"),
            &row("evt_1"),
            sealed.uri.clone(),
            sealed.body.to_vec(),
            Bytes::from(sealed.headers.clone()),
        );
        assert_eq!(swapped.unwrap_err().kind(), InboxErrorKind::Corrupt);
        // A malformed key id in the row: corrupt, and not repeated.
        let odd = open(
            Some(&keys),
            Some("k1\n\u{1b}[31m"),
            &row("evt_1"),
            sealed.uri.clone(),
            sealed.headers.clone(),
            sealed.body.clone(),
        )
        .unwrap_err();
        assert_eq!(odd.kind(), InboxErrorKind::Corrupt);
        assert!(!odd.to_string().contains('\n'));
        // Truncated or flipped: never a panic, never garbage.
        for end in 0..sealed.body.len() {
            let cut = open(
                Some(&keys),
                Some("k1"),
                &row("evt_1"),
                sealed.uri.clone(),
                sealed.headers.clone(),
                sealed.body.slice(..end),
            );
            assert!(cut.is_err());
        }
        for at in 0..sealed.body.len() {
            let mut flipped = sealed.body.to_vec();
            flipped[at] ^= 0x01;
            let flipped = open(
                Some(&keys),
                Some("k1"),
                &row("evt_1"),
                sealed.uri.clone(),
                sealed.headers.clone(),
                Bytes::from(flipped),
            );
            assert_eq!(flipped.unwrap_err().kind(), InboxErrorKind::Corrupt);
        }
    }

    #[test]
    fn a_response_excerpt_is_sealed_in_its_own_place() {
        let keys = keys();
        let stored = seal_response(Some(&keys), Some("k1"), &row("evt_1"), "echo: secret").unwrap();
        assert!(!stored.contains("secret"));
        let opened = open_response(Some(&keys), Some("k1"), &row("evt_1"), stored.clone());
        assert_eq!(opened.unwrap(), "echo: secret");
        let moved = open_response(Some(&keys), Some("k1"), &row("evt_2"), stored.clone());
        assert_eq!(moved.unwrap_err().kind(), InboxErrorKind::Corrupt);
        // Sealed as the body would not open as the response, nor the other way.
        let sealed = keys.seal(&row("evt_1"), "/", b"", b"echo: secret").unwrap();
        let body = STANDARD_NO_PAD.encode(&sealed.body);
        let swapped = open_response(Some(&keys), Some("k1"), &row("evt_1"), body);
        assert_eq!(swapped.unwrap_err().kind(), InboxErrorKind::Corrupt);
        // A delivery in clear keeps its excerpt in clear.
        let clear = seal_response(Some(&keys), None, &row("evt_1"), "plain").unwrap();
        assert_eq!(clear, "plain");
        assert_eq!(
            open_response(None, None, &row("evt_1"), clear).unwrap(),
            "plain"
        );
    }

    #[test]
    fn each_field_gets_a_nonce_of_its_own() {
        let keys = keys();
        let a = keys.seal(&row("evt_1"), "", b"same", b"same").unwrap();
        let b = keys.seal(&row("evt_1"), "", b"same", b"same").unwrap();
        assert_ne!(a.body[..NONCE_LEN], b.body[..NONCE_LEN]);
        assert_ne!(a.body[..NONCE_LEN], a.headers[..NONCE_LEN]);
    }

    #[test]
    fn keys_are_read_raw_hex_or_base64_and_ids_are_checked() {
        let raw = [0xa5u8; 32]; // not printable: 0x5a ("Z") would read as text
        let hex = hex::encode(raw);
        let b64 = STANDARD.encode(raw);
        let keys = AtRestKeys::new("raw", &Secret::new(raw))
            .unwrap()
            .with_old_key("hex", &Secret::from(hex))
            .unwrap()
            .with_old_key("b64", &Secret::from(b64.trim_end_matches('=')))
            .unwrap();
        let sealed = keys.seal(&row("x"), "/", b"", b"body").unwrap();
        // The same key under three ids: each opens what the first sealed.
        for id in ["raw", "hex", "b64"] {
            let opened = open(
                Some(&keys),
                Some(id),
                &row("x"),
                sealed.uri.clone(),
                sealed.headers.clone(),
                sealed.body.clone(),
            );
            assert_eq!(opened.unwrap().2, Bytes::from_static(b"body"), "{id}");
        }
        for id in ["", "has space", "é", &"x".repeat(65)] {
            let error = AtRestKeys::new(id, &Secret::new(raw)).unwrap_err();
            assert_eq!(error.kind(), InboxErrorKind::Configuration, "{id:?}");
        }
        let error = keys
            .clone()
            .with_old_key("hex", &Secret::new(raw))
            .unwrap_err();
        assert_eq!(error.kind(), InboxErrorKind::Configuration);
        let short = AtRestKeys::new("short", &Secret::from("deadbeef")).unwrap_err();
        assert!(!format!("{short} {short:?}").contains("deadbeef"));
        assert!(!format!("{keys:?}").contains(&hex::encode(raw)));
    }

    #[test]
    fn an_unknown_key_is_a_configuration_error() {
        let sealed = keys().seal(&row("x"), "/", b"", b"body").unwrap();
        let other = AtRestKeys::new("k2", &Secret::new([8u8; 32])).unwrap();
        for keys in [None, Some(&other)] {
            let error = open(
                keys,
                Some("k1"),
                &row("x"),
                sealed.uri.clone(),
                sealed.headers.clone(),
                sealed.body.clone(),
            )
            .unwrap_err();
            assert_eq!(error.kind(), InboxErrorKind::Configuration);
            assert!(error.to_string().contains("`k1`"), "{error}");
        }
        // A plaintext row reads as it is, keys or none.
        let plain = open(
            Some(&other),
            None,
            &row("x"),
            "/".into(),
            vec![],
            Bytes::from_static(b"b"),
        )
        .unwrap();
        assert_eq!(plain.2, Bytes::from_static(b"b"));
    }
}
