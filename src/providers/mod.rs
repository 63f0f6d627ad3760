//! Presets: one function per provider, each returning the provider's scheme, verified
//! exactly as that provider signs. Each preset's documentation names its primary source.
//!
//! ```
//! use tower_webhook::{providers, Verifier};
//!
//! let stripe = Verifier::new(providers::stripe(), "whsec_test_secret").unwrap();
//! let github = Verifier::new(providers::github(), "my webhook secret").unwrap();
//! # let _ = (stripe, github);
//! ```

mod bitbucket;
mod box_com;
mod clerk;
mod coinbase_commerce;
mod discord;
mod dropbox;
mod github;
mod gitlab;
mod lemon_squeezy;
mod mailgun;
mod meta;
mod mux;
mod openai;
mod paddle;
mod pagerduty;
mod razorpay;
mod resend;
mod sendgrid;
mod sentry;
mod shopify;
mod slack;
mod square;
mod standard;
mod stripe;
mod telegram;
mod twilio;
mod twitch;
mod typeform;
mod zoom;

pub use self::bitbucket::bitbucket;
pub use self::box_com::{box_com, BoxCom};
pub use self::clerk::clerk;
pub use self::coinbase_commerce::coinbase_commerce;
pub use self::discord::discord;
pub use self::dropbox::dropbox;
pub use self::github::github;
pub use self::gitlab::gitlab;
pub use self::lemon_squeezy::lemon_squeezy;
pub use self::mailgun::{mailgun, mailgun_signature, Mailgun};
pub use self::meta::meta;
pub use self::mux::mux;
pub use self::openai::openai;
pub use self::paddle::paddle;
pub use self::pagerduty::pagerduty;
pub use self::razorpay::razorpay;
pub use self::resend::resend;
pub use self::sendgrid::sendgrid;
pub use self::sentry::sentry;
pub use self::shopify::shopify;
pub use self::slack::slack;
pub use self::square::square;
pub use self::standard::{standard_webhooks, standard_webhooks_ed25519, svix};
pub use self::stripe::stripe;
pub use self::telegram::telegram;
pub use self::twilio::{twilio, twilio_body_sha256, Twilio};
pub use self::twitch::twitch;
pub use self::typeform::typeform;
pub use self::zoom::zoom;

/// Builds a preset's description. Presets are fixed data checked by the test suite, so a
/// failure here is a bug in the crate, never a consequence of a request.
fn preset(builder: crate::scheme::HmacSchemeBuilder) -> crate::scheme::HmacScheme {
    match builder.build() {
        Ok(scheme) => scheme,
        Err(error) => panic!("tower-webhook preset is invalid: {error}"),
    }
}
