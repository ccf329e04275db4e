#!/bin/sh
# tests/terminal.sh - no byte of a terminal control reaches stdout or
# stderr, whatever the mail holds (tests/tools/terminal-attacks.py: ESC
# sequences, OSC 8 links, CR, BEL, DEL, C1 controls, bidi overrides and
# isolates, an RFC 2047 word that decodes to a newline, in every header
# and body position the classic digest prints, in a List-Id, in a Maildir
# file name).  JSON keeps the text, escaped as JSON requires.
set -u
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
python3 "$tools/terminal-attacks.py" "$tmp/attacks.mbox" "$tmp/maildir"
for args in "" "-v" "-n EVIL"; do
	# shellcheck disable=SC2086 # the options are words
	"$PD" --no-progress $args "$tmp/attacks.mbox" >"$tmp/out" 2>"$tmp/err"
	check "mbox${args:+ $args}: digest written (exit 1: one message damaged)" $? 1
	check_cmd "mbox${args:+ $args}: no control reaches stdout or stderr" \
		python3 "$tools/terminal-attacks.py" check "$tmp/out" "$tmp/err"
done
check_grep "the escapes are visible in the digest" 'cover \\x1b\]0;pwned\\x07' "$tmp/out"
check_grep "a decoded newline stays inside its subject line" \
	'^\[PATCH 1/2\] encoded .*\\x0aSeries: forged line$' "$tmp/out"
check "no forged Series: line" "$(grep -c '^Series: forged' "$tmp/out")" 0
check_grep "a body keeps its lines and loses its controls" '^second line \\x1b\]0;pwned' "$tmp/out"
"$PD" --no-progress "$tmp/maildir" >"$tmp/out" 2>"$tmp/err"
check "maildir with a hostile file name: exit 1 (one skipped)" $? 1
check_cmd "maildir: no control reaches stdout or stderr" \
	python3 "$tools/terminal-attacks.py" check "$tmp/out" "$tmp/err"
check_grep "maildir: stderr names the file, escaped" '1\.\\x1b\]0;pwned\\x07\\u202e' "$tmp/err"
"$PD" --no-progress -f json "$tmp/attacks.mbox" >"$tmp/out.json" 2>/dev/null
check_cmd "json: valid, and keeps the text as is" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
subjects = [p["subject"] for s in d["series"] for p in ([s["cover"]] if s.get("cover") else []) + s["patches"]]
assert any("\x1b]0;pwned\x07" in t for t in subjects), subjects' "$tmp/out.json"
exit $fail
