/*
 * digest/series.c - patches and cover letters into series.
 *
 * Threading first: a message joins the series that owns the first
 * Message-ID it can reach: its own (patches that arrived before their
 * cover named it), then In-Reply-To and References newest first, walking
 * up through replies in between.  It joins only if it fits: a cover joins
 * a series without a cover; a patch needs a counter, a number the series
 * lacks and the same total; an explicit version must equal the series'
 * (so v3 posted inside the v2 thread starts its own series, while
 * unversioned patches under a "v3" cover stay with it).
 *
 * Unthreaded patches (no reachable series) join the newest series of the
 * same author, version and total whose last message is within an hour
 * and that lacks their number.  Cover letters never join that way: a
 * cover starts its series, and a cover posted after patches that do not
 * refer to it is another posting.
 *
 * With an earlier-digest source, a message whose thread leads to no series
 * of this digest may lead to one an earlier digest reported (its Message-
 * IDs are in the state): it then continues that series, under the same
 * rules, with the patch numbers and cover it already had counting as
 * held.  Unthreaded patches look for an earlier series by the markers too.
 */
#include <string.h>
#include <stdlib.h>
#include "digest/digest.h"

/* Reply chains deeper than this are not followed for threading. */
#define MAX_THREAD_WALK 256
#define MARKER_WINDOW_SECONDS 3600

/* Patch numbers a series holds: 0 to 63 as bits, any other number in a
 * table made when one comes.  A hash table for every series was most
 * of grouping's memory at a million messages. */
typedef struct {
	guint64 low;
	GHashTable *other;
} number_set;

/* Adds `n`: 1 when the set did not hold it yet. */
static int numbers_add(number_set *ns, int n)
{
	if (n >= 0 && n < 64) {
		guint64 bit = G_GUINT64_CONSTANT(1) << n;
		int added = !(ns->low & bit);
		ns->low |= bit;
		return added;
	}
	if (!ns->other)
		ns->other = g_hash_table_new(g_direct_hash, g_direct_equal);
	return g_hash_table_add(ns->other, GINT_TO_POINTER(n));
}

static void numbers_clear(number_set *ns)
{
	g_clear_pointer(&ns->other, g_hash_table_destroy);
}

static int numbers_has(const number_set *ns, int n)
{
	if (n >= 0 && n < 64)
		return (ns->low >> n) & 1;
	return ns->other && g_hash_table_contains(ns->other, GINT_TO_POINTER(n));
}

/* A series being gathered.  Builders live in one array and are named by
 * their index (+1 where 0 means none); a message's series is noted per
 * message, so a builder holds no array of its members: at a million
 * messages, an array and a key string per series were a third of
 * grouping's memory. */
typedef struct {
	const pd_post *cover;
	number_set numbers;     /* patch numbers held */
	const char *version;    /* a posting's (the pool's) or an earlier
	                           series' (the report's): never copied */
	int64_t last_date;
	int total;
	guint32 n_members;      /* patches */
	/* the marker it was made under (author, version, total), for
	 * unthreaded patches; builders of one marker hash are chained,
	 * newest first */
	const char *marker_author; /* an address, compared ignoring case */
	const char *marker_version;
	pd_earlier *earlier;    /* the earlier series this continues, or NULL */
	guint32 prev_marker;    /* the previous builder of the same hash, +1 */
	unsigned version_explicit : 1;
	unsigned earlier_cover : 1; /* that series had its cover already */
} builder;

typedef struct {
	const pd__earlier_source *source;  /* NULL: no earlier digests */
	GHashTable *continuing; /* earlier series id -> builder + 1 */
	GPtrArray *keep;        /* pd_earlier the builders refer to (owned) */
	GArray *builders;       /* builder */
	guint32 *series_of;     /* per message: its builder + 1, or 0 */
	pd__node_index by_id;   /* thread nodes: the replies (the first with
	                           a Message-ID: a record, or a pull
	                           request's message) */
	GHashTable *owner;      /* Message-ID -> builder + 1 */
	GHashTable *by_marker;  /* marker hash -> newest builder + 1 */
} grouping;

#define BUILDER(g, i) (&g_array_index((g)->builders, builder, (i)))

/* The hash of a marker: the author's address ignoring case, the version
 * and the total.  Builders of equal hash are compared field by field. */
static gpointer marker_hash(const char *author, const char *version, int total)
{
	guint64 h = 14695981039346656037ULL; /* FNV-1a */
	const char *p;

	for (p = author ? author : ""; *p; p++)
		h = (h ^ (guchar)g_ascii_tolower(*p)) * 1099511628211ULL;
	h = (h ^ '\n') * 1099511628211ULL;
	for (p = version; *p; p++)
		h = (h ^ (guchar)*p) * 1099511628211ULL;
	h = (h ^ (guint64)(guint32)total) * 1099511628211ULL;
	return GSIZE_TO_POINTER((gsize)h);
}

static int same_marker(const builder *b, const char *author, const char *version, int total)
{
	return b->total == total && !strcmp(b->marker_version, version)
	    && !g_ascii_strcasecmp(b->marker_author ? b->marker_author : "",
				   author ? author : "");
}

static int fits(const builder *b, const pd_post *m)
{
	if (m->tags.version_explicit && strcmp(m->tags.version, b->version))
		return 0;
	if (m->tags.total != b->total)
		return 0;
	if (m->kind == PD_KIND_COVER)
		return b->cover == NULL && !b->earlier_cover;
	if (!m->tags.has_counter)
		return 0; /* an uncounted patch is a series of its own */
	return !numbers_has(&b->numbers, m->tags.number);
}

/* The series (+1) owning the first Message-ID reachable from `m`, or 0. */
static guint32 find_by_thread(grouping *g, const pd_post *m)
{
	GQueue todo = G_QUEUE_INIT;
	GHashTable *visited = NULL;
	guint32 found = 0;
	int steps = 0;
	size_t i;

	if (m->message_id && (found = GPOINTER_TO_UINT(g_hash_table_lookup(g->owner, m->message_id))))
		return found;
	for (i = 0; m->references[i]; i++)
		g_queue_push_tail(&todo, (gpointer)m->references[i]);
	if (!g_queue_is_empty(&todo))
		visited = g_hash_table_new(g_str_hash, g_str_equal);
	while (!g_queue_is_empty(&todo) && steps++ < MAX_THREAD_WALK) {
		const char *id = g_queue_pop_head(&todo);
		const pd__thread_node *parent;
		if (!g_hash_table_add(visited, (char *)id))
			continue; /* a References loop */
		if ((found = GPOINTER_TO_UINT(g_hash_table_lookup(g->owner, id))))
			break;
		/* a reply in between: its own references lead on */
		parent = pd__node_index_find(&g->by_id, id, NULL);
		for (i = 0; parent && parent->references[i]; i++)
			g_queue_push_tail(&todo, (gpointer)parent->references[i]);
	}
	g_queue_clear(&todo);
	if (visited)
		g_hash_table_destroy(visited);
	return found;
}

static guint32 find_by_markers(grouping *g, const pd_post *m)
{
	guint32 at = GPOINTER_TO_UINT(g_hash_table_lookup(
		g->by_marker, marker_hash(m->author.address, m->tags.version, m->tags.total)));

	for (; at; at = BUILDER(g, at - 1)->prev_marker) {
		const builder *b = BUILDER(g, at - 1);
		int64_t gap = m->date - b->last_date;
		if (!same_marker(b, m->author.address, m->tags.version, m->tags.total))
			continue;
		if (gap < -MARKER_WINDOW_SECONDS || gap > MARKER_WINDOW_SECONDS)
			continue;
		if (fits(b, m))
			return at;
	}
	return 0;
}

/* A new builder (+1) under the marker (author, version, total). */
static guint32 new_builder_for(grouping *g, const char *author, const char *version,
			       int version_explicit, int total)
{
	builder b = { 0 };
	gpointer hash = marker_hash(author, version, total);
	guint32 at;

	b.version = b.marker_version = version;
	b.version_explicit = !!version_explicit;
	b.total = total;
	b.marker_author = author;
	b.prev_marker = GPOINTER_TO_UINT(g_hash_table_lookup(g->by_marker, hash));
	g_array_append_val(g->builders, b);
	at = g->builders->len;
	g_hash_table_insert(g->by_marker, hash, GUINT_TO_POINTER(at));
	return at;
}

static guint32 new_builder(grouping *g, const pd_post *m)
{
	return new_builder_for(g, m->author.address, m->tags.version, m->tags.version_explicit,
			       m->tags.total);
}

/* The builder (+1) continuing earlier series `e` (taking it), made on
 * first use with what that series already held. */
static guint32 continuing(grouping *g, pd_earlier *e)
{
	guint32 at = GPOINTER_TO_UINT(g_hash_table_lookup(g->continuing, &e->id));
	builder *b;
	size_t i;

	if (at) {
		pd_earlier_free(e);
		return at;
	}
	g_ptr_array_add(g->keep, e);
	at = new_builder_for(g, e->author, e->version, 1, e->expected);
	b = BUILDER(g, at - 1);
	b->earlier = e;
	b->earlier_cover = !!e->has_cover;
	b->last_date = e->last_date;
	for (i = 0; i < e->n_numbers; i++)
		numbers_add(&b->numbers, e->numbers[i]);
	g_hash_table_insert(g->continuing, &e->id, GUINT_TO_POINTER(at));
	return at;
}

/* The earlier series (+1) `m` continues through its thread (its own
 * Message-ID or one it refers to), if it fits; 0 otherwise or on a state
 * error (*error set). */
static guint32 find_earlier_by_thread(grouping *g, const pd_post *m, int *error)
{
	size_t i;

	for (i = 0; ; i++) {
		const char *id = i == 0 ? m->message_id : m->references[i - 1];
		pd_earlier *e = NULL;
		guint32 at;
		if (i > 0 && !id)
			return 0;
		if (!id)
			continue;
		if ((*error = g->source->by_message(&e, id, g->source->self)) < 0)
			return 0;
		if (!e)
			continue;
		at = continuing(g, e);
		return fits(BUILDER(g, at - 1), m) ? at : 0;
	}
}

static guint32 find_earlier_by_markers(grouping *g, const pd_post *m, int *error)
{
	GPtrArray *found = NULL;
	guint32 match = 0;
	char *author = g_ascii_strdown(m->author.address ? m->author.address : "", -1);
	guint i;

	*error = g->source->by_markers(&found, author, m->tags.version, m->tags.total, m->date,
				       MARKER_WINDOW_SECONDS, g->source->self);
	g_free(author);
	if (*error < 0)
		return 0;
	/* the builders take the candidates; the array keeps none */
	for (i = 0; found && i < found->len; i++) {
		guint32 at = continuing(g, g_ptr_array_index(found, i));
		g_ptr_array_index(found, i) = NULL;
		if (!match && fits(BUILDER(g, at - 1), m))
			match = at;
	}
	if (found)
		g_ptr_array_unref(found);
	return match;
}

/* Message `i` joins builder `at` (+1). */
static void join(grouping *g, guint32 at, const pd_post *m, size_t i)
{
	builder *b = BUILDER(g, at - 1);
	size_t k;

	if (m->kind == PD_KIND_COVER)
		b->cover = m;
	else {
		g->series_of[i] = at;
		b->n_members++;
		numbers_add(&b->numbers, m->tags.number);
	}
	if (m->tags.version_explicit && !b->version_explicit) {
		b->version = m->tags.version;
		b->version_explicit = 1;
	}
	if (m->date > b->last_date)
		b->last_date = m->date;
	/* its own id is its series' for sure; what it refers to, only if
	 * nobody claimed it yet (patches arriving before their cover) */
	if (m->message_id)
		g_hash_table_insert(g->owner, (gpointer)m->message_id, GUINT_TO_POINTER(at));
	for (k = 0; m->references[k]; k++)
		if (!g_hash_table_contains(g->owner, m->references[k]))
			g_hash_table_insert(g->owner, (gpointer)m->references[k], GUINT_TO_POINTER(at));
}

static gint by_number(gconstpointer x, gconstpointer y, gpointer unused)
{
	const pd_post *a = *(pd_post *const *)x, *b = *(pd_post *const *)y;

	return (a->tags.number > b->tags.number) - (a->tags.number < b->tags.number);
}

/* Fills `s`, which holds what its builder knew (its cover, version,
 * total and the earlier series it continues) and its patches in posting
 * order (s->n_patches of them). */
static void fill_series(pd_series *s)
{
	size_t i;
	number_set counted = { 0 };
	const pd_post *lead;

	/* GLib's sort is a stable merge sort: posting order stays among
	 * equal numbers (newer GLib names it g_sort_array()) */
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	g_qsort_with_data(s->patches, (gint)s->n_patches, sizeof(*s->patches), by_number, NULL);
	G_GNUC_END_IGNORE_DEPRECATIONS
	for (i = 0; i < s->n_patches; i++) {
		const pd_post *m = s->patches[i];
		if (!s->first_patch && m->tags.number == 1)
			s->first_patch = m;
		/* an add-on ([PATCH 3/2]) counts too (digest.md) */
		if (m->tags.number >= 1)
			s->received += numbers_add(&counted, m->tags.number);
	}
	for (i = 0; s->continues && i < s->continues->n_numbers; i++) {
		int n = s->continues->numbers[i];
		if (n >= 1)
			s->received += numbers_add(&counted, n);
	}
	lead = s->cover ? s->cover : s->first_patch ? s->first_patch : s->patches[0];
	s->author = &lead->author;
	s->sender = &lead->sender;
	s->title = s->continues ? s->continues->title : lead->tags.title;
	s->previous_as = -1;
	/* complete: every number 1..N, whatever add-ons came too */
	s->complete = 1;
	for (int n = 1; n <= s->expected && s->complete; n++)
		s->complete = numbers_has(&counted, n);
	s->reported_as = -1;
	s->first_date = s->last_date = lead->date;
	if (s->cover && s->cover->date < s->first_date)
		s->first_date = s->cover->date;
	for (i = 0; i < s->n_patches; i++) {
		if (s->patches[i]->date < s->first_date)
			s->first_date = s->patches[i]->date;
		if (s->patches[i]->date > s->last_date)
			s->last_date = s->patches[i]->date;
	}
	numbers_clear(&counted);
}

/* The series of the builders that hold a message, in the builders'
 * order, their patches in posting order then sorted by fill_series(). */
static pd_series *make_series(grouping *g, const pd_post **msgs, size_t n, size_t *n_out)
{
	guint32 *slot = g_new0(guint32, g->builders->len + 1); /* builder -> series + 1 */
	pd_series *series;
	size_t i, k = 0;

	for (i = 0; i < g->builders->len; i++)
		if (BUILDER(g, i)->n_members || BUILDER(g, i)->cover)
			slot[i] = (guint32)++k;
	series = g_new0(pd_series, k + 1);
	/* what the series need of their builders, so that the builders
	 * (some 15 MB at a million messages) are gone before the patch
	 * arrays are made: grouping's peak is here */
	for (i = 0; i < g->builders->len; i++) {
		builder *b = BUILDER(g, i);
		if (slot[i]) {
			pd_series *s = &series[slot[i] - 1];
			s->cover = b->cover;
			s->continues = b->earlier;
			g_strlcpy(s->version, b->version, sizeof(s->version));
			s->expected = b->total;
			s->n_patches = b->n_members; /* the room its array needs */
		}
		numbers_clear(&b->numbers);
	}
	g_array_free(g->builders, TRUE);
	g->builders = NULL;
	for (i = 0; i < k; i++) {
		series[i].patches = g_new0(const pd_post *, series[i].n_patches + 1);
		series[i].n_patches = 0;
	}
	for (i = 0; i < n; i++) {
		pd_series *s;
		if (!g->series_of[i])
			continue;
		s = &series[slot[g->series_of[i] - 1] - 1];
		s->patches[s->n_patches++] = msgs[i];
	}
	for (i = 0; i < k; i++)
		fill_series(&series[i]);
	g_free(slot);
	*n_out = k;
	return series;
}

int pd__group_series(pd_series **out, size_t *n_out, const pd_post **msgs, size_t n,
		     const pd__thread_node *const *replies, size_t n_replies,
		     const pd__earlier_source *source, GPtrArray *keep)
{
	grouping g;
	size_t i, n_walked;
	int error = PD_OK;

	*out = NULL;
	*n_out = 0;
	g.source = source;
	g.keep = keep;
	g.continuing = g_hash_table_new(g_int64_hash, g_int64_equal);
	g.builders = g_array_new(FALSE, FALSE, sizeof(builder));
	g.series_of = g_new0(guint32, n + 1);
	for (i = 0, n_walked = n_replies; i < n; i++)
		n_walked += msgs[i]->kind == PD_KIND_REPLY;
	pd__node_index_init(&g.by_id, n_walked, 0);
	g.owner = g_hash_table_new(g_str_hash, g_str_equal);
	g.by_marker = g_hash_table_new(g_direct_hash, g_direct_equal);
	/* only replies are walked through: patches and covers are found
	 * by their series (`owner`), and a million-entry table of them
	 * would be memory for nothing */
	for (i = 0; i < n_replies; i++)
		if (replies[i]->message_id)
			pd__node_index_put(&g.by_id, replies[i], 0, 0);
	for (i = 0; i < n; i++)
		if (msgs[i]->kind == PD_KIND_REPLY && msgs[i]->message_id)
			pd__node_index_put(&g.by_id, msgs[i], 0, 0);

	for (i = 0; i < n; i++) {
		const pd_post *m = msgs[i];
		guint32 at;
		if (m->kind == PD_KIND_REPLY)
			continue;
		at = find_by_thread(&g, m);
		if (at && !fits(BUILDER(&g, at - 1), m))
			at = 0;
		if (!at && source && !(at = find_earlier_by_thread(&g, m, &error)) && error < 0)
			goto cleanup;
		if (!at && m->kind == PD_KIND_PATCH && m->tags.has_counter) {
			at = find_by_markers(&g, m);
			if (!at && source && !(at = find_earlier_by_markers(&g, m, &error)) && error < 0)
				goto cleanup;
		}
		if (!at)
			at = new_builder(&g, m);
		join(&g, at, m, i);
	}
	/* the tables are done with: the series are made without them */
	g_clear_pointer(&g.owner, g_hash_table_destroy);
	pd__node_index_clear(&g.by_id);
	g_clear_pointer(&g.by_marker, g_hash_table_destroy);
	*out = make_series(&g, msgs, n, n_out);
	error = PD_OK;
cleanup:
	g_hash_table_destroy(g.continuing);
	if (g.by_marker)
		g_hash_table_destroy(g.by_marker);
	if (g.owner)
		g_hash_table_destroy(g.owner);
	pd__node_index_clear(&g.by_id);
	for (i = 0; g.builders && i < g.builders->len; i++)
		numbers_clear(&BUILDER(&g, i)->numbers);
	if (g.builders)
		g_array_free(g.builders, TRUE);
	g_free(g.series_of);
	return error;
}

void pd__series_array_free(pd_series *series, size_t n)
{
	size_t i;

	if (!series)
		return;
	for (i = 0; i < n; i++) {
		g_free(series[i].patches);
		g_free(series[i].trailers);
		g_free(series[i].applied);
		g_free(series[i].applied_on);
	}
	g_free(series);
}
