#!/usr/bin/env python3
"""Writes an mbox of small replies: issue 16's second target ("a 1 GB mbox
of 6 million small replies").  Usage: gen-replies.py OUT.mbox N

One message in 1000 is a patch; the other 999 of its thread are short
replies without trailers (about 180 bytes each), from 300 people: two of
three answer the patch, the third the reply before it (In-Reply-To and
References), so a third of the replies are walked through.  The digest
shows N/1000 series; every reply is read, kept unique by its Message-ID,
tied to its series and counted.  The same N always gives the same bytes.
"""
import sys

out, n = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    for i in range(n):
        root = i - i % 1000
        if i == root:
            f.write(f"From x Mon Jan  1 00:00:00 2025\nFrom: P{i % 500} <p{i % 500}@d{i % 37}.example.org>\n"
                    f"Subject: [PATCH] change {i}\nDate: Wed, 1 Jan 2025 10:00:00 +0000\n"
                    f"Message-ID: <{i}@x.org>\n\nChange {i}.\n\n"
                    f"Signed-off-by: P <p@example.org>\n---\ndiff --git a/a b/a\n\n")
            continue
        parent = i - 1 if i % 3 == 0 and i - 1 > root else root
        refs = f"In-Reply-To: <{parent}@x.org>\n"
        if parent != root:
            refs += f"References: <{root}@x.org> <{parent}@x.org>\n"
        f.write(f"From x Mon Jan  1 00:00:00 2025\nFrom: R{i % 300} <r{i % 300}@e{i % 23}.org>\n"
                f"Subject: Re: [PATCH] change {root}\nDate: Wed, 1 Jan 2025 11:00:00 +0000\n"
                f"Message-ID: <{i}@x.org>\n{refs}\nOK.\n\n")
