/*
 * git-private.h - public-inbox layouts in git and reading past a broken
 * history (git-layout.c), for gitarchive.c.
 */
#ifndef PD_GIT_PRIVATE_H
#define PD_GIT_PRIVATE_H

#include <git2.h>
#include <glib.h>

/* libgit2's last error message, or a stand-in when it has none. */
const char *pd__git_message(void);

/* Whether the tree of commit `head` (of the repository at `path`) is a
 * public-inbox v2 epoch's ('m' or 'd') or a v1 inbox's (fan-out
 * directories; *is_v1 set).  PD_ERR_GIT naming the commit when it cannot
 * be read; PD_ERR_NOT_ARCHIVE when it is some other repository. */
int pd__git_check_layout(int *is_v1, git_repository *repo, const git_oid *head, const char *path);

/* The blob a v1 commit added: the entry its tree has that its parent's
 * lacks.  GIT_ENOTFOUND for a commit that only removed one. */
int pd__git_v1_added_blob(git_blob **out, git_repository *repo, git_commit *commit);

/* Follows first parents from `tip` back to the root, or to `hide` (not
 * included; may be NULL), or to the first commit that cannot be read,
 * whose id goes to *broken with *has_broken set.  *out is a new array of
 * git_oid, oldest first (g_array_free() it).  Returns PD_OK. */
int pd__git_first_parent_chain(GArray **out, git_oid *broken, int *has_broken,
			       git_repository *repo, const git_oid *tip, const git_oid *hide);

#endif
