/*
 * content-hash.c - public-inbox's content hash of a message: what tells a
 * message cross-posted to two lists (the same Message-ID, the same
 * content) from two messages that share a Message-ID.  A digest over
 * several archives counts the first once and the second twice, by the
 * rule public-inbox itself uses to find duplicates in a v2 inbox
 * (public-inbox-v2-format(5), "content hash"), so that the digest agrees
 * with what the archives themselves hold.
 *
 * The rule, as facts: SHA-256 over, in order,
 *   - "ref\0ID\0" for each Message-ID of References then In-Reply-To
 *     (the <...> of each; unique; not the message's own Message-IDs,
 *     "y", "n" or an address of To/From/Cc);
 *   - "From\0V\0" for each From: (else each Sender:), V the decoded value
 *     without double quotes, each run of blanks one space, the domain
 *     lowercased when it holds a capital;
 *   - "Subject\0V\0" and "Date\0V\0" for each, decoded;
 *   - "To\0V\0" and "Cc\0V\0" as From;
 *   - for each leaf MIME part (depth and index as public-inbox numbers
 *     them: "0:1" for a single part, "1:1", "2:1.2"...): "\0D:I\0",
 *     "fn\0NAME\0" when it has a file name, "d\0TEXT\0" per
 *     Content-Description, "b\0", then its text (decoded to UTF-8, CRLF
 *     as LF, trailing white space removed) or, for HTML and parts that
 *     are not text, its transfer-decoded bytes.
 * Header values are read raw (unfolded, trimmed) with their 8-bit bytes
 * taken as Latin-1, as public-inbox's reader leaves them.
 *
 * The hash is computed for every message of a digest of several lists,
 * so it is made without copies where it can be: a body that needs no
 * decoding is hashed where it lies, references are checked in place.
 * The SHA-256 is nettle's, which uses the CPU's SHA instructions (700
 * MB/s on the bench machine, GLib's GChecksum 126); test-content-hash.c
 * holds nettle's sums to GLib's.  With both, a digest of kvmarm and
 * kvm-ppc together takes 27% less CPU (5.6 -> 4.1 s).
 *
 * GMime finds the MIME parts.  public-inbox splits multipart bodies with
 * its own rules, which differ in rare cases (a preamble holding a colon
 * is a part there): tests/content-hash.sh measures the agreement with
 * public-inbox's own code on real archives.  A message the two rules hash
 * differently is counted twice, never lost.
 */
#include <string.h>
#include <gmime/gmime.h>
#include <nettle/sha2.h>
#include "mail/mail.h"

#define MAX_DEPTH 16
#define MAX_MID 244 /* public-inbox truncates longer Message-IDs */

/* A raw header value as public-inbox reads it: each "\r?\n[ \t]*" one
 * space, blanks at both ends gone.  New string. */
static char *unfolded(const char *v, size_t len)
{
	GString *s = g_string_sized_new(len);
	const char *q = v, *stop = v + len;
	size_t lead = 0;

	while (q < stop) {
		const char *run = q;
		/* up to the next CR or LF: copied as it is */
		while (q < stop && *q != '\r' && *q != '\n')
			q++;
		g_string_append_len(s, run, q - run);
		if (q == stop)
			break;
		if (*q == '\r') {
			if (q + 1 < stop && q[1] == '\n') {
				q++; /* the CR of a CRLF goes */
				continue;
			}
			g_string_append_c(s, '\r');
			q++;
			continue;
		}
		/* LF: it and the blanks after it, one space */
		while (q + 1 < stop && (q[1] == ' ' || q[1] == '\t'))
			q++;
		g_string_append_c(s, ' ');
		q++;
	}
	while (s->len && g_ascii_isspace(s->str[s->len - 1]))
		g_string_truncate(s, s->len - 1);
	while (lead < s->len && g_ascii_isspace(s->str[lead]))
		lead++;
	g_string_erase(s, 0, (gssize)lead);
	return g_string_free(s, FALSE);
}

/* The values of each of the `n` headers `names` in the block `hdr` (raw,
 * unfolded and trimmed as public-inbox reads them), in order, in one pass:
 * out[i] a new array of new strings, for names[i]. */
static void scan_headers(GPtrArray **out, const char *const *names, size_t n,
			 const char *hdr, size_t len)
{
	const char *p = hdr, *end = hdr + len;
	size_t nl[16];

	for (size_t i = 0; i < n; i++) {
		out[i] = g_ptr_array_new_with_free_func(g_free);
		nl[i] = strlen(names[i]);
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol + 1 : end, *colon;
		size_t which = n;

		colon = memchr(p, ':', (size_t)(line_end - p));
		for (size_t i = 0; colon && i < n; i++)
			if ((size_t)(colon - p) == nl[i] && !g_ascii_strncasecmp(p, names[i], nl[i])) {
				which = i;
				break;
			}
		if (which < n) {
			const char *stop = line_end;
			/* continuation lines start with a blank */
			while (stop < end && (*stop == ' ' || *stop == '\t')) {
				const char *e2 = memchr(stop, '\n', (size_t)(end - stop));
				stop = e2 ? e2 + 1 : end;
			}
			g_ptr_array_add(out[which], unfolded(colon + 1, (size_t)(stop - colon - 1)));
			p = stop;
			continue;
		}
		p = line_end;
	}
}

/* The message's own headers the hash reads, found in one pass. */
enum { H_MID, H_REFS, H_IRT, H_TO, H_FROM, H_CC, H_SENDER, H_SUBJECT, H_DATE, H_CT, H_CTE,
       H_DISP, H_DESC, H_COUNT };
static const char *const top_names[H_COUNT] = {
	"Message-ID", "References", "In-Reply-To", "To", "From", "Cc", "Sender", "Subject",
	"Date", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
	"Content-Description"
};

/* `len` bytes as Latin-1 characters, in UTF-8: what public-inbox's
 * digest gets from raw header bytes and from a body it takes as it is.
 * (pd__to_utf8() would set iconv up for each: more than the text costs.)
 * New string. */
static char *latin1(const char *s, size_t len)
{
	GString *out = g_string_sized_new(len + 8);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			g_string_append_c(out, (char)c);
		} else {
			g_string_append_c(out, (char)(0xc0 | (c >> 6)));
			g_string_append_c(out, (char)(0x80 | (c & 0x3f)));
		}
	}
	return g_string_free(out, FALSE);
}

/* A raw value as public-inbox's header() gives it: encoded words decoded
 * (only when it has one), raw bytes as Latin-1.  New string. */
static char *decoded(const char *raw)
{
	char *text = latin1(raw, strlen(raw));

	if (strstr(text, "=?")) {
		char *d = g_mime_utils_header_decode_text(NULL, text);
		g_free(text);
		text = d ? d : g_strdup("");
	}
	return text;
}

static void add(struct sha256_ctx *sum, const char *s, size_t len)
{
	sha256_update(sum, len, (const uint8_t *)s);
}

/* "NAME\0VALUE\0" */
static void add_field(struct sha256_ctx *sum, const char *name, const char *value)
{
	add(sum, name, strlen(name) + 1);
	add(sum, value, strlen(value) + 1);
}

/* An address header's value: no quotes, blanks squeezed, the domain part
 * lowercased when it has a capital. */
static void add_address(struct sha256_ctx *sum, const char *name, const char *raw)
{
	char *v = decoded(raw);
	GString *s = g_string_new(NULL);

	for (const char *p = v; *p; p++) {
		char c = *p == '\r' || *p == '\n' || *p == '\t' ? ' ' : *p;
		if (c == '"')
			continue;
		if (c == ' ' && s->len && s->str[s->len - 1] == ' ')
			continue;
		g_string_append_c(s, c);
	}
	/* s/@([a-z0-9_.\-()]*([A-Z])\S*)/'@'.lc($1)/ge */
	for (size_t i = 0; i < s->len; i++) {
		size_t j = i + 1;
		if (s->str[i] != '@')
			continue;
		while (j < s->len && (g_ascii_islower(s->str[j]) || g_ascii_isdigit(s->str[j])
				      || strchr("_.-()", s->str[j])))
			j++;
		if (j < s->len && g_ascii_isupper(s->str[j])) {
			size_t k = j;
			while (k < s->len && !g_ascii_isspace(s->str[k]))
				k++;
			for (size_t m = i + 1; m < k; m++)
				s->str[m] = g_ascii_tolower(s->str[m]);
			i = k - 1;
		}
	}
	add_field(sum, name, s->str);
	g_string_free(s, TRUE);
	g_free(v);
}

/* Every <...> of `values` (whole values when `whole_if_none` and a value
 * has none), with CR, LF and tab removed and cut at MAX_MID bytes. */
static void extract_ids(GPtrArray *out, GPtrArray *values, int whole_if_none)
{
	guint first = out->len;

	for (guint i = 0; i < values->len; i++) {
		const char *v = values->pdata[i];
		int found = 0;
		for (const char *p = strchr(v, '<'); p; p = strchr(p, '<')) {
			const char *e = strchr(p + 1, '>');
			/* <([^>]+)>: from this '<' to the next '>' */
			const char *start = p + 1;
			if (!e)
				break;
			if (e > start) {
				g_ptr_array_add(out, g_strndup(start, (gsize)(e - start)));
				found = 1;
			}
			p = e + 1;
		}
		if (!found && whole_if_none)
			g_ptr_array_add(out, g_strdup(v));
	}
	for (guint i = first; i < out->len; i++) {
		char *id = out->pdata[i], *w = id;
		for (char *r = id; *r; r++)
			if (*r != '\r' && *r != '\n' && *r != '\t')
				*w++ = *r;
		*w = 0;
		if (strlen(id) > MAX_MID)
			id[MAX_MID] = 0;
	}
}

/* Is `id` an address of one of the address headers `values`: a word
 * holding an '@', words split at blanks, commas, angle brackets, double
 * quotes and parentheses?  A reference that is one is not hashed. */
static int is_address(const char *id, GPtrArray *const *values, size_t n_values)
{
	static const char splitters[] = " \t,<>\"()";
	size_t len = strlen(id);

	if (!memchr(id, '@', len) || strpbrk(id, splitters))
		return 0; /* no word of them can equal it */
	for (size_t k = 0; k < n_values; k++)
		for (guint i = 0; i < values[k]->len; i++) {
			const char *v = values[k]->pdata[i];
			for (const char *w = strstr(v, id); w; w = strstr(w + 1, id))
				if ((w == v || strchr(splitters, w[-1]))
				    && (!w[len] || strchr(splitters, w[len])))
					return 1;
		}
	return 0;
}

/* "ref\0ID\0" for each reference (References, then In-Reply-To) once,
 * but for the message's own Message-IDs, "y", "n" and the addresses of
 * To, From and Cc.  A message names a handful: a scan of the few before
 * each costs less than a table. */
static void add_references(struct sha256_ctx *sum, GPtrArray **h)
{
	GPtrArray *own = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *refs = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *addresses[] = { h[H_TO], h[H_FROM], h[H_CC] };
	GPtrArray *taken = g_ptr_array_new();

	extract_ids(refs, h[H_REFS], 0);
	extract_ids(refs, h[H_IRT], 0);
	if (refs->len)
		extract_ids(own, h[H_MID], 1);
	for (guint i = 0; i < refs->len; i++) {
		const char *id = refs->pdata[i];
		int skip = !strcmp(id, "y") || !strcmp(id, "n");
		for (guint k = 0; !skip && k < own->len; k++)
			skip = !strcmp(id, own->pdata[k]);
		for (guint k = 0; !skip && k < taken->len; k++)
			skip = !strcmp(id, taken->pdata[k]);
		if (skip || is_address(id, addresses, G_N_ELEMENTS(addresses)))
			continue;
		g_ptr_array_add(taken, (gpointer)id);
		add(sum, "ref", 4);
		add(sum, id, strlen(id) + 1);
	}
	g_ptr_array_unref(taken);
	g_ptr_array_unref(own);
	g_ptr_array_unref(refs);
}

/* The raw value of a part's header, unfolded and trimmed; NULL if none. */
static char *part_header(GMimeObject *o, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(o);
	GMimeHeader *h = list ? g_mime_header_list_get_header(list, name) : NULL;
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;

	return raw ? unfolded(raw, strlen(raw)) : NULL;
}

/* One leaf MIME part as the hash reads it; every string borrowed. */
typedef struct {
	const char *ct_raw;       /* its first Content-Type, or NULL */
	const char *type, *subtype, *charset; /* parsed from it; charset NULL
	                             when it names none */
	const char *cte;          /* its first Content-Transfer-Encoding */
	const char *filename;     /* Content-Disposition's, else the type's name */
	GPtrArray *descriptions;  /* raw Content-Description values */
	const char *body;         /* raw (transfer-encoded) bytes */
	size_t body_len;
} leaf;

/* A quoted-printable body as public-inbox's reader decodes it: lines
 * end in LF, blanks at the end of an encoded line are padding and go,
 * the text is decoded, and every LF becomes CRLF again. */
static GByteArray *qp_bytes(const char *body, size_t len)
{
	GString *in = g_string_sized_new(len + 1);
	GByteArray *dec = g_byte_array_new(), *out;
	GMimeEncoding enc;

	for (size_t i = 0; i < len; i++) {
		if (body[i] == '\r' && i + 1 < len && body[i + 1] == '\n')
			continue;
		if (body[i] == '\n')
			while (in->len && (in->str[in->len - 1] == ' ' || in->str[in->len - 1] == '\t'))
				g_string_truncate(in, in->len - 1);
		g_string_append_c(in, body[i]);
	}
	while (in->len && (in->str[in->len - 1] == ' ' || in->str[in->len - 1] == '\t'))
		g_string_truncate(in, in->len - 1);
	g_mime_encoding_init_decode(&enc, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_byte_array_set_size(dec, (guint)g_mime_encoding_outlen(&enc, in->len));
	g_byte_array_set_size(dec, (guint)g_mime_encoding_step(&enc, in->str, in->len,
							      (char *)dec->data));
	g_string_free(in, TRUE);
	out = g_byte_array_sized_new(dec->len + dec->len / 32 + 1);
	for (guint i = 0; i < dec->len; i++) {
		if (dec->data[i] == '\n')
			g_byte_array_append(out, (const guint8 *)"\r", 1);
		g_byte_array_append(out, dec->data + i, 1);
	}
	g_byte_array_unref(dec);
	return out;
}

/* A part's bytes: borrowed from the message when it is not transfer
 * encoded (most list mail), else decoded into `owned`. */
typedef struct {
	const guint8 *data;
	size_t len;
	GByteArray *owned;
} part_bytes;

/* The body's transfer-decoded bytes (undecoded for an encoding
 * public-inbox does not decode). */
static void leaf_bytes(part_bytes *out, const leaf *l)
{
	char token[32] = "";
	GMimeEncoding enc;
	GByteArray *b;

	if (l->cte)
		sscanf(l->cte, "%31[a-zA-Z0-9-]", token);
	if (!g_ascii_strcasecmp(token, "base64")) {
		g_mime_encoding_init_decode(&enc, GMIME_CONTENT_ENCODING_BASE64);
	} else if (!g_ascii_strcasecmp(token, "quoted-printable")
		   || !g_ascii_strcasecmp(token, "quotedprint") || !g_ascii_strcasecmp(token, "qp")) {
		out->owned = qp_bytes(l->body, l->body_len);
		out->data = out->owned->data;
		out->len = out->owned->len;
		return;
	} else {
		out->owned = NULL;
		out->data = (const guint8 *)l->body;
		out->len = l->body_len;
		return;
	}
	b = g_byte_array_new();
	g_byte_array_set_size(b, (guint)g_mime_encoding_outlen(&enc, l->body_len));
	g_byte_array_set_size(b, (guint)g_mime_encoding_step(&enc, l->body, l->body_len,
							    (char *)b->data));
	out->owned = b;
	out->data = b->data;
	out->len = b->len;
}

/* A part's text: a view of its bytes (`owned` NULL), or a new
 * NUL-terminated string that ends at its first NUL, as a C string does. */
typedef struct {
	const char *data;
	size_t len;
	char *owned;
} part_text;

static int text_owned(part_text *t, char *s)
{
	t->owned = s;
	t->data = s;
	t->len = s ? strlen(s) : 0;
	return s != NULL;
}

/* Are the `len` bytes at `p` all ASCII?  *nul says whether one is NUL.
 * Eight at a time: the body of nearly every message goes through here. */
static int ascii_scan(int *nul, const guint8 *p, size_t len)
{
	const guint64 high = UINT64_C(0x8080808080808080), ones = UINT64_C(0x0101010101010101);
	size_t i = 0;

	*nul = 0;
	for (; i + 8 <= len; i += 8) {
		guint64 x;
		memcpy(&x, p + i, 8);
		if (x & high)
			return 0;
		/* a zero byte, with no byte at 0x80 or above */
		if ((x - ones) & ~x & high)
			*nul = 1;
	}
	for (; i < len; i++) {
		if (p[i] >= 0x80)
			return 0;
		*nul |= !p[i];
	}
	return 1;
}

/* Strict conversion from `charset` into *t; 0 when a byte does not
 * convert.  The charsets of nearly all mail are done here: iconv's
 * set-up costs more than the text.  UTF-8 and ASCII that are already
 * the text (no NUL in them) are not copied. */
static int convert_strict(part_text *t, const part_bytes *b, const char *charset)
{
	const char *iconv_name;

	memset(t, 0, sizeof(*t));
	if (!b->len)
		return text_owned(t, g_strdup(""));
	if (!g_ascii_strcasecmp(charset, "utf-8") || !g_ascii_strcasecmp(charset, "utf8")) {
		/* with a length, a NUL fails validation */
		if (!g_utf8_validate((const char *)b->data, (gssize)b->len, NULL))
			return 0;
		t->data = (const char *)b->data;
		t->len = b->len;
		return 1;
	}
	if (!g_ascii_strcasecmp(charset, "us-ascii") || !g_ascii_strcasecmp(charset, "ascii")) {
		int nul = 0;
		if (!ascii_scan(&nul, b->data, b->len))
			return 0;
		if (nul)
			return text_owned(t, g_strndup((const char *)b->data, b->len));
		t->data = (const char *)b->data;
		t->len = b->len;
		return 1;
	}
	if (!g_ascii_strcasecmp(charset, "iso-8859-1") || !g_ascii_strcasecmp(charset, "latin1"))
		return text_owned(t, latin1((const char *)b->data, b->len));
	iconv_name = g_mime_charset_iconv_name(charset);
	return text_owned(t, g_convert((const char *)b->data, (gssize)b->len, "UTF-8",
				       iconv_name ? iconv_name : charset, NULL, NULL, NULL));
}

/* The text public-inbox hashes for a part into *t; 0 for its bytes. */
static int leaf_text(part_text *t, const leaf *l, const part_bytes *b)
{
	char *ct = l->ct_raw && *l->ct_raw ? decoded(l->ct_raw) : g_strdup("text/plain");
	const char *charset = l->ct_raw ? l->charset : "us-ascii";
	int ok = 0, failed = 0;

	memset(t, 0, sizeof(*t));
	if (strstr(ct, "text/html") || strstr(ct, "text/xhtml"))
		goto done;
	if (charset) {
		ok = convert_strict(t, b, charset);
		failed = !ok;
	} else if (!g_ascii_strcasecmp(l->type, "text")
		   && (!g_ascii_strcasecmp(l->subtype, "plain")
		       || !g_ascii_strcasecmp(l->subtype, "html"))) {
		ok = text_owned(t, latin1((const char *)b->data, b->len));
	} else {
		failed = 1;
	}
	if (failed) {
		char *lower = g_ascii_strdown(ct, -1);
		if (strstr(lower, "text/") || strstr(lower, "multipart/mixed")) {
			/* the bytes as UTF-8, else as they are (Latin-1) */
			ok = convert_strict(t, b, "utf-8");
			if (!ok)
				ok = text_owned(t, latin1((const char *)b->data, b->len));
		}
		g_free(lower);
	}
done:
	g_free(ct);
	return ok;
}

/* Hashes `len` bytes of text with each CRLF as LF and the white space at
 * its end left out. */
static void add_text(struct sha256_ctx *sum, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *cr;

	while (end > text && g_ascii_isspace(end[-1]))
		end--;
	/* the end is not white space: no CR of a CRLF sits just before it */
	while ((cr = memchr(p, '\r', (size_t)(end - p)))) {
		int of_crlf = cr + 1 < end && cr[1] == '\n'; /* left out; a lone CR stays */
		add(sum, p, (size_t)(cr - p) + !of_crlf);
		p = cr + 1;
	}
	add(sum, p, (size_t)(end - p));
}

/* Hashes one leaf part. */
static void add_leaf(struct sha256_ctx *sum, const leaf *l, int depth, const char *index)
{
	char *label = g_strdup_printf("%d:%s", depth, index);
	part_bytes b;
	part_text text;

	add(sum, "", 1);
	add(sum, label, strlen(label) + 1);
	g_free(label);
	if (l->filename && *l->filename) {
		char *fn = strstr(l->filename, "=?") ? decoded(l->filename) : g_strdup(l->filename);
		add(sum, "fn", 3);
		add(sum, fn, strlen(fn) + 1);
		g_free(fn);
	}
	for (guint i = 0; l->descriptions && i < l->descriptions->len; i++) {
		char *d = decoded(l->descriptions->pdata[i]);
		add(sum, "d", 2);
		add(sum, d, strlen(d) + 1);
		g_free(d);
	}
	add(sum, "b", 2);
	leaf_bytes(&b, l);
	if (leaf_text(&text, l, &b)) {
		add_text(sum, text.data, text.len);
		g_free(text.owned);
	} else {
		add(sum, (const char *)b.data, b.len);
	}
	if (b.owned)
		g_byte_array_unref(b.owned);
}

/* A GMime part as a leaf: `keep` collects what must outlive the call. */
static void add_gmime_part(struct sha256_ctx *sum, GMimeObject *o, int depth, const char *index)
{
	leaf l = { 0 };
	GMimeHeaderList *list = g_mime_object_get_header_list(o);
	GMimeContentType *type = g_mime_object_get_content_type(o);
	char *ct = part_header(o, "Content-Type"), *cte = part_header(o, "Content-Transfer-Encoding");
	GByteArray *raw = g_byte_array_new();

	l.ct_raw = ct;
	l.type = type ? g_mime_content_type_get_media_type(type) : "text";
	l.subtype = type ? g_mime_content_type_get_media_subtype(type) : "plain";
	l.charset = type ? g_mime_content_type_get_parameter(type, "charset") : NULL;
	l.cte = cte;
	l.descriptions = g_ptr_array_new_with_free_func(g_free);
	for (int i = 0; list && i < g_mime_header_list_get_count(list); i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		if (!g_ascii_strcasecmp(g_mime_header_get_name(h), "Content-Description")) {
			const char *value = g_mime_header_get_raw_value(h);
			g_ptr_array_add(l.descriptions,
					unfolded(value ? value : "", value ? strlen(value) : 0));
		}
	}
	if (GMIME_IS_PART(o)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(o));
		GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;
		l.filename = g_mime_part_get_filename(GMIME_PART(o));
		if (s) {
			GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(raw);
			g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
			g_mime_stream_reset(s);
			g_mime_stream_write_to_stream(s, mem);
			g_object_unref(mem);
		}
	}
	l.body = (const char *)raw->data;
	l.body_len = raw->len;
	add_leaf(sum, &l, depth, index);
	g_byte_array_unref(raw);
	g_ptr_array_unref(l.descriptions);
	g_free(ct);
	g_free(cte);
}

/* Walks a multipart's children as public-inbox numbers them. */
static void add_children(struct sha256_ctx *sum, GMimeMultipart *mp, int depth, const char *prefix)
{
	int n = g_mime_multipart_get_count(mp), k = 0;

	for (int i = 0; i < n; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);
		char *index = prefix ? g_strdup_printf("%s.%d", prefix, ++k) : g_strdup_printf("%d", ++k);
		if (GMIME_IS_MULTIPART(child) && depth < MAX_DEPTH
		    && g_mime_multipart_get_count(GMIME_MULTIPART(child)) > 0)
			add_children(sum, GMIME_MULTIPART(child), depth + 1, index);
		else
			add_gmime_part(sum, child, depth, index);
		g_free(index);
	}
}

/* A message of one part (no multipart or message/ Content-Type, as most
 * list mail is) hashed from its own bytes, without building it with
 * GMime: 0 when it is not one. */
static int single_part(struct sha256_ctx *sum, GPtrArray **h, const char *data, size_t len, size_t hlen)
{
	GPtrArray *ct = h[H_CT], *cte = h[H_CTE], *disp = h[H_DISP];
	GMimeContentType *type = NULL;
	GMimeContentDisposition *cd = NULL;
	leaf l = { 0 };
	size_t at = hlen;
	int done = 0;

	l.type = "text";
	l.subtype = "plain";
	if (ct->len) {
		l.ct_raw = ct->pdata[0];
		type = g_mime_content_type_parse(NULL, l.ct_raw);
		l.type = g_mime_content_type_get_media_type(type);
		l.subtype = g_mime_content_type_get_media_subtype(type);
		l.charset = g_mime_content_type_get_parameter(type, "charset");
		l.filename = g_mime_content_type_get_parameter(type, "name");
	}
	if (!g_ascii_strcasecmp(l.type, "multipart") || !g_ascii_strcasecmp(l.type, "message"))
		goto cleanup;
	if (disp->len) {
		const char *fn;
		cd = g_mime_content_disposition_parse(NULL, disp->pdata[0]);
		fn = g_mime_content_disposition_get_parameter(cd, "filename");
		if (fn && *fn)
			l.filename = fn;
	}
	l.cte = cte->len ? cte->pdata[0] : NULL;
	l.descriptions = h[H_DESC];
	/* the body follows the empty line after the header */
	if (at < len && data[at] == '\r')
		at++;
	if (at < len && data[at] == '\n')
		at++;
	if (at > len)
		at = len;
	l.body = data + at;
	l.body_len = len - at;
	add_leaf(sum, &l, 0, "1");
	done = 1;
cleanup:
	if (type)
		g_object_unref(type);
	if (cd)
		g_object_unref(cd);
	return done;
}

int pd__content_hash(unsigned char out[32], const char *data, size_t len)
{
	struct sha256_ctx state, *sum = &state;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeObject *body;
	size_t hlen = len;
	GPtrArray *h[H_COUNT];

	pd__gmime_init();
	sha256_init(sum);
	/* the header block ends at the first empty line */
	for (const char *nl = memchr(data, '\n', len); nl && nl + 1 < data + len;
	     nl = memchr(nl + 1, '\n', (size_t)(data + len - nl - 1))) {
		size_t i = (size_t)(nl - data);
		if (data[i + 1] == '\n' || (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')) {
			hlen = i + 1;
			break;
		}
	}
	scan_headers(h, top_names, H_COUNT, data, hlen);
	add_references(sum, h);
	if (h[H_FROM]->len)
		for (guint i = 0; i < h[H_FROM]->len; i++)
			add_address(sum, "From", h[H_FROM]->pdata[i]);
	else
		for (guint i = 0; i < h[H_SENDER]->len; i++)
			add_address(sum, "Sender", h[H_SENDER]->pdata[i]);
	for (guint i = 0; i < h[H_SUBJECT]->len; i++) {
		char *d = decoded(h[H_SUBJECT]->pdata[i]);
		add_field(sum, "Subject", d);
		g_free(d);
	}
	for (guint i = 0; i < h[H_DATE]->len; i++) {
		char *d = latin1(h[H_DATE]->pdata[i], strlen(h[H_DATE]->pdata[i]));
		add_field(sum, "Date", d);
		g_free(d);
	}
	for (guint i = 0; i < h[H_TO]->len; i++)
		add_address(sum, "To", h[H_TO]->pdata[i]);
	for (guint i = 0; i < h[H_CC]->len; i++)
		add_address(sum, "Cc", h[H_CC]->pdata[i]);

	if (!single_part(sum, h, data, len, hlen)) {
		/* multipart and message/ types: GMime finds the parts */
		stream = g_mime_stream_mem_new_with_buffer(data, len);
		parser = g_mime_parser_new_with_stream(stream);
		g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
		msg = g_mime_parser_construct_message(parser, NULL);
		body = msg ? g_mime_message_get_mime_part(msg) : NULL;
		if (body && GMIME_IS_MULTIPART(body)
		    && g_mime_multipart_get_count(GMIME_MULTIPART(body)) > 0)
			add_children(sum, GMIME_MULTIPART(body), 1, NULL);
		else if (body)
			add_gmime_part(sum, body, 0, "1");
		if (msg)
			g_object_unref(msg);
		g_object_unref(parser);
		g_object_unref(stream);
	}
	for (int i = 0; i < H_COUNT; i++)
		g_ptr_array_unref(h[i]);
	sha256_digest(sum, SHA256_DIGEST_SIZE, out);
	return PD_OK;
}
