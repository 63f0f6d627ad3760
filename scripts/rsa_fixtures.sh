#!/usr/bin/env bash
# Regenerates the RSA test fixtures in tests/fixtures/rsa/ with OpenSSL, independently of
# the crate (tests/it/rsa.rs reads them):
# - test keys (never for production: they are published here): a 2048-bit PKCS#8 private
#   key with its public key as SubjectPublicKeyInfo and PKCS#1, PEM and DER; a 1024-bit and
#   a 4096-bit public key (the first is refused at configuration);
# - wise_vector.txt: the base64 RSA-SHA256 (PKCS#1 v1.5) signature `openssl dgst -sha256
#   -sign` makes of wise_body.json with the 2048-bit key, as Wise's `X-Signature-SHA256`.
# Keys are random: re-running changes every file, and the tests still pass with the new ones.
set -euo pipefail
dir="$(dirname "$0")/../tests/fixtures/rsa"
mkdir -p "$dir"
cd "$dir"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out test_private.pem 2>/dev/null
openssl pkey -in test_private.pem -pubout -out test_public.pem
openssl pkey -in test_private.pem -pubout -outform DER -out test_public.der
openssl rsa -in test_private.pem -RSAPublicKey_out -out test_public_pkcs1.pem 2>/dev/null
openssl rsa -in test_private.pem -traditional -out test_private_pkcs1.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 2>/dev/null | openssl pkey -pubout -out test_public_1024.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out test_private_4096.pem 2>/dev/null
openssl pkey -in test_private_4096.pem -pubout -out test_public_4096.pem

printf '%s' '{"data":{"resource":{"id":111,"profile_id":222,"account_id":333,"type":"transfer"},"current_state":"processing","previous_state":"incoming_payment_waiting","occurred_at":"2020-01-01T12:34:56Z"},"subscription_id":"01234567-89ab-cdef-0123-456789abcdef","event_type":"transfers#state-change","schema_version":"2.0.0","sent_at":"2020-01-01T12:34:56Z"}' > wise_body.json
openssl dgst -sha256 -sign test_private.pem wise_body.json | base64 -w0 > wise_vector.txt
# The same check with OpenSSL itself, so a bad fixture fails here, not in the tests.
base64 -d wise_vector.txt | openssl dgst -sha256 -verify test_public.pem -signature /dev/stdin wise_body.json >/dev/null
echo "rsa fixtures: ok ($(pwd))"
