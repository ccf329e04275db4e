#!/usr/bin/env python3
"""digest-facts.py JSON...: what a run of digests reported, summed over the
files, one fact per line, sorted, so that digests of parts of a range can
be compared with the digest of the whole:

  NEW <subject>            a New: block (a cover letter or first patch)
  EXIST <subject> | <subject>   an Exist:/Skip: pair
  LIST <subject>           a subject in the patch list
  AUTHOR <address> <n>     patches and covers counted for an author
"""
import collections
import json
import sys

facts = collections.Counter()
authors = collections.Counter()
for path in sys.argv[1:]:
    d = json.load(open(path))
    for row in d["contributors"]:
        authors[row["address"]] += row["count"]
    for s in d["series"]:
        msgs = ([s["cover"]] if s["cover"] else []) + s["patches"]
        for m in msgs:
            facts["LIST " + m["subject"]] += 1
            if m.get("commit_message") is not None:
                facts["NEW " + m["subject"]] += 1
        if s["status"] == "already-reported":
            first = next((p for p in s["patches"] if p["number"] == 1), None)
            exist = first or s["cover"]
            skip = s["cover"] or first
            if exist:
                facts["EXIST %s | %s" % (exist["subject"], skip["subject"])] += 1
for fact, n in sorted(facts.items()):
    for _ in range(n):
        print(fact)
for address, n in sorted(authors.items()):
    print("AUTHOR %s %d" % (address, n))
