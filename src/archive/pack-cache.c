/*
 * archive/pack-cache.c - the objects the pack reader resolved, kept for
 * the next reads, one cache for the whole process (pack.h says why).
 *
 * In a public-inbox epoch git stores most messages as deltas against
 * other messages, often ones posted weeks later: a message read now is
 * the base of one read much later, and the bases of one message are
 * read by whichever thread got it.  With a cache per thread, each
 * thread inflated again what the other had just resolved (kvmarm, two
 * threads: 177 MB inflated for 114 MB stored); one cache shared by the
 * threads, keeping the messages themselves and not only the bases, takes
 * that to about 120 MB.
 *
 * Entries are GBytes: a reader holds its own reference to what it uses,
 * so an entry another thread evicts meanwhile stays valid for it.  The
 * cache is split in shards by a hash of pack and offset, each with its
 * own lock, list and share of the budget: with one lock the threads met
 * on it thousands of times a kvmarm digest, each meeting a sleep and a
 * wake-up (perf: some 5,000 futex calls).  A lock is held only to find,
 * add and evict, never while inflating, applying a delta, allocating or
 * freeing.  Least recently used first out within a shard; a pack closed
 * takes its entries with it (pd__pack_cache_forget), so that a new pack
 * at the same address is never answered with them.
 */
#include <stdint.h>
#include <glib.h>
#include "archive/pack.h"

/* What the kept objects may hold together.  kvmarm, two threads: 4 MB
 * inflates 150 MB, 16 MB 120 MB, 64 MB 114 MB (every object once). */
#define CACHE_BYTES ((size_t)16 << 20)
#define SHARDS 8
#define SHARD_BYTES (CACHE_BYTES / SHARDS)

typedef struct entry {
	const void *pack;
	uint64_t offset;
	int type;
	GBytes *bytes;
	struct entry *newer, *older;   /* the recency list */
} entry;

typedef struct {
	GMutex lock;
	GHashTable *table;              /* entry -> itself, by pack and offset */
	entry *newest, *oldest;
	size_t bytes_kept;
} shard;

static shard shards[SHARDS];

static guint64 key_hash(const void *pack, uint64_t offset)
{
	return (offset ^ (uint64_t)(uintptr_t)pack) * UINT64_C(0x9E3779B97F4A7C15);
}

static shard *shard_of(const void *pack, uint64_t offset)
{
	/* the top bits: the table's hash below takes the next ones */
	return &shards[key_hash(pack, offset) >> 61];
}

static guint entry_hash(gconstpointer p)
{
	const entry *e = p;

	return (guint)(key_hash(e->pack, e->offset) >> 24);
}

static gboolean entry_equal(gconstpointer a, gconstpointer b)
{
	const entry *x = a, *y = b;

	return x->pack == y->pack && x->offset == y->offset;
}

static void unlink_entry(shard *s, entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void link_newest(shard *s, entry *e)
{
	e->older = s->newest;
	e->newer = NULL;
	if (s->newest)
		s->newest->newer = e;
	s->newest = e;
	if (!s->oldest)
		s->oldest = e;
}

/* Drops `e` from its shard's table, list and budget (lock held); it goes
 * to the list *freed (chained through `newer`), released once the lock
 * is: free() may wait for another thread's malloc arena, and should not
 * while holding this lock. */
static void drop(shard *s, entry *e, entry **freed)
{
	g_hash_table_remove(s->table, e);
	unlink_entry(s, e);
	s->bytes_kept -= g_bytes_get_size(e->bytes);
	e->newer = *freed;
	*freed = e;
}

static void release(entry *freed)
{
	for (entry *next; freed; freed = next) {
		next = freed->newer;
		g_bytes_unref(freed->bytes);
		g_free(freed);
	}
}

GBytes *pd__pack_cache_get(int *type, const void *pack, uint64_t offset)
{
	entry key = { pack, offset, 0, NULL, NULL, NULL }, *e;
	shard *s = shard_of(pack, offset);
	GBytes *found = NULL;

	g_mutex_lock(&s->lock);
	if (s->table && (e = g_hash_table_lookup(s->table, &key))) {
		unlink_entry(s, e);
		link_newest(s, e);
		*type = e->type;
		found = g_bytes_ref(e->bytes);
	}
	g_mutex_unlock(&s->lock);
	return found;
}

size_t pd__pack_cache_put(const void *pack, uint64_t offset, int type, GBytes *bytes)
{
	size_t len = g_bytes_get_size(bytes), evicted = 0;
	shard *s = shard_of(pack, offset);
	entry *freed = NULL;
	entry *e;

	if (len > SHARD_BYTES / 2)
		return 0;
	e = g_new(entry, 1);
	e->pack = pack;
	e->offset = offset;
	e->type = type;
	e->bytes = g_bytes_ref(bytes);
	g_mutex_lock(&s->lock);
	if (!s->table)
		s->table = g_hash_table_new(entry_hash, entry_equal);
	if (!g_hash_table_contains(s->table, e)) {
		/* another thread may have resolved the same object meanwhile:
		 * the first one kept stays */
		while (s->oldest && s->bytes_kept + len > SHARD_BYTES) {
			drop(s, s->oldest, &freed);
			evicted++;
		}
		link_newest(s, e);
		g_hash_table_add(s->table, e);
		s->bytes_kept += len;
		e = NULL;
	}
	g_mutex_unlock(&s->lock);
	if (e) {
		e->newer = freed;
		freed = e;
	}
	release(freed);
	return evicted;
}

void pd__pack_cache_forget(const void *pack)
{
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &shards[i];
		entry *freed = NULL;
		g_mutex_lock(&s->lock);
		for (entry *e = s->oldest, *next; e; e = next) {
			next = e->newer;
			if (e->pack == pack)
				drop(s, e, &freed);
		}
		if (s->table && !s->oldest) {
			/* the last pack closed: nothing of the shard is left */
			g_hash_table_destroy(s->table);
			s->table = NULL;
		}
		g_mutex_unlock(&s->lock);
		release(freed);
	}
}

size_t pd__pack_cache_held(void)
{
	size_t held = 0;

	for (int i = 0; i < SHARDS; i++) {
		g_mutex_lock(&shards[i].lock);
		held += shards[i].bytes_kept;
		g_mutex_unlock(&shards[i].lock);
	}
	return held;
}
