/*
 * fuzz-mbox.c - splitting an mbox (mboxrd or mboxo) into messages.
 * Every message must be a slice of the input (or, for mboxrd, an
 * unescaped copy no longer than its slice), in order, with nothing
 * between them lost.
 */
#include "fuzz-common.h"
#include "archive/archive.h"

/* The byte offset the origin names: "fuzz.mbox: message N (byte B)". */
static size_t origin_offset(const char *origin)
{
	const char *b = strstr(origin, "(byte ");
	fuzz_assert(b != NULL, "the origin names the byte offset");
	return strtoull(b + 6, NULL, 10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	pd__reader *reader = NULL;
	pd_raw_message raw;
	size_t next_start = 0, messages = 0;
	int exact = 1, error;

	if (pd__mbox_reader_from_memory(&reader, text, size, "fuzz.mbox") < 0)
		return 0;
	while ((error = reader->ops->next(&raw, reader)) != PD_ITEROVER) {
		size_t start;

		fuzz_assert(raw.origin != NULL, "each message has an origin");
		fuzz_assert(messages++ <= size, "the reader ends");
		start = origin_offset(raw.origin);
		if (messages == 1)
			fuzz_assert(start == 0, "the first message starts the file");
		else if (exact)
			fuzz_assert(start == next_start, "messages come back to back");
		else
			fuzz_assert(start >= next_start && start < size, "messages come in order");
		if (error < 0)
			continue;   /* a truncated last message: reported, skipped */
		fuzz_assert(raw.len > 0, "no empty message");
		fuzz_assert(raw.len <= size - start, "a message is no longer than the rest");
		fuzz_assert(!memcmp(text + start, "From ", 5), "a message starts at a separator");
		exact = raw.data >= text && raw.data < text + size;
		if (exact) {
			fuzz_assert(raw.data == text + start, "a slice starts where the origin says");
			next_start = start + raw.len;
		} else {
			/* an mboxrd copy, ">From " unescaped: its slice was longer */
			fuzz_assert(!memcmp(raw.data, "From ", 5), "a copy starts at a separator");
			next_start = start + raw.len + 1;
		}
	}
	reader->ops->free(reader);
	return 0;
}
