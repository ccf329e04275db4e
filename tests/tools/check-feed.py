#!/usr/bin/python3
"""check-feed.py FEED N - an Atom feed holds what RFC 4287 requires, with N entries.

The feed (section 4.1.1): exactly one atom:id (an IRI), atom:title and
atom:updated (an RFC 3339 date); an atom:author, or one in every entry; at
most one link rel="alternate" per type.  Each entry (4.1.2): exactly one
atom:id, atom:title and atom:updated; an atom:link rel="alternate" or an
atom:content; ids unique.  Then feedparser (Debian's python3-feedparser),
a reader of its own, reads it without complaint.  Prints what is wrong;
exits 1 when anything is.
"""
import re
import sys
import xml.etree.ElementTree as ET

import feedparser

A = "{http://www.w3.org/2005/Atom}"
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def one(el, name, bad, where):
    found = el.findall(A + name)
    if len(found) != 1:
        bad.append(f"{where}: {len(found)} atom:{name}, exactly one required")
        return None
    return found[0]


def main():
    path, want = sys.argv[1], int(sys.argv[2])
    bad = []
    root = ET.parse(path).getroot()
    if root.tag != A + "feed":
        bad.append(f"the root is {root.tag}, not atom:feed")
    fid = one(root, "id", bad, "feed")
    if fid is not None and not IRI.match(fid.text or ""):
        bad.append(f"feed id {fid.text!r} is not an IRI")
    one(root, "title", bad, "feed")
    up = one(root, "updated", bad, "feed")
    if up is not None and not DATE.match(up.text or ""):
        bad.append(f"feed updated {up.text!r} is not an RFC 3339 date")
    entries = root.findall(A + "entry")
    if not root.findall(A + "author") and any(not e.findall(A + "author") for e in entries):
        bad.append("no atom:author in the feed nor in every entry")
    alternates = [l.get("type") for l in root.findall(A + "link") if l.get("rel", "alternate") == "alternate"]
    if len(alternates) != len(set(alternates)):
        bad.append("two feed links rel=alternate of one type")
    ids = []
    for i, e in enumerate(entries):
        where = f"entry {i + 1}"
        eid = one(e, "id", bad, where)
        if eid is not None:
            ids.append(eid.text)
            if not IRI.match(eid.text or ""):
                bad.append(f"{where}: id {eid.text!r} is not an IRI")
        one(e, "title", bad, where)
        u = one(e, "updated", bad, where)
        if u is not None and not DATE.match(u.text or ""):
            bad.append(f"{where}: updated {u.text!r} is not an RFC 3339 date")
        if not e.findall(A + "content") and not [l for l in e.findall(A + "link")
                                                 if l.get("rel", "alternate") == "alternate"]:
            bad.append(f"{where}: neither atom:content nor a link rel=alternate")
    if len(ids) != len(set(ids)):
        bad.append("entry ids repeat")
    if len(entries) != want:
        bad.append(f"{len(entries)} entries, want {want}")
    parsed = feedparser.parse(path)
    if parsed.bozo or parsed.version != "atom10":
        bad.append(f"feedparser: {parsed.version!r} {parsed.get('bozo_exception')}")
    elif len(parsed.entries) != want:
        bad.append(f"feedparser reads {len(parsed.entries)} entries")
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
