/*
 * test-pack.c - the pack reader (archive/pack.c) against libgit2, its
 * oracle: every object of repositories made here (deltas by offset and
 * by id, two packs, loose objects) and of the corpus archives when
 * ../shared is there reads as libgit2 reads it, or is left to libgit2;
 * damaged packs never read as something else.
 */
#include <errno.h>
#include <unistd.h>
#include <git2.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "harness.h"
#include "archive/pack.h"
#include "inbox-commit.h"
#include "pack-compare.h"

/* Every object of the repository at `dir`, read both ways. */
/* `in_order`: with pd__packs_read_in_order(), whose windows must change
 * nothing read. */
static pack_walk compare_all(const char *dir, int in_order)
{
	git_repository *repo = NULL;
	pack_walk w = { 0 };

	if (git_repository_open_bare(&repo, dir) == 0 && git_repository_odb(&w.odb, repo) == 0) {
		w.packs = pd__packs_open(dir);
		if (in_order)
			pd__packs_read_in_order(w.packs);
		git_odb_foreach(w.odb, pack_compare_one, &w);
		pd__packs_free(w.packs);
	}
	git_odb_free(w.odb);
	git_repository_free(repo);
	return w;
}

static int run(const char *dir, const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *argv[] = { "git", "-C", dir, a1, a2, a3, a4, NULL };
	int status = -1;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
			  | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
		return -1;
	return g_spawn_check_wait_status(status, NULL) ? 0 : -1;
}

/* Blobs that look like a list's messages (each a near copy of an
 * earlier one, so that git makes deltas of them), a tree and a commit
 * for each, as public-inbox writes them. */
static void fill(git_repository *repo, int from, int to)
{
	git_oid parent;
	int has_parent = git_reference_name_to_id(&parent, repo, "HEAD") == 0;
	git_signature *sig = NULL;

	git_signature_new(&sig, "A U Thor", "a@example.org", 1700000000, 0);
	for (int i = from; i < to; i++) {
		GString *m = g_string_new(NULL);
		g_string_append_printf(m, "From: P%d <p%d@example.org>\nSubject: [PATCH %d/9] change %d\n"
				       "Message-ID: <%d@example.org>\n\n", i % 7, i % 7, i % 9 + 1, i / 9, i);
		for (int k = 0; k < 40 + i % 13; k++)
			g_string_append_printf(m, "line %d of the change, the same in every version %d\n",
					       k, k * (i / 9 % 3));
		inbox_commit(repo, sig, m->str, m->len, &parent, &has_parent);
		g_string_free(m, TRUE);
	}
	git_signature_free(sig);
}

static char *make_repo(const char *base, const char *name, int ref_deltas)
{
	char *dir = g_build_filename(base, name, NULL);
	git_repository *repo = NULL;

	if (git_repository_init(&repo, dir, 1) < 0)
		return dir;
	fill(repo, 0, 400);
	run(dir, "-c", ref_deltas ? "repack.useDeltaBaseOffset=false" : "repack.useDeltaBaseOffset=true",
	    "repack", "-adf");
	fill(repo, 400, 500);
	run(dir, "repack", "-d", NULL, NULL); /* a second pack */
	fill(repo, 500, 520);                 /* and loose objects */
	git_repository_free(repo);
	return dir;
}

static void made_here(const char *base, const char *name, int ref_deltas)
{
	char *dir = make_repo(base, name, ref_deltas);
	pack_walk w = compare_all(dir, 0);
	pd__packs *packs = pd__packs_open(dir);
	pd__packs_stats st;
	char label[200];

	pd__packs_get_stats(&st, packs);
	snprintf(label, sizeof(label), "%s: two packs in use", name);
	CHECK_INT(label, st.packs, 2);
	pd__packs_free(packs);
	printf("# %s: %zu objects, %zu read, %zu left to libgit2\n", name, w.objects, w.read, w.left);
	snprintf(label, sizeof(label), "%s: every object read", name);
	CHECK_INT(label, w.objects, 520 * 3);
	snprintf(label, sizeof(label), "%s: packed objects read as libgit2 reads them", name);
	CHECK(label, w.read == 500 * 3 && w.same == w.read);
	snprintf(label, sizeof(label), "%s: loose objects left to libgit2", name);
	CHECK_INT(label, w.left, 20 * 3);
	snprintf(label, sizeof(label), "%s: nothing damaged", name);
	CHECK_INT(label, w.damaged, 0);
	snprintf(label, sizeof(label), "%s: nothing read that libgit2 cannot read", name);
	CHECK_INT(label, w.only_ours, 0);
	g_free(dir);
}

/* How many of the process's mappings are of a file under `dir`'s packs
 * named *.idx (a replaced one shows " (deleted)" after its name). */
static int idx_mappings(const char *dir)
{
	char *maps = NULL, **lines;
	char *under = g_build_filename(dir, "objects", "pack", "pack-", NULL);
	int n = 0;

	if (g_file_get_contents("/proc/self/maps", &maps, NULL, NULL)) {
		lines = g_strsplit(maps, "\n", -1);
		for (char **l = lines; *l; l++)
			n += strstr(*l, under) && strstr(*l, ".idx");
		g_strfreev(lines);
	}
	g_free(maps);
	g_free(under);
	return n;
}

/* A checksum of every packed object of `dir` read through `packs`. */
typedef struct {
	const char *dir;
	GPtrArray *ids;       /* git_oid, every object */
	guint64 sum;
	size_t read;
} sum_job;

static gpointer sum_all(gpointer data)
{
	sum_job *j = data;
	pd__packs *packs = pd__packs_open(j->dir);

	for (guint i = 0; i < j->ids->len; i++) {
		const git_oid *oid = g_ptr_array_index(j->ids, i);
		const unsigned char *b;
		size_t len;
		int type;
		if (pd__packs_read(&b, &len, &type, packs, oid->id) != 0)
			continue;
		j->read++;
		for (size_t k = 0; k < len; k++)
			j->sum = j->sum * 1099511628211ULL + b[k];
		j->sum = j->sum * 31 + (guint64)type;
	}
	pd__packs_free(packs);
	return NULL;
}

static int collect_id(const git_oid *oid, void *data)
{
	g_ptr_array_add(data, g_memdup2(oid, sizeof(*oid)));
	return 0;
}

/* Readers of one repository share its packs: each index is mapped once
 * however many readers have it open, threads reading at once get what
 * one reader gets (the sorted offsets are built once, by whichever
 * asks first), and an index replaced at its path is not shared. */
static void shared_packs(const char *base)
{
	char *dir = g_build_filename(base, "offset-deltas", NULL);
	pd__packs *a = pd__packs_open(dir), *b = pd__packs_open(dir), *c;
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	sum_job one = { dir, ids, 0, 0 }, jobs[4];
	GThread *threads[4];
	int same = 0;

	CHECK_INT("two readers of two packs: each index mapped once", idx_mappings(dir), 2);
	pd__packs_free(a);
	CHECK_INT("one reader closed: the other keeps them", idx_mappings(dir), 2);
	pd__packs_free(b);
	CHECK_INT("both closed: nothing mapped", idx_mappings(dir), 0);
	{
		/* libgit2 names a repository "DIR/", a blob reference may name
		 * it "DIR" or by another path: one file, one pack */
		char *slash = g_strconcat(dir, "/", NULL), *name = g_path_get_basename(base);
		char *other = g_build_filename(base, "..", name, "offset-deltas", NULL);
		a = pd__packs_open(slash);
		b = pd__packs_open(other);
		c = pd__packs_open(dir);
		CHECK_INT("one repository named three ways: each index mapped once", idx_mappings(dir), 2);
		pd__packs_free(a);
		pd__packs_free(b);
		pd__packs_free(c);
		g_free(other);
		g_free(name);
		g_free(slash);
	}

	if (git_repository_open_bare(&repo, dir) == 0 && git_repository_odb(&odb, repo) == 0)
		git_odb_foreach(odb, collect_id, ids);
	/* libgit2 maps the indexes too: closed before they are counted */
	git_odb_free(odb);
	git_repository_free(repo);
	sum_all(&one);
	for (int i = 0; i < 4; i++) {
		jobs[i] = one;
		jobs[i].sum = 0;
		jobs[i].read = 0;
		threads[i] = g_thread_new("reader", sum_all, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		g_thread_join(threads[i]);
		same += jobs[i].read == one.read && jobs[i].sum == one.sum;
	}
	CHECK("one reader reads the packed objects", one.read == 1500);
	CHECK_INT("four threads reading at once each read what one reader reads", same, 4);

	/* an index rewritten at its path (another file: a repack) */
	a = pd__packs_open(dir);
	{
		char *pack_dir = g_build_filename(dir, "objects", "pack", NULL);
		GDir *d = g_dir_open(pack_dir, 0, NULL);
		const char *name;
		while (d && (name = g_dir_read_name(d))) {
			char *path = g_build_filename(pack_dir, name, NULL), *bytes = NULL;
			gsize len;
			if (g_str_has_suffix(name, ".idx") && g_file_get_contents(path, &bytes, &len, NULL))
				g_file_set_contents(path, bytes, len, NULL); /* a new file, renamed */
			g_free(bytes);
			g_free(path);
		}
		if (d)
			g_dir_close(d);
		g_free(pack_dir);
	}
	c = pd__packs_open(dir);
	CHECK_INT("an index replaced at its path is mapped again, not shared", idx_mappings(dir), 4);
	{
		sum_job again = one;
		again.sum = 0;
		again.read = 0;
		sum_all(&again);
		CHECK("... and read from the new file", again.read == one.read && again.sum == one.sum);
	}
	pd__packs_free(a);
	pd__packs_free(c);
	CHECK_INT("all closed: nothing mapped", idx_mappings(dir), 0);
	g_ptr_array_free(ids, TRUE);
	g_free(dir);
}

/* Each pack of `dir` indexed again with git's 64-bit table for every
 * offset past 256 bytes (archives of lore hold packs past 2 GB, whose
 * far objects are found through that table): returns how many offsets
 * went to the tables. */
static size_t reindex_large(const char *dir)
{
	char *pack_dir = g_build_filename(dir, "objects", "pack", NULL);
	GDir *d = g_dir_open(pack_dir, 0, NULL);
	const char *name;
	size_t large = 0;

	while (d && (name = g_dir_read_name(d))) {
		char *pack, *stem, *idx, *fresh;
		gchar *bytes = NULL;
		gsize len = 0;
		const char *argv[] = { "git", "index-pack", "--index-version=2,0x100", "-o", NULL, NULL, NULL };
		int status = -1;
		if (!g_str_has_suffix(name, ".pack"))
			continue;
		stem = g_strndup(name, strlen(name) - 5);
		pack = g_build_filename(pack_dir, name, NULL);
		idx = g_strdup_printf("%s/%s.idx", pack_dir, stem);
		fresh = g_strdup_printf("%s/%s.idx-large", pack_dir, stem);
		argv[4] = fresh;
		argv[5] = pack;
		if (g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
				 | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
		    && g_spawn_check_wait_status(status, NULL) && g_file_get_contents(fresh, &bytes, &len, NULL)
		    && len > 8 + 1024) {
			const unsigned char *u = (const unsigned char *)bytes;
			gsize n = (gsize)u[8 + 1020] << 24 | u[8 + 1021] << 16 | u[8 + 1022] << 8 | u[8 + 1023];
			if (len > 8 + 1024 + n * 28 + 40)
				large += (len - (8 + 1024 + n * 28 + 40)) / 8;
			g_unlink(idx);
			g_rename(fresh, idx);
		}
		g_free(bytes);
		g_free(fresh);
		g_free(idx);
		g_free(pack);
		g_free(stem);
	}
	if (d)
		g_dir_close(d);
	g_free(pack_dir);
	return large;
}

static void large_offsets(const char *base)
{
	char *dir = make_repo(base, "large-offsets", 0);
	size_t large = reindex_large(dir);
	pack_walk w = compare_all(dir, 1);

	printf("# large-offsets: %zu offsets in 64-bit tables; %zu objects, %zu read\n", large,
	       w.objects, w.read);
	CHECK("large-offsets: the indexes hold 64-bit offsets", large > 1000);
	CHECK("large-offsets: packed objects read as libgit2 reads them",
	      w.read == 500 * 3 && w.same == w.read && w.damaged == 0);
	g_free(dir);
}

/* How many objects of `dir`'s packs are deltas by offset (type 6) and by
 * id (type 7), read from the files as git's format describes them: to
 * show that both kinds were exercised. */
static void count_deltas(const char *dir, int *ofs, int *ref)
{
	char *pack_dir = g_build_filename(dir, "objects", "pack", NULL);
	GDir *d = g_dir_open(pack_dir, 0, NULL);
	const char *name;

	*ofs = *ref = 0;
	while (d && (name = g_dir_read_name(d))) {
		char *idx_path, *pack_path, *stem;
		gchar *idx = NULL, *pack = NULL;
		gsize idx_len = 0, pack_len = 0;
		if (!g_str_has_suffix(name, ".idx"))
			continue;
		stem = g_strndup(name, strlen(name) - 4);
		idx_path = g_build_filename(pack_dir, name, NULL);
		pack_path = g_strdup_printf("%s/%s.pack", pack_dir, stem);
		if (g_file_get_contents(idx_path, &idx, &idx_len, NULL)
		    && g_file_get_contents(pack_path, &pack, &pack_len, NULL) && idx_len > 8 + 1024) {
			const unsigned char *u = (const unsigned char *)idx;
			guint32 n = (guint32)u[8 + 1020] << 24 | u[8 + 1021] << 16 | u[8 + 1022] << 8 | u[8 + 1023];
			const unsigned char *off = u + 8 + 1024 + (gsize)n * 24;
			for (guint32 i = 0; i < n && off + 4 * (i + 1) <= u + idx_len; i++) {
				guint32 o = (guint32)off[4 * i] << 24 | off[4 * i + 1] << 16 | off[4 * i + 2] << 8
					    | off[4 * i + 3];
				int type = o < pack_len ? ((unsigned char)pack[o] >> 4) & 7 : 0;
				*ofs += type == 6;
				*ref += type == 7;
			}
		}
		g_free(idx);
		g_free(pack);
		g_free(idx_path);
		g_free(pack_path);
		g_free(stem);
	}
	if (d)
		g_dir_close(d);
	g_free(pack_dir);
}

/* A copy of `dir`'s packs, the first with byte `at` changed (or cut
 * there), in `into`. */
static int damaged_copy(const char *dir, const char *into, gsize at, int truncate)
{
	char *pack_dir = g_build_filename(dir, "objects", "pack", NULL);
	char *to_dir = g_build_filename(into, "objects", "pack", NULL);
	GDir *d = g_dir_open(pack_dir, 0, NULL);
	const char *name;
	int done = -1;

	g_mkdir_with_parents(to_dir, 0700);
	while (d && (name = g_dir_read_name(d))) {
		char *from = g_build_filename(pack_dir, name, NULL), *to = g_build_filename(to_dir, name, NULL);
		gchar *bytes = NULL;
		gsize len = 0;
		if (g_file_get_contents(from, &bytes, &len, NULL)) {
			if (g_str_has_suffix(name, ".pack") && done < 0) {
				if (truncate && at < len)
					len = at;
				else if (at < len)
					bytes[at] ^= 0x5a;
				done = 0;
			}
			g_file_set_contents(to, bytes, len, NULL);
		}
		g_free(bytes);
		g_free(from);
		g_free(to);
	}
	if (d)
		g_dir_close(d);
	g_free(pack_dir);
	g_free(to_dir);
	return done;
}

/* Cuts the pack of the repository `dir` to `len` bytes, in place (an
 * open descriptor sees it). */
static void cut_pack(const char *dir, gsize len)
{
	char *pack_dir = g_build_filename(dir, "objects", "pack", NULL);
	GDir *d = g_dir_open(pack_dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".pack")) {
			char *p = g_build_filename(pack_dir, name, NULL);
			if (truncate(p, (off_t)len) < 0)
				printf("# truncate %s: %s\n", p, g_strerror(errno));
			g_free(p);
		}
	if (d)
		g_dir_close(d);
	g_free(pack_dir);
}

typedef struct {
	pd__packs *packs;
	git_odb *good;
	size_t wrong, read;
} damage_walk;

static int damaged_one(const git_oid *oid, void *data)
{
	damage_walk *w = data;
	git_odb_object *obj = NULL;
	const unsigned char *bytes;
	size_t len;
	int type;

	if (pd__packs_read(&bytes, &len, &type, w->packs, oid->id) != 0)
		return 0;
	w->read++;
	if (git_odb_read(&obj, w->good, oid) < 0 || type != (int)git_odb_object_type(obj)
	    || len != git_odb_object_size(obj) || memcmp(bytes, git_odb_object_data(obj), len))
		w->wrong++;
	git_odb_object_free(obj);
	return 0;
}

/* A pack with one byte changed, at many places, and cut short: each
 * object either reads as it was or is left to libgit2 (and nothing
 * crashes: the sanitizer build runs this too). */
static void damage(const char *base)
{
	char *dir = g_build_filename(base, "one-pack", NULL);
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	char *pack_dir = g_build_filename(dir, "objects", "pack", NULL);
	GDir *d;
	const char *name;
	gsize pack_len = 0;
	size_t wrong = 0, read = 0, cases = 0;

	if (git_repository_init(&repo, dir, 1) < 0) {
		CHECK("a repository for damage", 0);
		goto cleanup;
	}
	fill(repo, 0, 120);
	run(dir, "repack", "-adf", NULL, NULL);
	git_repository_odb(&odb, repo);
	d = g_dir_open(pack_dir, 0, NULL);
	while (d && (name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".pack")) {
			char *p = g_build_filename(pack_dir, name, NULL);
			struct stat st;
			if (g_stat(p, &st) == 0)
				pack_len = (gsize)st.st_size;
			g_free(p);
		}
	if (d)
		g_dir_close(d);
	for (gsize at = 0; pack_len && at < pack_len; at += pack_len / 150 + 1) {
		/* 2: cut short after it was opened, read in order: the
		 * windows' reads come back short */
		for (int truncate = 0; truncate < 3; truncate++) {
			char *into = g_strdup_printf("%s/damaged-%zu-%d", base, (size_t)at, truncate);
			damage_walk w = { NULL, odb, 0, 0 };
			if (damaged_copy(dir, into, truncate == 2 ? G_MAXSIZE : at, truncate == 1) == 0) {
				w.packs = pd__packs_open(into);
				if (truncate == 2) {
					pd__packs_read_in_order(w.packs);
					cut_pack(into, at);
				}
				git_odb_foreach(odb, damaged_one, &w);
				pd__packs_free(w.packs);
				cases++;
				wrong += w.wrong;
				read += w.read;
			}
			g_free(into);
		}
	}
	printf("# damaged packs: %zu cases, %zu objects read from them\n", cases, read);
	CHECK("damaged packs: cases made", cases > 200);
	/* most changes leave most objects readable: a sweep that reads
	 * nothing tests nothing */
	CHECK("damaged packs: objects still read from them", read > cases * 120 * 3 / 4);
	CHECK_INT("damaged packs: nothing read as something else", wrong, 0);
cleanup:
	git_odb_free(odb);
	git_repository_free(repo);
	g_free(pack_dir);
	g_free(dir);
}

/* Ids the pack does not hold -- random ones, and ones beside those it
 * holds (the last byte changed: the search's first guess lands next to
 * them) -- are not found, whatever the search's steps. */
static void absent_ids(const char *dir, const char *list)
{
	pd__packs *packs = pd__packs_open(dir);
	GRand *rand = g_rand_new_with_seed(16);
	GPtrArray *held = g_ptr_array_new_with_free_func(g_free);
	int found = 0, tried = 0;
	char label[200];
	git_odb *odb = NULL;
	char *objects = g_build_filename(dir, "objects", NULL);

	if (git_odb_open(&odb, objects) == 0)
		git_odb_foreach(odb, collect_id, held);
	for (int i = 0; odb && i < 8000; i++) {
		git_oid id;
		const unsigned char *b;
		size_t len;
		int type;
		if (i % 2 && held->len) {
			id = *(git_oid *)g_ptr_array_index(held, g_rand_int_range(rand, 0, (gint32)held->len));
			id.id[19] ^= (unsigned char)g_rand_int_range(rand, 1, 256);
		} else {
			for (int k = 0; k < 20; k++)
				id.id[k] = (unsigned char)g_rand_int_range(rand, 0, 256);
		}
		if (git_odb_exists(odb, &id))
			continue;
		tried++;
		found += pd__packs_read(&b, &len, &type, packs, id.id) != 1;
	}
	snprintf(label, sizeof(label), "%s: %d ids it does not hold are not found", list, tried);
	CHECK(label, tried > 7000 && found == 0);
	git_odb_free(odb);
	g_ptr_array_free(held, TRUE);
	g_rand_free(rand);
	pd__packs_free(packs);
	g_free(objects);
}

/* A public-inbox commit's tree, and the message `m` it names as libgit2
 * reads it: 0, or -1 (the commit has none).  Free both either way. */
static int commit_message(git_tree **tree, const git_tree_entry **m, git_blob **blob,
			  git_repository *repo, const git_oid *commit)
{
	git_commit *c = NULL;
	int ok;

	*tree = NULL;
	*blob = NULL;
	ok = git_commit_lookup(&c, repo, commit) == 0 && git_commit_tree(tree, c) == 0
	     && (*m = git_tree_entry_byname(*tree, "m"))
	     && git_blob_lookup(blob, repo, git_tree_entry_id(*m)) == 0;
	git_commit_free(c);
	return ok ? 0 : -1;
}

static int differs(const unsigned char *bytes, size_t len, git_blob *want)
{
	return len != (size_t)git_blob_rawsize(want) || memcmp(bytes, git_blob_rawcontent(want), len);
}

/* The commits of the repository at `dir` (opened in *repo, which the
 * caller frees), newest first; none when it cannot be walked. */
static GArray *history(git_repository **repo, const char *dir)
{
	GArray *commits = g_array_new(FALSE, FALSE, sizeof(git_oid));
	git_revwalk *walk = NULL;
	git_oid id;

	*repo = NULL;
	if (git_repository_open_bare(repo, dir) == 0 && git_revwalk_new(&walk, *repo) == 0
	    && git_revwalk_push_head(walk) == 0)
		while (git_revwalk_next(&id, walk) == 0)
			g_array_append_val(commits, id);
	git_revwalk_free(walk);
	return commits;
}

/* Commit `id`'s tree, then its message, read with pd__packs_read() as a
 * parsing thread reads them; the set's stats before the tree, after it
 * and after the message in st[0], st[1] and st[2].  0 when both were
 * read (*wrong: the message is not the bytes libgit2 reads), else -1. */
static int read_tree_and_message(pd__packs_stats st[3], int *wrong, pd__packs *packs,
				 git_repository *repo, const git_oid *id)
{
	git_tree *t = NULL;
	git_blob *want = NULL;
	const git_tree_entry *m;
	const unsigned char *bytes;
	size_t len;
	int type, ok = -1;

	pd__packs_get_stats(&st[0], packs);
	if (commit_message(&t, &m, &want, repo, id) == 0
	    && pd__packs_read(&bytes, &len, &type, packs, git_tree_id(t)->id) == 0) {
		pd__packs_get_stats(&st[1], packs);
		if (pd__packs_read(&bytes, &len, &type, packs, git_tree_entry_id(m)->id) == 0) {
			pd__packs_get_stats(&st[2], packs);
			*wrong = differs(bytes, len, want);
			ok = 0;
		}
	}
	git_blob_free(want);
	git_tree_free(t);
	return ok;
}

/* A public-inbox tree and its message, read one after the other as a
 * blob reader does: one pread(2) for both when git wrote the message
 * right after the tree, and the message's bytes those libgit2 reads.
 * Messages stored as deltas still read their bases, and messages found
 * in the cache need no read at all: the count is of messages that came
 * from neither a read nor the cache. */
static void tree_then_message(const char *dir, const char *list)
{
	git_repository *repo;
	GArray *commits = history(&repo, dir);
	pd__packs *packs = pd__packs_open(dir);
	size_t pairs = 0, one_read = 0, wrong = 0, fixed = 0;
	char label[200];

	/* every tenth message of the history: git lays out parts of a
	 * pack differently */
	for (guint i = 0; i < commits->len && pairs < 500; i += 10) {
		pd__packs_stats st[3];
		int bad;
		if (read_tree_and_message(st, &bad, packs, repo, &g_array_index(commits, git_oid, i)) < 0)
			continue;
		pairs++;
		fixed += st[1].inflated_fixed > st[0].inflated_fixed;
		/* neither a read nor the cache: the tree's window */
		one_read += st[2].reads == st[1].reads && st[2].cache_hits == st[1].cache_hits;
		wrong += bad;
	}
	printf("# %s: %zu trees and messages, %zu of the messages read with their tree\n",
	       list, pairs, one_read);
	snprintf(label, sizeof(label), "%s: a tree's message comes with the tree's read", list);
	CHECK(label, pairs == 500 && one_read > pairs / 10 && wrong == 0);
	/* git stores a tree of one entry with fixed codes: their tables
	 * are built once, not again after each message */
	printf("# %s: %zu of the trees inflated with fixed codes, apart\n", list, fixed);
	snprintf(label, sizeof(label), "%s: trees are inflated by the decompressor for fixed codes",
		 list);
	CHECK(label, fixed > pairs * 9 / 10);
	g_array_free(commits, TRUE);
	git_repository_free(repo);
	pd__packs_free(packs);
}

/* The oldest 2,000 messages read the way a parsing thread reads a batch:
 * oldest first, each message's tree, then the message.  git writes
 * newer commits' trees and messages first, so the reads that bring a
 * tree bring the trees (and often the messages) of the next ones: far
 * fewer pread(2) calls than messages.  Every message is as libgit2
 * reads it. */
static void batch_order(const char *dir, const char *list)
{
	git_repository *repo;
	GArray *commits = history(&repo, dir);
	pd__packs *packs = pd__packs_open(dir);
	pd__packs_stats st;
	size_t messages = 0, wrong = 0;
	char label[200];

	for (guint i = commits->len; i-- > 0 && messages < 2000;) {
		pd__packs_stats steps[3];
		int bad;
		if (read_tree_and_message(steps, &bad, packs, repo, &g_array_index(commits, git_oid, i)) == 0) {
			messages++;
			wrong += bad;
		}
	}
	pd__packs_get_stats(&st, packs);
	printf("# %s: the oldest %zu messages in a batch's order: %zu pread(2) calls\n", list,
	       messages, st.reads);
	snprintf(label, sizeof(label), "%s: a batch's trees come with one another's reads", list);
	CHECK(label, messages == 2000 && wrong == 0 && st.reads < messages);
	g_array_free(commits, TRUE);
	git_repository_free(repo);
	pd__packs_free(packs);
}

static void corpus(const char *list)
{
	char *dir = g_strdup_printf("%s/corpus/%s/git/0.git", shared_dir(), list);
	char label[200];

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		SKIP(list, "../shared/corpus is not here");
	} else {
		for (int in_order = 0; in_order < 2; in_order++) {
			pack_walk w = compare_all(dir, in_order);
			const char *how = in_order ? " (read in order, in windows)" : "";
			printf("# %s%s: %zu objects, %zu read, %zu left to libgit2\n", list, how, w.objects,
			       w.read, w.left);
			snprintf(label, sizeof(label), "%s%s: every object read", list, how);
			CHECK(label, w.objects > 0 && w.read == w.objects);
			snprintf(label, sizeof(label), "%s%s: as libgit2 reads it", list, how);
			CHECK_INT(label, w.same, w.read);
			snprintf(label, sizeof(label), "%s%s: nothing read that libgit2 cannot read", list, how);
			CHECK_INT(label, w.only_ours, 0);
		}
		absent_ids(dir, list);
		tree_then_message(dir, list);
		batch_order(dir, list);
	}
	g_free(dir);
}

int main(void)
{
	char *base = g_dir_make_tmp("test-pack-XXXXXX", NULL);
	int ofs = 0, ref = 0;

	git_libgit2_init();
	made_here(base, "offset-deltas", 0);
	made_here(base, "id-deltas", 1);
	shared_packs(base);
	large_offsets(base);
	{
		char *dir = g_build_filename(base, "offset-deltas", NULL);
		count_deltas(dir, &ofs, &ref);
		printf("# offset-deltas: %d deltas by offset, %d by id\n", ofs, ref);
		CHECK("offset-deltas holds deltas by offset", ofs > 100 && ref == 0);
		g_free(dir);
		dir = g_build_filename(base, "id-deltas", NULL);
		count_deltas(dir, &ofs, &ref);
		printf("# id-deltas: %d deltas by offset, %d by id\n", ofs, ref);
		CHECK("id-deltas holds deltas by id", ref > 100);
		g_free(dir);
	}
	{
		pd__packs *none = pd__packs_open(base); /* no objects/pack at all */
		const unsigned char *b;
		size_t len;
		int type;
		unsigned char id[20] = { 0 };
		CHECK_INT("a directory without packs: nothing found", pd__packs_read(&b, &len, &type, none, id), 1);
		pd__packs_free(none);
		pd__packs_free(NULL);
	}
	damage(base);
	corpus("kvmarm");
	corpus("kvm-ppc");
	git_libgit2_shutdown();
	harness_remove_tree(base);
	g_free(base);
	return harness_failed ? 1 : 0;
}
