/*
 * archive/mbox.c - messages of an mbox file (mboxrd or mboxo), read in
 * windows: the file is read with read(2) into a buffer that holds the
 * message being handed out and what follows it, never the whole file.
 * A file is not mapped: another program may cut it while it is read (a
 * mail client expunging, logrotate's copytruncate), and a mapped page past
 * the new end kills the reader with SIGBUS; read() just ends early, and
 * the cut is reported.  Messages are slices of the buffer unless a mboxrd
 * ">From " line must lose its '>'.
 *
 * A message starts at a "From " line that stands at the start of the file
 * or after a blank line and looks like a separator (an address, then a
 * date with a time and a year), so that an unescaped "From here on ..."
 * in an mboxo body does not split a message in two.
 */
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include "archive/archive.h"

/* Bytes read at a time. */
#define MBOX_CHUNK (1024 * 1024)

typedef struct {
	pd__reader base;
	int fd;              /* -1: the data is the caller's, all of it */
	GString *window;     /* read from fd: file bytes from `offset` on */
	const char *data;    /* the window's bytes (or the caller's) */
	size_t len, pos;     /* pos: where the next message starts */
	off_t offset;        /* the file offset of data[0] */
	off_t size;          /* the file's size when opened */
	int eof, cut_said;
	int mboxrd;
	unsigned index;
	GString *buf;
	char *path;
	char *origin;
	gzFile gz;           /* a .gz file, read through zlib (fd is then -1) */
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

/* Reads the next chunk onto the window, first dropping what comes before
 * `keep` (the message being scanned), which moves: *keep becomes 0 and
 * the other window positions passed in `shift` move with it.  Returns the
 * bytes read, 0 at the end of the file, or PD_ERR_IO. */
static ssize_t fill(mbox_reader *r, size_t *keep, size_t *shift)
{
	size_t drop = *keep, old;
	ssize_t n;

	if ((r->fd < 0 && !r->gz) || r->eof)
		return 0;
	if (drop) {
		g_string_erase(r->window, 0, drop);
		r->offset += drop;
		*keep = 0;
		*shift -= drop;
	}
	old = r->window->len;
	g_string_set_size(r->window, old + MBOX_CHUNK);
	if (r->gz)
		n = gzread(r->gz, r->window->str + old, MBOX_CHUNK);
	else
		do
			n = read(r->fd, r->window->str + old, MBOX_CHUNK);
		while (n < 0 && errno == EINTR);
	g_string_set_size(r->window, old + (n > 0 ? (size_t)n : 0));
	r->data = r->window->str;
	r->len = r->window->len;
	if (n == 0 && r->gz) {
		int zerr;
		gzerror(r->gz, &zerr);
		if (zerr == Z_BUF_ERROR) /* the compressed stream ends early */
			n = -1;
	}
	if (n < 0) {
		/* the end of what can be read: said once, what came before is
		 * digested (a later call finds the end) */
		int zerr = Z_ERRNO;
		const char *why = r->gz ? gzerror(r->gz, &zerr) : NULL;
		r->eof = 1;
		g_free(r->origin);
		r->origin = g_strdup_printf("%s: byte %lld", r->path,
					    (long long)(r->offset + (off_t)r->len));
		return pd__error(PD_ERR_IO, "%s",
				 zerr == Z_ERRNO ? g_strerror(errno)
				 : zerr == Z_BUF_ERROR ? "the compressed file is cut short here" : why);
	}
	if (n == 0)
		r->eof = 1;
	return n;
}

/* The end of the message starting at r->pos: the next separator at a
 * line start after a blank line, or the end of the file; reads on until
 * one is in the window.  Returns its position, or PD_ERR_IO. */
static int find_end(mbox_reader *r, size_t *end_out)
{
	size_t scan = r->pos;
	int after_blank = 0, first = 1;

	for (;;) {
		const char *p = r->data + scan, *end = r->data + r->len;
		const char *nl = scan < r->len ? memchr(p, '\n', end - p) : NULL;
		size_t n;
		if (!nl && !r->eof) { /* the line goes on past the window */
			ssize_t got = fill(r, &r->pos, &scan);
			if (got < 0)
				return (int)got;
			continue;
		}
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!first && after_blank && is_separator(p, n)) {
			*end_out = scan;
			return PD_OK;
		}
		if (!nl) {
			*end_out = r->len;
			return PD_OK;
		}
		after_blank = n == 0 || (n == 1 && p[0] == '\r');
		first = 0;
		scan += n + 1;
	}
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
	size_t start, stop = 0;
	const char *p;
	int error;

	while (r->pos >= r->len && !r->eof) {
		ssize_t got = fill(r, &r->pos, &r->pos);
		if (got < 0) {
			out->origin = r->origin;
			return (int)got;
		}
	}
	if (r->pos >= r->len) {
		/* the file shrank while it was read: say so, once */
		if (r->fd >= 0 && !r->gz && !r->cut_said && r->offset + (off_t)r->len < r->size) {
			r->cut_said = 1;
			g_free(r->origin);
			r->origin = g_strdup_printf("%s: byte %lld", r->path,
						    (long long)(r->offset + (off_t)r->len));
			out->origin = r->origin;
			return pd__error(PD_ERR_IO, "the file was cut to %lld bytes while it was "
					 "read (it had %lld): what was there is digested",
					 (long long)(r->offset + (off_t)r->len), (long long)r->size);
		}
		return PD_ITEROVER;
	}
	if ((error = find_end(r, &stop)) < 0) {
		out->origin = r->origin;
		return error;
	}
	start = r->pos;
	r->pos = stop;
	r->index++;
	g_free(r->origin);
	r->origin = g_strdup_printf("%s: message %u (byte %lld)", r->path, r->index,
				    (long long)(r->offset + (off_t)start));
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

	if (r->fd >= 0)
		close(r->fd);
	if (r->gz)
		gzclose(r->gz);
	if (r->window)
		g_string_free(r->window, TRUE);
	g_string_free(r->buf, TRUE);
	g_free(r->path);
	g_free(r->origin);
	g_free(r);
}

static const pd__reader_ops mbox_ops = { mbox_next, mbox_free, NULL };

/* Checks the first separator and the mboxrd marker of r->data. */
static int mbox_start(mbox_reader *r, const char *path)
{
	size_t zero = 0, first_line;
	int is_mbox;

	/* the first line whole in the window */
	while (!r->eof && !memchr(r->data, '\n', r->len)) {
		ssize_t got = fill(r, &zero, &zero);
		if (got < 0)
			return (int)got;
	}
	first_line = r->len ? (size_t)((const char *)(memchr(r->data, '\n', r->len)
						       ? memchr(r->data, '\n', r->len)
						       : r->data + r->len) - r->data) : 0;
	is_mbox = !r->len || is_separator(r->data, first_line);
	if (!is_mbox)
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
	r->fd = -1;
	r->buf = g_string_new(NULL);
	r->path = g_strdup(path);
	return r;
}

int pd__mbox_reader_new(pd__reader **out, const char *path, int fd, const char *name)
{
	mbox_reader *r;
	struct stat st;
	int error;

	*out = NULL;
	r = mbox_reader_alloc(name ? name : path);
	if (fd >= 0) {
		/* a file description of its own: two readers of the spooled
		 * standard input (the look-back window's and the range's) must
		 * not share one offset, as dup()'s copies do */
		char *self = g_strdup_printf("/proc/self/fd/%d", fd);
		r->fd = open(self, O_RDONLY | O_CLOEXEC);
		g_free(self);
		if (r->fd < 0) {
			error = pd__error(PD_ERR_IO, "%s: cannot be read again (no /proc?): %s",
					  r->path, g_strerror(errno));
			mbox_free(&r->base);
			return error;
		}
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (r->fd < 0 || fstat(r->fd, &st) != 0) {
		error = pd__error(PD_ERR_IO, "%s: %s", r->path, g_strerror(errno));
		mbox_free(&r->base);
		return error;
	}
	r->size = st.st_size;
	/* lore's t.mbox.gz: inflated as it is read; its size on disk says
	 * nothing of where the mbox ends, so no cut is looked for */
	if (path && g_str_has_suffix(path, ".gz")) {
		if (!(r->gz = gzdopen(r->fd, "rb"))) {
			error = pd__error(PD_ERR_IO, "%s: cannot be read through zlib", r->path);
			mbox_free(&r->base);
			return error;
		}
		r->fd = -1; /* gzclose closes it */
		r->size = 0;
	}
	r->window = g_string_sized_new(MBOX_CHUNK);
	r->data = r->window->str;
	if ((error = mbox_start(r, r->path)) < 0) {
		if (error == PD_ERR_IO && r->origin) { /* where it could not be read */
			char *why = g_strdup(pd_error_last());
			error = pd__error(PD_ERR_IO, "%s: %s", r->origin, why);
			g_free(why);
		}
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
	r->eof = 1; /* all of it is here */
	if ((error = mbox_start(r, name)) < 0) {
		mbox_free(&r->base);
		return error;
	}
	*out = &r->base;
	return PD_OK;
}
