/*
 * mail/charset.c - text to UTF-8.  GMime's iconv layer knows the charset
 * aliases mail uses ("latin1", "x-unknown", "utf8"); what it cannot
 * convert falls back to Latin-1, which maps every byte, so no line is lost.
 * A NUL byte becomes U+FFFD: the text is handed on as a C string.
 */
#include <string.h>
#include <errno.h>
#include <gmime/gmime.h>
#include "mail/mail.h"

/* Each thread keeps the converters it opened, one per charset.  glibc
 * loads a converter's module (KOI8-R.so) at iconv_open() and unloads it
 * a few closes after its last user: opened and closed per text, a 10k
 * digest loaded and unloaded modules 330 times, each time mapping,
 * relocating and unmapping them under the loader's lock, and each unmap
 * stopping the other core to flush its TLB.  Mail uses a handful of
 * charsets; past KEPT_CONVERTERS the oldest is closed. */
#define KEPT_CONVERTERS 8

typedef struct {
	char *charset[KEPT_CONVERTERS]; /* NULL: a free slot */
	iconv_t cd[KEPT_CONVERTERS];
	unsigned next;                  /* the slot replaced next */
} kept_converters;

static void kept_converters_free(gpointer p)
{
	kept_converters *kept = p;

	for (unsigned i = 0; i < KEPT_CONVERTERS; i++)
		if (kept->charset[i]) {
			g_mime_iconv_close(kept->cd[i]);
			g_free(kept->charset[i]);
		}
	g_free(kept);
}

static GPrivate kept_key = G_PRIVATE_INIT(kept_converters_free);
static _Thread_local unsigned opened;

unsigned pd__charset_opened(void)
{
	return opened;
}

/* The calling thread's converter from `charset` to UTF-8, or
 * (iconv_t)-1 when there is none.  It is in its first shift state: each
 * text ends with flush(), which puts it back there (ISO-2022-JP may end
 * in JIS X 0208).  It belongs to the thread (closed when the thread
 * ends): the caller must not close it, and it serves one text at a
 * time. */
static iconv_t converter(const char *charset)
{
	kept_converters *kept = g_private_get(&kept_key);
	unsigned slot;
	iconv_t cd;

	if (!kept) {
		kept = g_new0(kept_converters, 1);
		g_private_set(&kept_key, kept);
	}
	for (slot = 0; slot < KEPT_CONVERTERS; slot++)
		if (kept->charset[slot] && !g_ascii_strcasecmp(kept->charset[slot], charset))
			return kept->cd[slot];
	cd = g_mime_iconv_open("UTF-8", charset);
	opened++;
	if (cd == (iconv_t)-1)
		return cd;
	slot = kept->next++ % KEPT_CONVERTERS;
	if (kept->charset[slot]) {
		g_mime_iconv_close(kept->cd[slot]);
		g_free(kept->charset[slot]);
	}
	kept->charset[slot] = g_strdup(charset);
	kept->cd[slot] = cd;
	return cd;
}

/* Appends what `cd` holds back and returns it to its first shift state.  glibc
 * keeps a base character back in case a combining mark follows (CP1255,
 * CP1258, TCVN): without this the last letter of such a text was lost. */
static void flush(iconv_t cd, GString *out)
{
	char buf[64], *o = buf;
	size_t o_left = sizeof(buf);

	iconv(cd, NULL, NULL, &o, &o_left);
	g_string_append_len(out, buf, o - buf);
}

static char *convert(const char *data, size_t len, const char *charset,
		     size_t *out_len)
{
	iconv_t cd = converter(charset);
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
		int error = errno; /* before the append, which may set it */
		g_string_append_len(out, buf, o - buf);
		if (r == (size_t)-1) {
			if (error == E2BIG)
				continue;
			/* an invalid or incomplete sequence: what came before
			 * it, then one byte replaced */
			flush(cd, out);
			g_string_append(out, "\xef\xbf\xbd");
			in++;
			in_left--;
		}
	}
	flush(cd, out);
	/* iconv is not a validator: glibc's UTF-8 decoder passes the old
	 * five- and six-byte forms through (seen with a charset GMime maps
	 * to the locale's), so what it wrote is checked */
	if (!g_utf8_validate_len(out->str, out->len, NULL)) {
		char *valid = g_utf8_make_valid(out->str, out->len);
		g_string_free(out, TRUE);
		*out_len = strlen(valid);
		return valid;
	}
	*out_len = out->len;
	return g_string_free(out, FALSE);
}

/* Valid UTF-8 apart from NUL bytes (which g_utf8_validate refuses). */
static int utf8_valid_but_nuls(const char *data, size_t len)
{
	const char *end = data + len;

	while (data < end) {
		const char *nul;
		size_t n;
		/* ASCII ends no multi-byte character: what it leads with
		 * needs no more than pd__ascii_span()'s look */
		if ((data += pd__ascii_span(data, (size_t)(end - data))) == end)
			break;
		nul = memchr(data, '\0', end - data);
		n = nul ? (size_t)(nul - data) : (size_t)(end - data);
		if (!g_utf8_validate_len(data, n, NULL))
			return 0;
		data += n + 1;
	}
	return 1;
}

/* Replaces each NUL of the converted text with U+FFFD: callers use C
 * strings, and a NUL would silently cut the text short. */
static char *replace_nuls(char *text, size_t *len)
{
	GString *out;

	if (!memchr(text, '\0', *len))
		return text;
	out = g_string_sized_new(*len + 8);
	for (size_t i = 0; i < *len; i++) {
		if (text[i])
			g_string_append_c(out, text[i]);
		else
			g_string_append(out, "\xef\xbf\xbd");
	}
	g_free(text);
	*len = out->len;
	return g_string_free(out, FALSE);
}

char *pd__to_utf8(const char *data, size_t len, const char *charset,
		  size_t *out_len)
{
	char *out = NULL;
	const char *name;

	pd__gmime_init();
	if (charset && *charset) {
		name = g_mime_charset_iconv_name(charset);
		if (g_ascii_strcasecmp(name, "UTF-8") && g_ascii_strcasecmp(name, "us-ascii")
		    && g_ascii_strcasecmp(name, "ascii"))
			out = convert(data, len, name, out_len);
	}
	if (!out) {
		if (utf8_valid_but_nuls(data, len)) {
			*out_len = len;
			out = g_malloc(len + 1);
			memcpy(out, data, len);
			out[len] = '\0';
		} else {
			/* declared UTF-8 (or nothing) but not valid: Latin-1
			 * maps every byte, which is right for the usual
			 * mislabelled mail */
			out = convert(data, len, "ISO-8859-1", out_len);
		}
	}
	if (!out) { /* no iconv at all: keep valid parts, mark the rest */
		out = g_utf8_make_valid(data, len);
		*out_len = strlen(out);
	}
	return replace_nuls(out, out_len);
}
