/*
 * render/site.c - a static site of every digest the state recorded: one
 * page per digest (digest-ID.html, written from the report the state
 * kept), an index, newest first (index.html), and an Atom feed
 * (feed.atom, RFC 4287), so that readers follow the digests as they
 * follow lore's own feeds.
 *
 * Every file is written whole beside its name and renamed into place: a
 * web server never serves half a page.  The pages of digests the state
 * no longer knows (forgotten) are removed; nothing else in the folder is
 * touched.
 */
#include <string.h>
#include <errno.h>
#include <glib/gstdio.h>
#include "render/render.h"

typedef struct {
	const char *key;           /* the archive's (borrowed from the list) */
	const pd_state_digest *d;  /* borrowed */
	char *title;               /* the report's title, else made of its range */
	char *summary;             /* "27 messages, 10 series, 9 new" */
	int has_page;
	int damaged;               /* its kept report cannot be read */
} entry;

static gint newest_first(gconstpointer x, gconstpointer y)
{
	const entry *a = x, *b = y;

	if (a->d->made != b->d->made)
		return a->d->made < b->d->made ? 1 : -1;
	return a->d->id < b->d->id ? 1 : a->d->id > b->d->id ? -1 : 0;
}

/* An Atom id that stays the same for the same thing: a name-based UUID
 * (RFC 4122 version 5's layout over SHA-1) as a URN. */
static char *stable_id(const char *name)
{
	char *sha = g_compute_checksum_for_string(G_CHECKSUM_SHA1, name, -1);
	char *id;

	sha[12] = '5';                                   /* version 5 */
	sha[16] = "89ab"[g_ascii_xdigit_value(sha[16]) & 3]; /* RFC 4122 variant */
	id = g_strdup_printf("urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", sha, sha + 8, sha + 12,
			     sha + 16, sha + 20);
	g_free(sha);
	return id;
}

static int write_file(const char *dir, const char *name, const GString *content)
{
	char *path = g_build_filename(dir, name, NULL);
	GError *err = NULL;
	int error = PD_OK;

	if (!g_file_set_contents_full(path, content->str, (gssize)content->len,
				      G_FILE_SET_CONTENTS_CONSISTENT, 0644, &err)) {
		error = pd__error(PD_ERR_IO, "cannot write %s: %s", path, err->message);
		g_error_free(err);
	}
	g_free(path);
	return error;
}

static char *page_name(const pd_state_digest *d)
{
	return g_strdup_printf("digest-%lld.html", (long long)d->id);
}

/* The page of `e` from its kept report; e->title and summary from it.
 * 1 written, 0 when there is no report.  A report that cannot be read
 * (PD_ERR_STATE: damaged) is counted and marks `e`; the page published
 * from it before, if any, stays.  Any other failure (the state busy)
 * is returned. */
static int write_page(entry *e, pd_site_result *res, pd_state *state, const char *dir,
		      const pd_site_options *opts)
{
	pd_render_options ro = PD_RENDER_OPTIONS_INIT;
	json_t *doc = NULL;
	char *json = NULL, *name;
	size_t len = 0;
	GString *page;
	int error;

	if (!e->d->has_report)
		return 0;
	error = pd_state_report(&json, &len, state, e->d->id);
	if (error < 0 && error != PD_ERR_STATE)
		return error;
	if (error < 0 || !json || !(doc = json_loadb(json, len, 0, NULL))) {
		res->n_damaged++;
		e->damaged = 1;
		pd_free(json);
		name = page_name(e->d);
		{
			char *path = g_build_filename(dir, name, NULL);
			int kept = g_file_test(path, G_FILE_TEST_IS_REGULAR);
			g_free(path);
			g_free(name);
			return kept; /* listed with the page it had */
		}
	}
	pd_free(json);
	g_free(e->title);
	e->title = pd__doc_title(doc);
	{
		const json_t *counts = json_object_get(doc, "counts");
		g_free(e->summary);
		e->summary = g_strdup_printf("%lld messages, %lld series, %lld new",
					     pd__doc_int(counts, "messages"), pd__doc_int(counts, "series"),
					     (long long)e->d->n_new);
	}
	ro.generated = e->d->made;
	ro.link_mask = opts->link_mask;
	page = g_string_new(NULL);
	error = pd__render_html(doc, &ro, pd__append_to_gstring, page);
	json_decref(doc);
	name = page_name(e->d);
	if (error == PD_OK)
		error = write_file(dir, name, page);
	g_free(name);
	g_string_free(page, TRUE);
	return error < 0 ? error : 1;
}

static void index_page(GString *out, const entry *entries, guint n, const char *title)
{
	pd__html_open(out, title, "<link rel=\"alternate\" type=\"application/atom+xml\" "
				  "title=\"Atom feed\" href=\"feed.atom\">\n");
	g_string_append(out, "<header>\n<h1>");
	pd__html_text(out, title);
	g_string_append_printf(out, "</h1>\n<p class=\"range\">%u digest%s, newest first; "
			       "<a href=\"feed.atom\">Atom feed</a></p>\n</header>\n<main>\n",
			       n, n == 1 ? "" : "s");
	if (!n) {
		g_string_append(out, "<p>No digest is recorded yet.</p>\n");
	} else {
		g_string_append(out, "<table class=\"series\">\n<thead><tr><th>Digest</th><th>Archive</th>"
				     "<th>Counts</th><th>Recorded</th></tr></thead>\n<tbody>\n");
	}
	for (guint i = 0; i < n; i++) {
		const entry *e = &entries[i];
		char *made = pd__format_date(e->d->made), *base = g_path_get_basename(e->key);
		g_string_append(out, "<tr><td data-label=\"Digest\">");
		if (e->has_page) {
			char *name = page_name(e->d);
			g_string_append_printf(out, "<a href=\"%s\">", name);
			pd__html_text(out, e->title);
			g_string_append(out, "</a>");
			g_free(name);
		} else {
			pd__html_text(out, e->title);
			g_string_append(out, e->damaged ? "<br><small>its kept report is damaged: no page</small>"
							: "<br><small>recorded before reports were kept: no page</small>");
		}
		g_string_append(out, "</td><td data-label=\"Archive\">");
		pd__html_text(out, base);
		g_string_append(out, "</td><td data-label=\"Counts\">");
		pd__html_text(out, e->summary);
		g_string_append_printf(out, "</td><td data-label=\"Recorded\"><time datetime=\"%s\">%.10s"
				       "</time></td></tr>\n", made, made);
		g_free(made);
		g_free(base);
	}
	if (n)
		g_string_append(out, "</tbody>\n</table>\n");
	g_string_append(out, "</main>\n<footer>Made by patchdigest.</footer>\n</body>\n</html>\n");
}

/* `url` as the feed writes it: under opts->base_url when given. */
static void feed_link(GString *out, const pd_site_options *opts, const char *rel,
		      const char *type, const char *name)
{
	g_string_append_printf(out, "  <link rel=\"%s\" type=\"%s\" href=\"", rel, type);
	if (opts->base_url) {
		pd__html_text(out, opts->base_url);
		if (!g_str_has_suffix(opts->base_url, "/"))
			g_string_append_c(out, '/');
	}
	g_string_append_printf(out, "%s\"/>\n", name);
}

static void feed(GString *out, const entry *entries, guint n, const char *title,
		 const char *feed_id, const pd_site_options *opts)
{
	char *updated = pd__format_date(n ? entries[0].d->made
					  : (int64_t)(g_get_real_time() / G_USEC_PER_SEC));

	g_string_append(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			     "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
	pd__html_text(out, title);
	g_string_append(out, "</title>\n  <id>");
	pd__html_text(out, feed_id);
	g_string_append_printf(out, "</id>\n  <updated>%s</updated>\n"
			       "  <author><name>patchdigest</name></author>\n"
			       "  <generator>patchdigest</generator>\n", updated);
	feed_link(out, opts, "self", "application/atom+xml", "feed.atom");
	feed_link(out, opts, "alternate", "text/html", "index.html");
	for (guint i = 0; i < n; i++) {
		const entry *e = &entries[i];
		char *made = pd__format_date(e->d->made);
		char *name = g_strdup_printf("patchdigest digest\n%s\n%lld\n%lld", e->key,
					     (long long)e->d->id, (long long)e->d->made);
		char *id = stable_id(name);
		g_string_append(out, " <entry>\n  <title>");
		pd__html_text(out, e->title);
		g_string_append_printf(out, "</title>\n  <id>%s</id>\n  <updated>%s</updated>\n", id, made);
		g_free(name);
		name = e->has_page ? page_name(e->d) : g_strdup("index.html");
		feed_link(out, opts, "alternate", "text/html", name);
		g_string_append(out, "  <summary>");
		pd__html_text(out, e->summary);
		g_string_append(out, "</summary>\n </entry>\n");
		g_free(name);
		g_free(id);
		g_free(made);
	}
	g_string_append(out, "</feed>\n");
	g_free(updated);
}

/* The feed's id: an Atom feed keeps its id for ever (RFC 4287 4.2.6), so
 * the one feed.atom in `dir` has, as written (text without markup);
 * else the site's address; else a URN of the archives' keys.  New
 * string. */
static char *feed_id_of(const char *dir, const pd_site_options *opts, const char *keys)
{
	char *path = g_build_filename(dir, "feed.atom", NULL), *old = NULL, *id = NULL;
	const char *start, *end;

	if (g_file_get_contents(path, &old, NULL, NULL) && (start = strstr(old, "<id>"))
	    && (end = strstr(start, "</id>")) && !memchr(start + 4, '<', (size_t)(end - start - 4))
	    && !memchr(start + 4, '&', (size_t)(end - start - 4)) && end > start + 4)
		id = g_strndup(start + 4, (size_t)(end - start - 4));
	g_free(old);
	g_free(path);
	if (!id)
		id = opts->base_url ? g_strdup(opts->base_url) : stable_id(keys);
	return id;
}

/* Removes the pages of digests no longer recorded (digest-N.html whose N
 * is not among `entries`). */
static void remove_stale(const char *dir, const entry *entries, guint n)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GHashTable *keep = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *name;

	for (guint i = 0; i < n; i++)
		if (entries[i].has_page)
			g_hash_table_add(keep, page_name(entries[i].d));
	while (d && (name = g_dir_read_name(d))) {
		if (g_str_has_prefix(name, "digest-") && g_str_has_suffix(name, ".html")
		    && strspn(name + 7, "0123456789") == strlen(name) - 12 && strlen(name) > 12
		    && !g_hash_table_contains(keep, name)) {
			char *path = g_build_filename(dir, name, NULL);
			g_unlink(path);
			g_free(path);
		}
	}
	if (d)
		g_dir_close(d);
	g_hash_table_destroy(keep);
}

int pd_site_write(pd_site_result *out, const char *dir, pd_state *state,
		  const pd_site_options *opts)
{
	static const pd_site_options defaults = PD_SITE_OPTIONS_INIT;
	pd_state_archive *archives = NULL;
	size_t n_archives = 0;
	GArray *entries = g_array_new(FALSE, TRUE, sizeof(entry));
	GString *text = NULL, *keys = g_string_new("patchdigest site");
	const char *title;
	char *feed_id = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &defaults;
	if ((error = pd__check_version(opts->version, PD_SITE_OPTIONS_VERSION, "pd_site_options")) < 0)
		goto cleanup;
	title = opts->title ? opts->title : "Mailing list digests";
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		error = pd__error(PD_ERR_IO, "cannot make the folder %s: %s", dir, g_strerror(errno));
		goto cleanup;
	}
	if ((error = pd_state_list(&archives, &n_archives, state, G_MAXSIZE)) < 0)
		goto cleanup;
	for (size_t a = 0; a < n_archives; a++) {
		g_string_append_printf(keys, "\n%s", archives[a].key);
		for (size_t i = 0; i < archives[a].n_last; i++) {
			const pd_state_digest *d = &archives[a].last[i];
			char *base = g_path_get_basename(archives[a].key);
			entry e = { archives[a].key, d, NULL, NULL, 0, 0 };
			e.title = g_strdup_printf("%s: %s", base, d->range);
			e.summary = g_strdup_printf("%lld messages, %lld new series",
						    (long long)d->n_messages, (long long)d->n_new);
			g_free(base);
			g_array_append_val(entries, e);
		}
	}
	g_array_sort(entries, newest_first);
	for (guint i = 0; i < entries->len && error == PD_OK; i++) {
		entry *e = &g_array_index(entries, entry, i);
		int written = write_page(e, out, state, dir, opts);
		if (written < 0)
			error = written;
		e->has_page = written > 0;
		out->n_pages += written > 0;
		out->n_without_page += written == 0;
	}
	out->n_digests = entries->len;
	if (error < 0)
		goto cleanup;
	text = g_string_new(NULL);
	index_page(text, (const entry *)entries->data, entries->len, title);
	if ((error = write_file(dir, "index.html", text)) < 0)
		goto cleanup;
	g_string_truncate(text, 0);
	feed_id = feed_id_of(dir, opts, keys->str);
	feed(text, (const entry *)entries->data, entries->len, title, feed_id, opts);
	if ((error = write_file(dir, "feed.atom", text)) < 0)
		goto cleanup;
	remove_stale(dir, (const entry *)entries->data, entries->len);
cleanup:
	for (guint i = 0; i < entries->len; i++) {
		g_free(g_array_index(entries, entry, i).title);
		g_free(g_array_index(entries, entry, i).summary);
	}
	g_array_free(entries, TRUE);
	if (text)
		g_string_free(text, TRUE);
	g_string_free(keys, TRUE);
	g_free(feed_id);
	pd_state_archives_free(archives, n_archives);
	return error;
}
