/*
 * test-mail-oracle.c - the header scanner (header-scan.c) against GMime.
 * Every message of the bundled sample, the seed fixtures and the corpora
 * (when ../shared is here) is parsed twice, once as the digest does and
 * once with GMime's full parser (full_mime), and every field of the two
 * pd_message must be equal.  GMime stays the oracle for what the scanner
 * takes over.
 */
#include <glib.h>
#include "harness.h"
#include "patchdigest.h"
#include "mail/header-scan.h"
#include "message-compare.h"

/* Compares both paths over every message of `path`; returns how many. */
static size_t compare_archive(const char *path, size_t *scanned_differs, size_t *n_scanned)
{
	pd_archive *archive = NULL;
	pd_archive_iter *iter = NULL;
	pd_range_options range = PD_RANGE_OPTIONS_INIT;
	pd_parse_options fast = PD_PARSE_OPTIONS_INIT, full = PD_PARSE_OPTIONS_INIT;
	pd_raw_message raw;
	size_t n = 0;
	int error, reported = 0;

	fast.keep_all_bodies = full.keep_all_bodies = 1;
	full.full_mime = 1;
	if (pd_archive_open(&archive, path) < 0 || pd_archive_iter_new(&iter, archive, &range) < 0) {
		printf("not ok - %s opens: %s\n", path, pd_error_last());
		harness_failed++;
		goto cleanup;
	}
	while ((error = pd_archive_iter_next(&raw, iter)) != PD_ITEROVER) {
		pd_message *a = NULL, *b = NULL;
		int ea, eb;
		pd__scanned_headers sh;
		size_t skip = 0;
		if (error < 0)
			continue;
		if (raw.len >= 5 && !memcmp(raw.data, "From ", 5)) {
			const char *nl = memchr(raw.data, '\n', raw.len);
			skip = nl ? (size_t)(nl + 1 - raw.data) : raw.len;
		}
		*n_scanned += pd__scan_headers(&sh, raw.data + skip, raw.len - skip) != PD__SCAN_GMIME;
		ea = pd_message_parse(&a, raw.data, raw.len, raw.origin, &fast);
		eb = pd_message_parse(&b, raw.data, raw.len, raw.origin, &full);
		n++;
		if (ea != eb) {
			(*scanned_differs)++;
			if (reported++ < 5)
				printf("# %s: %s: status %d, GMime %d\n", path, raw.origin, ea, eb);
		} else if (ea == 0) {
			const char *what = pd_message_first_difference(a, b);
			if (what) {
				(*scanned_differs)++;
				if (reported++ < 5)
					printf("# %s: %s: %s differs\n", path, raw.origin, what);
			}
		}
		pd_message_free(a);
		pd_message_free(b);
	}
cleanup:
	pd_archive_iter_free(iter);
	pd_archive_free(archive);
	return n;
}

static void check_archive(const char *name, const char *path)
{
	size_t differs = 0, scanned = 0, n;
	char label[300];

	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		snprintf(label, sizeof label, "%s: scanner and GMime agree", name);
		SKIP(label, "not here: needs ../shared");
		return;
	}
	n = compare_archive(path, &differs, &scanned);
	snprintf(label, sizeof label, "%s: scanner and GMime agree on all %zu messages", name, n);
	CHECK(label, n > 0 && differs == 0);
	/* agreement means something only if the scanner read most of them */
	snprintf(label, sizeof label, "%s: the scanner read %zu of them", name, scanned);
	CHECK(label, scanned * 2 > n);
}

int main(void)
{
	char *p;

	check_archive("the bundled sample", "sample/kvm-sample.mbox");
	for (int i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof name, "seed %03d", i);
		p = g_strdup_printf("%s/fixtures/seeds/%03d/input.mbox", shared_dir(), i);
		check_archive(name, p);
		g_free(p);
	}
	p = g_strdup_printf("%s/corpus/kvm-ppc", shared_dir());
	check_archive("kvm-ppc", p);
	g_free(p);
	p = g_strdup_printf("%s/corpus/kvmarm", shared_dir());
	check_archive("kvmarm", p);
	g_free(p);
	return harness_failed ? 1 : 0;
}
