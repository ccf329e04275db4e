/*
 * render/mbox.c - the messages of the series a digest shows as new, as
 * an mboxrd file: each series' cover letter, then its patches in number
 * order, series in posting order, so that `git am`, `b4` and `mutt -f`
 * read them as the list sent them.
 *
 * mboxrd (the variant public-inbox and b4 write): every message starts
 * with a "From " line, a body line matching ^>*From  gains one more '>'
 * (a reader takes exactly one away again), and a blank line ends it.
 * The bytes come from the report's store (pd_parse_options.keep_raw), as
 * the archive held them.
 */
#include <string.h>
#include "render/render.h"

static const char separator[] = "From mboxrd@z Thu Jan  1 00:00:00 1970\n";

/* `data` with its ^>*From  lines quoted, ending in a newline, then the
 * blank line that ends a message. */
static void append_quoted(GString *out, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	g_string_append(out, separator);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl + 1 : end;
		const char *q = p;

		while (q < stop && *q == '>')
			q++;
		if (stop - q >= 5 && !memcmp(q, "From ", 5))
			g_string_append_c(out, '>');
		g_string_append_len(out, p, stop - p);
		p = stop;
	}
	if (len && data[len - 1] != '\n')
		g_string_append_c(out, '\n');
	g_string_append_c(out, '\n');
}

static int one(pd__sink *sink, const pd_report *r, const pd_post *m, size_t *n_kept)
{
	char *raw = NULL;
	size_t len = 0;
	int error = pd_report_raw_message(&raw, &len, r, m);

	if (error == PD_OK && raw) {
		append_quoted(sink->buf, raw, len);
		(*n_kept)++;
	}
	g_free(raw);
	pd__sink_flush(sink, 0);
	return error;
}

int pd__render_mbox(const pd_report *r, pd_write_cb write, void *payload)
{
	pd__sink sink;
	size_t n_shown = 0, n_kept = 0;
	int error = PD_OK;

	pd__sink_init(&sink, write, payload);
	for (size_t i = 0; i < r->n_series && error == PD_OK; i++) {
		const pd_series *s = &r->series[i];
		if (s->status != PD_SERIES_NEW)
			continue;
		if (s->cover) {
			n_shown++;
			error = one(&sink, r, s->cover, &n_kept);
		}
		for (size_t j = 0; j < s->n_patches && error == PD_OK; j++) {
			n_shown++;
			error = one(&sink, r, s->patches[j], &n_kept);
		}
	}
	/* a report made without keep_raw would be an empty mbox that looks
	 * like "no new series": say so instead */
	if (error == PD_OK && n_shown && !n_kept)
		error = pd__error(PD_ERR_INVALID, "the report kept no message's bytes: make it "
				  "with pd_parse_options.keep_raw for an mbox");
	return pd__sink_finish(&sink, error);
}
