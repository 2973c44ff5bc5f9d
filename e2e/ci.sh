#!/usr/bin/env bash
# End-to-end tests in real n8n, one run per runtime of e2e/runtimes (the n8n version matrix), and headless Chromium
# on the default runtime; .ci/run calls this after the unit tests. For each runtime, in the order
# `tsx e2e/lib/runtimes.ts list` prints (default first): install it when missing (its Node from the npm registry when
# that is not the machine's, sqlite3 from the one shared build), then the e2e jest project with N8N_VERSION=<runtime>
# (every e2e/tests/*.e2e.ts; default-only suites such as browser only on the default), results in
# test-results/e2e-<runtime>.json. Then the per-version table (scripts/ci-report.ts matrix, also written to
# test-results/matrix.md) and `e2e: N passed, M failed`; exits non-zero when anything failed.
# E2E_RUNTIMES="2.41.1-node24 ..." runs only those runtimes; arguments go to jest (e.g. a suite name: `headless`).
# Typical cost on a fresh machine: chromium ~1 min, each runtime's install 2-5 min, each runtime's suites 3-4 min.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/stages.sh

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_chromium() {
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
	stage "chromium (apt)" install_chromium
fi

mkdir -p test-results
rm -f test-results/e2e-*.json test-results/e2e-runtimes.txt
runtimes="${E2E_RUNTIMES:-$(node_modules/.bin/tsx e2e/lib/runtimes.ts list)}"
# Written first: the report counts a runtime that never produced results as a failure.
printf '%s\n' $runtimes >test-results/e2e-runtimes.txt

status=0
for runtime in $runtimes; do
	# timeout signals the whole process group, so n8n and Chromium stop too.
	if ! stage "install n8n $runtime" env N8N_VERSION="$runtime" \
		timeout --signal=TERM --kill-after=30 "$(stage_timeout 1200)" node_modules/.bin/tsx e2e/lib/runtime.ts; then
		status=1
		continue
	fi
	stage "e2e n8n $runtime" env N8N_VERSION="$runtime" \
		timeout --signal=TERM --kill-after=60 "$(stage_timeout 1500)" node_modules/.bin/jest -c e2e/jest.config.js --runInBand \
		--json --outputFile="test-results/e2e-$runtime.json" "$@" || status=1
done

node_modules/.bin/tsx scripts/ci-report.ts matrix
node_modules/.bin/tsx scripts/ci-report.ts count e2e
exit "$status"
