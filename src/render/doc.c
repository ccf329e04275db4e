/*
 * render/doc.c - reading a report's JSON document ("patchdigest-1") for
 * the page writers (html.c, markdown.c): what they both say the same
 * way -- a series' link, its history, what reviewers did.  Every string
 * returned here is plain text, some of it from mail: the caller escapes
 * it for its format.
 */
#include <string.h>
#include "render/render.h"

const char *pd__doc_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

long long pd__doc_int(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

char *pd__doc_day(const json_t *o, const char *key)
{
	const char *iso = pd__doc_str(o, key);

	return iso ? g_strndup(iso, 10) : g_strdup("unknown date");
}

char *pd__doc_title(const json_t *doc)
{
	const char *name = pd__doc_str(doc, "name");
	const json_t *range = json_object_get(doc, "range");

	return g_strdup_printf("%s%s list update from %s to %s", name ? name : "",
			       name ? " mailing" : "Mailing", pd__doc_str(range, "from"),
			       pd__doc_str(range, "to"));
}

const json_t *pd__doc_series_lead(const json_t *s)
{
	const json_t *cover = json_object_get(s, "cover");
	const json_t *patches = json_object_get(s, "patches"), *p;
	size_t i;

	if (json_is_object(cover))
		return cover;
	json_array_foreach(patches, i, p)
		if (pd__doc_int(p, "number") == 1)
			return p;
	return json_array_get(patches, 0);
}

char *pd__doc_link(const json_t *m, const pd_render_options *o)
{
	if (!m)
		return NULL;
	if (o->link_mask)
		return pd__link_to(pd__doc_str(m, "message_id"), o->link_mask, NULL);
	return g_strdup(pd__doc_str(m, "link"));
}

/* A previous or reported version: "v2 reported 2024-05-06", or "v2
 * earlier in this digest". */
static void version_at(GString *out, const char *what, const json_t *e)
{
	char *day;

	if (!json_is_object(e))
		return;
	if (!strcmp(pd__doc_str(e, "where"), "this digest")) {
		g_string_append_printf(out, "; v%s earlier in this digest", pd__doc_str(e, "version"));
		return;
	}
	day = pd__doc_day(e, "digest_end");
	g_string_append_printf(out, "; v%s %s %s", pd__doc_str(e, "version"), what, day);
	g_free(day);
}

char *pd__doc_status(const json_t *s)
{
	GString *out = g_string_new(NULL);
	const json_t *reported = json_object_get(s, "reported");

	for (const char *c = pd__doc_str(s, "status"); c && *c; c++)
		g_string_append_c(out, *c == '-' ? ' ' : *c);
	if (json_is_object(reported)) {
		if (!strcmp(pd__doc_str(reported, "where"), "this digest")) {
			g_string_append(out, " earlier in this digest");
		} else {
			char *day = pd__doc_day(reported, "digest_end");
			g_string_append_printf(out, " %s", day);
			g_free(day);
		}
	} else if (json_is_object(json_object_get(s, "continues"))) {
		char *day = pd__doc_day(json_object_get(s, "continues"), "digest_end");
		g_string_append_printf(out, " (reported %s)", day);
		g_free(day);
	}
	version_at(out, "reported", json_object_get(s, "previous_version"));
	return g_string_free(out, FALSE);
}

/* The trailers of one message into `tags` (first-written spelling ->
 * count, in `order`), tags compared ignoring case. */
static void count_trailers(GPtrArray *order, GArray *counts, const json_t *m)
{
	const json_t *t;
	size_t i;

	json_array_foreach(json_object_get(m, "trailers"), i, t) {
		const char *tag = pd__doc_str(t, "tag");
		guint k;
		if (!tag)
			continue;
		for (k = 0; k < order->len; k++)
			if (!g_ascii_strcasecmp(g_ptr_array_index(order, k), tag))
				break;
		if (k == order->len) {
			int one = 1;
			g_ptr_array_add(order, (gpointer)tag);
			g_array_append_val(counts, one);
		} else {
			g_array_index(counts, int, k)++;
		}
	}
}

char *pd__doc_review(const json_t *s)
{
	GString *out = g_string_new(NULL);
	GPtrArray *order = g_ptr_array_new();
	GArray *counts = g_array_new(FALSE, FALSE, sizeof(int));
	const json_t *p;
	long long replies = pd__doc_int(s, "replies");
	size_t i;

	for (const char *c = pd__doc_str(s, "review_status"); c && *c; c++)
		g_string_append_c(out, *c == '-' ? ' ' : *c);
	if (replies)
		g_string_append_printf(out, ": %lld repl%s", replies, replies == 1 ? "y" : "ies");
	if (json_is_object(json_object_get(s, "cover")))
		count_trailers(order, counts, json_object_get(s, "cover"));
	json_array_foreach(json_object_get(s, "patches"), i, p)
		count_trailers(order, counts, p);
	for (guint k = 0; k < order->len; k++)
		g_string_append_printf(out, "%s%s %d", replies || k ? ", " : ": ",
				       (const char *)g_ptr_array_index(order, k),
				       g_array_index(counts, int, k));
	g_ptr_array_free(order, TRUE);
	g_array_free(counts, TRUE);
	return g_string_free(out, FALSE);
}

char *pd__doc_applied_to(const json_t *s)
{
	const json_t *a;
	size_t i;

	json_array_foreach(json_object_get(s, "applied"), i, a)
		if (pd__doc_str(a, "tree"))
			return g_strdup(pd__doc_str(a, "tree"));
	return json_array_size(json_object_get(s, "applied")) ? g_strdup("yes") : NULL;
}

char *pd__doc_person(const json_t *p)
{
	const char *name = pd__doc_str(p, "name"), *address = pd__doc_str(p, "address");

	if (name && *name && address && *address)
		return g_strdup_printf("%s <%s>", name, address);
	return g_strdup(name && *name ? name : address ? address : "");
}

/* Which patches an applied entry names: "patches 1,3", "patch 2", "all". */
static char *patches_of(const json_t *a)
{
	const json_t *patches = json_object_get(a, "patches"), *n;
	GString *out;
	size_t i;

	if (json_is_string(patches))
		return g_strdup("all");
	out = g_string_new(json_array_size(patches) == 1 ? "patch " : "patches ");
	json_array_foreach(patches, i, n)
		g_string_append_printf(out, "%s%lld", i ? "," : "", (long long)json_integer_value(n));
	return g_string_free(out, FALSE);
}

/* "TITLE: WHAT to TREE by WHO, DAY" of `a`, an applied entry or a merge. */
static char *applied_line(const char *title, const char *what, const json_t *a)
{
	char *who = pd__doc_person(json_object_get(a, "by")), *day = pd__doc_day(a, "date");
	const char *tree = pd__doc_str(a, "tree");
	char *line = g_strdup_printf("%s: %s%s%s by %s, %s", title ? title : "", what,
				     tree ? " to " : "", tree ? tree : "", who, day);

	g_free(who);
	g_free(day);
	return line;
}

char *pd__doc_applied_line(const json_t *a)
{
	char *which = patches_of(a), *line;

	/* a patch no series here holds: "applied", of all it answered */
	line = applied_line(pd__doc_str(a, "title"),
			    json_is_null(json_object_get(a, "series")) && !strcmp(which, "all")
			    ? "applied" : which, a);
	g_free(which);
	return line;
}

char *pd__doc_merged_line(const json_t *pull)
{
	const json_t *merged = json_object_get(pull, "merged");

	return json_is_object(merged)
	       ? applied_line(pd__doc_str(pull, "title"), "pull request, merged", merged) : NULL;
}

size_t pd__doc_each_shown(const json_t *doc, void (*fn)(const json_t *m, void *payload),
			  void *payload)
{
	const json_t *s, *p;
	size_t i, j, n = 0;

	json_array_foreach(json_object_get(doc, "series"), i, s) {
		const char *status = pd__doc_str(s, "status");
		const json_t *cover = json_object_get(s, "cover");
		if (!status || (strcmp(status, "new") && strcmp(status, "continued")))
			continue;
		if (json_is_object(cover) && json_object_get(cover, "commit_message")) {
			fn(cover, payload);
			n++;
		}
		json_array_foreach(json_object_get(s, "patches"), j, p)
			if (json_object_get(p, "commit_message")) {
				fn(p, payload);
				n++;
			}
	}
	return n;
}
