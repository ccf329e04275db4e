/*
 * digest/replies.c - a digest's replies, in their order of arrival, out of
 * the heap.
 *
 * A list is mostly replies, and the digest shows few of them one by one:
 * those that give trailers or say "applied".  The others are counted
 * (replies, reviewers, dates) once, when the review side walks them, and
 * a walk goes up only through the replies some message names.  So a
 * reply is a slot of fixed size, written in the order of arrival to an
 * unlinked temporary file a chunk at a time and read back the same way;
 * only the replies the digest may point to keep a record in memory (the
 * slot's `kept`): those with facts.  A reply a message names gets a
 * thread node of 16 bytes once reading ends (pd__thread_node_of()).  At
 * six million replies the records in memory were 450 MB.
 *
 * A slot holds the reply's record as it is, pointers and all: its
 * strings live in the digest's pool, its References and facts in its
 * arena, both as long as the report, and the file lives no longer than
 * the process that wrote it.  When no file can be made or written the
 * chunks stay in memory: the digest is the same, only larger in memory.
 * A digest that asks for it (several archives, a look-back window: their
 * records change after they are added, or are all walked) keeps every
 * record in memory instead and has no file at all.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "digest/digest.h"

/* Slots per chunk: about 64 KB, one write and one read each. */
#define SLOTS_PER_CHUNK ((64 * 1024) / sizeof(pd__reply_slot))

struct pd__replies {
	int all_kept;         /* every reply has a record in memory: no file */
	int fd;               /* -1: no file (yet, or none could be made) */
	int write_failed;     /* from now on chunks stay in memory */
	size_t n;             /* slots added */
	GPtrArray *chunks;    /* pd__reply_slot[SLOTS_PER_CHUNK] each, or
	                         NULL for a chunk written to the file; the
	                         last one is being filled */
};

pd__replies *pd__replies_new(int all_kept)
{
	pd__replies *r = g_new0(pd__replies, 1);

	r->all_kept = all_kept;
	r->fd = -1;
	r->chunks = g_ptr_array_new_with_free_func(g_free);
	return r;
}

void pd__replies_free(pd__replies *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	g_ptr_array_free(r->chunks, TRUE);
	g_free(r);
}

size_t pd__replies_count(const pd__replies *r)
{
	return r ? r->n : 0;
}

/* Writes all of `len` bytes at `offset`: 1 when they are there. */
static int write_at(int fd, const char *data, size_t len, gint64 offset)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, data + done, len - done, offset + (gint64)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		done += (size_t)n;
	}
	return 1;
}

/* A full chunk `k` to the file (made on first use: a week's digest of a
 * small list may fill none).  It stays in memory when that fails. */
static void spill(pd__replies *r, size_t k)
{
	char *path = NULL;
	size_t size = SLOTS_PER_CHUNK * sizeof(pd__reply_slot);

	if (r->all_kept || r->write_failed)
		return;
	if (r->fd < 0) {
		r->fd = g_file_open_tmp("patchdigest-XXXXXX", &path, NULL);
		if (r->fd >= 0)
			g_unlink(path); /* gone with the process, however it ends */
		g_free(path);
	}
	if (r->fd < 0 || !write_at(r->fd, r->chunks->pdata[k], size, (gint64)(k * size))) {
		r->write_failed = 1;
		return;
	}
	g_free(r->chunks->pdata[k]);
	r->chunks->pdata[k] = NULL;
}

void pd__replies_add(pd__replies *r, const pd_reply *record, const pd_reply *kept, guint32 seq)
{
	size_t k = r->n / SLOTS_PER_CHUNK, at = r->n % SLOTS_PER_CHUNK;
	pd__reply_slot *slot;

	if (at == 0)
		g_ptr_array_add(r->chunks, g_new(pd__reply_slot, SLOTS_PER_CHUNK));
	slot = (pd__reply_slot *)r->chunks->pdata[k] + at;
	memset(slot, 0, sizeof(*slot)); /* no stray bytes in the file */
	slot->reply = *record;
	slot->kept = kept;
	slot->seq = seq;
	r->n++;
	if (at + 1 == SLOTS_PER_CHUNK)
		spill(r, k);
}

const pd_reply *pd__replies_kept_at(const pd__replies *r, size_t i)
{
	if (!r->all_kept || i >= r->n)
		return NULL;
	return ((const pd__reply_slot *)r->chunks->pdata[i / SLOTS_PER_CHUNK])[i % SLOTS_PER_CHUNK].kept;
}

int pd__replies_merge(pd__replies **io, const pd__reply_slot *extra, size_t n_extra)
{
	pd__replies *old = *io, *merged;
	pd__reply_cursor c;
	pd__reply_slot slot;
	size_t i = 0, k = 0;
	int error = PD_OK;

	if (!n_extra)
		return PD_OK;
	merged = pd__replies_new(old ? old->all_kept : 0);
	pd__reply_cursor_init(&c, old);
	while (i < pd__replies_count(old) || k < n_extra) {
		if (i < pd__replies_count(old)
		    && (error = pd__reply_cursor_get(&slot, &c, i)) < 0)
			break;
		if (k < n_extra && (i == pd__replies_count(old) || extra[k].seq < slot.seq)) {
			pd__replies_add(merged, &extra[k].reply, extra[k].kept, extra[k].seq);
			k++;
		} else {
			pd__replies_add(merged, &slot.reply, slot.kept, slot.seq);
			i++;
		}
	}
	pd__reply_cursor_clear(&c);
	if (error < 0) {
		pd__replies_free(merged);
		return error;
	}
	pd__replies_free(old);
	*io = merged;
	return PD_OK;
}

void pd__reply_cursor_init(pd__reply_cursor *c, const pd__replies *r)
{
	memset(c, 0, sizeof(*c));
	c->replies = r;
	c->chunk = (size_t)-1;
}

void pd__reply_cursor_clear(pd__reply_cursor *c)
{
	g_clear_pointer(&c->window, g_free);
}

int pd__reply_cursor_get(pd__reply_slot *out, pd__reply_cursor *c, size_t i)
{
	const pd__replies *r = c->replies;
	size_t k = i / SLOTS_PER_CHUNK, at = i % SLOTS_PER_CHUNK;
	const pd__reply_slot *chunk;

	if (!r || i >= r->n)
		return pd__error(PD_ERR_INVALID, "there is no reply %zu", i);
	if ((chunk = r->chunks->pdata[k])) {
		*out = chunk[at];
		return PD_OK;
	}
	if (c->chunk != k) {
		size_t size = SLOTS_PER_CHUNK * sizeof(pd__reply_slot), done = 0;
		gint64 offset = (gint64)(k * size);
		if (!c->window)
			c->window = g_new(pd__reply_slot, SLOTS_PER_CHUNK);
		c->chunk = (size_t)-1;
		while (done < size) {
			ssize_t n = pread(r->fd, (char *)c->window + done, size - done,
					  offset + (gint64)done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return pd__error(PD_ERR_IO, "cannot read the temporary file of replies: %s",
						 n < 0 ? g_strerror(errno) : "it is shorter than written");
			done += (size_t)n;
		}
		c->chunk = k;
	}
	*out = c->window[at];
	return PD_OK;
}
