#!/usr/bin/env python3
"""Regenerates tests/fixtures/stripe/events.json from Stripe's published API fixtures:
`openapi/fixtures3.json` of https://github.com/stripe/openapi (MIT; the fixtures
stripe-mock serves), one example object per API resource and one event.

Stripe publishes one example *event* (its `event` fixture, a `plan.created`) and an
example object for every resource, so each event here is that published event with its
`type` set to an event type below, `data.object` replaced by the published object of the
resource that event type carries, and its `id` numbered: the objects and the envelope are
Stripe's, the pairing of event types with resources is ours (from Stripe's event type
list). Run it on a checkout of stripe/openapi:

    git clone --depth 1 https://github.com/stripe/openapi /tmp/stripe-openapi
    scripts/fixtures_stripe.py /tmp/stripe-openapi/openapi/fixtures3.json [COMMIT]
"""

import copy
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "stripe")

# Event type -> the resource its `data.object` is.
EVENTS = {
    "checkout.session.completed": "checkout.session",
    "checkout.session.expired": "checkout.session",
    "checkout.session.async_payment_succeeded": "checkout.session",
    "checkout.session.async_payment_failed": "checkout.session",
    "customer.subscription.created": "subscription",
    "customer.subscription.updated": "subscription",
    "customer.subscription.deleted": "subscription",
    "customer.subscription.paused": "subscription",
    "customer.subscription.resumed": "subscription",
    "customer.subscription.trial_will_end": "subscription",
    "customer.subscription.pending_update_applied": "subscription",
    "customer.created": "customer",
    "customer.updated": "customer",
    "customer.deleted": "customer",
    "customer.tax_id.created": "tax_id",
    "customer_cash_balance_transaction.created": "customer_cash_balance_transaction",
    "cash_balance.funds_available": "cash_balance",
    "invoice.created": "invoice",
    "invoice.finalized": "invoice",
    "invoice.paid": "invoice",
    "invoice.payment_failed": "invoice",
    "invoice.payment_succeeded": "invoice",
    "invoice.upcoming": "invoice",
    "invoiceitem.created": "invoiceitem",
    "payment_intent.created": "payment_intent",
    "payment_intent.succeeded": "payment_intent",
    "payment_intent.payment_failed": "payment_intent",
    "payment_intent.canceled": "payment_intent",
    "charge.succeeded": "charge",
    "charge.failed": "charge",
    "charge.captured": "charge",
    "charge.refunded": "charge",
    "charge.dispute.created": "dispute",
    "product.created": "product",
    "price.created": "price",
    "coupon.created": "coupon",
    "promotion_code.created": "promotion_code",
    "tax_rate.created": "tax_rate",
    "credit_note.created": "credit_note",
    "subscription_schedule.created": "subscription_schedule",
    "quote.finalized": "quote",
    "payout.paid": "payout",
    "refund.created": "refund",
    "transfer.created": "transfer",
    "topup.succeeded": "topup",
    "setup_intent.succeeded": "setup_intent",
    "payment_method.attached": "payment_method",
    "payment_link.created": "payment_link",
    "review.opened": "review",
    "radar.early_fraud_warning.created": "radar.early_fraud_warning",
    "mandate.updated": "mandate",
    "application_fee.created": "application_fee",
    "account.updated": "account",
    "file.created": "file",
    "source.chargeable": "source",
    "issuing.card.created": "issuing.card",
    "identity.verification_session.verified": "identity.verification_session",
    "reporting.report_run.succeeded": "reporting.report_run",
    "climate.order.created": "climate.order",
    "test_helpers.test_clock.ready": "test_helpers.test_clock",
    "financial_connections.account.created": "financial_connections.account",
    "entitlements.active_entitlement_summary.updated": "entitlements.active_entitlement_summary",
    "billing.alert.triggered": "billing.alert_triggered",
    "treasury.received_credit.created": "treasury.received_credit",
    "terminal.reader.action_succeeded": "terminal.reader",
}


def main(argv):
    if not 1 <= len(argv) <= 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        resources = json.load(f)["resources"]
    commit = argv[1] if len(argv) == 2 else "(unrecorded)"
    published = resources["event"]
    events = [published]
    for n, (event_type, resource) in enumerate(EVENTS.items(), 1):
        event = copy.deepcopy(published)
        event["id"] = f"{published['id']}_{n:03}"
        event["type"] = event_type
        event["data"] = {"object": resources[resource]}
        events.append(event)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "events.json"), "w") as f:
        json.dump(events, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README.format(count=len(events), commit=commit,
                              published=published["type"]))
    print(f"{len(events)} events from {argv[0]}")
    return 0


README = """# Stripe events

`events.json`: {count} Stripe events built from Stripe's published API fixtures,
`openapi/fixtures3.json` of https://github.com/stripe/openapi (commit {commit}; MIT, see
`LICENSE`), the fixtures stripe-mock serves.

The first is Stripe's example event as published (a `{published}`). Stripe publishes one
example event and one example object per resource, so each other event is that event with
its `type` set to an event type, `data.object` replaced by the published object of the
resource the event type carries, and a numbered `id`. The objects and the envelope are
Stripe's; the pairing of event types with resources is ours (the list in
`scripts/fixtures_stripe.py`, from Stripe's event types).

Regenerate with `python3 scripts/fixtures_stripe.py <openapi checkout>/openapi/fixtures3.json <commit>`.
"""

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
