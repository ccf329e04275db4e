/*
 * digest/review.c - what happened to each series in the range: the
 * replies that answer it, its reviewers, the trailers they gave, what was
 * applied, its review status and whether it needs attention; and the
 * reviewer tables.  Runs once the series are grouped and marked.
 *
 * A reply answers the first patch or cover letter met walking up from
 * its In-Reply-To (else its newest References entry) through other
 * replies.  A reviewer is the sender of such a reply who is neither the
 * series' author nor its sender, and no bot.  A trailer counts when its
 * reply's sender speaks for it (b4's rule); it attaches to the message
 * the reply answers, and a cover letter's counts for every patch.
 */
#include <string.h>
#include "digest/digest.h"
#include "mail/mail.h"

/* How far a reply's chain of parents is followed: a thread deeper than
 * this is not a review, and a References cycle must end. */
#define MAX_WALK 1000

/* The bots review.md names; their replies count as replies (and a
 * patchwork-bot or tip-bot2 notice as "applied"), never as a reviewer's. */
static int is_bot(const char *address, const char *const *more)
{
	const char *at = address ? strchr(address, '@') : NULL;
	size_t local = at ? (size_t)(at - address) : 0;

	if (!at)
		return 0;
	for (; more && *more; more++) {
		size_t n = strlen(*more);
		if (n && (*more)[n - 1] == '*' ? !g_ascii_strncasecmp(address, *more, n - 1)
					      : !g_ascii_strcasecmp(address, *more))
			return 1;
	}
	return !g_ascii_strcasecmp(address, "lkp@intel.com")
	    || !g_ascii_strcasecmp(address, "pr-tracker-bot@kernel.org")
	    || (!g_ascii_strncasecmp(address, "patchwork-bot+", 14)
		&& !g_ascii_strcasecmp(at + 1, "kernel.org"))
	    || (local == 8 && !g_ascii_strncasecmp(address, "tip-bot2", 8))
	    || !g_ascii_strncasecmp(address, "syzbot", 6);
}

static int same_address(const char *a, const char *b)
{
	return a && b && !g_ascii_strcasecmp(a, b);
}

/* A message of series `s` and the series: where a walk up ends.  `slot`
 * is the series' place among all counted (the range's, then the
 * look-back window's). */
typedef struct {
	pd_series *series;
	const pd_message *message;
	size_t slot;
} member;

/* The member a reply answers, or NULL. */
static const member *answered(GHashTable *members, GHashTable *replies, const pd_message *reply)
{
	const char *id = reply->references ? reply->references[0] : NULL;

	for (int steps = 0; id && steps < MAX_WALK; steps++) {
		const member *m = g_hash_table_lookup(members, id);
		const pd_message *parent;
		if (m)
			return m;
		parent = g_hash_table_lookup(replies, id);
		if (!parent || !parent->references)
			return NULL;
		id = parent->references[0];
	}
	return NULL;
}

/* Per series while counting: its reviewers and trailers, growing. */
typedef struct {
	GHashTable *reviewers;   /* lowercased address -> 1 */
	GArray *trailers;        /* pd_series_trailer */
	GPtrArray *applied;      /* const pd_message * */
	GPtrArray *applied_on;   /* what each answers */
	GHashTable *applied_numbers; /* patch number -> 1 */
	int applied_all;
} counting;

static void counting_free(gpointer p)
{
	counting *c = p;

	g_hash_table_destroy(c->reviewers);
	if (c->trailers)
		g_array_free(c->trailers, TRUE);
	if (c->applied)
		g_ptr_array_free(c->applied, TRUE);
	if (c->applied_on)
		g_ptr_array_free(c->applied_on, TRUE);
	g_hash_table_destroy(c->applied_numbers);
	g_free(c);
}

/* What the applied reply `r`, answering `m` of series `s`, says was
 * applied: the numbers it names, else the patch it answers, else (a
 * cover letter) all of them. */
static void note_applied(counting *c, const pd_message *m, const pd_message *r)
{
	const pd_reply_facts *f = r->facts;

	if (!c->applied) {
		c->applied = g_ptr_array_new();
		c->applied_on = g_ptr_array_new();
	}
	g_ptr_array_add(c->applied, (gpointer)r);
	g_ptr_array_add(c->applied_on, (gpointer)m);
	if (f->n_applied_numbers) {
		for (size_t i = 0; i < f->n_applied_numbers; i++)
			g_hash_table_add(c->applied_numbers, GINT_TO_POINTER(f->applied_numbers[i]));
	} else if (m->kind == PD_KIND_PATCH) {
		g_hash_table_add(c->applied_numbers, GINT_TO_POINTER(m->tags.number));
	} else {
		c->applied_all = 1;
	}
}

/* The series' status from what was counted. */
static pd_review_status status_of(const pd_series *s, const counting *c)
{
	int n_applied = 0, all_reviewed = s->expected > 0;

	if (c->applied_all)
		return PD_REVIEW_APPLIED;
	for (int n = 1; n <= s->expected; n++)
		n_applied += g_hash_table_contains(c->applied_numbers, GINT_TO_POINTER(n));
	if (n_applied && n_applied == s->expected)
		return PD_REVIEW_APPLIED;
	if (n_applied)
		return PD_REVIEW_PARTLY_APPLIED;
	/* reviewed: each patch 1..N has a Reviewed-by or Acked-by, its own
	 * or its cover letter's */
	for (int n = 1; n <= s->expected && all_reviewed; n++) {
		int found = 0;
		for (guint k = 0; c->trailers && k < c->trailers->len && !found; k++) {
			const pd_series_trailer *t = &g_array_index(c->trailers, pd_series_trailer, k);
			const char *tag = t->trailer->tag;
			found = (!g_ascii_strcasecmp(tag, "Reviewed-by") || !g_ascii_strcasecmp(tag, "Acked-by"))
			     && (t->on->kind == PD_KIND_COVER || t->on->tags.number == n);
		}
		all_reviewed = found;
	}
	if (all_reviewed && c->trailers && c->trailers->len)
		return PD_REVIEW_REVIEWED;
	return g_hash_table_size(c->reviewers) ? PD_REVIEW_DISCUSSED : PD_REVIEW_WAITING;
}

static gint by_value(gconstpointer a, gconstpointer b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int pd__review(pd_report *r, const pd__review_options *opts, GPtrArray *lookback)
{
	GHashTable *members = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	GHashTable *replies = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *counts = g_ptr_array_new_with_free_func(counting_free);
	pd__tally people, domains;
	GArray *waits = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int64_t end = 0, stale = (int64_t)(opts->stale_days ? opts->stale_days : 14) * 86400;
	size_t i;

	size_t n_all = pd__n_all_series(r);

	pd__tally_init(&people);
	pd__tally_init(&domains);
	for (i = 0; i < n_all; i++) {
		pd_series *s = pd__all_series(r, i);
		counting *c = g_new0(counting, 1);
		c->reviewers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		c->applied_numbers = g_hash_table_new(g_direct_hash, g_direct_equal);
		g_ptr_array_add(counts, c);
		for (size_t k = 0; k <= s->n_patches; k++) {
			const pd_message *m = k < s->n_patches ? s->patches[k] : s->cover;
			member *mb;
			if (!m || !m->message_id)
				continue;
			mb = g_new(member, 1);
			mb->series = s;
			mb->message = m;
			mb->slot = i;
			/* a message of the range wins over one of the window */
			if (i < r->n_series || !g_hash_table_contains(members, m->message_id))
				g_hash_table_insert(members, m->message_id, mb);
			else
				g_free(mb);
		}
	}
	for (i = 0; i < r->n_messages; i++) {
		const pd_message *m = r->messages[i];
		if (m->date > end)
			end = m->date;
		if (m->kind == PD_KIND_REPLY && m->message_id)
			g_hash_table_insert(replies, m->message_id, (gpointer)m);
	}
	/* the window's replies only carry walks up to what they answer */
	for (i = 0; lookback && i < lookback->len; i++) {
		const pd_message *m = g_ptr_array_index(lookback, i);
		if (m->kind == PD_KIND_REPLY && m->message_id
		    && !g_hash_table_contains(replies, m->message_id))
			g_hash_table_insert(replies, m->message_id, (gpointer)m);
	}
	for (i = 0; i < r->n_messages; i++) {
		const pd_message *m = r->messages[i];
		const member *mb;
		counting *c;
		pd_series *s;
		int is_author;
		if (m->kind != PD_KIND_REPLY || !(mb = answered(members, replies, m)))
			continue;
		s = mb->series;
		c = g_ptr_array_index(counts, mb->slot);
		s->n_replies++;
		is_author = same_address(m->sender.address, s->author->address)
			 || same_address(m->sender.address, s->sender->address);
		if (m->sender.address && *m->sender.address && !is_author && !is_bot(m->sender.address, opts->bots)) {
			char *key = g_ascii_strdown(m->sender.address, -1);
			if (!g_hash_table_contains(c->reviewers, key)) {
				char *domain = pd__address_domain(m->sender.address);
				char *display = pd__person_display_quoted(&m->sender);
				g_hash_table_add(c->reviewers, g_strdup(key));
				pd__tally_add(&people, key, display);
				pd__tally_add(&domains, domain, domain);
				g_free(domain);
				g_free(display);
			}
			g_free(key);
			if (!s->first_review || m->date < s->first_review)
				s->first_review = m->date;
			if (m->date > s->last_review)
				s->last_review = m->date;
		}
		if (!m->facts)
			continue;
		for (size_t k = 0; k < m->facts->n_trailers; k++) {
			const pd_trailer *t = &m->facts->trailers[k];
			pd_series_trailer st = { mb->message, m, t };
			if (!t->matches_sender) {
				if (opts->diag) {
					char *what = g_strdup_printf("a trailer its sender does not give, "
								     "not counted: %s: %s <%s>", t->tag,
								     t->person.name, t->person.address);
					opts->diag(PD_DIAG_NOTE, m->message_id, what, opts->diag_payload);
					g_free(what);
				}
				continue;
			}
			if (!c->trailers)
				c->trailers = g_array_new(FALSE, FALSE, sizeof(pd_series_trailer));
			g_array_append_val(c->trailers, st);
		}
		if (m->facts->applied && !is_author)
			note_applied(c, mb->message, m);
	}
	for (i = 0; i < n_all; i++) {
		pd_series *s = pd__all_series(r, i);
		counting *c = g_ptr_array_index(counts, i);
		s->n_reviewers = g_hash_table_size(c->reviewers);
		s->review_status = status_of(s, c);
		if (c->trailers) {
			s->n_trailers = c->trailers->len;
			s->trailers = (pd_series_trailer *)g_array_free(c->trailers, FALSE);
			c->trailers = NULL;
		}
		if (c->applied) {
			s->n_applied = c->applied->len;
			s->applied = (const pd_message **)g_ptr_array_free(c->applied, FALSE);
			s->applied_on = (const pd_message **)g_ptr_array_free(c->applied_on, FALSE);
			c->applied = c->applied_on = NULL;
		}
		if (s->first_review && i < r->n_series) {
			int64_t wait = s->first_review - s->first_date;
			g_array_append_val(waits, wait);
		}
	}
	/* needs attention: complete, not a repeat, not applied, no newer
	 * version here, and no reviewer reply for stale_days at the range's
	 * end (since the last one, or since it was posted) */
	r->last_date = end;
	for (i = 0; i < r->n_series; i++) {
		pd_series *s = &r->series[i];
		int newer = 0;
		for (size_t k = i + 1; k < r->n_series && !newer; k++)
			newer = r->series[k].previous_as == (long)i;
		s->needs_attention = s->complete && !newer
			&& s->status != PD_SERIES_REPORTED
			&& s->review_status != PD_REVIEW_APPLIED
			&& s->review_status != PD_REVIEW_PARTLY_APPLIED
			&& end - (s->last_review ? s->last_review : s->first_date) >= stale;
	}
	g_array_sort(waits, by_value);
	r->median_first_review = waits->len ? g_array_index(waits, int64_t, waits->len / 2) : -1;
	g_array_free(waits, TRUE);
	r->reviewers = pd__tally_finish(&people, &r->n_reviewers);
	r->reviewer_domains = pd__tally_finish(&domains, &r->n_reviewer_domains);
	g_ptr_array_free(counts, TRUE);
	g_hash_table_destroy(replies);
	g_hash_table_destroy(members);
	return PD_OK;
}
