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
 * lock is held only to find, add and evict, never while inflating or
 * applying a delta.  Least recently used first out, under a budget of
 * bytes; a pack closed takes its entries with it (pd__pack_cache_forget),
 * so that a new pack at the same address is never answered with them.
 */
#include <stdint.h>
#include <glib.h>
#include "archive/pack.h"

/* What the kept objects may hold together.  kvmarm, two threads: 4 MB
 * inflates 150 MB, 16 MB 120 MB, 64 MB 114 MB (every object once). */
#define CACHE_BYTES ((size_t)16 << 20)

typedef struct entry {
	const void *pack;
	uint64_t offset;
	int type;
	GBytes *bytes;
	struct entry *newer, *older;   /* the recency list */
} entry;

static GMutex lock;
static GHashTable *table;               /* entry -> itself, by pack and offset */
static entry *newest, *oldest;
static size_t bytes_kept;

static guint entry_hash(gconstpointer p)
{
	const entry *e = p;
	uint64_t h = (e->offset ^ (uint64_t)(uintptr_t)e->pack) * UINT64_C(0x9E3779B97F4A7C15);

	return (guint)(h >> 32);
}

static gboolean entry_equal(gconstpointer a, gconstpointer b)
{
	const entry *x = a, *y = b;

	return x->pack == y->pack && x->offset == y->offset;
}

static void unlink_entry(entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		oldest = e->newer;
	e->newer = e->older = NULL;
}

static void link_newest(entry *e)
{
	e->older = newest;
	e->newer = NULL;
	if (newest)
		newest->newer = e;
	newest = e;
	if (!oldest)
		oldest = e;
}

/* What one call evicted, released once the lock is: free() may wait for
 * another thread's malloc arena, and should not while holding this lock.
 * Past its room (a large object in, many small out) the rest is
 * released at once. */
typedef struct {
	GBytes *bytes[16];
	unsigned n;
} freed_list;

/* Drops `e` from the table, the list and the budget (lock held); its
 * bytes go to `freed`. */
static void drop(entry *e, freed_list *freed)
{
	g_hash_table_remove(table, e);
	unlink_entry(e);
	bytes_kept -= g_bytes_get_size(e->bytes);
	if (freed->n < G_N_ELEMENTS(freed->bytes))
		freed->bytes[freed->n++] = e->bytes;
	else
		g_bytes_unref(e->bytes);
	g_free(e);
}

static void release(freed_list *freed)
{
	for (unsigned i = 0; i < freed->n; i++)
		g_bytes_unref(freed->bytes[i]);
}

GBytes *pd__pack_cache_get(int *type, const void *pack, uint64_t offset)
{
	entry key = { pack, offset, 0, NULL, NULL, NULL }, *e;
	GBytes *found = NULL;

	g_mutex_lock(&lock);
	if (table && (e = g_hash_table_lookup(table, &key))) {
		unlink_entry(e);
		link_newest(e);
		*type = e->type;
		found = g_bytes_ref(e->bytes);
	}
	g_mutex_unlock(&lock);
	return found;
}

size_t pd__pack_cache_put(const void *pack, uint64_t offset, int type, GBytes *bytes)
{
	size_t len = g_bytes_get_size(bytes), evicted = 0;
	entry key = { pack, offset, 0, NULL, NULL, NULL }, *e;
	freed_list freed = { { NULL }, 0 };

	if (len > CACHE_BYTES / 4)
		return 0;
	g_mutex_lock(&lock);
	if (!table)
		table = g_hash_table_new(entry_hash, entry_equal);
	if (!g_hash_table_contains(table, &key)) {
		/* another thread may have resolved the same object meanwhile:
		 * the first one kept stays */
		while (oldest && bytes_kept + len > CACHE_BYTES) {
			drop(oldest, &freed);
			evicted++;
		}
		e = g_new(entry, 1);
		e->pack = pack;
		e->offset = offset;
		e->type = type;
		e->bytes = g_bytes_ref(bytes);
		link_newest(e);
		g_hash_table_add(table, e);
		bytes_kept += len;
	}
	g_mutex_unlock(&lock);
	release(&freed);
	return evicted;
}

void pd__pack_cache_drop(const void *pack, uint64_t offset)
{
	entry key = { pack, offset, 0, NULL, NULL, NULL }, *e;
	freed_list freed = { { NULL }, 0 };

	g_mutex_lock(&lock);
	if (table && (e = g_hash_table_lookup(table, &key)))
		drop(e, &freed);
	g_mutex_unlock(&lock);
	release(&freed);
}

void pd__pack_cache_forget(const void *pack)
{
	freed_list freed = { { NULL }, 0 };

	g_mutex_lock(&lock);
	for (entry *e = oldest, *next; e; e = next) {
		next = e->newer;
		if (e->pack == pack)
			drop(e, &freed);
	}
	if (table && !oldest) {
		/* the last pack closed: nothing of the cache is left */
		g_hash_table_destroy(table);
		table = NULL;
	}
	g_mutex_unlock(&lock);
	release(&freed);
}

size_t pd__pack_cache_held(void)
{
	size_t held;

	g_mutex_lock(&lock);
	held = bytes_kept;
	g_mutex_unlock(&lock);
	return held;
}
