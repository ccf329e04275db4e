/*
 * archive/git-ahead.c - the next epoch's chain of first parents, walked
 * on a thread of its own while the epoch before it is read.
 *
 * An epoch's chain is walked commit by commit, each inflated to find its
 * parent: on one thread, and before the epoch's first message can go to
 * the parsing threads, which all waited for it (about 7 us a commit: 0.7
 * s for each 100,000-message epoch of a large archive).  Walked ahead,
 * the wait is gone from every epoch but the first.
 *
 * The thread opens the epoch's repository itself: a libgit2 handle is
 * never used by two threads, and the reader's own handle of that epoch
 * stays the caller's.  The chain is handed over when the thread ends
 * (g_thread_join() orders the memory).
 */
#include <git2.h>
#include "archive/git.h"

struct pd__chain_ahead {
	GThread *thread;
	char *git_dir;
	git_oid tip, hide;
	int has_hide;
	int64_t since;
	gint stop;             /* set by pd__chain_ahead_free() */
	/* the result, written by the thread before it ends */
	int opened;
	GArray *chain;
	pd__chain_end end;
};

static gpointer walk(gpointer data)
{
	pd__chain_ahead *a = data;
	git_repository *repo = NULL;

	if (git_repository_open_bare(&repo, a->git_dir) < 0)
		return NULL;
	a->opened = 1;
	/* the parsing threads are busy meanwhile: no reading ahead */
	pd__git_chain(&a->chain, &a->end, repo, &a->tip, a->has_hide ? &a->hide : NULL, a->since,
		      &a->stop, 0);
	git_repository_free(repo);
	return NULL;
}

pd__chain_ahead *pd__chain_ahead_start(const char *git_dir, const git_oid *tip,
				       const git_oid *hide, int64_t since)
{
	pd__chain_ahead *a = g_new0(pd__chain_ahead, 1);

	a->git_dir = g_strdup(git_dir);
	git_oid_cpy(&a->tip, tip);
	if (hide) {
		git_oid_cpy(&a->hide, hide);
		a->has_hide = 1;
	}
	a->since = since;
	a->thread = g_thread_try_new("pd-chain", walk, a, NULL);
	if (!a->thread) {
		g_free(a->git_dir);
		g_free(a);
		return NULL;
	}
	return a;
}

int pd__chain_ahead_take(GArray **out, pd__chain_end *end, pd__chain_ahead *a)
{
	int opened;

	g_thread_join(a->thread);
	a->thread = NULL;
	opened = a->opened;
	*out = a->chain;
	*end = a->end; /* its problem string with it */
	a->chain = NULL;
	a->end.problem = NULL;
	pd__chain_ahead_free(a);
	return opened ? 0 : -1;
}

void pd__chain_ahead_free(pd__chain_ahead *a)
{
	if (!a)
		return;
	if (a->thread) {
		g_atomic_int_set(&a->stop, 1);
		g_thread_join(a->thread);
	}
	if (a->chain)
		g_array_free(a->chain, TRUE);
	pd__chain_end_clear(&a->end);
	g_free(a->git_dir);
	g_free(a);
}
