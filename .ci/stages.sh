# Sourced by .ci/run and e2e/ci.sh. `stage NAME COMMAND...` runs COMMAND, prints how long it took and appends
# `NAME<TAB>seconds<TAB>exit code` to test-results/stages.tsv (scripts/ci-report.ts prints them as a table); it
# returns COMMAND's exit code. `stage_timeout CAP` prints a timeout in seconds: CAP, or less when the run's deadline
# (CI_DEADLINE, epoch seconds, set by .ci/run) is nearer, so that the whole run ends inside CI's 90 minutes.
CI_STAGES_FILE="${CI_STAGES_FILE:-test-results/stages.tsv}"

stage() {
	local name=$1 started=$SECONDS status=0
	shift
	mkdir -p "$(dirname "$CI_STAGES_FILE")"
	echo "=== stage: $name"
	"$@" || status=$?
	local took=$((SECONDS - started))
	printf '%s\t%s\t%s\n' "$name" "$took" "$status" >>"$CI_STAGES_FILE"
	echo "=== stage: $name: $((took / 60)) min $((took % 60)) s, exit $status"
	return "$status"
}

stage_timeout() {
	local cap=$1
	if [ -z "${CI_DEADLINE:-}" ]; then
		echo "$cap"
		return
	fi
	local left=$((CI_DEADLINE - $(date +%s) - 60))
	if [ "$left" -lt "$cap" ]; then echo "$((left > 0 ? left : 1))"; else echo "$cap"; fi
}
