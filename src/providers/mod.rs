#![doc = guide_links!()]
#![doc = include_str!("../../docs/providers.md")]

// One file per family of presets (as rustls groups its cipher suites), one function per
// preset; the schemes that fit no family have their own. `registry.rs` holds `ALL`, the
// one list of every preset: a new preset is a function here and one line there.
mod adyen;
mod body_hmac;
mod box_com;
mod braintree;
mod credentials;
mod docusign;
mod hookdeck;
#[cfg(feature = "jwt")]
mod jwt;
mod mailgun;
#[cfg(feature = "paypal")]
mod paypal;
mod public_key;
mod registry;
#[cfg(feature = "rsa")]
mod rsa_signed;
mod standard;
mod timestamp_header;
mod timestamp_in_signature;
mod token;
mod twilio;
mod url_signed;

pub use self::adyen::{adyen, Adyen, MAX_ADYEN_ITEMS};
pub use self::body_hmac::{
    acuity, aftership, alchemy, asana, attio, bitbucket, bunny_stream, cal_com, checkout_com,
    circleci, clickup, coinbase_commerce, coinify, datasaur, discourse, dropbox, dwolla, easypost,
    fastspring, front_rule, gitea, github, gocardless, gogs, grafana, help_scout, heroku, intercom,
    launchdarkly, lemon_squeezy, line, linear, maxio, meta, modern_treasury, notion, novu, nylas,
    onfido, pagerduty, paystack, pusher, quickbooks, razorpay, segment, sentry, shopify,
    smartsurvey, squarespace, strike, survicate, terraform_cloud, todoist, toggl, typeform, vercel,
    veriff, viber, webex, woocommerce, xero,
};
pub use self::box_com::{box_com, BoxCom};
pub use self::braintree::{braintree, braintree_signature, Braintree};
pub use self::credentials::{api_key, basic_auth, chargebee, postmark};
pub use self::docusign::{docusign, DocuSign};
pub use self::hookdeck::{hookdeck, Hookdeck};
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub use self::jwt::{plaid, vonage};
pub use self::mailgun::{mailgun, mailgun_signature, Mailgun};
#[cfg(feature = "paypal")]
#[cfg_attr(docsrs, doc(cfg(feature = "paypal")))]
pub use self::paypal::{
    is_paypal_cert_url, paypal, CertificateFetcher, PayPal, PayPalCertificates,
    MAX_CERTIFICATE_BYTES, PAYPAL_CERT_HOSTS, PAYPAL_CERT_NAMES, PAYPAL_CERT_URL,
};
pub use self::public_key::{discord, sendgrid, telnyx};
pub use self::registry::{find, Preset, PresetOptions, ALL};
#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
pub use self::rsa_signed::{wise, WISE_PUBLIC_KEY, WISE_SANDBOX_PUBLIC_KEY};
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
pub use self::twilio::{twilio, twilio_body_sha256, Twilio};
pub use self::url_signed::{hubspot, square, trello};
