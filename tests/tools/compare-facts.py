#!/usr/bin/env python3
"""compare-facts.py WHOLE PARTS: compares the facts (digest-facts.py) of the
digest of a whole range with those of digests of its parts recorded one
after another.  Exits 0 when they are the same but for the one difference
that cannot be avoided, which it names on "#" lines: a cover letter that
arrived in one digest, without its first patch, is shown there as New; when
its first patch arrives in a later digest and shows that the series repeats
one reported before, that digest can only give the Exist/Skip pair of what
it has ("Exist: first patch / Skip: first patch").  Anything else is
printed and exits 1."""
import collections
import sys

whole = collections.Counter(open(sys.argv[1]).read().splitlines())
parts = collections.Counter(open(sys.argv[2]).read().splitlines())
only_whole = whole - parts
only_parts = parts - whole
for line in list(only_whole):
    if not line.startswith("EXIST "):
        continue
    first, cover = line[6:].split(" | ", 1)
    late = "EXIST %s | %s" % (first, first)
    if only_parts[late] and only_parts["NEW " + cover]:
        print("# the cover %r came before its first patch showed a repeat" % cover)
        for d, key in ((only_whole, line), (only_parts, late), (only_parts, "NEW " + cover)):
            d[key] -= 1
            if d[key] <= 0:
                del d[key]
bad = 0
for line in sorted(only_whole.elements()):
    print("only in the whole digest: " + line); bad = 1
for line in sorted(only_parts.elements()):
    print("only in the parts: " + line); bad = 1
sys.exit(bad)
