/*
 * digest/mark.c - each series' status against what was shown before:
 * a repeat of a series shown earlier in this report or reported by an
 * earlier digest (Exist/Skip), the rest of an earlier series (continued),
 * hidden, or new with the other version shown before.  Earlier digests
 * are asked through a pd__earlier_source (earlier.h), never the state.
 */
#include <string.h>
#include "digest/digest.h"

/* A series' identity titles; a series continued from an earlier digest
 * has what that one had as well. */
static const char *cover_title(const pd_series *s)
{
	return s->cover ? s->cover->tags.title : s->continues ? s->continues->cover_title : NULL;
}

static const char *first_title(const pd_series *s)
{
	return s->first_patch ? s->first_patch->tags.title
	     : s->continues ? s->continues->first_title : NULL;
}

/* Asks the state about series s: *out a new pd_earlier or NULL. */
static int ask_state(pd_earlier **out, const pd__earlier_source *l, const pd_series *s,
		     int same_version)
{
	char *author = g_ascii_strdown(s->author->address, -1);
	int error = same_version
		? l->same_series(out, author, s->version, cover_title(s), first_title(s),
				 s->continues ? s->continues->id : INT64_MAX, s->expected,
				 pd__series_is_rfc(s), l->self)
		: l->other_version(out, author, s->version, cover_title(s), first_title(s),
				   l->self);
	g_free(author);
	return error;
}

/* Marks s already reported when an earlier digest reported its identity;
 * the report keeps that series (`keep`). */
static int repeat_in_state(pd_series *s, const pd__earlier_source *l, GPtrArray *keep)
{
	pd_earlier *e = NULL;
	int error = ask_state(&e, l, s, 1);

	if (error < 0 || !e)
		return error;
	g_ptr_array_add(keep, e);
	s->status = PD_SERIES_REPORTED;
	s->reported_as = -1;
	s->earlier = e;
	return PD_OK;
}

/* A patch or cover an earlier digest reported, delivered again with the
 * same Message-ID, is the same message: it counts once, as within one
 * digest. */
int pd__drop_reported(pd_report *r, const pd__earlier_source *l)
{
	size_t i, kept = 0;
	int error = PD_OK, seen;

	for (i = 0; i < r->n_messages; i++) {
		const pd_post *m = r->messages[i];
		seen = 0;
		if (error == PD_OK && m->kind != PD_KIND_REPLY && m->message_id)
			error = l->reported_message(&seen, m->message_id, l->self);
		if (seen) {
			r->n_duplicates++;
			/* its record stays in the report's arena, its texts in
			 * the store: nothing finds them any more */
			continue;
		}
		((pd__report *)r)->message_seq[kept] = ((pd__report *)r)->message_seq[i];
		r->messages[kept++] = m;
	}
	r->n_messages = kept;
	return error;
}

/* New series indexed by author and title, one index by the cover's
 * title and one by the first patch's: a repeat or another version has
 * the same author and the same cover or first-patch title, so only
 * those are compared (comparing all of one author's series was
 * quadratic, and a prolific author has thousands at a million
 * messages).  Each index keys on the first series of an author and
 * title, hashing and comparing the address ignoring case and the title
 * exactly, with the last one as the value; the series of one key are a
 * list in posting order through `next`.  No key string or array per
 * series: at a million messages those were 70 MB made and freed. */
typedef struct {
	GHashTable *index;   /* first series -> last series of its key */
	guint32 *next;       /* per series: the next of its key + 1, or 0 */
} title_list;

typedef struct {
	title_list by_cover, by_first;
} title_index;

guint pd__author_title_hash(const char *address, const char *title)
{
	guint h = 5381;

	for (const char *c = address ? address : ""; *c; c++)
		h = h * 33 + (guchar)g_ascii_tolower(*c);
	return h * 33 + g_str_hash(title);
}

gboolean pd__same_author_title(const char *address_a, const char *title_a,
			       const char *address_b, const char *title_b)
{
	return !g_ascii_strcasecmp(address_a ? address_a : "", address_b ? address_b : "")
	    && !strcmp(title_a, title_b);
}

static guint cover_key_hash(gconstpointer p)
{
	const pd_series *s = p;
	return pd__author_title_hash(s->author->address, cover_title(s));
}

static gboolean cover_key_equal(gconstpointer a, gconstpointer b)
{
	const pd_series *x = a, *y = b;
	return pd__same_author_title(x->author->address, cover_title(x),
				     y->author->address, cover_title(y));
}

static guint first_key_hash(gconstpointer p)
{
	const pd_series *s = p;
	return pd__author_title_hash(s->author->address, first_title(s));
}

static gboolean first_key_equal(gconstpointer a, gconstpointer b)
{
	const pd_series *x = a, *y = b;
	return pd__same_author_title(x->author->address, first_title(x),
				     y->author->address, first_title(y));
}

/* The first series (+1) with the author and title that `title` (its
 * cover's or first patch's, by the list) gives series s, or 0. */
static guint32 same_title(const pd_report *r, const title_list *l, const pd_series *s,
			  const char *title)
{
	gpointer first;

	if (!title || !g_hash_table_lookup_extended(l->index, s, &first, NULL))
		return 0;
	return (guint32)((const pd_series *)first - r->series) + 1;
}

static void index_add(const pd_report *r, title_list *l, const char *title, guint i)
{
	const pd_series *s = &r->series[i];
	gpointer first, last;

	if (!title)
		return;
	if (!g_hash_table_lookup_extended(l->index, s, &first, &last)) {
		g_hash_table_insert(l->index, (gpointer)s, (gpointer)s);
		return;
	}
	l->next[(const pd_series *)last - r->series] = i + 1;
	g_hash_table_insert(l->index, first, (gpointer)s);
}

/* Whether series s is marked RFC: its cover's tags, else its first
 * (lowest numbered) patch's. */
int pd__series_is_rfc(const pd_series *s)
{
	const pd_post *lead = s->cover ? s->cover : s->first_patch ? s->first_patch
			       : s->n_patches ? s->patches[0] : NULL;
	return lead && lead->tags.is_rfc;
}

/* The first series of the list from `at` (+1) that s repeats
 * (same_version: the same version, RFC marking and patch count,
 * digest.md "already reported"), or the last one of another version
 * (!same_version); -1 when none. */
static long pick(const pd_report *r, const pd_series *s, const title_list *l, guint32 at,
		 int same_version)
{
	long last_other = -1;

	for (; at; at = l->next[at - 1]) {
		guint j = at - 1;
		const pd_series *o = &r->series[j];
		int same = !strcmp(s->version, o->version);
		if (!same_version && !same)
			last_other = (long)j;
		if (same_version && same && o->expected == s->expected
		    && pd__series_is_rfc(o) == pd__series_is_rfc(s))
			return (long)j;
	}
	return same_version ? -1 : last_other;
}

/* The series of this report s repeats (same_version), else the newest
 * other version of it: the spec's same author and same cover-letter or
 * first-patch title; -1 when none. */
static long find_same(const pd_report *r, const pd_series *s, title_index *ix, int same_version)
{
	long a = pick(r, s, &ix->by_cover, same_title(r, &ix->by_cover, s, cover_title(s)),
		      same_version);
	long b = pick(r, s, &ix->by_first, same_title(r, &ix->by_first, s, first_title(s)),
		      same_version);

	if (a < 0 || b < 0)
		return a < 0 ? b : a;
	return same_version ? MIN(a, b) : MAX(a, b);
}

/* The status of series i, which continues nothing: a repeat of one
 * shown before (here or in an earlier digest), hidden, or new, and then
 * the newest other version shown before; a new one joins `ix`. */
static int mark_one(pd_report *r, size_t i, title_index *ix, const pd__earlier_source *l,
		    GPtrArray *keep)
{
	pd_series *s = &r->series[i];
	long j;
	int error;

	s->status = s->cover || s->first_patch ? PD_SERIES_NEW : PD_SERIES_HIDDEN;
	if ((j = find_same(r, s, ix, 1)) >= 0) {
		s->status = PD_SERIES_REPORTED;
		s->reported_as = j;
	}
	if (s->status != PD_SERIES_REPORTED && l && (error = repeat_in_state(s, l, keep)) < 0)
		return error;
	if (s->status != PD_SERIES_NEW)
		return PD_OK;
	/* a new version: name the newest other version shown before */
	s->previous_as = find_same(r, s, ix, 0);
	if (s->previous_as < 0 && l) {
		pd_earlier *e = NULL;
		if ((error = ask_state(&e, l, s, 0)) < 0)
			return error;
		if (e) {
			g_ptr_array_add(keep, e);
			s->previous = e;
		}
	}
	index_add(r, &ix->by_cover, cover_title(s), (guint)i);
	index_add(r, &ix->by_first, first_title(s), (guint)i);
	return PD_OK;
}

/* Sets each series' status: continued (grouping found it in the state),
 * already reported (here or earlier), hidden, or new; and for new ones
 * the other version reported before, if any. */
int pd__mark_series(pd_report *r, const pd__earlier_source *l, GPtrArray *keep)
{
	title_index ix = {
		{ g_hash_table_new(cover_key_hash, cover_key_equal), g_new0(guint32, r->n_series + 1) },
		{ g_hash_table_new(first_key_hash, first_key_equal), g_new0(guint32, r->n_series + 1) },
	};
	size_t i;
	int error = PD_OK;

	for (i = 0; i < r->n_series && error == PD_OK; i++) {
		pd_series *s = &r->series[i];

		if (s->continues) {
			/* the rest of an earlier series; a repeat, though, when
			 * its first patch arriving now shows it repeats an older
			 * one (the cover could not tell) */
			s->status = PD_SERIES_CONTINUED;
			if (s->first_patch && !s->continues->first_title)
				error = repeat_in_state(s, l, keep);
			continue;
		}
		error = mark_one(r, i, &ix, l, keep);
	}
	g_hash_table_destroy(ix.by_cover.index);
	g_hash_table_destroy(ix.by_first.index);
	g_free(ix.by_cover.next);
	g_free(ix.by_first.next);
	return error;
}

void pd__earlier_source_free(pd__earlier_source *source)
{
	if (!source)
		return;
	if (source->free)
		source->free(source->self);
	g_free(source);
}
