/*
 * test-trailers.c - trailers by b4's rules: b4's own cases
 * (../shared/conformance/b4-trailers/cases.json: parse_trailers,
 * trailer_addr_parsing) and cases of ours for follow-ups: quoted lines,
 * the signature, URLs, the From:-matching rules.
 */
#include <string.h>
#include <glib.h>
#include <jansson.h>
#include "harness.h"
#include "mail/mail.h"

static char *base;

/* "type|name|value|extinfo" of a trailer, as b4's cases write them. */
static char *describe(const pd__trailer *t)
{
	return g_strdup_printf("%s|%s|%s|%s", t->is_utility ? "utility" : t->is_person ? "person"
			       : "unknown", t->tag, t->value, t->extinfo ? t->extinfo : "null");
}

static void b4_parse_cases(json_t *cases)
{
	size_t i, k;
	json_t *c;

	json_array_foreach(json_object_get(cases, "parse_trailers"), i, c) {
		const char *input = json_string_value(json_object_get(c, "input"));
		char *path = g_build_filename(base, input, NULL), *data = NULL, *body;
		json_t *want = json_object_get(c, "expected_trailers"), *w;
		GPtrArray *got;
		char name[256];

		if (!g_file_get_contents(path, &data, NULL, NULL)) {
			printf("not ok - b4 %s: cannot read it\n", input);
			harness_failed++;
			g_free(path);
			continue;
		}
		/* the commit message: after the header, before the "---" */
		body = strstr(data, "\n\n");
		body = body ? body + 2 : data;
		if (strstr(body, "\n---\n"))
			*strstr(body, "\n---\n") = '\0';
		got = pd__find_trailers(body, 0);
		g_snprintf(name, sizeof(name), "b4 parse_trailers %s: count", input);
		CHECK_INT(name, got->len, json_array_size(want));
		json_array_foreach(want, k, w) {
			const char *ext = json_string_value(json_array_get(w, 3));
			char *expect = g_strdup_printf("%s|%s|%s|%s", json_string_value(json_array_get(w, 0)),
						       json_string_value(json_array_get(w, 1)),
						       json_string_value(json_array_get(w, 2)),
						       ext ? ext : "null");
			char *have = k < got->len ? describe(g_ptr_array_index(got, k)) : g_strdup("(none)");
			g_snprintf(name, sizeof(name), "b4 parse_trailers %s: trailer %zu", input, k + 1);
			CHECK_STR(name, have, expect);
			g_free(expect);
			g_free(have);
		}
		g_ptr_array_unref(got);
		g_free(data);
		g_free(path);
	}
	json_array_foreach(json_object_get(cases, "trailer_addr_parsing"), i, c) {
		const char *tag = json_string_value(json_object_get(c, "name"));
		const char *value = json_string_value(json_object_get(c, "value"));
		json_t *addr = json_object_get(c, "expected_addr");
		char *line = g_strdup_printf("%s: %s\n", tag, value);
		GPtrArray *got = pd__find_trailers(line, 0);
		char name[256];

		g_snprintf(name, sizeof(name), "b4 trailer_addr_parsing '%s'", value);
		if (got->len != 1) {
			printf("not ok - %s: %u trailers\n", name, got->len);
			harness_failed++;
		} else {
			pd__trailer *t = g_ptr_array_index(got, 0);
			char *have = g_strdup_printf("%s|%s|%s|%s", t->is_person ? "person" : "other",
						     t->name ? t->name : "", t->address ? t->address : "",
						     t->value);
			char *want = g_strdup_printf("%s|%s|%s|%s",
						     json_string_value(json_object_get(c, "expected_type")),
						     json_string_value(json_array_get(addr, 0)),
						     json_string_value(json_array_get(addr, 1)),
						     json_string_value(json_object_get(c, "expected_value")));
			CHECK_STR(name, have, want);
			g_free(have);
			g_free(want);
		}
		g_ptr_array_unref(got);
		g_free(line);
	}
}

/* Follow-up trailers in a reply's text: "TAG|NAME|ADDRESS" joined by ";". */
static char *followups(const char *text)
{
	GPtrArray *got = pd__find_trailers(text, 1);
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < got->len; i++) {
		pd__trailer *t = g_ptr_array_index(got, i);
		g_string_append_printf(s, "%s%s|%s|%s", i ? ";" : "", t->tag, t->name ? t->name : "",
				       t->address ? t->address : "");
	}
	g_ptr_array_unref(got);
	return g_string_free(s, FALSE);
}

static void ours(void)
{
	char *s;
	pd_person ann = { "Ann Arbor", "ann@intel.com" };
	pd__trailer t = { 0 };

	s = followups("On Mon, Bob wrote:\n> Reviewed-by: Bob <bob@x.org>\n> code\n\n"
		      "Reviewed-by: Ann Arbor <ann@intel.com>\nAcked-by: Ann <ann+kvm@intel.com>\n");
	CHECK_STR("a reply: quoted trailers are not its own", s,
		  "Reviewed-by|Ann Arbor|ann@intel.com;Acked-by|Ann|ann+kvm@intel.com");
	g_free(s);
	s = followups("Looks good.\n\nTested-by: Ann <ann@intel.com>\n-- \nReviewed-by: Sig <s@x.org>\n");
	CHECK_STR("a reply: nothing below the signature", s, "Tested-by|Ann|ann@intel.com");
	g_free(s);
	s = followups("Link: https://lore.kernel.org/x\nCc: Bob <bob@x.org>\nNote: see\n"
		      "Fixes: 0123abcd (\"x\")\nReported-by: Bob <bob@x.org>\n");
	CHECK_STR("a reply: no URL, no Cc, no trailer without a person (but Fixes)", s,
		  "Fixes||;Reported-by|Bob|bob@x.org");
	g_free(s);
	s = followups("Acked-by: Will Deacon <will@kernel.org?\n");
	CHECK_STR("a reply: a value whose '>' is missing keeps its name", s,
		  "Acked-by|Will Deacon|will@kernel.org?");
	g_free(s);
	s = followups("Reviewed-by: Long Name\n<long@x.org>\n");
	CHECK_STR("a reply: an address wrapped onto the next line is joined", s,
		  "Reviewed-by|Long Name|long@x.org");
	g_free(s);

	t.is_person = 1;
	t.name = "Ann Arbor";
	t.address = "ann@intel.com";
	CHECK("matches: the same address", pd__trailer_matches_sender(&t, &ann));
	t.address = "ANN+kvm@intel.com";
	CHECK("matches: the address but for case and a +tag", pd__trailer_matches_sender(&t, &ann));
	t.address = "ann@linux.intel.com";
	CHECK("matches: domains one label apart", pd__trailer_matches_sender(&t, &ann));
	t.address = "ann@a.b.intel.com";
	t.name = "Someone Else";
	CHECK("does not match: domains two labels apart, another name",
	      !pd__trailer_matches_sender(&t, &ann));
	t.name = "ann arbor";
	CHECK("matches: another address, the same name", pd__trailer_matches_sender(&t, &ann));
	t.name = "Bob";
	t.address = "bob@x.org";
	CHECK("does not match: another person", !pd__trailer_matches_sender(&t, &ann));
}

/* pd__lines_in_place(), which the trailer and "applied" readers split
 * with, gives g_strsplit()'s lines: every text of up to five pieces. */
static void lines_like_strsplit(void)
{
	static const char *const pieces[] = { "", "\n", "a", "bc", "\r", "\n\n", " " };
	const size_t n = G_N_ELEMENTS(pieces);
	size_t tried = 0, differs = 0;

	for (size_t k = 0; k < n * n * n * n * n; k++) {
		GString *text = g_string_new(NULL);
		char **want, **got, *copy;
		for (size_t d = k, j = 0; j < 5; j++, d /= n)
			g_string_append(text, pieces[d % n]);
		want = g_strsplit(text->str, "\n", -1);
		copy = g_strdup(text->str);
		got = pd__lines_in_place(copy);
		tried++;
		if (g_strv_length(want) != g_strv_length(got))
			differs++;
		else
			for (size_t i = 0; want[i]; i++)
				differs += strcmp(want[i], got[i]) != 0;
		g_strfreev(want);
		g_free(got);
		g_free(copy);
		g_string_free(text, TRUE);
	}
	printf("# %zu texts split\n", tried);
	CHECK_INT("pd__lines_in_place(): g_strsplit()'s lines", (int)differs, 0);
}

int main(void)
{
	json_t *cases;

	lines_like_strsplit();
	ours();
	base = g_build_filename(shared_dir(), "conformance", "b4-trailers", NULL);
	{
		char *path = g_build_filename(base, "cases.json", NULL);
		cases = json_load_file(path, 0, NULL);
		g_free(path);
	}
	if (!cases) {
		SKIP("b4 trailer conformance", "../shared/conformance/b4-trailers is not here");
	} else {
		b4_parse_cases(cases);
		json_decref(cases);
	}
	g_free(base);
	return harness_failed ? 1 : 0;
}
