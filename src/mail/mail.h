/*
 * mail/mail.h - one message: header values as git mailinfo reads them,
 * RFC 2047 words, addresses, charsets, MIME (GMime), the body as git am
 * reads it, subject tags.  Private: not installed.  Used by the mail
 * files and by the layers above (archive, digest).
 *
 * Memory: every string is GLib's; new strings are freed with g_free().
 */
#ifndef PD_MAIL_H
#define PD_MAIL_H

#include <string.h>
#include "base/base.h"

/* How many of the `len` bytes at `s` are, from the first on, ASCII
 * other than NUL (1 to 127): text that is valid UTF-8 as it stands and
 * needs no charset.  Eight bytes at a time: mail is mostly such text,
 * and GLib's UTF-8 check reads a byte at a time. */
static inline size_t pd__ascii_span(const char *s, size_t len)
{
	const guint64 ones = G_GUINT64_CONSTANT(0x0101010101010101);
	const guint64 highs = G_GUINT64_CONSTANT(0x8080808080808080);
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		guint64 w;
		memcpy(&w, s + i, 8);
		/* a high bit, or a zero byte (the classic test) */
		if ((w & highs) || ((w - ones) & ~w & highs))
			break;
	}
	while (i < len && (unsigned char)s[i] - 1u < 127u)
		i++;
	return i;
}

/* ---- header.c: header values as git mailinfo reads them ---------------- */

/* Unfolds a raw header value the way git mailinfo does: at each fold the
 * text so far loses its trailing blanks and the continuation's first blank
 * becomes one space.  Returns a new string. */
char *pd__header_unfold(const char *raw);
/* The same, line by line, whatever the value: pd__header_unfold() takes
 * a one-line value (nearly all of them) a shorter way, and the tests
 * hold the two to the same results. */
char *pd__header_unfold_lines(const char *raw);

/* Decodes RFC 2047 encoded words (and raw 8-bit text, taken as UTF-8 when
 * valid, else as `fallback_charset` or Latin-1) into UTF-8.  New string. */
char *pd__header_decode(const char *unfolded, const char *fallback_charset);

/* What a value of header `name` says, for telling whether a header given
 * twice said the same: its Message-IDs for an ID header, else the value
 * without quotes, blanks folded, lowercased for MIME's own.  New string. */
char *pd__header_meaning(const char *name, const char *value);

/* Turns every run of blanks into one space, in place (git cleanup_space). */
void pd__cleanup_space(GString *s);

/* ---- address.c: who git am records -------------------------------------- */

/* Splits a decoded From: value into name and address with git mailinfo's
 * rules (quoted strings and comments unquoted, the token around '@' is the
 * address, the rest the name; a name that is empty, over 60 bytes or holds
 * one of @<> is replaced by the address).  `*name` and `*email` are new
 * strings, "" when nothing was found. */
void pd__git_split_from(const char *from, char **name, char **email);

/* The lowercased part after the last '@', or "" (new string). */
char *pd__address_domain(const char *address);

/* ---- charset.c ---------------------------------------------------------- */

/* Converts `len` bytes in `charset` (NULL or "": none declared) to valid
 * UTF-8.  Text already valid as UTF-8 with no charset declared is copied.
 * Bytes that do not convert are replaced, never dropped silently: the
 * result always has the same lines.  New string, *out_len its length. */
char *pd__to_utf8(const char *data, size_t len, const char *charset,
		  size_t *out_len);

/* How many converters (iconv descriptors) the calling thread has opened
 * since it started: a test hook, to show that they are kept. */
unsigned pd__charset_opened(void);

/* ---- content-hash.c: public-inbox's content hash ----------------------- */

/* The SHA-256 public-inbox's duplicate detection computes for the raw
 * message `data` (content-hash.c says what goes in).  Never fails. */
int pd__content_hash(unsigned char out[32], const char *data, size_t len);

/* ---- body.c: the body as git am reads it -------------------------------- */

/* Cuts `text` into its lines in place (each '\n' becomes a NUL) and
 * returns them: what g_strsplit(text, "\n", -1) returns, without a copy
 * of each line.  The array is new (g_free() it, not g_strfreev()); its
 * lines are `text`'s, alive as long as it is. */
char **pd__lines_in_place(char *text);

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

/* Cuts a cover letter's signature and a mailing list's footer: from the
 * first line that is exactly "-- ", or that is a rule of underscores
 * followed by "Listname mailing list" and a listinfo link (Mailman),
 * to the end.  In place. */
void pd__strip_signature(GString *text);

/* ---- mime.c ------------------------------------------------------------- */

typedef struct pd__mail pd__mail;

/* Initializes GMime once per process (thread-safe).  Every entry point
 * into GMime calls it first: header decoding and dates may be reached
 * without a message ever being parsed. */
void pd__gmime_init(void);

/* Parses `data` into a mail: its header values (raw, as git reads them)
 * and its text parts decoded from their transfer encoding.  A plain
 * message (header-scan.c says which) is read by the header scanner and
 * borrows `data`, which must outlive the mail; any other, or every one
 * with `full_mime`, is read by GMime.  A leading mbox "From " line is
 * skipped.  Fails with PD_ERR_MALFORMED when there is no header at all. */
int pd__mail_parse(pd__mail **out, const char *data, size_t len, int full_mime);
/* Decodes `len` bytes of base64 into `out` (room for len * 3 / 4 + 3
 * bytes) exactly as GMime's g_mime_encoding_base64_decode_step() does in
 * one call from its first state, whose work it shares (mime.c); returns
 * the bytes written. */
size_t pd__base64_decode(unsigned char *out, const unsigned char *in, size_t len);
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
/* Oddities that lost nothing (a header the digest reads given twice,
 * saying the same), or NULL.  Borrowed. */
const char *pd__mail_note(const pd__mail *mail);
/* A description of the damage GMime recovered from, or NULL. Borrowed. */
const char *pd__mail_damage(const pd__mail *mail);
/* Message-IDs of In-Reply-To and References as pd_message wants them,
 * without `own` (the message's pd__mail_message_id(), or NULL): a
 * message naming itself would thread into a loop. */
char **pd__mail_references(const pd__mail *mail, const char *own);
char *pd__mail_message_id(const pd__mail *mail);

/* ---- msgid.c ------------------------------------------------------------ */

/* Every Message-ID of the header value `raw` (NULL: none), in the order
 * written, as GMime's references parser reads them, each then cut to
 * what is inside its brackets (NULL where nothing is left).  With
 * `plain`, a value of nothing but "<atoms@atoms>" and blanks is read
 * without GMime, to the same IDs.  A new array that owns its strings:
 * g_ptr_array_free(ids, TRUE). */
GPtrArray *pd__msgids_read(const char *raw, int plain);
/* Would pd__msgids_read() read `raw` without GMime? (the tests ask) */
int pd__msgids_plain(const char *raw);

/* ---- dates ------------------------------------------------------------ */

/* Parses an RFC 5322 date; returns 0 when it cannot. */
int pd__parse_date(const char *value, int64_t *when, int *tz_minutes);
/* pd__parse_date()'s two readings: its own, of the plain form nearly
 * every mailer writes (0 for anything else: it is then GMime's), and
 * GMime's, the oracle of the first (tests/unit/test-date.c). */
int pd__parse_date_plain(const char *value, int64_t *when, int *tz_minutes);
int pd__parse_date_gmime(const char *value, int64_t *when, int *tz_minutes);
/* ---- trailers.c: "Tag-by: Name <address>" by b4's rules ---------------- */

typedef struct {
	char *tag;       /* as written: "Reviewed-by" */
	char *value;     /* the value; a bare address without brackets */
	char *extinfo;   /* "  # comment" or a "[note]" line as written, or NULL */
	int is_person;   /* the value names a person: name and address below */
	int is_utility;  /* Fixes, Link and the like */
	char *name;      /* a person's name as written (quotes kept), or "" */
	char *address;   /* a person's address, or NULL */
} pd__trailer;

/* The trailers of `text` (a commit message; with `followup`, a reply's
 * text), in order: a new array of pd__trailer (g_ptr_array_unref() frees
 * them).  trailers.c says which lines count. */
GPtrArray *pd__find_trailers(const char *text, int followup);
void pd__trailer_free(pd__trailer *t);

/* Whether a reply's trailer speaks for its sender `from`, as b4 decides
 * (addresses equal, or equal but for a +tag, or with domains one label
 * apart; else the names).  A trailer that does not is reported, not
 * counted.  Non-person trailers always match. */
int pd__trailer_matches_sender(const pd__trailer *t, const pd_person *from);

/* ---- applied.c: "Applied, thanks!" and its kin --------------------------- */

typedef struct {
	char *tree;          /* the tree or branch named ("next", "kvm-x86 mmu",
	                        "tip x86/urgent"), or NULL */
	GPtrArray *commits;  /* commit ids named (char *), or NULL */
	GArray *numbers;     /* patch numbers named (int); NULL or empty: the
	                        whole of what the reply answers */
} pd__applied;

/* Whether [l, end) holds a word an "applied" statement's verb holds:
 * the cheap look at a reply before its text is read and parsed. */
int pd__has_applied_verb(const char *l, const char *end);

/* Whether a reply's text says that what it answers was applied, queued,
 * merged or picked up (applied.c says which phrasings count: precision
 * first); fills *out when it does (clear with pd__applied_clear()). */
int pd__find_applied(pd__applied *out, const char *text);
void pd__applied_clear(pd__applied *a);

/* ---- message.c: git mailinfo, for the tests that hold us to git -------- */

/* The fields `git mailinfo -u` prints and writes, computed by the same
 * code the digest uses (tests/unit/test-mailinfo-conformance.c holds the
 * library to git's behaviour byte for byte with them). */
typedef struct {
	char *author;   /* "Author:" */
	char *email;    /* "Email:" */
	char *subject;  /* "Subject:" (cleaned title) */
	char *date;     /* "Date:" as written; NULL when absent */
	char *msg;      /* the commit message file */
	size_t msg_len;
	char *patch;    /* the patch file (raw bytes) */
	size_t patch_len;
} pd__mailinfo;

/* Reads `len` bytes as `git mailinfo -u [--no-inbody-headers]` would.
 * *out is new (pd__mailinfo_free()).  PD_ERR_MALFORMED: no header. */
int pd__mailinfo_run(pd__mailinfo **out, const char *data, size_t len,
		     int no_inbody_headers);
void pd__mailinfo_free(pd__mailinfo *info);

/* A pull request (review.md): a message, not a reply, with a PULL tag
 * and no counter or 0/N.  Its numbered parts ([GIT PULL 1/2]) belong to
 * it: PD__TAGS_PULL_PART().  Either is a pull request's own message, never
 * a reply to one.  The macros read the tags of a pd_message or a
 * pd_post alike. */
#define PD__TAGS_PULL_MESSAGE(t) ((t).is_pull && !(t).is_reply)
#define PD__TAGS_PULL_REQUEST(t) (PD__TAGS_PULL_MESSAGE(t) && (!(t).has_counter || (t).number == 0))
#define PD__TAGS_PULL_PART(t) (PD__TAGS_PULL_MESSAGE(t) && (t).has_counter && (t).number > 0)

static inline int pd__is_pull_request(const pd_message *m)
{
	return PD__TAGS_PULL_REQUEST(m->tags);
}

static inline int pd__is_pull_message(const pd_message *m)
{
	return PD__TAGS_PULL_MESSAGE(m->tags);
}

#endif
