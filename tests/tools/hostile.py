#!/usr/bin/env python3
"""hostile.py OUTDIR: writes the hostile corpus, one mbox (or Maildir) per
case, each holding the hostile message between two ordinary patches, and
OUTDIR/cases.tsv: NAME, PATH, the exit code expected, the texts the
classic digest must hold (separated by ';;'), and an extended regex
stderr must match ('-': stderr must be empty).

Generated, not stored: some cases are megabytes, and a generator says
what each one is."""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
SEP = b"From hostile@example.org Mon Jan  1 10:00:00 2024\n"
DIFF = b"---\n f | 1 +\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n"
cases = []


def patch(n, subject, extra_headers=b"", body=b"Body.\n"):
    return (b"From: Before Person <before@example.org>\n"
            b"Date: Mon, 1 Jan 2024 10:0%d:00 +0000\n" % n
            + b"Message-ID: <ordinary-%d@example.org>\n" % n
            + b"Subject: [PATCH] " + subject + b"\n" + extra_headers + b"\n" + body + DIFF)


def case(name, message, exit_code, stdout_re, stderr_re="-", raw=None):
    """An mbox: an ordinary patch, the hostile message, another patch."""
    path = os.path.join(out, name + ".mbox")
    data = raw if raw is not None else (
        SEP + patch(1, b"ordinary before") + b"\n" + SEP + message
        + (b"" if message.endswith(b"\n") else b"\n") + b"\n" + SEP + patch(2, b"ordinary after"))
    with open(path, "wb") as f:
        f.write(data)
    cases.append((name, path, str(exit_code), stdout_re, stderr_re))


def hostile(subject, headers=b"", body=b"Hostile body.\n", with_diff=True, mid=b"hostile@example.org"):
    return (b"From: Hostile Sender <hostile@example.org>\n"
            b"Date: Mon, 1 Jan 2024 10:05:00 +0000\n"
            b"Message-ID: <" + mid + b">\n"
            b"Subject: " + subject + b"\n" + headers + b"\n" + body + (DIFF if with_diff else b""))


BOTH = "Series: ordinary before [v1;;Series: ordinary after [v1"

# 1. a 10 MB header line
case("header-line-10mb", hostile(b"[PATCH] long header", b"X-Long: " + b"a" * (10 << 20) + b"\n"),
     0, BOTH + ";;Series: long header [v1")
# 2. 100,000 headers
case("headers-100k", hostile(b"[PATCH] many headers",
                             b"".join(b"X-H%d: v\n" % i for i in range(100000))),
     0, BOTH + ";;Series: many headers [v1")
# 3. multipart nested 10,000 deep
depth = 10000
nested = b""
for i in range(depth):
    nested += b"Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n" % (i, i)
nested += b"Content-Type: text/plain\n\ndeep text\n" + DIFF
for i in reversed(range(depth)):
    nested += b"--b%d--\n" % i
case("multipart-10000-deep", hostile(b"[PATCH] deep", b"MIME-Version: 1.0\n" + nested.split(b"\n\n", 1)[0] + b"\n",
                                     nested.split(b"\n\n", 1)[1], with_diff=False),
     1, BOTH, r"message 2 \(byte [0-9]+\): damaged, read what could be: MIME nesting too deep")
# 4. invalid base64 and quoted-printable
case("invalid-base64", hostile(b"[PATCH] bad base64",
                               b"MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n",
                               b"!!!not*base64###\n====\nQm9keQ\n", with_diff=False), 0, BOTH)
case("invalid-qp", hostile(b"[PATCH] bad qp",
                           b"MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n",
                           b"a =ZZ b =\n=4\nc=\n" + DIFF.replace(b"+x", b"+x =XY"), with_diff=False), 0, BOTH + ";;Series: bad qp [v1;;a =ZZ b")
# 5. unknown and lying charsets
case("charset-unknown", hostile(b"[PATCH] =?x-no-such-charset?q?caf=E9?= unknown",
                                b"MIME-Version: 1.0\nContent-Type: text/plain; charset=x-no-such-charset\n",
                                b"Caf\xe9 body.\n"), 0, BOTH + ";;Series: caf\u00e9 unknown [v1;;Caf\u00e9 body.")
case("charset-lying", hostile(b"[PATCH] =?utf-8?q?caf=E9?= lying",
                              b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n",
                              b"Caf\xe9 says UTF-8, is Latin-1.\n"), 0, BOTH + ";;Series: caf\u00e9 lying [v1;;Caf\u00e9 says UTF-8, is Latin-1.")
# 6. NUL bytes in a header and the body
case("nul-bytes", hostile(b"[PATCH] nul\x00in subject", body=b"Body \x00 with NUL.\n"), 0, BOTH + ";;Series: nul [v1;;Body \ufffd with NUL.")
# 7. mixed CRLF and LF
case("mixed-crlf", hostile(b"[PATCH] mixed line ends", b"X-A: b\r\n", b"crlf line\r\nlf line\n").replace(
    b"Date: Mon", b"Date: Mon").replace(b"Message-ID", b"Message-Id"), 0, BOTH + ";;Series: mixed line ends [v1;;crlf line\nlf line")
# 8. unescaped "From " lines in an mboxo body
case("mboxo-unescaped-from", hostile(b"[PATCH] unescaped from",
                                     body=b"From here on the body goes on.\n\nFrom the top, again.\n"),
     0, BOTH + ";;Series: unescaped from [v1;;From here on the body goes on.;;From the top, again.")
# 9. overlong encoded words
case("overlong-encoded-word", hostile(b"[PATCH] =?utf-8?q?" + b"=C3=A9" * 20000 + b"?= overlong"),
     0, BOTH + ";;Series: " + "\u00e9" * 20000 + " overlong [v1")
# 10. References cycles and self-references
cyc = (hostile(b"Re: [PATCH] ordinary before", b"In-Reply-To: <cyc-b@x>\nReferences: <cyc-b@x> <cyc-a@x>\n",
               mid=b"cyc-a@x", with_diff=False) + b"\n" + SEP +
       hostile(b"Re: [PATCH] ordinary before", b"In-Reply-To: <cyc-a@x>\nReferences: <cyc-a@x> <cyc-b@x>\n",
               mid=b"cyc-b@x", with_diff=False))
case("references-cycle", cyc, 0, BOTH)
# 11. a 100,000-message reply chain
chain = [SEP + patch(1, b"chain root")]
for i in range(100000):
    parent = b"ordinary-1@example.org" if i == 0 else b"chain-%d@x" % (i - 1)
    chain.append(SEP + b"From: R%d <r%d@example.org>\nDate: Mon, 1 Jan 2024 11:00:00 +0000\n"
                 b"Message-ID: <chain-%d@x>\nIn-Reply-To: <%s>\nReferences: <ordinary-1@example.org> <%s>\n"
                 b"Subject: Re: [PATCH] chain root\n\nreply\n" % (i % 97, i % 97, i, parent, parent))
case("reply-chain-100k", None, 0, "Series: chain root [v1", raw=b"\n".join(chain))
# 12. a 0-byte message (a Maildir file of no bytes) between two patches
md = os.path.join(out, "zero-byte.maildir")
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(md, sub), exist_ok=True)
for name, data in (("1.a", patch(1, b"ordinary before")), ("2.a", b""), ("3.a", patch(2, b"ordinary after"))):
    with open(os.path.join(md, "cur", name), "wb") as f:
        f.write(data)
cases.append(("zero-byte", md, "1", BOTH, r"cur/2\.a: skipped: empty message"))
# 13. a message that is only headers
case("headers-only", b"From: Only Headers <oh@example.org>\nSubject: [PATCH] only headers\n"
     b"Message-ID: <oh@x>\nDate: Mon, 1 Jan 2024 10:05:00 +0000", 0, BOTH)

with open(os.path.join(out, "cases.tsv"), "w") as f:
    for c in cases:
        # texts escaped (\\n, \\xe9, \\u00e9): one case per line
        f.write("\t".join(c[:3] + (c[3].encode("unicode_escape").decode("ascii"),) + c[4:]) + "\n")
