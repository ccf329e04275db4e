/*
 * test-subject.c - subject tags and titles, including the forms the spec
 * and Patchwork's subject tables name.
 */
#include "harness.h"
#include "patchdigest.h"

static void tags(const char *subject, int patch, int reply, int number, int total,
		 const char *version, const char *title)
{
	pd_subject_info info;
	char name[300];

	pd_subject_parse(&info, subject);
	snprintf(name, sizeof(name), "subject \"%s\"", subject);
	if (info.is_patch_tagged == patch && info.is_reply == reply && info.number == number
	    && info.total == total && !strcmp(info.version, version) && !strcmp(info.title, title)) {
		printf("ok - %s\n", name);
	} else {
		printf("not ok - %s: patch=%d reply=%d %d/%d v%s title \"%s\"\n", name,
		       info.is_patch_tagged, info.is_reply, info.number, info.total,
		       info.version, info.title);
		harness_failed++;
	}
	pd_subject_info_clear(&info);
}

static void other_tags(void)
{
	pd_subject_info info;

	pd_subject_parse(&info, "[RFC PATCH RESEND net-next v3 1/5] x");
	CHECK("RFC and RESEND are read", info.is_rfc && info.is_resend);
	CHECK("an explicit version is marked explicit", info.version_explicit);
	pd_subject_info_clear(&info);
	pd_subject_parse(&info, "[PATCH] x");
	CHECK("no version tag: version 1, not explicit", !info.version_explicit && !strcmp(info.version, "1"));
	CHECK("no counter on a lone patch", !info.has_counter);
	pd_subject_info_clear(&info);
}

int main(void)
{
	tags("[PATCH] KVM: x86: fix", 1, 0, 1, 1, "1", "KVM: x86: fix");
	tags("[PATCH v2 03/12] KVM: x", 1, 0, 3, 12, "2", "KVM: x");
	tags("[RFC PATCH net-next v3 1/5] net: y", 1, 0, 1, 5, "3", "net: y");
	tags("[PATCHv2 1/3] a", 1, 0, 1, 3, "2", "a");
	tags("[PATCH v6,19/24] b", 1, 0, 19, 24, "6", "b");
	tags("[PATCH 1 of 2] c", 1, 0, 1, 2, "1", "c");
	tags("[kvm-unit-tests PATCH] d", 1, 0, 1, 1, "1", "d");
	/* patch tags without the word PATCH (digest.md, "patch") */
	tags("[RFC-PATCH] e", 1, 0, 1, 1, "1", "e");
	tags("[RFC-PATCH v2 1/3] e", 1, 0, 1, 3, "2", "e");
	tags("[RFC 1/2] f", 1, 0, 1, 2, "1", "f");
	tags("[RFC net-next 01/17] g", 1, 0, 1, 17, "1", "g");
	tags("[RFC] h", 1, 0, 1, 1, "1", "h");
	tags("[1/2] i", 1, 0, 1, 2, "1", "i");
	/* a pull request's messages are not postings */
	tags("[GIT PULL 1/2] KVM: j", 0, 0, 1, 2, "1", "KVM: j");
	tags("[PULL 0/3] k", 0, 0, 0, 3, "1", "k");
	tags("[GIT PULL] KVM changes", 0, 0, 1, 1, "1", "KVM changes");
	/* neither RFC nor a counter: not a patch tag */
	tags("[syzbot] [kvm?] KASAN: l", 0, 0, 1, 1, "1", "KASAN: l");
	/* a counter alone must read as one: a date is not */
	tags("[2024/10] m", 0, 0, 2024, 10, "1", "m");
	tags("[PATCH 3/2] add-on", 1, 0, 3, 2, "1", "add-on");
	tags("[PATCH RESEND V2 0/2] e", 1, 0, 0, 2, "2", "e");
	tags("[PATCH V7 0/3] f", 1, 0, 0, 3, "7", "f");
	tags("[PATCH v2.1 2/4] g", 1, 0, 2, 4, "2.1", "g");
	tags("[RFC][PATCH 1/2] h", 1, 0, 1, 2, "1", "h");
	tags("Re: [PATCH 1/2] i", 1, 1, 1, 2, "1", "i");
	tags("RE: Aw: [PATCH] j", 1, 1, 1, 1, "1", "j");
	tags("Fwd: [PATCH] k", 1, 1, 1, 1, "1", "k");
	tags("[PATCH] vhost: Fix ioctl # for VHOST_[GS]ET_FORK_FROM_OWNER", 1, 0, 1, 1, "1",
	     "vhost: Fix ioctl # for VHOST_[GS]ET_FORK_FROM_OWNER");
	tags("[Patch 2/2]: l", 1, 0, 2, 2, "1", "l");
	tags("[PATCH1/8] m", 1, 0, 1, 8, "1", "m");
	tags("A plain question", 0, 0, 1, 1, "1", "A plain question");
	tags("[net,v2,1/2] n", 1, 0, 1, 2, "2", "n"); /* a counter is a patch tag */
	tags("[PATCH]   spaced    out  ", 1, 0, 1, 1, "1", "spaced out");
	tags("[PATCH] Re: a patch about a reply", 1, 0, 1, 1, "1", "a patch about a reply");
	other_tags();
	return harness_failed ? 1 : 0;
}
