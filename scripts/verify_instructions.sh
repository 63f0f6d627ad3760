#!/usr/bin/env bash
# Instructions per verification at 256 B, tower-webhook and the raw HMAC, per preset
# (callgrind; independent of the machine's load). Each figure is the difference between
# runs of 2,000 and 1,000 iterations, divided by 1,000. Under Valgrind SHA runs in software,
# so the column that matters is the last: instructions beyond a pre-keyed HMAC of the same
# content. BIN=path measures another build of the driver.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-target/release/verify_instructions}
if [ -z "${BIN:-}" ]; then
    cargo build -q --release -p tower-webhook-benches --bin verify_instructions
fi
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 \
        | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
per() { echo $(( ($(count "$1" "$2" 2000) - $(count "$1" "$2" 1000)) / 1000 )); }
printf '| preset | raw HMAC | keyed HMAC (floor) | tower-webhook | beyond the floor |\n|---|---|---|---|---|\n'
for preset in ${PRESETS:-standard-webhooks stripe github slack twilio}; do
    raw=$(per "$preset" raw)
    keyed=$(per "$preset" keyed)
    ours=$(per "$preset" ours)
    printf '| %s | %d | %d | %d | %d |\n' "$preset" "$raw" "$keyed" "$ours" $((ours - keyed))
done
