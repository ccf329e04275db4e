/*
 * pack-writer.h - the bytes of git pack files made by hand, for the
 * tests and the fuzz target of the pack reader (archive/pack.c): a
 * pack's header and a version 2 index of given ids and offsets.  Header
 * only: each user includes it once.
 */
#ifndef PD_TEST_PACK_WRITER_H
#define PD_TEST_PACK_WRITER_H

#include <stdint.h>
#include <string.h>
#include <glib.h>

/* Appends `v` in network order, as packs and indexes hold numbers. */
static inline void pack_put32(GByteArray *a, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };
	g_byte_array_append(a, b, 4);
}

/* Appends a pack's header: "PACK", version 2, `n` objects. */
static inline void pack_header(GByteArray *pack, size_t n)
{
	g_byte_array_append(pack, (const uint8_t *)"PACK", 4);
	pack_put32(pack, 2);
	pack_put32(pack, (uint32_t)n);
}

/* Appends a version 2 index of `n` objects: `ids` (n ids of 20 bytes,
 * one after another, sorted) at `offsets` in the pack, zero CRCs (not
 * read), then `trailer` (40 bytes: the pack's checksum, which must be
 * the one its pack ends in, and the index's own, which is not read). */
static inline void pack_index(GByteArray *idx, const uint8_t *ids, const uint32_t *offsets,
			      size_t n, const uint8_t trailer[40])
{
	g_byte_array_append(idx, (const uint8_t *)"\377tOc", 4);
	pack_put32(idx, 2);
	for (unsigned b = 0; b < 256; b++) {
		uint32_t count = 0;
		for (size_t i = 0; i < n; i++)
			count += ids[20 * i] <= b;
		pack_put32(idx, count);
	}
	g_byte_array_append(idx, ids, (guint)(20 * n));
	for (size_t i = 0; i < n; i++)
		pack_put32(idx, 0);
	for (size_t i = 0; i < n; i++)
		pack_put32(idx, offsets[i]);
	g_byte_array_append(idx, trailer, 40);
}

#endif
