//! The verified delivery: what the layer proved about a request, handed to the handler
//! in the request's extensions.
//!
//! Fields that live in the JSON body (Stripe's `id`, Slack's `event.type`) are read on
//! first access, in one pass that stops as soon as they are found: verification itself
//! never walks the body twice.

use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use bytes::Bytes;
use sha2::Digest;

use crate::scheme::json::{find_fields, JsonPath};

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

/// Where a field's value comes from.
#[derive(Debug)]
pub(crate) enum Field {
    /// Known when verified (a header, or set by the scheme).
    Known(Option<Box<str>>),
    /// A field of the JSON body, read on first access.
    Json(Arc<JsonPath>),
}

/// What identifies the signed content when the provider sends no id.
#[derive(Debug)]
pub(crate) enum Fingerprint {
    /// Text given by the scheme.
    Text(Box<str>),
    /// A MAC tag, hex-encoded on first access.
    Tag([u8; 64], u8),
    /// Nothing given: a SHA-256 of the body.
    BodyHash,
}

#[derive(Debug)]
struct Inner {
    provider: Arc<str>,
    id: Field,
    id_signed: bool,
    event_type: Field,
    fingerprint: Fingerprint,
    timestamp: Option<SystemTime>,
    body: Bytes,
    json: OnceLock<[Option<Box<str>>; 2]>,
    fingerprint_text: OnceLock<Box<str>>,
}

/// Everything a delivery is made of.
pub(crate) struct Parts {
    pub(crate) provider: Arc<str>,
    pub(crate) id: Field,
    pub(crate) id_signed: bool,
    pub(crate) event_type: Field,
    pub(crate) fingerprint: Fingerprint,
    pub(crate) timestamp: Option<SystemTime>,
    pub(crate) body: Bytes,
}

impl Delivery {
    pub(crate) fn new(parts: Parts) -> Self {
        Delivery {
            inner: Arc::new(Inner {
                provider: parts.provider,
                id: parts.id,
                id_signed: parts.id_signed,
                event_type: parts.event_type,
                fingerprint: parts.fingerprint,
                timestamp: parts.timestamp,
                body: parts.body,
                json: OnceLock::new(),
                fingerprint_text: OnceLock::new(),
            }),
        }
    }

    /// The JSON fields (id, event type), read together on first access.
    fn json(&self) -> &[Option<Box<str>>; 2] {
        self.inner.json.get_or_init(|| {
            let path = |field: &Field| match field {
                Field::Json(path) => Some(path.clone()),
                Field::Known(_) => None,
            };
            let (id, kind) = (path(&self.inner.id), path(&self.inner.event_type));
            find_fields(&self.inner.body, [id.as_deref(), kind.as_deref()])
                .map(|value| value.map(String::into_boxed_str))
        })
    }

    fn provider_id(&self) -> Option<&str> {
        match &self.inner.id {
            Field::Known(id) => id.as_deref(),
            Field::Json(_) => self.json()[0].as_deref(),
        }
    }

    fn fingerprint(&self) -> &str {
        self.inner
            .fingerprint_text
            .get_or_init(|| match &self.inner.fingerprint {
                Fingerprint::Text(text) => text.clone(),
                Fingerprint::Tag(tag, len) => {
                    hex::encode(tag.get(..usize::from(*len)).unwrap_or_default()).into()
                }
                Fingerprint::BodyHash => hex::encode(sha2::Sha256::digest(&self.inner.body)).into(),
            })
    }

    /// The provider's name, as the scheme calls it (`"stripe"`, `"github"`).
    pub fn provider(&self) -> &str {
        &self.inner.provider
    }

    /// The delivery id: the provider's id (a header or a body field), or, when the
    /// provider sends none, the hex form of the verified signature.
    pub fn id(&self) -> &str {
        self.provider_id().unwrap_or_else(|| self.fingerprint())
    }

    /// Whether [`id`](Self::id) is derived from the signature because the provider sent
    /// no delivery id.
    pub fn id_is_fingerprint(&self) -> bool {
        self.provider_id().is_none()
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
        match self.provider_id() {
            Some(id) if self.inner.id_signed || self.inner.timestamp.is_some() => id,
            _ => self.fingerprint(),
        }
    }

    /// The signed timestamp, for providers that sign one.
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.inner.timestamp
    }

    /// The event type, where the provider states it (GitHub `X-GitHub-Event`, Shopify
    /// `X-Shopify-Topic`, Stripe and Standard Webhooks body `type`, Slack `event.type`).
    pub fn event_type(&self) -> Option<&str> {
        match &self.inner.event_type {
            Field::Known(kind) => kind.as_deref(),
            Field::Json(_) => self.json()[1].as_deref(),
        }
    }

    /// The raw body that was verified: the very buffer the handler receives.
    pub fn body(&self) -> &Bytes {
        &self.inner.body
    }
}
