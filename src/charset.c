/*
 * charset.c - text to UTF-8.  GMime's iconv layer knows the charset
 * aliases mail uses ("latin1", "x-unknown", "utf8"); what it cannot
 * convert falls back to Latin-1, which maps every byte, so no line is lost.
 */
#include <string.h>
#include <errno.h>
#include <gmime/gmime.h>
#include "pd-private.h"

static char *convert(const char *data, size_t len, const char *charset,
		     size_t *out_len)
{
	iconv_t cd = g_mime_iconv_open("UTF-8", charset);
	GString *out;
	char buf[4096];
	char *in = (char *)data;
	size_t in_left = len;

	if (cd == (iconv_t)-1)
		return NULL;
	out = g_string_sized_new(len + 16);
	while (in_left > 0) {
		char *o = buf;
		size_t o_left = sizeof(buf);
		size_t r = iconv(cd, &in, &in_left, &o, &o_left);
		g_string_append_len(out, buf, o - buf);
		if (r == (size_t)-1) {
			if (errno == E2BIG)
				continue;
			/* an invalid or incomplete sequence: replace one byte */
			g_string_append(out, "\xef\xbf\xbd");
			in++;
			in_left--;
			iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	g_mime_iconv_close(cd);
	*out_len = out->len;
	return g_string_free(out, FALSE);
}

char *pd__to_utf8(const char *data, size_t len, const char *charset,
		  size_t *out_len)
{
	char *out = NULL;
	const char *name;

	if (charset && *charset) {
		name = g_mime_charset_iconv_name(charset);
		if (g_ascii_strcasecmp(name, "UTF-8") && g_ascii_strcasecmp(name, "us-ascii")
		    && g_ascii_strcasecmp(name, "ascii"))
			out = convert(data, len, name, out_len);
	}
	if (!out) {
		if (g_utf8_validate_len(data, len, NULL)) {
			*out_len = len;
			return g_strndup(data, len);
		}
		/* declared UTF-8 (or nothing) but not valid: Latin-1 maps
		 * every byte, which is right for the usual mislabelled mail */
		out = convert(data, len, "ISO-8859-1", out_len);
	}
	if (!out) { /* no iconv at all: keep valid parts, mark the rest */
		out = g_utf8_make_valid(data, len);
		*out_len = strlen(out);
	}
	return out;
}
