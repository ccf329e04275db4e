/*
 * render/json.c - the report as JSON, written with jansson.
 */
#include <string.h>
#include <stdlib.h>
#include <jansson.h>
#include "render/render.h"

/* A JSON string; text that is not valid UTF-8 (a path, say) is repaired
 * rather than dropped, since jansson refuses it. */
static json_t *jstr(const char *s)
{
	json_t *v = json_string(s ? s : "");
	if (!v) {
		char *valid = g_utf8_make_valid(s, -1);
		v = json_string(valid);
		g_free(valid);
	}
	return v;
}

static json_t *str_or_null(const char *s)
{
	return s ? jstr(s) : json_null();
}

static json_t *date_or_null(int64_t when)
{
	json_t *v;
	char *s;

	if (!when)
		return json_null();
	s = pd__format_date(when);
	v = json_string(s);
	g_free(s);
	return v;
}

static json_t *person(const pd_person *p)
{
	json_t *o = json_object();

	char *name = pd__person_name(p);

	/* as the classic text shows it: a missing name is the local part */
	json_object_set_new(o, "name", jstr(name));
	json_object_set_new(o, "address", jstr(p->address));
	g_free(name);
	return o;
}

static json_t *link_for(const pd_report *r, const pd_render_options *o, const pd_post *m)
{
	char *url = pd_report_link(r, m, o->link_mask);
	json_t *v = url ? jstr(url) : json_null();

	g_free(url);
	return v;
}

/* The trailers counted for `m`, one of s's messages (a cover letter's
 * are listed on it, not copied to its patches). */
static json_t *trailers_of(const pd_series *s, const pd_post *m)
{
	json_t *a = json_array();

	for (size_t i = 0; s && i < s->n_trailers; i++) {
		const pd_series_trailer *t = &s->trailers[i];
		if (t->on != m)
			continue;
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:o}",
						   "tag", jstr(t->trailer->tag),
						   "name", jstr(t->trailer->person.name),
						   "address", jstr(t->trailer->person.address),
						   "message_id", str_or_null(t->reply->message_id),
						   "date", date_or_null(t->reply->date)));
	}
	return a;
}

/* An applied reply, answering `on` (NULL: a message not known here):
 * who, when, where, which commits and patches (those it names; else the
 * patch it answers; else all). */
static json_t *applied_of(const pd_reply *reply, const pd_post *on)
{
	const pd_reply_facts *f = reply->facts;
	json_t *o = json_object(), *commits = json_array(), *patches;

	json_object_set_new(o, "message_id", str_or_null(reply->message_id));
	json_object_set_new(o, "date", date_or_null(reply->date));
	json_object_set_new(o, "by", person(&reply->sender));
	json_object_set_new(o, "tree", str_or_null(f->applied_tree));
	for (size_t i = 0; f->applied_commits && f->applied_commits[i]; i++)
		json_array_append_new(commits, jstr(f->applied_commits[i]));
	json_object_set_new(o, "commits", commits);
	if (f->n_applied_numbers) {
		patches = json_array();
		for (size_t i = 0; i < f->n_applied_numbers; i++)
			json_array_append_new(patches, json_integer(f->applied_numbers[i]));
	} else if (on && on->kind == PD_KIND_PATCH) {
		patches = json_array();
		json_array_append_new(patches, json_integer(on->tags.number));
	} else {
		patches = json_string("all");
	}
	json_object_set_new(o, "patches", patches);
	return o;
}

/* The names of the lists a message came from (a digest of several). */
static json_t *lists_of(const pd_report *r, unsigned bits)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n_lists; i++)
		if (bits & (1u << i))
			json_array_append_new(a, jstr(r->lists[i]));
	return a;
}

/* `m` as JSON; with its commit message when `with_body`, read back from
 * the report's store (*error set when that fails). */
static json_t *message(const pd_report *r, const pd_render_options *opts, const pd_series *s,
		       const pd_post *m, int with_body, int *error)
{
	json_t *o = json_object();
	char *body = NULL;
	pd_post_text *t = NULL;
	int e = pd_report_post_text(&t, r, m);

	if (e < 0)
		*error = e;
	json_object_set_new(o, "subject", jstr(t ? t->subject : NULL));
	json_object_set_new(o, "title", jstr(t ? t->title : NULL));
	json_object_set_new(o, "kind", json_string(pd_kind_to_string(m->kind)));
	json_object_set_new(o, "number", json_integer(m->tags.has_counter ? m->tags.number : 1));
	json_object_set_new(o, "message_id", str_or_null(m->message_id));
	json_object_set_new(o, "date", date_or_null(m->date));
	json_object_set_new(o, "author", person(&m->author));
	json_object_set_new(o, "sender", person(&m->sender));
	json_object_set_new(o, "link", link_for(r, opts, m));
	json_object_set_new(o, "origin", jstr(t ? t->origin : NULL));
	pd_post_text_free(t);
	if (r->n_lists > 1)
		json_object_set_new(o, "lists", lists_of(r, m->lists));
	json_object_set_new(o, "trailers", trailers_of(s, m));
	if (with_body) {
		if ((e = pd_report_commit_message(&body, r, m)) < 0)
			*error = e;
		json_object_set_new(o, "commit_message", str_or_null(body));
		g_free(body);
	}
	return o;
}

static json_t *tallies(const pd_tally *rows, size_t n, const char *key_name)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *row = json_object();
		json_object_set_new(row, "count", json_integer(rows[i].count));
		json_object_set_new(row, key_name, jstr(rows[i].key));
		if (strcmp(key_name, "employer"))
			json_object_set_new(row, "display", jstr(rows[i].display));
		if (rows[i].employer)
			json_object_set_new(row, "employer", jstr(rows[i].employer));
		json_array_append_new(a, row);
	}
	return a;
}

/* An earlier digest's series: which version, which digest, when. */
static json_t *earlier_digest(const pd_earlier *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "where", json_string("an earlier digest"));
	json_object_set_new(o, "version", json_string(e->version));
	json_object_set_new(o, "title", jstr(e->title));
	json_object_set_new(o, "digest", json_integer(e->digest_id));
	json_object_set_new(o, "digest_range", jstr(e->digest_range));
	json_object_set_new(o, "digest_end", date_or_null(e->digest_end));
	json_object_set_new(o, "recorded", date_or_null(e->digest_made));
	return o;
}

static json_t *earlier_here(const pd_report *r, long index)
{
	const pd_series *e = &r->series[index];
	json_t *o = json_object();

	json_object_set_new(o, "where", json_string("this digest"));
	json_object_set_new(o, "version", json_string(e->version));
	json_object_set_new(o, "title", jstr(e->title));
	json_object_set_new(o, "index", json_integer(index));
	return o;
}

static json_t *series(const pd_report *r, const pd_render_options *opts, const pd_series *s,
		      int *error)
{
	json_t *o = json_object(), *patches = json_array();
	size_t i;
	int shown = s->status == PD_SERIES_NEW || s->status == PD_SERIES_CONTINUED;

	json_object_set_new(o, "title", jstr(s->title));
	json_object_set_new(o, "version", json_string(s->version));
	json_object_set_new(o, "status", json_string(pd_series_status_to_string(s->status)));
	json_object_set_new(o, "received", json_integer(s->received));
	json_object_set_new(o, "expected", json_integer(s->expected));
	json_object_set_new(o, "complete", json_boolean(s->complete));
	json_object_set_new(o, "author", person(s->author));
	json_object_set_new(o, "sender", person(s->sender));
	json_object_set_new(o, "first_date", date_or_null(s->first_date));
	json_object_set_new(o, "last_date", date_or_null(s->last_date));
	if (s->status == PD_SERIES_REPORTED)
		json_object_set_new(o, "reported", s->reported_as >= 0 ? earlier_here(r, s->reported_as)
							       : earlier_digest(s->earlier));
	if (s->continues)
		json_object_set_new(o, "continues", earlier_digest(s->continues));
	if (s->previous_as >= 0)
		json_object_set_new(o, "previous_version", earlier_here(r, s->previous_as));
	else if (s->previous)
		json_object_set_new(o, "previous_version", earlier_digest(s->previous));
	json_object_set_new(o, "review_status",
			    json_string(pd_review_status_to_string(s->review_status)));
	json_object_set_new(o, "replies", json_integer((json_int_t)s->n_replies));
	json_object_set_new(o, "reviewers", json_integer((json_int_t)s->n_reviewers));
	json_object_set_new(o, "first_review", s->first_review ? date_or_null(s->first_review)
							      : json_null());
	json_object_set_new(o, "needs_attention", json_boolean(s->needs_attention));
	{
		json_t *applied = json_array();
		for (i = 0; i < s->n_applied; i++)
			json_array_append_new(applied, applied_of(s->applied[i], s->applied_on[i]));
		json_object_set_new(o, "applied", applied);
	}
	json_object_set_new(o, "cover", s->cover ? message(r, opts, s, s->cover, shown, error) : json_null());
	for (i = 0; i < s->n_patches; i++)
		json_array_append_new(patches, message(r, opts, s, s->patches[i],
						       shown && s->patches[i] == s->first_patch, error));
	json_object_set_new(o, "patches", patches);
	return o;
}

/* jansson's text of `value` in `sink`, every line after the first
 * indented by `indent` more spaces: a series dumped alone, placed inside
 * the "series" array, reads as if the whole document were dumped at
 * once (JSON strings hold no raw newlines, so every one is a line
 * break of the layout). */
static int dump_indented(pd__sink *sink, const json_t *value, const char *indent)
{
	char *text = json_dumps(value, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	const char *p, *nl;

	if (!text)
		return pd__error(PD_ERR_NOMEM, "cannot write the JSON report");
	for (p = text; (nl = strchr(p, '\n')); p = nl + 1) {
		g_string_append_len(sink->buf, p, nl + 1 - p);
		g_string_append(sink->buf, indent);
	}
	g_string_append(sink->buf, p);
	free(text); /* jansson's allocator is malloc */
	return PD_OK;
}

/* A series that needs attention: the range's by index, one posted
 * before it (look-back window, earlier digests) by title alone. */
static json_t *attention_of(const pd_report *r, const pd_series *s, size_t i)
{
	int64_t since = s->last_review ? s->last_review : s->first_date;

	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:i}",
			 "series", i < r->n_series ? json_integer((json_int_t)i) : json_null(),
			 "title", jstr(s->title), "author", person(s->author),
			 "since", date_or_null(s->first_date),
			 "waiting_since", date_or_null(since),
			 "days", (json_int_t)((r->last_date - since) / 86400));
}

/* The pull requests (*error set when a subject cannot be read back). */
static json_t *pull_requests(const pd_report *r, int *error)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n_pulls; i++) {
		const pd_pull *p = &r->pulls[i];
		json_t *o = json_object(), *merged = json_null();
		pd_post_text *t = NULL;
		int e = pd_report_post_text(&t, r, p->message);
		if (e < 0)
			*error = e;
		json_object_set_new(o, "message_id", str_or_null(p->message->message_id));
		json_object_set_new(o, "title", str_or_null(p->message->tags.title));
		json_object_set_new(o, "subject", str_or_null(t ? t->subject : NULL));
		pd_post_text_free(t);
		json_object_set_new(o, "from", person(&p->message->sender));
		json_object_set_new(o, "date", date_or_null(p->message->date));
		json_object_set_new(o, "in_range", json_boolean(p->in_range));
		json_object_set_new(o, "parts", json_integer((json_int_t)p->n_parts));
		json_object_set_new(o, "replies", json_integer((json_int_t)p->n_replies));
		if (p->merged) {
			merged = applied_of(p->merged, NULL);
			json_object_del(merged, "patches");
		}
		json_object_set_new(o, "merged", merged);
		json_array_append_new(a, o);
	}
	return a;
}

/* One entry of a top-level array written in its place: `value` (taken)
 * after a separator, as in a document dumped at once. */
static int entry(pd__sink *sink, json_t *value, size_t index)
{
	int error;

	g_string_append(sink->buf, index ? ",\n  " : "\n  ");
	error = dump_indented(sink, value, "  ");
	json_decref(value);
	pd__sink_flush(sink, 0);
	return error;
}

int pd__render_json(const pd_report *r, const pd_render_options *opts, pd_write_cb write,
		    void *payload)
{
	json_t *root = json_object();
	pd__sink sink;
	char *head, *tail, *applied_at, *attention_at;
	size_t i;
	int error = PD_OK;

	json_object_set_new(root, "format", json_string("patchdigest-1"));
	json_object_set_new(root, "name", str_or_null(r->name));
	json_object_set_new(root, "lore_list", str_or_null(r->lore_list));
	/* the range's ends: as the title names them, and the dates of its
	 * first and last message (archive order) */
	json_object_set_new(root, "range", json_pack("{s:s, s:s, s:o, s:o}", "from", r->from_label,
						     "to", r->to_label,
						     "from_date", r->n_messages + r->n_reply_records
								  ? date_or_null(r->first_message_date)
								  : json_null(),
						     "to_date", r->n_messages + r->n_reply_records
								? date_or_null(r->last_message_date)
								: json_null()));
	json_object_set_new(root, "counts",
			    json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
				      "messages", (json_int_t)(r->n_patches + r->n_covers + r->n_replies),
				      "patches", (json_int_t)r->n_patches,
				      "covers", (json_int_t)r->n_covers,
				      "replies", (json_int_t)r->n_replies,
				      "duplicates", (json_int_t)r->n_duplicates,
				      "skipped", (json_int_t)r->n_skipped,
				      "damaged", (json_int_t)r->n_damaged,
				      "series", (json_int_t)r->n_series));
	if (r->n_lists > 1) {
		/* a digest of several lists: which, and the copies of a
		 * message counted once */
		json_object_set_new(root, "lists", lists_of(r, ~0u));
		json_object_set_new(json_object_get(root, "counts"), "crossposted",
				    json_integer((json_int_t)r->n_crossposted));
	}
	json_object_set_new(root, "domains", tallies(r->domains, r->n_domains, "domain"));
	json_object_set_new(root, "contributors",
			    tallies(r->contributors, r->n_contributors, "address"));
	if (r->employers)
		json_object_set_new(root, "employers", tallies(r->employers, r->n_employers, "employer"));
	json_object_set_new(root, "reviewers", tallies(r->reviewers, r->n_reviewers, "address"));
	json_object_set_new(root, "reviewer_domains",
			    tallies(r->reviewer_domains, r->n_reviewer_domains, "domain"));
	if (r->reviewer_employers)
		json_object_set_new(root, "reviewer_employers",
				    tallies(r->reviewer_employers, r->n_reviewer_employers, "employer"));
	json_object_set_new(root, "median_first_review",
			    r->median_first_review >= 0 ? json_integer(r->median_first_review)
							: json_null());
	/* applied and needs_attention, the long arrays before the series,
	 * are written into their place one entry at a time, as the series
	 * are: a whole archive has tens of thousands of them */
	json_object_set_new(root, "applied", json_array());
	json_object_set_new(root, "needs_attention", json_array());
	json_object_set_new(root, "pull_requests", pull_requests(r, &error));
	/* the document with an empty "series" array, which is last: the
	 * series are written into it one by one */
	json_object_set_new(root, "series", json_array());
	head = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!head || !(tail = strstr(head, "[]\n}")) || tail[4]
	    || !(applied_at = strstr(head, "\n \"applied\": []"))
	    || !(attention_at = strstr(head, "\n \"needs_attention\": []"))) {
		free(head);
		return pd__error(PD_ERR_NOMEM, "cannot write the JSON report");
	}
	applied_at += strlen("\n \"applied\": [");
	attention_at += strlen("\n \"needs_attention\": [");
	pd__sink_init(&sink, write, payload);
	g_string_append_len(sink.buf, head, applied_at - head);
	{
		size_t n = 0;
		for (i = 0; i < pd__n_all_series(r) && error == PD_OK; i++) {
			const pd_series *s = pd__all_series(r, i);
			for (size_t k = 0; k < s->n_applied && error == PD_OK; k++) {
				json_t *a = applied_of(s->applied[k], s->applied_on[k]);
				/* a series posted before the range has no index */
				json_object_set_new(a, "series", i < r->n_series ? json_integer((json_int_t)i)
										 : json_null());
				json_object_set_new(a, "title", jstr(s->title));
				error = entry(&sink, a, n++);
			}
		}
		/* "applied" of a patch in no series known here: its own title */
		for (i = 0; i < r->n_applied_elsewhere && error == PD_OK; i++) {
			const pd_reply *m = r->applied_elsewhere[i];
			json_t *a = applied_of(m, NULL);
			json_object_set_new(a, "series", json_null());
			json_object_set_new(a, "title", jstr(m->facts->title));
			error = entry(&sink, a, n++);
		}
		g_string_append(sink.buf, n ? "\n ]" : "]");
		g_string_append_len(sink.buf, applied_at + 1, attention_at - (applied_at + 1));
		n = 0;
		for (i = 0; i < pd__n_all_series(r) && error == PD_OK; i++)
			if (pd__all_series(r, i)->needs_attention)
				error = entry(&sink, attention_of(r, pd__all_series(r, i), i), n++);
		g_string_append(sink.buf, n ? "\n ]" : "]");
		g_string_append_len(sink.buf, attention_at + 1, tail + 1 - (attention_at + 1));
	}
	free(head);
	for (i = 0; i < r->n_series && error == PD_OK; i++) {
		json_t *one = series(r, opts, &r->series[i], &error);
		g_string_append(sink.buf, i ? ",\n  " : "\n  ");
		if (error == PD_OK)
			error = dump_indented(&sink, one, "  ");
		json_decref(one);
		pd__sink_flush(&sink, 0);
	}
	g_string_append(sink.buf, r->n_series ? "\n ]\n}" : "]\n}");
	return pd__sink_finish(&sink, error);
}
