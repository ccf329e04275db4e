/*
 * digest/body-store.c - texts kept on disk while a digest is made.
 *
 * Every posting's text -- its subject, title, origin, To: and, for a
 * cover letter or first patch, its commit message -- is kept until the
 * digest is written: at a million messages that is hundreds of MB, read
 * once at the very end.  They go to an unlinked temporary
 * file instead (the page cache holds them, not the heap) and come back
 * one at a time as the renderers write them.  When no temporary file
 * can be made, or writing it fails (a full disk), the store keeps the
 * text in memory: the digest is the same, only larger in memory.  The
 * bytes of messages (for an mbox of the new series) are kept the same
 * way.
 *
 * A posting's text is a record found by the reference the posting
 * keeps (pd__body_store_add()): no index at all.  The bytes are found by
 * the message's address: their offset and length are an element of an
 * array, and the table from message to bytes holds the element's
 * number, which GLib keeps in 4 bytes.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>
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
	GArray *stored[PD__STORED_KINDS];        /* stored_text, in the order put */
	GHashTable *texts[PD__STORED_KINDS];     /* key -> its element of
	                         stored[] + 1 (GUINT_TO_POINTER) */
	GHashTable *in_memory[PD__STORED_KINDS]; /* key -> GBytes, for what
	                         no file could take; or NULL */
	pd__arena records;    /* pd__body_store_add()'s records no file
	                         could take */
};

pd__body_store *pd__body_store_new(void)
{
	pd__body_store *s = g_new0(pd__body_store, 1);

	s->fd = -1;
	for (int i = 0; i < PD__STORED_KINDS; i++) {
		s->stored[i] = g_array_new(FALSE, FALSE, sizeof(stored_text));
		s->texts[i] = g_hash_table_new(g_direct_hash, g_direct_equal);
	}
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
	for (int i = 0; i < PD__STORED_KINDS; i++) {
		g_array_free(s->stored[i], TRUE);
		g_hash_table_destroy(s->texts[i]);
		if (s->in_memory[i])
			g_hash_table_destroy(s->in_memory[i]);
	}
	pd__arena_clear(&s->records);
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

void pd__body_store_put(pd__body_store *s, pd__stored what, const void *key, const char *data,
			size_t len)
{
	stored_text t;

	if (!append(s, data, len, &t.offset)) {
		/* no file: the bytes stay in memory, nothing is lost */
		if (!s->in_memory[what])
			s->in_memory[what] = g_hash_table_new_full(g_direct_hash, g_direct_equal,
								   NULL,
								   (GDestroyNotify)g_bytes_unref);
		g_hash_table_insert(s->in_memory[what], (gpointer)key, g_bytes_new(data, len));
		return;
	}
	t.len = len;
	g_array_append_val(s->stored[what], t);
	g_hash_table_insert(s->texts[what], (gpointer)key, GUINT_TO_POINTER(s->stored[what]->len));
}

void pd__body_store_forget(pd__body_store *s, const void *key)
{
	if (!s)
		return;
	for (int i = 0; i < PD__STORED_KINDS; i++) {
		g_hash_table_remove(s->texts[i], key);
		if (s->in_memory[i])
			g_hash_table_remove(s->in_memory[i], key);
	}
}

/* Reads `len` bytes at `offset` into `buf`: 0, or -1 with errno set. */
static int read_fully(int fd, char *buf, size_t len, gint64 offset)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, offset + (gint64)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

int pd__body_store_get(char **out, size_t *out_len, const pd__body_store *s, pd__stored what,
		       const void *key, const char *message_id)
{
	const stored_text *t;
	guint at;
	GBytes *kept;
	char *text;

	*out = NULL;
	*out_len = 0;
	if (!s)
		return PD_OK;
	if (s->in_memory[what] && (kept = g_hash_table_lookup(s->in_memory[what], key))) {
		gsize len;
		const char *data = g_bytes_get_data(kept, &len);
		*out = g_malloc(len + 1);
		if (len) /* a zero-length GBytes may hold NULL */
			memcpy(*out, data, len);
		(*out)[len] = '\0';
		*out_len = len;
		return PD_OK;
	}
	if (!(at = GPOINTER_TO_UINT(g_hash_table_lookup(s->texts[what], key))))
		return PD_OK;
	t = &g_array_index(s->stored[what], stored_text, at - 1);
	text = g_malloc(t->len + 1);
	if (read_fully(s->fd, text, t->len, t->offset) < 0) {
		int saved = errno;
		g_free(text);
		return pd__error(PD_ERR_IO, "cannot read back the bytes of %s%s%s from the "
				 "temporary file: %s", message_id ? "<" : "",
				 message_id ? message_id : "a message", message_id ? ">" : "",
				 g_strerror(saved));
	}
	text[t->len] = '\0';
	*out = text;
	*out_len = t->len;
	return PD_OK;
}

/* ---- records found by where they are ------------------------------------- */

/* A record is its length (4 bytes, little-endian) and its bytes.  In
 * the file, its reference is its offset times two plus one; in memory
 * (no file), the address of its copy in the store's arena, which is
 * 8-aligned: the low bit tells them apart, and 0 is no record. */
#define FILE_REF(offset) (((guint64)(offset) << 1) | 1)
#define READ_AHEAD 256

guint64 pd__body_store_add(pd__body_store *s, const char *data, size_t len)
{
	unsigned char head[4];
	char *copy;

	g_assert(len <= G_MAXUINT32);
	head[0] = len & 0xff;
	head[1] = (len >> 8) & 0xff;
	head[2] = (len >> 16) & 0xff;
	head[3] = (len >> 24) & 0xff;
	if (open_file(s) >= 0 && !s->write_failed) {
		/* one system call for most records: a digest writes one for
		 * every posting */
		struct iovec iov[2] = { { head, 4 }, { (void *)data, len } };
		gint64 start = s->size;
		ssize_t n;
		do
			n = pwritev(s->fd, iov, 2, start);
		while (n < 0 && errno == EINTR);
		if (n == (ssize_t)(4 + len)) {
			s->size += n;
			return FILE_REF(start);
		}
		/* a regular file is written short only when it cannot take
		 * more (a full disk, a size limit): from now on, memory, as
		 * append() does */
		s->write_failed = 1;
	}
	copy = pd__arena_alloc(&s->records, 4 + len);
	memcpy(copy, head, 4);
	memcpy(copy + 4, data, len);
	return (guint64)(guintptr)copy;
}

static guint32 le32(const unsigned char *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

int pd__body_store_read(char **out, size_t *out_len, const pd__body_store *s, guint64 ref)
{
	gint64 offset = (gint64)(ref >> 1);
	char head[READ_AHEAD];
	guint32 len;
	ssize_t got;
	char *text;

	*out = NULL;
	*out_len = 0;
	if (!s || !ref)
		return PD_OK;
	if (!(ref & 1)) {
		const unsigned char *kept = (const unsigned char *)(guintptr)ref;
		len = le32(kept);
		*out = g_malloc(len + 1);
		memcpy(*out, kept + 4, len);
		(*out)[len] = '\0';
		*out_len = len;
		return PD_OK;
	}
	/* one read brings most records whole: their length and their bytes */
	do
		got = pread(s->fd, head, sizeof(head), offset);
	while (got < 0 && errno == EINTR);
	if (got < 4)
		goto failed;
	len = le32((const unsigned char *)head);
	text = g_malloc((size_t)len + 1);
	if ((size_t)got - 4 >= len) {
		memcpy(text, head + 4, len);
	} else {
		memcpy(text, head + 4, (size_t)got - 4);
		if (read_fully(s->fd, text + got - 4, len - ((size_t)got - 4), offset + got) < 0) {
			g_free(text);
			goto failed;
		}
	}
	text[len] = '\0';
	*out = text;
	*out_len = len;
	return PD_OK;
failed:
	return pd__error(PD_ERR_IO, "cannot read back a message's text (its subject, origin and commit "
			 "message) from the temporary file: %s", g_strerror(got < 0 ? errno : EIO));
}
