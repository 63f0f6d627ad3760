//! RSA and certificates (features `rsa`, `paypal`): the RSA key parser (PEM and DER,
//! SubjectPublicKeyInfo and PKCS#1) and the Wise preset's signature header and body; the
//! PayPal certificate URL allow-list, the certificate chain parser and validator, and
//! PayPal's headers against a fixed certificate. Nothing panics, no URL off PayPal's hosts
//! is allowed, no arbitrary chain is trusted, and no forged delivery verifies.
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
    /// A `PAYPAL-CERT-URL`.
    CertUrl(&'a str),
    /// Bytes given as a PayPal certificate chain, raw or as PEM certificates.
    Certificate { bytes: &'a [u8], armour: bool },
    /// PayPal's headers and a body, for the fixed test certificate.
    PayPal { headers: [&'a str; 4], body: &'a [u8] },
}

const PUBLIC: &str = include_str!("../../tests/fixtures/rsa/test_public.pem");
const CA: &[u8] = include_bytes!("../../tests/fixtures/paypal/test_ca.pem");
const CHAIN: &[u8] = include_bytes!("../../tests/fixtures/paypal/leaf_chain.pem");
const HOSTS: [&str; 4] = [
    "https://api.paypal.com/",
    "https://api-m.paypal.com/",
    "https://api.sandbox.paypal.com/",
    "https://api-m.sandbox.paypal.com/",
];

fn paypal() -> providers::paypal::PayPal {
    use rustls_pki_types::pem::PemObject;
    let roots: Vec<_> = rustls_pki_types::CertificateDer::pem_slice_iter(CA)
        .collect::<Result<_, _>>()
        .expect("test root");
    providers::paypal("1JE4291016473214C").trust_anchors(&roots)
}

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
        Input::CertUrl(url) => {
            if providers::paypal::is_cert_url(url) {
                assert!(
                    HOSTS.iter().any(|host| url.starts_with(host)),
                    "allowed off PayPal's hosts: {url:?}"
                );
            }
        }
        Input::Certificate { bytes, armour } => {
            let chain = if armour { pem("CERTIFICATE", bytes) } else { bytes.to_vec() };
            assert!(
                Verifier::new(paypal(), chain).is_err(),
                "an arbitrary chain was trusted"
            );
        }
        Input::PayPal { headers, body } => {
            static PAYPAL: OnceLock<Verifier> = OnceLock::new();
            let verifier =
                PAYPAL.get_or_init(|| Verifier::new(paypal(), CHAIN.to_vec()).expect("chain"));
            let names = [
                "paypal-transmission-id",
                "paypal-transmission-time",
                "paypal-transmission-sig",
                "paypal-auth-algo",
            ];
            let mut request = http::Request::post("https://hooks.example.com/");
            for (name, value) in names.iter().zip(headers) {
                request = request.header(*name, value);
            }
            let Ok(request) = request.body(Bytes::copy_from_slice(body)) else {
                return;
            };
            assert!(verifier.verify(&request).is_err(), "a forged PayPal delivery verified");
        }
    }
});

fn pem(label: &str, bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n").into_bytes()
}
