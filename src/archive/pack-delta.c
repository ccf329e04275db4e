/*
 * archive/pack-delta.c - git's delta format, applied (pack.c resolves the
 * chains).  A delta is the sizes of its base and of its result (7 bits a
 * byte, low first), then instructions: a byte with the top bit set
 * copies from the base (its low 4 bits say which offset bytes follow,
 * the next 3 which size bytes; a size of 0 means 0x10000), any other
 * non-zero byte inserts that many bytes that follow.  Every instruction
 * is checked against the base, the delta and the result: a pack is data
 * from the network.
 */
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "archive/pack.h"

/* A size of a delta's header: 7 bits a byte, low first. */
static int delta_size(size_t *out, const unsigned char **p, const unsigned char *end)
{
	size_t v = 0;
	unsigned shift = 0, c;

	do {
		if (*p >= end || shift > 56)
			return -1;
		c = *(*p)++;
		v |= (size_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	*out = v;
	return 0;
}

unsigned char *pd__pack_apply_delta(size_t *out_len, const unsigned char *base, size_t base_len,
				    const unsigned char *d, size_t d_len, size_t max_len)
{
	const unsigned char *p = d, *end = d + d_len;
	size_t src, dst, at = 0;
	unsigned char *out;

	if (delta_size(&src, &p, end) < 0 || delta_size(&dst, &p, end) < 0 || src != base_len
	    || dst > max_len)
		return NULL;
	out = g_malloc(dst ? dst : 1);
	while (p < end) {
		unsigned c = *p++;
		if (c & 0x80) {
			size_t off = 0, n = 0;
			for (int b = 0; b < 4; b++)
				if (c & (1u << b)) {
					if (p >= end)
						goto bad;
					off |= (size_t)*p++ << (8 * b);
				}
			for (int b = 0; b < 3; b++)
				if (c & (0x10u << b)) {
					if (p >= end)
						goto bad;
					n |= (size_t)*p++ << (8 * b);
				}
			if (n == 0)
				n = 0x10000;
			if (off > base_len || n > base_len - off || n > dst - at)
				goto bad;
			memcpy(out + at, base + off, n);
			at += n;
		} else if (c) {
			if ((size_t)(end - p) < c || c > dst - at)
				goto bad;
			memcpy(out + at, p, c);
			p += c;
			at += c;
		} else {
			goto bad; /* reserved */
		}
	}
	if (at != dst)
		goto bad;
	*out_len = dst;
	return out;
bad:
	g_free(out);
	return NULL;
}
