/*
 * archive/git-reader.h - the git archive reader's state, shared by
 * git-archive.c (opening epochs, walking them, reading messages) and
 * git-position.c (where a digest starts and where it got to).  Private to
 * the git reader.
 */
#ifndef PD_ARCHIVE_GIT_READER_H
#define PD_ARCHIVE_GIT_READER_H

#include "archive/archive.h"
#include "archive/git.h"
#include "archive/pack.h"

typedef struct {
	git_repository *repo;
	char *path;
	git_oid hide, push;   /* walk push ^hide */
	int has_hide, has_push;
	git_oid reached;      /* the last commit read */
	int has_reached;
	int finished;         /* read up to push */
	int64_t push_time;    /* push's commit time, kept when the
	                         repository is closed (0: not known) */
	char *problem;        /* why this epoch cannot be read (reported once,
	                         as a skipped entry), or NULL */
	int shallow;          /* a shallow clone: its history ends early */
	int before_range;     /* wholly before the range: counts as read */
} epoch_walk;

typedef struct {
	pd__reader base;
	GArray *walks;       /* epoch_walk */
	guint current;
	git_revwalk *walk;
	GArray *chain;       /* pd__chain_link: the epoch's line of first parents */
	guint chain_pos;
	git_blob *blob;
	int v1;
	char origin[GIT_OID_HEXSZ + 64];
	git_oid last;
	int seen_any;
	int64_t until;       /* stop at the first commit at or after this */
	int64_t since;       /* commits before this are passed over unread */
	int from_passed;     /* from_label names a passed-over commit */
	guint problems_said; /* epochs whose problem was reported */
	pd__chain_ahead *ahead; /* the chain of epoch `ahead_epoch`, being
	                           walked (base.walk_ahead), or NULL */
	guint ahead_epoch;
	/* The packs of the epoch being read (`held`) and of the one walked
	 * ahead (`held_ahead`, of `ahead_epoch`), open only so that they
	 * stay open: the walk's reader is freed before the parsing
	 * threads' readers open theirs, and a pack no reader has open is
	 * closed (its index read again, its offsets sorted again, pack.c) */
	pd__packs *held, *held_ahead;
} git_reader;

/* Sets each epoch's start from a recorded position (git-position.c):
 * an epoch whose recorded commit left its history (rewritten by
 * public-inbox-purge, or replaced) goes on from the last commit older
 * than it, saying so in r->base.range_note.  PD_ERR_RANGE when the
 * position names an epoch the archive does not have. */
int pd__git_apply_start(git_reader *r, const pd_archive *a, const pd_position *start);

/* The reader's position (pd__reader_ops.position). */
int pd__git_position(pd_position **out, const pd__reader *base);

#endif
