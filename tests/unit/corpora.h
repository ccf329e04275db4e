/*
 * corpora.h - walking every message of the archives a reading test holds
 * to an oracle: the bundled sample, and kvm-ppc and kvmarm from
 * ../shared when they are there.
 */
#ifndef PD_TEST_CORPORA_H
#define PD_TEST_CORPORA_H

#include <glib.h>
#include "harness.h"

/* Calls `each` with the bytes of every message of the archive at `path`
 * (messages the archive cannot give are passed over).  1 when it was
 * read; 0 when it is not here, said as a skip of "NAME: WHAT"; -1 when
 * it cannot be opened, said as a failure. */
static inline int corpus_each_message(const char *name, const char *path, const char *what,
				      void (*each)(const pd_raw_message *raw, void *payload),
				      void *payload)
{
	pd_archive *a = NULL;
	pd_archive_iter *iter = NULL;
	pd_range_options range = PD_RANGE_OPTIONS_INIT;
	pd_raw_message raw;
	int error, read = -1;

	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		char *label = g_strdup_printf("%s: %s", name, what);
		SKIP(label, "not here: needs ../shared");
		g_free(label);
		return 0;
	}
	if (pd_archive_open(&a, path) < 0 || pd_archive_iter_new(&iter, a, &range) < 0) {
		printf("not ok - %s opens: %s\n", path, pd_error_last());
		harness_failed++;
	} else {
		while ((error = pd_archive_iter_next(&raw, iter)) != PD_ITEROVER)
			if (error == 0)
				each(&raw, payload);
		read = 1;
	}
	pd_archive_iter_free(iter);
	pd_archive_free(a);
	return read;
}

/* Moves *data and *len past a leading mbox "From " line, which the
 * message parser skips too. */
static inline void corpus_skip_from_line(const char **data, size_t *len)
{
	if (*len >= 5 && !memcmp(*data, "From ", 5)) {
		const char *nl = memchr(*data, '\n', *len);
		size_t skip = nl ? (size_t)(nl + 1 - *data) : *len;
		*data += skip;
		*len -= skip;
	}
}

/* Calls `archive` with the name and path of kvm-ppc and kvmarm in
 * ../shared, in that order. */
static inline void corpora_shared_each(void (*archive)(const char *name, const char *path))
{
	char *p = g_strdup_printf("%s/corpus/kvm-ppc", shared_dir());

	archive("kvm-ppc", p);
	g_free(p);
	p = g_strdup_printf("%s/corpus/kvmarm", shared_dir());
	archive("kvmarm", p);
	g_free(p);
}

/* Calls `archive` with the name and path of the sample, kvm-ppc and
 * kvmarm, in that order. */
static inline void corpora_each(void (*archive)(const char *name, const char *path))
{
	archive("the bundled sample", "sample/kvm-sample.mbox");
	corpora_shared_each(archive);
}

#endif
