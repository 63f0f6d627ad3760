//! The verified delivery: what the layer proved about a request, handed to the handler
//! in the request's extensions.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;

/// A delivery whose signature, freshness and novelty were verified.
///
/// The layer inserts it into the request's extensions before calling the handler; axum
/// handlers extract it directly (feature `axum`), hyper services read it with
/// `request.extensions().get::<Delivery>()`. Only this crate can create one, so its
/// presence means the request passed verification.
#[derive(Debug, Clone)]
pub struct Delivery {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    provider: Box<str>,
    id: Box<str>,
    id_is_fingerprint: bool,
    replay_id: Box<str>,
    timestamp: Option<SystemTime>,
    event_type: Option<Box<str>>,
    body: Bytes,
}

impl Delivery {
    pub(crate) fn new(
        provider: &str,
        id: String,
        id_is_fingerprint: bool,
        replay_id: String,
        timestamp: Option<SystemTime>,
        event_type: Option<String>,
        body: Bytes,
    ) -> Self {
        Delivery {
            inner: Arc::new(Inner {
                provider: provider.into(),
                id: id.into(),
                id_is_fingerprint,
                replay_id: replay_id.into(),
                timestamp,
                event_type: event_type.map(Into::into),
                body,
            }),
        }
    }

    /// The provider's name, as the scheme calls it (`"stripe"`, `"github"`).
    pub fn provider(&self) -> &str {
        &self.inner.provider
    }

    /// The delivery id used for replay protection: the provider's id (a header or a body
    /// field), or, when the provider sends none, the hex form of the verified signature.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// Whether [`id`](Self::id) is derived from the signature because the provider sent
    /// no delivery id.
    pub fn id_is_fingerprint(&self) -> bool {
        self.inner.id_is_fingerprint
    }

    /// The key replay protection remembers this delivery under (namespaced by
    /// [`provider`](Self::provider)).
    ///
    /// It is [`id`](Self::id) when the signature covers the id, or covers a timestamp
    /// that bounds how long a replay can pass. Otherwise (GitHub's `X-GitHub-Delivery`,
    /// Shopify's `X-Shopify-Event-Id`, Twilio's idempotency token are sent beside the
    /// signature, not under it) anyone replaying a captured request could change the id,
    /// so the key is the signature itself; the provider's own retries and redeliveries
    /// resend the same signed bytes and are still recognized.
    pub fn replay_id(&self) -> &str {
        &self.inner.replay_id
    }

    /// The signed timestamp, for providers that sign one.
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.inner.timestamp
    }

    /// The event type, where the provider states it (GitHub `X-GitHub-Event`, Shopify
    /// `X-Shopify-Topic`, Stripe and Standard Webhooks body `type`, Slack `event.type`).
    pub fn event_type(&self) -> Option<&str> {
        self.inner.event_type.as_deref()
    }

    /// The raw body that was verified: the very buffer the handler receives.
    pub fn body(&self) -> &Bytes {
        &self.inner.body
    }
}
