/*
 * base/memory.c - giving freed memory back when a digest's reading ends.
 *
 * The reading threads parse in their own malloc arenas; what they free
 * stays in those arenas, where the calling thread, which groups and
 * reviews, never allocates.  At a million messages that is tens of MB of
 * peak RSS for nothing (bench/README.md, issue 16).
 */
#include "base/base.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

void pd__release_free_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}
