#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md: criterion benchmarks (this crate beside the
# raw HMAC and the peer crates; the layer split into its parts), the end-to-end load test
# on 127.0.0.1 (with a raw-HMAC-by-hand floor), the allocations per delivery, the memory
# store's bytes per entry and the source cache's per tenant, and the inbox's write path
# (SQLite and a PostgreSQL it starts itself, beside a bare INSERT loop), the backlog's
# drain, and the inbox at 10k, 100k and 1M deliveries (with its chart,
# docs/img/inbox-growth.svg). Prints the tables as Markdown.
# Takes about 35 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null

echo "== criterion"
cargo bench -p tower-webhook-benches --bench verify --bench layer --bench maps -- --noplot >/dev/null
python3 scripts/bench_tables.py target/criterion

echo
echo "== instructions per verification at 256 B (callgrind; independent of the load)"
if command -v valgrind >/dev/null 2>&1; then
    bash scripts/verify_instructions.sh
else
    echo "valgrind is not installed: skipped"
fi

echo
echo "== CPU time per verification beside webhook-verify (least of interleaved rounds)"
cargo build -q --release -p tower-webhook-benches --bin verify_instructions
for size in 256 1024; do VERIFY_SIZE=$size python3 scripts/verify_cputime.py; echo; done
VERIFY_SIZE=16384 N1=4000 N2=40000 python3 scripts/verify_cputime.py 4

echo
echo "== load"
cargo run -q --release -p tower-webhook-benches --bin load -- "${REQUESTS:-30000}" "${CONNECTIONS:-64}"

echo
echo "== allocations"
cargo run -q --release -p tower-webhook-benches --bin allocations

echo
echo "== memory store"
cargo run -q --release -p tower-webhook-benches --bin store_memory

echo
echo "== source cache memory"
cargo run -q --release -p tower-webhook-benches --bin source_memory

echo
echo "== inbox write path"
cargo bench -q --bench inbox --features inbox-sqlite,inbox-postgres,axum

echo
echo "== inbox backlog drain"
cargo bench -q --bench inbox_drain --features inbox-sqlite,inbox-postgres,axum

echo
echo "== inbox growth: 10k, 100k and 1M deliveries stored against an empty inbox (about 10 minutes)"
cargo bench -q --bench inbox_growth --features inbox-sqlite,inbox-postgres,axum >/dev/null
python3 scripts/inbox_growth_chart.py target/inbox_growth.json docs/img/inbox-growth.svg
