/*
 * archive/git.h - libgit2 set up and used (git-repo.c), public-inbox
 * layouts in git and the walk along first parents (git-layout.c), for
 * git-archive.c and git-blobs.c.
 */
#ifndef PD_GIT_PRIVATE_H
#define PD_GIT_PRIVATE_H

#include <git2.h>
#include <glib.h>
#include "base/base.h"

/* pd_init()'s and pd_shutdown()'s part: libgit2 set up by the first
 * call, with the settings for reading whole archives (git-repo.c says
 * which and why), and shut down by the last.  Each returns the calls in
 * force. */
/* FROM of a digest that starts at an archive's first message, and what
 * a range may say for it: "root..4be7d95f". */
#define PD__ROOT_LABEL "root"

int pd__git_setup(void);
int pd__git_teardown(void);
/* PD_OK once pd_init() was called, else PD_ERR_INVALID saying so. */
int pd__git_ready(void);

/* libgit2's last error message, or a stand-in when it has none. */
const char *pd__git_message(void);

/* Why object `oid` of `repo` could not be read, from libgit2's last
 * error (call it right after the failed read): "a corrupt object: it
 * declares N bytes, more than can be allocated" when libgit2 ran out of
 * memory allocating the size the object's header declares, else "a
 * missing or corrupt object; libgit2: ...".  `oid` may be NULL when the
 * failed read does not say which object it was.  New string (g_free). */
char *pd__git_object_problem(git_repository *repo, const git_oid *oid);

/* Sets and returns PD_ERR_GIT for object `oid` of `repo` that could not
 * be read: "GIT_DIR: the WHAT of ORIGIN cannot be read (WHY)", WHY from
 * pd__git_object_problem(). */
int pd__git_object_error(git_repository *repo, const git_oid *oid, const char *git_dir,
			 const char *what, const char *origin);

/* `oid` abbreviated as git abbreviates it in `repo`: as many hex digits
 * as the object count calls for, at least 7, longer until unique.  New
 * string. */
char *pd__git_abbreviate(git_repository *repo, const git_oid *oid);

/* Whether the tree of commit `head` (of the repository at `path`) is a
 * public-inbox v2 epoch's ('m' or 'd') or a v1 inbox's (fan-out
 * directories; *is_v1 set).  PD_ERR_GIT naming the commit when it cannot
 * be read; PD_ERR_NOT_ARCHIVE when it is some other repository. */
int pd__git_check_layout(int *is_v1, git_repository *repo, const git_oid *head, const char *path);

/* The message of a v2 commit whose tree is `tree`: its 'm' blob into
 * *out (freed with git_blob_free()).  1, *out NULL, for a tree with a 'd'
 * instead (a message removed); PD_ERR_GIT, naming `git_dir` and `origin`
 * (the commit), when the tree or the blob cannot be read. */
int pd__git_v2_message_blob(git_blob **out, git_repository *repo, const git_oid *tree,
			    const char *git_dir, const char *origin);

/* The same, only the id of the 'm' blob into *blob: PD_OK, 1 for a tree
 * with a 'd' instead, PD_ERR_GIT when the tree cannot be read. */
int pd__git_v2_message_id(git_oid *blob, git_repository *repo, const git_oid *tree,
			  const char *git_dir, const char *origin);

/* The blob a v1 commit added: the entry its tree has that its parent's
 * lacks.  GIT_ENOTFOUND for a commit that only removed one. */
int pd__git_v1_added_blob(git_blob **out, git_repository *repo, git_commit *commit);

/* One commit of an epoch's line of first parents, with what reading its
 * message needs, so that it is inflated once. */
typedef struct {
	git_oid commit, tree;
	int64_t time;          /* commit time */
} pd__chain_link;

/* The tree, commit time and first parent of a commit from its raw object
 * data, when its header is git's plain form ("tree", "parent"s, then the
 * committer line among the others); *n_parents counts its parents.
 * Returns 0, or -1 for anything else (libgit2 then parses it).  The
 * oracle test holds it to libgit2 on every corpus commit. */
int pd__git_commit_header(pd__chain_link *link, git_oid *first_parent, unsigned *n_parents,
			  const char *data, size_t len);

/* Why a chain stopped before the root.  Free `problem` with
 * pd__chain_end_clear(). */
typedef struct {
	git_oid broken;        /* the first commit that cannot be read */
	int has_broken;
	char *problem;         /* with has_broken: why (pd__git_object_problem(),
	                          asked on the thread whose read failed:
	                          libgit2's last error is each thread's own) */
	git_oid passed_over;   /* the newest commit older than `since` */
	int has_passed_over;
	unsigned merges;       /* commits on the chain with more than one parent */
	unsigned taken_ahead;  /* commits the walk took parsed from the read-ahead
	                          (git-read-ahead.c), for tests and traces */
} pd__chain_end;

/* Follows first parents from `tip` back to the root, or to `hide` (not
 * included; may be NULL), or to the first commit older than `since` (0:
 * no bound; commit times are taken to grow along the line, as
 * public-inbox writes them), or to the first commit that cannot be read.
 * *end says which, and counts merges: a chain with merges is not the
 * whole history.  *out is a new array of pd__chain_link, oldest first
 * (g_array_free() it).  `stop` (may be NULL), set by another thread,
 * ends the walk early: the chain is then incomplete, and only fit to be
 * freed.  `ahead`: a core is idle meanwhile (the first epoch's walk, the
 * parsing threads waiting for it), and a thread of its own reads commits
 * ahead of the walk (git-read-ahead.c); PD__CHAIN_AHEAD_FIRST, for
 * tests: the read-ahead runs to its end on the calling thread before the
 * walk begins.  The chain is the same.  Returns PD_OK. */
#define PD__CHAIN_AHEAD_FIRST 2
int pd__git_chain(GArray **out, pd__chain_end *end, git_repository *repo,
		  const git_oid *tip, const git_oid *hide, int64_t since, const gint *stop,
		  int ahead);
void pd__chain_end_clear(pd__chain_end *end);

/* The commits a thread reads ahead of a walk, parsed (git-read-ahead.c).
 * pd__read_ahead_start(): reads the packs of the repository at
 * `git_dir` on a thread of its own (NULL when none can be made), or, with
 * `first`, on the calling thread before it returns.
 * pd__read_ahead_walked(): where the walk publishes its offset
 * (pd__packs_publish_walk()), valid as long as `ra`.
 * pd__read_ahead_take(): 1 with commit `oid` as the thread parsed it, or
 * 0 (the walk reads it itself).  While the thread runs, only a commit
 * next to the last one taken is found (the list is read as it grows);
 * once it has ended, where it met the walk, any.  For the walk's thread
 * only.
 * pd__read_ahead_free(): stops the thread, waits for it and frees it all;
 * NULL-safe. */
typedef struct pd__read_ahead pd__read_ahead;
pd__read_ahead *pd__read_ahead_start(const char *git_dir, int first);
gint64 *pd__read_ahead_walked(pd__read_ahead *ra);
int pd__read_ahead_take(pd__chain_link *link, git_oid *first_parent, unsigned *n_parents,
			pd__read_ahead *ra, const git_oid *oid);
void pd__read_ahead_free(pd__read_ahead *ra);

/* The chain of an epoch further on, walked by a thread of its own while
 * the epochs before it are read (git-ahead.c): a long epoch's walk is
 * serial, and every parsing thread waited for it at each epoch's start. */
typedef struct pd__chain_ahead pd__chain_ahead;

/* Starts the walk of the repository at `git_dir` (its own handle: no
 * libgit2 object is shared with the caller) from `tip`, with `hide`
 * (may be NULL) and `since` as pd__git_chain() takes them.  NULL when no
 * thread can be made: the caller walks it itself. */
pd__chain_ahead *pd__chain_ahead_start(const char *git_dir, const git_oid *tip,
				       const git_oid *hide, int64_t since);

/* Waits for the walk and hands over its result, as pd__git_chain() gives
 * it; `a` is freed.  -1 when it could not be made (the repository would
 * not open): the caller walks it itself. */
int pd__chain_ahead_take(GArray **out, pd__chain_end *end, pd__chain_ahead *a);

/* Stops the walk, waits for its thread and frees it all.  NULL-safe. */
void pd__chain_ahead_free(pd__chain_ahead *a);

#endif
