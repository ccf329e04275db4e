/*
 * archive-private.h - the iterator every archive kind implements.
 */
#ifndef PD_ARCHIVE_PRIVATE_H
#define PD_ARCHIVE_PRIVATE_H

#include "pd-private.h"

typedef struct pd__reader pd__reader;

/* One archive kind's reader.  next() fills *out (borrowed until the next
 * call) and returns PD_OK, PD_ITEROVER, or a per-entry error. */
typedef struct {
	int (*next)(pd_raw_message *out, pd__reader *reader);
	void (*free)(pd__reader *reader);
	/* where the reading got to; NULL for kinds without positions */
	int (*position)(pd_position **out, const pd__reader *reader);
} pd__reader_ops;

struct pd__reader {
	const pd__reader_ops *ops;
	char *from_label, *to_label;   /* owned; NULL for mbox/Maildir */
};

struct pd_archive {
	pd_archive_kind kind;
	char *path;
	GPtrArray *epochs;             /* v2: paths of git/N.git, in order */
};

int pd__mbox_reader_new(pd__reader **out, const char *path);
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
