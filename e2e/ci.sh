#!/usr/bin/env bash
# End-to-end tests in a real n8n 2.8.4 and headless Chromium; .ci/run calls this after the unit tests.
# Installs what is missing (Debian's chromium, the n8n runtime from e2e/runtime/package-lock.json), then runs the
# e2e jest project (`npm run test:e2e`), writes its results to test-results/e2e.json, prints
# `e2e: N passed, M failed` and exits non-zero on failure. Arguments go to jest (e.g. a suite name: `headless`).
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

# The global setup installs the runtime itself when needed; doing it here first keeps the install apart in the log.
node_modules/.bin/tsx e2e/lib/runtime.ts

mkdir -p test-results
rm -f test-results/e2e.json
# Hard upper bound well inside CI's 90 minutes; timeout signals the whole process group, so n8n and Chromium stop too.
status=0
timeout --signal=TERM --kill-after=60 2400 node_modules/.bin/jest -c e2e/jest.config.js --runInBand \
	--json --outputFile=test-results/e2e.json "$@" || status=$?
node_modules/.bin/tsx scripts/test-summary.ts e2e test-results/e2e.json
exit "$status"
