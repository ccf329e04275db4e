/*
 * archive/pack.h - objects read straight from a repository's pack files,
 * for the two paths that read every message: the walk along first
 * parents (one commit per message) and the pool threads (a tree and a
 * blob per message).  Inflating was about half of a digest's time, and
 * libgit2 inflates with zlib, one stream set up per object; this reader
 * inflates with libdeflate, about twice as fast on these objects, and
 * keeps what it resolved for the next messages (pack-cache.c).
 *
 * It reads what it is sure of and leaves the rest to libgit2: an object
 * in no pack (a loose one), in a pack it cannot use (an index other than
 * version 2, a pack that disagrees with its index), a delta against an
 * object in no pack, anything damaged.  Callers then read the object with
 * libgit2, which reports a damaged one in its words.  libgit2 stays the
 * oracle: tests/unit/test-pack.c holds every object of a repository it
 * makes, and of the corpus archives, to what libgit2 reads.
 *
 * A pd__packs is one thread's: its buffers are not locked.  The packs
 * themselves (each index's mapping and its sorted offsets) are shared by
 * every pd__packs of the process that opened the same .idx, under a lock
 * taken only to open and close them: the threads reading one epoch map
 * its index once.  The objects resolved (delta bases, and messages,
 * which are the bases of other messages) are kept in one cache for the
 * process (pack-cache.c), under a lock of its own.
 */
#ifndef PD_ARCHIVE_PACK_H
#define PD_ARCHIVE_PACK_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

typedef struct pd__packs pd__packs;

/* The packs of the repository at `git_dir` (its objects/pack/ *.idx
 * with their .pack), their indexes mapped and their packs opened.  A
 * repository without packs, or whose packs cannot be used, gives a set
 * that finds nothing: never an error.  Free with pd__packs_free(). */
pd__packs *pd__packs_open(const char *git_dir);

/* NULL-safe. */
void pd__packs_free(pd__packs *packs);
/* Says that `packs` will read mostly in pack order (a walk of commits):
 * small objects are then read in windows of 64 KB, one pread(2) for many.
 * Only for speed: every object reads the same either way. */
void pd__packs_read_in_order(pd__packs *packs);

/* Object `oid` (20 bytes): 0 with its type (git's numbers: 1 commit,
 * 2 tree, 3 blob, 4 tag) in *type and its bytes in *data and *len,
 * which belong to `packs` and stay valid until the next read or
 * pd__packs_free().  1 when no pack here holds it, or it is a delta
 * whose base no pack here holds; -1 when what the pack holds cannot be
 * read (damaged, or larger than this reader takes): on 1 and -1 the
 * caller reads it with libgit2.  PD__PACK_CYCLE when its deltas name
 * each other in a circle: libgit2 would follow them until memory runs
 * out, so the caller reports the object as damaged instead.
 *
 * Like libgit2 as this library sets it up (git-repo.c) and `git
 * cat-file`, it does not hash what it reads: an index that names the
 * wrong offset for an id gives that offset's object, as libgit2 would.
 * It does refuse an index made for another pack (their checksums
 * differ), and sizes that no zlib stream of the stored bytes can reach. */
#define PD__PACK_CYCLE (-2)
int pd__packs_read(const unsigned char **data, size_t *len, int *type, pd__packs *packs,
		   const unsigned char *oid);

/* Says that the walk `packs` reads for publishes, in *walked, the pack
 * offset of the commit it reads (atomically: another thread's
 * pd__packs_read_ahead() reads it); 0 before the first. */
void pd__packs_publish_walk(pd__packs *packs, gint64 *walked);

/* What pd__packs_read_ahead() hands over: a commit stored whole,
 * inflated (`len` bytes, valid during the call).  Returns 0 to go on, 1
 * when it can take no more (the read-ahead then returns). */
typedef int (*pd__packs_commit_fn)(void *ctx, const unsigned char *data, size_t len);

/* Reads commits ahead of a walk along first parents that another thread
 * makes with pd__packs_read(): the commits stored whole from about the
 * middle of each pack's run of commits on are inflated and
 * handed to `fn`; then, the run's end reached, those before, backwards,
 * until they meet the walk (*walked, pd__packs_publish_walk(); NULL: not
 * backwards).  A pack written in order of arrival (fast-import: its
 * first object is not a commit), which the walk reads from its end back,
 * is read from its start on until they meet.
 * Returns when *stop is set, when they meet or the run of commits ends,
 * or when `fn` is full.  Only ever a matter of speed: what `fn` gets is
 * what pd__packs_read() would read at that offset, and the walk reads
 * itself whatever it was not given. */
void pd__packs_read_ahead(pd__packs *packs, const gint *stop, const gint64 *walked,
			  pd__packs_commit_fn fn, void *ctx);

/* What a set read so far, for tests and tracing. */
typedef struct {
	size_t packs;          /* packs in use */
	size_t objects;        /* objects read (0 returned) */
	size_t inflated;       /* zlib streams inflated */
	size_t inflated_bytes; /* the bytes they gave */
	size_t inflated_fixed; /* streams begun with fixed codes, inflated
	                          apart so that their tables stay built */
	size_t cache_hits;     /* objects found in the cache */
	size_t cache_evictions; /* objects this set's reads pushed out of it */
	size_t reads;          /* pread(2) calls for objects */
	size_t read_bytes;     /* the bytes those calls read */
	size_t looked;         /* reads that looked whether their bytes were in
	                          memory (not those near one that did) */
	size_t brought_in;     /* reads of bytes not in memory that asked the
	                          kernel for what is around them */
} pd__packs_stats;

void pd__packs_get_stats(pd__packs_stats *out, const pd__packs *packs);

/* How many packs are open in the process (each once, however many sets
 * hold it), for tests. */
size_t pd__packs_open_in_process(void);

/* `base` (base_len bytes) with git delta `d` (d_len bytes) applied
 * (pack-delta.c): a new buffer (g_free()) of *out_len bytes, or NULL
 * when the delta does not fit its base, or its result would be larger
 * than max_len. */
unsigned char *pd__pack_apply_delta(size_t *out_len, const unsigned char *base, size_t base_len,
				    const unsigned char *d, size_t d_len, size_t max_len);

/* The cache of resolved objects (pack-cache.c), for pack.c.  Objects
 * are named by their pack (any pointer that stays unique while the pack
 * is open) and offset.
 *
 * pd__pack_cache_get(): a new reference to the bytes kept for the
 * object (g_bytes_unref() it) and its type in *type, or NULL.
 * pd__pack_cache_put(): keeps `bytes` (its own reference: the caller's
 * stays the caller's) unless the object is kept already or is too large
 * to keep; returns how many objects it evicted to make room.
 * pd__pack_cache_forget(): drops every object of `pack`, before the
 * pack is closed.  pd__pack_cache_held(): the bytes kept, for tests. */
GBytes *pd__pack_cache_get(int *type, const void *pack, uint64_t offset);
size_t pd__pack_cache_put(const void *pack, uint64_t offset, int type, GBytes *bytes);
void pd__pack_cache_forget(const void *pack);
size_t pd__pack_cache_held(void);

#endif
