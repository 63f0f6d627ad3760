//! Peak heap while the layer buffers a body sent in 1-byte frames: about the body's own
//! size, never a list of frames and then a copy. Measured with dhat's allocator, so this
//! file holds a single test (dhat allows one profiler per process, and a lone test runs
//! without the harness's other threads allocating beside it).

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use tower::{Layer, ServiceExt};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const SECRET: &str = "whsec_allocation";
/// Small, so the test stays quick in debug builds: a quarter of a million frames.
const LIMIT: usize = 256 * 1024;

/// A body sent in frames of `size` bytes, with no size hint (as a chunked request); counts
/// the bytes the layer read from it.
struct Frames {
    rest: Bytes,
    size: usize,
    read: Arc<AtomicUsize>,
}

impl Body for Frames {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.rest.is_empty() {
            return Poll::Ready(None);
        }
        // A slice of the one shared buffer: sending a frame allocates nothing.
        let size = self.size.min(self.rest.len());
        let frame = self.rest.split_to(size);
        self.read.fetch_add(size, Ordering::Relaxed);
        Poll::Ready(Some(Ok(Frame::data(frame))))
    }
}

/// Two 1-byte frames, then nothing, ever (a client that stops sending).
struct TwoBytesThenStall(u8);

impl Body for TwoBytesThenStall {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.0 < 2 {
            self.0 += 1;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"{")))));
        }
        Poll::Pending
    }
}

/// A Stripe event of exactly `len` bytes.
fn event(id: &str, len: usize) -> Bytes {
    let mut body = format!(r#"{{"id":"{id}","type":"ping","pad":""#).into_bytes();
    let pad = len - body.len() - 2;
    body.resize(body.len() + pad, b'x');
    body.extend_from_slice(b"\"}");
    assert_eq!(body.len(), len);
    Bytes::from(body)
}

struct Outcome {
    status: StatusCode,
    /// The body that was sent.
    sent: Bytes,
    /// The body the handler received, if it ran.
    received: Option<Bytes>,
    /// Bytes the layer read from the request body.
    read: usize,
    /// Peak heap above what was live when the call started.
    peak: usize,
}

/// Sends a signed event of `len` bytes in frames of `frame` bytes through a layer with
/// `LIMIT`, declaring its length in `Content-Length` if `declare`.
fn deliver(
    runtime: &tokio::runtime::Runtime,
    id: &str,
    len: usize,
    frame: usize,
    declare: bool,
) -> Outcome {
    let body = event(id, len);
    let signed = Signer::new(providers::stripe(), SECRET)
        .unwrap()
        .sign_with(
            Request::post("http://localhost/hook").body(body).unwrap(),
            id,
            SystemTime::now(),
        )
        .unwrap();
    let (mut parts, body) = signed.into_parts();
    if declare {
        parts.headers.insert(header::CONTENT_LENGTH, len.into());
    }
    let read = Arc::new(AtomicUsize::new(0));
    let sent = body.clone();
    let request = Request::from_parts(
        parts,
        Frames {
            rest: body,
            size: frame,
            read: read.clone(),
        },
    );

    let received = Arc::new(Mutex::new(None));
    let handler = {
        let received = received.clone();
        tower::service_fn(move |request: Request<VerifiedBody>| {
            let received = received.clone();
            async move {
                let Ok(body) = request.into_body().collect().await;
                *received.lock().unwrap() = Some(body.to_bytes());
                Ok::<_, Infallible>(Response::new(String::new()))
            }
        })
    };
    let service = WebhookLayer::new(Verifier::new(providers::stripe(), SECRET).unwrap())
        .body_limit(LIMIT)
        .layer(handler);

    // dhat's peak is process-wide and never goes down: raise the live heap to the peak so
    // far, so that any growth during this call sets a new peak of its own.
    let stats = dhat::HeapStats::get();
    let ballast = std::hint::black_box(Vec::<u8>::with_capacity(
        stats.max_bytes.saturating_sub(stats.curr_bytes),
    ));
    let before = dhat::HeapStats::get();
    let response = runtime.block_on(service.oneshot(request)).unwrap();
    let after = dhat::HeapStats::get();
    drop(ballast);

    let received = received.lock().unwrap().take();
    Outcome {
        status: response.status(),
        sent,
        received,
        read: read.load(Ordering::Relaxed),
        peak: after.max_bytes.saturating_sub(before.curr_bytes),
    }
}

#[test]
fn one_byte_frames_cost_about_the_body_not_a_list_of_frames() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let bound = 3 * LIMIT;

    // Just under the limit, no Content-Length: the buffer grows by doubling.
    let len = LIMIT - 1;
    let under = deliver(&runtime, "evt_under", len, 1, false);
    eprintln!("under the limit, undeclared: peak {} B", under.peak);
    assert_eq!(under.status, StatusCode::OK);
    assert_eq!(under.read, len);
    let received = under.received.expect("the handler ran");
    assert_eq!(received, under.sent, "the exact bytes");
    assert!(
        under.peak <= bound,
        "peak {} B for a {len} B body in 1-byte frames (bound {bound} B)",
        under.peak
    );

    // The same with its length declared: the buffer is sized once, up front.
    let declared = deliver(&runtime, "evt_declared", len, 1, true);
    eprintln!("under the limit, declared: peak {} B", declared.peak);
    assert_eq!(declared.status, StatusCode::OK);
    let received = declared.received.expect("the handler ran");
    assert_eq!(received, declared.sent, "the exact bytes");
    assert!(
        declared.peak <= bound,
        "peak {} B for a declared {len} B body in 1-byte frames (bound {bound} B)",
        declared.peak
    );

    // Twice the limit, no Content-Length: cut off one byte past the limit.
    let over = deliver(&runtime, "evt_over", 2 * LIMIT, 1, false);
    eprintln!("over the limit: peak {} B", over.peak);
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(over.received.is_none(), "the handler did not run");
    assert_eq!(over.read, LIMIT + 1, "reading stopped past the limit");
    assert!(
        over.peak <= bound,
        "peak {} B for an over-limit body in 1-byte frames (bound {bound} B)",
        over.peak
    );

    // A declared length is a ceiling, never an allocation made before the bytes arrive:
    // the full limit declared, two bytes sent, then nothing (a stalled client).
    let layer = WebhookLayer::new(Verifier::new(providers::github(), "secret").unwrap());
    let mut service = layer.layer(tower::service_fn(|_: Request<VerifiedBody>| async {
        Ok::<_, Infallible>(Response::new(String::new()))
    }));
    let request = Request::post("/hook")
        .header(header::CONTENT_LENGTH, LIMIT.to_string())
        .header("x-hub-signature-256", format!("sha256={}", "0".repeat(64)))
        .body(TwoBytesThenStall(0))
        .unwrap();
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let before = dhat::HeapStats::get();
    let mut future = Box::pin(tower::Service::call(&mut service, request));
    for _ in 0..4 {
        assert!(std::future::Future::poll(future.as_mut(), &mut cx).is_pending());
    }
    let held = dhat::HeapStats::get()
        .curr_bytes
        .saturating_sub(before.curr_bytes);
    drop(future);
    eprintln!("declared {LIMIT} B, sent 2: {held} B held");
    assert!(
        held < 64 * 1024,
        "2 body bytes received, {held} B held while waiting for the rest"
    );

    // One frame: the handler gets the very bytes that were sent, not a copy.
    let whole = deliver(&runtime, "evt_whole", len, len, false);
    eprintln!("one frame: peak {} B", whole.peak);
    assert_eq!(whole.status, StatusCode::OK);
    let received = whole.received.expect("the handler ran");
    assert_eq!(received, whole.sent, "the exact bytes");
    assert_eq!(received.as_ptr(), whole.sent.as_ptr(), "not copied");
    assert!(
        whole.peak < len / 4,
        "peak {} B for a {len} B body in one frame: copied?",
        whole.peak
    );
}
