//! Forwarding verified deliveries to internal services, signed anew (feature `forward`).
//!
//! A [`Forward`] is a tower [`Service`] that sends the delivery in a request's
//! extensions to one destination: the original body and content type, the headers you
//! choose to copy, and a fresh [Standard Webhooks](https://www.standardwebhooks.com)
//! signature made with the destination's own secret (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature`). Every internal service then verifies one scheme — with this
//! crate's [`providers::standard_webhooks`] or any Standard Webhooks library — whatever
//! provider sent the event, and never sees the provider's secret.
//!
//! It serves as the handler of the inbox's [`Workers`](crate::inbox::Workers), so each
//! delivery is forwarded with the inbox's retries, dead letters and replay; or behind the
//! layer directly, on the request path.
//!
//! ```no_run
//! # #[cfg(feature = "inbox-sqlite")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use tower_webhook::forward::Forward;
//! use tower_webhook::inbox::Inbox;
//!
//! let inbox = Inbox::connect("sqlite://gateway.db").await?;
//! let billing = Forward::to(
//!     "http://127.0.0.1:9001/hooks".parse()?,
//!     std::env::var("BILLING_SIGNING_SECRET")?, // whsec_…
//! )?
//! .name("billing")
//! .timeout(Duration::from_secs(10))
//! .copy_headers([http::HeaderName::from_static("x-github-event")]);
//! let workers = inbox.workers(billing).spawn();
//! # workers.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # The forwarded request
//! - `POST` to the destination's URL, with the verified body byte for byte and the
//!   original `Content-Type`.
//! - The headers named by [`copy_headers`](Forward::copy_headers), and no other of the
//!   original request's: a provider's signature, a proxy's `Authorization` or a cookie
//!   never reach the destination unless you name them. Connection-level headers (`Host`,
//!   `Connection`, `Transfer-Encoding`, `Content-Length`, …) are never copied.
//! - `webhook-id`: stable across retries, attempts and restarts for one delivery at one
//!   destination, and different for every other delivery or destination, so the
//!   destination can deduplicate on it. It is derived (SHA-256) from the destination's
//!   name, the delivery's provider, source and id, and, from the inbox, the delivery's
//!   inbox id and time received. It is **not** the provider's id, which two tenants may
//!   share.
//! - `webhook-timestamp`: when this attempt is sent (every retry is signed anew, so a
//!   destination's freshness check holds however long the delivery waited).
//! - `webhook-signature`: `v1,` and the HMAC-SHA256 of `id.timestamp.body` under the
//!   destination's secret.
//! - `user-agent: tower-webhook/<version>`.
//!
//! # The answer
//! The destination's response is the service's response, so a worker records a `2xx` as
//! done and any other status (redirects included: none is followed) as a failed attempt
//! with its status and the start of its body. A destination that cannot be reached, or
//! does not answer within the [`timeout`](Forward::timeout), is a [`ForwardError`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Response, Uri};
use http_body_util::Full;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sha2::{Digest, Sha256};
use tower_service::Service;

use crate::scheme::SignatureScheme;
use crate::{providers, ConfigError, Delivery, Secret, Signer};

/// How long a destination has to answer by default: 30 seconds.
pub const DEFAULT_FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// The headers a forward never copies from the original request: they describe the
/// original connection, or the forward sets them itself.
const NEVER_COPIED: &[HeaderName] = &[
    header::HOST,
    header::CONNECTION,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
    header::PROXY_AUTHORIZATION,
    header::CONTENT_TYPE,
    header::USER_AGENT,
];

/// A destination: the service that forwards each delivery to it. See the [module
/// documentation](self).
#[derive(Clone)]
pub struct Forward {
    destination: Arc<Destination>,
    client: Client<HttpConnector, Full<Bytes>>,
}

#[derive(Clone)]
struct Destination {
    name: Box<str>,
    url: Uri,
    signer: Arc<Signer<SignatureScheme>>,
    timeout: Duration,
    copy: Vec<HeaderName>,
}

impl Forward {
    /// Forwards to `url` (`http://`), signing with `secret`, the destination's Standard
    /// Webhooks key (`whsec_` and base64, as the destination's verifier is given it), or
    /// why not: the URL is not absolute `http`, or the secret is not a Standard Webhooks
    /// key.
    ///
    /// ```
    /// use tower_webhook::forward::Forward;
    ///
    /// let url = "http://127.0.0.1:9001/hooks".parse().unwrap();
    /// assert!(Forward::to(url, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    /// let https = "https://billing.internal/hooks".parse().unwrap();
    /// assert!(Forward::to(https, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
    /// ```
    pub fn to(url: Uri, secret: impl Into<Secret>) -> Result<Forward, ConfigError> {
        if url.scheme_str() != Some("http") || url.authority().is_none() {
            return Err(ConfigError::new(
                "a forward's URL must be absolute http:// (internal destinations; TLS is not supported yet)",
            ));
        }
        // The URL is the default name, shown in errors and `Debug`: no credentials in it.
        if url
            .authority()
            .is_some_and(|authority| authority.as_str().contains('@'))
        {
            return Err(ConfigError::new(
                "a forward's URL must not carry credentials (user:password@)",
            ));
        }
        let signer = Arc::new(Signer::new(providers::standard_webhooks(), secret)?);
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(DEFAULT_FORWARD_TIMEOUT));
        let client = Client::builder(TokioExecutor::new()).build(connector);
        let name = url.to_string().into_boxed_str();
        Ok(Forward {
            destination: Arc::new(Destination {
                name,
                url,
                signer,
                timeout: DEFAULT_FORWARD_TIMEOUT,
                copy: Vec::new(),
            }),
            client,
        })
    }

    /// The destination's name (default: its URL). It is part of every `webhook-id` sent
    /// there, so keep it when the URL changes, and give two destinations two names.
    pub fn name(self, name: impl Into<String>) -> Forward {
        self.with(|destination| destination.name = name.into().into_boxed_str())
    }

    /// How long the destination has to connect and answer with its status and headers
    /// (default [`DEFAULT_FORWARD_TIMEOUT`]).
    pub fn timeout(self, timeout: Duration) -> Forward {
        self.with(|destination| destination.timeout = timeout)
    }

    /// Copies these headers of the original request, when it has them (e.g. GitHub's
    /// `X-GitHub-Event`). None by default. Connection-level headers, `Content-Type` (always
    /// sent) and `User-Agent` are never copied; a copied `webhook-*` header is replaced by
    /// the forward's own.
    pub fn copy_headers(self, names: impl IntoIterator<Item = HeaderName>) -> Forward {
        let names: Vec<HeaderName> = names
            .into_iter()
            .filter(|name| !NEVER_COPIED.contains(name))
            .collect();
        self.with(|destination| destination.copy = names)
    }

    /// The destination's name.
    pub fn destination_name(&self) -> &str {
        &self.destination.name
    }

    fn with(mut self, change: impl FnOnce(&mut Destination)) -> Forward {
        change(Arc::make_mut(&mut self.destination));
        self
    }

    /// The request sent to the destination for `delivery`, signed now.
    fn outgoing(
        destination: &Destination,
        delivery: &Delivery,
        original: &http::HeaderMap,
        job: Option<JobKey>,
    ) -> Result<Request<Bytes>, ForwardError> {
        let mut request = Request::new(delivery.body().clone());
        *request.method_mut() = Method::POST;
        *request.uri_mut() = destination.url.clone();
        let headers = request.headers_mut();
        for name in &destination.copy {
            for value in original.get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        if let Some(content_type) = original.get(header::CONTENT_TYPE) {
            headers.insert(header::CONTENT_TYPE, content_type.clone());
        }
        headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static(concat!("tower-webhook/", env!("CARGO_PKG_VERSION"))),
        );
        let id = webhook_id(&destination.name, delivery, job);
        destination
            .signer
            .sign_with(request, &id, SystemTime::now())
            .map_err(|error| ForwardError::new(ForwardErrorKind::Sign, error))
    }
}

/// What tells one stored delivery from another when the provider's id does not: its
/// inbox id and the time it was received (both stable across attempts and restarts).
#[derive(Clone, Copy)]
struct JobKey {
    id: i64,
    received_ms: i64,
}

impl JobKey {
    #[cfg(inbox)]
    fn of(extensions: &http::Extensions) -> Option<JobKey> {
        let job = extensions.get::<crate::inbox::InboxJob>()?;
        let received_ms = job
            .received_at()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
            });
        Some(JobKey {
            id: job.id().get(),
            received_ms,
        })
    }

    #[cfg(not(inbox))]
    fn of(_: &http::Extensions) -> Option<JobKey> {
        None
    }
}

/// The `webhook-id` of `delivery` at the destination `name`: `msg_` and 32 hex digits
/// of a SHA-256 over length-prefixed fields, so no two field lists hash alike.
fn webhook_id(name: &str, delivery: &Delivery, job: Option<JobKey>) -> String {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_be_bytes());
        hash.update(bytes);
    };
    field(b"tower-webhook forward v1");
    field(name.as_bytes());
    field(delivery.provider().as_bytes());
    field(delivery.source().unwrap_or("").as_bytes());
    field(delivery.id().as_bytes());
    if let Some(JobKey { id, received_ms }) = job {
        field(&id.to_be_bytes());
        field(&received_ms.to_be_bytes());
    }
    let digest = hash.finalize();
    let mut id = String::with_capacity(36);
    id.push_str("msg_");
    id.push_str(&hex::encode(&digest[..16]));
    id
}

impl fmt::Debug for Forward {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Forward")
            .field("name", &self.destination.name)
            .field("url", &self.destination.url)
            .field("timeout", &self.destination.timeout)
            .field("copy_headers", &self.destination.copy)
            .finish_non_exhaustive()
    }
}

impl<B> Service<Request<B>> for Forward {
    type Response = Response<hyper::body::Incoming>;
    type Error = ForwardError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, ForwardError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ForwardError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let destination = Arc::clone(&self.destination);
        let client = self.client.clone();
        let job = JobKey::of(request.extensions());
        let outgoing = match request.extensions().get::<Delivery>() {
            Some(delivery) => Forward::outgoing(&destination, delivery, request.headers(), job),
            None => Err(ForwardError::new(
                ForwardErrorKind::NotADelivery,
                "the request carries no verified delivery: put the forward behind the layer or the inbox's workers",
            )),
        };
        Box::pin(async move {
            let outgoing = outgoing?.map(Full::new);
            match tokio::time::timeout(destination.timeout, client.request(outgoing)).await {
                Ok(Ok(response)) => Ok(response),
                Ok(Err(error)) => Err(ForwardError::new(ForwardErrorKind::Unreachable, error)),
                Err(_) => Err(ForwardError::new(
                    ForwardErrorKind::Timeout,
                    format!(
                        "{} did not answer within {:?}",
                        destination.name, destination.timeout
                    ),
                )),
            }
        })
    }
}

/// Why a delivery was not forwarded. The destination's own non-`2xx` answers are
/// responses, not errors.
#[derive(Debug)]
pub struct ForwardError {
    kind: ForwardErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// What kind of [`ForwardError`] it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ForwardErrorKind {
    /// The request carried no verified [`Delivery`].
    NotADelivery,
    /// The forward could not be signed (a header value the signature needs is invalid).
    Sign,
    /// The destination could not be reached: refused, reset, or its answer was not HTTP.
    Unreachable,
    /// The destination did not answer within the timeout.
    Timeout,
}

impl ForwardError {
    fn new(
        kind: ForwardErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        ForwardError {
            kind,
            source: source.into(),
        }
    }

    /// What kind of error it is.
    pub fn kind(&self) -> ForwardErrorKind {
        self.kind
    }
}

impl fmt::Display for ForwardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ForwardErrorKind::NotADelivery => "not a verified delivery",
            ForwardErrorKind::Sign => "the forward could not be signed",
            ForwardErrorKind::Unreachable => "the destination could not be reached",
            ForwardErrorKind::Timeout => "the destination timed out",
        };
        write!(f, "{what}: {}", self.source)
    }
}

impl std::error::Error for ForwardError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}
