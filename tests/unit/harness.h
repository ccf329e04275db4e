/*
 * harness.h - a tiny test harness.  Each check prints "ok - NAME" or
 * "not ok - NAME" with the difference; "skip - NAME (why)" for a case that
 * cannot run here.  tests/run-all.sh counts the lines.
 */
#ifndef PD_HARNESS_H
#define PD_HARNESS_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <glib.h>
#include "patchdigest.h"

static int harness_failed;

#define CHECK(name, cond) do { \
	if (cond) printf("ok - %s\n", name); \
	else { printf("not ok - %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); harness_failed++; } \
} while (0)

#define CHECK_STR(name, got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && !strcmp(g_, w_)) printf("ok - %s\n", name); \
	else { printf("not ok - %s: got \"%s\", want \"%s\"\n", name, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); harness_failed++; } \
} while (0)

#define CHECK_INT(name, got, want) do { \
	long g_ = (long)(got), w_ = (long)(want); \
	if (g_ == w_) printf("ok - %s\n", name); \
	else { printf("not ok - %s: got %ld, want %ld\n", name, g_, w_); harness_failed++; } \
} while (0)

/* Every test program sets the library up before main(), as a program
 * calls pd_init() first. */
__attribute__((constructor)) static void harness_init(void)
{
	pd_init();
}

#define SKIP(name, why) printf("skip - %s (%s)\n", name, why)

/* Removes a test's scratch directory `dir` and everything in it. */
static inline void harness_remove_tree(const char *dir)
{
	const char *argv[] = { "rm", "-rf", dir, NULL };

	g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* The shared material, when the project sits beside it. */
static inline const char *shared_dir(void)
{
	const char *env = getenv("PD_SHARED");
	return env ? env : "../shared";
}

#endif
