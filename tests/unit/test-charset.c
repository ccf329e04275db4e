/*
 * test-charset.c - text to UTF-8 with hostile bytes: NULs, lying and
 * unknown charsets, invalid sequences.  The digest must get valid UTF-8
 * without NULs and without losing the valid text around the bad bytes.
 */
#include "harness.h"
#include "mail/mail.h"

static void converts(const char *name, const char *in, size_t len, const char *charset,
		     const char *want)
{
	size_t out_len = 0;
	char *out = pd__to_utf8(in, len, charset, &out_len);

	CHECK_STR(name, out, want);
	CHECK_INT("  and its length is its string length", out_len, strlen(out));
	g_free(out);
}

/* Texts in three charsets, one after another, as a digest's messages
 * come: each converts as it did alone, and the thread opens each charset's
 * converter once.  glibc loads a converter's module when it is opened and
 * unloads it a few closes after its last user, so opening one per text
 * made a 10k digest load and unload KOI8-R.so 123 times.  On a thread of
 * its own, so that the count starts at nothing and the thread's
 * converters are closed when it ends (AddressSanitizer sees a leak). */
static gpointer keeps_converters(gpointer unused)
{
	static const struct { const char *charset, *in, *want; } texts[] = {
		{ "koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82" },
		{ "shift_jis", "\x93\xfa\x96\x7b", "\xe6\x97\xa5\xe6\x9c\xac" },
		{ "iso-8859-1", "caf\xe9", "caf\xc3\xa9" },
	};
	unsigned before = pd__charset_opened();
	int wrong = 0;

	for (int i = 0; i < 600; i++) {
		size_t len;
		char *out = pd__to_utf8(texts[i % 3].in, strlen(texts[i % 3].in),
					texts[i % 3].charset, &len);
		wrong += !out || strcmp(out, texts[i % 3].want) != 0;
		g_free(out);
	}
	CHECK_INT("600 texts in three charsets all convert", wrong, 0);
	CHECK_INT("  and the thread opened three converters", pd__charset_opened() - before, 3);
	(void)unused;
	return NULL;
}

/* A stateful charset left in its other state by one text does not carry
 * it into the next: ISO-2022-JP's escape to JIS X 0208 with no escape
 * back, then plain ASCII. */
static void no_state_between_texts(void)
{
	converts("ISO-2022-JP left in JIS X 0208 at its end",
		 "\x1b$B\x30\x21", 5, "iso-2022-jp", "\xe4\xba\x9c");
	converts("  the next text in it starts in ASCII",
		 "ab", 2, "iso-2022-jp", "ab");
}

/* glibc holds a base character back in case a combining mark follows
 * (CP1255, TCVN): the end of a text must flush it. */
static void last_character_kept(void)
{
	converts("CP1255 ending in a letter that could take a mark", "ab\xe0", 3, "cp1255",
		 "ab\xd7\x90");
	converts("TCVN ending in a letter that could take a mark", "xa", 2, "tcvn", "xa");
}

int main(void)
{
	/* valid UTF-8 around a NUL stays UTF-8: a NUL is not a reason to
	 * read the whole text as Latin-1 */
	converts("a NUL in UTF-8 text becomes U+FFFD, the rest stays UTF-8",
		 "caf\xc3\xa9\0ok", 8, NULL, "caf\xc3\xa9\xef\xbf\xbdok");
	converts("a NUL under a declared charset becomes U+FFFD",
		 "a\0\xe9", 3, "iso-8859-1", "a\xef\xbf\xbd\xc3\xa9");
	converts("UTF-16 (whose NULs are characters) converts",
		 "a\0b\0", 4, "UTF-16LE", "ab");
	converts("a NUL character in UTF-16 becomes U+FFFD, the text after it stays",
		 "a\0\0\0b\0", 6, "UTF-16LE", "a\xef\xbf\xbd" "b");
	converts("invalid UTF-8, no charset: Latin-1", "\xe9t\xe9", 3, NULL, "\xc3\xa9t\xc3\xa9");
	converts("an unknown charset: UTF-8 when valid", "\xc3\xa9", 2, "x-no-such", "\xc3\xa9");
	converts("a lying charset (says UTF-8, is Latin-1)", "\xe9", 1, "utf-8", "\xc3\xa9");
	converts("an incomplete multibyte sequence at the end is replaced",
		 "a\xe6\x97", 3, "utf-8", "a\xc3\xa6\xc2\x97");
	converts("invalid bytes under Shift_JIS are replaced, not dropped",
		 "a\x81\x20z", 4, "shift_jis", "a\xef\xbf\xbd z");
	/* found by fuzz-header: glibc's iconv passed a five-byte form */
	converts("an unknown charset with the old five-byte UTF-8 form",
		 "\xfa\xa7\xa7\xa7\xa7z", 6, "x-unknown", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		 "\xef\xbf\xbd\xef\xbf\xbdz");
	g_thread_join(g_thread_new("charsets", keeps_converters, NULL));
	no_state_between_texts();
	last_character_kept();
	return harness_failed ? 1 : 0;
}
