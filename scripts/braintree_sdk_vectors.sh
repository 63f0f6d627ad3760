#!/usr/bin/env bash
# Regenerates tests/fixtures/braintree_sdk.json: Braintree webhook bodies made by
# Braintree's own Node SDK (`webhookTesting.sampleNotification` of braintree 3.40.0), each
# checked with its `webhookNotification.parse`. Installed from npm into a temporary
# directory. tests/it/braintree.rs checks the crate agrees on each one.
#
#     bash scripts/braintree_sdk_vectors.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund braintree@3.40.0 >/dev/null)
NODE_PATH="$tmp/node_modules" node - >tests/fixtures/braintree_sdk.json <<'JS'
const braintree = require("braintree");
const keys = { merchantId: "example_merchant", publicKey: "example_public_key", privateKey: "example_private_key_never_use" };
const gateway = new braintree.BraintreeGateway({ environment: braintree.Environment.Sandbox, ...keys });
const other = new braintree.BraintreeGateway({ environment: braintree.Environment.Sandbox, ...keys, privateKey: "another_private_key" });
const form = (signature, payload) => new URLSearchParams({ bt_signature: signature, bt_payload: payload }).toString();
(async () => {
  const sample = await gateway.webhookTesting.sampleNotification(braintree.WebhookNotification.Kind.SubscriptionWentPastDue, "subscription_42");
  const byOther = await other.webhookTesting.sampleNotification(braintree.WebhookNotification.Kind.SubscriptionWentPastDue, "subscription_42");
  const cases = [
    { name: "sample notification", signature: sample.bt_signature, payload: sample.bt_payload },
    // Signed with the trailing line feed, sent without it: the SDK also tries payload + "\n".
    { name: "payload without its trailing line feed", signature: sample.bt_signature, payload: sample.bt_payload.replace(/\n$/, "") },
    { name: "two signature pairs, the second ours", signature: `other_public_key|${"0".repeat(40)}&${sample.bt_signature}`, payload: sample.bt_payload },
    { name: "signed with another private key", signature: byOther.bt_signature, payload: byOther.bt_payload },
    { name: "payload changed after signing", signature: sample.bt_signature, payload: "A" + sample.bt_payload.slice(1) },
  ];
  const vectors = [];
  for (const c of cases) {
    let sdk_accepts = true, kind = null;
    try { kind = (await gateway.webhookNotification.parse(c.signature, c.payload)).kind; } catch (e) { sdk_accepts = false; }
    vectors.push({ name: c.name, body: form(c.signature, c.payload), sdk_accepts, kind });
  }
  process.stdout.write(JSON.stringify({ generator: "braintree 3.40.0 (npm) webhookTesting.sampleNotification, webhookNotification.parse", private_key: keys.privateKey, public_key: keys.publicKey, vectors }, null, 2) + "\n");
})();
JS
echo "wrote tests/fixtures/braintree_sdk.json"
