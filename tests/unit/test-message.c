/*
 * test-message.c - single messages with hostile headers: Message-IDs with
 * junk around the brackets, references to itself, NULs, mixed line ends.
 */
#include "harness.h"
#include "patchdigest.h"

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

int main(void)
{
	message_ids();
	return harness_failed ? 1 : 0;
}
