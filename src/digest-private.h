/*
 * digest-private.h - the digest being built, shared by digest.c (adding
 * messages, finishing) and digest-read.c (the parallel reading pipeline).
 */
#ifndef PD_DIGEST_PRIVATE_H
#define PD_DIGEST_PRIVATE_H

#include "pd-private.h"

struct pd_digest {
	pd_digest_options opts;
	char *name, *lore_list;
	GPtrArray *messages;    /* pd_message, packed (pd__message_pack()), owned */
	GStringChunk *pool;     /* their shared strings */
	GHashTable *ids;        /* Message-IDs seen (borrowed keys) */
	size_t n_duplicates, n_skipped, n_damaged;
	int have_list_id;       /* a message kept so far has a List-Id */
	pd__body_store *bodies; /* the kept messages' commit messages */
};

/* Adds a message parsed from the entry `origin` of the archive: applies
 * --since/--until when the archive has no time for it (archive_time 0),
 * reports its damage, keeps of a reply only what the digest reads,
 * drops a repeated Message-ID.  Takes `m`. */
int pd__digest_take(pd_digest *d, pd_message *m, const char *origin, int64_t archive_time);

#endif
