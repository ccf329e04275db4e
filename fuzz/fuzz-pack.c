/*
 * fuzz-pack.c - the pack reader (src/archive/pack.c), which reads the
 * objects of archives cloned from anywhere: object headers, sizes, zlib
 * streams, deltas by offset and by id, chains and the cache of resolved
 * objects.
 *
 * Input: a byte n (1 + its value mod 16 objects), n offsets of 16 bits
 * (little-endian) into the rest, and the rest, the pack's objects.  The
 * target writes a pack of those bytes and a version 2 index naming n
 * objects at those offsets, object i with the id of 20 bytes whose first
 * is i * 16 and the others 0 (a delta by id names its base that way),
 * then reads every object twice, the second time in the other order,
 * with a walk's reader (pd__packs_read_in_order()) when bit 4 of the
 * first byte is set: its windows then face both ways.  It must never
 * crash or read outside what it was given, and reading again gives the
 * same answer (the second reading finds bases in the cache).  Then the
 * read-ahead of a walk (pd__packs_read_ahead(); with bit 5, a walk at
 * the first object the index names, which it goes back to meet; with
 * bit 6, full after a few commits) reads it through a set of its own:
 * each commit it hands over is one that the reads gave.
 */
#include <unistd.h>
#include <glib/gstdio.h>
#include "fuzz-common.h"
#include "archive/pack.h"
#include "pack-writer.h"

static char *pack_dir;

/* Plain writes: g_file_set_contents() syncs a file it replaces, which
 * held the fuzzer to 150 inputs a second. */
static void write_file(const char *name, const GByteArray *bytes)
{
	char *path = g_build_filename(pack_dir, name, NULL);
	FILE *f = fopen(path, "wb");

	if (f) {
		if (fwrite(bytes->data, 1, bytes->len, f) != bytes->len)
			fuzz_assert(0, "the fuzz files are written");
		fclose(f);
	}
	g_free(path);
}

static void write_files(const uint8_t *data, size_t size)
{
	size_t n = 1 + data[0] % 16, head = 1 + 2 * n;
	const uint8_t *body = data + head;
	size_t body_len = size - head;
	GByteArray *pack = g_byte_array_new(), *idx = g_byte_array_new();
	uint8_t zero[40] = { 0 }, ids[16 * 20] = { 0 };
	uint32_t offsets[16];

	pack_header(pack, n);
	g_byte_array_append(pack, body, (guint)body_len);
	g_byte_array_append(pack, zero, 20);
	for (size_t i = 0; i < n; i++) {
		uint32_t off = data[1 + 2 * i] | (uint32_t)data[2 + 2 * i] << 8;
		ids[20 * i] = (uint8_t)(i * 16);
		offsets[i] = 12 + (uint32_t)(body_len ? off % body_len : 0);
	}
	pack_index(idx, ids, offsets, n, zero);

	write_file("pack-fuzz.pack", pack);
	write_file("pack-fuzz.idx", idx);
	g_byte_array_free(pack, TRUE);
	g_byte_array_free(idx, TRUE);
}

static char *git_dir;

/* The commits the reads gave, for the read-ahead's to be among them. */
typedef struct {
	GBytes **read;
	const int *type;
	size_t n;
	unsigned room; /* commits it takes before it says it is full; 0: all */
} read_commits;

static int among_read(void *ctx, const unsigned char *data, size_t len)
{
	read_commits *rc = ctx;
	int found = 0;

	for (size_t i = 0; i < rc->n && !found; i++) {
		size_t flen;
		const void *f = rc->read[i] ? g_bytes_get_data(rc->read[i], &flen) : NULL;
		found = rc->type[i] == 1 && f && flen == len && !memcmp(f, data, len);
	}
	fuzz_assert(found, "each commit the read-ahead hands over is one the reads gave");
	return rc->room && --rc->room == 0;
}

static void remove_files(void)
{
	char *path = g_build_filename(pack_dir, "pack-fuzz.pack", NULL);
	g_unlink(path);
	g_free(path);
	path = g_build_filename(pack_dir, "pack-fuzz.idx", NULL);
	g_unlink(path);
	g_free(path);
	g_rmdir(pack_dir);
	path = g_build_filename(git_dir, "objects", NULL);
	g_rmdir(path);
	g_free(path);
	g_rmdir(git_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	pd__packs *packs;
	GBytes *first[16] = { NULL };
	int first_rc[16], first_type[16];

	if (!git_dir) {
		git_dir = g_dir_make_tmp("fuzz-pack-XXXXXX", NULL);
		pack_dir = g_build_filename(git_dir, "objects", "pack", NULL);
		g_mkdir_with_parents(pack_dir, 0700);
		atexit(remove_files);
	}
	if (size < 1 || size < 1 + 2 * (1 + (size_t)data[0] % 16))
		return 0;
	n = 1 + data[0] % 16;
	write_files(data, size);
	packs = pd__packs_open(git_dir);
	/* bit 4: a walk's reader, whose windows are 64 KB; the second pass
	 * goes the other way, so that windows face both ways */
	if (data[0] & 0x10)
		pd__packs_read_in_order(packs);
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < n; k++) {
			size_t i = pass ? n - 1 - k : k;
			uint8_t id[20] = { 0 };
			const unsigned char *bytes = NULL;
			size_t len = 0;
			int type = 0, rc;
			id[0] = (uint8_t)(i * 16);
			rc = pd__packs_read(&bytes, &len, &type, packs, id);
			fuzz_assert(rc == 0 || rc == 1 || rc == -1 || rc == PD__PACK_CYCLE,
				    "a read answers 0, 1, -1 or PD__PACK_CYCLE");
			if (rc == 0)
				fuzz_assert(type >= 1 && type <= 4 && bytes, "an object read has a type and bytes");
			if (pass == 0) {
				first_rc[i] = rc;
				first_type[i] = type;
				first[i] = rc == 0 ? g_bytes_new(bytes, len) : NULL;
			} else {
				fuzz_assert(rc == first_rc[i], "reading again gives the same answer");
				if (rc == 0) {
					size_t flen;
					const void *f = g_bytes_get_data(first[i], &flen);
					fuzz_assert(type == first_type[i] && len == flen && !memcmp(f, bytes, len),
						    "reading again gives the same object");
				}
			}
		}
	pd__packs_free(packs);
	{
		/* bit 6: full after as many commits as the last byte says
		 * (mod 4, plus one); a walk (bit 5) at the offset of the first
		 * object the index names */
		read_commits rc = { first, first_type, n,
				    data[0] & 0x40 ? 1u + data[size - 1] % 4 : 0 };
		pd__packs *ahead = pd__packs_open(git_dir);
		gint stop = 0;
		size_t body_len = size - (1 + 2 * n);
		uint32_t off = data[1] | (uint32_t)data[2] << 8;
		gint64 walked = 12 + (gint64)(body_len ? off % body_len : 0);
		pd__packs_read_in_order(ahead);
		pd__packs_read_ahead(ahead, &stop, data[0] & 0x20 ? &walked : NULL, among_read, &rc);
		pd__packs_free(ahead);
	}
	for (size_t i = 0; i < n; i++)
		if (first[i])
			g_bytes_unref(first[i]);
	return 0;
}
