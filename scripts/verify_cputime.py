#!/usr/bin/env python3
"""CPU time of one verification, tower-webhook beside webhook-verify 0.1, the raw HMAC and
the pre-keyed HMAC floor, natively (SHA extensions on), robust to a loaded machine.

Runs the `verify_instructions` driver (benches/peers/src/bin/verify_instructions.rs) as
separate processes, reads each one's CPU time (user + system, from wait4: time spent
waiting for a core is not counted), and takes the least of ROUNDS rounds for two
iteration counts; their difference divided by the difference in iterations leaves out
the set-up. Rounds interleave every binary and measure, so a neighbour's burst hits all
alike, and a minimum is never raised by one.

    cargo build --release -p tower-webhook-benches --bin verify_instructions
    python3 scripts/verify_cputime.py [ROUNDS] [OURS_BEFORE_BINARY]

VERIFY_SIZE=1024 measures another body size (N1 and N2 the iteration counts; fewer at
16 KiB and above). With a second binary (the driver built from another commit), its
`ours` is measured too, as "before".
"""
import os
import sys

N1 = int(os.environ.get("N1", 50000))
N2 = int(os.environ.get("N2", 650000))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 9
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
driver = os.environ.get("BIN", os.path.join(target, "release", "verify_instructions"))
presets = ["standard-webhooks", "stripe", "github", "slack"]
cases = [("raw", driver, "raw"), ("keyed", driver, "keyed"), ("ours", driver, "ours"),
         ("webhook-verify", driver, "webhook-verify")]
if len(sys.argv) > 2:
    cases.append(("before", sys.argv[2], "ours"))


def cpu(binary, preset, measure, n):
    pid = os.spawnv(os.P_NOWAIT, binary, [binary, preset, measure, str(n)])
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f"{binary} {preset} {measure} {n} failed")
    return usage.ru_utime + usage.ru_stime


best = {}
for _ in range(ROUNDS):
    for preset in presets:
        for name, binary, measure in cases:
            for n in (N1, N2):
                key = (preset, name, n)
                best[key] = min(best.get(key, float("inf")), cpu(binary, preset, measure, n))

names = [name for name, _, _ in cases]
print(f"CPU time per verification, ns (least of {ROUNDS} rounds), "
      f"body {os.environ.get('VERIFY_SIZE', '256')} B\n")
extra = " before/webhook-verify |" if "before" in names else ""
print("| preset | " + " | ".join(names) + " | ours/webhook-verify |" + extra)
print("|---" * (len(names) + 2 + (1 if extra else 0)) + "|")
for preset in presets:
    ns = {name: (best[(preset, name, N2)] - best[(preset, name, N1)]) / (N2 - N1) * 1e9
          for name in names}
    cells = " | ".join(f"{ns[name]:.0f}" for name in names)
    row = f"| {preset} | {cells} | {ns['ours'] / ns['webhook-verify']:.3f} |"
    if extra:
        row += f" {ns['before'] / ns['webhook-verify']:.3f} |"
    print(row)
