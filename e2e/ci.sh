#!/usr/bin/env bash
# End-to-end tests in a real n8n 2.8.4 and headless Chromium; .ci/run calls this after the unit tests.
# Installs what is missing (Debian's chromium, the n8n runtime from e2e/runtime/package-lock.json), then runs
# e2e/run.js, which prints `e2e: N passed, M failed` and exits non-zero on failure.
# Typical cost on a fresh machine: chromium ~1 min, n8n runtime ~3 min, tests ~3 min.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
	echo "e2e/ci.sh: installing Debian's chromium"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# run.js installs the runtime itself when needed; doing it here first keeps the install apart in the log.
node -e "require('./e2e/lib/runtime').ensureRuntime().catch((error) => { console.error(error.message); process.exit(1); })"

# Hard upper bound well inside CI's 90 minutes; run.js stops its n8n processes on SIGTERM.
timeout --signal=TERM --kill-after=60 2400 node e2e/run.js "$@"
