//! The one list of every preset, [`ALL`]: what code that picks a provider at run time (a
//! command line, a configuration file, a demo, the tests and fuzzers) iterates, so none of
//! them keeps a list of its own that could miss a preset.

use std::fmt;

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
}

impl Preset {
    /// The name of the preset's function in [`providers`](super): `"github"` for
    /// [`github()`](super::github), `"box_com"` for [`box_com()`](super::box_com).
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

    /// Whether the preset can sign (for tests and senders). Only Mailgun cannot: it signs
    /// inside the body, which [`mailgun_signature`](super::mailgun_signature) builds.
    pub fn can_sign(&self) -> bool {
        self.can_sign
    }

    /// Whether the signature covers the URL the provider called (Twilio, Square, HubSpot,
    /// Trello): a verifier then needs [`PresetOptions::public_url`].
    pub fn signs_url(&self) -> bool {
        self.signs_url
    }

    /// Whether the body is authenticated: `false` for the shared-token presets (GitLab,
    /// Telegram, Cloudflare Notifications), which sign nothing, and for Mailgun, which signs a timestamp and a
    /// token carried in the body rather than the body itself.
    pub fn signs_body(&self) -> bool {
        self.signs_body
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
    ///     let signed = Signer::new(preset.scheme_with(&options), signing).sign(request);
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

impl SignsUrl for Twilio {
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
        }
    }

    const fn keys(mut self, keys: (&'static str, &'static str)) -> Self {
        self.example_keys = keys;
        self
    }
}

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
/// `whsec_` and base64: the Standard Webhooks specification's example secret.
const WHSEC: (&str, &str) = (
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
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

/// Every preset, in the order of the README's table: the one list that the tests, the
/// fuzzers and the demo iterate.
///
/// ```
/// use tower_webhook::providers;
///
/// let names: Vec<&str> = providers::ALL.iter().map(|preset| preset.name()).collect();
/// assert!(names.contains(&"stripe") && names.contains(&"box_com"));
/// ```
pub static ALL: &[Preset] = &[
    preset!(standard_webhooks, keys = WHSEC),
    preset!(standard_webhooks_ed25519, keys = WHSK_WHPK),
    preset!(svix, keys = WHSEC),
    preset!(clerk, keys = WHSEC),
    preset!(resend, keys = WHSEC),
    preset!(openai, keys = WHSEC),
    preset!(replicate, keys = WHSEC),
    preset!(stripe, keys = WHSEC),
    preset!(github),
    preset!(slack),
    preset!(shopify),
    preset!(twilio, signs_url),
    preset!(paddle),
    preset!(pagerduty),
    preset!(coinbase_commerce),
    preset!(lemon_squeezy),
    preset!(razorpay),
    preset!(recurly),
    preset!(sentry),
    preset!(mux),
    preset!(typeform),
    preset!(bitbucket),
    preset!(dropbox),
    preset!(meta, verify_token),
    preset!(zoom),
    preset!(twitch),
    preset!(discord, keys = ED25519_HEX),
    preset!(sendgrid, keys = P256),
    preset!(square, signs_url),
    preset!(gitlab, token),
    preset!(gitlab_signing_token, keys = WHSEC),
    preset!(telegram, token),
    preset!(box_com),
    preset!(mailgun, cannot_sign),
    preset!(paystack),
    preset!(woocommerce),
    preset!(gocardless),
    preset!(xero),
    preset!(quickbooks),
    preset!(line),
    preset!(viber),
    preset!(alchemy),
    preset!(gitea),
    preset!(terraform_cloud),
    preset!(heroku),
    preset!(checkout_com),
    preset!(docusign),
    preset!(squarespace, keys = HEX),
    preset!(maxio),
    preset!(cal_com),
    preset!(circleci),
    preset!(notion),
    preset!(asana),
    preset!(intercom),
    preset!(vercel),
    preset!(trello, signs_url),
    preset!(calendly),
    preset!(workos),
    preset!(linear),
    preset!(webflow),
    preset!(customer_io),
    preset!(buildkite),
    preset!(elevenlabs),
    preset!(zendesk),
    preset!(hubspot, signs_url),
    preset!(telnyx, keys = ED25519_BASE64),
    // Issue 15, second batch.
    preset!(sanity),
    preset!(persona),
    preset!(revolut),
    preset!(pusher),
    preset!(onfido),
    preset!(modern_treasury),
    preset!(nylas),
    preset!(attio),
    preset!(segment),
    preset!(grafana),
    preset!(grafana_timestamped),
    preset!(frame_io),
    preset!(veriff),
    preset!(render, keys = WHSEC),
    preset!(launchdarkly),
    preset!(clickup),
    preset!(webex),
    preset!(dwolla),
    preset!(polar),
    preset!(dodo_payments, keys = WHSEC),
    preset!(liveblocks, keys = WHSEC),
    preset!(gogs),
    preset!(fastspring),
    preset!(acuity),
    preset!(knock),
    preset!(novu),
    preset!(courier),
    preset!(help_scout),
    preset!(discourse),
    preset!(todoist),
    preset!(toggl),
    preset!(front_rule),
    preset!(cloudflare_notifications, token),
    preset!(smartsurvey),
    preset!(datasaur),
    preset!(coinify),
    preset!(aftership),
    preset!(bunny_stream),
    preset!(survicate),
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
