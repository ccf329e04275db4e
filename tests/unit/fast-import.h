/*
 * fast-import.h - a bare repository filled by `git fast-import`, which
 * writes one pack in the order of its stream, as public-inbox writes
 * its own inboxes (test-pack-cold.c, test-pack-order.c).  Header only:
 * each user includes it once.
 */
#ifndef PD_TEST_FAST_IMPORT_H
#define PD_TEST_FAST_IMPORT_H

#include <errno.h>
#include <unistd.h>
#include <sys/wait.h>
#include <glib.h>

/* Appends to `stream` a blob of message `m`, with mark `mark`. */
static inline void fast_import_blob(GString *stream, int mark, const GString *m)
{
	g_string_append_printf(stream, "blob\nmark :%d\ndata %zu\n", mark, m->len);
	g_string_append_len(stream, m->str, (gssize)m->len);
	g_string_append_c(stream, '\n');
}

/* The path of the one .pack under the repository `dir` (the one git
 * fast-import wrote), or NULL.  g_free() it. */
static inline char *fast_import_pack(const char *dir)
{
	char *packdir = g_build_filename(dir, "objects", "pack", NULL), *found = NULL;
	GDir *d = g_dir_open(packdir, 0, NULL);
	const char *name;

	while (d && !found && (name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".pack"))
			found = g_build_filename(packdir, name, NULL);
	if (d)
		g_dir_close(d);
	g_free(packdir);
	return found;
}

/* A new bare repository at `dir`, then `stream` fed to git fast-import
 * there (`option`, such as "--export-marks=FILE", may be NULL).  0, or
 * -1 when git could not make it. */
static inline int fast_import(const char *dir, const GString *stream, const char *option)
{
	const char *init[] = { "git", "init", "-q", "--bare", dir, NULL };
	const char *import[] = { "git", "--git-dir", dir, "fast-import", "--quiet", option, NULL };
	GPid pid;
	gint in = -1, status = -1;

	if (!g_spawn_sync(NULL, (char **)init, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
			  NULL, NULL, NULL, NULL, &status, NULL)
	    || !g_spawn_check_wait_status(status, NULL))
		return -1;
	if (!g_spawn_async_with_pipes(NULL, (char **)import, NULL,
				      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
				      &in, NULL, NULL, NULL))
		return -1;
	for (gsize at = 0; at < stream->len;) {
		ssize_t n = write(in, stream->str + at, stream->len - at);
		if (n <= 0 && errno != EINTR)
			break;
		at += n > 0 ? (gsize)n : 0;
	}
	close(in);
	waitpid(pid, &status, 0);
	g_spawn_close_pid(pid);
	return g_spawn_check_wait_status(status, NULL) ? 0 : -1;
}

#endif
