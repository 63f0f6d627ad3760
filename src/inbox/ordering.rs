//! Ordered deliveries: the key a delivery is ordered by, and how it is read.

use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::scheme::JsonPath;
use crate::Delivery;

/// The longest ordering key stored as it is; a longer one is stored as its SHA-256 (hex),
/// so a row's key is bounded whatever the body holds.
const MAX_STORED_KEY: usize = 256;

/// What the inbox orders deliveries by ([`Inbox::ordered_by`](super::Inbox::ordered_by)):
/// deliveries with the same key run one at a time, in the order the inbox received them.
///
/// A key is scoped to the delivery's provider and source: two tenants' deliveries never
/// share a key, so one tenant's failing delivery never holds back another's.
///
/// ```
/// use tower_webhook::inbox::OrderingKey;
///
/// // Stripe: each customer's events in order.
/// let by_customer = OrderingKey::json_field("data.object.customer");
/// // Every delivery of a source (a tenant) in order.
/// let by_source = OrderingKey::source();
/// # let _ = (by_customer, by_source);
/// ```
#[derive(Clone)]
pub struct OrderingKey(From);

#[derive(Clone)]
enum From {
    Source,
    Field(Arc<JsonPath>),
}

impl OrderingKey {
    /// Orders by the delivery's source ([`Delivery::source`]): a tenant's deliveries run
    /// one at a time, in order. Without [`Sources`](crate::layer::Sources), every delivery
    /// of the provider shares one key.
    pub fn source() -> Self {
        OrderingKey(From::Source)
    }

    /// Orders by this field of the JSON body (a dotted path of object keys, such as
    /// Stripe's `data.object.customer`; a string or an integer). A delivery whose body
    /// has no such field is not ordered: it runs as soon as a worker is free.
    ///
    /// The field is read from the body the layer verified. Every signature scheme signs
    /// the body, so the key is signed data. **A token or credential scheme (GitLab,
    /// Basic credentials) does not sign the body**: whoever holds the token (anyone who
    /// captured one request) chooses the key, and can hold back the deliveries of that key
    /// with a delivery the handler fails on.
    pub fn json_field(path: impl Into<JsonPath>) -> Self {
        OrderingKey(From::Field(Arc::new(path.into())))
    }

    /// The key `delivery` is ordered by, as stored: its provider, its source and the
    /// value, or `None` when it is not ordered.
    pub(crate) fn of(&self, delivery: &Delivery) -> Option<String> {
        let value = match &self.0 {
            From::Source => String::new(),
            From::Field(path) => {
                let [value] = crate::scheme::json::find_fields(delivery.body(), [Some(&**path)]);
                value?
            }
        };
        let key = format!(
            "{}\u{1f}{}\u{1f}{value}",
            delivery.provider(),
            delivery.source().unwrap_or_default()
        );
        if key.len() <= MAX_STORED_KEY {
            return Some(key);
        }
        Some(hex::encode(Sha256::digest(key.as_bytes())))
    }
}

impl fmt::Debug for OrderingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            From::Source => f.write_str("OrderingKey::source()"),
            From::Field(path) => write!(f, "OrderingKey::json_field({path:?})"),
        }
    }
}
