/*
 * test-pack-order.c - the pack reader's windows (archive/pack.c,
 * read_stored()) on a pack written in order of arrival, as public-inbox
 * writes one with git fast-import: each message's blob, then its tree,
 * then its commit, oldest first.  A walk along first parents reads such
 * a pack from its end backwards; a parsing thread reads a batch of
 * messages forwards.  Either must read each byte of the pack about
 * once -- not a 64 KB window for every commit, which made the walk of
 * a synthetic 100,000-message epoch copy 25 times its pack -- and what
 * either reads is what libgit2 reads, the oracle.
 */
#include <unistd.h>
#include <sys/stat.h>
#include <git2.h>
#include <glib.h>
#include "harness.h"
#include "archive/pack.h"
#include "archive/git.h"
#include "fast-import.h"

#define MESSAGES 3000

/* Message `i`: list mail of some 2 to 5 KB, headers and words drawn
 * from a fixed seed. */
static GString *message(int i)
{
	static const char *words[] = { "the", "kvm", "vcpu", "guest", "page", "fault", "arm64",
				       "patch", "this", "fixes", "when", "memory", "slot",
				       "host", "timer", "which", "is", "not", "a", "reg" };
	GRand *r = g_rand_new_with_seed((guint32)i + 7);
	GString *m = g_string_new(NULL);
	int lines = g_rand_int_range(r, 20, 80);

	g_string_append_printf(m, "From: P%d <p%d@example.org>\nSubject: [PATCH %d/9] change %d\n"
			       "Date: Tue, 1 Oct 2024 10:%02d:00 +0000\nMessage-ID: <%d@example.org>\n"
			       "Received: from host%u.example.net by mx.example.org; id %u\n\n",
			       i % 11, i % 11, i % 9 + 1, i, i % 60, i, g_rand_int(r), g_rand_int(r));
	for (int l = 0; l < lines; l++) {
		for (int w = 0; w < 9; w++)
			g_string_append_printf(m, "%s ", words[g_rand_int_range(r, 0, G_N_ELEMENTS(words))]);
		g_string_append_c(m, '\n');
	}
	g_rand_free(r);
	return m;
}

/* A bare repository at `dir` whose history is MESSAGES commits written
 * by git fast-import into one pack, a message each, as public-inbox
 * writes a v2 epoch (a tree of one entry, "m").  0 or -1. */
static int make_inbox(const char *dir)
{
	GString *stream = g_string_new(NULL);
	int made;

	for (int i = 0; i < MESSAGES; i++) {
		GString *m = message(i);
		fast_import_blob(stream, i + 1, m);
		g_string_append_printf(stream, "commit refs/heads/master\n"
				       "committer A U Thor <a@example.org> %d +0000\ndata 7\nmessage\n"
				       "deleteall\nM 100644 :%d m\n\n", 1700000000 + i, i + 1);
		g_string_free(m, TRUE);
	}
	made = fast_import(dir, stream, NULL);
	g_string_free(stream, TRUE);
	return made;
}

/* Whether `bytes` are object `id` as libgit2 reads it. */
static int as_libgit2(git_odb *odb, const git_oid *id, const unsigned char *bytes, size_t len)
{
	git_odb_object *o = NULL;
	int same = git_odb_read(&o, odb, id) == 0 && git_odb_object_size(o) == len
		   && memcmp(git_odb_object_data(o), bytes, len) == 0;

	git_odb_object_free(o);
	return same;
}

/* The first parent named by the commit `bytes`: 0, or -1 for none. */
static int first_parent(git_oid *out, const unsigned char *bytes, size_t len)
{
	char *text = g_strndup((const char *)bytes, len);
	const char *p = strstr(text, "\nparent ");
	int found = p && git_oid_fromstrn(out, p + 8, 40) == 0 ? 0 : -1;

	g_free(text);
	return found;
}

/* What the read-ahead hands over: how many commits, and how many of
 * them are, byte for byte, the commit libgit2 reads under the id their
 * bytes hash to. */
typedef struct {
	git_odb *odb;
	size_t commits, same;
} handed;

static int count_commit(void *ctx, const unsigned char *data, size_t len)
{
	handed *h = ctx;
	git_oid id;

	h->commits++;
	h->same += git_odb_hash(&id, data, len, GIT_OBJECT_COMMIT) == 0
		   && as_libgit2(h->odb, &id, data, len);
	return 0;
}

/* The walk: from HEAD along first parents, each commit read with
 * pd__packs_read() through `packs` (a set that reads in order, as the
 * walk's does), and, when `ahead` is given, pd__packs_read_ahead()
 * through it, into `h`, once half the commits are read (*walked is where
 * the walk is).  Returns the commits read; *same of them as libgit2
 * reads them. */
static size_t walk(size_t *same, pd__packs *packs, git_odb *odb, git_repository *repo,
		   pd__packs *ahead, gint64 *walked, handed *h)
{
	gint stop = 0;
	git_oid at;
	size_t read = 0;
	int more = git_reference_name_to_id(&at, repo, "HEAD") == 0;

	*same = 0;
	while (more) {
		const unsigned char *bytes;
		size_t len;
		int type;
		if (ahead && read == MESSAGES / 2)
			pd__packs_read_ahead(ahead, &stop, walked, count_commit, h);
		if (pd__packs_read(&bytes, &len, &type, packs, at.id) != 0)
			break;
		read++;
		*same += type == GIT_OBJECT_COMMIT && as_libgit2(odb, &at, bytes, len);
		more = first_parent(&at, bytes, len) == 0;
	}
	return read;
}

/* The walk alone. */
static void walk_from_the_end(const char *dir, git_odb *odb, git_repository *repo, gint64 size)
{
	pd__packs *packs = pd__packs_open(dir);
	pd__packs_stats st;
	size_t walked, same;

	pd__packs_read_in_order(packs);
	walked = walk(&same, packs, odb, repo, NULL, NULL, NULL);
	pd__packs_get_stats(&st, packs);
	printf("# the walk: %zu commits, %zu pread(2) calls of %zu bytes, the pack %lld\n", walked,
	       st.reads, st.read_bytes, (long long)size);
	CHECK_INT("the walk reads every commit of an arrival-order pack", walked, MESSAGES);
	CHECK_INT("the walk reads each commit as libgit2 reads it", same, MESSAGES);
	CHECK("the walk backwards reads each byte of the pack about once",
	      st.read_bytes > 0 && (gint64)st.read_bytes <= 2 * size);
	pd__packs_free(packs);
}

/* The walk with a read-ahead (pd__packs_read_ahead(), which another
 * thread runs while the walk goes on): here the walk reads the newer
 * half, the read-ahead runs, then the walk reads the rest.  Coming from
 * the pack's start, the read-ahead hands over the older half, each as
 * libgit2 reads it, and stops where the walk has been.  Then the chain
 * (git-read-ahead.c) with the read-ahead run first: the walk takes
 * every commit from it, parsed, and the chain is the chain without. */
static void walk_with_read_ahead(const char *dir, git_odb *odb, git_repository *repo)
{
	pd__packs *packs = pd__packs_open(dir), *ahead = pd__packs_open(dir);
	handed h = { odb, 0, 0 };
	gint64 walked = 0;
	size_t read, same;
	GArray *plain = NULL, *taken = NULL;
	pd__chain_end e1, e2;
	git_oid tip;
	int same_chain = 0;

	memset(&e2, 0, sizeof(e2));
	pd__packs_read_in_order(packs);
	pd__packs_read_in_order(ahead);
	pd__packs_publish_walk(packs, &walked);
	read = walk(&same, packs, odb, repo, ahead, &walked, &h);
	printf("# the read-ahead handed over %zu commits\n", h.commits);
	CHECK("with a read-ahead, the walk reads every commit as libgit2 reads it",
	      read == MESSAGES && same == MESSAGES);
	CHECK("the read-ahead hands over the commits the walk has not read, and stops there",
	      h.commits >= MESSAGES / 2 - 5 && h.commits <= MESSAGES / 2 + 5);
	CHECK_INT("... each the commit libgit2 reads under the id its bytes hash to", h.same,
		  h.commits);
	pd__packs_free(packs);
	pd__packs_free(ahead);

	if (git_reference_name_to_id(&tip, repo, "HEAD") == 0) {
		pd__git_chain(&plain, &e1, repo, &tip, NULL, 0, NULL, 0);
		pd__git_chain(&taken, &e2, repo, &tip, NULL, 0, NULL, PD__CHAIN_AHEAD_FIRST);
		same_chain = plain->len == MESSAGES && taken->len == plain->len
			     && memcmp(plain->data, taken->data,
				       plain->len * sizeof(pd__chain_link)) == 0;
		printf("# the chain took %u of %u commits from the read-ahead\n", e2.taken_ahead,
		       taken->len);
		pd__chain_end_clear(&e1);
		pd__chain_end_clear(&e2);
		g_array_free(plain, TRUE);
		g_array_free(taken, TRUE);
	}
	CHECK_INT("the chain takes every commit parsed from a read-ahead run first",
		  e2.taken_ahead, MESSAGES);
	CHECK("... and is the chain without it", same_chain);
}

/* A parsing thread: the messages oldest first, each its commit's tree
 * then the message the tree names, with a set that does not read in
 * order, as a blob reader's does. */
static void batch_forwards(const char *dir, git_odb *odb, git_repository *repo, gint64 size)
{
	pd__packs *packs = pd__packs_open(dir);
	GArray *commits = g_array_new(FALSE, FALSE, sizeof(git_oid));
	git_revwalk *walk = NULL;
	pd__packs_stats st;
	git_oid id;
	size_t messages = 0, same = 0;

	if (git_revwalk_new(&walk, repo) == 0 && git_revwalk_push_head(walk) == 0)
		while (git_revwalk_next(&id, walk) == 0)
			g_array_append_val(commits, id);
	git_revwalk_free(walk);
	for (guint i = commits->len; i-- > 0;) {
		git_commit *c = NULL;
		git_tree *t = NULL;
		const git_tree_entry *m;
		const unsigned char *bytes;
		size_t len;
		int type;
		if (git_commit_lookup(&c, repo, &g_array_index(commits, git_oid, i)) == 0
		    && git_commit_tree(&t, c) == 0 && (m = git_tree_entry_byname(t, "m"))
		    && pd__packs_read(&bytes, &len, &type, packs, git_tree_id(t)->id) == 0
		    && as_libgit2(odb, git_tree_id(t), bytes, len)
		    && pd__packs_read(&bytes, &len, &type, packs, git_tree_entry_id(m)->id) == 0) {
			messages++;
			same += type == GIT_OBJECT_BLOB && as_libgit2(odb, git_tree_entry_id(m), bytes, len);
		}
		git_tree_free(t);
		git_commit_free(c);
	}
	pd__packs_get_stats(&st, packs);
	printf("# a batch forwards: %zu messages, %zu pread(2) calls of %zu bytes, the pack %lld\n",
	       messages, st.reads, st.read_bytes, (long long)size);
	CHECK_INT("a batch reads every tree and message", messages, MESSAGES);
	CHECK_INT("a batch reads each message as libgit2 reads it", same, MESSAGES);
	CHECK("a batch forwards reads each byte of the pack about once",
	      st.read_bytes > 0 && (gint64)st.read_bytes <= 2 * size);
	CHECK("a batch forwards reads many messages in one pread(2)", st.reads < MESSAGES / 4);
	g_array_free(commits, TRUE);
	pd__packs_free(packs);
}

int main(void)
{
	char *base = g_dir_make_tmp("test-pack-order-XXXXXX", NULL);
	char *dir = g_build_filename(base, "inbox.git", NULL);
	git_repository *repo = NULL;
	git_odb *odb = NULL;

	git_libgit2_init();
	if (make_inbox(dir) < 0 || git_repository_open_bare(&repo, dir) < 0
	    || git_repository_odb(&odb, repo) < 0) {
		SKIP("a pack in order of arrival", "git fast-import could not make it");
	} else {
		char *pack = fast_import_pack(dir);
		struct stat st;
		gint64 size = pack && stat(pack, &st) == 0 ? st.st_size : 0;
		g_free(pack);
		CHECK("fast-import wrote a pack", size > 0);
		walk_from_the_end(dir, odb, repo, size);
		walk_with_read_ahead(dir, odb, repo);
		batch_forwards(dir, odb, repo, size);
	}
	git_odb_free(odb);
	git_repository_free(repo);
	git_libgit2_shutdown();
	harness_remove_tree(base);
	g_free(dir);
	g_free(base);
	return harness_failed ? 1 : 0;
}
