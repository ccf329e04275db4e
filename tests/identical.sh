#!/bin/sh
# tests/identical.sh - the memory work of issue 16 changed how the digest
# keeps what it reads, never what it prints: the classic text and the JSON
# of the bundled sample, of kvmarm (whole, and two weeks with the
# look-back window and the review side), of kvm-ppc and of a synthetic
# 100k archive must stay the bytes the build before that work printed.
# tests/data/identical.sha256 holds their SHA-256 sums, taken with that
# build (d9bb5aa).  A change that means to change the output updates the
# sums in the same commit and says why.
set -u
. "$(dirname "$0")/lib.sh"
sums=tests/data/identical.sha256
# run NAME ARGS...: the classic text and the JSON of one digest
run() {
	name=$1; shift
	for f in classic json; do
		"$PD" -q --no-progress -f $f "$@" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then nok "$name ($f): exit $rc: $(head -c 300 "$tmp/err")"; continue; fi
		want=$(awk -v n="$name.$f" '$2 == n { print $1 }' "$sums")
		check "$name ($f) is byte-identical" "$(sha256sum <"$tmp/out" | cut -d' ' -f1)" "$want"
	done
}
run sample sample/kvm-sample.mbox
if [ -d "$SHARED/corpus/kvmarm" ]; then
	run kvmarm "$SHARED/corpus/kvmarm"
	run kvmarm-2021-06-07 --since 2021-06-07 --until 2021-06-14 "$SHARED/corpus/kvmarm"
	run kvmarm-2022-10-03 --since 2022-10-03 --until 2022-10-10 "$SHARED/corpus/kvmarm"
else
	skip "kvmarm byte-identical" "no $SHARED/corpus/kvmarm"
fi
if [ -d "$SHARED/corpus/kvm-ppc" ]; then
	run kvm-ppc "$SHARED/corpus/kvm-ppc"
else
	skip "kvm-ppc byte-identical" "no $SHARED/corpus/kvm-ppc"
fi
# The synthetic archive: bench/'s own when it was made already, otherwise
# made here (the same seed gives the same bytes; about a minute) and kept
# in build/ for the next run.
syn=${BENCH_ARCHIVES:-bench/archives}/synthetic-100000-seed1
if [ ! -d "$syn/git" ]; then
	syn=build/test-archives/synthetic-100000-seed1
	if [ ! -d "$syn/git" ]; then
		mkdir -p build/test-archives && rm -rf "$syn.tmp" &&
		python3 bench/gen-archive.py --messages 100000 --seed 1 --epoch-messages 40000 "$syn.tmp" >/dev/null 2>&1 &&
		mv "$syn.tmp" "$syn" || nok "generating the synthetic 100k archive"
	fi
fi
[ -d "$syn/git" ] && run synthetic-100000-seed1 "$syn"
exit $fail
