//! What a dispatch handler returns: anything that becomes a response. With the `axum`
//! feature that is everything that implements axum's `IntoResponse`; without it, the
//! common shapes of a plain tower/hyper service.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::Response;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::BodyExt;

/// The error type of [`DispatchBody`]: whatever the handler's body could fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The response body of a [`Dispatch`](super::Dispatch): the handler's body, boxed.
pub struct DispatchBody(UnsyncBoxBody<Bytes, BoxError>);

impl DispatchBody {
    /// Boxes any body whose chunks are [`Bytes`].
    pub fn new<B>(body: B) -> Self
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        DispatchBody(body.map_err(Into::into).boxed_unsync())
    }

    /// An empty body.
    pub fn empty() -> Self {
        DispatchBody::new(http_body_util::Empty::<Bytes>::new())
    }

    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        DispatchBody::new(http_body_util::Full::new(bytes.into()))
    }
}

impl Default for DispatchBody {
    fn default() -> Self {
        DispatchBody::empty()
    }
}

impl std::fmt::Debug for DispatchBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DispatchBody").finish_non_exhaustive()
    }
}

impl Body for DispatchBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Pin::new(&mut self.0).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
    }
}

/// Turns a dispatch handler's return value into a response.
///
/// With the `axum` feature, every type that implements axum's `IntoResponse` does
/// (`StatusCode`, `&'static str`, `Json<T>`, `(StatusCode, impl IntoResponse)`,
/// `Result<T, E>`, …). Without it, the shapes a plain tower or hyper service returns:
/// `StatusCode`, `()`, `&'static str`, `String`, `http::Response<B>`,
/// `(StatusCode, T)` and `Result<T, E>` of those (`Infallible` as an error). Enabling `axum` only adds types, so a
/// handler written without it still compiles with it.
pub trait IntoDispatchResponse {
    /// The response.
    fn into_dispatch_response(self) -> Response<DispatchBody>;
}

#[cfg(feature = "axum")]
impl<T: axum_core::response::IntoResponse> IntoDispatchResponse for T {
    fn into_dispatch_response(self) -> Response<DispatchBody> {
        self.into_response().map(DispatchBody::new)
    }
}

#[cfg(not(feature = "axum"))]
mod plain {
    use super::*;
    use http::{header, HeaderValue, StatusCode};

    fn text(body: impl Into<Bytes>) -> Response<DispatchBody> {
        let mut response = Response::new(DispatchBody::full(body));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }

    impl IntoDispatchResponse for StatusCode {
        fn into_dispatch_response(self) -> Response<DispatchBody> {
            let mut response = Response::new(DispatchBody::empty());
            *response.status_mut() = self;
            response
        }
    }

    impl IntoDispatchResponse for std::convert::Infallible {
        fn into_dispatch_response(self) -> Response<DispatchBody> {
            match self {}
        }
    }

    impl IntoDispatchResponse for () {
        fn into_dispatch_response(self) -> Response<DispatchBody> {
            Response::new(DispatchBody::empty())
        }
    }

    impl IntoDispatchResponse for &'static str {
        fn into_dispatch_response(self) -> Response<DispatchBody> {
            text(self)
        }
    }

    impl IntoDispatchResponse for String {
        fn into_dispatch_response(self) -> Response<DispatchBody> {
            text(self)
        }
    }

    impl<B> IntoDispatchResponse for Response<B>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        fn into_dispatch_response(self) -> Response<DispatchBody> {
            self.map(DispatchBody::new)
        }
    }

    impl<T: IntoDispatchResponse> IntoDispatchResponse for (StatusCode, T) {
        fn into_dispatch_response(self) -> Response<DispatchBody> {
            let mut response = self.1.into_dispatch_response();
            *response.status_mut() = self.0;
            response
        }
    }

    impl<T: IntoDispatchResponse, E: IntoDispatchResponse> IntoDispatchResponse for Result<T, E> {
        fn into_dispatch_response(self) -> Response<DispatchBody> {
            match self {
                Ok(value) => value.into_dispatch_response(),
                Err(error) => error.into_dispatch_response(),
            }
        }
    }
}
