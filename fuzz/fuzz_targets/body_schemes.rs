//! The parsers of the credential, Hookdeck, Adyen and Braintree schemes, fuzzed on their
//! own (the `verify` target reaches them too, among every preset): arbitrary headers,
//! query strings and bodies never panic, and a forged delivery is never accepted.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use http::HeaderName;
use libfuzzer_sys::fuzz_target;
use tower_webhook::scheme::CredentialScheme;
use tower_webhook::{providers, Verifier};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    scheme: u8,
    query: &'a str,
    headers: Vec<(u8, &'a [u8])>,
    body: &'a [u8],
}

const HEADERS: [&str; 6] = [
    "authorization",
    "x-api-key",
    "x-hookdeck-signature",
    "x-hookdeck-signature-2",
    "x-hookdeck-eventid",
    "content-type",
];

fn verifiers() -> Vec<Verifier> {
    let key = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
    vec![
        Verifier::new(providers::basic_auth(), "fuzz:password").expect("basic"),
        Verifier::new(
            CredentialScheme::api_key_header("bearer", http::header::AUTHORIZATION)
                .value_prefix("Bearer "),
            "fuzz key",
        )
        .expect("bearer"),
        Verifier::new(CredentialScheme::api_key_query("query", "key"), "fuzz key").expect("query"),
        Verifier::new(providers::hookdeck(), "fuzz key").expect("hookdeck"),
        Verifier::new(providers::adyen(), key).expect("adyen"),
        Verifier::new(providers::braintree(), "fuzz private key").expect("braintree"),
    ]
}

fuzz_target!(|input: Input<'_>| {
    static VERIFIERS: OnceLock<Vec<Verifier>> = OnceLock::new();
    let verifiers = VERIFIERS.get_or_init(verifiers);
    let verifier = &verifiers[usize::from(input.scheme) % verifiers.len()];
    let mut builder = http::Request::post("/hook");
    if let Ok(uri) = http::Uri::try_from(format!("/hook?{}", input.query)) {
        builder = builder.uri(uri);
    }
    for (name, value) in input.headers.iter().take(16) {
        let name = HeaderName::from_static(HEADERS[usize::from(*name) % HEADERS.len()]);
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            builder = builder.header(name, value);
        }
    }
    let Ok(request) = builder.body(bytes::Bytes::copy_from_slice(input.body)) else {
        return;
    };
    if let Ok(delivery) = verifier.verify(&request) {
        // Only a credential can be guessed without a secret-derived value: then it is a
        // real credential match, not a forgery.
        assert!(
            matches!(delivery.provider(), "basic_auth" | "bearer" | "query"),
            "forged {} delivery accepted: {request:?}",
            delivery.provider()
        );
    }
});
