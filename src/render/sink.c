/*
 * render/sink.c - the renderers' output, written as it is made so that
 * the digest of a whole archive is never one string in memory.
 */
#include "render/render.h"

void pd__sink_init(pd__sink *sink, pd_write_cb write, void *payload)
{
	sink->buf = g_string_sized_new(PD__SINK_FLUSH * 2);
	sink->write = write;
	sink->payload = payload;
	sink->failed = 0;
}

void pd__sink_flush(pd__sink *sink, int all)
{
	if (sink->buf->len == 0 || (!all && sink->buf->len < PD__SINK_FLUSH))
		return;
	if (!sink->failed && sink->write(sink->buf->str, sink->buf->len, sink->payload) != 0)
		sink->failed = 1;
	g_string_truncate(sink->buf, 0);
}

int pd__sink_finish(pd__sink *sink, int error)
{
	if (error == PD_OK)
		pd__sink_flush(sink, 1);
	g_string_free(sink->buf, TRUE);
	sink->buf = NULL;
	if (error == PD_OK && sink->failed)
		return pd__error(PD_ERR_IO, "writing the digest stopped");
	return error;
}

int pd__append_to_gstring(const char *data, size_t len, void *payload)
{
	g_string_append_len(payload, data, (gssize)len);
	return 0;
}

int pd_render(char **out, size_t *out_len, const pd_report *r, pd_format format,
	      const pd_render_options *opts)
{
	GString *all = g_string_sized_new(PD__SINK_FLUSH);
	int error = pd_render_write(r, format, opts, pd__append_to_gstring, all);

	if (error < 0) {
		g_string_free(all, TRUE);
		*out = NULL;
		*out_len = 0;
		return error;
	}
	*out_len = all->len;
	*out = g_string_free(all, FALSE);
	return PD_OK;
}

int pd_render_classic(char **out, size_t *out_len, const pd_report *r)
{
	return pd_render(out, out_len, r, PD_FORMAT_CLASSIC, NULL);
}

int pd_render_json(char **out, size_t *out_len, const pd_report *r)
{
	return pd_render(out, out_len, r, PD_FORMAT_JSON, NULL);
}
