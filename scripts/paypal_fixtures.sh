#!/usr/bin/env bash
# Regenerates the PayPal test PKI in tests/fixtures/paypal/ with OpenSSL (tests/it/paypal.rs
# reads it). Never for production: the private keys are published here.
# - test_ca.pem: a self-signed test root, the trust anchor the tests inject;
# - leaf_chain.pem: a 2048-bit leaf for messageverificationcerts.paypal.com (SAN, EKU
#   clientAuth, as PayPal's Java SDK checks client trust), issued by the test root, then
#   the root itself (what PAYPAL-CERT-URL serves: a PEM chain); leaf_key.pem its key;
# - sandbox_chain.pem: the same for messageverificationcerts.sandbox.paypal.com;
# - wrong_name_chain.pem: a leaf for www.paypal.com from the same root;
# - self_signed.pem: a self-signed messageverificationcerts.paypal.com (what a forger
#   makes), self_signed_key.pem its key;
# - vector.txt: transmission id, time, webhook id, CRC32 (decimal) of body.json, and the
#   base64 SHA256withRSA signature of `id|time|webhook_id|crc32` by leaf_key.pem, made by
#   `openssl dgst -sha256 -sign` (the CRC32 by Python's zlib.crc32).
set -euo pipefail
dir="$(dirname "$0")/../tests/fixtures/paypal"
mkdir -p "$dir"
cd "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca_key.pem" -out test_ca.pem \
  -days 7300 -subj "/CN=tower-webhook test root" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

leaf() { # name key_out chain_out
  openssl req -newkey rsa:2048 -nodes -keyout "$2" -out "$tmp/leaf.csr" -subj "/CN=$1" 2>/dev/null
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=clientAuth\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' "$1" > "$tmp/ext"
  openssl x509 -req -in "$tmp/leaf.csr" -CA test_ca.pem -CAkey "$tmp/ca_key.pem" -CAcreateserial \
    -CAserial "$tmp/serial" -days 3650 -sha256 -extfile "$tmp/ext" -out "$tmp/leaf.pem" 2>/dev/null
  cat "$tmp/leaf.pem" test_ca.pem > "$3"
}
leaf messageverificationcerts.paypal.com leaf_key.pem leaf_chain.pem
leaf messageverificationcerts.sandbox.paypal.com "$tmp/sandbox_key.pem" sandbox_chain.pem
leaf www.paypal.com "$tmp/wrong_key.pem" wrong_name_chain.pem
openssl req -x509 -newkey rsa:2048 -nodes -keyout self_signed_key.pem -out self_signed.pem \
  -days 3650 -subj "/CN=messageverificationcerts.paypal.com" \
  -addext "subjectAltName=DNS:messageverificationcerts.paypal.com" 2>/dev/null

printf '%s' '{"id":"WH-2WR32451HC0233532-67976317FL4543714","event_version":"1.0","create_time":"2026-11-26T05:00:00.000Z","resource_type":"capture","event_type":"PAYMENT.CAPTURE.COMPLETED","summary":"Payment completed for $ 7.47 USD","resource":{"id":"42311647XV020574X","status":"COMPLETED"}}' > body.json
id="a7c6bf30-cb5d-11f0-9e3c-5b1a8d5d6c2f"
time="2026-11-26T05:00:01Z"
webhook="1JE4291016473214C"
crc=$(python3 -c 'import sys, zlib; print(zlib.crc32(open("body.json", "rb").read()))')
printf '%s|%s|%s|%s' "$id" "$time" "$webhook" "$crc" > "$tmp/message"
sig=$(openssl dgst -sha256 -sign leaf_key.pem "$tmp/message" | base64 -w0)
printf '%s\n%s\n%s\n%s\n%s\n' "$id" "$time" "$webhook" "$crc" "$sig" > vector.txt
openssl verify -CAfile test_ca.pem <(openssl x509 -in leaf_chain.pem) >/dev/null
echo "paypal fixtures: ok ($(pwd))"
