#!/bin/sh
# tests/bench-gen.sh - the benchmark: its archive generator gives the
# same archive for the same seed, the epochs asked for, a real
# public-inbox v2 layout patchdigest reads with exit 0, and the shape it
# promises; bench.py runs end to end.
. "$(dirname "$0")/lib.sh"
gen() { python3 bench/gen-archive.py --messages 600 --seed "$1" --epoch-messages 250 "$2" 2>/dev/null; }
gen 7 "$tmp/a" && gen 7 "$tmp/b" && gen 8 "$tmp/c" || { nok "gen-archive.py runs"; exit 1; }
heads() { for e in 0 1 2; do git --git-dir="$1/git/$e.git" rev-parse HEAD; done; }
check "the same seed gives the same commits" "$(heads "$tmp/a")" "$(heads "$tmp/b")"
check_cmd "another seed gives another archive" [ "$(heads "$tmp/a")" != "$(heads "$tmp/c")" ]
check "600 messages in epochs of 250: three epochs" "$(ls "$tmp/a/git" | tr '\n' ' ')" "0.git 1.git 2.git "
n=0; for e in 0 1 2; do n=$((n + $(git --git-dir="$tmp/a/git/$e.git" rev-list --count HEAD))); done
check "one commit per message" "$n" 600
"$PD" -f json "$tmp/a" >"$tmp/a.json"; check "patchdigest reads it (exit 0)" $? 0
python3 - "$tmp/a.json" <<'PY' >"$tmp/shape"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counts"]
print("replies about half:", 0.35 < c["replies"] / c["messages"] < 0.65)
print("series:", c["series"] > 50)
print("unthreaded or multi-patch series:", any(s["expected"] > 1 for s in d["series"]))
print("non-ASCII authors:", any(ord(ch) > 127 for s in d["series"] for ch in json.dumps(s["author"], ensure_ascii=False)))
PY
check "the shape: replies, series, non-ASCII names" "$(grep -c True "$tmp/shape")" 4

# The benchmark itself runs end to end (a smoke test: what it measures is
# for bench/README.md, never asserted here): two sizes, measured in the
# same rounds, and the line that compares their rates (issue 16's third
# target).
BENCH_ARCHIVES="$tmp/bench" PATCHDIGEST="$PD" python3 bench/bench.py --runs 2 --sizes 400,800 \
	--only synthetic-400,synthetic-800 >"$tmp/bench.out" 2>&1
check "bench.py: exits 0" $? 0
row='[0-9]+ \| [0-9.]+ \| [0-9.]+ \| \*\*[0-9.]+x\*\* \| [0-9]+ \| [0-9.]+ \| [0-9]+ \|$'
for size in 400 800; do
	grep -Eq "^\| synthetic-$size \| $row" "$tmp/bench.out" \
		&& ok "bench.py: synthetic-$size: times, ratio, msgs/s, CPU per message and RSS" \
		|| nok "bench.py: synthetic-$size: times, ratio, msgs/s, CPU per message and RSS: $(cat "$tmp/bench.out")"
done
grep -Eq '^linear: msgs/s of the synthetic archives [0-9]+ to [0-9]+, spread [0-9.]+%; CPU per message [0-9.]+ to [0-9.]+ us$' \
	"$tmp/bench.out" \
	&& ok "bench.py: the spread of the synthetic sizes' rates" \
	|| nok "bench.py: the spread of the synthetic sizes' rates: $(cat "$tmp/bench.out")"
grep -Eq '^start and exit alone \(patchdigest --version\): median [0-9.]+ ms$' "$tmp/bench.out" \
	&& ok "bench.py: the fixed cost of a run" \
	|| nok "bench.py: the fixed cost of a run: $(cat "$tmp/bench.out")"
exit $fail
