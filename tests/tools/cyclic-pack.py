#!/usr/bin/env python3
"""cyclic-pack.py GIT_DIR OBJECT_ID - writes into GIT_DIR a pack holding one
object, OBJECT_ID, stored as a delta by id whose base is itself: damage
that a reader following deltas naively follows for ever.  The pack and
its version 2 index are otherwise well formed (real checksums)."""
import hashlib, os, struct, sys, zlib

git_dir, oid = sys.argv[1], bytes.fromhex(sys.argv[2])
delta = bytes(64)  # never applied
size = len(delta)
header = bytearray([0x80 | (7 << 4) | (size & 15)])
size >>= 4
while size:
    header.append((size & 0x7f) | (0x80 if size > 0x7f else 0))
    size >>= 7
obj = bytes(header) + oid + zlib.compress(delta)
pack = b"PACK" + struct.pack(">II", 2, 1) + obj
pack += hashlib.sha1(pack).digest()
fanout = b"".join(struct.pack(">I", 1 if b >= oid[0] else 0) for b in range(256))
idx = b"\377tOc" + struct.pack(">I", 2) + fanout + oid + struct.pack(">I", zlib.crc32(obj))
idx += struct.pack(">I", 12) + pack[-20:]
idx += hashlib.sha1(idx).digest()
name = hashlib.sha1(pack[:-20]).hexdigest()
pack_dir = os.path.join(git_dir, "objects", "pack")
os.makedirs(pack_dir, exist_ok=True)
with open(os.path.join(pack_dir, "pack-%s.pack" % name), "wb") as f:
    f.write(pack)
with open(os.path.join(pack_dir, "pack-%s.idx" % name), "wb") as f:
    f.write(idx)
