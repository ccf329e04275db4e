#!/bin/sh
# tests/review-state.sh - the review side across digests (review.md):
# with a state database, a reply arriving in a later `next` digest is
# attributed to the series an earlier digest reported, even with no
# look-back; a series with no reviewer reply for --stale-days is listed
# under "Needs attention" and leaves it once answered or applied.  The
# mail (tests/tools/review-mail.py) is delivered to a real public-inbox
# v2 inbox in three batches, one `next` digest after each.
set -u
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
need_public_inbox "the review side across digests"
attention='sorted(a["title"] for a in d["needs_attention"])'
applied='sorted(a["title"] for a in d["applied"])'
reviewers='sorted(r["address"] for r in d["reviewers"])'

python3 "$tools/review-mail.py" "$tmp/mail"
inbox=$tmp/inbox st=$tmp/state.db
"$tools/deliver.sh" "$inbox" "$tmp/mail/batch1.mbox" >/dev/null 2>&1 || nok "deliver.sh batch 1"
"$PD" next --state "$st" --lookback 0 -f json "$inbox" >"$tmp/d1.json" 2>"$tmp/d1.err"
check "digest 1 exits 0" $? 0
check "digest 1: three series, nothing waits yet" "$(json "$tmp/d1.json" '[len(d["series"]), d["needs_attention"]]')" "[3, []]"

"$tools/deliver.sh" "$inbox" "$tmp/mail/batch2.mbox" >/dev/null 2>&1 || nok "deliver.sh batch 2"
# the same range without the state: the replies answer nothing it knows
c3=$(git --git-dir="$inbox/git/0.git" rev-list --reverse HEAD | sed -n 3p)
"$PD" --lookback 0 -f json "$inbox" "$c3.." >"$tmp/alone.json" 2>/dev/null
cp "$st" "$tmp/copy.db"
"$PD" next --state "$tmp/copy.db" --lookback 0 -f json "$inbox" >"$tmp/d2.json" 2>"$tmp/d2.err"
check "digest 2 exits 0" $? 0
check "digest 2: its range is batch 2 alone (one new series)" "$(json "$tmp/d2.json" 'len(d["series"])')" 1
check "digest 2: dave's reply to A and maint's to C (reported by digest 1) make reviewers" \
	"$(json "$tmp/d2.json" "$reviewers")" "['dave@example.net', 'maint@example.com']"
check "digest 2: C, reported by digest 1, is applied in it" \
	"$(json "$tmp/d2.json" "[(a['title'], a['series'], a['tree']) for a in d['applied']]")" \
	"[('gamma: fix C', None, 'next')]"
check "digest 2: B waits (19 days, no reviewer); A answered and C applied do not" \
	"$(json "$tmp/d2.json" "$attention")" "['beta: fix B']"
"$PD" --state "$st" --lookback 0 "$inbox" "$c3.." >"$tmp/d2.txt" 2>/dev/null
check "digest 2, classic: B under Needs attention" \
	"$(sed -n '/^===== Needs attention/,/^===== Patch/p' "$tmp/d2.txt" | grep -c '^beta: fix B (Bob <bob@example.org>): posted 2025-01-01, no reviewer reply for 19 days$')" 1
check "digest 2, classic: C under Applied" \
	"$(sed -n '/^===== Applied/,/^===== Needs/p' "$tmp/d2.txt" | grep -c '^gamma: fix C (Carol <carol@example.org>): patch 1 to next by Maint <maint@example.com>, 2025-01-20$')" 1
check "the same range without the state: no reviewer, nothing waits" \
	"$(json "$tmp/alone.json" '[d["reviewers"], d["needs_attention"]]')" "[[], []]"
"$PD" --lookback 0 "$inbox" "$c3.." >"$tmp/alone.txt" 2>/dev/null
check "... and C's \"applied\" is listed by the reply's own subject" \
	"$(grep -c '^gamma: fix C (posted before the look-back window): applied to next by Maint <maint@example.com>, 2025-01-20$' "$tmp/alone.txt")" 1
"$PD" next --state "$st" --lookback 0 -f json "$inbox" >/dev/null 2>&1

"$tools/deliver.sh" "$inbox" "$tmp/mail/batch3.mbox" >/dev/null 2>&1 || nok "deliver.sh batch 3"
"$PD" next --state "$st" --lookback 0 -f json "$inbox" >"$tmp/d3.json" 2>"$tmp/d3.err"
check "digest 3 exits 0" $? 0
check "digest 3: frank's reply to B counts" "$(json "$tmp/d3.json" "$reviewers")" "['frank@example.net']"
check "digest 3: B answered leaves; A (reviewed a month ago) and E wait; C applied stays out" \
	"$(json "$tmp/d3.json" "$attention")" "['alpha: fix A', 'epsilon: fix E']"
check "digest 3: --stale-days 40 lets A and E wait no longer" \
	"$("$PD" --state "$st" --lookback 0 --stale-days 40 -f json "$inbox" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["needs_attention"])')" "[]"

# --- a state file written by the previous schema (2) ---------------------
# tests/fixtures/state-v2.sqlite3: the previous release's `digest --record`
# of batch 1 as an mbox.  A run that records nothing reads it as it is
# (replies still find their series; no series is known to wait); the
# first recording run upgrades it to the newest schema in one transaction.
sql() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); print(r[0][0] if r else '')" "$@"; }
cp tests/fixtures/state-v2.sqlite3 "$tmp/v2.db"
cat "$tmp/mail/batch1.mbox" "$tmp/mail/batch2.mbox" >"$tmp/v2.mbox"
python3 -c "import sqlite3,sys,os; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE archive SET key = ?', (os.path.realpath(sys.argv[2]),)); c.commit()" "$tmp/v2.db" "$tmp/v2.mbox"
check "the fixture is schema 2" "$(sql "$tmp/v2.db" 'PRAGMA user_version')" 2
"$PD" --state "$tmp/v2.db" --lookback 0 --since 2025-01-10 -f json "$tmp/v2.mbox" >"$tmp/v2-read.json" 2>"$tmp/v2-read.err"
check "a schema 2 state read by a run that records nothing: exit 0" $? 0
check "... the replies find the series it reported" "$(json "$tmp/v2-read.json" "$reviewers")" \
	"['dave@example.net', 'maint@example.com']"
check "... it knows of no series waiting" "$(json "$tmp/v2-read.json" "$attention")" "[]"
check "... and is left as it was" "$(sql "$tmp/v2.db" 'PRAGMA user_version')" 2
"$PD" digest --record --state "$tmp/v2.db" --lookback 0 --since 2025-01-10 -f json "$tmp/v2.mbox" \
	>"$tmp/v2-rec.json" 2>"$tmp/v2-rec.err"
check "a recording run upgrades it: exit 0" $? 0
check "now schema 4 (the newest)" "$(sql "$tmp/v2.db" 'PRAGMA user_version')" 4
check "series has the review columns" "$(sql "$tmp/v2.db" "SELECT count(*) FROM pragma_table_info('series') WHERE name IN ('author_name', 'first_date', 'last_review', 'review_status', 'superseded')")" 5
check "a series recorded before the upgrade never waits (whether it was answered is not known)" \
	"$(json "$tmp/v2-rec.json" "$attention")" "[]"
check "C is recorded applied, A's review is recorded; what a reply touched is known now" \
	"$(sql "$tmp/v2.db" "SELECT group_concat(title || ':' || review_status || ':' || (last_review > 0) || ':' || (first_date > 0), ' ') FROM (SELECT * FROM series ORDER BY id)")" \
	"alpha: fix A:2:1:1 beta: fix B:0:0:0 gamma: fix C:4:1:1 epsilon: fix E:0:0:1"
check "the upgraded file passes SQLite's integrity check" "$(sql "$tmp/v2.db" 'PRAGMA integrity_check')" ok
# --- a series split across digests, and a RESEND -------------------------
# Digest 1 has Zed's cover and part 1; digest 2 part 2 and an "Applied" to
# the cover: the range's continued series is applied (not a copy of it),
# and leaves Needs attention.  Bob's RESEND of an unanswered patch waits
# as itself.
python3 "$tools/review-mail.py" "$tmp/split-mail" split
"$tools/deliver.sh" "$tmp/split" "$tmp/split-mail/batch1.mbox" >/dev/null 2>&1 || nok "deliver.sh split 1"
"$PD" next --state "$tmp/split.db" --lookback 0 -f json "$tmp/split" >/dev/null 2>&1
"$tools/deliver.sh" "$tmp/split" "$tmp/split-mail/batch2.mbox" >/dev/null 2>&1 || nok "deliver.sh split 2"
"$PD" next --state "$tmp/split.db" --lookback 0 -f json "$tmp/split" >"$tmp/s2.json" 2>/dev/null
check "the continued series is the one applied" \
	"$(json "$tmp/s2.json" "[(s['title'], s['status'], s['review_status']) for s in d['series'] if s['title'].startswith('zeta')]")" \
	"[('zeta: two parts', 'continued', 'applied')]"
check "... and no copy of it waits; the RESEND of beta does, since it was posted" \
	"$(json "$tmp/s2.json" "[(a['title'], a['days']) for a in d['needs_attention']]")" \
	"[('beta: fix B', 19)]"
exit $fail
