use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme, TimestampFormat};

/// [Recurly](https://docs.recurly.com/recurly-subscriptions/docs/signature-verification)
/// JSON webhooks.
///
/// - Signature: `recurly-signature: <timestamp>,<hex HMAC-SHA256>[,<hex HMAC-SHA256>…]`,
///   keyed with the endpoint's secret key (as text); any signature may match.
/// - Signed content: `{timestamp}.{body}`. Timestamp: the header's first entry, Unix
///   milliseconds, ±5 minutes as Recurly's client libraries check.
/// - No delivery id in a header: replay protection keys on the signature, and the signed
///   timestamp bounds replays. (XML webhooks are not signed and cannot be verified.)
///
/// Source: Recurly docs, "Signature verification"; `recurly/recurly-client-ruby`,
/// `lib/recurly/webhooks.rb`.
pub fn recurly() -> SignatureScheme {
    SignatureScheme::new("recurly", HeaderName::from_static("recurly-signature"))
        .signature_separator(',')
        .encoding(Encoding::Hex)
        .timestamp_in_signature("", TimestampFormat::UnixMillis)
        .signed_parts([Part::Timestamp, Part::literal("."), Part::Body])
}
