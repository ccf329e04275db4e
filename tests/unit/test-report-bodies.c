/*
 * test-report-bodies.c - a report keeps the commit messages of its covers
 * and first patches, and every posting's subject, title and origin, in
 * a temporary file, not in its records, and gives each back whole
 * through pd_report_commit_message() and pd_report_post_text(); when no
 * temporary file can be made, it keeps them in memory and loses nothing.
 */
#include <glib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "patchdigest.h"

static const char cover[] =
	"From: A U Thor <author@example.org>\n"
	"Subject: [PATCH 0/1] widget: make it faster\n"
	"Date: Mon, 2 Jun 2025 10:00:00 +0000\n"
	"Message-ID: <cover@example.org>\n"
	"\n"
	"The widget was slow.\n\nThis makes it fast: caf\xc3\xa9.\n";
static const char patch[] =
	"From: A U Thor <author@example.org>\n"
	"Subject: [PATCH 1/1] widget: cache the lookups\n"
	"Date: Mon, 2 Jun 2025 10:00:01 +0000\n"
	"Message-ID: <patch1@example.org>\n"
	"In-Reply-To: <cover@example.org>\n"
	"\n"
	"Cache them.\n\nSigned-off-by: A U Thor <author@example.org>\n---\n"
	"diff --git a/w b/w\n--- a/w\n+++ b/w\n@@ -1 +1 @@\n-a\n+b\n";

/* What the parser alone makes of `raw`'s commit message. */
static char *parsed_body(const char *raw)
{
	pd_message *m = NULL;
	char *body;

	pd_message_parse(&m, raw, strlen(raw), "test", NULL);
	body = g_strdup(m->commit_message);
	pd_message_free(m);
	return body;
}

/* A digest of the cover and the patch gives their texts back; `how`
 * names the case. */
static void texts_come_back(const char *how)
{
	const char *raws[] = { cover, patch };
	pd_digest *d = NULL;
	pd_report *r = NULL;
	char *got = NULL, *want, *name;
	size_t i;

	pd_digest_new(&d, NULL);
	for (i = 0; i < 2; i++) {
		pd_raw_message raw = { raws[i], strlen(raws[i]), "test", 0 };
		pd_digest_add_raw(d, &raw);
	}
	CHECK_INT("finish", pd_digest_finish(&r, d, NULL, NULL, NULL, NULL), PD_OK);
	CHECK_INT("one series", r->n_series, 1);
	if (r->n_series != 1) {
		pd_report_free(r);
		return;
	}
	want = parsed_body(cover);
	name = g_strdup_printf("%s: the cover's text is the parser's, byte for byte", how);
	CHECK_INT("the cover's text comes back", pd_report_commit_message(&got, r, r->series[0].cover), PD_OK);
	CHECK_STR(name, got, want);
	g_free(name);
	g_free(got);
	g_free(want);
	want = parsed_body(patch);
	name = g_strdup_printf("%s: the first patch's text is the parser's, byte for byte", how);
	pd_report_commit_message(&got, r, r->series[0].first_patch);
	CHECK_STR(name, got, want);
	g_free(name);
	g_free(got);
	g_free(want);
	/* a posting's subject, title, origin and To: come back the same way */
	{
		pd_post_text *t = NULL;
		name = g_strdup_printf("%s: the patch's subject, title and origin come back", how);
		CHECK(name, pd_report_post_text(&t, r, r->series[0].first_patch) == PD_OK && t
		      && !strcmp(t->subject, "[PATCH 1/1] widget: cache the lookups")
		      && !strcmp(t->title, "widget: cache the lookups") && t->origin
		      && !strcmp(t->origin, "test") && !t->to_address);
		g_free(name);
		pd_post_text_free(t);
		t = NULL;
		name = g_strdup_printf("%s: the cover's title is in memory too", how);
		CHECK(name, pd_report_post_text(&t, r, r->series[0].cover) == PD_OK && t
		      && !strcmp(t->subject, "[PATCH 0/1] widget: make it faster")
		      && r->series[0].cover->tags.title
		      && !strcmp(r->series[0].cover->tags.title, t->title));
		g_free(name);
		pd_post_text_free(t);
		pd_post_text_free(NULL);
	}
	pd_report_free(r);
}

int main(void)
{
	pid_t child;
	int status = 0;

	/* first, a process whose $TMPDIR cannot hold a file (GLib reads it
	 * once, so in a child forked before anything asked) */
	fflush(stdout);
	child = fork();
	if (child == 0) {
		g_setenv("TMPDIR", "/nonexistent/patchdigest-test", TRUE);
		texts_come_back("no temporary file");
		fflush(stdout);
		_exit(harness_failed ? 1 : 0);
	}
	CHECK("the child ran", child > 0 && waitpid(child, &status, 0) == child);
	CHECK("the child's checks passed", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	texts_come_back("in the temporary file");
	return harness_failed ? 1 : 0;
}
