/*
 * render/html.c - the digest as one self-contained HTML page: inline CSS,
 * the tables' bars as inline SVG, no script and nothing fetched, readable
 * on a phone, a wide screen and on paper (docs/format.md, "HTML").
 *
 * Written from the report's JSON document (render.c says why).  Every
 * text that comes from mail goes through text(): made safe for display
 * as the classic text is (controls, bidirectional overrides), then
 * HTML-escaped, so a subject or a name can never become markup.  The
 * only attributes holding such text are href (a link, escaped the same
 * way) and aria-label/title (escaped).
 */
#include <string.h>
#include "render/render.h"

#define TOP_ROWS 15

/* A character an HTML parser reports as an error (a noncharacter), or
 * a surrogate (never valid UTF-8, but g_utf8 tolerates nothing else). */
static int is_noncharacter(gunichar c)
{
	return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

void pd__html_text(GString *out, const char *s)
{
	char *shown;

	if (!s)
		return;
	shown = pd_display_text(s, 1);
	for (const char *p = shown; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		switch (c) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		case '\'': g_string_append(out, "&#39;"); break;
		case '\r': break;
		default:
			if (is_noncharacter(c))
				g_string_append(out, "\xEF\xBF\xBD"); /* U+FFFD */
			else
				g_string_append_len(out, p, g_utf8_next_char(p) - p);
		}
	}
	pd_free(shown);
}

static void text(GString *out, const char *s)
{
	pd__html_text(out, s);
}

/* A link to `url` (may be NULL: the text alone). */
static void link(GString *out, const char *url, const char *label)
{
	if (url) {
		g_string_append(out, "<a href=\"");
		text(out, url);
		g_string_append(out, "\">");
	}
	text(out, label);
	if (url)
		g_string_append(out, "</a>");
}

/* One rule a line: a page's source is read too (and Debian's lintian
 * takes a line over 512 characters for minified code). */
static const char style[] =
	":root{color-scheme:light dark;--bar:#3b6ea8;--line:#8884}\n"
	"body{font:16px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;"
	"max-width:72rem;padding:0 1rem 2rem;overflow-wrap:break-word}\n"
	"h1{font-size:1.5rem;margin:1.2rem 0 .2rem}\n"
	"h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:1px solid var(--line)}\n"
	".range{margin:0;color:GrayText}\n"
	"dl.counts{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:0}\n"
	"dl.counts div{min-width:6rem}\n"
	"dl.counts dt{font-size:.85rem;color:GrayText}\n"
	"dl.counts dd{margin:0;font-size:1.3rem;font-variant-numeric:tabular-nums}\n"
	".tallies{display:grid;"
	"grid-template-columns:repeat(auto-fit,minmax(min(100%,30rem),1fr));gap:0 2rem}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;vertical-align:top;padding:.25rem .4rem;"
	"border-bottom:1px solid var(--line)}\n"
	"table.tally{table-layout:fixed}\n"
	"table.tally td.who{overflow-wrap:anywhere}\n"
	"table.tally td.n{width:3.5rem;text-align:right;font-variant-numeric:tabular-nums}\n"
	"table.tally td.bar{width:30%}\n"
	"svg.bar{display:block;width:100%;height:.8rem;margin-top:.35rem}\n"
	"svg.bar rect{fill:var(--bar)}\n"
	"td small,.meta{color:GrayText;font-size:.85rem}\n"
	"ul.plain{padding-left:1.2rem}\n"
	"details{border:1px solid var(--line);border-radius:4px;padding:.3rem .6rem;"
	"margin:.4rem 0}\n"
	"summary{cursor:pointer;font-weight:600}\n"
	"pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;margin:.5rem 0}\n"
	"footer{margin-top:2rem;color:GrayText;font-size:.85rem}\n"
	"@media (max-width:44rem){table.series thead{display:none}\n"
	"table.series,table.series tbody,table.series tr,table.series td{display:block;"
	"width:auto}\n"
	"table.series tr{border-bottom:1px solid var(--line);padding:.4rem 0}\n"
	"table.series td{border:0;padding:.1rem 0}\n"
	"table.series td:empty{display:none}\n"
	"table.series td[data-label]::before{content:attr(data-label) \": \";color:GrayText}\n"
	"}\n"
	"@media print{body{max-width:none;font-size:11pt}\n"
	"a{color:inherit}\n"
	"details::details-content{content-visibility:visible;display:block}\n"
	"details{break-inside:avoid-page}\n"
	"}\n";

void pd__html_open(GString *out, const char *title, const char *head_extra)
{
	g_string_append(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			     "<meta charset=\"utf-8\">\n"
			     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			     "<meta name=\"generator\" content=\"patchdigest\">\n<title>");
	pd__html_text(out, title);
	g_string_append_printf(out, "</title>\n%s<style>%s</style>\n</head>\n<body>\n",
			       head_extra ? head_extra : "", style);
}

static void head(GString *out, const json_t *doc, const char *title)
{
	const json_t *range = json_object_get(doc, "range");
	const json_t *counts = json_object_get(doc, "counts");
	static const struct { const char *key, *label; } shown[] = {
		{ "messages", "Messages" }, { "patches", "Patches" },
		{ "covers", "Cover letters" }, { "replies", "Replies" },
		{ "series", "Series" }, { "crossposted", "Cross-posted" },
		{ "duplicates", "Duplicates" }, { "skipped", "Skipped" },
		{ "damaged", "Damaged" },
	};

	pd__html_open(out, title, NULL);
	g_string_append(out, "<header>\n<h1>");
	text(out, title);
	g_string_append(out, "</h1>\n<p class=\"range\">");
	if (pd__doc_str(range, "from_date")) {
		char *from = pd__doc_day(range, "from_date"), *to = pd__doc_day(range, "to_date");
		g_string_append_printf(out, "Messages from <time datetime=\"%s\">%s</time> to "
				       "<time datetime=\"%s\">%s</time>",
				       pd__doc_str(range, "from_date"), from,
				       pd__doc_str(range, "to_date"), to);
		g_free(from);
		g_free(to);
	} else {
		g_string_append(out, "No messages in this range");
	}
	if (json_array_size(json_object_get(doc, "lists"))) {
		const json_t *l;
		size_t i;
		g_string_append(out, ", on ");
		json_array_foreach(json_object_get(doc, "lists"), i, l) {
			g_string_append(out, i ? ", " : "");
			text(out, json_string_value(l));
		}
	}
	g_string_append(out, "</p>\n</header>\n<main>\n<section id=\"counts\">\n"
			     "<h2>In numbers</h2>\n<dl class=\"counts\">\n");
	for (size_t i = 0; i < G_N_ELEMENTS(shown); i++) {
		const json_t *n = json_object_get(counts, shown[i].key);
		if (!n || (i >= 6 && !json_integer_value(n)))
			continue; /* troubles only when there were some */
		g_string_append_printf(out, "<div><dt>%s</dt><dd>%lld</dd></div>\n", shown[i].label,
				       (long long)json_integer_value(n));
	}
	g_string_append(out, "</dl>\n</section>\n");
}

/* One table of counts, its top rows with a bar each: an SVG whose rect
 * is count/top of its width (the first row's bar is full). */
static void tally(GString *out, const json_t *doc, const char *key, const char *heading,
		  const char *field)
{
	const json_t *rows = json_object_get(doc, key), *row;
	double top = 0;
	size_t i;

	if (!json_is_array(rows))
		return;
	g_string_append_printf(out, "<section id=\"%s\">\n<h2>%s</h2>\n", key, heading);
	if (!json_array_size(rows)) {
		g_string_append(out, "<p>None.</p>\n</section>\n");
		return;
	}
	json_array_foreach(rows, i, row)
		if (i < TOP_ROWS && pd__doc_int(row, "count") > top)
			top = (double)pd__doc_int(row, "count");
	g_string_append(out, "<table class=\"tally\">\n<tbody>\n");
	json_array_foreach(rows, i, row) {
		long long n = pd__doc_int(row, "count");
		const char *who = pd__doc_str(row, "display");
		if (i >= TOP_ROWS)
			break;
		if (!who)
			who = pd__doc_str(row, field);
		g_string_append_printf(out, "<tr>\n<td class=\"n\">%lld</td>\n<td class=\"who\">", n);
		text(out, who);
		/* the width in hundredths of the box: the test reads it back */
		g_string_append_printf(out, "</td>\n<td class=\"bar\"><svg class=\"bar\" viewBox=\"0 0 100 10\" "
				       "preserveAspectRatio=\"none\" aria-hidden=\"true\">"
				       "<rect x=\"0\" y=\"0\" width=\"%.2f\" height=\"10\"/></svg></td></tr>\n",
				       top > 0 ? 100.0 * (double)n / top : 0.0);
	}
	g_string_append(out, "</tbody>\n</table>\n");
	if (json_array_size(rows) > TOP_ROWS)
		g_string_append_printf(out, "<p class=\"meta\">The top %d of %zu.</p>\n", TOP_ROWS,
				       json_array_size(rows));
	g_string_append(out, "</section>\n");
}

static void series_row(GString *out, const json_t *s, const pd_render_options *o)
{
	char *url;
	char *author = pd__doc_person(json_object_get(s, "author"));
	char *status = pd__doc_status(s), *review = pd__doc_review(s);
	char *applied = pd__doc_applied_to(s);

	g_string_append(out, "<tr>\n<td data-label=\"Series\">");
	url = pd__doc_link(pd__doc_series_lead(s), o);
	link(out, url, pd__doc_str(s, "title"));
	g_free(url);
	g_string_append(out, "<br><small>");
	text(out, author);
	g_string_append(out, "</small></td>\n<td data-label=\"Version\">v");
	text(out, pd__doc_str(s, "version"));
	g_string_append_printf(out, "</td>\n<td data-label=\"Patches\">%lld/%lld%s</td>\n"
			       "<td data-label=\"Status\">",
			       pd__doc_int(s, "received"), pd__doc_int(s, "expected"),
			       json_is_true(json_object_get(s, "complete")) ? "" : " (incomplete)");
	text(out, status);
	g_string_append(out, "</td>\n<td data-label=\"Review\">");
	text(out, review);
	g_string_append(out, "</td>\n<td data-label=\"Applied to\">");
	text(out, applied ? applied : "");
	g_string_append(out, "</td></tr>\n");
	g_free(author);
	g_free(status);
	g_free(review);
	g_free(applied);
}

static void patch_list(pd__sink *sink, const json_t *doc, const pd_render_options *o)
{
	const json_t *series = json_object_get(doc, "series"), *s;
	size_t i;

	g_string_append(sink->buf, "<section id=\"patches\">\n<h2>Patch list</h2>\n");
	if (!json_array_size(series)) {
		g_string_append(sink->buf, "<p>No patches were posted.</p>\n</section>\n");
		return;
	}
	g_string_append(sink->buf, "<table class=\"series\">\n<thead><tr><th>Series</th><th>Version</th>"
				   "<th>Patches</th><th>Status</th><th>Review</th><th>Applied to</th>"
				   "</tr></thead>\n<tbody>\n");
	json_array_foreach(series, i, s) {
		series_row(sink->buf, s, o);
		pd__sink_flush(sink, 0);
	}
	g_string_append(sink->buf, "</tbody>\n</table>\n</section>\n");
}

static void applied(pd__sink *sink, const json_t *doc)
{
	const json_t *a;
	size_t i, n = 0;
	GString *out = sink->buf;
	char *line;

	g_string_append(out, "<section id=\"applied\">\n<h2>Applied in this time period</h2>\n"
			     "<ul class=\"plain\">\n");
	json_array_foreach(json_object_get(doc, "applied"), i, a) {
		line = pd__doc_applied_line(a);
		g_string_append(out, "<li>");
		text(out, line);
		g_string_append(out, "</li>\n");
		g_free(line);
		n++;
		pd__sink_flush(sink, 0);
	}
	json_array_foreach(json_object_get(doc, "pull_requests"), i, a)
		if ((line = pd__doc_merged_line(a))) {
			g_string_append(out, "<li>");
			text(out, line);
			g_string_append(out, "</li>\n");
			g_free(line);
			n++;
		}
	g_string_append(out, "</ul>\n");
	if (!n)
		g_string_append(out, "<p>Nothing was applied in this time period.</p>\n");
	g_string_append(out, "</section>\n");
}

static void attention(pd__sink *sink, const json_t *doc)
{
	const json_t *w;
	size_t i;
	GString *out = sink->buf;

	g_string_append(out, "<section id=\"attention\">\n<h2>Needs attention</h2>\n");
	if (!json_array_size(json_object_get(doc, "needs_attention")))
		g_string_append(out, "<p>Nothing needs attention.</p>\n");
	else
		g_string_append(out, "<ul class=\"plain\">\n");
	json_array_foreach(json_object_get(doc, "needs_attention"), i, w) {
		char *who = pd__doc_person(json_object_get(w, "author")), *day = pd__doc_day(w, "since");
		g_string_append(out, "<li>");
		text(out, pd__doc_str(w, "title"));
		g_string_append(out, " <small>(");
		text(out, who);
		g_string_append_printf(out, ")</small>: posted %s, no reviewer reply for %lld days</li>\n",
				       day, pd__doc_int(w, "days"));
		g_free(who);
		g_free(day);
		pd__sink_flush(sink, 0);
	}
	if (json_array_size(json_object_get(doc, "needs_attention")))
		g_string_append(out, "</ul>\n");
	g_string_append(out, "</section>\n");
}

typedef struct {
	pd__sink *sink;
	const pd_render_options *o;
} shown;

/* A shown message's commit message, folded away under its title. */
static void message(const json_t *m, void *payload)
{
	shown *sh = payload;
	GString *out = sh->sink->buf;
	char *who = pd__doc_person(json_object_get(m, "author")), *url;

	g_string_append(out, "<details>\n<summary>");
	text(out, pd__doc_str(m, "title"));
	g_string_append(out, "</summary>\n<p class=\"meta\">");
	url = pd__doc_link(m, sh->o);
	link(out, url, pd__doc_str(m, "subject"));
	g_free(url);
	g_string_append(out, "<br>Author: ");
	text(out, who);
	g_string_append(out, "</p>\n<pre>");
	text(out, pd__doc_str(m, "commit_message"));
	g_string_append(out, "</pre>\n</details>\n");
	g_free(who);
	pd__sink_flush(sh->sink, 0);
}

static void messages(pd__sink *sink, const json_t *doc, const pd_render_options *o)
{
	shown sh = { sink, o };

	g_string_append(sink->buf, "<section id=\"messages\">\n<h2>Patch commit messages</h2>\n");
	if (!pd__doc_each_shown(doc, message, &sh))
		g_string_append(sink->buf, "<p>No new series.</p>\n");
	g_string_append(sink->buf, "</section>\n");
}

int pd__render_html(const json_t *doc, const pd_render_options *o, pd_write_cb write,
		    void *payload)
{
	pd__sink sink;
	char *title = pd__doc_title(doc);

	pd__sink_init(&sink, write, payload);
	head(sink.buf, doc, title);
	g_string_append(sink.buf, "<div class=\"tallies\">\n");
	tally(sink.buf, doc, "domains", "Top 15 contributor email domains", "domain");
	tally(sink.buf, doc, "employers", "Top 15 employers", "employer");
	tally(sink.buf, doc, "contributors", "Top 15 contributors", "address");
	tally(sink.buf, doc, "reviewers", "Top 15 reviewers", "address");
	tally(sink.buf, doc, "reviewer_domains", "Top 15 reviewer email domains", "domain");
	tally(sink.buf, doc, "reviewer_employers", "Top 15 reviewer employers", "employer");
	g_string_append(sink.buf, "</div>\n");
	pd__sink_flush(&sink, 0);
	patch_list(&sink, doc, o);
	applied(&sink, doc);
	attention(&sink, doc);
	messages(&sink, doc, o);
	/* the same report makes the same page, whatever the version: a
	 * time only when asked */
	g_string_append(sink.buf, "</main>\n<footer>Made by patchdigest");
	if (o->generated) {
		char *made = pd__format_date(o->generated);
		g_string_append_printf(sink.buf, " on <time datetime=\"%s\">%.10s</time>", made, made);
		g_free(made);
	}
	g_string_append(sink.buf, ".</footer>\n</body>\n</html>\n");
	g_free(title);
	return pd__sink_finish(&sink, PD_OK);
}
