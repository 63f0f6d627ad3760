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

mod alchemy;
mod asana;
mod bitbucket;
mod box_com;
mod buildkite;
mod cal_com;
mod calendly;
mod checkout_com;
mod circleci;
mod clerk;
mod coinbase_commerce;
mod customer_io;
mod discord;
mod docusign;
mod dropbox;
mod elevenlabs;
mod gitea;
mod github;
mod gitlab;
mod gocardless;
mod heroku;
mod hubspot;
mod intercom;
mod lemon_squeezy;
mod line;
mod linear;
mod mailgun;
mod maxio;
mod meta;
mod mux;
mod notion;
mod openai;
mod paddle;
mod pagerduty;
mod paystack;
mod quickbooks;
mod razorpay;
mod recurly;
mod replicate;
mod resend;
mod sendgrid;
mod sentry;
mod shopify;
mod slack;
mod square;
mod squarespace;
mod standard;
mod stripe;
mod telegram;
mod telnyx;
mod terraform_cloud;
mod trello;
mod twilio;
mod twitch;
mod typeform;
mod vercel;
mod viber;
mod webflow;
mod woocommerce;
mod workos;
mod xero;
mod zendesk;
mod zoom;

pub use self::alchemy::alchemy;
pub use self::asana::asana;
pub use self::bitbucket::bitbucket;
pub use self::box_com::{box_com, BoxCom};
pub use self::buildkite::buildkite;
pub use self::cal_com::cal_com;
pub use self::calendly::calendly;
pub use self::checkout_com::checkout_com;
pub use self::circleci::circleci;
pub use self::clerk::clerk;
pub use self::coinbase_commerce::coinbase_commerce;
pub use self::customer_io::customer_io;
pub use self::discord::discord;
pub use self::docusign::{docusign, DocuSign};
pub use self::dropbox::dropbox;
pub use self::elevenlabs::elevenlabs;
pub use self::gitea::gitea;
pub use self::github::github;
pub use self::gitlab::gitlab;
pub use self::gocardless::gocardless;
pub use self::heroku::heroku;
pub use self::hubspot::hubspot;
pub use self::intercom::intercom;
pub use self::lemon_squeezy::lemon_squeezy;
pub use self::line::line;
pub use self::linear::linear;
pub use self::mailgun::{mailgun, mailgun_signature, Mailgun};
pub use self::maxio::maxio;
pub use self::meta::meta;
pub use self::mux::mux;
pub use self::notion::notion;
pub use self::openai::openai;
pub use self::paddle::paddle;
pub use self::pagerduty::pagerduty;
pub use self::paystack::paystack;
pub use self::quickbooks::quickbooks;
pub use self::razorpay::razorpay;
pub use self::recurly::recurly;
pub use self::replicate::replicate;
pub use self::resend::resend;
pub use self::sendgrid::sendgrid;
pub use self::sentry::sentry;
pub use self::shopify::shopify;
pub use self::slack::slack;
pub use self::square::square;
pub use self::squarespace::squarespace;
pub use self::standard::{standard_webhooks, standard_webhooks_ed25519, svix};
pub use self::stripe::stripe;
pub use self::telegram::telegram;
pub use self::telnyx::telnyx;
pub use self::terraform_cloud::terraform_cloud;
pub use self::trello::trello;
pub use self::twilio::{twilio, twilio_body_sha256, Twilio};
pub use self::twitch::twitch;
pub use self::typeform::typeform;
pub use self::vercel::vercel;
pub use self::viber::viber;
pub use self::webflow::webflow;
pub use self::woocommerce::woocommerce;
pub use self::workos::workos;
pub use self::xero::xero;
pub use self::zendesk::zendesk;
pub use self::zoom::zoom;

/// Builds a preset's description. Presets are fixed data checked by the test suite, so a
/// failure here is a bug in the crate, never a consequence of a request.
fn preset(builder: crate::scheme::HmacSchemeBuilder) -> crate::scheme::HmacScheme {
    match builder.build() {
        Ok(scheme) => scheme,
        Err(error) => panic!("tower-webhook preset is invalid: {error}"),
    }
}
