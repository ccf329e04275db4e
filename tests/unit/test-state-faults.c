/*
 * test-state-faults.c - the state database under faults injected at every
 * write and sync SQLite makes while recording a digest:
 *
 *  - disk full: the Nth write fails with SQLITE_FULL, for every N until
 *    recording succeeds: each failure is PD_ERR_STATE saying the disk is
 *    full, and the file then holds exactly what it held before;
 *  - a crash: a child process is killed (SIGKILL) at the Nth write or
 *    sync, for every N: the file then holds the state before or the state
 *    after, never anything between, and is not damaged.
 *
 * The faults come from a VFS that wraps SQLite's default one, registered
 * as the default, so the library runs unchanged.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "patchdigest.h"
#include "harness.h"

/* ---- the fault VFS --------------------------------------------------------- */

enum { FAULT_NONE, FAULT_FULL, FAULT_KILL };
static int fault_mode = FAULT_NONE;
static long fault_at = -1;   /* the step that fails */
static long steps;           /* writes, syncs and truncates so far */
static sqlite3_vfs *real_vfs;

typedef struct {
	sqlite3_file base;
	sqlite3_file *real;      /* follows this struct in the same block */
} fault_file;

static int fault_step(void)
{
	if (fault_mode == FAULT_NONE || steps++ != fault_at)
		return SQLITE_OK;
	if (fault_mode == FAULT_KILL)
		raise(SIGKILL);
	return SQLITE_FULL;
}

#define REAL(f) (((fault_file *)(f))->real)
static int f_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	int rc = fault_step();
	return rc ? rc : REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int rc = fault_step();
	return rc ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int f_sync(sqlite3_file *f, int flags)
{
	int rc = fault_step();
	return rc ? SQLITE_IOERR_FSYNC : REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *s) { return REAL(f)->pMethods->xFileSize(REAL(f), s); }
static int f_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int f_reserved(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int f_control(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int f_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int f_chars(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }

/* Version 1 methods only: no WAL, no mmap, which the state does not use. */
static const sqlite3_io_methods fault_methods = {
	1, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock,
	f_reserved, f_control, f_sector, f_chars, NULL, NULL, NULL, NULL, NULL, NULL
};

static int fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out)
{
	fault_file *f = (fault_file *)file;
	int rc;

	f->real = (sqlite3_file *)&f[1];
	rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out);
	f->base.pMethods = rc == SQLITE_OK ? &fault_methods : NULL;
	return rc;
}

static int fault_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	int rc = fault_step();
	return rc ? SQLITE_IOERR_DELETE : real_vfs->xDelete(real_vfs, name, sync);
}

static sqlite3_vfs fault_vfs;

static void install_fault_vfs(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	fault_vfs = *real_vfs;
	fault_vfs.szOsFile = (int)sizeof(fault_file) + real_vfs->szOsFile;
	fault_vfs.zName = "fault";
	fault_vfs.xOpen = fault_open;
	fault_vfs.xDelete = fault_delete;
	sqlite3_vfs_register(&fault_vfs, 1);
}

/* ---- the runs ---------------------------------------------------------- */

/* What a state holds, as a string to compare: digests and series. */
static char *summary(const char *path)
{
	pd_state_options so = PD_STATE_OPTIONS_INIT;
	pd_state *state = NULL;
	pd_state_archive *list = NULL;
	size_t n = 0, i;
	GString *s = g_string_new(NULL);
	int saved = fault_mode;

	fault_mode = FAULT_NONE;
	so.read_only = 1;
	if (pd_state_open(&state, path, &so) < 0 || pd_state_list(&list, &n, state, 100) < 0)
		g_string_printf(s, "error: %s", pd_error_last());
	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s: %lld series, %lld digests, position %s;", list[i].key,
				       (long long)list[i].n_series, (long long)list[i].n_digests,
				       list[i].position ? "yes" : "no");
	pd_state_archives_free(list, n);
	pd_state_free(state);
	fault_mode = saved;
	return g_string_free(s, FALSE);
}

/* Opens the state and records `report` for archive `key` in one
 * transaction; returns the status. */
static int record(const char *path, const char *key, const pd_report *report)
{
	pd_state *state = NULL;
	int error;

	if ((error = pd_state_open(&state, path, NULL)) == PD_OK
	    && (error = pd_state_begin(state)) == PD_OK
	    && (error = pd_state_record(state, key, PD_ARCHIVE_MBOX, report, NULL)) == PD_OK)
		error = pd_state_commit(state);
	pd_state_free(state);
	return error;
}

static int copy_file(const char *from, const char *to)
{
	gchar *data = NULL;
	gsize len = 0;
	int ok = g_file_get_contents(from, &data, &len, NULL) && g_file_set_contents(to, data, (gssize)len, NULL);

	g_free(data);
	return ok;
}

int main(void)
{
	char *dir = g_dir_make_tmp("pd-faults-XXXXXX", NULL);
	char *base = g_build_filename(dir, "base.db", NULL);
	char *work = g_build_filename(dir, "work.db", NULL);
	char *journal = g_strconcat(work, "-journal", NULL);
	char *before, *after = NULL, *got;
	pd_report *report = NULL;
	long n, full_failures = 0, bad = 0, kills = 0, as_before = 0, as_after = 0;
	int error;

	install_fault_vfs();
	if (pd_digest_archive(&report, "sample/kvm-sample.mbox", NULL, NULL) < 0) {
		printf("not ok - reading the sample: %s\n", pd_error_last());
		return 1;
	}
	/* the state before: one digest of another archive */
	CHECK_INT("a first digest is recorded", record(base, "/archive/one", report), PD_OK);
	before = summary(base);

	/* disk full at every write, until recording succeeds */
	for (n = 0; n < 10000; n++) {
		copy_file(base, work);
		g_remove(journal);
		fault_mode = FAULT_FULL; fault_at = n; steps = 0;
		error = record(work, "/archive/two", report);
		fault_mode = FAULT_NONE;
		got = summary(work);
		if (error == PD_OK) {
			after = got;
			break;
		}
		full_failures++;
		if (error != PD_ERR_STATE || !strstr(pd_error_last(), "disk is full")) {
			if (error != PD_ERR_STATE || !strstr(pd_error_last(), "disk I/O error"))
				bad++, printf("# full at step %ld: status %d: %s\n", n, error, pd_error_last());
		}
		if (strcmp(got, before))
			bad++, printf("# full at step %ld: state now %s\n", n, got);
		g_free(got);
	}
	printf("# disk full injected at %ld steps before recording got through\n", full_failures);
	CHECK("disk full at every step: a clear error, the state as before", bad == 0 && full_failures > 3);
	CHECK("recording gets through once the disk has room", after != NULL && strcmp(after, before));

	/* a crash at every step, in a child */
	bad = 0;
	for (n = 0; n < 10000; n++) {
		pid_t pid;
		int status = 0;
		copy_file(base, work);
		g_remove(journal);
		pid = fork();
		if (pid == 0) {
			fault_mode = FAULT_KILL; fault_at = n; steps = 0;
			_exit(record(work, "/archive/two", report) == PD_OK ? 0 : 1);
		}
		waitpid(pid, &status, 0);
		got = summary(work);
		if (WIFSIGNALED(status)) {
			kills++;
			if (!strcmp(got, before)) as_before++;
			else if (after && !strcmp(got, after)) as_after++;
			else bad++, printf("# killed at step %ld: state %s\n", n, got);
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			if (!after || strcmp(got, after))
				bad++, printf("# finished after %ld steps: state %s\n", n, got);
			g_free(got);
			break; /* no step left to kill at */
		} else {
			bad++, printf("# step %ld: the run failed without a fault\n", n);
		}
		g_free(got);
	}
	printf("# killed at %ld steps: %ld left the state as before, %ld as after\n", kills, as_before, as_after);
	CHECK("SIGKILL at every write and sync: the state as before or as after", bad == 0 && kills > 3);

	pd_report_free(report);
	g_free(before);
	g_free(after);
	g_remove(journal);
	g_remove(work);
	g_remove(base);
	g_rmdir(dir);
	g_free(journal);
	g_free(work);
	g_free(base);
	g_free(dir);
	return harness_failed ? 1 : 0;
}
