#!/usr/bin/env bash
# Runs every test: with every feature, with none, and the doc tests; then the command
# line's (cli/, outside the default members).
# Installs what the tests need on a fresh machine first (see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== tests, all features"
cargo test --all-features --all-targets
echo "== doc tests, all features"
cargo test --all-features --doc
echo "== tests, no default features"
cargo test --no-default-features --lib --tests
echo "== the command line (cli/)"
cargo test -p tower-webhook-cli
echo "== the demo (README's first command): every chapter checked, non-zero on a surprise"
cargo run --quiet --example demo --all-features
