//! The JWT presets (Plaid ES256, Vonage HS256) and a generic HS256 scheme with an issuer,
//! fed arbitrary header values, tokens assembled from arbitrary parts (any `alg`, `kid`,
//! claims and signature bytes) and tokens the harness signs itself with the right HS256
//! key over arbitrary claims: nothing panics, and whatever is accepted carries the
//! scheme's algorithm and the body's own SHA-256, and was signed with the key.
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use arbitrary::Arbitrary;
use base64::Engine as _;
use hmac::{KeyInit, Mac};
use http::HeaderName;
use libfuzzer_sys::fuzz_target;
use sha2::Digest;
use tower_webhook::scheme::{JwtAlgorithm, JwtScheme};
use tower_webhook::{providers, Scheme, Signer, Verifier};

const NOW: u64 = 1_700_000_000;
const SECRET: &str = "fuzz JWT secret";
const PLAID_PRIVATE: &str = r#"{"kty":"EC","crv":"P-256","kid":"example-key-never-use-in-production","x":"26MT2N76wcb0jC0tFG-vNDrc56ia5mFrAGO7I35ir3Q","y":"lqy4AWgVLbrDr5k_zP7hvlevPP-L6-x3Ex6JmVvXL58","d":"2ZiRbsQeKPRRrCda4siCwFqbRwslq9Sh-fWnall1URM"}"#;
const PLAID_PUBLIC: &str = r#"{"kty":"EC","crv":"P-256","kid":"example-key-never-use-in-production","x":"26MT2N76wcb0jC0tFG-vNDrc56ia5mFrAGO7I35ir3Q","y":"lqy4AWgVLbrDr5k_zP7hvlevPP-L6-x3Ex6JmVvXL58"}"#;

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
}

fn generic() -> JwtScheme {
    JwtScheme::new(
        "generic",
        HeaderName::from_static("x-webhook-signature"),
        JwtAlgorithm::Hs256,
        "sha256",
    )
    .issuer("fuzz")
    .issued_at()
    .max_token_length(512)
}

/// (verifier, header, bearer, HS256 claim name of the body hash, HS256?)
fn verifiers() -> Vec<(Verifier, &'static str, bool, &'static str, bool)> {
    let build = |scheme: Box<dyn Scheme<Key = tower_webhook::scheme::SchemeKey>>, secret: &str| {
        Verifier::builder(scheme)
            .secrets([secret])
            .clock(now)
            .build()
            .expect("valid fuzz key")
    };
    vec![
        (
            build(Box::new(providers::plaid()), PLAID_PUBLIC),
            "plaid-verification",
            false,
            "request_body_sha256",
            false,
        ),
        (
            build(Box::new(providers::vonage()), SECRET),
            "authorization",
            true,
            "payload_hash",
            true,
        ),
        (build(Box::new(generic()), SECRET), "x-webhook-signature", false, "sha256", true),
    ]
}

#[derive(Arbitrary, Debug)]
enum Token<'a> {
    /// Any header value at all.
    Raw(&'a [u8]),
    /// A token from parts: an `alg`, a `kid`, claims and signature bytes.
    Parts {
        alg: u8,
        kid: Option<&'a str>,
        claims: Claims<'a>,
        signature: &'a [u8],
    },
    /// Claims signed by the harness with the HS256 key (the right one, or not).
    SignedHs256 { claims: Claims<'a>, right_key: bool },
    /// A delivery signed by the crate's own signer, at an arbitrary time.
    Signer { seconds: i32 },
}

#[derive(Arbitrary, Debug)]
struct Claims<'a> {
    iat: Option<i64>,
    iss: Option<&'a str>,
    hash: Option<Hash<'a>>,
    jti: Option<&'a str>,
    junk: Option<&'a str>,
}

#[derive(Arbitrary, Debug)]
enum Hash<'a> {
    OfTheBody,
    OfTheBodyUpper,
    Text(&'a str),
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    scheme: u8,
    token: Token<'a>,
    bearer: bool,
    body: &'a [u8],
}

const ALGS: [&str; 8] = ["HS256", "ES256", "none", "None", "RS256", "HS512", "ES384", "EdDSA"];

fn b64(bytes: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn body_hash(body: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(body))
}

fn claims_json(claims: &Claims<'_>, hash_claim: &str, body: &[u8]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    if let Some(iat) = claims.iat {
        // Mostly near NOW, so that the tolerance is crossed both ways.
        let iat = if iat.unsigned_abs() < 1000 { NOW as i64 + iat } else { iat };
        map.insert("iat".into(), iat.into());
    }
    if let Some(iss) = claims.iss {
        map.insert("iss".into(), iss.into());
    }
    match &claims.hash {
        Some(Hash::OfTheBody) => {
            map.insert(hash_claim.into(), body_hash(body).into());
        }
        Some(Hash::OfTheBodyUpper) => {
            map.insert(hash_claim.into(), body_hash(body).to_uppercase().into());
        }
        Some(Hash::Text(text)) => {
            map.insert(hash_claim.into(), (*text).into());
        }
        None => {}
    }
    if let Some(jti) = claims.jti {
        map.insert("jti".into(), jti.into());
    }
    if let Some(junk) = claims.junk {
        map.insert("junk".into(), junk.into());
    }
    serde_json::Value::Object(map)
}

fn hs256(header: &serde_json::Value, claims: &serde_json::Value, key: &[u8]) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(mac.finalize().into_bytes()))
}

fuzz_target!(|input: Input<'_>| {
    static VERIFIERS: OnceLock<Vec<(Verifier, &'static str, bool, &'static str, bool)>> =
        OnceLock::new();
    let verifiers = VERIFIERS.get_or_init(verifiers);
    let index = usize::from(input.scheme) % verifiers.len();
    let (verifier, header, bearer, hash_claim, is_hs256) = &verifiers[index];
    let body = bytes::Bytes::copy_from_slice(input.body);

    let mut request = http::Request::post("/hook")
        .body(body.clone())
        .expect("request");
    // Whether the harness signed it with the scheme's own key (then it may verify).
    let mut signed_with_key = false;
    let value: Vec<u8> = match &input.token {
        Token::Raw(raw) => raw.to_vec(),
        Token::Parts {
            alg,
            kid,
            claims,
            signature,
        } => {
            let mut head = serde_json::json!({ "alg": ALGS[usize::from(*alg) % ALGS.len()] });
            if let Some(kid) = kid {
                head["kid"] = (*kid).into();
            }
            let claims = claims_json(claims, hash_claim, &body);
            format!("{}.{}.{}", b64(head.to_string()), b64(claims.to_string()), b64(signature))
                .into_bytes()
        }
        Token::SignedHs256 { claims, right_key } => {
            signed_with_key = *right_key && *is_hs256;
            let key: &[u8] = if *right_key { SECRET.as_bytes() } else { PLAID_PUBLIC.as_bytes() };
            hs256(
                &serde_json::json!({ "alg": "HS256", "typ": "JWT" }),
                &claims_json(claims, hash_claim, &body),
                key,
            )
            .into_bytes()
        }
        Token::Signer { seconds } => {
            let at = if *seconds >= 0 {
                now() + Duration::from_secs(u64::from(seconds.unsigned_abs()))
            } else {
                now() - Duration::from_secs(u64::from(seconds.unsigned_abs()))
            };
            let signer = match index {
                0 => Signer::new(providers::plaid(), PLAID_PRIVATE).unwrap(),
                1 => Signer::new(providers::vonage(), SECRET).unwrap(),
                _ => Signer::new(generic(), SECRET).unwrap(),
            };
            let Ok(signed) = signer.sign_with(request, "fuzz-id", at) else {
                return;
            };
            let accepted = verifier.verify(&signed).is_ok();
            // The crate's own signature verifies exactly when it is fresh.
            assert_eq!(accepted, seconds.unsigned_abs() <= 300, "{signed:?}");
            return;
        }
    };
    let mut value = value;
    if *bearer && input.bearer {
        let mut prefixed = b"Bearer ".to_vec();
        prefixed.extend_from_slice(&value);
        value = prefixed;
    }
    let Ok(value) = http::HeaderValue::from_bytes(&value) else {
        return;
    };
    request
        .headers_mut()
        .insert(HeaderName::from_static(header), value.clone());
    let Ok(delivery) = verifier.verify(&request) else {
        return;
    };
    assert!(signed_with_key, "forged token accepted: {value:?}");
    // What was accepted carries the scheme's algorithm and the body's own hash.
    let text = value.to_str().expect("accepted as text");
    let token = text.strip_prefix("Bearer ").unwrap_or(text);
    let claims: serde_json::Value = token
        .split('.')
        .nth(1)
        .and_then(|part| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).ok())
        .and_then(|json| serde_json::from_slice(&json).ok())
        .expect("claims of an accepted token");
    assert_eq!(claims[*hash_claim], body_hash(&body), "{claims}");
    let iat = claims["iat"].as_u64().expect("an iat");
    assert!(iat.abs_diff(NOW) <= 300, "{iat}");
    assert_eq!(delivery.timestamp(), Some(SystemTime::UNIX_EPOCH + Duration::from_secs(iat)));
});
