//! RSA (feature `rsa`): the key parser (PEM and DER, SubjectPublicKeyInfo and PKCS#1) on
//! arbitrary bytes, and the Wise preset's signature header and body against a fixed key.
//! Nothing panics, no key outside the bounds is accepted, and no forged delivery verifies.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use tower_webhook::{providers, Verifier};

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    /// Bytes given as a public key, raw, or wrapped in PEM armour.
    Key { bytes: &'a [u8], armour: u8 },
    /// A delivery for the fixed key.
    Delivery { signature: &'a str, body: &'a [u8] },
}

const PUBLIC: &str = include_str!("../../tests/fixtures/rsa/test_public.pem");

fuzz_target!(|input: Input<'_>| {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    match input {
        Input::Key { bytes, armour } => {
            let key = match armour % 3 {
                0 => bytes.to_vec(),
                1 => pem("PUBLIC KEY", bytes),
                _ => pem("RSA PUBLIC KEY", bytes),
            };
            // Parsing never panics; whatever it accepts is a usable key.
            if let Ok(verifier) = Verifier::new(providers::wise(), key) {
                let request = http::Request::post("https://hooks.example.com/")
                    .header("x-signature-sha256", "AAAA")
                    .body(Bytes::from_static(b"{}"))
                    .expect("request");
                assert!(verifier.verify(&request).is_err());
            }
        }
        Input::Delivery { signature, body } => {
            let verifier =
                VERIFIER.get_or_init(|| Verifier::new(providers::wise(), PUBLIC).expect("key"));
            let Ok(request) = http::Request::post("https://hooks.example.com/")
                .header("x-signature-sha256", signature)
                .header("x-delivery-id", "fuzz")
                .body(Bytes::copy_from_slice(body))
            else {
                return;
            };
            assert!(verifier.verify(&request).is_err(), "a forged delivery verified");
        }
    }
});

fn pem(label: &str, bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n").into_bytes()
}
