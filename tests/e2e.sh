#!/bin/sh
# End-to-end tests of the patchdigest binary: golden outputs of the bundled
# sample (byte for byte), the seed fixtures through mbox and through real
# public-inbox v2 inboxes built with mkinbox, and bad input.
# Prints "ok - ...", "not ok - ...", "skip - ... (why)" lines.
set -u
. "$(dirname "$0")/lib.sh"

# --- the bundled sample: its golden files are tests/cases/kvm-sample ----
golden=tests/cases/kvm-sample/expected.classic
"$PD" -f json sample/kvm-sample.mbox >"$tmp/out.json" 2>"$tmp/err"
check "sample (json): exit code" $? 0
check_cmd "json output parses" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/out.json"

# --- options ------------------------------------------------------------
"$PD" --help >"$tmp/help"; check "--help exits 0" $? 0
check_cmd "--help documents exit codes" grep -q "Exit codes" "$tmp/help"
"$PD" --bogus sample/kvm-sample.mbox 2>/dev/null; check "unknown option exits 2" $? 2
"$PD" -f yaml sample/kvm-sample.mbox 2>/dev/null; check "unknown format exits 2" $? 2
"$PD" 2>/dev/null; check "no archive exits 2" $? 2
"$PD" -o "$tmp/o.txt" sample/kvm-sample.mbox && cmp -s "$tmp/o.txt" "$golden" \
	&& ok "-o writes the digest to a file" || nok "-o writes the digest to a file"
"$PD" -n EXAMPLE sample/kvm-sample.mbox | sed -n 2p | grep -q "^EXAMPLE mailing list update" \
	&& ok "--name sets the title" || nok "--name sets the title"
# commit messages wait in a temporary file; without one they stay in memory
TMPDIR="$tmp/no-such-dir" "$PD" sample/kvm-sample.mbox | cmp -s - "$golden" \
	&& ok "no usable TMPDIR: the same digest" || nok "no usable TMPDIR: the same digest"
# -o onto what is not a regular file writes through it and leaves it be:
# replacing it (a device such as /dev/null, a FIFO, a symlink) would
# break the system for every other program
mkfifo "$tmp/fifo"; timeout 20 cat "$tmp/fifo" >"$tmp/from-fifo" & reader=$!
timeout 20 "$PD" -o "$tmp/fifo" sample/kvm-sample.mbox; wait $reader
[ -p "$tmp/fifo" ] && cmp -s "$tmp/from-fifo" "$golden" \
	&& ok "-o FIFO writes into the FIFO, which stays one" || nok "-o FIFO writes into the FIFO, which stays one"
: >"$tmp/target.txt"; ln -s target.txt "$tmp/link.txt"
"$PD" -o "$tmp/link.txt" sample/kvm-sample.mbox
[ -L "$tmp/link.txt" ] && cmp -s "$tmp/target.txt" "$golden" \
	&& ok "-o SYMLINK writes the file it points to, and stays a link" \
	|| nok "-o SYMLINK writes the file it points to, and stays a link"
"$PD" -o "$tmp/no/such/dir/o.txt" sample/kvm-sample.mbox 2>"$tmp/err"; check "unwritable output exits 5" $? 5
"$PD" --since 2025-08-26 --until @1756202000 -f json sample/kvm-sample.mbox >"$tmp/since.json"
n=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['messages'])" "$tmp/since.json")
check "--since/--until select by Date (09:37:41 to 09:53:20 UTC)" "$n" 16

# --- seed fixtures: mbox and v2 inbox ------------------------------------
if [ ! -x "$SHARED/tools/check-digest" ]; then
	skip "seed fixtures" "$SHARED/tools is not here"
else
	have_mkinbox=1
	command -v public-inbox-mda >/dev/null || have_mkinbox=0
	for d in "$SHARED"/fixtures/seeds/*/; do
		n=$(basename "$d")
		"$PD" "$d/input.mbox" >"$tmp/$n.txt"
		if "$SHARED/tools/check-digest" "$d/expected.json" "$tmp/$n.txt" >"$tmp/chk"; then ok "seed $n (mbox): check-digest"
		else nok "seed $n (mbox): check-digest"; sed 's/^/#   /' "$tmp/chk"; fi
		if [ $have_mkinbox = 0 ]; then skip "seed $n (inbox)" "public-inbox is not installed"; continue; fi
		if ! "$SHARED/tools/mkinbox" "$d/input.mbox" "$tmp/inbox-$n" >"$tmp/commits" 2>"$tmp/mkerr"; then
			nok "seed $n: mkinbox failed"; sed 's/^/#   /' "$tmp/mkerr" | tail -3; continue
		fi
		first=$(head -1 "$tmp/commits" | cut -d' ' -f1); last=$(tail -1 "$tmp/commits" | cut -d' ' -f1)
		full=$(git --git-dir="$tmp/inbox-$n/git/0.git" rev-parse "$last")
		for range in "" "..$last" "$full" "..$full"; do
			"$PD" "$tmp/inbox-$n" $range >"$tmp/$n-inbox.txt"
			if "$SHARED/tools/check-digest" "$d/expected.json" "$tmp/$n-inbox.txt" >"$tmp/chk"; then
				ok "seed $n (v2 inbox${range:+, range $range}): check-digest"
			else nok "seed $n (v2 inbox${range:+, range $range}): check-digest"; sed 's/^/#   /' "$tmp/chk"; fi
		done
		check "seed $n (v2 inbox): header names the range: root (its first message) to the last commit" \
			"$(head -1 "$tmp/$n-inbox.txt")" "From root to $last"
		"$PD" "$tmp/inbox-$n" "root..$last" >"$tmp/$n-root.txt"
		check_cmd "seed $n (v2 inbox): root..TO as printed is the same digest" \
			cmp -s "$tmp/$n-inbox.txt" "$tmp/$n-root.txt"
		total=$(wc -l <"$tmp/commits")
		got=$("$PD" -f json "$tmp/inbox-$n" "$first..$last" | python3 -c "import json,sys; print(json.load(sys.stdin)['counts']['messages'])")
		check "seed $n (v2 inbox): FROM..TO excludes FROM" "$got" $((total - 1))
	done
fi

# --- bad input -----------------------------------------------------------
"$PD" "$tmp/does-not-exist" 2>"$tmp/err"; check "missing path exits 3" $? 3
check_cmd "missing path: the error names it" grep -q "does-not-exist: No such file" "$tmp/err"
echo "just some text" >"$tmp/notes.txt"
"$PD" "$tmp/notes.txt" 2>"$tmp/err"; check "a text file exits 3" $? 3
grep -q "not an mbox" "$tmp/err" && grep -q "Maildir" "$tmp/err" && ok "not an archive: the error names the kinds accepted" \
	|| nok "not an archive: the error names the kinds accepted"
mkdir "$tmp/emptydir"
"$PD" "$tmp/emptydir" 2>"$tmp/err"; check "an empty directory exits 3" $? 3
git init -q "$tmp/plain-repo" && git -C "$tmp/plain-repo" -c user.name=t -c user.email=t@t commit -q --allow-empty -m x
echo readme >"$tmp/plain-repo/README" && git -C "$tmp/plain-repo" add README && git -C "$tmp/plain-repo" -c user.name=t -c user.email=t@t commit -q -m readme
"$PD" "$tmp/plain-repo" 2>"$tmp/err"; check "a git repository that is no archive exits 3" $? 3
check_cmd "no archive: the error says why" grep -q "not a public-inbox archive" "$tmp/err"
"$PD" sample/kvm-sample.mbox abc..def 2>"$tmp/err"; check "a range on an mbox exits 3" $? 3

# truncated mbox: the last message is cut; the rest is digested
size=$(wc -c <sample/kvm-sample.mbox)
head -c $((size - 300)) sample/kvm-sample.mbox >"$tmp/truncated.mbox"
"$PD" "$tmp/truncated.mbox" >"$tmp/out" 2>"$tmp/err"; check "truncated mbox exits 1" $? 1
check_cmd "truncated mbox: stderr names the message" grep -q "message 27 .*truncated" "$tmp/err"
check_cmd "truncated mbox: the rest is still digested" grep -q "^New:  KVM: SVM: Sync TPR" "$tmp/out"

# broken MIME: a multipart without a boundary, among good messages
cp sample/kvm-sample.mbox "$tmp/broken.mbox"
cat >>"$tmp/broken.mbox" <<'MAIL'
From mboxrd@z Thu Jan  1 00:00:00 1970
From: Broken Mime <broken@example.com>
Subject: [PATCH] x86: a patch in broken MIME
Date: Tue, 26 Aug 2025 10:10:00 -0000
Message-ID: <broken-mime@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed

This has no boundary at all.
---
diff --git a/x b/x
--- a/x
+++ b/x

MAIL
"$PD" "$tmp/broken.mbox" >"$tmp/out" 2>"$tmp/err"; check "broken MIME exits 1" $? 1
grep -q "broken-mime\|message 28" "$tmp/err" && grep -q "boundary" "$tmp/err" \
	&& ok "broken MIME: stderr names the message and the damage" || nok "broken MIME: stderr names the message and the damage"
check_cmd "broken MIME: the rest is still digested" grep -q "^New:  KVM: Speed up MMIO registrations" "$tmp/out"

# a header repeated that the digest does not read (two To: lines, as in
# real kvmarm mail) damages nothing; two Subject: lines do
dup_mbox() { # FILE HEADER
	cp sample/kvm-sample.mbox "$1"
	printf '%s\n' "From mboxrd@z Thu Jan  1 00:00:00 1970" "From: Dup <dup@example.com>" \
		"To: kvm@vger.kernel.org" "$2" "Subject: [PATCH] dup: headers" \
		"Date: Tue, 26 Aug 2025 10:20:00 -0000" "Message-ID: <dup-$$@example.com>" "" \
		"text" "---" "diff --git a/x b/x" "--- a/x" "+++ b/x" "" >>"$1"
}
dup_mbox "$tmp/dup-to.mbox" "To: other@example.com"
"$PD" "$tmp/dup-to.mbox" >/dev/null 2>"$tmp/err"; check "a second To: header is no damage (exit 0)" $? 0
dup_mbox "$tmp/dup-subject.mbox" "Subject: [PATCH] another subject"
"$PD" "$tmp/dup-subject.mbox" >/dev/null 2>"$tmp/err"; check "a second Subject: header is damage (exit 1)" $? 1
check_cmd "a second Subject: header is named" grep -q "conflicting headers.*Subject" "$tmp/err"

# a Maildir
mkdir -p "$tmp/md/cur" "$tmp/md/new" "$tmp/md/tmp"
python3 - "$tmp/md/cur" sample/kvm-sample.mbox <<'PY'
import sys, mailbox
for i, m in enumerate(mailbox.mbox(sys.argv[2])):
    open(f"{sys.argv[1]}/{1700000000 + i}.{i}.host:2,S", "wb").write(m.as_bytes())
PY
"$PD" -f json "$tmp/md" >"$tmp/md.json"; check "a Maildir is read" $? 0
n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['counts']['messages'], d['counts']['series'])" "$tmp/md.json")
check "a Maildir gives the mbox's messages and series" "$n" "27 10"
# a FIFO (or device) among the messages would block the run forever:
# skipped, named, and the rest read
mkfifo "$tmp/md/cur/1699999999.fifo.host:2,S"
timeout 20 "$PD" -f json "$tmp/md" >"$tmp/md.json" 2>"$tmp/err"
check "a FIFO in a Maildir: the run ends, exit 1 (one skipped)" $? 1
check_grep "a FIFO in a Maildir: stderr names it" "fifo.host:2,S: skipped: not a regular file" "$tmp/err"
n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['counts']['messages'], d['counts']['skipped'])" "$tmp/md.json")
check "a FIFO in a Maildir: every message read, the FIFO skipped" "$n" "27 1"
rm -f "$tmp/md/cur/1699999999.fifo.host:2,S"

# --jobs: the same digest on any number of threads (reading order is kept)
"$PD" -j 1 -f json sample/kvm-sample.mbox >"$tmp/j1.json"
"$PD" -j 7 -f json sample/kvm-sample.mbox >"$tmp/j7.json"
check_cmd "--jobs 1 and --jobs 7 give the same digest" cmp -s "$tmp/j1.json" "$tmp/j7.json"
if [ -d "$SHARED/corpus/kvm-ppc" ]; then
	"$PD" -j 1 -f json "$SHARED/corpus/kvm-ppc" >"$tmp/p1.json" 2>/dev/null
	"$PD" -j 3 -f json "$SHARED/corpus/kvm-ppc" >"$tmp/p3.json" 2>/dev/null
	check_cmd "kvm-ppc: --jobs 1 and --jobs 3 give the same digest" cmp -s "$tmp/p1.json" "$tmp/p3.json"
else
	skip "kvm-ppc with --jobs" "needs ../shared"
fi
"$PD" -j 0 sample/kvm-sample.mbox >/dev/null 2>"$tmp/err"; check "--jobs 0 is a usage error (exit 2)" $? 2
check_cmd "--jobs 0: the error says what it takes" grep -q "jobs takes a number of threads" "$tmp/err"

# progress: on stderr only when it is a terminal, every 1000 messages
python3 - "$tmp/many.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(2500):
        f.write("From x@y Mon Jan  1 10:00:00 2024\nFrom: P <p@x.org>\nMessage-ID: <m%d@x>\n"
                "Subject: Re: [PATCH] t\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nbody\n\n" % i)
PY
if command -v script >/dev/null; then
	script -qec "$PD -j 2 $tmp/many.mbox >/dev/null" /dev/null >"$tmp/tty" 2>&1
	grep -q "patchdigest: 2000 messages read" "$tmp/tty" && ok "a terminal shows progress" \
		|| nok "a terminal shows progress: $(head -c 200 "$tmp/tty")"
	script -qec "$PD --no-progress $tmp/many.mbox >/dev/null" /dev/null >"$tmp/tty" 2>&1
	check "--no-progress shows none on a terminal" "$(grep -c 'messages read' "$tmp/tty")" 0
else
	skip "progress on a terminal" "script(1) is not installed"
fi
"$PD" "$tmp/many.mbox" >/dev/null 2>"$tmp/err"
check "no progress when stderr is not a terminal" "$(cat "$tmp/err")" ""
exit $fail
