//! A captured request as raw HTTP/1.1 text (what `nc -l`, a proxy's dump or a log shows),
//! parsed into an `http::Request<Bytes>` for the verifier.
//!
//! The text is hostile input: sizes are bounded (the head to [`MAX_HEAD`], the body to
//! [`MAX_BODY`]), nothing panics, and every refusal says what was wrong. Lines may end in
//! CRLF or a bare LF (a capture pasted into an editor); a `chunked` body is decoded.

use std::fmt;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, Uri};

/// Largest request line plus headers: 64 KiB.
pub const MAX_HEAD: usize = 64 * 1024;
/// Largest body: 25 MiB (GitHub's documented maximum).
pub const MAX_BODY: usize = 25 * 1024 * 1024;
/// Most header lines.
pub const MAX_HEADERS: usize = 256;

/// Why a capture cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureError(String);

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CaptureError {}

fn error(message: impl Into<String>) -> CaptureError {
    CaptureError(message.into())
}

/// A parsed capture, and what was noticed while reading it (a body longer than its
/// `Content-Length`, say).
#[derive(Debug)]
pub struct Capture {
    /// The request: method, target, headers and body exactly as captured.
    pub request: Request<Bytes>,
    /// Remarks for a person: nothing here is an error.
    pub notes: Vec<String>,
}

/// Parses a whole capture: request line, headers, blank line, body.
pub fn parse(input: &[u8]) -> Result<Capture, CaptureError> {
    // Blank lines before the request line are tolerated (RFC 9112, 2.2).
    let start = input
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .ok_or_else(|| error("the capture is empty"))?;
    let input = input.get(start..).unwrap_or_default();
    let (head, body) = split_head(input)?;
    let mut lines = lines(head);
    let request_line = lines.next().ok_or_else(|| error("no request line"))?;
    let (method, target) = request_line_parts(request_line)?;
    let mut notes = Vec::new();
    let mut builder = Request::builder().method(method).uri(target);
    let headers = parse_headers(lines)?;
    let body = body_of(&headers, body, &mut notes)?;
    if let Some(map) = builder.headers_mut() {
        map.extend(headers);
    }
    let request = builder
        .body(body)
        .map_err(|e| error(format!("not a valid request: {e}")))?;
    Ok(Capture { request, notes })
}

/// Parses a header block given on its own (`--headers FILE`), optionally starting with a
/// request line, and a body given on its own (`--body FILE`, taken as is).
pub fn parse_parts(head: &[u8], body: Bytes) -> Result<Capture, CaptureError> {
    if head.len() > MAX_HEAD {
        return Err(error(format!("the headers exceed {} KiB", MAX_HEAD / 1024)));
    }
    if body.len() > MAX_BODY {
        return Err(error(format!(
            "the body exceeds {} MiB",
            MAX_BODY / 1024 / 1024
        )));
    }
    let mut lines = lines(head).filter(|line| !line.is_empty()).peekable();
    let (method, target) = match lines.peek() {
        Some(first) if is_request_line(first) => {
            let parts = request_line_parts(first)?;
            lines.next();
            parts
        }
        _ => (Method::POST, Uri::from_static("/")),
    };
    let headers = parse_headers(lines)?;
    let mut builder = Request::builder().method(method).uri(target);
    if let Some(map) = builder.headers_mut() {
        map.extend(headers);
    }
    let request = builder
        .body(body)
        .map_err(|e| error(format!("not a valid request: {e}")))?;
    Ok(Capture {
        request,
        notes: Vec::new(),
    })
}

fn is_request_line(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    let mut words = text.split(' ');
    words.next().is_some_and(|m| !m.contains(':'))
        && words.nth(1).is_some_and(|v| v.starts_with("HTTP/"))
}

/// Splits at the first empty line, which must come within [`MAX_HEAD`] bytes.
fn split_head(input: &[u8]) -> Result<(&[u8], &[u8]), CaptureError> {
    let window = input.get(..MAX_HEAD + 4).unwrap_or(input);
    let mut at = 0;
    while let Some(offset) = window.get(at..).and_then(|rest| memchr(b'\n', rest)) {
        let end = at + offset;
        let next = end + 1;
        match window.get(next..) {
            Some([b'\n', ..]) => return split_at(input, end, next + 1),
            Some([b'\r', b'\n', ..]) => return split_at(input, end, next + 2),
            _ => at = next,
        }
    }
    if input.len() > MAX_HEAD {
        Err(error(format!(
            "no end of headers within {} KiB (the head of a request is limited to that)",
            MAX_HEAD / 1024
        )))
    } else {
        // No blank line: headers only, no body (a capture cut after the headers).
        Ok((input, &[]))
    }
}

fn split_at(
    input: &[u8],
    head_end: usize,
    body_start: usize,
) -> Result<(&[u8], &[u8]), CaptureError> {
    if head_end > MAX_HEAD {
        return Err(error(format!("the headers exceed {} KiB", MAX_HEAD / 1024)));
    }
    let head = input.get(..head_end).unwrap_or_default();
    let body = input.get(body_start..).unwrap_or_default();
    Ok((head, body))
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// Lines without their CRLF or LF.
fn lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    head.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
}

fn request_line_parts(line: &[u8]) -> Result<(Method, Uri), CaptureError> {
    let text = std::str::from_utf8(line).map_err(|_| error("the request line is not UTF-8"))?;
    let mut words = text.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(error(
            "the first line is not a request line (METHOD TARGET HTTP/1.1)",
        ));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(error(format!(
            "unsupported HTTP version {:?} (an HTTP/1.x capture is expected)",
            truncate(version)
        )));
    }
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| error(format!("not an HTTP method: {:?}", truncate(method))))?;
    let target = target
        .parse::<Uri>()
        .map_err(|_| error(format!("not a request target: {:?}", truncate(target))))?;
    Ok((method, target))
}

fn parse_headers<'a>(
    lines: impl Iterator<Item = &'a [u8]>,
) -> Result<Vec<(Option<HeaderName>, HeaderValue)>, CaptureError> {
    let mut headers = Vec::new();
    for (number, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(error(format!("more than {MAX_HEADERS} header lines")));
        }
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            return Err(error(format!(
                "header line {} is folded (starts with whitespace): obsolete, refused",
                number + 1
            )));
        }
        let colon = memchr(b':', line)
            .ok_or_else(|| error(format!("header line {} has no colon", number + 1)))?;
        let (name, value) = line.split_at(colon);
        let value = value.get(1..).unwrap_or_default().trim_ascii();
        let name = HeaderName::from_bytes(name).map_err(|_| {
            error(format!(
                "header line {}: not a header name: {:?}",
                number + 1,
                truncate(&String::from_utf8_lossy(name))
            ))
        })?;
        let value = HeaderValue::from_bytes(value).map_err(|_| {
            error(format!(
                "header {name}: the value holds a control character"
            ))
        })?;
        headers.push((Some(name), value));
    }
    Ok(headers)
}

fn body_of(
    headers: &[(Option<HeaderName>, HeaderValue)],
    body: &[u8],
    notes: &mut Vec<String>,
) -> Result<Bytes, CaptureError> {
    fn find<'a>(
        headers: &'a [(Option<HeaderName>, HeaderValue)],
        wanted: &'a HeaderName,
    ) -> impl Iterator<Item = &'a HeaderValue> {
        headers
            .iter()
            .filter(move |(name, _)| name.as_ref() == Some(wanted))
            .map(|(_, value)| value)
    }
    let chunked = find(headers, &http::header::TRANSFER_ENCODING).any(|value| {
        value.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|c| c.trim().eq_ignore_ascii_case("chunked"))
        })
    });
    if chunked {
        return dechunk(body).map(Bytes::from);
    }
    if body.len() > MAX_BODY {
        return Err(error(format!(
            "the body exceeds {} MiB",
            MAX_BODY / 1024 / 1024
        )));
    }
    let lengths: Vec<&HeaderValue> = find(headers, &http::header::CONTENT_LENGTH).collect();
    match lengths.as_slice() {
        [] => Ok(Bytes::copy_from_slice(body)),
        [length] => {
            let length = length
                .to_str()
                .ok()
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<usize>().ok())
                .ok_or_else(|| error("Content-Length is not a number"))?;
            if body.len() > length {
                let extra = body.len() - length;
                let kept = body.get(..length).unwrap_or_default();
                // A trailing newline left by an editor is the usual extra.
                if !body
                    .get(length..)
                    .unwrap_or_default()
                    .iter()
                    .all(|b| *b == b'\r' || *b == b'\n')
                {
                    notes.push(format!(
                        "{extra} byte(s) after the Content-Length ({length}) were ignored"
                    ));
                }
                Ok(Bytes::copy_from_slice(kept))
            } else {
                if body.len() < length {
                    notes.push(format!(
                        "the body is {} byte(s), shorter than its Content-Length ({length}): \
                         a truncated capture, or line endings changed by an editor",
                        body.len()
                    ));
                }
                Ok(Bytes::copy_from_slice(body))
            }
        }
        _ => Err(error("Content-Length appears more than once")),
    }
}

/// Decodes a `chunked` body, bounded by [`MAX_BODY`]; trailers are ignored.
fn dechunk(mut input: &[u8]) -> Result<Vec<u8>, CaptureError> {
    let mut body = Vec::new();
    loop {
        let end = memchr(b'\n', input).ok_or_else(|| error("a chunk size line is cut off"))?;
        let line = input.get(..end).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        input = input.get(end + 1..).unwrap_or_default();
        let size_text = line
            .split(|&b| b == b';')
            .next()
            .unwrap_or_default()
            .trim_ascii();
        if size_text.is_empty()
            || size_text.len() > 8
            || !size_text.iter().all(u8::is_ascii_hexdigit)
        {
            return Err(error("a chunk size is not hexadecimal"));
        }
        let size = std::str::from_utf8(size_text)
            .ok()
            .and_then(|s| usize::from_str_radix(s, 16).ok())
            .ok_or_else(|| error("a chunk size is not hexadecimal"))?;
        if size == 0 {
            return Ok(body);
        }
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(error(format!(
                "the body exceeds {} MiB",
                MAX_BODY / 1024 / 1024
            )));
        }
        let chunk = input
            .get(..size)
            .ok_or_else(|| error("a chunk is shorter than its size"))?;
        body.extend_from_slice(chunk);
        input = input.get(size..).unwrap_or_default();
        input = input
            .strip_prefix(b"\r\n")
            .or_else(|| input.strip_prefix(b"\n"))
            .ok_or_else(|| error("a chunk does not end with a line break"))?;
    }
}

/// At most 64 characters of something quoted back in an error.
fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_crlf_capture() {
        let capture = parse(
            b"POST /webhooks/github?x=1 HTTP/1.1\r\nHost: example.com\r\nX-GitHub-Event: push\r\nContent-Length: 2\r\n\r\n{}",
        )
        .unwrap();
        let request = capture.request;
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri().path(), "/webhooks/github");
        assert_eq!(request.uri().query(), Some("x=1"));
        assert_eq!(request.headers()["x-github-event"], "push");
        assert_eq!(request.body().as_ref(), b"{}");
        assert!(capture.notes.is_empty());
    }

    #[test]
    fn reads_bare_lf_and_leading_blank_lines() {
        let capture = parse(b"\r\n\nPOST / HTTP/1.1\nA: b\n\nhello").unwrap();
        assert_eq!(capture.request.headers()["a"], "b");
        assert_eq!(capture.request.body().as_ref(), b"hello");
    }

    #[test]
    fn keeps_the_body_exactly_even_with_line_breaks() {
        let capture = parse(b"POST / HTTP/1.1\r\n\r\n\r\n{\r\n}\n").unwrap();
        assert_eq!(capture.request.body().as_ref(), b"\r\n{\r\n}\n");
    }

    #[test]
    fn content_length_trims_a_trailing_newline_and_notes_the_rest() {
        let capture = parse(b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\n").unwrap();
        assert_eq!(capture.request.body().as_ref(), b"{}");
        assert!(capture.notes.is_empty());
        let capture = parse(b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}xx").unwrap();
        assert_eq!(capture.request.body().as_ref(), b"{}");
        assert_eq!(capture.notes.len(), 1);
        let capture = parse(b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n{}").unwrap();
        assert_eq!(capture.notes.len(), 1);
    }

    #[test]
    fn decodes_chunked_bodies() {
        let capture = parse(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(capture.request.body().as_ref(), b"abcde");
        for bad in [
            &b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n"[..],
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn refuses_malformed_heads() {
        for bad in [
            &b""[..],
            b"\r\n\r\n",
            b"POST /\r\n\r\n",
            b"POST / HTTP/2\r\n\r\n",
            b"P\xffST / HTTP/1.1\r\n\r\n",
            b"POST / HTTP/1.1\r\nno colon\r\n\r\n",
            b"POST / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
            b"POST / HTTP/1.1\r\nBad Name: b\r\n\r\n",
            b"POST / HTTP/1.1\r\nA: b\x01c\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn bounds_the_head_and_the_body() {
        let mut huge_head = b"POST / HTTP/1.1\r\nA: ".to_vec();
        huge_head.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
        huge_head.extend_from_slice(b"\r\n\r\n");
        assert!(parse(&huge_head).is_err());
        let mut no_end = b"POST / HTTP/1.1\r\n".to_vec();
        no_end.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
        assert!(parse(&no_end).is_err());
        let mut many = b"POST / HTTP/1.1\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            many.extend_from_slice(b"a: b\r\n");
        }
        many.extend_from_slice(b"\r\n");
        assert!(parse(&many).is_err());
        let mut big_body = b"POST / HTTP/1.1\r\n\r\n".to_vec();
        big_body.extend(std::iter::repeat_n(b'a', MAX_BODY + 1));
        assert!(parse(&big_body).is_err());
    }

    #[test]
    fn reads_separate_headers_and_body() {
        let capture = parse_parts(b"X-A: 1\nX-B: 2\n", Bytes::from_static(b"{}")).unwrap();
        assert_eq!(capture.request.method(), Method::POST);
        assert_eq!(capture.request.headers()["x-b"], "2");
        let capture = parse_parts(
            b"PUT /hook HTTP/1.1\r\nX-A: 1\r\n",
            Bytes::from_static(b"{}"),
        )
        .unwrap();
        assert_eq!(capture.request.method(), Method::PUT);
        assert_eq!(capture.request.uri().path(), "/hook");
    }
}
