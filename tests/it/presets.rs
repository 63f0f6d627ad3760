//! Every preset, through the public API: sign-then-verify, tamper-then-reject for the body,
//! each signed header and the timestamp, wrong secret, and rotation.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::HeaderValue;
use tower_webhook::{providers, RejectionKind, Scheme, Signer, Verifier};

const NOW: u64 = 1_700_000_000;
/// The public base URL of the URL-signed presets; every case's URI is under it.
const PUBLIC: &str = "https://hooks.example.com";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
}

type SignFn = Box<dyn Fn(&str, http::Request<Bytes>, SystemTime) -> http::Request<Bytes>>;
type VerifierFn = Box<dyn Fn(&[&str]) -> Verifier>;

/// One preset under test.
struct Case {
    name: &'static str,
    /// The `providers::` function.
    preset: &'static str,
    sign: SignFn,
    verifier: VerifierFn,
    /// Signing secrets (private keys for asymmetric schemes).
    secrets: [&'static str; 2],
    /// The verification secrets matching `secrets` (the public keys).
    public: [&'static str; 2],
    uri: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    /// Headers covered by the signature (besides the signature header itself).
    signed_headers: &'static [&'static str],
    /// Where the signed timestamp is: a header, or inside the signature header.
    timestamp: Option<&'static str>,
    expected_id: Option<&'static str>,
    expected_event: Option<&'static str>,
    /// The preset's default tolerance.
    tolerance: Duration,
}

/// A case: its name, the `providers::` function that makes it, and the scheme.
fn case<S: Scheme + Clone>(
    (name, preset): (&'static str, &'static str),
    scheme: S,
) -> CaseBuilder<S> {
    CaseBuilder {
        name,
        preset,
        scheme,
    }
}

struct CaseBuilder<S> {
    name: &'static str,
    preset: &'static str,
    scheme: S,
}

const CATALOGUE_BODY: &[u8] = br#"{"id":"evt_1","type":"ping","event":{"id":"ev_1","event_type":"ping","type":"ping"},"event_id":"ev_1","event_type":"ping"}"#;

impl<S: Scheme + Clone> CaseBuilder<S> {
    /// A preset that signs the body alone, with no timestamp.
    fn body_only(
        self,
        expected_id: Option<&'static str>,
        expected_event: Option<&'static str>,
    ) -> Case {
        self.with(
            ["first secret", "second secret"],
            "https://hooks.example.com/hook",
            "application/json",
            CATALOGUE_BODY,
            &[],
            None,
            expected_id,
            expected_event,
        )
    }

    /// A preset whose timestamp is signed in `timestamp` (a header, or the signature
    /// header itself), besides the body and `signed_headers`.
    fn timestamped(
        self,
        timestamp: &'static str,
        signed_headers: &'static [&'static str],
        expected_id: Option<&'static str>,
        expected_event: Option<&'static str>,
    ) -> Case {
        self.with(
            ["first secret", "second secret"],
            "https://hooks.example.com/hook",
            "application/json",
            CATALOGUE_BODY,
            signed_headers,
            Some(timestamp),
            expected_id,
            expected_event,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn with(
        self,
        secrets: [&'static str; 2],
        uri: &'static str,
        content_type: &'static str,
        body: &'static [u8],
        signed_headers: &'static [&'static str],
        timestamp: Option<&'static str>,
        expected_id: Option<&'static str>,
        expected_event: Option<&'static str>,
    ) -> Case {
        let tolerance = self.scheme.default_tolerance();
        let (sign_scheme, verify_scheme) = (self.scheme.clone(), self.scheme);
        Case {
            tolerance,
            name: self.name,
            preset: self.preset,
            sign: Box::new(move |secret, request, at| {
                Signer::new(sign_scheme.clone(), secret)
                    .unwrap()
                    .sign_with(request, "msg_2mXyZ0123", at)
                    .expect("sign")
            }),
            verifier: Box::new(move |secrets| {
                Verifier::builder(verify_scheme.clone())
                    .secrets(secrets.iter().copied())
                    .clock(now)
                    .build()
                    .expect("verifier")
            }),
            secrets,
            public: secrets,
            uri,
            content_type,
            body,
            signed_headers,
            timestamp,
            expected_id,
            expected_event,
        }
    }
}

fn cases() -> Vec<Case> {
    #[allow(unused_mut)] // without the rsa and jwt features nothing is added below
    let mut cases = vec![
        case(("standard-webhooks", "standard_webhooks"), providers::standard_webhooks()).with(
            [
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"type":"invoice.paid","data":{"id":1}}"#,
            &["webhook-id", "webhook-timestamp"],
            Some("webhook-timestamp"),
            Some("msg_2mXyZ0123"),
            Some("invoice.paid"),
        ),
        case(("svix", "svix"), providers::svix()).with(
            [
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"type":"user.created","data":{}}"#,
            &["svix-id", "svix-timestamp"],
            Some("svix-timestamp"),
            Some("msg_2mXyZ0123"),
            Some("user.created"),
        ),
        case(("stripe", "stripe"), providers::stripe()).with(
            ["whsec_old_0123456789", "whsec_new_9876543210"],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"id":"evt_1NG8Du2eZvKYlo2C","type":"payment_intent.succeeded"}"#,
            &[],
            Some("stripe-signature"),
            Some("evt_1NG8Du2eZvKYlo2C"),
            Some("payment_intent.succeeded"),
        ),
        case(("github", "github"), providers::github()).with(
            ["old github secret", "new github secret"],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"zen":"Design for failure."}"#,
            &[],
            None,
            None,
            None,
        ),
        case(("slack", "slack"), providers::slack()).with(
            ["8f742231b10e8888abcd99yyyzzz85a5", "0123456789abcdef0123456789abcdef"],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"type":"event_callback","event_id":"Ev08MFMKH6","event":{"type":"app_mention"}}"#,
            &["x-slack-request-timestamp"],
            Some("x-slack-request-timestamp"),
            Some("Ev08MFMKH6"),
            Some("app_mention"),
        ),
        case(("shopify", "shopify"), providers::shopify()).with(
            ["shpss_old", "shpss_new"],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"id":820982911946154508,"email":"jon@example.com"}"#,
            &[],
            None,
            None,
            None,
        ),
        case(("twilio form", "twilio"), providers::twilio().public_url(PUBLIC)).with(
            ["old auth token", "new auth token"],
            "https://hooks.example.com/twilio/sms?account=1",
            "application/x-www-form-urlencoded",
            b"MessageSid=SM123&Body=Hello+world&From=%2B14155550100&To=%2B14155550199",
            &[],
            None,
            Some("msg_2mXyZ0123"),
            None,
        ),
        case(("twilio json", "twilio"), providers::twilio().public_url(PUBLIC)).with(
            ["old auth token", "new auth token"],
            "https://hooks.example.com/twilio/events?bodySHA256=a9ea5ba21ba2d6fd1f1fb6fad1ea7cc0bb3f1b0fa9fbb0f8b2fa6e2cbce3ba0e",
            "application/json",
            br#"{"event":"call.completed"}"#,
            &[],
            None,
            Some("msg_2mXyZ0123"),
            None,
        ),
        case(("paddle", "paddle"), providers::paddle()).timestamped(
            "paddle-signature",
            &[],
            Some("ev_1"),
            Some("ping"),
        ),
        case(("pagerduty", "pagerduty"), providers::pagerduty()).body_only(Some("ev_1"), Some("ping")),
        case(("coinbase-commerce", "coinbase_commerce"), providers::coinbase_commerce()).body_only(Some("evt_1"), Some("ping")),
        case(("lemon-squeezy", "lemon_squeezy"), providers::lemon_squeezy()).body_only(None, None),
        case(("razorpay", "razorpay"), providers::razorpay()).body_only(None, None),
        case(("sentry", "sentry"), providers::sentry()).body_only(None, None),
        case(("mux", "mux"), providers::mux()).timestamped("mux-signature", &[], Some("evt_1"), Some("ping")),
        case(("typeform", "typeform"), providers::typeform()).body_only(Some("ev_1"), Some("ping")),
        case(("bitbucket", "bitbucket"), providers::bitbucket()).body_only(None, None),
        case(("clerk", "clerk"), providers::clerk()).timestamped(
            "svix-timestamp",
            &["svix-id", "svix-timestamp"],
            Some("msg_2mXyZ0123"),
            Some("ping"),
        ).keys(WHSEC, WHSEC),
        case(("resend", "resend"), providers::resend()).timestamped(
            "svix-timestamp",
            &["svix-id", "svix-timestamp"],
            Some("msg_2mXyZ0123"),
            Some("ping"),
        ).keys(WHSEC, WHSEC),
        case(("openai", "openai"), providers::openai()).timestamped(
            "webhook-timestamp",
            &["webhook-id", "webhook-timestamp"],
            Some("msg_2mXyZ0123"),
            Some("ping"),
        ).keys(WHSEC, WHSEC),
        case(("dropbox", "dropbox"), providers::dropbox()).body_only(None, None),
        case(("meta", "meta"), providers::meta("verify-token")).body_only(None, None),
        case(("zoom", "zoom"), providers::zoom()).timestamped(
            "x-zm-request-timestamp",
            &["x-zm-request-timestamp"],
            None,
            None,
        ),
        case(("twitch", "twitch"), providers::twitch()).timestamped(
            "twitch-eventsub-message-timestamp",
            &["twitch-eventsub-message-id", "twitch-eventsub-message-timestamp"],
            Some("msg_2mXyZ0123"),
            None,
        ),
        case(("discord", "discord"), providers::discord())
            .timestamped("x-signature-timestamp", &["x-signature-timestamp"], Some("evt_1"), Some("ping"))
            .keys(ED25519_SEEDS, ED25519_PUBLIC),
        case(("standard-webhooks v1a", "standard_webhooks_ed25519"), providers::standard_webhooks_ed25519())
            .timestamped(
                "webhook-timestamp",
                &["webhook-id", "webhook-timestamp"],
                Some("msg_2mXyZ0123"),
                Some("ping"),
            )
            .keys(WHSK, WHPK),
        case(("sendgrid", "sendgrid"), providers::sendgrid())
            .timestamped(
                "x-twilio-email-event-webhook-timestamp",
                &["x-twilio-email-event-webhook-timestamp"],
                None,
                None,
            )
            .keys(P256_PKCS8, P256_SPKI),
        case(("square", "square"), providers::square().public_url(PUBLIC)).body_only(None, Some("ping")),
        case(("paystack", "paystack"), providers::paystack()).body_only(None, None),
        case(("woocommerce", "woocommerce"), providers::woocommerce()).body_only(None, None),
        case(("gocardless", "gocardless"), providers::gocardless()).body_only(None, None),
        case(("xero", "xero"), providers::xero()).body_only(None, None),
        case(("quickbooks", "quickbooks"), providers::quickbooks()).body_only(None, None),
        case(("line", "line"), providers::line()).body_only(None, None),
        case(("viber", "viber"), providers::viber()).body_only(None, None),
        case(("alchemy", "alchemy"), providers::alchemy()).body_only(Some("evt_1"), Some("ping")),
        case(("gitea", "gitea"), providers::gitea()).body_only(None, None),
        case(("terraform_cloud", "terraform_cloud"), providers::terraform_cloud()).body_only(None, None),
        case(("heroku", "heroku"), providers::heroku()).body_only(None, None),
        case(("checkout_com", "checkout_com"), providers::checkout_com()).body_only(Some("evt_1"), Some("ping")),
        case(("docusign", "docusign"), providers::docusign()).body_only(None, None),
        // Squarespace's secrets are hexadecimal: any 32 bytes of hex will do.
        case(("squarespace", "squarespace"), providers::squarespace()).body_only(Some("evt_1"), None).keys(ED25519_SEEDS, ED25519_SEEDS),
        case(("maxio", "maxio"), providers::maxio()).body_only(None, None),
        case(("cal_com", "cal_com"), providers::cal_com()).body_only(None, None),
        case(("circleci", "circleci"), providers::circleci()).body_only(Some("evt_1"), Some("ping")),
        case(("notion", "notion"), providers::notion()).body_only(Some("evt_1"), Some("ping")),
        case(("asana", "asana"), providers::asana()).body_only(None, None),
        case(("intercom", "intercom"), providers::intercom()).body_only(Some("evt_1"), None),
        case(("vercel", "vercel"), providers::vercel()).body_only(Some("evt_1"), Some("ping")),
        case(("trello", "trello"), providers::trello().public_url(PUBLIC)).body_only(None, None),
        case(("calendly", "calendly"), providers::calendly()).timestamped("calendly-webhook-signature", &[], None, None),
        case(("recurly", "recurly"), providers::recurly()).timestamped("recurly-signature", &[], Some("evt_1"), None),
        case(("workos", "workos"), providers::workos()).timestamped("workos-signature", &[], Some("evt_1"), None),
        case(("webflow", "webflow"), providers::webflow()).timestamped("x-webflow-timestamp", &["x-webflow-timestamp"], None, None),
        case(("customer_io", "customer_io"), providers::customer_io()).timestamped("x-cio-timestamp", &["x-cio-timestamp"], Some("ev_1"), None),
        case(("buildkite", "buildkite"), providers::buildkite()).timestamped("x-buildkite-signature", &[], None, None),
        case(("elevenlabs", "elevenlabs"), providers::elevenlabs()).timestamped("elevenlabs-signature", &[], None, Some("ping")),
        case(("zendesk", "zendesk"), providers::zendesk()).timestamped("x-zendesk-webhook-signature-timestamp", &["x-zendesk-webhook-signature-timestamp"], None, None),
        case(("hubspot", "hubspot"), providers::hubspot().public_url(PUBLIC)).timestamped("x-hubspot-request-timestamp", &["x-hubspot-request-timestamp"], None, None),
        case(("telnyx", "telnyx"), providers::telnyx()).timestamped("telnyx-timestamp", &["telnyx-timestamp"], None, None).keys(TELNYX_SEEDS, TELNYX_PUBLIC),
        case(("gitlab signing token", "gitlab_signing_token"), providers::gitlab_signing_token()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), None).keys(WHSEC, WHSEC),
        case(("replicate", "replicate"), providers::replicate()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")).keys(WHSEC, WHSEC),
        // Lithic, EasyPost, Airwallex, Stytch, incident.io, Supabase Auth hooks.
        case(("lithic", "lithic"), providers::lithic()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")).keys(WHSEC, WHSEC),
        case(("easypost", "easypost"), providers::easypost()).body_only(Some("evt_1"), None),
        case(("airwallex", "airwallex"), providers::airwallex()).timestamped("x-timestamp", &["x-timestamp"], Some("evt_1"), None),
        case(("stytch", "stytch"), providers::stytch()).with(
            [
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ],
            "http://127.0.0.1/hook",
            "application/json",
            br#"{"project_id":"project-test-1","event_id":"event-test-1","action":"CREATE","object_type":"organization","source":"DIRECT","id":"organization-test-1"}"#,
            &["svix-id", "svix-timestamp"],
            Some("svix-timestamp"),
            Some("msg_2mXyZ0123"),
            None,
        ),
        case(("supabase auth hooks", "supabase_auth_hooks"), providers::supabase_auth_hooks()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")).keys(SUPABASE_KEYS, SUPABASE_KEYS),
        case(("incident.io", "incident_io"), providers::incident_io()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")).keys(WHSEC, WHSEC),
        case(("hookdeck", "hookdeck"), providers::hookdeck()).body_only(Some("msg_2mXyZ0123"), None),
        // Issue 15, second batch.
        case(("sanity", "sanity"), providers::sanity()).timestamped("sanity-webhook-signature", &[], None, None),
        case(("persona", "persona"), providers::persona()).timestamped("persona-signature", &[], None, None),
        case(("revolut", "revolut"), providers::revolut()).timestamped("revolut-request-timestamp", &["revolut-request-timestamp"], None, None),
        case(("pusher", "pusher"), providers::pusher()).body_only(None, None),
        case(("onfido", "onfido"), providers::onfido()).body_only(None, None),
        case(("modern_treasury", "modern_treasury"), providers::modern_treasury()).body_only(None, None),
        case(("nylas", "nylas"), providers::nylas()).body_only(None, None),
        case(("attio", "attio"), providers::attio()).body_only(None, None),
        case(("segment", "segment"), providers::segment()).body_only(None, None),
        case(("grafana", "grafana"), providers::grafana()).body_only(None, None),
        case(("veriff", "veriff"), providers::veriff()).body_only(None, None),
        case(("render", "render"), providers::render()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")).keys(WHSEC, WHSEC),
        case(("frame.io", "frame_io"), providers::frame_io()).timestamped("x-frameio-request-timestamp", &["x-frameio-request-timestamp"], None, Some("ping")),
        case(("grafana timestamped", "grafana_timestamped"), providers::grafana_timestamped()).timestamped("x-grafana-alerting-timestamp", &["x-grafana-alerting-timestamp"], None, None),
        case(("launchdarkly", "launchdarkly"), providers::launchdarkly()).body_only(None, None),
        case(("clickup", "clickup"), providers::clickup()).body_only(None, None),
        case(("webex", "webex"), providers::webex()).body_only(None, None),
        case(("dwolla", "dwolla"), providers::dwolla()).body_only(Some("evt_1"), None),
        case(("polar", "polar"), providers::polar()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")),
        case(("dodo payments", "dodo_payments"), providers::dodo_payments()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")).keys(WHSEC, WHSEC),
        case(("liveblocks", "liveblocks"), providers::liveblocks()).timestamped("webhook-timestamp", &["webhook-id", "webhook-timestamp"], Some("msg_2mXyZ0123"), Some("ping")).keys(WHSEC, WHSEC),
        case(("gogs", "gogs"), providers::gogs()).body_only(None, None),
        case(("fastspring", "fastspring"), providers::fastspring()).body_only(None, None),
        case(("acuity", "acuity"), providers::acuity()).body_only(None, None),
        case(("knock", "knock"), providers::knock()).timestamped("x-knock-signature", &[], None, Some("ping")),
        case(("novu", "novu"), providers::novu()).body_only(None, None),
        case(("courier", "courier"), providers::courier()).timestamped("courier-signature", &[], None, Some("ping")),
        case(("help scout", "help_scout"), providers::help_scout()).body_only(None, None),
        case(("discourse", "discourse"), providers::discourse()).body_only(None, None),
        case(("todoist", "todoist"), providers::todoist()).body_only(None, None),
        case(("toggl", "toggl"), providers::toggl()).body_only(None, None),
        case(("front rule", "front_rule"), providers::front_rule()).body_only(None, None),
        case(("smartsurvey", "smartsurvey"), providers::smartsurvey()).body_only(None, None),
        case(("datasaur", "datasaur"), providers::datasaur()).body_only(None, None),
        case(("coinify", "coinify"), providers::coinify()).body_only(None, None),
        case(("aftership", "aftership"), providers::aftership()).body_only(None, None),
        case(("bunny stream", "bunny_stream"), providers::bunny_stream()).body_only(None, None),
        case(("survicate", "survicate"), providers::survicate()).body_only(None, None),
        case(("strike", "strike"), providers::strike()).body_only(None, None),
    ];
    // Behind features.
    #[cfg(feature = "rsa")]
    cases.push(
        case(("wise", "wise"), providers::wise())
            .body_only(Some("msg_2mXyZ0123"), Some("ping"))
            .keys(RSA_PRIVATE, RSA_PUBLIC),
    );
    // JWT-signed presets (feature `jwt`): the token is the signature header and carries
    // the timestamp (`iat`), so the header and timestamp tampering of tests/it/jwt.rs apply.
    #[cfg(feature = "jwt")]
    cases.extend([
        case(("plaid", "plaid"), providers::plaid())
            .body_only(None, None)
            .keys(PLAID_PRIVATE, PLAID_PUBLIC),
        case(("vonage", "vonage"), providers::vonage()).body_only(Some("msg_2mXyZ0123"), None),
    ]);
    cases
}

impl Case {
    /// For asymmetric schemes: sign with `private` keys, verify with `public` keys.
    fn keys(mut self, private: [&'static str; 2], public: [&'static str; 2]) -> Case {
        self.secrets = private;
        self.public = public;
        self
    }
}

const WHSEC: [&str; 2] = [
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
];
const WHSK: [&str; 2] = [
    "whsk_dpuTo74FiX8h/xBWTwVLbDBV2RZTS0SjRQoTNn43XK0=",
    "whsk_uHNYRJWtwIlBZBfzbmvBNT2ywp5AUeiIxmt/YapTnes=",
];
const WHPK: [&str; 2] = [
    "whpk_cAcg86Wd3mkGNkDwKaBvOuQsrj1abd3PygFb53kuhxw=",
    "whpk_q3g2vUTiJBInPmIMJQsTtfDSWzwaB8iNn/BNtKMWeBA=",
];
const ED25519_SEEDS: [&str; 2] = [
    "769b93a3be05897f21ff10564f054b6c3055d916534b44a3450a13367e375cad",
    "b873584495adc089416417f36e6bc1353db2c29e4051e888c66b7f61aa539deb",
];
const ED25519_PUBLIC: [&str; 2] = [
    "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c",
    "ab7836bd44e22412273e620c250b13b5f0d25b3c1a07c88d9ff04db4a3167810",
];
const TELNYX_SEEDS: [&str; 2] = [
    "dpuTo74FiX8h/xBWTwVLbDBV2RZTS0SjRQoTNn43XK0=",
    "uHNYRJWtwIlBZBfzbmvBNT2ywp5AUeiIxmt/YapTnes=",
];
const TELNYX_PUBLIC: [&str; 2] = [
    "cAcg86Wd3mkGNkDwKaBvOuQsrj1abd3PygFb53kuhxw=",
    "q3g2vUTiJBInPmIMJQsTtfDSWzwaB8iNn/BNtKMWeBA=",
];
/// P256_PKCS8's key pairs as JWKs, each with its `kid` (Plaid).
#[cfg(feature = "jwt")]
const PLAID_PRIVATE: [&str; 2] = [
    r#"{"kty":"EC","crv":"P-256","kid":"example-key-never-use-in-production","x":"26MT2N76wcb0jC0tFG-vNDrc56ia5mFrAGO7I35ir3Q","y":"lqy4AWgVLbrDr5k_zP7hvlevPP-L6-x3Ex6JmVvXL58","d":"2ZiRbsQeKPRRrCda4siCwFqbRwslq9Sh-fWnall1URM"}"#,
    r#"{"kty":"EC","crv":"P-256","kid":"second-key","x":"aVxdmdvSeqFoVlG0dmkR4-06hMz3NOsJm8wD9mGWJ7w","y":"-gCmzfgNW7U_ymy_jbG3A6VXsZ0Z7gskAV7htD1gILs","d":"50gUqi6FEPAhOUviwNsWyKgoz26shSFSmkXMkptFEFY"}"#,
];
#[cfg(feature = "jwt")]
const PLAID_PUBLIC: [&str; 2] = [
    r#"{"kty":"EC","crv":"P-256","kid":"example-key-never-use-in-production","x":"26MT2N76wcb0jC0tFG-vNDrc56ia5mFrAGO7I35ir3Q","y":"lqy4AWgVLbrDr5k_zP7hvlevPP-L6-x3Ex6JmVvXL58"}"#,
    r#"{"kty":"EC","crv":"P-256","kid":"second-key","x":"aVxdmdvSeqFoVlG0dmkR4-06hMz3NOsJm8wD9mGWJ7w","y":"-gCmzfgNW7U_ymy_jbG3A6VXsZ0Z7gskAV7htD1gILs"}"#,
];
const P256_PKCS8: [&str; 2] = [
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2ZiRbsQeKPRRrCda4siCwFqbRwslq9Sh+fWnall1UROhRANCAATboxPY3vrBxvSMLS0Ub680OtznqJrmYWsAY7sjfmKvdJasuAFoFS26w6+ZP8z+4b5Xrzz/i+vsdxMeiZlb1y+f",
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg50gUqi6FEPAhOUviwNsWyKgoz26shSFSmkXMkptFEFahRANCAARpXF2Z29J6oWhWUbR2aRHj7TqEzPc06wmbzAP2YZYnvPoAps34DVu1P8psv42xtwOlV7GdGe4LJAFe4bQ9YCC7",
];
const P256_SPKI: [&str; 2] = [
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE26MT2N76wcb0jC0tFG+vNDrc56ia5mFrAGO7I35ir3SWrLgBaBUtusOvmT/M/uG+V688/4vr7HcTHomZW9cvnw==",
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaVxdmdvSeqFoVlG0dmkR4+06hMz3NOsJm8wD9mGWJ7z6AKbN+A1btT/KbL+NsbcDpVexnRnuCyQBXuG0PWAguw==",
];

fn unsigned(case: &Case, body: &'static [u8]) -> http::Request<Bytes> {
    let mut uri = case.uri.to_owned();
    if let Some((base, _)) = uri.split_once("bodySHA256=") {
        uri = format!("{base}bodySHA256={}", providers::twilio::body_sha256(body));
    }
    http::Request::post(uri)
        .header("content-type", case.content_type)
        .body(Bytes::from_static(body))
        .expect("request")
}

fn signed(case: &Case, secret: &str, at: SystemTime) -> http::Request<Bytes> {
    (case.sign)(secret, unsigned(case, case.body), at)
}

/// Changes one character of a header value, keeping it well-formed.
fn tamper_value(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    let i = chars
        .iter()
        .rposition(|c| c.is_ascii_digit())
        .expect("a digit to change");
    chars[i] = if chars[i] == '1' { '2' } else { '1' };
    chars.into_iter().collect()
}

#[test]
fn sign_then_verify() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        let delivery = verifier
            .verify(&signed(&case, case.secrets[0], now()))
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(delivery.body().as_ref(), case.body, "{}", case.name);
        if let Some(id) = case.expected_id {
            assert_eq!(delivery.id(), id, "{}", case.name);
        }
        assert_eq!(delivery.event_type(), case.expected_event, "{}", case.name);
    }
}

#[test]
fn tampered_body_is_rejected() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        let good = signed(&case, case.secrets[0], now());
        let (parts, body) = good.into_parts();
        let mut tampered = body.to_vec();
        let last = tampered.len() - 2;
        tampered[last] ^= 0x01;
        let bad = http::Request::from_parts(parts, Bytes::from(tampered));
        let kind = verifier.verify(&bad).expect_err(case.name).kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{}", case.name);
    }
}

#[test]
fn tampered_signed_headers_are_rejected() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        for header in case.signed_headers {
            let mut bad = signed(&case, case.secrets[0], now());
            let value = bad.headers()[*header].to_str().expect("ascii").to_owned();
            let changed = if case.timestamp == Some(*header) {
                tamper_value(&value)
            } else {
                format!("{value}x")
            };
            bad.headers_mut()
                .insert(*header, HeaderValue::try_from(changed).expect("header"));
            let kind = verifier.verify(&bad).expect_err(header).kind();
            assert_eq!(
                kind,
                RejectionKind::SignatureMismatch,
                "{} {header}",
                case.name
            );
        }
    }
}

#[test]
fn tampered_timestamp_is_rejected() {
    for case in cases() {
        let Some(header) = case.timestamp else {
            continue;
        };
        let verifier = (case.verifier)(&[case.public[0]]);
        let mut bad = signed(&case, case.secrets[0], now());
        let value = bad.headers()[header].to_str().expect("ascii").to_owned();
        // Unix seconds or milliseconds (alone, or as the `t=` entry of a signature header)
        // move by one second; other formats change one digit.
        let changed = if value.contains(&NOW.to_string()) {
            value.replacen(&NOW.to_string(), &(NOW + 1).to_string(), 1)
        } else {
            tamper_value(&value)
        };
        assert_ne!(changed, value);
        bad.headers_mut()
            .insert(header, HeaderValue::try_from(changed).expect("header"));
        let kind = verifier.verify(&bad).expect_err(case.name).kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{}", case.name);
    }
}

#[test]
fn stale_and_future_timestamps_are_rejected() {
    for case in cases().into_iter().filter(|c| c.timestamp.is_some()) {
        let verifier = (case.verifier)(&[case.public[0]]);
        let second = Duration::from_secs(1);
        let stale = signed(&case, case.secrets[0], now() - case.tolerance - second);
        assert_eq!(
            verifier.verify(&stale).expect_err(case.name).kind(),
            RejectionKind::TimestampExpired,
            "{}",
            case.name
        );
        let future = signed(&case, case.secrets[0], now() + case.tolerance + second);
        assert_eq!(
            verifier.verify(&future).expect_err(case.name).kind(),
            RejectionKind::TimestampInFuture,
            "{}",
            case.name
        );
        let edge = signed(&case, case.secrets[0], now() - case.tolerance + second);
        verifier.verify(&edge).expect(case.name);
    }
}

#[test]
fn wrong_secret_is_rejected() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[1]]);
        let request = signed(&case, case.secrets[0], now());
        let kind = verifier.verify(&request).expect_err(case.name).kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{}", case.name);
    }
}

#[test]
fn rotation_accepts_old_and_new_secrets() {
    for case in cases() {
        let verifier = (case.verifier)(&case.public);
        for secret in case.secrets {
            verifier
                .verify(&signed(&case, secret, now()))
                .unwrap_or_else(|e| panic!("{} {secret}: {e}", case.name));
        }
    }
}

#[test]
fn missing_signature_is_rejected() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        let kind = verifier
            .verify(&unsigned(&case, case.body))
            .expect_err(case.name)
            .kind();
        assert_eq!(kind, RejectionKind::MissingHeader, "{}", case.name);
    }
}

/// A Stripe verifier, a delivery it accepts, and that delivery's `t=` entry and `v1`
/// signature, for tests that rewrite the signature header.
fn stripe_delivery() -> (Verifier, http::Request<Bytes>, String, String) {
    let verifier = Verifier::builder(providers::stripe())
        .secret("whsec_new")
        .clock(now)
        .build()
        .unwrap();
    let good = Signer::new(providers::stripe(), "whsec_new")
        .unwrap()
        .sign_with(
            http::Request::post("/")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
            "x",
            now(),
        )
        .unwrap();
    let header = good.headers()["stripe-signature"].to_str().unwrap();
    let (t, v1) = header.split_once(",v1=").unwrap();
    let (t, v1) = (t.to_owned(), v1.to_owned());
    (verifier, good, t, v1)
}

#[test]
fn stripe_passes_when_any_v1_matches() {
    let (verifier, good, t, v1) = stripe_delivery();
    let rolled = format!("{t},v1={},v1={v1},v0=deadbeef", "0".repeat(64));
    let mut request = good;
    request
        .headers_mut()
        .insert("stripe-signature", HeaderValue::try_from(rolled).unwrap());
    verifier.verify(&request).expect("second v1 matches");
}

#[test]
fn stripe_checks_every_v1_up_to_the_entry_bound() {
    // A matching v1 anywhere in the list passes, after any number of wrong ones (valid
    // hex of the right length) and undecodable ones, up to MAX_SIGNATURE_ENTRIES; with
    // only wrong ones, the signature does not match.
    use tower_webhook::scheme::MAX_SIGNATURE_ENTRIES;
    let (verifier, good, t, v1) = stripe_delivery();
    let with = |entries: &[String]| {
        let mut request = good.clone();
        let value = format!("{t},{}", entries.join(","));
        request
            .headers_mut()
            .insert("stripe-signature", HeaderValue::try_from(value).unwrap());
        verifier.verify(&request)
    };
    // Entries besides the timestamp: at most MAX_SIGNATURE_ENTRIES - 1.
    for wrong in [0, 1, 2, 3, 7, MAX_SIGNATURE_ENTRIES - 2] {
        let mut entries: Vec<String> = (0..wrong)
            .map(|i| match i % 3 {
                1 => "v1=zz".to_owned(),
                _ => format!("v1={i:064x}"),
            })
            .collect();
        let all_wrong = with(&entries);
        if wrong > 0 && entries.iter().any(|e| e != "v1=zz") {
            assert_eq!(
                all_wrong.unwrap_err().kind(),
                RejectionKind::SignatureMismatch,
                "{wrong} wrong"
            );
        }
        entries.push(format!("v1={v1}"));
        with(&entries).unwrap_or_else(|e| panic!("after {wrong} wrong: {e}"));
        // The matching one first, then the wrong ones.
        entries.rotate_right(1);
        with(&entries).unwrap_or_else(|e| panic!("before {wrong} wrong: {e}"));
    }
}

#[test]
fn standard_webhooks_ignores_unknown_versions_and_passes_any_v1() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let verifier = Verifier::builder(providers::standard_webhooks())
        .secret(secret)
        .clock(now)
        .build()
        .unwrap();
    let mut request = Signer::new(providers::standard_webhooks(), secret)
        .unwrap()
        .sign_with(
            http::Request::post("/")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
            "msg_1",
            now(),
        )
        .unwrap();
    let good = request.headers()["webhook-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let list = format!("v2,abc v1,{} {good}", "A".repeat(43) + "=");
    request
        .headers_mut()
        .insert("webhook-signature", HeaderValue::try_from(list).unwrap());
    verifier.verify(&request).expect("a later v1 matches");
}

#[test]
fn malformed_secrets_fail_at_build_time() {
    let error = Verifier::new(providers::standard_webhooks(), "whsec_not base64!").unwrap_err();
    assert!(error.to_string().contains("base64"), "{error}");
    assert!(
        !error.to_string().contains("not base64!"),
        "secret leaked: {error}"
    );
    assert!(Verifier::new(providers::github(), "").is_err());
    assert!(Verifier::builder(providers::github()).build().is_err());
}

#[test]
fn malformed_and_weak_public_keys_fail_at_build_time() {
    // Not hex, and the wrong length.
    assert!(Verifier::new(providers::discord(), "not a key").is_err());
    assert!(Verifier::new(providers::discord(), "0011").is_err());
    // The identity point (y = 1) and another small-order point (y = 0): keys for which
    // signatures can be made without any private key. They decode as curve points, so only
    // the small-order check refuses them.
    let identity = format!("01{}", "00".repeat(31));
    let order_four = "00".repeat(32);
    for weak in [identity, order_four] {
        let error = Verifier::new(providers::discord(), weak.as_str()).unwrap_err();
        assert!(error.to_string().contains("small-order"), "{error}");
    }
    // A real key still works.
    let public = "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c";
    assert!(Verifier::new(providers::discord(), public).is_ok());
}

#[test]
fn stripe_secret_is_used_as_text_not_base64() {
    // Both Stripe and Standard Webhooks secrets start with whsec_, but Stripe keys the
    // HMAC with the whole string. A Standard Webhooks signature made with the decoded
    // key must not pass Stripe verification, and vice versa.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = Bytes::from_static(b"{\"id\":\"evt_1\"}");
    let signed = Signer::new(providers::stripe(), secret)
        .unwrap()
        .sign_with(http::Request::post("/").body(body).unwrap(), "x", now())
        .unwrap();
    let header = signed.headers()["stripe-signature"].to_str().unwrap();
    let v1 = header.split(",v1=").nth(1).unwrap();
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{NOW}.{{\"id\":\"evt_1\"}}").as_bytes());
    assert_eq!(v1, hex::encode(mac.finalize().into_bytes()));
}

#[test]
fn signer_refuses_ids_a_verifier_cannot_read() {
    // Found by the sign_verify fuzz target: a non-ASCII id became a header value that no
    // verifier reads as text, so the signed request could never verify.
    let request = http::Request::post("/")
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let signed = Signer::new(providers::shopify(), "secret")
        .unwrap()
        .sign_with(request, "\u{7e4}]]", now());
    assert!(signed.is_err());
}

type CountingService = tower_webhook::WebhookService<
    tower::util::BoxCloneService<
        http::Request<tower_webhook::layer::VerifiedBody>,
        http::Response<http_body_util::Empty<Bytes>>,
        std::convert::Infallible,
    >,
>;

/// Sends `request` through a layer whose handler counts its runs; answers the status.
fn through_layer(
    runtime: &tokio::runtime::Runtime,
    service: &CountingService,
    request: http::Request<Bytes>,
) -> http::StatusCode {
    use tower::ServiceExt;
    let request = request.map(http_body_util::Full::new);
    let response = runtime
        .block_on(service.clone().oneshot(request))
        .expect("infallible");
    response.status()
}

fn copy_request(request: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// For every preset: a valid delivery runs the handler; then the same bytes, with any
/// header the signature does not cover changed (one at a time, then all together, to
/// arbitrary values), never run it again.
fn unsigned_headers_never_run_twice(name: &str, verifier: Verifier, request: http::Request<Bytes>) {
    use proptest::test_runner::{Config, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tower::Layer;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let handler = {
        let calls = calls.clone();
        tower::service_fn(
            move |_: http::Request<tower_webhook::layer::VerifiedBody>| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Ok(http::Response::new(http_body_util::Empty::<Bytes>::new())) }
            },
        )
    };
    let service = tower_webhook::WebhookLayer::new(verifier.clone())
        .layer(tower::util::BoxCloneService::new(handler));
    let status = through_layer(&runtime, &service, copy_request(&request));
    assert_eq!(status, http::StatusCode::OK, "{name}");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "{name}");

    // The headers whose change alone still verifies: not covered by the signature.
    let unsigned: Vec<http::HeaderName> = request
        .headers()
        .keys()
        .filter(|name| {
            let mut changed = copy_request(&request);
            changed
                .headers_mut()
                .insert((*name).clone(), HeaderValue::from_static("replayed-1"));
            verifier.verify(&changed).is_ok()
        })
        .cloned()
        .collect();

    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let values = proptest::collection::vec("[!-~][ -~]{0,60}[!-~]", 8);
    runner
        .run(&values, |values| {
            let mut all = copy_request(&request);
            for (name, value) in unsigned.iter().zip(values.iter().cycle()) {
                let value = HeaderValue::from_str(value).unwrap();
                let mut one = copy_request(&request);
                one.headers_mut().insert(name.clone(), value.clone());
                all.headers_mut().insert(name.clone(), value);
                through_layer(&runtime, &service, one);
            }
            through_layer(&runtime, &service, all);
            prop_assert_eq!(calls.load(Ordering::SeqCst), 1, "{} {:?}", name, unsigned);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

use proptest::prop_assert_eq;

#[test]
fn unsigned_headers_never_run_the_handler_twice() {
    for case in cases() {
        let verifier = (case.verifier)(&[case.public[0]]);
        let request = signed(&case, case.secrets[0], now());
        unsigned_headers_never_run_twice(case.name, verifier, request);
    }
    // The presets the catalogue above does not sign the same way.
    let extra: Vec<(&str, Verifier, http::Request<Bytes>)> = vec![
        {
            let body = r#"{"type":"webhook_event","trigger":"FILE.UPLOADED"}"#;
            let request = Signer::new(providers::box_com(), "box key")
                .unwrap()
                .sign_with(
                    http::Request::post("/").body(Bytes::from(body)).unwrap(),
                    "box-1",
                    now(),
                )
                .unwrap();
            let verifier = Verifier::builder(providers::box_com())
                .secret("box key")
                .clock(now)
                .build()
                .unwrap();
            ("box", verifier, request)
        },
        {
            let body = format!(r#"{{"type":"Issue","webhookTimestamp":{NOW}000}}"#);
            let request = Signer::new(providers::linear(), "lin key")
                .unwrap()
                .sign_with(
                    http::Request::post("/").body(Bytes::from(body)).unwrap(),
                    "lin-1",
                    now(),
                )
                .unwrap();
            let verifier = Verifier::builder(providers::linear())
                .secret("lin key")
                .clock(now)
                .build()
                .unwrap();
            ("linear", verifier, request)
        },
        {
            let request = Signer::new(providers::gitlab(), "gitlab token")
                .unwrap()
                .sign_with(
                    http::Request::post("/")
                        .header("x-gitlab-event", "Push Hook")
                        .body(Bytes::from_static(b"{\"object_kind\":\"push\"}"))
                        .unwrap(),
                    "gl-1",
                    now(),
                )
                .unwrap();
            let verifier = Verifier::new(providers::gitlab(), "gitlab token").unwrap();
            ("gitlab", verifier, request)
        },
        {
            let request = Signer::new(providers::telegram(), "telegram-token")
                .unwrap()
                .sign_with(
                    http::Request::post("/")
                        .body(Bytes::from_static(b"{\"update_id\":1}"))
                        .unwrap(),
                    "tg-1",
                    now(),
                )
                .unwrap();
            let verifier = Verifier::new(providers::telegram(), "telegram-token").unwrap();
            ("telegram", verifier, request)
        },
        {
            let request = Signer::new(providers::cloudflare_notifications(), "cf-secret")
                .unwrap()
                .sign_with(
                    http::Request::post("/")
                        .body(Bytes::from_static(
                            b"{\"alert_type\":\"universal_ssl_event_type\"}",
                        ))
                        .unwrap(),
                    "cf-1",
                    now(),
                )
                .unwrap();
            let verifier =
                Verifier::new(providers::cloudflare_notifications(), "cf-secret").unwrap();
            ("cloudflare_notifications", verifier, request)
        },
    ];
    for (name, verifier, request) in extra {
        unsigned_headers_never_run_twice(name, verifier, request);
    }
}

/// The providers table (docs/providers.md) says, per preset, whether the delivery id and the event
/// type are covered by the signature: checked here against what verification reports.
/// Test RSA keys (`scripts/rsa_fixtures.sh`): 2048 and 4096 bits, private PKCS#8 and public
/// SubjectPublicKeyInfo, PEM; the first pair is the registry's example pair.
#[cfg(feature = "rsa")]
const RSA_PRIVATE: [&str; 2] = [
    include_str!("../fixtures/rsa/test_private.pem").trim_ascii(),
    include_str!("../fixtures/rsa/test_private_4096.pem").trim_ascii(),
];
#[cfg(feature = "rsa")]
const RSA_PUBLIC: [&str; 2] = [
    include_str!("../fixtures/rsa/test_public.pem").trim_ascii(),
    include_str!("../fixtures/rsa/test_public_4096.pem").trim_ascii(),
];

#[test]
fn providers_table_says_what_is_signed() {
    let table = include_str!("../../docs/providers.md");
    for case in cases() {
        let row = table
            .lines()
            .find(|line| line.starts_with(&format!("| `providers::{}(", case.preset)))
            .unwrap_or_else(|| panic!("docs/providers.md has no row for {}", case.preset));
        let cells: Vec<&str> = row.split(" | ").collect();
        let (id_cell, event_cell) = (cells[4], cells[5]);
        let verifier = (case.verifier)(&[case.public[0]]);
        let mut request = signed(&case, case.secrets[0], now());
        // An event type from a header: send one, to see how it is reported.
        if let Some(header) = event_cell
            .strip_prefix('`')
            .and_then(|rest| rest.split('`').next())
        {
            request.headers_mut().insert(
                http::HeaderName::try_from(header.to_ascii_lowercase()).unwrap(),
                HeaderValue::from_static("ping"),
            );
        }
        let delivery = verifier.verify(&request).expect(case.name);
        let expected_id = if delivery.id_is_fingerprint() && id_cell.starts_with("body `") {
            "(signed)" // the id field is in the body, which this test's body lacks
        } else if delivery.id_is_fingerprint() {
            "none:"
        } else if delivery.id_is_signed() {
            "(signed)"
        } else {
            "(**unsigned**)"
        };
        assert!(
            id_cell.contains(expected_id),
            "{}: id cell {id_cell:?}, expected {expected_id}",
            case.name
        );
        if event_cell == "—" {
            assert!(delivery.event_type().is_none(), "{}", case.name);
            continue;
        }
        if event_cell.starts_with('`') {
            assert_eq!(
                delivery.event_type(),
                Some("ping"),
                "{}: event header",
                case.name
            );
        }
        let expected_event = if delivery.event_type_is_signed() {
            "(signed)"
        } else {
            "(**unsigned**)"
        };
        assert!(
            event_cell.contains(expected_event),
            "{}: event cell {event_cell:?}, expected {expected_event}",
            case.name
        );
    }
}

/// A body every signing preset can sign: Linear reads its timestamp from it (milliseconds),
/// and its `type` is no registration handshake's.
fn registry_request() -> http::Request<Bytes> {
    let body =
        format!(r#"{{"id":"evt_registry_1","type":"registry.ping","webhookTimestamp":{NOW}000}}"#);
    http::Request::post(format!("{PUBLIC}/hooks/registry"))
        .header("content-type", "application/json")
        .body(Bytes::from(body))
        .expect("request")
}

/// A second key of the same form as `key`, for the wrong-key checks. A secret that is also
/// the verifying key (an HMAC key, a token) gets its first character after any `…_`
/// prefix changed, within its class, so that hex stays hex and base64 base64. A private
/// and public key pair is looked up among this file's pairs, by format: a new public-key
/// format needs its second pair here.
fn other_keys((signing, verifying): (&str, &str)) -> (String, String) {
    if signing == verifying {
        let start = signing.rfind('_').map_or(0, |i| i + 1);
        let mut chars: Vec<char> = signing.chars().collect();
        let i = (start..chars.len())
            .find(|&i| chars[i].is_ascii_alphanumeric())
            .expect("an alphanumeric character");
        chars[i] = match chars[i] {
            'a' => 'b',
            'A' => 'B',
            '0' => '1',
            c if c.is_ascii_lowercase() => 'a',
            c if c.is_ascii_uppercase() => 'A',
            _ => '0',
        };
        let other: String = chars.into_iter().collect();
        return (other.clone(), other);
    }
    let pairs = [
        (WHSK, WHPK),
        (ED25519_SEEDS, ED25519_PUBLIC),
        (TELNYX_SEEDS, TELNYX_PUBLIC),
        (P256_PKCS8, P256_SPKI),
        #[cfg(feature = "rsa")]
        (RSA_PRIVATE, RSA_PUBLIC),
        #[cfg(feature = "jwt")]
        (PLAID_PRIVATE, PLAID_PUBLIC),
    ];
    let (private, public) = pairs
        .into_iter()
        .find(|(private, public)| private[0] == signing && public[0] == verifying)
        .unwrap_or_else(|| panic!("no second key pair in the form of {verifying}"));
    (private[1].to_owned(), public[1].to_owned())
}

/// Every preset of `providers::ALL`, through the registry alone (`scheme_with`,
/// `example_keys`): a signed body verifies, a tampered body is refused exactly when the
/// preset says it authenticates the body, and a delivery signed with another key or checked
/// against another key is refused. The registry's other claims are checked on the way:
/// `signs_url` (no verifier without a public URL) and `can_sign` (Mailgun's signer refuses,
/// and its example key still makes a verifier).
#[test]
fn every_registry_preset_signs_verifies_and_rejects() {
    let options = providers::PresetOptions::new().public_url(PUBLIC);
    let mut signed_count = 0;
    for preset in providers::ALL {
        let name = preset.name();
        let (signing, verifying) = preset.example_keys();
        let verifier = |key: &str| {
            Verifier::builder(preset.scheme_with(&options))
                .secret(key)
                .clock(now)
                .build()
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        let sign = |key: &str| {
            Signer::new(preset.scheme_with(&options), key)
                .unwrap()
                .sign_with(registry_request(), "msg_registry_1", now())
        };
        let without_url = Verifier::new(preset.scheme(), verifying);
        assert_eq!(
            without_url.is_err(),
            preset.signs_url(),
            "{name}: signs_url"
        );

        let good = verifier(verifying);
        if !preset.can_sign() {
            assert!(
                sign(signing).is_err(),
                "{name} says it cannot sign, yet signs"
            );
            continue;
        }
        let signed = sign(signing).unwrap_or_else(|e| panic!("{name}: {e}"));
        let delivery = good
            .verify(&signed)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(delivery.body(), registry_request().body(), "{name}");

        let (parts, body) = copy_request(&signed).into_parts();
        let tampered = String::from_utf8(body.to_vec())
            .expect("utf-8")
            .replace("registry.ping", "registry.pong");
        let tampered = http::Request::from_parts(parts, Bytes::from(tampered));
        match good.verify(&tampered) {
            Err(rejection) if preset.signs_body() => {
                assert_eq!(rejection.kind(), RejectionKind::SignatureMismatch, "{name}")
            }
            Ok(_) if !preset.signs_body() => {} // a shared token covers no body
            other => panic!(
                "{name}: tampered body {:?}, but signs_body() is {}",
                other.map(|_| "accepted"),
                preset.signs_body()
            ),
        }

        let (other_signing, other_verifying) = other_keys((signing, verifying));
        let by_another = sign(&other_signing).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kind = good.verify(&by_another).expect_err(name).kind();
        assert_eq!(
            kind,
            RejectionKind::SignatureMismatch,
            "{name}: other signer"
        );
        let kind = verifier(&other_verifying)
            .verify(&signed)
            .expect_err(name)
            .kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch, "{name}: other key");
        signed_count += 1;
    }
    assert_eq!(
        signed_count,
        providers::ALL.iter().filter(|p| p.can_sign()).count()
    );
}

#[test]
fn registry_names_are_unique_and_found() {
    for preset in providers::ALL {
        let found = providers::find(preset.name()).expect("found by its name");
        assert!(
            std::ptr::eq(found, preset),
            "{} is listed twice",
            preset.name()
        );
        let shown = format!("{preset:?}");
        let (signing, verifying) = preset.example_keys();
        assert!(
            !shown.contains(signing) && !shown.contains(verifying),
            "example key in {shown}"
        );
    }
    assert!(providers::find("no such provider").is_none());
}

/// Every preset has a detailed case in `cases()` above (headers, timestamps, rotation,
/// README cells), except those whose shape the catalogue cannot follow; each is tested in
/// detail elsewhere.
#[test]
fn every_registry_preset_has_a_detailed_case() {
    const NOT_IN_CASES: &[(&str, &str)] = &[
        (
            "box_com",
            "each key is checked against its own header (primary, secondary), so one signer \
             cannot show a rotation; tests/it/preset_details.rs (box_*), and the unsigned-header \
             test above",
        ),
        (
            "linear",
            "its timestamp is a field of the signed body, which the catalogue's fixed body \
             cannot follow across the stale and future cases; tests/it/preset_details.rs \
             (linear_reads_its_timestamp_from_the_signed_body)",
        ),
        (
            "mailgun",
            "cannot sign: its signature is a field of the body (providers::mailgun::signature); \
             tests/it/preset_details.rs (mailgun_*), tests/it/captured_copies.rs",
        ),
        (
            "gitlab",
            "a shared token signs nothing, so no tampered body is refused; \
             tests/it/preset_details.rs (gitlab_*, token_of_another_length_is_refused)",
        ),
        (
            "telegram",
            "a shared token signs nothing, so no tampered body is refused; \
             tests/it/preset_details.rs (telegram_secret_token)",
        ),
        (
            "auth0_log_streams",
            "a shared token signs nothing, so no tampered body is refused; \
             tests/it/vectors_easypost_lithic_airwallex_auth0.rs (auth0_log_streams_token)",
        ),
        (
            "adyen",
            "signs inside the body, over eight fields of each notification item, so the \
             catalogue's body cannot be signed; tests/it/adyen.rs (Adyen's library's vectors)",
        ),
        (
            "braintree",
            "cannot sign: its signature is a field of a form body \
             (providers::braintree::signature); tests/it/braintree.rs (Braintree's SDK's vectors)",
        ),
        (
            "basic_auth",
            "a credential signs nothing, so no tampered body is refused; tests/it/credentials.rs",
        ),
        (
            "api_key",
            "a credential signs nothing, so no tampered body is refused; tests/it/credentials.rs",
        ),
        (
            "chargebee",
            "a credential signs nothing, so no tampered body is refused; tests/it/credentials.rs",
        ),
        (
            "postmark",
            "a credential signs nothing, so no tampered body is refused; tests/it/credentials.rs",
        ),
        (
            "cloudflare_notifications",
            "a shared token signs nothing, so no tampered body is refused; \
             tests/it/independent_vectors_no_sdk.rs (cloudflare_notifications_token)",
        ),
    ];
    let cases = cases();
    for case in &cases {
        assert!(
            providers::find(case.preset).is_some(),
            "case {} names no preset: {}",
            case.name,
            case.preset
        );
    }
    for preset in providers::ALL {
        let in_cases = cases.iter().any(|case| case.preset == preset.name());
        let excused = NOT_IN_CASES.iter().any(|(name, _)| *name == preset.name());
        assert!(
            in_cases || excused,
            "{} has no case in cases() and is not in NOT_IN_CASES",
            preset.name()
        );
        assert!(
            !(in_cases && excused),
            "{} has a case now: remove it from NOT_IN_CASES",
            preset.name()
        );
    }
}

/// Supabase's hook secrets as its dashboard shows them (`v1,whsec_` and base64).
const SUPABASE_KEYS: [&str; 2] = [
    "v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
];
