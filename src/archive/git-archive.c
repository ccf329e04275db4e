/*
 * archive/git-archive.c - messages of public-inbox git archives, read in process
 * with libgit2: no git process, no checkout.
 *
 * v2: each commit of an epoch (git/N.git) adds one message as the blob
 * "m" or removes one ("d", skipped).  Epochs are read in order, so a range
 * FROM..TO crosses them: the rest of FROM's epoch, every epoch between,
 * and TO's epoch up to TO.  v1: each commit adds one file under a fan-out
 * directory; the message is the blob the commit added.
 */
#include <string.h>
#include <stdlib.h>
#include <git2.h>
#include "archive/archive.h"
#include "archive/git.h"
#include "archive/git-reader.h"

/* Resolves `spec` to a commit in one of the epochs, newest epoch first
 * for names like HEAD~3 that resolve everywhere. */
static int resolve(GArray *walks, const char *spec, const char *which,
		   guint *epoch, git_oid *oid)
{
	guint i;

	for (i = walks->len; i-- > 0;) {
		epoch_walk *w = &g_array_index(walks, epoch_walk, i);
		git_object *obj = NULL, *commit = NULL;
		if (!w->repo || git_revparse_single(&obj, w->repo, spec) < 0)
			continue;
		if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
			git_oid_cpy(oid, git_object_id(commit));
			*epoch = i;
			git_object_free(commit);
			git_object_free(obj);
			return PD_OK;
		}
		git_object_free(obj);
	}
	return pd__error(PD_ERR_RANGE,
			 "%s '%s' does not name a commit in the archive "
			 "(give a commit id, abbreviated or full, as `git log` shows it)",
			 which, spec);
}

/* Opens every epoch.  One that cannot be opened (an empty directory, a
 * symlink loop, a damaged repository) keeps its place, unread, and is
 * reported as a skipped entry: the other epochs are read.  A single
 * repository that cannot be opened fails the archive. */
static int open_epochs(GArray *walks, const pd_archive *a)
{
	guint i, n = a->epochs ? a->epochs->len : 1;

	for (i = 0; i < n; i++) {
		epoch_walk w = { 0 };
		w.path = g_strdup(a->epochs ? g_ptr_array_index(a->epochs, i) : a->path);
		if (git_repository_open_bare(&w.repo, w.path) < 0) {
			if (!a->epochs) {
				int error = pd__error(PD_ERR_GIT, "%s: cannot open the git repository: %s",
						      w.path, pd__git_message());
				g_free(w.path);
				return error;
			}
			w.repo = NULL;
			w.problem = g_strdup_printf("cannot open the epoch's git repository (%s): "
						    "its messages are not read", pd__git_message());
		} else {
			w.shallow = git_repository_is_shallow(w.repo) == 1;
		}
		g_array_append_val(walks, w);
	}
	return PD_OK;
}

static int count_object(const git_oid *id, void *payload)
{
	(void)id;
	++*(int *)payload;
	return 1; /* one is enough */
}

/* Does the repository hold any object? */
static int has_objects(git_repository *repo)
{
	git_odb *odb = NULL;
	int n = 0;

	if (git_repository_odb(&odb, repo) == 0) {
		git_odb_foreach(odb, count_object, &n);
		git_odb_free(odb);
	}
	return n > 0;
}

/* An epoch with no commits yet has no HEAD to push.  HEAD is resolved
 * without reading the commit, so that a damaged tip (a truncated pack)
 * is reported as damage, not as an empty archive. */
static int epoch_head(epoch_walk *w)
{
	int unborn;

	if (!w->repo)
		return 0;
	if (git_reference_name_to_id(&w->push, w->repo, "HEAD") == 0) {
		w->has_push = 1;
		return 1;
	}
	/* a new epoch has no commit yet; one whose ref is missing or
	 * damaged holds its messages all the same: say so */
	unborn = git_repository_head_unborn(w->repo);
	if (unborn < 0)
		w->problem = g_strdup_printf("its HEAD cannot be resolved (%s): a damaged ref; "
					     "its messages are not read", pd__git_message());
	else if (has_objects(w->repo))
		w->problem = g_strdup("its HEAD names no commit, but it holds objects: a "
				      "missing or damaged ref; its messages are not read");
	return 0;
}

static int salvage(pd_raw_message *out, git_reader *r, epoch_walk *w);
static void consume(git_reader *r, epoch_walk *w, const git_oid *oid);
static void pass_over(git_reader *r, epoch_walk *w, const git_oid *oid);

/* Ends the current epoch's walk, a revision walk or a chain. */
static void end_walk(git_reader *r)
{
	git_revwalk_free(r->walk);
	r->walk = NULL;
	if (r->chain)
		g_array_free(r->chain, TRUE);
	r->chain = NULL;
}

/* The error for an epoch whose chain of first parents stopped at a
 * commit that cannot be read (`end`, which says why), or whose revision
 * walk failed (`walk_failure`, libgit2's message then): the commits in
 * r->chain, after the break, are read next. */
static int broken_history(pd_raw_message *out, git_reader *r, const epoch_walk *w,
			  const pd__chain_end *end, const char *walk_failure)
{
	char hex[GIT_OID_HEXSZ + 1] = "";
	int error;

	if (!end->has_broken) {
		out->origin = NULL;
		return pd__error(PD_ERR_GIT, "%s: the history walk failed (%s); the %u commits "
				 "found by first parents are read", w->path, walk_failure,
				 r->chain->len);
	}
	git_oid_tostr(hex, sizeof(hex), &end->broken);
	g_snprintf(r->origin, sizeof(r->origin), "commit %s", hex);
	out->origin = r->origin;
	error = pd__error(PD_ERR_GIT, "%s: history broken: commit %s cannot be read (%s); "
			  "the %u commits after it are read, the ones before it cannot "
			  "be reached ('git fsck' shows the damage)",
			  w->path, hex, end->problem, r->chain->len);
	return error;
}

/* Nothing more to read: the packs held open go (the parsing threads'
 * readers may still hold them for the messages in flight).  Held to
 * the end, they kept the pack cache's 16 MB through the digest's end,
 * 226 MB of peak RSS at a million messages instead of 200. */
static void release_held(git_reader *r)
{
	g_clear_pointer(&r->held, pd__packs_free);
	g_clear_pointer(&r->held_ahead, pd__packs_free);
}

/* Starts walking the chain of the next epoch with commits after the
 * current one, when the caller allows it and no walk is under way. */
static void walk_ahead(git_reader *r)
{
	if (!r->base.walk_ahead || r->v1)
		return;
	pd__chain_ahead_free(r->ahead);
	r->ahead = NULL;
	g_clear_pointer(&r->held_ahead, pd__packs_free);
	for (guint j = r->current + 1; j < r->walks->len; j++) {
		const epoch_walk *next = &g_array_index(r->walks, epoch_walk, j);
		if (!next->has_push)
			continue;
		r->held_ahead = pd__packs_open(next->path);
		r->ahead = pd__chain_ahead_start(next->path, &next->push,
						 next->has_hide ? &next->hide : NULL, r->since);
		r->ahead_epoch = j;
		return;
	}
}

/* Starts the walk of the next epoch with commits.  public-inbox writes
 * each epoch as one line of first parents, so the walk goes back from
 * the tip along that line once, keeping each commit's tree and time,
 * and stops at --since: a week's digest reads only the commits after
 * it, and no commit is inflated twice.  An epoch with merges (not
 * public-inbox's) is read with libgit2's revision walk instead. */
static int start_walk(pd_raw_message *out, git_reader *r)
{
	while (r->current < r->walks->len) {
		epoch_walk *w = &g_array_index(r->walks, epoch_walk, r->current);
		pd__chain_end end;
		int error;
		end_walk(r);
		if (!w->has_push) {
			r->current++;
			continue;
		}
		r->chain_pos = 0;
		pd__packs_free(r->held);
		r->held = r->held_ahead && r->ahead_epoch == r->current
			  ? g_steal_pointer(&r->held_ahead) : pd__packs_open(w->path);
		if (!r->ahead || r->ahead_epoch != r->current
		    || pd__chain_ahead_take(&r->chain, &end, g_steal_pointer(&r->ahead)) < 0)
			pd__git_chain(&r->chain, &end, w->repo, &w->push,
				      w->has_hide ? &w->hide : NULL, r->since, NULL,
				      r->base.walk_ahead);
		walk_ahead(r);
		if (end.has_passed_over)
			pass_over(r, w, &end.passed_over);
		/* a shallow clone's history ends where the clone began: read
		 * what is there, and the note says so */
		error = end.has_broken && !w->shallow ? broken_history(out, r, w, &end, NULL) : PD_OK;
		pd__chain_end_clear(&end);
		if (error < 0)
			return error;
		if (!end.merges)
			return PD_OK;
		end_walk(r);
		if (git_revwalk_new(&r->walk, w->repo) < 0
		    || git_revwalk_sorting(r->walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0
		    || git_revwalk_push(r->walk, &w->push) < 0
		    || (w->has_hide && git_revwalk_hide(r->walk, &w->hide) < 0)) {
			return salvage(out, r, w); /* skips this epoch, not the archive */
		}
		return PD_OK;
	}
	release_held(r);
	return PD_ITEROVER;
}

/* Commit `oid` of epoch `w` has been read (or found unreadable). */
static void consume(git_reader *r, epoch_walk *w, const git_oid *oid)
{
	/* no FROM: the digest starts at the archive's first message, which
	 * "root" names (root..TO reads the same; FIRST..TO would leave the
	 * first commit out) */
	if (!r->seen_any && !r->base.from_label)
		r->base.from_label = g_strdup(PD__ROOT_LABEL);
	r->from_passed = 0;
	git_oid_cpy(&r->last, oid);
	git_oid_cpy(&w->reached, oid);
	w->has_reached = 1;
	r->seen_any = 1;
}

/* Commit `oid` of epoch `w` and the ones before it are older than
 * --since: they count as read, and until a commit is read the newest of
 * them is FROM, so that FROM..TO names the digest's range. */
static void pass_over(git_reader *r, epoch_walk *w, const git_oid *oid)
{
	if (r->from_passed || (!r->seen_any && !r->base.from_label)) {
		g_free(r->base.from_label);
		r->base.from_label = pd__git_abbreviate(w->repo, oid);
		r->from_passed = 1;
	}
	git_oid_cpy(&w->reached, oid);
	w->has_reached = 1;
}

/* Ends the reading at an --until bound: the range now ends at the last
 * commit read. */
static void stop_at_until(git_reader *r)
{
	epoch_walk *w = &g_array_index(r->walks, epoch_walk, r->current);

	end_walk(r); /* nothing after --until is read */
	pd__chain_ahead_free(r->ahead);
	r->ahead = NULL;
	r->current = r->walks->len;
	g_free(r->base.to_label);
	r->base.to_label = r->seen_any ? pd__git_abbreviate(w->repo, &r->last)
			 : g_strdup(r->base.from_label ? r->base.from_label : "-");
	if (!r->base.from_label)
		r->base.from_label = g_strdup(r->base.to_label);
}

/* The revision walk of epoch `w` failed on a commit it cannot read: goes
 * on with the commits after the break, found by first parents. */
static int salvage(pd_raw_message *out, git_reader *r, epoch_walk *w)
{
	char *why = g_strdup(pd__git_message());
	pd__chain_end end;
	int error;

	end_walk(r);
	r->chain_pos = 0;
	pd__git_chain(&r->chain, &end, w->repo, &w->push, w->has_hide ? &w->hide : NULL, 0, NULL, 0);
	error = broken_history(out, r, w, &end, why);
	pd__chain_end_clear(&end);
	g_free(why);
	return error;
}

/* The next commit of the current epoch's walk into *link: its tree and
 * time come with it from a chain; a revision walk's commit is read here.
 * GIT_ITEROVER at the epoch's end; PD_ERR_GIT (origin set) for a commit
 * that cannot be read; another negative value when the walk failed. */
static int next_commit(pd__chain_link *link, pd_raw_message *out, git_reader *r, epoch_walk *w)
{
	git_commit *commit = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int error;

	if (r->chain) {
		if (r->chain_pos >= r->chain->len)
			return GIT_ITEROVER;
		*link = g_array_index(r->chain, pd__chain_link, r->chain_pos++);
		return PD_OK;
	}
	if ((error = git_revwalk_next(&link->commit, r->walk)) < 0)
		return error;
	if (git_commit_lookup(&commit, w->repo, &link->commit) < 0) {
		char *why = pd__git_object_problem(w->repo, &link->commit);
		git_oid_tostr(hex, sizeof(hex), &link->commit);
		g_snprintf(r->origin, sizeof(r->origin), "commit %s", hex);
		out->origin = r->origin;
		consume(r, w, &link->commit);
		error = pd__error(PD_ERR_GIT, "%s: commit %s cannot be read (%s)", w->path, hex, why);
		g_free(why);
		return error;
	}
	link->time = git_commit_time(commit);
	git_oid_cpy(&link->tree, git_commit_tree_id(commit));
	git_commit_free(commit);
	return PD_OK;
}

static int git_next(pd_raw_message *out, pd__reader *base)
{
	git_reader *r = (git_reader *)base;
	int error;

	/* first, each epoch that cannot be read, as a skipped entry */
	for (; r->problems_said < r->walks->len; r->problems_said++) {
		epoch_walk *w = &g_array_index(r->walks, epoch_walk, r->problems_said);
		if (w->problem) {
			r->problems_said++;
			out->origin = w->path;
			return pd__error(PD_ERR_GIT, "%s", w->problem);
		}
	}
	for (;;) {
		epoch_walk *w;
		pd__chain_link link;
		char hex[GIT_OID_HEXSZ + 1];

		if (!r->walk && !r->chain && (error = start_walk(out, r)) < 0)
			return error;
		w = &g_array_index(r->walks, epoch_walk, r->current);
		error = next_commit(&link, out, r, w);
		if (error == GIT_ITEROVER) {
			w->finished = 1;
			end_walk(r);
			/* the position names push: keep its time (for going
			 * on after a rewritten history) */
			{
				git_commit *c = NULL;
				if (w->has_push && git_commit_lookup(&c, w->repo, &w->push) == 0)
					w->push_time = git_commit_time(c);
				git_commit_free(c);
			}
			/* nothing reads this epoch again: its pack index and
			 * windows would stay mapped to the end */
			git_repository_free(w->repo);
			w->repo = NULL;
			r->current++;
			continue;
		}
		if (error == PD_ERR_GIT)
			return error;
		if (error < 0)
			return salvage(out, r, w);
		git_blob_free(r->blob);
		r->blob = NULL;
		if (r->base.deferred)
			r->base.deferred->git_dir = NULL;
		git_oid_tostr(hex, sizeof(hex), &link.commit);
		g_snprintf(r->origin, sizeof(r->origin), "commit %s", hex);
		out->origin = r->origin;
		if (r->until && link.time >= r->until) {
			/* commits are in time order: nothing after this is wanted,
			 * and the position stays at the last commit read */
			stop_at_until(r);
			release_held(r);
			out->origin = NULL;
			return PD_ITEROVER;
		}
		if (r->since && link.time < r->since) {
			pass_over(r, w, &link.commit); /* a revision walk's, not read */
			continue;
		}
		consume(r, w, &link.commit);
		out->archive_time = link.time;
		if (r->v1) {
			git_commit *commit = NULL;
			if (git_commit_lookup(&commit, w->repo, &link.commit) < 0)
				error = -1;
			else
				error = pd__git_v1_added_blob(&r->blob, w->repo, commit);
			git_commit_free(commit);
			if (error == GIT_ENOTFOUND)
				continue; /* a removal */
			if (error < 0)
				return pd__git_object_error(w->repo, NULL, w->path, "message blob",
							    r->origin);
		} else if (r->base.deferred) {
			/* another thread reads the tree and its message
			 * (digest/read.c) */
			r->base.deferred->git_dir = w->path;
			r->base.deferred->is_tree = 1;
			memcpy(r->base.deferred->blob, link.tree.id, 20);
			out->data = NULL;
			out->len = 0;
			return PD_OK;
		} else {
			error = pd__git_v2_message_blob(&r->blob, w->repo, &link.tree, w->path,
							r->origin);
			if (error == 1)
				continue; /* "d": a message removed, nothing to read */
			if (error < 0)
				return error;
		}
		out->data = git_blob_rawcontent(r->blob);
		out->len = (size_t)git_blob_rawsize(r->blob);
		return PD_OK;
	}
}

static void git_reader_free(pd__reader *base)
{
	git_reader *r = (git_reader *)base;
	guint i;

	git_blob_free(r->blob);
	end_walk(r);
	pd__chain_ahead_free(r->ahead);
	pd__packs_free(r->held);
	pd__packs_free(r->held_ahead);
	for (i = 0; i < r->walks->len; i++) {
		epoch_walk *w = &g_array_index(r->walks, epoch_walk, i);
		git_repository_free(w->repo);
		g_free(w->path);
		g_free(w->problem);
	}
	g_array_free(r->walks, TRUE);
	g_free(r);
}

static const pd__reader_ops git_ops = { git_next, git_reader_free, pd__git_position };

int pd__git_reader_new(pd__reader **out, const pd_archive *a, const pd_range_options *opts)
{
	const char *range = opts->range;
	git_reader *r;
	char *from = NULL, *to = NULL;
	guint from_epoch = 0, to_epoch, i;
	git_oid from_oid, to_oid;
	int error, last_with_head = -1, reversed = 0;

	*out = NULL;
	if ((error = pd__git_ready()) < 0)
		return error;
	r = g_new0(git_reader, 1);
	r->base.ops = &git_ops;
	r->walks = g_array_new(FALSE, TRUE, sizeof(epoch_walk));
	if ((error = open_epochs(r->walks, a)) < 0)
		goto cleanup;
	for (i = 0; i < r->walks->len; i++)
		if (epoch_head(&g_array_index(r->walks, epoch_walk, i)))
			last_with_head = (int)i;
	if (last_with_head < 0) {
		error = pd__error(PD_ERR_NOT_ARCHIVE, "%s: the archive has no commits", a->path);
		goto cleanup;
	}
	for (i = 0; i < r->walks->len; i++) {
		epoch_walk *w = &g_array_index(r->walks, epoch_walk, i);
		if (w->shallow && !r->base.range_note)
			r->base.range_note = g_strdup_printf("%s is a shallow clone: the history "
							     "before it began is not here, and "
							     "what is here is read", w->path);
	}
	if ((error = pd__git_check_layout(&r->v1, g_array_index(r->walks, epoch_walk, last_with_head).repo,
					 &g_array_index(r->walks, epoch_walk, last_with_head).push,
					 g_array_index(r->walks, epoch_walk, last_with_head).path)) < 0)
		goto cleanup;
	to_epoch = (guint)last_with_head;
	r->until = opts->until;
	r->since = opts->since;

	if (opts->start) {
		if (range && *range) {
			error = pd__error(PD_ERR_INVALID, "a range and a start position exclude each other");
			goto cleanup;
		}
		if ((error = pd__git_apply_start(r, a, opts->start)) < 0)
			goto cleanup;
	} else if (range && *range) {
		const char *dots = strstr(range, "..");
		if (!dots) { /* "X" alone reads as git does: everything up to X */
			to = g_strdup(range);
		} else {
			/* "root.." is from the first message, as the label of a
			 * digest without a start says */
			if (dots > range && strncmp(range, PD__ROOT_LABEL "..", strlen(PD__ROOT_LABEL) + 2))
				from = g_strndup(range, dots - range);
			if (dots[2] == '.') {
				error = pd__error(PD_ERR_RANGE, "'%s': symmetric differences (A...B) "
						  "are not ranges of an archive; use A..B", range);
				goto cleanup;
			}
			if (dots[2])
				to = g_strdup(dots + 2);
		}
	}
	if (from && (error = resolve(r->walks, from, "the range start", &from_epoch, &from_oid)) < 0)
		goto cleanup;
	if (to && (error = resolve(r->walks, to, "the range end", &to_epoch, &to_oid)) < 0)
		goto cleanup;

	/* FROM after TO (HEAD..HEAD~5): git reads nothing, and so do we; the
	 * walk back from TO would never meet FROM and read all of history */
	if (from && to && (from_epoch > to_epoch
			   || (from_epoch == to_epoch && !git_oid_equal(&from_oid, &to_oid)
			       && git_graph_descendant_of(g_array_index(r->walks, epoch_walk,
									from_epoch).repo,
							  &from_oid, &to_oid) == 1))) {
		r->base.range_note = g_strdup_printf("%s comes after %s, so %s..%s names no "
						     "commit (as git reads it): nothing is read",
						     from, to, from, to);
		reversed = 1;
	}
	for (i = 0; i < r->walks->len; i++) {
		epoch_walk *w = &g_array_index(r->walks, epoch_walk, i);
		if (reversed) { /* no epoch is read */
			w->before_range = 0;
			w->has_push = 0;
			continue;
		}
		if (i < from_epoch || i > to_epoch) {
			w->before_range = i < from_epoch && w->has_push;
			w->has_push = 0; /* outside the range */
			continue;
		}
		if (i == from_epoch && from) {
			git_oid_cpy(&w->hide, &from_oid);
			w->has_hide = 1;
		}
		if (i == to_epoch && to) {
			git_oid_cpy(&w->push, &to_oid);
			w->has_push = 1;
		}
	}
	if (from)
		r->base.from_label = pd__git_abbreviate(g_array_index(r->walks, epoch_walk, from_epoch).repo, &from_oid);
	if (to)
		r->base.to_label = pd__git_abbreviate(g_array_index(r->walks, epoch_walk, to_epoch).repo, &to_oid);
	else
		r->base.to_label = pd__git_abbreviate(g_array_index(r->walks, epoch_walk, to_epoch).repo,
					      &g_array_index(r->walks, epoch_walk, to_epoch).push);
	if (opts->start && !r->base.from_label) {
		/* nothing new anywhere, or only whole new epochs: the label of the
		 * first commit read is set when it is read; nothing read keeps TO */
		int anything = 0;
		for (i = 0; i < r->walks->len; i++) {
			epoch_walk *w = &g_array_index(r->walks, epoch_walk, i);
			anything |= w->has_push && !(w->has_hide && git_oid_equal(&w->hide, &w->push));
		}
		if (!anything)
			r->base.from_label = g_strdup(r->base.to_label);
	}
	error = PD_OK;
cleanup:
	g_free(from);
	g_free(to);
	if (error < 0) {
		g_free(r->base.from_label);
		g_free(r->base.to_label);
		git_reader_free(&r->base);
		return error;
	}
	*out = &r->base;
	return PD_OK;
}
