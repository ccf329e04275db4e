/*
 * digest/replies.c - a digest's replies, in their order of arrival, out of
 * the heap.
 *
 * A list is mostly replies, and the digest shows few of them one by one:
 * those that give trailers or say "applied".  The others are counted
 * (replies, reviewers, dates) once, when the review side walks them, and
 * a walk goes up only through the replies some message names.  So a
 * reply is a slot of fixed size, written in the order of arrival to an
 * unlinked temporary file a chunk at a time and read back the same way.
 * Only a reply the digest may point to keeps its record in memory (the
 * slot's `kept`): one with facts.  A reply without facts "waits": its
 * Message-ID and References go to a second file, beside its slot, and
 * not to the digest's pool (at six million replies, their records and
 * Message-IDs in memory were over 600 MB); the digest finds a repeated
 * Message-ID among them through a table of 8 bytes a reply here (a
 * hash and the reply's number, the Message-ID read back to be sure).
 * A reply some message names gets a thread node when reading ends.
 *
 * A slot holds the reply's record as it is, pointers and all: its
 * sender's strings live in the digest's pool, a kept record's
 * References and facts in its arena, all as long as the report, and the
 * files live no longer than the process that wrote them.  When no file
 * can be made or written the chunks stay in memory: the digest is the
 * same, only larger in memory.  A digest that asks for it (several
 * archives, a look-back window: their records change after they are
 * added, or are all walked) keeps every record in memory instead, and
 * has no file at all.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "digest/digest.h"

#define CHUNK (64 * 1024)
/* Slots per chunk of the slots' file: a slot never spans two chunks. */
#define SLOTS_PER_CHUNK (CHUNK / sizeof(pd__reply_slot))

/* Bytes written at the end a chunk at a time and read anywhere. */
typedef struct {
	int fd;               /* -1: no file (yet, or none could be made) */
	int write_failed;     /* from now on chunks stay in memory */
	size_t chunk;         /* bytes per chunk */
	guint64 size;         /* bytes appended */
	GPtrArray *chunks;    /* chunk k holds bytes from k * chunk, or is
	                         NULL: in the file; the last one is filling */
} spool;

/* Which replies wait, by a hash of their Message-ID: open addressing,
 * (hash, reply number + 1) a slot, at most three quarters full. */
typedef struct {
	guint32 *hashes;
	guint32 *replies;     /* 0: empty */
	gsize size, n;
} id_table;

struct pd__replies {
	int all_kept;         /* every reply has a record in memory: no file */
	size_t n;             /* slots added */
	spool slots;
	spool strings;        /* the waiting replies' Message-IDs and References */
	id_table ids;
};

static void spool_init(spool *s, size_t chunk)
{
	s->fd = -1;
	s->chunk = chunk;
	s->chunks = g_ptr_array_new_with_free_func(g_free);
}

static void spool_clear(spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->chunks)
		g_ptr_array_free(s->chunks, TRUE);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* Writes all of `len` bytes at `offset`: 1 when they are there. */
static int write_at(int fd, const char *data, size_t len, guint64 offset)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, data + done, len - done, (off_t)(offset + done));
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
static void spill(spool *s, size_t k, int keep_in_memory)
{
	char *path = NULL;

	if (keep_in_memory || s->write_failed)
		return;
	if (s->fd < 0) {
		s->fd = g_file_open_tmp("patchdigest-XXXXXX", &path, NULL);
		if (s->fd >= 0)
			g_unlink(path); /* gone with the process, however it ends */
		g_free(path);
	}
	if (s->fd < 0 || !write_at(s->fd, s->chunks->pdata[k], s->chunk, (guint64)k * s->chunk)) {
		s->write_failed = 1;
		return;
	}
	g_free(s->chunks->pdata[k]);
	s->chunks->pdata[k] = NULL;
}

static void spool_append(spool *s, const void *data, size_t len, int keep_in_memory)
{
	const char *p = data;

	while (len) {
		size_t k = (size_t)(s->size / s->chunk), at = (size_t)(s->size % s->chunk);
		size_t n = MIN(len, s->chunk - at);
		if (at == 0)
			g_ptr_array_add(s->chunks, g_malloc0(s->chunk));
		memcpy((char *)s->chunks->pdata[k] + at, p, n);
		s->size += n;
		p += n;
		len -= n;
		if (at + n == s->chunk)
			spill(s, k, keep_in_memory);
	}
}

/* `len` bytes at `at` (below s->size) into `out`. */
static int spool_read(const spool *s, guint64 at, void *out, size_t len)
{
	char *o = out;

	while (len) {
		size_t k = (size_t)(at / s->chunk), in = (size_t)(at % s->chunk);
		size_t n = MIN(len, s->chunk - in);
		const char *chunk = s->chunks->pdata[k];
		if (chunk) {
			memcpy(o, chunk + in, n);
		} else {
			ssize_t r = pread(s->fd, o, n, (off_t)at);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return pd__error(PD_ERR_IO, "cannot read the temporary file of replies: %s",
						 r < 0 ? g_strerror(errno) : "it is shorter than written");
			n = (size_t)r;
		}
		o += n;
		at += n;
		len -= n;
	}
	return PD_OK;
}

pd__replies *pd__replies_new(int all_kept)
{
	pd__replies *r = g_new0(pd__replies, 1);

	r->all_kept = all_kept;
	spool_init(&r->slots, SLOTS_PER_CHUNK * sizeof(pd__reply_slot));
	spool_init(&r->strings, CHUNK);
	return r;
}

void pd__replies_free(pd__replies *r)
{
	if (!r)
		return;
	spool_clear(&r->slots);
	spool_clear(&r->strings);
	g_free(r->ids.hashes);
	g_free(r->ids.replies);
	g_free(r);
}

size_t pd__replies_count(const pd__replies *r)
{
	return r ? r->n : 0;
}

static void add_slot(pd__replies *r, const pd__reply_slot *slot)
{
	pd__reply_slot copy;

	memset(&copy, 0, sizeof(copy)); /* no stray bytes in the file */
	copy.reply = slot->reply;
	copy.kept = slot->kept;
	copy.seq = slot->seq;
	copy.strings_at = slot->strings_at;
	copy.strings_len = slot->strings_len;
	spool_append(&r->slots, &copy, sizeof(copy), r->all_kept);
	r->n++;
}

void pd__replies_add(pd__replies *r, const pd_reply *record, const pd_reply *kept, guint32 seq)
{
	pd__reply_slot slot = { .reply = *record, .kept = kept, .seq = seq };

	add_slot(r, &slot);
}

/* The slot a probe goes on to from `at` (linear, wrapping). */
static gsize next_slot(const id_table *t, gsize at)
{
	return at + 1 == t->size ? 0 : at + 1;
}

static void ids_grow(id_table *t)
{
	id_table old = *t;

	t->size = MAX((gsize)64, old.size * 2);
	t->hashes = g_new(guint32, t->size);
	t->replies = g_new0(guint32, t->size);
	for (gsize i = 0; i < old.size; i++) {
		gsize at;
		if (!old.replies[i])
			continue;
		for (at = pd__id_slot(old.hashes[i], t->size); t->replies[at]; at = next_slot(t, at))
			;
		t->hashes[at] = old.hashes[i];
		t->replies[at] = old.replies[i];
	}
	g_free(old.hashes);
	g_free(old.replies);
}

/* Notes that reply `number` - 1 waits with Message-ID `id`. */
static void ids_put(id_table *t, const char *id, guint32 number)
{
	guint32 h = pd__id_hash(id);
	gsize at;

	if ((t->n + 1) * 4 > t->size * 3)
		ids_grow(t);
	for (at = pd__id_slot(h, t->size); t->replies[at]; at = next_slot(t, at))
		;
	t->hashes[at] = h;
	t->replies[at] = number;
	t->n++;
}

/* The strings of a waiting reply: its Message-ID (when it has one) and
 * References, each NUL-terminated, after a byte saying whether the
 * Message-ID is there; appended piece by piece (no copy made first:
 * there is one for every reply of an archive). */
void pd__replies_add_waiting(pd__replies *r, const pd_reply *record, const char *id,
			     char *const *refs, guint32 seq)
{
	pd__reply_slot slot = { .reply = *record, .seq = seq };
	char has_id = id ? 1 : 0;
	guint64 start = r->strings.size;

	spool_append(&r->strings, &has_id, 1, 0);
	if (id)
		spool_append(&r->strings, id, strlen(id) + 1, 0);
	for (size_t i = 0; refs && refs[i]; i++)
		spool_append(&r->strings, refs[i], strlen(refs[i]) + 1, 0);
	slot.reply.message_id = NULL;
	slot.reply.references = NULL;
	slot.strings_at = start;
	slot.strings_len = (guint32)(r->strings.size - start);
	if (id)
		ids_put(&r->ids, id, (guint32)(r->n + 1));
	add_slot(r, &slot);
}

/* Splits a strings record (`len` bytes at `rec`) into its Message-ID and
 * a NULL-terminated array of References in `refs` (pointers into `rec`). */
static const char *split_strings(char *rec, size_t len, GPtrArray *refs)
{
	const char *id = NULL;
	size_t at = 1;

	g_ptr_array_set_size(refs, 0);
	if (len && rec[0] && at < len) {
		id = rec + at;
		at += strlen(id) + 1;
	}
	while (at < len) {
		g_ptr_array_add(refs, rec + at);
		at += strlen(rec + at) + 1;
	}
	g_ptr_array_add(refs, NULL);
	return id;
}

int pd__replies_has_waiting(int *found, const pd__replies *r, const char *id)
{
	guint32 h;
	gsize at;

	*found = 0;
	if (!r || !r->ids.n || !id)
		return PD_OK;
	h = pd__id_hash(id);
	for (at = pd__id_slot(h, r->ids.size); r->ids.replies[at]; at = next_slot(&r->ids, at)) {
		size_t i = r->ids.replies[at] - 1;
		pd__reply_slot slot;
		char *rec;
		int error;
		if (r->ids.hashes[at] != h)
			continue;
		/* the same hash: the Message-ID itself says */
		if ((error = spool_read(&r->slots, (guint64)i * sizeof(slot), &slot, sizeof(slot))) < 0)
			return error;
		rec = g_malloc(slot.strings_len + 1);
		rec[slot.strings_len] = '\0';
		if ((error = spool_read(&r->strings, slot.strings_at, rec, slot.strings_len)) < 0) {
			g_free(rec);
			return error;
		}
		*found = slot.strings_len > 1 && rec[0] && !strcmp(rec + 1, id);
		g_free(rec);
		if (*found)
			return PD_OK;
	}
	return PD_OK;
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
		if (i < pd__replies_count(old) && (error = pd__reply_cursor_get(&slot, &c, i)) < 0)
			break;
		if (k < n_extra && (i == pd__replies_count(old) || extra[k].seq < slot.seq)) {
			add_slot(merged, &extra[k]);
			k++;
			continue;
		}
		/* a waiting reply's strings stay where they are (the new
		 * list takes the old one's file of them); its number changes */
		if (slot.strings_len) {
			if (slot.reply.message_id)
				ids_put(&merged->ids, slot.reply.message_id, (guint32)(merged->n + 1));
			slot.reply.message_id = NULL;
			slot.reply.references = NULL;
		}
		add_slot(merged, &slot);
		i++;
	}
	pd__reply_cursor_clear(&c);
	if (error < 0) {
		pd__replies_free(merged);
		return error;
	}
	if (old) {
		spool_clear(&merged->strings);
		merged->strings = old->strings;
		memset(&old->strings, 0, sizeof(old->strings));
		old->strings.fd = -1;
	}
	pd__replies_free(old);
	*io = merged;
	return PD_OK;
}

void pd__reply_cursor_init(pd__reply_cursor *c, const pd__replies *r)
{
	memset(c, 0, sizeof(*c));
	c->replies = r;
	c->refs = g_ptr_array_new();
}

void pd__reply_cursor_clear(pd__reply_cursor *c)
{
	g_clear_pointer(&c->slots.bytes, g_free);
	g_clear_pointer(&c->strings.bytes, g_free);
	g_clear_pointer(&c->record, g_free);
	if (c->refs)
		g_ptr_array_free(c->refs, TRUE);
	c->refs = NULL;
}

/* `len` bytes at `at` of `s` through window `w`: read a chunk at a time
 * from `at` on, so that reading in order reads each byte once. */
static int windowed(const char **out, const spool *s, pd__reply_window *w, guint64 at, size_t len)
{
	size_t want;
	int error;

	if (w->bytes && at >= w->at && at + len <= w->at + w->len) {
		*out = w->bytes + (at - w->at);
		return PD_OK;
	}
	want = (size_t)MIN((guint64)MAX(len, (size_t)CHUNK), s->size - at);
	if (want > w->room) {
		g_free(w->bytes);
		w->bytes = g_malloc(want);
		w->room = want;
	}
	w->len = 0;
	if ((error = spool_read(s, at, w->bytes, want)) < 0)
		return error;
	w->at = at;
	w->len = want;
	*out = w->bytes;
	return PD_OK;
}

int pd__reply_cursor_get(pd__reply_slot *out, pd__reply_cursor *c, size_t i)
{
	const pd__replies *r = c->replies;
	const char *bytes;
	int error;

	if (!r || i >= r->n)
		return pd__error(PD_ERR_INVALID, "there is no reply %zu", i);
	if ((error = windowed(&bytes, &r->slots, &c->slots, (guint64)i * sizeof(*out), sizeof(*out))) < 0)
		return error;
	memcpy(out, bytes, sizeof(*out));
	if (!out->strings_len)
		return PD_OK;
	/* a waiting reply: its Message-ID and References, in the cursor's
	 * memory until the next slot is read */
	if ((error = windowed(&bytes, &r->strings, &c->strings, out->strings_at, out->strings_len)) < 0)
		return error;
	if (out->strings_len + 1 > c->record_room) {
		g_free(c->record);
		c->record_room = out->strings_len + 1;
		c->record = g_malloc(c->record_room);
	}
	memcpy(c->record, bytes, out->strings_len);
	c->record[out->strings_len] = '\0';
	out->reply.message_id = split_strings(c->record, out->strings_len, c->refs);
	out->reply.references = (const char *const *)c->refs->pdata;
	return PD_OK;
}

const pd_reply *pd__replies_kept_at(const pd__replies *r, size_t i)
{
	const pd__reply_slot *slot;

	if (!r->all_kept || i >= r->n)
		return NULL;
	slot = (const pd__reply_slot *)r->slots.chunks->pdata[i / SLOTS_PER_CHUNK] + i % SLOTS_PER_CHUNK;
	return slot->kept;
}
