#!/usr/bin/env python3
"""Reads criterion's estimates and prints, per scheme and size, each implementation's
median time and its ratio to the baseline measured in the same run (the raw HMAC, or the
raw Ed25519 verification, or for the whole layer the same service without verification)."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
groups = {}
for estimates in root.glob("*/*/new/estimates.json"):
    group, bench = estimates.parts[-4], estimates.parts[-3]
    median = json.loads(estimates.read_text())["median"]["point_estimate"]
    groups.setdefault(group, {})[bench] = median

def human(ns):
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"

schemes = {}
for group, benches in groups.items():
    if "_" not in group or group.startswith("replay-map"):
        continue
    scheme, size = group.rsplit("_", 1)
    if size.isdigit():
        schemes.setdefault(scheme, []).append((int(size), benches))

for scheme in sorted(schemes):
    rows = sorted(schemes[scheme])
    def order(n):
        baseline = n.startswith("raw") or n in ("no-verification", "valid")
        return (not baseline, n != "tower-webhook", n != "tower-webhook-layer", n)
    names = sorted({b for _, benches in rows for b in benches}, key=order)
    base = names[0]
    print(f"\n### {scheme}\n")
    print("| size | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for size, benches in rows:
        cells = []
        for name in names:
            t = benches.get(name)
            if t is None:
                cells.append("—")
            elif name == base:
                cells.append(human(t))
            elif base == "no-verification":
                # The plain service does no hashing: what matters is the time added.
                cells.append(f"{human(t)} (+{human(t - benches[base])})")
            else:
                cells.append(f"{human(t)} ({t / benches[base]:.2f}×)")
        label = f"{size // 1024} KiB" if size >= 1024 else f"{size} B"
        print(f"| {label} | " + " | ".join(cells) + " |")

# The layer's own cost, split in one run: beyond the plain service and the verification
# alone, and the replay store's share (the layer with and without it).
layer_rows = sorted(schemes.get("layer-standard-webhooks", []))
if any("verify-only" in b and "tower-webhook-layer-no-replay" in b for _, b in layer_rows):
    print("\n### the layer's own cost (same run)\n")
    print("| size | layer beyond plain service + verification | of which the memory store | "
          "layer without replay beyond plain service + verification |")
    print("|---|---|---|---|")
    for size, b in layer_rows:
        if not all(k in b for k in ("tower-webhook-layer", "tower-webhook-layer-no-replay",
                                     "verify-only", "no-verification")):
            continue
        floor = b["no-verification"] + b["verify-only"]
        label = f"{size // 1024} KiB" if size >= 1024 else f"{size} B"
        print(f"| {label} | {human(b['tower-webhook-layer'] - floor)} | "
              f"{human(b['tower-webhook-layer'] - b['tower-webhook-layer-no-replay'])} | "
              f"{human(b['tower-webhook-layer-no-replay'] - floor)} |")

for bench, how in (("memory-store_reserve+complete", "as the layer calls it"),
                  ("memory-store_reserve+complete-dyn", "through dyn ReplayStore")):
    single = root / bench / "new" / "estimates.json"
    if single.exists():
        t = json.loads(single.read_text())["median"]["point_estimate"]
        print(f"\nmemory store, reserve + complete of a new id ({how}): {human(t)}")

maps = {g: groups[g] for g in ("replay-map-1-thread", "replay-map-2-threads") if g in groups}
if maps:
    print("\n### replay-store maps (insert, complete, forget the oldest; 100,000 live keys)\n")
    print("| map | 1 thread | 2 threads (wall time per operation) |")
    print("|---|---|---|")
    one = maps.get("replay-map-1-thread", {})
    two = maps.get("replay-map-2-threads", {})
    for name in sorted(set(one) | set(two), key=lambda n: one.get(n, 0)):
        cell = lambda t: human(t) if t is not None else "—"
        print(f"| {name} | {cell(one.get(name))} | {cell(two.get(name))} |")

# Many sources at scale: a cache hit among 100,000 tenants, beside the fixed verifier and
# one cached tenant, on a signed delivery and on a request refused right after the lookup.
hits = {kind: groups[f"sources-100k_{kind}"] for kind in ("signed-1024", "unsigned-empty")
        if f"sources-100k_{kind}" in groups}
if hits:
    print("\n### many sources: a cache hit among 100,000 tenants (same run)\n")
    print("| request | fixed verifier | per-source, 1 tenant | per-source, 100,000 tenants |")
    print("|---|---|---|---|")
    for kind, b in hits.items():
        base = b.get("fixed-verifier")
        cells = []
        for name in ("fixed-verifier", "per-source-1-tenant", "per-source-100k-tenants"):
            t = b.get(name)
            if t is None:
                cells.append("—")
            elif name == "fixed-verifier" or base is None:
                cells.append(human(t))
            else:
                cells.append(f"{human(t)} ({t / base:.2f}×, +{human(t - base)})")
        print(f"| {kind} | " + " | ".join(cells) + " |")
