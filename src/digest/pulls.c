/*
 * digest/pulls.c - pull requests (review.md): a message, not a reply,
 * with a PULL tag ([GIT PULL], [PULL 0/3]), and its numbered parts
 * ([GIT PULL 1/3]), which belong to it and are never postings.  Their
 * replies are attributed in review.c; a reply from someone other than
 * the sender saying it was pulled or merged (pr-tracker-bot's notice
 * among them) marks it merged.
 */
#include "digest/digest.h"
#include "mail/mail.h"

void pd__pulls_collect(GArray *pulls, GHashTable *by_id, const pd_post *const *msgs,
		       size_t n, int in_range)
{
	/* the requests first, so that a part finds its request whichever
	 * came first */
	for (size_t i = 0; i < n; i++) {
		const pd_post *m = msgs[i];
		pd_pull p = { 0 };
		if (!PD__TAGS_PULL_REQUEST(m->tags) || !m->message_id
		    || g_hash_table_contains(by_id, m->message_id))
			continue;
		p.message = m;
		p.in_range = in_range;
		g_array_append_val(pulls, p);
		g_hash_table_insert(by_id, (gpointer)m->message_id, GSIZE_TO_POINTER(pulls->len));
	}
	for (size_t i = 0; i < n; i++) {
		const pd_post *m = msgs[i];
		gsize at;
		if (!PD__TAGS_PULL_PART(m->tags) || !m->message_id || !m->references || !m->references[0])
			continue;
		at = GPOINTER_TO_SIZE(g_hash_table_lookup(by_id, m->references[0]));
		if (!at || g_hash_table_contains(by_id, m->message_id))
			continue;
		if (in_range)
			g_array_index(pulls, pd_pull, at - 1).n_parts++;
		g_hash_table_insert(by_id, (gpointer)m->message_id, GSIZE_TO_POINTER(at));
	}
}

void pd__pulls_finish(pd_report *r, GArray *pulls)
{
	GArray *kept = g_array_new(FALSE, FALSE, sizeof(pd_pull));

	for (guint i = 0; i < pulls->len; i++) {
		const pd_pull *p = &g_array_index(pulls, pd_pull, i);
		if (p->in_range || p->merged)
			g_array_append_val(kept, *p);
	}
	g_array_free(pulls, TRUE);
	r->n_pulls = kept->len;
	r->pulls = (pd_pull *)g_array_free(kept, FALSE);
}
