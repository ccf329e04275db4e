/*
 * mail/header-scan.c - the header block of a plain message, read without
 * GMime.  Most list mail is a reply or a single-part patch with a clean
 * header block; for those, GMime's full construction (a stream, a parser,
 * a MIME tree, a header object per line) costs most of a digest's time
 * while the digest reads ten header values and, for patches only, one
 * body.  This scanner takes those values as zero-copy slices, and says
 * "not clean" for anything GMime would have to judge -- a malformed
 * line, a NUL, a missing blank line, a Message-ID that is not one
 * plain <id>, a header the digest reads given twice (GMime reports those
 * as damage), an unusual transfer encoding -- so that GMime still reads
 * every message where its judgement could differ.  A clean header block
 * over multipart or message/ content is still the scanner's: GMime then
 * reads only the body's MIME structure (mime.c), sparing it the checking
 * and decoding of every header line.
 * tests/unit/test-mail-oracle.c holds the paths to the same results over
 * the corpora.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "mail/header-scan.h"

const char *const pd__scanned_header_names[PD__H_COUNT] = {
	"From", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
	"List-Id", "To", "Content-Type", "Content-Transfer-Encoding",
	"X-Original-From", "Reply-To",
};

/* The headers GMime reports as conflicting when given twice. */
static int conflict_matters(int index)
{
	return index != PD__H_LIST_ID && index != PD__H_TO
	    && index != PD__H_X_ORIGINAL_FROM && index != PD__H_REPLY_TO;
}

/* The names in lower case: a byte of a header name (above ' ', below
 * 127) ORed with 0x20 equals a lower-case letter or '-' exactly when it
 * is that letter in either case, or that '-'. */
static const char *const lower_names[PD__H_COUNT] = {
	"from", "subject", "date", "message-id", "in-reply-to", "references",
	"list-id", "to", "content-type", "content-transfer-encoding",
	"x-original-from", "reply-to",
};

/* Which kept header `name` (len bytes, each above ' ' and below 127) is,
 * or -1.  Called for every header line of every message (kvmarm's have
 * some twenty lines of headers, most of them none of these): the length
 * and the first letter leave at most one name to compare. */
static int header_index(const char *name, size_t len)
{
	static signed char by_len_first[32][26];
	static gsize once;
	int c = (name[0] | 0x20) - 'a', i;

	if (g_once_init_enter(&once)) {
		memset(by_len_first, -1, sizeof(by_len_first));
		for (i = 0; i < PD__H_COUNT; i++) {
			const char *n = lower_names[i];
			signed char *slot = &by_len_first[strlen(n)][n[0] - 'a'];
			/* no two names share a length and a first letter */
			g_assert(strlen(n) < G_N_ELEMENTS(by_len_first) && *slot < 0);
			g_assert(!g_ascii_strcasecmp(n, pd__scanned_header_names[i]));
			*slot = (signed char)i;
		}
		g_once_init_leave(&once, 1);
	}
	if (len >= G_N_ELEMENTS(by_len_first) || c < 0 || c >= 26)
		return -1;
	if ((i = by_len_first[len][c]) < 0)
		return -1;
	/* most lines that get here are "Received" against "Reply-To",
	 * told apart by the third letter */
	for (size_t k = 1; k < len; k++)
		if ((name[k] | 0x20) != lower_names[i][k])
			return -1;
	return i;
}

/* The first byte at or after `p` that cannot be in a header name (at or
 * below ' ', 127 and above, or ':'), at most `end`; `end` is a '\n'.
 * Sixteen bytes at a time where the buffer allows: names are mostly
 * shorter, so one step finds the colon. */
static const char *name_end(const char *p, const char *end, const char *buffer_end)
{
#ifdef __SSE2__
	while (p + 16 <= buffer_end) {
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		/* signed: bytes of 128 and above are below ' ' too */
		__m128i stop = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(33)),
					    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(127)),
							 _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
		int mask = _mm_movemask_epi8(stop);
		if (mask)
			return MIN(p + __builtin_ctz((unsigned)mask), end);
		p += 16;
	}
#else
	(void)buffer_end;
#endif
	while (p < end && *p > ' ' && *p < 127 && *p != ':')
		p++;
	return p;
}

/* Is `len` bytes at `p` one of `words` (case-insensitive, blanks around)? */
static int value_is(const char *p, size_t len, const char *const *words)
{
	while (len && g_ascii_isspace(*p))
		p++, len--;
	while (len && g_ascii_isspace(p[len - 1]))
		len--;
	for (; *words; words++)
		if (strlen(*words) == len && !g_ascii_strncasecmp(p, *words, len))
			return 1;
	return 0;
}

/* " <id@host>\n": one bracketed ID of printable ASCII and nothing else.
 * Anything else GMime reads its own way (a bare ID is decoded as text). */
static int plain_message_id(const char *p, size_t len)
{
	const char *end = p + len, *close;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p != '<')
		return 0;
	for (close = p + 1; close < end && *close != '>'; close++)
		if (*close <= ' ' || *close >= 127 || *close == '<')
			return 0;
	if (close == end || close == p + 1)
		return 0;
	for (p = close + 1; p < end; p++)
		if (!g_ascii_isspace(*p))
			return 0;
	return 1;
}

static int is_token_char(char c)
{
	return g_ascii_isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* "type/subtype" of RFC 2045 tokens, then blanks, ';' parameters or the
 * end: anything looser GMime judges its own way (it may call it damage,
 * or not, depending on where it stands). */
static int plain_content_type(const char *p, size_t len)
{
	const char *end = p + len, *start;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (start = p; p < end && is_token_char(*p); p++)
		;
	if (p == start || p == end || *p != '/')
		return 0;
	for (start = ++p; p < end && is_token_char(*p); p++)
		;
	if (p == start)
		return 0;
	return p == end || *p == ';' || *p == ' ' || *p == '\t' || *p == '\n'
	       || (*p == '\r' && p + 1 < end && p[1] == '\n');
}

int pd__scan_headers(pd__scanned_headers *out, const char *data, size_t len)
{
	static const char *const plain_encodings[] = {
		"7bit", "8bit", "binary", "quoted-printable", "base64", NULL
	};
	const char *p = data, *end = data + len;
	int current = -2; /* -2: no header yet; -1: one not kept */
	int mime_body = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(data, '\0', len))
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *line_end = nl ? nl : end;
		size_t n = line_end - p;

		if (!nl)
			return 0; /* no blank line before the end */
		if (n == 0 || (n == 1 && p[0] == '\r')) {
			out->body = nl + 1;
			out->body_len = end - out->body;
			break;
		}
		if (p[0] == ' ' || p[0] == '\t') {
			if (current == -2)
				return 0; /* a fold before any header */
			if (current >= 0)
				out->value_len[current] = nl + 1 - out->value[current];
		} else {
			const char *colon = name_end(p, line_end, end);
			if (colon == p || colon == line_end || *colon != ':')
				return 0; /* not "Name:" */
			current = header_index(p, colon - p);
			if (current >= 0) {
				if (out->value[current]) {
					if (conflict_matters(current))
						return 0;
					current = -1; /* a second To: or List-Id: : the first counts */
				} else {
					out->value[current] = colon + 1;
					out->value_len[current] = nl + 1 - (colon + 1);
				}
			}
		}
		p = nl + 1;
	}
	if (!out->body)
		return 0;
	if (out->value[PD__H_CONTENT_TYPE]) {
		const char *v = out->value[PD__H_CONTENT_TYPE];
		size_t l = out->value_len[PD__H_CONTENT_TYPE];
		while (l && g_ascii_isspace(*v))
			v++, l--;
		if (!plain_content_type(v, l))
			return 0;
		mime_body = (l >= 10 && !g_ascii_strncasecmp(v, "multipart/", 10))
			    || (l >= 8 && !g_ascii_strncasecmp(v, "message/", 8));
	}
	if (out->value[PD__H_MESSAGE_ID]
	    && !plain_message_id(out->value[PD__H_MESSAGE_ID], out->value_len[PD__H_MESSAGE_ID]))
		return 0;
	if (out->value[PD__H_CTE]
	    && !value_is(out->value[PD__H_CTE], out->value_len[PD__H_CTE], plain_encodings))
		return 0;
	return mime_body ? PD__SCAN_MIME_BODY : PD__SCAN_PLAIN;
}
