/*
 * fuzz-common.h - what the fuzz targets share: the input as a C string,
 * and the invariant every text the library hands out must hold.
 */
#ifndef PD_FUZZ_COMMON_H
#define PD_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "patchdigest.h"

/* The input as a NUL-terminated string (cut at its first NUL, as every
 * header-level function sees it). g_free() it. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	return g_strndup((const char *)data, size);
}

/* Every string the library returns as text is valid UTF-8: a renderer
 * or a JSON library downstream must never see anything else. */
static inline void fuzz_assert_utf8(const char *what, const char *s)
{
	if (s && !g_utf8_validate(s, -1, NULL)) {
		fprintf(stderr, "fuzz: %s is not valid UTF-8\n", what);
		abort();
	}
}

static inline void fuzz_assert(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz: invariant broken: %s\n", what);
		abort();
	}
}

/* A GLib critical or warning is a broken precondition inside the
 * library: make it a crash the fuzzer keeps, not a line it ignores. */
__attribute__((constructor)) static void fuzz_fatal_criticals(void)
{
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
	pd_init();
}

#endif
