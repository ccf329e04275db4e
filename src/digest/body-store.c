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
 * A text is a record found by the reference its holder keeps
 * (pd__body_store_add()): no index at all.  A posting's bytes are a
 * record too, and its text record holds their reference.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>
#include <glib/gstdio.h>
#include "digest/digest.h"

/* What the file's reader read last, around the record it wanted: the
 * texts are read back in about the order they were written (a digest's
 * series in posting order), each record some hundred bytes, and a
 * pread(2) each was half the time of rendering kvmarm's whole history.
 * The records not written yet wait in a buffer of the same size: a
 * pwritev(2) each was 10,000 system calls on kvmarm, on the thread that
 * every parsed message goes through.  Apart from the store because
 * reading is const; under a lock because a report may be read from
 * several threads. */
#define WINDOW (64 * 1024)

typedef struct {
	GMutex lock;
	char *bytes;          /* WINDOW of them, from the first read on */
	gint64 start;         /* the file's bytes [start, start + len) */
	size_t len;
	char *pending;        /* WINDOW of them: the file's bytes [written,
	                         written + pending_len), not written yet --
	                         for good once writing failed */
	size_t pending_len;
	gint64 written;       /* bytes in the file */
} file_buffers;

struct pd__body_store {
	int fd;               /* -1: no file (yet) */
	file_buffers *window;
	int write_failed;     /* no file could be made or written: texts
	                         from now on stay in memory */
	gint64 size;          /* the file's bytes, written or pending */
	pd__arena records;    /* pd__body_store_add()'s records no file
	                         could take */
};

pd__body_store *pd__body_store_new(void)
{
	pd__body_store *s = g_new0(pd__body_store, 1);

	s->fd = -1;
	s->window = g_new0(file_buffers, 1);
	g_mutex_init(&s->window->lock);
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
	pd__arena_clear(&s->records);
	g_mutex_clear(&s->window->lock);
	g_free(s->window->bytes);
	g_free(s->window->pending);
	g_free(s->window);
	g_free(s);
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

/* Writes the pending records (the lock held).  A regular file is written
 * short only when it cannot take more (a full disk, a size limit): then
 * the pending records stay where they are, read from memory, and the
 * records after them go to the arena. */
static void flush_pending(pd__body_store *s)
{
	file_buffers *w = s->window;
	size_t done = 0;

	while (done < w->pending_len) {
		ssize_t n = pwrite(s->fd, w->pending + done, w->pending_len - done,
				   w->written + (gint64)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->write_failed = 1;
			return;
		}
		done += (size_t)n;
	}
	w->written += (gint64)done;
	w->pending_len = 0;
}

/* ---- records found by where they are ------------------------------------- */

/* A record is its length (4 bytes, little-endian) and its bytes.  In
 * the file, its reference is its offset times two plus one; in memory
 * (no file), the address of its copy in the store's arena, which is
 * 8-aligned: the low bit tells them apart, and 0 is no record. */
#define FILE_REF(offset) (((guint64)(offset) << 1) | 1)

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
		file_buffers *w = s->window;
		gint64 start = s->size;
		g_mutex_lock(&w->lock);
		if (w->pending_len + 4 + len > WINDOW)
			flush_pending(s);
		if (!s->write_failed && 4 + len <= WINDOW) {
			if (!w->pending)
				w->pending = g_malloc(WINDOW);
			memcpy(w->pending + w->pending_len, head, 4);
			memcpy(w->pending + w->pending_len + 4, data, len);
			w->pending_len += 4 + len;
			s->size += (gint64)(4 + len);
			g_mutex_unlock(&w->lock);
			return FILE_REF(start);
		}
		if (!s->write_failed) {
			/* larger than the buffer (nothing pending now): written
			 * at once */
			struct iovec iov[2] = { { head, 4 }, { (void *)data, len } };
			ssize_t n;
			do
				n = pwritev(s->fd, iov, 2, start);
			while (n < 0 && errno == EINTR);
			if (n == (ssize_t)(4 + len)) {
				s->size += n;
				w->written += n;
				g_mutex_unlock(&w->lock);
				return FILE_REF(start);
			}
			s->write_failed = 1;
		}
		g_mutex_unlock(&w->lock);
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
	file_buffers *w;
	const char *head;
	size_t avail;
	guint32 len;
	ssize_t got = 0;
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
	/* the window, or a new one from the record on: most records come
	 * whole from one read, their neighbours with them */
	w = s->window;
	g_mutex_lock(&w->lock);
	if (offset >= w->written) {
		/* not written yet (or never, writing having failed) */
		size_t at = (size_t)(offset - w->written);
		if (at + 4 > w->pending_len
		    || at + 4 + le32((const unsigned char *)w->pending + at) > w->pending_len) {
			g_mutex_unlock(&w->lock);
			goto failed;
		}
		len = le32((const unsigned char *)w->pending + at);
		text = g_malloc((size_t)len + 1);
		memcpy(text, w->pending + at + 4, len);
		g_mutex_unlock(&w->lock);
		text[len] = '\0';
		*out = text;
		*out_len = len;
		return PD_OK;
	}
	if (!w->bytes)
		w->bytes = g_malloc(WINDOW);
	if (offset < w->start || offset + 4 > w->start + (gint64)w->len
	    || offset + 4 + (gint64)le32((const unsigned char *)w->bytes + (offset - w->start))
		   > w->start + (gint64)w->len) {
		do
			got = pread(s->fd, w->bytes, WINDOW, offset);
		while (got < 0 && errno == EINTR);
		w->start = offset;
		w->len = got > 0 ? (size_t)got : 0;
		if (got < 4) {
			g_mutex_unlock(&w->lock);
			goto failed;
		}
	}
	head = w->bytes + (offset - w->start);
	avail = w->len - (size_t)(offset - w->start) - 4;
	len = le32((const unsigned char *)head);
	text = g_malloc((size_t)len + 1);
	if (avail >= len) {
		memcpy(text, head + 4, len);
		g_mutex_unlock(&w->lock);
	} else {
		/* longer than the window holds: the rest read directly */
		memcpy(text, head + 4, avail);
		g_mutex_unlock(&w->lock);
		got = 0;
		if (read_fully(s->fd, text + avail, len - avail, offset + 4 + (gint64)avail) < 0) {
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
