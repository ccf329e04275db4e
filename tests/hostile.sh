#!/bin/sh
# tests/hostile.sh - the hostile corpus (tests/tools/hostile.py): each
# input's exit code, what its digest must still report, what stderr
# must say, and a bound on its time and memory.  Under ASan the memory
# bound is looser (shadow memory and quarantine) and the quarantine is
# kept small so the figure still means something.
. "$(dirname "$0")/lib.sh"
mem_limit_kb=$((256 * 1024))
time_limit_s=120   # a hang detector, not a speed test: see bench/
if nm -D "$PD" 2>/dev/null | grep -q __asan_init || nm "$PD" 2>/dev/null | grep -q __asan_init; then
	mem_limit_kb=$((1024 * 1024))
	export ASAN_OPTIONS="quarantine_size_mb=16${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
fi
python3 tests/tools/hostile.py "$tmp/corpus" || { nok "hostile.py writes the corpus"; exit 1; }
tab=$(printf '\t')
while IFS="$tab" read -r name path want_exit texts err_re; do
	/usr/bin/time -f "%M %e" -o "$tmp/time" timeout "$time_limit_s" "$PD" "$path" \
		>"$tmp/out" 2>"$tmp/err"
	got_exit=$?
	check "$name: exit code" "$got_exit" "$want_exit"
	missing=$(echo "$texts" | python3 -c '
import sys
out = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for t in sys.stdin.read().rstrip("\n").split(";;"):
    if t.encode("ascii").decode("unicode_escape") not in out:
        print(t[:60])' "$tmp/out")
	check "$name: the digest reports what it must" "$missing" ""
	if [ "$err_re" = "-" ]; then
		check "$name: nothing on stderr" "$(head -c 300 "$tmp/err")" ""
	else
		grep -Eq "$err_re" "$tmp/err" && ok "$name: stderr says what happened" \
			|| nok "$name: stderr says what happened: $(head -c 300 "$tmp/err")"
	fi
	# the last line: time puts "Command exited with ..." before it
	read -r rss secs <<EOT
$(tail -n 1 "$tmp/time")
EOT
	[ "${rss:-0}" -lt "$mem_limit_kb" ] && ok "$name: peak RSS ${rss} KB under the bound" \
		|| nok "$name: peak RSS ${rss} KB over ${mem_limit_kb} KB"
done <"$tmp/corpus/cases.tsv"
exit $fail
