/*
 * digest.c - from messages to a report: unique messages in archive order,
 * series, the two tables, and which series were reported already.
 */
#include <string.h>
#include "archive-private.h"
#include "state-private.h"
#include "digest-private.h"


int pd_digest_new(pd_digest **out, const pd_digest_options *opts)
{
	pd_digest_options defaults = PD_DIGEST_OPTIONS_INIT;
	pd_digest *d = g_new0(pd_digest, 1);

	d->opts = opts ? *opts : defaults;
	d->name = g_strdup(d->opts.name);
	d->lore_list = g_strdup(d->opts.lore_list);
	d->opts.name = d->opts.lore_list = NULL;
	d->messages = g_ptr_array_new_with_free_func(g_free); /* packed */
	d->pool = g_string_chunk_new(64 * 1024);
	d->ids = g_hash_table_new(g_str_hash, g_str_equal);
	d->bodies = pd__body_store_new();
	*out = d;
	return PD_OK;
}

void pd_digest_free(pd_digest *d)
{
	if (!d)
		return;
	g_hash_table_destroy(d->ids);
	g_ptr_array_free(d->messages, TRUE);
	if (d->pool)
		g_string_chunk_free(d->pool);
	pd__body_store_free(d->bodies);
	g_free(d->name);
	g_free(d->lore_list);
	g_free(d);
}

static void diag(pd_digest *d, pd_diag_level level, const char *origin, const char *what)
{
	if (d->opts.diag)
		d->opts.diag(level, origin ? origin : "", what, d->opts.diag_payload);
}

void pd_digest_note_skipped(pd_digest *d, const char *origin, const char *what)
{
	d->n_skipped++;
	diag(d, PD_DIAG_SKIPPED, origin, what);
}

int pd_digest_add_message(pd_digest *d, pd_message *m)
{
	pd_message *kept;

	if (m->message_id && g_hash_table_contains(d->ids, m->message_id)) {
		d->n_duplicates++; /* the same message delivered twice counts once */
		pd_message_free(m);
		return PD_OK;
	}
	/* kept in one block (message-pack.c), its commit message in the
	 * body store: read again only when written out */
	kept = pd__message_pack(m, d->pool, 0);
	if (m->commit_message && !pd__body_store_put(d->bodies, kept, m->commit_message)) {
		g_free(kept);
		kept = pd__message_pack(m, d->pool, 1);
	}
	pd_message_free(m);
	if (kept->message_id)
		g_hash_table_add(d->ids, kept->message_id);
	g_ptr_array_add(d->messages, kept);
	return PD_OK;
}

/* A reply counts, threads and dates the range; nothing else of it is
 * read again.  Half of an archive's messages are replies: keeping only
 * what is read keeps a digest of millions of messages in memory.  The
 * first List-Id stays, for guessing the list's name. */
static void slim_reply(pd_digest *d, pd_message *m)
{
	char **strings[] = { &m->subject, &m->tags.title, &m->sender.name, &m->sender.address,
			     &m->author.name, &m->author.address, &m->date_raw, &m->origin,
			     &m->damage, &m->to_address, &m->commit_message };

	for (size_t i = 0; i < G_N_ELEMENTS(strings); i++) {
		g_free(*strings[i]);
		*strings[i] = NULL;
	}
	if (m->list_id && d->have_list_id) {
		g_free(m->list_id);
		m->list_id = NULL;
	}
	d->have_list_id |= m->list_id && *m->list_id;
}

int pd__digest_take(pd_digest *d, pd_message *m, const char *origin, int64_t archive_time)
{
	if (m->kind != PD_KIND_REPLY)
		d->have_list_id |= m->list_id && *m->list_id;
	if (archive_time)
		m->archive_time = archive_time;
	else if ((d->opts.since && m->date < d->opts.since)
		 || (d->opts.until && m->date >= d->opts.until)) {
		pd_message_free(m); /* outside --since/--until */
		return PD_OK;
	}
	if (m->damaged) {
		d->n_damaged++;
		diag(d, PD_DIAG_WARNING, origin, m->damage);
	}
	if (m->kind == PD_KIND_REPLY)
		slim_reply(d, m);
	return pd_digest_add_message(d, m);
}

int pd_digest_add_raw(pd_digest *d, const pd_raw_message *raw)
{
	pd_parse_options po = PD_PARSE_OPTIONS_INIT;
	pd_message *m = NULL;

	po.keep_all_bodies = d->opts.keep_all_bodies;
	if (pd_message_parse(&m, raw->data, raw->len, raw->origin, &po) < 0) {
		pd_digest_note_skipped(d, raw->origin, pd_error_last());
		return PD_OK;
	}
	return pd__digest_take(d, m, raw->origin, raw->archive_time);
}

/* ---- tables ------------------------------------------------------------- */

typedef struct {
	GHashTable *index;  /* key -> position in rows */
	GArray *rows;       /* pd_tally */
} tally;

static void tally_add(tally *t, const char *key, const char *display_if_new)
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

static pd_tally *tally_finish(tally *t, size_t *n)
{
	g_array_sort(t->rows, by_count);
	*n = t->rows->len;
	g_hash_table_destroy(t->index);
	return (pd_tally *)g_array_free(t->rows, FALSE);
}

static void build_tables(pd_report *r)
{
	tally domains = { g_hash_table_new(g_str_hash, g_str_equal),
			  g_array_new(FALSE, FALSE, sizeof(pd_tally)) };
	tally people = { g_hash_table_new(g_str_hash, g_str_equal),
			 g_array_new(FALSE, FALSE, sizeof(pd_tally)) };
	size_t i;

	for (i = 0; i < r->n_messages; i++) {
		const pd_message *m = r->messages[i];
		char *domain, *key, *display;
		if (m->kind == PD_KIND_REPLY)
			continue;
		domain = pd__address_domain(m->author.address);
		key = g_ascii_strdown(m->author.address, -1);
		display = pd__person_display_quoted(&m->author);
		tally_add(&domains, domain, domain);
		tally_add(&people, key, display);
		g_free(domain);
		g_free(key);
		g_free(display);
	}
	r->domains = tally_finish(&domains, &r->n_domains);
	r->contributors = tally_finish(&people, &r->n_contributors);
}

/* ---- what earlier digests reported -------------------------------------- */

/* The state as grouping and marking see it: one archive's series. */
typedef struct {
	pd_state *state;
	int64_t archive_id;   /* 0: the state knows nothing of this archive */
} earlier_lookup;

static int lookup_by_message(pd_earlier **out, const char *id, void *self)
{
	earlier_lookup *l = self;
	int found = pd__state_by_message(out, l->state, l->archive_id, id);
	return found < 0 ? found : PD_OK;
}

static int lookup_by_markers(GPtrArray **out, const pd_message *m, int64_t window, void *self)
{
	earlier_lookup *l = self;
	char *author = g_ascii_strdown(m->author.address, -1);
	int error = pd__state_by_markers(out, l->state, l->archive_id, author,
					 m->tags.version, m->tags.total, m->date, window);
	g_free(author);
	return error;
}

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
static int ask_state(pd_earlier **out, earlier_lookup *l, const pd_series *s, int same_version)
{
	char *author = g_ascii_strdown(s->author->address, -1);
	int found = same_version
		? pd__state_same_series(out, l->state, l->archive_id, author, s->version,
					cover_title(s), first_title(s),
					s->continues ? s->continues->id : INT64_MAX)
		: pd__state_other_version(out, l->state, l->archive_id, author, s->version,
					  cover_title(s), first_title(s));
	g_free(author);
	return found < 0 ? found : PD_OK;
}

/* Marks s already reported when an earlier digest reported its identity;
 * the report keeps that series (`keep`). */
static int repeat_in_state(pd_series *s, earlier_lookup *l, GPtrArray *keep)
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
static int drop_reported(pd_report *r, earlier_lookup *l)
{
	size_t i, kept = 0;
	int error = PD_OK, seen;

	for (i = 0; i < r->n_messages; i++) {
		pd_message *m = r->messages[i];
		seen = 0;
		if (error == PD_OK && m->kind != PD_KIND_REPLY && m->message_id)
			error = pd__state_reported_message(&seen, l->state, l->archive_id, m->message_id);
		if (seen) {
			r->n_duplicates++;
			g_free(m); /* packed */
			continue;
		}
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

/* The first (same_version) or the last (!same_version) series of `list`
 * whose version is (or is not) s's; -1 when none. */
static long pick(const pd_report *r, const pd_series *s, GArray *list, int same_version)
{
	guint k;

	for (k = 0; list && k < list->len; k++) {
		guint j = g_array_index(list, guint, same_version ? k : list->len - 1 - k);
		if ((strcmp(s->version, r->series[j].version) == 0) == same_version)
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
		    earlier_lookup *l, GPtrArray *keep)
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
static int mark_reported(pd_report *r, earlier_lookup *l, GPtrArray *keep)
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

/* ---- the list's name ---------------------------------------------------- */

/* "kvm.vger.kernel.org" -> "kvm"; lists on vger and lists.linux.dev are
 * on lore under the local part of their address. */
static void guess_list(pd_report *r)
{
	size_t i;
	char *label = NULL;
	int known = 0;

	for (i = 0; i < r->n_messages && !label; i++) {
		const pd_message *m = r->messages[i];
		if (m->list_id && *m->list_id) {
			const char *dot = strchr(m->list_id, '.');
			label = g_strndup(m->list_id, dot ? (size_t)(dot - m->list_id) : strlen(m->list_id));
			known = 1;
		}
	}
	for (i = 0; i < r->n_messages && !label; i++) {
		const pd_message *m = r->messages[i];
		const char *at = m->to_address ? strchr(m->to_address, '@') : NULL;
		if (at && m->kind != PD_KIND_REPLY) {
			label = g_strndup(m->to_address, at - m->to_address);
			known = !g_ascii_strcasecmp(at + 1, "vger.kernel.org")
			     || !g_ascii_strcasecmp(at + 1, "lists.linux.dev");
		}
	}
	if (!r->name)
		r->name = label ? g_ascii_strup(label, -1) : g_strdup("Mailing");
	if (!r->lore_list && label && known)
		r->lore_list = g_ascii_strdown(label, -1);
	g_free(label);
}

int pd_digest_finish(pd_report **out, pd_digest *d, const char *from_label,
		     const char *to_label, pd_state *state, const char *archive_key)
{
	pd__report *full = g_new0(pd__report, 1);
	pd_report *r = &full->pub;
	GPtrArray *keep = g_ptr_array_new_with_free_func((GDestroyNotify)pd_earlier_free);
	earlier_lookup lookup = { state, 0 };
	pd__earlier_source source = { lookup_by_message, lookup_by_markers, &lookup };
	int error = PD_OK, use_state = 0;
	size_t i;

	*out = NULL;
	r->n_messages = d->messages->len;
	r->messages = (pd_message **)g_ptr_array_free(d->messages, FALSE);
	d->messages = g_ptr_array_new();
	r->n_duplicates = d->n_duplicates;
	r->n_skipped = d->n_skipped;
	r->n_damaged = d->n_damaged;
	r->name = d->name;
	r->lore_list = d->lore_list;
	d->name = d->lore_list = NULL;
	full->bodies = d->bodies;
	d->bodies = NULL;
	full->pool = d->pool;
	d->pool = NULL;
	pd_digest_free(d);

	if (state && archive_key) {
		error = pd__state_archive_id(&lookup.archive_id, state, archive_key);
		use_state = error == PD_OK && lookup.archive_id != 0;
	}
	if (use_state && (error = drop_reported(r, &lookup)) < 0)
		goto fail;
	for (i = 0; i < r->n_messages; i++) {
		switch (r->messages[i]->kind) {
		case PD_KIND_PATCH: r->n_patches++; break;
		case PD_KIND_COVER: r->n_covers++; break;
		default: r->n_replies++;
		}
	}
	if (error == PD_OK)
		error = pd__group_series(&r->series, &r->n_series, r->messages, r->n_messages,
					 use_state ? &source : NULL, keep);
	if (error == PD_OK)
		error = mark_reported(r, use_state ? &lookup : NULL, keep);
fail:
	r->n_earlier = keep->len;
	r->earlier = (pd_earlier **)g_ptr_array_free(keep, FALSE);
	if (error < 0) {
		pd_report_free(r);
		return error;
	}
	build_tables(r);
	guess_list(r);
	if (from_label)
		r->from_label = g_strdup(from_label);
	else
		r->from_label = r->n_messages ? pd__format_date(r->messages[0]->date) : g_strdup("-");
	if (to_label)
		r->to_label = g_strdup(to_label);
	else
		r->to_label = r->n_messages ? pd__format_date(r->messages[r->n_messages - 1]->date)
					    : g_strdup("-");
	*out = r;
	return PD_OK;
}

static void free_tallies(pd_tally *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		g_free(rows[i].key);
		g_free(rows[i].display);
	}
	g_free(rows);
}

void pd_report_free(pd_report *r)
{
	size_t i;

	if (!r)
		return;
	pd__series_array_free(r->series, r->n_series);
	for (i = 0; i < r->n_messages; i++)
		g_free(r->messages[i]); /* packed */
	g_free(r->messages);
	free_tallies(r->domains, r->n_domains);
	free_tallies(r->contributors, r->n_contributors);
	g_free(r->name);
	g_free(r->lore_list);
	g_free(r->from_label);
	g_free(r->to_label);
	for (i = 0; i < r->n_earlier; i++)
		pd_earlier_free(r->earlier[i]);
	g_free(r->earlier);
	pd__body_store_free(((pd__report *)r)->bodies);
	if (((pd__report *)r)->pool)
		g_string_chunk_free(((pd__report *)r)->pool);
	g_free(r);
}

int pd_report_commit_message(char **out, const pd_report *r, const pd_message *m)
{
	return pd__body_store_get(out, ((const pd__report *)r)->bodies, m);
}

