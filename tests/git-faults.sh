#!/bin/sh
# tests/git-faults.sh - a damaged archive: a missing or corrupt message
# blob, a blob, tree or commit whose header declares an impossible size, a
# missing commit in the middle of the history, a truncated pack (alone,
# and in the older of two epochs).  Each must give a clear error
# naming the commit or path, and the digest of what can still be read,
# checked against a digest of the intact archive.
. "$(dirname "$0")/lib.sh"
tools=$(dirname "$0")/tools
need_public_inbox "archive faults"
"$tools/deliver.sh" "$tmp/inbox" sample/kvm-sample.mbox >/dev/null 2>&1 || { nok "deliver.sh makes an inbox"; exit 1; }
git_dir=git/0.git
commits=$(git --git-dir="$tmp/inbox/$git_dir" rev-list --reverse HEAD)
nth() { echo "$commits" | sed -n "${1}p"; }
loose() { echo "$1/objects/$(echo "$2" | cut -c1-2)/$(echo "$2" | cut -c3-)"; }
series() { grep '^Series:' "$1" | sort; }
damaged() { rm -rf "$tmp/$1"; cp -r "$tmp/inbox" "$tmp/$1"; chmod -R u+w "$tmp/$1"; }
# packs the epoch GIT_DIR into one pack and cuts that pack in half
truncate_pack() {
	git --git-dir="$1" repack -adq </dev/null # pack-objects reads revisions from stdin
	set -- "$(ls "$1"/objects/pack/*.pack)"
	truncate -s $(($(stat -c %s "$1") / 2)) "$1"
}

# the oracle: the sample without its 5th message, as an mbox
python3 "$tools/mbox-split.py" sample/kvm-sample.mbox 4 "$tmp/1-4.mbox" "$tmp/5-.mbox" >/dev/null
python3 "$tools/mbox-split.py" "$tmp/5-.mbox" 1 /dev/null "$tmp/6-.mbox" >/dev/null
cat "$tmp/1-4.mbox" "$tmp/6-.mbox" >"$tmp/without5.mbox"
"$PD" "$tmp/without5.mbox" >"$tmp/without5"; series "$tmp/without5" >"$tmp/want"

# --- a missing message blob ------------------------------------------------
damaged missing
c=$(nth 5); blob=$(git --git-dir="$tmp/inbox/$git_dir" rev-parse "$c:m")
rm -f "$(loose "$tmp/missing/$git_dir" "$blob")"
"$PD" "$tmp/missing" >"$tmp/out" 2>"$tmp/err"; check "missing blob: exits 1" $? 1
check_grep "missing blob: stderr names the commit" "commit $c: skipped: .*the message blob of commit $c cannot be read (a missing or corrupt object" "$tmp/err"
check "missing blob: the digest of the rest" "$(series "$tmp/out" | sort | cmp - "$tmp/want" && echo same)" same

# --- a corrupt message blob ------------------------------------------------
damaged corrupt
f=$(loose "$tmp/corrupt/$git_dir" "$blob")
# a zlib header, then bytes that do not inflate (fixed, so that every run
# tests the same damage)
printf 'x\234 this is not a deflate stream, it is damage' >"$f"
"$PD" "$tmp/corrupt" >"$tmp/out" 2>"$tmp/err"; check "corrupt blob: exits 1" $? 1
check_grep "corrupt blob: stderr names the commit" "commit $c: skipped: .*cannot be read (a missing or corrupt object" "$tmp/err"
check "corrupt blob: the digest of the rest" "$(series "$tmp/out" | sort | cmp - "$tmp/want" && echo same)" same

# --- a message blob stored as a delta naming itself ------------------------
# (libgit2 follows such a delta until memory runs out: the pack reader
# must call it damage and not hand it on)
damaged circle
rm -f "$(loose "$tmp/circle/$git_dir" "$blob")"
python3 "$tools/cyclic-pack.py" "$tmp/circle/$git_dir" "$blob"
timeout 120 "$PD" "$tmp/circle" >"$tmp/out" 2>"$tmp/err"; check "a delta naming itself: exits 1" $? 1
check_grep "a delta naming itself: stderr names the commit and the circle" \
	"commit $c: skipped: .*deltas name each other in a circle" "$tmp/err"
check "a delta naming itself: the digest of the rest" "$(series "$tmp/out" | sort | cmp - "$tmp/want" && echo same)" same

# --- a loose object whose header declares an impossible size ----------------
# A loose object that does not start with a zlib header is read in the old
# "pack-like" form, whose header gives the size that libgit2 allocates.
# 2^53 bytes is more than any address space, so the allocation fails on
# every machine; under AddressSanitizer too (make asan sets
# allocator_may_return_null, as libc's malloc behaves).
damaged huge
f=$(loose "$tmp/huge/$git_dir" "$blob")
printf '\260\377\377\377\377\377\377\177 the rest of a damaged object' >"$f"
"$PD" "$tmp/huge" >"$tmp/out" 2>"$tmp/err"; check "blob declaring 2^53 bytes: exits 1" $? 1
check_grep "blob declaring 2^53 bytes: stderr names the commit and the size" \
	"commit $c: skipped: .*the message blob of commit $c cannot be read (a corrupt object: it declares [0-9]* bytes" "$tmp/err"
check "blob declaring 2^53 bytes: the digest of the rest" "$(series "$tmp/out" | sort | cmp - "$tmp/want" && echo same)" same

# the same damage in a tree (read by the walk at -j1, by a pool thread at
# -j2) and in a commit of the history
tree=$(git --git-dir="$tmp/inbox/$git_dir" rev-parse "$c^{tree}")
damaged hugetree
printf '\240\377\377\377\377\377\377\177 the rest of a damaged object' >"$(loose "$tmp/hugetree/$git_dir" "$tree")"
for j in 1 2; do
	"$PD" -j$j "$tmp/hugetree" >"$tmp/out" 2>"$tmp/err"; check "tree declaring 2^53 bytes, -j$j: exits 1" $? 1
	check_grep "tree declaring 2^53 bytes, -j$j: stderr names the commit and the size" \
		"commit $c: skipped: .*the tree of commit $c cannot be read (a corrupt object: it declares [0-9]* bytes" "$tmp/err"
	check "tree declaring 2^53 bytes, -j$j: the digest of the rest" "$(series "$tmp/out" | sort | cmp - "$tmp/want" && echo same)" same
done
damaged hugecommit
printf '\220\377\377\377\377\377\377\177 the rest of a damaged object' >"$(loose "$tmp/hugecommit/$git_dir" "$c")"
"$PD" "$tmp/hugecommit" >"$tmp/out" 2>"$tmp/err"; check "commit declaring 2^53 bytes: exits 1" $? 1
check_grep "commit declaring 2^53 bytes: stderr names the commit and the size" \
	"history broken: commit $c cannot be read (a corrupt object: it declares [0-9]* bytes" "$tmp/err"

# --- a flipped byte inside a packed blob ------------------------------------
# libgit2's hash verification is off (as git cat-file's); zlib's checksum
# must still catch the damage
damaged flip
git --git-dir="$tmp/flip/$git_dir" repack -adq </dev/null
pack=$(ls "$tmp/flip/$git_dir"/objects/pack/*.pack)
c7=$(nth 7); b7=$(git --git-dir="$tmp/inbox/$git_dir" rev-parse "$c7:m")
set -- $(git verify-pack -v "${pack%.pack}.idx" | grep "^$b7 ")
pos=$(($5 + $4 / 2))
byte=$(od -An -tu1 -j"$pos" -N1 "$pack" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 255)))" | dd of="$pack" bs=1 seek="$pos" conv=notrunc 2>/dev/null
"$PD" "$tmp/flip" >"$tmp/out" 2>"$tmp/err"; check "flipped byte in a pack: exits 1" $? 1
check_grep "flipped byte in a pack: the damaged message is named" "commit $c7: skipped: .*cannot be read (a missing or corrupt object" "$tmp/err"

# --- a commit missing in the middle of the history --------------------------
damaged nocommit
c20=$(nth 20)
rm -f "$(loose "$tmp/nocommit/$git_dir" "$c20")"
"$PD" "$tmp/inbox" "$c20.." >"$tmp/after20"
"$PD" "$tmp/nocommit" >"$tmp/out" 2>"$tmp/err"; check "missing commit: exits 1" $? 1
check_grep "missing commit: stderr names it and what is still read" "history broken: commit $c20 cannot be read .*the 7 commits after it are read" "$tmp/err"
series "$tmp/after20" >"$tmp/want20"
check "missing commit: the commits after it are digested" \
	"$(series "$tmp/out" | cmp - "$tmp/want20" && echo same)" same

# --- a truncated pack ------------------------------------------------------
damaged trunc
truncate_pack "$tmp/trunc/$git_dir"
head=$(nth 27)
"$PD" "$tmp/trunc" >"$tmp/out" 2>"$tmp/err"; check "truncated pack: exits 4" $? 4
check_grep "truncated pack: stderr names the epoch and its newest commit" "git/0.git: cannot read the newest commit $head (HEAD).*truncated pack" "$tmp/err"
check "truncated pack: nothing on stdout" "$(wc -c <"$tmp/out")" 0

# --- a truncated pack in the older of two epochs ---------------------------
python3 "$tools/mbox-split.py" sample/kvm-sample.mbox 13 "$tmp/first.mbox" "$tmp/rest.mbox" >/dev/null
"$tools/deliver.sh" "$tmp/two" "$tmp/first.mbox" >/dev/null 2>&1
"$tools/deliver.sh" "$tmp/second" "$tmp/rest.mbox" >/dev/null 2>&1
mv "$tmp/second/git/0.git" "$tmp/two/git/1.git"
"$PD" "$tmp/rest.mbox" >"$tmp/rest.out"
truncate_pack "$tmp/two/git/0.git"
"$PD" "$tmp/two" >"$tmp/out" 2>"$tmp/err"; check "truncated older epoch: exits 1" $? 1
check_grep "truncated older epoch: stderr names the epoch" "commit [0-9a-f]*: skipped: .*two/git/0.git: history broken: commit [0-9a-f]* cannot be read" "$tmp/err"
series "$tmp/rest.out" >"$tmp/want-rest"
check "truncated older epoch: the newer epoch is digested" \
	"$(series "$tmp/out" | cmp - "$tmp/want-rest" && echo same)" same
# --- epochs that cannot be read: each is named, the others are read ---------
# a damaged ref, a missing ref, an empty epoch directory, a symlink loop:
# each made its epoch silently empty, or failed the whole archive
python3 bench/gen-archive.py --messages 300 --seed 5 --epoch-messages 100 "$tmp/ep" >/dev/null 2>&1
"$PD" -f json "$tmp/ep" >"$tmp/ep.json"
messages() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['messages'])" "$1"; }
all=$(messages "$tmp/ep.json")
one_epoch() { # NAME WANT SETUP: the damaged copy reads the other epochs (WANT
	# messages), names the one it cannot read, and exits 1
	rm -rf "$tmp/bad"; cp -r "$tmp/ep" "$tmp/bad"
	(cd "$tmp/bad/git" && eval "$3")
	"$PD" -f json "$tmp/bad" >"$tmp/bad.json" 2>"$tmp/err"
	check "$1: exit 1" $? 1
	check_grep "$1: stderr names the epoch" "bad/git/[0-9].git: skipped: " "$tmp/err"
	check "$1: the other epochs are read" "$(messages "$tmp/bad.json")" "$2"
}
"$PD" -f json "$tmp/ep/git/1.git" >"$tmp/ep1.json"
without1=$((all - $(messages "$tmp/ep1.json")))
one_epoch "a damaged ref in epoch 1" "$without1" \
	'git --git-dir=1.git pack-refs --all; rm -f 1.git/packed-refs; echo garbage >1.git/refs/heads/master'
one_epoch "a missing ref in epoch 1" "$without1" \
	'git --git-dir=1.git pack-refs --all; rm -f 1.git/packed-refs 1.git/refs/heads/master'
one_epoch "an empty epoch directory" "$all" 'mkdir 3.git'
one_epoch "an epoch that is a symlink loop" "$all" 'ln -s 3.git 3.git'

# a new epoch public-inbox made but has not written to is no fault
rm -rf "$tmp/bad"; cp -r "$tmp/ep" "$tmp/bad"; git init -q --bare "$tmp/bad/git/3.git"
"$PD" -f json "$tmp/bad" >"$tmp/bad.json" 2>"$tmp/err"
check "a new, empty epoch: exit 0" $? 0
check "a new, empty epoch: nothing on stderr" "$(cat "$tmp/err")" ""

# --- a shallow clone: what is there is read, and it says it is shallow ----------
git clone -q --bare --depth 40 "file://$tmp/ep/git/2.git" "$tmp/shallow.git" 2>/dev/null
"$PD" -f json "$tmp/shallow.git" >"$tmp/sh.json" 2>"$tmp/err"
check "a shallow clone: exit 0 (nothing it holds is lost)" $? 0
check "a shallow clone: its 40 commits are read" "$(messages "$tmp/sh.json")" 40
check_grep "a shallow clone: stderr says it is shallow" "is a shallow clone" "$tmp/err"
check "a shallow clone: no 'history broken'" "$(grep -c 'history broken' "$tmp/err")" 0
exit $fail
