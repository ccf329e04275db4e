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
	return harness_failed ? 1 : 0;
}
