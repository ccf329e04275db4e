#!/bin/sh
# tests/cases.sh - the digest of each folder in tests/cases, byte for byte
# (after git's t5100: a folder of real mail, each with its golden output).
#
# A case is a folder NAME holding:
#   input.mbox         the mail (a symlink to a shared file is fine)
#   args               options, one per line (optional); the archive is
#                      added after them.  It runs inside the folder, so
#                      the archive is "input.mbox" in origins
#   expected.classic   the classic text expected (optional)
#   expected.json      the JSON expected, run with -f json (optional)
#   expected.html, expected.markdown
#                      the page and the Markdown expected (optional)
#   expected.exit      the exit code expected (optional; default 0)
#   expected.stderr    standard error expected, exactly (optional; -q is
#                      not added, so diagnostics show)
# A new case is a new folder; no script changes.  To write the expected
# files of a new case from the current build (then read them!):
#   PATCHDIGEST=build/patchdigest tests/cases.sh --bless NAME
set -u
. "$(dirname "$0")/lib.sh"
bless=
[ "${1:-}" = --bless ] && { bless=$2; }

run_case() { # DIR FORMAT OUT ERR: runs the case, prints its exit code
	dir=$1 out=$3 err=$4
	set -- --no-progress -f "$2"
	if [ -f "$dir/args" ]; then
		while IFS= read -r a || [ -n "$a" ]; do set -- "$@" "$a"; done <"$dir/args"
	fi
	# from inside the folder, so that origins read "input.mbox: ..."
	(cd "$dir" && "$pd" "$@" input.mbox) >"$out" 2>"$err"
	echo $?
}

case $PD in /*) pd=$PD ;; *) pd=$(pwd)/$PD ;; esac
n=0
for dir in tests/cases/*/; do
	dir=${dir%/}; name=$(basename "$dir")
	if [ ! -e "$dir/input.mbox" ]; then nok "case $name: no input.mbox"; continue; fi
	want_exit=0; [ -f "$dir/expected.exit" ] && want_exit=$(cat "$dir/expected.exit")
	if [ -n "$bless" ]; then
		[ "$bless" = "$name" ] || continue
		rc=$(run_case "$dir" classic "$dir/expected.classic" "$tmp/err")
		for fmt in json html markdown; do
			run_case "$dir" $fmt "$dir/expected.$fmt" /dev/null >/dev/null
		done
		[ "$rc" = 0 ] || echo "$rc" >"$dir/expected.exit"
		echo "# blessed $name (exit $rc): read $dir/expected.* before committing"
		continue
	fi
	for fmt in classic json html markdown; do
		[ -f "$dir/expected.$fmt" ] || continue
		n=$((n + 1))
		rc=$(run_case "$dir" $fmt "$tmp/out" "$tmp/err")
		if [ "$rc" != "$want_exit" ]; then
			nok "case $name ($fmt): exit $rc, want $want_exit"; sed 's/^/#   /' "$tmp/err" | head -5
		elif ! cmp -s "$tmp/out" "$dir/expected.$fmt"; then
			nok "case $name ($fmt): output differs"; diff "$dir/expected.$fmt" "$tmp/out" | head -20 | sed 's/^/#   /'
		elif [ -f "$dir/expected.stderr" ] && ! cmp -s "$tmp/err" "$dir/expected.stderr"; then
			nok "case $name ($fmt): stderr differs"; diff "$dir/expected.stderr" "$tmp/err" | head -10 | sed 's/^/#   /'
		else
			ok "case $name ($fmt)"
		fi
	done
done
[ -n "$bless" ] || [ $n -gt 0 ] || nok "tests/cases holds no case"
exit $fail
