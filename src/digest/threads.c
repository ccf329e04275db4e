/*
 * digest/threads.c - tables of messages found by their Message-ID.
 *
 * Grouping and the review side walk up threads: from a Message-ID to
 * the References of the message with it.  The table holds the messages
 * themselves (a kept posting and a reply record both begin with their
 * Message-ID and References; a reply with no record in memory gets a
 * node of just those two), with a value each where one is needed: 12
 * or 16 bytes a slot, no key strings.  It is open addressing with linear
 * probing, made at the size it will need: GHashTable doubles its way up,
 * and at a million messages the arrays it freed on the way stayed in the
 * heap as much again as the tables.
 */
#include <string.h>
#include "digest/digest.h"

G_STATIC_ASSERT(G_STRUCT_OFFSET(pd_post, message_id) == G_STRUCT_OFFSET(pd__thread_node, message_id));
G_STATIC_ASSERT(G_STRUCT_OFFSET(pd_post, references) == G_STRUCT_OFFSET(pd__thread_node, references));
G_STATIC_ASSERT(G_STRUCT_OFFSET(pd_reply, message_id) == G_STRUCT_OFFSET(pd__thread_node, message_id));
G_STATIC_ASSERT(G_STRUCT_OFFSET(pd_reply, references) == G_STRUCT_OFFSET(pd__thread_node, references));

guint32 pd__id_hash(const char *id)
{
	return pd__str_hash(id);
}

static void make_room(pd__node_index *x, gsize capacity, int with_values)
{
	x->nodes = g_new0(const pd__thread_node *, capacity);
	x->hashes = g_new(guint32, capacity);
	x->values = with_values ? g_new(guint32, capacity) : NULL;
	x->size = capacity;
}

/* At most three quarters full, and no emptier: 4/3 of n.  A power of
 * two at or above it would be up to twice that (a million nodes: 16 MB
 * of slots where 11 do). */
static gsize capacity_for(gsize n)
{
	return MAX((gsize)8, n + n / 3 + 1);
}

void pd__node_index_init(pd__node_index *x, gsize expected, int with_values)
{
	memset(x, 0, sizeof(*x));
	make_room(x, capacity_for(expected), with_values);
}

void pd__node_index_clear(pd__node_index *x)
{
	g_free(x->nodes);
	g_free(x->hashes);
	g_free(x->values);
	memset(x, 0, sizeof(*x));
}

/* The slot of `id` (hash `h`): its node's, or the empty one it would
 * take. */
static gsize slot_of(const pd__node_index *x, const char *id, guint32 h)
{
	gsize i = pd__id_slot(h, x->size);

	while (x->nodes[i] && (x->hashes[i] != h || strcmp(x->nodes[i]->message_id, id)))
		if (++i == x->size)
			i = 0;
	return i;
}

static void grow(pd__node_index *x)
{
	pd__node_index old = *x;

	make_room(x, old.size * 2, old.values != NULL);
	for (gsize i = 0; i < old.size; i++) {
		gsize to;
		if (!old.nodes[i])
			continue;
		to = slot_of(x, old.nodes[i]->message_id, old.hashes[i]);
		x->nodes[to] = old.nodes[i];
		x->hashes[to] = old.hashes[i];
		if (x->values)
			x->values[to] = old.values[i];
	}
	pd__node_index_clear(&old);
}

int pd__node_index_put(pd__node_index *x, const void *node, guint32 value, int replace)
{
	const pd__thread_node *t = node;
	guint32 h = pd__id_hash(t->message_id);
	gsize i;
	int is_new;

	if ((x->n + 1) * 4 > x->size * 3)
		grow(x);
	i = slot_of(x, t->message_id, h);
	is_new = x->nodes[i] == NULL;
	if (!is_new && !replace)
		return 0;
	x->nodes[i] = t;
	x->hashes[i] = h;
	if (x->values)
		x->values[i] = value;
	x->n += is_new;
	return is_new;
}

const pd__thread_node *pd__node_index_find(const pd__node_index *x, const char *id,
					   guint32 *value)
{
	guint32 h;
	gsize i;

	if (!id)
		return NULL;
	h = pd__id_hash(id);
	i = slot_of(x, id, h);
	if (!x->nodes[i])
		return NULL;
	if (value)
		*value = x->values ? x->values[i] : 0;
	return x->nodes[i];
}

const pd__thread_node *pd__thread_node_of(const pd__reply_slot *slot, pd__pool *pool,
					  pd__arena *arena)
{
	pd__thread_node *node;

	if (slot->kept)
		return (const pd__thread_node *)slot->kept;
	/* a waiting reply: its strings are the cursor's until its next read */
	node = pd__arena_alloc(arena, sizeof(*node));
	node->message_id = pd__pool_intern(pool, slot->reply.message_id);
	node->references = pd__pool_list(pool, arena, (char *const *)slot->reply.references);
	return node;
}
