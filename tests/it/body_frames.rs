//! How the layer reads a request body's frames, in-process: many data frames are joined
//! into the exact bytes, trailers are ignored, and a body that fails mid-stream is `400`
//! without the handler running.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use tower::{Layer, ServiceExt};
use tower_webhook::layer::VerifiedBody;
use tower_webhook::{providers, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_frames";

/// A body that yields these frames, then ends; `Err` items are stream errors.
struct Scripted(VecDeque<Result<Frame<Bytes>, std::io::Error>>);

impl Body for Scripted {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(self.0.pop_front())
    }
}

/// Sends a signed Stripe event, its body cut into `chunk`-byte frames and passed through
/// `script` (which may add trailers or errors); the status, the rejection's reason if any,
/// the body sent, and the body the handler got if it ran.
async fn deliver(
    id: &str,
    chunk: usize,
    script: impl FnOnce(&mut VecDeque<Result<Frame<Bytes>, std::io::Error>>),
) -> (StatusCode, Option<String>, Bytes, Option<Bytes>) {
    let body = Bytes::from(format!(
        r#"{{"id":"{id}","type":"ping","data":"0123456789"}}"#
    ));
    let (parts, body) = Signer::new(providers::stripe(), SECRET)
        .unwrap()
        .sign_with(
            Request::post("http://localhost/hook").body(body).unwrap(),
            id,
            SystemTime::now(),
        )
        .unwrap()
        .into_parts();
    let mut frames: VecDeque<_> = body
        .chunks(chunk)
        .map(|c| Ok(Frame::data(Bytes::copy_from_slice(c))))
        .collect();
    script(&mut frames);

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
    let response = WebhookLayer::new(Verifier::new(providers::stripe(), SECRET).unwrap())
        .layer(handler)
        .oneshot(Request::from_parts(parts, Scripted(frames)))
        .await
        .unwrap();
    let status = response.status();
    let answer = response.into_body().collect().await.unwrap().to_bytes();
    let reason = serde_json::from_slice::<serde_json::Value>(&answer)
        .ok()
        .and_then(|problem| Some(problem.get("reason")?.as_str()?.to_owned()));
    let received = received.lock().unwrap().take();
    (status, reason, body, received)
}

#[tokio::test]
async fn many_frames_and_trailers_give_the_exact_bytes() {
    let (status, _, sent, received) = deliver("evt_frames", 3, |frames| {
        frames.insert(2, Ok(Frame::data(Bytes::new())));
        let mut trailers = HeaderMap::new();
        trailers.insert("x-checksum", "ignored".parse().unwrap());
        frames.push_back(Ok(Frame::trailers(trailers)));
    })
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(received, Some(sent));
}

#[tokio::test]
async fn a_body_that_fails_mid_stream_is_400_and_the_handler_does_not_run() {
    let (status, reason, _, received) = deliver("evt_broken", 3, |frames| {
        frames.insert(4, Err(std::io::Error::other("connection reset")));
    })
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reason.as_deref(), Some("invalid_body"));
    assert_eq!(received, None);
}
