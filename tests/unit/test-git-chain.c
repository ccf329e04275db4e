/*
 * test-git-chain.c - an epoch's chain of first parents, walked on the
 * calling thread (pd__git_chain()) and on a thread of its own
 * (git-ahead.c): the same links, bounds and ends; a walk stopped or
 * freed while it runs; a repository that will not open; commits read
 * ahead of the walk on another thread.
 */
#include <string.h>
#include <git2.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "harness.h"
#include "archive/archive.h"
#include "archive/git.h"
#include "archive/pack.h"

#define COMMITS 3000

/* A bare repository of COMMITS commits in one line of first parents,
 * commit i at time 1700000000 + 60 i, each with a tree of one blob "m":
 * public-inbox's shape.  The ids, oldest first, go to ids[]. */
static git_repository *make_repo(const char *dir, git_oid *ids)
{
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;

	if (git_repository_init(&repo, dir, 1) < 0)
		return NULL;
	for (int i = 0; i < COMMITS; i++) {
		char text[64];
		git_oid blob, tree;
		git_treebuilder *tb = NULL;
		git_tree *t = NULL;
		const git_commit *parents[1] = { parent };
		snprintf(text, sizeof(text), "Subject: message %d\n\nbody\n", i);
		git_signature_new(&sig, "list", "list@example.org", 1700000000 + 60 * (git_time_t)i, 0);
		git_blob_create_from_buffer(&blob, repo, text, strlen(text));
		git_treebuilder_new(&tb, repo, NULL);
		git_treebuilder_insert(NULL, tb, "m", &blob, GIT_FILEMODE_BLOB);
		git_treebuilder_write(&tree, tb);
		git_treebuilder_free(tb);
		git_tree_lookup(&t, repo, &tree);
		git_commit_create(&ids[i], repo, i == COMMITS - 1 ? "HEAD" : NULL, sig, sig, NULL,
				  "m", t, parent ? 1 : 0, parents);
		git_tree_free(t);
		git_signature_free(sig);
		git_commit_free(parent);
		parent = NULL;
		git_commit_lookup(&parent, repo, &ids[i]);
	}
	git_commit_free(parent);
	return repo;
}

/* Do two chains hold the same links? */
static int same_links(const GArray *a, const GArray *b)
{
	if (a->len != b->len)
		return 0;
	for (guint i = 0; i < a->len; i++) {
		const pd__chain_link *x = &g_array_index(a, pd__chain_link, i);
		const pd__chain_link *y = &g_array_index(b, pd__chain_link, i);
		if (!git_oid_equal(&x->commit, &y->commit) || !git_oid_equal(&x->tree, &y->tree)
		    || x->time != y->time)
			return 0;
	}
	return 1;
}

/* The chain walked ahead is the chain walked here, for one set of
 * bounds. */
static void ahead_case(const char *name, git_repository *repo, const char *dir,
		       const git_oid *tip, const git_oid *hide, int64_t since, size_t want_len)
{
	GArray *here = NULL, *there = NULL;
	pd__chain_end end_here, end_there;
	pd__chain_ahead *a = pd__chain_ahead_start(dir, tip, hide, since);
	char label[200];

	pd__git_chain(&here, &end_here, repo, tip, hide, since, NULL, 0);
	snprintf(label, sizeof(label), "%s: walked here, %zu links", name, want_len);
	CHECK_INT(label, here->len, want_len);
	snprintf(label, sizeof(label), "%s: a thread starts", name);
	CHECK(label, a != NULL);
	if (a) {
		snprintf(label, sizeof(label), "%s: taken", name);
		CHECK_INT(label, pd__chain_ahead_take(&there, &end_there, a), 0);
		snprintf(label, sizeof(label), "%s: no problem to say", name);
		CHECK(label, end_there.problem == NULL);
		pd__chain_end_clear(&end_there);
		snprintf(label, sizeof(label), "%s: the same links", name);
		CHECK(label, there && same_links(here, there));
		snprintf(label, sizeof(label), "%s: the same end", name);
		CHECK(label, end_here.has_broken == end_there.has_broken
		      && end_here.has_passed_over == end_there.has_passed_over
		      && end_here.merges == end_there.merges
		      && (!end_here.has_passed_over
			  || git_oid_equal(&end_here.passed_over, &end_there.passed_over)));
	}
	if (there)
		g_array_free(there, TRUE);
	g_array_free(here, TRUE);
	pd__chain_end_clear(&end_here);
}

/* A commit in the middle whose header declares an impossible size (as
 * tests/git-faults.sh damages one): the walk ahead stops there and says
 * why as the walk here does, libgit2's last error being the walking
 * thread's own. */
static void broken_case(git_repository *repo, const char *dir, const git_oid *ids)
{
	static const char damage[] = "\220\377\377\377\377\377\377\177 the rest";
	char hex[GIT_OID_HEXSZ + 1], *path;
	GArray *here = NULL, *there = NULL;
	pd__chain_end end_here, end_there;
	pd__chain_ahead *a;

	git_oid_tostr(hex, sizeof(hex), &ids[1500]);
	path = g_strdup_printf("%s/objects/%.2s/%s", dir, hex, hex + 2);
	g_chmod(path, 0644);
	CHECK("a broken history: the commit is damaged",
	      g_file_set_contents(path, damage, sizeof(damage) - 1, NULL));
	g_free(path);
	a = pd__chain_ahead_start(dir, &ids[COMMITS - 1], NULL, 0);
	CHECK("a broken history: a thread starts", a != NULL);
	if (!a)
		return;
	CHECK_INT("a broken history: taken", pd__chain_ahead_take(&there, &end_there, a), 0);
	pd__git_chain(&here, &end_here, repo, &ids[COMMITS - 1], NULL, 0, NULL, 0);
	CHECK("a broken history: both stop at the damaged commit",
	      end_here.has_broken && end_there.has_broken
	      && git_oid_equal(&end_there.broken, &ids[1500]) && same_links(here, there));
	CHECK_INT("a broken history: the commits after it", there->len, COMMITS - 1501);
	CHECK("a broken history: the thread says why",
	      end_there.problem && strstr(end_there.problem, "it declares"));
	CHECK_STR("a broken history: as the walk here says it",
		  end_there.problem ? end_there.problem : "", end_here.problem ? end_here.problem : "-");
	pd__chain_end_clear(&end_here);
	pd__chain_end_clear(&end_there);
	g_array_free(here, TRUE);
	g_array_free(there, TRUE);
}

/* The pack offset of object `id` in the one pack of `repo_dir`, from
 * git show-index; -1 when not found. */
static gint64 pack_offset(const char *repo_dir, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], *out = NULL, *cmd;
	gint64 found = -1;

	git_oid_tostr(hex, sizeof(hex), id);
	cmd = g_strdup_printf("for i in '%s'/objects/pack/*.idx; do git show-index < \"$i\"; done",
			      repo_dir);
	{
		const char *argv[] = { "sh", "-c", cmd, NULL };
		if (g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
				 NULL, NULL) && out) {
			char *at = strstr(out, hex);
			if (at) {
				/* "OFFSET ID (CRC)": the offset begins the line */
				while (at > out && at[-1] != '\n')
					at--;
				found = g_ascii_strtoll(at, NULL, 10);
			}
		}
	}
	g_free(out);
	g_free(cmd);
	return found;
}

/* pd__packs_commit_fn for the tests: counts the commits handed over. */
static int count_commit(void *ctx, const unsigned char *data, size_t len)
{
	(void)data;
	(void)len;
	++*(size_t *)ctx;
	return 0;
}

/* Commits read ahead of the walk (pd__packs_read_ahead()), in a repository
 * repacked as git packs a clone (commits first, newest first): from the
 * middle of the commits to the oldest, then back to where the walk is.
 * The walk takes them parsed (git-read-ahead.c), and its chain is the
 * chain of a walk without them -- whether the read-ahead ran first, or
 * runs on a thread meanwhile, as pd__git_chain() runs it. */
static void read_ahead_case(const char *dir)
{
	char *repo_dir = g_build_filename(dir, "packed.git", NULL);
	const char *argv[] = { "git", "-C", repo_dir, "repack", "-adq", NULL };
	git_oid *ids = g_new0(git_oid, COMMITS);
	git_repository *repo = make_repo(repo_dir, ids);
	GArray *plain = NULL, *first = NULL, *beside = NULL;
	pd__chain_end e1, e2, e3;
	size_t forwards = 0, both_ways = 0, met = 0;
	gint64 walked = 0, walked_eighth = 0;
	int status = -1, packed;
	gint go_on = 0;

	packed = repo && g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
				      NULL, NULL, &status, NULL)
		 && g_spawn_check_wait_status(status, NULL);
	CHECK("read ahead: a packed repository is made", packed);
	if (!packed)
		goto cleanup;
	{
		pd__packs *ahead = pd__packs_open(repo_dir);
		pd__packs_read_ahead(ahead, &go_on, NULL, count_commit, &forwards);
		/* a walk that has read nothing yet: back from the middle
		 * too, to the newest commit */
		pd__packs_read_ahead(ahead, &go_on, &walked, count_commit, &both_ways);
		/* a walk an eighth of the way down the line: back from the
		 * middle to there, not further */
		walked_eighth = pack_offset(repo_dir, &ids[COMMITS - 1 - COMMITS / 8]);
		pd__packs_read_ahead(ahead, &go_on, &walked_eighth, count_commit, &met);
		pd__packs_free(ahead);
	}
	printf("# read ahead: %zu commits forwards, %zu both ways, %zu to a walk an eighth of "
	       "the way\n", forwards, both_ways, met);
	CHECK("read ahead: from the middle to the oldest commit",
	      forwards > COMMITS / 3 && forwards < COMMITS * 2 / 3);
	CHECK_INT("... and back from the middle as well: every commit", both_ways, COMMITS);
	CHECK("... but not back past where the walk is", walked_eighth > 0
	      && met > forwards + COMMITS / 16 && met < COMMITS - COMMITS / 16);

	pd__git_chain(&plain, &e1, repo, &ids[COMMITS - 1], NULL, 0, NULL, 0);
	pd__git_chain(&first, &e2, repo, &ids[COMMITS - 1], NULL, 0, NULL, PD__CHAIN_AHEAD_FIRST);
	pd__git_chain(&beside, &e3, repo, &ids[COMMITS - 1], NULL, 0, NULL, 1);
	printf("# the chain took %u commits from a read-ahead run first, %u from one beside it\n",
	       e2.taken_ahead, e3.taken_ahead);
	CHECK_INT("the walk takes every commit from a read-ahead run first", e2.taken_ahead, COMMITS);
	CHECK("... and its chain is the same", plain->len == COMMITS && same_links(plain, first));
	CHECK("... read ahead by a thread meanwhile, the same", same_links(plain, beside)
	      && !e3.has_broken && !e3.has_passed_over);
	{
		/* the two threads meet somewhere else each time: the walk
		 * reads the list as the other thread writes it */
		int same = 0;
		unsigned taken = e3.taken_ahead;
		for (int k = 0; k < 20; k++) {
			GArray *again = NULL;
			pd__chain_end e;
			pd__git_chain(&again, &e, repo, &ids[COMMITS - 1], NULL, 0, NULL, 1);
			same += same_links(plain, again) && !e.has_broken && !e.has_passed_over;
			taken += e.taken_ahead;
			pd__chain_end_clear(&e);
			g_array_free(again, TRUE);
		}
		CHECK_INT("... twenty times over", same, 20);
		printf("# %u commits taken from the thread in 21 walks beside it\n", taken);
		CHECK("... and the walks beside it took commits from the thread", taken > 0);
	}
	pd__chain_end_clear(&e1);
	pd__chain_end_clear(&e2);
	pd__chain_end_clear(&e3);
	g_array_free(plain, TRUE);
	g_array_free(first, TRUE);
	g_array_free(beside, TRUE);
cleanup:
	git_repository_free(repo);
	g_free(ids);
	g_free(repo_dir);
}

/* The epoch's packs stay open from the walk to the reading of its
 * messages: the walk's reader is freed when the chain is made, before
 * the first message is read, and a pack no reader holds is closed --
 * the parsing threads' readers opened it again, mapped its index again
 * and sorted its offsets again.  `base` holds a v2 inbox made here. */
static void held_case(const char *base)
{
	char *inbox = g_build_filename(base, "inbox", NULL);
	char *repo_dir = g_build_filename(inbox, "git", "0.git", NULL);
	const char *argv[] = { "git", "-C", repo_dir, "repack", "-adq", NULL };
	git_oid *ids = g_new0(git_oid, COMMITS);
	git_repository *repo;
	pd_archive *a = NULL;
	pd_archive_iter *it = NULL;
	pd_range_options range = PD_RANGE_OPTIONS_INIT;
	pd__blob_ref ref;
	pd_raw_message raw;
	int status = -1;

	g_mkdir_with_parents(repo_dir, 0700);
	repo = make_repo(repo_dir, ids);
	if (!repo || !g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
				   NULL, &status, NULL)
	    || !g_spawn_check_wait_status(status, NULL)) {
		CHECK("held: a packed v2 inbox is made", 0);
		goto cleanup;
	}
	memset(&ref, 0, sizeof(ref));
	if (pd_archive_open(&a, inbox) == PD_OK && pd_archive_iter_new(&it, a, &range) == PD_OK) {
		pd__archive_iter_defer(it, &ref);
		CHECK("held: the first message is handed out as a reference",
		      pd_archive_iter_next(&raw, it) == PD_OK && !raw.data && ref.git_dir);
		CHECK_INT("... its epoch's pack still open, for the readers of its messages",
			  pd__packs_open_in_process(), 1);
		while (pd_archive_iter_next(&raw, it) == PD_OK)
			;
		/* held to the reader's end, the pack kept its 16 MB of cache
		 * through the digest's end phases */
		CHECK_INT("... and closed when the last message is handed out",
			  pd__packs_open_in_process(), 0);
		pd__archive_iter_defer(it, NULL);
		pd_archive_iter_free(it);
	} else {
		CHECK("held: the inbox opens", 0);
	}
	CHECK_INT("... and none open after the reader", pd__packs_open_in_process(), 0);
	pd_archive_free(a);
cleanup:
	git_repository_free(repo);
	g_free(ids);
	g_free(repo_dir);
	g_free(inbox);
}

int main(void)
{
	char *dir = g_dir_make_tmp("pd-chain-XXXXXX", NULL);
	char *repo_dir = g_build_filename(dir, "0.git", NULL);
	git_oid *ids = g_new0(git_oid, COMMITS);
	git_repository *repo;
	GArray *chain = NULL;
	pd__chain_end end;
	gint stop = 1;

	git_libgit2_init();
	repo = make_repo(repo_dir, ids);
	CHECK("the repository is made", repo != NULL);
	if (!repo)
		return 1;
	ahead_case("the whole epoch", repo, repo_dir, &ids[COMMITS - 1], NULL, 0, COMMITS);
	ahead_case("after a recorded position", repo, repo_dir, &ids[COMMITS - 1], &ids[999], 0,
		   COMMITS - 1000);
	ahead_case("from --since", repo, repo_dir, &ids[COMMITS - 1], NULL,
		   1700000000 + 60 * 2500, COMMITS - 2500);

	/* a stopped walk ends at once */
	pd__git_chain(&chain, &end, repo, &ids[COMMITS - 1], NULL, 0, &stop, 0);
	CHECK_INT("a walk told to stop reads no commit", chain->len, 0);
	g_array_free(chain, TRUE);
	/* one freed while it runs is stopped, waited for and freed: what
	 * this checks is ASan's and the harness's time limit's to say */
	pd__chain_ahead_free(pd__chain_ahead_start(repo_dir, &ids[COMMITS - 1], NULL, 0));
	pd__chain_ahead_free(NULL);

	/* the thread cannot open it: the caller walks it itself */
	{
		char *gone = g_build_filename(dir, "missing.git", NULL);
		pd__chain_ahead *a = pd__chain_ahead_start(gone, &ids[0], NULL, 0);
		CHECK("a repository that will not open: a thread starts", a != NULL);
		if (a)
			CHECK_INT("a repository that will not open: -1, walk it here",
				  pd__chain_ahead_take(&chain, &end, a), -1);
		CHECK("a repository that will not open: no chain", chain == NULL && !end.problem);
		g_free(gone);
	}

	broken_case(repo, repo_dir, ids);
	git_repository_free(repo);
	read_ahead_case(dir);
	held_case(dir);
	git_libgit2_shutdown();
	harness_remove_tree(dir);
	g_free(repo_dir);
	g_free(dir);
	g_free(ids);
	return harness_failed ? 1 : 0;
}
