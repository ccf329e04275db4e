/*
 * digest/threads.c - tables of messages found by their Message-ID.
 *
 * Grouping and the review side walk up threads: from a Message-ID to
 * the References of the message with it.  Keyed by a string with the
 * References as the value, such a table costs 20 bytes a slot; keyed by
 * the message itself (a kept message and a reply record both begin with
 * their Message-ID and References), it is a set of 12.  At a million
 * messages the replies' table is some 10 MB smaller.
 */
#include <string.h>
#include "digest/digest.h"

G_STATIC_ASSERT(G_STRUCT_OFFSET(pd_post, message_id) == G_STRUCT_OFFSET(pd__thread_node, message_id));
G_STATIC_ASSERT(G_STRUCT_OFFSET(pd_post, references) == G_STRUCT_OFFSET(pd__thread_node, references));
G_STATIC_ASSERT(G_STRUCT_OFFSET(pd_reply, message_id) == G_STRUCT_OFFSET(pd__thread_node, message_id));
G_STATIC_ASSERT(G_STRUCT_OFFSET(pd_reply, references) == G_STRUCT_OFFSET(pd__thread_node, references));

guint pd__node_hash(gconstpointer node)
{
	return g_str_hash(*(const char *const *)node);
}

gboolean pd__node_equal(gconstpointer a, gconstpointer b)
{
	return !strcmp(*(const char *const *)a, *(const char *const *)b);
}

GHashTable *pd__thread_nodes_new(void)
{
	return g_hash_table_new(pd__node_hash, pd__node_equal);
}

const pd__thread_node *pd__thread_node_find(GHashTable *nodes, const char *id)
{
	gpointer key;

	if (!id || !g_hash_table_lookup_extended(nodes, &id, &key, NULL))
		return NULL;
	return key;
}
