/*
 * test-base64.c - pd__base64_decode() (mail/mime.c) against GMime's
 * decoder, which it must equal byte for byte: bodies of every length
 * encoded with every line length, LF and CRLF, and then spoiled the ways
 * real mail is -- '=' padding early, late and doubled, blanks and junk
 * between digits, groups cut by line breaks, bytes above 127, ends cut
 * short -- and every base64 body of the sample and the corpora.
 */
#include <glib.h>
#include <gmime/gmime.h>
#include "harness.h"
#include "corpora.h"
#include "mail/mail.h"
#include "mail/header-scan.h"

static size_t cases, wrong;

static void check(const unsigned char *in, size_t len)
{
	unsigned char *a = g_malloc(len + 4), *b = g_malloc(len + 4);
	int state = 0;
	guint32 save = 0;
	size_t na = pd__base64_decode(a, in, len);
	size_t nb = g_mime_encoding_base64_decode_step(in, len, b, &state, &save);

	cases++;
	if (na != nb || memcmp(a, b, na)) {
		if (wrong++ < 5)
			printf("# differs on %zu bytes: %.*s\n", len, (int)MIN(len, 60), in);
	}
	g_free(a);
	g_free(b);
}

/* `text` encoded, broken into lines of `width` digits. */
static GString *encoded(const unsigned char *text, size_t len, size_t width, int crlf)
{
	char *flat = g_base64_encode(text, len);
	GString *s = g_string_new(NULL);
	size_t n = strlen(flat);

	for (size_t at = 0; at < n; at += width) {
		g_string_append_len(s, flat + at, (gssize)MIN(width, n - at));
		g_string_append(s, crlf ? "\r\n" : "\n");
	}
	g_free(flat);
	return s;
}

static void made(void)
{
	static const size_t widths[] = { 76, 72, 64, 4, 1, 3, 5, 75, 77, 4096 };
	static const char *const spoil[] = { "=", "==", "===", " ", "\t", "!", "\x80", "\xff", "-",
					     "_", "\r", "\n", "=\n", "A=", "\0" };
	GRand *rand = g_rand_new_with_seed(64);
	unsigned char text[700];

	for (size_t len = 0; len < sizeof text; len += len < 40 ? 1 : 37) {
		for (size_t i = 0; i < len; i++)
			text[i] = (unsigned char)g_rand_int_range(rand, 0, 256);
		for (size_t w = 0; w < G_N_ELEMENTS(widths); w++)
			for (int crlf = 0; crlf < 2; crlf++) {
				GString *s = encoded(text, len, widths[w], crlf);
				check((const unsigned char *)s->str, s->len);
				/* cut short anywhere in the last two lines */
				for (size_t cut = s->len > 160 ? s->len - 160 : 0; cut < s->len; cut += 7)
					check((const unsigned char *)s->str, cut);
				/* something spoiled at a few places */
				for (size_t k = 0; k < G_N_ELEMENTS(spoil); k++)
					for (int t = 0; t < 3 && s->len; t++) {
						size_t at = (size_t)g_rand_int_range(rand, 0, (gint32)s->len + 1);
						size_t sl = k == G_N_ELEMENTS(spoil) - 1 ? 1 : strlen(spoil[k]);
						GString *x = g_string_new_len(s->str, (gssize)s->len);
						g_string_insert_len(x, (gssize)at, spoil[k], (gssize)sl);
						check((const unsigned char *)x->str, x->len);
						g_string_free(x, TRUE);
					}
				g_string_free(s, TRUE);
			}
	}
	g_rand_free(rand);
}

/* Every body the scanner reads whose transfer encoding is base64. */
static void each_message(const pd_raw_message *raw, void *payload)
{
	pd__scanned_headers sh;
	size_t *n = payload;
	const char *data = raw->data;
	size_t len = raw->len;

	corpus_skip_from_line(&data, &len);
	if (pd__scan_headers(&sh, data, len) == PD__SCAN_GMIME || !sh.value[PD__H_CTE]
	    || !g_strstr_len(sh.value[PD__H_CTE], (gssize)sh.value_len[PD__H_CTE], "ase64"))
		return;
	(*n)++;
	check((const unsigned char *)sh.body, sh.body_len);
}

static void corpus(const char *name, const char *path)
{
	size_t n = 0, was_wrong = wrong;
	char label[200];

	if (corpus_each_message(name, path, "base64 bodies decode as GMime decodes them",
				each_message, &n) <= 0)
		return;
	snprintf(label, sizeof label, "%s: all %zu base64 bodies decode as GMime decodes them", name, n);
	if (n == 0)
		SKIP(label, "it has none");
	else
		CHECK(label, wrong == was_wrong);
}

int main(void)
{
	char label[200];

	pd__gmime_init();
	made();
	snprintf(label, sizeof label, "made: all %zu inputs decode as GMime decodes them", cases);
	CHECK(label, wrong == 0 && cases > 10000);
	corpora_each(corpus);
	return harness_failed ? 1 : 0;
}
