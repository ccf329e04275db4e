#!/bin/sh
# tests/git-walk.sh - how a git archive is walked: each epoch back from
# its tip along first parents, stopping at --since.  A --since digest
# names as FROM the newest commit before the bound (so FROM..TO is the
# same digest), never reads a commit before it (a damaged one there does
# not matter), and an epoch with a merge is still read whole.
. "$(dirname "$0")/lib.sh"
python3 bench/gen-archive.py --messages 300 --seed 5 --epoch-messages 120 "$tmp/a" >/dev/null 2>&1 \
	|| { nok "gen-archive.py makes the archive"; exit 1; }
all=$(for e in 0 1 2; do git --git-dir="$tmp/a/git/$e.git" rev-list --reverse HEAD; done)
nth() { echo "$all" | sed -n "${1}p"; }
ctime() { git --git-dir="$tmp/a/git/$2.git" log -1 --format=%ct "$1"; }

# --since in epoch 1 (commits 121..240): the 150th commit overall
since=$(ctime "$(nth 150)" 1)
before=$(nth 149)
[ "$(ctime "$before" 1)" -lt "$since" ] || { nok "commit 149 is older than commit 150"; exit 1; }
# no look-back: a range FROM..TO has no time to look back from
"$PD" --lookback 0 --since "@$since" "$tmp/a" >"$tmp/since" 2>"$tmp/err"; check "--since: exits 0" $? 0
from=$(head -1 "$tmp/since" | cut -d' ' -f2)
case $before in "$from"?*) ok "--since: FROM is the newest commit before the bound" ;;
*) nok "--since: FROM is the newest commit before the bound: got '$from', want $before" ;; esac
"$PD" "$tmp/a" "$before.." >"$tmp/range"
check "--since: the same digest as the range FROM..TO" "$(cmp "$tmp/since" "$tmp/range" && echo same)" same

cp -r "$tmp/a" "$tmp/m" # for the merge below

# with several threads, the next epoch's line is walked on a thread of
# its own while the one before is read (git-ahead.c): the digest is the
# one -j1 makes, whole, from --since in epoch 1, and to --until in epoch
# 0 (the walk of epoch 1 is then stopped and never used); recorded there,
# `next` goes on in epoch 0 as it does with -j1
until=$(ctime "$(nth 60)" 0)
messages() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['messages'])" "$1"; }
for args in "" "--lookback 0 --since @$since" "--until @$until"; do
	"$PD" -j1 -f json $args "$tmp/a" >"$tmp/j1.json" 2>"$tmp/j1.err"; r1=$?
	"$PD" -j2 -f json $args "$tmp/a" >"$tmp/j2.json" 2>"$tmp/j2.err"; r2=$?
	check "walked ahead (${args:-whole}): exits as with -j1" "$r2" "$r1"
	check "walked ahead (${args:-whole}): the digest -j1 makes" \
		"$(cmp "$tmp/j1.json" "$tmp/j2.json" && echo same)" same
	case $args in "") whole=$(messages "$tmp/j2.json") ;; --until*) upto=$(messages "$tmp/j2.json") ;; esac
done
check "walked ahead: --until in epoch 0 reads only up to it" "$upto" 59
for j in 1 2; do
	"$PD" digest -j$j --record --state "$tmp/ahead$j.db" --until "@$until" "$tmp/a" >/dev/null 2>&1
	"$PD" next -j$j -f json --lookback 0 --state "$tmp/ahead$j.db" "$tmp/a" >"$tmp/next$j.json" 2>/dev/null
done
check "walked ahead: next after --until reads the rest" "$(messages "$tmp/next2.json")" $((whole - upto))
# the same but for when each --record ran ("recorded": the two may fall
# in different seconds)
unrecorded() { python3 -c "
import json, sys
def drop(x):
    if isinstance(x, dict):
        return {k: drop(v) for k, v in x.items() if k != 'recorded'}
    return [drop(v) for v in x] if isinstance(x, list) else x
print(json.dumps(drop(json.load(open(sys.argv[1]))), sort_keys=True))" "$1"; }
check "walked ahead: next after --until, the digest -j1 makes" \
	"$(unrecorded "$tmp/next1.json")" "$(unrecorded "$tmp/next2.json")"

# a reversed range names nothing, as git reads it (HEAD..HEAD~5), within an
# epoch and across epochs; it is said on stderr, and --record records no
# position (the next digest starts at the beginning, not after everything)
count() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['messages'])" "$1"; }
for range in "HEAD..HEAD~5" "$(nth 200)..$(nth 50)"; do
	"$PD" -f json "$tmp/a" "$range" >"$tmp/rev.json" 2>"$tmp/err"
	check "reversed range $range: exit 0" $? 0
	check "reversed range $range: nothing read, as git reads it" "$(count "$tmp/rev.json")" 0
	check_grep "reversed range $range: stderr says why" "names no commit" "$tmp/err"
done
check "git itself reads nothing in HEAD..HEAD~5" \
	"$(git --git-dir="$tmp/a/git/2.git" rev-list HEAD..HEAD~5 | wc -l)" 0
"$PD" digest --record --state "$tmp/rev.db" "$tmp/a" "HEAD..HEAD~5" >/dev/null 2>&1
"$PD" next -f json --state "$tmp/rev.db" "$tmp/a" >"$tmp/next.json" 2>/dev/null
"$PD" -f json "$tmp/a" >"$tmp/all.json" 2>/dev/null
check "after --record of a reversed range, next reads what a digest of all reads" \
	"$(count "$tmp/next.json")" "$(count "$tmp/all.json")"

# a damaged commit before --since is never read
epoch1=$tmp/a/git/1.git
mkdir "$tmp/packs" && mv "$epoch1"/objects/pack/* "$tmp/packs/"
for p in "$tmp"/packs/*.pack; do git --git-dir="$epoch1" unpack-objects -q <"$p"; done
c=$(nth 140); rm -f "$epoch1/objects/$(echo "$c" | cut -c1-2)/$(echo "$c" | cut -c3-)"
"$PD" --lookback 0 --since "@$since" "$tmp/a" >"$tmp/out" 2>"$tmp/err"; check "a missing commit before --since: exits 0" $? 0
check "a missing commit before --since: the same digest" "$(cmp "$tmp/out" "$tmp/since" && echo same)" same
# the look-back window may reach it: it is read only to thread replies, and
# what it cannot read there is never reported (exit 0)
"$PD" --since "@$since" "$tmp/a" >/dev/null 2>"$tmp/err"
check "a missing commit in the look-back window: exits 0" $? 0
"$PD" "$tmp/a" >/dev/null 2>"$tmp/err"; check "the full digest still finds the missing commit: exits 1" $? 1
check_grep "the full digest names the missing commit" "history broken: commit $c cannot be read" "$tmp/err"
# the same commit damaged to declare an impossible size, in epoch 1, whose
# history is walked on a thread of its own with -j2: the reason is the
# one -j1 gives (libgit2's last error is each thread's own)
cp -r "$tmp/a" "$tmp/h"; chmod -R u+w "$tmp/h"
printf '\220\377\377\377\377\377\377\177 the rest of a damaged object' \
	>"$tmp/h/git/1.git/objects/$(echo "$c" | cut -c1-2)/$(echo "$c" | cut -c3-)"
for j in 1 2; do "$PD" -j$j "$tmp/h" >/dev/null 2>"$tmp/h$j.err"; done
check_grep "a commit declaring an impossible size, walked ahead: the reason" \
	"history broken: commit $c cannot be read (a corrupt object: it declares [0-9]* bytes" "$tmp/h2.err"
# (our own lines: AddressSanitizer adds a warning naming the process)
check "a commit declaring an impossible size, walked ahead: stderr as with -j1" \
	"$(grep '^patchdigest:' "$tmp/h2.err")" "$(grep '^patchdigest:' "$tmp/h1.err")"

# an epoch with a merge (not public-inbox's own) is read whole: the
# message on the merged side branch counts too
epoch2=$tmp/m/git/2.git
"$PD" -f json "$tmp/m" 2>/dev/null >"$tmp/before.json"
cat >"$tmp/side.eml" <<'EOF'
From: Side Branch <side@example.org>
Subject: [PATCH] side: a patch only a merge brings in
Date: Mon, 10 Jun 2019 04:00:00 +0000
Message-ID: <side-branch@example.org>

A patch on a side branch.

Signed-off-by: Side Branch <side@example.org>
---
diff --git a/x b/x
--- a/x
+++ b/x
@@ -1 +1 @@
-a
+b
EOF
blob=$(git --git-dir="$epoch2" hash-object -w "$tmp/side.eml")
tree=$(printf '100644 blob %s\tm\n' "$blob" | git --git-dir="$epoch2" mktree)
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
side=$(echo side | git --git-dir="$epoch2" commit-tree "$tree" -p HEAD~5)
merge=$(echo merge | git --git-dir="$epoch2" commit-tree "HEAD^{tree}" -p HEAD -p "$side")
git --git-dir="$epoch2" update-ref HEAD "$merge"
"$PD" -f json "$tmp/m" >"$tmp/after.json" 2>"$tmp/err"; check "a merge: exits 0" $? 0
count() { python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['counts']; print(c['messages'], c['duplicates'])" "$1"; }
set -- $(count "$tmp/before.json")
check "a merge: the side branch's message and the merge's redelivery are read" \
	"$(count "$tmp/after.json")" "$(($1 + 1)) $(($2 + 1))"
check_grep "a merge: the side branch's patch is listed" "side: a patch only a merge brings in" "$tmp/after.json"

# a commit that removed a message (public-inbox's 'd'), and one whose tree
# is missing: read on the pool threads (-j2) and on one (-j1) alike
cp -r "$tmp/m" "$tmp/r"; epoch2=$tmp/r/git/2.git
"$PD" -f json "$tmp/r" >"$tmp/r-before.json" 2>/dev/null
dtree=$(printf '100644 blob %s\td\n' "$blob" | git --git-dir="$epoch2" mktree)
removal=$(echo removal | git --git-dir="$epoch2" commit-tree "$dtree" -p HEAD)
git --git-dir="$epoch2" update-ref HEAD "$removal"
for j in 1 2; do
	"$PD" -j$j -f json "$tmp/r" >"$tmp/r-after.json" 2>"$tmp/err"; check "a removal (-j$j): exits 0" $? 0
	check "a removal (-j$j): nothing read, nothing skipped" \
		"$(count "$tmp/r-after.json")" "$(count "$tmp/r-before.json")"
done
gone=$(printf '100644 blob %s\tm\n' "$blob" | sed 's/\tm$/\tgone/' | git --git-dir="$epoch2" mktree)
notree=$(echo notree | git --git-dir="$epoch2" commit-tree "$gone" -p HEAD)
# not the newest commit: a HEAD that cannot be read is the whole epoch's damage
ontop=$(echo ontop | git --git-dir="$epoch2" commit-tree "$dtree" -p "$notree")
git --git-dir="$epoch2" update-ref HEAD "$ontop"
rm -f "$epoch2/objects/$(echo "$gone" | cut -c1-2)/$(echo "$gone" | cut -c3-)"
for j in 1 2; do
	"$PD" -j$j "$tmp/r" >/dev/null 2>"$tmp/err"; check "a missing tree (-j$j): exits 1" $? 1
	check_grep "a missing tree (-j$j): the commit is named" "commit $notree: skipped: .*the tree of commit $notree cannot be read" "$tmp/err"
done
exit $fail
