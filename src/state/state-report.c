/*
 * state/state-report.c - each recorded digest's report, kept as its JSON
 * ("patchdigest-1") deflated with zlib, so that `patchdigest site` can
 * write a page of any digest recorded, long after its archive moved on.
 * A weekly digest's JSON is a few hundred KB and deflates to a fifth.
 */
#include <zlib.h>
#include "state/state.h"

int pd__state_keep_report(pd_state *s, int64_t digest_id, const pd_report *r)
{
	char *json = NULL;
	size_t json_len = 0;
	sqlite3_stmt *st = NULL;
	Bytef *packed = NULL;
	uLongf packed_len;
	int rc, error;

	if ((error = pd_render(&json, &json_len, r, PD_FORMAT_JSON, NULL)) < 0)
		goto cleanup;
	packed_len = compressBound(json_len);
	packed = g_malloc(packed_len);
	/* the fastest level: a whole archive's first digest is 13 MB of JSON */
	if (compress2(packed, &packed_len, (const Bytef *)json, json_len, Z_BEST_SPEED) != Z_OK) {
		error = pd__error(PD_ERR_NOMEM, "%s: cannot deflate the digest's report", s->path);
		goto cleanup;
	}
	rc = sqlite3_prepare_v2(s->db, "INSERT INTO digest_report (digest_id, format, size, data)"
				" VALUES (?1, 'patchdigest-1', ?2, ?3)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, digest_id);
		sqlite3_bind_int64(st, 2, (int64_t)json_len);
		sqlite3_bind_blob64(st, 3, packed, packed_len, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE)
		error = pd__state_fail(s, rc, "keeping the digest's report");
cleanup:
	sqlite3_finalize(st);
	g_free(packed);
	pd_free(json);
	return error;
}

int pd_state_report(char **out, size_t *out_len, pd_state *s, int64_t digest_id)
{
	sqlite3_stmt *st = NULL;
	int rc, error = PD_OK;

	*out = NULL;
	*out_len = 0;
	if (s->schema < 4)
		return PD_OK; /* a file from before reports were kept, read as it is */
	rc = sqlite3_prepare_v2(s->db, "SELECT size, data FROM digest_report WHERE digest_id = ?1",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, digest_id);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		int64_t size = sqlite3_column_int64(st, 0);
		const Bytef *packed = sqlite3_column_blob(st, 1);
		uLongf len = (uLongf)size;
		char *json = size >= 0 && size < ((int64_t)1 << 32) ? g_try_malloc((gsize)size + 1) : NULL;
		if (!json || !packed
		    || uncompress((Bytef *)json, &len, packed, (uLong)sqlite3_column_bytes(st, 1)) != Z_OK
		    || (int64_t)len != size) {
			g_free(json);
			error = pd__error(PD_ERR_STATE, "%s: the report of digest %lld is damaged",
					  s->path, (long long)digest_id);
		} else {
			json[len] = '\0';
			*out = json;
			*out_len = len;
		}
	} else if (rc != SQLITE_DONE) {
		error = pd__state_fail(s, rc, "reading a digest's report");
	}
	sqlite3_finalize(st);
	return error;
}
