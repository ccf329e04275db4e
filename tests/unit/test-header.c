/*
 * test-header.c - header values with hostile shapes: encoded words cut
 * short at the end of the value, overlong encoded words, lying charsets.
 * Run under ASan (make asan) a read past the value's end fails here.
 */
#include "harness.h"
#include <gmime/gmime.h>
#include "mail/mail.h"

static void decodes(const char *name, const char *raw, const char *charset, const char *want)
{
	/* an exact-size copy, so a read past the end is a heap overflow */
	char *copy = g_strdup(raw);
	char *got = pd__header_decode(copy, charset);

	CHECK_STR(name, got, want);
	g_free(got);
	g_free(copy);
}

/* GMime stays the oracle for encoded words it decodes right: every
 * valid word must come out as g_mime_utils_header_decode_text() says. */
static void agrees_with_gmime(const char *word)
{
	char *ours = pd__header_decode(word, NULL);
	char *gmime = g_mime_utils_header_decode_text(NULL, word);
	char name[200];

	snprintf(name, sizeof name, "GMime decodes \"%.60s\" the same", word);
	CHECK_STR(name, ours, gmime);
	g_free(ours);
	g_free(gmime);
}

int main(void)
{
	static const char *const valid[] = {
		"=?utf-8?q?caf=C3=A9_au_lait?=", "=?UTF-8?B?w6lj?=", "=?iso-8859-1?q?J=F6rg?=",
		"=?ISO-8859-2?Q?=B1?=", "=?koi8-r?b?8NLJ18XU?=", "=?shift_jis?B?k/qWe4zq?=",
		"=?utf-8*en?q?lang?=", "=?gb2312?B?1tDOxA==?=", "=?utf-8?q?a=5Fb?=",
		"=?windows-1252?q?=93quoted=94?=", "=?utf-8?b?4oCcS1ZN4oCd?=",
	};
	pd__gmime_init();
	for (size_t i = 0; i < G_N_ELEMENTS(valid); i++)
		agrees_with_gmime(valid[i]);
	decodes("a word that says UTF-8 but holds Latin-1 reads as Latin-1",
		"=?utf-8?q?caf=E9?=", NULL, "caf\xc3\xa9");
	decodes("invalid base64 in a word keeps what decodes", "=?utf-8?b?Y2!!FmZQ==?=", NULL, "cafe");
	decodes("a '=' without two hex digits in a Q word stays", "=?utf-8?q?a=ZZ=4?=", NULL, "a=ZZ=4");
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
