/*
 * test-header.c - header values with hostile shapes: encoded words cut
 * short at the end of the value, overlong encoded words, lying charsets.
 * Run under ASan (make asan) a read past the value's end fails here.
 * And the short ways for the usual values (one line; ASCII, no encoded
 * word; ASCII runs in a UTF-8 check) held to the general ones.
 */
#include "harness.h"
#include <gmime/gmime.h>
#include "mail/mail.h"

/* Every value of up to four pieces (blanks, CRs, line breaks, folds,
 * words): pd__header_unfold() gives what the line-by-line unfolding
 * gives, one-line values (its short way) among them. */
static void unfolds_alike(void)
{
	static const char *const pieces[] = {
		"", " ", "\t", "a", "b c", "\r", "\n", "\r\n", "\n ", "\n\t", " \n", "x\r",
		"\v", " \r\n",
	};
	const size_t n = G_N_ELEMENTS(pieces);
	size_t tried = 0, one_line = 0, differs = 0;
	char value[64];

	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++)
			for (size_t c = 0; c < n; c++)
				for (size_t d = 0; d < n; d++) {
					char *fast, *lines;
					const char *nl;
					snprintf(value, sizeof value, "%s%s%s%s", pieces[a], pieces[b],
						 pieces[c], pieces[d]);
					fast = pd__header_unfold(value);
					lines = pd__header_unfold_lines(value);
					nl = strchr(value, '\n');
					one_line += !nl || !nl[1];
					tried++;
					if (strcmp(fast, lines) && differs++ < 5)
						printf("# \"%s\": \"%s\", line by line \"%s\"\n",
						       g_strescape(value, NULL), fast, lines);
					g_free(fast);
					g_free(lines);
				}
	printf("# %zu values unfolded, %zu of them one line\n", tried, one_line);
	CHECK_INT("unfolding: the short way gives what the line-by-line one does", (int)differs, 0);
	CHECK("... over one-line values and others", one_line > 1000 && one_line < tried);
}

/* pd__ascii_span() stops at the first NUL or byte over 127, wherever it
 * falls in its eight-byte steps. */
static void ascii_spans(void)
{
	static const char stops[] = { '\0', '\x80', '\xff', '\xc3' };
	char buf[40];
	int wrong = 0;

	for (size_t len = 0; len <= 33; len++)
		for (size_t at = 0; at <= len; at++)
			for (size_t s = 0; s < sizeof stops; s++) {
				memset(buf, 'a', sizeof buf);
				buf[0] = len ? '\x7f' : 'a';
				if (at < len)
					buf[at] = stops[s];
				wrong += pd__ascii_span(buf, len) != at;
			}
	CHECK_INT("pd__ascii_span() stops at the first NUL or high byte", wrong, 0);
}

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
	unfolds_alike();
	ascii_spans();
	decodes("plain ASCII stays as it is", "[PATCH v2 3/7] KVM: arm64: x", NULL,
		"[PATCH v2 3/7] KVM: arm64: x");
	decodes("a lone '=?' is no encoded word", "a =? b ?= c", NULL, "a =? b ?= c");
	decodes("Latin-1 bytes without an encoded word", "J\xf6rg", NULL, "J\xc3\xb6rg");
	decodes("... in the fallback charset given", "\xb1", "ISO-8859-2", "\xc4\x85");
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
