#!/usr/bin/env python3
"""pack-seeds.py OUT_DIR - seeds for fuzz-pack made from real packs.

Makes a small repository with git (near-copies of one message, so that
git stores deltas), packs it twice (deltas by offset, then by id), and
writes each pack in fuzz-pack's input form: a byte n-1, n offsets of 16
bits, then the objects.  A delta by id is rewritten to name its base by
the id fuzz-pack gives it (first byte index * 16)."""
import os, subprocess, sys, tempfile

def run(*a, **k):
    return subprocess.run(a, check=True, capture_output=True, **k).stdout

def seed(repo, objects, out):
    pack_dir = os.path.join(repo, ".git", "objects", "pack")
    idx = [f for f in os.listdir(pack_dir) if f.endswith(".idx")][0]
    listing = run("git", "verify-pack", "-v", os.path.join(pack_dir, idx)).decode()
    rows = []
    for line in listing.splitlines():
        f = line.split()
        if len(f) >= 5 and f[1] in ("commit", "tree", "blob", "tag"):
            rows.append((int(f[4]), f[0]))
    rows.sort()
    rows = rows[:objects]
    data = open(os.path.join(pack_dir, idx[:-4] + ".pack"), "rb").read()
    end = rows[-1][0] + 4096 if len(rows) < 16 else len(data) - 20
    body = bytearray(data[12:min(end, len(data) - 20)])
    index = {sha: i for i, (_, sha) in enumerate(rows)}
    for off, sha in rows:
        p = off - 12
        c = body[p]; t = (c >> 4) & 7; p += 1
        while c & 0x80:
            c = body[p]; p += 1
        if t == 7:
            base = body[p:p + 20].hex()
            new = bytes([index.get(base, 15) * 16]) + bytes(19)
            body[p:p + 20] = new
    head = bytes([len(rows) - 1]) + b"".join(((o - 12) & 0xffff).to_bytes(2, "little") for o, _ in rows)
    open(out, "wb").write(head + bytes(body))

def main():
    out_dir = sys.argv[1]
    with tempfile.TemporaryDirectory() as t:
        run("git", "init", "-q", t)
        env = dict(os.environ, GIT_AUTHOR_DATE="1700000000 +0000", GIT_COMMITTER_DATE="1700000000 +0000",
                   GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@example.org",
                   GIT_COMMITTER_NAME="A", GIT_COMMITTER_EMAIL="a@example.org")
        for i in range(5):
            with open(os.path.join(t, "m"), "w") as f:
                f.write("Subject: [PATCH %d/5] change\n\n" % (i + 1))
                f.write("".join("line %d of the change %d\n" % (k, k * (i % 2)) for k in range(60)))
            run("git", "-C", t, "add", "m", env=env)
            run("git", "-C", t, "commit", "-q", "-m", "m", env=env)
        run("git", "-C", t, "-c", "repack.useDeltaBaseOffset=true", "repack", "-adfq", "--window=10")
        seed(t, 16, os.path.join(out_dir, "seed-offset-deltas"))
        seed(t, 3, os.path.join(out_dir, "seed-three-objects"))
        run("git", "-C", t, "-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq", "--window=10")
        seed(t, 16, os.path.join(out_dir, "seed-id-deltas"))

main()
