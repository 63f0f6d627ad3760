#!/usr/bin/env bash
# Builds the fuzz targets, and with a number of seconds runs each for that long:
#   scripts/fuzz.sh          # build only, instrumented (CI builds them uninstrumented
#                            # with `cargo build --manifest-path fuzz/Cargo.toml`)
#   scripts/fuzz.sh 600      # build, then run every target for 10 minutes, one core each
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 enables them on stable.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cargo fuzz build --sanitizer none -O
seconds=${1:-0}
[ "$seconds" -gt 0 ] || exit 0
for target in $(cargo fuzz list); do
  mkdir -p "fuzz/corpus/$target"
  echo "== $target, ${seconds}s"
  cargo fuzz run --sanitizer none -O "$target" -- -max_total_time="$seconds" \
    -print_final_stats=1 2>&1 | tee "fuzz/$target.log" | grep -E "^(stat::|Done|==)" || true
done
