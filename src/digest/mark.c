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
			g_free((gpointer)m);
			continue;
		}
		((pd__report *)r)->message_seq[kept] = ((pd__report *)r)->message_seq[i];
		r->messages[kept++] = m;
	}
	r->n_messages = kept;
	return error;
}

/* New series indexed by author and title: "address\ntitle" -> GArray of
 * series indices, ascending.  A repeat or another version has the same
 * author and the same cover or first-patch title, so only those are
 * compared: comparing all of one author's series was quadratic, and a
 * prolific author has thousands at a million messages. */
typedef struct {
	GHashTable *by_cover, *by_first;
} title_index;

static char *title_key(const char *author, const char *title)
{
	return g_strconcat(author, "\n", title, NULL);
}

static GArray *same_title(GHashTable *index, const char *author, const char *title)
{
	char *key;
	GArray *found;

	if (!title)
		return NULL;
	key = title_key(author, title);
	found = g_hash_table_lookup(index, key);
	g_free(key);
	return found;
}

static void index_add(GHashTable *index, const char *author, const char *title, guint i)
{
	char *key;
	GArray *list;

	if (!title)
		return;
	key = title_key(author, title);
	if (!(list = g_hash_table_lookup(index, key))) {
		list = g_array_new(FALSE, FALSE, sizeof(guint));
		g_hash_table_insert(index, key, list);
	} else {
		g_free(key);
	}
	g_array_append_val(list, i);
}

/* Whether series s is marked RFC: its cover's tags, else its first
 * (lowest numbered) patch's. */
int pd__series_is_rfc(const pd_series *s)
{
	const pd_post *lead = s->cover ? s->cover : s->first_patch ? s->first_patch
			       : s->n_patches ? s->patches[0] : NULL;
	return lead && lead->tags.is_rfc;
}

/* The first series of `list` that s repeats (same_version: the same
 * version, RFC marking and patch count, digest.md "already reported"),
 * or the last one of another version (!same_version); -1 when none. */
static long pick(const pd_report *r, const pd_series *s, GArray *list, int same_version)
{
	guint k;

	for (k = 0; list && k < list->len; k++) {
		guint j = g_array_index(list, guint, same_version ? k : list->len - 1 - k);
		const pd_series *o = &r->series[j];
		int same = !strcmp(s->version, o->version);
		if (!same_version && !same)
			return (long)j;
		if (same_version && same && o->expected == s->expected
		    && pd__series_is_rfc(o) == pd__series_is_rfc(s))
			return (long)j;
	}
	return -1;
}

/* The series of this report s repeats (same_version), else the newest
 * other version of it: the spec's same author and same cover-letter or
 * first-patch title; -1 when none. */
static long find_same(const pd_report *r, const pd_series *s, title_index *ix,
		      const char *author, int same_version)
{
	long a = pick(r, s, same_title(ix->by_cover, author, cover_title(s)), same_version);
	long b = pick(r, s, same_title(ix->by_first, author, first_title(s)), same_version);

	if (a < 0 || b < 0)
		return a < 0 ? b : a;
	return same_version ? MIN(a, b) : MAX(a, b);
}

/* The status of series i, which continues nothing: a repeat of one
 * shown before (here or in an earlier digest), hidden, or new, and then
 * the newest other version shown before; a new one joins `ix`.  `author`
 * is its author's address in lower case. */
static int mark_one(pd_report *r, size_t i, title_index *ix, const char *author,
		    const pd__earlier_source *l, GPtrArray *keep)
{
	pd_series *s = &r->series[i];
	long j;
	int error;

	s->status = s->cover || s->first_patch ? PD_SERIES_NEW : PD_SERIES_HIDDEN;
	if ((j = find_same(r, s, ix, author, 1)) >= 0) {
		s->status = PD_SERIES_REPORTED;
		s->reported_as = j;
	}
	if (s->status != PD_SERIES_REPORTED && l && (error = repeat_in_state(s, l, keep)) < 0)
		return error;
	if (s->status != PD_SERIES_NEW)
		return PD_OK;
	/* a new version: name the newest other version shown before */
	s->previous_as = find_same(r, s, ix, author, 0);
	if (s->previous_as < 0 && l) {
		pd_earlier *e = NULL;
		if ((error = ask_state(&e, l, s, 0)) < 0)
			return error;
		if (e) {
			g_ptr_array_add(keep, e);
			s->previous = e;
		}
	}
	index_add(ix->by_cover, author, cover_title(s), (guint)i);
	index_add(ix->by_first, author, first_title(s), (guint)i);
	return PD_OK;
}

/* Sets each series' status: continued (grouping found it in the state),
 * already reported (here or earlier), hidden, or new; and for new ones
 * the other version reported before, if any. */
int pd__mark_series(pd_report *r, const pd__earlier_source *l, GPtrArray *keep)
{
	title_index ix = {
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref),
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref),
	};
	size_t i;
	int error = PD_OK;

	for (i = 0; i < r->n_series && error == PD_OK; i++) {
		pd_series *s = &r->series[i];
		char *author;

		if (s->continues) {
			/* the rest of an earlier series; a repeat, though, when
			 * its first patch arriving now shows it repeats an older
			 * one (the cover could not tell) */
			s->status = PD_SERIES_CONTINUED;
			if (s->first_patch && !s->continues->first_title)
				error = repeat_in_state(s, l, keep);
			continue;
		}
		author = g_ascii_strdown(s->author->address, -1);
		error = mark_one(r, i, &ix, author, l, keep);
		g_free(author);
	}
	g_hash_table_destroy(ix.by_cover);
	g_hash_table_destroy(ix.by_first);
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
