/*
 * render/classic.c - the classic text digest (docs/format.md).
 *
 * Every text that comes from mail (subjects, titles, names, addresses,
 * commit messages, the list's name) is written through
 * pd__append_display(): a mail must not be able to drive the terminal
 * that shows the digest, and no header value may start a line of its own.
 */
#include <string.h>
#include "render/render.h"

#define TOP_ROWS 15
static const char separator[] =
	"----------------------------------------------------------------------";

/* One line's worth of text from mail: controls and newlines escaped. */
static void text(GString *out, const char *s)
{
	pd__append_display(out, s, 0);
}

/* A body without its leading and trailing blank lines, its lines kept
 * and their controls escaped. */
static void append_trimmed(GString *out, const char *text)
{
	const char *start = text, *end = text + strlen(text);
	const char *p;

	/* skip whole leading lines that are blank */
	for (p = start; p < end; p++) {
		if (*p == '\n')
			start = p + 1;
		else if (!g_ascii_isspace(*p))
			break;
	}
	while (end > start && g_ascii_isspace(end[-1]))
		end--;
	{
		char *body = g_strndup(start, end - start);
		pd__append_display(out, body, 1);
		g_free(body);
	}
}

/* The message a series is linked by: its cover letter, else its first
 * patch, else its first message (JSON's pages read the same, doc.c). */
static const pd_post *series_lead(const pd_series *s)
{
	if (s->cover)
		return s->cover;
	if (s->first_patch)
		return s->first_patch;
	return s->n_patches ? s->patches[0] : NULL;
}

/* --links: "Link: URL" for `m`, when it has one. */
static void link_line(GString *out, const pd_report *r, const pd_render_options *o,
		      const pd_post *m)
{
	char *url = m ? pd_report_link(r, m, o->link_mask) : NULL;

	if (url) {
		g_string_append(out, "Link: ");
		text(out, url);
		g_string_append_c(out, '\n');
	}
	g_free(url);
}

/* Appends the subject of `m`, read back from the report's store. */
static int subject(GString *out, const pd_report *r, const pd_post *m)
{
	pd_post_text *t = NULL;
	int error = pd_report_post_text(&t, r, m);

	if (error == PD_OK)
		text(out, t->subject);
	pd_post_text_free(t);
	return error;
}

/* The New: block of `m`, its commit message read back from the report's
 * store. */
static int new_block(GString *out, const pd_report *r, const pd_render_options *o,
		     const pd_post *m)
{
	char *author = pd__person_display_plain(&m->sender);
	char *body = NULL;
	int error = pd_report_commit_message(&body, r, m);

	g_string_append(out, "New:  ");
	text(out, m->tags.title);
	g_string_append_c(out, '\n');
	if (error == PD_OK)
		error = subject(out, r, m);
	g_string_append(out, "\nAuthor: ");
	text(out, author);
	g_string_append_c(out, '\n');
	if (o->links)
		link_line(out, r, o, m);
	g_string_append_c(out, '\n');
	append_trimmed(out, body ? body : "");
	g_string_append_printf(out, "\n\n%s\n\n", separator);
	g_free(author);
	g_free(body);
	return error;
}

/* A day, for saying when an earlier digest reported something. */
static char *day_of(int64_t when)
{
	char *iso = pd__format_date(when);

	if (strlen(iso) > 10)
		iso[10] = '\0';
	return iso;
}

/* What earlier digests (or earlier series here) say about series s. */
static void history_note(GString *out, const pd_report *r, const pd_series *s)
{
	char *day = NULL;

	if (s->status == PD_SERIES_REPORTED && s->earlier) {
		day = day_of(s->earlier->digest_end);
		g_string_append_printf(out, ", already reported %s", day);
	} else if (s->status == PD_SERIES_REPORTED) {
		g_string_append(out, ", already reported");
	} else if (s->status == PD_SERIES_CONTINUED) {
		day = day_of(s->continues->digest_end);
		g_string_append_printf(out, ", continues the series reported %s", day);
	} else if (s->previous_as >= 0) {
		g_string_append_printf(out, "; v%s earlier in this digest",
				       r->series[s->previous_as].version);
	} else if (s->previous) {
		day = day_of(s->previous->digest_end);
		g_string_append_printf(out, "; v%s reported %s", s->previous->version, day);
	}
	g_free(day);
}

/* "; reviewed: 3 replies, Reviewed-by 2, Acked-by 1; applied to next":
 * what happened to series s, for its heading in the patch list. */
static void review_note(GString *out, const pd_series *s)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *tags = g_ptr_array_new();
	const char *tree = NULL;

	/* "partly-applied" (JSON's spelling) reads "partly applied" here */
	g_string_append(out, "; ");
	for (const char *c = pd_review_status_to_string(s->review_status); *c; c++)
		g_string_append_c(out, *c == '-' ? ' ' : *c);
	if (s->n_replies)
		g_string_append_printf(out, ": %zu repl%s", s->n_replies, s->n_replies == 1 ? "y" : "ies");
	/* trailers by tag (case aside: "Reviewed-By" is a Reviewed-by), in
	 * the order first given, shown as first written */
	for (size_t i = 0; i < s->n_trailers; i++) {
		const char *tag = s->trailers[i].trailer->tag;
		guint k;
		for (k = 0; k < tags->len; k++)
			if (!g_ascii_strcasecmp(g_ptr_array_index(tags, k), tag))
				break;
		if (k == tags->len) {
			g_hash_table_insert(seen, (gpointer)tag, GINT_TO_POINTER(1));
			g_ptr_array_add(tags, (gpointer)tag);
		} else {
			const char *first = g_ptr_array_index(tags, k);
			g_hash_table_insert(seen, (gpointer)first,
					    GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(seen, first)) + 1));
		}
	}
	for (guint i = 0; i < tags->len; i++) {
		const char *tag = g_ptr_array_index(tags, i);
		g_string_append(out, s->n_replies || i ? ", " : ": ");
		text(out, tag);
		g_string_append_printf(out, " %d", GPOINTER_TO_INT(g_hash_table_lookup(seen, tag)));
	}
	for (size_t i = 0; i < s->n_applied && !tree; i++)
		tree = s->applied[i]->facts->applied_tree;
	if (tree) {
		g_string_append(out, "; applied to ");
		text(out, tree);
	}
	g_ptr_array_free(tags, TRUE);
	g_hash_table_destroy(seen);
}

static int patch_list(pd__sink *sink, const pd_report *r, const pd_render_options *o)
{
	GString *out = sink->buf;
	size_t i, j;
	int error = PD_OK;

	for (i = 0; i < r->n_series && error == PD_OK; i++) {
		const pd_series *s = &r->series[i];
		pd__sink_flush(sink, 0);
		g_string_append(out, "Series: ");
		text(out, s->title);
		g_string_append_printf(out, " [v%s, %d/%d patches%s", s->version, s->received,
				       s->expected, s->complete ? "" : ", incomplete");
		history_note(out, r, s);
		review_note(out, s);
		g_string_append(out, "]\n");
		if (o->links)
			link_line(out, r, o, series_lead(s));
		if (s->cover) {
			error = subject(out, r, s->cover);
			g_string_append_c(out, '\n');
		}
		for (j = 0; j < s->n_patches && error == PD_OK; j++) {
			error = subject(out, r, s->patches[j]);
			g_string_append_c(out, '\n');
		}
		g_string_append_c(out, '\n');
	}
	return error;
}

static int commit_messages(pd__sink *sink, const pd_report *r, const pd_render_options *o)
{
	GString *out = sink->buf;
	size_t i;
	int error = PD_OK;

	for (i = 0; i < r->n_series && error == PD_OK; i++) {
		const pd_series *s = &r->series[i];
		pd__sink_flush(sink, 0);
		if (s->status == PD_SERIES_NEW || s->status == PD_SERIES_CONTINUED) {
			/* a continued series shows what it had not shown yet:
			 * grouping never adds a cover or patch 1 it had */
			if (s->cover)
				error = new_block(out, r, o, s->cover);
			if (s->first_patch && error == PD_OK)
				error = new_block(out, r, o, s->first_patch);
		} else if (s->status == PD_SERIES_REPORTED && (s->cover || s->first_patch)) {
			const pd_post *exist = s->first_patch ? s->first_patch : s->cover;
			const pd_post *skip = s->cover ? s->cover : s->first_patch;
			g_string_append(out, "Exist: ");
			error = subject(out, r, exist);
			g_string_append(out, "\n Skip: ");
			if (error == PD_OK)
				error = subject(out, r, skip);
			g_string_append_c(out, '\n');
		}
	}
	return error;
}

/* One applied line's tail: " to TREE by WHO, DAY". */
static void applied_tail(GString *out, const pd_reply *a)
{
	char *who = pd__person_display_plain(&a->sender), *day = day_of(a->date);

	if (a->facts->applied_tree) {
		g_string_append(out, " to ");
		text(out, a->facts->applied_tree);
	}
	g_string_append(out, " by ");
	text(out, who);
	g_string_append_printf(out, ", %s\n", day);
	g_free(who);
	g_free(day);
}

/* Every applied reply in the range: the series' title and author, which
 * patches, where, by whom, when; then what was applied of patches no
 * series here holds, and the pull requests merged. */
static void applied_section(pd__sink *sink, const pd_report *r)
{
	GString *out = sink->buf;
	size_t n = 0;

	g_string_append(out, "\n===== Applied in this time period =====\n\n");
	/* the range's series, then those posted before it (look-back, state) */
	for (size_t i = 0; i < pd__n_all_series(r); i++) {
		const pd_series *s = pd__all_series(r, i);
		for (size_t k = 0; k < s->n_applied; k++) {
			const pd_reply *a = s->applied[k];
			const pd_reply_facts *f = a->facts;
			char *author = pd__person_display_plain(s->author);
			pd__sink_flush(sink, 0);
			text(out, s->title);
			g_string_append(out, " (");
			text(out, author);
			g_string_append(out, "): ");
			if (f->n_applied_numbers) {
				g_string_append(out, f->n_applied_numbers == 1 ? "patch " : "patches ");
				for (size_t j = 0; j < f->n_applied_numbers; j++)
					g_string_append_printf(out, "%s%d", j ? "," : "", f->applied_numbers[j]);
			} else if (s->applied_on[k]->kind == PD_KIND_PATCH) {
				g_string_append_printf(out, "patch %d", s->applied_on[k]->tags.number);
			} else {
				g_string_append(out, "all");
			}
			applied_tail(out, a);
			g_free(author);
			n++;
		}
	}
	for (size_t i = 0; i < r->n_applied_elsewhere; i++, n++) {
		const pd_reply *a = r->applied_elsewhere[i];
		pd__sink_flush(sink, 0);
		text(out, a->facts->title);
		g_string_append(out, " (posted before the look-back window): applied");
		applied_tail(out, a);
	}
	for (size_t i = 0; i < r->n_pulls; i++) {
		const pd_pull *p = &r->pulls[i];
		char *from;
		if (!p->merged)
			continue;
		from = pd__person_display_plain(&p->message->sender);
		pd__sink_flush(sink, 0);
		text(out, p->message->tags.title);
		g_string_append(out, " (");
		text(out, from);
		g_string_append(out, "): pull request, merged");
		applied_tail(out, p->merged);
		g_free(from);
		n++;
	}
	if (!n)
		g_string_append(out, "Nothing was applied in this time period.\n");
}

/* The series that wait for a reviewer: complete, not applied, no newer
 * version, no reviewer reply for stale_days; oldest first. */
/* Since when series s has waited for a reviewer. */
static int64_t waiting_since(const pd_series *s)
{
	return s->last_review ? s->last_review : s->first_date;
}

static gint by_waiting(gconstpointer x, gconstpointer y)
{
	int64_t a = waiting_since(*(const pd_series *const *)x);
	int64_t b = waiting_since(*(const pd_series *const *)y);
	return (a > b) - (a < b);
}

static void attention_section(pd__sink *sink, const pd_report *r)
{
	GString *out = sink->buf;
	GPtrArray *waiting = g_ptr_array_new();
	size_t n;

	g_string_append(out, "\n===== Needs attention =====\n\n");
	/* the range's series, the look-back window's, earlier digests' */
	for (size_t i = 0; i < pd__n_all_series(r); i++)
		if (pd__all_series(r, i)->needs_attention)
			g_ptr_array_add(waiting, pd__all_series(r, i));
	g_ptr_array_sort(waiting, by_waiting); /* stable: posting order among equals */
	for (n = 0; n < waiting->len; n++) {
		const pd_series *s = g_ptr_array_index(waiting, n);
		char *author = pd__person_display_plain(s->author), *day = day_of(s->first_date);
		pd__sink_flush(sink, 0);
		text(out, s->title);
		g_string_append(out, " (");
		text(out, author);
		g_string_append_printf(out, "): posted %s, no reviewer reply for %lld days\n", day,
				       (long long)((r->last_date - waiting_since(s)) / 86400));
		g_free(author);
		g_free(day);
	}
	g_ptr_array_free(waiting, TRUE);
	if (!n)
		g_string_append(out, "Nothing needs attention.\n");
}

int pd__render_classic(const pd_report *r, const pd_render_options *o, pd_write_cb write,
		       void *payload)
{
	pd__sink sink;
	GString *s;
	size_t i;
	int error;

	pd__sink_init(&sink, write, payload);
	s = sink.buf;
	g_string_append_printf(s, "From %s to %s\n", r->from_label, r->to_label);
	/* "KVM mailing list update", or with no name known "Mailing list update" */
	if (r->name) {
		text(s, r->name);
		g_string_append(s, " mailing");
	} else {
		g_string_append(s, "Mailing");
	}
	g_string_append_printf(s, " list update from %s to %s\n\n", r->from_label, r->to_label);
	g_string_append(s, "Top 15 contributor Email domains (Based on Email Body)\n\n");
	for (i = 0; i < r->n_domains && i < TOP_ROWS; i++)
	{
		g_string_append_printf(s, "%7u ", r->domains[i].count);
		text(s, r->domains[i].display);
		g_string_append_c(s, '\n');
	}
	if (r->employers) {
		g_string_append(s, "\nTop 15 employers (Based on Email Body)\n\n");
		for (i = 0; i < r->n_employers && i < TOP_ROWS; i++) {
			g_string_append_printf(s, "%7u ", r->employers[i].count);
			text(s, r->employers[i].display);
			g_string_append_c(s, '\n');
		}
	}
	g_string_append(s, "\nTop 15 contributors (Based on Email Body)\n\n");
	for (i = 0; i < r->n_contributors && i < TOP_ROWS; i++)
	{
		g_string_append_printf(s, "%7u  ", r->contributors[i].count);
		text(s, r->contributors[i].display);
		g_string_append_c(s, '\n');
	}
	g_string_append(s, "\nTop 15 reviewers (replies to others' patches)\n\n");
	for (i = 0; i < r->n_reviewers && i < TOP_ROWS; i++) {
		g_string_append_printf(s, "%7u  ", r->reviewers[i].count);
		text(s, r->reviewers[i].display);
		g_string_append_c(s, '\n');
	}
	g_string_append(s, "\nTop 15 reviewer Email domains\n\n");
	for (i = 0; i < r->n_reviewer_domains && i < TOP_ROWS; i++) {
		g_string_append_printf(s, "%7u ", r->reviewer_domains[i].count);
		text(s, r->reviewer_domains[i].display);
		g_string_append_c(s, '\n');
	}
	if (r->reviewer_employers) {
		g_string_append(s, "\nTop 15 reviewer employers\n\n");
		for (i = 0; i < r->n_reviewer_employers && i < TOP_ROWS; i++) {
			g_string_append_printf(s, "%7u ", r->reviewer_employers[i].count);
			text(s, r->reviewer_employers[i].display);
			g_string_append_c(s, '\n');
		}
	}
	g_string_append(s, "\n===== Patch list in this time period =====\n\n");
	error = patch_list(&sink, r, o);
	if (error == PD_OK) {
		applied_section(&sink, r);
		attention_section(&sink, r);
		g_string_append(s, "\n===== Patch Commit Messages ====\n\n");
		error = commit_messages(&sink, r, o);
	}
	return pd__sink_finish(&sink, error);
}
