/*
 * mail/header.c - header values as git mailinfo reads them: unfolded, RFC 2047
 * decoded (by GMime), blanks folded; and dates.
 */
#include <string.h>
#include <gmime/gmime.h>
#include "mail/mail.h"

char *pd__header_unfold(const char *raw)
{
	const char *p = raw, *nl;

	while (*p == ' ' || *p == '\t')
		p++;
	/* one line (the usual value, its line break at the end): the text
	 * without its trailing blanks, what the loop below makes of it */
	nl = strchr(p, '\n');
	if (!nl || !nl[1]) {
		const char *end = nl ? nl : p + strlen(p);
		if (nl)
			while (end > p && g_ascii_isspace(end[-1]))
				end--;
		else
			while (end > p && end[-1] == '\r')
				end--;
		return g_strndup(p, (gsize)(end - p));
	}
	return pd__header_unfold_lines(p);
}

char *pd__header_unfold_lines(const char *raw)
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
	size_t len = strlen(unfolded);

	/* ASCII without an encoded word: the value as it is (below, it would
	 * be copied a byte at a time to the same) */
	if (pd__ascii_span(unfolded, len) == len && !strstr(unfolded, "=?"))
		return g_strndup(unfolded, len);
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

int pd__parse_date_gmime(const char *value, int64_t *when, int *tz_minutes)
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

/* `n` digits at *p, advanced past them: their value, or -1. */
static int digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* Skips the spaces at *p: 1 when there was at least one. */
static int spaces(const char **p)
{
	const char *start = *p;

	while (**p == ' ')
		(*p)++;
	return *p > start;
}

/* Which of the `n` three-letter `names` is at *p (exactly so written),
 * advanced past it: its index, or -1. */
static int name_of(const char **p, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strncmp(*p, names[i], 3)) {
			*p += 3;
			return i;
		}
	return -1;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The date as nearly every mailer writes it, "Tue, 1 Dec 2026 10:20:30
 * +0100" (the day's name and a trailing comment optional, spaces
 * repeated as git send-email pads the day), read without
 * GMime: GMime's parser builds a GTimeZone and a GDateTime for every
 * message, some 3% of a digest.  Anything else, or a value out of range,
 * is left to GMime (0); tests/unit/test-date.c holds every answer this
 * gives to GMime's over the corpora and the edges of every field. */
int pd__parse_date_plain(const char *p, int64_t *when, int *tz_minutes)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const int month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int day, month, year, hour, minute, second, tz_h, tz_m, sign, leap;

	if (!p)
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= 'A' && *p <= 'Z') {
		if (name_of(&p, days, 7) < 0 || *p++ != ',' || !spaces(&p))
			return 0;
	}
	if ((day = digits(&p, 1)) < 0)
		return 0;
	if (*p >= '0' && *p <= '9')
		day = day * 10 + (*p++ - '0');
	if (!spaces(&p) || (month = name_of(&p, months, 12)) < 0 || !spaces(&p)
	    || (year = digits(&p, 4)) < 0 || !spaces(&p) || (hour = digits(&p, 2)) < 0
	    || *p++ != ':' || (minute = digits(&p, 2)) < 0 || *p++ != ':'
	    || (second = digits(&p, 2)) < 0 || !spaces(&p) || (*p != '+' && *p != '-'))
		return 0;
	sign = *p++ == '-' ? -1 : 1;
	if ((tz_h = digits(&p, 2)) < 0 || (tz_m = digits(&p, 2)) < 0)
		return 0;
	/* the end, or a comment such as "(UTC)" */
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '(') {
		const char *close = strchr(p, ')');
		if (!close || memchr(p + 1, '(', close - p - 1))
			return 0;
		for (p = close + 1; *p == ' ' || *p == '\t'; p++)
			;
	}
	if (*p && !(*p == '\r' && !p[1]) && !(*p == '\n' && !p[1]))
		return 0;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (year < 1970 || day < 1 || day > month_days[month] || (month == 1 && day == 29 && !leap)
	    || hour > 23 || minute > 59 || second > 59 || tz_h > 23 || tz_m > 59)
		return 0;
	*tz_minutes = sign * (tz_h * 60 + tz_m);
	*when = days_from_civil(year, month + 1, day) * 86400 + hour * 3600 + minute * 60 + second
		- (int64_t)*tz_minutes * 60;
	return 1;
}

int pd__parse_date(const char *value, int64_t *when, int *tz_minutes)
{
	if (pd__parse_date_plain(value, when, tz_minutes))
		return 1;
	return pd__parse_date_gmime(value, when, tz_minutes);
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
