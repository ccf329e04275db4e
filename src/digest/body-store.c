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
	GHashTable *texts;    /* key -> stored_text */
	GHashTable *in_memory; /* key -> GBytes: pd__body_store_put_bytes()
	                         when no file could take them; or NULL */
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
	if (s->in_memory)
		g_hash_table_destroy(s->in_memory);
	g_free(s);
}

/* Appends `len` bytes at the file's end: 1 when they are there, 0 when
 * no file could be made or written. */
static int append(pd__body_store *s, const char *data, size_t len, gint64 *offset)
{
	size_t done = 0;

	if (open_file(s) < 0 || s->write_failed)
		return 0;
	while (done < len) {
		ssize_t n = pwrite(s->fd, data + done, len - done, s->size + (gint64)done);
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
	*offset = s->size;
	s->size += (gint64)len;
	return 1;
}

int pd__body_store_put(pd__body_store *s, const pd_message *key, const char *text)
{
	size_t len = strlen(text);
	stored_text *t;
	gint64 offset;

	if (!s || !append(s, text, len, &offset))
		return 0;
	t = g_new(stored_text, 1);
	t->offset = offset;
	t->len = len;
	g_hash_table_insert(s->texts, (gpointer)key, t);
	return 1;
}

void pd__body_store_put_bytes(pd__body_store *s, const void *key, const char *data, size_t len)
{
	stored_text *t;
	gint64 offset;

	if (!append(s, data, len, &offset)) {
		/* no file: the bytes stay in memory, nothing is lost */
		if (!s->in_memory)
			s->in_memory = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
							     (GDestroyNotify)g_bytes_unref);
		g_hash_table_insert(s->in_memory, (gpointer)key, g_bytes_new(data, len));
		return;
	}
	t = g_new(stored_text, 1);
	t->offset = offset;
	t->len = len;
	g_hash_table_insert(s->texts, (gpointer)key, t);
}

/* The stored bytes of `key` into a new buffer, NUL-terminated after
 * them; *out NULL when the store holds none.  `what` names them in an
 * error. */
static int read_back(char **out, size_t *out_len, const pd__body_store *s, const void *key,
		     const char *what, const char *origin)
{
	const stored_text *t;
	GBytes *kept;
	char *text;
	size_t done = 0;

	*out = NULL;
	*out_len = 0;
	if (!s)
		return PD_OK;
	if (s->in_memory && (kept = g_hash_table_lookup(s->in_memory, key))) {
		gsize len;
		const char *data = g_bytes_get_data(kept, &len);
		*out = g_malloc(len + 1);
		if (len) /* a zero-length GBytes may hold NULL */
			memcpy(*out, data, len);
		(*out)[len] = '\0';
		*out_len = len;
		return PD_OK;
	}
	if (!(t = g_hash_table_lookup(s->texts, key)))
		return PD_OK;
	text = g_malloc(t->len + 1);
	while (done < t->len) {
		ssize_t n = pread(s->fd, text + done, t->len - done, t->offset + (gint64)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n < 0 ? errno : EIO;
			g_free(text);
			return pd__error(PD_ERR_IO, "cannot read back the %s of %s from the "
					 "temporary file: %s", what, origin ? origin : "a message",
					 g_strerror(saved));
		}
		done += (size_t)n;
	}
	text[t->len] = '\0';
	*out = text;
	*out_len = t->len;
	return PD_OK;
}

int pd__body_store_get(char **out, const pd__body_store *s, const pd_message *m)
{
	size_t len;

	if (m->commit_message) {
		*out = g_strdup(m->commit_message);
		return PD_OK;
	}
	return read_back(out, &len, s, m, "commit message", m->origin);
}

int pd__body_store_get_bytes(char **out, size_t *out_len, const pd__body_store *s,
			     const void *key, const char *origin)
{
	return read_back(out, out_len, s, key, "message", origin);
}
