/*
 * state/state-review.c - the review side across digests.  A reply weeks
 * after a series was reported answers a message the state remembers
 * (series_message, numbers >= 0); what replies did to a series (its last
 * reviewer reply, its review status, a newer version) is recorded with
 * each digest, so a later digest can tell which earlier series still
 * wait for a reviewer.
 */
#include "state/state.h"
#include "digest/earlier.h"

int pd__state_answered(pd_earlier **out, int *number, pd_state *s, int64_t archive_id,
		       const char *message_id)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc, error;

	*out = NULL;
	*number = -1;
	if ((error = pd__state_stmt(&st, s, Q_ANSWERED)) < 0)
		return error;
	sqlite3_bind_text(st, 1, message_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, archive_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : pd__state_fail(s, rc, "looking up a message");
	}
	id = sqlite3_column_int64(st, 0);
	*number = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	return pd__state_load(out, s, id);
}

int pd__state_waiting(GPtrArray **out, pd_state *s, int64_t archive_id, int64_t horizon,
		      int64_t quiet)
{
	sqlite3_stmt *st;
	int error;

	*out = NULL;
	if ((error = pd__state_stmt(&st, s, Q_WAITING)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, archive_id);
	sqlite3_bind_int64(st, 2, horizon);
	sqlite3_bind_int64(st, 3, quiet);
	return pd__state_load_each(out, s, st, "looking up waiting series");
}

/* Binds and runs the update of one series' review columns. */
static int update(pd_state *s, sqlite3_stmt *st, int64_t id, const pd_series *ser)
{
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ser->last_review);
	sqlite3_bind_int(st, 3, (int)ser->review_status);
	if (ser->author && ser->author->name && *ser->author->name)
		sqlite3_bind_text(st, 4, ser->author->name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	if (ser->first_date)
		sqlite3_bind_int64(st, 5, ser->first_date);
	else
		sqlite3_bind_null(st, 5);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? PD_OK : pd__state_fail(s, rc, "recording the review side");
}

static int supersede(pd_state *s, sqlite3_stmt *st, int64_t id)
{
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PD_OK : pd__state_fail(s, rc, "recording the review side");
}

/* The state id of a look-back series: through its cover letter or any
 * of its patches; 0 when no digest reported it. */
static int lookback_id(int64_t *out, pd_state *s, int64_t archive_id, const pd_series *ser)
{
	*out = 0;
	for (size_t k = 0; k <= ser->n_patches; k++) {
		const pd_post *m = k < ser->n_patches ? ser->patches[k] : ser->cover;
		pd_earlier *e = NULL;
		int number, found;
		if (!m || !m->message_id)
			continue;
		if ((found = pd__state_answered(&e, &number, s, archive_id, m->message_id)) < 0)
			return found;
		if (found) {
			*out = e->id;
			pd_earlier_free(e);
			return PD_OK;
		}
	}
	return PD_OK;
}

int pd__state_record_review(pd_state *s, int64_t archive_id, const pd_report *r,
			    const int64_t *ids)
{
	sqlite3_stmt *up = NULL, *sup = NULL;
	int rc, error = PD_OK;
	size_t i;

	if (s->schema < 3)
		return PD_OK; /* read as it is: nothing to record into */
	rc = sqlite3_prepare_v2(s->db, "UPDATE series SET last_review = max(last_review, ?2),"
				" review_status = max(review_status, ?3),"
				" author_name = coalesce(?4, author_name),"
				" first_date = CASE WHEN ?5 IS NOT NULL AND (first_date = 0 OR"
				" first_date > ?5) THEN ?5 ELSE first_date END WHERE id = ?1",
				-1, &up, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "UPDATE series SET superseded = 1 WHERE id = ?1",
					-1, &sup, NULL);
	if (rc != SQLITE_OK) {
		error = pd__state_fail(s, rc, "recording the review side");
		goto cleanup;
	}
	for (i = 0; i < r->n_series && error == PD_OK; i++) {
		const pd_series *ser = &r->series[i];
		if (ids[i])
			error = update(s, up, ids[i], ser);
		/* a newer version makes the older one wait no more */
		if (error == PD_OK && ser->previous_as >= 0 && ids[ser->previous_as]
		    && ids[ser->previous_as] != ids[i])
			error = supersede(s, sup, ids[ser->previous_as]);
		if (error == PD_OK && ser->previous)
			error = supersede(s, sup, ser->previous->id);
	}
	for (i = 0; i < r->n_lookback_series && error == PD_OK; i++) {
		const pd_series *ser = &r->lookback_series[i];
		int64_t id = 0;
		if (!ser->n_replies)
			continue;
		if ((error = lookback_id(&id, s, archive_id, ser)) == PD_OK && id)
			error = update(s, up, id, ser);
	}
	for (i = 0; i < r->n_earlier_series && error == PD_OK; i++) {
		const pd_series *ser = &r->earlier_series[i];
		if (ser->earlier && ser->n_replies)
			error = update(s, up, ser->earlier->id, ser);
	}
cleanup:
	sqlite3_finalize(up);
	sqlite3_finalize(sup);
	return error;
}
