/*
 * fuzz-series.c - grouping a sequence of messages into series, across
 * two digests sharing a state database, and rendering both digests.
 *
 * The input is one message per line, fields separated by tabs:
 *   SUBJECT  FROM  MESSAGE-ID  REFERENCES  MINUTES  FLAGS
 * REFERENCES are blank-separated; MINUTES the date after a fixed base;
 * FLAGS 'd' for a diff.  A line "--" ends the first digest, which is
 * recorded in an in-memory state; the rest make the second.  Messages are
 * built directly, not parsed, so the fuzzer spends its time in grouping.
 * Each report is also written as a page (every '<' one of the page's own
 * elements), Markdown (every '<' from mail escaped) and an email (no
 * line starts "From ", none is too long).
 */
#include "fuzz-common.h"
#include "digest/digest.h"
#include "mail/mail.h"

#define BASE_TIME 1700000000

static char *field(char **fields, guint n, guint i)
{
	return g_strdup(i < n ? fields[i] : "");
}

/* Blank-separated IDs as pd_message holds them: no empty ones. */
static char **references(const char *text)
{
	char **words = g_strsplit_set(text, " ", 64);
	GPtrArray *ids = g_ptr_array_new();

	for (char **w = words; *w; w++)
		if (**w)
			g_ptr_array_add(ids, g_strdup(*w));
	g_ptr_array_add(ids, NULL);
	g_strfreev(words);
	return (char **)g_ptr_array_free(ids, FALSE);
}

static pd_message *message_from_line(const char *line, unsigned index)
{
	/* the parser hands grouping decoded text: UTF-8 */
	char *text = g_utf8_make_valid(line, -1);
	char **f = g_strsplit(text, "\t", 7);
	guint n = g_strv_length(f);
	pd_message *m = g_new0(pd_message, 1);
	char *from = field(f, n, 1), *refs = field(f, n, 3), *flags = field(f, n, 5);

	m->subject = field(f, n, 0);
	pd_subject_parse(&m->tags, m->subject);
	pd__git_split_from(from, &m->sender.name, &m->sender.address);
	m->author.name = g_strdup(m->sender.name);
	m->author.address = g_strdup(m->sender.address);
	m->message_id = n > 2 && *f[2] ? g_strdup(f[2]) : NULL;
	m->references = references(refs);
	m->date = BASE_TIME + (n > 4 ? 60 * (g_ascii_strtoll(f[4], NULL, 10) % 1000000) : 0);
	m->archive_time = m->date;
	m->has_diff = strchr(flags, 'd') != NULL;
	m->kind = PD_KIND_REPLY;
	if (m->tags.is_patch_tagged && !m->tags.is_reply) {
		if (m->tags.has_counter && m->tags.number == 0)
			m->kind = PD_KIND_COVER;
		else if (m->has_diff)
			m->kind = PD_KIND_PATCH;
	}
	if (m->kind != PD_KIND_REPLY)
		m->commit_message = g_strdup("body\n");
	m->origin = g_strdup_printf("line %u", index);
	g_free(from);
	g_free(refs);
	g_free(flags);
	g_strfreev(f);
	g_free(text);
	return m;
}

/* Every '<' of the page starts an element the page writer writes: text
 * from mail (here, any subject or name) never becomes markup. */
static void check_page(const pd_report *r)
{
	static const char *const elements[] = {
		"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1",
		"h2", "p", "time", "main", "section", "dl", "div", "dt", "dd", "table", "thead",
		"tbody", "tr", "th", "td", "svg", "rect", "a", "br", "small", "ul", "li",
		"details", "summary", "pre", "footer", NULL
	};
	char *page = NULL;
	size_t len = 0;

	fuzz_assert(pd_render(&page, &len, r, PD_FORMAT_HTML, NULL) == 0, "the page renders");
	fuzz_assert(g_utf8_validate(page, len, NULL), "the page is UTF-8");
	for (const char *p = page; (p = strchr(p, '<')); p++) {
		const char *name = p + 1 + (p[1] == '/');
		size_t n = strspn(name, "!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		int known = 0;
		for (size_t i = 0; elements[i] && !known; i++)
			known = strlen(elements[i]) == n && !strncmp(name, elements[i], n);
		fuzz_assert(known, "every '<' of the page starts one of its own elements");
	}
	/* nothing but the page's own event-free attributes: no handler */
	fuzz_assert(!strstr(page, " on") || !g_regex_match_simple("<[^>]* on[a-z]+=", page, 0, 0),
		    "no element of the page has an event handler");
	pd_free(page);
}

static void check_markdown(const pd_report *r)
{
	char *md = NULL;
	size_t len = 0;

	fuzz_assert(pd_render(&md, &len, r, PD_FORMAT_MARKDOWN, NULL) == 0, "the Markdown renders");
	fuzz_assert(g_utf8_validate(md, len, NULL), "the Markdown is UTF-8");
	/* every '<' from mail is escaped; the writer's own are link
	 * destinations "](<" */
	for (const char *p = md; (p = strchr(p, '<')); p++)
		fuzz_assert((p > md && p[-1] == '\\') || (p - md >= 2 && !strncmp(p - 2, "](", 2)),
			    "every '<' in the Markdown is escaped or a link's own");
	pd_free(md);
}

static void check_email(const pd_report *r)
{
	pd_render_options o = PD_RENDER_OPTIONS_INIT;
	char *mail = NULL;
	size_t len = 0;

	o.mail_from = "Fuzz <fuzz@example.org>";
	o.mail_date = BASE_TIME;
	o.links = 1;
	fuzz_assert(pd_render(&mail, &len, r, PD_FORMAT_EMAIL, &o) == 0, "the email renders");
	fuzz_assert(strncmp(mail, "From ", 5) && !strstr(mail, "\nFrom "),
		    "no line of the email starts \"From \"");
	for (const char *line = mail; line; ) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		fuzz_assert(n <= 998, "no line of the email is longer than RFC 5322 allows");
		line = nl ? nl + 1 : NULL;
	}
	pd_free(mail);
}

static void check_report(const pd_report *r)
{
	char *text = NULL;
	size_t len = 0;

	for (size_t i = 0; i < r->n_series; i++) {
		const pd_series *s = &r->series[i];
		fuzz_assert(s->cover || s->n_patches, "no empty series");
		fuzz_assert(s->status != PD_SERIES_REPORTED || s->reported_as >= 0 || s->earlier,
			    "a repeat names what it repeats");
		fuzz_assert(s->reported_as < (long)i, "a repeat refers to an earlier series");
		fuzz_assert(s->previous_as < (long)i, "a previous version comes earlier");
	}
	fuzz_assert(pd_render_classic(&text, &len, r) == 0, "the classic digest renders");
	fuzz_assert(g_utf8_validate(text, len, NULL), "the classic digest is UTF-8");
	pd_free(text);
	fuzz_assert(pd_render_json(&text, &len, r) == 0, "the JSON digest renders");
	pd_free(text);
	check_page(r);
	check_markdown(r);
	check_email(r);
}

/* Digests lines [from, to); records into `state` when `record`. */
static void run_digest(char **lines, guint from, guint to, pd_state *state, int record)
{
	pd_digest *d = NULL;
	pd_report *r = NULL;

	fuzz_assert(pd_digest_new(&d, NULL) == 0, "a digest starts");
	for (guint i = from; i < to; i++)
		pd_digest_add_message(d, message_from_line(lines[i], i + 1));
	fuzz_assert(pd_state_begin(state) == 0, "the state transaction starts");
	fuzz_assert(pd_digest_finish(&r, d, NULL, NULL, state, "/fuzz") == 0, "the digest finishes");
	check_report(r);
	if (record)
		fuzz_assert(pd_state_record(state, "/fuzz", PD_ARCHIVE_MBOX, r, NULL) == 0,
			    "the digest is recorded");
	fuzz_assert(pd_state_commit(state) == 0, "the state commits");
	pd_report_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	char **lines = g_strsplit(text, "\n", 2000);
	guint n = g_strv_length(lines), split = n;
	pd_state *state = NULL;

	for (guint i = 0; i < n; i++)
		if (!strcmp(lines[i], "--")) {
			split = i;
			break;
		}
	fuzz_assert(pd_state_open(&state, ":memory:", NULL) == 0, "an in-memory state opens");
	run_digest(lines, 0, split, state, 1);
	if (split < n)
		run_digest(lines, split + 1, n, state, 0);
	pd_state_free(state);
	g_strfreev(lines);
	g_free(text);
	return 0;
}
