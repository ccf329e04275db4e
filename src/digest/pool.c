/*
 * digest/pool.c - the shared strings of a digest's kept messages.
 *
 * Message-IDs, names and addresses repeat across messages (a thread's
 * root is named by every message in it): a digest keeps each once.  The
 * table that finds the copy is only needed while messages are added; at
 * a million messages it is some 25 MB, alive exactly when grouping and
 * the review side make their own tables.  GLib's GStringChunk keeps its
 * table as long as the strings, so the pool keeps its own and drops it
 * when reading ends (pd__pool_seal()).
 */
#include <string.h>
#include "digest/digest.h"

#define POOL_BLOCK (64 * 1024)

void pd__pool_init(pd__pool *pool)
{
	pool->chunk = g_string_chunk_new(POOL_BLOCK);
	pool->set = g_hash_table_new(g_str_hash, g_str_equal);
}

const char *pd__pool_intern(pd__pool *pool, const char *s)
{
	char *copy;

	if (!s)
		return NULL;
	if (pool->set && (copy = g_hash_table_lookup(pool->set, s)))
		return copy;
	copy = g_string_chunk_insert(pool->chunk, s);
	if (pool->set)
		g_hash_table_add(pool->set, copy);
	return copy;
}

void pd__pool_seal(pd__pool *pool)
{
	g_clear_pointer(&pool->set, g_hash_table_destroy);
}

void pd__pool_clear(pd__pool *pool)
{
	pd__pool_seal(pool);
	g_clear_pointer(&pool->chunk, g_string_chunk_free);
}
