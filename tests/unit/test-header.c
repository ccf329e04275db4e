/*
 * test-header.c - header values with hostile shapes: encoded words cut
 * short at the end of the value, overlong encoded words, lying charsets.
 * Run under ASan (make asan) a read past the value's end fails here.
 */
#include "harness.h"
#include "pd-private.h"

static void decodes(const char *name, const char *raw, const char *charset, const char *want)
{
	/* an exact-size copy, so a read past the end is a heap overflow */
	char *copy = g_strdup(raw);
	char *got = pd__header_decode(copy, charset);

	CHECK_STR(name, got, want);
	g_free(got);
	g_free(copy);
}

int main(void)
{
	decodes("an encoded word cut after its charset's '?' stays as text",
		"x =?utf-8?", NULL, "x =?utf-8?");
	decodes("cut after the encoding letter", "=?utf-8?Q", NULL, "=?utf-8?Q");
	decodes("cut after the encoding's '?'", "=?utf-8?B?", NULL, "=?utf-8?B?");
	decodes("a whole encoded word decodes", "=?utf-8?q?caf=C3=A9?=", NULL, "caf\xc3\xa9");
	decodes("an unknown charset in an encoded word still gives UTF-8",
		"=?x-nonsense?q?a=E9?=", NULL, "a\xc3\xa9");
	{
		/* an overlong encoded word (RFC 2047 allows 75 bytes): decoded
		 * all the same, as mail clients do */
		GString *w = g_string_new("=?utf-8?q?");
		GString *want = g_string_new(NULL);
		for (int i = 0; i < 5000; i++) {
			g_string_append(w, "=C3=A9");
			g_string_append(want, "\xc3\xa9");
		}
		g_string_append(w, "?=");
		decodes("a 30,000-byte encoded word decodes whole", w->str, NULL, want->str);
		g_string_free(w, TRUE);
		g_string_free(want, TRUE);
	}
	return harness_failed ? 1 : 0;
}
