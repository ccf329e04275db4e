/*
 * test-series-conformance.c - series grouping against Patchwork's test
 * corpus (../shared/conformance/patchwork-series/cases.json): how many
 * cover letters and patches, how many series, and how many patches (and
 * covers) each series holds.
 */
#include <jansson.h>
#include <glib.h>
#include "harness.h"
#include "patchdigest.h"

static char *base;

/* Where the spec and Patchwork part ways on purpose.  Patchwork takes
 * any mail with a diff for a patch; the spec (shared/spec/digest.md)
 * makes a patch a mail whose subject has a patch tag (PATCH, RFC, or an
 * n/N counter: [net,v2,1/2] is one, and agrees with Patchwork).  For
 * these cases the test holds the library to the spec's answer instead. */
static const struct {
	const char *test;
	const char *reason;
	int patches, covers;        /* the spec's counts */
	const char *patch_counts;   /* the spec's patches per series */
} differences[] = {
	{ "RevisedSeriesTest.test_unnumbered",
	  "\"This is an orphaned patch!\" has a diff but no patch tag: a reply by the spec",
	  1, 1, "[1]" },
};

static gint by_value(gconstpointer a, gconstpointer b)
{
	return *(const int *)a - *(const int *)b;
}

/* "[2, 2]" form of a sorted list, for messages. */
static char *list_text(GArray *a)
{
	GString *s = g_string_new("[");
	guint i;

	for (i = 0; i < a->len; i++)
		g_string_append_printf(s, "%s%d", i ? ", " : "", g_array_index(a, int, i));
	g_string_append_c(s, ']');
	return g_string_free(s, FALSE);
}

static void check_list(const char *name, GArray *got, json_t *want_json)
{
	GArray *want = g_array_new(FALSE, FALSE, sizeof(int));
	char *g, *w;
	size_t i;

	for (i = 0; i < json_array_size(want_json); i++) {
		int v = (int)json_integer_value(json_array_get(want_json, i));
		g_array_append_val(want, v);
	}
	/* Patchwork lists series by date; ours are in posting order: compare
	 * the multisets */
	g_array_sort(got, by_value);
	g_array_sort(want, by_value);
	g = list_text(got);
	w = list_text(want);
	CHECK_STR(name, g, w);
	g_free(g);
	g_free(w);
	g_array_free(want, TRUE);
}

static void run_difference(json_t *c, size_t k)
{
	const char *mbox = json_string_value(json_object_get(c, "mbox"));
	char *path = g_build_filename(base, mbox, NULL);
	pd_report *r = NULL;
	GArray *patches = g_array_new(FALSE, FALSE, sizeof(int));
	char name[512], *got;
	size_t i;

	printf("# patchwork %s: deliberate difference: %s\n", differences[k].test, differences[k].reason);
	if (pd_digest_archive(&r, path, NULL, NULL) < 0) {
		printf("not ok - patchwork %s: %s\n", differences[k].test, pd_error_last());
		harness_failed++;
	} else {
		for (i = 0; i < r->n_series; i++) {
			int np = (int)r->series[i].n_patches;
			g_array_append_val(patches, np);
		}
		g_snprintf(name, sizeof(name), "patchwork %s (spec): patches", differences[k].test);
		CHECK_INT(name, r->n_patches, differences[k].patches);
		g_snprintf(name, sizeof(name), "patchwork %s (spec): cover letters", differences[k].test);
		CHECK_INT(name, r->n_covers, differences[k].covers);
		g_array_sort(patches, by_value);
		got = list_text(patches);
		g_snprintf(name, sizeof(name), "patchwork %s (spec): patches per series", differences[k].test);
		CHECK_STR(name, got, differences[k].patch_counts);
		g_free(got);
	}
	pd_report_free(r);
	g_array_free(patches, TRUE);
	g_free(path);
}

static void run_case(json_t *c, const char *mbox_rel, const char *label)
{
	const char *test = json_string_value(json_object_get(c, "test"));
	char *path = g_build_filename(base, mbox_rel, NULL);
	pd_report *r = NULL;
	char name[512];
	GArray *patches = g_array_new(FALSE, FALSE, sizeof(int));
	GArray *covers = g_array_new(FALSE, FALSE, sizeof(int));
	size_t i;
	int complete_all = 1;

	if (pd_digest_archive(&r, path, NULL, NULL) < 0) {
		printf("not ok - patchwork %s%s: %s\n", test, label, pd_error_last());
		harness_failed++;
		goto cleanup;
	}
	for (i = 0; i < r->n_series; i++) {
		int np = (int)r->series[i].n_patches, nc = r->series[i].cover ? 1 : 0;
		g_array_append_val(patches, np);
		g_array_append_val(covers, nc);
		complete_all &= r->series[i].complete;
	}
#define NAME(what) (g_snprintf(name, sizeof(name), "patchwork %s%s: %s", test, label, what), name)
	if (json_object_get(c, "covers"))
		CHECK_INT(NAME("cover letters"), r->n_covers,
			  json_integer_value(json_object_get(c, "covers")));
	if (json_object_get(c, "patches"))
		CHECK_INT(NAME("patches"), r->n_patches,
			  json_integer_value(json_object_get(c, "patches")));
	if (json_object_get(c, "series_patch_counts"))
		check_list(NAME("patches per series"), patches, json_object_get(c, "series_patch_counts"));
	if (json_object_get(c, "series_cover_counts"))
		check_list(NAME("covers per series"), covers, json_object_get(c, "series_cover_counts"));
	if (json_object_get(c, "received_all"))
		CHECK_INT(NAME("received all"), complete_all,
			  json_is_true(json_object_get(c, "received_all")));
#undef NAME
cleanup:
	g_array_free(patches, TRUE);
	g_array_free(covers, TRUE);
	pd_report_free(r);
	g_free(path);
}

int main(void)
{
	char *cases_path;
	json_t *cases;
	size_t i, k;

	base = g_build_filename(shared_dir(), "conformance", "patchwork-series", NULL);
	cases_path = g_build_filename(base, "cases.json", NULL);
	cases = json_load_file(cases_path, 0, NULL);
	if (!cases) {
		SKIP("patchwork series conformance", "../shared/conformance/patchwork-series is not here");
		g_free(cases_path);
		g_free(base);
		return 0;
	}
	for (i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		json_t *mbox = json_object_get(c, "mbox");
		const char *test = json_string_value(json_object_get(c, "test"));
		char name[512];

		if (!json_object_get(c, "series_patch_counts") && !json_object_get(c, "covers")) {
			g_snprintf(name, sizeof(name), "patchwork %s", test);
			SKIP(name, json_object_get(c, "depends_on_lines")
			     ? "Depends-on: links between series; the digest does not resolve them"
			     : "series naming and renaming in Patchwork's database; the digest "
			       "names a series by its cover, else its first patch");
			continue;
		}
		for (k = 0; k < G_N_ELEMENTS(differences); k++)
			if (!strcmp(test, differences[k].test))
				break;
		if (k < G_N_ELEMENTS(differences)) {
			run_difference(c, k);
			continue;
		}
		if (json_is_string(mbox)) {
			run_case(c, json_string_value(mbox), "");
		} else { /* the same mbox delivered to several lists: one digest each */
			for (k = 0; k < json_array_size(mbox); k++) {
				char label[32];
				g_snprintf(label, sizeof(label), " (list %zu)", k + 1);
				json_t *one = json_deep_copy(c);
				json_t *counts = json_array();
				json_array_append(counts, json_array_get(json_object_get(c, "series_patch_counts"), k));
				json_object_set_new(one, "series_patch_counts", counts);
				run_case(one, json_string_value(json_array_get(mbox, k)), label);
				json_decref(one);
			}
		}
	}
	json_decref(cases);
	g_free(cases_path);
	g_free(base);
	return harness_failed ? 1 : 0;
}
