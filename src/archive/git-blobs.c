/*
 * archive/git-blobs.c - message blobs read on the pool threads (digest/read.c).
 * Inflating blobs is most of the reading, so the thread walking the
 * history hands out references (a v2 commit's tree, whose 'm' entry is
 * the message) and each pool thread reads them with
 * its own libgit2 handle per epoch: libgit2 handles are not shared
 * between threads.
 */
#include <git2.h>
#include "archive/archive.h"
#include "archive/git.h"

struct pd__blob_reader {
	GHashTable *repos;   /* git_dir -> git_repository */
	git_blob *blob;      /* the last blob read */
};

pd__blob_reader *pd__blob_reader_new(void)
{
	pd__blob_reader *br = g_new0(pd__blob_reader, 1);

	br->repos = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  (GDestroyNotify)git_repository_free);
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

int pd__blob_reader_read(const char **data, size_t *len, pd__blob_reader *br,
			 const pd__blob_ref *ref, const char *commit_origin)
{
	git_repository *repo;
	git_oid oid;

	git_blob_free(br->blob);
	br->blob = NULL;
	repo = g_hash_table_lookup(br->repos, ref->git_dir);
	if (!repo) {
		/* epochs are read one after another: the ones before are
		 * done, and their pack indexes and windows, mapped again by
		 * every thread, are most of the mapped memory of a large
		 * archive */
		g_hash_table_remove_all(br->repos);
		if (git_repository_open_bare(&repo, ref->git_dir) < 0)
			return pd__error(PD_ERR_GIT, "%s: cannot open: %s", ref->git_dir,
					 pd__git_message());
		g_hash_table_insert(br->repos, g_strdup(ref->git_dir), repo);
	}
	git_oid_fromraw(&oid, ref->blob);
	if (ref->is_tree) {
		int error = pd__git_v2_message_blob(&br->blob, repo, &oid, ref->git_dir,
						    commit_origin);
		if (error != PD_OK)
			return error; /* 1: a message removed, nothing to read */
	} else if (git_blob_lookup(&br->blob, repo, &oid) < 0) {
		return pd__git_object_error(repo, &oid, ref->git_dir, "message blob", commit_origin);
	}
	*data = git_blob_rawcontent(br->blob);
	*len = (size_t)git_blob_rawsize(br->blob);
	return PD_OK;
}
