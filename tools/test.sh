#!/usr/bin/env bash
# The test command: installs everything the tests need, then runs unit, page and browser tests.
#   bash tools/test.sh            # everything
#   bash tools/test.sh tests/unit # any pytest arguments narrow the run
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

"$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-test.txt

# Debian's Chromium for the browser tests (Playwright cannot download a browser here).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends chromium \
    || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends chromium; }
fi

# Debian's HAProxy for the replica test (two replicas behind deploy/haproxy.cfg on loopback ports).
if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends haproxy \
    || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends haproxy; }
fi

"$PYTHON" -m ruff check .
"$PYTHON" -m pytest -W error::RuntimeWarning "$@"
