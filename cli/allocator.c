/*
 * allocator.c - the program's malloc.
 *
 * Built with jemalloc (the Makefile's ALLOCATOR, the default): the
 * reading threads allocate and free hundreds of small blocks a message,
 * and free what other threads allocated (the calling thread frees every
 * parsed message; a thread evicting from the shared object cache frees
 * what another inflated).  glibc's malloc then takes the other thread's
 * arena lock, and on kvmarm some 8,500 of those meetings became futex
 * sleeps and wake-ups; jemalloc hands such frees back in batches from a
 * per-thread cache.  Measured (bench/README.md): kvmarm 12 to 15% faster
 * on two cores, a million messages 10% faster, for 5 to 15% more peak RSS
 * (both memory targets of issue 16 still met).
 *
 * Built without it (ALLOCATOR= , and the sanitizer builds, whose own
 * malloc checks every access): glibc's, tuned by cli_limit_memory().
 */
#include "cli.h"

#ifdef PD_JEMALLOC
/* jemalloc reads this before its first allocation; the environment's
 * MALLOC_CONF, read after it, wins.  A digest's phases free tables of
 * tens of MB at a million messages: freed pages go back to the system
 * after a second, not ten (dirty_decay_ms), and at once from there
 * (muzzy_decay_ms). */
const char *malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";
#endif
