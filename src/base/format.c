/*
 * base/format.c - the display forms of dates and people, shared by the
 * report (its tables' rows, its range labels) and every renderer.  They
 * live below both so that no renderer reaches into the mail layer.
 */
#include <string.h>
#include "base/base.h"

/* RFC 5322 atext plus the blanks between words of a phrase. */
static int needs_quotes(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80 || g_ascii_isalnum(*p) || *p == ' ')
			continue;
		if (strchr("!#$%&'*+-/=?^_`{|}~", *p))
			continue;
		return 1;
	}
	return 0;
}

char *pd__person_display_quoted(const pd_person *p)
{
	GString *out;
	const char *c;

	if (!p->name || !*p->name || !strcmp(p->name, p->address))
		return g_strdup(p->address);
	if (!needs_quotes(p->name))
		return g_strdup_printf("%s <%s>", p->name, p->address);
	out = g_string_new("\"");
	for (c = p->name; *c; c++) {
		if (*c == '"' || *c == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *c);
	}
	g_string_append_printf(out, "\" <%s>", p->address);
	return g_string_free(out, FALSE);
}

char *pd__person_name(const pd_person *p)
{
	const char *at;

	if (p->name && *p->name)
		return g_strdup(p->name);
	at = strchr(p->address, '@');
	return g_strndup(p->address, at ? (size_t)(at - p->address) : strlen(p->address));
}

char *pd__person_display_plain(const pd_person *p)
{
	char *name = pd__person_name(p);
	char *s = g_strdup_printf("%s <%s>", name, p->address);

	g_free(name);
	return s;
}

char *pd__format_date(int64_t when)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(when);
	char *s;

	if (!dt)
		return g_strdup("unknown-date");
	s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(dt);
	return s;
}

/* How many bytes at `p` (valid UTF-8) encode a character a terminal
 * would act on rather than show, and which: C1 controls (U+0080-U+009F),
 * the bidirectional marks, embeddings, overrides and isolates (U+061C,
 * U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and the line and
 * paragraph separators (U+2028, U+2029).  0 for any other character. */
static size_t hostile_char(const unsigned char *p, gunichar *c)
{
	if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
		*c = p[1];
		return 2;
	}
	if (p[0] == 0xD8 && p[1] == 0x9C) {
		*c = 0x061C;
		return 2;
	}
	if (p[0] == 0xE2 && p[1] == 0x80
	    && (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xA8 && p[2] <= 0xAE))) {
		*c = 0x2000 + (p[2] - 0x80);
		return 3;
	}
	if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9) {
		*c = 0x2040 + (p[2] - 0x80);
		return 3;
	}
	return 0;
}

/* Are all eight bytes of `w` printable ASCII (0x20 to 0x7E)?  No byte
 * below 0x20, none above 0x7E (the high bit of each byte, after
 * subtracting 0x20 and after adding 1). */
static inline int all_printable(guint64 w)
{
	const guint64 ones = G_GUINT64_CONSTANT(0x0101010101010101);
	const guint64 highs = ones * 0x80;

	return !((((w - ones * 0x20) & ~w) | (w + ones) | w) & highs);
}

void pd__append_display(GString *out, const char *text, int keep_lines)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	const unsigned char *run = p, *end = p + strlen((const char *)p);

	while (p < end) {
		gunichar c;
		size_t n;
		guint64 w;
		/* printable ASCII eight bytes at a time: a digest is mostly
		 * commit messages, 15% of rendering kvmarm's whole history */
		if (end - p >= 8 && (memcpy(&w, p, 8), all_printable(w))) {
			p += 8;
			continue;
		}
		if (*p >= 0x20 && *p < 0x7F) {
			p++;
			continue;
		}
		if (*p == '\t' || (*p == '\n' && keep_lines)) {
			p++;
			continue;
		}
		if (*p < 0x20 || *p == 0x7F) {
			g_string_append_len(out, (const char *)run, p - run);
			g_string_append_printf(out, "\\x%02x", *p);
			run = ++p;
			continue;
		}
		if ((n = hostile_char(p, &c))) {
			g_string_append_len(out, (const char *)run, p - run);
			g_string_append_printf(out, "\\u%04x", (unsigned)c);
			run = p += n;
			continue;
		}
		/* a byte that starts no valid UTF-8 character (the library's
		 * own texts are valid; a caller's need not be) */
		c = g_utf8_get_char_validated((const char *)p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_len(out, (const char *)run, p - run);
			g_string_append_printf(out, "\\x%02x", *p);
			run = ++p;
			continue;
		}
		p += g_utf8_skip[*p];
	}
	g_string_append_len(out, (const char *)run, p - run);
}

char *pd_display_text(const char *text, int keep_lines)
{
	GString *out = g_string_sized_new(text ? strlen(text) : 0);

	pd__append_display(out, text, keep_lines);
	return g_string_free(out, FALSE);
}
