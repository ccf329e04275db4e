#!/usr/bin/env python3
"""gen-archive.py --messages N [--seed S] [--epoch-messages M] OUT

Writes a synthetic public-inbox v2 archive to OUT (OUT/git/0.git, 1.git,
...) through `git fast-import`: the same bytes for the same N, seed and
epoch size.  Its shape follows the KVM lists in ../shared/corpus (kvmarm:
9.6 KB per message on average, a little over half replies):

- series of 1 to 30 patches (half are single patches), most longer ones
  with a cover letter; versions v1 to v6; some RESENDs;
- about half the messages are replies to patches and covers, quoting them;
- bodies 7bit, 8bit, quoted-printable (8%) and base64 (6%); charsets
  UTF-8, ISO-8859-1, KOI8-R and Shift_JIS; RFC 2047 names and subjects;
- in-body From: lines (patches sent on someone's behalf, 5%);
- unthreaded series (5%: no In-Reply-To, no cover), repeated Message-IDs
  (a message delivered twice, 0.2%);
- one message per commit, blob `m`, committer time the message's time.
"""
import argparse
import base64
import quopri
import random
import subprocess
import sys
import os

p = argparse.ArgumentParser()
p.add_argument("--messages", type=int, required=True)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--epoch-messages", type=int, default=100000)
p.add_argument("out")
args = p.parse_args()
rng = random.Random(args.seed)

WORDS = ("kvm arm64 vgic timer guest host vcpu mmu stage2 page table fault "
         "memory region slot dirty log hypervisor trap sysreg pmu debug "
         "feature register interrupt its lpi mapping cache flush tlb "
         "selftests migration nested el2 pkvm protected virtio").split()
LATIN = ["Jörg", "François", "Sébastien", "Ana María", "Zoë", "Łukasz", "Håkon"]
CYRIL = ["Владимир", "Алексей", "Наталья"]
JAPAN = ["山田太郎", "鈴木一郎"]
PLAIN = ["Marc Zyngier", "Oliver Upton", "Will Deacon", "Catalin Marinas", "Fuad Tabba",
         "Quentin Perret", "Sean Christopherson", "Paolo Bonzini", "James Morse",
         "Suzuki Poulose", "Alexandru Elisei", "Raghavendra Rao", "Gavin Shan"]
DOMAINS = ["kernel.org", "google.com", "arm.com", "redhat.com", "linaro.org",
           "huawei.com", "intel.com", "amd.com", "os.amperecomputing.com", "suse.de",
           "linux.ibm.com", "nvidia.com", "gmail.com", "oracle.com", "bytedance.com"]


def make_people(n):
    people = []
    for i in range(n):
        r = rng.random()
        if r < 0.08:
            name, cs = rng.choice(LATIN) + " " + rng.choice(PLAIN).split()[1], "iso-8859-1"
        elif r < 0.11:
            name, cs = rng.choice(CYRIL), "koi8-r"
        elif r < 0.13:
            name, cs = rng.choice(JAPAN), "shift_jis"
        else:
            name, cs = rng.choice(PLAIN) + ("" if i < 13 else " %d" % i), None
        local = name.split()[0].lower().encode("ascii", "ignore").decode() or "dev"
        # a few domains carry most of the mail, as on the real lists
        dom = rng.choices(DOMAINS, weights=[1 / (k + 1) for k in range(len(DOMAINS))])[0]
        people.append((name, "%s%d@%s" % (local, i, dom), cs))
    return people


PEOPLE = make_people(2000)
# Zipf-like: a few people send much of the mail, most send a little
PEOPLE_WEIGHTS = list(__import__("itertools").accumulate(1 / (k + 8) for k in range(len(PEOPLE))))


def person():
    return rng.choices(PEOPLE, cum_weights=PEOPLE_WEIGHTS)[0]


def encode_name(name, cs):
    if cs is None:
        return name
    data = name.encode(cs, "replace")
    return "=?%s?B?%s?=" % (cs, base64.b64encode(data).decode())


def sentence(n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


PARAGRAPHS = ["\n".join(sentence(rng.randint(8, 12)) for _ in range(rng.randint(2, 6)))
              for _ in range(400)]
HUNKS = []
for _ in range(300):
    lines = ["@@ -%d,7 +%d,8 @@ static int %s_%s(struct kvm_vcpu *vcpu)" % (
        rng.randint(1, 2000), rng.randint(1, 2000), rng.choice(WORDS), rng.choice(WORDS))]
    for _ in range(rng.randint(10, 60)):
        op = rng.choice("  +-  ")
        lines.append("%s\t%s = %s(%s);" % (op if op != " " else " ", rng.choice(WORDS),
                                          rng.choice(WORDS), rng.choice(WORDS)))
    HUNKS.append("\n".join(lines))


def diff():
    files = ["arch/arm64/kvm/%s.c" % rng.choice(WORDS) for _ in range(rng.randint(1, 6))]
    out = ["---"]
    out += [" %s | %d +++--" % (f, rng.randint(2, 90)) for f in files]
    out.append(" %d files changed" % len(files))
    out.append("")
    for f in files:
        out.append("diff --git a/%s b/%s\nindex 1234567..89abcde 100644\n--- a/%s\n+++ b/%s" % (f, f, f, f))
        out += [rng.choice(HUNKS) for _ in range(rng.randint(1, 7))]
    out.append("-- \n2.%d.0\n" % rng.randint(30, 50))
    return "\n".join(out)


class Clock:
    def __init__(self):
        self.t = 1560000000

    def tick(self):
        self.t += rng.randint(5, 900)
        return self.t


clock = Clock()
msg_counter = [0]


def msgid(who):
    msg_counter[0] += 1
    return "%d.%d-%x@%s" % (clock.t, msg_counter[0], rng.getrandbits(32), who[1].split("@")[1])


def render(who, subject, mid, refs, body, t, charset="utf-8"):
    """One message; the body is encoded 7bit/8bit, QP or base64."""
    name = encode_name(who[0], who[2])
    h = ["From: %s <%s>" % (name, who[1]),
         "To: kvmarm@lists.linux.dev",
         "Cc: %s" % ", ".join(p[1] for p in (person(), person())),
         "Subject: %s" % subject,
         "Date: %s" % __import__("email.utils", fromlist=["x"]).formatdate(t),
         "Message-ID: <%s>" % mid]
    if refs:
        h.append("In-Reply-To: <%s>" % refs[-1])
        h.append("References: %s" % "\n ".join("<%s>" % r for r in refs[-8:]))
    h.append("List-Id: <kvmarm.lists.linux.dev>")
    h.append("MIME-Version: 1.0")
    r = rng.random()
    raw = body.encode(charset, "replace")
    if r < 0.06:
        h.append("Content-Type: text/plain; charset=\"%s\"" % charset)
        h.append("Content-Transfer-Encoding: base64")
        payload = base64.encodebytes(raw)
    elif r < 0.14:
        h.append("Content-Type: text/plain; charset=\"%s\"" % charset)
        h.append("Content-Transfer-Encoding: quoted-printable")
        payload = quopri.encodestring(raw)
    else:
        h.append("Content-Type: text/plain; charset=\"%s\"" % charset)
        h.append("Content-Transfer-Encoding: %s" % ("8bit" if charset != "utf-8" or not body.isascii() else "7bit"))
        payload = raw
    return ("\n".join(h) + "\n\n").encode() + payload


def series_messages():
    """Yields (who, subject, mid, refs, body, charset) of one series and its replies."""
    author = person()
    n = 1 if rng.random() < 0.5 else min(int(rng.paretovariate(1.3)) + 1, 30)
    version = 1 if rng.random() < 0.55 else rng.randint(2, 6)
    tags = "PATCH"
    if rng.random() < 0.03:
        tags = "PATCH RESEND"
    elif rng.random() < 0.05:
        tags = "RFC PATCH"
    vtag = "" if version == 1 else " v%d" % version
    title = "KVM: arm64: %s %s %s" % (rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS))
    unthreaded = rng.random() < 0.05
    cover = n > 1 and not unthreaded and rng.random() < 0.9
    charset = author[2] or "utf-8"
    on_behalf = rng.random() < 0.05
    out = []
    root = None
    if cover:
        root = msgid(author)
        out.append((author, "[%s%s 0/%d] %s" % (tags, vtag, n, title), root, [],
                    "\n\n".join(rng.choice(PARAGRAPHS) for _ in range(rng.randint(2, 6)))
                    + "\n\n" + sentence(6) + "\n", charset))
    patches = []
    for i in range(1, n + 1):
        mid = msgid(author)
        refs = [] if unthreaded else ([root] if root else ([patches[0][0]] if patches else []))
        counter = "" if n == 1 else " %d/%d" % (i, n)
        body = ""
        if on_behalf:
            real = person()
            body = "From: %s <%s>\n\n" % (real[0], real[1])
        body += "\n\n".join(rng.choice(PARAGRAPHS) for _ in range(rng.randint(2, 5)))
        body += "\n\nSigned-off-by: %s <%s>\n" % (author[0], author[1]) + diff()
        subj = "[%s%s%s] %s %d" % (tags, vtag, counter, title if i == 1 else "KVM: arm64: %s %s" % (
            rng.choice(WORDS), rng.choice(WORDS)), i)
        out.append((author, subj, mid, refs, body, charset))
        patches.append((mid, refs, subj, body))
    # replies: about one per message posted, to covers and patches
    targets = ([(root, [], out[0][1], out[0][4])] if root else []) + patches
    for _ in range(int(rng.expovariate(1 / (len(targets) * 1.15)))):
        tmid, trefs, tsubj, tbody = rng.choice(targets)
        who = person()
        quoted = "\n".join("> " + line for line in tbody.splitlines()[:rng.randint(10, 200)])
        body = "On %s wrote:\n%s\n\n%s\n" % (author[0], quoted, rng.choice(PARAGRAPHS))
        mid = msgid(who)
        out.append((who, "Re: " + tsubj, mid, trefs + [tmid], body, who[2] or "utf-8"))
        if rng.random() < 0.3:
            targets.append((mid, trefs + [tmid], tsubj, body))
    return out


def main():
    os.makedirs(os.path.join(args.out, "git"), exist_ok=True)
    written = 0
    epoch = -1
    proc = None
    mark = 0
    last_mid = None
    while written < args.messages:
        for who, subject, mid, refs, body, cs in series_messages():
            if written >= args.messages:
                break
            if written % args.epoch_messages == 0:
                if proc:
                    proc.stdin.close()
                    if proc.wait():
                        sys.exit("git fast-import failed")
                epoch += 1
                gd = os.path.join(args.out, "git", "%d.git" % epoch)
                subprocess.run(["git", "init", "-q", "--bare", gd], check=True)
                proc = subprocess.Popen(["git", "--git-dir=" + gd, "fast-import", "--quiet"],
                                        stdin=subprocess.PIPE)
                mark = 0
            t = clock.tick()
            if last_mid and rng.random() < 0.002:
                data = last_data  # the same message delivered twice
            else:
                data = render(who, subject, mid, refs, body, t, cs)
            last_mid, last_data = mid, data
            mark += 1
            name = who[1].split("@")[0]
            msg = subject.encode("utf-8", "replace")
            w = proc.stdin.write
            w(b"blob\nmark :%d\ndata %d\n" % (2 * mark, len(data)) + data + b"\n")
            w(b"commit refs/heads/master\nmark :%d\n" % (2 * mark + 1))
            w(b"author %s <%s> %d +0000\ncommitter %s <%s> %d +0000\n" % (
                name.encode(), who[1].encode(), t, name.encode(), who[1].encode(), t))
            w(b"data %d\n%s\n" % (len(msg), msg))
            if mark > 1:
                w(b"from :%d\n" % (2 * mark - 1))
            w(b"M 100644 :%d m\n\n" % (2 * mark))
            written += 1
            if written % 50000 == 0:
                print("gen-archive: %d messages" % written, file=sys.stderr)
    proc.stdin.close()
    if proc.wait():
        sys.exit("git fast-import failed")


main()
