#!/bin/sh
# Runs every test: the unit and conformance programs in $B/tests, the
# end-to-end suite, the fuzz corpora and the corpus suite; counts their "ok"/"not ok"/"skip"
# lines and ends with "N passed, N failed, N skipped".
B=${B:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
log=$(mktemp); trap 'rm -f "$log"' EXIT
status=0
run() {
	name=$1; shift
	echo "== $name"
	if ! "$@" >"$log.out" 2>&1; then status=1; fi
	# a suite that says nothing checked nothing: that is a failure too
	grep -Eq '^(ok|not ok|skip) ' "$log.out" || echo "not ok - $name printed no result" >>"$log.out"
	grep -E '^(not ok|skip|#)' "$log.out"
	cat "$log.out" >>"$log"
	rm -f "$log.out"
}
for t in "$B"/tests/test-*; do
	[ -x "$t" ] && run "$(basename "$t")" "$t"
done
run cases env PATCHDIGEST="$B/patchdigest" tests/cases.sh
run e2e env PATCHDIGEST="$B/patchdigest" tests/e2e.sh
run state env PATCHDIGEST="$B/patchdigest" tests/state.sh
run corpus env PATCHDIGEST="$B/patchdigest" tests/corpus.sh
run fuzz-corpus env B="$B" tests/fuzz-corpus.sh
run git-faults env PATCHDIGEST="$B/patchdigest" tests/git-faults.sh
run git-walk env PATCHDIGEST="$B/patchdigest" tests/git-walk.sh
run hostile env PATCHDIGEST="$B/patchdigest" tests/hostile.sh
run review env PATCHDIGEST="$B/patchdigest" tests/review.sh
run review-state env PATCHDIGEST="$B/patchdigest" tests/review-state.sh
run config env PATCHDIGEST="$B/patchdigest" tests/config.sh
run fetch env PATCHDIGEST="$B/patchdigest" tests/fetch.sh
run cli env PATCHDIGEST="$B/patchdigest" tests/cli.sh
run content-hash env B="$B" tests/content-hash.sh
run lists env PATCHDIGEST="$B/patchdigest" tests/lists.sh
run identical env PATCHDIGEST="$B/patchdigest" tests/identical.sh
run memory env PATCHDIGEST="$B/patchdigest" tests/memory.sh
run applied env PATCHDIGEST="$B/patchdigest" tests/applied.sh
run terminal env PATCHDIGEST="$B/patchdigest" tests/terminal.sh
run output env PATCHDIGEST="$B/patchdigest" tests/output.sh
run formats env PATCHDIGEST="$B/patchdigest" B="$B" tests/formats.sh
run site env PATCHDIGEST="$B/patchdigest" tests/site.sh
run install env B="$B" PATCHDIGEST="$B/patchdigest" tests/install.sh
run bench-gen env PATCHDIGEST="$B/patchdigest" tests/bench-gen.sh
run corpus-state env PATCHDIGEST="$B/patchdigest" tests/corpus-state.sh
passed=$(grep -c '^ok' "$log"); failed=$(grep -c '^not ok' "$log"); skipped=$(grep -c '^skip' "$log")
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
