/*
 * state/state.c - the state database: one SQLite file holding, per archive, the
 * position the last digest reached and every series reported.
 *
 * Safety comes from SQLite, not from us: a recording run is one
 * transaction (BEGIN IMMEDIATE ... COMMIT) in rollback-journal mode with
 * synchronous=FULL, so a crash leaves the file as before or as after.
 * BEGIN IMMEDIATE takes the write lock before the run reads anything, so
 * a second run waits (busy timeout) and then sees what the first recorded.
 *
 * A file is ours when its application_id says so; anything else (another
 * program's database, a damaged one, one from a newer schema) is refused
 * with an error that names it, and never written.
 */
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include "state/state.h"

#define STATE_APPLICATION_ID 0x50446967   /* "PDig" */
/* 1: the first.  2: position.commit_time (to go on after a rewritten
 * history), series.rfc (a repeat needs the same RFC marking).  3: the
 * review side across digests: series.author_name, first_date,
 * last_review, review_status (pd_review_status) and superseded (a newer
 * version was reported), so that a reply weeks later finds its series
 * and "needs attention" covers earlier digests' series.  4: digest_report,
 * each digest's report as deflated JSON, for `patchdigest site`. */
#define STATE_SCHEMA_VERSION 4

static const char schema[] =
	"CREATE TABLE archive ("
	"  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
	"  added INTEGER NOT NULL);"
	"CREATE TABLE position ("
	"  archive_id INTEGER NOT NULL REFERENCES archive(id) ON DELETE CASCADE,"
	"  epoch INTEGER NOT NULL, commit_id TEXT NOT NULL,"
	"  commit_time INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (archive_id, epoch)) WITHOUT ROWID;"
	"CREATE TABLE digest ("
	"  id INTEGER PRIMARY KEY,"
	"  archive_id INTEGER NOT NULL REFERENCES archive(id) ON DELETE CASCADE,"
	"  made INTEGER NOT NULL, range TEXT NOT NULL, period_end INTEGER NOT NULL,"
	"  n_messages INTEGER NOT NULL, n_new INTEGER NOT NULL,"
	"  n_reported INTEGER NOT NULL, n_continued INTEGER NOT NULL);"
	"CREATE INDEX digest_by_archive ON digest(archive_id);"
	"CREATE TABLE series ("
	"  id INTEGER PRIMARY KEY,"
	"  archive_id INTEGER NOT NULL REFERENCES archive(id) ON DELETE CASCADE,"
	"  digest_id INTEGER NOT NULL REFERENCES digest(id) ON DELETE CASCADE,"
	"  author TEXT NOT NULL, version TEXT NOT NULL, title TEXT NOT NULL,"
	"  cover_title TEXT, first_title TEXT, expected INTEGER NOT NULL,"
	"  has_cover INTEGER NOT NULL, last_date INTEGER NOT NULL,"
	"  rfc INTEGER NOT NULL DEFAULT 0,"
	"  author_name TEXT, first_date INTEGER NOT NULL DEFAULT 0,"
	"  last_review INTEGER NOT NULL DEFAULT 0,"
	"  review_status INTEGER NOT NULL DEFAULT 0,"
	"  superseded INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX series_by_author ON series(archive_id, author, version);"
	"CREATE INDEX series_by_digest ON series(digest_id);"
	"CREATE TABLE series_message ("
	"  message_id TEXT NOT NULL,"
	"  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,"
	"  number INTEGER NOT NULL,"
	"  PRIMARY KEY (message_id, series_id)) WITHOUT ROWID;"
	"CREATE INDEX series_message_by_series ON series_message(series_id);"
	"CREATE TABLE digest_report ("
	"  digest_id INTEGER PRIMARY KEY REFERENCES digest(id) ON DELETE CASCADE,"
	"  format TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL);";

int pd__state_fail(pd_state *s, int rc, const char *doing)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	const char *path = s ? s->path : "state";

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return pd__error(PD_ERR_BUSY, "%s: %s: another patchdigest run is using the "
				 "state database; try again when it has finished", path, doing);
	case SQLITE_NOMEM:
		return pd__error(PD_ERR_NOMEM, "%s: %s: out of memory", path, doing);
	case SQLITE_FULL:
		return pd__error(PD_ERR_STATE, "%s: %s: the disk is full; nothing was "
				 "recorded (free some space and run again)", path, doing);
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		return pd__error(PD_ERR_STATE, "%s: %s: %s (the state needs a writable file "
				 "and directory)", path, doing, msg);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return pd__error(PD_ERR_STATE, "%s: %s: %s: the file is damaged or not a "
				 "patchdigest state database", path, doing, msg);
	default:
		return pd__error(PD_ERR_STATE, "%s: %s: %s", path, doing, msg);
	}
}

static int exec(pd_state *s, const char *sql, const char *doing)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? PD_OK : pd__state_fail(s, rc, doing);
}

int pd__state_query_int(int64_t *out, pd_state *s, const char *sql, int64_t param,
			const char *doing)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	*out = 0;
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, param);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? PD_OK : pd__state_fail(s, rc, doing);
}

int pd__state_stmt(sqlite3_stmt **out, pd_state *s, pd__query q)
{
	static const char *const sql[Q_COUNT] = {
		[Q_ARCHIVE_ID] = "SELECT id FROM archive WHERE key = ?1",
		[Q_EARLIER_LOAD] =
			"SELECT s.id, s.digest_id, d.made, d.period_end, d.range, s.author,"
			" s.version, s.title, s.cover_title, s.first_title, s.expected,"
			" s.has_cover, s.last_date, s.author_name, s.first_date, s.last_review,"
			" s.review_status, s.superseded"
			" FROM series s JOIN digest d ON d.id = s.digest_id WHERE s.id = ?1",
		[Q_ANSWERED] =
			"SELECT m.series_id, m.number FROM series_message m"
			" JOIN series s ON s.id = m.series_id"
			" WHERE m.message_id = ?1 AND s.archive_id = ?2 AND m.number >= 0"
			" ORDER BY s.id DESC LIMIT 1",
		[Q_WAITING] =
			"SELECT id FROM series WHERE archive_id = ?1 AND superseded = 0"
			" AND review_status < 3 AND first_date <> 0"
			" AND first_date >= ?2 AND max(last_review, first_date) <= ?3"
			" ORDER BY id DESC LIMIT 1000",
		[Q_EARLIER_NUMBERS] =
			"SELECT DISTINCT number FROM series_message"
			" WHERE series_id = ?1 AND number > 0 ORDER BY number",
		[Q_BY_MESSAGE] =
			"SELECT s.id FROM series_message m JOIN series s ON s.id = m.series_id"
			" WHERE m.message_id = ?1 AND s.archive_id = ?2"
			" ORDER BY m.number < 0, s.id LIMIT 1",
		[Q_REPORTED_MESSAGE] =
			"SELECT 1 FROM series_message m JOIN series s ON s.id = m.series_id"
			" WHERE m.message_id = ?1 AND s.archive_id = ?2 AND m.number >= 0 LIMIT 1",
		[Q_BY_MARKERS] =
			"SELECT id FROM series WHERE archive_id = ?1 AND author = ?2"
			" AND version = ?3 AND expected = ?4 AND last_date BETWEEN ?5 AND ?6"
			" ORDER BY id DESC LIMIT 16",
		[Q_SAME_SERIES] =
			"SELECT id FROM series WHERE archive_id = ?1 AND author = ?2"
			" AND version = ?3 AND (cover_title = ?4 OR first_title = ?5)"
			" AND id < ?6 AND expected = ?7 AND rfc = ?8 ORDER BY id LIMIT 1",
		[Q_OTHER_VERSION] =
			"SELECT id FROM series WHERE archive_id = ?1 AND author = ?2"
			" AND version <> ?3 AND (cover_title = ?4 OR first_title = ?5)"
			" ORDER BY id DESC LIMIT 1",
	};
	/* a schema 1 file read as it is knows no RFC marking */
	static const char same_series_v1[] =
		"SELECT id FROM series WHERE archive_id = ?1 AND author = ?2"
		" AND version = ?3 AND (cover_title = ?4 OR first_title = ?5)"
		" AND id < ?6 AND expected = ?7 AND ?8 = ?8 ORDER BY id LIMIT 1";
	/* ... and a schema 2 file knows no review: the columns read as
	 * "not known", and no series waits */
	static const char load_v2[] =
		"SELECT s.id, s.digest_id, d.made, d.period_end, d.range, s.author,"
		" s.version, s.title, s.cover_title, s.first_title, s.expected,"
		" s.has_cover, s.last_date, NULL, 0, 0, 0, 0"
		" FROM series s JOIN digest d ON d.id = s.digest_id WHERE s.id = ?1";
	static const char waiting_v2[] = "SELECT ?1, ?2, ?3 WHERE 0";
	const char *text = q == Q_SAME_SERIES && s->schema < 2 ? same_series_v1
			 : q == Q_EARLIER_LOAD && s->schema < 3 ? load_v2
			 : q == Q_WAITING && s->schema < 3 ? waiting_v2 : sql[q];
	int rc;

	if (!s->stmt[q]) {
		rc = sqlite3_prepare_v3(s->db, text, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[q], NULL);
		if (rc != SQLITE_OK)
			return pd__state_fail(s, rc, "preparing a query");
	}
	sqlite3_reset(s->stmt[q]);
	sqlite3_clear_bindings(s->stmt[q]);
	*out = s->stmt[q];
	return PD_OK;
}

int pd__state_archive_id(int64_t *out, pd_state *s, const char *key)
{
	sqlite3_stmt *st;
	int rc, error;

	*out = 0;
	if ((error = pd__state_stmt(&st, s, Q_ARCHIVE_ID)) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PD_OK : pd__state_fail(s, rc, "reading the archives");
}

char *pd_state_default_path(void)
{
	return g_build_filename(g_get_user_state_dir(), "patchdigest", "state.sqlite3", NULL);
}

char *pd_state_archive_key(const char *path)
{
	char *resolved = realpath(path, NULL);
	char *key;

	if (resolved) {
		key = g_strdup(resolved);
		free(resolved);
		return key;
	}
	return g_canonicalize_filename(path, NULL);
}

/* A reader of a state with nothing recorded reads an empty one in memory. */
static int open_empty(pd_state *s)
{
	s->schema = STATE_SCHEMA_VERSION;
	int rc;

	sqlite3_close(s->db);
	s->db = NULL;
	rc = sqlite3_open_v2(":memory:", &s->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, schema, NULL, NULL, NULL);
	return rc == SQLITE_OK ? PD_OK : pd__state_fail(s, rc, "opening");
}

/* Brings a file written by an older schema up to this one, in one write
 * transaction (a crash leaves it as it was).  Each step adds what the
 * newer schema has, with defaults that read as "not known then". */
static int migrate(pd_state *s)
{
	static const char *const steps[] = {
		/* 1 -> 2 */
		"ALTER TABLE position ADD COLUMN commit_time INTEGER NOT NULL DEFAULT 0;"
		"ALTER TABLE series ADD COLUMN rfc INTEGER NOT NULL DEFAULT 0;",
		/* 2 -> 3: a series recorded before knows no review: first_date 0
		 * marks it unknown (it may have been answered or applied), so it
		 * never waits; a reply to it still finds it, and recording that
		 * reply makes it known */
		"ALTER TABLE series ADD COLUMN author_name TEXT;"
		"ALTER TABLE series ADD COLUMN first_date INTEGER NOT NULL DEFAULT 0;"
		"ALTER TABLE series ADD COLUMN last_review INTEGER NOT NULL DEFAULT 0;"
		"ALTER TABLE series ADD COLUMN review_status INTEGER NOT NULL DEFAULT 0;"
		"ALTER TABLE series ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;",
		/* 3 -> 4: digests recorded before keep no report (no page) */
		"CREATE TABLE digest_report ("
		"  digest_id INTEGER PRIMARY KEY REFERENCES digest(id) ON DELETE CASCADE,"
		"  format TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL);",
	};
	int64_t version = 0;
	int error;

	if (s->schema >= STATE_SCHEMA_VERSION)
		return PD_OK;
	if ((error = exec(s, "BEGIN IMMEDIATE", "upgrading the schema")) < 0)
		return error;
	/* another run may have upgraded it meanwhile */
	error = pd__state_query_int(&version, s, "PRAGMA user_version", 0, "upgrading the schema");
	for (int64_t v = version; error == PD_OK && v < STATE_SCHEMA_VERSION; v++)
		error = exec(s, steps[v - 1], "upgrading the schema");
	if (error == PD_OK && version < STATE_SCHEMA_VERSION) {
		char *sql = g_strdup_printf("PRAGMA user_version = %d", STATE_SCHEMA_VERSION);
		error = exec(s, sql, "upgrading the schema");
		g_free(sql);
	}
	if (error == PD_OK)
		error = exec(s, "COMMIT", "upgrading the schema");
	if (error < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return error;
	}
	s->schema = STATE_SCHEMA_VERSION;
	return PD_OK;
}

/* Makes a new, empty file ours; a file with tables but not our id is
 * another program's.  Runs in its own write transaction so that two first
 * runs do not both create the schema. */
static int adopt_or_refuse(pd_state *s)
{
	int64_t app_id = 0, version = 0, tables = 0;
	int error;

	if ((error = pd__state_query_int(&app_id, s, "PRAGMA application_id", 0,
					 "reading the file header")) < 0
	    || (error = pd__state_query_int(&version, s, "PRAGMA user_version", 0,
					    "reading the file header")) < 0)
		return error;
	if (app_id == STATE_APPLICATION_ID) {
		if (version > STATE_SCHEMA_VERSION)
			return pd__error(PD_ERR_STATE, "%s: written by a newer patchdigest (schema %lld; "
					 "this one reads %d)",
					 s->path, (long long)version, STATE_SCHEMA_VERSION);
		s->schema = (int)version;
		return s->read_only ? PD_OK : migrate(s);
	}
	if ((error = pd__state_query_int(&tables, s, "SELECT count(*) FROM sqlite_master", 0,
					 "reading the schema")) < 0)
		return error;
	if (app_id != 0 || tables != 0)
		return pd__error(PD_ERR_STATE, "%s: an SQLite database, but not a patchdigest state "
				 "database (application_id %#llx); it was left untouched",
				 s->path, (unsigned long long)app_id);
	if (s->read_only)
		return open_empty(s); /* created, but nothing recorded yet */
	if ((error = exec(s, "BEGIN IMMEDIATE", "creating the schema")) < 0)
		return error;
	/* another first run may have won the race */
	error = pd__state_query_int(&tables, s, "SELECT count(*) FROM sqlite_master", 0,
				    "reading the schema");
	if (error == PD_OK && tables == 0) {
		char *sql = g_strdup_printf("%s PRAGMA application_id = %d; PRAGMA user_version = %d;",
					    schema, STATE_APPLICATION_ID, STATE_SCHEMA_VERSION);
		error = exec(s, sql, "creating the schema");
		g_free(sql);
		s->schema = STATE_SCHEMA_VERSION;
	} else if (error == PD_OK) {
		s->schema = STATE_SCHEMA_VERSION; /* the other run made it */
	}
	if (error == PD_OK)
		error = exec(s, "COMMIT", "creating the schema");
	if (error < 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}

/* Refuses a damaged file before anything is read from it or written.  A
 * run that will write checks the indexes too (integrity_check), since a
 * damaged index would let it record a series twice; a reading run makes
 * the cheaper quick_check. */
static int check_integrity(pd_state *s)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, s->read_only ? "PRAGMA quick_check(1)"
					   : "PRAGMA integrity_check(1)", -1, &st, NULL);
	int error = PD_OK;

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *verdict = (const char *)sqlite3_column_text(st, 0);
		if (!verdict || strcmp(verdict, "ok"))
			error = pd__error(PD_ERR_STATE, "%s: the state database is damaged (SQLite "
					  "quick_check: %s); it was left untouched: restore a "
					  "backup, or move it away to start over",
					  s->path, verdict ? verdict : "?");
	} else {
		error = pd__state_fail(s, rc, "checking the file");
	}
	sqlite3_finalize(st);
	return error;
}

int pd_state_open(pd_state **out, const char *path, const pd_state_options *opts)
{
	pd_state_options defaults = PD_STATE_OPTIONS_INIT;
	pd_state *s;
	int flags, rc, error, exists;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((error = pd__check_version(opts->version, PD_STATE_OPTIONS_VERSION,
				       "pd_state_options")) < 0)
		return error;
	if (!path || !*path)
		return pd__error(PD_ERR_INVALID, "no state file given");
	s = g_new0(pd_state, 1);
	s->path = g_strdup(path);
	s->read_only = opts->read_only;
	exists = g_file_test(path, G_FILE_TEST_EXISTS);
	if (exists && g_file_test(path, G_FILE_TEST_IS_DIR)) {
		error = pd__error(PD_ERR_STATE, "%s: a directory, not a state file", path);
		goto cleanup;
	}
	/* a device or FIFO is no database: SQLite would write its journal
	 * beside it (/dev/null-journal) */
	if (exists && !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		error = pd__error(PD_ERR_STATE, "%s: not a regular file, so not a state file",
				  path);
		goto cleanup;
	}
	if (s->read_only && !exists) {
		error = open_empty(s);
		goto cleanup;
	}
	if (!s->read_only && !exists) {
		char *dir = g_path_get_dirname(path);
		int failed = g_mkdir_with_parents(dir, 0700) < 0;
		int saved = errno;
		if (failed)
			error = pd__error(PD_ERR_STATE, "%s: cannot create the directory %s: %s",
					  path, dir,
					  g_strerror(saved));
		g_free(dir);
		if (failed)
			goto cleanup;
	}
	/* A reader opens a writable file read-write all the same, with
	 * query_only set: after a crash, SQLite must roll the hot journal
	 * back before anyone can read, and only a writable handle may. */
	if (!s->read_only)
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	else
		flags = access(path, W_OK) == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		error = pd__state_fail(s, rc, "opening");
		goto cleanup;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, opts->wait_ms > 0 ? opts->wait_ms : 0);
	if ((error = exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL", "opening")) < 0)
		goto cleanup;
	if (s->read_only && (error = exec(s, "PRAGMA query_only = ON", "opening")) < 0)
		goto cleanup;
	if ((error = adopt_or_refuse(s)) < 0)
		goto cleanup;
	error = check_integrity(s);
cleanup:
	if (error < 0) {
		pd_state_free(s);
		return error;
	}
	*out = s;
	return PD_OK;
}

void pd_state_free(pd_state *s)
{
	int i;

	if (!s)
		return;
	if (s->in_transaction)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	g_free(s->path);
	g_free(s);
}

int pd_state_begin(pd_state *s)
{
	int error;

	if (s->in_transaction)
		return pd__error(PD_ERR_INVALID, "a state transaction is already open");
	error = exec(s, s->read_only ? "BEGIN" : "BEGIN IMMEDIATE", "starting a digest");
	if (error == PD_ERR_BUSY)
		pd__error(PD_ERR_BUSY, "%s: another patchdigest run is recording into this state "
			  "database and did not finish in time", s->path);
	if (error == PD_OK)
		s->in_transaction = 1;
	return error;
}

int pd_state_commit(pd_state *s)
{
	int error;

	if (!s->in_transaction)
		return pd__error(PD_ERR_INVALID, "no state transaction is open");
	error = exec(s, "COMMIT", "recording the digest");
	if (error < 0) {
		/* keep the message of the failure, not of the rollback */
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	s->in_transaction = 0;
	return error;
}

void pd_state_rollback(pd_state *s)
{
	if (s && s->in_transaction) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_transaction = 0;
	}
}
