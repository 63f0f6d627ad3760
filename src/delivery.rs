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

use crate::replay::{KeySet, ReplayKey};
use crate::scheme::json::find_fields;
use crate::scheme::JsonPath;
use crate::scheme::{Field, Fingerprint, HandshakeResponse, Verified};

/// A delivery whose signature, freshness and novelty were verified.
///
/// The layer inserts it into the request's extensions before calling the handler; axum
/// handlers extract it directly (feature `axum`), hyper services read it with
/// `request.extensions().get::<Delivery>()`. Only this crate can create one, so its
/// presence means the request passed verification.
///
/// # What is signed
/// The body is always covered by the signature. The [`id`](Self::id) and
/// [`event_type`](Self::event_type) may not be: some providers send them in headers
/// beside the signature, where anyone replaying a captured delivery can change them.
/// [`id_is_signed`](Self::id_is_signed) and
/// [`event_type_is_signed`](Self::event_type_is_signed) say which; the
/// [providers table](crate::providers#the-presets) lists it per preset. Replay protection never rests on unsigned data
/// alone ([`replay_keys`](Self::replay_keys)).
#[derive(Debug, Clone)]
pub struct Delivery {
    inner: Arc<Inner>,
}

/// How replay protection treats a delivery id that the signature does not cover.
///
/// Where the signature covers the id (Standard Webhooks, Stripe, Slack's body
/// `event_id`, …) the id alone is the key, and this setting does not apply. Where the
/// provider sends no id at all, the signature is the key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsignedIdPolicy {
    /// The default: the id is a key only where nothing signed can recognise the
    /// provider's retries, so an id the sender chose can neither make a delivery a
    /// duplicate nor be spent by other content.
    ///
    /// - Where the provider signs no timestamp (GitHub, Shopify: retries repeat the
    ///   signature), the signature alone is the key and the id is not used.
    /// - Where each attempt signs a fresh timestamp over content that is otherwise the
    ///   same (Zendesk: the timestamp in a header, the body as sent), the id is bound to
    ///   that content (a tag of the signed parts without the timestamp, under the secret
    ///   that verified): the provider's retry, same id and same content, is a duplicate;
    ///   other content under the id, or the same body under another id (two invocations
    ///   of one templated trigger), is another delivery. Everything signed besides the
    ///   timestamp must be the same on each attempt (a signed attempt counter or nonce makes
    ///   each attempt new content, so a retry after a lost acknowledgement runs again).
    ///   The signature is a key beside it, so a seen attempt is refused under any id.
    ///   **Left open**: a captured attempt not handled yet (its handler failed, or it has
    ///   not arrived), resent under a fresh id within the tolerance, runs once more beside
    ///   the provider's own delivery of it: nothing signed ties the two.
    /// - Otherwise (token schemes, which sign nothing; schemes whose body changes on each
    ///   attempt, such as Linear's signed `webhookTimestamp`; schemes of their own, such as
    ///   Box's) the delivery is a duplicate when **either** its id **or** its signature was
    ///   seen. **The id is then a claim**: other authentic content, captured within the
    ///   tolerance and sent under the id of a delivery whose handler failed, completes
    ///   that id, and the provider's retry of it is answered as a duplicate.
    /// - A copy found by its signature under a new id is logged at `warn` and counted
    ///   ([`Counters::duplicates_under_new_id`](crate::layer::Counters::duplicates_under_new_id)).
    /// - The cost: two *distinct* deliveries with byte-identical signed content (for
    ///   GitHub, two events whose bodies are identical; for Zendesk, the same body signed
    ///   in the same second) are one delivery.
    #[default]
    IdOrSignature,
    /// A duplicate only when the **same id** arrives with the **same signed content**: the
    /// literal guidance of providers that sign neither id nor timestamp (GitHub's
    /// `X-GitHub-Delivery`, Shopify's `X-Shopify-Event-Id`), with the id bound to the
    /// content so a forged id cannot make another delivery a duplicate.
    ///
    /// **A captured delivery replayed under a new id runs the handler again**, and for
    /// schemes without a signed timestamp there is no time limit on it. Choose it only
    /// where identical bodies under distinct ids are real events you must not lose, and
    /// add a second line of defence (a source allow-list, TLS-only endpoints). Retries
    /// signed anew (a fresh timestamp) are *not* recognised under this policy.
    DangerouslyTrustIdWithSignature,
    /// The signature alone, whatever the id: every replay is refused, and so is every
    /// second delivery with the same signed content. Retries signed anew are not
    /// recognised.
    SignatureOnly,
}

/// Where a delivery comes from: its provider, its source, and the namespace of its replay
/// keys. Made once per [`Verifier`](crate::Verifier) (and per source) and shared by every
/// delivery it verifies: one reference count per delivery, not one per name.
#[derive(Debug)]
pub(crate) struct Origin {
    pub(crate) provider: Arc<str>,
    pub(crate) source: Option<Arc<str>>,
    pub(crate) namespace: Arc<str>,
    /// Its metrics' handles, registered on first use (feature `metrics`).
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) metrics: crate::metrics::Cache,
}

#[derive(Debug)]
struct Inner {
    origin: Arc<Origin>,
    verified: Verified,
    body: Bytes,
    policy: UnsignedIdPolicy,
    /// The system clock's time when it was verified, when the verifier read it (for
    /// freshness): the in-memory store on the system clock reserves at that time instead
    /// of reading the clock again.
    system_now: Option<SystemTime>,
    json: OnceLock<[Option<Box<str>>; 2]>,
    action: OnceLock<Option<Box<str>>>,
    fingerprint_text: OnceLock<Box<str>>,
    keys: OnceLock<Keys>,
    /// The route a dispatcher chose, where the event type is unsigned: the keys are
    /// bound to it.
    route: OnceLock<Box<str>>,
}

/// What the inbox stores of a delivery, to make it again for the handler.
#[cfg(inbox)]
#[derive(Clone)]
pub(crate) struct StoredParts {
    pub(crate) provider: Arc<str>,
    pub(crate) source: Option<Arc<str>>,
    pub(crate) id: Box<str>,
    pub(crate) id_is_fingerprint: bool,
    pub(crate) id_signed: bool,
    pub(crate) event_type: Option<Box<str>>,
    pub(crate) event_type_signed: bool,
    pub(crate) timestamp: Option<SystemTime>,
    pub(crate) keys: Vec<ReplayKey>,
}

/// A delivery's replay keys and how they were chosen.
#[derive(Debug)]
struct Keys {
    keys: KeyList,
    /// `keys[0]` is an unsigned id (a claim), the others identify the signed content.
    id_then_signature: bool,
    /// The provider's retries are signed anew (it signs a timestamp).
    retries_signed_anew: bool,
}

/// The keys themselves: up to three without an allocation (an unsigned id and the tags
/// under two secrets, during a rotation).
#[derive(Debug)]
enum KeyList {
    Inline([ReplayKey; 3], u8),
    Heap(Box<[ReplayKey]>),
}

impl KeyList {
    /// The distinct keys of `keys`, in order.
    fn new(keys: impl IntoIterator<Item = ReplayKey>) -> Self {
        let mut list = KeyList::Inline([ReplayKey::zero(); 3], 0);
        for key in keys {
            if list.as_slice().contains(&key) {
                continue;
            }
            match &mut list {
                KeyList::Inline(inline, len) if usize::from(*len) < inline.len() => {
                    if let Some(slot) = inline.get_mut(usize::from(*len)) {
                        *slot = key;
                        *len += 1;
                    }
                }
                KeyList::Inline(inline, _) => {
                    let mut heap = inline.to_vec();
                    heap.push(key);
                    list = KeyList::Heap(heap.into());
                }
                KeyList::Heap(heap) => {
                    let mut grown = heap.to_vec();
                    grown.push(key);
                    *heap = grown.into();
                }
            }
        }
        list
    }

    fn as_slice(&self) -> &[ReplayKey] {
        match self {
            KeyList::Inline(keys, len) => keys.get(..usize::from(*len)).unwrap_or_default(),
            KeyList::Heap(keys) => keys,
        }
    }
}

impl Delivery {
    /// The delivery `verified` proved, for `provider`, with its buffered body.
    pub(crate) fn new(
        origin: Arc<Origin>,
        verified: Verified,
        body: Bytes,
        policy: UnsignedIdPolicy,
        system_now: Option<SystemTime>,
    ) -> Self {
        // Built by `new_cyclic` (its weak handle unused): the value is written into the
        // allocation, where `Arc::new` moves a 432-byte `Inner` built on the stack, a
        // copy that was about 3 % of a verification.
        Delivery {
            inner: Arc::new_cyclic(|_| Inner {
                origin,
                verified,
                body,
                policy,
                system_now,
                json: OnceLock::new(),
                action: OnceLock::new(),
                fingerprint_text: OnceLock::new(),
                keys: OnceLock::new(),
                route: OnceLock::new(),
            }),
        }
    }

    /// A delivery verified earlier and read back from the inbox: its id, event type and
    /// replay keys as they were when it was verified.
    #[cfg(inbox)]
    pub(crate) fn stored(stored: StoredParts, body: Bytes) -> Self {
        let (id, fingerprint) = if stored.id_is_fingerprint {
            (Field::Known(None), Fingerprint::Text(stored.id))
        } else {
            (Field::Known(Some(stored.id.into())), Fingerprint::BodyHash)
        };
        let verified = Verified {
            timestamp: stored.timestamp,
            id,
            id_signed: stored.id_signed,
            event_type: Field::Known(stored.event_type.map(Into::into)),
            event_type_signed: stored.event_type_signed,
            fingerprint,
            other_signatures: Vec::new(),
            handshake: None,
            credentials: None,
            retry_content: None,
        };
        let origin = Arc::new(Origin {
            namespace: stored.provider.clone(),
            provider: stored.provider,
            source: stored.source,
            metrics: Default::default(),
        });
        let delivery = Delivery::new(origin, verified, body, UnsignedIdPolicy::default(), None);
        let _ = delivery.inner.keys.set(Keys {
            keys: KeyList::new(stored.keys),
            id_then_signature: false,
            retries_signed_anew: stored.timestamp.is_some(),
        });
        delivery
    }

    /// Where the request carried a credential ([`Scheme::credential_fields`]), for the
    /// inbox to store it redacted.
    ///
    /// [`Scheme::credential_fields`]: crate::Scheme::credential_fields
    #[cfg(inbox)]
    pub(crate) fn credential_fields(&self) -> Option<&crate::scheme::CredentialFields> {
        self.inner.verified.credentials.as_deref()
    }

    /// The JSON fields (id, event type), read together on first access.
    fn json(&self) -> &[Option<Box<str>>; 2] {
        self.inner.json.get_or_init(|| {
            let path = |field: &Field| match field {
                Field::Json(path) => Some(path.clone()),
                Field::Known(_) => None,
            };
            let (id, kind) = (
                path(&self.inner.verified.id),
                path(&self.inner.verified.event_type),
            );
            find_fields(&self.inner.body, [id.as_deref(), kind.as_deref()])
                .map(|value| value.map(String::into_boxed_str))
        })
    }

    fn provider_id(&self) -> Option<&str> {
        match &self.inner.verified.id {
            Field::Known(_) => self.inner.verified.id.known(),
            Field::Json(_) => self.json()[0].as_deref(),
        }
    }

    fn fingerprint(&self) -> &str {
        self.inner
            .fingerprint_text
            .get_or_init(|| match &self.inner.verified.fingerprint {
                Fingerprint::Text(text) => text.clone(),
                Fingerprint::Tag(..) | Fingerprint::BodyHash => {
                    hex::encode(self.with_fingerprint_bytes(<[u8]>::to_vec)).into()
                }
            })
    }

    /// The keys of the signed content: the signature that verified and its tags under
    /// the other configured secrets, `make` building one key from one tag.
    fn content_keys<'s>(
        &'s self,
        make: impl Fn(&[u8]) -> ReplayKey + 's,
    ) -> impl Iterator<Item = ReplayKey> + 's {
        let first = self.with_fingerprint_bytes(&make);
        let others = self.inner.verified.other_signatures.iter();
        std::iter::once(first).chain(others.map(move |tag| make(tag)))
    }

    /// Calls `f` with the raw bytes that identify the signed content.
    fn with_fingerprint_bytes<T>(&self, f: impl FnOnce(&[u8]) -> T) -> T {
        match &self.inner.verified.fingerprint {
            Fingerprint::Text(text) => f(text.as_bytes()),
            Fingerprint::Tag(tag, len) => f(tag.get(..usize::from(*len)).unwrap_or_default()),
            Fingerprint::BodyHash => f(&sha2::Sha256::digest(&self.inner.body)),
        }
    }

    /// The provider's name, as the scheme calls it (`"stripe"`, `"github"`).
    pub fn provider(&self) -> &str {
        &self.inner.origin.provider
    }

    /// The source the delivery came from, where there are several of one provider (a
    /// tenant, resolved per request by the layer, or set with
    /// [`Verifier::for_source`](crate::Verifier::for_source)). Replay keys are namespaced
    /// by the provider and the source.
    pub fn source(&self) -> Option<&str> {
        self.inner.origin.source.as_deref()
    }

    /// The delivery id: the provider's id (a header or a body field), or, when the
    /// provider sends none, the hex form of the verified signature (for ECDSA, of a hash
    /// of the signed content; for token schemes, of a hash of the body).
    ///
    /// **It may be unsigned**: see [`id_is_signed`](Self::id_is_signed). An unsigned id
    /// is what the sender claims; use it for logs and idempotency in your own storage
    /// only together with the replay protection of the layer, which never rests on it
    /// alone.
    pub fn id(&self) -> &str {
        self.provider_id().unwrap_or_else(|| self.fingerprint())
    }

    /// Whether [`id`](Self::id) is derived from the signature because the provider sent
    /// no delivery id.
    pub fn id_is_fingerprint(&self) -> bool {
        self.provider_id().is_none()
    }

    /// Whether the signature covers [`id`](Self::id) (a fingerprint of the signature
    /// counts as covered).
    pub fn id_is_signed(&self) -> bool {
        self.inner.verified.id_signed || self.id_is_fingerprint()
    }

    /// The keys replay protection remembers this delivery under, namespaced by
    /// [`provider`](Self::provider) and [`source`](Self::source). Made only from signed
    /// data, or with signed data beside them:
    ///
    /// - the id alone, where the signature covers it;
    /// - where the provider sends an id the signature does not cover, what
    ///   [`UnsignedIdPolicy`] says (by default the signature, and where each attempt is
    ///   signed anew over the same content, the id bound to that content beside it);
    /// - the signature alone, where the provider sends no id.
    ///
    /// "The signature" is the signed content's tag under **every** configured secret
    /// (one key each), so neither the order of the secrets, a secret rotated in, nor which
    /// of several signatures a copy carries can make a captured delivery new. With one
    /// secret that is one key.
    ///
    /// Where the event type is unsigned and the layer knows the dispatcher
    /// ([`WebhookLayer::routed_by`](crate::WebhookLayer::routed_by)), every key is bound to
    /// the route the delivery takes.
    pub fn replay_keys(&self) -> &[ReplayKey] {
        self.keys().keys.as_slice()
    }

    /// The replay keys as a store reserves them: which is a claim (an unsigned id), and
    /// whether a hit on it alone teaches the others.
    pub(crate) fn key_set(&self) -> KeySet<'_> {
        let keys = self.keys();
        let set = KeySet::new(keys.keys.as_slice());
        if keys.id_then_signature {
            set.claim_first(keys.retries_signed_anew)
        } else {
            set
        }
    }

    /// Whether a duplicate found through the key at `matched` (an index into
    /// [`replay_keys`](Self::replay_keys)) was first seen under another id: the same
    /// signed content now carries a new, unsigned id.
    pub(crate) fn seen_under_another_id(&self, matched: usize) -> bool {
        self.keys().id_then_signature && matched >= 1
    }

    /// The system clock's time read when it was verified, if it was read.
    pub(crate) fn system_now(&self) -> Option<SystemTime> {
        self.inner.system_now
    }

    fn keys(&self) -> &Keys {
        self.inner.keys.get_or_init(|| {
            let mut keys = self.unrouted_keys();
            if let Some(route) = self.inner.route.get() {
                keys.keys = KeyList::new(keys.keys.as_slice().iter().map(|key| key.routed(route)));
            }
            keys
        })
    }

    fn unrouted_keys(&self) -> Keys {
        let namespace = &*self.inner.origin.namespace;
        let signatures = || self.content_keys(|bytes| ReplayKey::signature(namespace, bytes));
        let retries_signed_anew = self.inner.verified.timestamp.is_some();
        let content = |keys: KeyList| Keys {
            keys,
            id_then_signature: false,
            retries_signed_anew,
        };
        match self.provider_id() {
            None => content(KeyList::new(signatures())),
            Some(id) if self.inner.verified.id_signed => {
                content(KeyList::new([ReplayKey::new(namespace, id)]))
            }
            Some(id) => match self.inner.policy {
                // Where retries repeat the signature (no signed timestamp) and something
                // is signed, the signature alone recognises them: an id beside it would
                // be a claim that other content could complete, losing the delivery
                // that id belongs to.
                UnsignedIdPolicy::IdOrSignature
                    if !retries_signed_anew
                        && !matches!(self.inner.verified.fingerprint, Fingerprint::BodyHash) =>
                {
                    content(KeyList::new(signatures()))
                }
                // Where each attempt signs a new timestamp over the same content, the id
                // bound to that content recognises the provider's retries: other content
                // under the id is another key, so it cannot complete the id's delivery,
                // and two deliveries of equal bodies under their own ids stay apart.
                // Where nothing signed stays the same across attempts (token schemes, a
                // body that changes per attempt as Linear's, Box's scheme of its own),
                // the id alone is the claim (documented on `UnsignedIdPolicy`).
                UnsignedIdPolicy::IdOrSignature => {
                    let claim = match &self.inner.verified.retry_content {
                        Some(tag) => ReplayKey::id_with_content(namespace, id, tag),
                        None => ReplayKey::new(namespace, id),
                    };
                    Keys {
                        keys: KeyList::new(std::iter::once(claim).chain(signatures())),
                        id_then_signature: true,
                        retries_signed_anew,
                    }
                }
                UnsignedIdPolicy::DangerouslyTrustIdWithSignature => {
                    content(KeyList::new(self.content_keys(|bytes| {
                        ReplayKey::id_with_signature(namespace, id, bytes)
                    })))
                }
                UnsignedIdPolicy::SignatureOnly => content(KeyList::new(signatures())),
            },
        }
    }

    /// Binds the replay keys to the route a dispatcher chooses for this delivery, when
    /// its event type is unsigned (the layer does it before reserving, where it knows
    /// the [`Dispatch`](crate::dispatch::Dispatch)). No effect once the keys were read.
    pub(crate) fn route_keys(&self, route: Box<str>) {
        if self.inner.keys.get().is_none() {
            let _ = self.inner.route.set(route);
        }
    }

    /// The signed timestamp, for providers that sign one.
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.inner.verified.timestamp
    }

    /// The event type, where the provider states it (GitHub `X-GitHub-Event`, Shopify
    /// `X-Shopify-Topic`, Stripe and Standard Webhooks body `type`, Slack `event.type`).
    ///
    /// **It may be unsigned**: see [`event_type_is_signed`](Self::event_type_is_signed).
    /// An event type from a header the signature does not cover is what the sender
    /// claims: routing on it routes by a claim (the body is still authentic).
    pub fn event_type(&self) -> Option<&str> {
        match &self.inner.verified.event_type {
            Field::Known(_) => self.inner.verified.event_type.known(),
            Field::Json(_) => self.json()[1].as_deref(),
        }
    }

    /// Whether the signature covers [`event_type`](Self::event_type).
    pub fn event_type_is_signed(&self) -> bool {
        self.inner.verified.event_type_signed
    }

    /// The body's top-level `action` (GitHub's `"opened"` in an `issues` delivery, Gitea's
    /// likewise), where it is a string or an integer: read on first call, in a pass that
    /// stops at the field, then remembered. Being in the body, it is always signed.
    ///
    /// [`Dispatch`](crate::dispatch::Dispatch) routes `issues` deliveries whose action is
    /// `opened` to a handler registered for `issues.opened`.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use tower_webhook::{providers, Signer, Verifier};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let request = http::Request::post("https://hooks.example.com/github")
    ///     .header("x-github-event", "issues")
    ///     .body(Bytes::from_static(br#"{"action":"opened","issue":{"number":1}}"#))?;
    /// let request = Signer::new(providers::github(), "secret")?.sign(request)?;
    /// let delivery = Verifier::new(providers::github(), "secret")?.verify(&request)?;
    /// assert_eq!(delivery.event_type(), Some("issues"));
    /// assert_eq!(delivery.action(), Some("opened"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn action(&self) -> Option<&str> {
        self.inner
            .action
            .get_or_init(|| {
                static ACTION: OnceLock<JsonPath> = OnceLock::new();
                let path = ACTION.get_or_init(|| JsonPath::from("action"));
                let [action] = find_fields(&self.inner.body, [Some(path)]);
                action.map(String::into_boxed_str)
            })
            .as_deref()
    }

    /// The registration handshake's answer, when the verified request is one (Slack's
    /// `url_verification`, Zoom's `endpoint.url_validation`, Twitch's callback
    /// verification, Discord's PING). The layer sends it instead of calling the handler.
    pub fn handshake(&self) -> Option<&HandshakeResponse> {
        self.inner.verified.handshake.as_deref()
    }

    /// The raw body that was verified: the very buffer the handler receives.
    pub fn body(&self) -> &Bytes {
        &self.inner.body
    }
}

/// An id as logged: at most 128 bytes, so an attacker's 60 KiB header cannot inflate the
/// logs.
pub(crate) fn loggable(id: &str) -> &str {
    const MAX: usize = 128;
    if id.len() <= MAX {
        return id;
    }
    let mut end = MAX;
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    id.get(..end).unwrap_or_default()
}

/// Text from the request written into a log as `Display` (a span field recorded with `%`,
/// which no formatter escapes): its control characters and the Unicode line and paragraph
/// separators escaped (`\n`, `\u{1b}`, `\u{2028}`), so that it cannot start a line of its
/// own or reach a terminal raw. Anything else is written as it is.
pub(crate) struct OneLine<'a>(pub(crate) &'a str);

impl std::fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in self.0.chars() {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                write!(f, "{}", c.escape_default())?;
            } else {
                std::fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// [`loggable`], on one line ([`OneLine`]): for a field recorded as `Display`.
pub(crate) fn loggable_line(id: &str) -> OneLine<'_> {
    OneLine(loggable(id))
}
