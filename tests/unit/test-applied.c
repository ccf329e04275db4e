/*
 * test-applied.c - which replies say "applied": maintainers' phrasings
 * seen on the KVM lists, b4's thank-you messages, patchwork-bot and
 * tip-bot2 notices, and the false friends review.md names (promises,
 * questions, testers, "does not apply", the test robot's boilerplate).
 * Each case: the reply's text, then "-" (not applied) or
 * "TREE|NUMBERS|COMMITS" with "" for none.
 */
#include <glib.h>
#include "harness.h"
#include "mail/mail.h"

static void applied(const char *name, const char *text, const char *want)
{
	pd__applied a;
	char *got;

	if (!pd__find_applied(&a, text)) {
		got = g_strdup("-");
	} else {
		GString *s = g_string_new(a.tree ? a.tree : "");
		g_string_append_c(s, '|');
		for (guint i = 0; a.numbers && i < a.numbers->len; i++)
			g_string_append_printf(s, "%s%d", i ? "," : "", g_array_index(a.numbers, int, i));
		g_string_append_c(s, '|');
		for (guint i = 0; a.commits && i < a.commits->len; i++)
			g_string_append_printf(s, "%s%s", i ? "," : "", (char *)g_ptr_array_index(a.commits, i));
		got = g_string_free(s, FALSE);
		pd__applied_clear(&a);
	}
	CHECK_STR(name, got, want);
	g_free(got);
}

int main(void)
{
	/* maintainers */
	applied("Applied to next, thanks!", "On Mon, A wrote:\n> patch\n\nApplied to next, thanks!\n", "next||");
	applied("Applied to kvm-arm64/misc-6.2", "Applied to kvm-arm64/misc-6.2, thanks!\n\n\tM.\n",
		"kvm-arm64/misc-6.2||");
	applied("Applied to arm64 (for-next/trivial)", "Applied to arm64 (for-next/trivial), thanks!\n",
		"arm64 (for-next/trivial)||");
	applied("Thanks, applied.", "Thanks, applied.\n", "||");
	applied("Queued, thanks.", "Queued, thanks.  I will leave this in kvm/queue after testing\n", "||");
	applied("Queued 3+5, thanks.", "Queued 3+5, thanks.\n", "|3,5|");
	applied("Pushed, thanks!", "Pushed, thanks!\n", "||");
	applied("Applied with minor fixes", "Applied to fixes with minor commit message fixes, thanks!\n",
		"fixes||");
	applied("Applied first two cleanups", "Applied first two cleanups to arm64 (for-next/ffa), thanks!\n",
		"arm64 (for-next/ffa)|1,2|");
	applied("Series applied", "Series applied to kvm-x86 mmu\n", "kvm-x86 mmu||");
	applied("thanks to someone is no tree", "Applied, thanks to Bob for the fix!\n", "||");
	applied("Queued 1/3 is patch 1 of 3", "Queued 1/3, thanks.\n", "|1|");
	/* b4 ty: exactly the patches listed */
	applied("b4 thank-you", "On Tue, 1 Oct 2024, A wrote:\n> [...]\n\nApplied to next, thanks!\n\n"
		"[1/3] KVM: arm64: one\n      commit: 0123456789ab\n"
		"[3/3] KVM: arm64: three\n      commit: abcdef012345\n\nCheers,\n\n\tM.\n",
		"next|1,3|0123456789ab,abcdef012345");
	applied("b4 thank-you with commit URLs", "Applied to kvm-x86 misc, thanks!\n\n"
		"[1/1] KVM: x86: one\n      https://github.com/kvm-x86/linux/commit/0a1b2c3d4e5f\n",
		"kvm-x86 misc|1|0a1b2c3d4e5f");
	applied("b4 thank-you with /c/ URLs", "Patch 1 applied to powerpc/next.\n\n"
		"[1/2] powerpc: kvm: one\n      https://git.kernel.org/powerpc/c/c26d4c5d4f0df720\n\ncheers\n",
		"powerpc/next|1|c26d4c5d4f0df720");
	/* pull requests: the recipient, and pr-tracker-bot */
	applied("Pulled, thanks.", "On 30/08/19 11:03, Marc Zyngier wrote:\n> Paolo,\n\nPulled, thanks.\n\nPaolo\n", "||");
	applied("Pulled into kvm/next", "Pulled into kvm/next, thanks.\n", "kvm/next||");
	applied("pr-tracker-bot", "The pull request you sent on Wed, 28 Aug 2019 18:32:33 +0100:\n\n"
		"> git://git.kernel.org/pub/scm/linux/kernel/git/arm64/linux.git tags/arm64-fixes\n\n"
		"has been merged into torvalds/linux.git:\n"
		"https://git.kernel.org/torvalds/c/9cf6b756cdf2cd38b8b0dac2567f7c6daf5e79d5\n\nThank you!\n",
		"torvalds/linux.git||9cf6b756cdf2cd38b8b0dac2567f7c6daf5e79d5");
	applied("not pulled yet", "I haven't pulled this yet, will do tomorrow.\n", "-");
	applied("will be pulled", "This will be pulled into kvm/next after -rc2.\n", "-");
	/* bots */
	applied("patchwork-bot", "Hello:\n\nThis series was applied to netdev/net.git (main)\n"
		"by Jakub Kicinski <kuba@kernel.org>:\n", "netdev/net.git (main)||");
	applied("tip-bot2", "The following commit has been merged into the x86/urgent branch of tip:\n\n"
		"Commit-ID:     1234567890abcdef1234567890abcdef12345678\n",
		"tip x86/urgent||1234567890abcdef1234567890abcdef12345678");
	/* false friends */
	applied("a promise", "I will apply this once -rc1 is out.\n", "-");
	applied("will apply", "Will apply after the merge window.\n", "-");
	applied("a question", "Applied to which tree?\n", "-");
	applied("a request", "Paolo, can you apply this directly?\n", "-");
	applied("does not apply", "This doesn't apply to kvm/next, please rebase.\n", "-");
	applied("a tester", "Applied this series and verified that an attempt to online works.\n", "-");
	applied("with this applied", "With this applied, the guest boots again.\n", "-");
	applied("the test robot", "If your patch is applied to the wrong git tree, kindly drop us a note.\n", "-");
	applied("a quoted statement", "> Applied to next, thanks!\n\nThat was the wrong version.\n", "-");
	applied("below the signature", "Looks fine.\n-- \nApplied, thanks!\n", "-");
	applied("merged with", "merged with this one.\n", "-");
	applied("applied on top", "Applied on top of kvm/next, it conflicts.\n", "-");
	applied("applied locally", "I applied it locally and it builds.\n", "-");
	/* seen on kvmarm and kvm-ppc: a wrapped line, testers, pointers */
	applied("a wrapped line", "1-2 are the same, but I addressed some of the feedback and also\n"
		"pulled in more fixes. In addition to the problems\n", "-");
	applied("a tester: I applied", "I applied these 4, compiled, installed, rebooted\n", "-");
	applied("a tester: I just applied", "I just applied Arnds Patche which you didn't added.\n", "-");
	applied("points elsewhere", "I have this queued:\n  https://patchwork.ozlabs.org/patch/1253390/\n", "-");
	applied("another version", "I've pushed out my own version of this[1]. Please have a look.\n", "-");
	applied("a reviewer pulled", "I have pulled the latest branch and it looks good to me\n", "-");
	applied("a dropped commit", "Thanks.  I've pushed out -rc2 releases with this commit dropped.\n", "-");
	applied("a queue, not this", "This needs a rebase.  I have pushed my current queue, but note\n", "-");
	applied("in a later sentence", "For some reason b4 doesn't want to cherry-pick\n"
		"this patch from the list. I've applied it manually to kvm-arm64/next.\n",
		"kvm-arm64/next||");
	applied("I queued", "I queued these three to arm/queue[1].\n", "arm/queue||");
	applied("a statement then a list", "Applied to misc/queue and MR posted:\nhttps://gitlab.com/x\n",
		"misc/queue||");
	applied("Patch 1 applied", "Patch 1 applied to powerpc/next.\n", "powerpc/next|1|");
	applied("Rebased, and queued", "Rebased, and queued with the fix that Sean suggested.\n", "||");
	applied("a later clause", "Just finished reviewing that part too, they were very nice and I've\n"
		"queued them.  I'll continue tomorrow with the rest.\n", "||");
	applied("a later clause, applied", "Looks good, I have applied your fix to the test.\n", "-");
	applied("dropped, but applied", "Applied to vfio next branch for v5.12, dropped WARN_ON in release.\n",
		"vfio next branch for v5.12||");
	applied("numbers of a sentence that does not count are dropped",
		"Patch 2 applied locally, looks fine. Applied to next, thanks!\n", "next||");
	return harness_failed ? 1 : 0;
}
