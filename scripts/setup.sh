#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine. Idempotent.
#   - redis-server: the Redis replay store's tests start their own servers on free
#     127.0.0.1 ports (no global server is started here).
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing redis-server (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends redis-server >/dev/null
  else
    echo "redis-server is missing and cannot be installed from here." >&2
    echo "Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)," >&2
    echo "then run this again." >&2
    exit 1
  fi
fi
echo "== redis-server: $(redis-server --version | head -n 1)"
