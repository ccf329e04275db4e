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

static void numbers_add(number_set *ns, int n)
{
	if (n >= 0 && n < 64) {
		ns->low |= G_GUINT64_CONSTANT(1) << n;
		return;
	}
	if (!ns->other)
		ns->other = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_hash_table_add(ns->other, GINT_TO_POINTER(n));
}

static int numbers_has(const number_set *ns, int n)
{
	if (n >= 0 && n < 64)
		return (ns->low >> n) & 1;
	return ns->other && g_hash_table_contains(ns->other, GINT_TO_POINTER(n));
}

typedef struct {
	const pd_message *cover;
	GPtrArray *members;     /* patches, posting order */
	number_set numbers;     /* patch numbers held */
	char version[16];
	int version_explicit;
	int total;
	int64_t last_date;
	char *marker_key;
	pd_earlier *earlier;    /* the earlier series this continues, or NULL */
	int earlier_cover;      /* that series had its cover already */
} builder;

typedef struct {
	const pd__earlier_source *source;  /* NULL: no earlier digests */
	GHashTable *continuing; /* earlier series id -> builder */
	GPtrArray *keep;        /* pd_earlier the builders refer to (owned) */
	GPtrArray *builders;
	GHashTable *by_id;      /* Message-ID -> a reply's References (the
	                           first reply with it: a record, or a pull
	                           request's message) */
	GHashTable *owner;      /* Message-ID -> builder */
	GHashTable *by_marker;  /* "author\nversion\ntotal" -> GPtrArray of builder */
} grouping;

static void builder_free(gpointer p)
{
	builder *b = p;

	g_ptr_array_free(b->members, TRUE);
	if (b->numbers.other)
		g_hash_table_destroy(b->numbers.other);
	g_free(b->marker_key);
	g_free(b);
}

static char *marker_key(const pd_message *m, const char *version)
{
	char *addr = g_ascii_strdown(m->author.address, -1);
	char *key = g_strdup_printf("%s\n%s\n%d", addr, version, m->tags.total);

	g_free(addr);
	return key;
}

static int fits(const builder *b, const pd_message *m)
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

/* The series owning the first Message-ID reachable from `m`, or NULL. */
static builder *find_by_thread(grouping *g, const pd_message *m)
{
	GQueue todo = G_QUEUE_INIT;
	GHashTable *visited = g_hash_table_new(g_str_hash, g_str_equal);
	builder *found = NULL;
	int steps = 0;
	size_t i;

	if (m->message_id && (found = g_hash_table_lookup(g->owner, m->message_id)))
		goto out;
	for (i = 0; m->references[i]; i++)
		g_queue_push_tail(&todo, m->references[i]);
	while (!g_queue_is_empty(&todo) && steps++ < MAX_THREAD_WALK) {
		const char *id = g_queue_pop_head(&todo);
		const char *const *parent_refs;
		if (!g_hash_table_add(visited, (char *)id))
			continue; /* a References loop */
		if ((found = g_hash_table_lookup(g->owner, id)))
			break;
		/* a reply in between: its own references lead on */
		parent_refs = g_hash_table_lookup(g->by_id, id);
		for (i = 0; parent_refs && parent_refs[i]; i++)
			g_queue_push_tail(&todo, (gpointer)parent_refs[i]);
	}
out:
	g_queue_clear(&todo);
	g_hash_table_destroy(visited);
	return found;
}

static builder *find_by_markers(grouping *g, const pd_message *m)
{
	char *key = marker_key(m, m->tags.version);
	GPtrArray *list = g_hash_table_lookup(g->by_marker, key);
	guint i;

	g_free(key);
	for (i = list ? list->len : 0; i-- > 0;) {
		builder *b = g_ptr_array_index(list, i);
		int64_t gap = m->date - b->last_date;
		if (gap < -MARKER_WINDOW_SECONDS || gap > MARKER_WINDOW_SECONDS)
			continue;
		if (fits(b, m))
			return b;
	}
	return NULL;
}

static builder *new_builder_for(grouping *g, const char *version, int version_explicit,
				int total, char *key)
{
	builder *b = g_new0(builder, 1);
	GPtrArray *list;

	b->members = g_ptr_array_new();
	g_strlcpy(b->version, version, sizeof(b->version));
	b->version_explicit = version_explicit;
	b->total = total;
	b->marker_key = key;
	list = g_hash_table_lookup(g->by_marker, b->marker_key);
	if (!list) {
		list = g_ptr_array_new();
		g_hash_table_insert(g->by_marker, g_strdup(b->marker_key), list);
	}
	g_ptr_array_add(list, b);
	g_ptr_array_add(g->builders, b);
	return b;
}

static builder *new_builder(grouping *g, const pd_message *m)
{
	return new_builder_for(g, m->tags.version, m->tags.version_explicit,
			       m->tags.total, marker_key(m, m->tags.version));
}

/* The builder continuing earlier series `e` (taking it), made on first use
 * with what that series already held. */
static builder *continuing(grouping *g, pd_earlier *e)
{
	builder *b = g_hash_table_lookup(g->continuing, &e->id);
	size_t i;

	if (b) {
		pd_earlier_free(e);
		return b;
	}
	g_ptr_array_add(g->keep, e);
	b = new_builder_for(g, e->version, 1, e->expected,
			    g_strdup_printf("%s\n%s\n%d", e->author, e->version, e->expected));
	b->earlier = e;
	b->earlier_cover = e->has_cover;
	b->last_date = e->last_date;
	for (i = 0; i < e->n_numbers; i++)
		numbers_add(&b->numbers, e->numbers[i]);
	g_hash_table_insert(g->continuing, &e->id, b);
	return b;
}

/* The earlier series `m` continues through its thread (its own Message-ID
 * or one it refers to), if it fits; NULL otherwise or on a state error
 * (*error set). */
static builder *find_earlier_by_thread(grouping *g, const pd_message *m, int *error)
{
	size_t i;

	for (i = 0; ; i++) {
		const char *id = i == 0 ? m->message_id : m->references[i - 1];
		pd_earlier *e = NULL;
		builder *b;
		if (i > 0 && !id)
			return NULL;
		if (!id)
			continue;
		if ((*error = g->source->by_message(&e, id, g->source->self)) < 0)
			return NULL;
		if (!e)
			continue;
		b = continuing(g, e);
		return fits(b, m) ? b : NULL;
	}
}

static builder *find_earlier_by_markers(grouping *g, const pd_message *m, int *error)
{
	GPtrArray *found = NULL;
	builder *match = NULL;
	char *author = g_ascii_strdown(m->author.address, -1);
	guint i;

	*error = g->source->by_markers(&found, author, m->tags.version, m->tags.total, m->date,
				       MARKER_WINDOW_SECONDS, g->source->self);
	g_free(author);
	if (*error < 0)
		return NULL;
	/* the builders take the candidates; the array keeps none */
	for (i = 0; found && i < found->len; i++) {
		builder *b = continuing(g, g_ptr_array_index(found, i));
		g_ptr_array_index(found, i) = NULL;
		if (!match && fits(b, m))
			match = b;
	}
	if (found)
		g_ptr_array_unref(found);
	return match;
}

static void join(grouping *g, builder *b, const pd_message *m)
{
	size_t i;

	if (m->kind == PD_KIND_COVER)
		b->cover = m;
	else {
		g_ptr_array_add(b->members, (gpointer)m);
		numbers_add(&b->numbers, m->tags.number);
	}
	if (m->tags.version_explicit && !b->version_explicit) {
		g_strlcpy(b->version, m->tags.version, sizeof(b->version));
		b->version_explicit = 1;
	}
	if (m->date > b->last_date)
		b->last_date = m->date;
	/* its own id is its series' for sure; what it refers to, only if
	 * nobody claimed it yet (patches arriving before their cover) */
	if (m->message_id)
		g_hash_table_insert(g->owner, m->message_id, b);
	for (i = 0; m->references[i]; i++)
		if (!g_hash_table_contains(g->owner, m->references[i]))
			g_hash_table_insert(g->owner, m->references[i], b);
}

static gint by_number(gconstpointer x, gconstpointer y)
{
	const pd_message *a = *(pd_message *const *)x, *b = *(pd_message *const *)y;

	return (a->tags.number > b->tags.number) - (a->tags.number < b->tags.number);
}

static void fill_series(pd_series *s, builder *b)
{
	guint i;
	GHashTable *counted = g_hash_table_new(g_direct_hash, g_direct_equal);
	const pd_message *lead;

	memset(s, 0, sizeof(*s));
	s->cover = b->cover;
	/* stable sort keeps posting order among equal numbers */
	g_ptr_array_sort(b->members, by_number);
	s->n_patches = b->members->len;
	s->patches = g_new0(const pd_message *, s->n_patches + 1);
	for (i = 0; i < b->members->len; i++) {
		const pd_message *m = g_ptr_array_index(b->members, i);
		s->patches[i] = m;
		if (!s->first_patch && m->tags.number == 1)
			s->first_patch = m;
		/* an add-on ([PATCH 3/2]) counts too (digest.md) */
		if (m->tags.number >= 1)
			g_hash_table_add(counted, GINT_TO_POINTER(m->tags.number));
	}
	for (i = 0; b->earlier && i < b->earlier->n_numbers; i++) {
		int n = b->earlier->numbers[i];
		if (n >= 1)
			g_hash_table_add(counted, GINT_TO_POINTER(n));
	}
	lead = s->cover ? s->cover : s->first_patch ? s->first_patch : s->patches[0];
	s->author = &lead->author;
	s->sender = &lead->sender;
	s->title = b->earlier ? b->earlier->title : lead->tags.title;
	s->continues = b->earlier;
	s->previous_as = -1;
	g_strlcpy(s->version, b->version, sizeof(s->version));
	s->expected = b->total;
	s->received = (int)g_hash_table_size(counted);
	/* complete: every number 1..N, whatever add-ons came too */
	s->complete = 1;
	for (int n = 1; n <= s->expected && s->complete; n++)
		s->complete = g_hash_table_contains(counted, GINT_TO_POINTER(n));
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
	g_hash_table_destroy(counted);
}

int pd__group_series(pd_series **out, size_t *n_out, const pd_message **msgs, size_t n,
		     const pd_reply *const *replies, size_t n_replies,
		     const pd__earlier_source *source, GPtrArray *keep)
{
	grouping g;
	size_t i;
	pd_series *series;
	int error = PD_OK;

	*out = NULL;
	*n_out = 0;
	g.source = source;
	g.keep = keep;
	g.continuing = g_hash_table_new(g_int64_hash, g_int64_equal);
	g.builders = g_ptr_array_new_with_free_func(builder_free);
	g.by_id = g_hash_table_new(g_str_hash, g_str_equal);
	g.owner = g_hash_table_new(g_str_hash, g_str_equal);
	g.by_marker = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    (GDestroyNotify)g_ptr_array_unref);
	/* only replies are walked through: patches and covers are found
	 * by their series (`owner`), and a million-entry table of them
	 * would be memory for nothing */
	for (i = 0; i < n_replies; i++)
		if (replies[i]->message_id && !g_hash_table_contains(g.by_id, replies[i]->message_id))
			g_hash_table_insert(g.by_id, (gpointer)replies[i]->message_id,
					    (gpointer)replies[i]->references);
	for (i = 0; i < n; i++)
		if (msgs[i]->kind == PD_KIND_REPLY && msgs[i]->message_id
		    && !g_hash_table_contains(g.by_id, msgs[i]->message_id))
			g_hash_table_insert(g.by_id, msgs[i]->message_id, msgs[i]->references);

	for (i = 0; i < n; i++) {
		const pd_message *m = msgs[i];
		builder *b;
		if (m->kind == PD_KIND_REPLY)
			continue;
		b = find_by_thread(&g, m);
		if (b && !fits(b, m))
			b = NULL;
		if (!b && source && !(b = find_earlier_by_thread(&g, m, &error)) && error < 0)
			goto cleanup;
		if (!b && m->kind == PD_KIND_PATCH && m->tags.has_counter) {
			b = find_by_markers(&g, m);
			if (!b && source && !(b = find_earlier_by_markers(&g, m, &error)) && error < 0)
				goto cleanup;
		}
		if (!b)
			b = new_builder(&g, m);
		join(&g, b, m);
	}

	series = g_new0(pd_series, g.builders->len + 1);
	for (i = 0; i < g.builders->len; i++) {
		builder *b = g_ptr_array_index(g.builders, i);
		if (b->members->len || b->cover)
			fill_series(&series[(*n_out)++], b);
	}
	*out = series;
	error = PD_OK;
cleanup:
	g_hash_table_destroy(g.continuing);
	g_hash_table_destroy(g.by_marker);
	g_hash_table_destroy(g.owner);
	g_hash_table_destroy(g.by_id);
	g_ptr_array_free(g.builders, TRUE);
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
