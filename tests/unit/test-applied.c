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
	return harness_failed ? 1 : 0;
}
