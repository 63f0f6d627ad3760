//! An HS256 scheme's secret is the shared HMAC key: a public key configured there would let
//! anyone who holds the public key sign (the algorithm-confusion mistake). Public keys are
//! refused in every form a person may paste one: PEM, JWK, and DER (SubjectPublicKeyInfo,
//! PKCS#1 `RSAPublicKey`) as raw bytes, base64 (standard or URL-safe, padded or not, in
//! lines) or hex. Ordinary secrets in those encodings are still accepted.

use base64::Engine as _;
use tower_webhook::{providers, Secret, Verifier};

/// An RSA-2048 public key as SubjectPublicKeyInfo DER, base64.
const RSA_SPKI: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyVUIXpkfWfmbAZ7J/82KcHvhoeE3sgENPrOGZ1bYvA74kF4izJfdTPG6A5Jhi90C4scf5ntWNqH632R53DUrLf0Zw8lxO5VcnrdViBibl0W4DUwJculk8bT31g0wHluhEFn+Wcta5djCOn0fOlQR2TQR5btnvSnVhZEHzzM6MK09hXq9gKUabkMpvalDGMorV+nxTPTc9ZqCnAAjRdJMEcPO+k8EigW8HxY8sAN2+b7CFgN0/VlSLRWzoyo0d06ncfimdYam0R2NENDw7CPeLxv9wy+Eksw+BRKkpFC1l0hVqtGtZ9Q06YyAbVsyFZwzrALnh212B89gGwMokdtSwwIDAQAB";
/// The same key as PKCS#1 `RSAPublicKey` DER, base64.
const RSA_PKCS1: &str = "MIIBCgKCAQEAyVUIXpkfWfmbAZ7J/82KcHvhoeE3sgENPrOGZ1bYvA74kF4izJfdTPG6A5Jhi90C4scf5ntWNqH632R53DUrLf0Zw8lxO5VcnrdViBibl0W4DUwJculk8bT31g0wHluhEFn+Wcta5djCOn0fOlQR2TQR5btnvSnVhZEHzzM6MK09hXq9gKUabkMpvalDGMorV+nxTPTc9ZqCnAAjRdJMEcPO+k8EigW8HxY8sAN2+b7CFgN0/VlSLRWzoyo0d06ncfimdYam0R2NENDw7CPeLxv9wy+Eksw+BRKkpFC1l0hVqtGtZ9Q06YyAbVsyFZwzrALnh212B89gGwMokdtSwwIDAQAB";
/// A P-256 public key (the published example key of tests/it/jwt.rs) as SubjectPublicKeyInfo.
const EC_SPKI: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE26MT2N76wcb0jC0tFG+vNDrc56ia5mFrAGO7I35ir3SWrLgBaBUtusOvmT/M/uG+V688/4vr7HcTHomZW9cvnw==";
/// An Ed25519 public key as SubjectPublicKeyInfo.
const ED25519_SPKI: &str = "MCowBQYDK2VwAyEAz+Im+FcyiUL2hxVWeA+jsKaQy3S1k96PwxU+mx8QcaI=";

fn der(base64: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(base64)
        .unwrap()
}

/// Every form of `der` a person may paste as a secret.
fn forms(der: &[u8]) -> Vec<(&'static str, Secret)> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let standard = STANDARD.encode(der);
    let in_lines = standard
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    vec![
        ("raw DER", Secret::new(der.to_vec())),
        ("base64", Secret::new(standard)),
        (
            "base64 without padding",
            Secret::new(STANDARD_NO_PAD.encode(der)),
        ),
        ("URL-safe base64", Secret::new(URL_SAFE.encode(der))),
        (
            "URL-safe base64 without padding",
            Secret::new(URL_SAFE_NO_PAD.encode(der)),
        ),
        ("base64 in 64-character lines", Secret::verbatim(in_lines)),
        ("hex", Secret::new(hex::encode(der))),
        ("upper-case hex", Secret::new(hex::encode_upper(der))),
    ]
}

#[test]
fn a_der_public_key_in_any_encoding_is_refused_as_an_hs256_secret() {
    for (key, base64) in [
        ("an RSA SubjectPublicKeyInfo", RSA_SPKI),
        ("a PKCS#1 RSAPublicKey", RSA_PKCS1),
        ("a P-256 SubjectPublicKeyInfo", EC_SPKI),
        ("an Ed25519 SubjectPublicKeyInfo", ED25519_SPKI),
    ] {
        for (form, secret) in forms(&der(base64)) {
            let error = Verifier::new(providers::vonage(), secret)
                .map(drop)
                .expect_err(&format!("{key} as {form} was accepted"));
            assert!(
                error.to_string().contains("not a public key"),
                "{key} as {form}: {error}"
            );
        }
    }
}

#[test]
fn ordinary_hs256_secrets_are_still_accepted() {
    // Random key bytes in each encoding a dashboard hands out, and a text secret.
    let random: Vec<u8> = (0u8..32)
        .map(|i| i.wrapping_mul(73).wrapping_add(41))
        .collect();
    let mut accepted: Vec<(&str, Secret)> = forms(&random);
    accepted.push((
        "text",
        Secret::new("example vonage signature secret, never use"),
    ));
    // DER that is not a public key: an INTEGER, a SEQUENCE of one INTEGER.
    accepted.push(("a DER integer", Secret::new(vec![0x02, 0x01, 0x05])));
    accepted.push(("hex of a DER sequence", Secret::new("3003020105")));
    for (form, secret) in accepted {
        assert!(
            Verifier::new(providers::vonage(), secret).is_ok(),
            "{form} was refused"
        );
    }
}
