/*
 * archive/git-position.c - where a digest of a git archive starts (a
 * recorded position, one commit per epoch) and where it got to; and
 * going on after an epoch's history was rewritten since.
 */
#include "archive/git-reader.h"

/* The first-parent line from `tip` back to the root, newest first, as
 * commit ids (a new array), or NULL when a commit on it cannot be read. */
static GArray *first_parents(git_repository *repo, const git_oid *tip)
{
	GArray *line = g_array_new(FALSE, FALSE, sizeof(git_oid));
	git_oid at = *tip;

	for (;;) {
		git_commit *c = NULL;
		g_array_append_val(line, at);
		if (git_commit_lookup(&c, repo, &at) < 0) {
			g_array_free(line, TRUE);
			return NULL;
		}
		if (git_commit_parentcount(c) == 0) {
			git_commit_free(c);
			return line;
		}
		at = *git_commit_parent_id(c, 0);
		git_commit_free(c);
	}
}

/* Epoch `w`'s recorded commit is not in its history any more: the epoch
 * was rewritten since (public-inbox-purge replaces a message's blob and
 * every commit after it, one for one, keeping their times, and prunes
 * the old ones).  The digest goes on from the newest commit of the new
 * line of first parents that is older than the recorded one (`time`,
 * from the state): the few delivered in the same second are read again,
 * and their patches and covers are known by Message-ID, so nothing is
 * lost.  Without a time (a state from before it was kept) the epoch is
 * read whole.  Says which in r->base.range_note. */
static void resync_rewritten(git_reader *r, epoch_walk *w, unsigned epoch, const char *recorded,
			     int64_t time)
{
	GArray *line = time && w->has_push ? first_parents(w->repo, &w->push) : NULL;
	char note[512], hex[GIT_OID_HEXSZ + 1] = "";
	guint k;

	w->has_hide = 0;
	for (k = 0; line && k < line->len; k++) {
		git_commit *c = NULL;
		const git_oid *id = &g_array_index(line, git_oid, k);
		int older = git_commit_lookup(&c, w->repo, id) == 0 && git_commit_time(c) < time;
		git_commit_free(c);
		if (older) {
			w->hide = *id;
			w->has_hide = 1;
			git_oid_tostr(hex, sizeof(hex), id);
			break;
		}
	}
	if (line)
		g_array_free(line, TRUE);
	if (w->has_hide)
		g_snprintf(note, sizeof(note), "epoch %u was rewritten since the last digest "
			   "(public-inbox-purge?): its recorded commit %.12s is no longer in its "
			   "history; this digest goes on after %.12s, the last commit older "
			   "than it", epoch, recorded, hex);
	else
		g_snprintf(note, sizeof(note), "epoch %u was rewritten or replaced since the last "
			   "digest: its recorded commit %.12s is no longer in its history%s; the "
			   "epoch is read whole, and what earlier digests reported is known by "
			   "its Message-ID", epoch, recorded,
			   time ? "" : " (and the state does not know when it was made)");
	if (!r->base.range_note) {
		r->base.range_note = g_strdup(note);
	} else {
		char *both = g_strconcat(r->base.range_note, "; ", note, NULL);
		g_free(r->base.range_note);
		r->base.range_note = both;
	}
}

/* Sets each epoch's start from a recorded position.  An epoch whose
 * recorded commit left its history (rewritten or replaced) goes on from
 * where resync_rewritten() finds; an epoch the archive no longer has
 * means another archive took its path. */
int pd__git_apply_start(git_reader *r, const pd_archive *a, const pd_position *start)
{
	size_t i;

	for (i = 0; i < start->n_epochs; i++) {
		const pd_epoch_position *p = &start->epochs[i];
		git_commit *commit = NULL;
		epoch_walk *w;
		if (p->epoch >= r->walks->len)
			return pd__error(PD_ERR_RANGE, "%s: the recorded position names epoch %u, "
					 "which the archive no longer has", a->path, p->epoch);
		w = &g_array_index(r->walks, epoch_walk, p->epoch);
		if (git_oid_fromstr(&w->hide, p->commit) < 0)
			return pd__error(PD_ERR_STATE, "the recorded position of epoch %u is not a "
					 "commit id: %s", p->epoch, p->commit);
		w->has_hide = 1;
		if (!w->repo)
			continue; /* unreadable now: its position is kept */
		if (git_commit_lookup(&commit, w->repo, &w->hide) < 0) {
			resync_rewritten(r, w, p->epoch, p->commit, p->commit_time);
			continue;
		}
		git_commit_free(commit);
		if (w->has_push && !git_oid_equal(&w->hide, &w->push)
		    && git_graph_descendant_of(w->repo, &w->push, &w->hide) != 1)
			resync_rewritten(r, w, p->epoch, p->commit, p->commit_time);
	}
	/* FROM is the position in the first epoch with anything new */
	for (i = 0; i < r->walks->len; i++) {
		epoch_walk *w = &g_array_index(r->walks, epoch_walk, i);
		if (!w->has_push || (w->has_hide && git_oid_equal(&w->hide, &w->push)))
			continue;
		if (w->has_hide)
			r->base.from_label = pd__git_abbreviate(w->repo, &w->hide);
		return PD_OK;
	}
	return PD_OK;
}

int pd__git_position(pd_position **out, const pd__reader *base)
{
	const git_reader *r = (const git_reader *)base;
	GArray *epochs = g_array_new(FALSE, TRUE, sizeof(pd_epoch_position));
	guint i;

	for (i = 0; i < r->walks->len; i++) {
		const epoch_walk *w = &g_array_index(r->walks, epoch_walk, i);
		const git_oid *at = w->before_range || (w->finished && w->has_push) ? &w->push
				  : w->has_reached ? &w->reached
				  : w->has_hide ? &w->hide : NULL;
		pd_epoch_position p = { 0 };
		git_commit *c = NULL;
		if (!at)
			continue;
		p.epoch = i;
		git_oid_tostr(p.commit, sizeof(p.commit), at);
		/* its time, for going on after a rewritten history */
		if (w->repo && git_commit_lookup(&c, w->repo, at) == 0)
			p.commit_time = git_commit_time(c);
		else if (at == &w->push)
			p.commit_time = w->push_time;
		git_commit_free(c);
		g_array_append_val(epochs, p);
	}
	*out = g_new0(pd_position, 1);
	(*out)->n_epochs = epochs->len;
	(*out)->epochs = (pd_epoch_position *)g_array_free(epochs, FALSE);
	return PD_OK;
}

