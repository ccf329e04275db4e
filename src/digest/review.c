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
#include "people/people.h"

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

/* A message of a series and the series' place among all counted (the
 * range's, the look-back window's, then those only the state knows):
 * where a walk up ends. */
typedef struct {
	const pd_post *message;
	size_t slot;
} member;

/* The members table: the series' messages themselves, found by their
 * Message-ID (threads.c), each with its slot + 1 as the value.  No
 * record per member: at a million messages a member record each was
 * 16 MB. */

/* Whether `id` is a member's: then *out is that member. */
static int find_member(member *out, const pd__node_index *members, const char *id)
{
	guint32 value = 0;
	const pd__thread_node *node = pd__node_index_find(members, id, &value);

	if (!node)
		return 0;
	out->message = (const pd_post *)node;
	out->slot = (size_t)value - 1;
	return 1;
}

/* Makes message `m` (with a Message-ID) the member of series `slot`,
 * replacing another message with its Message-ID. */
static void add_member(pd__node_index *members, const pd_post *m, size_t slot)
{
	pd__node_index_put(members, m, (guint32)(slot + 1), 1);
}

/* The first number the state's series have among the slots. */
#define NO_PULL 0

/* Where a reply's walk up ends: a series' message, a pull request
 * (`pull` its index + 1), or neither, `lost` then the id it could go no
 * further from (a message not here, which the state may know). */
typedef struct {
	int is_member;      /* then `member` is where it ended */
	member member;
	gsize pull;
	const char *lost;
} walk_end;

/* What reply `reply` answers. */
static walk_end answered(const pd__node_index *members, GHashTable *pulls,
			 const pd__node_index *replies,
			 const pd_reply *reply)
{
	walk_end end = { 0, { NULL, 0 }, NO_PULL, NULL };
	const char *id = reply->references ? reply->references[0] : NULL;

	for (int steps = 0; id && steps < MAX_WALK; steps++) {
		const pd__thread_node *parent;
		if ((end.is_member = find_member(&end.member, members, id)))
			return end;
		if ((end.pull = GPOINTER_TO_SIZE(g_hash_table_lookup(pulls, id))))
			return end;
		if (!(parent = pd__node_index_find(replies, id, NULL))) {
			end.lost = id;
			return end;
		}
		id = parent->references[0];
	}
	return end;
}

/* Per series while counting: its reviewers and trailers, growing.  A
 * series has few of either, and at a million messages a hundred
 * thousand series have some: plain arrays grown a little at a time
 * (room_for_one()) cost a tenth of GLib's arrays, which start at 16
 * elements. */
typedef struct {
	GPtrArray *replies;      /* const pd_reply * saying applied */
	GPtrArray *on;           /* what each answers */
	GHashTable *numbers;     /* patch number -> 1 */
	int all;
} applied_count;

/* Few series are applied: what that takes is a block of its own, so
 * that a counting is 40 bytes (a hundred thousand of them are alive at
 * the review side's peak, which is the digest's). */
typedef struct {
	const char **reviewers;  /* lowercased addresses (pooled), each once */
	pd_series_trailer *trailers;
	guint n_reviewers, n_trailers;
	guint room_reviewers, room_trailers; /* their capacities */
	applied_count *applied;  /* NULL: no reply said applied */
} counting;

/* `array` (of `n` elements of `size` bytes and room for *room, made by
 * this) with room for one more.  It grows by a quarter, at least two:
 * doubled, the trailers of a series of nine replies took room for 16,
 * and at 6M replies each with a trailer that room was 170 MB at the
 * review side's peak.  realloc() mostly grows a small block in place. */
static gpointer room_for_one(gpointer array, guint n, guint *room, gsize size)
{
	if (n < *room)
		return array;
	*room = n + MAX(2u, n / 4);
	return g_realloc_n(array, *room, size);
}

static void counting_free(gpointer p)
{
	counting *c = p;

	if (!c)
		return;
	g_free(c->reviewers);
	g_free(c->trailers);
	if (c->applied) {
		if (c->applied->replies)
			g_ptr_array_free(c->applied->replies, TRUE);
		if (c->applied->on)
			g_ptr_array_free(c->applied->on, TRUE);
		g_hash_table_destroy(c->applied->numbers);
		g_free(c->applied);
	}
	g_free(c);
}

/* What the applied reply `r`, answering `m` of series `s`, says was
 * applied: the numbers it names, else the patch it answers, else (a
 * cover letter) all of them. */
static void note_applied(counting *c, const pd_post *m, const pd_reply *r)
{
	const pd_reply_facts *f = r->facts;
	applied_count *a = c->applied;

	if (!a) {
		a = c->applied = g_new0(applied_count, 1);
		a->replies = g_ptr_array_new();
		a->on = g_ptr_array_new();
		a->numbers = g_hash_table_new(g_direct_hash, g_direct_equal);
	}
	g_ptr_array_add(a->replies, (gpointer)r);
	g_ptr_array_add(a->on, (gpointer)m);
	if (f->n_applied_numbers) {
		for (size_t i = 0; i < f->n_applied_numbers; i++)
			g_hash_table_add(a->numbers, GINT_TO_POINTER(f->applied_numbers[i]));
	} else if (m->kind == PD_KIND_PATCH) {
		g_hash_table_add(a->numbers, GINT_TO_POINTER(m->tags.number));
	} else {
		a->all = 1;
	}
}

/* The series' status from what was counted. */
static pd_review_status status_of(const pd_series *s, const counting *c)
{
	int n_applied = 0, all_reviewed = s->expected > 0;

	if (c->applied && c->applied->all)
		return PD_REVIEW_APPLIED;
	for (int n = 1; c->applied && n <= s->expected; n++)
		n_applied += g_hash_table_contains(c->applied->numbers, GINT_TO_POINTER(n));
	if (n_applied && n_applied == s->expected)
		return PD_REVIEW_APPLIED;
	if (n_applied)
		return PD_REVIEW_PARTLY_APPLIED;
	/* reviewed: each patch 1..N has a Reviewed-by or Acked-by, its own
	 * or its cover letter's */
	for (int n = 1; n <= s->expected && all_reviewed; n++) {
		int found = 0;
		for (guint k = 0; k < c->n_trailers && !found; k++) {
			const pd_series_trailer *t = &c->trailers[k];
			const char *tag = t->trailer->tag;
			found = (!g_ascii_strcasecmp(tag, "Reviewed-by") || !g_ascii_strcasecmp(tag, "Acked-by"))
			     && (t->on->kind == PD_KIND_COVER || t->on->tags.number == n);
		}
		all_reviewed = found;
	}
	if (all_reviewed && c->n_trailers)
		return PD_REVIEW_REVIEWED;
	return c->n_reviewers ? PD_REVIEW_DISCUSSED : PD_REVIEW_WAITING;
}

static gint by_value(gconstpointer a, gconstpointer b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Counted series beyond the report's fixed ones: the state's. */
typedef struct {
	pd__report *full;
	pd_report *r;
	const pd__review_options *opts;
	pd__earlier_source *source;
	GPtrArray *keep;          /* the report's pd_earlier list */
	pd__node_index members;   /* message -> slot + 1, by message id: of
	                             the range's series only those a message
	                             answers (a walk up reaches no other) */
	GHashTable *window_answers; /* answered_in_window(), while members
	                             are added; or NULL */
	GHashTable *pulls;        /* message id -> pull index + 1 */
	pd__node_index replies;   /* thread nodes (threads.c): the replies
	                             (records) and the pull requests' messages,
	                             of the range, then of the window */
	GPtrArray *counts;        /* counting, by slot */
	GArray *earlier;          /* pd_series only the state knows */
	GHashTable *earlier_slot; /* state series id -> slot + 1 */
	size_t n_fixed;           /* range + look-back series */
} review;

static pd_series *series_at(review *v, size_t slot)
{
	return slot < v->n_fixed ? pd__all_series(v->r, slot)
				 : &g_array_index(v->earlier, pd_series, slot - v->n_fixed);
}

/* A series' counting, made when a reply first needs it: most series of
 * a large archive get few replies, and a record (let alone two empty
 * tables) per series was a tenth of a digest's memory. */
static counting *counting_at(review *v, size_t slot)
{
	gpointer *c = &g_ptr_array_index(v->counts, slot);

	if (!*c)
		*c = g_new0(counting, 1);
	return *c;
}

/* Something the report owns for a series only the state knows. */
static gpointer owned(review *v, gsize size)
{
	gpointer p = g_malloc0(size);
	g_ptr_array_add(v->full->owned, p);
	return p;
}

static char *pooled(review *v, const char *text)
{
	return (char *)pd__pool_intern(&v->full->pool, text);
}

/* The slot of the state's series `e` (taking it), made on first use. */
static size_t earlier_slot(review *v, pd_earlier *e)
{
	gsize at = GPOINTER_TO_SIZE(g_hash_table_lookup(v->earlier_slot, &e->id));
	pd_series s = { 0 };
	pd_person *author;

	if (at) {
		pd_earlier_free(e);
		return at - 1;
	}
	g_ptr_array_add(v->keep, e);
	author = owned(v, sizeof(*author));
	author->name = pooled(v, e->author_name ? e->author_name : "");
	author->address = pooled(v, e->author);
	s.author = s.sender = author;
	s.title = pooled(v, e->title);
	g_strlcpy(s.version, e->version, sizeof(s.version));
	s.expected = e->expected;
	for (size_t k = 0; k < e->n_numbers; k++)
		s.received += e->numbers[k] >= 1 && e->numbers[k] <= e->expected;
	s.complete = s.received >= s.expected;
	s.status = PD_SERIES_REPORTED;
	s.reported_as = s.previous_as = -1;
	s.earlier = e;
	s.first_date = e->first_date;
	s.last_date = e->last_date;
	s.last_review = e->last_review;
	g_array_append_val(v->earlier, s);
	g_ptr_array_add(v->counts, NULL);
	at = v->n_fixed + v->earlier->len;
	g_hash_table_insert(v->earlier_slot, &e->id, GSIZE_TO_POINTER(at));
	return at - 1;
}

static const char *const no_references[] = { NULL };

/* The member for a message the state knows (`lost`, where a walk ended):
 * 1 and *out; 0 when the state has none, or on error (*error). */
static int from_state(member *out, review *v, const char *lost, int *error)
{
	pd_earlier *e = NULL;
	pd_post *stub;
	int number = -1;

	if (!v->source || !v->source->answered)
		return 0;
	if ((*error = v->source->answered(&e, &number, lost, v->source->self)) < 0 || !e)
		return 0;
	/* the message the reply answers, as far as the state knows it: its
	 * Message-ID, kind and number; its strings empty, no References */
	stub = owned(v, sizeof(*stub));
	/* a reply's References: the pool's, or a waiting reply's, which
	 * live in the cursor that read it (replies.c) until its next read */
	stub->message_id = pd__pool_intern(&v->full->pool, lost);
	stub->references = no_references;
	stub->tags.title = stub->tags.version = "";
	stub->sender.name = stub->sender.address = (char *)"";
	stub->author = stub->sender;
	stub->kind = number == 0 ? PD_KIND_COVER : PD_KIND_PATCH;
	stub->tags.number = number;
	out->message = stub;
	out->slot = earlier_slot(v, e);
	add_member(&v->members, stub, out->slot);
	return 1;
}

static int is_answered(const char *id, GHashTable *window_answers);

/* Whether a walk up from a reply can reach `m`, a message of the series
 * at `slot`: a walk looks up only what a message answers, and reading
 * marked those of the range in the pool.  The window's messages are in
 * a pool of their own, unmarked by the range's replies: all of them. */
static int reachable(const review *v, size_t slot, const pd_post *m)
{
	return slot >= v->r->n_series || is_answered(m->message_id, v->window_answers);
}

static void add_members(review *v, size_t slot)
{
	const pd_series *s = series_at(v, slot);

	for (size_t k = 0; k <= s->n_patches; k++) {
		const pd_post *m = k < s->n_patches ? s->patches[k] : s->cover;
		if (!m || !m->message_id || !reachable(v, slot, m))
			continue;
		/* a message of the range wins over one of the window */
		if (slot >= v->r->n_series && pd__node_index_find(&v->members, m->message_id, NULL))
			continue;
		add_member(&v->members, m, slot);
	}
}

/* Whether a and b are one person: their addresses after the mailmap. */
static int same_person(const review *v, const pd_person *a, const pd_person *b)
{
	pd_person x, y;
	int same;

	if (!v->opts->mailmap)
		return same_address(a->address, b->address);
	pd__mailmap_apply(&x, v->opts->mailmap, a);
	pd__mailmap_apply(&y, v->opts->mailmap, b);
	same = same_address(x.address, y.address);
	g_free(x.name);
	g_free(x.address);
	g_free(y.name);
	g_free(y.address);
	return same;
}

static int is_author_of(const review *v, const pd_series *s, const pd_reply *m)
{
	return same_person(v, &m->sender, s->author) || same_person(v, &m->sender, s->sender);
}

/* A reply's sender is a reviewer when it has an address, is not the
 * series' author or sender (`is_author`) and is no bot. */
static int reviews(const review *v, const pd_reply *m, int is_author)
{
	return !is_author && m->sender.address && *m->sender.address
	    && !is_bot(m->sender.address, v->opts->bots);
}

static int is_reviewer(review *v, const pd_series *s, const pd_reply *m)
{
	return reviews(v, m, is_author_of(v, s, m));
}

static int has_reviewer(const counting *c, const char *key)
{
	for (guint i = 0; i < c->n_reviewers; i++)
		if (!strcmp(c->reviewers[i], key))
			return 1;
	return 0;
}

/* The reviewer tables count a person once per series replied to. */
typedef struct {
	pd__tally people, domains, firms;
} reviewer_tables;

/* Counts reply `m` of the range for series slot `mb->slot`. */
static void count_reply(review *v, reviewer_tables *tables, const member *mb, const pd_reply *m)
{
	pd_series *s = series_at(v, mb->slot);
	counting *c = counting_at(v, mb->slot);
	int is_author = is_author_of(v, s, m);

	s->n_replies++;
	if (reviews(v, m, is_author)) {
		pd_person who;
		char *key;
		pd__mailmap_apply(&who, v->opts->mailmap, &m->sender);
		key = g_ascii_strdown(who.address, -1);
		if (!has_reviewer(c, key)) {
			char *domain = pd__address_domain(m->sender.address);
			char *display = pd__person_display_quoted(&who);
			char *employer = NULL;
			if (v->opts->employers) {
				employer = pd__employer_of(v->opts->employers, m->sender.address,
							   who.address, m->date);
				pd__tally_add(&tables->firms, employer, employer, NULL);
			}
			c->reviewers = room_for_one(c->reviewers, c->n_reviewers, &c->room_reviewers,
						    sizeof(*c->reviewers));
			c->reviewers[c->n_reviewers++] = pooled(v, key);
			pd__tally_add(&tables->people, key, display, employer);
			pd__tally_add(&tables->domains, domain, domain, NULL);
			g_free(domain);
			g_free(display);
			g_free(employer);
		}
		g_free(key);
		g_free(who.name);
		g_free(who.address);
		if (!s->first_review || m->date < s->first_review)
			s->first_review = m->date;
		if (m->date > s->last_review)
			s->last_review = m->date;
	}
	if (!m->facts)
		return;
	for (size_t k = 0; k < m->facts->n_trailers; k++) {
		const pd_trailer *t = &m->facts->trailers[k];
		pd_series_trailer st = { mb->message, m, t };
		if (!t->matches_sender) {
			if (v->opts->diag) {
				char *what = g_strdup_printf("a trailer its sender does not give, "
							     "not counted: %s: %s <%s>", t->tag,
							     t->person.name, t->person.address);
				v->opts->diag(PD_DIAG_NOTE, m->message_id, what, v->opts->diag_payload);
				g_free(what);
			}
			continue;
		}
		c->trailers = room_for_one(c->trailers, c->n_trailers, &c->room_trailers,
					   sizeof(*c->trailers));
		c->trailers[c->n_trailers++] = st;
	}
	if (m->facts->applied && !is_author)
		note_applied(c, mb->message, m);
}

/* A reply of the window that a reviewer sent: the series it answers
 * (posted in the window) did not wait since. */
static void count_window_reply(review *v, const pd_reply *m)
{
	walk_end w = answered(&v->members, v->pulls, &v->replies, m);
	pd_series *s;

	if (!w.is_member || w.member.slot < v->r->n_series)
		return;
	s = series_at(v, w.member.slot);
	if (is_reviewer(v, s, m) && m->date > s->last_review)
		s->last_review = m->date;
}

/* A series by its author's address and its title: no key string per
 * series (a hundred thousand of them, made and freed at the review
 * side's peak, were as much again as its tables). */
static guint author_title_hash(gconstpointer p)
{
	const pd_series *s = p;
	return pd__author_title_hash(s->author->address, s->title);
}

static gboolean author_title_equal(gconstpointer a, gconstpointer b)
{
	const pd_series *x = a, *y = b;
	return pd__same_author_title(x->author->address, x->title, y->author->address, y->title);
}

/* Whether series i (s) is found by its author and title: one with both,
 * and no repeat (a RESEND is no newer posting of what it repeats). */
static int by_author_title(const review *v, size_t i, const pd_series *s)
{
	return s->title && s->author->address
	    && !(i < v->r->n_series && s->status == PD_SERIES_REPORTED);
}

/* Which of the n series a newer posting follows: another version
 * grouping linked to it, or the same author and title posted later.  A
 * new array of n flags. */
static guint8 *superseded(review *v, size_t n)
{
	/* author and title -> the series of theirs posted last */
	GHashTable *newest = g_hash_table_new(author_title_hash, author_title_equal);
	guint8 *flags = g_new0(guint8, n ? n : 1);

	for (size_t i = 0; i < n; i++) {
		const pd_series *s = series_at(v, i), *seen;
		if (i < v->r->n_series && s->previous_as >= 0 && (size_t)s->previous_as < n)
			flags[s->previous_as] = 1;
		if (!by_author_title(v, i, s))
			continue;
		seen = g_hash_table_lookup(newest, s);
		if (!seen)
			g_hash_table_insert(newest, (gpointer)s, (gpointer)s);
		else if (s->first_date > seen->first_date)
			g_hash_table_insert(newest, (gpointer)seen, (gpointer)s);
	}
	for (size_t i = 0; i < n; i++) {
		const pd_series *s = series_at(v, i), *seen;
		if (!by_author_title(v, i, s))
			continue;
		seen = g_hash_table_lookup(newest, s);
		if (seen && seen->first_date > s->first_date)
			flags[i] = 1;
	}
	g_hash_table_destroy(newest);
	return flags;
}

/* The state's series that wait for a reviewer and are not here yet:
 * posted within ATTENTION_HORIZON days of the range's end, quiet for
 * stale seconds. */
#define ATTENTION_HORIZON (90 * 86400)

static int add_waiting(review *v, int64_t end, int64_t stale)
{
	GPtrArray *waiting = NULL;
	GHashTable *here;
	int error;

	if (!v->source || !v->source->waiting || !end)
		return PD_OK;
	if ((error = v->source->waiting(&waiting, end - ATTENTION_HORIZON, end - stale,
					v->source->self)) < 0 || !waiting)
		return error;
	/* the state ids of series already counted */
	here = g_hash_table_new(g_int64_hash, g_int64_equal);
	for (size_t i = 0; i < v->n_fixed && error >= 0; i++) {
		const pd_series *s = series_at(v, i);
		const pd_post *m = s->cover ? s->cover : s->first_patch;
		pd_earlier *e = NULL;
		int number;
		if (s->earlier)
			g_hash_table_add(here, (gpointer)&s->earlier->id);
		if (s->continues)
			g_hash_table_add(here, (gpointer)&s->continues->id);
		if (!m || !m->message_id)
			continue;
		if ((error = v->source->answered(&e, &number, m->message_id, v->source->self)) >= 0 && e) {
			g_hash_table_add(here, &e->id);
			g_ptr_array_add(v->keep, e);
		}
	}
	for (guint i = 0; i < waiting->len && error >= 0; i++) {
		pd_earlier *e = g_ptr_array_index(waiting, i);
		if (g_hash_table_contains(here, &e->id)
		    || g_hash_table_contains(v->earlier_slot, &e->id))
			continue;
		g_ptr_array_index(waiting, i) = NULL;
		earlier_slot(v, e);
	}
	g_hash_table_destroy(here);
	g_ptr_array_set_free_func(waiting, (GDestroyNotify)pd_earlier_free);
	g_ptr_array_unref(waiting);
	return error < 0 ? error : PD_OK;
}

/* What the look-back window's messages answer (their In-Reply-To), by
 * text: the window has a pool of its own, so the range's marks do not
 * say it.  NULL when there is no window. */
static GHashTable *answered_in_window(GPtrArray *lookback, GPtrArray *lookback_replies)
{
	GHashTable *set;

	if ((!lookback || !lookback->len) && (!lookback_replies || !lookback_replies->len))
		return NULL;
	set = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; lookback && i < lookback->len; i++) {
		const pd_post *m = g_ptr_array_index(lookback, i);
		if (m->references[0])
			g_hash_table_add(set, (gpointer)m->references[0]);
	}
	for (guint i = 0; lookback_replies && i < lookback_replies->len; i++) {
		const pd_reply *m = g_ptr_array_index(lookback_replies, i);
		if (m->references[0])
			g_hash_table_add(set, (gpointer)m->references[0]);
	}
	return set;
}

/* Whether a message of the range with Message-ID `id` (pooled, or NULL)
 * is answered by a message here: one a walk up can go through. */
static int is_answered(const char *id, GHashTable *window_answers)
{
	return id && (pd__pool_marked(id, PD__MARK_ANSWERED)
		      || (window_answers && g_hash_table_contains(window_answers, id)));
}

int pd__review(pd__report *full, const pd__review_options *opts, pd__earlier_source *source,
	       GPtrArray *keep)
{
	pd_report *r = &full->pub;
	GPtrArray *lookback = full->lookback ? full->lookback->messages : NULL;
	/* the window keeps every reply's record in memory: its nodes are
	 * those records (pd__thread_node_of()) */
	GPtrArray *lookback_replies = full->window_nodes;
	review v = { .full = full, .r = r, .opts = opts, .source = source, .keep = keep };
	GArray *pulls = g_array_new(FALSE, FALSE, sizeof(pd_pull));
	GPtrArray *elsewhere = g_ptr_array_new();
	reviewer_tables tables;
	GArray *waits = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int64_t end = 0, stale = (int64_t)(opts->stale_days ? opts->stale_days : 14) * 86400;
	int error = PD_OK;
	size_t i, n_all;
	guint8 *newer;
	GHashTable *window_answers;
	pd__reply_cursor cursor;
	pd__reply_slot slot;

	v.n_fixed = pd__n_all_series(r);
	window_answers = v.window_answers = answered_in_window(lookback, lookback_replies);
	/* the tables at the size they will have: the members a walk can
	 * reach (at a million messages, all of them were the review side's
	 * largest table), then the messages a walk goes up through */
	for (i = 0, n_all = 0; i < v.n_fixed; i++) {
		const pd_series *s = pd__all_series(r, i);
		for (size_t k = 0; k <= s->n_patches; k++) {
			const pd_post *m = k < s->n_patches ? s->patches[k] : s->cover;
			n_all += m && m->message_id && reachable(&v, i, m);
		}
	}
	pd__node_index_init(&v.members, n_all, 1);
	/* of the range's replies, only those a message answers: a walk up
	 * goes from what a message answers to what that one answers (those
	 * a message of the range names are kept in memory already:
	 * full->named) */
	for (i = 0, n_all = 0; i < r->n_messages; i++)
		n_all += r->messages[i]->kind == PD_KIND_REPLY
		       && is_answered(r->messages[i]->message_id, window_answers);
	n_all += full->named ? full->named->len : 0;
	n_all += (lookback ? lookback->len : 0) + (lookback_replies ? lookback_replies->len : 0);
	pd__node_index_init(&v.replies, n_all, 0);
	v.pulls = g_hash_table_new(g_str_hash, g_str_equal);
	v.counts = g_ptr_array_new_with_free_func(counting_free);
	v.earlier = g_array_new(FALSE, TRUE, sizeof(pd_series));
	v.earlier_slot = g_hash_table_new(g_int64_hash, g_int64_equal);
	if (!full->owned)
		full->owned = g_ptr_array_new_with_free_func(g_free);
	pd__tally_init(&tables.people);
	pd__tally_init(&tables.domains);
	pd__tally_init(&tables.firms);
	for (i = 0; i < v.n_fixed; i++) {
		g_ptr_array_add(v.counts, NULL);
		add_members(&v, i);
	}
	/* a range series that goes on (or repeats) one the state knows is
	 * where a reply to that one counts, not a copy of it */
	for (i = 0; i < r->n_series; i++) {
		const pd_series *s = &r->series[i];
		const pd_earlier *e = s->continues ? s->continues : s->earlier;
		if (e && !g_hash_table_contains(v.earlier_slot, &e->id))
			g_hash_table_insert(v.earlier_slot, (gpointer)&e->id, GSIZE_TO_POINTER(i + 1));
	}
	pd__pulls_collect(pulls, v.pulls, r->messages, r->n_messages, 1);
	if (lookback)
		pd__pulls_collect(pulls, v.pulls, (const pd_post *const *)lookback->pdata,
				  lookback->len, 0);
	/* a walk goes up through replies, and through the messages of pull
	 * requests (PD_KIND_REPLY, kept as messages) */
	for (i = 0; i < r->n_messages; i++) {
		const pd_post *m = r->messages[i];
		if (m->date > end)
			end = m->date;
		if (m->kind == PD_KIND_REPLY && is_answered(m->message_id, window_answers))
			pd__node_index_put(&v.replies, m, 0, 1);
	}
	/* the replies, read back in order (replies.c): those a message of
	 * the range names have their nodes (full->named); one only the
	 * look-back window answers gets one now */
	for (i = 0; full->named && i < full->named->len; i++) {
		const pd__thread_node *node = g_ptr_array_index(full->named, i);
		if (is_answered(node->message_id, window_answers))
			pd__node_index_put(&v.replies, node, 0, 1);
	}
	pd__reply_cursor_init(&cursor, full->replies);
	for (i = 0; i < r->n_reply_records && error >= 0; i++) {
		const char *id;
		if ((error = pd__reply_cursor_get(&slot, &cursor, i)) < 0)
			break;
		if (PD__SLOT_REPLY(&slot)->date > end)
			end = PD__SLOT_REPLY(&slot)->date;
		id = slot.reply.message_id;
		if (id && window_answers && !(full->named_bits[i / 8] & (1u << (i % 8)))
		    && g_hash_table_contains(window_answers, id))
			pd__node_index_put(&v.replies,
					   pd__thread_node_of(&slot, &full->pool, &full->arena), 0, 1);
	}
	pd__reply_cursor_clear(&cursor);
	if (window_answers)
		g_hash_table_destroy(window_answers);
	v.window_answers = NULL;
	/* the window's replies only carry walks up to what they answer:
	 * the range's messages with their Message-IDs stay */
	for (i = 0; lookback_replies && i < lookback_replies->len; i++) {
		const pd_reply *m = g_ptr_array_index(lookback_replies, i);
		if (m->message_id)
			pd__node_index_put(&v.replies, m, 0, 0);
	}
	for (i = 0; lookback && i < lookback->len; i++) {
		const pd_post *m = g_ptr_array_index(lookback, i);
		if (m->kind == PD_KIND_REPLY && m->message_id)
			pd__node_index_put(&v.replies, m, 0, 0);
	}
	/* again: a reply with facts (what a series, a pull request or the
	 * report may point to) is kept in memory; the others are read
	 * into `slot` and only counted */
	pd__reply_cursor_init(&cursor, full->replies);
	for (i = 0; i < r->n_reply_records && error >= 0; i++) {
		const pd_reply *m;
		walk_end w;
		if ((error = pd__reply_cursor_get(&slot, &cursor, i)) < 0)
			break;
		m = PD__SLOT_REPLY(&slot);
		w = answered(&v.members, v.pulls, &v.replies, m);
		if (!w.is_member && !w.pull && w.lost)
			w.is_member = from_state(&w.member, &v, w.lost, &error);
		if (w.is_member) {
			count_reply(&v, &tables, &w.member, m);
		} else if (w.pull) {
			pd_pull *p = &g_array_index(pulls, pd_pull, w.pull - 1);
			if (p->in_range)
				p->n_replies++;
			if (!p->merged && m->facts && m->facts->applied
			    && !same_address(m->sender.address, p->message->sender.address))
				p->merged = m;
		} else if (m->facts && m->facts->title) {
			/* "applied" of a patch (or pulled of a pull request)
			 * nothing here holds */
			g_ptr_array_add(elsewhere, (gpointer)m);
		}
	}
	pd__reply_cursor_clear(&cursor);
	for (i = 0; lookback_replies && i < lookback_replies->len; i++)
		count_window_reply(&v, g_ptr_array_index(lookback_replies, i));
	r->last_date = end;
	if (error >= 0)
		error = add_waiting(&v, end, stale);
	n_all = v.n_fixed + v.earlier->len;
	for (i = 0; i < n_all; i++) {
		pd_series *s = series_at(&v, i);
		counting none = { 0 }; /* a series no reply counted for */
		counting *c = g_ptr_array_index(v.counts, i);
		if (!c)
			c = &none;
		s->n_reviewers = c->n_reviewers;
		s->review_status = status_of(s, c);
		if (s->earlier && i >= v.n_fixed && (int)s->review_status < s->earlier->review_status)
			s->review_status = (pd_review_status)s->earlier->review_status;
		if (c->n_trailers) {
			/* kept at its length */
			s->n_trailers = c->n_trailers;
			s->trailers = g_renew(pd_series_trailer, c->trailers, c->n_trailers);
			c->trailers = NULL;
		}
		/* the reviewers were only counted */
		g_clear_pointer(&c->reviewers, g_free);
		if (c->applied && c->applied->replies) {
			s->n_applied = c->applied->replies->len;
			s->applied = (const pd_reply **)g_ptr_array_free(c->applied->replies, FALSE);
			s->applied_on = (const pd_post **)g_ptr_array_free(c->applied->on, FALSE);
			c->applied->replies = c->applied->on = NULL;
		}
		if (s->first_review && i < r->n_series) {
			int64_t wait = s->first_review - s->first_date;
			g_array_append_val(waits, wait);
		}
	}
	/* needs attention: complete, not a repeat, not applied, no newer
	 * version, and no reviewer reply for stale_days at the range's end
	 * (since the last one, or since it was posted) */
	newer = superseded(&v, n_all);
	for (i = 0; i < n_all; i++) {
		pd_series *s = series_at(&v, i);
		s->needs_attention = s->complete
			/* a repeat of a series of this range waits there; one of
			 * an earlier digest's series waits as itself */
			&& (s->status != PD_SERIES_REPORTED || i >= v.n_fixed
			    || (i < r->n_series && s->reported_as < 0))
			&& s->review_status != PD_REVIEW_APPLIED
			&& s->review_status != PD_REVIEW_PARTLY_APPLIED
			&& end - (s->last_review ? s->last_review : s->first_date) >= stale
			&& !(s->earlier && i >= v.n_fixed && s->earlier->superseded)
			&& !newer[i];
	}
	g_free(newer);
	r->n_earlier_series = v.earlier->len;
	r->earlier_series = (pd_series *)g_array_free(v.earlier, FALSE);
	pd__pulls_finish(r, pulls);
	r->n_applied_elsewhere = elsewhere->len;
	r->applied_elsewhere = (const pd_reply **)g_ptr_array_free(elsewhere, FALSE);
	g_array_sort(waits, by_value);
	r->median_first_review = waits->len ? g_array_index(waits, int64_t, waits->len / 2) : -1;
	g_array_free(waits, TRUE);
	r->reviewers = pd__tally_finish(&tables.people, &r->n_reviewers);
	r->reviewer_domains = pd__tally_finish(&tables.domains, &r->n_reviewer_domains);
	if (opts->employers) {
		r->reviewer_employers = pd__tally_finish(&tables.firms, &r->n_reviewer_employers);
	} else {
		pd_tally *none = pd__tally_finish(&tables.firms, &i);
		pd__tallies_free(none, i);
	}
	g_ptr_array_free(v.counts, TRUE);
	g_hash_table_destroy(v.earlier_slot);
	pd__node_index_clear(&v.replies);
	g_hash_table_destroy(v.pulls);
	pd__node_index_clear(&v.members);
	return error < 0 ? error : PD_OK;
}
