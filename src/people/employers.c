/*
 * people/employers.c - gitdm's EmailMap: which employer an address or a
 * domain stands for, until a date or for good.
 *
 *   # comment
 *   jane@example.com     Example Inc.
 *   intel.com            Intel
 *   linux.intel.com      Intel Open Source
 *   old@example.org      Old Corp < 2020-01-01
 *
 * An entry with "< DATE" holds for mail dated before that day (UTC);
 * one without, after every dated entry of the same key.  No packaged
 * library reads this format; it is small enough to read by hand.
 */
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include "people/people.h"

typedef struct {
	char *employer;
	int64_t until;   /* 0: for good */
} entry;

struct pd_employers {
	GHashTable *by_key;  /* lowercased address or domain -> GArray of entry */
};

static void entries_free(gpointer p)
{
	GArray *a = p;

	for (guint i = 0; i < a->len; i++)
		g_free(g_array_index(a, entry, i).employer);
	g_array_free(a, TRUE);
}

/* Dated entries first, earliest first; undated last, in file order. */
static gint by_until(gconstpointer x, gconstpointer y)
{
	const entry *a = x, *b = y;

	if (!a->until || !b->until)
		return (a->until == 0) - (b->until == 0);
	return (a->until > b->until) - (a->until < b->until);
}

/* "YYYY-MM-DD" as UTC midnight; 0 when it is not one. */
static int64_t day(const char *s)
{
	int y, m, d, n = 0;
	GDateTime *t;
	int64_t when;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] || n != 10)
		return 0;
	if (!(t = g_date_time_new_utc(y, m, d, 0, 0, 0)))
		return 0;
	when = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return when;
}

int pd_employers_from_buffer(pd_employers **out, const char *buf, size_t len,
			     const char *origin)
{
	pd_employers *e;
	char *text, **lines;
	int error = PD_OK;

	*out = NULL;
	if (!buf)
		return pd__error(PD_ERR_INVALID, "pd_employers_from_buffer: no buffer");
	if (!origin)
		origin = "employers";
	e = g_new0(pd_employers, 1);
	e->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entries_free);
	text = g_strndup(buf, len);
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (size_t i = 0; lines[i] && error == PD_OK; i++) {
		char *l = g_strstrip(lines[i]), *rest, *lt, *key;
		entry en = { NULL, 0 };
		GArray *a;
		if (!*l || *l == '#')
			continue;
		rest = l + strcspn(l, " \t");
		if (!*rest) {
			error = pd__error(PD_ERR_MALFORMED, "%s:%zu: an address or domain without "
					  "an employer", origin, i + 1);
			break;
		}
		*rest++ = '\0';
		g_strstrip(rest);
		/* "Employer < YYYY-MM-DD" */
		if ((lt = strrchr(rest, '<'))) {
			char *date = g_strstrip(lt + 1);
			if (!(en.until = day(date))) {
				error = pd__error(PD_ERR_MALFORMED, "%s:%zu: '%s' is not a date "
						  "(YYYY-MM-DD)", origin, i + 1, date);
				break;
			}
			*lt = '\0';
			g_strstrip(rest);
		}
		if (!*rest || !g_utf8_validate(rest, -1, NULL)) {
			error = pd__error(PD_ERR_MALFORMED, "%s:%zu: no employer (or not UTF-8)",
					  origin, i + 1);
			break;
		}
		key = g_ascii_strdown(l, -1);
		if (!(a = g_hash_table_lookup(e->by_key, key))) {
			a = g_array_new(FALSE, FALSE, sizeof(entry));
			g_hash_table_insert(e->by_key, g_strdup(key), a);
		}
		g_free(key);
		en.employer = g_strdup(rest);
		g_array_append_val(a, en);
	}
	g_strfreev(lines);
	if (error < 0) {
		pd_employers_free(e);
		return error;
	}
	{
		GHashTableIter it;
		gpointer v;
		g_hash_table_iter_init(&it, e->by_key);
		while (g_hash_table_iter_next(&it, NULL, &v))
			g_array_sort((GArray *)v, by_until);
	}
	*out = e;
	return PD_OK;
}

int pd_employers_load(pd_employers **out, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if ((error = pd__people_read_file(&text, &len, path)) < 0)
		return error;
	error = pd_employers_from_buffer(out, text, len, path);
	g_free(text);
	return error;
}

void pd_employers_free(pd_employers *e)
{
	if (!e)
		return;
	g_hash_table_destroy(e->by_key);
	g_free(e);
}

/* The employer the entries for `key` give for `date`, or NULL. */
static const char *lookup(const pd_employers *e, const char *key, int64_t date)
{
	char *lower = g_ascii_strdown(key, -1);
	GArray *a = g_hash_table_lookup(e->by_key, lower);

	g_free(lower);
	for (guint i = 0; a && i < a->len; i++) {
		const entry *en = &g_array_index(a, entry, i);
		if (!en->until || date < en->until)
			return en->employer;
	}
	return NULL;
}

/* The longest domain suffix of `address` (whole labels) with an entry. */
static const char *by_domain(const pd_employers *e, const char *address, int64_t date)
{
	const char *d = address ? strrchr(address, '@') : NULL;
	const char *found = NULL;

	for (d = d ? d + 1 : NULL; d && *d && !found; ) {
		const char *dot = strchr(d, '.');
		found = lookup(e, d, date);
		d = dot ? dot + 1 : NULL;
	}
	return found;
}

char *pd__employer_of(const pd_employers *e, const char *posted, const char *mapped, int64_t date)
{
	const char *found = NULL;

	if (e && posted && *posted)
		found = lookup(e, posted, date);
	if (e && !found && mapped && *mapped)
		found = lookup(e, mapped, date);
	if (e && !found)
		found = by_domain(e, posted, date);
	if (e && !found)
		found = by_domain(e, mapped, date);
	return found ? g_strdup(found) : pd__address_domain(posted ? posted : "");
}

int pd_employers_lookup(char **out, const pd_employers *e, const char *posted,
			const char *mapped, int64_t date)
{
	if (!out || !e || !posted)
		return pd__error(PD_ERR_INVALID, "pd_employers_lookup: no map or address");
	*out = pd__employer_of(e, posted, mapped, date);
	return PD_OK;
}
