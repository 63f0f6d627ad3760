//! Secrets never show: not in `Debug` of anything that holds one, not in errors, and every
//! comparison of secret-derived bytes in the crate goes through constant-time code.

use tower_webhook::replay::MemoryStore;
use tower_webhook::scheme::{Algorithm, SchemeKey, TokenScheme};
use tower_webhook::{providers, Scheme, Secret, Signer, Verifier, WebhookLayer};

const SECRET: &str = "whsec_S3cr3tValueThatMustNeverShow";

#[test]
fn debug_and_display_never_show_a_secret() {
    let secret = Secret::from(SECRET);
    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    assert_eq!(format!("{secret}"), "<redacted>");

    let builder = Verifier::builder(providers::stripe()).secret(SECRET);
    let verifier = Verifier::new(providers::stripe(), SECRET).unwrap();
    let layer = WebhookLayer::new(verifier.clone()).replay_store(MemoryStore::new());
    let signer = Signer::new(providers::stripe(), SECRET).unwrap();
    let key = SchemeKey::new(Algorithm::Sha256, SECRET.as_bytes()).unwrap();
    let token = TokenScheme::new("t", http::HeaderName::from_static("x-token"))
        .key(&Secret::from(SECRET))
        .unwrap();
    let meta = providers::meta(SECRET);
    for shown in [
        format!("{builder:?}"),
        format!("{verifier:?}"),
        format!("{layer:?}"),
        format!("{signer:?}"),
        format!("{key:?}"),
        format!("{token:?}"),
        format!("{meta:?}"),
    ] {
        assert!(!shown.contains("S3cr3t"), "secret in {shown}");
    }
}

#[test]
fn configuration_errors_never_show_a_secret() {
    let bad = "whsec_S3cr3t!!not-base64";
    let error = Verifier::new(providers::standard_webhooks(), bad).unwrap_err();
    assert!(!error.to_string().contains("S3cr3t"), "{error}");
    assert!(!format!("{error:?}").contains("S3cr3t"));
}

/// Every equality test in src/ on a value named like a signature, tag, MAC, digest, token
/// or secret must be a constant-time comparison (`ct_eq`). This scan fails when one is
/// written with `==` or `!=`.
#[test]
fn secret_derived_bytes_are_only_compared_in_constant_time() {
    const SENSITIVE: &[&str] = &[
        "tag",
        "signature",
        "mac",
        "digest",
        "token",
        "secret",
        "computed",
        "expected",
    ];
    // Comparisons that look sensitive but compare public, non-secret values.
    const ALLOWED: &[&str] = &[
        "tag.len()",                       // lengths are public
        "prefix == self.signature_prefix", // configuration, not request data
        "entry.seq",                       // replay-store bookkeeping
        "ARGV",                            // Lua script text
        "token.as_str().parse::<u64>()",   // memory store token (not secret-derived)
        "holder != token.as_str()",        // postgres store reservation token (likewise)
        "held != token.as_str()",          // redis store reservation token (likewise)
        "&ALGORITHM",                      // Box names its algorithm in a public header
        "matched == 1",                    // an index into a delivery's replay keys
        "matched_key != 0",                // the index of the key that verified
        "len == expected_len",             // a signature's length is public
        "signature.len() != self.size",    // an RSA signature's length is the key's, public
        "_RSA_SIGNATURE ==",               // constants checked at compile time
        "signature_len()",                 // an RSA key's modulus length, public
    ];
    let mut offenders = Vec::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut dirs = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for (n, line) in source.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if !(code.contains(" == ") || code.contains(" != ")) {
                    continue;
                }
                let lower = code.to_lowercase();
                if SENSITIVE.iter().any(|s| lower.contains(s))
                    && !ALLOWED.iter().any(|a| code.contains(a))
                {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "non-constant-time comparisons:\n{}",
        offenders.join("\n")
    );
}
