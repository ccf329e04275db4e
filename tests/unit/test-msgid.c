/*
 * test-msgid.c - pd__msgids_read() reads plain Message-ID lists itself
 * and leaves the rest to GMime (mail/msgid.c); GMime is the oracle.  The
 * IDs read without GMime must be GMime's, in order, over generated edges
 * of what "plain" admits and just misses, and over every Message-ID,
 * In-Reply-To and References value of the bundled sample and the
 * corpora.  Most of the corpora's values must be read without GMime, or
 * the test shows nothing.
 */
#include <string.h>
#include <glib.h>
#include "harness.h"
#include "corpora.h"
#include "patchdigest.h"
#include "mail/mail.h"

typedef struct {
	size_t tried, plain, differs;
} tally;

static int same(const GPtrArray *a, const GPtrArray *b)
{
	if (a->len != b->len)
		return 0;
	for (guint i = 0; i < a->len; i++)
		if (g_strcmp0(g_ptr_array_index(a, i), g_ptr_array_index(b, i)))
			return 0;
	return 1;
}

/* `value` both ways; a difference is printed (the first five). */
static void compare(tally *t, const char *value)
{
	GPtrArray *ours = pd__msgids_read(value, 1), *gmime = pd__msgids_read(value, 0);

	t->tried++;
	t->plain += pd__msgids_plain(value);
	if (!same(ours, gmime) && t->differs++ < 5) {
		printf("# \"%s\":", value);
		for (guint i = 0; i < ours->len; i++)
			printf(" ours[%u]=%s", i, (char *)g_ptr_array_index(ours, i));
		for (guint i = 0; i < gmime->len; i++)
			printf(" gmime[%u]=%s", i, (char *)g_ptr_array_index(gmime, i));
		printf("\n");
	}
	g_ptr_array_free(ours, TRUE);
	g_ptr_array_free(gmime, TRUE);
}

/* Values built from parts around and across what "plain" admits: every
 * atext character and every special in local parts and domains, dots in
 * every place, blanks and folds between IDs, words and comments beside
 * them, brackets missing or doubled. */
static void edges(void)
{
	static const char *const locals[] = {
		"a", "abc.def", "a.b.c", "x+y=z", "1234-5-git-send-email-me", "!#$%&'*+-/=?^_`{|}~",
		"a..b", ".a", "a.", "", "a b", "\"q\"", "\"a b\"", "a(c)b", "a\\b", "a,b", "a;b",
		"a:b", "a[b", "a]b", "a@b", "\x7f", "\xc3\xa9t\xc3\xa9", "a<b", "CAHk=wh+Q_9a",
	};
	static const char *const domains[] = {
		"kernel.org", "mail.gmail.com", "x", "a-b.c_d", "[127.0.0.1]", "a..b", ".a", "a.",
		"", "a b", "(c)x", "x(c)", "a\"b", "\xc3\xa9.fr", "b>c", "!#$%&'*+-/=?^_`{|}~",
	};
	static const char *const between[] = {
		"", " ", "\n ", "\r\n\t", "  \t ", ",", " , ", " x ", " (comment) ", "\n\n",
	};
	static const char *const around[][2] = {
		{ "", "" }, { " ", " " }, { "\n\t", "\r\n" }, { "Re: ", "" }, { "", " (x)" },
		{ "(c) ", "" }, { "<", "" }, { "", ">" }, { "", "<" }, { "\"q\" ", "" },
	};
	tally t = { 0 };
	char value[512];

	for (guint l = 0; l < G_N_ELEMENTS(locals); l++)
		for (guint d = 0; d < G_N_ELEMENTS(domains); d++)
			for (guint b = 0; b < G_N_ELEMENTS(between); b++) {
				guint a = (l + d * 3 + b) % G_N_ELEMENTS(around);
				guint l2 = (l * 7 + b) % G_N_ELEMENTS(locals);
				/* one ID, then two with something between */
				snprintf(value, sizeof value, "%s<%s@%s>%s", around[a][0], locals[l],
					 domains[d], around[a][1]);
				compare(&t, value);
				snprintf(value, sizeof value, "%s<%s@%s>%s<%s@kernel.org>%s",
					 around[a][0], locals[l], domains[d], between[b], locals[l2],
					 around[a][1]);
				compare(&t, value);
			}
	/* without an @, without brackets, empty, blank, many */
	{
		static const char *const odd[] = {
			"", " ", "\n", "<>", "< >", "<a>", "<@b>", "<a@>", "a@b", "<a@b", "a@b>",
			"<a@b><c@d>", "<a@b> <a@b>", "<a@b>\n <c@d>\n <e@f>", "<<a@b>>", "<a@b@c>",
			"<a@b>>", "<a <b@c>", "175620 <a@b", "<a@b> trailing", "<a@b>\0<c@d>",
		};
		for (guint i = 0; i < G_N_ELEMENTS(odd); i++)
			compare(&t, odd[i]);
	}
	{
		GString *many = g_string_new(NULL);
		for (int i = 0; i < 300; i++)
			g_string_append_printf(many, "%s<%d.%d@host%d.example.org>", i ? "\n " : "", i,
					       i * 7, i % 5);
		compare(&t, many->str);
		g_string_free(many, TRUE);
	}
	printf("# edges: %zu values, %zu of them read without GMime\n", t.tried, t.plain);
	CHECK_INT("edges: every ID the same as GMime's", t.differs, 0);
	CHECK("... and the plain ones read here", t.plain > 100 && t.plain < t.tried / 2);
}

/* One message's Message-ID, In-Reply-To and References values, both ways. */
static void compare_message(const pd_raw_message *raw, void *payload)
{
	static const char *const fields[] = { "Message-ID", "In-Reply-To", "References" };
	pd__mail *mail = NULL;

	if (pd__mail_parse(&mail, raw->data, raw->len, 1) < 0)
		return;
	for (guint f = 0; f < G_N_ELEMENTS(fields); f++) {
		const char *v = pd__mail_header(mail, fields[f]);
		if (v)
			compare(payload, v);
	}
	pd__mail_free(mail);
}

/* Every Message-ID, In-Reply-To and References value of `path`. */
static void archive(const char *name, const char *path)
{
	tally t = { 0 };
	char label[300];

	if (corpus_each_message(name, path, "every Message-ID as GMime reads it", compare_message,
				&t) <= 0)
		return;
	snprintf(label, sizeof label, "%s: all %zu values' IDs as GMime reads them", name, t.tried);
	CHECK(label, t.tried > 0 && t.differs == 0);
	snprintf(label, sizeof label, "%s: %zu of them read without GMime", name, t.plain);
	CHECK(label, t.plain * 10 > t.tried * 9);
}

int main(void)
{
	edges();
	corpora_each(archive);
	return harness_failed ? 1 : 0;
}
