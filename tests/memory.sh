#!/bin/sh
# tests/memory.sh - a regression guard for memory (issue 16): a digest of
# a generated 200,000-message mbox (one patch to nine replies, each reply
# with a Reviewed-by, so the review side keeps facts of every one) must
# finish within an address-space limit this test sets with `ulimit -v`.
# The limit is about 1.3 times what the digest needs today (about 225 MB
# of address space since replies are kept as records; -j2: its threads,
# their stacks and malloc arenas are part of it); a change that makes
# memory grow faster with the messages read fails it.  Speed is
# bench/'s to measure, never a test's.
set -u
. "$(dirname "$0")/lib.sh"
if nm -D "$PD" 2>/dev/null | grep -q __asan_init || nm "$PD" 2>/dev/null | grep -q __asan_init; then
	skip "memory limit" "AddressSanitizer reserves more address space than any limit"; exit 0
fi
python3 - "$tmp/200k.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(200000):
        if i % 10 == 0:
            f.write(f"From x Mon Jan  1 00:00:00 2025\nFrom: P{i % 500} <p{i % 500}@d{i % 37}.example.org>\n"
                    f"Subject: [PATCH] change number {i}\nDate: Wed, 1 Jan 2025 10:00:00 +0000\n"
                    f"Message-ID: <{i}@example.org>\n\nChange {i}.\n\n"
                    f"Signed-off-by: P <p@example.org>\n---\ndiff --git a/a b/a\n\n")
        else:
            p = i - i % 10
            who = f"R{i % 300} <r{i % 300}@e{i % 23}.example.org>"
            f.write(f"From x Mon Jan  1 00:00:00 2025\nFrom: {who}\n"
                    f"Subject: Re: [PATCH] change number {p}\nDate: Wed, 1 Jan 2025 11:00:00 +0000\n"
                    f"Message-ID: <{i}@example.org>\nIn-Reply-To: <{p}@example.org>\n"
                    f"References: <{p}@example.org>\n\n> Change.\n\nLooks good.\n\n"
                    f"Reviewed-by: {who}\n\n")
PY
limit=300000   # KB of address space; the digest needs about 225 MB today
( ulimit -v $limit; "$PD" -q --no-progress -j2 -f json "$tmp/200k.mbox" >"$tmp/200k.json" 2>"$tmp/200k.err" )
check "a 200k-message mbox within ulimit -v $limit: exit 0" $? 0
check "... every message read" \
	"$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counts"]; print(c["messages"], c["series"])' "$tmp/200k.json" 2>/dev/null)" \
	"200000 20000"
# Address space is mostly the threads' malloc arenas; peak RSS is what the
# records cost: about 67 MB today (72 MB before the postings' texts went
# to the temporary file and replies lost their title; 79 MB before posts
# went into the arena, the pool marked kept Message-IDs and the walks'
# table kept only answered replies; 91 MB before the pool dropped its
# table and grouping its builders' arrays).  A limit of 90 MB catches a
# record or a table per message growing back, with room for what differs
# between machines (malloc arenas, transparent huge pages).
rss=$(python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' \
	"$PD" -q --no-progress -j2 -f json "$tmp/200k.mbox")
if [ "${rss:-999}" -lt 90 ]; then ok "... its peak RSS is under 90 MB ($rss MB)"
else nok "... its peak RSS is under 90 MB: $rss MB"; fi
# Small replies without trailers (bench/gen-replies.py, issue 16's second
# target): they wait in temporary files, and only those a message names
# get a node in memory.  200,000 of them peak at about 26 MB today (39 MB
# when every reply was a record in memory with its Message-ID pooled); a
# limit of 34 MB catches the records coming back.
python3 "$(dirname "$0")/../bench/gen-replies.py" "$tmp/replies.mbox" 200000
rss=$(python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
import json
c = json.loads(r.stdout)["counts"]
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, c["messages"], c["series"])' \
	"$PD" -q --no-progress -j2 -f json "$tmp/replies.mbox")
check "200k small replies: every message read, 200 series" "${rss#* }" "200000 200"
rss=${rss%% *}
if [ "${rss:-999}" -lt 34 ]; then ok "... their peak RSS is under 34 MB ($rss MB)"
else nok "... their peak RSS is under 34 MB: $rss MB"; fi
# -j1: with two threads, glibc creates malloc arenas of 64 MB of address
# space each; under a limit that cannot hold them it falls back to the
# main arena on every allocation and crawls instead of failing
# (it needs 95 to 100 MB of address space with -j1 today)
( ulimit -v 70000; "$PD" -q --no-progress -j1 "$tmp/200k.mbox" >/dev/null 2>"$tmp/small.err" )
check "the guard can fail: under 70 MB (-j1) it runs out (exit 70)" $? 70
check_grep "... and says so" "out of memory" "$tmp/small.err"
exit $fail
