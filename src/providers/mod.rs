#![doc = guide_links!()]
#![doc = include_str!("../../docs/providers.md")]

// One file per family of presets (as rustls groups its cipher suites), one function per
// preset, in alphabetical order. The providers whose scheme is their own have a public
// module each, for the scheme and its items (`providers::adyen::Adyen`), while the preset
// function stays here with its family (`providers::adyen()`). `registry.rs` holds `ALL`,
// the one list of every preset: a new preset is a function in its family and one line there.
mod body_hmac;
mod credentials;
mod header_per_key;
#[cfg(feature = "jwt")]
mod jwt;
mod public_key;
mod registry;
mod signature_in_body;
mod standard;
mod timestamp_header;
mod timestamp_in_signature;
mod token;
mod url_signed;

pub mod adyen;
pub mod box_com;
pub mod braintree;
pub mod docusign;
pub mod hookdeck;
pub mod mailgun;
#[cfg(feature = "paypal")]
#[cfg_attr(docsrs, doc(cfg(feature = "paypal")))]
pub mod paypal;
pub mod twilio;
#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
pub mod wise;

pub use self::body_hmac::{
    acuity, aftership, alchemy, asana, attio, bitbucket, bunny_stream, cal_com, checkout_com,
    circleci, clickup, coinbase_commerce, coinify, datasaur, discourse, dropbox, dwolla, easypost,
    fastspring, front_rule, gitea, github, gocardless, gogs, grafana, help_scout, heroku, intercom,
    launchdarkly, lemon_squeezy, line, linear, maxio, meta, modern_treasury, notion, novu, nylas,
    onfido, pagerduty, paystack, pusher, quickbooks, razorpay, segment, sentry, shopify,
    smartsurvey, squarespace, strike, survicate, terraform_cloud, todoist, toggl, typeform, vercel,
    veriff, viber, webex, woocommerce, xero,
};
pub use self::credentials::{api_key, basic_auth, chargebee, postmark};
pub use self::header_per_key::{box_com, docusign, hookdeck};
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub use self::jwt::{plaid, vonage};
#[cfg(feature = "paypal")]
#[cfg_attr(docsrs, doc(cfg(feature = "paypal")))]
pub use self::public_key::paypal;
#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
pub use self::public_key::wise;
pub use self::public_key::{discord, sendgrid, telnyx};
pub use self::registry::{find, Preset, PresetOptions, ALL};
pub use self::signature_in_body::{adyen, braintree, mailgun};
pub use self::standard::{
    clerk, dodo_payments, gitlab_signing_token, incident_io, lithic, liveblocks, openai, polar,
    render, replicate, resend, standard_webhooks, standard_webhooks_ed25519, stytch,
    supabase_auth_hooks, svix,
};
pub use self::timestamp_header::{
    airwallex, customer_io, frame_io, grafana_timestamped, revolut, slack, twitch, webflow,
    zendesk, zoom,
};
pub use self::timestamp_in_signature::{
    buildkite, calendly, courier, elevenlabs, knock, mux, paddle, persona, recurly, sanity, stripe,
    workos,
};
pub use self::token::{auth0_log_streams, cloudflare_notifications, gitlab, telegram};
pub use self::url_signed::{hubspot, square, trello, twilio};
