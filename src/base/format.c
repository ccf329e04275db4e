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
