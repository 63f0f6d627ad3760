#!/usr/bin/env python3
"""Computes the expected signatures in tests/it/independent_vectors_no_sdk.rs with Python's own
hmac/hashlib modules, independently of the crate, for presets whose provider publishes no
test vector and ships no SDK helper. Each line follows the provider's documented recipe
(named in the preset's doc comment). Run it and compare with the table in that file:

    python3 scripts/independent_vectors_more.py
"""
import base64
import hashlib
import hmac

T = "1700000000"  # the timestamp every timestamped vector is signed at
BODY = '{"id":"evt_1","type":"ping","event":"ping","data":{"id":"evt_1","attributes":{"name":"ping"}}}'


def mac(algo, secret, message):
    key = secret if isinstance(secret, bytes) else secret.encode()
    return hmac.new(key, message.encode(), algo).digest()


def hx(b):
    return b.hex()


def b64(b):
    return base64.b64encode(b).decode()


VECTORS = [
    # (preset, secret, signature header, value[, extra headers])
    ("persona", "wbhsec_persona", "persona-signature", f"t={T},v1=" + hx(mac(hashlib.sha256, "wbhsec_persona", f"{T}.{BODY}"))),
    ("revolut", "wsk_revolut", "revolut-signature", "v1=" + hx(mac(hashlib.sha256, "wsk_revolut", f"v1.{T}000.{BODY}")), [("revolut-request-timestamp", f"{T}000")]),
    ("nylas", "nylas-webhook-secret", "x-nylas-signature", hx(mac(hashlib.sha256, "nylas-webhook-secret", BODY))),
    ("attio", "attio-secret", "attio-signature", hx(mac(hashlib.sha256, "attio-secret", BODY)), [("idempotency-key", "idem-1")]),
    ("grafana", "grafana-hmac-secret", "x-grafana-alerting-signature", hx(mac(hashlib.sha256, "grafana-hmac-secret", BODY))),
    ("grafana_timestamped", "grafana-hmac-secret", "x-grafana-alerting-signature", hx(mac(hashlib.sha256, "grafana-hmac-secret", f"{T}:{BODY}")), [("x-grafana-alerting-timestamp", T)]),
    ("frame_io", "frameio-signing-secret", "x-frameio-signature", "v0=" + hx(mac(hashlib.sha256, "frameio-signing-secret", f"v0:{T}:{BODY}")), [("x-frameio-request-timestamp", T)]),
    ("veriff", "veriff-shared-secret", "x-hmac-signature", hx(mac(hashlib.sha256, "veriff-shared-secret", BODY)), [("x-auth-client", "veriff-public-api-key")]),
    ("segment", "segment-shared-secret", "x-signature", hx(mac(hashlib.sha1, "segment-shared-secret", BODY))),
    ("launchdarkly", "ld-webhook-secret", "x-ld-signature", hx(mac(hashlib.sha256, "ld-webhook-secret", BODY))),
    ("clickup", "clickup-webhook-secret", "x-signature", hx(mac(hashlib.sha256, "clickup-webhook-secret", BODY))),
    ("webex", "somesupersecretphrase", "x-spark-signature", hx(mac(hashlib.sha1, "somesupersecretphrase", BODY))),
    ("dwolla", "sshhhhhh", "x-request-signature-sha-256", hx(mac(hashlib.sha256, "sshhhhhh", BODY))),
    ("gogs", "gogs-webhook-secret", "x-gogs-signature", hx(mac(hashlib.sha256, "gogs-webhook-secret", BODY)), [("x-gogs-delivery", "f6266f16-1bf3-46a5-9ea4-602e06ead473"), ("x-gogs-event", "push")]),
    ("fastspring", "fs-hmac-sha256-secret", "x-fs-signature", b64(mac(hashlib.sha256, "fs-hmac-sha256-secret", BODY))),
    ("acuity", "acuity-api-key", "x-acuity-signature", b64(mac(hashlib.sha256, "acuity-api-key", BODY))),
    ("knock", "knock-webhook-secret", "x-knock-signature", f"t={T}000,s=" + b64(mac(hashlib.sha256, "knock-webhook-secret", f"{T}000.{BODY}"))),
    ("novu", "novu-secret-hmac-key", "x-novu-signature", hx(mac(hashlib.sha256, "novu-secret-hmac-key", BODY))),
    ("courier", "courier-webhook-secret", "courier-signature", f"t={T}000,signature=" + hx(mac(hashlib.sha256, "courier-webhook-secret", f"{T}000.{BODY}"))),
    ("help_scout", "helpscout-secret-key", "x-helpscout-signature", b64(mac(hashlib.sha1, "helpscout-secret-key", BODY)), [("x-helpscout-event", "convo.created")]),
    ("discourse", "discourse-webhook-secret", "x-discourse-event-signature", "sha256=" + hx(mac(hashlib.sha256, "discourse-webhook-secret", BODY)), [("x-discourse-event-id", "42"), ("x-discourse-event", "post_created")]),
    ("todoist", "todoist-client-secret", "x-todoist-hmac-sha256", b64(mac(hashlib.sha256, "todoist-client-secret", BODY)), [("x-todoist-delivery-id", "df2f6e8c-8c6a-4e5c-9d3f-0c1a2b3c4d5e")]),
    ("toggl", "toggl-subscription-secret", "x-webhook-signature-256", "sha256=" + hx(mac(hashlib.sha256, "toggl-subscription-secret", BODY))),
    ("front_rule", "front-api-secret", "x-front-signature", b64(mac(hashlib.sha1, "front-api-secret", BODY))),
    ("smartsurvey", "smartsurvey-signature-key", "x-smartsurvey-signature", hx(mac(hashlib.sha256, "smartsurvey-signature-key", BODY))),
    ("datasaur", "datasaur-webhook-secret", "x-datasaur-signature", hx(mac(hashlib.sha256, "datasaur-webhook-secret", BODY))),
    ("coinify", "coinify-shared-secret", "x-coinify-webhook-signature", hx(mac(hashlib.sha256, "coinify-shared-secret", BODY))),
    ("aftership", "aftership-webhook-secret", "aftership-hmac-sha256", b64(mac(hashlib.sha256, "aftership-webhook-secret", BODY))),
    ("bunny_stream", "bunny-library-read-only-key", "x-bunnystream-signature", hx(mac(hashlib.sha256, "bunny-library-read-only-key", BODY)), [("x-bunnystream-signature-version", "v1"), ("x-bunnystream-signature-algorithm", "hmac-sha256")]),
    ("survicate", "survicate-signing-secret", "hmac", hx(mac(hashlib.sha256, "survicate-signing-secret", BODY))),
    ("strike", "strike-webhook-secret", "x-webhook-signature", hx(mac(hashlib.sha256, "strike-webhook-secret", BODY))),
]

# LaunchDarkly's delivery id is the body's `_id`: a body that has one.
LD_BODY = '{"_id":"57c0a8e29969090743529965","date":1472243938774,"kind":"environment"}'
LD_ID_VECTOR = hx(mac(hashlib.sha256, "ld-webhook-secret", LD_BODY))
# Acuity posts a form: a form body of its documented fields.
ACUITY_FORM = "action=scheduled&id=12345&calendarID=1&appointmentTypeID=2"
ACUITY_FORM_VECTOR = b64(mac(hashlib.sha256, "acuity-api-key", ACUITY_FORM))

# Discourse's own spec (Jobs::EmitWebHookEvent, "sets up proper request headers"): its ping
# body signed with the `web_hook` fabricator's secret; the spec expects this value.
DISCOURSE_SPEC_BODY = '{"ping":"OK"}'
DISCOURSE_SPEC_VECTOR = "sha256=" + hx(mac(hashlib.sha256, "my_lovely_secret_for_web_hook", DISCOURSE_SPEC_BODY))
# Todoist's event type is the body's `event_name`: a body that has one.
TODOIST_BODY = '{"event_name":"item:added","user_id":"2671355","event_data":{"id":"2995104339"}}'
TODOIST_VECTOR = b64(mac(hashlib.sha256, "todoist-client-secret", TODOIST_BODY))

if __name__ == "__main__":
    print(f"body: {BODY}")
    for preset, secret, header, value, *extra in VECTORS:
        extra = ", ".join(f'("{k}", "{v}")' for k, v in (extra[0] if extra else []))
        print(f'("{preset}", "{secret}", "{header}", "{value}", &[{extra}]),')
    print(f"launchdarkly _id body: {LD_BODY}\nsignature: {LD_ID_VECTOR}")
    print(f"acuity form body: {ACUITY_FORM}\nsignature: {ACUITY_FORM_VECTOR}")
    print(f"discourse spec body: {DISCOURSE_SPEC_BODY}\nsignature: {DISCOURSE_SPEC_VECTOR}")
    print(f"todoist body: {TODOIST_BODY}\nsignature: {TODOIST_VECTOR}")
