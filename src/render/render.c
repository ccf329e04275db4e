/*
 * render/render.c - one entry for every format: names, options, links.
 *
 * The classic text, JSON, the email and the mbox are written from the
 * report itself.  HTML and Markdown are written from the report's JSON
 * (html.c, markdown.c): the site (`patchdigest site`) writes pages of
 * digests recorded long ago from the JSON the state kept, and one page
 * writer serves both.
 */
#include <string.h>
#include "render/render.h"

static const char *const format_names[] = {
	[PD_FORMAT_CLASSIC] = "classic", [PD_FORMAT_JSON] = "json",
	[PD_FORMAT_HTML] = "html",       [PD_FORMAT_MARKDOWN] = "markdown",
	[PD_FORMAT_EMAIL] = "email",     [PD_FORMAT_MBOX] = "mbox",
};
#define N_FORMATS (sizeof(format_names) / sizeof(format_names[0]))

const char *pd_format_to_string(pd_format format)
{
	return (unsigned)format < N_FORMATS ? format_names[format] : "unknown";
}

int pd_format_from_string(pd_format *out, const char *name)
{
	for (size_t i = 0; name && i < N_FORMATS; i++)
		if (!strcmp(name, format_names[i])) {
			*out = (pd_format)i;
			return PD_OK;
		}
	return pd__error(PD_ERR_INVALID, "unknown format '%s'; use classic, json, html, "
			 "markdown, email or mbox", name ? name : "");
}

char *pd_report_link(const pd_report *r, const pd_post *m, const char *link_mask)
{
	const char *lore = r->lore_list;

	if (!m)
		return NULL;
	/* several lists: the first list the message came from */
	for (size_t i = 0; r->n_lists > 1 && r->lore_lists && i < r->n_lists; i++)
		if (m->lists & (1u << i)) {
			lore = r->lore_lists[i];
			break;
		}
	return pd__link_to(m->message_id, link_mask, lore);
}

char *pd__link_to(const char *message_id, const char *link_mask, const char *lore)
{
	const char *at;
	char *escaped, *url;

	if (!message_id || (!link_mask && !lore))
		return NULL;
	/* RFC 3986's sub-delims, ':' and '@' may stay in a path segment, as
	 * lore writes them; '/', '%', '?', '#' and the rest are escaped */
	escaped = g_uri_escape_string(message_id, "!$&'()*+,;=:@", FALSE);
	if (!link_mask) {
		/* a list's name is checked where it is taken; escaped anyway */
		char *list = g_uri_escape_string(lore, "!$&'()*+,;=:@", FALSE);
		url = g_strdup_printf("https://lore.kernel.org/%s/%s/", list, escaped);
		g_free(list);
	} else if ((at = strstr(link_mask, "%s"))) {
		url = g_strdup_printf("%.*s%s%s", (int)(at - link_mask), link_mask, escaped, at + 2);
	} else {
		url = g_strconcat(link_mask, escaped, NULL); /* a mask without %s: a prefix */
	}
	g_free(escaped);
	return url;
}

int pd__report_json_tree(json_t **out, const pd_report *r, const pd_render_options *o)
{
	char *text = NULL;
	size_t len;
	json_error_t jerr;
	GString *all = g_string_sized_new(PD__SINK_FLUSH);
	int error;

	*out = NULL;
	error = pd__render_json(r, o, pd__append_to_gstring, all);
	if (error == PD_OK) {
		len = all->len;
		text = g_string_free(all, FALSE);
		all = NULL;
		if (!(*out = json_loadb(text, len, 0, &jerr)))
			error = pd__error(PD_ERR_NOMEM, "cannot read the report back: %s", jerr.text);
	}
	if (all)
		g_string_free(all, TRUE);
	g_free(text);
	return error;
}

int pd_render_write(const pd_report *r, pd_format format, const pd_render_options *opts,
		    pd_write_cb write, void *payload)
{
	static const pd_render_options defaults = PD_RENDER_OPTIONS_INIT;
	json_t *doc = NULL;
	int error;

	if (!opts)
		opts = &defaults;
	if ((error = pd__check_version(opts->version, PD_RENDER_OPTIONS_VERSION,
				       "pd_render_options")) < 0)
		return error;
	switch (format) {
	case PD_FORMAT_CLASSIC:
		return pd__render_classic(r, opts, write, payload);
	case PD_FORMAT_JSON:
		return pd__render_json(r, opts, write, payload);
	case PD_FORMAT_EMAIL:
		return pd__render_email(r, opts, write, payload);
	case PD_FORMAT_MBOX:
		return pd__render_mbox(r, write, payload);
	case PD_FORMAT_HTML:
	case PD_FORMAT_MARKDOWN:
		if ((error = pd__report_json_tree(&doc, r, opts)) < 0)
			return error;
		error = format == PD_FORMAT_HTML ? pd__render_html(doc, opts, write, payload)
						 : pd__render_markdown(doc, opts, write, payload);
		json_decref(doc);
		return error;
	}
	return pd__error(PD_ERR_INVALID, "unknown format %d", (int)format);
}

int pd_render_classic_write(const pd_report *r, pd_write_cb write, void *payload)
{
	return pd_render_write(r, PD_FORMAT_CLASSIC, NULL, write, payload);
}

int pd_render_json_write(const pd_report *r, pd_write_cb write, void *payload)
{
	return pd_render_write(r, PD_FORMAT_JSON, NULL, write, payload);
}
