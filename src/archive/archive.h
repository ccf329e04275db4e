/*
 * archive/archive.h - the iterator every archive kind implements.
 */
#ifndef PD_ARCHIVE_PRIVATE_H
#define PD_ARCHIVE_PRIVATE_H

#include "base/base.h"

typedef struct pd__reader pd__reader;

/* One archive kind's reader.  next() fills *out (borrowed until the next
 * call) and returns PD_OK, PD_ITEROVER, or a per-entry error. */
typedef struct {
	int (*next)(pd_raw_message *out, pd__reader *reader);
	void (*free)(pd__reader *reader);
	/* where the reading got to; NULL for kinds without positions */
	int (*position)(pd_position **out, const pd__reader *reader);
} pd__reader_ops;

/* A message a git reader leaves unread so that another thread may read
 * it: the blob `blob` of the repository at `git_dir` (borrowed from the
 * archive, which outlives the iteration). */
typedef struct {
	const char *git_dir;   /* NULL: the message's bytes were given */
	unsigned char blob[20];
	int is_tree;           /* `blob` is a v2 commit's tree: the message is
	                          its 'm' entry, and one with only 'd' removed
	                          a message (nothing to read) */
} pd__blob_ref;

struct pd__reader {
	const pd__reader_ops *ops;
	/* set by pd__archive_iter_defer(): a git reader gives v2 messages as
	 * references in *deferred, with out->data NULL */
	pd__blob_ref *deferred;
	/* set by pd__archive_iter_walk_ahead() */
	int walk_ahead;
	char *from_label, *to_label;   /* owned; NULL for mbox/Maildir */
	char *range_note;              /* why the range reads as it does, or
	                                  NULL; owned */
};

struct pd_archive {
	pd_archive_kind kind;
	char *path;
	GPtrArray *epochs;             /* v2: paths of git/N.git, in order */
	int spool_fd;                  /* "-": standard input, copied into an
	                                  unlinked temporary file; else -1 */
};

/* From now on, git v2 messages come as a reference in *ref (filled by
 * each pd_archive_iter_next() call; ref->git_dir NULL when a message's
 * bytes were given instead).  Other kinds ignore it. */
void pd__archive_iter_defer(pd_archive_iter *it, pd__blob_ref *ref);

/* From now on, a git reader may walk the next epoch's history on a
 * thread of its own while the messages of the one before are read (the
 * caller reads on several threads: see git-ahead.c).  Other kinds
 * ignore it. */
void pd__archive_iter_walk_ahead(pd_archive_iter *it);

/* Reads the blobs pd__blob_ref name, on any one thread at a time: it
 * holds its own libgit2 handle per epoch (libgit2 handles are not shared
 * between threads), opened on first use. */
typedef struct pd__blob_reader pd__blob_reader;
pd__blob_reader *pd__blob_reader_new(void);
void pd__blob_reader_free(pd__blob_reader *reader);
/* *data and *len borrow the blob until the next call with `reader`.
 * Returns PD_OK; 1 when the tree names no message (a removal); PD_ERR_GIT
 * naming `commit_origin` when the tree or blob cannot be read. */
int pd__blob_reader_read(const char **data, size_t *len, pd__blob_reader *reader,
			 const pd__blob_ref *ref, const char *commit_origin);

/* What the reader of `it` has to say about its range (a reversed range
 * reads nothing), or NULL.  Borrowed from the iterator. */
const char *pd__archive_iter_range_note(const pd_archive_iter *it);

/* An mbox read from `path`, or from `fd` when it is >= 0 (a copy is
 * read from its start: the spooled standard input); a path ending in
 * ".gz" is inflated with zlib as it is read.  `name` (or the path) is
 * what errors and origins say. */
int pd__mbox_reader_new(pd__reader **out, const char *path, int fd, const char *name);
/* The same reader over `len` bytes the caller keeps alive and unchanged
 * while the reader lives; `name` stands for the path in origins.  For the
 * fuzz targets, which have the bytes in memory. */
int pd__mbox_reader_from_memory(pd__reader **out, const char *data, size_t len,
				const char *name);
int pd__maildir_reader_new(pd__reader **out, const char *path);
int pd__git_reader_new(pd__reader **out, const pd_archive *archive,
		       const pd_range_options *range);

/* Is this directory a git repository (bare or not)?  Sets *git_dir. */
int pd__is_git_repository(const char *path, char **git_dir);

#endif
