#!/bin/sh
# Memory across digests: `next`, `digest --record`, `state`, with real
# public-inbox v2 inboxes made by public-inbox's own delivery agent.
# The oracle is the digest of the whole range: digests of its parts,
# recorded one after another, must report the same facts (New blocks,
# Exist/Skip pairs, patch-list subjects, author counts; see
# tests/tools/digest-facts.py), each exactly once.
set -u
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
facts() { python3 "$tools/digest-facts.py" "$@"; }
same_facts() { python3 "$tools/compare-facts.py" "$1" "$2"; }
count_json() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }

need_public_inbox "state tests"

# --- the bundled sample as an inbox: the commands and their contracts ----
"$tools/deliver.sh" "$tmp/sample" sample/kvm-sample.mbox >/dev/null 2>&1 || nok "deliver.sh makes an inbox"
inbox=$tmp/sample st=$tmp/sample.db
commits=$(git --git-dir="$inbox/git/0.git" rev-list --reverse HEAD)
c13=$(echo "$commits" | sed -n 13p)

"$PD" -f json "$inbox" >"$tmp/whole.json"
check "a digest without --record creates no state file" "$(ls "$st" 2>/dev/null)" ""
"$PD" --state "$st" -f json "$inbox" ..$c13 >/dev/null
check "--state without --record records nothing" "$(ls "$st" 2>/dev/null)" ""

"$PD" next --dry-run --state "$st" "$inbox" >"$tmp/dry1" 2>/dev/null; check "next --dry-run exits 0" $? 0
"$PD" next --dry-run --state "$st" "$inbox" >"$tmp/dry2" 2>/dev/null
check_cmd "next --dry-run twice prints the same digest" cmp -s "$tmp/dry1" "$tmp/dry2"
check "next --dry-run records nothing" "$(ls "$st" 2>/dev/null)" ""

"$PD" digest --record --state "$st" -f json "$inbox" ..$c13 >"$tmp/p1.json"; check "digest --record exits 0" $? 0
"$PD" state --state "$st" >"$tmp/list"
check_grep "digest --record FROM..TO records TO as the position" "epoch 0 at $c13" "$tmp/list"
"$PD" next --state "$st" -f json "$inbox" >"$tmp/p2.json"; check "next exits 0" $? 0
facts "$tmp/whole.json" >"$tmp/f.whole"; facts "$tmp/p1.json" "$tmp/p2.json" >"$tmp/f.parts"
same_facts "$tmp/f.whole" "$tmp/f.parts" >"$tmp/cmp" && ok "sample: two recorded digests report what one digest of all reports" \
	|| { nok "sample: two recorded digests report what one digest of all reports"; head "$tmp/cmp" | sed 's/^/#   /'; }
check "next continues after the recorded position" "$(count_json "$tmp/p2.json" "['range']['from']")" "$(echo $c13 | cut -c1-7)"
"$PD" next --state "$st" "$inbox" >"$tmp/none" 2>"$tmp/err"; check "next with nothing new exits 0" $? 0
check "next with nothing new prints nothing" "$(wc -c <"$tmp/none")" 0
check_cmd "next with nothing new says so on stderr" grep -q "nothing new" "$tmp/err"
"$PD" state --state "$st" >"$tmp/list"
check_grep "state lists the digests" "in 2 digest(s)" "$tmp/list"
"$PD" state --state "$st" forget "$inbox" >/dev/null; check "state forget exits 0" $? 0
"$PD" state --state "$st" >"$tmp/list"
check_cmd "state forget drops the archive" grep -q "no archives recorded" "$tmp/list"
"$PD" state --state "$st" forget "$tmp/nowhere" 2>/dev/null; check "forget of an unknown archive exits 3" $? 3
"$PD" next --state "$st" sample/kvm-sample.mbox 2>/dev/null; check "next on an mbox exits 2 (it needs commits)" $? 2

# the default place, and the archive is only read
sum_inbox() { (cd "$inbox" && find . -type f -exec md5sum {} + | sort); }
sum_inbox >"$tmp/inbox.before"
XDG_STATE_HOME="$tmp/xdg" "$PD" next "$inbox" >/dev/null 2>&1
check_cmd "the default state is \$XDG_STATE_HOME/patchdigest/state.sqlite3" test -f "$tmp/xdg/patchdigest/state.sqlite3"
sum_inbox | cmp -s - "$tmp/inbox.before" && ok "recording leaves the archive untouched" || nok "recording leaves the archive untouched"

# every split point of the sample, by ranges of one inbox
n=$(echo "$commits" | wc -l); bad=0
for k in $(seq 1 $((n - 1))); do
	ck=$(echo "$commits" | sed -n ${k}p); rm -f "$tmp/k.db"
	"$PD" digest --record --state "$tmp/k.db" -f json "$inbox" ..$ck >"$tmp/k1.json" 2>/dev/null
	"$PD" next --state "$tmp/k.db" -f json "$inbox" >"$tmp/k2.json" 2>/dev/null
	facts "$tmp/k1.json" "$tmp/k2.json" >"$tmp/f.k"
	same_facts "$tmp/f.whole" "$tmp/f.k" >"$tmp/cmp" || { bad=$((bad + 1)); echo "# split after commit $k:"; sed 's/^/#   /' "$tmp/cmp"; }
	grep -q "^#" "$tmp/cmp" && echo "# split after commit $k: $(cat "$tmp/cmp")"
done
check "sample: all $((n - 1)) split points report each series once, in full" $bad 0

# --- state files that are not ours, or not usable -------------------------
# seeded, so that every run tests the same bytes
python3 -c "import random,sys; random.seed(8192); sys.stdout.buffer.write(random.randbytes(8192))" >"$tmp/random.db"
cp "$tmp/random.db" "$tmp/random.orig"
"$PD" next --state "$tmp/random.db" "$inbox" >/dev/null 2>"$tmp/err"; check "a state file of random bytes: exit 6" $? 6
check_cmd "the error names the state file" grep -q "random.db" "$tmp/err"
check_cmd "a foreign state file is left untouched" cmp -s "$tmp/random.db" "$tmp/random.orig"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()" "$tmp/other.db"
cp "$tmp/other.db" "$tmp/other.orig"
"$PD" next --state "$tmp/other.db" "$inbox" >/dev/null 2>"$tmp/err"; check "another program's SQLite database: exit 6" $? 6
check_cmd "the error says it is not ours" grep -q "not a patchdigest state database" "$tmp/err"
check_cmd "another program's database is left untouched" cmp -s "$tmp/other.db" "$tmp/other.orig"
rm -f "$tmp/dmg.db"; "$PD" next --state "$tmp/dmg.db" "$inbox" >/dev/null 2>&1
python3 - "$tmp/dmg.db" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
for i in range(4096 + 100, len(b), 997):  # every page after the header
    b[i] ^= 0x5a
open(p, "wb").write(b)
PY
cp "$tmp/dmg.db" "$tmp/dmg.orig"
"$PD" next --state "$tmp/dmg.db" "$inbox" >/dev/null 2>"$tmp/err"; check "a damaged state database: exit 6" $? 6
check_grep "the error says it is damaged" "damaged" "$tmp/err"
check_cmd "a damaged database is left untouched" cmp -s "$tmp/dmg.db" "$tmp/dmg.orig"
"$PD" next --state /proc/patchdigest/state.db "$inbox" >/dev/null 2>"$tmp/err"; check "a state under a read-only place: exit 6" $? 6
check_grep "the error says the place cannot be written" "cannot create" "$tmp/err"
"$PD" next --state "$tmp" "$inbox" >/dev/null 2>&1; check "a directory as the state file: exit 6" $? 6
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$tmp/ro"; "$PD" next --dry-run --state "$tmp/ro/s.db" "$inbox" >/dev/null 2>&1
	"$PD" digest --record --state "$tmp/ro/s.db" "$inbox" ..$c13 >/dev/null 2>&1
	cp -r "$inbox" "$tmp/ro/inbox"; chmod -R a+rX "$tmp" 2>/dev/null; chmod a+r "$tmp/ro/s.db"
	# the record above was made for $inbox; a read-only copy of the state is opened by nobody
	setpriv --reuid=65534 --regid=65534 --clear-groups "$PD" next --state "$tmp/ro/s.db" "$inbox" \
		>/dev/null 2>"$tmp/err"
	check "a read-only state file: exit 6" $? 6
	check_grep "the error says the state is read-only" "readonly\|read-only\|writable" "$tmp/err"
else
	skip "a read-only state file" "needs root and setpriv to drop to an unprivileged user"
fi

# --- versions: a new version names the one reported before ---------------
python3 - "$tmp" <<'PY'
import sys
t = sys.argv[1]
def msg(mid, subj, date, refs=""):
    return ("From x@y Mon Jan  1 00:00:00 2024\nFrom: Ann Dev <ann@example.org>\n"
            "To: kvm@vger.kernel.org\nSubject: %s\nDate: %s\nMessage-ID: <%s>\n%s\n"
            "Body of %s\n---\n f | 1 +\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n a\n+b\n\n"
            % (subj, date, mid, ("In-Reply-To: <%s>\n" % refs) if refs else "", subj))
open(t + "/v1.mbox", "w").write(msg("v1@x", "[PATCH] kvm: make it faster", "Mon, 1 Jan 2024 10:00:00 +0000"))
open(t + "/v2.mbox", "w").write(msg("v2@x", "[PATCH v2] kvm: make it faster", "Mon, 8 Jan 2024 10:00:00 +0000")
    + msg("v1r@x", "[RESEND PATCH] kvm: make it faster", "Mon, 8 Jan 2024 11:00:00 +0000"))
PY
cp "$tmp/v1.mbox" "$tmp/list.mbox"
"$PD" digest --record --state "$tmp/v.db" "$tmp/list.mbox" >/dev/null
cp "$tmp/v2.mbox" "$tmp/list.mbox"
"$PD" --state "$tmp/v.db" -f json "$tmp/list.mbox" >"$tmp/v2.json"
"$PD" digest --record --state "$tmp/v.db" "$tmp/list.mbox" >"$tmp/v2.txt"
grep -q "^Series: kvm: make it faster \[v2, 1/1 patches; v1 reported 2024-01-01[];]" "$tmp/v2.txt" \
	&& ok "the patch list names the version reported before, and when" \
	|| { nok "the patch list names the version reported before, and when"; grep Series "$tmp/v2.txt" | sed 's/^/#   /'; }
grep -q "^Exist: \[RESEND PATCH\] kvm: make it faster" "$tmp/v2.txt" \
	&& ok "a resend of a series an earlier digest reported is Exist/Skip" || nok "a resend of a series an earlier digest reported is Exist/Skip"
grep -q "already reported 2024-01-01" "$tmp/v2.txt" \
	&& ok "the patch list says when the repeat was reported" || nok "the patch list says when the repeat was reported"
check "JSON: previous_version of the new version" \
	"$(count_json "$tmp/v2.json" "['series'][0]['previous_version']['version']")" 1
check "JSON: when the repeat was reported" \
	"$(count_json "$tmp/v2.json" "['series'][1]['reported']['digest_end']")" 2024-01-01T10:00:00Z

# --- runs killed with SIGKILL at many points -------------------------------
# The state must be as before (no digest) or as after (the digest), never
# between, and the run after must print the digest a clean run prints.
"$PD" next --dry-run --state "$tmp/kill-ref.db" "$inbox" >"$tmp/kill-ref.txt" 2>/dev/null
bad=0; before=0; after=0
for delay in 0.001 0.003 0.005 0.008 0.01 0.012 0.015 0.018 0.02 0.025 0.03 0.035 0.04 0.05 0.06 0.08 0.1 0.15; do
	rm -f "$tmp/kill.db" "$tmp/kill.db-journal"
	timeout -s KILL $delay "$PD" next --state "$tmp/kill.db" -o "$tmp/kill.out" "$inbox" 2>/dev/null
	"$PD" state --state "$tmp/kill.db" >"$tmp/kill.state" 2>&1; rc=$?
	if grep -q "in 1 digest" "$tmp/kill.state"; then
		after=$((after + 1))
		cmp -s "$tmp/kill.out" "$tmp/kill-ref.txt" || { bad=$((bad + 1)); echo "# killed after $delay s: recorded, but the output is not whole"; }
	elif [ $rc = 0 ] && ! grep -q "digest(s)" "$tmp/kill.state"; then
		before=$((before + 1))
		"$PD" next --state "$tmp/kill.db" "$inbox" >"$tmp/kill.rerun" 2>/dev/null
		cmp -s "$tmp/kill.rerun" "$tmp/kill-ref.txt" || { bad=$((bad + 1)); echo "# killed after $delay s: the rerun prints another digest"; }
	else
		bad=$((bad + 1)); echo "# killed after $delay s: state is neither before nor after"; sed 's/^/#   /' "$tmp/kill.state"
	fi
done
echo "# SIGKILL: $before runs left the state as before, $after as after"
check "SIGKILL at 18 points: state before or after, rerun prints the same digest" $bad 0

# --- two runs at once on the same state -----------------------------------
rm -f "$tmp/two.db"
"$PD" next --state "$tmp/two.db" -f json "$inbox" >"$tmp/two-a.json" 2>"$tmp/two-a.err" &
"$PD" next --state "$tmp/two.db" -f json "$inbox" >"$tmp/two-b.json" 2>"$tmp/two-b.err" &
wait
sizes="$(wc -c <"$tmp/two-a.json" | tr -d ' ') $(wc -c <"$tmp/two-b.json" | tr -d ' ')"
case "$sizes" in
0\ [1-9]*|[1-9]*\ 0) ok "two runs at once: one prints the digest, the other waits and finds nothing new" ;;
*) nok "two runs at once: outputs of $sizes bytes"; cat "$tmp/two-a.err" "$tmp/two-b.err" | sed 's/^/#   /' ;;
esac
"$PD" state --state "$tmp/two.db" | grep -q "in 1 digest(s)" && ok "two runs at once: one digest recorded" \
	|| nok "two runs at once: one digest recorded"
# a run that finds the state held by another writer (here a process holding
# SQLite's write lock): --wait 0 stops at once with a clear message, a
# longer wait gets through once the holder lets go
rm -f "$tmp/two.db"; "$PD" digest --record --state "$tmp/two.db" "$inbox" ..$c13 >/dev/null 2>&1
hold() { python3 -c "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(float(sys.argv[2])); c.execute('ROLLBACK')" "$tmp/two.db" "$1"; }
hold 3 >"$tmp/held" & holder=$!
while ! grep -q held "$tmp/held" 2>/dev/null; do sleep 0.05; done
"$PD" next --wait 0 --state "$tmp/two.db" "$inbox" >"$tmp/busy.out" 2>"$tmp/busy.err"; rc=$?
check "--wait 0 while another run holds the state: exit 6" $rc 6
check_grep "the message says another run holds the state" "another patchdigest run" "$tmp/busy.err"
check "a run that could not get the state prints nothing" "$(wc -c <"$tmp/busy.out" | tr -d ' ')" 0
wait $holder
hold 1 >"$tmp/held2" & holder=$!
while ! grep -q held "$tmp/held2" 2>/dev/null; do sleep 0.05; done
"$PD" next --wait 20 --state "$tmp/two.db" "$inbox" >"$tmp/waited.out" 2>/dev/null; rc=$?
wait $holder
check "a run that waits for the holder to finish then makes its digest" "$rc $(test -s "$tmp/waited.out" && echo printed)" "0 printed"

# --- the seed fixtures: an inbox made from the first half, the rest delivered later
if [ ! -x "$SHARED/tools/mkinbox" ]; then
	skip "seed fixtures split in two" "$SHARED/tools is not here"
else
	for d in "$SHARED"/fixtures/seeds/*/; do
		n=$(basename "$d"); w=$tmp/seed-$n; mkdir -p "$w"
		total=$(python3 "$tools/mbox-split.py" "$d/input.mbox" 0 /dev/null /dev/null)
		half=$((total / 2))
		python3 "$tools/mbox-split.py" "$d/input.mbox" $half "$w/first.mbox" "$w/rest.mbox" >/dev/null
		"$SHARED/tools/mkinbox" "$w/first.mbox" "$w/inbox" >/dev/null 2>&1 || { nok "seed $n: mkinbox"; continue; }
		"$PD" next --state "$w/s.db" -f json "$w/inbox" >"$w/d1.json" 2>/dev/null
		"$tools/deliver.sh" "$w/inbox" "$w/rest.mbox" >/dev/null 2>&1 || { nok "seed $n: delivering the rest"; continue; }
		"$PD" next --state "$w/s.db" -f json "$w/inbox" >"$w/d2.json" 2>/dev/null
		"$PD" next --dry-run --state "$w/s2.db" -f json "$w/inbox" >"$w/whole.json" 2>/dev/null
		facts "$w/whole.json" >"$w/f.whole"; facts "$w/d1.json" "$w/d2.json" >"$w/f.parts"
		same_facts "$w/f.whole" "$w/f.parts" >"$w/cmp" \
			&& ok "seed $n split at message $half of $total: each series reported once, in full" \
			|| { nok "seed $n split at message $half of $total"; head "$w/cmp" | sed 's/^/#   /'; }
		grep "^#" "$w/cmp"
		e=$(grep -c "^EXIST" "$w/f.whole"); e2=$(facts "$w/d2.json" | grep -c "^EXIST")
		echo "# seed $n: $e Exist/Skip pair(s) in all, $e2 in the second digest"
		"$PD" --state "$w/s.db" "$w/inbox" >"$w/again.txt" 2>/dev/null
		check "seed $n: a third digest of everything shows every series as Exist/Skip or continued" \
			"$(grep -c '^New:' "$w/again.txt")" 0
	done
fi

# --- a new epoch appearing after a digest -----------------------------------
python3 "$tools/mbox-split.py" sample/kvm-sample.mbox 13 "$tmp/e-first.mbox" "$tmp/e-rest.mbox" >/dev/null
"$tools/deliver.sh" "$tmp/epochs" "$tmp/e-first.mbox" >/dev/null 2>&1
"$tools/deliver.sh" "$tmp/epoch1" "$tmp/e-rest.mbox" >/dev/null 2>&1
"$PD" next --state "$tmp/e.db" -f json "$tmp/epochs" >"$tmp/e1.json" 2>/dev/null
mv "$tmp/epoch1/git/0.git" "$tmp/epochs/git/1.git"   # what public-inbox does when an epoch is full
"$PD" next --state "$tmp/e.db" -f json "$tmp/epochs" >"$tmp/e2.json" 2>/dev/null
check "a new epoch git/1.git is read from its first message" "$(count_json "$tmp/e2.json" "['counts']['messages']")" 14
"$PD" -f json "$tmp/epochs" >"$tmp/e-whole.json"
facts "$tmp/e-whole.json" >"$tmp/f.ew"; facts "$tmp/e1.json" "$tmp/e2.json" >"$tmp/f.ep"
same_facts "$tmp/f.ew" "$tmp/f.ep" >"$tmp/cmp" && ok "across the new epoch each series is reported once" \
	|| { nok "across the new epoch each series is reported once"; head "$tmp/cmp" | sed 's/^/#   /'; }
"$PD" state --state "$tmp/e.db" | grep -q "epoch 0 at .*, epoch 1 at" && ok "the position holds a commit per epoch" \
	|| nok "the position holds a commit per epoch"

# --- help and usage ----------------------------------------------------------
"$PD" next --help >"$tmp/next.help"; check_grep "next --help documents --dry-run" "dry-run" "$tmp/next.help"
"$PD" state --help >"$tmp/state.help"; check_grep "state --help documents forget" "forget" "$tmp/state.help"
"$PD" next 2>/dev/null; check "next without an archive exits 2" $? 2
"$PD" state bogus 2>/dev/null; check "state with an unknown action exits 2" $? 2
"$PD" state --state "$tmp/none.db" | grep -q "nothing recorded yet" && ok "state of a missing file says nothing was recorded" \
	|| nok "state of a missing file says nothing was recorded"
check "state of a missing file creates nothing" "$(ls "$tmp/none.db" 2>/dev/null)" ""
"$PD" next --state "$tmp/nw.db" "$tmp/nowhere" 2>/dev/null; check "next on a missing path exits 3" $? 3
check "next on a missing path creates no state" "$(ls "$tmp/nw.db" 2>/dev/null)" ""

# --- a repeat across digests needs the same patch count (digest.md) -----------
# `[PATCH v3] T` recorded, then a `[PATCH v3 00/10] T` series: a new
# posting, not Exist/Skip; the same single patch sent again is a repeat
python3 - "$tmp/lone.mbox" "$tmp/series.mbox" <<'PY'
import sys
def msg(subject, mid, minute, body):
    return ("From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Ben Bay <ben@beta.example>\n"
            f"To: kvm@vger.kernel.org\nSubject: {subject}\nMessage-ID: <{mid}>\n"
            f"Date: Mon, 03 Nov 2025 10:{minute:02d}:00 +0000\n\n{body}\n\n")
diff = "---\ndiff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-a\n+b\n"
open(sys.argv[1], "w").write(msg("[PATCH v3] kvm: lone", "l@beta", 0, "Alone.\n" + diff))
open(sys.argv[2], "w").write(msg("[PATCH v3 00/10] kvm: lone", "s@beta", 30, "Ten now.")
                             + msg("[PATCH v3 01/10] kvm: lone", "s1@beta", 30, "First of ten.\n" + diff)
                             + msg("[PATCH v3] kvm: lone", "l2@beta", 31, "Alone.\n" + diff))
PY
# one archive (the state keys series by archive), grown between digests
cp "$tmp/lone.mbox" "$tmp/grown.mbox"
"$PD" digest --record --state "$tmp/count.db" "$tmp/grown.mbox" >/dev/null 2>&1
cat "$tmp/series.mbox" >>"$tmp/grown.mbox"
"$PD" --state "$tmp/count.db" "$tmp/grown.mbox" >"$tmp/count.txt" 2>/dev/null
check_grep "an earlier digest's single [PATCH v3] T does not make [PATCH v3 00/10] T a repeat" \
	"^New:  kvm: lone$" "$tmp/count.txt"
check_grep "the single patch sent again is a repeat of the earlier digest's" \
	"^Exist: \[PATCH v3\] kvm: lone" "$tmp/count.txt"

# --- a preview stuck in its output never blocks a recording run -----------
# `next --dry-run | less` left open: the preview writes into a FIFO nobody
# reads, so it stays in its output; a recording `next` must still record
# (its snapshot of the state ended before the output began)
"$tools/deliver.sh" "$tmp/pv" sample/kvm-sample.mbox >/dev/null 2>&1
pc13=$(git --git-dir="$tmp/pv/git/0.git" rev-list --reverse HEAD | sed -n 13p)
"$PD" digest --record --state "$tmp/pv.db" "$tmp/pv" "..$pc13" >/dev/null 2>&1
mkfifo "$tmp/stuck"
"$PD" next --dry-run --state "$tmp/pv.db" -o "$tmp/stuck" "$tmp/pv" 2>/dev/null &
preview=$!
sleep 1 # the preview has read the state and waits in its output
timeout 60 "$PD" next --wait 3 --state "$tmp/pv.db" "$tmp/pv" >"$tmp/rec.txt" 2>"$tmp/rec.err"
check "a recording next while a preview waits in its output: exit 0" $? 0
"$PD" state --state "$tmp/pv.db" >"$tmp/pv.list"
check_grep "the recording run recorded its digest" "in 2 digest(s)" "$tmp/pv.list"
timeout 20 cat "$tmp/stuck" >/dev/null
wait $preview
check "the preview then finishes: exit 0" $? 0

# --- the state stores what the continuation needs, not every reference -----
# 300 patches each naming 1,000 older messages of its own (long threads):
# a message's own ID, its parent and its thread's root are kept
python3 - "$tmp/refs.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(1, 301):
        refs = " ".join(f"<old{i}-{k}@x>" for k in range(1000))
        f.write(f"From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Ann <ann@x.example>\n"
                f"Subject: [PATCH {i}/300] part {i}\nMessage-ID: <p{i}@x>\n"
                f"In-Reply-To: <cover@x>\nReferences: {refs} <cover@x>\n"
                f"Date: Mon, 03 Nov 2025 10:00:00 +0000\n\nPart {i}.\n---\n"
                "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n\n")
PY
"$PD" digest --record --state "$tmp/refs.db" "$tmp/refs.mbox" >/dev/null 2>&1
size=$(stat -c %s "$tmp/refs.db")
if [ "$size" -lt 1000000 ]; then ok "300 patches with 1,000 References each: the state is $size bytes"
else nok "300 patches with 1,000 References each: the state is $size bytes (over 1 MB)"; fi
rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from series_message').fetchone()[0])" "$tmp/refs.db")
check "each patch keeps its ID, its parent and its thread's root (300 + 300 + the cover)" "$rows" 601
# the cover, arriving later, still joins the series through its ID
printf 'From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Ann <ann@x.example>\nSubject: [PATCH 0/300] parts\nMessage-ID: <cover@x>\nDate: Mon, 03 Nov 2025 11:00:00 +0000\n\nThe cover.\n\n' >>"$tmp/refs.mbox"
"$PD" --state "$tmp/refs.db" "$tmp/refs.mbox" >"$tmp/refs.txt" 2>/dev/null
check_grep "a cover arriving later continues the recorded series" "continues the series reported" "$tmp/refs.txt"

# --- history rewritten since the last digest (public-inbox-purge) -----------
# purge replaces message 5's blob and every commit after it, one for one,
# keeping their times: the recorded commit (13) leaves the history.  The
# next digest says so and goes on from the commit in its place: 14 to 27,
# not the whole epoch again.
if command -v public-inbox-purge >/dev/null; then
	"$tools/deliver.sh" "$tmp/pg" sample/kvm-sample.mbox >/dev/null 2>&1
	pg13=$(git --git-dir="$tmp/pg/git/0.git" rev-list --reverse HEAD | sed -n 13p)
	pg5=$(git --git-dir="$tmp/pg/git/0.git" rev-list --reverse HEAD | sed -n 5p)
	"$PD" digest --record --state "$tmp/pg.db" "$tmp/pg" "..$pg13" >/dev/null 2>&1
	git --git-dir="$tmp/pg/git/0.git" show "$pg5:m" >"$tmp/purged.eml"
	printf '[publicinbox "kvm"]\n\tinboxdir = %s\n\taddress = kvm@vger.kernel.org\n\turl = http://localhost/kvm\n' \
		"$tmp/pg" >"$tmp/pi-config"
	PI_CONFIG="$tmp/pi-config" HOME="$tmp" public-inbox-purge "$tmp/pg" <"$tmp/purged.eml" >/dev/null 2>&1
	check_cmd "public-inbox-purge rewrote the history" sh -c \
		"! git --git-dir='$tmp/pg/git/0.git' merge-base --is-ancestor $pg13 HEAD"
	"$PD" next -f json --state "$tmp/pg.db" "$tmp/pg" >"$tmp/pg.json" 2>"$tmp/pg.err"
	check "after a purge: next exits 0" $? 0
	check "after a purge: next reads the 14 messages after the recorded one" \
		"$(count_json "$tmp/pg.json" "['counts']['messages']")" 14
	check_grep "after a purge: stderr says the epoch was rewritten" "was rewritten since the last digest" "$tmp/pg.err"
	"$PD" next --state "$tmp/pg.db" "$tmp/pg" >/dev/null 2>"$tmp/pg2.err"
	check_grep "and the digest after it has nothing new" "nothing new" "$tmp/pg2.err"
else
	skip "a purged history" "public-inbox-purge is not installed"
fi

# --- a state file written by the previous schema (1) ---------------------------
# tests/fixtures/state-v1.sqlite3: the previous release's `digest --record`
# of the sample's first 13 messages.  Read as it is by a run that records
# nothing; upgraded in one transaction by the first run that records.
fixture=tests/fixtures/state-v1.sqlite3
cp "$fixture" "$tmp/v1.db"; cp sample/kvm-sample.mbox "$tmp/v1.mbox"
sqlv1() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit(); print(r[0][0] if r else '')" "$@"; }
sqlv1 "$tmp/v1.db" "UPDATE archive SET key = '$(python3 -c 'import os,sys; print(os.path.realpath(sys.argv[1]))' "$tmp/v1.mbox")'" >/dev/null
check "the fixture is schema 1" "$(sqlv1 "$tmp/v1.db" 'PRAGMA user_version')" 1
"$PD" --state "$tmp/v1.db" "$tmp/v1.mbox" >"$tmp/v1.txt" 2>"$tmp/v1.err"
check "a schema 1 state read by a run that records nothing: exit 0" $? 0
check "what it reported is not new again (6 New blocks, as with schema 2)" "$(grep -c '^New:' "$tmp/v1.txt")" 6
check_grep "a series it reported goes on" "continues the series reported 2025-08-26" "$tmp/v1.txt"
check "reading does not upgrade it" "$(sqlv1 "$tmp/v1.db" 'PRAGMA user_version')" 1
"$PD" state --state "$tmp/v1.db" >"$tmp/v1.list"; check "state lists a schema 1 file: exit 0" $? 0
"$PD" digest --record --state "$tmp/v1.db" "$tmp/v1.mbox" >/dev/null 2>&1
check "a recording run upgrades it: exit 0" $? 0
check "now schema 4 (the newest)" "$(sqlv1 "$tmp/v1.db" 'PRAGMA user_version')" 4
check "its position table has commit_time" \
	"$(sqlv1 "$tmp/v1.db" "SELECT count(*) FROM pragma_table_info('position') WHERE name = 'commit_time'")" 1
"$PD" state --state "$tmp/v1.db" >"$tmp/v1.list"
check_grep "both digests are there" "in 2 digest(s)" "$tmp/v1.list"
check_cmd "the upgraded file passes SQLite's integrity check" sh -c \
	"[ \"\$(python3 -c \"import sqlite3; print(sqlite3.connect('$tmp/v1.db').execute('PRAGMA integrity_check').fetchone()[0])\")\" = ok ]"

# A reply without facts waits in a file (issue 16), its References read
# back into a cursor: a walk that ends at a message only the state knows
# must keep that Message-ID in the pool, not point into the cursor, whose
# memory the next, longer reply replaces (under AddressSanitizer the old
# code read freed memory when reply C walked to patch 1 again).
python3 - "$tmp/waiting.mbox" <<'PY'
import sys
def msg(frm, subj, mid, date, irt=None, refs=None, body="OK.\n"):
    h = f"From x Mon Jun  2 10:00:00 2025\nFrom: {frm}\nSubject: {subj}\nDate: {date}\nMessage-ID: <{mid}>\n"
    if irt: h += f"In-Reply-To: <{irt}>\n"
    if refs: h += "References: " + " ".join(f"<{r}>" for r in refs) + "\n"
    return h + "\n" + body + "\n"
diff = "Signed-off-by: A U Thor <author@example.org>\n---\ndiff --git a/w b/w\n--- a/w\n+++ b/w\n@@ -1 +1 @@\n-a\n+b\n"
long_refs = [f"{'x' * 200}{i}@example.net" for i in range(40)]
open(sys.argv[1], "w").write(
    msg("A U Thor <author@example.org>", "[PATCH] widget: faster", "p1@example.org",
        "Mon, 2 Jun 2025 10:00:00 +0000", body="Faster.\n\n" + diff)
    + msg("Rev A <a@example.net>", "Re: [PATCH] widget: faster", "ra@example.net",
          "Mon, 9 Jun 2025 10:00:00 +0000", "p1@example.org", ["p1@example.org"])
    + msg("Rev B <b@example.net>", "Re: [PATCH] other", "rb@example.net",
          "Mon, 9 Jun 2025 10:01:00 +0000", long_refs[0], long_refs)
    + msg("Rev C <c@example.net>", "Re: [PATCH] widget: faster", "rc@example.net",
          "Mon, 9 Jun 2025 10:02:00 +0000", "p1@example.org", ["p1@example.org"]))
PY
"$PD" digest --record --state "$tmp/waiting.db" --until 2025-06-05 --lookback 0 -q -f json \
	"$tmp/waiting.mbox" >/dev/null 2>"$tmp/waiting1.err"
check "waiting replies: the patch's week is recorded" $? 0
"$PD" digest --state "$tmp/waiting.db" --since 2025-06-05 --lookback 0 -q -f json \
	"$tmp/waiting.mbox" >"$tmp/waiting.json" 2>"$tmp/waiting2.err"
check "... the replies' week: exit 0" $? 0
check "... both replies to the recorded patch count their senders as reviewers" \
	"$(json "$tmp/waiting.json" 'sorted(r["address"] for r in d["reviewers"])')" "['a@example.net', 'c@example.net']"
exit $fail
