//! Presets whose provider publishes no test vector, checked against signatures computed
//! independently with Python's hmac module: `python3 scripts/independent_vectors.py`
//! prints this table.

use crate::common::verifier_at;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tower_webhook::{providers, Scheme, Verifier};

const BODY: &str = r#"{"id":"evt_1","type":"ping","event":{"id":"ev_1","event_type":"ping","type":"ping"},"event_id":"ev_1","event_type":"ping"}"#;
const T: u64 = 1_700_000_000;

/// Preset, secret, signature header, its value, other signed headers.
type Vector = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

#[rustfmt::skip]
const VECTORS: &[Vector] = &[
    ("pagerduty", "pd-secret", "x-pagerduty-signature", "v1=88f28d465526957a5580fb7cd56903a79a1b485f173cba12ad24b223a23acb0b", &[]),
    ("coinbase_commerce", "cc-secret", "x-cc-webhook-signature", "4821d1002057a4cb1eb667863b065513f7d29e590ff2eb9c28433d0972830fdd", &[]),
    ("lemon_squeezy", "ls-secret", "x-signature", "997e3120698311b8df89a7802a1e245f8b9e1f3685d861c019f88b62ee55fdce", &[]),
    ("razorpay", "rzp-secret", "x-razorpay-signature", "8467137cd0651b8816a807e290bf44786b4d0a5c92577c89645001ea8a5d0481", &[]),
    ("sentry", "sentry-secret", "sentry-hook-signature", "b016a5a1e220bcdb021d170dc62b3bd0a787ee59b4930944084e5bb2c61886fe", &[]),
    ("mux", "mux-secret", "mux-signature", "t=1700000000,v1=8e84b62179054ee2f2cee84b88a6a47c9cf37e2f1be28dc5c8d343148d13d494", &[]),
    ("typeform", "tf-secret", "typeform-signature", "sha256=taOzQN7iBmXFPuPUORQa4kMU7w0Oaw6AInweJ9073T4=", &[]),
    ("bitbucket", "bb-secret", "x-hub-signature", "sha256=c7e3dc236d0f53392f084d7be5d069fe488be28aa12ed61f6cd523fbd939c7f6", &[]),
    ("paystack", "sk_test", "x-paystack-signature", "aa805fa9a7d107a902d8f723534441450992e3c18950ee6ac7418eef36002bc5944f177c29466fa6659464c214ba1402a5997c5fe8739704f026d2976af21bf0", &[]),
    ("woocommerce", "wc-secret", "x-wc-webhook-signature", "/Cy7NsdRWLduJH2qavklJOkPDH7zNEs5kJXqkltIn8Y=", &[]),
    ("gocardless", "gc-secret", "webhook-signature", "d50c4fbbecd84db80a99f89b229a7e0b88a72e979079253cc15a5cc6d6a12df2", &[]),
    ("xero", "xero-key", "x-xero-signature", "+MPkpMAX056EtYFYMA2/4hDl+YVXYQCdNs8qGxb2l0Y=", &[]),
    ("quickbooks", "intuit-verifier", "intuit-signature", "350D0o9SaMCLoKFzSY00qvA8OsXRMXFRzaXHigawvlI=", &[]),
    ("line", "line-channel-secret", "x-line-signature", "X0hmEPA0taUiLfHOn+DpzKO7TcT0rzCSUF86kW+c0Io=", &[]),
    ("viber", "viber-token", "x-viber-content-signature", "e8a2f9a94d6d99db03e51b531acf632bd0fadff9aee4985dcacefd3a0b583a78", &[]),
    ("alchemy", "whsec_alchemy", "x-alchemy-signature", "7c0b4e4e96f71b482acb2d3f44d1ae72ea943675a4be09bab17f4cfb68b704cb", &[]),
    ("gitea", "gitea-secret", "x-gitea-signature", "73de80f5dbb28ffaf213fc5de02cd1eb2aebc855fc9a2b1751b8c2e3a9ddca3b", &[]),
    ("terraform_cloud", "tfc-token", "x-tfe-notification-signature", "d4f82a1eb559b151d6e71ad7de754b16ae8ed977f58533a09f93e70b38e8b2def360ec162ed1e38d28685fae6fd5fd4ed11fd819a5a7f24a86135f4208461f99", &[]),
    ("heroku", "heroku-secret", "heroku-webhook-hmac-sha256", "hcssloNR20mGcT5/2vUl+Ba75wKQLQqtzj6SI0IeAYw=", &[]),
    ("checkout_com", "cko-key", "cko-signature", "7db48c616dbc722d7561adc0724e262fd4b3a1b386e94cb49bdaa17f6f864955", &[]),
    ("maxio", "maxio-key", "x-chargify-webhook-signature-hmac-sha-256", "d0234f97eca18f73309932ed98428d12a5ecf559ea42cf6b3ce112fadf839789", &[]),
    ("cal_com", "cal-secret", "x-cal-signature-256", "91027b78a89d5b253428b6d7c7f72b0c10ed7dc08af8b54274419d1c219af0f2", &[]),
    ("circleci", "cci-secret", "circleci-signature", "v1=3025a9b8c95eae5a756f5c74daa9d42dbdb474dc306297f1b94d88584e07d7df", &[]),
    ("notion", "secret_notion", "x-notion-signature", "sha256=a381ae520343ed242b7d92b0620e154ebfbd9f84680a2c7e44290b79930bf378", &[]),
    ("asana", "asana-hook-secret", "x-hook-signature", "e6b7610295cce2e086bda1ce7c7bb01fb6c3dd487d890e9e4e1e5e2dd7ac7969", &[]),
    ("intercom", "ic-secret", "x-hub-signature", "sha1=32a28154db1b0820f3285ea7c2911376afa017cf", &[]),
    ("vercel", "vercel-secret", "x-vercel-signature", "ab5c63ca251955c4bea3dbdb3edddab225a60912", &[]),
    ("trello", "trello-secret", "x-trello-webhook", "yRSWX0zt+UEPvTyKYU+W+gClP+E=", &[]),
    ("calendly", "cal-key", "calendly-webhook-signature", "t=1700000000,v1=a13ffb4c370fdb9d5c02aa033d2d900f8a370e2ace42ff9e250b3ab3eeaccb4f", &[]),
    ("workos", "wos-secret", "workos-signature", "t=1700000000000, v1=a799a9e3ea3d4d70521a23558de9913c7e6eb4c7c67307c4acd5ef1888f5dc00", &[]),
    ("buildkite", "bk-token", "x-buildkite-signature", "timestamp=1700000000,signature=1f03b7ef5a890f5e981b40927c52e3df6d5c0c0d62bdefbb7d513f88bae62d84", &[]),
    ("elevenlabs", "el-secret", "elevenlabs-signature", "t=1700000000,v0=fd5ef39b8118bc2dafb7ae1ab58fa122e5e0a67bda9e3b4979320a8634fbcae4", &[]),
    ("webflow", "wf-secret", "x-webflow-signature", "f86a35226bc6ef6d151f3eed6f5996f62f2e6b9ca42a01697c7ef75669d52d7a", &[("x-webflow-timestamp", "1700000000000")]),
    ("customer_io", "cio-key", "x-cio-signature", "8429ea94cd255cb45b442fa5b1fc79babd30f4f9a72d47e169e5f6fb1d01f0c7", &[("x-cio-timestamp", "1700000000")]),
    ("zendesk", "zd-secret", "x-zendesk-webhook-signature", "Zax035JlDPzvmSIkMa0tojiObKTIDOWMgZP94knI2/8=", &[("x-zendesk-webhook-signature-timestamp", "2023-11-14T22:13:20Z")]),
    ("recurly", "recurly-key", "recurly-signature", "1700000000000,2d73ac4acd010d29a68f168970fadd50147f17dd6c0573ff7347004002ac9069", &[]),
    ("docusign", "ds-connect-key", "x-docusign-signature-1", "S3lv4MJy/+YlFG1ZQEO2RVQhrx6WoPCzfxP0W1cBy6k=", &[]),
    ("squarespace", "0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff", "squarespace-signature", "d4dcfbf7b706f72e118443c05204bc1330443957766c9528cacda16bea76fe2d", &[]),
    ("hubspot", "hs-client-secret", "x-hubspot-signature-v3", "PDg93V69YRlRalSzJtoMXqHZ9FgcHAQ2UQYtvoRD6DU=", &[("x-hubspot-request-timestamp", "1700000000000")]),
];

/// The public base URL of the URL-signed presets: the vectors' requests are under it.
const PUBLIC: &str = "https://hooks.example.com";

fn build<S: Scheme>(scheme: S, secret: &str) -> Verifier {
    verifier_at(
        scheme,
        &[secret],
        SystemTime::UNIX_EPOCH + Duration::from_secs(T),
    )
}

fn verifier(preset: &str, secret: &str) -> Verifier {
    match preset {
        "pagerduty" => build(providers::pagerduty(), secret),
        "coinbase_commerce" => build(providers::coinbase_commerce(), secret),
        "lemon_squeezy" => build(providers::lemon_squeezy(), secret),
        "razorpay" => build(providers::razorpay(), secret),
        "sentry" => build(providers::sentry(), secret),
        "mux" => build(providers::mux(), secret),
        "typeform" => build(providers::typeform(), secret),
        "bitbucket" => build(providers::bitbucket(), secret),
        "paystack" => build(providers::paystack(), secret),
        "woocommerce" => build(providers::woocommerce(), secret),
        "gocardless" => build(providers::gocardless(), secret),
        "xero" => build(providers::xero(), secret),
        "quickbooks" => build(providers::quickbooks(), secret),
        "line" => build(providers::line(), secret),
        "viber" => build(providers::viber(), secret),
        "alchemy" => build(providers::alchemy(), secret),
        "gitea" => build(providers::gitea(), secret),
        "terraform_cloud" => build(providers::terraform_cloud(), secret),
        "heroku" => build(providers::heroku(), secret),
        "checkout_com" => build(providers::checkout_com(), secret),
        "maxio" => build(providers::maxio(), secret),
        "cal_com" => build(providers::cal_com(), secret),
        "circleci" => build(providers::circleci(), secret),
        "notion" => build(providers::notion(), secret),
        "asana" => build(providers::asana(), secret),
        "intercom" => build(providers::intercom(), secret),
        "vercel" => build(providers::vercel(), secret),
        "trello" => build(providers::trello().public_url(PUBLIC), secret),
        "calendly" => build(providers::calendly(), secret),
        "workos" => build(providers::workos(), secret),
        "buildkite" => build(providers::buildkite(), secret),
        "elevenlabs" => build(providers::elevenlabs(), secret),
        "webflow" => build(providers::webflow(), secret),
        "customer_io" => build(providers::customer_io(), secret),
        "zendesk" => build(providers::zendesk(), secret),
        "recurly" => build(providers::recurly(), secret),
        "docusign" => build(providers::docusign(), secret),
        "squarespace" => build(providers::squarespace(), secret),
        "hubspot" => build(providers::hubspot().public_url(PUBLIC), secret),
        other => panic!("no preset {other}"),
    }
}

#[test]
fn independently_computed_vectors_verify() {
    for (preset, secret, header, value, extra) in VECTORS {
        let mut builder = http::Request::post("https://hooks.example.com/hook")
            .header(*header, *value)
            .header("content-type", "application/json");
        for (name, value) in *extra {
            builder = builder.header(*name, *value);
        }
        let request = builder.body(Bytes::from_static(BODY.as_bytes())).unwrap();
        verifier(preset, secret)
            .verify(&request)
            .unwrap_or_else(|e| panic!("{preset}: {e}"));
        // And the same signature under another secret does not (Squarespace's secrets
        // are hexadecimal).
        let another = match *preset {
            "squarespace" => "ff".repeat(32),
            _ => "another secret".to_owned(),
        };
        let other = verifier(preset, &another);
        assert!(other.verify(&request).is_err(), "{preset}");
    }
}

/// Ed25519 and ECDSA signatures made by Node's `crypto` module (OpenSSL), independently of
/// the crate and its dependencies:
///
/// ```text
/// node -e 'const c=require("crypto"); /* key from the seed / PKCS#8 below */
///          c.sign(null, Buffer.from(timestamp + body), ed25519Key).toString("hex");
///          c.sign("sha256", Buffer.from(timestamp + body), p256Key).toString("base64")'
/// ```
#[test]
fn asymmetric_signatures_made_by_openssl_verify() {
    // Public key of the Ed25519 seed 769b93a3…7e375cad.
    let discord = build(
        providers::discord(),
        "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c",
    );
    let request = http::Request::post("/interactions")
        .header("x-signature-timestamp", "1700000000")
        .header("x-signature-ed25519", "8aa1e459b6a90aea31e5a74c4efbae76714237d98212ba9e8464e1b7ad067743459fcec3d22e98eada9cff90d23500b4c0210c3ef8999dd0d4ecfd8e5f6d6e01")
        .body(Bytes::from_static(br#"{"id":"int_1","type":2}"#))
        .unwrap();
    let delivery = discord
        .verify(&request)
        .expect("OpenSSL Ed25519 signature verifies");
    assert_eq!(delivery.id(), "int_1");
    assert_eq!(delivery.event_type(), Some("2"));

    let sendgrid = build(
        providers::sendgrid(),
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE26MT2N76wcb0jC0tFG+vNDrc56ia5mFrAGO7I35ir3SWrLgBaBUtusOvmT/M/uG+V688/4vr7HcTHomZW9cvnw==",
    );
    let request = http::Request::post("/sendgrid")
        .header("x-twilio-email-event-webhook-timestamp", "1700000000")
        .header("x-twilio-email-event-webhook-signature", "MEQCIBmwg+NUSejPtMb5QwJsRDBKy6sXwJfuLU/lV3r+XHMLAiA7L1+Kvr6LwDhfyGBPT0hoeUiCm7satp+rcDKskY5lZw==")
        .body(Bytes::from_static(b"[{\"sg_event_id\":\"e1\",\"event\":\"delivered\"}]\r\n"))
        .unwrap();
    sendgrid
        .verify(&request)
        .expect("OpenSSL ECDSA signature verifies");
}
