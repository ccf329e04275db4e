/*
 * mail/header.c - header values as git mailinfo reads them: unfolded, RFC 2047
 * decoded (by GMime), blanks folded; and dates.
 */
#include <string.h>
#include <gmime/gmime.h>
#include "mail/mail.h"

char *pd__header_unfold(const char *raw)
{
	GString *out = g_string_sized_new(strlen(raw));
	const char *p = raw;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p) {
		if (*p == '\r' && p[1] == '\n')
			p++;
		if (*p == '\n') {
			/* git: trim the text so far, the fold's first blank
			 * becomes a space, the rest of the line stays. */
			while (out->len && g_ascii_isspace(out->str[out->len - 1]))
				g_string_truncate(out, out->len - 1);
			p++;
			if (*p == ' ' || *p == '\t') {
				g_string_append_c(out, ' ');
				p++;
			}
			continue;
		}
		g_string_append_c(out, *p++);
	}
	/* a header value never ends in its line break */
	while (out->len && (out->str[out->len - 1] == '\n' || out->str[out->len - 1] == '\r'))
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

/* Length of the RFC 2047 encoded word at `p` ("=?cs?B?...?="), or 0. */
static size_t encoded_word_len(const char *p)
{
	const char *q;

	if (p[0] != '=' || p[1] != '?')
		return 0;
	q = p + 2;
	while (*q && *q != '?' && !g_ascii_isspace(*q))
		q++; /* charset */
	/* q[1] first: strchr() finds the terminator of "BbQq" too */
	if (*q != '?' || q == p + 2 || !q[1] || !strchr("BbQq", q[1]) || q[2] != '?')
		return 0;
	q += 3;
	while (*q && *q != '?' && !g_ascii_isspace(*q))
		q++; /* encoded text */
	if (q[0] != '?' || q[1] != '=')
		return 0;
	return q + 2 - p;
}

static int hex_value(char c)
{
	return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

/* Decodes the encoded word of `n` bytes at `p` (encoded_word_len() said it
 * is one) to UTF-8.  The payload is decoded here and converted with
 * pd__to_utf8(), as a body is: GMime would print '?' for each byte that
 * does not convert, where a word that says UTF-8 but holds Latin-1 (a
 * lying charset) should read as the Latin-1 it is.  New string. */
static char *decode_word(const char *p, size_t n)
{
	const char *cs = p + 2, *q1 = memchr(cs, '?', n - 2);
	const char *payload = q1 + 3, *end = p + n - 2;
	char *charset = g_strndup(cs, q1 - cs), *star = strchr(charset, '*');
	GString *bytes = g_string_sized_new(end - payload);
	char *result;
	size_t len;

	if (star) /* RFC 2231 language: "utf-8*en" */
		*star = '\0';
	if (q1[1] == 'B' || q1[1] == 'b') {
		int state = 0;
		guint32 save = 0;
		g_string_set_size(bytes, (end - payload) / 4 * 3 + 3);
		g_string_set_size(bytes, g_mime_encoding_base64_decode_step(
			(const unsigned char *)payload, end - payload,
			(unsigned char *)bytes->str, &state, &save));
	} else {
		for (const char *c = payload; c < end; c++) {
			if (*c == '_')
				g_string_append_c(bytes, ' ');
			else if (*c == '=' && c + 2 < end && hex_value(c[1]) >= 0
				 && hex_value(c[2]) >= 0) {
				g_string_append_c(bytes, (char)(hex_value(c[1]) * 16 + hex_value(c[2])));
				c += 2;
			} else {
				g_string_append_c(bytes, *c);
			}
		}
	}
	result = pd__to_utf8(bytes->str, bytes->len, charset, &len);
	g_string_free(bytes, TRUE);
	g_free(charset);
	return result;
}

/* Decodes each encoded word on its own (GMime 3.2 merges adjacent base64
 * words before decoding and stops at the first word's '=' padding, which
 * loses the rest of long non-Latin subjects); blanks between two encoded
 * words vanish, as RFC 2047 says. */
static char *decode_words(const char *text)
{
	GString *out = g_string_sized_new(strlen(text));
	const char *p = text;
	int after_word = 0;

	pd__gmime_init();
	while (*p) {
		size_t n = encoded_word_len(p);
		if (n) {
			char *dec = decode_word(p, n);
			g_string_append(out, dec);
			g_free(dec);
			p += n;
			after_word = 1;
			continue;
		}
		if (after_word && g_ascii_isspace(*p)) {
			const char *q = p;
			while (g_ascii_isspace(*q))
				q++;
			if (encoded_word_len(q)) {
				p = q; /* blanks between encoded words */
				continue;
			}
		}
		after_word = 0;
		g_string_append_c(out, *p++);
	}
	return g_string_free(out, FALSE);
}

char *pd__header_decode(const char *unfolded, const char *fallback_charset)
{
	char *text = NULL;
	char *decoded;
	size_t len;

	/* GMime decodes encoded words but takes raw 8-bit text in its own
	 * fallback charsets; make the raw text UTF-8 first so that a Latin-1
	 * header and a UTF-8 one both come out right. */
	if (!g_utf8_validate(unfolded, -1, NULL))
		text = pd__to_utf8(unfolded, strlen(unfolded),
				   fallback_charset ? fallback_charset : "ISO-8859-1", &len);
	decoded = decode_words(text ? text : unfolded);
	g_free(text);
	if (!decoded)
		return g_strdup("");
	if (!g_utf8_validate(decoded, -1, NULL)) {
		char *valid = g_utf8_make_valid(decoded, -1);
		g_free(decoded);
		decoded = valid;
	}
	return decoded;
}

void pd__cleanup_space(GString *s)
{
	size_t r, w = 0;
	int in_space = 0;

	for (r = 0; r < s->len; r++) {
		char c = s->str[r];
		if (g_ascii_isspace(c)) {
			if (!in_space)
				s->str[w++] = ' ';
			in_space = 1;
		} else {
			s->str[w++] = c;
			in_space = 0;
		}
	}
	g_string_truncate(s, w);
}

int pd__parse_date(const char *value, int64_t *when, int *tz_minutes)
{
	GDateTime *dt;

	if (!value || !*value)
		return 0;
	pd__gmime_init();
	dt = g_mime_utils_header_decode_date(value);
	if (!dt)
		return 0;
	*when = g_date_time_to_unix(dt);
	*tz_minutes = (int)(g_date_time_get_utc_offset(dt) / G_TIME_SPAN_MINUTE);
	g_date_time_unref(dt);
	return 1;
}

/* What a value of header `name` says, for comparing repeats: the
 * Message-IDs of an ID header (Gnus adds "(X's message of DATE)" to a
 * second In-Reply-To:), else the value without quotes, blanks folded,
 * and lowercased for MIME's own headers. */
char *pd__header_meaning(const char *name, const char *value)
{
	GString *s = g_string_new(NULL);
	const char *p;
	/* MIME's own values ignore case; a name or a subject does not */
	int fold_case = !g_ascii_strncasecmp(name, "Content-", 8)
		     || !g_ascii_strcasecmp(name, "MIME-Version");

	if (!g_ascii_strcasecmp(name, "In-Reply-To") || !g_ascii_strcasecmp(name, "References")
	    || !g_ascii_strcasecmp(name, "Message-ID")) {
		for (p = value; (p = strchr(p, '<')); ) {
			const char *gt = strchr(p, '>');
			if (!gt)
				break;
			g_string_append_len(s, p, gt + 1 - p);
			p = gt + 1;
		}
		if (s->len)
			return g_string_free(s, FALSE);
	}
	for (p = value; *p; p++) {
		if (*p == '"')
			continue;
		if (g_ascii_isspace(*p)) {
			if (s->len && s->str[s->len - 1] != ' ')
				g_string_append_c(s, ' ');
			continue;
		}
		g_string_append_c(s, fold_case ? g_ascii_tolower(*p) : *p);
	}
	while (s->len && s->str[s->len - 1] == ' ')
		g_string_truncate(s, s->len - 1);
	return g_string_free(s, FALSE);
}
