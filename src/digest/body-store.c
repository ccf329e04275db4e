/*
 * digest/body-store.c - commit messages kept on disk while a digest is made.
 *
 * The commit message of every cover letter and first patch is kept
 * until the digest is written: at a million messages that is hundreds
 * of MB, read once at the very end.  They go to an unlinked temporary
 * file instead (the page cache holds them, not the heap) and come back
 * one at a time as the renderers write them.  When no temporary file
 * can be made, or writing it fails (a full disk), messages keep their
 * text in memory: the digest is the same, only larger in memory.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "digest/digest.h"

typedef struct {
	gint64 offset;
	gsize len;
} stored_text;

struct pd__body_store {
	int fd;               /* -1: no file (yet) */
	int write_failed;     /* no file could be made or written: texts
	                         from now on stay in memory */
	gint64 size;
	GHashTable *texts;    /* pd_message * -> stored_text */
};

pd__body_store *pd__body_store_new(void)
{
	pd__body_store *s = g_new0(pd__body_store, 1);

	s->fd = -1;
	s->texts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	return s;
}

/* The file is made on first use: most digests of a week hold a few
 * hundred texts, and a digest with none needs no file. */
static int open_file(pd__body_store *s)
{
	char *path = NULL;

	if (s->fd >= 0 || s->write_failed)
		return s->fd;
	s->fd = g_file_open_tmp("patchdigest-XXXXXX", &path, NULL);
	if (s->fd >= 0)
		g_unlink(path); /* gone with the process, however it ends */
	else
		s->write_failed = 1;
	g_free(path);
	return s->fd;
}

void pd__body_store_free(pd__body_store *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	g_hash_table_destroy(s->texts);
	g_free(s);
}

int pd__body_store_put(pd__body_store *s, const pd_message *key, const char *text)
{
	size_t len, done = 0;
	stored_text *t;

	if (!s || open_file(s) < 0 || s->write_failed)
		return 0;
	len = strlen(text);
	while (done < len) {
		ssize_t n = pwrite(s->fd, text + done, len - done, s->size + (gint64)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* from now on texts stay in memory; those stored are
			 * still readable */
			s->write_failed = 1;
			return 0;
		}
		done += (size_t)n;
	}
	t = g_new(stored_text, 1);
	t->offset = s->size;
	t->len = len;
	s->size += (gint64)len;
	g_hash_table_insert(s->texts, (gpointer)key, t);
	return 1;
}

int pd__body_store_get(char **out, const pd__body_store *s, const pd_message *m)
{
	const stored_text *t;
	char *text;
	size_t done = 0;

	*out = NULL;
	if (m->commit_message) {
		*out = g_strdup(m->commit_message);
		return PD_OK;
	}
	if (!s || !(t = g_hash_table_lookup(s->texts, m)))
		return PD_OK;
	text = g_malloc(t->len + 1);
	while (done < t->len) {
		ssize_t n = pread(s->fd, text + done, t->len - done, t->offset + (gint64)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : EIO;
			g_free(text);
			return pd__error(PD_ERR_IO, "cannot read back the commit message of %s "
					 "from the temporary file: %s", m->origin ? m->origin : "a message",
					 g_strerror(saved));
		}
		done += (size_t)n;
	}
	text[t->len] = '\0';
	*out = text;
	return PD_OK;
}
