/*
 * pd-private.h - declarations shared by the library's files, not exported.
 *
 * Memory: every string here is allocated with GLib (g_malloc & co.) and
 * released with g_free(); pd_free() is g_free() for callers.
 */
#ifndef PD_PRIVATE_H
#define PD_PRIVATE_H

#include <glib.h>
#include "patchdigest.h"

/* Sets this thread's last error to the formatted text and returns
 * `status`, so that `return pd__error(PD_ERR_X, "...")` reads naturally. */
int pd__error(int status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void pd__error_clear(void);

/* ---- header.c: header values as git mailinfo reads them ---------------- */

/* Unfolds a raw header value the way git mailinfo does: at each fold the
 * text so far loses its trailing blanks and the continuation's first blank
 * becomes one space.  Returns a new string. */
char *pd__header_unfold(const char *raw);

/* Decodes RFC 2047 encoded words (and raw 8-bit text, taken as UTF-8 when
 * valid, else as `fallback_charset` or Latin-1) into UTF-8.  New string. */
char *pd__header_decode(const char *unfolded, const char *fallback_charset);

/* Turns every run of blanks into one space, in place (git cleanup_space). */
void pd__cleanup_space(GString *s);

/* ---- address.c: who git am records -------------------------------------- */

/* Splits a decoded From: value into name and address with git mailinfo's
 * rules (quoted strings and comments unquoted, the token around '@' is the
 * address, the rest the name; a name that is empty, over 60 bytes or holds
 * one of @<> is replaced by the address).  `*name` and `*email` are new
 * strings, "" when nothing was found. */
void pd__git_split_from(const char *from, char **name, char **email);

/* `Name <address>` with the name in double quotes when RFC 5322 needs them,
 * or the bare address when there is no name.  New string. */
char *pd__person_display_quoted(const pd_person *p);

/* `Name <address>`, unquoted; the address's local part stands in for a
 * missing name.  New string. */
char *pd__person_display_plain(const pd_person *p);

/* The lowercased part after the last '@', or "" (new string). */
char *pd__address_domain(const char *address);

/* ---- charset.c ---------------------------------------------------------- */

/* Converts `len` bytes in `charset` (NULL or "": none declared) to valid
 * UTF-8.  Text already valid as UTF-8 with no charset declared is copied.
 * Bytes that do not convert are replaced, never dropped silently: the
 * result always has the same lines.  New string, *out_len its length. */
char *pd__to_utf8(const char *data, size_t len, const char *charset,
		  size_t *out_len);

/* ---- body.c: the body as git am reads it -------------------------------- */

typedef struct {
	const char *data;    /* transfer-decoded bytes of one text part */
	size_t len;
	const char *charset; /* declared charset or NULL */
} pd__text_part;

typedef struct {
	GString *inbody_from;    /* first in-body header values, raw; NULL if none */
	GString *inbody_subject;
	GString *inbody_date;
	GString *msg;            /* git's commit message (UTF-8, CRs kept) */
	GString *patch;          /* git's patch (raw bytes) */
	GString *text;           /* digest commit message: up to the diff,
	                            UTF-8, CRs removed */
	int has_diff;
	const char *inbody_charset; /* charset of the part the in-body headers
	                               were read from */
} pd__body;

typedef struct {
	int no_inbody_headers;
	int keep_text;         /* build `text` */
	int keep_git;          /* build `msg` and `patch` */
} pd__body_options;

/* Runs the part texts through git am's state machine: in-body headers,
 * commit message, patch.  `multipart` adds the newline git adds at the
 * end boundary.  Fills *out (clear with pd__body_clear()). */
void pd__body_split(pd__body *out, const pd__text_part *parts, size_t n_parts,
		    int multipart, const pd__body_options *opts);
void pd__body_clear(pd__body *body);

/* Cuts a cover letter's signature: the first line that is exactly "-- "
 * and everything after it.  In place. */
void pd__strip_signature(GString *text);

/* ---- mime.c ------------------------------------------------------------- */

typedef struct pd__mail pd__mail;

/* Initializes GMime once per process (thread-safe).  Every entry point
 * into GMime calls it first: header decoding and dates may be reached
 * without a message ever being parsed. */
void pd__gmime_init(void);

/* Parses `data` into a mail: its header values (raw, as git reads them)
 * and its text parts decoded from their transfer encoding.  A plain
 * message (mail-headers.c says which) is read by the header scanner and
 * borrows `data`, which must outlive the mail; any other, or every one
 * with `full_mime`, is read by GMime.  A leading mbox "From " line is
 * skipped.  Fails with PD_ERR_MALFORMED when there is no header at all. */
int pd__mail_parse(pd__mail **out, const char *data, size_t len, int full_mime);
void pd__mail_free(pd__mail *mail);
/* The raw value of the first header called `name`, or NULL. Borrowed.
 * A scanned mail knows only the headers the digest reads
 * (pd__scanned_header_names). */
const char *pd__mail_header(const pd__mail *mail, const char *name);
/* The text parts, decoded from their transfer encoding on the first call
 * (a reply's body is never decoded). */
const pd__text_part *pd__mail_parts(pd__mail *mail, size_t *n, int *multipart);
/* The declared charset of the first text part, or NULL; no decoding. */
const char *pd__mail_charset(const pd__mail *mail);
/* A description of the damage GMime recovered from, or NULL. Borrowed. */
const char *pd__mail_damage(const pd__mail *mail);
/* Message-IDs of In-Reply-To and References as pd_message wants them. */
char **pd__mail_references(const pd__mail *mail);
char *pd__mail_message_id(const pd__mail *mail);

/* ---- dates ------------------------------------------------------------ */

/* Parses an RFC 5322 date; returns 0 when it cannot. */
int pd__parse_date(const char *value, int64_t *when, int *tz_minutes);
/* "2025-08-26T09:37:41Z" for `when` (new string). */
char *pd__format_date(int64_t when);

/* ---- series.c ----------------------------------------------------------- */

/* Where grouping finds the series earlier digests reported.  Each lookup
 * returns 0 (with *out a new object, or NULL when there is none) or a
 * negative status. */
typedef struct {
	/* the earlier series holding the message `message_id` */
	int (*by_message)(pd_earlier **out, const char *message_id, void *self);
	/* earlier series of m's author, version and total whose newest
	 * message is within `window` seconds of m: pd_earlier, newest first */
	int (*by_markers)(GPtrArray **out, const pd_message *m, int64_t window, void *self);
	void *self;
} pd__earlier_source;

/* Groups the patches and covers of `msgs` (unique, posting order) into
 * series.  *out is a new array of n_out series whose message pointers are
 * borrowed from `msgs`; free each series' patches array and the array.
 * With `source` (may be NULL), series may continue earlier ones; the
 * pd_earlier they point to are added to `keep`, which must outlive them.
 * Fails only when `source` does. */
int pd__group_series(pd_series **out, size_t *n_out, pd_message **msgs,
		     size_t n_msgs, const pd__earlier_source *source,
		     GPtrArray *keep);
void pd__series_array_free(pd_series *series, size_t n);

/* ---- renderers' output (render-sink.c) ---------------------------------- */

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

/* ---- commit messages on disk while a digest is made (body-store.c) ---- */

typedef struct pd__body_store pd__body_store;

/* A store whose file, an unlinked temporary one in $TMPDIR, is made on
 * first use; when it cannot be, texts stay in their messages. */
pd__body_store *pd__body_store_new(void);
void pd__body_store_free(pd__body_store *store);
/* Writes `text`, the commit message of `key`, into the store: 1 when it
 * is there (keyed by `key`, which must stay at its address), 0 when the
 * file cannot be made or written and the caller must keep the text:
 * nothing is lost. */
int pd__body_store_put(pd__body_store *store, const pd_message *key, const char *text);
/* A new copy of m's commit message, from `m` or the store (`store` may
 * be NULL); *out NULL when it has none.  PD_ERR_IO when the file cannot
 * be read back. */
int pd__body_store_get(char **out, const pd__body_store *store, const pd_message *m);

/* What a report holds besides its public fields. */
typedef struct {
	pd_report pub;            /* first: a pd_report * is one of these */
	pd__body_store *bodies;   /* owned */
	GStringChunk *pool;       /* the messages' shared strings, owned */
} pd__report;

/* ---- kept messages (message-pack.c) ------------------------------------ */

/* A copy of `m` in one allocation, freed with g_free() alone: the struct,
 * its References array and its own strings; Message-IDs, References,
 * names, addresses, List-Id and To: in `pool` (shared with the other
 * messages; the pool must outlive the copy); the commit message only
 * when `with_body`.  `m` is left as it was. */
pd_message *pd__message_pack(const pd_message *m, GStringChunk *pool, int with_body);

#endif
