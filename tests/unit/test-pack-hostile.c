/*
 * test-pack-hostile.c - packs made by hand to be wrong, for the pack
 * reader (archive/pack.c): deltas by id that name each other in a
 * circle (libgit2 follows them until memory runs out: the reader must
 * say so at once), sizes no stored stream can reach, an index left
 * beside another pack; and a pack of large similar messages, more than
 * the cache of resolved objects holds, read as libgit2 reads it, by two
 * sets and by four threads at once.
 */
#include <git2.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>
#include "harness.h"
#include "archive/pack.h"
#include "inbox-commit.h"
#include "pack-compare.h"
#include "pack-writer.h"

typedef struct {
	unsigned char id[20];
	int type;                    /* 1-4, or 7: a delta by id */
	size_t size;                 /* as the header says */
	unsigned char base[20];      /* type 7 */
	const unsigned char *data;   /* what is deflated */
	size_t len;
} raw_object;

static int by_id(const void *a, const void *b)
{
	return memcmp(((const raw_object *)a)->id, ((const raw_object *)b)->id, 20);
}

/* objects/pack/pack-test.{pack,idx} under `dir` holding `objs` (sorted
 * here by id), each header saying what the object says; both files end
 * in the same made-up checksum, as an index and its pack do. */
static void write_pack(const char *dir, raw_object *objs, size_t n)
{
	char *pack_dir = g_build_filename(dir, "objects", "pack", NULL);
	GByteArray *pack = g_byte_array_new(), *idx = g_byte_array_new();
	guint32 *offsets = g_new(guint32, n);
	guint8 *ids = g_new(guint8, 20 * n);
	guint8 sum[40];
	char *path;

	memset(sum, 0x5c, sizeof(sum)); /* the index's own checksum: not read */
	qsort(objs, n, sizeof(*objs), by_id);
	g_mkdir_with_parents(pack_dir, 0700);
	pack_header(pack, n);
	for (size_t i = 0; i < n; i++) {
		uLongf zlen = compressBound(objs[i].len);
		guint8 *z = g_malloc(zlen);
		size_t size = objs[i].size;
		guint8 c = (guint8)(objs[i].type << 4 | (size & 15));
		offsets[i] = pack->len;
		memcpy(ids + 20 * i, objs[i].id, 20);
		size >>= 4;
		while (size) {
			c |= 0x80;
			g_byte_array_append(pack, &c, 1);
			c = size & 0x7f;
			size >>= 7;
		}
		g_byte_array_append(pack, &c, 1);
		if (objs[i].type == 7)
			g_byte_array_append(pack, objs[i].base, 20);
		compress(z, &zlen, objs[i].data, objs[i].len);
		g_byte_array_append(pack, z, (guint)zlen);
		g_free(z);
	}
	g_byte_array_append(pack, sum, 20);
	pack_index(idx, ids, offsets, n, sum);
	path = g_build_filename(pack_dir, "pack-test.pack", NULL);
	g_file_set_contents(path, (const char *)pack->data, pack->len, NULL);
	g_free(path);
	path = g_build_filename(pack_dir, "pack-test.idx", NULL);
	g_file_set_contents(path, (const char *)idx->data, idx->len, NULL);
	g_free(path);
	g_byte_array_free(pack, TRUE);
	g_byte_array_free(idx, TRUE);
	g_free(offsets);
	g_free(ids);
	g_free(pack_dir);
}

static int read_one(pd__packs *packs, const unsigned char *id, size_t *len)
{
	const unsigned char *bytes;
	int type;

	return pd__packs_read(&bytes, len, &type, packs, id);
}

static void circles(const char *base)
{
	static const unsigned char delta[4096]; /* what the deltas hold: never applied */
	char *one = g_build_filename(base, "circle-of-one", NULL);
	char *two = g_build_filename(base, "circle-of-two", NULL);
	raw_object a = { { 0x11 }, 7, sizeof(delta), { 0x11 }, delta, sizeof(delta) };
	raw_object pair[2] = {
		{ { 0x21 }, 7, sizeof(delta), { 0x22 }, delta, sizeof(delta) },
		{ { 0x22 }, 7, sizeof(delta), { 0x21 }, delta, sizeof(delta) },
	};
	pd__packs *packs;
	size_t len;
	gint64 start;

	write_pack(one, &a, 1);
	packs = pd__packs_open(one);
	start = g_get_monotonic_time();
	CHECK_INT("a delta by id naming itself: a circle, not left to libgit2",
		  read_one(packs, a.id, &len), PD__PACK_CYCLE);
	CHECK_INT("... and again", read_one(packs, a.id, &len), PD__PACK_CYCLE);
	pd__packs_free(packs);
	write_pack(two, pair, 2);
	packs = pd__packs_open(two);
	CHECK_INT("two deltas by id naming each other: a circle", read_one(packs, pair[0].id, &len),
		  PD__PACK_CYCLE);
	CHECK_INT("... from either end", read_one(packs, pair[1].id, &len), PD__PACK_CYCLE);
	pd__packs_free(packs);
	/* the helper's reading of the first version: minutes and gigabytes */
	CHECK("... found out within a second", g_get_monotonic_time() - start < G_USEC_PER_SEC);
	g_free(one);
	g_free(two);
}

static void sizes(const char *base)
{
	static const unsigned char text[] = "hello";
	char *dir = g_build_filename(base, "sizes", NULL);
	raw_object objs[2] = {
		/* 100 MB claimed by a stream of a few bytes */
		{ { 0x31 }, 3, (size_t)100 << 20, { 0 }, text, 5 },
		{ { 0x32 }, 3, 5, { 0 }, text, 5 },
	};
	pd__packs *packs;
	size_t len = 0;

	write_pack(dir, objs, 2);
	pd__packs_stats st;

	packs = pd__packs_open(dir);
	CHECK_INT("a size no stored stream reaches: damaged",
		  read_one(packs, objs[0].id, &len), -1);
	pd__packs_get_stats(&st, packs);
	CHECK_INT("... found out before it is inflated (or allocated)", st.inflated, 0);
	CHECK_INT("... its neighbour reads", read_one(packs, objs[1].id, &len), 0);
	CHECK_INT("... whole", len, 5);
	pd__packs_free(packs);
	g_free(dir);
}

/* An index beside a pack it was not made for (same count, another
 * checksum): nothing is read from that pack. */
static void stale_index(const char *base)
{
	static const unsigned char t1[] = "first", t2[] = "second";
	char *a = g_build_filename(base, "stale-a", NULL), *b = g_build_filename(base, "stale-b", NULL);
	raw_object x = { { 0x41 }, 3, 5, { 0 }, t1, 5 }, y = { { 0x42 }, 3, 6, { 0 }, t2, 6 };
	char *from = NULL, *to = NULL;
	gchar *bytes = NULL;
	gsize n = 0;
	pd__packs *packs;
	pd__packs_stats st;
	size_t len;

	write_pack(a, &x, 1);
	write_pack(b, &y, 1);
	/* b's pack under a made-up other checksum, a's index beside it */
	from = g_build_filename(b, "objects", "pack", "pack-test.pack", NULL);
	if (g_file_get_contents(from, &bytes, &n, NULL) && n > 20) {
		bytes[n - 1] ^= 1;
		g_file_set_contents(from, bytes, n, NULL);
	}
	g_free(bytes);
	bytes = NULL;
	to = g_build_filename(b, "objects", "pack", "pack-test.idx", NULL);
	g_free(from);
	from = g_build_filename(a, "objects", "pack", "pack-test.idx", NULL);
	if (g_file_get_contents(from, &bytes, &n, NULL))
		g_file_set_contents(to, bytes, n, NULL);
	packs = pd__packs_open(b);
	pd__packs_get_stats(&st, packs);
	CHECK_INT("an index made for another pack: the pack is not used", st.packs, 0);
	CHECK_INT("... and its id is not read from it", read_one(packs, x.id, &len), 1);
	pd__packs_free(packs);
	g_free(bytes);
	g_free(from);
	g_free(to);
	g_free(a);
	g_free(b);
}

/* Twenty threads of three large messages (about 350 KB): each thread's
 * messages near copies of each other, unlike any other thread's, so git
 * stores each as a base and deltas.  The 180 objects (60 MB) are more
 * than the cache of resolved objects holds (16 MB): it evicts.  1 when
 * the repository was made. */
static int large_messages(git_repository **repo, const char *dir)
{
	const char *argv[] = { "git", "-C", dir, "repack", "-adf", NULL };
	git_oid parent;
	git_signature *sig = NULL;
	int has_parent = 0, status = -1;

	if (git_repository_init(repo, dir, 1) < 0)
		return 0;
	git_signature_new(&sig, "A", "a@example.org", 1700000000, 0);
	for (int i = 0; i < 60; i++) {
		GString *m = g_string_new(NULL);
		guint32 x = 2654435761u * (guint32)(i / 3 + 1);
		for (int k = 0; k < 12000; k++) {
			x = x * 1103515245u + 12345u;
			g_string_append_printf(m, "thread %d line %d: %08x\n", i / 3, k, x);
		}
		g_string_append_printf(m, "> reply %d\n", i % 3);
		inbox_commit(*repo, sig, m->str, m->len, &parent, &has_parent);
		g_string_free(m, TRUE);
	}
	git_signature_free(sig);
	return g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
			    | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
	       && g_spawn_check_wait_status(status, NULL);
}

static int add_oid(const git_oid *oid, void *data)
{
	g_array_append_val((GArray *)data, *oid);
	return 0;
}

/* One thread of shared_cache(): every object of the repository read
 * with a set of its own, starting at a different one, each checked
 * against its id (git's hash of its type and bytes). */
typedef struct {
	const char *dir;
	const GArray *oids;
	guint start;
	size_t read, right, evictions;
} reading_thread;

static gpointer read_everything(gpointer data)
{
	reading_thread *t = data;
	pd__packs *packs = pd__packs_open(t->dir);
	pd__packs_stats st;

	for (guint k = 0; k < t->oids->len; k++) {
		const git_oid *oid = &g_array_index(t->oids, git_oid, (t->start + k) % t->oids->len);
		const unsigned char *bytes;
		size_t len;
		int type;
		git_oid hashed;
		if (pd__packs_read(&bytes, &len, &type, packs, oid->id) != 0)
			continue;
		t->read++;
		t->right += git_odb_hash(&hashed, bytes, len, (git_object_t)type) == 0
			    && git_oid_equal(&hashed, oid);
	}
	pd__packs_get_stats(&st, packs);
	t->evictions = st.cache_evictions;
	pd__packs_free(packs);
	return NULL;
}

/* The cache of resolved objects is the process's: what one set
 * resolved, another finds; a pack closed takes its objects with it (a
 * pack opened later, maybe at the same address, must not be answered
 * from them); threads reading at once, evicting what the others still
 * use, each get every object right. */
static void shared_cache(const char *base)
{
	char *dir = g_build_filename(base, "large-messages", NULL);
	git_repository *repo = NULL;
	GArray *oids = g_array_new(FALSE, FALSE, sizeof(git_oid));
	pd__packs_stats st = { 0 }, second = { 0 }, reopened = { 0 };
	pack_walk w = { 0 }, w2 = { 0 };
	reading_thread t[4] = { { 0 } };
	GThread *threads[4];
	size_t read = 0, right = 0, evicted = 0, held_open = 0, held_closed = 1;
	int made = large_messages(&repo, dir);

	if (made && git_repository_odb(&w.odb, repo) == 0) {
		git_odb_foreach(w.odb, add_oid, oids);
		w.packs = pd__packs_open(dir);
		git_odb_foreach(w.odb, pack_compare_one, &w);
		pd__packs_get_stats(&st, w.packs);
		/* a second set, while the first is open, asks for the last
		 * message the first read (messages are kept) */
		w2.odb = w.odb;
		w2.packs = pd__packs_open(dir);
		for (guint k = oids->len; k-- > 0;) {
			const git_oid *oid = &g_array_index(oids, git_oid, k);
			const unsigned char *bytes;
			size_t len;
			git_object_t type;
			int t2;
			if (git_odb_read_header(&len, &type, w.odb, oid) == 0 && type == GIT_OBJECT_BLOB) {
				pd__packs_read(&bytes, &len, &t2, w2.packs, oid->id);
				break;
			}
		}
		pd__packs_get_stats(&second, w2.packs);
		git_odb_foreach(w.odb, pack_compare_one, &w2);
		held_open = pd__pack_cache_held();
		pd__packs_free(w.packs);
		pd__packs_free(w2.packs);
		/* every set closed: the pack too */
		held_closed = pd__pack_cache_held();
		w2.packs = pd__packs_open(dir);
		if (oids->len) {
			const unsigned char *bytes;
			size_t len;
			int type;
			pd__packs_read(&bytes, &len, &type, w2.packs,
				       g_array_index(oids, git_oid, oids->len - 1).id);
		}
		pd__packs_get_stats(&reopened, w2.packs);
		pd__packs_free(w2.packs);
	}
	printf("# large messages: %zu read, %zu inflated, %zu cache hits, %zu evicted;"
	       " the first message a second set read: %zu inflated, %zu cache hits\n",
	       w.read, st.inflated, st.cache_hits, st.cache_evictions, second.inflated,
	       second.cache_hits);
	CHECK("large messages: every object read", made && w.read == 180);
	CHECK_INT("... as libgit2 reads it", w.same, w.read);
	CHECK("... objects found in the cache", st.cache_hits > 0);
	CHECK("... which filled and evicted", st.cache_evictions > 0);
	CHECK("a second set: every object read as libgit2 reads it", w2.read == 180 && w2.same == 180);
	CHECK("... finds the message the first read last in the cache, uninflated",
	      second.objects == 1 && second.cache_hits == 1 && second.inflated == 0);
	CHECK("the pack closed: the cache kept some 16 MB of it, and keeps nothing now",
	      held_open > ((size_t)8 << 20) && held_open <= ((size_t)16 << 20) && held_closed == 0);
	CHECK("a set opened after the pack was closed finds nothing kept",
	      reopened.objects == 1 && reopened.cache_hits == 0 && reopened.inflated > 0);

	for (int i = 0; made && i < 4; i++) {
		t[i].dir = dir;
		t[i].oids = oids;
		t[i].start = (guint)i * oids->len / 4;
		threads[i] = g_thread_new("reader", read_everything, &t[i]);
	}
	for (int i = 0; made && i < 4; i++) {
		g_thread_join(threads[i]);
		read += t[i].read;
		right += t[i].right;
		evicted += t[i].evictions;
	}
	printf("# four threads: %zu read, %zu right, %zu evicted\n", read, right, evicted);
	CHECK("four threads at once: every object read", made && read == 4 * 180);
	CHECK_INT("... each with its id's bytes", right, read);
	CHECK("... while the cache evicted", evicted > 0);
	git_odb_free(w.odb);
	git_repository_free(repo);
	g_array_free(oids, TRUE);
	g_free(dir);
}

int main(void)
{
	char *base = g_dir_make_tmp("test-pack-hostile-XXXXXX", NULL);

	git_libgit2_init();
	circles(base);
	sizes(base);
	stale_index(base);
	shared_cache(base);
	git_libgit2_shutdown();
	harness_remove_tree(base);
	g_free(base);
	return harness_failed ? 1 : 0;
}
