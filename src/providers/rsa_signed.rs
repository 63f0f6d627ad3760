//! Presets verified with an RSA public key the provider publishes (feature `rsa`):
//! [`Algorithm::RsaPkcs1v15Sha256`] in a [`SignatureScheme`], so another provider signing
//! with RSA is a few lines of the same data.

use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, Part, SignatureScheme};

/// [Wise](https://docs.wise.com/guides/developer/webhooks/event-handling) (formerly
/// TransferWise), signed with RSA.
///
/// - Signature: `X-Signature-SHA256: <base64 RSA signature>`, PKCS#1 v1.5 over the SHA-256
///   digest of the body (`SHA256withRSA`).
/// - Signed content: the body only.
/// - Key: Wise's public key, the same for every subscription: pass
///   [`WISE_PUBLIC_KEY`] (production) or [`WISE_SANDBOX_PUBLIC_KEY`] as the secret, or
///   the PEM from Wise's page (any RSA public key as PEM or DER, SubjectPublicKeyInfo or
///   PKCS#1, of 2048 to 8192 bits). For signing (tests), an RSA private key (PKCS#8 or
///   PKCS#1).
/// - Delivery id: `X-Delivery-Id`, a UUID per notification, **not signed**: anyone can
///   change it on a captured delivery. The layer's replay protection keys on it **and**
///   on a hash of the signed body, so a changed id does not get a capture past it; do
///   not use [`Delivery::id`](crate::Delivery::id) alone for idempotency.
/// - Event type: the body's `event_type` (signed).
/// - Test notifications carry `X-Test-Notification: true`, **not signed** either: read it
///   from the request for logs only, never to decide what to do with a delivery.
/// - Freshness: **none**. Wise signs no timestamp header; the body's `sent_at` is signed
///   but Wise does not document whether a retry (it retries up to 25 times over two weeks)
///   refreshes it, so it is not checked. Replay protection rests on the signed body's hash.
///
/// ```
/// use tower_webhook::{providers, Verifier};
///
/// let verifier = Verifier::new(providers::wise(), providers::WISE_PUBLIC_KEY).unwrap();
/// # let _ = verifier;
/// ```
///
/// Source: Wise Platform docs, "Webhooks: event handling" (docs.wise.com, headers and
/// both public keys). The example code Wise links to verifies with
/// `SHA256withRSA`/`RSA-SHA256` over the raw body; the crate's tests check an
/// OpenSSL-made signature (`scripts/rsa_fixtures.sh`).
pub fn wise() -> SignatureScheme {
    SignatureScheme::new("wise", HeaderName::from_static("x-signature-sha256"))
        .algorithm(Algorithm::RsaPkcs1v15Sha256)
        .encoding(Encoding::Base64)
        .signed_parts([Part::Body])
        .id_from_header(HeaderName::from_static("x-delivery-id"))
        .event_type_from_json("event_type")
}

/// Wise's production public key for webhook signatures (PEM, SubjectPublicKeyInfo, 2048
/// bits), as published on docs.wise.com, "Webhooks: event handling". Check it against
/// Wise's page when you deploy: a key in a library is only as current as its release.
pub const WISE_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvO8vXV+JksBzZAY6GhSO
XdoTCfhXaaiZ+qAbtaDBiu2AGkGVpmEygFmWP4Li9m5+Ni85BhVvZOodM9epgW3F
bA5Q1SexvAF1PPjX4JpMstak/QhAgl1qMSqEevL8cmUeTgcMuVWCJmlge9h7B1CS
D4rtlimGZozG39rUBDg6Qt2K+P4wBfLblL0k4C4YUdLnpGYEDIth+i8XsRpFlogx
CAFyH9+knYsDbR43UJ9shtc42Ybd40Afihj8KnYKXzchyQ42aC8aZ/h5hyZ28yVy
Oj3Vos0VdBIs/gAyJ/4yyQFCXYte64I7ssrlbGRaco4nKF3HmaNhxwyKyJafz19e
HwIDAQAB
-----END PUBLIC KEY-----";

/// Wise's sandbox public key for webhook signatures (PEM, SubjectPublicKeyInfo, 2048
/// bits), as published on docs.wise.com, "Webhooks: event handling".
pub const WISE_SANDBOX_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwpb91cEYuyJNQepZAVfP
ZIlPZfNUefH+n6w9SW3fykqKu938cR7WadQv87oF2VuT+fDt7kqeRziTmPSUhqPU
ys/V2Q1rlfJuXbE+Gga37t7zwd0egQ+KyOEHQOpcTwKmtZ81ieGHynAQzsn1We3j
wt760MsCPJ7GMT141ByQM+yW1Bx+4SG3IGjXWyqOWrcXsxAvIXkpUD/jK/L958Cg
nZEgz0BSEh0QxYLITnW1lLokSx/dTianWPFEhMC9BgijempgNXHNfcVirg1lPSyg
z7KqoKUN0oHqWLr2U1A+7kqrl6O2nx3CKs1bj1hToT1+p4kcMoHXA7kA+VBLUpEs
VwIDAQAB
-----END PUBLIC KEY-----";
