//! Sign-then-verify holds for arbitrary bodies, ids and timestamps, and any change to one
//! body byte is rejected.
#![no_main]

use std::time::{Duration, SystemTime};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use tower_webhook::{providers, Scheme, Signer, Verifier};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    preset: u8,
    id: &'a str,
    seconds: u32,
    body: &'a [u8],
    flip: u16,
}

fn check<S: Scheme + Clone>(scheme: S, input: &Input<'_>) {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000 + u64::from(input.seconds));
    let Ok(signed) = Signer::new(scheme.clone(), "fuzz secret").sign_with(
        http::Request::post("https://hooks.example.com/hook")
            .body(bytes::Bytes::copy_from_slice(input.body))
            .expect("request"),
        input.id,
        at,
    ) else {
        return; // an id that cannot be a header value
    };
    let verifier = Verifier::builder(scheme)
        .secret("fuzz secret")
        .clock(move || at)
        .build()
        .expect("verifier");
    if let Err(rejection) = verifier.verify(&signed) {
        // Linear reads its timestamp from the body, which arbitrary bytes do not carry.
        assert!(
            verifier.provider() == "linear",
            "signed request rejected: {rejection}"
        );
        return;
    }
    if !input.body.is_empty() {
        let (parts, body) = signed.into_parts();
        let mut tampered = body.to_vec();
        let i = usize::from(input.flip) % tampered.len();
        tampered[i] ^= 0x01;
        let tampered = http::Request::from_parts(parts, bytes::Bytes::from(tampered));
        assert!(
            verifier.verify(&tampered).is_err(),
            "tampered body accepted"
        );
    }
}

fuzz_target!(|input: Input<'_>| {
    match input.preset % 8 {
        0 => check(providers::stripe(), &input),
        1 => check(providers::slack(), &input),
        2 => check(providers::github(), &input),
        3 => check(
            providers::paddle().default_tolerance(Duration::from_secs(300)),
            &input,
        ),
        4 => check(providers::shopify(), &input),
        5 => check(providers::twitch(), &input),
        6 => check(
            providers::hubspot()
                .public_url("https://hooks.example.com"),
            &input,
        ),
        _ => check(providers::zendesk(), &input),
    }
});
