/*
 * mail/body.c - a message body as `git am` reads it.
 *
 * The text parts, in order, form one stream of lines.  At its top, blank
 * lines are skipped and in-body "From:", "Subject:" and "Date:" lines (with
 * their continuations) are taken as headers, up to the first blank line.
 * Then the commit message runs up to git's patch break ("---", "diff -",
 * "Index: "), and the rest is the patch.  The digest's commit message
 * instead runs up to the diff itself, keeping the notes and diffstat after
 * "---".
 *
 * Within one part the message, the digest text and the patch are each one
 * contiguous range of bytes, so each is converted to UTF-8 once, from the
 * part's charset; the patch keeps its raw bytes, as git's does.
 */
#include <string.h>
#include "mail/mail.h"

enum stage { STAGE_HEADERS, STAGE_MSG, STAGE_PATCH };

typedef struct {
	enum stage stage;
	int in_text;             /* still inside the digest text */
	GString *accum;          /* an in-body header being read */
	const char *accum_charset;
	const char *prev_line;   /* previous line, for "--- " then "+++ " */
	size_t prev_len;
	const pd__body_options *opts;
	pd__body *out;
} machine;

static const char *const inbody_names[] = { "From", "Subject", "Date" };

static GString **inbody_slot(pd__body *b, int i)
{
	switch (i) {
	case 0: return &b->inbody_from;
	case 1: return &b->inbody_subject;
	default: return &b->inbody_date;
	}
}

/* git's patchbreak(): where its commit message ends. */
static int is_patch_break(const char *l, size_t len)
{
	size_t i;

	if (len >= 6 && !memcmp(l, "diff -", 6))
		return 1;
	if (len >= 7 && !memcmp(l, "Index: ", 7))
		return 1;
	if (len < 4 || memcmp(l, "---", 3))
		return 0;
	/* "--- " then a non-blank; git reads a line that ends the text
	 * without a newline with its NUL after it: not a blank (the part
	 * may be the message's own bytes, with nothing after them) */
	if (l[3] == ' ' && (len == 4 || !g_ascii_isspace(l[4])))
		return 1;
	for (i = 3; i < len; i++) {
		if (l[i] == '\n')
			return 1;
		if (!g_ascii_isspace(l[i]))
			return 0;
	}
	return 0;
}

/* Where the diff itself starts (the digest's commit message ends). */
static int is_diff_start(const char *l, size_t len)
{
	return (len >= 6 && !memcmp(l, "diff -", 6))
	    || (len >= 7 && !memcmp(l, "Index: ", 7));
}

static int is_plus_line(const char *l, size_t len)
{
	return len >= 4 && !memcmp(l, "+++ ", 4);
}

static int is_minus_line(const char *l, size_t len)
{
	return len >= 4 && !memcmp(l, "--- ", 4);
}

/* "From <40 hex> Mon Sep 17 00:00:00 2001" as git format-patch writes. */
static int is_format_patch_separator(const char *l, size_t len)
{
	static const char tail[] = " Mon Sep 17 00:00:00 2001";
	size_t i;

	if (len < 5 + 40 + sizeof(tail) - 1 || memcmp(l, "From ", 5))
		return 0;
	for (i = 5; i < 45; i++)
		if (!g_ascii_isxdigit(l[i]))
			return 0;
	return !memcmp(l + 45, tail, sizeof(tail) - 1);
}

static void flush_accum(machine *m)
{
	size_t i;

	if (!m->accum->len)
		return;
	for (i = 0; i < G_N_ELEMENTS(inbody_names); i++) {
		size_t n = strlen(inbody_names[i]);
		GString **slot = inbody_slot(m->out, i);
		if (*slot || g_ascii_strncasecmp(m->accum->str, inbody_names[i], n)
		    || m->accum->str[n] != ':')
			continue;
		/* git takes the value from after "Name: ", newline and all */
		*slot = g_string_new_len(m->accum->str + MIN(n + 2, m->accum->len),
					 m->accum->len - MIN(n + 2, m->accum->len));
		m->out->inbody_charset = m->accum_charset;
		break;
	}
	g_string_truncate(m->accum, 0);
}

static int is_inbody_header(machine *m, const char *l, size_t len)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(inbody_names); i++) {
		size_t n = strlen(inbody_names[i]);
		if (*inbody_slot(m->out, i))
			continue;
		if (len > n && !g_ascii_strncasecmp(l, inbody_names[i], n) && l[n] == ':')
			return 1;
	}
	return 0;
}

/* git's check_inbody_header(): 1 when the line belongs to the headers. */
static int take_inbody_line(machine *m, const char *l, size_t len,
			    const char *charset)
{
	if (m->accum->len && (l[0] == ' ' || l[0] == '\t')) {
		if (m->accum->len && m->accum->str[m->accum->len - 1] == '\n')
			g_string_truncate(m->accum, m->accum->len - 1);
		g_string_append_len(m->accum, l, len);
		return 1;
	}
	flush_accum(m);
	if (len > 5 && !memcmp(l, ">From", 5) && g_ascii_isspace(l[5]))
		return is_format_patch_separator(l + 1, len - 1);
	if (len > 7 && !memcmp(l, "[PATCH]", 7) && g_ascii_isspace(l[7])) {
		if (!m->out->inbody_subject)
			m->out->inbody_subject = g_string_new_len(l, len);
		return 1;
	}
	if (is_inbody_header(m, l, len)) {
		g_string_append_len(m->accum, l, len);
		m->accum_charset = charset;
		return 1;
	}
	return 0;
}

static void append_utf8(GString *to, const char *data, size_t len,
			const char *charset, int strip_cr)
{
	size_t n, i;
	char *u;

	if (!len)
		return;
	u = pd__to_utf8(data, len, charset, &n);
	if (!strip_cr) {
		g_string_append_len(to, u, n);
	} else {
		for (i = 0; i < n; i++)
			if (!(u[i] == '\r' && i + 1 < n && u[i + 1] == '\n'))
				g_string_append_c(to, u[i]);
	}
	g_free(u);
}

/* Runs one part through the machine, converting its ranges. */
static void run_part(machine *m, const pd__text_part *part)
{
	const char *p = part->data, *end = part->data + part->len;
	const char *msg_start = NULL, *msg_end = NULL;
	const char *text_start = NULL, *text_end = NULL;
	const char *patch_start = NULL;

	if (m->stage == STAGE_MSG)
		msg_start = p;
	if (m->stage == STAGE_PATCH)
		patch_start = p;
	if (m->in_text && m->stage != STAGE_HEADERS)
		text_start = p;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *next = nl ? nl + 1 : end;
		size_t len = next - p;

		if (m->stage == STAGE_HEADERS) {
			if (len == 1 && *p == '\n') {
				if (m->accum->len) {
					flush_accum(m);
					m->stage = STAGE_MSG;
					msg_start = next;
					if (m->in_text)
						text_start = next;
				}
				p = next;
				continue;
			}
			if (!m->opts->no_inbody_headers && take_inbody_line(m, p, len, part->charset)) {
				p = next;
				continue;
			}
			/* a CRLF blank line after in-body headers: git keeps it
			 * in its message, the digest's text starts after it, as
			 * after a plain blank line */
			int crlf_blank = len == 2 && p[0] == '\r' && p[1] == '\n'
				&& (m->out->inbody_from || m->out->inbody_subject || m->out->inbody_date);
			flush_accum(m);
			m->stage = STAGE_MSG;
			msg_start = p;
			if (m->in_text)
				text_start = crlf_blank ? next : p;
		}
		if (m->in_text) {
			if (is_diff_start(p, len)) {
				text_end = p;
				m->in_text = 0;
				m->out->has_diff = 1;
			} else if (is_plus_line(p, len) && m->prev_line
				   && is_minus_line(m->prev_line, m->prev_len)) {
				/* the diff began on the line before */
				text_end = m->prev_line >= part->data && m->prev_line < end
					? m->prev_line : p;
				m->in_text = 0;
				m->out->has_diff = 1;
			}
		}
		if (m->stage == STAGE_MSG && is_patch_break(p, len)) {
			msg_end = p;
			patch_start = p;
			m->stage = STAGE_PATCH;
		}
		m->prev_line = p;
		m->prev_len = len;
		p = next;
		if (!m->in_text && !m->opts->keep_git && m->stage == STAGE_PATCH)
			break; /* nothing more to learn from this part */
	}

	if (m->opts->keep_git) {
		if (msg_start)
			append_utf8(m->out->msg, msg_start, (msg_end ? msg_end : end) - msg_start,
				    part->charset, 0);
		if (patch_start)
			g_string_append_len(m->out->patch, patch_start, end - patch_start);
	}
	if (m->opts->keep_text && text_start) {
		const char *stop = text_end ? text_end : end;
		if (stop > text_start)
			append_utf8(m->out->text, text_start, stop - text_start,
				    part->charset, 1);
		if (!text_end && m->out->text->len
		    && m->out->text->str[m->out->text->len - 1] != '\n')
			g_string_append_c(m->out->text, '\n');
	}
}

void pd__body_split(pd__body *out, const pd__text_part *parts, size_t n_parts,
		    int multipart, const pd__body_options *opts)
{
	machine m = { 0 };
	size_t i;

	memset(out, 0, sizeof(*out));
	out->msg = g_string_new(NULL);
	out->patch = g_string_new(NULL);
	out->text = g_string_new(NULL);
	m.stage = STAGE_HEADERS;
	m.in_text = 1;
	m.accum = g_string_new(NULL);
	m.opts = opts;
	m.out = out;

	for (i = 0; i < n_parts; i++) {
		m.prev_line = NULL; /* a diff's two lines never straddle parts */
		run_part(&m, &parts[i]);
	}
	flush_accum(&m);
	if (multipart && opts->keep_git) /* git's newline at the end boundary */
		g_string_append_c(m.stage == STAGE_PATCH ? out->patch : out->msg, '\n');
	g_string_free(m.accum, TRUE);
}

void pd__body_clear(pd__body *b)
{
	if (!b)
		return;
	if (b->inbody_from)
		g_string_free(b->inbody_from, TRUE);
	if (b->inbody_subject)
		g_string_free(b->inbody_subject, TRUE);
	if (b->inbody_date)
		g_string_free(b->inbody_date, TRUE);
	if (b->msg)
		g_string_free(b->msg, TRUE);
	if (b->patch)
		g_string_free(b->patch, TRUE);
	if (b->text)
		g_string_free(b->text, TRUE);
	memset(b, 0, sizeof(*b));
}

/* Is `l` (len bytes) a line of underscores only, as Mailman's footer
 * starts? */
static int is_rule(const char *l, size_t len)
{
	size_t i;

	if (len < 10)
		return 0;
	for (i = 0; i < len; i++)
		if (l[i] != '_')
			return 0;
	return 1;
}

/* Does a mailing list's footer start at text[pos] (a rule line)?  Mailman
 * writes the rule, "Listname mailing list", the list's address, and a
 * link to its "listinfo" page; the list name line and the link must both
 * be within the next four lines. */
static int is_list_footer(const GString *text, size_t pos)
{
	int line, named = 0;

	for (line = 0; line <= 4 && pos < text->len; line++) {
		const char *l = text->str + pos;
		const char *nl = memchr(l, '\n', text->len - pos);
		size_t len = nl ? (size_t)(nl - l) : text->len - pos;
		char *s = g_strndup(l, len);
		g_strchomp(s);
		if (line == 1)
			named = g_str_has_suffix(s, "mailing list")
			     || g_str_has_suffix(s, "Mailing List");
		if (line >= 2 && named && strstr(s, "listinfo")) {
			g_free(s);
			return 1;
		}
		g_free(s);
		pos += len + 1;
	}
	return 0;
}

void pd__strip_signature(GString *text)
{
	size_t pos = 0;

	while (pos < text->len) {
		const char *l = text->str + pos;
		const char *nl = memchr(l, '\n', text->len - pos);
		size_t len = nl ? (size_t)(nl - l) : text->len - pos;
		if ((len == 3 && !memcmp(l, "-- ", 3))
		    || (is_rule(l, len) && is_list_footer(text, pos))) {
			g_string_truncate(text, pos);
			return;
		}
		pos += len + 1;
	}
}

char **pd__lines_in_place(char *text)
{
	GPtrArray *lines = g_ptr_array_new();

	/* g_strsplit() gives no line at all for "" */
	for (char *p = *text ? text : NULL; p;) {
		char *nl = strchr(p, '\n');
		g_ptr_array_add(lines, p);
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
	}
	g_ptr_array_add(lines, NULL);
	return (char **)g_ptr_array_free(lines, FALSE);
}
