#!/bin/sh
# Real archives (../shared/corpus): the digest of all of kvm-ppc and of one
# week of kvmarm completes with no error, and for every patch and cover
# letter the author address the library extracts equals `git mailinfo -u`'s
# (git as the oracle).  One difference is deliberate: git uses in-body
# headers only when the mail has a patch, so it ignores an in-body From:
# in a cover letter with no "---" line, where the spec counts it.
set -u
. "$(dirname "$0")/lib.sh"

if [ ! -d "$SHARED/corpus/kvm-ppc" ]; then
	echo "skip - real archives ($SHARED/corpus is not here)"
	exit 0
fi

digest() { # NAME ARCHIVE [OPTIONS...]
	name=$1; archive=$2; shift 2
	"$PD" -f json "$@" "$archive" >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	if [ $rc -eq 0 ]; then ok "$name: digest completes with no error"
	else nok "$name: digest exit code $rc"; head -5 "$tmp/$name.err" | sed 's/^/#   /'; fi
	"$PD" "$@" "$archive" >"$tmp/$name.txt" 2>/dev/null
	grep -q "^===== Patch Commit Messages ====" "$tmp/$name.txt" \
		&& ok "$name: classic digest written" || nok "$name: classic digest written"
}

oracle() { # NAME GIT_DIR
	python3 - "$tmp/$1.json" "$2" "$1" <<'PY'
import json, subprocess, sys, os
report, git_dir, name = sys.argv[1:4]
d = json.load(open(report))
checked = same = deliberate = 0
bad = []
for s in d["series"]:
    for m in ([s["cover"]] if s["cover"] else []) + s["patches"]:
        commit = m["origin"].split()[-1]
        blob = subprocess.run(["git", "--git-dir", git_dir, "cat-file", "blob", commit + ":m"],
                              capture_output=True).stdout
        with open(os.devnull, "w") as null:
            msg = "/tmp/pd-oracle-msg-%d" % os.getpid(); patch = msg + "-patch"
            info = subprocess.run(["git", "mailinfo", "-u", msg, patch], input=blob,
                                  capture_output=True).stdout.decode("utf-8", "replace")
            has_patch = os.path.getsize(patch) > 0
        email = next((l[7:] for l in info.split("\n") if l.startswith("Email: ")), "")
        checked += 1
        if email.lower() == m["author"]["address"].lower():
            same += 1
        elif m["kind"] == "cover" and not has_patch:
            deliberate += 1
        else:
            bad.append((commit[:12], m["subject"][:60], m["author"]["address"], email))
for f in (msg, patch):
    if os.path.exists(f): os.unlink(f)
print("# %s: %d patches and covers, %d match git mailinfo, %d in-body From: in covers "
      "without a patch (deliberate)" % (name, checked, same, deliberate))
for b in bad[:10]:
    print("#   %s %r: library %s, git %s" % b)
status = "ok" if not bad and checked > 0 else "not ok"
print("%s - %s: author addresses equal git mailinfo -u's (%d differ)" % (status, name, len(bad)))
sys.exit(0 if status == "ok" else 1)
PY
	[ $? -eq 0 ] || fail=1
}

digest kvm-ppc "$SHARED/corpus/kvm-ppc"
oracle kvm-ppc "$SHARED/corpus/kvm-ppc/git/0.git"
digest kvmarm-week "$SHARED/corpus/kvmarm" --since 2022-06-06 --until 2022-06-13
oracle kvmarm-week "$SHARED/corpus/kvmarm/git/0.git"
exit $fail
