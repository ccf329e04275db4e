/*
 * state/state-archives.c - what the state database knows per archive: the
 * position its last digest reached, a summary of its digests, and
 * forgetting it.
 */
#include <string.h>
#include "state/state.h"

void pd_position_free(pd_position *p)
{
	if (!p)
		return;
	g_free(p->epochs);
	g_free(p);
}

/* Reads the position rows of archive `archive_id`; *out NULL when none. */
static int read_position(pd_position **out, pd_state *s, int64_t archive_id)
{
	sqlite3_stmt *st = NULL;
	GArray *epochs;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v2(s->db, s->schema >= 2
				? "SELECT epoch, commit_id, commit_time FROM position"
				  " WHERE archive_id = ?1 ORDER BY epoch"
				: "SELECT epoch, commit_id, 0 FROM position"
				  " WHERE archive_id = ?1 ORDER BY epoch", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return pd__state_fail(s, rc, "reading the position");
	sqlite3_bind_int64(st, 1, archive_id);
	epochs = g_array_new(FALSE, TRUE, sizeof(pd_epoch_position));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pd_epoch_position e = { 0 };
		const char *hex = (const char *)sqlite3_column_text(st, 1);
		e.epoch = (unsigned)sqlite3_column_int(st, 0);
		e.commit_time = sqlite3_column_int64(st, 2);
		g_strlcpy(e.commit, hex ? hex : "", sizeof(e.commit));
		g_array_append_val(epochs, e);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		g_array_free(epochs, TRUE);
		return pd__state_fail(s, rc, "reading the position");
	}
	if (epochs->len == 0) {
		g_array_free(epochs, TRUE);
		return PD_OK;
	}
	*out = g_new0(pd_position, 1);
	(*out)->n_epochs = epochs->len;
	(*out)->epochs = (pd_epoch_position *)g_array_free(epochs, FALSE);
	return PD_OK;
}

int pd_state_position(pd_position **out, pd_state *s, const char *key)
{
	int64_t archive_id;
	int error;

	*out = NULL;
	if ((error = pd__state_archive_id(&archive_id, s, key)) < 0 || !archive_id)
		return error;
	return read_position(out, s, archive_id);
}

static const char count_series[] = "SELECT count(*) FROM series WHERE archive_id = ?1";

static int last_digests(pd_state_archive *a, pd_state *s, int64_t archive_id, size_t limit)
{
	sqlite3_stmt *st = NULL;
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(pd_state_digest));
	/* a file of an older schema, read as it is, keeps no reports */
	int rc = sqlite3_prepare_v2(s->db, s->schema >= 4
		? "SELECT id, made, range, n_messages, n_new, n_reported, n_continued,"
		  " EXISTS (SELECT 1 FROM digest_report WHERE digest_id = digest.id)"
		  " FROM digest WHERE archive_id = ?1 ORDER BY id DESC LIMIT ?2"
		: "SELECT id, made, range, n_messages, n_new, n_reported, n_continued, 0"
		  " FROM digest WHERE archive_id = ?1 ORDER BY id DESC LIMIT ?2", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, archive_id);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			pd_state_digest d;
			d.id = sqlite3_column_int64(st, 0);
			d.made = sqlite3_column_int64(st, 1);
			d.range = g_strdup((const char *)sqlite3_column_text(st, 2));
			d.n_messages = sqlite3_column_int64(st, 3);
			d.n_new = sqlite3_column_int64(st, 4);
			d.n_reported = sqlite3_column_int64(st, 5);
			d.n_continued = sqlite3_column_int64(st, 6);
			d.has_report = sqlite3_column_int(st, 7);
			g_array_append_val(rows, d);
		}
	}
	sqlite3_finalize(st);
	a->n_last = rows->len;
	a->last = (pd_state_digest *)g_array_free(rows, FALSE);
	return rc == SQLITE_DONE ? PD_OK : pd__state_fail(s, rc, "reading the digests");
}

int pd_state_list(pd_state_archive **out, size_t *n_out, pd_state *s, size_t n_last)
{
	sqlite3_stmt *st = NULL;
	GArray *list = g_array_new(FALSE, TRUE, sizeof(pd_state_archive));
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int rc, error = PD_OK;
	guint i;

	*out = NULL;
	*n_out = 0;
	/* the positions of a group's archives are the group's (a newline in
	 * the key): listed with it, not as archives */
	rc = sqlite3_prepare_v2(s->db, "SELECT id, key, kind FROM archive"
				" WHERE instr(key, char(10)) = 0 ORDER BY key", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		pd_state_archive a = { 0 };
		int64_t id = sqlite3_column_int64(st, 0);
		a.key = g_strdup((const char *)sqlite3_column_text(st, 1));
		a.kind = g_strdup((const char *)sqlite3_column_text(st, 2));
		g_array_append_val(list, a);
		g_array_append_val(ids, id);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		error = pd__state_fail(s, rc, "reading the archives");
	for (i = 0; i < list->len && error == PD_OK; i++) {
		pd_state_archive *a = &g_array_index(list, pd_state_archive, i);
		int64_t id = g_array_index(ids, int64_t, i);
		if ((error = read_position(&a->position, s, id)) < 0
		    || (error = pd__state_query_int(&a->n_series, s, count_series, id,
						    "reading the state")) < 0
		    || (error = pd__state_query_int(&a->n_digests, s, "SELECT count(*) FROM digest"
						    " WHERE archive_id = ?1", id, "reading the state")) < 0)
			break;
		error = last_digests(a, s, id, n_last);
	}
	g_array_free(ids, TRUE);
	*n_out = list->len;
	*out = (pd_state_archive *)g_array_free(list, FALSE);
	if (error < 0) {
		pd_state_archives_free(*out, *n_out);
		*out = NULL;
		*n_out = 0;
	}
	return error;
}

void pd_state_archives_free(pd_state_archive *list, size_t n)
{
	size_t i, j;

	if (!list)
		return;
	for (i = 0; i < n; i++) {
		g_free(list[i].key);
		g_free(list[i].kind);
		pd_position_free(list[i].position);
		for (j = 0; j < list[i].n_last; j++)
			g_free(list[i].last[j].range);
		g_free(list[i].last);
	}
	g_free(list);
}

int pd_state_forget(pd_state *s, const char *key, int64_t *n_series_out)
{
	sqlite3_stmt *st = NULL;
	int64_t archive_id, n_series = 0;
	int rc, error;

	if (n_series_out)
		*n_series_out = 0;
	if (s->read_only)
		return pd__error(PD_ERR_INVALID, "the state was opened read-only");
	if ((error = pd_state_begin(s)) < 0)
		return error;
	if ((error = pd__state_archive_id(&archive_id, s, key)) < 0)
		goto cleanup;
	if (!archive_id) {
		error = pd__error(PD_ERR_NOT_FOUND, "%s: the state %s knows no such archive",
				  key, s->path);
		goto cleanup;
	}
	if ((error = pd__state_query_int(&n_series, s, count_series, archive_id,
					 "reading the state")) < 0)
		goto cleanup;
	/* positions, digests, series and their messages go by ON DELETE
	 * CASCADE; a group's archives' positions (pd_state_member_key()) with
	 * it */
	rc = sqlite3_prepare_v2(s->db, "DELETE FROM archive WHERE id = ?1"
				" OR substr(key, 1, length(?2) + 1) = ?2 || char(10)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, archive_id);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		error = pd__state_fail(s, rc, "forgetting the archive");
		goto cleanup;
	}
	error = pd_state_commit(s);
cleanup:
	if (error < 0)
		pd_state_rollback(s);
	else if (n_series_out)
		*n_series_out = n_series;
	return error;
}

static gint by_string(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *pd_state_group_key(const char *const *keys, size_t n)
{
	GPtrArray *sorted = g_ptr_array_new();
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < n; i++)
		g_ptr_array_add(sorted, (gpointer)keys[i]);
	g_ptr_array_sort(sorted, by_string);
	for (guint i = 0; i < sorted->len; i++) {
		if (i)
			g_string_append(out, " + ");
		g_string_append(out, sorted->pdata[i]);
	}
	g_ptr_array_free(sorted, TRUE);
	return g_string_free(out, FALSE);
}

char *pd_state_member_key(const char *group_key, const char *archive_key)
{
	return g_strconcat(group_key, "\n", archive_key, NULL);
}
