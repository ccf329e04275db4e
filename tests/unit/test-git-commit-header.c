/*
 * test-git-commit-header.c - the commit header reader the history walk
 * uses (git-layout.c) against libgit2's commit parser: on hand-made
 * headers, and on every commit of the corpus archives when ../shared is
 * there.
 */
#include <git2.h>
#include <glib.h>
#include "harness.h"
#include "archive/archive.h"
#include "archive/git.h"

#define TREE "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
#define P1 "1111111111111111111111111111111111111111"
#define P2 "2222222222222222222222222222222222222222"

static void header_case(const char *name, const char *data, int want_ok, int64_t want_time,
			unsigned want_parents)
{
	pd__chain_link link;
	git_oid parent;
	unsigned n = 99;
	int ok = pd__git_commit_header(&link, &parent, &n, data, strlen(data)) == 0;
	char label[200];

	snprintf(label, sizeof(label), "%s: %s", name, want_ok ? "read" : "left to libgit2");
	CHECK(label, ok == want_ok);
	if (ok && want_ok) {
		snprintf(label, sizeof(label), "%s: time", name);
		CHECK_INT(label, link.time, want_time);
		snprintf(label, sizeof(label), "%s: parents", name);
		CHECK_INT(label, n, want_parents);
	}
}

/* Every byte value at every place of the tree and parent ids: the header
 * is read exactly when libgit2 reads the id, and gives the id libgit2
 * gives (either case of hex digits). */
static void hex_ids(void)
{
	size_t cases = 0, wrong = 0;

	for (int at = 0; at < 40; at++)
		for (int c = 1; c < 256; c++)
			for (int which = 0; which < 2; which++) {
				char tree[41] = TREE, parent[41] = P1, *data;
				char *id = which ? parent : tree;
				git_oid want, got_parent;
				pd__chain_link link;
				unsigned n = 0;
				int theirs, ours;
				id[at] = (char)c;
				data = g_strdup_printf("tree %s\nparent %s\ncommitter C <c@x> 3 +0000\n\n",
						       tree, parent);
				theirs = git_oid_fromstrn(&want, id, 40) == 0;
				ours = pd__git_commit_header(&link, &got_parent, &n, data, strlen(data)) == 0;
				cases++;
				if (theirs != ours
				    || (ours && !git_oid_equal(&want, which ? &got_parent : &link.tree)))
					wrong++;
				g_free(data);
			}
	{
		char label[200];
		snprintf(label, sizeof label, "hex ids: %zu ids with one byte changed read as libgit2 "
			 "reads them", cases);
		CHECK_INT(label, wrong, 0);
	}
}

static void hand_made(void)
{
	header_case("a root commit", "tree " TREE "\nauthor A <a@x> 1 +0000\n"
		    "committer C <c@x> 1700000000 +0100\n\nmsg\n", 1, 1700000000, 0);
	header_case("a merge", "tree " TREE "\nparent " P1 "\nparent " P2 "\n"
		    "author A <a@x> 1 +0000\ncommitter C <c@x> 42 -0500\n\nmsg\n", 1, 42, 2);
	header_case("a name with '>' in it", "tree " TREE "\nparent " P1 "\n"
		    "author A <a@x> 1 +0000\ncommitter C > D <c@x> 7 +0000\n\n", 1, 7, 1);
	header_case("an encoding header after the committer", "tree " TREE "\n"
		    "author A <a@x> 1 +0000\ncommitter C <c@x> 9 +0000\nencoding ISO-8859-1\n\n", 1, 9, 0);
	header_case("no committer", "tree " TREE "\nauthor A <a@x> 1 +0000\n\nmsg\n", 0, 0, 0);
	header_case("a committer line in the message only", "tree " TREE "\nauthor A <a@x> 1 +0000\n\n"
		    "committer C <c@x> 5 +0000\n", 0, 0, 0);
	header_case("a short tree id", "tree 4b825dc\ncommitter C <c@x> 9 +0000\n\n", 0, 0, 0);
	header_case("a truncated header", "tree " TREE "\nparent " P1, 0, 0, 0);
	header_case("no time", "tree " TREE "\ncommitter C <c@x>\n\n", 0, 0, 0);
	header_case("a time too large", "tree " TREE "\ncommitter C <c@x> 99999999999999999999 +0000\n\n",
		    0, 0, 0);
	header_case("empty", "", 0, 0, 0);
	hex_ids();
}

/* Every commit on the first-parent line of `git_dir`: the reader gives
 * what libgit2 gives. */
static void corpus_epoch(const char *git_dir)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	git_oid at;
	size_t n = 0, read = 0, same = 0;
	char label[300];

	if (git_repository_open_bare(&repo, git_dir) < 0 || git_repository_odb(&odb, repo) < 0
	    || git_reference_name_to_id(&at, repo, "HEAD") < 0) {
		snprintf(label, sizeof(label), "%s opens", git_dir);
		CHECK(label, 0);
		goto cleanup;
	}
	for (;;) {
		git_commit *commit = NULL;
		git_odb_object *obj = NULL;
		pd__chain_link link;
		git_oid parent;
		unsigned parents;
		if (git_commit_lookup(&commit, repo, &at) < 0 || git_odb_read(&obj, odb, &at) < 0) {
			git_commit_free(commit);
			break;
		}
		n++;
		if (pd__git_commit_header(&link, &parent, &parents, git_odb_object_data(obj),
					  git_odb_object_size(obj)) == 0) {
			read++;
			same += link.time == git_commit_time(commit)
				&& git_oid_equal(&link.tree, git_commit_tree_id(commit))
				&& parents == git_commit_parentcount(commit)
				&& (!parents || git_oid_equal(&parent, git_commit_parent_id(commit, 0)));
		}
		git_odb_object_free(obj);
		if (git_commit_parentcount(commit) == 0) {
			git_commit_free(commit);
			break;
		}
		git_oid_cpy(&at, git_commit_parent_id(commit, 0));
		git_commit_free(commit);
	}
	printf("# %s: %zu commits, %zu read without libgit2's parser\n", git_dir, n, read);
	snprintf(label, sizeof(label), "%s: every commit's header is read", git_dir);
	CHECK_INT(label, read, n);
	snprintf(label, sizeof(label), "%s: tree, time and parents as libgit2 reads them", git_dir);
	CHECK_INT(label, same, read);
cleanup:
	git_odb_free(odb);
	git_repository_free(repo);
}

int main(void)
{
	const char *lists[] = { "kvmarm", "kvm-ppc" };

	git_libgit2_init();
	hand_made();
	for (size_t i = 0; i < G_N_ELEMENTS(lists); i++) {
		char *dir = g_strdup_printf("%s/corpus/%s/git/0.git", shared_dir(), lists[i]);
		if (g_file_test(dir, G_FILE_TEST_IS_DIR))
			corpus_epoch(dir);
		else
			SKIP(lists[i], "../shared/corpus is not here");
		g_free(dir);
	}
	git_libgit2_shutdown();
	return harness_failed ? 1 : 0;
}
