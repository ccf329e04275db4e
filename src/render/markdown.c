/*
 * render/markdown.c - the digest in Markdown (CommonMark, with the
 * pipe tables GitHub, GitLab and most wikis and forums read) for a wiki
 * page, a forum post or an issue (docs/format.md, "Markdown").
 *
 * Written from the report's JSON document, as the HTML page.  Text from
 * mail is made safe for display, then each character that could mean
 * something there is backslash-escaped (CommonMark reads "\x" as a
 * literal x for any ASCII punctuation): emphasis and code (* _ ` ~),
 * links and images ([ ]), inline HTML and entities (< > &), a table
 * cell's end (|), GitHub's mentions and math (@ $), and the backslash.
 * Where mail text starts a block (a list item's text) a leading marker
 * (# + - = or "1.") is escaped too, and leading blanks are dropped.  Commit messages go in fenced blocks, fenced by
 * more backticks than any run inside them.
 */
#include <string.h>
#include "render/render.h"

#define TOP_ROWS 15

/* `s` (from mail) as one line of Markdown text. */
static void text(GString *out, const char *s)
{
	char *shown;

	if (!s)
		return;
	shown = pd_display_text(s, 0);
	for (const char *p = shown; *p; p++) {
		if (strchr("\\`*_~[]<>&|@$", *p))
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
	pd_free(shown);
}

/* `s` (from mail) where a block starts: in a list item, "# x" would be
 * a heading, "- x" a list, "1. x" a numbered one, four blanks code. */
static void text_lead(GString *out, const char *s)
{
	size_t digits;

	if (!s)
		return;
	s += strspn(s, " \t");
	digits = strspn(s, "0123456789");
	if (*s && strchr("#+-=", *s)) {
		g_string_append_c(out, '\\');
	} else if (digits && (s[digits] == '.' || s[digits] == ')')) {
		g_string_append_len(out, s, (gssize)digits);
		g_string_append_c(out, '\\');
		s += digits;
	}
	text(out, s);
}

/* [label](<url>): the angle brackets let a URL hold parentheses; the
 * URL's own '<', '>' and blanks are percent-escaped by then. */
static void link(GString *out, const char *url, const char *label)
{
	int plain = !url;

	for (const char *p = url; p && *p && !plain; p++)
		plain = (unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>';
	if (plain) { /* a URL the destination cannot hold: the label alone */
		text(out, label);
		return;
	}
	g_string_append_c(out, '[');
	text(out, label);
	g_string_append_printf(out, "](<%s>)", url);
}

static void tally(GString *out, const json_t *doc, const char *key, const char *heading,
		  const char *field)
{
	const json_t *rows = json_object_get(doc, key), *row;
	size_t i;

	if (!json_is_array(rows))
		return;
	g_string_append_printf(out, "## %s\n\n", heading);
	if (!json_array_size(rows)) {
		g_string_append(out, "None.\n\n");
		return;
	}
	g_string_append(out, "| Count | |\n|---:|:---|\n");
	json_array_foreach(rows, i, row) {
		const char *who = pd__doc_str(row, "display");
		if (i >= TOP_ROWS)
			break;
		g_string_append_printf(out, "| %lld | ", pd__doc_int(row, "count"));
		text(out, who ? who : pd__doc_str(row, field));
		g_string_append(out, " |\n");
	}
	g_string_append_c(out, '\n');
}

static void patch_list(pd__sink *sink, const json_t *doc, const pd_render_options *o)
{
	const json_t *s;
	size_t i;
	GString *out = sink->buf;

	g_string_append(out, "## Patch list\n\n");
	if (!json_array_size(json_object_get(doc, "series"))) {
		g_string_append(out, "No patches were posted.\n\n");
		return;
	}
	g_string_append(out, "| Series | Version | Patches | Status | Review | Applied to |\n"
			     "|:---|:---|:---|:---|:---|:---|\n");
	json_array_foreach(json_object_get(doc, "series"), i, s) {
		char *who = pd__doc_person(json_object_get(s, "author"));
		char *status = pd__doc_status(s), *review = pd__doc_review(s);
		char *applied = pd__doc_applied_to(s);
		char *url = pd__doc_link(pd__doc_series_lead(s), o);
		g_string_append(out, "| ");
		link(out, url, pd__doc_str(s, "title"));
		g_free(url);
		g_string_append(out, " (");
		text(out, who);
		g_string_append(out, ") | v");
		text(out, pd__doc_str(s, "version"));
		g_string_append_printf(out, " | %lld/%lld%s | ", pd__doc_int(s, "received"),
				       pd__doc_int(s, "expected"),
				       json_is_true(json_object_get(s, "complete")) ? "" : " \\(incomplete\\)");
		text(out, status);
		g_string_append(out, " | ");
		text(out, review);
		g_string_append(out, " | ");
		text(out, applied);
		g_string_append(out, " |\n");
		g_free(who);
		g_free(status);
		g_free(review);
		g_free(applied);
		pd__sink_flush(sink, 0);
	}
	g_string_append_c(out, '\n');
}

static void applied(pd__sink *sink, const json_t *doc)
{
	const json_t *a;
	size_t i, n = 0;
	GString *out = sink->buf;
	char *line;

	g_string_append(out, "## Applied in this time period\n\n");
	json_array_foreach(json_object_get(doc, "applied"), i, a) {
		line = pd__doc_applied_line(a);
		g_string_append(out, "- ");
		text_lead(out, line);
		g_string_append_c(out, '\n');
		g_free(line);
		n++;
		pd__sink_flush(sink, 0);
	}
	json_array_foreach(json_object_get(doc, "pull_requests"), i, a)
		if ((line = pd__doc_merged_line(a))) {
			g_string_append(out, "- ");
			text_lead(out, line);
			g_string_append_c(out, '\n');
			g_free(line);
			n++;
		}
	g_string_append(out, n ? "\n" : "Nothing was applied in this time period.\n\n");
}

static void attention(pd__sink *sink, const json_t *doc)
{
	const json_t *w;
	size_t i;
	GString *out = sink->buf;

	g_string_append(out, "## Needs attention\n\n");
	json_array_foreach(json_object_get(doc, "needs_attention"), i, w) {
		char *who = pd__doc_person(json_object_get(w, "author")), *day = pd__doc_day(w, "since");
		g_string_append(out, "- ");
		text_lead(out, pd__doc_str(w, "title"));
		g_string_append(out, " \\(");
		text(out, who);
		g_string_append_printf(out, "\\): posted %s, no reviewer reply for %lld days\n", day,
				       pd__doc_int(w, "days"));
		g_free(who);
		g_free(day);
		pd__sink_flush(sink, 0);
	}
	g_string_append(out, json_array_size(json_object_get(doc, "needs_attention"))
			     ? "\n" : "Nothing needs attention.\n\n");
}

/* A fenced block of `body`: its fence is longer than any run of
 * backticks in it, so nothing inside can close it. */
static void fenced(GString *out, const char *body)
{
	size_t longest = 0, run = 0;
	char *shown = pd_display_text(body ? body : "", 1);

	for (const char *p = shown; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i < MAX(3, longest + 1); i++)
		g_string_append_c(out, '`');
	g_string_append(out, "text\n");
	g_string_append(out, g_strstrip(shown));
	g_string_append_c(out, '\n');
	for (size_t i = 0; i < MAX(3, longest + 1); i++)
		g_string_append_c(out, '`');
	g_string_append(out, "\n\n");
	pd_free(shown);
}

typedef struct {
	pd__sink *sink;
	const pd_render_options *o;
} shown;

static void message(const json_t *m, void *payload)
{
	shown *sh = payload;
	GString *out = sh->sink->buf;
	char *who = pd__doc_person(json_object_get(m, "author")), *url;

	g_string_append(out, "### ");
	text(out, pd__doc_str(m, "title"));
	g_string_append(out, "\n\nSubject: ");
	url = pd__doc_link(m, sh->o);
	link(out, url, pd__doc_str(m, "subject"));
	g_free(url);
	g_string_append(out, "  \nAuthor: ");
	text(out, who);
	g_string_append(out, "\n\n");
	fenced(out, pd__doc_str(m, "commit_message"));
	g_free(who);
	pd__sink_flush(sh->sink, 0);
}

static void messages(pd__sink *sink, const json_t *doc, const pd_render_options *o)
{
	shown sh = { sink, o };

	g_string_append(sink->buf, "## Patch commit messages\n\n");
	if (!pd__doc_each_shown(doc, message, &sh))
		g_string_append(sink->buf, "No new series.\n");
}

int pd__render_markdown(const json_t *doc, const pd_render_options *o, pd_write_cb write,
			void *payload)
{
	pd__sink sink;
	char *title = pd__doc_title(doc);
	const json_t *counts = json_object_get(doc, "counts");

	pd__sink_init(&sink, write, payload);
	g_string_append(sink.buf, "# ");
	text(sink.buf, title);
	g_string_append_printf(sink.buf, "\n\n%lld messages: %lld patches, %lld cover letters, "
			       "%lld replies; %lld series.\n\n",
			       pd__doc_int(counts, "messages"), pd__doc_int(counts, "patches"),
			       pd__doc_int(counts, "covers"), pd__doc_int(counts, "replies"),
			       pd__doc_int(counts, "series"));
	tally(sink.buf, doc, "domains", "Top 15 contributor email domains", "domain");
	tally(sink.buf, doc, "employers", "Top 15 employers", "employer");
	tally(sink.buf, doc, "contributors", "Top 15 contributors", "address");
	tally(sink.buf, doc, "reviewers", "Top 15 reviewers", "address");
	tally(sink.buf, doc, "reviewer_domains", "Top 15 reviewer email domains", "domain");
	tally(sink.buf, doc, "reviewer_employers", "Top 15 reviewer employers", "employer");
	pd__sink_flush(&sink, 0);
	patch_list(&sink, doc, o);
	applied(&sink, doc);
	attention(&sink, doc);
	messages(&sink, doc, o);
	g_free(title);
	return pd__sink_finish(&sink, PD_OK);
}
