/*
 * fuzz-message.c - one mail through the whole parser: GMime's MIME tree,
 * transfer encodings, charsets, encoded words, subject tags, in-body
 * From:/Subject:/Date: lines, and git mailinfo's message/patch split.
 * The input is one raw message (an mbox "From " line is allowed).
 */
#include "fuzz-common.h"
#include "mail/mail.h"
#include "message-compare.h"

static void check_message(const pd_message *m)
{
	fuzz_assert_utf8("the subject", m->subject);
	fuzz_assert_utf8("the sender's name", m->sender.name);
	fuzz_assert_utf8("the author's name", m->author.name);
	fuzz_assert_utf8("the author's address", m->author.address);
	fuzz_assert_utf8("the commit message", m->commit_message);
	fuzz_assert_utf8("the title", m->tags.title);
	fuzz_assert(m->author.address != NULL, "every message has an author");
	fuzz_assert(!m->message_id || (*m->message_id && !strchr(m->message_id, '<')),
		    "a Message-ID is non-empty and has no brackets");
	for (char **r = m->references; r && *r; r++)
		fuzz_assert(**r != '\0', "no empty reference");
	fuzz_assert(m->kind == PD_KIND_REPLY
		    || (m->tags.is_patch_tagged && !m->tags.is_reply),
		    "only a PATCH-tagged first post is a patch or cover");
	fuzz_assert(m->kind != PD_KIND_PATCH || m->has_diff, "a patch has a diff");
	fuzz_assert(!m->damaged || m->damage, "damage is described");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pd_parse_options opts = PD_PARSE_OPTIONS_INIT;
	pd_message *m = NULL;
	pd__mailinfo *info = NULL;

	pd_parse_options full = PD_PARSE_OPTIONS_INIT;
	pd_message *g = NULL;
	int error, gmime_error;

	opts.keep_all_bodies = full.keep_all_bodies = 1;
	full.full_mime = 1;
	error = pd_message_parse(&m, (const char *)data, size, "fuzz", &opts);
	/* differential: GMime's full parser must read the same message */
	gmime_error = pd_message_parse(&g, (const char *)data, size, "fuzz", &full);
	fuzz_assert(error == gmime_error, "the scanner and GMime agree the message parses");
	if (error == 0) {
		const char *what = pd_message_first_difference(m, g);
		if (what) {
			fprintf(stderr, "fuzz: the scanner and GMime differ in %s\n", what);
			abort();
		}
		check_message(m);
	}
	pd_message_free(m);
	pd_message_free(g);
	if (pd__mailinfo_run(&info, (const char *)data, size, 0) == 0) {
		fuzz_assert_utf8("mailinfo's author", info->author);
		fuzz_assert_utf8("mailinfo's email", info->email);
		fuzz_assert_utf8("mailinfo's subject", info->subject);
		fuzz_assert(info->msg && info->patch, "mailinfo fills both files");
		pd__mailinfo_free(info);
	}
	return 0;
}
