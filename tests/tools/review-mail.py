#!/usr/bin/env python3
"""review-mail.py OUT_DIR: writes the mail of tests/review-state.sh, in
three batches (batch1.mbox, batch2.mbox, batch3.mbox), each delivered
before one `next` digest:

  1. 2025-01-01: three patches, A (alice), B (bob), C (carol).
  2. 2025-01-20: dave's Reviewed-by on A, maint's "Applied, thanks!" on C,
     and erin's new patch E.
  3. 2025-02-20: frank's reply to B.

With --lookback 0 only the state can tie batch 2's and 3's replies to A,
B and C, which an earlier digest reported."""
import os, sys

out = sys.argv[1]
scenario = sys.argv[2] if len(sys.argv) > 2 else "replies"
os.makedirs(out, exist_ok=True)

def mail(frm, subject, day, mid, body, parent=None):
    head = [f"From {frm.split('<')[1].rstrip('>')} Mon Jan  1 00:00:00 2025",
            f"From: {frm}", "To: kvm@vger.kernel.org", f"Subject: {subject}",
            f"Date: {day} 10:00:00 +0000", f"Message-ID: <{mid}>"]
    if parent:
        head += [f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
    return "\n".join(head) + "\n\n" + body.rstrip("\n") + "\n\n"

def patch(frm, title, day, mid, name):
    return mail(frm, f"[PATCH] {title}", day, mid,
                f"Fix {name}.\n\nSigned-off-by: {frm}\n---\n {name}.c | 1 +\n\n"
                f"diff --git a/{name}.c b/{name}.c\n--- a/{name}.c\n+++ b/{name}.c\n"
                f"@@ -1 +1,2 @@\n int x;\n+int y;\n")

A = "a-1@example.org"; B = "b-1@example.org"; C = "c-1@example.org"
if scenario == "split":
    # 1. 2025-01-01: Zed's cover 0/2 and 1/2; Bob's beta.
    # 2. 2025-02-01: Zed's 2/2, maint's "Applied" to the cover (an earlier
    #    digest's message), and Bob's RESEND of beta, still unanswered.
    def numbered(n, day, parent=None):
        subj = f"[PATCH {n}/2] zeta: part {n}" if n else "[PATCH 0/2] zeta: two parts"
        body = "Two parts.\n" if not n else (f"Part {n}.\n\nSigned-off-by: Zed <zed@example.org>\n---\n"
                                          f"diff --git a/z b/z\n--- a/z\n+++ b/z\n@@ -1 +1,2 @@\n x\n+y\n")
        return mail("Zed <zed@example.org>", subj, day, f"z-{n}@example.org", body, parent)
    batches = [
        numbered(0, "Wed, 1 Jan 2025") + numbered(1, "Wed, 1 Jan 2025", "z-0@example.org")
        + patch("Bob <bob@example.org>", "beta: fix B", "Wed, 1 Jan 2025", B, "beta"),
        numbered(2, "Sat, 1 Feb 2025", "z-0@example.org")
        + mail("Maint <maint@example.com>", "Re: [PATCH 0/2] zeta: two parts", "Sat, 1 Feb 2025",
               "r-z@example.com", "On Wed, Zed wrote:\n> Two parts.\n\nApplied to next, thanks!\n",
               "z-0@example.org")
        + mail("Bob <bob@example.org>", "[PATCH RESEND] beta: fix B", "Sat, 1 Feb 2025", "b-2@example.org",
               "Fix beta.\n\nSigned-off-by: Bob <bob@example.org>\n---\n beta.c | 1 +\n\n"
               "diff --git a/beta.c b/beta.c\n--- a/beta.c\n+++ b/beta.c\n@@ -1 +1,2 @@\n int x;\n+int y;\n")
        + patch("Erin <erin@example.org>", "epsilon: fix E", "Thu, 20 Feb 2025", "e-9@example.org", "epsilon"),
    ]
    for i, text in enumerate(batches, 1):
        with open(os.path.join(out, f"batch{i}.mbox"), "w") as f:
            f.write(text)
    sys.exit(0)
batches = [
    patch("Alice <alice@example.org>", "alpha: fix A", "Wed, 1 Jan 2025", A, "alpha")
    + patch("Bob <bob@example.org>", "beta: fix B", "Wed, 1 Jan 2025", B, "beta")
    + patch("Carol <carol@example.org>", "gamma: fix C", "Wed, 1 Jan 2025", C, "gamma"),
    mail("Dave <dave@example.net>", "Re: [PATCH] alpha: fix A", "Mon, 20 Jan 2025", "r-a@example.net",
         "On Wed, Alice wrote:\n> Fix alpha.\n\nReviewed-by: Dave <dave@example.net>\n", A)
    + mail("Maint <maint@example.com>", "Re: [PATCH] gamma: fix C", "Mon, 20 Jan 2025", "r-c@example.com",
           "On Wed, Carol wrote:\n> Fix gamma.\n\nApplied to next, thanks!\n", C)
    + patch("Erin <erin@example.org>", "epsilon: fix E", "Mon, 20 Jan 2025", "e-1@example.org", "epsilon"),
    mail("Frank <frank@example.net>", "Re: [PATCH] beta: fix B", "Thu, 20 Feb 2025", "r-b@example.net",
         "On Wed, Bob wrote:\n> Fix beta.\n\nWhy not fix delta too?\n", B),
]
for i, text in enumerate(batches, 1):
    with open(os.path.join(out, f"batch{i}.mbox"), "w") as f:
        f.write(text)
