/*
 * pack-compare.h - every object of a repository read by the pack reader
 * (archive/pack.c) and by libgit2, its oracle, for test-pack.c and
 * test-pack-hostile.c.  Header only: each user includes it once.
 */
#ifndef PD_TEST_PACK_COMPARE_H
#define PD_TEST_PACK_COMPARE_H

#include <string.h>
#include <git2.h>
#include "archive/pack.h"

typedef struct {
	git_odb *odb;
	pd__packs *packs;
	size_t objects;        /* every object libgit2 lists */
	size_t read, same;     /* read by both; of those, the same bytes */
	size_t left, damaged;  /* left to libgit2; refused as damaged */
	size_t only_ours;      /* read here, and libgit2 cannot read them */
} pack_walk;

/* git_odb_foreach()'s callback: object `oid` read both ways, counted in
 * the pack_walk `data`. */
static inline int pack_compare_one(const git_oid *oid, void *data)
{
	pack_walk *w = data;
	git_odb_object *obj = NULL;
	const unsigned char *bytes;
	size_t len;
	int type, rc;

	w->objects++;
	rc = pd__packs_read(&bytes, &len, &type, w->packs, oid->id);
	if (git_odb_read(&obj, w->odb, oid) < 0) {
		/* what libgit2 cannot read, the pack reader must not either */
		w->only_ours += rc == 0;
		return 0;
	}
	if (rc == 0) {
		w->read++;
		w->same += type == (int)git_odb_object_type(obj) && len == git_odb_object_size(obj)
			   && !memcmp(bytes, git_odb_object_data(obj), len);
	} else if (rc == 1) {
		w->left++;
	} else {
		w->damaged++;
	}
	git_odb_object_free(obj);
	return 0;
}

#endif
