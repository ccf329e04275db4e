/*
 * digest/pool.c - the shared strings of a digest's kept messages.
 *
 * Message-IDs, names and addresses repeat across messages (a thread's
 * root is named by every message in it): a digest keeps each once.  The
 * table that finds the copy is only needed while messages are added; at
 * a million messages it is some 25 MB, alive exactly when grouping and
 * the review side make their own tables.  GLib's GStringChunk keeps its
 * table as long as the strings, so the pool keeps its own and drops it
 * when reading ends (pd__pool_seal()).  The few strings pooled after
 * that (reviewers' keys, what the state says of its series) get a small
 * table of their own, so they too are kept once.
 */
#include <string.h>
#include "digest/digest.h"

#define POOL_BLOCK (64 * 1024)

void pd__pool_init(pd__pool *pool)
{
	pool->chunk = g_string_chunk_new(POOL_BLOCK);
	pool->set = g_hash_table_new(g_str_hash, g_str_equal);
	pool->later = NULL;
}

const char *pd__pool_intern(pd__pool *pool, const char *s)
{
	char *copy;

	GHashTable *table;

	if (!s)
		return NULL;
	if (!pool->set && !pool->later)
		pool->later = g_hash_table_new(g_str_hash, g_str_equal);
	table = pool->set ? pool->set : pool->later;
	if ((copy = g_hash_table_lookup(table, s)))
		return copy;
	copy = g_string_chunk_insert(pool->chunk, s);
	g_hash_table_add(table, copy);
	return copy;
}

void pd__pool_seal(pd__pool *pool)
{
	g_clear_pointer(&pool->set, g_hash_table_destroy);
}

void pd__pool_clear(pd__pool *pool)
{
	pd__pool_seal(pool);
	g_clear_pointer(&pool->later, g_hash_table_destroy);
	g_clear_pointer(&pool->chunk, g_string_chunk_free);
}
