/*
 * archive/git-blobs.c - message blobs read on the pool threads (digest/read.c).
 * Inflating blobs is most of the reading, so the thread walking the
 * history hands out references (a v2 commit's tree, whose 'm' entry is
 * the message) and each pool thread reads them with
 * its own handles per epoch (libgit2 handles are not shared between
 * threads): its own pack reader (pack.c) first, libgit2 for what that
 * leaves.
 */
#include <string.h>
#include <git2.h>
#include "archive/archive.h"
#include "archive/git.h"
#include "archive/pack.h"

/* One epoch, opened by one thread. */
typedef struct {
	git_repository *repo;
	pd__packs *packs;
} epoch;

struct pd__blob_reader {
	GHashTable *repos;   /* git_dir -> epoch */
	git_blob *blob;      /* the last blob read by libgit2 */
};

static void epoch_free(epoch *e)
{
	git_repository_free(e->repo);
	pd__packs_free(e->packs);
	g_free(e);
}

pd__blob_reader *pd__blob_reader_new(void)
{
	pd__blob_reader *br = g_new0(pd__blob_reader, 1);

	br->repos = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  (GDestroyNotify)epoch_free);
	return br;
}

void pd__blob_reader_free(pd__blob_reader *br)
{
	if (!br)
		return;
	git_blob_free(br->blob);
	g_hash_table_destroy(br->repos);
	g_free(br);
}

/* The id of the message in tree object `tree` (git's form: for each
 * entry an octal mode, a space, a name, a NUL, 20 bytes of id): 0 with
 * it in `id` for a tree of one entry named "m"; 1 for a tree of one
 * entry named "d" (a message removed); -1 for anything else, left to
 * libgit2 (public-inbox writes trees of one entry; a tree of several
 * entries, of a mode or name libgit2 refuses, must get libgit2's
 * answer, never be taken for a removed message). */
static int tree_message(unsigned char *id, const unsigned char *tree, size_t len)
{
	const unsigned char *p = tree, *end = tree + len, *name, *nul;
	unsigned long mode = 0;

	while (p < end && *p >= '0' && *p <= '7' && mode <= 0xFFFF)
		mode = mode * 8 + (unsigned long)(*p++ - '0');
	if (p == tree || mode > 0xFFFF || p >= end || *p++ != ' ')
		return -1;
	name = p;
	if (!(nul = memchr(p, 0, (size_t)(end - p))) || nul - name != 1 || end - nul - 1 != 20)
		return -1;
	if (name[0] == 'm') {
		memcpy(id, nul + 1, 20);
		return 0;
	}
	return name[0] == 'd' ? 1 : -1;
}

/* PD_ERR_GIT for the WHAT of `ref` stored as deltas in a circle. */
static int circle(const pd__blob_ref *ref, const char *what, const char *origin)
{
	return pd__error(PD_ERR_GIT, "%s: the %s of %s cannot be read (a corrupt pack: its "
			 "deltas name each other in a circle)", ref->git_dir, what,
			 origin ? origin : "a commit");
}

/* The tree, then the blob: each from the packs when the pack reader
 * can, else from libgit2, which says what is wrong with it.  A delta in
 * a circle is damage either way (libgit2 would follow it until memory
 * ran out). */
int pd__blob_reader_read(const char **data, size_t *len, pd__blob_reader *br,
			 const pd__blob_ref *ref, const char *commit_origin)
{
	const unsigned char *bytes;
	unsigned char id[20];
	size_t n;
	epoch *e;
	git_oid oid;
	int rc, type;

	git_blob_free(br->blob);
	br->blob = NULL;
	e = g_hash_table_lookup(br->repos, ref->git_dir);
	if (!e) {
		git_repository *repo;
		/* epochs are read one after another: the ones before are
		 * done, and their pack indexes, mapped again by every
		 * thread, are most of the mapped memory of a large archive */
		g_hash_table_remove_all(br->repos);
		if (git_repository_open_bare(&repo, ref->git_dir) < 0)
			return pd__error(PD_ERR_GIT, "%s: cannot open: %s", ref->git_dir,
					 pd__git_message());
		e = g_new0(epoch, 1);
		e->repo = repo;
		e->packs = pd__packs_open(ref->git_dir);
		g_hash_table_insert(br->repos, g_strdup(ref->git_dir), e);
	}
	memcpy(id, ref->blob, 20);
	if (ref->is_tree) {
		if ((rc = pd__packs_read(&bytes, &n, &type, e->packs, id)) == PD__PACK_CYCLE)
			return circle(ref, "tree", commit_origin);
		rc = rc == 0 && type == GIT_OBJECT_TREE ? tree_message(id, bytes, n) : -1;
		if (rc < 0) {
			git_oid_fromraw(&oid, ref->blob);
			if ((rc = pd__git_v2_message_id(&oid, e->repo, &oid, ref->git_dir,
							commit_origin)) == PD_OK)
				memcpy(id, oid.id, 20);
		}
		if (rc != 0)
			return rc; /* 1: a message removed, nothing to read */
	}
	if ((rc = pd__packs_read(&bytes, &n, &type, e->packs, id)) == PD__PACK_CYCLE)
		return circle(ref, "message blob", commit_origin);
	if (rc == 0 && type == GIT_OBJECT_BLOB) {
		*data = (const char *)bytes;
		*len = n;
		return PD_OK;
	}
	git_oid_fromraw(&oid, id);
	if (git_blob_lookup(&br->blob, e->repo, &oid) < 0)
		return pd__git_object_error(e->repo, &oid, ref->git_dir, "message blob", commit_origin);
	*data = git_blob_rawcontent(br->blob);
	*len = (size_t)git_blob_rawsize(br->blob);
	return PD_OK;
}
