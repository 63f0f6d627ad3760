#!/usr/bin/env bash
# Regenerates tests/fixtures/jwt_vectors.json: Plaid and Vonage deliveries signed
# independently of this crate, with PyJWT 2.10.1 and cryptography (PyPI), each with what
# the provider's own reference check says of it:
# - Vonage: `verify_signature` of the official `vonage-jwt` 1.1.5 SDK (HS256 with the
#   signature secret; it checks the signature only, not `payload_hash` or `iat`).
# - Plaid: no SDK verifies webhooks (plaid-python only fetches the key), so the recipe of
#   Plaid's "Verify webhooks" page and its Python example is replayed with PyJWT: `alg`
#   must be ES256, the key chosen by `kid`, `iat` not older than 5 minutes, and
#   `request_body_sha256` equal to the body's hex SHA-256 (hmac.compare_digest).
# tests/it/jwt.rs checks the crate agrees with each (and says where it is stricter).
#
#     bash scripts/jwt_vectors.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet PyJWT==2.10.1 cryptography==50.0.2 vonage-jwt==1.1.5
"$tmp/venv/bin/python" - >tests/fixtures/jwt_vectors.json <<'PY'
import base64, hashlib, hmac, json
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives import serialization
from vonage_jwt.verify_jwt import verify_signature

NOW = 1_700_000_000

def b64(n):
    return base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()

def p256(d_b64):
    d = int.from_bytes(base64.urlsafe_b64decode(d_b64 + "=" * (-len(d_b64) % 4)), "big")
    return ec.derive_private_key(d, ec.SECP256R1())

def public_jwk(key, kid):
    n = key.public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "kid": kid, "x": b64(n.x), "y": b64(n.y)}

# The example key pairs of tests/it/presets.rs (published; never for production).
KEY1 = p256("2ZiRbsQeKPRRrCda4siCwFqbRwslq9Sh-fWnall1URM")
KEY2 = p256("50gUqi6FEPAhOUviwNsWyKgoz26shSFSmkXMkptFEFY")
KID1, KID2 = "example-key-never-use-in-production", "second-key"
JWK1, JWK2 = public_jwk(KEY1, KID1), public_jwk(KEY2, KID2)
JWK1_TEXT = json.dumps(JWK1, separators=(",", ":"))
SET_TEXT = json.dumps({"keys": [JWK1, JWK2]}, separators=(",", ":"))
PLAID_BODY = '{"webhook_type":"TRANSACTIONS","webhook_code":"SYNC_UPDATES_AVAILABLE","item_id":"wz666MBjYWTp2PDzzggYhM6oWWmBb","initial_update_complete":true,"historical_update_complete":false,"environment":"sandbox"}'

def sha(body):
    return hashlib.sha256(body.encode()).hexdigest()

def segment(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()

def hs256_raw(header, claims, key_bytes):
    signing_input = segment(header) + "." + segment(claims)
    tag = hmac.new(key_bytes, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(tag).rstrip(b"=").decode()

def plaid_reference(token, body, jwks):
    """Plaid's documented recipe, with PyJWT in place of python-jose."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "ES256":
            return False
        jwk = next((k for k in jwks if k["kid"] == header.get("kid")), None)
        if jwk is None:
            return False
        key = jwt.PyJWK(dict(jwk, alg="ES256")).key
        claims = jwt.decode(token, key, algorithms=["ES256"])
        if claims["iat"] < NOW - 5 * 60:
            return False
        return hmac.compare_digest(sha(body), claims["request_body_sha256"])
    except Exception:
        return False

def plaid(name, token, expect, keys=(JWK1_TEXT,), body=PLAID_BODY, jwks=None):
    # The reference has the keys this crate is configured with (Plaid's SDKs fetch them).
    if jwks is None:
        jwks = [k for text in keys for k in json.loads(text).get("keys", [json.loads(text).get("key", json.loads(text))])]
    return {"name": name, "preset": "plaid", "keys": list(keys), "body": body,
            "header": "plaid-verification", "value": token, "now": NOW, "expect": expect,
            "reference_accepts": plaid_reference(token, body, list(jwks))}

def es256(key, kid, claims, alg="ES256"):
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})

rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
public_pem = KEY1.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
good_claims = {"iat": NOW - 10, "request_body_sha256": sha(PLAID_BODY)}
vectors = [
    plaid("plaid: signed with the configured key", es256(KEY1, KID1, good_claims), "ok"),
    plaid("plaid: JWK set, second key chosen by kid", es256(KEY2, KID2, good_claims), "ok", keys=[SET_TEXT]),
    plaid("plaid: /webhook_verification_key/get response as the key",
          es256(KEY1, KID1, good_claims), "ok",
          keys=[json.dumps({"key": dict(JWK1, alg="ES256", use="sig", created_at=1560466143, expired_at=None), "request_id": "HvfCtrDLG1ihcp7"})]),
    plaid("plaid: hash of another body", es256(KEY1, KID1, {"iat": NOW - 10, "request_body_sha256": sha(PLAID_BODY + " ")}), "signature_mismatch"),
    plaid("plaid: hash in upper case", es256(KEY1, KID1, {"iat": NOW - 10, "request_body_sha256": sha(PLAID_BODY).upper()}), "signature_mismatch"),
    plaid("plaid: issued 301 s ago", es256(KEY1, KID1, {"iat": NOW - 301, "request_body_sha256": sha(PLAID_BODY)}), "timestamp_expired"),
    plaid("plaid: signed by the second key, kid of the first", es256(KEY2, KID1, good_claims), "signature_mismatch", keys=[SET_TEXT]),
    plaid("plaid: signed by a key not configured", es256(KEY2, KID2, good_claims), "signature_mismatch"),
    plaid("plaid: alg none", jwt.encode(good_claims, None, algorithm="none", headers={"kid": KID1}), "signature_mismatch"),
    plaid("plaid: HS256 keyed with the configured public JWK text",
          hs256_raw({"alg": "HS256", "kid": KID1, "typ": "JWT"}, good_claims, JWK1_TEXT.encode()), "signature_mismatch"),
    plaid("plaid: HS256 keyed with the public key PEM",
          hs256_raw({"alg": "HS256", "kid": KID1, "typ": "JWT"}, good_claims, public_pem), "signature_mismatch"),
    plaid("plaid: RS256 token", jwt.encode(good_claims, rsa_key, algorithm="RS256", headers={"kid": KID1}), "signature_mismatch"),
]

VONAGE_SECRET = "example vonage signature secret, never use"
VONAGE_BODY = '{"message_uuid":"aaaaaaaa-bbbb-cccc-dddd-0123456789ab","to":"447700900000","from":"447700900001","timestamp":"2023-11-14T22:13:20Z","status":"delivered","channel":"sms"}'

def vonage(name, token, expect, secret=VONAGE_SECRET, prefix="Bearer ", body=VONAGE_BODY, id=None):
    try:
        sdk = verify_signature(token, VONAGE_SECRET)
    except Exception:
        sdk = False
    v = {"name": name, "preset": "vonage", "keys": [secret], "body": body,
         "header": "authorization", "value": prefix + token, "now": NOW, "expect": expect,
         "reference_accepts": sdk}
    if id:
        v["id"] = id
    return v

vclaims = {"iat": NOW - 10, "jti": "c5ba8f24-1a14-4c10-bfdf-3fbe8ce511b5", "iss": "Vonage",
           "payload_hash": sha(VONAGE_BODY), "api_key": "a1b2c3d4",
           "application_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}
vectors += [
    vonage("vonage: signed with the signature secret", jwt.encode(vclaims, VONAGE_SECRET, algorithm="HS256"), "ok", id=vclaims["jti"]),
    vonage("vonage: bearer in lower case", jwt.encode(vclaims, VONAGE_SECRET, algorithm="HS256"), "ok", prefix="bearer "),
    vonage("vonage: another secret", jwt.encode(vclaims, "another secret", algorithm="HS256"), "signature_mismatch"),
    # The SDK checks the signature only; the crate also checks payload_hash and iat.
    vonage("vonage: payload_hash of another body", jwt.encode(dict(vclaims, payload_hash=sha(VONAGE_BODY + " ")), VONAGE_SECRET, algorithm="HS256"), "signature_mismatch"),
    vonage("vonage: no iat", jwt.encode({k: v for k, v in vclaims.items() if k != "iat"}, VONAGE_SECRET, algorithm="HS256"), "signature_mismatch"),
    vonage("vonage: alg none", jwt.encode(vclaims, None, algorithm="none"), "signature_mismatch"),
    vonage("vonage: ES256 token", jwt.encode(vclaims, KEY1, algorithm="ES256"), "signature_mismatch"),
    vonage("vonage: no Bearer prefix", jwt.encode(vclaims, VONAGE_SECRET, algorithm="HS256"), "malformed_header", prefix=""),
]
json.dump({"generator": "PyJWT 2.10.1 + cryptography; Vonage reference: vonage-jwt 1.1.5 verify_signature; Plaid reference: its documented recipe",
           "vectors": vectors}, __import__("sys").stdout, indent=2)
print()
PY
echo "wrote tests/fixtures/jwt_vectors.json"
