//! The one list of every preset, [`ALL`]: what code that picks a provider at run time (a
//! command line, a configuration file, a demo, the tests and fuzzers) iterates, so none of
//! them keeps a list of its own that could miss a preset.

use std::fmt;
use std::time::Duration;

use crate::scheme::{DynScheme, Scheme, SchemeKey, SignatureScheme};
use crate::Secret;

use super::*;

/// One preset of [`ALL`]: its name, and its scheme behind one type ([`DynScheme`]).
///
/// ```
/// use tower_webhook::providers::{self, PresetOptions};
/// use tower_webhook::{Signer, Verifier};
///
/// # fn main() -> Result<(), tower_webhook::ConfigError> {
/// // A provider named in a configuration file.
/// let preset = providers::find("github").expect("a preset of that name");
/// let verifier = Verifier::new(preset.scheme(), "my webhook secret")?;
///
/// // URL-signed presets also need the public base URL the provider calls.
/// let square = providers::find("square").expect("a preset of that name");
/// assert!(square.signs_url());
/// let options = PresetOptions::new().public_url("https://hooks.example.com");
/// let verifier = Verifier::new(square.scheme_with(&options), "signature key")?;
/// # let _ = verifier;
/// # Ok(())
/// # }
/// ```
pub struct Preset {
    name: &'static str,
    build: fn(&PresetOptions) -> DynScheme,
    example_keys: (&'static str, &'static str),
    signs_url: bool,
    can_sign: bool,
    signs_body: bool,
    retry_horizon: Option<Duration>,
}

impl Preset {
    /// The name of the preset's function in [`providers`](super): `"github"` for
    /// [`github()`](super::github), `"box_com"` for [`box_com()`](super::box_com()).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The preset's scheme with the default options: exactly what its function returns,
    /// except Meta's, which has no verify token and so does not answer the `hub.challenge`
    /// handshake. A verifier for a [URL-signed](Self::signs_url) preset cannot be built
    /// from it: use [`scheme_with`](Self::scheme_with) and a public URL.
    pub fn scheme(&self) -> DynScheme {
        self.scheme_with(&PresetOptions::default())
    }

    /// The preset's scheme with `options`. Each option applies only to the presets it
    /// concerns, and is ignored by the others: the public URL and the `Host` switch by the
    /// [URL-signed](Self::signs_url) presets, the verify token by Meta.
    pub fn scheme_with(&self, options: &PresetOptions) -> DynScheme {
        (self.build)(options)
    }

    /// Whether the preset can sign any body (for tests and senders). Mailgun cannot: it
    /// signs inside the body, which [`mailgun::signature`](super::mailgun::signature)
    /// builds; nor Adyen, which signs fields of a notification body (its signer fills in
    /// the signatures of such a body, and refuses any other).
    pub fn can_sign(&self) -> bool {
        self.can_sign
    }

    /// Whether the signature covers the URL the provider called (Twilio, Square, HubSpot,
    /// Trello): a verifier then needs [`PresetOptions::public_url`].
    pub fn signs_url(&self) -> bool {
        self.signs_url
    }

    /// Whether the body is authenticated: `false` for the shared-token and credential
    /// presets (GitLab, Telegram, Cloudflare Notifications, Basic auth,
    /// API keys), which sign nothing, for Mailgun,
    /// which signs a timestamp and a token carried in the body rather than the body
    /// itself, and for Adyen, which signs eight fields of each notification item.
    /// Braintree's is `true`: its signature covers the whole payload of its form body.
    pub fn signs_body(&self) -> bool {
        self.signs_body
    }

    /// How long the provider documents retrying a delivery that was not acknowledged,
    /// from its first attempt: a retry within it must still be recognised as a duplicate,
    /// so the layer's [retention](crate::WebhookLayer::retention) must be at least this
    /// long (the default, [`DEFAULT_RETENTION`](crate::replay::DEFAULT_RETENTION), covers
    /// every preset's). `None` where this crate has not found the provider's horizon in a
    /// primary source (or the provider does not retry): keep the default retention.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_webhook::{replay::DEFAULT_RETENTION, providers};
    ///
    /// let stripe = providers::find("stripe").unwrap();
    /// assert_eq!(stripe.retry_horizon(), Some(Duration::from_secs(3 * 24 * 3600)));
    /// assert!(stripe.retry_horizon().unwrap() <= DEFAULT_RETENTION);
    /// ```
    pub fn retry_horizon(&self) -> Option<Duration> {
        self.retry_horizon
    }

    /// A key pair for demos, tests and examples: the secret to sign with (for the
    /// public-key presets, a private key) and the secret to verify with (the matching
    /// public key; for the others the same secret), each in the form the preset expects
    /// (`whsec_` and base64 for Standard Webhooks and Svix, hex for Squarespace, …).
    ///
    /// **Never use these keys in production.** They are published in this crate's source:
    /// anyone can sign with them.
    ///
    /// ```
    /// use tower_webhook::providers::{self, PresetOptions};
    /// use tower_webhook::{Signer, Verifier};
    ///
    /// let options = PresetOptions::new().public_url("https://hooks.example.com");
    /// for preset in providers::ALL.iter().filter(|preset| preset.can_sign()) {
    ///     let (signing, verifying) = preset.example_keys();
    ///     let request = http::Request::post("https://hooks.example.com/hook")
    ///         .body(bytes::Bytes::from_static(b"{}"))
    ///         .unwrap();
    ///     let signed = Signer::new(preset.scheme_with(&options), signing)
    ///         .and_then(|signer| signer.sign(request));
    ///     let verifier = Verifier::new(preset.scheme_with(&options), verifying);
    ///     assert!(signed.is_ok() && verifier.is_ok(), "{}", preset.name());
    /// }
    /// ```
    pub fn example_keys(&self) -> (&'static str, &'static str) {
        self.example_keys
    }
}

/// Leaves out the example keys: a `Debug` line is no place for key material, even
/// published.
impl fmt::Debug for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Preset")
            .field("name", &self.name)
            .field("signs_url", &self.signs_url)
            .field("can_sign", &self.can_sign)
            .field("signs_body", &self.signs_body)
            .field("retry_horizon", &self.retry_horizon)
            .finish_non_exhaustive()
    }
}

/// What [`Preset::scheme_with`] needs beyond the preset itself. Each option is used only by
/// the presets it concerns.
///
/// ```
/// use tower_webhook::providers::{self, PresetOptions};
/// use tower_webhook::Verifier;
///
/// let options = PresetOptions::new()
///     .public_url("https://hooks.example.com")
///     .verify_token("the verify token chosen in Meta's dashboard");
/// let meta = providers::find("meta").unwrap().scheme_with(&options);
/// assert!(Verifier::new(meta, "app secret").is_ok());
/// ```
#[derive(Debug, Clone, Default)]
pub struct PresetOptions {
    public_url: Option<String>,
    trust_host_header: bool,
    verify_token: Option<Secret>,
}

impl PresetOptions {
    /// No options: what [`Preset::scheme`] uses.
    pub fn new() -> Self {
        PresetOptions::default()
    }

    /// The public base URL the provider calls (such as `https://hooks.example.com`), for
    /// the [URL-signed](Preset::signs_url) presets: see
    /// [`SignatureScheme::public_url`].
    pub fn public_url(mut self, base: impl Into<String>) -> Self {
        self.public_url = Some(base.into());
        self
    }

    /// For the [URL-signed](Preset::signs_url) presets without a public URL: rebuild the
    /// URL from the request's `Host` header. Dangerous: see
    /// [`SignatureScheme::dangerously_trust_host_header`].
    pub fn dangerously_trust_host_header(mut self) -> Self {
        self.trust_host_header = true;
        self
    }

    /// Meta's verify token, which its `hub.challenge` handshake is answered with: see
    /// [`meta`](super::meta). Without one, Meta's scheme does not answer the handshake.
    pub fn verify_token(mut self, token: impl Into<Secret>) -> Self {
        self.verify_token = Some(token.into());
        self
    }
}

/// A preset that signs the URL: Twilio's own scheme, or a [`SignatureScheme`].
trait SignsUrl: Scheme<Key = SchemeKey> + Sized {
    fn with_public_url(self, base: &str) -> Self;
    fn trusting_host_header(self) -> Self;
}

impl SignsUrl for SignatureScheme {
    fn with_public_url(self, base: &str) -> Self {
        self.public_url(base)
    }
    fn trusting_host_header(self) -> Self {
        self.dangerously_trust_host_header()
    }
}

impl SignsUrl for twilio::Twilio {
    fn with_public_url(self, base: &str) -> Self {
        self.public_url(base)
    }
    fn trusting_host_header(self) -> Self {
        self.dangerously_trust_host_header()
    }
}

fn url_signed(mut scheme: impl SignsUrl, options: &PresetOptions) -> DynScheme {
    if let Some(base) = &options.public_url {
        scheme = scheme.with_public_url(base);
    }
    if options.trust_host_header {
        scheme = scheme.trusting_host_header();
    }
    Box::new(scheme)
}

fn with_verify_token(preset: fn(Secret) -> SignatureScheme, options: &PresetOptions) -> DynScheme {
    Box::new(match &options.verify_token {
        Some(token) => preset(token.clone()),
        // An empty verify token would answer anyone's challenge: no handshake instead.
        None => preset(Secret::new(Vec::new())).without_handshake(),
    })
}

impl Preset {
    const fn new(name: &'static str, build: fn(&PresetOptions) -> DynScheme) -> Self {
        Preset {
            name,
            build,
            example_keys: TEXT_KEY,
            signs_url: false,
            can_sign: true,
            signs_body: true,
            retry_horizon: None,
        }
    }

    const fn keys(mut self, keys: (&'static str, &'static str)) -> Self {
        self.example_keys = keys;
        self
    }

    /// The provider's documented retry horizon (see [`Preset::retry_horizon`]).
    const fn retries_for(mut self, horizon: Duration) -> Self {
        self.retry_horizon = Some(horizon);
        self
    }
}

const fn hours(hours: u64) -> Duration {
    Duration::from_secs(hours * 3600)
}

const fn days(days: u64) -> Duration {
    hours(days * 24)
}

// Retry horizons (`Preset::retry_horizon`), each from the provider's own documentation:
/// Svix's schedule (and Standard Webhooks' reference one): 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h, 10 h after the first attempt: about 27.6 hours (Svix docs, "Retries").
const SVIX_SCHEDULE: Duration = Duration::from_secs(5 + 300 + 1800 + 3600 * (2 + 5 + 10 + 10));
/// Recurly: up to 10 retries, the x-th (from 0) about `10 + x * 2^(x + 5)` seconds after
/// the one before (Recurly docs, "Automatic retries"): about 3.03 days.
const RECURLY_SCHEDULE: Duration = Duration::from_secs(10 * 10 + 32 * (8 * 1024 + 2));

/// One entry of [`ALL`], named by its function in this module: `preset!(github)`, plus
/// what sets it apart: `keys = …` when any text is not a key, `signs_url`,
/// `verify_token`, `token` for a shared token that signs nothing, `cannot_sign`.
macro_rules! preset {
    ($name:ident) => {
        Preset::new(stringify!($name), |_| Box::new($name()))
    };
    ($name:ident, keys = $keys:expr) => {
        preset!($name).keys($keys)
    };
    ($name:ident, signs_url) => {
        Preset {
            signs_url: true,
            ..Preset::new(stringify!($name), |options| url_signed($name(), options))
        }
    };
    ($name:ident, verify_token) => {
        Preset::new(stringify!($name), |options| {
            with_verify_token(|token| $name(token), options)
        })
    };
    ($name:ident, token) => {
        Preset {
            signs_body: false,
            ..preset!($name)
        }
    };
    ($name:ident, token, keys = $keys:expr) => {
        preset!($name, token).keys($keys)
    };
    ($name:ident, cannot_sign, keys = $keys:expr) => {
        preset!($name, cannot_sign).keys($keys)
    };
    ($name:ident, cannot_sign) => {
        Preset {
            can_sign: false,
            signs_body: false,
            ..preset!($name)
        }
    };
}

// Example keys (see `Preset::example_keys`): published, so never for production.
/// Any text keys an HMAC or is a shared token.
const TEXT_KEY: (&str, &str) = (
    "example-key-never-use-in-production",
    "example-key-never-use-in-production",
);
/// HTTP Basic credentials, `user:password`.
const BASIC: (&str, &str) = (
    "example-user:example-password-never-use-in-production",
    "example-user:example-password-never-use-in-production",
);
/// `whsec_` and base64: the Standard Webhooks specification's example secret.
const WHSEC: (&str, &str) = (
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
);
/// Supabase's hook secrets: `v1,whsec_` and base64 (the Standard Webhooks example).
const SUPABASE_HOOK: (&str, &str) = (
    "v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
);
/// Squarespace's secrets are hexadecimal (this one spells the text key).
const HEX: (&str, &str) = (
    "6578616d706c652d6b65792d6e657665722d7573652d696e2d70726f64756374696f6e",
    "6578616d706c652d6b65792d6e657665722d7573652d696e2d70726f64756374696f6e",
);
/// An Ed25519 seed and its public key as `whsk_`/`whpk_` and base64 (Standard Webhooks
/// `v1a`).
const WHSK_WHPK: (&str, &str) = (
    "whsk_dpuTo74FiX8h/xBWTwVLbDBV2RZTS0SjRQoTNn43XK0=",
    "whpk_cAcg86Wd3mkGNkDwKaBvOuQsrj1abd3PygFb53kuhxw=",
);
/// An Ed25519 seed and its public key in hex (Discord).
const ED25519_HEX: (&str, &str) = (
    "769b93a3be05897f21ff10564f054b6c3055d916534b44a3450a13367e375cad",
    "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c",
);
/// The same Ed25519 seed and public key in base64 (Telnyx).
const ED25519_BASE64: (&str, &str) = (
    "dpuTo74FiX8h/xBWTwVLbDBV2RZTS0SjRQoTNn43XK0=",
    "cAcg86Wd3mkGNkDwKaBvOuQsrj1abd3PygFb53kuhxw=",
);
/// A P-256 private key (PKCS#8) and its public key (SubjectPublicKeyInfo), DER in base64
/// (SendGrid).
const P256: (&str, &str) = (
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2ZiRbsQeKPRRrCda4siCwFqbRwslq9Sh+fWnall1UROhRANCAATboxPY3vrBxvSMLS0Ub680OtznqJrmYWsAY7sjfmKvdJasuAFoFS26w6+ZP8z+4b5Xrzz/i+vsdxMeiZlb1y+f",
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE26MT2N76wcb0jC0tFG+vNDrc56ia5mFrAGO7I35ir3SWrLgBaBUtusOvmT/M/uG+V688/4vr7HcTHomZW9cvnw==",
);

/// A 2048-bit RSA private key (PKCS#8) and its public key (SubjectPublicKeyInfo), PEM
/// (Wise); the same as `tests/fixtures/rsa/test_private.pem` and `test_public.pem`.
#[cfg(feature = "rsa")]
const RSA_PEM: (&str, &str) = (
    "-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCYr4m0lIRKkDxC
rdScufYthLCZnulwRX6xSkm+SZf/l01FQtQQxo17kklzF7u3HBiiOxPtTm8HEH64
zmyNrBgFEWXfeAhZBASAQxE/4IC4M/W8vqRHvkBLG2clzeT2vmFYAPSOLvXqbqjV
TjmDHlee8wKm2Tzqc62nQ0aSv6XC/kybdJvRzX6lBrLDQBkZPzbm1NGW2CXrQHiQ
lpL3RYWKHraODMexI8gge/jHPR6vw8XJixB2hEAOOvyuIzho7fETp51YVdmQyJ9G
Ig7JscWvE5zm5FwgUa8fOQuG4lIkKVIlMQFqI96D+HjW9kzPnsF1s3Q8s2NUF3qk
8bYyGAPZAgMBAAECggEASn8bSShNg7PsMvxtiCqTmpHrOIj4jPbbYdVFNbrilqpT
4T9CCQ1XarttauJhjG4A9uasSlTCh0fdDH5rKJSXA6IBeo8uQ4BaUdpnSCtZooZ3
l6fMr9R7uimcoi1bUaiCBlYw/E6dXcywQ6LvHLJpPfyDhrTnq9zVFY8Vl/Q6BHEd
70Ub160p6mSYaeC843so8f9StBEaL6BG+kAP2jvzm1Dgrz8gBpm8WSjaEy+oQ+/2
yhl9ExpeiU6zkTG8SZnxvkAnWNezU4JD9npzBHJIUA9vWlimzje3O5QBK0OsdYgG
w5PS2UsbxcFWMX62gmeTcvjHqMMTiWK1AfYM8kKMoQKBgQDQRjakZLqJx6JJrWDl
9fMn0A5Q93TQviJUK+A7im44Kzilo0nZ2RVHue/vP7N1uwEiXq78CjEsWih8/hgo
wloYGU2YyqY2djnPo4oR6cnbbWjLeM02pHe6wSEyaEogJJX9XsvdgPyTyDvyPony
c0gX6y3HZVo/uYRi0TVsgqRb6wKBgQC7rGMW5j6wRd3Stn7A16futBNCJgzyJvMM
jBwIb4Amb3OEI3IKz9gqS/1P8zBJDCLRETCxn9LW9NjRB43ucnTitjB4R8DVKeJ2
SDwRH2YuACXsUOJs+G/IiEZff4ZDmhZnMSR24ERkqndzS1WNRRq7AX1T7iCdQmT9
yUVsZZvCSwKBgEZ/Lamxaq6OQzFbHUxZVseoFeB0EjdB1E7XVxvwPGSIxLDUN4Ak
iZ5wonVCA5WbCcQ/dk1bic9waPn96+GH/4Tes7Q/C8mtdN4Chg6QKsI6I1mT9ypC
u0AcdQch481DdP2BI9JDAbtn8FqLrpfBS6rE8QboGIcvXU8xbzrecZGnAoGADpB8
SCSqLMffRSEAiTqzP6Ud8X4+dvRq3EhrTIRKr7DqiBCwIwKqRe4LxI6c6q5UbWEm
JELA/AmYYfByJVUgmQ+Gh28aGfDcME2+y51iMqO0TbihOc+17RwWSgb9hnWI041O
xSL2a9GG352zD/mS73xYG5FZWpryd3eNObJQ+i0CgYEAqJg8mmL3Y5LE07NmFdoO
tPmRKRzjIIpoGtmALd1B+dnXk+f6Ut2Ugd/iWLpg2VYuXHfe8CUe5GFVdKuqR23H
lADaDD+THyMfxeT7JF0px9G8Pg6SJDTEaXiqmDpfTieFzb+0ASaBIG2pbrDtyoZt
xEWG+5gR2u0IV7mgRx9LVq4=
-----END PRIVATE KEY-----",
    "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmK+JtJSESpA8Qq3UnLn2
LYSwmZ7pcEV+sUpJvkmX/5dNRULUEMaNe5JJcxe7txwYojsT7U5vBxB+uM5sjawY
BRFl33gIWQQEgEMRP+CAuDP1vL6kR75ASxtnJc3k9r5hWAD0ji716m6o1U45gx5X
nvMCptk86nOtp0NGkr+lwv5Mm3Sb0c1+pQayw0AZGT825tTRltgl60B4kJaS90WF
ih62jgzHsSPIIHv4xz0er8PFyYsQdoRADjr8riM4aO3xE6edWFXZkMifRiIOybHF
rxOc5uRcIFGvHzkLhuJSJClSJTEBaiPeg/h41vZMz57BdbN0PLNjVBd6pPG2MhgD
2QIDAQAB
-----END PUBLIC KEY-----",
);

/// The same P-256 key pair as JWKs (Plaid): the private JWK (with `d`) to sign, the public
/// one to verify, both with the `kid` that the tokens name.
#[cfg(feature = "jwt")]
const P256_JWK: (&str, &str) = (
    r#"{"kty":"EC","crv":"P-256","kid":"example-key-never-use-in-production","x":"26MT2N76wcb0jC0tFG-vNDrc56ia5mFrAGO7I35ir3Q","y":"lqy4AWgVLbrDr5k_zP7hvlevPP-L6-x3Ex6JmVvXL58","d":"2ZiRbsQeKPRRrCda4siCwFqbRwslq9Sh-fWnall1URM"}"#,
    r#"{"kty":"EC","crv":"P-256","kid":"example-key-never-use-in-production","x":"26MT2N76wcb0jC0tFG-vNDrc56ia5mFrAGO7I35ir3Q","y":"lqy4AWgVLbrDr5k_zP7hvlevPP-L6-x3Ex6JmVvXL58"}"#,
);

/// Every preset: the one list that the tests, the fuzzers and the demo iterate, and that
/// the providers table lists (as a set, checked by `tests/it/readme.rs`). Grouped by family,
/// one family per file of this module, each in alphabetical order.
///
/// ```
/// use tower_webhook::providers;
///
/// let names: Vec<&str> = providers::ALL.iter().map(|preset| preset.name()).collect();
/// assert!(names.contains(&"stripe") && names.contains(&"box_com"));
/// ```
pub static ALL: &[Preset] = &[
    // Standard Webhooks and Svix, and the providers that deliver through them (`standard.rs`).
    // Clerk delivers through Svix.
    preset!(clerk, keys = WHSEC).retries_for(SVIX_SCHEDULE),
    preset!(dodo_payments, keys = WHSEC),
    preset!(gitlab_signing_token, keys = WHSEC),
    // incident.io API reference, "Webhooks": retried over the next 24 hours.
    preset!(incident_io, keys = WHSEC).retries_for(hours(24)),
    preset!(lithic, keys = WHSEC),
    preset!(liveblocks, keys = WHSEC),
    preset!(openai, keys = WHSEC),
    preset!(polar),
    preset!(render, keys = WHSEC),
    preset!(replicate, keys = WHSEC),
    // Resend delivers through Svix.
    preset!(resend, keys = WHSEC).retries_for(SVIX_SCHEDULE),
    preset!(standard_webhooks, keys = WHSEC),
    preset!(standard_webhooks_ed25519, keys = WHSK_WHPK),
    // Stytch delivers through Svix.
    preset!(stytch, keys = WHSEC).retries_for(SVIX_SCHEDULE),
    preset!(supabase_auth_hooks, keys = SUPABASE_HOOK),
    preset!(svix, keys = WHSEC).retries_for(SVIX_SCHEDULE),
    // The timestamp in the signature header, Stripe-shaped (`timestamp_in_signature.rs`).
    preset!(buildkite),
    // Calendly docs, "Webhook errors": retried for 24 hours.
    preset!(calendly).retries_for(hours(24)),
    preset!(courier),
    preset!(elevenlabs),
    preset!(knock),
    preset!(mux),
    preset!(paddle),
    preset!(persona),
    preset!(recurly).retries_for(RECURLY_SCHEDULE),
    preset!(sanity),
    // Stripe docs, "Receive events": retries for up to three days in live mode.
    preset!(stripe, keys = WHSEC).retries_for(days(3)),
    preset!(workos),
    // The timestamp in a header of its own, signed with the body, Slack-shaped
    // (`timestamp_header.rs`).
    // Airwallex docs, "Webhooks overview": retried over about three days.
    preset!(airwallex).retries_for(days(3)),
    // Customer.io API docs, "Reporting webhooks" (timeouts and failures): up to 7 days.
    preset!(customer_io).retries_for(days(7)),
    preset!(frame_io),
    preset!(grafana_timestamped),
    preset!(revolut),
    preset!(slack),
    preset!(twitch),
    preset!(webflow),
    preset!(zendesk),
    preset!(zoom),
    // An HMAC of the body alone, in one header (`body_hmac.rs`).
    preset!(acuity),
    preset!(aftership),
    preset!(alchemy),
    preset!(asana),
    preset!(attio),
    preset!(bitbucket),
    preset!(bunny_stream),
    preset!(cal_com),
    preset!(checkout_com),
    preset!(circleci),
    preset!(clickup),
    preset!(coinbase_commerce),
    preset!(coinify),
    preset!(datasaur),
    preset!(discourse),
    preset!(dropbox),
    preset!(dwolla),
    preset!(easypost),
    preset!(fastspring),
    preset!(front_rule),
    preset!(gitea),
    preset!(github),
    preset!(gocardless),
    preset!(gogs),
    preset!(grafana),
    preset!(help_scout),
    // Heroku Dev Center, "App webhooks": retried for up to 72 hours.
    preset!(heroku).retries_for(hours(72)),
    preset!(intercom),
    preset!(launchdarkly),
    preset!(lemon_squeezy),
    preset!(line),
    preset!(linear),
    preset!(maxio),
    preset!(meta, verify_token),
    preset!(modern_treasury),
    preset!(notion),
    preset!(novu),
    preset!(nylas),
    preset!(onfido),
    preset!(pagerduty),
    preset!(paystack),
    preset!(pusher),
    preset!(quickbooks),
    preset!(razorpay),
    preset!(segment),
    preset!(sentry),
    // Shopify developer changelog, "Updates to webhook retry mechanism" (September 2024):
    // 8 retries over 4 hours.
    preset!(shopify).retries_for(hours(4)),
    preset!(smartsurvey),
    // Squarespace docs, "Notification delivery": retried for up to 48 hours.
    preset!(squarespace, keys = HEX).retries_for(hours(48)),
    preset!(strike),
    preset!(survicate),
    preset!(terraform_cloud),
    preset!(todoist),
    preset!(toggl),
    preset!(typeform),
    preset!(vercel),
    preset!(veriff),
    preset!(viber),
    preset!(webex),
    preset!(woocommerce),
    preset!(xero),
    // The URL the provider called is signed: a public URL is needed (`url_signed.rs`).
    preset!(hubspot, signs_url),
    preset!(square, signs_url),
    preset!(trello, signs_url),
    preset!(twilio, signs_url),
    // One signature header per key (`header_per_key.rs`).
    preset!(box_com),
    // DocuSign Connect: failed messages are retried for up to about 10 days (as reported
    // to this project; DocuSign's Connect guide states no schedule this crate could confirm).
    preset!(docusign).retries_for(days(10)),
    preset!(hookdeck),
    // The signature inside the body (`signature_in_body.rs`).
    preset!(adyen, cannot_sign, keys = HEX),
    // Signs inside a form body (`braintree::signature`), but all of its payload.
    Preset {
        can_sign: false,
        ..preset!(braintree)
    },
    preset!(mailgun, cannot_sign),
    // The sender's public key: Ed25519, ECDSA P-256, RSA (feature `rsa`) (`public_key.rs`;
    // PayPal, which needs its webhook id, is not in this list).
    preset!(discord, keys = ED25519_HEX),
    preset!(sendgrid, keys = P256),
    preset!(telnyx, keys = ED25519_BASE64),
    // Wise docs, "Event handling": up to 25 retries over two weeks.
    #[cfg(feature = "rsa")]
    preset!(wise, keys = RSA_PEM).retries_for(days(14)),
    // A JWT carrying the body's SHA-256 (feature `jwt`) (`jwt.rs`).
    // Plaid API docs, "Webhooks": retried for up to 24 hours.
    #[cfg(feature = "jwt")]
    preset!(plaid, keys = P256_JWK).retries_for(hours(24)),
    #[cfg(feature = "jwt")]
    preset!(vonage),
    // A shared token that signs nothing (`token.rs`).
    preset!(auth0_log_streams, token),
    preset!(cloudflare_notifications, token),
    preset!(gitlab, token),
    preset!(telegram, token),
    // A credential, HTTP Basic auth or an API key, that signs nothing (`credentials.rs`).
    preset!(api_key, token),
    preset!(basic_auth, token, keys = BASIC),
    preset!(chargebee, token, keys = BASIC),
    preset!(postmark, token, keys = BASIC),
];

/// The preset whose function is named `name` (`"github"`, `"box_com"`), if there is one.
///
/// ```
/// use tower_webhook::providers;
///
/// assert_eq!(providers::find("box_com").map(|preset| preset.name()), Some("box_com"));
/// assert!(providers::find("box").is_none());
/// ```
pub fn find(name: &str) -> Option<&'static Preset> {
    ALL.iter().find(|preset| preset.name == name)
}
