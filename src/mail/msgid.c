/*
 * mail/msgid.c - the Message-IDs of a Message-ID, In-Reply-To or
 * References value.
 *
 * GMime's references parser reads any value: comments, quoted local
 * parts, words between the IDs, IDs without brackets.  Nearly every
 * value on a list is simpler than that: "<local@domain>" IDs of atom
 * characters and blanks between them.  Those are read here as they are
 * written; GMime reads that as the same text, but through a linked list, a
 * copy of each ID and a decode of each word, some 6% of a kvmarm digest
 * (its replies carry References of ten IDs and more).  Anything else goes
 * to GMime, whole.  tests/unit/test-msgid.c holds the two readings to the
 * same answers over generated edges and every value of the corpora.
 */
#include <string.h>
#include <gmime/gmime.h>
#include "mail/mail.h"

/* RFC 5322's atext: what GMime's parser reads as one word, unchanged.
 * A table: every byte of every ID is looked up. */
static const char *const atext_specials = "!#$%&'*+-/=?^_`{|}~";
static gboolean atext[256];

static void atext_init(void)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		for (int c = 1; c < 256; c++)
			atext[c] = g_ascii_isalnum(c) || strchr(atext_specials, c);
		g_once_init_leave(&once, 1);
	}
}

/* "dot-atom": words of atext joined by single dots.  Its length, or 0. */
static size_t dot_atom(const char *p, const char *end)
{
	const char *s = p;

	for (;;) {
		const char *w = p;
		while (p < end && atext[(unsigned char)*p])
			p++;
		if (p == w)
			return 0; /* empty, a leading dot, or two dots */
		if (p == end || *p != '.')
			return (size_t)(p - s);
		p++;
	}
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads `raw` as plain IDs and blanks: 1, each ID copied into `ids`
 * unless it is NULL, or 0 when it is not that simple (the IDs before the
 * place that is not may have been copied). */
static int plain_ids(GPtrArray *ids, const char *raw)
{
	const char *p = raw, *end = raw + strlen(raw);

	atext_init();
	for (;;) {
		const char *id;
		size_t local, domain;
		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			return 1;
		if (*p != '<')
			return 0;
		id = ++p;
		if (!(local = dot_atom(p, end)) || p + local == end || p[local] != '@')
			return 0;
		p += local + 1;
		if (!(domain = dot_atom(p, end)) || p + domain == end || p[domain] != '>')
			return 0;
		p += domain;
		if (ids)
			g_ptr_array_add(ids, g_strndup(id, (gsize)(p - id)));
		p++;
	}
}

/* An ID as GMime's reference parser gave it, with what a broken header
 * leaves in it cut: "175620 <a@b" (a '<' inside the brackets) is "a@b".
 * Message-ID and References go through here alike, so they still match.
 * New string, or NULL when nothing is left. */
static char *clean_id(const char *id)
{
	const char *lt = id ? strrchr(id, '<') : NULL;
	char *copy;

	if (lt)
		id = lt + 1;
	if (!id)
		return NULL;
	copy = g_strdup(id);
	/* g_strdelimit(copy, ">", ' '), without its strchr() per byte: every
	 * Message-ID of every reference goes through here */
	for (char *c = copy; *c; c++)
		if (*c == '>')
			*c = ' ';
	g_strstrip(copy);
	if (!*copy) {
		g_free(copy);
		return NULL;
	}
	return copy;
}

int pd__msgids_plain(const char *raw)
{
	return raw && plain_ids(NULL, raw);
}

GPtrArray *pd__msgids_read(const char *raw, int plain)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	GMimeReferences *refs;

	if (!raw)
		return ids;
	if (plain && plain_ids(ids, raw))
		return ids;
	g_ptr_array_set_size(ids, 0); /* what a value not plain after all gave */
	pd__gmime_init();
	if ((refs = g_mime_references_parse(NULL, raw))) {
		int n = g_mime_references_length(refs);
		for (int i = 0; i < n; i++)
			g_ptr_array_add(ids, clean_id(g_mime_references_get_message_id(refs, i)));
		g_mime_references_free(refs);
	}
	return ids;
}
