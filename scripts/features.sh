#!/usr/bin/env bash
# Lints the library under every feature set a user can pick on its own: no features, the
# default ones, each feature alone, and all of them. The features are read from
# `cargo metadata`, so a new one in Cargo.toml is checked without editing this script.
# `--lib` only: the tests and examples need dev-dependencies, whose features would hide
# a missing one in the library's own dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

features=$(cargo metadata --format-version 1 --no-deps | python3 -c '
import json, os, sys
manifest = os.path.join(os.getcwd(), "Cargo.toml")
package = next(p for p in json.load(sys.stdin)["packages"] if p["manifest_path"] == manifest)
print(" ".join(sorted(f for f in package["features"] if f != "default")))
')

lint() {
  echo "== clippy --lib ${*:-(default features)}"
  cargo clippy --quiet --lib "$@" -- -D warnings
}

lint --no-default-features
lint
for feature in $features; do
  lint --no-default-features --features "$feature"
done
lint --all-features
