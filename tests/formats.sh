#!/bin/sh
# tests/formats.sh - the formats people read, checked by the programs that
# read them: the HTML page by html5lib and by a real browser (headless
# Chromium, started here and bounded in time: screenshots at phone and
# desktop widths, no horizontal scrolling, the links and bars of the DOM
# it dumps); the Markdown through cmark-gfm; the email parsed back by
# Python's email, also after Python's mailbox stored it; the mbox opened
# by Python's mailbox and by git am; --links on the seed fixtures.
#
# The screenshots stay in build/test-artifacts/formats/ (not in git).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3   # Debian's, which has html5lib (make deps)
artifacts=${B:-build}/test-artifacts/formats
mkdir -p "$artifacts"
sample=sample/kvm-sample.mbox
hostile=tests/cases/hostile-markup/input.mbox

# ---- links in the classic text ------------------------------------------
"$PD" -q --links "$sample" >"$tmp/links.txt"
"$PD" -q -f json "$sample" >"$tmp/sample.json"
"$PD" -q "$sample" >"$tmp/plain.txt"
# the Link: lines --links adds: right after a series heading or an
# Author: line (a commit message may hold Link: trailers of its own)
added_links() { awk 'prev ~ /^(Series|Author): / && /^Link: / { print } { prev = $0 }' "$1"; }
without_added() { awk '!(prev ~ /^(Series|Author): / && /^Link: /) { print } { prev = $0 }' "$1"; }
check "without --links, no Link: line is added" "$(added_links "$tmp/plain.txt" | wc -l)" 0
check "--links only adds Link: lines" "$(without_added "$tmp/links.txt" | cmp - "$tmp/plain.txt" && echo same)" same
$PY - "$tmp/links.txt" "$tmp/sample.json" >"$tmp/links.check" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
d = json.load(open(sys.argv[2], encoding="utf-8"))
def lead(s):
    if s["cover"]: return s["cover"]
    return next((p for p in s["patches"] if p["number"] == 1), s["patches"][0])
want = [lead(s)["link"] for s in d["series"]]
got = [lines[i + 1][6:] for i, l in enumerate(lines) if l.startswith("Series: ")
       and lines[i + 1].startswith("Link: ")]
if got != want: print("series links", got, "want", want)
shown = [m for s in d["series"] if s["status"] in ("new", "continued")
         for m in ([s["cover"]] if s["cover"] else []) + s["patches"] if "commit_message" in m]
got = [lines[i + 1][6:] for i, l in enumerate(lines) if l.startswith("Author: ")
       and lines[i + 1].startswith("Link: ")]
if got != [m["link"] for m in shown]: print("New: links", got, "want", [m["link"] for m in shown])
PY
[ $? = 0 ] || echo "the check itself failed" >>"$tmp/links.check"
check "a Link: to lore after each series heading and each New: block's Author:" "$(cat "$tmp/links.check")" ""
"$PD" -q --links --link-mask 'https://mail.example.org/m/%s' "$sample" >"$tmp/mask.txt"
check "--link-mask makes the links" "$(added_links "$tmp/mask.txt" | grep -c '^Link: https://mail.example.org/m/')" "$(added_links "$tmp/links.txt" | wc -l)"
"$PD" -q --link-mask 'https://x.example/' "$sample" >/dev/null 2>"$tmp/err"
check "a link mask without %s is a usage error" "$?" 2
if [ -d "$SHARED/fixtures/seeds" ] && [ -x "$SHARED/tools/check-digest" ]; then
	for seed in "$SHARED"/fixtures/seeds/*/; do
		n=$(basename "$seed")
		"$PD" -q --links --lore-list kvm "$seed/input.mbox" >"$tmp/seed.txt"
		check "seed $n passes check-digest with --links" \
			"$("$SHARED/tools/check-digest" "$seed/expected.json" "$tmp/seed.txt" >"$tmp/cd" && echo ok || tail -3 "$tmp/cd")" ok
		check "seed $n has Link: lines" "$(grep -c '^Link: https://lore.kernel.org/kvm/' "$tmp/seed.txt" | sed 's/^[1-9][0-9]*$/some/')" some
	done
else
	skip "seeds with --links" "no $SHARED/fixtures/seeds or check-digest"
fi

# ---- HTML: html5lib, then a real browser ----------------------------------
pages="sample:$sample hostile:$hostile"
if [ -d "$SHARED/corpus/kvmarm" ]; then
	"$PD" -q -f html --since 2022-10-03 --until 2022-10-10 "$SHARED/corpus/kvmarm" >"$tmp/kvmarm-week.html"
	"$PD" -q -f json --since 2022-10-03 --until 2022-10-10 "$SHARED/corpus/kvmarm" >"$tmp/kvmarm-week.json"
	pages="$pages kvmarm-week:-"
else
	skip "a kvmarm week's page" "no $SHARED/corpus/kvmarm"
fi
for p in $pages; do
	name=${p%%:*} src=${p#*:}
	if [ "$src" != - ]; then
		"$PD" -q -f html "$src" >"$tmp/$name.html"
		"$PD" -q -f json "$src" >"$tmp/$name.json"
	fi
	check_cmd "$name: the page parses with html5lib without an error" $PY tests/tools/check-page.py valid "$tmp/$name.html"
	check_cmd "$name: only the page's own elements and attributes" $PY tests/tools/check-page.py safe "$tmp/$name.html"
done
check "no line of the page's markup is over 512 characters (lintian's mark of minified code)" \
	"$(awk 'length($0) > 512' "$tmp/sample.html" "$tmp/hostile.html" | wc -l)" 0
check "the hostile subjects are text on the page" "$(grep -c '&lt;script&gt;alert(1)&lt;/script&gt; &quot;onload=alert(2) x=&quot; &lt;/style&gt;&lt;img' "$tmp/hostile.html" | sed 's/^[1-9][0-9]*$/yes/')" yes
# the checkers can fail: a page with a script, a broken one, a wrong bar
sed 's|</h1>|<script>alert(1)</script></h1>|' "$tmp/sample.html" >"$tmp/bad.html"
$PY tests/tools/check-page.py safe "$tmp/bad.html" >/dev/null
check "the safety check finds a script" "$?" 1
sed 's|<main>|<main><p><b>x</p>|' "$tmp/sample.html" >"$tmp/bad.html"
$PY tests/tools/check-page.py valid "$tmp/bad.html" >/dev/null
check "the html5lib check finds a parse error" "$?" 1

browser=$(command -v chromium || command -v chromium-browser)
if [ -z "$browser" ]; then
	skip "pages in a browser" "chromium is not installed (make deps)"
else
	# Chromium's headless window is at least 500 px wide: the page is
	# shown in a frame of the width wanted, and a script of the probe
	# (never of the page) says whether the page fits it
	chrome() { timeout 90 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/chrome" --allow-file-access-from-files --no-first-run "$@" 2>/dev/null; }
	for p in $pages; do
		name=${p%%:*}
		cp "$tmp/$name.html" "$tmp/page-$name.html"
		for width in 375 1280; do
			cat >"$tmp/probe.html" <<EOF
<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="page-$name.html" style="border:0;width:${width}px;height:4000px"></iframe>
<script>window.onload=function(){var d=document.getElementById("f").contentDocument;
document.body.setAttribute("data-fit",d?(d.documentElement.scrollWidth<=d.documentElement.clientWidth?"yes":"no: "+d.documentElement.scrollWidth+" px wide"):"no document")}</script></body></html>
EOF
			win=$((width < 500 ? 500 : width))
			chrome --window-size=$win,4000 --virtual-time-budget=5000 --dump-dom "file://$tmp/probe.html" >"$tmp/probe.dom"
			check "$name at ${width} px: no horizontal scrolling" \
				"$(grep -o 'data-fit="[^"]*"' "$tmp/probe.dom")" 'data-fit="yes"'
			chrome --window-size=$win,2400 --screenshot="$artifacts/$name-$width.png" "file://$tmp/probe.html" >/dev/null
			[ -s "$artifacts/$name-$width.png" ] && ok "$name at ${width} px: screenshot in $artifacts" \
				|| nok "$name at ${width} px: no screenshot"
		done
		chrome --window-size=1280,2000 --dump-dom "file://$tmp/page-$name.html" >"$tmp/$name.dom"
		check_cmd "$name: the browser's DOM has one lore link per series and bars in proportion" \
			$PY tests/tools/check-page.py dom "$tmp/$name.dom" "$tmp/$name.json"
		check_cmd "$name: the browser's DOM has no element or attribute from mail" \
			$PY tests/tools/check-page.py safe "$tmp/$name.dom"
	done
	# the probe can fail: a page wider than the phone
	printf '<!DOCTYPE html><html><body><div style="width:900px">wide</div></body></html>' >"$tmp/page-wide.html"
	sed 's/page-[a-z-]*\.html/page-wide.html/; s/width:[0-9]*px/width:375px/' "$tmp/probe.html" >"$tmp/probe-wide.html"
	chrome --window-size=500,4000 --virtual-time-budget=5000 --dump-dom "file://$tmp/probe-wide.html" >"$tmp/probe.dom"
	check "the probe sees a page too wide for a phone" \
		"$(grep -o 'data-fit="no' "$tmp/probe.dom")" 'data-fit="no'
fi

# the hostile corpus (tests/hostile.sh's) and the terminal attacks: every
# page still parses and holds nothing from mail as markup
python3 tests/tools/hostile.py "$tmp/hostile-corpus" >/dev/null 2>&1
python3 tests/tools/terminal-attacks.py "$tmp/hostile-corpus/terminal.mbox" "$tmp/terminal.maildir"
bad_pages=
for f in "$tmp"/hostile-corpus/*.mbox; do
	n=$(basename "$f" .mbox)
	timeout 120 "$PD" -q -f html "$f" >"$tmp/h.html" 2>/dev/null
	$PY tests/tools/check-page.py valid "$tmp/h.html" >/dev/null \
		&& $PY tests/tools/check-page.py safe "$tmp/h.html" >/dev/null || bad_pages="$bad_pages $n"
	# Markdown of the small ones: the huge ones test sizes, not markup
	if command -v cmark-gfm >/dev/null && [ "$(wc -c <"$f")" -lt 1000000 ]; then
		timeout 120 "$PD" -q -f markdown "$f" 2>/dev/null | cmark-gfm -e table -e autolink >"$tmp/h.md.html"
		timeout 120 "$PD" -q -f json "$f" >"$tmp/h.json" 2>/dev/null
		$PY tests/tools/check-page.py markdown "$tmp/h.md.html" "$tmp/h.json" >/dev/null || bad_pages="$bad_pages $n.md"
	fi
done
check "the hostile corpus and terminal attacks: valid, safe pages and Markdown" "$bad_pages" ""

# ---- Markdown, through a CommonMark (GFM) reader --------------------------
if command -v cmark-gfm >/dev/null; then
	"$PD" -q -f json tests/cases/hostile-list/input.mbox >"$tmp/hostile-list.json"
	for name in sample hostile hostile-list; do
		src=$sample; [ $name = hostile ] && src=$hostile
		[ $name = hostile-list ] && src=tests/cases/hostile-list/input.mbox
		"$PD" -q -f markdown "$src" | cmark-gfm -e table -e autolink -e strikethrough >"$tmp/$name.md.html"
		check_cmd "$name: the Markdown reads as a table per section, one link per series, nothing from mail as markup" \
			$PY tests/tools/check-page.py markdown "$tmp/$name.md.html" "$tmp/$name.json"
	done
else
	skip "Markdown through cmark-gfm" "cmark-gfm is not installed (make deps)"
fi

# ---- email ----------------------------------------------------------------
"$PD" -q -f email --links --mail-from 'Digest Bot <digest@example.org>' \
	--mail-to 'kvm@vger.kernel.org' --mail-cc 'Ann <ann@example.org>' "$sample" >"$tmp/mail.eml"
check "-f email" "$?" 0
check "no line of the mail starts \"From \"" "$(grep -c '^From ' "$tmp/mail.eml")" 0
$PY - "$tmp/mail.eml" "$tmp/links.txt" "$tmp/mbox" <<'PY' >"$tmp/mail.check"
import email, email.policy, mailbox, sys
raw = open(sys.argv[1], "rb").read()
want = open(sys.argv[2], encoding="utf-8").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
for h in ("From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version"):
    if not m[h]: print("no", h)
if m["Subject"] != want.split("\n")[1]: print("Subject", m["Subject"])
if m.get_content_type() != "text/plain" or m.get_content_charset() != "utf-8": print("type", m["Content-Type"])
if m.get_content() != want: print("the text differs from the classic text")
# stored in an mbox by Python's mailbox (which quotes "From " lines) and
# read back: the first line is intact
box = mailbox.mbox(sys.argv[3]); box.add(raw); box.close()
back = email.message_from_bytes(mailbox.mbox(sys.argv[3]).get_bytes(0), policy=email.policy.default)
if back.get_content() != want: print("the text differs after an mbox stored it:", back.get_content()[:40])
PY
[ $? = 0 ] || echo "the check itself failed" >>"$tmp/mail.check"
check "Python's email reads the mail back: headers, UTF-8 text/plain, the classic text byte for byte, also out of an mbox" "$(cat "$tmp/mail.check")" ""
mkdir -p "$tmp/home"
printf '[user]\n\tname = Ann Example\n\temail = ann@example.org\n' >"$tmp/home/.gitconfig"
HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home "$PD" -q -f email "$sample" >"$tmp/git.eml"
check "without --mail-from, git's user.name and user.email" "$(grep '^From:' "$tmp/git.eml")" "From: Ann Example <ann@example.org>"
HOME=$tmp/nohome XDG_CONFIG_HOME=$tmp/nohome GIT_CONFIG_NOSYSTEM=1 "$PD" -q -f email "$sample" >/dev/null 2>"$tmp/err"
check "no From: at all is a usage error" "$?" 2
check_grep "which says how to give one" "give --mail-from" "$tmp/err"

# ---- mbox -------------------------------------------------------------------
"$PD" -q -f mbox "$sample" >"$tmp/new.mbox"
check "-f mbox" "$?" 0
"$PD" -q -f mbox "$tmp/new.mbox" >"$tmp/again.mbox"
check "the mbox of the mbox is the same mbox (an mbox's own separators are not kept)" \
	"$(cmp "$tmp/new.mbox" "$tmp/again.mbox" && echo same)" same
$PY - "$tmp/new.mbox" "$tmp/sample.json" "$tmp/firsts" <<'PY' >"$tmp/mbox.check"
import json, mailbox, os, sys
d = json.load(open(sys.argv[2], encoding="utf-8"))
want = [m for s in d["series"] if s["status"] == "new"
        for m in ([s["cover"]] if s["cover"] else []) + s["patches"]]
box = mailbox.mbox(sys.argv[1])
got = [m["Message-ID"].strip().strip("<>") for m in box]
if got != [m["message_id"] for m in want]:
    print("messages", len(got), "want", len(want))
os.makedirs(sys.argv[3], exist_ok=True)
n = 0
for s in (s for s in d["series"] if s["status"] == "new"):
    first = next((p for p in s["patches"] if p["number"] == 1), s["patches"][0] if s["patches"] else None)
    if not first: continue
    for i, m in enumerate(box):
        if m["Message-ID"].strip().strip("<>") == first["message_id"]:
            open(os.path.join(sys.argv[3], "%02d.eml" % n), "wb").write(box.get_bytes(i))
            n += 1
PY
[ $? = 0 ] || echo "the check itself failed" >>"$tmp/mbox.check"
check "Python's mailbox opens it: each new series' cover and patches, in order" "$(cat "$tmp/mbox.check")" ""
n_firsts=0 n_applied=0
for f in "$tmp"/firsts/*.eml; do
	[ -e "$f" ] || continue
	n_firsts=$((n_firsts + 1))
	rm -rf "$tmp/repo"
	git init -q "$tmp/repo"
	git -C "$tmp/repo" -c user.name=T -c user.email=t@example.org commit -q --allow-empty -m base
	if git -C "$tmp/repo" -c user.name=T -c user.email=t@example.org am -q "$f" >"$tmp/am.out" 2>&1; then
		n_applied=$((n_applied + 1))
	elif grep '^error: ' "$tmp/am.out" | grep -qv 'does not exist in index'; then
		nok "git am of $(basename "$f"): $(grep '^error: ' "$tmp/am.out" | head -3)"
	fi
done
[ "$n_firsts" -gt 0 ] && ok "git am reads every new series' first patch ($n_firsts; $n_applied applied, the rest lack only their base files)" \
	|| nok "no first patch in the mbox"
# the hostile series: "From " body lines quoted as mboxrd quotes them, and
# git am applies it whole, in order (its patch 1 makes the file patch 2
# changes); the cover letter, which has no diff, is dropped
"$PD" -q -f mbox "$hostile" >"$tmp/hostile.mbox"
check "mboxrd: body lines \"From \" and \">From \" keep their quoting" \
	"$(grep -c '^>From the start\|^>>From one' "$tmp/hostile.mbox")" 2
rm -rf "$tmp/repo"
git init -q "$tmp/repo"
git -C "$tmp/repo" -c user.name=T -c user.email=t@example.org commit -q --allow-empty -m base
git -C "$tmp/repo" -c user.name=T -c user.email=t@example.org am -q --empty=drop "$tmp/hostile.mbox" >"$tmp/am.out" 2>&1
check "git am applies a series from the mbox, in order" "$?:$(cat "$tmp/repo/w" 2>/dev/null):$(git -C "$tmp/repo" rev-list --count HEAD)" "0:b:3"
exit $fail
