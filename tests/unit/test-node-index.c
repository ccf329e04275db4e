/*
 * test-node-index.c - the table of thread nodes by Message-ID
 * (digest/threads.c) that grouping and the review side walk threads
 * with: every node found by its id, none that was not put, a value each,
 * the first or the last of one id kept as asked, and the same after it
 * grew far past the size it was made for.
 */
#include <glib.h>
#include "harness.h"
#include "digest/digest.h"

typedef struct {
	const char *message_id;
	const char *const *references;
} node;

static const char *const none[] = { NULL };

int main(void)
{
	enum { N = 20000 };
	node *nodes = g_new0(node, N);
	node other = { NULL, none };
	char **ids = g_new0(char *, N + 1);
	pd__node_index x;
	size_t found = 0, values = 0, absent = 0, added = 0;
	guint32 value = 0;

	for (size_t i = 0; i < N; i++) {
		/* Message-IDs alike but for a few characters, as real ones are */
		ids[i] = g_strdup_printf("20250602.%zu.%zu-1-someone@example.org", i * 7919 % N, i);
		nodes[i].message_id = ids[i];
		nodes[i].references = none;
	}
	/* made for 10 nodes: it grows to hold 20,000 */
	pd__node_index_init(&x, 10, 1);
	for (size_t i = 0; i < N; i++)
		added += pd__node_index_put(&x, &nodes[i], (guint32)i + 1, 0) == 1;
	CHECK_INT("each new id is new", added, N);
	CHECK_INT("every node counted", x.n, N);
	for (size_t i = 0; i < N; i++) {
		char *copy = g_strdup(ids[i]); /* found by the text, not the address */
		const pd__thread_node *t = pd__node_index_find(&x, copy, &value);
		found += t == (const pd__thread_node *)&nodes[i];
		values += value == i + 1;
		g_free(copy);
	}
	CHECK_INT("every node found by its Message-ID", found, N);
	CHECK_INT("with its value", values, N);
	for (size_t i = 0; i < 1000; i++) {
		char *id = g_strdup_printf("20250602.%zu.%zu-1-someone@example.org", i, i + N);
		absent += pd__node_index_find(&x, id, NULL) == NULL;
		g_free(id);
	}
	CHECK_INT("no node for an id never put", absent, 1000);
	CHECK("no node for no id", pd__node_index_find(&x, NULL, NULL) == NULL);

	/* a second node with an id already there */
	other.message_id = ids[5];
	CHECK("kept: not new", pd__node_index_put(&x, &other, 99, 0) == 0);
	CHECK("kept: the first node stays",
	      pd__node_index_find(&x, ids[5], &value) == (const pd__thread_node *)&nodes[5] && value == 6);
	CHECK("replaced: not new", pd__node_index_put(&x, &other, 99, 1) == 0);
	CHECK("replaced: the second node and its value",
	      pd__node_index_find(&x, ids[5], &value) == (const pd__thread_node *)&other && value == 99);
	CHECK_INT("still one node per id", x.n, N);
	pd__node_index_clear(&x);
	CHECK("cleared", x.nodes == NULL && x.n == 0);

	/* a set keeps no values, and made at its size it never grows */
	pd__node_index_init(&x, N, 0);
	{
		gsize capacity = x.size;
		for (size_t i = 0; i < N; i++)
			pd__node_index_put(&x, &nodes[i], 0, 0);
		CHECK("a set has no values", x.values == NULL);
		CHECK("made for N, it holds N without growing", x.size == capacity);
		CHECK("at most three quarters full", x.n * 4 <= x.size * 3);
		/* not the power of two above: for 20,000 nodes that would
		 * be 32,768 slots, a table of a million nodes 40% larger */
		CHECK("and not much emptier: about 4/3 slots a node",
		      x.size <= (gsize)N * 4 / 3 + 8);
		value = 7;
		CHECK("a set's value reads 0",
		      pd__node_index_find(&x, ids[N - 1], &value) != NULL && value == 0);
	}
	pd__node_index_clear(&x);
	pd__node_index_clear(&x); /* twice: a no-op */
	g_strfreev(ids);
	g_free(nodes);
	return harness_failed ? 1 : 0;
}
