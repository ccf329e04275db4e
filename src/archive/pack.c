/*
 * archive/pack.c - objects read straight from pack files (pack.h says
 * why and what is left to libgit2).
 *
 * The formats are git's (Documentation/gitformat-pack.txt): a version 2
 * index is "\377tOc", version 2, 256 cumulative counts by first byte,
 * the sorted object ids, their CRCs, their offsets (31 bits, or an index
 * into a table of 64-bit offsets when the top bit is set), then two
 * checksums.  A pack is "PACK", a version, a count, then each object: a
 * header of type and inflated size (7 bits a byte after the first 4,
 * low first), for an offset delta a backwards distance to its base, for
 * a reference delta its base's id, then the zlib stream.
 *
 * Everything read from a file is bounds-checked before use: a pack is
 * data from the network.  The pack itself is read with pread(), not
 * mapped: mapped pages the reader touched would count as the process's
 * memory for as long as it runs, and a big archive's packs are gigabytes.
 * That needs each object's stored length, which the index does not
 * give: the offsets sorted (built at a pack's first read) give it.
 */
#define _GNU_SOURCE /* preadv2() and RWF_NOWAIT */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <glib.h>
#include <libdeflate.h>
#include "archive/pack.h"

enum { OBJ_COMMIT = 1, OBJ_TREE = 2, OBJ_BLOB = 3, OBJ_TAG = 4, OBJ_OFS_DELTA = 6,
       OBJ_REF_DELTA = 7 };

/* Larger objects are left to libgit2: a message is kilobytes, and a
 * size from a damaged header must not become an allocation. */
#define MAX_OBJECT ((size_t)256 << 20)
/* What the deltas of one chain may hold together before it is left to
 * libgit2: git's chains are tens of deltas of kilobytes. */
#define MAX_CHAIN_BYTES ((size_t)64 << 20)
/* deflate's largest ratio is 1032 to 1: a header that claims more than
 * that of its stored bytes is damaged, and is not allocated. */
#define MAX_RATIO 1032
/* git's own limit on a delta chain is 4095 (pack.depth). */
#define MAX_DEPTH 4096
/* One pack and its index, shared by every reader of the process that
 * opens the same .idx (the threads reading one epoch): the mapping
 * counts in a process's memory once per mapping, and the sorted offsets
 * are 8 bytes an object, so each thread's own copy was some 10 MB per
 * 100,000 messages.  Nothing in it changes once made, but for the
 * sorted offsets, built once by whichever reader needs them first. */
typedef struct {
	char *key;                     /* the registry's: "DEV:INO" of the
	                                  .idx it mapped */
	int refs;                      /* readers holding it (registry_lock) */
	int fd;
	uint64_t size;                 /* of the .pack */
	const unsigned char *idx;      /* the mapped .idx */
	size_t idx_len;
	uint32_t n;                    /* objects */
	const unsigned char *ids, *off32, *off64;
	uint32_t n64;                  /* entries of the 64-bit table */
	gsize sorted_once;             /* g_once: every offset ascending, then
	                                  the trailer's (a uint64_t array);
	                                  SORT_UNUSABLE when its offsets make
	                                  no sense.  Built at the first read */
} pack;

#define SORT_UNUSABLE ((gsize)1)

/* The packs open in the process, by the device and inode of their .idx:
 * one file however it is named (libgit2 names a repository "DIR/", a
 * reader may name it "DIR" or by a path through a link), where a key of
 * the path made two packs of it, each with its index mapped and its
 * offsets sorted.  A file replaced at its path is another inode. */
static GMutex registry_lock;
static GHashTable *registry;

/* One link of a delta chain being resolved: the delta's instructions,
 * inflated. */
typedef struct {
	size_t pack;
	uint64_t offset;
	unsigned char *delta;
	size_t len;
} chain_link;

struct pd__packs {
	GPtrArray *packs;              /* pack, shared (pack_get()) */
	struct libdeflate_decompressor *dec;
	struct libdeflate_decompressor *dec_fixed; /* streams that begin with
	                                  a block of fixed codes (see
	                                  inflate_stored()) */
	unsigned char *entry;          /* one object as stored */
	size_t entry_cap;
	GBytes *result;                /* the last object read: a reference
	                                  of this set's (the cache may hold
	                                  others) */
	GArray *chain;                 /* chain_link: pd__packs_read()'s */
	pd__packs_stats stats;
	/* the bytes of `win_pack` from `win_start`, read at once for the
	 * objects around: with pd__packs_read_in_order() (`in_order`)
	 * WINDOW bytes from an object on, or up to it when the reads go
	 * back; else a small object with the object after it and the
	 * SMALL_WINDOW bytes before it, or, when the reads go on, with the
	 * object before it and what follows (read_stored()) */
	int in_order;
	gint64 *walked;                /* pd__packs_publish_walk()'s, or NULL */
	unsigned char *win;
	const pack *win_pack;
	uint64_t win_start;
	size_t win_len;
	/* around the last read that looked whether the pack's bytes were in
	 * memory (pack_pread()) */
	const pack *looked_pack;
	uint64_t looked_lo, looked_hi;
};

/* What one read of a reader that reads in pack order takes: git writes
 * commits one after the other, newest first, the order of a walk; a
 * commit is some 230 bytes stored, so one read serves hundreds, where a
 * pread(2) each was half of walking kvmarm's history (perf). */
#define WINDOW ((size_t)64 << 10)
/* Any reader: an object this small (a public-inbox tree, 40 bytes) is
 * read together with the object after it, which git wrote there because
 * it is what the tree names (public-inbox: the message) -- one pread(2)
 * a message instead of two -- and with the SMALL_WINDOW bytes before
 * it: git writes the trees and messages of newer commits first, and a
 * parsing thread reads a batch of messages oldest first, so the next
 * message's tree is there: kvmarm's 34,949 pread(2) calls became 10,573
 * (a larger window, or one for larger objects, copies more than the
 * calls it saves cost). */
#define SMALL_OBJECT 256
#define SMALL_WINDOW ((size_t)32 << 10)
/* Those windows are for a pack git wrote (a clone's).  Either reader
 * goes the other way through a pack public-inbox wrote itself
 * with git fast-import, in order of arrival (each message's blob, its
 * tree, its commit, oldest first): the walk from the newest commit at
 * the end back to the start, a parsing thread's batch from its oldest
 * message on.  So each window faces the way its reader goes: a walk
 * going back reads the WINDOW bytes that end with the commit (the
 * commits before it, a message apart), a reader going on reads from
 * the tree's message (the object before it) on.  A window that faced
 * the other way served one commit or message and read 64 KB for it:
 * the synthetic 100,000-message archive's digest read 2.6 GB of its
 * 262 MB of packs, and 533 MB since (read_bytes, strace). */
/* A read of bytes that are not in memory (a pack not read since the
 * machine started, or pushed out of the page cache: the usual case for
 * an archive of many GB) asks the kernel to bring in this much on either
 * side of it, in the background.  The kernel reads ahead by itself only
 * forwards, and a reader here goes backwards as often: the walk reads a
 * pack written in order of arrival (public-inbox's fast-import packs)
 * from its end, the parsing threads read a pack git wrote newest first
 * (a clone) from its end.  Without it every window was a wait for the
 * disk: from a cold cache the synthetic 1M archive took 49.5 s against
 * 21 s warm, nearly git cat-file's 53.8 s (24.6 s with it).  Either side,
 * because a read does not say which way its reader goes. */
#define BRING_IN ((uint64_t)4 << 20)
/* How far from a read that found its bytes in memory the next read
 * looks again (pack_pread()). */
#define LOOK_AGAIN ((uint64_t)256 << 10)

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void pack_close(pack *p)
{
	gsize sorted = p->sorted_once;

	if (p->fd >= 0)
		close(p->fd);
	if (p->idx)
		munmap((void *)p->idx, p->idx_len);
	if (sorted != SORT_UNUSABLE)
		g_free((uint64_t *)sorted);
	g_free(p->key);
	g_free(p);
}

/* Opens the .idx at `idx_path` (open as `fd`, of stat `st`, registered
 * as `key`) and its .pack: a new pack, or NULL when either cannot be
 * used. */
static pack *pack_open(const char *idx_path, int fd, const struct stat *idx_st, const char *key)
{
	size_t plen = strlen(idx_path);
	char *pack_path = NULL;
	unsigned char head[12], sum[20];
	struct stat st;
	size_t need;
	pack *p = g_new0(pack, 1);

	p->fd = -1;
	p->key = g_strdup(key);
	if (plen < 4 || idx_st->st_size < 8 + 1024 + 40)
		goto fail;
	pack_path = g_strdup_printf("%.*s.pack", (int)(plen - 4), idx_path);
	p->idx_len = (size_t)idx_st->st_size;
	p->idx = mmap(NULL, p->idx_len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p->idx == MAP_FAILED) {
		p->idx = NULL;
		goto fail;
	}
	if (memcmp(p->idx, "\377tOc", 4) || be32(p->idx + 4) != 2)
		goto fail;
	for (int i = 1; i < 256; i++)
		if (be32(p->idx + 8 + 4 * i) < be32(p->idx + 8 + 4 * (i - 1)))
			goto fail;
	p->n = be32(p->idx + 8 + 4 * 255);
	need = 8 + 1024 + (size_t)p->n * 28 + 40;
	if (need > p->idx_len || (p->idx_len - need) % 8)
		goto fail;
	p->ids = p->idx + 8 + 1024;
	p->off32 = p->ids + (size_t)p->n * 24; /* past the ids and the CRCs */
	p->off64 = p->off32 + (size_t)p->n * 4;
	p->n64 = (uint32_t)((p->idx_len - need) / 8);
	/* an index names its pack's checksum (the pack's last 20 bytes):
	 * an index left beside another pack (an interrupted repack) would
	 * give that pack's objects for these ids */
	if ((p->fd = open(pack_path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(p->fd, &st) < 0
	    || st.st_size < 32 || pread(p->fd, head, 12, 0) != 12 || memcmp(head, "PACK", 4)
	    || (be32(head + 4) != 2 && be32(head + 4) != 3) || be32(head + 8) != p->n
	    || pread(p->fd, sum, 20, st.st_size - 20) != 20
	    || memcmp(sum, p->idx + p->idx_len - 40, 20))
		goto fail;
	p->size = (uint64_t)st.st_size;
	g_free(pack_path);
	return p;
fail:
	pack_close(p);
	g_free(pack_path);
	return NULL;
}

/* The pack of the .idx at `idx_path`, shared with every reader that has
 * it open: NULL when it cannot be used.  Release with pack_put().  A
 * registered pack whose .idx was since replaced (another file at the
 * path: a repack) is not shared with a new reader; it stays with those
 * that hold it. */
static pack *pack_get(const char *idx_path)
{
	struct stat st;
	pack *p = NULL;
	char key[48];
	int fd;

	if ((fd = open(idx_path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return NULL;
	}
	g_snprintf(key, sizeof(key), "%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	g_mutex_lock(&registry_lock);
	if (!registry)
		registry = g_hash_table_new(g_str_hash, g_str_equal);
	if ((p = g_hash_table_lookup(registry, key))) {
		p->refs++;
	} else if ((p = pack_open(idx_path, fd, &st, key))) {
		p->refs = 1;
		g_hash_table_replace(registry, p->key, p);
	}
	g_mutex_unlock(&registry_lock);
	close(fd);
	return p;
}

size_t pd__packs_open_in_process(void)
{
	size_t n;

	g_mutex_lock(&registry_lock);
	n = registry ? g_hash_table_size(registry) : 0;
	g_mutex_unlock(&registry_lock);
	return n;
}

static void pack_put(pack *p)
{
	int last;

	g_mutex_lock(&registry_lock);
	if ((last = --p->refs == 0) && g_hash_table_lookup(registry, p->key) == p)
		g_hash_table_remove(registry, p->key);
	g_mutex_unlock(&registry_lock);
	if (last) {
		pd__pack_cache_forget(p);
		pack_close(p);
	}
}

pd__packs *pd__packs_open(const char *git_dir)
{
	pd__packs *packs = g_new0(pd__packs, 1);
	char *dir = g_build_filename(git_dir, "objects", "pack", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	packs->packs = g_ptr_array_new();
	packs->chain = g_array_new(FALSE, FALSE, sizeof(chain_link));
	packs->dec = libdeflate_alloc_decompressor();
	while (d && packs->dec && (name = g_dir_read_name(d))) {
		pack *p;
		char *path;
		if (!g_str_has_prefix(name, "pack-") || !g_str_has_suffix(name, ".idx"))
			continue;
		path = g_build_filename(dir, name, NULL);
		if ((p = pack_get(path)))
			g_ptr_array_add(packs->packs, p);
		g_free(path);
	}
	if (d)
		g_dir_close(d);
	g_free(dir);
	packs->stats.packs = packs->packs->len;
	return packs;
}

void pd__packs_free(pd__packs *packs)
{
	if (!packs)
		return;
	for (guint i = 0; i < packs->packs->len; i++)
		pack_put(g_ptr_array_index(packs->packs, i));
	g_ptr_array_free(packs->packs, TRUE);
	g_array_free(packs->chain, TRUE);
	if (packs->dec)
		libdeflate_free_decompressor(packs->dec);
	if (packs->dec_fixed)
		libdeflate_free_decompressor(packs->dec_fixed);
	g_free(packs->entry);
	g_free(packs->win);
	if (packs->result)
		g_bytes_unref(packs->result);
	g_free(packs);
}

void pd__packs_publish_walk(pd__packs *packs, gint64 *walked)
{
	packs->walked = walked;
}

void pd__packs_read_in_order(pd__packs *packs)
{
	packs->in_order = 1;
}

void pd__packs_get_stats(pd__packs_stats *out, const pd__packs *packs)
{
	*out = packs->stats;
}

/* The offset of the index's object `i`, from its 31 bits or the table
 * of 64-bit ones: 0, or -1 when the index names no entry of that table. */
static int object_offset(uint64_t *out, const pack *p, uint32_t i)
{
	uint32_t o = be32(p->off32 + (size_t)i * 4);

	if (!(o & 0x80000000u)) {
		*out = o;
		return 0;
	}
	if ((o & 0x7fffffffu) >= p->n64)
		return -1;
	*out = be64(p->off64 + (size_t)(o & 0x7fffffffu) * 8);
	return 0;
}

/* Sorts the n offsets of `s`, all below `limit`, by their bytes from
 * the lowest (a radix sort: a pack's index is read for a digest of one
 * week too, and qsort() of 64k offsets per reading thread was a tenth of
 * walking kvmarm's history).  `tmp` has room for n. */
static void radix_sort(uint64_t *s, uint64_t *tmp, size_t n, uint64_t limit)
{
	for (unsigned shift = 0; shift < 64 && (limit >> shift); shift += 8) {
		size_t count[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[((s[i] >> shift) & 0xff) + 1]++;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			tmp[count[(s[i] >> shift) & 0xff]++] = s[i];
		memcpy(s, tmp, n * sizeof(*s));
	}
}

/* Every offset of `p` ascending, then the trailer's; NULL when the
 * index names offsets outside the pack (the pack is then not used).
 * Built once, by the first reader that asks. */
static const uint64_t *sorted_offsets(pack *p)
{
	if (g_once_init_enter(&p->sorted_once)) {
		uint64_t *s = g_new(uint64_t, (size_t)p->n + 1), *tmp;
		gsize result = SORT_UNUSABLE;
		uint32_t i;
		for (i = 0; i < p->n; i++)
			if (object_offset(&s[i], p, i) < 0 || s[i] < 12 || s[i] >= p->size - 20)
				break;
		if (i == p->n) {
			tmp = g_new(uint64_t, (size_t)p->n + 1);
			radix_sort(s, tmp, p->n, p->size);
			g_free(tmp);
			for (i = 1; i < p->n && s[i] != s[i - 1]; i++)
				;
		}
		if (p->n == 0 || i == p->n) {
			s[p->n] = p->size - 20;
			result = (gsize)s;
		} else {
			g_free(s);
		}
		g_once_init_leave(&p->sorted_once, result);
	}
	return p->sorted_once == SORT_UNUSABLE ? NULL : (const uint64_t *)p->sorted_once;
}

/* Searches in a big sorted table start with a guess, not in the middle:
 * object ids are uniform, and a pack's offsets nearly so, so the guess
 * lands within a few entries, and the search reads a few neighbouring
 * cache lines instead of some log2(n) far-apart ones (the index of a big
 * archive is megabytes; the walk and the readers look up three objects a
 * message).  From the guess `at`, steps doubling towards the target
 * bracket it; the caller's halving finishes.  `below(i)`: is entry i
 * before the target?  On return the target (the first entry not before
 * it) is in [*lo, *hi], as it was on entry. */
#define GALLOP(lo, hi, at, below)                                              \
	do {                                                                   \
		uint64_t step_ = 1, p_;                                        \
		if (below(at)) {                                             \
			*(lo) = (at) + 1;                                      \
			while ((p_ = *(lo) + step_) < *(hi)) {                 \
				if (!below(p_)) {                            \
					*(hi) = p_ + 1;                        \
					break;                                 \
				}                                              \
				*(lo) = p_ + 1;                                \
				step_ *= 2;                                    \
			}                                                      \
		} else {                                                       \
			*(hi) = (at) + 1;                                      \
			while ((at) >= *(lo) + step_) {                        \
				p_ = (at) - step_;                             \
				if (below(p_)) {                             \
					*(lo) = p_ + 1;                        \
					break;                                 \
				}                                              \
				*(hi) = p_ + 1;                                \
				step_ *= 2;                                    \
			}                                                      \
		}                                                              \
	} while (0)

/* Narrows [*lo, *hi) of `sorted` around `offset`. */
static void offsets_near(size_t *lo, size_t *hi, const uint64_t *sorted, uint64_t offset)
{
	uint64_t first = sorted[*lo], last = sorted[*hi - 1];
	size_t at;

	if (*hi - *lo < 16 || offset <= first || offset >= last)
		return;
	at = *lo + (size_t)((double)(offset - first) / (double)(last - first) * (double)(*hi - 1 - *lo));
#define OFFSET_BELOW(i) (sorted[i] < offset)
	GALLOP(lo, hi, at, OFFSET_BELOW);
#undef OFFSET_BELOW
}

/* The stored length of the object at `offset`, of the one after it (0
 * when it is the last) and of the one before it (0 when it is the
 * first): 0, or -1 when no object starts there. */
static int stored_length(size_t *out, size_t *next, size_t *prev, pack *p, uint64_t offset)
{
	size_t lo = 0, hi = p->n;
	const uint64_t *sorted = sorted_offsets(p);

	if (!sorted)
		return -1;
	if (hi)
		offsets_near(&lo, &hi, sorted, offset);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sorted[mid] == offset) {
			*out = (size_t)(sorted[mid + 1] - offset);
			*next = mid + 1 < p->n ? (size_t)(sorted[mid + 2] - sorted[mid + 1]) : 0;
			*prev = mid > 0 ? (size_t)(offset - sorted[mid - 1]) : 0;
			return 0;
		}
		if (sorted[mid] < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* -1, 0 or 1 as the index's id `i` of `p` is before, is or is after
 * `oid`, whose bytes 1 to 4 are `key`. */
static int id_order(const pack *p, uint32_t i, const unsigned char *oid, uint32_t key)
{
	/* within the first byte's range, ids differ in the next four bytes
	 * almost always: compared as a number, memcmp() only to settle */
	const unsigned char *id = p->ids + (size_t)i * 20;
	uint32_t at = be32(id + 1);

	return id[0] != oid[0] ? (id[0] < oid[0] ? -1 : 1)
	       : at != key ? (at < key ? -1 : 1) : memcmp(id + 5, oid + 5, 15);
}

/* Where object `oid` is: 0 with its pack (index) and offset, or 1. */
static int find(size_t *which, uint64_t *offset, pd__packs *packs, const unsigned char *oid)
{
	uint32_t key = be32(oid + 1);

	for (guint k = 0; k < packs->packs->len; k++) {
		pack *p = g_ptr_array_index(packs->packs, k);
		uint64_t lo = oid[0] ? be32(p->idx + 8 + 4 * (oid[0] - 1)) : 0;
		uint64_t hi = be32(p->idx + 8 + 4 * oid[0]);
		/* a pack whose index names impossible offsets is found out
		 * before its first object is, so that it answers the same
		 * (left to libgit2) from the first read on */
		if (!sorted_offsets(p))
			continue;
		if (hi > lo + 16) {
			/* bytes 1 to 4 of the ids in one first byte's range
			 * are uniform over 32 bits */
			uint64_t at = lo + (((uint64_t)key * (hi - lo)) >> 32);
#define ID_BELOW(i) (id_order(p, (uint32_t)(i), oid, key) < 0)
			GALLOP(&lo, &hi, at, ID_BELOW);
#undef ID_BELOW
		}
		while (lo < hi) {
			uint32_t mid = (uint32_t)(lo + (hi - lo) / 2);
			int c = id_order(p, mid, oid, key);
			if (c == 0) {
				/* every offset was checked by sorted_offsets() */
				object_offset(offset, p, mid);
				*which = k;
				return 0;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return 1;
}

/* One stored object, read: its type, its inflated size and where its
 * zlib stream begins in packs->entry; for a delta, its base (another
 * offset in the same pack, or an id). */
typedef struct {
	int type;
	size_t size;
	const unsigned char *data;     /* the zlib stream */
	size_t data_len;
	uint64_t base_offset;          /* OBJ_OFS_DELTA */
	const unsigned char *base_id;  /* OBJ_REF_DELTA: 20 bytes */
} stored;

/* Whether preadv2(RWF_NOWAIT) can tell this process's reads of bytes
 * in memory from the others (1), or the kernel refuses it (0). */
static gint nowait_works = 1;

/* pread(2) of `n` bytes of `p` at `offset`.  The first read more than
 * BRING_IN away from where this set last looked finds out whether its
 * bytes are in memory (preadv2()'s RWF_NOWAIT reads only what it can
 * without waiting for the disk; it costs a tenth of a microsecond more
 * than pread(), so it is not asked at every read); when they are not,
 * it asks the kernel to read BRING_IN either side of them in the
 * background (posix_fadvise WILLNEED) before reading them, and the
 * reads within BRING_IN of it ask nothing; when they are, the reads
 * within LOOK_AGAIN of it ask nothing.  Only ever a matter of
 * speed: what is read is what pread() reads. */
static ssize_t pack_pread(pd__packs *packs, const pack *p, unsigned char *buf, size_t n,
			  uint64_t offset)
{
	ssize_t got = 0, more;

	packs->stats.reads++;
#ifdef RWF_NOWAIT
	if (g_atomic_int_get(&nowait_works)
	    && !(packs->looked_pack == p && offset >= packs->looked_lo && offset < packs->looked_hi)) {
		struct iovec v = { buf, n };
		packs->stats.looked++;
		got = preadv2(p->fd, &v, 1, (off_t)offset, RWF_NOWAIT);
		packs->looked_pack = p;
		if (got == (ssize_t)n) {
			/* in memory: perhaps at the edge of what a read
			 * before asked for, so look again soon */
			packs->stats.read_bytes += n;
			packs->looked_lo = offset > LOOK_AGAIN ? offset - LOOK_AGAIN : 0;
			packs->looked_hi = offset + LOOK_AGAIN;
			return got;
		}
		packs->looked_lo = offset > BRING_IN ? offset - BRING_IN : 0;
		packs->looked_hi = MIN(offset + BRING_IN, p->size);
		if (got < 0) {
			if (errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS)
				g_atomic_int_set(&nowait_works, 0);
			else if (errno != EAGAIN)
				return got;
			got = 0;
		}
		posix_fadvise(p->fd, (off_t)packs->looked_lo,
			      (off_t)(packs->looked_hi - packs->looked_lo), POSIX_FADV_WILLNEED);
		packs->stats.brought_in++;
	}
#endif
	more = pread(p->fd, buf + got, n - (size_t)got, (off_t)(offset + (uint64_t)got));
	if (more < 0)
		return more;
	packs->stats.read_bytes += (size_t)(got + more);
	return got + more;
}

/* The object stored at `offset` of `p`, its header parsed into *out,
 * whose data points into the set's window or its `entry` buffer (valid
 * until the set's next read).  `base`: it is read as the base of a
 * delta, which says nothing of the way the reader goes (the windows
 * follow the reads of objects themselves).  0, or -1 when no object
 * starts there or its bytes cannot be read or make no sense. */
static int read_stored(stored *out, pd__packs *packs, pack *p, uint64_t offset, int base)
{
	size_t len, next, prev, i = 0, shift = 4;
	const unsigned char *e;
	unsigned c;

	if (stored_length(&len, &next, &prev, p, offset) < 0 || len < 2 || len > MAX_OBJECT + 4096)
		return -1;
	if (packs->win_pack == p && offset >= packs->win_start
	    && offset + len <= packs->win_start + packs->win_len) {
		e = packs->win + (offset - packs->win_start);
	} else {
		/* which way this set goes through the pack: past the end
		 * of its window, or before its start */
		int on = !base && packs->win_pack == p && offset >= packs->win_start + packs->win_len;
		int back = !base && packs->win_pack == p && offset < packs->win_start;
		size_t want = 0, before = 0;
		if (packs->in_order && len <= WINDOW / 4 && back) {
			/* a walk going back (a pack in order of arrival,
			 * read from its end): a window that ends here */
			want = len;
			before = (size_t)MIN((uint64_t)(WINDOW - len), offset);
		} else if (packs->in_order && len <= WINDOW / 4) {
			want = (size_t)MIN((uint64_t)WINDOW, p->size - offset);
		} else if (len <= SMALL_OBJECT && next && on) {
			/* a batch going on (a pack in order of arrival: the
			 * message, then its tree, then its commit): a window
			 * from the object before, the message, on */
			before = prev <= SMALL_WINDOW ? prev : 0;
			want = (size_t)MIN((uint64_t)(WINDOW - before), p->size - offset);
		} else if (len <= SMALL_OBJECT && next && len + next <= WINDOW - SMALL_WINDOW) {
			want = len + next;
			before = (size_t)MIN((uint64_t)SMALL_WINDOW, offset);
		}
		if (want) {
			/* a new window: from here on, or with what comes before */
			ssize_t got;
			if (!packs->win)
				packs->win = g_malloc(WINDOW);
			packs->win_pack = NULL;
			got = pack_pread(packs, p, packs->win, before + want, offset - before);
			if (got < (ssize_t)(before + len))
				return -1;
			packs->win_pack = p;
			packs->win_start = offset - before;
			packs->win_len = (size_t)got;
			e = packs->win + before;
		} else {
			if (len > packs->entry_cap) {
				g_free(packs->entry);
				packs->entry_cap = len;
				packs->entry = g_malloc(len);
			}
			if (pack_pread(packs, p, packs->entry, len, offset) != (ssize_t)len)
				return -1;
			e = packs->entry;
		}
	}
	c = e[i++];
	out->type = (c >> 4) & 7;
	out->size = c & 15;
	while (c & 0x80) {
		if (i >= len || shift > 28)
			return -1;
		c = e[i++];
		out->size |= (size_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (out->size > MAX_OBJECT)
		return -1;
	out->base_id = NULL;
	if (out->type == OBJ_OFS_DELTA) {
		uint64_t back;
		if (i >= len)
			return -1;
		c = e[i++];
		back = c & 0x7f;
		while (c & 0x80) {
			if (i >= len || back > (UINT64_MAX >> 8))
				return -1;
			c = e[i++];
			back = ((back + 1) << 7) | (c & 0x7f);
		}
		if (back == 0 || back > offset)
			return -1;
		out->base_offset = offset - back;
	} else if (out->type == OBJ_REF_DELTA) {
		if (len - i < 20)
			return -1;
		out->base_id = e + i;
		i += 20;
	} else if (out->type < OBJ_COMMIT || out->type > OBJ_TAG) {
		return -1;
	}
	out->data = e + i;
	out->data_len = len - i;
	if (out->size / MAX_RATIO > out->data_len)
		return -1;
	return 0;
}

/* The inflated bytes of `s`, exactly s->size of them: a new buffer, or
 * NULL when the stream is damaged or of another size. */
static unsigned char *inflate_stored(pd__packs *packs, const stored *s)
{
	unsigned char *out = g_malloc(s->size ? s->size : 1);
	struct libdeflate_decompressor *dec = packs->dec;

	/* A small object (a public-inbox tree: every one of kvmarm's) is
	 * stored with deflate's fixed codes, whose tables libdeflate builds
	 * once and keeps -- until a stream with codes of its own (the
	 * message after the tree) overwrites them.  Streams that begin with
	 * fixed codes get a decompressor of their own: bits 1-2 of the byte
	 * after the two-byte zlib header are the first block's type (1:
	 * fixed).  Either decompressor reads any stream. */
	if (s->data_len > 2 && ((s->data[2] >> 1) & 3) == 1 && !(s->data[1] & 0x20)) {
		if (!packs->dec_fixed)
			packs->dec_fixed = libdeflate_alloc_decompressor();
		if (packs->dec_fixed) {
			dec = packs->dec_fixed;
			packs->stats.inflated_fixed++;
		}
	}
	packs->stats.inflated++;
	packs->stats.inflated_bytes += s->size;
	if (libdeflate_zlib_decompress(dec, s->data, s->data_len, out, s->size, NULL)
	    != LIBDEFLATE_SUCCESS) {
		g_free(out);
		return NULL;
	}
	return out;
}

/* Offers what was resolved at `offset` of pack `which` to the cache.
 * Delta bases are kept, and messages: a message is the base of other
 * messages, read later by either thread.  A commit or tree read for
 * itself is not (each is read once). */
static void keep(pd__packs *packs, size_t which, uint64_t offset, int type, GBytes *bytes,
		 int is_base)
{
	if (is_base || type == OBJ_BLOB)
		packs->stats.cache_evictions += pd__pack_cache_put(
			g_ptr_array_index(packs->packs, which), offset, type, bytes);
}

/* Resolving an object walks down its chain of deltas to a whole object
 * (inflated, or one the cache holds), keeping each delta, then back up,
 * each delta applied to what the one below made.  The bytes in hand,
 * `cur`, are a reference of this call's, whether the cache holds them
 * too or not: another thread evicting them cannot take them away. */
int pd__packs_read(const unsigned char **data, size_t *len, int *type, pd__packs *packs,
		   const unsigned char *oid)
{
	static const unsigned char empty[1];
	GArray *chain = packs->chain;
	GBytes *cur = NULL;
	const unsigned char *d;
	size_t which, chain_bytes = 0;
	uint64_t offset;
	int cur_type = 0, error = -1;

	if (packs->result)
		g_bytes_unref(packs->result);
	packs->result = NULL;
	if (find(&which, &offset, packs, oid) != 0)
		return 1;
	/* a walk: where it is, for the read-ahead coming the other way */
	if (packs->walked)
		__atomic_store_n(packs->walked, (gint64)offset, __ATOMIC_RELAXED);
	g_array_set_size(chain, 0);
	for (;;) {
		pack *p = g_ptr_array_index(packs->packs, which);
		unsigned char *whole;
		stored s;
		if ((cur = pd__pack_cache_get(&cur_type, p, offset))) {
			packs->stats.cache_hits++;
			break;
		}
		if (chain->len >= MAX_DEPTH || read_stored(&s, packs, p, offset, chain->len > 0) < 0)
			goto cleanup;
		if (s.type == OBJ_OFS_DELTA || s.type == OBJ_REF_DELTA) {
			chain_link l = { which, offset, NULL, s.size };
			if ((chain_bytes += s.size) > MAX_CHAIN_BYTES
			    || !(l.delta = inflate_stored(packs, &s)))
				goto cleanup;
			g_array_append_val(chain, l);
			if (s.type == OBJ_OFS_DELTA) {
				offset = s.base_offset; /* always earlier: no circle */
			} else {
				unsigned char base[20];
				memcpy(base, s.base_id, 20); /* entry is reused */
				if (find(&which, &offset, packs, base) != 0) {
					error = 1;
					goto cleanup;
				}
				/* a circle goes through a delta by id: it shows
				 * here within one turn of it */
				for (guint k = 0; k < chain->len; k++) {
					const chain_link *seen = &g_array_index(chain, chain_link, k);
					if (seen->pack == which && seen->offset == offset) {
						error = PD__PACK_CYCLE;
						goto cleanup;
					}
				}
			}
			continue;
		}
		if (!(whole = inflate_stored(packs, &s)))
			goto cleanup;
		cur = g_bytes_new_take(whole, s.size);
		cur_type = s.type;
		keep(packs, which, offset, cur_type, cur, chain->len > 0);
		break;
	}
	for (guint i = chain->len; i-- > 0;) {
		chain_link *l = &g_array_index(chain, chain_link, i);
		gsize base_len;
		const unsigned char *base = g_bytes_get_data(cur, &base_len);
		size_t next_len;
		unsigned char *next = pd__pack_apply_delta(&next_len, base ? base : empty, base_len,
							   l->delta, l->len, MAX_OBJECT);
		g_bytes_unref(cur);
		cur = NULL;
		if (!next)
			goto cleanup;
		cur = g_bytes_new_take(next, next_len);
		keep(packs, l->pack, l->offset, cur_type, cur, i > 0);
	}
	/* valid until the next read: this set holds a reference */
	packs->result = cur;
	cur = NULL;
	d = g_bytes_get_data(packs->result, len);
	*data = d ? d : empty;
	*type = cur_type;
	packs->stats.objects++;
	error = 0;
cleanup:
	for (guint i = 0; i < chain->len; i++)
		g_free(g_array_index(chain, chain_link, i).delta);
	g_array_set_size(chain, 0);
	if (cur)
		g_bytes_unref(cur);
	return error;
}

/* One object of the read-ahead, at `offset` of `p`: a commit stored
 * whole is inflated and handed to `fn`.  0 for a commit, 1 for anything
 * else, -1 when the pack cannot be read there, 2 when `fn` is full. */
static int read_one_ahead(pd__packs *packs, pack *p, uint64_t offset, pd__packs_commit_fn fn,
			  void *ctx)
{
	stored s;
	unsigned char *whole;
	int full;

	if (read_stored(&s, packs, p, offset, 0) < 0)
		return -1;
	if (s.type != OBJ_COMMIT)
		return 1; /* past the commits, or a delta */
	if (!(whole = inflate_stored(packs, &s)))
		return 0;
	full = fn(ctx, whole, s.size);
	g_free(whole);
	return full ? 2 : 0;
}

/* Whether `p` was written in order of arrival, by git fast-import as
 * public-inbox writes: its first object is the first message, where a
 * pack git wrote begins with its newest commits. */
static int written_in_arrival_order(pd__packs *packs, pack *p, const uint64_t *sorted)
{
	stored s;

	return p->n > 0 && read_stored(&s, packs, p, sorted[0], 0) == 0 && s.type != OBJ_COMMIT;
}

void pd__packs_read_ahead(pd__packs *packs, const gint *stop, const gint64 *walked,
			  pd__packs_commit_fn fn, void *ctx)
{
	for (guint k = 0; k < packs->packs->len; k++) {
		pack *p = g_ptr_array_index(packs->packs, k);
		const uint64_t *sorted = sorted_offsets(p);
		uint32_t start = p->n / 6, i;
		unsigned others = 0;
		int r = 0, been_inside = 0;
		if (!sorted)
			continue;
		if (walked && written_in_arrival_order(packs, p, sorted)) {
			/* the walk begins at the newest commit, near the end,
			 * and goes back: from the start on to meet it.  They
			 * have met where the walk has been (on the synthetic
			 * 10,000-message archive, going on from a sixth of the
			 * way in inflated 2,000 commits the walk had read) */
			for (i = 0; i < p->n; i++) {
				gint64 at = __atomic_load_n(walked, __ATOMIC_RELAXED);
				if (g_atomic_int_get(stop))
					return;
				if (at > 0 && (gint64)sorted[i] >= at)
					break;
				if ((r = read_one_ahead(packs, p, sorted[i], fn, ctx)) == 2)
					return;
				if (r < 0)
					break;
			}
			continue;
		}
		/* from about the middle of the commits on: a pack git wrote
		 * holds commits first (a third of an epoch's objects), newest
		 * first, the order of the walk, which takes what this thread
		 * parsed for next to nothing (git-read-ahead.c), so the two
		 * share the line.  From a quarter of the way in, the walk
		 * reached this thread's commits before it was done, and both
		 * inflated them: kvmarm's walk took 61 ms, against 41 */
		for (i = start; i < p->n && others < 64; i++) {
			if (g_atomic_int_get(stop))
				return;
			if ((r = read_one_ahead(packs, p, sorted[i], fn, ctx)) == 2)
				return;
			if (r < 0)
				break;
			others = r ? others + 1 : 0;
		}
		/* then back from where it began, to meet the walk.  They
		 * have met when the walk is between this thread and where
		 * it began, or has been there and gone on; a
		 * walk elsewhere has not got there yet (kvmarm's newest
		 * 1,500 commits are at the end of its pack) */
		if (r < 0 || !walked)
			continue;
		for (i = start; i-- > 0;) {
			gint64 at = __atomic_load_n(walked, __ATOMIC_RELAXED);
			int inside = at <= (gint64)sorted[start];
			if (g_atomic_int_get(stop))
				return;
			if ((inside && at >= (gint64)sorted[i]) || (!inside && been_inside))
				break;
			been_inside |= inside && at > 0;
			if ((r = read_one_ahead(packs, p, sorted[i], fn, ctx)) == 2)
				return;
			if (r < 0)
				break;
		}
	}
}
