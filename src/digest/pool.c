/*
 * digest/pool.c - the shared strings of a digest's kept messages.
 *
 * Message-IDs, names and addresses repeat across messages (a thread's
 * root is named by every message in it): a digest keeps each once, one
 * after the other in an arena of the pool's (no padding between them),
 * each after a byte of marks: the digest
 * marks the Message-IDs it kept there (pd__pool_mark()) rather than in a
 * second table of a million strings.  Lists of References are kept
 * once as well (pd__pool_list()): their arrays in the caller's arena,
 * their table dropped with the strings' at the seal.  The
 * table that finds the copy is only needed while messages are added; at
 * a million messages it is some 25 MB, alive exactly when grouping and
 * the review side make their own tables.  GLib's GStringChunk keeps its
 * table as long as the strings, so the pool keeps its own and drops it
 * when reading ends (pd__pool_seal()); GLib's chunk has no room for a
 * mark either.  The few strings pooled after
 * that (reviewers' keys, what the state says of its series) get a small
 * table of their own, so they too are kept once.
 */
#include <string.h>
#include "digest/digest.h"

#define POOL_BLOCK (64 * 1024)

/* A list's hash and equality: its strings are pooled, so the same
 * text is the same address. */
static guint list_hash(gconstpointer p)
{
	const char *const *l = p;
	guint h = 5381;

	for (; *l; l++)
		h = h * 33 + (guint)((guintptr)*l >> 3);
	return h;
}

static gboolean list_equal(gconstpointer a, gconstpointer b)
{
	const char *const *x = a, *const *y = b;

	for (; *x && *x == *y; x++, y++)
		;
	return *x == *y;
}

void pd__pool_init(pd__pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	pool->strings.block = POOL_BLOCK;
	pool->set = g_hash_table_new(pd__str_hash, g_str_equal);
	pool->lists = g_hash_table_new(list_hash, list_equal);
}

/* A copy of `s` in the pool's arena, after a byte of marks (zero). */
static char *copy_in(pd__pool *pool, const char *s)
{
	size_t size = strlen(s) + 2;
	char *copy = pd__arena_alloc_bytes(&pool->strings, size);

	copy[0] = 0;
	memcpy(copy + 1, s, size - 1);
	return copy + 1;
}

const char *pd__pool_intern(pd__pool *pool, const char *s)
{
	char *copy;

	GHashTable *table;

	if (!s)
		return NULL;
	if (!pool->set && !pool->later)
		pool->later = g_hash_table_new(pd__str_hash, g_str_equal);
	table = pool->set ? pool->set : pool->later;
	if ((copy = g_hash_table_lookup(table, s)))
		return copy;
	copy = copy_in(pool, s);
	g_hash_table_add(table, copy);
	return copy;
}

const char *pd__pool_find(const pd__pool *pool, const char *s)
{
	GHashTable *table = pool->set ? pool->set : pool->later;

	return s && table ? g_hash_table_lookup(table, s) : NULL;
}

int pd__pool_mark(const char *pooled, unsigned mark)
{
	char *marks = (char *)pooled - 1;
	int was = pd__pool_marked(pooled, mark);

	*marks = (char)(*marks | mark);
	return was;
}

int pd__pool_marked(const char *pooled, unsigned mark)
{
	return (pooled[-1] & mark) != 0;
}

static const char *const empty_list[] = { NULL };

const char *const *pd__pool_list(pd__pool *pool, pd__arena *arena, char *const *strings)
{
	size_t n = 0;
	const char **list, *const *found;

	while (strings && strings[n])
		n++;
	if (!n)
		return empty_list;
	list = pd__arena_alloc(arena, (n + 1) * sizeof(*list));
	for (size_t i = 0; i < n; i++)
		list[i] = pd__pool_intern(pool, strings[i]);
	list[n] = NULL;
	if (!pool->lists)
		return list;
	if ((found = g_hash_table_lookup(pool->lists, list))) {
		pd__arena_unalloc(arena, list, (n + 1) * sizeof(*list));
		return found;
	}
	g_hash_table_add(pool->lists, list);
	return list;
}

void pd__pool_seal(pd__pool *pool)
{
	g_clear_pointer(&pool->set, g_hash_table_destroy);
	g_clear_pointer(&pool->lists, g_hash_table_destroy);
}

void pd__pool_clear(pd__pool *pool)
{
	pd__pool_seal(pool);
	g_clear_pointer(&pool->later, g_hash_table_destroy);
	pd__arena_clear(&pool->strings);
}
