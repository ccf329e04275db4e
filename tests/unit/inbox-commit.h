/*
 * inbox-commit.h - one message committed as public-inbox v2 writes it,
 * for the tests that make repositories with libgit2 (test-pack.c,
 * test-pack-hostile.c).  Header only: each user includes it once.
 */
#ifndef PD_TEST_INBOX_COMMIT_H
#define PD_TEST_INBOX_COMMIT_H

#include <git2.h>

/* `text` (len bytes) as the blob "m" of a tree of its own, committed on
 * HEAD by `sig` with message "m", after *parent when *has_parent; the
 * new commit becomes *parent.  0, or -1 when libgit2 failed. */
static inline int inbox_commit(git_repository *repo, const git_signature *sig, const char *text,
			       size_t len, git_oid *parent, int *has_parent)
{
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_commit *pc = NULL;
	git_oid blob, tree_id, commit;
	int error = -1;

	if (git_blob_create_from_buffer(&blob, repo, text, len) < 0
	    || git_treebuilder_new(&tb, repo, NULL) < 0
	    || git_treebuilder_insert(NULL, tb, "m", &blob, GIT_FILEMODE_BLOB) < 0
	    || git_treebuilder_write(&tree_id, tb) < 0 || git_tree_lookup(&tree, repo, &tree_id) < 0
	    || (*has_parent && git_commit_lookup(&pc, repo, parent) < 0)
	    || git_commit_create_v(&commit, repo, "HEAD", sig, sig, NULL, "m", tree, pc ? 1 : 0, pc)
		       < 0)
		goto cleanup;
	*parent = commit;
	*has_parent = 1;
	error = 0;
cleanup:
	git_commit_free(pc);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	return error;
}

#endif
