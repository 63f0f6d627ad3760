use http::HeaderName;

use crate::scheme::{Encoding, Part, SignatureScheme};

/// [GitHub](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
///
/// - Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. The legacy
///   SHA-1 header `X-Hub-Signature` is not accepted: a request carrying only that one is
///   refused, so it cannot be used to downgrade.
/// - No timestamp, and the id is not signed. Delivery id: `X-GitHub-Delivery`, kept when a
///   delivery is redelivered and named by GitHub as the key to dedupe on. Replay
///   protection recognises a delivery by that id *or* by its signature, so a captured
///   delivery resent under a new id is refused too; the cost is that two distinct
///   deliveries with byte-identical bodies count as one (logged at `warn`, counted). See
///   [`UnsignedIdPolicy`](crate::UnsignedIdPolicy) to dedupe on the id alone instead.
/// - Event type: `X-GitHub-Event` (not signed: what the sender claims).
///
/// Source: GitHub docs, "Validating webhook deliveries"; `octokit/webhooks-methods.js`,
/// `src/node/verify.ts`.
pub fn github() -> SignatureScheme {
    SignatureScheme::new("github", HeaderName::from_static("x-hub-signature-256"))
        .signature_prefix("sha256=")
        .encoding(Encoding::Hex)
        .signed_parts([Part::Body])
        .id_from_header(HeaderName::from_static("x-github-delivery"))
        .event_type_from_header(HeaderName::from_static("x-github-event"))
}
