/*
 * fuzz-content-hash.c - public-inbox's content hash of one raw message
 * (src/mail/content-hash.c), which a digest of several lists computes
 * for every message it reads: header values, encoded words, addresses,
 * MIME parts, transfer encodings and charsets.  It must never crash or
 * read past the input, and the same bytes must give the same hash.
 */
#include "fuzz-common.h"
#include "mail/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char a[32], b[32];
	/* a copy of exactly `size` bytes: a read past it is ASan's to see */
	char *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	pd__content_hash(a, copy, size);
	pd__content_hash(b, copy, size);
	fuzz_assert(!memcmp(a, b, sizeof(a)), "the same bytes give the same hash");
	free(copy);
	return 0;
}
