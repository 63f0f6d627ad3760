//! The engine of [`SignatureScheme`]: reading the signature header, resolving the signed
//! parts of a request, and verifying, signing and answering handshakes.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::HeaderName;

use super::describe::{FieldSource, Part, SecretFormat, TimestampSource, MAX_PARTS};
use super::{SignatureScheme, MAX_SIGNATURE_ENTRIES};
use crate::scheme::crypto::{
    self, SchemeKey, MAX_PUBLIC_KEY_SIGNATURES, MAX_RSA_SIGNATURE, MAX_SIGNATURE, MAX_TAG,
};
use crate::scheme::json::{find_fields, JsonPath};
use crate::scheme::{
    header_value, parse_timestamp, path_and_query, url_base, Field, Fingerprint, HandshakeResponse,
    Message, PublicBase, RegistrationHandshake, Scheme, Text, TimestampFormat, Verified,
    WebhookRequest,
};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

/// Decodes a secret according to its format.
pub(crate) fn decode_secret(
    format: &SecretFormat,
    secret: &Secret,
) -> Result<Vec<u8>, ConfigError> {
    let bytes = secret.expose();
    let key = match format {
        SecretFormat::Raw => bytes.to_vec(),
        SecretFormat::RawWithPrefix { prefix, what } => {
            if !bytes.starts_with(prefix.as_bytes()) {
                // Say what it looks like, never what it is.
                let api_key = [&b"sk_"[..], b"rk_", b"pk_"]
                    .iter()
                    .any(|p| bytes.starts_with(p));
                return Err(ConfigError::new(format!(
                    "expected {what}, which starts with {prefix}{}",
                    if api_key {
                        "; this one looks like an API key, not a webhook signing secret"
                    } else {
                        "; this one does not"
                    }
                )));
            }
            bytes.to_vec()
        }
        SecretFormat::Base64 { prefix } => {
            let expected = || {
                match prefix {
                Some(prefix) => ConfigError::new(format!(
                    "expected {prefix} followed by base64, the signing secret exactly as the \
                     provider's dashboard shows it (such as {prefix}MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw); \
                     this one is not valid base64 after the prefix"
                )),
                None => ConfigError::new("expected a base64 secret; this one is not valid base64"),
            }
            };
            let text = secret.expose_str().ok_or_else(expected)?.trim();
            let text = prefix.and_then(|p| text.strip_prefix(p)).unwrap_or(text);
            STANDARD.decode(text).map_err(|_| expected())?
        }
        SecretFormat::Hex => {
            let text = secret
                .expose_str()
                .ok_or_else(|| ConfigError::new("expected a hexadecimal secret; this one is not"))?
                .trim();
            hex::decode(text)
                .map_err(|_| ConfigError::new("expected a hexadecimal secret; this one is not"))?
        }
    };
    if key.is_empty() {
        return Err(ConfigError::new("secret is empty"));
    }
    Ok(key)
}

/// An RSA signature's decoding buffer: the longest signature, and room for base64's
/// conservative estimate of a decoded length (up to two bytes more).
const RSA_BUFFER: usize = MAX_RSA_SIGNATURE + 3;

/// How many decoded signatures are kept: every one a public-key scheme may send
/// ([`MAX_PUBLIC_KEY_SIGNATURES`]), and the first ones of a MAC scheme (a provider
/// rotating its secret sends two). A MAC scheme's further entries, up to
/// [`MAX_SIGNATURE_ENTRIES`], are kept as text and decoded only when none of the kept
/// ones matched, one at a time into a stack buffer: each is decoded once per key tried
/// (were every entry decoded up front, once per request), at most the keys of a
/// rotation times the entry bound, each decode bounded by the signature buffer.
const KEPT: usize = MAX_PUBLIC_KEY_SIGNATURES;

/// Signatures found in a request, decoded, on the stack; long (RSA) signatures in a
/// buffer of their own, allocated only by a scheme whose algorithm has them and bounded by
/// [`MAX_PUBLIC_KEY_SIGNATURES`].
struct Candidates<'a> {
    tags: [[u8; MAX_SIGNATURE]; KEPT],
    lens: [usize; KEPT],
    /// The signatures kept.
    count: usize,
    /// A MAC scheme's signature entries after the kept ones, as text, not decoded yet.
    more: [&'a str; MAX_SIGNATURE_ENTRIES],
    more_count: usize,
    long: Option<Box<[[u8; RSA_BUFFER]; MAX_PUBLIC_KEY_SIGNATURES]>>,
}

impl<'a> Candidates<'a> {
    fn new() -> Self {
        Candidates {
            tags: [[0; MAX_SIGNATURE]; KEPT],
            lens: [0; KEPT],
            count: 0,
            more: [""; MAX_SIGNATURE_ENTRIES],
            more_count: 0,
            long: None,
        }
    }

    /// The signature entries after the kept ones, as text.
    fn more(&self) -> &[&'a str] {
        self.more.get(..self.more_count).unwrap_or_default()
    }

    /// The kept signatures, in the header's order.
    fn iter(&self) -> impl Iterator<Item = &[u8]> + Clone {
        let long = self.long.as_deref();
        self.lens
            .iter()
            .take(self.count)
            .enumerate()
            .map(move |(index, len)| {
                let buffer: Option<&[u8]> = match long {
                    Some(long) => long.get(index).map(|b| &b[..]),
                    None => self.tags.get(index).map(|b| &b[..]),
                };
                buffer.and_then(|b| b.get(..*len)).unwrap_or_default()
            })
    }

    /// The buffer the next signature decodes into, and its length slot; `None` once
    /// [`KEPT`] are kept.
    fn next_slot(&mut self, long: bool) -> Option<(&mut [u8], &mut usize)> {
        let len = self.lens.get_mut(self.count)?;
        let buffer: &mut [u8] = if long {
            let buffers = self
                .long
                .get_or_insert_with(|| Box::new([[0; RSA_BUFFER]; MAX_PUBLIC_KEY_SIGNATURES]));
            buffers.get_mut(self.count)?
        } else {
            self.tags.get_mut(self.count)?
        };
        Some((buffer, len))
    }
}

/// The signed parts of one request, as slices borrowed from it.
struct Resolved<'a> {
    slices: [&'a [u8]; MAX_PARTS],
    count: usize,
}

impl<'a> Resolved<'a> {
    fn new() -> Self {
        Resolved {
            slices: [&[]; MAX_PARTS],
            count: 0,
        }
    }

    /// Adds a slice. Never fails for a built scheme, whose slices are counted by `build`;
    /// if it did, the request is refused rather than verified over less than was signed.
    fn push(&mut self, bytes: &'a [u8]) -> Result<(), Rejection> {
        let slot = self.slices.get_mut(self.count).ok_or_else(|| {
            Rejection::new(
                RejectionKind::InvalidRequest,
                "the scheme signs more parts than it can hold",
            )
        })?;
        *slot = bytes;
        self.count += 1;
        Ok(())
    }

    fn as_slice(&self) -> &[&'a [u8]] {
        self.slices.get(..self.count).unwrap_or_default()
    }
}

impl SignatureScheme {
    /// A header the scheme reads, or its configured fallback when it is absent.
    fn read<'a>(
        &self,
        request: &WebhookRequest<'a>,
        name: &HeaderName,
    ) -> Result<Option<&'a str>, Rejection> {
        if let Some(value) = request.header(name)? {
            return Ok(Some(value));
        }
        match self.fallbacks.iter().find(|(primary, _)| primary == name) {
            Some((_, fallback)) => request.header(fallback),
            None => Ok(None),
        }
    }

    fn read_required<'a>(
        &self,
        request: &WebhookRequest<'a>,
        name: &HeaderName,
    ) -> Result<&'a str, Rejection> {
        self.read(request, name)?
            .ok_or_else(|| Rejection::missing_header(name.as_str()))
    }

    /// The prefix of the timestamp entry, for a scheme whose timestamp is one of the
    /// signature header's entries (empty: the first entry, by position).
    fn timestamp_prefix(&self) -> Option<&str> {
        match &self.timestamp {
            Some((TimestampSource::SignatureEntry(prefix), _)) => Some(prefix),
            _ => None,
        }
    }

    /// Walks the signature header's entries in order, with the checks every reading of it
    /// shares (the bound on entries, a repeated timestamp entry), and calls `signature`
    /// with the text of each signature entry of the scheme's version (prefix and suffix
    /// removed). Returns the timestamp entry, and how many entries are not it.
    fn walk_signature_header<'a>(
        &self,
        value: &'a str,
        mut signature: impl FnMut(&'a str) -> Result<(), Rejection>,
    ) -> Result<(Option<&'a str>, usize), Rejection> {
        let mut timestamp = None;
        let ts_prefix = self.timestamp_prefix();
        let name = self.signature_header.as_str();
        let mut entries = 0;
        let mut other_entries = 0;
        let mut handle = |entry: &'a str| -> Result<(), Rejection> {
            let entry = entry.trim_matches(' ');
            if entry.is_empty() {
                return Ok(());
            }
            entries += 1;
            if entries > MAX_SIGNATURE_ENTRIES {
                return Err(Rejection::malformed_header(
                    name,
                    "too many signature entries",
                ));
            }
            match ts_prefix {
                // Positional: the first entry is the timestamp.
                Some("") if entries == 1 => {
                    timestamp = Some(entry);
                    return Ok(());
                }
                Some(p) if !p.is_empty() => {
                    if let Some(ts) = entry.strip_prefix(p) {
                        if timestamp.replace(ts).is_some() {
                            return Err(Rejection::malformed_header(
                                name,
                                "timestamp appears twice",
                            ));
                        }
                        return Ok(());
                    }
                }
                _ => {}
            }
            other_entries += 1;
            let Some(text) = entry.strip_prefix(&*self.signature_prefix) else {
                return Ok(()); // another scheme version: ignored
            };
            let text = match self.signature_suffix {
                Some(suffix) => text.strip_suffix(suffix).unwrap_or(text),
                None => text,
            };
            signature(text)
        };
        match self.separator {
            Some(separator) => {
                for entry in value.split(separator) {
                    handle(entry)?;
                }
            }
            None => handle(value)?,
        }
        Ok((timestamp, other_entries))
    }

    /// Reads the signature header: the candidate signatures and, for Stripe-like schemes,
    /// the timestamp entry. Signatures are decoded (one that does not decode, or has a
    /// length the algorithm cannot produce, is not a candidate) until [`KEPT`] are kept
    /// in `candidates`, which the caller owns so that it is never moved; later entries are
    /// kept as text, and decoded by [`more_verify`](Self::more_verify) if it comes to
    /// that. Every entry passes the header's checks either way.
    fn parse_signature_header<'a>(
        &self,
        value: &'a str,
        candidates: &mut Candidates<'a>,
    ) -> Result<Option<&'a str>, Rejection> {
        let mut undecodable = false;
        let name = self.signature_header.as_str();
        let long = self.algorithm.has_long_signatures();
        let (timestamp, other_entries) = self.walk_signature_header(value, |text| {
            if !self.algorithm.is_mac() && candidates.count >= MAX_PUBLIC_KEY_SIGNATURES {
                return Err(Rejection::malformed_header(
                    name,
                    "too many signatures for a public-key scheme",
                ));
            }
            // Text too long to be any signature of this algorithm is refused before
            // decoding (hex is the longest encoding: two characters a byte).
            if long && text.len() > 2 * MAX_RSA_SIGNATURE {
                undecodable = true;
                return Ok(());
            }
            let Some((buffer, len)) = candidates.next_slot(long) else {
                // Beyond the kept ones (a MAC scheme's): left for `more_verify`. The
                // entry bound leaves room for every one.
                if let Some(slot) = candidates.more.get_mut(candidates.more_count) {
                    *slot = text;
                    candidates.more_count += 1;
                }
                return Ok(());
            };
            match self.encoding.decode_into(text, buffer) {
                Some(n) if self.algorithm.accepts_len(n) => {
                    *len = n;
                    candidates.count += 1;
                }
                _ => undecodable = true,
            }
            Ok(())
        })?;
        if candidates.count == 0 {
            // A positional timestamp and nothing after it: the list is incomplete.
            let incomplete = self.timestamp_prefix() == Some("") && other_entries == 0;
            return Err(if undecodable || incomplete {
                Rejection::malformed_header(name, "signature is not valid or has the wrong length")
            } else {
                Rejection::new(
                    RejectionKind::SignatureMismatch,
                    "no signature of a supported version",
                )
                .with_subject(name)
            });
        }
        Ok(timestamp)
    }

    /// The first key whose MAC over `parts` equals one of the header's signatures, and
    /// its tag's length (the tag is left in `tag`). Each key's MAC is computed once; it is
    /// compared, in constant time, with the kept signatures, then (only if none matched
    /// and the header has more) with each further one, decoded one at a time.
    fn mac_match(
        &self,
        keys: &[SchemeKey],
        parts: &[&[u8]],
        candidates: &Candidates<'_>,
        tag: &mut [u8; MAX_TAG],
    ) -> Option<(usize, usize)> {
        keys.iter().enumerate().find_map(|(index, key)| {
            let len = key.tag(parts, tag);
            let computed = tag.get(..len).unwrap_or_default();
            let matched = candidates
                .iter()
                .any(|candidate| key.verifies(parts, computed, candidate))
                || self.more_verify(candidates.more(), key, parts, computed);
            matched.then_some((index, len))
        })
    }

    /// Whether one of the signature entries after the kept ones verifies with `key`: each
    /// is decoded into a stack buffer and compared, until one matches.
    fn more_verify(
        &self,
        more: &[&str],
        key: &SchemeKey,
        parts: &[&[u8]],
        computed: &[u8],
    ) -> bool {
        more.iter().any(|text| {
            let mut buffer = [0u8; MAX_SIGNATURE];
            self.encoding
                .decode_into(text, &mut buffer)
                .filter(|n| self.algorithm.accepts_len(*n))
                .and_then(|n| buffer.get(..n))
                .is_some_and(|signature| key.verifies(parts, computed, signature))
        })
    }

    fn timestamp_raw<'a>(
        &self,
        request: &WebhookRequest<'a>,
        from_signature: Option<&'a str>,
    ) -> Result<Option<(&'a str, SystemTime)>, Rejection> {
        let Some((source, format)) = &self.timestamp else {
            return Ok(None);
        };
        let (raw, name) = match source {
            TimestampSource::Header(name) => (self.read_required(request, name)?, name.as_str()),
            TimestampSource::SignatureEntry(prefix) => {
                let name = self.signature_header.as_str();
                let raw = from_signature.ok_or_else(|| {
                    Rejection::new(RejectionKind::MissingHeader, "missing timestamp entry")
                        .with_subject(format!("{name} {prefix}"))
                })?;
                (raw, name)
            }
            // Read from the body once the signature has verified.
            TimestampSource::Json(_) => return Ok(None),
        };
        let at = parse_timestamp(raw, *format)
            .ok_or_else(|| Rejection::malformed_header(name, "timestamp is not valid"))?;
        Ok(Some((raw, at)))
    }

    fn id_header<'a>(&self, request: &WebhookRequest<'a>) -> Result<Option<&'a str>, Rejection> {
        match &self.id {
            Some(FieldSource::Header(name)) if self.signs(&Part::Id) => {
                self.read_required(request, name).map(Some)
            }
            Some(FieldSource::Header(name)) => self.read(request, name),
            _ => Ok(None),
        }
    }

    /// The signed parts of a received request.
    fn resolve<'a>(
        &'a self,
        request: &WebhookRequest<'a>,
        timestamp: Option<&'a str>,
        id: Option<&'a str>,
        resolved: &mut Resolved<'a>,
    ) -> Result<(), Rejection> {
        self.resolve_parts(request, timestamp, id, self.trust_host, resolved)
    }

    /// The signed parts of a request; its own URL stands in for a missing public URL only
    /// when `trust_request_url` (the opt-in, or a request the caller is signing itself).
    fn resolve_parts<'a>(
        &'a self,
        request: &WebhookRequest<'a>,
        timestamp: Option<&'a str>,
        id: Option<&'a str>,
        trust_request_url: bool,
        // Filled in place: returned, its 16 slices would be copied on every request.
        resolved: &mut Resolved<'a>,
    ) -> Result<(), Rejection> {
        for part in &self.parts {
            match part {
                Part::Body => resolved.push(request.body())?,
                Part::Timestamp => resolved.push(timestamp.unwrap_or_default().as_bytes())?,
                Part::Id => resolved.push(id.unwrap_or_default().as_bytes())?,
                // The timestamp's own header is the timestamp: empty where it is (the
                // content a retry repeats, `retry_content`).
                Part::Header(_) if timestamp.is_none() && self.is_timestamp(part) => {
                    resolved.push(b"")?
                }
                Part::Header(name) => {
                    resolved.push(self.read_required(request, name)?.as_bytes())?
                }
                Part::Literal(text) => resolved.push(text.as_bytes())?,
                Part::Method => resolved.push(request.method().as_str().as_bytes())?,
                Part::Url => {
                    if let Some(Ok(exact)) = &self.exact_url {
                        // As many slices as any URL, so the count checked at build holds.
                        resolved.push(exact.as_bytes())?;
                        resolved.push(b"")?;
                        resolved.push(b"")?;
                        continue;
                    }
                    let (scheme, authority) = url_base(
                        self.public_url.as_ref().and_then(|url| url.as_ref().ok()),
                        trust_request_url,
                        request,
                        "https://",
                    )?;
                    resolved.push(scheme.as_bytes())?;
                    resolved.push(authority.as_bytes())?;
                    resolved.push(path_and_query(request).as_bytes())?;
                }
            }
        }
        Ok(())
    }

    /// The URL a URL-signed scheme checked the signature over, for diagnostics.
    fn url_checked(&self, request: &WebhookRequest<'_>) -> Option<String> {
        if !self.signs(&Part::Url) {
            return None;
        }
        if let Some(Ok(exact)) = &self.exact_url {
            return Some(exact.to_string());
        }
        let base = self.public_url.as_ref().and_then(|url| url.as_ref().ok());
        let (scheme, authority) = url_base(base, self.trust_host, request, "https://").ok()?;
        Some(format!("{scheme}{authority}{}", path_and_query(request)))
    }

    /// The timestamp field of a verified JSON body.
    fn body_timestamp(
        &self,
        request: &WebhookRequest<'_>,
        path: &JsonPath,
        format: TimestampFormat,
    ) -> Result<SystemTime, Rejection> {
        let [raw] = find_fields(request.body(), [Some(path)]);
        let raw = raw.ok_or_else(|| {
            Rejection::new(RejectionKind::MissingField, "missing timestamp field")
                .with_subject(path.to_string())
        })?;
        parse_timestamp(&raw, format).ok_or_else(|| {
            Rejection::new(RejectionKind::InvalidBody, "timestamp field is not valid")
                .with_subject(path.to_string())
        })
    }

    /// Whether the scheme signs `part`, one without data (`Part::Id`, `Part::Body`,
    /// `Part::Url`): compared by variant alone, which spares comparing every part's text.
    fn signs(&self, part: &Part) -> bool {
        debug_assert!(matches!(part, Part::Id | Part::Body | Part::Url));
        let wanted = std::mem::discriminant(part);
        self.parts
            .iter()
            .any(|signed| std::mem::discriminant(signed) == wanted)
    }

    /// Whether each attempt signs a new timestamp beside content that stays the same
    /// (the body as sent, and whatever else is signed), with an id the signature does not
    /// cover: then the content without the timestamp is what a provider's retry repeats.
    /// A timestamp read from the body (Linear) changes the body on each attempt.
    /// `id_signed` is [`id_is_signed`](Self::id_is_signed), which the caller has already.
    fn resigns_the_same_content(&self, id_signed: bool) -> bool {
        !id_signed
            && self.parts.iter().any(|part| self.is_timestamp(part))
            && self.signs(&Part::Body)
            && !matches!(&self.timestamp, Some((TimestampSource::Json(_), _)))
    }

    /// Whether `part` is the signed timestamp: `Part::Timestamp`, or the timestamp's own
    /// header signed as `Part::Header`.
    fn is_timestamp(&self, part: &Part) -> bool {
        match (part, &self.timestamp) {
            (Part::Timestamp, _) => true,
            (Part::Header(name), Some((TimestampSource::Header(timestamp), _))) => {
                name == timestamp
            }
            _ => false,
        }
    }

    /// What identifies a delivery's content across the provider's attempts: the signed
    /// parts with the timestamp left empty, under the key that verified (so two tenants'
    /// secrets never share it), or their SHA-256 for public-key schemes.
    fn retry_content(
        &self,
        request: &WebhookRequest<'_>,
        id: Option<&str>,
        key: Option<&SchemeKey>,
    ) -> Result<Box<[u8]>, Rejection> {
        let mut resolved = Resolved::new();
        self.resolve(request, None, id, &mut resolved)?;
        let parts = resolved.as_slice();
        Ok(match key.filter(|_| self.algorithm.is_mac()) {
            Some(key) => {
                let mut tag = [0u8; MAX_TAG];
                let len = key.tag(parts, &mut tag);
                tag.get(..len).unwrap_or_default().into()
            }
            None => {
                use sha2::Digest;
                let mut hash = sha2::Sha256::new();
                for part in parts {
                    hash.update((part.len() as u64).to_be_bytes());
                    hash.update(part);
                }
                hash.finalize().to_vec().into_boxed_slice()
            }
        })
    }

    /// Whether the delivery id is covered by the signature.
    fn id_is_signed(&self) -> bool {
        match &self.id {
            Some(FieldSource::Header(_)) if self.signs(&Part::Id) => true,
            source => self.is_signed(source.as_ref()),
        }
    }

    /// Whether a value read from `source` is covered by the signature.
    fn is_signed(&self, source: Option<&FieldSource>) -> bool {
        match source {
            Some(FieldSource::Json(_)) => self.signs(&Part::Body),
            Some(FieldSource::Header(name)) => self
                .parts
                .iter()
                .any(|part| matches!(part, Part::Header(h) if h == name)),
            None => false,
        }
    }

    /// The answer to a signed registration handshake, for a request that verified with
    /// `key`: Zoom's answer is an HMAC under the key that verified the request, which
    /// during a rotation need not be the first.
    fn signed_handshake(
        &self,
        request: &WebhookRequest<'_>,
        key: Option<&SchemeKey>,
    ) -> Result<Option<HandshakeResponse>, Rejection> {
        let Some(handshake) = self.handshake.as_ref().filter(|h| h.is_signed()) else {
            return Ok(None);
        };
        if !handshake.matches(request) {
            return Ok(None);
        }
        let mac = |message: &[u8]| {
            let mut tag = [0u8; MAX_TAG];
            let len = key?.tag(&[message], &mut tag);
            (len > 0).then(|| hex::encode(tag.get(..len).unwrap_or_default()))
        };
        Ok(handshake.answer(request, &mac)?.map(HandshakeResponse::new))
    }
}

impl Scheme for SignatureScheme {
    type Key = SchemeKey;

    fn provider(&self) -> &str {
        &self.provider
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        let key = zeroize::Zeroizing::new(decode_secret(&self.secret_format, secret)?);
        SchemeKey::new(self.algorithm, &key)
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        if let Some(detail) = self.form_refusal {
            if crate::scheme::is_form(request.headers()) {
                return Err(Rejection::new(RejectionKind::InvalidBody, detail));
            }
        }
        let header = self.read_required(request, &self.signature_header)?;
        let mut candidates = Candidates::new();
        let ts_entry = self.parse_signature_header(header, &mut candidates)?;
        let timestamp = self.timestamp_raw(request, ts_entry)?;
        let id = self.id_header(request)?;
        let mut resolved = Resolved::new();
        self.resolve(request, timestamp.map(|(raw, _)| raw), id, &mut resolved)?;

        let parts = resolved.as_slice();
        let mut tag = [0u8; MAX_TAG];
        let matched = if self.algorithm.is_mac() {
            self.mac_match(keys, parts, &candidates, &mut tag)
                .map(|(key, tag_len)| crypto::Match {
                    key,
                    tag_len,
                    signature: &[],
                })
        } else {
            // At most MAX_PUBLIC_KEY_SIGNATURES, all kept.
            crypto::first_match(keys, parts, candidates.iter(), &mut tag)
        };
        let Some(matched) = matched else {
            let mismatch =
                Rejection::new(RejectionKind::SignatureMismatch, "signature does not match");
            return Err(match self.url_checked(request) {
                Some(url) => mismatch.with_diagnostic(format!(
                    "the signature was checked over the URL {url}: is that the URL the \
                     provider calls (the public URL setting)?"
                )),
                None => mismatch,
            });
        };

        // Answered with the key that verified (Zoom's handshake uses it), before `tag` is
        // reused for the content's identity.
        let handshake = self.signed_handshake(request, keys.get(matched.key))?;
        // Filled in place, field by field (the builder's setters move the whole value at
        // each call).
        let mut verified = Verified::new();
        // Only asked where there is an id.
        let id_signed = id.is_some() && self.id_is_signed();
        if id.is_some() && self.resigns_the_same_content(id_signed) {
            verified.retry_content =
                Some(self.retry_content(request, id, keys.get(matched.key))?);
        }
        if self.algorithm.is_mac() {
            // The tags themselves identify the signed content; hex-encoded only if asked.
            crypto::record_content_tags(
                &mut verified,
                keys,
                parts,
                matched.key,
                tag.get(..matched.tag_len).unwrap_or_default(),
            );
        } else {
            verified.fingerprint = Fingerprint::Text(
                crypto::fingerprint(self.algorithm, parts, matched.signature).into_boxed_str(),
            );
        }
        verified.timestamp = match &self.timestamp {
            Some((TimestampSource::Json(path), format)) => {
                Some(self.body_timestamp(request, path, *format)?)
            }
            _ => timestamp.map(|(_, at)| at),
        };
        match (&self.id, &self.id_json, id) {
            (_, Some(path), _) => {
                verified.id = Field::Json(Arc::clone(path));
                verified.id_signed = true;
            }
            (Some(FieldSource::Header(_)), _, Some(id)) => {
                verified.id = Field::Known(Some(Text::new(id)));
                verified.id_signed = id_signed;
            }
            _ => {}
        }
        match (&self.event_type, &self.event_type_json) {
            (_, Some(path)) => {
                verified.event_type = Field::Json(Arc::clone(path));
                verified.event_type_signed = true;
            }
            (Some(FieldSource::Header(name)), _) => {
                if let Some(kind) = self.read(request, name)? {
                    verified.event_type = Field::Known(Some(Text::new(kind)));
                    verified.event_type_signed = self.is_signed(self.event_type.as_ref());
                }
            }
            _ => {}
        }
        verified.handshake = handshake.map(Box::new);
        Ok(verified)
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let format = self
            .signing_secret_format
            .as_ref()
            .unwrap_or(&self.secret_format);
        let key = zeroize::Zeroizing::new(decode_secret(format, secret)?);
        let mut ts_entry = None;
        if let Some((source, format)) = &self.timestamp {
            let text = format.format(message.timestamp);
            match source {
                TimestampSource::Header(name) => {
                    request
                        .headers_mut()
                        .insert(name.clone(), header_value(&text)?);
                }
                TimestampSource::SignatureEntry(prefix) => ts_entry = Some((prefix, text)),
                // The caller's body carries its own timestamp.
                TimestampSource::Json(_) => {}
            }
        }
        if let Some(FieldSource::Header(name)) = &self.id {
            request
                .headers_mut()
                .insert(name.clone(), header_value(message.id)?);
        }

        let (method, uri, headers) = (request.method(), request.uri(), request.headers());
        let view = WebhookRequest::new(method, uri, headers, request.body());
        let ts_raw = ts_entry
            .as_ref()
            .map(|(_, text)| text.as_str())
            .or_else(|| match &self.timestamp {
                Some((TimestampSource::Header(name), _)) => self.read(&view, name).ok().flatten(),
                _ => None,
            });
        let id = match &self.id {
            Some(FieldSource::Header(_)) => Some(message.id),
            _ => None,
        };
        // The signer's own request: without a public URL, its URL is the one to sign.
        let mut resolved = Resolved::new();
        self.resolve_parts(&view, ts_raw, id, true, &mut resolved)
            .map_err(|r| ConfigError::new(format!("cannot sign this request: {r}")))?;
        let signature = crypto::sign(self.algorithm, &key, resolved.as_slice())?;
        let signature = self.encoding.encode(&signature);

        let mut header = String::new();
        if let (Some((prefix, text)), Some(separator)) = (&ts_entry, self.separator) {
            header.push_str(prefix);
            header.push_str(text);
            header.push(separator);
        }
        header.push_str(&self.signature_prefix);
        header.push_str(&signature);
        let header = header_value(&header)?;
        request
            .headers_mut()
            .insert(self.signature_header.clone(), header);
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        let format = self
            .signing_secret_format
            .as_ref()
            .unwrap_or(&self.secret_format);
        let key = zeroize::Zeroizing::new(decode_secret(format, secret)?);
        crypto::sign(self.algorithm, &key, &[b""]).map(drop)
    }

    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
        _keys: &[SchemeKey],
    ) -> Option<Result<HandshakeResponse, Rejection>> {
        // Signed handshakes are recognised in `verify`, after the one verification.
        let handshake = self.handshake.as_ref().filter(|h| !h.is_signed())?;
        if !handshake.matches(request) {
            return None;
        }
        match handshake.answer(request, &|_| None) {
            Ok(Some(response)) => Some(Ok(HandshakeResponse::new(response))),
            Ok(None) => None,
            Err(rejection) => Some(Err(rejection)),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.check()?;
        if let Some(Err(error)) = &self.public_url {
            return Err(error.clone());
        }
        if let Some(Err(error)) = &self.exact_url {
            return Err(error.clone());
        }
        if self.signs(&Part::Url)
            && self.public_url.is_none()
            && self.exact_url.is_none()
            && !self.trust_host
        {
            return Err(PublicBase::missing());
        }
        if let Some(RegistrationHandshake::MetaVerifyToken(token)) = &self.handshake {
            if token.expose().is_empty() {
                return Err(ConfigError::new(
                    "the verify token is empty, so anyone's hub.challenge would be answered: \
                     pass the verify token you chose in the app dashboard (providers::meta(token)), \
                     or call without_handshake() to answer no challenge",
                ));
            }
        }
        Ok(())
    }

    fn default_tolerance(&self) -> Duration {
        self.tolerance
    }

    fn default_body_limit(&self) -> Option<usize> {
        self.default_body_limit
    }

    fn empty_responses(&self) -> bool {
        self.empty_responses
    }

    fn signature_algorithm(&self) -> Option<crate::scheme::Algorithm> {
        Some(self.algorithm)
    }

    fn event_type_header(&self) -> Option<&HeaderName> {
        match &self.event_type {
            Some(FieldSource::Header(name)) => Some(name),
            _ => None,
        }
    }
}
