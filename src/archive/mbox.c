/*
 * archive/mbox.c - messages of an mbox file (mboxrd or mboxo) as slices of the
 * mapped file: zero copies unless a mboxrd ">From " line must lose its '>'.
 *
 * A message starts at a "From " line that stands at the start of the file
 * or after a blank line and looks like a separator (an address, then a
 * date with a time and a year), so that an unescaped "From here on ..."
 * in an mboxo body does not split a message in two.
 */
#include <string.h>
#include "archive/archive.h"

typedef struct {
	pd__reader base;
	GMappedFile *file;
	const char *data;
	size_t len, pos;
	int mboxrd;
	unsigned index;
	GString *buf;
	char *path;
	char *origin;
} mbox_reader;

/* "From SENDER DATE": DATE holds hh:mm and a four-digit year. */
static int is_separator(const char *l, size_t len)
{
	size_t i;
	int colon = 0, year = 0;

	if (len < 5 || memcmp(l, "From ", 5))
		return 0;
	for (i = 5; i < len && l[i] != ' '; i++)
		; /* the sender */
	for (; i + 1 < len; i++) {
		if (l[i] == ':' && g_ascii_isdigit(l[i - 1]) && g_ascii_isdigit(l[i + 1]))
			colon = 1;
		if (i + 4 <= len && g_ascii_isdigit(l[i]) && g_ascii_isdigit(l[i + 1])
		    && g_ascii_isdigit(l[i + 2]) && g_ascii_isdigit(l[i + 3])
		    && (i + 4 == len || !g_ascii_isdigit(l[i + 4])) && !g_ascii_isdigit(l[i - 1]))
			year = 1;
	}
	return colon && year;
}

static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', end - p);
	return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

/* Finds the next separator at or after `pos` at a line start. */
static size_t find_separator(const mbox_reader *r, size_t pos, int after_blank)
{
	const char *end = r->data + r->len;

	while (pos < r->len) {
		const char *p = r->data + pos;
		size_t n = line_len(p, end);
		if (after_blank && is_separator(p, n))
			return pos;
		after_blank = n == 0 || (n == 1 && p[0] == '\r');
		pos += n + 1;
	}
	return r->len;
}

/* mboxrd: ">From ", ">>From " ... lose one '>'. */
static int needs_unescape(const char *p, size_t len)
{
	const char *end = p + len;

	while (p < end) {
		size_t n = line_len(p, end);
		size_t i = 0;
		while (i < n && p[i] == '>')
			i++;
		if (i && n - i >= 5 && !memcmp(p + i, "From ", 5))
			return 1;
		p += n + 1;
	}
	return 0;
}

static void unescape(GString *out, const char *p, size_t len)
{
	const char *end = p + len;

	g_string_truncate(out, 0);
	while (p < end) {
		size_t n = line_len(p, end);
		size_t i = 0;
		while (i < n && p[i] == '>')
			i++;
		if (i && n - i >= 5 && !memcmp(p + i, "From ", 5))
			g_string_append_len(out, p + 1, n - 1);
		else
			g_string_append_len(out, p, n);
		if (p + n < end)
			g_string_append_c(out, '\n');
		p += n + 1;
	}
}

static int mbox_next(pd_raw_message *out, pd__reader *base)
{
	mbox_reader *r = (mbox_reader *)base;
	size_t start, stop;
	const char *p;

	if (r->pos >= r->len)
		return PD_ITEROVER;
	start = r->pos;
	stop = find_separator(r, start + line_len(r->data + start, r->data + r->len) + 1, 0);
	r->pos = stop;
	r->index++;
	g_free(r->origin);
	r->origin = g_strdup_printf("%s: message %u (byte %zu)", r->path, r->index, start);
	out->origin = r->origin;
	out->archive_time = 0;
	p = r->data + start;
	if (stop == r->len && r->len && r->data[r->len - 1] != '\n')
		return pd__error(PD_ERR_MALFORMED,
				 "the file ends inside this message (a truncated mbox?)");
	if (r->mboxrd && needs_unescape(p, stop - start)) {
		unescape(r->buf, p, stop - start);
		out->data = r->buf->str;
		out->len = r->buf->len;
	} else {
		out->data = p;
		out->len = stop - start;
	}
	return PD_OK;
}

static void mbox_free(pd__reader *base)
{
	mbox_reader *r = (mbox_reader *)base;

	if (r->file)
		g_mapped_file_unref(r->file);
	g_string_free(r->buf, TRUE);
	g_free(r->path);
	g_free(r->origin);
	g_free(r);
}

static const pd__reader_ops mbox_ops = { mbox_next, mbox_free, NULL };

/* Checks the first separator and the mboxrd marker of r->data. */
static int mbox_start(mbox_reader *r, const char *path)
{
	size_t first = r->len ? find_separator(r, 0, 1) : 0;

	if (r->len && first != 0)
		return pd__error(PD_ERR_NOT_ARCHIVE,
				 "%s: not an mbox (it does not start with a \"From \" line); "
				 "the kinds read are a public-inbox v2 inbox, a git epoch or v1 "
				 "repository, an mbox file, or a Maildir", path);
	r->mboxrd = r->len >= 13 && !memcmp(r->data, "From mboxrd@z", 13);
	return PD_OK;
}

static mbox_reader *mbox_reader_alloc(const char *path)
{
	mbox_reader *r = g_new0(mbox_reader, 1);

	r->base.ops = &mbox_ops;
	r->buf = g_string_new(NULL);
	r->path = g_strdup(path);
	return r;
}

int pd__mbox_reader_new(pd__reader **out, const char *path)
{
	GError *gerr = NULL;
	mbox_reader *r;
	int error;

	*out = NULL;
	r = mbox_reader_alloc(path);
	r->file = g_mapped_file_new(path, FALSE, &gerr);
	if (!r->file) {
		error = pd__error(PD_ERR_IO, "%s: %s", path, gerr->message);
		g_error_free(gerr);
		mbox_free(&r->base);
		return error;
	}
	r->data = g_mapped_file_get_contents(r->file);
	r->len = g_mapped_file_get_length(r->file);
	if (!r->data) /* an empty file maps to NULL: no messages */
		r->data = "";
	if ((error = mbox_start(r, path)) < 0) {
		mbox_free(&r->base);
		return error;
	}
	*out = &r->base;
	return PD_OK;
}

int pd__mbox_reader_from_memory(pd__reader **out, const char *data, size_t len,
				const char *name)
{
	mbox_reader *r;
	int error;

	*out = NULL;
	r = mbox_reader_alloc(name);
	r->data = len ? data : "";
	r->len = len;
	if ((error = mbox_start(r, name)) < 0) {
		mbox_free(&r->base);
		return error;
	}
	*out = &r->base;
	return PD_OK;
}
