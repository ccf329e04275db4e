/*
 * render/render.h - what the renderers share: output gathered and
 * handed to the caller's write callback in pieces (sink.c).  Private.
 */
#ifndef PD_RENDER_H
#define PD_RENDER_H

#include <jansson.h>
#include "base/base.h"

/* ---- renderers' output (sink.c) ---------------------------------- */

/* Output gathered in `buf` and handed to `write` whenever it holds
 * PD__SINK_FLUSH bytes or more (pd__sink_flush) and at the end.  After a
 * write callback stopped it, `failed` is set and nothing more is
 * written. */
#define PD__SINK_FLUSH (64 * 1024)
typedef struct {
	GString *buf;
	pd_write_cb write;
	void *payload;
	int failed;
} pd__sink;

void pd__sink_init(pd__sink *sink, pd_write_cb write, void *payload);
/* Writes out what is gathered once there is enough, or `all`. */
void pd__sink_flush(pd__sink *sink, int all);
/* Ends a renderer whose status is `error`: on PD_OK writes the rest;
 * frees the buffer.  Returns `error`, or PD_ERR_IO when the callback
 * stopped the output. */
int pd__sink_finish(pd__sink *sink, int error);
/* A write callback appending to the GString `payload`. */
int pd__append_to_gstring(const char *data, size_t len, void *payload);

/* ---- the formats (render.c dispatches) ---------------------------- */

/* Each writes `r` through `write` (docs/format.md): PD_ERR_IO when the
 * callback stopped it or a kept text cannot be read back. */
int pd__render_classic(const pd_report *r, const pd_render_options *o, pd_write_cb write,
		       void *payload);
int pd__render_json(const pd_report *r, const pd_render_options *o, pd_write_cb write,
		    void *payload);
/* The classic text (o->links as set) in a message made with GMime;
 * PD_ERR_INVALID without o->mail_from. */
int pd__render_email(const pd_report *r, const pd_render_options *o, pd_write_cb write,
		     void *payload);
/* The new series' messages as mboxrd; PD_ERR_INVALID when the report
 * kept none of their bytes (pd_parse_options.keep_raw). */
int pd__render_mbox(const pd_report *r, pd_write_cb write, void *payload);
/* HTML and Markdown from a report's JSON document ("patchdigest-1", as
 * pd__render_json() writes it, or as the state kept it): borrowed. */
int pd__render_html(const json_t *doc, const pd_render_options *o, pd_write_cb write,
		    void *payload);
int pd__render_markdown(const json_t *doc, const pd_render_options *o, pd_write_cb write,
			void *payload);

/* `s` (from mail) as HTML (or XML) text or attribute value: made safe
 * for display (pd_display_text()), & < > " ' escaped, noncharacters
 * replaced (html.c). */
void pd__html_text(GString *out, const char *s);
/* A page's start, up to and with <body>: `title` (escaped here), the
 * page's style, and `head_extra` (markup, not escaped; may be NULL). */
void pd__html_open(GString *out, const char *title, const char *head_extra);

/* The report's JSON document, parsed: *out new (json_decref()). */
int pd__report_json_tree(json_t **out, const pd_report *r, const pd_render_options *o);

/* ---- a report's JSON document, read for the pages (doc.c) --------- */

/* o[key] as a string (borrowed from `o`), NULL when it is none. */
const char *pd__doc_str(const json_t *o, const char *key);
/* o[key] as a number, 0 when it is none. */
long long pd__doc_int(const json_t *o, const char *key);
/* The day ("2024-05-06") of the date o[key].  New string. */
char *pd__doc_day(const json_t *o, const char *key);
/* "KVM mailing list update from X to Y", as the classic text's title.
 * New string, from mail (the name): escape it. */
char *pd__doc_title(const json_t *doc);
/* The message series `s` is linked by: its cover letter, else patch 1,
 * else its first message; NULL when it has none.  Borrowed from `s`. */
const json_t *pd__doc_series_lead(const json_t *s);
/* The link of message `m` (may be NULL): by o->link_mask when set (a
 * site's pages of old reports take today's mask), else the one the
 * document holds.  New string, or NULL when there is none. */
char *pd__doc_link(const json_t *m, const pd_render_options *o);
/* What earlier digests say of `s` ("already reported 2024-05-06; ..."),
 * what reviewers did ("reviewed: 3 replies, Reviewed-by 2"), where it
 * was applied (NULL: nowhere), who ("Name <address>"); the line of an
 * applied entry ("T: patches 1,3 to next by Name <a>, 2024-05-06") and
 * of a pull request's merge (NULL: not merged).  New plain strings,
 * from mail: escape them. */
char *pd__doc_status(const json_t *s);
char *pd__doc_review(const json_t *s);
char *pd__doc_applied_to(const json_t *s);
char *pd__doc_person(const json_t *person);
char *pd__doc_applied_line(const json_t *applied);
char *pd__doc_merged_line(const json_t *pull);
/* Calls `fn` on each message whose commit message the digest shows (a
 * new or continued series' cover letter and first patch), in order;
 * returns how many. */
size_t pd__doc_each_shown(const json_t *doc, void (*fn)(const json_t *m, void *payload),
			  void *payload);

/* A Message-ID's link: `link_mask` with its %s replaced by the
 * percent-escaped ID, else lore's page of it in list `lore`; NULL when
 * neither is given or there is no ID.  New string. */
char *pd__link_to(const char *message_id, const char *link_mask, const char *lore);

#endif
