/*
 * test-mailinfo-conformance.c - the library against git's own mailinfo
 * corpus (../shared/conformance/git-mailinfo): Author, Email, Subject,
 * Date, and the commit message and patch, byte for byte.
 *
 * Cases run with an option git am does not use by default are not this
 * tool's business; each is skipped with that reason named.
 */
#include <jansson.h>
#include <glib.h>
#include "harness.h"
#include "mail/mail.h"

static char *base;

static char *slurp(const char *rel, size_t *len)
{
	char *path = g_build_filename(base, rel, NULL), *data = NULL;
	gsize n = 0;

	if (!g_file_get_contents(path, &data, &n, NULL))
		data = NULL;
	g_free(path);
	*len = n;
	return data;
}

static void compare_file(const char *id, const char *what, const char *rel,
			 const char *got, size_t got_len)
{
	size_t len;
	char *want = slurp(rel, &len);
	char name[256];

	g_snprintf(name, sizeof(name), "mailinfo %s: %s", id, what);
	if (!want) {
		printf("not ok - %s: cannot read %s\n", name, rel);
		harness_failed++;
		return;
	}
	if (len == got_len && !memcmp(want, got, len)) {
		printf("ok - %s\n", name);
	} else {
		size_t i = 0;
		while (i < len && i < got_len && want[i] == got[i])
			i++;
		printf("not ok - %s: differs at byte %zu (got %zu bytes, want %zu)\n"
		       "#   got:  \"%.60s\"\n#   want: \"%.60s\"\n",
		       name, i, got_len, len, got + i, want + i);
		harness_failed++;
	}
	g_free(want);
}

static void check_field(const char *id, json_t *info, const char *key, const char *got)
{
	json_t *v = json_object_get(info, key);
	char name[256];

	g_snprintf(name, sizeof(name), "mailinfo %s: %s", id, key);
	if (!v) /* git printed no such line for this case */
		return;
	CHECK_STR(name, got ? got : "", json_string_value(v));
}

int main(void)
{
	char *cases_path;
	json_error_t jerr;
	json_t *cases;
	size_t i;

	base = g_build_filename(shared_dir(), "conformance", "git-mailinfo", NULL);
	cases_path = g_build_filename(base, "cases.json", NULL);
	cases = json_load_file(cases_path, 0, &jerr);
	if (!cases) {
		SKIP("git mailinfo conformance", "../shared/conformance/git-mailinfo is not here");
		g_free(cases_path);
		g_free(base);
		return 0;
	}
	for (i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		const char *id = json_string_value(json_object_get(c, "id"));
		json_t *options = json_object_get(c, "options");
		json_t *info = json_object_get(c, "expect_info");
		int no_inbody = 0;
		pd__mailinfo *mi = NULL;
		size_t len, k;
		char *input;
		int skip = 0;

		for (k = 0; k < json_array_size(options); k++) {
			const char *o = json_string_value(json_array_get(options, k));
			if (!strcmp(o, "--no-inbody-headers"))
				no_inbody = 1;
			else
				skip = 1;
		}
		if (json_object_get(c, "config"))
			skip = 1;
		if (skip) {
			char name[256];
			g_snprintf(name, sizeof(name), "mailinfo %s", id);
			SKIP(name, "runs git mailinfo with an option or config git am does not "
			     "use by default (-k, -b, --scissors, --message-id, --quoted-cr); "
			     "the digest never needs it");
			continue;
		}
		input = slurp(json_string_value(json_object_get(c, "input")), &len);
		if (!input || pd__mailinfo_run(&mi, input, len, no_inbody) < 0) {
			printf("not ok - mailinfo %s: cannot parse: %s\n", id, pd_error_last());
			harness_failed++;
			g_free(input);
			continue;
		}
		if (info && json_is_object(info)) {
			check_field(id, info, "Author", mi->author);
			check_field(id, info, "Email", mi->email);
			check_field(id, info, "Subject", mi->subject);
			check_field(id, info, "Date", mi->date);
		}
		if (json_object_get(c, "expect_msg"))
			compare_file(id, "commit message", json_string_value(json_object_get(c, "expect_msg")),
				     mi->msg, mi->msg_len);
		if (json_object_get(c, "expect_patch"))
			compare_file(id, "patch", json_string_value(json_object_get(c, "expect_patch")),
				     mi->patch, mi->patch_len);
		if (json_object_get(c, "expect_patch_line_count")) {
			char name[256];
			long lines = 0;
			for (k = 0; k < mi->patch_len; k++)
				lines += mi->patch[k] == '\n';
			g_snprintf(name, sizeof(name), "mailinfo %s: patch line count", id);
			CHECK_INT(name, lines, json_integer_value(json_object_get(c, "expect_patch_line_count")));
		}
		pd__mailinfo_free(mi);
		g_free(input);
	}
	json_decref(cases);
	g_free(cases_path);
	g_free(base);
	return harness_failed ? 1 : 0;
}
