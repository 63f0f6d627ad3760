//! Twilio signs the public URL it called, not just the body: form posts add every POST
//! parameter sorted by name, JSON posts carry a SHA-256 of the body in the URL.
//!
//! The preset is [`providers::twilio()`](super::twilio()); this module holds its scheme,
//! [`Twilio`], and [`body_sha256`], the body hash of a JSON post's URL.

use std::borrow::Cow;

use bytes::Bytes;

use http::HeaderName;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::scheme::crypto::MAX_TAG;
use crate::scheme::Encoding;
use crate::scheme::{
    header_value, path_and_query, url_base, Message, PublicBase, Scheme, SchemeKey, Verified,
    WebhookRequest,
};
use crate::{ConfigError, Rejection, RejectionKind, Secret};

const SIGNATURE: HeaderName = HeaderName::from_static("x-twilio-signature");
const IDEMPOTENCY_TOKEN: HeaderName = HeaderName::from_static("i-twilio-idempotency-token");
/// Sent with webhooks signed with a SharedKey: `key=<id>,algorithm=HMAC_SHA256`.
const SIGNATURE_SETTINGS: HeaderName =
    HeaderName::from_static("x-twilio-webhooks-signature-settings");
const BODY_HASH_PARAM: &str = "bodySHA256";
/// The most form parameters one request may carry. Twilio's largest callbacks (an inbound
/// message with ten media items, a Voice status callback) carry under a hundred; every
/// parameter costs a decode and a place in the sort before the MAC can be checked, so a
/// hostile form at this bound costs about 25 valid verifications (1,024 cost 100).
const MAX_PARAMS: usize = 256;

/// [Twilio](https://www.twilio.com/docs/usage/security#validating-requests) request
/// validation; made by [`twilio()`](super::twilio()).
///
/// - Signature: `X-Twilio-Signature: <base64 HMAC-SHA1>` keyed with the account's auth
///   token.
/// - Form posts: the signed content is the full public URL followed by every POST
///   parameter, sorted by name (then value), each as name then value, URL-decoded. At
///   most 256 parameters: a longer form is refused (`400`) before any is decoded.
/// - JSON posts: the URL carries `bodySHA256=<hex SHA-256 of the body>`; the signed
///   content is the URL alone, and the body must hash to that value.
/// - The URL is tried as given, with the scheme's default port added, and with the port
///   removed, as the SDKs do. Each of those is also tried with the request's path and
///   query percent-encoded as a WHATWG URL serialiser (JavaScript's `new URL()`) encodes
///   them, as twilio-node's `validateRequest` does: in the query `'` (`%27`) and
///   non-ASCII bytes, in the path `"`, `{`, `}` and non-ASCII bytes (the characters
///   the `http` crate lets through unencoded). Twilio's back end signs some URLs in that
///   form while the request arrives with the raw characters. Percent-encoding changes no
///   decoded value, so the variant lets no other query or path through.
/// - Cost, bounded whatever the request: one MAC per secret for the URL as given, and at
///   most 3 more per secret with a [`public_url`](Twilio::public_url) (the other port
///   form; the encoded forms only when the path or query holds a character to encode),
///   or 7 more when the URL is rebuilt from a `Host` header without a scheme (`https`
///   and `http`). Each MAC covers the URL and the form parameters.
/// - Any other non-empty body (JSON without `bodySHA256`, say) is not covered by the
///   signature and is refused.
/// - No timestamp. Delivery id: `I-Twilio-Idempotency-Token` when present (not signed, and not used: the signature recognises a duplicate, see
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy)), else the signature.
///
/// Set [`public_url`](Twilio::public_url) to the base URL Twilio calls: the signed URL is
/// that base followed by the request's path and query. A verifier cannot be built without
/// it, unless [`dangerously_trust_host_header`](Twilio::dangerously_trust_host_header)
/// rebuilds the URL from the request's `Host` header (trying `https` then `http`).
///
/// Source: `twilio/twilio-node`, `src/webhooks/webhooks.ts`; `twilio/twilio-python`,
/// `twilio/request_validator.py`.
#[derive(Debug, Clone, Default)]
pub struct Twilio {
    /// Parsed when set; a malformed one is reported by `validate`.
    public_url: Option<Result<PublicBase, ConfigError>>,
    trust_host: bool,
    sign_sha256: bool,
}

/// Which HMAC a Twilio request is signed with, as its signature settings header says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TwilioMac {
    Sha1,
    Sha256,
}

/// The algorithm named by `X-Twilio-Webhooks-Signature-Settings`, as twilio-python's
/// `get_signature_algorithm` reads it: absent, empty or without `algorithm=` means the
/// legacy HMAC-SHA1; an algorithm this crate does not know is refused.
fn signature_algorithm(request: &WebhookRequest<'_>) -> Result<TwilioMac, Rejection> {
    let Some(settings) = request.header(&SIGNATURE_SETTINGS)? else {
        return Ok(TwilioMac::Sha1);
    };
    let algorithm = settings.split(',').find_map(|part| {
        let (name, value) = part.split_once('=')?;
        (name.trim() == "algorithm" && !value.trim().is_empty()).then(|| value.trim())
    });
    match algorithm {
        None => Ok(TwilioMac::Sha1),
        Some(name) if name.eq_ignore_ascii_case("HMAC_SHA1") => Ok(TwilioMac::Sha1),
        Some(name) if name.eq_ignore_ascii_case("HMAC_SHA256") => Ok(TwilioMac::Sha256),
        Some(_) => Err(Rejection::malformed_header(
            SIGNATURE_SETTINGS.as_str(),
            "unsupported signature algorithm",
        )),
    }
}

impl Twilio {
    /// The public base URL Twilio calls, such as `https://hooks.example.com`. Required: the
    /// `Host` header and the request's own URL are chosen by whoever sends the request.
    /// (Without it, [`Scheme::sign`] signs the URL of the request it is given.)
    pub fn public_url(mut self, base: impl AsRef<str>) -> Self {
        self.public_url = Some(PublicBase::parse(base.as_ref()));
        self
    }

    /// Without a public URL, rebuilds the signed URL from the request itself: its absolute
    /// URI (as HTTP/2 sends it), else its `Host` header with `https`, then `http`.
    ///
    /// Anyone can send any `Host`: a request Twilio signed for another host on the same
    /// account would then verify here. Only for a server behind a proxy that sets `Host`
    /// to the public host itself; prefer [`public_url`](Self::public_url), which takes
    /// precedence when both are set.
    pub fn dangerously_trust_host_header(mut self) -> Self {
        self.trust_host = true;
        self
    }

    /// Signs as Twilio does with a SharedKey: HMAC-SHA256, announced in
    /// `X-Twilio-Webhooks-Signature-Settings`. For tests and senders; verification takes
    /// either algorithm, as the request's settings header says.
    pub fn sign_with_hmac_sha256(mut self) -> Self {
        self.sign_sha256 = true;
        self
    }

    fn base(&self) -> Option<&PublicBase> {
        self.public_url.as_ref().and_then(|url| url.as_ref().ok())
    }

    /// The URL variants to try, the URL as given first: the candidate bases, each as
    /// given, with the default port and without a port, each followed by the path and
    /// query as received and, when it differs, as a WHATWG serialiser encodes them. At
    /// most 8 (2 bases, 2 port forms, 2 encodings).
    fn urls(&self, request: &WebhookRequest<'_>) -> Result<Vec<String>, Rejection> {
        let tail = path_and_query(request);
        let mut tails = vec![Cow::Borrowed(tail)];
        let encoded = whatwg_encoded(tail);
        if encoded != tail {
            tails.push(encoded);
        }
        let mut bases: Vec<String> = Vec::with_capacity(2);
        let (a, b) = url_base(self.base(), self.trust_host, request, "https://")?;
        bases.push(format!("{a}{b}"));
        if self.public_url.is_none() && request.uri().scheme().is_none() {
            bases.push(format!("http://{b}"));
        }
        let mut urls = Vec::with_capacity(bases.len() * 2 * tails.len());
        for tail in &tails {
            for base in &bases {
                for variant in port_variants(base) {
                    let url = format!("{variant}{tail}");
                    if !urls.contains(&url) {
                        urls.push(url);
                    }
                }
            }
        }
        Ok(urls)
    }
}

/// What the WHATWG URL standard percent-encodes in a path (its path percent-encode set)
/// among the characters an `http::Uri` path may hold unencoded; non-ASCII bytes are
/// encoded too.
const PATH_ENCODED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// What the WHATWG URL standard percent-encodes in the query of an `http(s)` URL (its
/// special-query percent-encode set): `'` is the one an `http::Uri` query may hold.
const QUERY_ENCODED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'\'');

/// The path and query as `new URL(…).toString()` writes them: the characters of the
/// WHATWG percent-encode sets percent-encoded, everything else (existing escapes too)
/// untouched.
fn whatwg_encoded(tail: &str) -> Cow<'_, str> {
    let (path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (tail, None),
    };
    let path_encoded: Cow<'_, str> = utf8_percent_encode(path, PATH_ENCODED).into();
    let query_encoded: Option<Cow<'_, str>> =
        query.map(|query| utf8_percent_encode(query, QUERY_ENCODED).into());
    let unchanged = matches!(path_encoded, Cow::Borrowed(_))
        && query_encoded
            .as_ref()
            .is_none_or(|query| matches!(query, Cow::Borrowed(_)));
    if unchanged {
        return Cow::Borrowed(tail);
    }
    let mut encoded = path_encoded.into_owned();
    if let Some(query) = query_encoded {
        encoded.push('?');
        encoded.push_str(&query);
    }
    Cow::Owned(encoded)
}

/// `base` as given, with the default port added when it has none, and with any port
/// removed.
fn port_variants(base: &str) -> Vec<Cow<'_, str>> {
    let (scheme, authority, default_port) = if let Some(rest) = base.strip_prefix("https://") {
        ("https://", rest, "443")
    } else if let Some(rest) = base.strip_prefix("http://") {
        ("http://", rest, "80")
    } else {
        return vec![Cow::Borrowed(base)];
    };
    let (host, port) = split_port(authority);
    let mut variants = vec![Cow::Borrowed(base)];
    match port {
        Some(_) => variants.push(Cow::Owned(format!("{scheme}{host}"))),
        None => variants.push(Cow::Owned(format!("{scheme}{host}:{default_port}"))),
    }
    variants
}

/// Splits `host:port`, leaving IPv6 literals (`[::1]`) intact.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, Some(port))
        }
        _ => (authority, None),
    }
}

fn body_hash_param(uri: &http::Uri) -> Option<Cow<'_, str>> {
    let query = uri.query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == BODY_HASH_PARAM)
        .map(|(_, value)| value)
}

/// The sorted POST parameters of a form body.
/// A form parameter: name and value, URL-decoded.
type Param<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

/// The POST parameters of a form body, sorted as Twilio sorts them. Pairs without `+` or
/// `%` are used as they are (no copy); only the others are decoded.
fn sorted_params(body: &[u8]) -> Result<Vec<Param<'_>>, Rejection> {
    // Counted before anything is decoded, so an oversized form costs one scan.
    let separators = memchr::memchr_iter(b'&', body).count();
    if separators >= MAX_PARAMS {
        // Empty pairs (`&&`) are skipped below, so only the others count.
        let pairs = body.split(|b| *b == b'&').filter(|pair| !pair.is_empty());
        if pairs.count() > MAX_PARAMS {
            return Err(Rejection::new(
                RejectionKind::InvalidBody,
                "too many form parameters",
            ));
        }
    }
    let mut params = Vec::with_capacity(separators.min(MAX_PARAMS) + 1);
    let mut start = 0;
    let ends = memchr::memchr_iter(b'&', body).chain(std::iter::once(body.len()));
    for end in ends {
        let pair = body.get(start..end).unwrap_or_default();
        start = end + 1;
        if pair.is_empty() {
            continue;
        }
        if params.len() == MAX_PARAMS {
            return Err(Rejection::new(
                RejectionKind::InvalidBody,
                "too many form parameters",
            ));
        }
        let (name, value) = match memchr::memchr(b'=', pair) {
            Some(i) => (
                pair.get(..i).unwrap_or_default(),
                pair.get(i + 1..).unwrap_or_default(),
            ),
            None => (pair, &[][..]),
        };
        params.push((decode(name), decode(value)));
    }
    // Twilio's SDKs sign each distinct value of a parameter once (twilio-python:
    // `sorted(set(values))`; twilio-node dedupes with a Set).
    params.sort();
    params.dedup();
    Ok(params)
}

/// `application/x-www-form-urlencoded` decoding of one name or value: `+` is a space,
/// and `percent_encoding` decodes the runs between them (`+` is never a hex digit, so this
/// is "`+` to space, then percent-decode", without the intermediate copy). One buffer.
fn decode(raw: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr2(b'+', b'%', raw).is_none() {
        return Cow::Borrowed(raw);
    }
    let mut decoded = Vec::with_capacity(raw.len());
    for (i, run) in raw.split(|b| *b == b'+').enumerate() {
        if i > 0 {
            decoded.push(b' ');
        }
        decoded.extend(percent_encoding::percent_decode(run));
    }
    Cow::Owned(decoded)
}

/// The MAC of the URL (given in pieces, joined without a copy) and the parameters, each
/// name then value, fed in order.
fn mac(
    key: &SchemeKey,
    algorithm: TwilioMac,
    url: &[&str],
    params: &[Param<'_>],
) -> ([u8; MAX_TAG], usize) {
    let parts = url.iter().map(|piece| piece.as_bytes()).chain(
        params
            .iter()
            .flat_map(|(name, value)| [&name[..], &value[..]]),
    );
    let mut out = [0u8; MAX_TAG];
    let len = match algorithm {
        TwilioMac::Sha1 => key.tag_parts(parts, &mut out),
        TwilioMac::Sha256 => key.tag_sha256_parts(parts, &mut out),
    };
    (out, len)
}

impl Scheme for Twilio {
    type Key = SchemeKey;

    fn signature_algorithm(&self) -> Option<crate::scheme::Algorithm> {
        Some(crate::scheme::Algorithm::Sha1)
    }

    fn provider(&self) -> &str {
        "twilio"
    }

    fn key(&self, secret: &Secret) -> Result<SchemeKey, ConfigError> {
        // The account's auth token signs with HMAC-SHA1, a SharedKey with HMAC-SHA256.
        SchemeKey::hmac_sha1_or_sha256(secret)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(Err(error)) = &self.public_url {
            return Err(error.clone());
        }
        if self.public_url.is_none() && !self.trust_host {
            return Err(PublicBase::missing());
        }
        Ok(())
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        keys: &[SchemeKey],
    ) -> Result<Verified, Rejection> {
        let header = request.required_header(&SIGNATURE)?;
        let algorithm = signature_algorithm(request)?;
        let expected_len = match algorithm {
            TwilioMac::Sha1 => 20,
            TwilioMac::Sha256 => 32,
        };
        let mut signature = [0u8; MAX_TAG];
        let len = match Encoding::Base64.decode_into(header.trim(), &mut signature) {
            Some(len) if len == expected_len => len,
            _ => {
                return Err(Rejection::malformed_header(
                    SIGNATURE.as_str(),
                    "signature is not valid or has the wrong length",
                ))
            }
        };
        let signature = signature.get(..len).unwrap_or_default();

        let params = match body_hash_param(request.uri()) {
            Some(expected) => {
                let actual = hex::encode(Sha256::digest(request.body()));
                if !bool::from(
                    actual
                        .as_bytes()
                        .ct_eq(expected.to_ascii_lowercase().as_bytes()),
                ) {
                    return Err(Rejection::new(
                        RejectionKind::SignatureMismatch,
                        "body does not match bodySHA256",
                    ));
                }
                Vec::new()
            }
            None if crate::scheme::is_form(request.headers()) => sorted_params(request.body())?,
            None if request.body().is_empty() => Vec::new(),
            // Twilio signs a form's parameters, or a JSON body through bodySHA256: any
            // other body is outside the signature and could be swapped by anyone.
            None => {
                return Err(Rejection::new(
                    RejectionKind::SignatureMismatch,
                    "the body is not covered by the signature: neither a form nor bodySHA256",
                ))
            }
        };

        let verifies = |url: &[&str]| {
            keys.iter().any(|key| {
                let (tag, len) = mac(key, algorithm, url, &params);
                crate::scheme::crypto::tags_equal(tag.get(..len).unwrap_or_default(), signature)
            })
        };
        // The URL as received (or as configured) is what Twilio signed nearly always, fed
        // to the MAC in its pieces; the port and scheme variants are only built when it
        // does not match.
        let (a, b) = url_base(self.base(), self.trust_host, request, "https://")?;
        let tail = path_and_query(request);
        let matched =
            verifies(&[a, b, tail]) || self.urls(request)?.iter().skip(1).any(|u| verifies(&[u]));
        if !matched {
            return Err(Rejection::new(
                RejectionKind::SignatureMismatch,
                "signature does not match",
            ));
        }
        // The signature identifies the signed content, hex-encoded only if asked for.
        let mut verified = Verified::new().signature(signature.get(..len).unwrap_or_default());
        if let Some(token) = request.header(&IDEMPOTENCY_TOKEN)? {
            verified = verified.unsigned_id(token);
        }
        Ok(verified)
    }

    fn sign(
        &self,
        secret: &Secret,
        request: &mut http::Request<Bytes>,
        message: &Message<'_>,
    ) -> Result<(), ConfigError> {
        let key = self.key(secret)?;
        // A body that is not a form is signed through its hash in the URL, as Twilio does.
        let needs_hash = !request.body().is_empty()
            && body_hash_param(request.uri()).is_none()
            && !crate::scheme::is_form(request.headers());
        if needs_hash {
            let hash = body_sha256(request.body());
            let uri = request.uri().to_string();
            let separator = if uri.contains('?') { '&' } else { '?' };
            *request.uri_mut() = format!("{uri}{separator}{BODY_HASH_PARAM}={hash}")
                .parse()
                .map_err(|_| ConfigError::new("cannot add bodySHA256 to the URI"))?;
        }
        let algorithm = if self.sign_sha256 {
            request.headers_mut().insert(
                SIGNATURE_SETTINGS,
                http::HeaderValue::from_static(
                    "key=webhooks_sharedkey_example,algorithm=HMAC_SHA256",
                ),
            );
            TwilioMac::Sha256
        } else {
            TwilioMac::Sha1
        };
        let view = WebhookRequest::new(
            request.method(),
            request.uri(),
            request.headers(),
            request.body(),
        );
        // The signer's own request: without a public URL, its URL is the one to sign.
        let (a, b) = url_base(self.base(), true, &view, "https://")
            .map_err(|r| ConfigError::new(format!("cannot sign this request: {r}")))?;
        let url = format!("{a}{b}{}", path_and_query(&view));
        let params =
            if body_hash_param(request.uri()).is_none() && crate::scheme::is_form(view.headers()) {
                sorted_params(request.body()).map_err(|r| ConfigError::new(r.to_string()))?
            } else {
                Vec::new()
            };
        let (tag, len) = mac(&key, algorithm, &[&url], &params);
        let signature = Encoding::Base64.encode(tag.get(..len).unwrap_or_default());
        let signature = header_value(signature)?;
        let token = header_value(message.id)?;
        request.headers_mut().insert(SIGNATURE, signature);
        request.headers_mut().insert(IDEMPOTENCY_TOKEN, token);
        Ok(())
    }

    fn check_signing_secret(&self, secret: &Secret) -> Result<(), ConfigError> {
        self.key(secret).map(drop)
    }
}

/// The JSON variant's `bodySHA256` value for a body: append `bodySHA256=<this>` to the
/// URL's query before signing. The [`Twilio`] signer does this itself for a body that is
/// not a form.
pub fn body_sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn form_decoding_is_plus_as_space_then_percent_decoding() {
        // The reference: `+` replaced by a space, then `percent_encoding`'s decoding (the
        // two-pass decoding this one replaced).
        for raw in [
            "",
            "a",
            "+",
            "%",
            "%2",
            "%2B",
            "%2b+1",
            "%+1",
            "%2+",
            "%zz%41",
            "a+b%20c%",
            "%%41",
            "100%",
            "%C3%A9",
            "++%2B%2B",
            "%4",
            "%4g",
            "x%41y%42z",
        ] {
            let spaced: Vec<u8> = raw
                .bytes()
                .map(|b| if b == b'+' { b' ' } else { b })
                .collect();
            let expected: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
            assert_eq!(&*decode(raw.as_bytes()), &expected[..], "{raw:?}");
        }
    }
}
