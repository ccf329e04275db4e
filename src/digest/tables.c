/*
 * digest/tables.c - the report's tables: rows counted by key, sorted by
 * count with ties in first-seen order; the contributor tables (patches
 * and covers by author) are built here, the reviewer tables in review.c.
 */
#include <string.h>
#include "digest/digest.h"
#include "mail/mail.h"

void pd__tally_init(pd__tally *t)
{
	t->index = g_hash_table_new(g_str_hash, g_str_equal);
	t->rows = g_array_new(FALSE, FALSE, sizeof(pd_tally));
}

void pd__tally_add(pd__tally *t, const char *key, const char *display_if_new)
{
	gpointer pos;

	if (g_hash_table_lookup_extended(t->index, key, NULL, &pos)) {
		g_array_index(t->rows, pd_tally, GPOINTER_TO_UINT(pos)).count++;
		return;
	}
	pd_tally row = { 1, g_strdup(key), g_strdup(display_if_new) };
	g_hash_table_insert(t->index, row.key, GUINT_TO_POINTER(t->rows->len));
	g_array_append_val(t->rows, row);
}

/* Count descending; ties keep first-seen order (the sort is stable). */
static gint by_count(gconstpointer x, gconstpointer y)
{
	const pd_tally *a = x, *b = y;
	return (a->count < b->count) - (a->count > b->count);
}

pd_tally *pd__tally_finish(pd__tally *t, size_t *n)
{
	g_array_sort(t->rows, by_count);
	*n = t->rows->len;
	g_hash_table_destroy(t->index);
	return (pd_tally *)g_array_free(t->rows, FALSE);
}

void pd__build_tables(pd_report *r)
{
	pd__tally domains, people;
	size_t i;

	pd__tally_init(&domains);
	pd__tally_init(&people);
	for (i = 0; i < r->n_messages; i++) {
		const pd_message *m = r->messages[i];
		char *domain, *key, *display;
		if (m->kind == PD_KIND_REPLY)
			continue;
		domain = pd__address_domain(m->author.address);
		key = g_ascii_strdown(m->author.address, -1);
		display = pd__person_display_quoted(&m->author);
		pd__tally_add(&domains, domain, domain);
		pd__tally_add(&people, key, display);
		g_free(domain);
		g_free(key);
		g_free(display);
	}
	r->domains = pd__tally_finish(&domains, &r->n_domains);
	r->contributors = pd__tally_finish(&people, &r->n_contributors);
}

void pd__tallies_free(pd_tally *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		g_free(rows[i].key);
		g_free(rows[i].display);
	}
	g_free(rows);
}

