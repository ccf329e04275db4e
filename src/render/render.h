/*
 * render/render.h - what the renderers share: output gathered and
 * handed to the caller's write callback in pieces (sink.c).  Private.
 */
#ifndef PD_RENDER_H
#define PD_RENDER_H

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
/* A renderer's whole output as one new string (pd_render_classic(),
 * pd_render_json()). */
int pd__render_to_string(char **out, size_t *out_len, const pd_report *r,
			 int (*render)(const pd_report *, pd_write_cb, void *));

#endif
