#!/usr/bin/env python3
"""mbox-split.py MBOX N FIRST REST: copies the first N messages of an mboxrd
file to FIRST and the others to REST, byte for byte (a message starts at a
"From " line at the top of the file or after a blank line)."""
import re
import sys

src, n, first, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
data = open(src, "rb").read()
starts = [0] + [m.start() + 1 for m in re.finditer(rb"\n\nFrom ", data)]
starts = [s + 1 if s else 0 for s in starts]
starts = [s for s in starts if data.startswith(b"From ", s)]
cut = starts[n] if n < len(starts) else len(data)
open(first, "wb").write(data[:cut])
open(rest, "wb").write(data[cut:])
print(len(starts))
