#!/bin/sh
# tests/applied.sh - which replies say "applied", against replies labelled
# by hand (tests/data/applied-labels.tsv; tests/data/README.md says how
# they were drawn and labelled), over the labelled replies of kvmarm and
# kvm-ppc.  A reply counts as found when the digest lists it under
# "applied", or as the reply that merged a pull request.  Precision must
# be at least 0.95 and recall at least 0.90 (review.md, issue 14).
set -u
. "$(dirname "$0")/lib.sh"
labels=$(dirname "$0")/data/applied-labels.tsv
if [ ! -f "$labels" ]; then
	nok "tests/data/applied-labels.tsv is missing"; exit 1
fi
for name in kvmarm kvm-ppc; do
	if [ ! -d "$SHARED/corpus/$name" ]; then
		skip "applied against hand labels" "$SHARED/corpus/$name is not here"; exit 0
	fi
	"$PD" -q --no-progress -f json "$SHARED/corpus/$name" >"$tmp/$name.json" 2>/dev/null
done
python3 - "$labels" "$tmp" <<'PY' >"$tmp/pr.out"
import csv, json, sys
labels, tmp = sys.argv[1], sys.argv[2]
found = {}
for name in ("kvmarm", "kvm-ppc"):
    d = json.load(open(f"{tmp}/{name}.json"))
    found[name] = {a["message_id"] for a in d["applied"]}
    found[name] |= {p["merged"]["message_id"] for p in d["pull_requests"] if p["merged"]}
tp = fp = fn = tn = 0
wrong = []
for row in csv.DictReader(open(labels, encoding="utf-8"), delimiter="\t"):
    said = row["message_id"] in found[row["archive"]]
    truth = row["label"] == "applied"
    if said and truth: tp += 1
    elif said: fp += 1; wrong.append(("false applied", row))
    elif truth: fn += 1; wrong.append(("missed", row))
    else: tn += 1
precision = tp / (tp + fp) if tp + fp else 1.0
recall = tp / (tp + fn) if tp + fn else 1.0
print(f"applied: {tp + fp + fn + tn} labelled replies, {tp + fn} applied: "
      f"precision {precision:.3f} ({tp}/{tp + fp}), recall {recall:.3f} ({tp}/{tp + fn})")
for why, row in wrong[:20]:
    print(f"{why}: {row['archive']} {row['message_id']}: {row['note']}")
ok = precision >= 0.95 and recall >= 0.90
print("PASS" if ok else "FAIL")
PY
sed 's/^/# /' "$tmp/pr.out" | grep -v '^# PASS\|^# FAIL'
if tail -1 "$tmp/pr.out" | grep -q PASS; then ok "applied: precision >= 0.95 and recall >= 0.90 on the hand labels"
else nok "applied: precision >= 0.95 and recall >= 0.90 on the hand labels"; fi
exit $fail
