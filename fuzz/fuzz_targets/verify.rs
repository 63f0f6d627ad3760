//! Arbitrary requests through every parser: verification and handshakes never panic, and
//! a forged request is never accepted.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    preset: u8,
    get: bool,
    path: &'a str,
    headers: Vec<(u8, &'a [u8])>,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    static VERIFIERS: OnceLock<Vec<tower_webhook::Verifier>> = OnceLock::new();
    static HEADERS: OnceLock<Vec<http::HeaderName>> = OnceLock::new();
    let verifiers = VERIFIERS.get_or_init(common::verifiers);
    let headers = HEADERS.get_or_init(common::headers);
    let verifier = &verifiers[usize::from(input.preset) % verifiers.len()];

    let mut builder = if input.get {
        http::Request::get("/")
    } else {
        http::Request::post("/")
    };
    if let Ok(uri) = http::Uri::try_from(format!("/{}", input.path)) {
        builder = builder.uri(uri);
    }
    for (name, value) in input.headers.iter().take(64) {
        let name = &headers[usize::from(*name) % headers.len()];
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            builder = builder.header(name.clone(), value);
        }
    }
    let Ok(request) = builder.body(bytes::Bytes::copy_from_slice(input.body)) else {
        return;
    };
    let _ = verifier.handshake(&request);
    if let Ok(delivery) = verifier.verify(&request) {
        // Only a token or credential scheme (GitLab, Telegram, Basic auth, API keys) can be
        // satisfied without a secret-derived value, and the fuzzer does not know the example
        // token... unless it finds it: then it is a real token match.
        assert!(
            matches!(
                delivery.provider(),
                "gitlab"
                    | "telegram"
                    | "basic_auth"
                    | "api_key"
                    | "api_key_query"
                    | "chargebee"
                    | "postmark"
            ),
            "forged {} delivery accepted: {request:?}",
            delivery.provider()
        );
    }
});
