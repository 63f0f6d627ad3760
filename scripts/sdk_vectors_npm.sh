#!/usr/bin/env bash
# Regenerates tests/fixtures/sdk_vectors_npm.tsv with the providers' own Node SDKs (pinned
# below), installed from npm into a temporary directory that is removed afterwards:
#
#     bash scripts/sdk_vectors_npm.sh
#
# Each line: preset, SDK, secret, body, then header name/value pairs; tab-separated.
# Sanity (encodeSignatureHeader), Pusher (Token.sign), Modern Treasury
# (webhooks.getSignature) and Render (standardwebhooks' Webhook.sign, the library Render's
# own receiver example verifies with) sign with the SDK's own helper; Onfido's SDK only verifies, so its
# signature is computed with Node's crypto and the line is written only if the SDK's
# WebhookEventVerifier accepts it. Polar (the secret as text), Dodo Payments and Liveblocks
# (Standard Webhooks) likewise only verify: Polar's line is signed with Node's crypto,
# the other two with standardwebhooks, and each is written only if the provider's own SDK
# (webhooks.validateEvent, webhooks.unwrap, WebhookHandler.verifyRequest) accepts it. Every line is checked by the SDK's verifier before it is
# written, and a tampered body must be refused by it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund \
  @sanity/webhook@4.0.4 pusher@5.3.4 @onfido/api@6.2.0 modern-treasury@3.3.0 \
  standardwebhooks@1.0.0 @polar-sh/sdk@1.0.1 dodopayments@2.52.0 @liveblocks/node@3.24.2 >/dev/null
cat > gen.mjs <<'JS'
import { encodeSignatureHeader, isValidSignature } from "@sanity/webhook";
import Pusher from "pusher";
import Token from "pusher/lib/token.js";
import { WebhookEventVerifier } from "@onfido/api";
import ModernTreasury from "modern-treasury";
import { Webhook } from "standardwebhooks";
import crypto from "node:crypto";
import { webhooks as polarWebhooks } from "@polar-sh/sdk/2027-01";
import DodoPayments from "dodopayments";
import { WebhookHandler } from "@liveblocks/node";

const lines = [];
const check = (ok, what) => { if (!ok) { throw new Error(`SDK refused ${what}`); } };
const emit = (preset, sdk, secret, body, headers) =>
  lines.push([preset, sdk, secret, body, ...headers.flat()].join("\t"));

// Sanity: t is Unix milliseconds.
{
  const secret = "sanity-sdk-secret";
  const body = '{"_id":"movie_1","_type":"movie","title":"Alien"}';
  const header = await encodeSignatureHeader(body, 1700000000000, secret);
  check(await isValidSignature(body, header, secret), "sanity");
  check(!(await isValidSignature(body.replace("Alien", "Aliens"), header, secret)), "sanity tamper");
  emit("sanity", "@sanity/webhook@4.0.4", secret, body, [["sanity-webhook-signature", header]]);
}
// Pusher: the app secret signs the body; X-Pusher-Key names the app.
{
  const key = "pusher-app-key", secret = "pusher-sdk-secret";
  const body = '{"time_ms":1700000000000,"events":[{"name":"channel_occupied","channel":"test"}]}';
  const signature = new Token(key, secret).sign(body);
  const pusher = new Pusher({ appId: "1", key, secret, cluster: "eu" });
  const request = (raw) => ({
    headers: { "x-pusher-key": key, "x-pusher-signature": signature, "content-type": "application/json" },
    rawBody: raw,
  });
  check(pusher.webhook(request(body)).isValid(), "pusher");
  check(!pusher.webhook(request(body.replace("test", "tost"))).isValid(), "pusher tamper");
  emit("pusher", "pusher@5.3.4", secret, body, [["x-pusher-key", key], ["x-pusher-signature", signature], ["content-type", "application/json"]]);
}
// Onfido: the SDK verifies only.
{
  const secret = "onfido-webhook-token";
  const body = '{"payload":{"resource_type":"check","action":"check.completed","object":{"id":"chk_1","status":"complete"}}}';
  const signature = crypto.createHmac("sha256", secret).update(body).digest("hex");
  const verifier = new WebhookEventVerifier(secret);
  check(verifier.readPayload(body, signature).payload.action === "check.completed", "onfido");
  let refused = false;
  try { verifier.readPayload(body.replace("chk_1", "chk_2"), signature); } catch { refused = true; }
  check(refused, "onfido tamper");
  emit("onfido", "@onfido/api@6.2.0", secret, body, [["x-sha2-signature", signature]]);
}
// Modern Treasury: getSignature signs, validateSignature checks.
{
  const secret = "mt-webhook-key";
  const body = '{"event":"completed","data":{"id":"po_1","object":"payment_order"}}';
  const client = new ModernTreasury({ apiKey: "unused", organizationID: "unused", webhookKey: secret });
  const signature = client.webhooks.getSignature(body);
  check(client.webhooks.validateSignature(body, { "X-Signature": signature }), "modern treasury");
  check(!client.webhooks.validateSignature(body + " ", { "X-Signature": signature }), "modern treasury tamper");
  emit("modern_treasury", "modern-treasury@3.3.0", secret, body, [["x-signature", signature]]);
}
// Render: Standard Webhooks, signed at the fixed instant the test's clock reads; the
// library's own verify checks its timestamp against Date.now, so that is pinned too.
{
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = '{"type":"deploy_ended","timestamp":"2023-11-14T22:13:20Z","data":{"id":"evj_1","serviceId":"srv-1"}}';
  const wh = new Webhook(secret);
  const at = new Date(1700000000 * 1000);
  const signature = wh.sign("msg_render_1", at, body);
  const headers = { "webhook-id": "msg_render_1", "webhook-timestamp": "1700000000", "webhook-signature": signature };
  const realNow = Date.now;
  Date.now = () => at.getTime();
  try {
    check(wh.verify(body, headers).type === "deploy_ended", "render");
    let refused = false;
    try { wh.verify(body.replace("srv-1", "srv-2"), headers); } catch { refused = true; }
    check(refused, "render tamper");
  } finally {
    Date.now = realNow;
  }
  emit("render", "standardwebhooks@1.0.0", secret, body, Object.entries(headers));
}
// The Standard Webhooks-shaped SDKs below check the timestamp against Date.now: pin it.
const at = new Date(1700000000 * 1000);
const pinned = async (f) => {
  const realNow = Date.now;
  Date.now = () => at.getTime();
  try { return await f(); } finally { Date.now = realNow; }
};
const refuses = async (f) => { try { await f(); return false; } catch { return true; } };
// Polar: Standard Webhooks headers, the secret used as text (not base64-decoded).
{
  const secret = "polar_whs_exampleSecretNeverUseInProduction";
  const body = '{"type":"order.paid","timestamp":"2023-11-14T22:13:20Z","data":{"id":"ord_1"}}';
  const mac = crypto.createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`msg_polar_1.1700000000.${body}`).digest("base64");
  const headers = { "webhook-id": "msg_polar_1", "webhook-timestamp": "1700000000", "webhook-signature": `v1,${mac}` };
  const event = await pinned(() => polarWebhooks.validateEvent(body, headers, secret));
  check(event.type === "order.paid", "polar");
  check(await pinned(() => refuses(() => polarWebhooks.validateEvent(body.replace("ord_1", "ord_2"), headers, secret))), "polar tamper");
  emit("polar", "@polar-sh/sdk@1.0.1", secret, body, Object.entries(headers));
}
// Dodo Payments: webhooks.unwrap verifies with standardwebhooks and the whsec_ key.
{
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = '{"business_id":"bus_1","type":"payment.succeeded","timestamp":"2023-11-14T22:13:20Z","data":{"payment_id":"pay_1"}}';
  const signature = new Webhook(secret).sign("msg_dodo_1", at, body);
  const headers = { "webhook-id": "msg_dodo_1", "webhook-timestamp": "1700000000", "webhook-signature": signature };
  const client = new DodoPayments({ bearerToken: "unused", webhookKey: secret });
  const event = await pinned(() => client.webhooks.unwrap(body, { headers }));
  check(event.type === "payment.succeeded", "dodo");
  check(await pinned(() => refuses(() => client.webhooks.unwrap(body.replace("pay_1", "pay_2"), { headers }))), "dodo tamper");
  emit("dodo_payments", "dodopayments@2.52.0", secret, body, Object.entries(headers));
}
// Liveblocks: WebhookHandler.verifyRequest, the whsec_ key.
{
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = '{"type":"userEntered","data":{"projectId":"prj_1","roomId":"room_1","connectionId":1,"userId":"user_1","userInfo":null,"enteredAt":"2023-11-14T22:13:20Z","numActiveUsers":1}}';
  const signature = new Webhook(secret).sign("msg_liveblocks_1", at, body);
  const headers = { "webhook-id": "msg_liveblocks_1", "webhook-timestamp": "1700000000", "webhook-signature": signature };
  const handler = new WebhookHandler(secret);
  const event = await pinned(() => handler.verifyRequest({ headers, rawBody: body }));
  check(event.type === "userEntered", "liveblocks");
  check(await pinned(() => refuses(() => handler.verifyRequest({ headers, rawBody: body.replace("room_1", "room_2") }))), "liveblocks tamper");
  emit("liveblocks", "@liveblocks/node@3.24.2", secret, body, Object.entries(headers));
}
process.stdout.write(lines.join("\n") + "\n");
JS
node gen.mjs > "$here/tests/fixtures/sdk_vectors_npm.tsv"
echo "wrote tests/fixtures/sdk_vectors_npm.tsv"
