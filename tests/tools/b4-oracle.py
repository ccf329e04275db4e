#!/usr/bin/python3
"""b4-oracle.py ARCHIVE DIGEST.json - the trailers patchdigest collected,
against what b4's own LoreMailbox collects from the same messages.

Reads every message of the public-inbox ARCHIVE (all epochs), splits them
into threads (In-Reply-To/References), gives each thread to b4 (Debian's
b4, its Python API), and for every patch and cover letter of the digest
compares the set of (tag, address) of its Reviewed-by, Acked-by and
Tested-by trailers.  Prints the agreement and the first differences;
exits 1 when a message differs beyond the deliberate differences:

  - "with a diff": a reply that carries a diff of its own gives no
    trailers (review.md: "in a reply that carries no diff"); b4 takes them
    from any reply whose subject says Re:.
  - "carried": b4 carries trailers from an older revision to an unchanged
    patch of a newer one (by patch hash); the digest counts what was
    given to each posting.

Runs under /usr/bin/python3 (where Debian's b4 is).
"""
import email, email.policy, json, subprocess, sys, logging

logging.disable(logging.CRITICAL)
import b4  # noqa: E402

TAGS = {"reviewed-by", "acked-by", "tested-by"}


def messages(archive):
    """(commit, bytes) of every message, epochs in order."""
    import glob, os
    epochs = sorted(glob.glob(os.path.join(archive, "git", "*.git")),
                    key=lambda p: int(os.path.basename(p).split(".")[0]))
    for e in epochs:
        log = subprocess.run(["git", "--git-dir", e, "log", "--reverse", "--format=%H"],
                             capture_output=True, text=True).stdout.split()
        cat = subprocess.Popen(["git", "--git-dir", e, "cat-file", "--batch"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for c in log:
            cat.stdin.write(f"{c}:m\n".encode())
            cat.stdin.flush()
            head = cat.stdout.readline().split()
            if len(head) < 3 or head[1] != b"blob":
                continue
            data = cat.stdout.read(int(head[2]))
            cat.stdout.read(1)
            yield data
        cat.stdin.close()
        cat.wait()


def clean(mid):
    return mid.strip().strip("<>").strip() if mid else None


def main():
    archive, digest = sys.argv[1], sys.argv[2]
    msgs = {}
    parent = {}
    for data in messages(archive):
        m = email.message_from_bytes(data, policy=email.policy.default)
        try:
            mid = clean(m.get("Message-ID"))
        except Exception:
            continue
        if not mid or mid in msgs:
            continue
        msgs[mid] = m
        try:
            irt = clean(m.get("In-Reply-To"))
            refs = (m.get("References") or "").split()
        except Exception:
            irt, refs = None, []
        up = irt or (clean(refs[-1]) if refs else None)
        if up and up != mid:
            parent[mid] = up
    # threads: each message's root
    def root(mid):
        seen = set()
        while mid in parent and parent[mid] in msgs and mid not in seen:
            seen.add(mid)
            mid = parent[mid]
        return mid
    threads = {}
    for mid in msgs:
        threads.setdefault(root(mid), []).append(mid)
    # what b4 collects, per message
    b4_sets, b4_why = {}, {}
    for ids in threads.values():
        if len(ids) < 2:
            continue
        box = b4.LoreMailbox()
        for mid in ids:
            try:
                box.add_message(msgs[mid])
            except Exception:
                pass
        for rev in list(box.series.keys()):
            try:
                ser = box.get_series(rev, reroll=False)
            except Exception:
                ser = None
            if not ser:
                continue
            for p in ser.patches:
                if p is None:
                    continue
                got, why = set(), {}
                for t in p.followup_trailers:
                    if t.name.lower() not in TAGS or not t.addr:
                        continue
                    key = (t.name.lower(), t.addr[1].lower())
                    got.add(key)
                    lm = getattr(t, "lmsg", None)
                    if lm is not None and lm.has_diff:
                        why[key] = "with a diff"
                    elif lm is not None and getattr(lm, "revision", None) not in (None, rev):
                        why[key] = "carried"
                b4_sets[p.msgid] = got
                b4_why[p.msgid] = why
    # what the digest collected
    d = json.load(open(digest))
    ours = {}
    for s in d["series"]:
        for p in ([s["cover"]] if s["cover"] else []) + s["patches"]:
            ours[p["message_id"]] = {(t["tag"].lower(), (t["address"] or "").lower())
                                     for t in p["trailers"] if t["tag"].lower() in TAGS}
    same = differ = 0
    deliberate = {}
    diffs = []
    for mid, theirs in b4_sets.items():
        if mid not in ours:
            continue
        if ours[mid] == theirs:
            same += 1
            continue
        only_b4 = theirs - ours[mid]
        reasons = {b4_why[mid].get(k) for k in only_b4}
        if not (ours[mid] - theirs) and only_b4 and None not in reasons:
            for r in reasons:
                deliberate[r] = deliberate.get(r, 0) + 1
            continue
        differ += 1
        diffs.append((mid, sorted(ours[mid] - theirs), sorted(only_b4)))
    with_trailers = sum(1 for v in b4_sets.values() if v)
    n_deliberate = sum(deliberate.values())
    print(f"b4-oracle: {same + differ + n_deliberate} messages compared ({with_trailers} with "
          f"trailers by b4): {same} agree, {n_deliberate} differ deliberately "
          f"{dict(sorted(deliberate.items()))}, {differ} differ")
    for mid, only_ours, only_b4 in diffs[:15]:
        print(f"#   {mid}: only ours {only_ours}; only b4 {only_b4}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
