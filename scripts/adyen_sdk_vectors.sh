#!/usr/bin/env bash
# Regenerates tests/fixtures/adyen_sdk.json: Adyen notifications signed by Adyen's own
# library, `HmacValidator.calculateHmac` of @adyen/api-library 32.1.0 (npm pack; only
# lib/src/utils/hmacValidator.js and the constants it reads are loaded, which need node's
# standard library alone), each also checked with its `validateHMAC`. tests/it/adyen.rs checks
# the crate agrees on each one.
#
#     bash scripts/adyen_sdk_vectors.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @adyen/api-library@32.1.0 >/dev/null && tar xzf adyen-api-library-32.1.0.tgz)
VALIDATOR="$tmp/package/lib/src/utils/hmacValidator.js" node - >tests/fixtures/adyen_sdk.json <<'JS'
const HmacValidator = require(process.env.VALIDATOR).default;
const validator = new HmacValidator();
// A 32-byte key in hex, as the Customer Area shows it (never a real one).
const key = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
const otherKey = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA057";
const base = {
  additionalData: { authCode: "1234", cardSummary: "7777" },
  amount: { currency: "EUR", value: 1130 },
  eventCode: "AUTHORISATION",
  eventDate: "2026-11-26T10:00:00+01:00",
  merchantAccountCode: "YOUR_MERCHANT_ACCOUNT",
  merchantReference: "order-1042",
  paymentMethod: "visa",
  pspReference: "QFQTPCQ8HXSKGK82",
  reason: "1234:7777:12/2012",
  success: "true",
};
const cases = [
  { name: "authorisation without originalReference", item: { ...base } },
  { name: "capture with originalReference", item: { ...base, eventCode: "CAPTURE",
      pspReference: "T7FD4VM4D3RZNN82", originalReference: "QFQTPCQ8HXSKGK82" } },
  { name: "merchant reference with a colon", item: { ...base, merchantReference: "shop:1042" } },
  { name: "unicode merchant reference", item: { ...base, merchantReference: "commande-é-1042" } },
  { name: "signed with another key", item: { ...base }, signKey: otherKey },
  { name: "amount changed after signing", item: { ...base }, tamper: (item) => { item.amount = { ...item.amount, value: 1131 }; } },
];
const vectors = cases.map((c) => {
  const item = JSON.parse(JSON.stringify(c.item));
  item.additionalData.hmacSignature = validator.calculateHmac(item, c.signKey || key);
  if (c.tamper) c.tamper(item);
  const sdk_accepts = validator.validateHMAC(item, key);
  const body = JSON.stringify({ live: "false", notificationItems: [{ NotificationRequestItem: item }] });
  return { name: c.name, data_to_sign: validator.getDataToSign(item), body, sdk_accepts };
});
process.stdout.write(JSON.stringify({ generator: "@adyen/api-library 32.1.0 HmacValidator", key, vectors }, null, 2) + "\n");
JS
echo "wrote tests/fixtures/adyen_sdk.json"
