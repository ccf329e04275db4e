#!/bin/sh
# tests/cli.sh - the command line's habits, one check each: `help`, the
# date forms, a closed pipe, `-` for standard input, .mbox.gz, messages
# named "patchdigest:" whatever the binary is called, the title with no
# list name, the JSON range's dates, and a whole git archive's FROM label
# that names the same digest as a range.
set -u
. "$(dirname "$0")/lib.sh"
sample=sample/kvm-sample.mbox

"$PD" help >"$tmp/h" 2>&1; check "help: exit 0" $? 0
check_grep "help lists the commands" "^  next  " "$tmp/h"
"$PD" help next >"$tmp/h2" 2>&1; check "help next: exit 0" $? 0
"$PD" next --help >"$tmp/h3"
check_cmd "help next is next --help" cmp -s "$tmp/h2" "$tmp/h3"
"$PD" help nosuch >/dev/null 2>&1; check "help of no command: exit 2" $? 2

# dates
"$PD" -f json --since 2025-08-26T10:00 "$sample" >"$tmp/d1.json" 2>/dev/null
"$PD" -f json --since 2025-08-26T10:00:00Z "$sample" >"$tmp/d2.json" 2>/dev/null
check_cmd "ISO 8601 without seconds is the minute" cmp -s "$tmp/d1.json" "$tmp/d2.json"
for form in "today" "yesterday" "3 days ago" "2 weeks ago"; do
	at=$(python3 - "$form" <<'PY'
import datetime, sys
form = sys.argv[1]
days = {"today": 0, "yesterday": 1}.get(form)
if days is None:
    n, unit, _ = form.split()
    days = int(n) * (7 if unit.startswith("week") else 1)
t = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
print(int((t - datetime.timedelta(days=days)).timestamp()))
PY
)
	"$PD" -f json --since "$form" "$sample" >"$tmp/r1.json" 2>/dev/null
	"$PD" -f json --since "@$at" "$sample" >"$tmp/r2.json" 2>/dev/null
	check_cmd "--since '$form' is UTC midnight $form" cmp -s "$tmp/r1.json" "$tmp/r2.json"
done
"$PD" -f json --since 2025-08-26T12:00+02:00 "$sample" >"$tmp/d3.json" 2>/dev/null
check_cmd "ISO 8601 without seconds, with a zone" cmp -s "$tmp/d1.json" "$tmp/d3.json"
"$PD" --since "5 dayz ago" "$sample" >/dev/null 2>"$tmp/e"; check "a date it cannot read: exit 2" $? 2
check_grep "... and the forms it reads are named" "'N days ago'" "$tmp/e"

# a closed pipe: quiet, as git ends
python3 - "$tmp/big.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(f"From x Mon Jan  1 00:00:00 2025\nFrom: P{i} <p{i}@example.org>\n"
                f"Subject: [PATCH] change number {i}\nDate: Wed, 1 Jan 2025 10:00:00 +0000\n"
                f"Message-ID: <{i}@example.org>\n\nChange {i}.\n---\ndiff --git a/a b/a\n\n")
PY
"$PD" --no-progress "$tmp/big.mbox" 2>"$tmp/pipe.err" | head -c 10 >/dev/null
check "| head: nothing said on stderr" "$(cat "$tmp/pipe.err")" ""
sh -c "\"$PD\" --no-progress \"$tmp/big.mbox\" 2>/dev/null; echo \$? >\"$tmp/rc\"" | head -c 10 >/dev/null
check "| head: patchdigest's own status is 141" "$(cat "$tmp/rc")" 141

# standard input and gzip
"$PD" "$sample" >"$tmp/file.txt"
"$PD" - <"$sample" >"$tmp/stdin.txt"; check "'-' reads an mbox from standard input: exit 0" $? 0
check_cmd "... the same digest" cmp -s "$tmp/file.txt" "$tmp/stdin.txt"
# over 1 MiB with --since: the look-back window and the range each read
# the spooled input from its start
python3 - "$tmp/spread.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(4000):
        day = 1 + i * 30 // 4000
        f.write(f"From x Mon Jan  1 00:00:00 2025\nFrom: P{i} <p{i}@example.org>\n"
                f"Subject: [PATCH] change number {i}\nDate: {day:02d} Jan 2025 10:00:00 +0000\n"
                f"Message-ID: <s{i}@example.org>\n\n{'Words of a change. ' * 12}\n---\n"
                f"diff --git a/a b/a\n\n")
PY
"$PD" -f json --since 2025-01-20 "$tmp/spread.mbox" >"$tmp/sp1.json" 2>/dev/null
"$PD" -f json --since 2025-01-20 - <"$tmp/spread.mbox" >"$tmp/sp2.json" 2>"$tmp/sp2.err"
check "standard input over 1 MiB with --since (and its look-back): exit 0" $? 0
grep -v '"origin"' "$tmp/sp1.json" >"$tmp/sp1"; grep -v '"origin"' "$tmp/sp2.json" >"$tmp/sp2"
check "... the same digest as the file's (but where each message came from)" \
	"$(cmp -s "$tmp/sp1" "$tmp/sp2" && echo same) $(grep -c '"origin": "standard input: message' "$tmp/sp2.json")" \
	"same $(grep -c '"origin": "' "$tmp/sp1.json")"
gzip -c "$sample" >"$tmp/t.mbox.gz"
"$PD" "$tmp/t.mbox.gz" >"$tmp/gz.txt"; check "a .mbox.gz file: exit 0" $? 0
check_cmd "... the same digest" cmp -s "$tmp/file.txt" "$tmp/gz.txt"
"$PD" - <"$tmp/t.mbox.gz" >"$tmp/stdin-gz.txt"; check_cmd "gzip on standard input too" cmp -s "$tmp/file.txt" "$tmp/stdin-gz.txt"
head -c 3000 "$tmp/t.mbox.gz" >"$tmp/cut.mbox.gz"
"$PD" "$tmp/cut.mbox.gz" >/dev/null 2>"$tmp/cut.err"; check "a .gz cut short: exit 1, what came before digested" $? 1
check_grep "... saying where" "cut.mbox.gz: byte [0-9]*: skipped: the compressed file is cut short here" "$tmp/cut.err"
"$PD" - <"$tmp/cut.mbox.gz" >/dev/null 2>"$tmp/cut2.err"; check "a gzip stream cut short on standard input: exit 4" $? 4
check_grep "... saying so" "standard input: the compressed stream is cut short" "$tmp/cut2.err"

# "patchdigest:" whatever the binary is called
cp "$PD" "$tmp/pd-renamed"
"$tmp/pd-renamed" --bogus >/dev/null 2>"$tmp/n.err"
check "messages start with 'patchdigest:'" "$(cut -c1-12 "$tmp/n.err" | sort -u)" "patchdigest:"

# no list name known
printf 'From x Mon Jan  1 00:00:00 2025\nFrom: A <a@x.org>\nSubject: hello\nDate: Wed, 1 Jan 2025 10:00:00 +0000\nMessage-ID: <h@x>\n\nhi\n' >"$tmp/noname.mbox"
check "no name known: 'Mailing list update', never 'Mailing mailing'" \
	"$("$PD" "$tmp/noname.mbox" | sed -n 2p | cut -d' ' -f1-3)" "Mailing list update"

# the JSON range's dates
check "JSON range: the dates of its first and last message" \
	"$("$PD" -f json "$sample" | python3 -c 'import json,sys; r=json.load(sys.stdin)["range"]; print(r["from_date"], r["to_date"])')" \
	"2025-08-26T09:37:41Z 2025-08-26T10:04:07Z"

# a whole git archive: FROM is "root", and root..TO is the same digest
if command -v public-inbox-mda >/dev/null; then
	"$(dirname "$0")/tools/deliver.sh" "$tmp/inbox" "$sample" >/dev/null 2>&1
	"$PD" "$tmp/inbox" >"$tmp/w1.txt" 2>/dev/null
	range=$(head -1 "$tmp/w1.txt" | sed 's/^From \([^ ]*\) to \([^ ]*\)$/\1..\2/')
	check "a whole git archive starts at 'root'" "$(echo "$range" | cut -d. -f1)" root
	"$PD" "$tmp/inbox" "$range" >"$tmp/w2.txt" 2>/dev/null
	check_cmd "... and FROM..TO as printed is the same digest" cmp -s "$tmp/w1.txt" "$tmp/w2.txt"
else
	skip "a whole git archive's FROM" "public-inbox is not installed (make deps)"
fi
# a last argument that is no file, list or inbox is the range only when
# it reads as one (FROM..TO, a commit id): a mistyped second archive is
# said to be missing, not read as a range
XDG_CONFIG_HOME="$tmp/noconfig" PI_CONFIG=/dev/null "$PD" -q "$sample" kvmarm.typo >/dev/null 2>"$tmp/typo.err"
check "digest A kvmarm.typo: exit 3" $? 3
check_grep "... naming what is missing" "kvmarm.typo" "$tmp/typo.err"
check "... not as a range" "$(grep -c 'range' "$tmp/typo.err")" 0
XDG_CONFIG_HOME="$tmp/noconfig" PI_CONFIG=/dev/null "$PD" -q "$sample" 1835a3fdb >/dev/null 2>"$tmp/range.err"
check_grep "a commit id as the last argument is still the range" "commit range" "$tmp/range.err"
exit $fail
