/*
 * base/memory.c - giving freed memory back when a digest's reading ends.
 *
 * The reading threads parse in their own malloc arenas; what they free
 * stays in those arenas, where the calling thread, which groups and
 * reviews, never allocates.  At a million messages that is tens of MB of
 * peak RSS for nothing (bench/README.md, issue 16).
 */
#include <dlfcn.h>
#include "base/base.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* jemalloc's control call, when the program runs on jemalloc (the
 * patchdigest program does: cli/allocator.c); looked up, so that the
 * library needs no allocator of its own. */
typedef int (*mallctl_fn)(const char *name, void *old, size_t *old_len, void *new_value,
			  size_t new_len);

void pd__release_free_memory(void)
{
	static mallctl_fn mallctl;
	static gsize once;

	if (g_once_init_enter(&once)) {
		mallctl = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
		g_once_init_leave(&once, 1);
	}
	/* every arena's unused pages (4096: jemalloc's MALLCTL_ARENAS_ALL) */
	if (mallctl)
		mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}
