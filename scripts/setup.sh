#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine. Idempotent.
#   - redis-server: the Redis replay store's tests start their own servers on free
#     127.0.0.1 ports (no global server is started here).
#   - postgresql (Debian's package: initdb, pg_ctl, psql under /usr/lib/postgresql/<v>/bin):
#     the PostgreSQL inbox and replay store tests run initdb and pg_ctl themselves, as an
#     unprivileged user, in temporary directories on free 127.0.0.1 ports
#     (tests/it/common/postgres.rs). The package's own cluster is never used: on Debian it is
#     created and started by the package; it is left alone.
#   - prometheus (Debian's package): the metrics test starts its own server on a free
#     127.0.0.1 port with a temporary data directory (tests/it/common/prometheus.rs),
#     scraping the receiver example; the package's own service is never started.
#   - chromium and chromium-driver (Debian's packages): the console's browser tests start
#     their own chromedriver on a free 127.0.0.1 port, which runs Chromium headless with a
#     temporary profile (tests/it/inbox_console_browser.rs). Nothing downloads a browser.
set -euo pipefail

apt_install() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing $* (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "$@" >/dev/null
  else
    echo "$* is missing and cannot be installed from here." >&2
    echo "Install it (Debian/Ubuntu: sudo apt-get install $*; macOS: brew install $*)," >&2
    echo "then run this again." >&2
    exit 1
  fi
}

if ! command -v redis-server >/dev/null 2>&1; then
  apt_install redis-server
fi
echo "== redis-server: $(redis-server --version | head -n 1)"

pg_bin() {
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then
    echo "$PG_BIN"
    return
  fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r dir; do
    [ -x "$dir/initdb" ] && echo "$dir"
  done | tail -n 1
}
if [ -z "$(pg_bin)" ] && ! command -v initdb >/dev/null 2>&1; then
  apt_install postgresql
fi
bin="$(pg_bin)"
echo "== postgresql: $("${bin:-$(dirname "$(command -v initdb)")}/postgres" --version)"

if ! command -v prometheus >/dev/null 2>&1; then
  apt_install prometheus
fi
echo "== prometheus: $(prometheus --version 2>&1 | head -n 1)"

if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium chromium-driver
fi
echo "== chromium: $(chromium --version 2>/dev/null | head -n 1); $(chromedriver --version | head -n 1)"
