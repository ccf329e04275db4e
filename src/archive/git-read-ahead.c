/*
 * archive/git-read-ahead.c - the commits a thread reads ahead of the
 * first epoch's walk, parsed, for the walk to take.
 *
 * The parsing threads wait for the first epoch's line of first parents,
 * so a second core inflates commits from the other end of the pack
 * (pd__packs_read_ahead()) while the walk goes back from the tip.  They
 * used to wait in the pack cache as bytes, and the walk took each one
 * in some 1.6 us: looking its id up in the index, the cache's lock, the
 * bytes coming from the other core, their header parsed again.  Here the
 * thread parses each commit's header itself, hashes its bytes to its id
 * and appends it to a list the walk reads as it grows (each one written
 * before the count that shows it); the walk takes them by id, looking
 * next to the last it took and at the newest, in a few nanoseconds, no
 * lock and no index.
 *
 * The id is the SHA-1 of what the pack holds, so a commit taken is the
 * commit the walk asked for, whatever the index says; a commit the
 * thread did not parse (not in the plain form, a delta, past where it
 * stopped) the walk reads itself.
 */
#include "archive/archive.h"
#include <stdio.h>
#include <string.h>
#include <nettle/sha1.h>
#include "archive/git.h"
#include "archive/pack.h"

/* A commit read ahead, as the walk needs it. */
typedef struct {
	pd__chain_link link; /* link.commit: the hash of its bytes */
	git_oid first_parent;
	unsigned n_parents;
} ahead_commit;

/* The list grows in chunks that never move: the walk reads it while
 * this thread appends. */
#define CHUNK 4096
#define MAX_AHEAD ((((size_t)8 << 20) / sizeof(ahead_commit)) / CHUNK * CHUNK)
#define MAX_CHUNKS (MAX_AHEAD / CHUNK)
_Static_assert(MAX_CHUNKS > 0, "the list holds at least one chunk");

struct pd__read_ahead {
	char *git_dir;
	gint stop;
	gint done;             /* set by the thread as it ends */
	gint64 walked;         /* how far the walk has read the pack
	                          (pd__packs_publish_walk()) */
	GThread *thread;
	/* the commits read, in that order: the thread writes one, then the
	 * count (release); the walk reads the count (acquire), then below
	 * it.  As many as 8 MB hold: an epoch's line is a few hundred
	 * thousand commits, and the walk needs what this thread read only
	 * from where they meet */
	ahead_commit *chunks[MAX_CHUNKS];
	size_t count;
	/* the walk's, a cache line away from the count: written at each
	 * commit, next to it they would take the line from the other core
	 * each time (padding, not alignment: g_new0() aligns to 16) */
	char apart[64];
	size_t cursor;         /* the one taken last */
	GHashTable *by_id;     /* git_oid * -> ahead_commit *, made, once the
	                          thread has ended, at the first id not found
	                          near the cursor or the newest */
};

static ahead_commit *nth(pd__read_ahead *ra, size_t i)
{
	return &ra->chunks[i / CHUNK][i % CHUNK];
}

/* The id git gives a commit of `len` bytes.  Not git_odb_hash(): 0.81 us
 * a commit against nettle's 0.24 (libgit2 hashes with collision
 * detection), on the thread the walk waits for.  libgit2 stays the
 * oracle: the chain tests take a commit only when this id is the one
 * libgit2's walk asks for. */
static void commit_id(git_oid *out, const unsigned char *data, size_t len)
{
	struct sha1_ctx sha;
	char header[32];
	int n = snprintf(header, sizeof(header), "commit %zu", len) + 1;

	sha1_init(&sha);
	sha1_update(&sha, (size_t)n, (const uint8_t *)header);
	sha1_update(&sha, len, data);
	sha1_digest(&sha, GIT_OID_RAWSZ, out->id);
}

/* pd__packs_commit_fn: parses one commit onto the list. */
static int keep_commit(void *ctx, const unsigned char *data, size_t len)
{
	pd__read_ahead *ra = ctx;
	size_t n = ra->count;
	ahead_commit *c;

	if (n >= MAX_AHEAD)
		return 1;
	if (n % CHUNK == 0 && !ra->chunks[n / CHUNK])
		ra->chunks[n / CHUNK] = g_new(ahead_commit, CHUNK);
	c = nth(ra, n);
	if (pd__git_commit_header(&c->link, &c->first_parent, &c->n_parents, (const char *)data,
				  len) < 0)
		return 0; /* the walk has libgit2 parse it */
	commit_id(&c->link.commit, data, len);
	__atomic_store_n(&ra->count, n + 1, __ATOMIC_RELEASE);
	return 0;
}

static void run(pd__read_ahead *ra)
{
	pd__packs *packs = pd__packs_open(ra->git_dir);

	pd__packs_read_in_order(packs);
	pd__packs_read_ahead(packs, &ra->stop, &ra->walked, keep_commit, ra);
	/* done before the packs are let go: the walk has all it will get */
	g_atomic_int_set(&ra->done, 1);
	pd__packs_free(packs);
}

static gpointer run_thread(gpointer data)
{
	run(data);
	return NULL;
}

pd__read_ahead *pd__read_ahead_start(const char *git_dir, int first)
{
	pd__read_ahead *ra = g_new0(pd__read_ahead, 1);

	ra->git_dir = g_strdup(git_dir);
	if (first) {
		run(ra);
		return ra;
	}
	if (!(ra->thread = g_thread_try_new("pd-read-ahead", run_thread, ra, NULL))) {
		pd__read_ahead_free(ra);
		return NULL; /* the walk reads every commit itself */
	}
	return ra;
}

gint64 *pd__read_ahead_walked(pd__read_ahead *ra)
{
	return &ra->walked;
}

/* Whether commit `i` (of the first `n`) is `oid`; then it is the
 * cursor. */
static int at(pd__read_ahead *ra, size_t i, size_t n, const git_oid *oid)
{
	if (i >= n || !git_oid_equal(&nth(ra, i)->link.commit, oid))
		return 0;
	ra->cursor = i;
	return 1;
}

static guint oid_hash(gconstpointer p)
{
	guint h;

	memcpy(&h, ((const git_oid *)p)->id, sizeof(h)); /* ids are uniform */
	return h;
}

static gboolean oid_equal(gconstpointer a, gconstpointer b)
{
	return git_oid_equal(a, b);
}

/* Where `oid` is among the commits read ahead, as the walk asks for
 * them: next to the one it took last (a pack holds a line of commits in
 * order, git's newest first, fast-import's oldest first, and this thread
 * reads them one way or the other).  Once the thread has ended (where
 * it met the walk: among the newest it read), there too, and anything
 * else through a table of them all, made once.  Not among the newest
 * before: those lines are being written by the other core.  1 and the
 * cursor on it, or 0. */
static int find_ahead(pd__read_ahead *ra, const git_oid *oid)
{
	size_t n = __atomic_load_n(&ra->count, __ATOMIC_ACQUIRE);
	gpointer i1;

	if (at(ra, ra->cursor + 1, n, oid) || at(ra, ra->cursor - 1, n, oid)
	    || at(ra, ra->cursor, n, oid))
		return 1;
	if (!g_atomic_int_get(&ra->done))
		return 0;
	/* `done` was set after the last count: read now, it is the last */
	n = __atomic_load_n(&ra->count, __ATOMIC_ACQUIRE);
	for (size_t i = n; i-- > 0 && n - i <= 64;)
		if (at(ra, i, n, oid))
			return 1;
	if (!ra->by_id) {
		ra->by_id = g_hash_table_new(oid_hash, oid_equal);
		for (size_t i = 0; i < n; i++)
			g_hash_table_insert(ra->by_id, &nth(ra, i)->link.commit, GSIZE_TO_POINTER(i + 1));
	}
	if (!(i1 = g_hash_table_lookup(ra->by_id, oid)))
		return 0;
	ra->cursor = GPOINTER_TO_SIZE(i1) - 1;
	return 1;
}

int pd__read_ahead_take(pd__chain_link *link, git_oid *first_parent, unsigned *n_parents,
			pd__read_ahead *ra, const git_oid *oid)
{
	const ahead_commit *c;

	if (!find_ahead(ra, oid))
		return 0;
	c = nth(ra, ra->cursor);
	*link = c->link;
	git_oid_cpy(first_parent, &c->first_parent);
	*n_parents = c->n_parents;
	return 1;
}

void pd__read_ahead_free(pd__read_ahead *ra)
{
	if (!ra)
		return;
	if (ra->thread) {
		g_atomic_int_set(&ra->stop, 1);
		g_thread_join(ra->thread);
	}
	if (ra->by_id)
		g_hash_table_destroy(ra->by_id);
	for (size_t i = 0; i < MAX_CHUNKS && ra->chunks[i]; i++)
		g_free(ra->chunks[i]);
	g_free(ra->git_dir);
	g_free(ra);
}
