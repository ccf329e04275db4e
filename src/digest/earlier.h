/*
 * digest/earlier.h - the one interface between the digest and the
 * series earlier digests reported.  Grouping (series.c) and marking
 * (mark.c) ask through it; the state layer answers (state/earlier.c,
 * over SQLite).  The digest never sees the state's tables, and a test can
 * give a source of its own.
 */
#ifndef PD_DIGEST_EARLIER_H
#define PD_DIGEST_EARLIER_H

#include "base/base.h"

/* Each lookup returns PD_OK with *out a new object, or NULL (0) when
 * there is none, or a negative status when the source cannot be read.
 * `author` is always a lowercased address. */
typedef struct pd__earlier_source {
	/* the earlier series holding the message `message_id` */
	int (*by_message)(pd_earlier **out, const char *message_id, void *self);
	/* *out 1 when an earlier digest reported the patch or cover letter
	 * `message_id` */
	int (*reported_message)(int *out, const char *message_id, void *self);
	/* earlier series of this author, version and total whose newest
	 * message is within `window` seconds of `date`: pd_earlier, newest
	 * first; *out NULL when none */
	int (*by_markers)(GPtrArray **out, const char *author, const char *version,
			  int total, int64_t date, int64_t window, void *self);
	/* the oldest earlier series with this identity (author, version,
	 * patch count `expected`, RFC marking `rfc`, and the cover's or
	 * first patch's title), recorded before series id `before` */
	int (*same_series)(pd_earlier **out, const char *author, const char *version,
			   const char *cover_title, const char *first_title,
			   int64_t before, int expected, int rfc, void *self);
	/* the newest earlier series of the same titles and author with
	 * another version */
	int (*other_version)(pd_earlier **out, const char *author, const char *version,
			     const char *cover_title, const char *first_title, void *self);
	/* the series whose patch or cover letter (never a message it
	 * refers to) is `message_id`: what a reply to it answers; *number
	 * its patch number, 0 for the cover letter */
	int (*answered)(pd_earlier **out, int *number, const char *message_id, void *self);
	/* series that may need attention: posted at or after `horizon`,
	 * not applied, no newer version, no reviewer reply since `quiet`:
	 * pd_earlier in the order they were recorded; *out NULL when none */
	int (*waiting)(GPtrArray **out, int64_t horizon, int64_t quiet, void *self);
	void (*free)(void *self);
	void *self;
} pd__earlier_source;

/* Whether series s is marked RFC: its cover's tags, else its first
 * (lowest numbered) patch's (digest/mark.c).  Both sides of the
 * interface use it: marking compares it, the state records it. */
int pd__series_is_rfc(const pd_series *s);

/* The source over `state` for the archive `archive_key` (state/earlier.c):
 * *out a new source, or NULL when the state has recorded nothing of that
 * archive.  PD_ERR_STATE when the state cannot be read. */
int pd__state_earlier_source(pd__earlier_source **out, pd_state *state,
			     const char *archive_key);

/* Frees the source and what it holds. NULL-safe. */
void pd__earlier_source_free(pd__earlier_source *source);

#endif
