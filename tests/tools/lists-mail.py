#!/usr/bin/env python3
"""lists-mail.py OUT: mail for two lists, kvm and kvmarm, with cross-posts
(tests/lists.sh).  Writes OUT/{kvm,kvmarm}-{1,2}.mbox (mboxrd): what each
list's archive receives in two batches.  A cross-posted message is the
same message in both, apart from what each list adds (List-Id, a
Received: line); <same-id@example.org> is two different messages that
share a Message-ID, one per list."""
import os, sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
LISTS = {"kvm": "kvm.vger.kernel.org", "kvmarm": "kvmarm.lists.linux.dev"}

def mail(mid, subject, frm, date, body, to, irt=None):
    refs = f"In-Reply-To: <{irt}>\nReferences: <{irt}>\n" if irt else ""
    return dict(mid=mid, head=(f"From: {frm}\nTo: {to}\nSubject: {subject}\nDate: {date}\n"
                               f"Message-ID: <{mid}>\n{refs}"), body=body)

def copy(m, lst):
    return (f"From mboxrd@z Thu Jan  1 00:00:00 1970\nReceived: from relay by {lst}.example "
            f"(list {lst})\n{m['head']}List-Id: <{LISTS[lst]}>\n\n{m['body']}\n")

patch = lambda n: f"Change {n}.\n\nSigned-off-by: A U Thor <author@example.com>\n---\n f | 1 +\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n x\n+{n}\n"
both = "kvm@vger.kernel.org, kvmarm@lists.linux.dev"
alice = "Alice Arm <alice@arm.example>"
batch1 = [
    # a series cross-posted to both lists: cover, two patches, a review
    (mail("x0@example.org", "[PATCH 0/2] KVM: arm64: shared fix", alice,
          "Mon, 2 Feb 2026 10:00:00 +0000", "Two patches for both lists.\n", both), ["kvm", "kvmarm"]),
    (mail("x1@example.org", "[PATCH 1/2] KVM: arm64: first", alice,
          "Mon, 2 Feb 2026 10:00:01 +0000", patch(1), both, "x0@example.org"), ["kvm", "kvmarm"]),
    (mail("x2@example.org", "[PATCH 2/2] KVM: arm64: second", alice,
          "Mon, 2 Feb 2026 10:00:02 +0000", patch(2), both, "x0@example.org"), ["kvm", "kvmarm"]),
    (mail("r1@example.org", "Re: [PATCH 1/2] KVM: arm64: first", "Marc Maint <maz@kernel.example>",
          "Mon, 2 Feb 2026 12:00:00 +0000", "Looks good.\n\nReviewed-by: Marc Maint <maz@kernel.example>\n",
          both, "x1@example.org"), ["kvm", "kvmarm"]),
    # one series per list
    (mail("k1@example.org", "[PATCH] KVM: x86: only kvm", "Xavier X <x@x86.example>",
          "Mon, 2 Feb 2026 11:00:00 +0000", patch(3), "kvm@vger.kernel.org"), ["kvm"]),
    (mail("a1@example.org", "[PATCH] KVM: arm64: only kvmarm", alice,
          "Mon, 2 Feb 2026 11:30:00 +0000", patch(4), "kvmarm@lists.linux.dev"), ["kvmarm"]),
    # the same Message-ID, other content: two messages
    (mail("same-id@example.org", "[PATCH] KVM: x86: one of two", "Xavier X <x@x86.example>",
          "Mon, 2 Feb 2026 13:00:00 +0000", patch(5), "kvm@vger.kernel.org"), ["kvm"]),
    (mail("same-id@example.org", "[PATCH] KVM: arm64: two of two", alice,
          "Mon, 2 Feb 2026 13:00:00 +0000", patch(6), "kvmarm@lists.linux.dev"), ["kvmarm"]),
]
batch2 = [
    (mail("y1@example.org", "[PATCH] KVM: arm64: later, to both", alice,
          "Tue, 3 Feb 2026 10:00:00 +0000", patch(7), both), ["kvm", "kvmarm"]),
    (mail("k2@example.org", "[PATCH] KVM: x86: later, only kvm", "Xavier X <x@x86.example>",
          "Tue, 3 Feb 2026 11:00:00 +0000", patch(8), "kvm@vger.kernel.org"), ["kvm"]),
]
for n, batch in (("1", batch1), ("2", batch2)):
    for lst in LISTS:
        with open(os.path.join(out, f"{lst}-{n}.mbox"), "w") as f:
            for m, lists in batch:
                if lst in lists:
                    f.write(copy(m, lst))
