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
 * GMime finds the MIME parts.  public-inbox splits multipart bodies with
 * its own rules, which differ in rare cases (a preamble holding a colon
 * is a part there): tests/content-hash.sh measures the agreement with
 * public-inbox's own code on real archives.  A message the two rules hash
 * differently is counted twice, never lost.
 */
#include <string.h>
#include <gmime/gmime.h>
#include "mail/mail.h"

#define MAX_DEPTH 16
#define MAX_MID 244 /* public-inbox truncates longer Message-IDs */

/* The values of every `name` header of the block `hdr` (raw, unfolded
 * and trimmed as public-inbox reads them), in order.  New array of new
 * strings. */
static GPtrArray *header_values(const char *hdr, size_t len, const char *name)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	size_t nl = strlen(name);
	const char *p = hdr, *end = hdr + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol + 1 : end;
		if ((size_t)(end - p) > nl && p[nl] == ':' && !g_ascii_strncasecmp(p, name, nl)) {
			const char *v = p + nl + 1, *stop = line_end;
			GString *s = g_string_new(NULL);
			/* continuation lines start with a blank */
			while (stop < end && (*stop == ' ' || *stop == '\t')) {
				const char *e2 = memchr(stop, '\n', (size_t)(end - stop));
				stop = e2 ? e2 + 1 : end;
			}
			while (v < stop && (*v == ' ' || *v == '\t'))
				v++;
			for (const char *q = v; q < stop; q++) {
				if (*q == '\r' && q + 1 < stop && q[1] == '\n')
					continue;
				if (*q == '\n') {
					/* "\r?\n[ \t]*" is one space */
					while (q + 1 < stop && (q[1] == ' ' || q[1] == '\t'))
						q++;
					g_string_append_c(s, ' ');
					continue;
				}
				g_string_append_c(s, *q);
			}
			while (s->len && g_ascii_isspace(s->str[s->len - 1]))
				g_string_truncate(s, s->len - 1);
			{
				size_t lead = 0;
				while (lead < s->len && g_ascii_isspace(s->str[lead]))
					lead++;
				g_string_erase(s, 0, (gssize)lead);
			}
			g_ptr_array_add(out, g_string_free(s, FALSE));
			p = stop;
			continue;
		}
		p = line_end;
	}
	return out;
}

/* Bytes as Latin-1 characters, in UTF-8 (what public-inbox's digest gets
 * from a raw header value).  New string. */
static char *latin1(const char *s)
{
	GString *out = g_string_sized_new(strlen(s) + 8);

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			g_string_append_c(out, (char)*p);
		} else {
			g_string_append_c(out, (char)(0xc0 | (*p >> 6)));
			g_string_append_c(out, (char)(0x80 | (*p & 0x3f)));
		}
	}
	return g_string_free(out, FALSE);
}

/* A raw value as public-inbox's header() gives it: encoded words decoded
 * (only when it has one), raw bytes as Latin-1.  New string. */
static char *decoded(const char *raw)
{
	char *text = latin1(raw);

	if (strstr(text, "=?")) {
		char *d = g_mime_utils_header_decode_text(NULL, text);
		g_free(text);
		text = d ? d : g_strdup("");
	}
	return text;
}

static void add(GChecksum *sum, const char *s, size_t len)
{
	g_checksum_update(sum, (const guchar *)s, (gssize)len);
}

/* "NAME\0VALUE\0" */
static void add_field(GChecksum *sum, const char *name, const char *value)
{
	add(sum, name, strlen(name) + 1);
	add(sum, value, strlen(value) + 1);
}

/* An address header's value: no quotes, blanks squeezed, the domain part
 * lowercased when it has a capital. */
static void add_address(GChecksum *sum, const char *name, const char *raw)
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
	for (guint i = 0; i < out->len; i++) {
		char *id = out->pdata[i], *w = id;
		for (char *r = id; *r; r++)
			if (*r != '\r' && *r != '\n' && *r != '\t')
				*w++ = *r;
		*w = 0;
		if (strlen(id) > MAX_MID)
			id[MAX_MID] = 0;
	}
}

/* Addresses in an address header, for the references not to take: the
 * <...> of each, and each bare word holding an '@'. */
static void add_emails(GHashTable *seen, GPtrArray *values)
{
	for (guint i = 0; i < values->len; i++) {
		char **words = g_strsplit_set(values->pdata[i], " \t,<>\"()", -1);
		for (char **w = words; *w; w++)
			if (strchr(*w, '@'))
				g_hash_table_add(seen, g_strdup(*w));
		g_strfreev(words);
	}
}

static void add_references(GChecksum *sum, const char *hdr, size_t len)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *own = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *refs = g_ptr_array_new_with_free_func(g_free);
	const char *names[] = { "References", "In-Reply-To" };
	const char *addr_names[] = { "To", "From", "Cc" };
	GHashTable *own_seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *v;

	v = header_values(hdr, len, "Message-ID");
	extract_ids(own, v, 1);
	g_ptr_array_unref(v);
	for (guint i = 0; i < own->len; i++)
		g_hash_table_add(own_seen, own->pdata[i]);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		v = header_values(hdr, len, names[i]);
		extract_ids(refs, v, 0);
		g_ptr_array_unref(v);
	}
	g_hash_table_add(seen, g_strdup("y"));
	g_hash_table_add(seen, g_strdup("n"));
	for (size_t i = 0; i < G_N_ELEMENTS(addr_names); i++) {
		v = header_values(hdr, len, addr_names[i]);
		add_emails(seen, v);
		g_ptr_array_unref(v);
	}
	for (guint i = 0; i < refs->len; i++) {
		char *id = refs->pdata[i];
		if (g_hash_table_contains(seen, id) || g_hash_table_contains(own_seen, id))
			continue;
		g_hash_table_add(seen, g_strdup(id));
		add(sum, "ref", 4);
		add(sum, id, strlen(id) + 1);
	}
	g_hash_table_destroy(own_seen);
	g_hash_table_destroy(seen);
	g_ptr_array_unref(own);
	g_ptr_array_unref(refs);
}

/* The raw value of a part's header, unfolded and trimmed; NULL if none. */
static char *part_header(GMimeObject *o, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(o);
	GMimeHeader *h = list ? g_mime_header_list_get_header(list, name) : NULL;
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	GPtrArray *v;
	char *line, *out = NULL;

	if (!raw)
		return NULL;
	line = g_strdup_printf("%s:%s\n", name, raw);
	v = header_values(line, strlen(line), name);
	if (v->len)
		out = g_strdup(v->pdata[0]);
	g_ptr_array_unref(v);
	g_free(line);
	return out;
}

/* The transfer-decoded bytes of a leaf part (undecoded for an encoding
 * public-inbox does not decode). */
static GByteArray *part_bytes(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GByteArray *raw = g_byte_array_new(), *out;
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(raw);
	char *cte = part_header(GMIME_OBJECT(part), "Content-Transfer-Encoding");
	char token[32] = "";
	GMimeEncoding enc;

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	if (w) {
		GMimeStream *s = g_mime_data_wrapper_get_stream(w);
		if (s) {
			g_mime_stream_reset(s);
			g_mime_stream_write_to_stream(s, mem);
		}
	}
	g_object_unref(mem);
	if (cte)
		sscanf(cte, "%31[a-zA-Z0-9-]", token);
	g_free(cte);
	if (!g_ascii_strcasecmp(token, "base64"))
		g_mime_encoding_init_decode(&enc, GMIME_CONTENT_ENCODING_BASE64);
	else if (!g_ascii_strcasecmp(token, "quoted-printable")
		 || !g_ascii_strcasecmp(token, "quotedprint") || !g_ascii_strcasecmp(token, "qp"))
		g_mime_encoding_init_decode(&enc, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	else
		return raw;
	out = g_byte_array_sized_new(raw->len + 16);
	g_byte_array_set_size(out, (guint)g_mime_encoding_outlen(&enc, raw->len));
	g_byte_array_set_size(out, (guint)g_mime_encoding_step(&enc, (const char *)raw->data,
							      raw->len, (char *)out->data));
	g_byte_array_unref(raw);
	return out;
}

/* Strict conversion from `charset`; NULL when a byte does not convert. */
static char *convert_strict(const GByteArray *b, const char *charset)
{
	const char *iconv_name = g_mime_charset_iconv_name(charset);
	char *out;

	if (!b->len)
		return g_strdup("");

	if (!g_ascii_strcasecmp(charset, "utf-8") || !g_ascii_strcasecmp(charset, "utf8"))
		return g_utf8_validate((const char *)b->data, (gssize)b->len, NULL)
		     ? g_strndup((const char *)b->data, b->len) : NULL;
	out = g_convert((const char *)b->data, (gssize)b->len, "UTF-8",
			iconv_name ? iconv_name : charset, NULL, NULL, NULL);
	return out;
}

/* The text public-inbox hashes for a part, or NULL for its bytes. */
static char *part_text(GMimePart *part, const GByteArray *b, int is_single)
{
	char *ct_raw = part_header(GMIME_OBJECT(part), "Content-Type");
	char *ct = ct_raw && *ct_raw ? decoded(ct_raw) : g_strdup("text/plain");
	GMimeContentType *type = g_mime_object_get_content_type(GMIME_OBJECT(part));
	const char *charset = ct_raw && type ? g_mime_content_type_get_parameter(type, "charset")
				      : "us-ascii";
	char *text = NULL;
	int failed = 0;

	(void)is_single;
	if (strstr(ct, "text/html") || strstr(ct, "text/xhtml"))
		goto done;
	if (charset) {
		text = convert_strict(b, charset);
		failed = !text;
	} else if (type && !g_ascii_strcasecmp(g_mime_content_type_get_media_type(type), "text")
		   && (!g_ascii_strcasecmp(g_mime_content_type_get_media_subtype(type), "plain")
		       || !g_ascii_strcasecmp(g_mime_content_type_get_media_subtype(type), "html"))) {
		char *z = g_strndup((const char *)b->data, b->len);
		text = latin1(z);
		g_free(z);
	} else {
		failed = 1;
	}
	if (failed) {
		char *lower = g_ascii_strdown(ct, -1);
		if (strstr(lower, "text/") || strstr(lower, "multipart/mixed")) {
			/* the bytes as UTF-8, else as they are (Latin-1) */
			text = convert_strict(b, "utf-8");
			if (!text) {
				char *z = g_strndup((const char *)b->data, b->len);
				text = latin1(z);
				g_free(z);
			}
		}
		g_free(lower);
	}
done:
	g_free(ct);
	g_free(ct_raw);
	return text;
}

/* Hashes one leaf part. */
static void add_part(GChecksum *sum, GMimeObject *o, int depth, const char *index, int single)
{
	char *label = g_strdup_printf("%d:%s", depth, index);
	GMimeHeaderList *list = g_mime_object_get_header_list(o);

	add(sum, "", 1);
	add(sum, label, strlen(label) + 1);
	g_free(label);
	if (GMIME_IS_PART(o)) {
		const char *fn = g_mime_part_get_filename(GMIME_PART(o));
		if (fn && *fn) {
			add(sum, "fn", 3);
			add(sum, fn, strlen(fn) + 1);
		}
	}
	for (int i = 0; list && i < g_mime_header_list_get_count(list); i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		if (!g_ascii_strcasecmp(g_mime_header_get_name(h), "Content-Description")) {
			char *v = part_header(o, "Content-Description");
			char *d = v ? decoded(v) : g_strdup("");
			add(sum, "d", 2);
			add(sum, d, strlen(d) + 1);
			g_free(d);
			g_free(v);
		}
	}
	add(sum, "b", 2);
	if (GMIME_IS_PART(o)) {
		GByteArray *b = part_bytes(GMIME_PART(o));
		char *text = part_text(GMIME_PART(o), b, single);
		if (text) {
			GString *s = g_string_new(NULL);
			for (const char *p = text; *p; p++)
				if (!(*p == '\r' && p[1] == '\n'))
					g_string_append_c(s, *p);
			while (s->len && g_ascii_isspace(s->str[s->len - 1]))
				g_string_truncate(s, s->len - 1);
			add(sum, s->str, s->len);
			g_string_free(s, TRUE);
			g_free(text);
		} else {
			add(sum, (const char *)b->data, b->len);
		}
		g_byte_array_unref(b);
	}
}

/* Walks a multipart's children as public-inbox numbers them. */
static void add_children(GChecksum *sum, GMimeMultipart *mp, int depth, const char *prefix)
{
	int n = g_mime_multipart_get_count(mp), k = 0;

	for (int i = 0; i < n; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);
		char *index = prefix ? g_strdup_printf("%s.%d", prefix, ++k) : g_strdup_printf("%d", ++k);
		if (GMIME_IS_MULTIPART(child) && depth < MAX_DEPTH
		    && g_mime_multipart_get_count(GMIME_MULTIPART(child)) > 0)
			add_children(sum, GMIME_MULTIPART(child), depth + 1, index);
		else
			add_part(sum, child, depth, index, 0);
		g_free(index);
	}
}

int pd__content_hash(unsigned char out[32], const char *data, size_t len)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeObject *body;
	size_t hlen = len;
	gsize dlen = 32;
	GPtrArray *v;

	pd__gmime_init();
	/* the header block ends at the first empty line */
	for (size_t i = 0; i + 1 < len; i++) {
		if (data[i] == '\n' && (data[i + 1] == '\n'
					|| (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n'))) {
			hlen = i + 1;
			break;
		}
	}
	add_references(sum, data, hlen);
	v = header_values(data, hlen, "From");
	if (!v->len) {
		g_ptr_array_unref(v);
		v = header_values(data, hlen, "Sender");
		for (guint i = 0; i < v->len; i++)
			add_address(sum, "Sender", v->pdata[i]);
	} else {
		for (guint i = 0; i < v->len; i++)
			add_address(sum, "From", v->pdata[i]);
	}
	g_ptr_array_unref(v);
	v = header_values(data, hlen, "Subject");
	for (guint i = 0; i < v->len; i++) {
		char *d = decoded(v->pdata[i]);
		add_field(sum, "Subject", d);
		g_free(d);
	}
	g_ptr_array_unref(v);
	v = header_values(data, hlen, "Date");
	for (guint i = 0; i < v->len; i++) {
		char *d = latin1(v->pdata[i]);
		add_field(sum, "Date", d);
		g_free(d);
	}
	g_ptr_array_unref(v);
	v = header_values(data, hlen, "To");
	for (guint i = 0; i < v->len; i++)
		add_address(sum, "To", v->pdata[i]);
	g_ptr_array_unref(v);
	v = header_values(data, hlen, "Cc");
	for (guint i = 0; i < v->len; i++)
		add_address(sum, "Cc", v->pdata[i]);
	g_ptr_array_unref(v);

	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	body = msg ? g_mime_message_get_mime_part(msg) : NULL;
	if (body && GMIME_IS_MULTIPART(body) && g_mime_multipart_get_count(GMIME_MULTIPART(body)) > 0)
		add_children(sum, GMIME_MULTIPART(body), 1, NULL);
	else if (body)
		add_part(sum, body, 0, "1", 1);
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	g_checksum_get_digest(sum, out, &dlen);
	g_checksum_free(sum);
	return PD_OK;
}
