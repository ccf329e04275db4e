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

# an mbox cut while it is read (a mail client expunging, copytruncate):
# tests/tools/cut-while-reading.c truncates it to half at the first read.
# A mapped file killed the run with SIGBUS here; now the cut is named,
# what was read is digested, exit 1.
python3 - "$tmp/big.cut.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(4000):
        f.write(f"From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: P <p{i % 50}@x.example>\n"
                f"Subject: [PATCH] change {i}\nMessage-ID: <c{i}@x>\n"
                "Date: Mon, 03 Nov 2025 10:00:00 +0000\n\n" + "Text.\n" * 100
                + "---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n\n")
PY
size=$(stat -c %s "$tmp/big.cut.mbox")
if ${CC:-cc} -shared -fPIC -o "$tmp/cut.so" tests/tools/cut-while-reading.c -ldl 2>"$tmp/cc.err"; then
	ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
	LD_PRELOAD="$tmp/cut.so" timeout 60 "$PD" -f json "$tmp/big.cut.mbox" >"$tmp/cut.json" 2>"$tmp/err"
	check "an mbox cut while it is read: exit 1, no SIGBUS" $? 1
	check "the shim cut it to half" "$(stat -c %s "$tmp/big.cut.mbox")" $((size / 2))
	check_grep "stderr says the file was cut" "the file was cut to .* bytes while it was read" "$tmp/err"
	n=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['patches'])" "$tmp/cut.json")
	if [ "${n:-0}" -gt 0 ] && [ "${n:-0}" -lt 4000 ]; then ok "what was read before the cut is digested ($n patches)"
	else nok "what was read before the cut is digested: $n patches"; fi
else
	nok "cut-while-reading.c builds"; sed 's/^/#   /' "$tmp/cc.err"
fi

# an address-space limit (ulimit -v): 16 parsing threads fit in 1 GB (one
# malloc arena per thread, 64 MB of address space each, did not); under a
# limit too small to digest in, the run ends with exit 70 and a message,
# never a signal.  ASan reserves terabytes of shadow: not under it.
if [ "$mem_limit_kb" -gt $((256 * 1024)) ]; then
	skip "address-space limits" "AddressSanitizer reserves more than any limit"
elif python3 bench/gen-archive.py --messages 20000 --seed 3 "$tmp/as" >/dev/null 2>&1; then
	(ulimit -v 1000000; "$PD" -q --no-progress -j 16 "$tmp/as" >/dev/null 2>"$tmp/err")
	check "-j 16 under ulimit -v 1000000: exit 0" $? 0
	for limit in 90000 120000 150000; do
		(ulimit -v $limit; "$PD" -q --no-progress -j 16 "$tmp/as" >/dev/null 2>"$tmp/err")
		rc=$?
		case $rc in
		0|1) ok "-j 16 under ulimit -v $limit: digested (exit $rc)" ;;
		70) check_grep "-j 16 under ulimit -v $limit: exit 70 says why" \
			"internal error: out of memory" "$tmp/err" ;;
		*) nok "-j 16 under ulimit -v $limit: exit $rc (a signal?): $(tail -c 200 "$tmp/err")" ;;
		esac
	done
else
	nok "gen-archive.py makes an archive for the address-space limits"
fi
exit $fail
