/*
 * test-mail-oracle.c - the header scanner (header-scan.c) against GMime.
 * Every message of the bundled sample, the seed fixtures and the corpora
 * (when ../shared is here) is parsed twice, once as the digest does and
 * once with GMime's full parser (full_mime), and every field of the two
 * pd_message must be equal.  GMime stays the oracle for what the scanner
 * takes over.  So does it for header blocks made here to test how the
 * scanner reads names (lengths around its 16-byte steps, kept names in
 * other cases or nearly kept ones, bytes no name may hold).
 */
#include <glib.h>
#include "harness.h"
#include "corpora.h"
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
		const char *mail = raw.data;
		size_t mail_len = raw.len;
		if (error < 0)
			continue;
		corpus_skip_from_line(&mail, &mail_len);
		*n_scanned += pd__scan_headers(&sh, mail, mail_len) != PD__SCAN_GMIME;
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

/* Header blocks made to test the scanner's reading of names: names of
 * every length around its 16-byte steps, names that are kept ones in
 * other cases or one letter off, bytes GMime refuses in a name (8-bit,
 * DEL, controls), and blocks that end at the end of the buffer (a copy
 * of exactly its length, so that a read past it is the sanitizer's). */
static void made_names(void)
{
	static const char *const names[] = {
		"Subject", "SUBJECT", "sUbJeCt", "Subjecu", "Subjec", "Subjects", "From", "FROM",
		"from", "Fr0m", "Message-ID", "MESSAGE-id", "Message_ID", "References", "Reference",
		"Content-Type", "CONTENT-TYPE", "Content-Typf", "Content-Transfer-Encoding",
		"content-transfer-encodinG", "Content-Transfer-Encodinh", "X-Original-From",
		"Reply-To", "Received", "List-Id", "To", "T", "X", "Subjec4", "Fr/m", "Reply-T/",
		"Date", "DATE", "Dat%", NULL
	};
	static const char *const odd[] = { "", "\x80", "\xff", "\x7f", "\x01", "\t", " ", "@", "[", NULL };
	pd_parse_options fast = PD_PARSE_OPTIONS_INIT, full = PD_PARSE_OPTIONS_INIT;
	size_t cases = 0, differ = 0, scanned = 0;

	fast.keep_all_bodies = full.keep_all_bodies = 1;
	full.full_mime = 1;
	for (int n = 0; names[n]; n++)
		for (int o = 0; odd[o]; o++)
			for (int pad = 0; pad < 40; pad += 3)
				for (int body = 0; body < 2; body++) {
					/* the name padded to every length around 16 and 32 */
					char *padded = g_strdup_printf("%s%s%.*s", names[n], odd[o], pad,
								       "-Abcdefghijklmnopqrstuvwxyz0123456789ABCDEF");
					char *text = g_strdup_printf(
						"From: A <a@example.org>\nSubject: [PATCH] x\n"
						"Message-ID: <n%d.%d.%d@example.org>\n%s: value\n"
						"%s: also\n\tfolded\n%s",
						n, o, pad, padded, names[n], body ? "\nbody\n" : "\n");
					size_t len = strlen(text);
					char *exact = g_memdup2(text, len);
					pd_message *a = NULL, *b = NULL;
					pd__scanned_headers sh;
					int ea = pd_message_parse(&a, exact, len, "made", &fast);
					int eb = pd_message_parse(&b, exact, len, "made", &full);
					scanned += pd__scan_headers(&sh, exact, len) != PD__SCAN_GMIME;
					cases++;
					if (ea != eb || (ea == 0 && pd_message_first_difference(a, b))) {
						if (differ++ < 5)
							printf("# made: \"%s\": %s differs\n", padded,
							       ea != eb ? "status" : pd_message_first_difference(a, b));
					}
					pd_message_free(a);
					pd_message_free(b);
					g_free(exact);
					g_free(text);
					g_free(padded);
				}
	{
		char label[200];
		snprintf(label, sizeof label, "made header names: scanner and GMime agree on all %zu", cases);
		CHECK(label, differ == 0);
		snprintf(label, sizeof label, "made header names: the scanner read %zu of them", scanned);
		CHECK(label, scanned * 6 > cases);
	}
}

int main(void)
{
	char *p;

	made_names();
	check_archive("the bundled sample", "sample/kvm-sample.mbox");
	for (int i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof name, "seed %03d", i);
		p = g_strdup_printf("%s/fixtures/seeds/%03d/input.mbox", shared_dir(), i);
		check_archive(name, p);
		g_free(p);
	}
	corpora_shared_each(check_archive);
	return harness_failed ? 1 : 0;
}
