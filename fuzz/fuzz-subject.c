/*
 * fuzz-subject.c - subject tags: [PATCH vN n/N], RFC, RESEND, Re: and
 * friends.  The input is a decoded subject line.
 */
#include "fuzz-common.h"
#include "patchdigest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *subject = fuzz_cstring(data, size);
	pd_subject_info info;

	if (pd_subject_parse(&info, subject) == 0) {
		fuzz_assert(info.title != NULL, "a parsed subject has a title");
		fuzz_assert(strlen(info.title) <= strlen(subject), "the title is part of the subject");
		fuzz_assert(memchr(info.version, '\0', sizeof info.version) != NULL,
			    "the version is terminated");
		fuzz_assert(!info.has_counter || (info.total > 0 && info.total <= 999999
						       && info.number >= 0 && info.number <= 999999),
			    "a counter is within the bounds the parser accepts");
		fuzz_assert_utf8("the title", g_utf8_validate(subject, -1, NULL) ? info.title : NULL);
		pd_subject_info_clear(&info);
	}
	g_free(subject);
	return 0;
}
