#!/usr/bin/env python3
"""Computes the expected signatures in tests/it/vectors_easypost_lithic_airwallex_auth0.rs with Python's own hmac/hashlib
modules, independently of the crate, for the presets of tests/it/vectors_easypost_lithic_airwallex_auth0.rs whose
provider publishes no fixed vector (Lithic's SDK tests sign with the current time;
Airwallex publishes code, not a vector). Run it and compare with that file:

    python3 scripts/presets_b_vectors.py
"""
import base64
import hashlib
import hmac

BODY = '{"id":"evt_1","name":"payment_intent.succeeded","event_type":"card.created"}'

# Lithic (Standard Webhooks): whsec_ + base64 key, "{id}.{ts}.{body}", base64 HMAC-SHA256.
LITHIC_SECRET = "whsec_zlFsbBZ8Xcodlpcu6NDTdSzZRLSdhkst"  # the secret of Lithic's SDK tests
LITHIC_ID = "msg_2Lh9KRb0pzN4LePd3XiA4v12Axj"
LITHIC_TS = "1700000000"
key = base64.b64decode(LITHIC_SECRET[len("whsec_"):])
lithic = hmac.new(key, f"{LITHIC_ID}.{LITHIC_TS}.{BODY}".encode(), hashlib.sha256).digest()
print("lithic     webhook-signature: v1," + base64.b64encode(lithic).decode())

# Airwallex: the secret as text, x-timestamp (ms) then the body, hex HMAC-SHA256.
AIRWALLEX_SECRET = "airwallex-endpoint-secret"
AIRWALLEX_TS = "1700000000000"
airwallex = hmac.new(AIRWALLEX_SECRET.encode(), (AIRWALLEX_TS + BODY).encode(), hashlib.sha256)
print("airwallex  x-signature: " + airwallex.hexdigest())

# incident.io (Standard Webhooks through Svix): as Lithic, with the Standard Webhooks
# specification's example secret.
INCIDENT_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
key = base64.b64decode(INCIDENT_SECRET[len("whsec_"):])
incident = hmac.new(key, f"msg_incident_1.{LITHIC_TS}.{BODY}".encode(), hashlib.sha256).digest()
print("incident_io webhook-signature: v1," + base64.b64encode(incident).decode())

# Stytch (Svix): svix-* headers, the Standard Webhooks specification's example secret.
STYTCH_BODY = '{"project_id":"project-test-1","event_id":"event-test-1","action":"CREATE","object_type":"organization","source":"DIRECT","id":"organization-test-1"}'
stytch = hmac.new(key, f"msg_stytch_1.{LITHIC_TS}.{STYTCH_BODY}".encode(), hashlib.sha256).digest()
print("stytch     svix-signature: v1," + base64.b64encode(stytch).decode())

# Supabase Auth hooks: secrets "v1,whsec_<base64>", signatures joined with ", " (one per
# secret, in the configured order), as supabase/auth's generateSignatures does.
SUPABASE_BODY = '{"user":{"id":"u_1"},"email_data":{"email_action_type":"signup"}}'
SUPABASE_SECRETS = ["v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"]
sigs = []
for secret in SUPABASE_SECRETS:
    k = base64.b64decode(secret[len("v1,whsec_"):])
    sigs.append("v1," + base64.b64encode(hmac.new(k, f"msg_supabase_1.{LITHIC_TS}.{SUPABASE_BODY}".encode(), hashlib.sha256).digest()).decode())
print("supabase   webhook-signature: " + ", ".join(sigs))
