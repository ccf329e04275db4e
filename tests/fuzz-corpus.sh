#!/bin/sh
# tests/fuzz-corpus.sh - replays every fuzz target's corpus (the seeds and
# each input that once broke a target, kept as a regression test) through
# the plain runners, built with the same compiler and sanitizers as the
# rest of the suite.  A target aborts on a broken invariant.
. "$(dirname "$0")/lib.sh"
B=${B:-build}
for src in fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	target=${name#fuzz-}
	runner=$B/fuzz/$name
	if [ ! -x "$runner" ]; then
		nok "$name: the runner $runner was not built"
		continue
	fi
	n=$(ls "fuzz/corpus/$target" 2>/dev/null | wc -l)
	if [ "$n" -eq 0 ]; then
		nok "$name: fuzz/corpus/$target is empty"
		continue
	fi
	if out=$("$runner" "fuzz/corpus/$target" 2>&1); then
		ok "$name: its $n corpus inputs run clean"
	else
		nok "$name: a corpus input fails: $(echo "$out" | tail -5)"
	fi
done
exit $fail
