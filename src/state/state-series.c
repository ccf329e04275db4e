/*
 * state/state-series.c - the series earlier digests reported: finding them for a
 * new digest, and recording the series a digest reported.
 *
 * A series is remembered by its identity as the spec defines "already
 * reported" (author address, version, cover and first-patch titles) and by
 * the Message-IDs of its patches and cover, so that a patch arriving in a
 * later range joins the series its thread belongs to.
 */
#include <string.h>
#include "state/state.h"
#include "digest/earlier.h"

void pd_earlier_free(pd_earlier *e)
{
	if (!e)
		return;
	g_free(e->digest_range);
	g_free(e->author);
	g_free(e->title);
	g_free(e->cover_title);
	g_free(e->first_title);
	g_free(e->author_name);
	g_free(e->numbers);
	g_free(e);
}

static char *column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);
	return v ? g_strdup((const char *)v) : NULL;
}

int pd__state_load(pd_earlier **out, pd_state *s, int64_t id)
{
	sqlite3_stmt *st;
	pd_earlier *e;
	GArray *numbers;
	int rc, error;

	*out = NULL;
	if ((error = pd__state_stmt(&st, s, Q_EARLIER_LOAD)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : pd__state_fail(s, rc, "reading a series");
	}
	e = g_new0(pd_earlier, 1);
	e->id = sqlite3_column_int64(st, 0);
	e->digest_id = sqlite3_column_int64(st, 1);
	e->digest_made = sqlite3_column_int64(st, 2);
	e->digest_end = sqlite3_column_int64(st, 3);
	e->digest_range = column_dup(st, 4);
	e->author = column_dup(st, 5);
	g_strlcpy(e->version, (const char *)sqlite3_column_text(st, 6), sizeof(e->version));
	e->title = column_dup(st, 7);
	e->cover_title = column_dup(st, 8);
	e->first_title = column_dup(st, 9);
	e->expected = sqlite3_column_int(st, 10);
	e->has_cover = sqlite3_column_int(st, 11);
	e->last_date = sqlite3_column_int64(st, 12);
	e->author_name = column_dup(st, 13);
	e->first_date = sqlite3_column_int64(st, 14);
	if (!e->first_date)
		e->first_date = e->last_date;
	e->last_review = sqlite3_column_int64(st, 15);
	e->review_status = (pd_review_status)sqlite3_column_int(st, 16);
	e->superseded = sqlite3_column_int(st, 17);
	sqlite3_reset(st);

	if ((error = pd__state_stmt(&st, s, Q_EARLIER_NUMBERS)) < 0) {
		pd_earlier_free(e);
		return error;
	}
	sqlite3_bind_int64(st, 1, id);
	numbers = g_array_new(FALSE, FALSE, sizeof(int));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_int(st, 0);
		g_array_append_val(numbers, n);
	}
	sqlite3_reset(st);
	e->n_numbers = numbers->len;
	e->numbers = (int *)g_array_free(numbers, FALSE);
	if (rc != SQLITE_DONE) {
		pd_earlier_free(e);
		return pd__state_fail(s, rc, "reading a series");
	}
	*out = e;
	return 1;
}

/* Runs a statement whose first column is a series id; loads the first. */
static int load_first(pd_earlier **out, pd_state *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int64_t id;

	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : pd__state_fail(s, rc, "looking up a series");
	}
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return pd__state_load(out, s, id);
}

int pd__state_by_message(pd_earlier **out, pd_state *s, int64_t archive_id,
			 const char *message_id)
{
	sqlite3_stmt *st;
	int error;

	*out = NULL;
	if ((error = pd__state_stmt(&st, s, Q_BY_MESSAGE)) < 0)
		return error;
	sqlite3_bind_text(st, 1, message_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, archive_id);
	return load_first(out, s, st);
}

int pd__state_reported_message(int *out, pd_state *s, int64_t archive_id,
			       const char *message_id)
{
	sqlite3_stmt *st;
	int rc, error;

	*out = 0;
	if ((error = pd__state_stmt(&st, s, Q_REPORTED_MESSAGE)) < 0)
		return error;
	sqlite3_bind_text(st, 1, message_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, archive_id);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PD_OK : pd__state_fail(s, rc, "looking up a message");
}

int pd__state_load_each(GPtrArray **out, pd_state *s, sqlite3_stmt *st, const char *doing)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int rc, error = PD_OK;

	*out = g_ptr_array_new_with_free_func((GDestroyNotify)pd_earlier_free);
	/* the ids first: loading one resets statements this one may share */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		error = pd__state_fail(s, rc, doing);
	for (guint i = 0; i < ids->len && error >= 0; i++) {
		pd_earlier *e = NULL;
		if ((error = pd__state_load(&e, s, g_array_index(ids, int64_t, i))) > 0)
			g_ptr_array_add(*out, e);
	}
	g_array_free(ids, TRUE);
	if (error < 0) {
		g_ptr_array_unref(*out);
		*out = NULL;
		return error;
	}
	return PD_OK;
}

int pd__state_by_markers(GPtrArray **out, pd_state *s, int64_t archive_id,
			 const char *author, const char *version, int total,
			 int64_t date, int64_t window)
{
	sqlite3_stmt *st;
	int error;

	*out = NULL;
	if ((error = pd__state_stmt(&st, s, Q_BY_MARKERS)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, archive_id);
	sqlite3_bind_text(st, 2, author, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, version, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, total);
	sqlite3_bind_int64(st, 5, date - window);
	sqlite3_bind_int64(st, 6, date + window);
	return pd__state_load_each(out, s, st, "looking up a series");
}

static int by_titles(pd_earlier **out, pd_state *s, pd__query q, int64_t archive_id,
		     const char *author, const char *version,
		     const char *cover_title, const char *first_title, int64_t before,
		     int expected, int rfc)
{
	sqlite3_stmt *st;
	int error;

	*out = NULL;
	if (!cover_title && !first_title)
		return 0; /* nothing to recognise it by */
	if ((error = pd__state_stmt(&st, s, q)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, archive_id);
	sqlite3_bind_text(st, 2, author, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, version, -1, SQLITE_STATIC);
	/* a NULL title binds NULL, and NULL = x is never true */
	sqlite3_bind_text(st, 4, cover_title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, first_title, -1, SQLITE_STATIC);
	if (q == Q_SAME_SERIES) {
		sqlite3_bind_int64(st, 6, before);
		sqlite3_bind_int(st, 7, expected);
		sqlite3_bind_int(st, 8, rfc);
	}
	return load_first(out, s, st);
}

int pd__state_same_series(pd_earlier **out, pd_state *s, int64_t archive_id,
			  const char *author, const char *version,
			  const char *cover_title, const char *first_title, int64_t before,
			  int expected, int rfc)
{
	return by_titles(out, s, Q_SAME_SERIES, archive_id, author, version,
			 cover_title, first_title, before, expected, rfc);
}

int pd__state_other_version(pd_earlier **out, pd_state *s, int64_t archive_id,
			    const char *author, const char *version,
			    const char *cover_title, const char *first_title)
{
	return by_titles(out, s, Q_OTHER_VERSION, archive_id, author, version,
			 cover_title, first_title, 0, 0, 0);
}

/* ---- recording ---------------------------------------------------------- */

static int step_done(pd_state *s, sqlite3_stmt *st, const char *doing)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PD_OK : pd__state_fail(s, rc, doing);
}

static int prepare(sqlite3_stmt **st, pd_state *s, const char *sql)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	return rc == SQLITE_OK ? PD_OK : pd__state_fail(s, rc, "preparing to record");
}

/* The archive's id, adding the archive when the state does not know it. */
static int ensure_archive(int64_t *out, pd_state *s, const char *key, pd_archive_kind kind)
{
	sqlite3_stmt *st = NULL;
	int error;

	if ((error = pd__state_archive_id(out, s, key)) < 0 || *out)
		return error;
	if ((error = prepare(&st, s, "INSERT INTO archive (key, kind, added) VALUES (?1, ?2, ?3)")) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pd_archive_kind_to_string(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, g_get_real_time() / G_USEC_PER_SEC);
	error = step_done(s, st, "adding the archive");
	sqlite3_finalize(st);
	if (error == PD_OK)
		*out = sqlite3_last_insert_rowid(s->db);
	return error;
}

static int require_transaction(pd_state *s)
{
	if (!s->in_transaction || s->read_only)
		return pd__error(PD_ERR_INVALID, "recording needs pd_state_begin() on a "
				 "state opened for writing");
	return PD_OK;
}

int pd_state_record_position(pd_state *s, const char *key, pd_archive_kind kind,
			     const pd_position *position)
{
	sqlite3_stmt *st = NULL;
	int64_t archive_id;
	size_t i;
	int error;

	if ((error = require_transaction(s)) < 0 || !position)
		return error;
	if ((error = ensure_archive(&archive_id, s, key, kind)) < 0)
		return error;
	if ((error = prepare(&st, s, "INSERT OR REPLACE INTO position (archive_id, epoch, commit_id,"
			     " commit_time) VALUES (?1, ?2, ?3, ?4)")) < 0)
		return error;
	for (i = 0; i < position->n_epochs && error == PD_OK; i++) {
		sqlite3_bind_int64(st, 1, archive_id);
		sqlite3_bind_int(st, 2, (int)position->epochs[i].epoch);
		sqlite3_bind_text(st, 3, position->epochs[i].commit, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, position->epochs[i].commit_time);
		error = step_done(s, st, "recording the position");
	}
	sqlite3_finalize(st);
	return error;
}

typedef struct {
	pd_state *s;
	sqlite3_stmt *series, *message, *touch;
	int64_t archive_id, digest_id;
} recorder;

/* Remembers the series' messages, and what they answer (number -1): a
 * message arriving later joins the series through either, as threading
 * does within one digest (patches may name a cover that comes after).
 * Of what a message refers to only its parent (In-Reply-To) and its
 * thread's root (the oldest References entry) can be a message of this
 * series still to come: the rest of a long References chain is older
 * mail, and storing it all made a state of 150 MB from 2,000 patches. */
static int record_messages(recorder *rec, int64_t series_id, const pd_series *ser)
{
	size_t i, j;
	int error = PD_OK;

	for (i = 0; i <= ser->n_patches && error == PD_OK; i++) {
		const pd_post *m = i < ser->n_patches ? ser->patches[i] : ser->cover;
		size_t n_refs = 0;
		const char *ids[3];
		if (!m)
			continue;
		while (m->references[n_refs])
			n_refs++;
		ids[0] = m->message_id;
		ids[1] = n_refs ? m->references[0] : NULL;
		ids[2] = n_refs > 1 ? m->references[n_refs - 1] : NULL;
		for (j = 0; j < 3 && error == PD_OK; j++) {
			const char *id = ids[j];
			int number = j > 0 ? -1 : m->kind == PD_KIND_COVER ? 0 : m->tags.number;
			if (!id)
				continue;
			sqlite3_bind_text(rec->message, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(rec->message, 2, series_id);
			sqlite3_bind_int(rec->message, 3, number);
			error = step_done(rec->s, rec->message, "recording a series");
		}
	}
	return error;
}

/* A message's title, or NULL (which sqlite3_bind_text binds as NULL). */
static const char *title_of(const pd_post *m)
{
	return m ? m->tags.title : NULL;
}

static int record_series(recorder *rec, const pd_series *ser, int64_t *id_out)
{
	char *author = g_ascii_strdown(ser->author->address, -1);
	int error;

	sqlite3_bind_int64(rec->series, 1, rec->archive_id);
	sqlite3_bind_int64(rec->series, 2, rec->digest_id);
	sqlite3_bind_text(rec->series, 3, author, -1, g_free);
	sqlite3_bind_text(rec->series, 4, ser->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(rec->series, 5, ser->title ? ser->title : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(rec->series, 6, title_of(ser->cover), -1, SQLITE_STATIC);
	sqlite3_bind_text(rec->series, 7, title_of(ser->first_patch), -1, SQLITE_STATIC);
	sqlite3_bind_int(rec->series, 8, ser->expected);
	sqlite3_bind_int(rec->series, 9, ser->cover != NULL);
	sqlite3_bind_int64(rec->series, 10, ser->last_date);
	sqlite3_bind_int(rec->series, 11, pd__series_is_rfc(ser));
	error = step_done(rec->s, rec->series, "recording a series");
	*id_out = sqlite3_last_insert_rowid(rec->s->db);
	return error;
}

/* A later part of an earlier series: it now has these messages too. */
static int touch_series(recorder *rec, const pd_series *ser, int64_t id)
{
	sqlite3_bind_int64(rec->touch, 1, id);
	sqlite3_bind_int(rec->touch, 2, ser->cover != NULL);
	sqlite3_bind_int64(rec->touch, 3, ser->last_date);
	sqlite3_bind_text(rec->touch, 4, title_of(ser->first_patch), -1, SQLITE_STATIC);
	sqlite3_bind_text(rec->touch, 5, title_of(ser->cover), -1, SQLITE_STATIC);
	return step_done(rec->s, rec->touch, "recording a series");
}

static int insert_digest(recorder *rec, const pd_report *r)
{
	sqlite3_stmt *st = NULL;
	size_t i, counts[4] = { 0 };
	char *range = g_strdup_printf("%s..%s", r->from_label, r->to_label);
	int error;

	for (i = 0; i < r->n_series; i++)
		if ((unsigned)r->series[i].status < 4)
			counts[r->series[i].status]++;
	error = prepare(&st, rec->s, "INSERT INTO digest (archive_id, made, range, period_end,"
			" n_messages, n_new, n_reported, n_continued)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (error == PD_OK) {
		sqlite3_bind_int64(st, 1, rec->archive_id);
		sqlite3_bind_int64(st, 2, g_get_real_time() / G_USEC_PER_SEC);
		sqlite3_bind_text(st, 3, range, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, r->last_message_date);
		sqlite3_bind_int64(st, 5, (int64_t)(r->n_patches + r->n_covers + r->n_replies));
		sqlite3_bind_int64(st, 6, (int64_t)counts[PD_SERIES_NEW]);
		sqlite3_bind_int64(st, 7, (int64_t)counts[PD_SERIES_REPORTED]);
		sqlite3_bind_int64(st, 8, (int64_t)counts[PD_SERIES_CONTINUED]);
		error = step_done(rec->s, st, "recording the digest");
		rec->digest_id = sqlite3_last_insert_rowid(rec->s->db);
	}
	sqlite3_finalize(st);
	g_free(range);
	return error;
}

int pd_state_record(pd_state *s, const char *key, pd_archive_kind kind,
		    const pd_report *r, const pd_position *position)
{
	recorder rec = { s, NULL, NULL, NULL, 0, 0 };
	int64_t *ids = NULL;
	size_t i;
	int error;

	if ((error = require_transaction(s)) < 0)
		return error;
	if ((error = ensure_archive(&rec.archive_id, s, key, kind)) < 0)
		goto cleanup;
	if ((error = insert_digest(&rec, r)) < 0
	    || (error = pd__state_keep_report(s, rec.digest_id, r)) < 0)
		goto cleanup;
	if ((error = prepare(&rec.series, s, "INSERT INTO series (archive_id, digest_id, author,"
			     " version, title, cover_title, first_title, expected, has_cover,"
			     " last_date, rfc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")) < 0
	    || (error = prepare(&rec.message, s, "INSERT INTO series_message"
				" (message_id, series_id, number) VALUES (?1, ?2, ?3)"
				" ON CONFLICT DO UPDATE SET number = max(number, excluded.number)")) < 0
	    || (error = prepare(&rec.touch, s, "UPDATE series SET has_cover = has_cover OR ?2,"
				" last_date = max(last_date, ?3),"
				" first_title = coalesce(first_title, ?4),"
				" cover_title = coalesce(cover_title, ?5) WHERE id = ?1")) < 0)
		goto cleanup;

	/* series in posting order, so one reported earlier in this report
	 * already has its id when a repeat of it comes */
	ids = g_new0(int64_t, r->n_series + 1);
	for (i = 0; i < r->n_series && error == PD_OK; i++) {
		const pd_series *ser = &r->series[i];
		switch (ser->status) {
		case PD_SERIES_NEW:
		case PD_SERIES_HIDDEN:
			error = record_series(&rec, ser, &ids[i]);
			break;
		case PD_SERIES_REPORTED:
		case PD_SERIES_CONTINUED:
			if (ser->continues) {
				ids[i] = ser->continues->id;
				error = touch_series(&rec, ser, ids[i]);
			} else {
				ids[i] = ser->reported_as >= 0 ? ids[ser->reported_as] : ser->earlier->id;
			}
			break;
		}
		if (error == PD_OK)
			error = record_messages(&rec, ids[i], ser);
	}
	if (error == PD_OK)
		error = pd__state_record_review(s, rec.archive_id, r, ids);
	if (error == PD_OK)
		error = pd_state_record_position(s, key, kind, position);
cleanup:
	g_free(ids);
	sqlite3_finalize(rec.series);
	sqlite3_finalize(rec.message);
	sqlite3_finalize(rec.touch);
	return error;
}
