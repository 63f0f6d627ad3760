//! Body types: the verified body handed to the inner service, and the response body that
//! is either the inner service's or a rejection's; and the buffering of a request body
//! within the limit.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use pin_project_lite::pin_project;

/// The first capacity of a buffer.
const INITIAL_CAPACITY: usize = 8 * 1024;

/// Why a request body could not be buffered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BufferError {
    /// The body has more than `limit` bytes.
    TooLarge,
    /// The body stream failed.
    Unreadable,
}

/// Reads `body` into one contiguous buffer of at most `limit` bytes.
///
/// A body that arrives as a single data frame is returned as that frame, without a copy.
/// Otherwise the frames are copied into one buffer that starts small and doubles as bytes
/// arrive, never beyond `limit` nor `declared` (the `Content-Length`): a declared length is
/// a ceiling, never allocated before the bytes come. So a body sent in tiny frames costs
/// about its own size, not a list of frames and then a copy. Trailers are ignored.
pub(crate) async fn buffer<B: Body>(
    body: B,
    declared: Option<u64>,
    limit: usize,
) -> Result<Bytes, BufferError> {
    let mut body = std::pin::pin!(body);
    // The first data frame, kept as it came until a second one arrives.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut total: usize = 0;

    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BufferError::Unreadable)?;
        let Ok(mut data) = frame.into_data() else {
            continue; // trailers
        };
        let len = data.remaining();
        if len == 0 {
            continue;
        }
        total = match total.checked_add(len) {
            Some(total) if total <= limit => total,
            _ => return Err(BufferError::TooLarge),
        };

        // A declared length is a ceiling for growth, never an allocation made up front:
        // a client that declares the limit and sends two bytes gets a small buffer.
        let ceiling = match declared.map(usize::try_from) {
            Some(Ok(declared)) if declared > 0 => declared.min(limit),
            _ => limit,
        };
        if let Some(buffer) = joined.as_mut() {
            if buffer.capacity() - buffer.len() < len {
                grow(buffer, total, ceiling.max(total));
            }
            buffer.put(data);
        } else if let Some(head) = first.take() {
            let capacity = INITIAL_CAPACITY.max(total).min(ceiling.max(total));
            let mut buffer = BytesMut::with_capacity(capacity);
            buffer.put(head);
            buffer.put(data);
            joined = Some(buffer);
        } else {
            first = Some(data.copy_to_bytes(len));
        }
    }

    Ok(match (joined, first) {
        (Some(buffer), _) => buffer.freeze(),
        (None, Some(head)) => head,
        (None, None) => Bytes::new(),
    })
}

/// Moves `buffer` into one with room for `needed` bytes: double the capacity, but no more
/// than `limit` (the body limit, or the declared length; `needed` is at most `limit`).
/// `BytesMut::reserve` would double past the limit, so the new buffer is allocated here
/// with the exact capacity.
fn grow(buffer: &mut BytesMut, needed: usize, limit: usize) {
    let capacity = buffer.capacity().saturating_mul(2).max(needed).min(limit);
    let mut grown = BytesMut::with_capacity(capacity);
    grown.extend_from_slice(buffer);
    *buffer = grown;
}

/// The request body the inner service receives: the buffered bytes that were verified, in
/// one frame, without a copy.
#[derive(Debug, Default)]
pub struct VerifiedBody {
    data: Option<Bytes>,
}

impl VerifiedBody {
    pub(crate) fn new(data: Bytes) -> Self {
        VerifiedBody {
            data: (!data.is_empty()).then_some(data),
        }
    }
}

impl Body for VerifiedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.data.take().map(|d| Ok(Frame::data(d))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

pin_project! {
    /// The response body: the inner service's, or a rejection or duplicate notice written
    /// by the layer.
    #[derive(Debug)]
    pub struct ResponseBody<B> {
        #[pin]
        kind: Kind<B>,
    }
}

pin_project! {
    #[project = KindProj]
    #[derive(Debug)]
    enum Kind<B> {
        Inner {
            #[pin]
            body: B,
        },
        Layer {
            data: Option<Bytes>,
        },
    }
}

impl<B> ResponseBody<B> {
    pub(crate) fn inner(body: B) -> Self {
        ResponseBody {
            kind: Kind::Inner { body },
        }
    }

    /// Whether the layer wrote this body (a rejection, a duplicate, a handshake).
    pub(crate) fn is_layer(&self) -> bool {
        matches!(self.kind, Kind::Layer { .. })
    }

    pub(crate) fn layer(data: Bytes) -> Self {
        ResponseBody {
            kind: Kind::Layer { data: Some(data) },
        }
    }
}

impl<B> Body for ResponseBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        match self.project().kind.project() {
            KindProj::Inner { body } => body.poll_frame(cx),
            KindProj::Layer { data } => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Inner { body } => body.is_end_stream(),
            Kind::Layer { data } => data.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Inner { body } => body.size_hint(),
            Kind::Layer { data } => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
        }
    }
}
