/*
 * mail/mime.c - one mail through GMime: its headers as written and its text
 * parts decoded from base64 or quoted-printable.  GMime owns RFC 5322 and
 * MIME; this file only picks what the digest reads and notes damage.
 */
#include <string.h>
#include <gmime/gmime.h>
#include "mail/mail.h"
#include "mail/header-scan.h"

/* MIME nesting deeper than this is not followed: real patches are at most
 * two levels deep, and hostile mail nests thousands. */
#define MAX_MIME_DEPTH 16

struct pd__mail {
	GMimeMessage *message; /* GMime read it all; else NULL */
	GMimeMessage *body_only; /* the scanner read the headers, GMime the
	                            multipart or message/ body from a copy
	                            with only its Content-* lines; else NULL */
	char *values[PD__H_COUNT]; /* scanner: raw header values, NUL-ended
	                              copies in one block (values_block) */
	char *values_block;
	const char *body;    /* scanner: the body, borrowed */
	size_t body_len;
	GArray *parts;       /* pd__text_part, data owned (g_free) unless it
	                        is `body` itself; decoded on first use: most
	                        mail is replies, never read */
	int parts_decoded;
	char *first_charset; /* of the first text part, known without decoding */
	int found_first;
	GString *damage;     /* NULL: undamaged */
	GArray *conflicts;   /* headers the digest reads given twice, to be
	                        settled once parsed (conflict), or NULL */
	GString *note;       /* harmless oddities, or NULL */
	unsigned n_warnings; /* damage noted, counted even past damage's cap */
	int multipart;
	const GArray *pieces; /* while GMime reads a shortened copy: where
	                         its offsets come from (body_piece), or NULL */
};

/* A run of bytes GMime reads at `at` in a shortened copy of the message
 * that came from `from` in the message itself. */
typedef struct {
	gint64 at, from;
} body_piece;

/* The message's own offset for GMime's `offset` in the shortened copy:
 * the pieces follow each other in the copy, so the last one starting at
 * or before it holds it. */
static gint64 message_offset(const pd__mail *mail, gint64 offset)
{
	const body_piece *p;
	guint lo = 0, hi;

	if (!mail->pieces || offset < 0 || !mail->pieces->len)
		return offset;
	p = (const body_piece *)mail->pieces->data;
	hi = mail->pieces->len;
	while (hi - lo > 1) {
		guint mid = lo + (hi - lo) / 2;
		if (p[mid].at <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return p[lo].from + (offset - p[lo].at);
}

static gsize init_once;

void pd__gmime_init(void)
{
	if (g_once_init_enter(&init_once)) {
		g_mime_init();
		g_once_init_leave(&init_once, 1);
	}
}

/* The headers the digest reads: a conflict in one of them can change what
 * it reports.  Others (a second To:, as real list mail has) cannot. */
static int header_is_read(const char *name)
{
	static const char *const read[] = {
		"From", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
		"List-Id", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", NULL
	};
	int i;

	for (i = 0; name && read[i]; i++)
		if (!g_ascii_strcasecmp(name, read[i]))
			return 1;
	return 0;
}

/* A header given twice, noted while GMime parses; settle_conflicts()
 * decides afterwards whether anything was lost. */
typedef struct {
	char *name;
	gint64 offset;
} conflict;

static void add_damage(pd__mail *mail, const char *what, gint64 offset, const char *item);

static void on_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
		       gpointer payload)
{
	pd__mail *mail = payload;
	const char *what;

	offset = message_offset(mail, offset);
	if (code == GMIME_CRIT_CONFLICTING_HEADER && !header_is_read(item))
		return;
	if (code == GMIME_CRIT_CONFLICTING_HEADER && item) {
		conflict c = { g_strdup(item), offset };
		if (!mail->conflicts)
			mail->conflicts = g_array_new(FALSE, FALSE, sizeof(conflict));
		g_array_append_val(mail->conflicts, c);
		return;
	}

	switch (code) {
	case GMIME_WARN_MALFORMED_MULTIPART: what = "multipart without parts"; break;
	case GMIME_WARN_TRUNCATED_MESSAGE: what = "truncated message"; break;
	case GMIME_WARN_MALFORMED_MESSAGE: what = "malformed message"; break;
	case GMIME_WARN_INVALID_CONTENT_TYPE: what = "invalid Content-Type"; break;
	case GMIME_WARN_PART_WITHOUT_CONTENT: what = "MIME part without content"; break;
	case GMIME_CRIT_INVALID_HEADER_NAME: what = "invalid header name"; break;
	case GMIME_CRIT_CONFLICTING_HEADER: what = "conflicting headers"; break;
	case GMIME_CRIT_CONFLICTING_PARAMETER: what = "conflicting header parameters"; break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: what = "multipart without boundary"; break;
	case GMIME_CRIT_NESTING_OVERFLOW: what = "MIME nesting too deep"; break;
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: what = "MIME part without headers or content"; break;
	default: return; /* duplicated headers, raw 8-bit: common and harmless */
	}
	add_damage(mail, what, offset, item);
}

static void add_damage(pd__mail *mail, const char *what, gint64 offset, const char *item)
{
	mail->n_warnings++;
	if (!mail->damage)
		mail->damage = g_string_new(NULL);
	else if (mail->damage->len > 200)
		return;
	else
		g_string_append(mail->damage, "; ");
	g_string_append(mail->damage, what);
	if (offset >= 0) /* a header parsed on its own has no offset */
		g_string_append_printf(mail->damage, " at byte %" G_GINT64_FORMAT, offset);
	if (item && *item && strlen(item) < 80)
		g_string_append_printf(mail->damage, " (%s)", item);
}

/* The MIME tree GMime built, from the whole message or the copy; NULL
 * for a scanned single part. */
static GMimeObject *mime_tree(const pd__mail *mail)
{
	if (mail->body_only)
		return g_mime_message_get_mime_part(mail->body_only);
	return mail->message ? g_mime_message_get_mime_part(mail->message) : NULL;
}

/* Each header the digest reads that was given twice: harmless (a note)
 * when every value says the same (digest.md: nothing was lost), else
 * damage, as the parser's other warnings.  A header GMime warned of that
 * is not the message's own (a MIME part's) stays damage.  A body read
 * from a copy has only Content-* headers, all with its part. */
static void settle_conflicts(pd__mail *mail)
{
	GMimeObject *body = mime_tree(mail);
	guint i;

	for (i = 0; mail->conflicts && i < mail->conflicts->len; i++) {
		conflict *c = &g_array_index(mail->conflicts, conflict, i);
		/* GMime keeps the Content-* headers with the body's part */
		GMimeObject *holder = mail->body_only ? body
			: !g_ascii_strncasecmp(c->name, "Content-", 8) && body
			? body : GMIME_OBJECT(mail->message);
		GMimeHeaderList *list = g_mime_object_get_header_list(holder);
		int n = g_mime_header_list_get_count(list);
		char *first = NULL;
		int seen = 0, same = 1;
		for (int k = 0; k < n; k++) {
			GMimeHeader *h = g_mime_header_list_get_header_at(list, k);
			char *m;
			if (g_ascii_strcasecmp(g_mime_header_get_name(h), c->name))
				continue;
			m = pd__header_meaning(c->name, g_mime_header_get_raw_value(h));
			seen++;
			if (!first)
				first = m;
			else {
				same &= !strcmp(first, m);
				g_free(m);
			}
		}
		g_free(first);
		if (seen >= 2 && same) {
			if (!mail->note)
				mail->note = g_string_new(NULL);
			else
				g_string_append(mail->note, "; ");
			g_string_append_printf(mail->note, "%s given %d times, saying the same "
					       "(nothing lost)", c->name, seen);
		} else {
			add_damage(mail, "conflicting headers", c->offset, c->name);
		}
		g_free(c->name);
	}
	if (mail->conflicts)
		g_array_free(mail->conflicts, TRUE);
	mail->conflicts = NULL;
}

static int is_patch_attachment(GMimeObject *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	const char *name;

	if (g_mime_content_type_is_type(ct, "text", "*"))
		return 1;
	if (g_mime_content_type_is_type(ct, "application", "x-patch")
	    || g_mime_content_type_is_type(ct, "application", "x-diff"))
		return 1;
	name = GMIME_IS_PART(part) ? g_mime_part_get_filename(GMIME_PART(part)) : NULL;
	return name && (g_str_has_suffix(name, ".patch") || g_str_has_suffix(name, ".diff"));
}

static void add_part(pd__mail *mail, GMimeObject *obj, int mail_in_multipart)
{
	int restore_break;
	GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(obj));
	GMimeStream *mem;
	GByteArray *bytes;
	pd__text_part tp;

	if (!content)
		return;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(content, mem) < 0) {
		g_object_unref(mem);
		return;
	}
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	/* Inside a multipart GMime gives a part without the line break before
	 * the next boundary; git keeps it (base64 aside, where the break is
	 * not content).  Put it back so both read the same lines. */
	restore_break = mail_in_multipart
		&& g_mime_part_get_content_encoding(GMIME_PART(obj)) != GMIME_CONTENT_ENCODING_BASE64;
	tp.len = bytes->len + (restore_break ? 1 : 0);
	tp.data = g_malloc(tp.len + 1);
	if (bytes->len) /* an empty part has no buffer at all */
		memcpy((char *)tp.data, bytes->data, bytes->len);
	if (restore_break)
		((char *)tp.data)[bytes->len] = '\n';
	((char *)tp.data)[tp.len] = '\0';
	tp.charset = g_strdup(g_mime_object_get_content_type_parameter(obj, "charset"));
	g_array_append_val(mail->parts, tp);
	g_object_unref(mem);
}

/* Walks the MIME tree for the parts the digest reads.  The first walk
 * (decode = 0) only notes the first part's charset, whether the mail is
 * multipart, and nesting that is too deep; the second decodes. */
static void collect(pd__mail *mail, GMimeObject *obj, int depth, int top, int decode)
{
	if (depth > MAX_MIME_DEPTH) {
		if (!decode)
			on_warning(0, GMIME_CRIT_NESTING_OVERFLOW, NULL, mail);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		int i, n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		mail->multipart = 1;
		/* alternatives say one thing several ways: read the plain
		 * text one (else the first), never the HTML as well */
		if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative") && n > 0) {
			GMimeObject *pick = g_mime_multipart_get_part(GMIME_MULTIPART(obj), 0);
			for (i = 0; i < n; i++) {
				GMimeObject *part = g_mime_multipart_get_part(GMIME_MULTIPART(obj), i);
				GMimeContentType *pt = g_mime_object_get_content_type(part);
				if (pt && g_mime_content_type_is_type(pt, "text", "plain")) {
					pick = part;
					break;
				}
			}
			collect(mail, pick, depth + 1, 0, decode);
			return;
		}
		for (i = 0; i < n; i++)
			collect(mail, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
				depth + 1, 0, decode);
		return;
	}
	/* message/rfc822 parts are forwarded mail, not this patch */
	if (!GMIME_IS_PART(obj) || !(top || is_patch_attachment(obj)))
		return;
	if (decode) {
		add_part(mail, obj, !top);
	} else if (!mail->found_first) {
		mail->first_charset = g_strdup(g_mime_object_get_content_type_parameter(obj, "charset"));
		mail->found_first = 1;
	}
}

/* GMime builds a GObject, with its parameter list, for each Content-Type
 * it parses: 5% of a kvmarm digest's CPU, for a value that is nearly
 * always one of a handful ("text/plain; charset=UTF-8").  Each thread
 * remembers the last few values that parsed without a warning, with their
 * charset; a value that warned is parsed again each time, so that each
 * message carrying it is marked damaged. */
#define CHARSET_MEMOS 8

typedef struct {
	char *content_type[CHARSET_MEMOS];
	char *charset[CHARSET_MEMOS]; /* may be NULL: no charset parameter */
	unsigned next;                /* the slot replaced next */
} charset_memo;

static void charset_memo_free(gpointer p)
{
	charset_memo *memo = p;

	for (unsigned i = 0; i < CHARSET_MEMOS; i++) {
		g_free(memo->content_type[i]);
		g_free(memo->charset[i]);
	}
	g_free(memo);
}

static GPrivate charset_memo_key = G_PRIVATE_INIT(charset_memo_free);

/* The charset parameter of a single part's Content-Type, as GMime reads
 * it, with the same warnings (a parameter given twice is damage).  New
 * string, or NULL when there is none. */
static char *scanned_charset(pd__mail *mail, const char *content_type)
{
	charset_memo *memo = g_private_get(&charset_memo_key);
	GMimeParserOptions *options;
	GMimeContentType *ct;
	char *charset = NULL;
	unsigned warnings = mail->n_warnings, slot;

	if (!content_type)
		return NULL;
	if (!memo) {
		memo = g_new0(charset_memo, 1);
		g_private_set(&charset_memo_key, memo);
	}
	for (slot = 0; slot < CHARSET_MEMOS; slot++)
		if (memo->content_type[slot] && strcmp(memo->content_type[slot], content_type) == 0)
			return g_strdup(memo->charset[slot]);
	options = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(options, on_warning, mail);
	ct = g_mime_content_type_parse(options, content_type);
	g_mime_parser_options_free(options);
	if (ct) {
		charset = g_strdup(g_mime_content_type_get_parameter(ct, "charset"));
		g_object_unref(ct);
	}
	if (mail->n_warnings == warnings) {
		slot = memo->next++ % CHARSET_MEMOS;
		g_free(memo->content_type[slot]);
		g_free(memo->charset[slot]);
		memo->content_type[slot] = g_strdup(content_type);
		memo->charset[slot] = g_strdup(charset);
	}
	return charset;
}

/* The value of a base64 digit, or 64 for any other byte. */
static const unsigned char base64_value[256] = {
#define X64 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64
	X64, X64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 62, 64, 64, 64, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 64, 64, 64, 64, 64, 64,
	64, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 64, 64, 64, 64, 64,
	64, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 64, 64, 64, 64, 64,
	X64, X64, X64, X64, X64, X64, X64, X64,
#undef X64
};

/* GMime's decoder takes a byte at a time: 2.2% of a kvmarm digest's
 * instructions, for the thousand patches and replies sent in base64.
 * Here whole groups of four digits are decoded at once, and the line
 * breaks between groups passed over, as GMime passes them over; at the
 * first byte of anything else ('=', a blank, a group cut by a line
 * break, junk) the rest goes to GMime from that group on.  GMime's state
 * there is its first one: it has only ever seen whole groups, and no
 * '=' (which it reads as a digit, and looks back for at the end). */
size_t pd__base64_decode(unsigned char *out, const unsigned char *in, size_t len)
{
	const unsigned char *p = in, *end = in + len;
	unsigned char *o = out;
	int state = 0;
	guint32 save = 0;

	while (p < end) {
		if (*p == '\n' || *p == '\r') {
			p++;
			continue;
		}
		if (end - p < 4)
			break;
		{
			unsigned a = base64_value[p[0]], b = base64_value[p[1]];
			unsigned c = base64_value[p[2]], d = base64_value[p[3]];
			guint32 v;
			if ((a | b | c | d) & 64)
				break;
			v = a << 18 | b << 12 | c << 6 | d;
			o[0] = (unsigned char)(v >> 16);
			o[1] = (unsigned char)(v >> 8);
			o[2] = (unsigned char)v;
			o += 3;
			p += 4;
		}
	}
	return (size_t)(o - out)
	       + g_mime_encoding_base64_decode_step(p, (size_t)(end - p), o, &state, &save);
}

/* The scanner's one text part: the body decoded from its transfer
 * encoding with GMime's own decoders (or a faster path of its base64),
 * or the body itself when it has none. */
static void scanned_part(pd__mail *mail)
{
	char *cte = mail->values[PD__H_CTE] ? g_strstrip(g_strdup(mail->values[PD__H_CTE])) : NULL;
	GMimeContentEncoding enc = cte ? g_mime_content_encoding_from_string(cte)
				       : GMIME_CONTENT_ENCODING_DEFAULT;
	pd__text_part tp;
	char *buf;
	size_t n;
	int state = 0;
	guint32 save = 0;

	g_free(cte);
	if (enc != GMIME_CONTENT_ENCODING_BASE64 && enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		/* nothing to decode: the part is the body (its readers take
		 * the length, never a NUL), borrowed as the mail borrows it */
		tp.data = mail->body;
		tp.len = mail->body_len;
		tp.charset = g_strdup(mail->first_charset);
		g_array_append_val(mail->parts, tp);
		return;
	}
	buf = g_malloc(mail->body_len + 4);
	if (enc == GMIME_CONTENT_ENCODING_BASE64) {
		n = pd__base64_decode((unsigned char *)buf, (const unsigned char *)mail->body,
				      mail->body_len);
	} else {
		n = g_mime_encoding_quoted_decode_step((const unsigned char *)mail->body, mail->body_len,
						       (unsigned char *)buf, &state, &save);
	}
	buf[n] = '\0';
	tp.data = buf;
	tp.len = n;
	tp.charset = g_strdup(mail->first_charset);
	g_array_append_val(mail->parts, tp);
}

/* The copy of a scanned message that GMime reads for its MIME body: the
 * Content-* header lines (with their folded lines), then the blank line
 * and the body.  GMime gives a message's Content-* lines to its body part
 * and judges them there; every other line it checks and decodes for the
 * message itself, which was half of its time on kvmarm's multipart mail
 * (1.4% of the messages), for lines the scanner has judged already.
 * `body` is the scanner's (after the blank line); `pieces` receives where
 * each run of the copy came from.  New array. */
static GByteArray *mime_body_copy(const char *data, size_t len, const char *body,
				  GArray *pieces)
{
	GByteArray *copy = g_byte_array_sized_new(len);
	const char *p = data, *head_end = body - 1, *copied_to = NULL;
	int keep = 0;

	if (head_end > data && head_end[-1] == '\r') /* a "\r\n" blank line */
		head_end--;
	while (p < head_end) {
		const char *nl = memchr(p, '\n', head_end - p);
		const char *next = nl ? nl + 1 : head_end;
		if (*p != ' ' && *p != '\t') {
			/* the scanner took every other line for "Name:" */
			const char *colon = memchr(p, ':', next - p);
			keep = colon && colon - p >= 8 && !g_ascii_strncasecmp(p, "Content-", 8);
		}
		if (keep) {
			if (p != copied_to) {
				body_piece piece = { copy->len, p - data };
				g_array_append_val(pieces, piece);
			}
			g_byte_array_append(copy, (const guint8 *)p, next - p);
			copied_to = next;
		}
		p = next;
	}
	if (head_end != copied_to) {
		body_piece piece = { copy->len, head_end - data };
		g_array_append_val(pieces, piece);
	}
	g_byte_array_append(copy, (const guint8 *)head_end, data + len - head_end);
	return copy;
}

int pd__mail_parse(pd__mail **out, const char *data, size_t len, int full_mime)
{
	pd__scanned_headers scanned;
	pd__mail *mail;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeParserOptions *options;
	GMimeObject *body;
	GArray *pieces = NULL;
	int scan;

	*out = NULL;
	pd__gmime_init();
	/* an mbox "From " line is the separator, not a header */
	if (len >= 5 && !memcmp(data, "From ", 5)) {
		const char *nl = memchr(data, '\n', len);
		size_t skip = nl ? (size_t)(nl + 1 - data) : len;
		data += skip;
		len -= skip;
	}
	if (!len)
		return pd__error(PD_ERR_MALFORMED, "empty message");

	mail = g_new0(pd__mail, 1);
	mail->parts = g_array_new(FALSE, FALSE, sizeof(pd__text_part));
	scan = full_mime ? PD__SCAN_GMIME : pd__scan_headers(&scanned, data, len);
	if (scan != PD__SCAN_GMIME) {
		/* one allocation for the ten values, not ten */
		size_t size = 0;
		char *at;
		for (int i = 0; i < PD__H_COUNT; i++)
			if (scanned.value[i])
				size += scanned.value_len[i] + 1;
		at = mail->values_block = g_malloc(size ? size : 1);
		for (int i = 0; i < PD__H_COUNT; i++)
			if (scanned.value[i]) {
				memcpy(at, scanned.value[i], scanned.value_len[i]);
				at[scanned.value_len[i]] = '\0';
				mail->values[i] = at;
				at += scanned.value_len[i] + 1;
			}
	}
	if (scan == PD__SCAN_PLAIN) {
		mail->body = scanned.body;
		mail->body_len = scanned.body_len;
		mail->first_charset = scanned_charset(mail, mail->values[PD__H_CONTENT_TYPE]);
		mail->found_first = 1;
		*out = mail;
		return PD_OK;
	}
	/* A scanned header block over a MIME body: GMime reads a copy with
	 * only the lines that shape the body, and its offsets are mapped
	 * back to the message's. */
	if (scan == PD__SCAN_MIME_BODY) {
		pieces = g_array_new(FALSE, FALSE, sizeof(body_piece));
		stream = g_mime_stream_mem_new_with_byte_array(
			mime_body_copy(data, len, scanned.body, pieces));
		mail->pieces = pieces;
	} else {
		stream = g_mime_stream_mem_new_with_buffer(data, len);
	}
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	options = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(options, on_warning, mail);
	*(scan == PD__SCAN_MIME_BODY ? &mail->body_only : &mail->message)
		= g_mime_parser_construct_message(parser, options);
	g_mime_parser_options_free(options);
	g_object_unref(parser);
	g_object_unref(stream);
	mail->pieces = NULL;
	if (pieces)
		g_array_free(pieces, TRUE);

	/* a message may have no header at all (git accepts it); only what
	 * GMime cannot read as a message is malformed */
	if (!mail->message && !mail->body_only) {
		pd__mail_free(mail);
		return pd__error(PD_ERR_MALFORMED, "not a mail message");
	}
	settle_conflicts(mail);
	body = mime_tree(mail);
	if (body)
		collect(mail, body, 0, 1, 0);
	*out = mail;
	return PD_OK;
}

void pd__mail_free(pd__mail *mail)
{
	guint i;

	if (!mail)
		return;
	if (mail->message)
		g_object_unref(mail->message);
	if (mail->body_only)
		g_object_unref(mail->body_only);
	for (i = 0; i < mail->parts->len; i++) {
		pd__text_part *tp = &g_array_index(mail->parts, pd__text_part, i);
		if (tp->data != mail->body) /* else borrowed (scanned_part()) */
			g_free((char *)tp->data);
		g_free((char *)tp->charset);
	}
	g_array_free(mail->parts, TRUE);
	g_free(mail->first_charset);
	g_free(mail->values_block);
	if (mail->damage)
		g_string_free(mail->damage, TRUE);
	if (mail->note)
		g_string_free(mail->note, TRUE);
	for (i = 0; mail->conflicts && i < mail->conflicts->len; i++)
		g_free(g_array_index(mail->conflicts, conflict, i).name);
	if (mail->conflicts)
		g_array_free(mail->conflicts, TRUE);
	g_free(mail);
}

const char *pd__mail_header(const pd__mail *mail, const char *name)
{
	GMimeHeaderList *list;
	GMimeHeader *h;

	if (!mail->message) {
		/* the callers spell the names as the table does: exactly
		 * first, then ignoring case */
		for (int i = 0; i < PD__H_COUNT; i++)
			if (!strcmp(name, pd__scanned_header_names[i]))
				return mail->values[i];
		for (int i = 0; i < PD__H_COUNT; i++)
			if (!g_ascii_strcasecmp(name, pd__scanned_header_names[i]))
				return mail->values[i];
		return NULL;
	}
	list = g_mime_object_get_header_list(GMIME_OBJECT(mail->message));
	h = g_mime_header_list_get_header(list, name);

	return h ? g_mime_header_get_raw_value(h) : NULL;
}

const pd__text_part *pd__mail_parts(pd__mail *mail, size_t *n, int *multipart)
{
	GMimeObject *body = mime_tree(mail);

	if (!mail->parts_decoded && !mail->message && !mail->body_only) {
		mail->parts_decoded = 1;
		scanned_part(mail);
	}
	if (!mail->parts_decoded) {
		mail->parts_decoded = 1;
		if (body)
			collect(mail, body, 0, 1, 1);
	}
	*n = mail->parts->len;
	*multipart = mail->multipart;
	return (const pd__text_part *)mail->parts->data;
}

const char *pd__mail_charset(const pd__mail *mail)
{
	return mail->first_charset;
}

const char *pd__mail_damage(const pd__mail *mail)
{
	return mail->damage ? mail->damage->str : NULL;
}

const char *pd__mail_note(const pd__mail *mail)
{
	return mail->note ? mail->note->str : NULL;
}

/* The Message-ID the way replies quote it.  GMime keeps a value it
 * cannot parse as written ("!<a@b>"); the first <...> in it is what
 * In-Reply-To and References name, read with the same parser as those,
 * so the message threads. New string or NULL. */
char *pd__mail_message_id(const pd__mail *mail)
{
	const char *raw = pd__mail_header(mail, "Message-ID");
	GPtrArray *ids;
	char *result = NULL, *decoded = NULL;
	const char *id;

	if (raw && strchr(raw, '<')) {
		ids = pd__msgids_read(raw, 1);
		if (ids->len)
			result = g_ptr_array_steal_index(ids, 0);
		g_ptr_array_free(ids, TRUE);
	}
	if (result)
		return result;
	/* no <id>: what GMime makes of the value (a scanned mail always
	 * has one, so this is decoded here only in theory) */
	if (mail->message)
		id = g_mime_message_get_message_id(mail->message);
	else
		id = decoded = raw ? g_mime_utils_decode_message_id(raw) : NULL;
	if (id && *id && !strchr(id, '<'))
		result = g_strdup(id);
	g_free(decoded);
	return result;
}

/* Has `id` been added to `out` already?  A message names a few IDs:
 * they are compared in turn, and only a long list gets a table. */
static int added(GPtrArray *out, GHashTable **seen, const char *id)
{
	if (!*seen && out->len >= 16) {
		*seen = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = 0; i < out->len; i++)
			g_hash_table_add(*seen, g_ptr_array_index(out, i));
	}
	if (*seen)
		return g_hash_table_contains(*seen, id);
	for (guint i = 0; i < out->len; i++)
		if (!strcmp(g_ptr_array_index(out, i), id))
			return 1;
	return 0;
}

static void add_refs(GPtrArray *out, GHashTable **seen, const char *raw, int newest_first)
{
	GPtrArray *ids = pd__msgids_read(raw, 1);

	for (guint i = 0; i < ids->len; i++) {
		guint at = newest_first ? ids->len - 1 - i : i;
		char *id = g_ptr_array_index(ids, at);
		if (!id || added(out, seen, id))
			continue;
		ids->pdata[at] = NULL; /* `out` owns it */
		g_ptr_array_add(out, id);
		if (*seen)
			g_hash_table_add(*seen, id);
	}
	g_ptr_array_free(ids, TRUE);
}

char **pd__mail_references(const pd__mail *mail, const char *own)
{
	GPtrArray *out = g_ptr_array_new();
	GHashTable *seen = NULL;
	char **result;
	guint i;

	add_refs(out, &seen, pd__mail_header(mail, "In-Reply-To"), 0);
	add_refs(out, &seen, pd__mail_header(mail, "References"), 1);
	g_ptr_array_add(out, NULL);
	if (seen)
		g_hash_table_destroy(seen);
	result = (char **)g_ptr_array_free(out, FALSE);
	/* a message referring to itself would thread into a loop */
	if (own) {
		guint w = 0;
		for (i = 0; result[i]; i++) {
			if (!strcmp(result[i], own))
				g_free(result[i]);
			else
				result[w++] = result[i];
		}
		result[w] = NULL;
	}
	return result;
}
