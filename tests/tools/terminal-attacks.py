#!/usr/bin/env python3
"""terminal-attacks.py OUT.mbox MAILDIR - mail that tries to drive the
terminal showing a digest: controls in every header and body position the
digest prints, raw and RFC 2047-encoded, and in a Maildir file name.

  check OUTPUT...   exits 1, naming the file and offset, when an output
                    file holds a byte a terminal would act on: a C0 control
                    but tab and newline, DEL, a C1 control, a bidi mark,
                    embedding, override or isolate, or U+2028/U+2029.
"""
import base64, os, re, sys

# what the attacks carry: set the title, clear the screen, an OSC 8 link,
# move the cursor, hide text, overwrite with CR, reverse with U+202E, a
# C1 CSI, a bell, DEL, backspace, an isolate, a line separator
ATTACKS = ["\x1b]0;pwned\x07", "\x1b[2J", "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
           "\x1b[10A", "\x1b[8mhidden\x1b[0m", "safe\rEVIL", "\u202eevil", "\u009b31m",
           "\x07", "\x7f", "\x08\x08", "\u2066iso\u2069", "line\u2028sep"]
HOSTILE = "".join(ATTACKS)


def q_word(text):
    """RFC 2047 B-encoded word: the only way to put a newline in a header."""
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def message(n, subject, from_, body, extra=""):
    return (f"From mboxrd@z Thu Jan  1 00:00:00 1970\n"
            f"From: {from_}\nTo: kvm@vger.kernel.org\nSubject: {subject}\n"
            f"Date: Mon, 03 Nov 2025 10:{n:02d}:00 +0000\nMessage-ID: <a{n}@evil.example>\n"
            f"{extra}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
            f"Content-Transfer-Encoding: 8bit\n\n{body}\n\n")


DIFF = "---\ndiff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-a\n+b\n"


def mails():
    raw_sub = "".join(a for a in ATTACKS if "\n" not in a and "\r" not in a)
    yield message(0, f"[PATCH 0/2] cover {raw_sub}", f"Eve {raw_sub} <eve@evil.example>",
                  f"Cover text {HOSTILE}\nsecond line {HOSTILE}\n\n-- \nsig",
                  extra=f"List-Id: {q_word('evil' + HOSTILE)} <evil.lists.example>\n")
    yield message(1, f"[PATCH 1/2] {q_word('encoded ' + HOSTILE + chr(10) + 'Series: forged line')}",
                  f"{q_word('Mallory ' + HOSTILE)} <mallory@evil.example>",
                  f"From: {q_word('Inbody ' + HOSTILE)} <inbody@evil.example>\n\n"
                  f"Body {HOSTILE}\n{DIFF}", extra="In-Reply-To: <a0@evil.example>\n")
    yield message(2, f"[PATCH] lone {q_word(HOSTILE)}", f"\"Quoted {raw_sub}\" <q@evil.example>",
                  f"Lone body {HOSTILE}\n{DIFF}")
    # the same subject again: an Exist/Skip pair prints subjects too
    yield message(3, f"[PATCH] lone {q_word(HOSTILE)}", f"\"Quoted {raw_sub}\" <q@evil.example>",
                  f"Again {HOSTILE}\n{DIFF}")
    # damaged: conflicting Content-Type values, so stderr names it
    yield ("From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Dam <d@evil.example>\n"
           f"Subject: [PATCH] damaged {q_word(HOSTILE)}\nMessage-ID: <a4@evil.example>\n"
           "Content-Type: text/plain; charset=utf-8\nContent-Type: text/plain; charset=koi8-r\n\n"
           f"x {HOSTILE}\n{DIFF}\n")


BAD = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def check(paths):
    bad = 0
    for p in paths:
        data = open(p, "rb").read()
        for m in BAD.finditer(data):
            print(f"{p}: byte {m.start()}: {m.group()!r} in {data[max(0, m.start() - 30):m.end() + 10]!r}")
            bad += 1
            if bad > 10:
                return 1
    return 1 if bad else 0


def main():
    if sys.argv[1] == "check":
        sys.exit(check(sys.argv[2:]))
    out, maildir = sys.argv[1], sys.argv[2]
    text = "".join(mails())
    open(out, "w", encoding="utf-8").write(text)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    # a file name a terminal would act on, holding a message that cannot
    # be read (so that stderr names it)
    name = "1.\x1b]0;pwned\x07\u202e.host:2,S"
    open(os.path.join(maildir, "cur", name), "wb").write(b"")
    open(os.path.join(maildir, "cur", "2.host:2,S"), "w", encoding="utf-8").write(
        next(iter(mails())).split("\n", 1)[1])


if __name__ == "__main__":
    main()
