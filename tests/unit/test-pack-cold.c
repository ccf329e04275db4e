/*
 * test-pack-cold.c - reading a pack that is not in memory (archive/pack.c,
 * pack_pread()).  A pack of random messages is made here with git
 * fast-import, pushed out of the page cache (posix_fadvise DONTNEED:
 * no root needed), and one message in its middle read: the reader must
 * have asked the kernel for the megabytes on both sides of it, which
 * the kernel's own read-ahead never brings backwards.  mincore(2) on a
 * mapping of the pack that nothing touches says which pages came in.
 * A filesystem whose files cannot leave memory (tmpfs) cannot show it:
 * the case is skipped there, saying so.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>
#include "harness.h"
#include "archive/pack.h"
#include "fast-import.h"

#define MESSAGES 4000
#define MIDDLE 2000
#define MB ((off_t)1 << 20)

/* Message `i`: 6 KB of letters from a fixed seed, which deflate cannot
 * shrink much, so that the pack is some 19 MB. */
static GString *message(int i)
{
	GRand *r = g_rand_new_with_seed((guint32)i + 1);
	GString *m = g_string_new(NULL);

	g_string_append_printf(m, "Message-ID: <%d@example.org>\n\n", i);
	while (m->len < 6000)
		g_string_append_c(m, (char)('!' + g_rand_int_range(r, 0, 90)));
	g_string_append_c(m, '\n');
	g_rand_free(r);
	return m;
}

/* A bare repository at `dir` holding MESSAGES blobs in one pack written
 * by git fast-import, in their order; their ids in `marks`.  0 or -1. */
static int make_pack(const char *dir)
{
	char *marks = g_build_filename(dir, "marks", NULL);
	char *opt = g_strdup_printf("--export-marks=%s", marks);
	GString *stream = g_string_new(NULL);
	int made;

	for (int i = 0; i < MESSAGES; i++) {
		GString *m = message(i);
		fast_import_blob(stream, i + 1, m);
		g_string_free(m, TRUE);
	}
	made = fast_import(dir, stream, opt);
	g_string_free(stream, TRUE);
	g_free(opt);
	g_free(marks);
	return made;
}

/* The id of mark `mark` in dir/marks, as 20 bytes.  0 or -1. */
static int mark_id(unsigned char id[20], const char *dir, int mark)
{
	char *path = g_build_filename(dir, "marks", NULL), *text = NULL;
	char *want = g_strdup_printf(":%d ", mark);
	int found = -1;

	if (g_file_get_contents(path, &text, NULL, NULL)) {
		char **lines = g_strsplit(text, "\n", -1);
		for (char **l = lines; *l && found < 0; l++) {
			if (g_str_has_prefix(*l, want) && strlen(*l) == strlen(want) + 40) {
				const char *hex = *l + strlen(want);
				found = 0;
				for (int k = 0; k < 20; k++) {
					int hi = g_ascii_xdigit_value(hex[2 * k]), lo = g_ascii_xdigit_value(hex[2 * k + 1]);
					if (hi < 0 || lo < 0)
						found = -1;
					id[k] = (unsigned char)(hi << 4 | lo);
				}
			}
		}
		g_strfreev(lines);
	}
	g_free(text);
	g_free(want);
	g_free(path);
	return found;
}

/* mincore(2) calls that failed: "no page in memory" must not pass
 * unseen because of one. */
static int mincore_failed;

/* How many of the pages of [from, to) of the mapping `map` are in
 * memory. */
static size_t resident(void *map, off_t from, off_t to)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t n, in = 0;
	unsigned char *vec;
	int ok;

	from -= from % page; /* mincore() takes whole pages */
	n = (size_t)((to - from + page - 1) / page);
	vec = g_malloc(n);
	ok = mincore((char *)map + from, (size_t)(to - from), vec) == 0;
	mincore_failed += !ok;
	for (size_t i = 0; ok && i < n; i++)
		in += vec[i] & 1;
	g_free(vec);
	return in;
}

/* Waits (up to 5 s) for [from, to) of `map` to be in memory: the
 * kernel reads in the background. */
static int comes_in(void *map, off_t from, off_t to)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = (size_t)((to - from + from % page + page - 1) / page);

	for (int i = 0; i < 500; i++) {
		if (resident(map, from, to) == pages)
			return 1;
		g_usleep(10000);
	}
	return 0;
}

/* 1 when the pack's pages left memory, 0 when this filesystem keeps
 * them (tmpfs). */
static int make_cold(int fd, void *map, off_t size)
{
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return resident(map, 0, size) == 0;
}

/* Reads the middle message of the pack at `dir` from a cold cache. */
static int cold_read(const char *dir)
{
	char *path = fast_import_pack(dir);
	int fd = path ? open(path, O_RDONLY) : -1;
	struct stat st;
	void *map = MAP_FAILED;
	unsigned char id[20];
	pd__packs *packs;
	int done = 0;

	if (fd < 0 || fstat(fd, &st) < 0 || mark_id(id, dir, MIDDLE + 1) < 0) {
		CHECK("the pack was made", 0);
		goto cleanup;
	}
	printf("# a pack of %lld bytes, %d messages\n", (long long)st.st_size, MESSAGES);
	CHECK("the pack is large enough to show both sides", st.st_size > 16 * MB);
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	/* opened first: opening reads the pack's first and last bytes,
	 * which the kernel may read ahead of; then nothing of the pack is
	 * in memory but what the read below brings */
	packs = pd__packs_open(dir);
	if (map == MAP_FAILED || !make_cold(fd, map, st.st_size)) {
		pd__packs_free(packs);
		goto cleanup;
	}
	done = 1;
	{
		pd__packs_stats stats;
		const unsigned char *bytes;
		size_t len;
		int type;
		GString *want = message(MIDDLE);
		/* fast-import writes the messages in order: the middle one
		 * is about half way */
		off_t at = st.st_size / 2;
		int read = pd__packs_read(&bytes, &len, &type, packs, id);
		CHECK("the middle message reads from a cold cache",
		      read == 0 && len == want->len && !memcmp(bytes, want->str, len));
		pd__packs_get_stats(&stats, packs);
		CHECK_INT("one read of bytes not in memory asked the kernel for more", stats.brought_in, 1);
		CHECK("the megabytes before it come in (the kernel reads ahead only forwards)",
		      comes_in(map, at - 3 * MB, at - 2 * MB));
		CHECK("the megabytes after it come in", comes_in(map, at + 2 * MB, at + 3 * MB));
		CHECK("nothing far from it was asked for",
		      resident(map, MB, 2 * MB) == 0
		      && resident(map, st.st_size - 3 * MB, st.st_size - 2 * MB) == 0);
		/* the messages next to it: read without looking again */
		for (int k = MIDDLE - 20; k < MIDDLE + 20; k++) {
			unsigned char near[20];
			if (mark_id(near, dir, k + 1) == 0)
				pd__packs_read(&bytes, &len, &type, packs, near);
		}
		pd__packs_get_stats(&stats, packs);
		CHECK_INT("reads near it do not look again", stats.looked, 1);
		pd__packs_free(packs);
		g_string_free(want, TRUE);
		/* now in memory: a new reader reads it without asking */
		packs = pd__packs_open(dir);
		read = pd__packs_read(&bytes, &len, &type, packs, id);
		pd__packs_get_stats(&stats, packs);
		CHECK("a read of bytes in memory asks for nothing",
		      read == 0 && stats.looked == 1 && stats.brought_in == 0);
		pd__packs_free(packs);
		CHECK_INT("mincore(2) answered every question", mincore_failed, 0);
	}
cleanup:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	g_free(path);
	return done;
}

int main(void)
{
	/* $TMPDIR first, then the build directory: /tmp is often tmpfs */
	const char *bases[] = { g_get_tmp_dir(), "build", NULL };
	int done = 0;

	for (int i = 0; bases[i] && !done; i++) {
		char *tmpl = g_build_filename(bases[i], "test-pack-cold-XXXXXX", NULL);
		char *dir = g_mkdtemp(tmpl);
		if (!dir) {
			g_free(tmpl);
			continue;
		}
		if (make_pack(dir) < 0) {
			SKIP("a cold pack", "git fast-import could not make the pack");
			done = 1;
		} else {
			done = cold_read(dir);
		}
		harness_remove_tree(dir);
		g_free(tmpl);
	}
	if (!done)
		SKIP("a cold pack", "neither $TMPDIR nor build/ lets a file leave the page cache "
				    "(tmpfs?): a cold read cannot be made here");
	return harness_failed ? 1 : 0;
}
