/*
 * git-layout.c - what a public-inbox epoch looks like in git: the layout
 * of its trees (v2's single 'm', v1's fan-out), the message a v1 commit
 * added, and what can still be read of an epoch whose history is
 * broken.
 *
 * On a broken history: libgit2's revision walk gives up when one commit object is
 * missing or corrupt; public-inbox histories are a single line of first
 * parents, so the commits between the tip and the break can still be
 * found, and read, one parent at a time.
 */
#include "pd-private.h"
#include <string.h>
#include "git-private.h"

/* Whether the newest commit looks like public-inbox's: see git-private.h. */
int pd__git_check_layout(int *is_v1, git_repository *repo, const git_oid *head, const char *path)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int ok = 0;

	*is_v1 = 0;
	size_t i, n;

	if (git_commit_lookup(&commit, repo, head) < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), head);
		return pd__error(PD_ERR_GIT, "%s: cannot read the newest commit %s (HEAD): %s; "
				 "the repository is damaged (a missing or corrupt object, a truncated "
				 "pack): 'git fsck' shows the damage", path, hex, pd__git_message());
	}
	if (git_commit_tree(&tree, commit) < 0) {
		git_commit_free(commit);
		return pd__error(PD_ERR_GIT, "%s: cannot read the tree of HEAD: %s", path, pd__git_message());
	}
	n = git_tree_entrycount(tree);
	if (git_tree_entry_byname(tree, "m") || git_tree_entry_byname(tree, "d")) {
		ok = 1;
	} else {
		/* v1: two-hex-digit fan-out directories only */
		ok = n > 0;
		for (i = 0; i < n && ok; i++) {
			const char *name = git_tree_entry_name(git_tree_entry_byindex(tree, i));
			ok = strlen(name) == 2 && g_ascii_isxdigit(name[0]) && g_ascii_isxdigit(name[1]);
		}
		*is_v1 = ok;
	}
	git_tree_free(tree);
	git_commit_free(commit);
	if (!ok)
		return pd__error(PD_ERR_NOT_ARCHIVE,
				 "%s: a git repository, but not a public-inbox archive "
				 "(its newest commit has no message blob 'm' and no v1 fan-out)",
				 path);
	return PD_OK;
}

/* The blob v1 added in `commit`: the one entry its tree has that its
 * parent's tree lacks. */
int pd__git_v1_added_blob(git_blob **out, git_repository *repo, git_commit *commit)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	int error = GIT_ENOTFOUND;
	size_t i;

	if (git_commit_tree(&tree, commit) < 0)
		return -1;
	if (git_commit_parentcount(commit) > 0
	    && (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&parent_tree, parent) < 0))
		goto cleanup;
	if (git_diff_tree_to_tree(&diff, repo, parent_tree, tree, NULL) < 0)
		goto cleanup;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_MODIFIED) {
			error = git_blob_lookup(out, repo, &d->new_file.id);
			break;
		}
	}
cleanup:
	git_diff_free(diff);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	git_tree_free(tree);
	return error;
}

int pd__git_chain(GArray **out, pd__chain_end *end, git_repository *repo,
		  const git_oid *tip, const git_oid *hide, int64_t since)
{
	GArray *chain = g_array_new(FALSE, FALSE, sizeof(pd__chain_link));
	git_oid at = *tip;

	memset(end, 0, sizeof(*end));
	for (;;) {
		git_commit *commit = NULL;
		pd__chain_link link;
		if (hide && git_oid_equal(&at, hide))
			break;
		if (git_commit_lookup(&commit, repo, &at) < 0) {
			git_oid_cpy(&end->broken, &at);
			end->has_broken = 1;
			break;
		}
		link.time = git_commit_time(commit);
		if (since && link.time < since) {
			/* commits are in time order: this one and every one
			 * before it are older than --since */
			git_oid_cpy(&end->passed_over, &at);
			end->has_passed_over = 1;
			git_commit_free(commit);
			break;
		}
		git_oid_cpy(&link.commit, &at);
		git_oid_cpy(&link.tree, git_commit_tree_id(commit));
		g_array_append_val(chain, link);
		end->merges += git_commit_parentcount(commit) > 1;
		if (git_commit_parentcount(commit) == 0) {
			git_commit_free(commit);
			break;
		}
		git_oid_cpy(&at, git_commit_parent_id(commit, 0));
		git_commit_free(commit);
	}
	/* oldest first, the order of reading */
	for (guint i = 0, j = chain->len ? chain->len - 1 : 0; i < j; i++, j--) {
		pd__chain_link t = g_array_index(chain, pd__chain_link, i);
		g_array_index(chain, pd__chain_link, i) = g_array_index(chain, pd__chain_link, j);
		g_array_index(chain, pd__chain_link, j) = t;
	}
	*out = chain;
	return PD_OK;
}
