/*
 * digest/tables.c - the report's tables: rows counted by key, sorted by
 * count with ties in first-seen order; the contributor tables (patches
 * and covers by author) are built here, the reviewer tables in review.c.
 */
#include <string.h>
#include "digest/digest.h"
#include "mail/mail.h"
#include "people/people.h"

void pd__tally_init(pd__tally *t)
{
	t->index = g_hash_table_new(pd__str_hash, g_str_equal);
	t->rows = g_array_new(FALSE, FALSE, sizeof(pd_tally));
}

void pd__tally_add(pd__tally *t, const char *key, const char *display_if_new,
		   const char *employer_if_new)
{
	gpointer pos;

	if (g_hash_table_lookup_extended(t->index, key, NULL, &pos)) {
		g_array_index(t->rows, pd_tally, GPOINTER_TO_UINT(pos)).count++;
		return;
	}
	pd_tally row = { 1, g_strdup(key), g_strdup(display_if_new), g_strdup(employer_if_new) };
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

void pd__build_tables(pd_report *r, const pd_mailmap *mailmap, const pd_employers *employers)
{
	pd__tally domains, people, firms;
	size_t i;

	pd__tally_init(&domains);
	pd__tally_init(&people);
	pd__tally_init(&firms);
	for (i = 0; i < r->n_messages; i++) {
		const pd_post *m = r->messages[i];
		char *domain, *key, *display, *employer = NULL;
		pd_person who;
		if (m->kind == PD_KIND_REPLY)
			continue;
		/* the domain says where the mail came from: as posted */
		domain = pd__address_domain(m->author.address);
		pd__mailmap_apply(&who, mailmap, &m->author);
		key = g_ascii_strdown(who.address, -1);
		display = pd__person_display_quoted(&who);
		if (employers) {
			employer = pd__employer_of(employers, m->author.address, who.address, m->date);
			pd__tally_add(&firms, employer, employer, NULL);
		}
		pd__tally_add(&domains, domain, domain, NULL);
		pd__tally_add(&people, key, display, employer);
		g_free(domain);
		g_free(key);
		g_free(display);
		g_free(employer);
		g_free(who.name);
		g_free(who.address);
	}
	r->domains = pd__tally_finish(&domains, &r->n_domains);
	r->contributors = pd__tally_finish(&people, &r->n_contributors);
	if (employers) {
		r->employers = pd__tally_finish(&firms, &r->n_employers);
	} else {
		size_t n;
		pd_tally *none = pd__tally_finish(&firms, &n);
		pd__tallies_free(none, n);
	}
}

void pd__tallies_free(pd_tally *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++) {
		g_free(rows[i].key);
		g_free(rows[i].display);
		g_free(rows[i].employer);
	}
	g_free(rows);
}

