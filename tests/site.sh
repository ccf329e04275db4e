#!/bin/sh
# tests/site.sh - `patchdigest site DIR`: over a state with three recorded
# `next` digests of a real public-inbox v2 inbox, three pages, an index
# and an Atom feed with three entries; a fourth `next` adds one of each.
# The pages parse with html5lib, the feed holds what RFC 4287 requires
# and feedparser reads it; a state of the previous schema opens, lists
# its digest without a page and is upgraded by the next recording run; a
# damaged kept report costs its page, never the site.
set -u
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
PY=/usr/bin/python3   # Debian's: html5lib, feedparser (make deps)
need_public_inbox "the site of recorded digests"
sql() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit(); print(r[0][0] if r else '')" "$@"; }
rows() { grep -c '<tr><td data-label="Digest">' "$1"; }

python3 "$tools/review-mail.py" "$tmp/mail"
inbox=$tmp/inbox st=$tmp/state.db site=$tmp/site
for b in 1 2 3; do
	"$tools/deliver.sh" "$inbox" "$tmp/mail/batch$b.mbox" >/dev/null 2>&1 || nok "deliver.sh batch $b"
	"$PD" next -q --state "$st" --lookback 0 "$inbox" >/dev/null
	check "next $b exits 0" $? 0
done
"$PD" site --state "$st" "$site" >"$tmp/out" 2>"$tmp/err"
check "site exits 0" $? 0
check "it says what it wrote" "$(cat "$tmp/out")" "$site: 3 page(s), index.html and feed.atom for 3 digest(s)"
check "three pages" "$(ls "$site" | grep -c '^digest-[0-9]*\.html$')" 3
check "an index of three digests" "$(rows "$site/index.html")" 3
check "the index links each page, newest first" \
	"$(grep -o 'href="digest-[0-9]*\.html"' "$site/index.html" | tr '\n' ' ')" \
	'href="digest-3.html" href="digest-2.html" href="digest-1.html" '
check_cmd "the feed holds what RFC 4287 requires, with three entries; feedparser reads it" \
	$PY "$tools/check-feed.py" "$site/feed.atom" 3
# the feed check can fail: an entry without its id, a date that is not one
sed '0,/<entry>/!{0,/<id>[^<]*<\/id>/s/<id>[^<]*<\/id>//}' "$site/feed.atom" >"$tmp/bad.atom"
$PY "$tools/check-feed.py" "$tmp/bad.atom" 3 >/dev/null
check "the feed check finds an entry without an id" $? 1
sed 's/<updated>\([0-9-]*\)T/<updated>\1 /' "$site/feed.atom" >"$tmp/bad.atom"
$PY "$tools/check-feed.py" "$tmp/bad.atom" 3 >/dev/null
check "the feed check finds a date that is not RFC 3339" $? 1
for f in "$site"/*.html; do
	check_cmd "$(basename "$f") parses with html5lib without an error" $PY "$tools/check-page.py" valid "$f"
done
check "a page is its digest's report (the same title as the JSON recorded)" \
	"$(grep -c '<h1>KVM mailing list update from root to ' "$site/digest-1.html")" 1
cp -r "$site" "$tmp/site-before"
"$PD" site --state "$st" "$site" >/dev/null
check "the same state makes the same site, byte for byte" "$(diff -r "$tmp/site-before" "$site" && echo same)" same

# a fourth digest: the hostile subjects of tests/cases/hostile-markup
"$tools/deliver.sh" "$inbox" tests/cases/hostile-markup/input.mbox >/dev/null 2>&1 || nok "deliver.sh batch 4"
"$PD" next -q --state "$st" --lookback 0 "$inbox" >/dev/null
"$PD" site --state "$st" "$site" >/dev/null
check "a fourth next: four pages" "$(ls "$site" | grep -c '^digest-[0-9]*\.html$')" 4
check "... four rows in the index, the new one first" \
	"$(rows "$site/index.html"):$(grep -o 'href="digest-[0-9]*\.html"' "$site/index.html" | head -1)" \
	'4:href="digest-4.html"'
check_cmd "... and four entries in the feed" $PY "$tools/check-feed.py" "$site/feed.atom" 4
check_cmd "the hostile digest's page: nothing from mail as markup" \
	$PY "$tools/check-page.py" safe "$site/digest-4.html"
check "the feed's ids stay: the first three entries are the same" \
	"$(grep -o 'urn:uuid:[^<]*' "$tmp/site-before/feed.atom" | tail -3)" \
	"$(grep -o 'urn:uuid:[^<]*' "$site/feed.atom" | tail -3)"
"$PD" site --state "$st" --base-url https://example.org/kvm --title 'KVM <digests>' "$tmp/site2" >/dev/null
check "--base-url makes the feed's links absolute" \
	"$(grep -c 'href="https://example.org/kvm/digest-4.html"' "$tmp/site2/feed.atom")" 1
check "--title is the title, escaped" "$(grep -c '<title>KVM &lt;digests&gt;</title>' "$tmp/site2/feed.atom")" 1
"$PD" site --state "$st" --link-mask 'https://mail.example.org/%s' "$tmp/site3" >/dev/null
check "--link-mask makes the pages' links" \
	"$(grep -c 'href="https://mail.example.org/' "$tmp/site3/digest-1.html" | sed 's/^[1-9][0-9]*$/some/')" some

# a damaged report costs nothing published: the page it made stays, a
# digest that never had one is listed without
cp "$st" "$tmp/damaged.db"
sql "$tmp/damaged.db" "UPDATE digest_report SET data = x'00ff00' WHERE digest_id IN (2, 3)" >/dev/null
cp -r "$site" "$tmp/site4"
rm "$tmp/site4/digest-3.html"
"$PD" site --state "$tmp/damaged.db" "$tmp/site4" >/dev/null 2>"$tmp/err"
check "damaged reports: exit 1" $? 1
check_grep "... said on stderr" "damaged" "$tmp/err"
check "... the page published from one stays; the other digest is listed without" \
	"$(rows "$tmp/site4/index.html"):$(ls "$tmp/site4" | grep '^digest-' | tr '\n' ' ')" \
	"4:digest-1.html digest-2.html digest-4.html "
check "... as damaged" "$(grep -c 'its kept report is damaged' "$tmp/site4/index.html")" 1
check "... and the page that stays is the one published" "$(cmp "$site/digest-2.html" "$tmp/site4/digest-2.html" && echo same)" same

# a state path that names no file writes nothing (an empty state would
# empty the published site)
"$PD" site --state "$tmp/no-such.db" "$site" >/dev/null 2>"$tmp/err"
check "no state file: exit 3" $? 3
check "... and the site is as it was" "$(ls "$site" | grep -c '^digest-')" 4

# the feed keeps its id, whatever is given later (RFC 4287 4.2.6)
id_before=$(grep -o '<id>[^<]*</id>' "$site/feed.atom" | head -1)
"$PD" site --state "$st" --base-url 'https://example.org/kvm/?a=1&b=<2>' "$site" >/dev/null
check "the feed's id stays when a base URL is given later" "$(grep -o '<id>[^<]*</id>' "$site/feed.atom" | head -1)" "$id_before"
check_cmd "a base URL with & and < still makes a valid feed" $PY "$tools/check-feed.py" "$site/feed.atom" 4
"$PD" site --state "$st" "$site" >/dev/null

# forgetting the archive takes its pages away at the next site
"$PD" state --state "$st" forget "$inbox" >/dev/null
"$PD" site --state "$st" "$site" >/dev/null
check "forgotten digests' pages are removed" "$(ls "$site" | grep -c '^digest-')" 0
check "... and the index says nothing is recorded" "$(grep -c 'No digest is recorded yet' "$site/index.html")" 1
check_cmd "an empty feed is still a valid feed" $PY "$tools/check-feed.py" "$site/feed.atom" 0

# a state of the previous schema (3): tests/fixtures/state-v3.sqlite3, the
# previous release's `digest --record` of batch 1 as an mbox
cp tests/fixtures/state-v3.sqlite3 "$tmp/v3.db"
cp "$tmp/mail/batch1.mbox" "$tmp/v3.mbox"
sql "$tmp/v3.db" "UPDATE archive SET key = '$tmp/v3.mbox'" >/dev/null
check "the fixture is schema 3" "$(sql "$tmp/v3.db" 'PRAGMA user_version')" 3
"$PD" site --state "$tmp/v3.db" "$tmp/site5" >/dev/null
check "site reads it as it is: its digest listed, without a page" \
	"$(rows "$tmp/site5/index.html"):$(ls "$tmp/site5" | grep -c '^digest-'):$(grep -c 'recorded before reports were kept' "$tmp/site5/index.html")" "1:0:1"
check "... and leaves it at schema 3" "$(sql "$tmp/v3.db" 'PRAGMA user_version')" 3
cat "$tmp/mail/batch2.mbox" >>"$tmp/v3.mbox"
"$PD" digest -q --record --state "$tmp/v3.db" --lookback 0 --since 2025-01-10 "$tmp/v3.mbox" >/dev/null
check "a recording run upgrades it to schema 4" "$(sql "$tmp/v3.db" 'PRAGMA user_version')" 4
"$PD" site --state "$tmp/v3.db" "$tmp/site5" >/dev/null
check "... and its new digest gets a page" \
	"$(rows "$tmp/site5/index.html"):$(ls "$tmp/site5" | grep -c '^digest-')" "2:1"
exit $fail
