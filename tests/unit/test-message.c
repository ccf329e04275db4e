/*
 * test-message.c - single messages with hostile headers: Message-IDs with
 * junk around the brackets, references to itself, NULs, mixed line ends;
 * and the same Content-Type in message after message, whose parsed charset
 * each thread remembers (mime.c); the glance at a reply's own lines; a
 * body read in place whose last line ends it without a newline.
 */
#include <glib.h>
#include "harness.h"
#include "patchdigest.h"
#include "mail/mail.h"

static pd_message *parse(const char *text, size_t len)
{
	pd_message *m = NULL;

	if (pd_message_parse(&m, text, len ? len : strlen(text), "test", NULL) < 0)
		return NULL;
	return m;
}

static void message_ids(void)
{
	pd_message *m = parse("Message-ID:!<a@b>\nIn-Reply-To: <a@b> <c@d>\nSubject: x\n\nbody\n", 0);

	CHECK("junk before the brackets: parsed", m != NULL);
	if (m) {
		CHECK_STR("junk before the brackets: the ID is what the brackets hold",
			  m->message_id, "a@b");
		CHECK_STR("its reference to itself is dropped", m->references[0], "c@d");
		CHECK("  and nothing else is left", m->references[1] == NULL);
	}
	pd_message_free(m);
	m = parse("Message-ID: <123 <a@b>\nReferences: <c@d> <123 <a@b>\nSubject: x\n\nbody\n", 0);
	CHECK_STR("a '<' inside the brackets: the ID after it", m ? m->message_id : NULL, "a@b");
	CHECK_STR("  and References read the same way (its own ID dropped)",
		  m ? m->references[0] : NULL, "c@d");
	pd_message_free(m);
	m = parse("Message-ID: bare@id\nSubject: x\n\nbody\n", 0);
	CHECK_STR("a bare ID without brackets is kept", m ? m->message_id : NULL, "bare@id");
	pd_message_free(m);
	m = parse("Message-ID: <>\nSubject: x\n\nbody\n", 0);
	CHECK("an empty <> is no ID", m && m->message_id == NULL);
	pd_message_free(m);
}

/* A patch whose commit message is "caf\xe9" under `content_type`. */
static pd_message *patch_with(const char *content_type)
{
	char *text = g_strdup_printf("From: A <a@example.org>\nSubject: [PATCH] t\n"
				     "Message-ID: <p@example.org>\nContent-Type: %s\n\n"
				     "caf\xe9\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n"
				     "@@ -1 +1 @@\n-a\n+b\n", content_type);
	pd_message *m = parse(text, 0);

	g_free(text);
	return m;
}

static void charsets_remembered(void)
{
	const char *latin1 = "text/plain; charset=iso-8859-1";
	const char *twice = "text/plain; charset=utf-8; charset=iso-8859-1";
	pd_message *m;

	for (int round = 1; round <= 2; round++) {
		m = patch_with(latin1);
		CHECK(round == 1 ? "Latin-1 declared: the commit message converts"
				 : "  and again, from the remembered charset",
		      m && m->commit_message && strstr(m->commit_message, "caf\xc3\xa9") && !m->damaged);
		pd_message_free(m);
	}
	/* a value that warned is never remembered: every message with it is
	 * marked, not only the first */
	for (int round = 1; round <= 2; round++) {
		m = patch_with(twice);
		CHECK(round == 1 ? "a charset parameter given twice is damage"
				 : "  and the next message with the same Content-Type is damaged too",
		      m && m->damaged && m->damage && strstr(m->damage, "conflicting header parameters"));
		pd_message_free(m);
	}
	/* more values than are remembered: the oldest are parsed again */
	for (int i = 0; i < 12; i++) {
		char *ct = g_strdup_printf("text/plain; charset=utf-8; format=flowed%d", i);
		pd_message_free(patch_with(ct));
		g_free(ct);
	}
	m = patch_with(latin1);
	CHECK("Latin-1 after twelve other Content-Types still converts",
	      m && m->commit_message && strstr(m->commit_message, "caf\xc3\xa9"));
	pd_message_free(m);
}

/* The glance before a reply's body is read finds the verb anywhere in a
 * line, in any case; a reply without one is never read. */
static void reply_glance(void)
{
	static const struct { const char *body; int applied; } cases[] = {
		{ "APPLIED TO NEXT, THANKS!\n", 1 },
		{ "Sorry for the delay. Now applied to kvmarm/next.\n", 1 },
		{ "Patch 1 applied to powerpc/next.\n", 1 },
		{ "Rebased, and queued with the fix.\n", 1 },
		{ "Pulled, thanks.\n", 1 },
		{ "> Applied to next, thanks!\n\nWrong version.\n", 0 },
		{ "Looks good.\n-- \nApplied, thanks!\n", 0 },
		{ "d\nde\ned\nLooks good to me.\n", 0 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *text = g_strdup_printf("Message-ID: <r%zu@x>\nIn-Reply-To: <p@x>\n"
					     "From: M <m@x>\nSubject: Re: [PATCH] x\n\n%s", i,
					     cases[i].body);
		pd_message *m = parse(text, 0);
		char *body = g_strescape(cases[i].body, NULL);
		char *name = g_strdup_printf("glance: %s", body);
		CHECK(name, m && (m->facts && m->facts->applied) == cases[i].applied);
		g_free(name);
		g_free(body);
		pd_message_free(m);
		g_free(text);
	}
}

/* A body without a transfer encoding is read in place (mime.c): nothing
 * follows its last byte, and a last line "--- " without a newline must
 * be read as git reads it, with its NUL after it -- a patch break -- not
 * from the byte after the buffer (a fuzzer found the read).  Expected
 * files as `git mailinfo` writes them for these inputs. */
static void last_line_without_newline(void)
{
	static const struct { const char *tail; const char *msg, *patch; } cases[] = {
		{ "--- ", "Change.\n", "--- " },
		{ "---\t", "Change.\n---\t", "" },
		{ "---", "Change.\n---", "" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *text = g_strdup_printf("From: A <a@example.org>\nSubject: [PATCH] x\n"
					     "Message-ID: <t%zu@example.org>\n\nChange.\n%s", i,
					     cases[i].tail);
		size_t len = strlen(text);
		char *exact = g_memdup2(text, len); /* no NUL after it */
		pd__mailinfo *mi = NULL;
		pd_message *m = NULL;
		char *tail = g_strescape(cases[i].tail, NULL);
		char *name = g_strdup_printf("a last line \"%s\" without a newline: git's message "
					     "and patch", tail);
		CHECK(name, pd__mailinfo_run(&mi, exact, len, 0) == 0
		      && mi->msg_len == strlen(cases[i].msg) && !memcmp(mi->msg, cases[i].msg, mi->msg_len)
		      && mi->patch_len == strlen(cases[i].patch)
		      && !memcmp(mi->patch, cases[i].patch, mi->patch_len));
		g_free(name);
		name = g_strdup_printf("a last line \"%s\" without a newline: the digest reads it", tail);
		CHECK(name, pd_message_parse(&m, exact, len, "test", NULL) == 0 && m);
		g_free(name);
		pd_message_free(m);
		pd__mailinfo_free(mi);
		g_free(tail);
		g_free(exact);
		g_free(text);
	}
}

int main(void)
{
	message_ids();
	last_line_without_newline();
	reply_glance();
	charsets_remembered();
	return harness_failed ? 1 : 0;
}
