/*
 * state/state.h - the state database's handle, shared by state.c (the
 * file, its schema and transactions) and state-series.c (the series earlier
 * digests reported).
 */
#ifndef PD_STATE_PRIVATE_H
#define PD_STATE_PRIVATE_H

#include <sqlite3.h>
#include "base/base.h"

/* Prepared statements kept for the life of the handle, by purpose. */
typedef enum {
	Q_ARCHIVE_ID,
	Q_EARLIER_LOAD,
	Q_EARLIER_NUMBERS,
	Q_BY_MESSAGE,
	Q_REPORTED_MESSAGE,
	Q_BY_MARKERS,
	Q_SAME_SERIES,
	Q_OTHER_VERSION,
	Q_ANSWERED,
	Q_WAITING,
	Q_COUNT
} pd__query;

struct pd_state {
	sqlite3 *db;
	char *path;
	int read_only;
	int in_transaction;
	int schema;          /* the file's schema version (an older one is
	                        read as it is by a read-only handle, and
	                        migrated by a writing one) */
	sqlite3_stmt *stmt[Q_COUNT];
};

/* Turns an SQLite result code into a pd_status with a message naming the
 * file, what was being done and what the user can do.  Always negative. */
int pd__state_fail(pd_state *state, int rc, const char *doing);

/* One integer from `sql` (its first column of its first row), binding
 * `param` to ?1 when the query has a parameter. */
int pd__state_query_int(int64_t *out, pd_state *state, const char *sql,
			int64_t param, const char *doing);

/* The statement for `q`, reset and unbound, prepared on first use. */
int pd__state_stmt(sqlite3_stmt **out, pd_state *state, pd__query q);

/* The id of the archive `key`, or 0 when the state does not know it. */
int pd__state_archive_id(int64_t *out, pd_state *state, const char *key);

/* ---- state-report.c: each digest's report, for the site ----------------- */

/* Keeps `r`'s JSON, deflated, as the report of digest `digest_id` (in
 * the recording transaction). */
int pd__state_keep_report(pd_state *state, int64_t digest_id, const pd_report *r);

/* ---- state-series.c: lookups for the digest ---------------------------- */

/* Series `id` with its digest and the patch numbers it holds: 1 with
 * *out a new pd_earlier, 0 when there is no such series, or negative. */
int pd__state_load(pd_earlier **out, pd_state *state, int64_t id);
/* Steps `st`, whose first column is a series id, and loads each series:
 * *out a new array of pd_earlier (g_ptr_array_unref()), possibly empty.
 * `doing` names the lookup in an error. */
int pd__state_load_each(GPtrArray **out, pd_state *state, sqlite3_stmt *st, const char *doing);

/* Each returns 1 with *out set (a new pd_earlier), 0 when there is none,
 * or a negative status.  `archive_id` from pd__state_archive_id(). */
int pd__state_by_message(pd_earlier **out, pd_state *state, int64_t archive_id,
			 const char *message_id);
/* *out = 1 when a digest already reported the patch or cover letter
 * `message_id` (it is then a duplicate, counted once). */
int pd__state_reported_message(int *out, pd_state *state, int64_t archive_id,
			       const char *message_id);
/* Series of the same author, version and total whose newest message is
 * within `window` seconds of `date`: a new array of pd_earlier, newest
 * first (free with g_ptr_array_unref()). */
int pd__state_by_markers(GPtrArray **out, pd_state *state, int64_t archive_id,
			 const char *author, const char *version, int total,
			 int64_t date, int64_t window);
/* The oldest series with this identity recorded before series `before`
 * (INT64_MAX: any). */
int pd__state_same_series(pd_earlier **out, pd_state *state, int64_t archive_id,
			  const char *author, const char *version,
			  const char *cover_title, const char *first_title,
			  int64_t before, int expected, int rfc);
int pd__state_other_version(pd_earlier **out, pd_state *state, int64_t archive_id,
			    const char *author, const char *version,
			    const char *cover_title, const char *first_title);

/* ---- state-review.c: the review side across digests -------------------- */

/* The series whose patch or cover letter (never what they refer to) is
 * `message_id`, with *number its patch number (0: the cover letter):
 * what a reply to that message answers.  1, 0 or a negative status. */
int pd__state_answered(pd_earlier **out, int *number, pd_state *state,
		       int64_t archive_id, const char *message_id);
/* Series that may need attention: posted at or after `horizon`, not
 * applied, no newer version reported, no reviewer reply since `quiet`:
 * a new array of pd_earlier (g_ptr_array_unref()); their completeness is
 * the caller's to judge.  Empty for a file of schema 2 or older. */
int pd__state_waiting(GPtrArray **out, pd_state *state, int64_t archive_id,
		      int64_t horizon, int64_t quiet);
/* Records what the report's replies did to the series it knows by state
 * id (range series in `ids`, then earlier ones through their pd_earlier):
 * last reviewer reply, review status, and which were superseded.  Inside
 * pd_state_record()'s transaction. */
int pd__state_record_review(pd_state *state, int64_t archive_id, const pd_report *r,
			    const int64_t *ids);

#endif
