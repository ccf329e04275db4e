/*
 * test-content-hash.c - public-inbox's content hash (src/mail/content-hash.c).
 *
 * Without arguments: fixed cases, whose sums public-inbox's own
 * PublicInbox::ContentHash computed (tests/tools/pi-content-hash.pl), and
 * what must and must not change the hash.  With --batch: reads a `git
 * cat-file --batch` stream on standard input and prints "OID HEX" per
 * message, for tests/content-hash.sh to compare with public-inbox's
 * own over a whole archive.
 */
#include <nettle/sha2.h>
#include "harness.h"
#include "mail/mail.h"

#define EXPECT_PLAIN "91803fa1ec1ab77b60b04039c78ca1314d20cc2277d408e4228caf9d9222bf53"
#define EXPECT_LATIN1 "d9cdcf84b1c4b9fa257e1c7666ec1fd82a25fd805a768b16060e704442d1e9ed"
#define EXPECT_MULTIPART "d715e104e1d080db914f64b6855fc5002b340a5012d12ebe7d6fdf888c4b0878"
#define EXPECT_EMPTY "fd355713fe841c8a92f8d6117766cdffe4e6c08715459c78ca546edd00ac8555"
#define EXPECT_QPHTML "297539579bef497f28638a5d92578d4c6849e7eb9c495f07df1455ca55e0164b"

static char *hex(const char *msg)
{
	unsigned char d[32];
	static char out[65];

	pd__content_hash(d, msg, strlen(msg));
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	return out;
}

static int batch(void)
{
	char line[512];

	while (fgets(line, sizeof(line), stdin)) {
		char oid[128], type[32];
		size_t size;
		unsigned char d[32];
		char *buf;
		if (sscanf(line, "%127s %31s %zu", oid, type, &size) != 3)
			return 1;
		buf = malloc(size + 1);
		if (fread(buf, 1, size, stdin) != size)
			return 1;
		(void)fgetc(stdin);
		pd__content_hash(d, buf, size);
		printf("%s ", oid);
		for (int i = 0; i < 32; i++)
			printf("%02x", d[i]);
		putchar('\n');
		free(buf);
	}
	return 0;
}

#define PLAIN "From: A U Thor <a@Example.ORG>\nTo: list@example.org\nSubject: [PATCH] x\n" \
	"Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <1@example.org>\n" \
	"In-Reply-To: <0@example.org>\nReferences: <0@example.org>\n"

/* The hash's SHA-256 (nettle's, for speed) against GLib's, the oracle:
 * every length from 0 to 300 bytes and a few large ones, fed whole and
 * in uneven pieces, as the content hash feeds it. */
static void sha256_oracle(void)
{
	size_t lens[310], n = 0, same = 0, tried = 0;
	guchar *buf = g_malloc(200000);

	for (size_t i = 0; i < 200000; i++)
		buf[i] = (guchar)(i * 131 + (i >> 7));
	for (size_t l = 0; l <= 300; l++)
		lens[n++] = l;
	lens[n++] = 4095;
	lens[n++] = 65537;
	lens[n++] = 200000;
	for (size_t k = 0; k < n; k++) {
		for (size_t piece = 1; piece <= 97; piece += 48) {
			struct sha256_ctx ctx;
			guint8 ours[SHA256_DIGEST_SIZE], theirs[32];
			gsize theirs_len = sizeof(theirs);
			GChecksum *g = g_checksum_new(G_CHECKSUM_SHA256);
			sha256_init(&ctx);
			for (size_t at = 0; at < lens[k]; at += piece) {
				size_t m = MIN(piece + (at % 3), lens[k] - at);
				sha256_update(&ctx, m, buf + at);
				g_checksum_update(g, buf + at, (gssize)m);
				at += m - piece; /* uneven pieces */
			}
			sha256_digest(&ctx, sizeof(ours), ours);
			g_checksum_get_digest(g, theirs, &theirs_len);
			g_checksum_free(g);
			tried++;
			same += !memcmp(ours, theirs, sizeof(ours));
		}
	}
	CHECK("SHA-256: nettle's sums are GLib's, whole and in pieces", tried > 600 && same == tried);
	g_free(buf);
}

int main(int argc, char **argv)
{
	char *a;

	if (argc > 1 && !strcmp(argv[1], "--batch"))
		return batch();
	sha256_oracle();
	/* the sums public-inbox computes (pi-content-hash.pl) */
	CHECK_STR("a plain message", hex(PLAIN "\nbody\n"), EXPECT_PLAIN);
	CHECK_STR("encoded words, a Latin-1 part, a Cc",
		  hex("From: =?UTF-8?Q?J=C3=B6rg?= <j@example.org>\nCc: \"B\" <b@example.org>\n"
		      "Subject: =?ISO-8859-1?Q?caf=E9?= x\nMessage-ID: <2@example.org>\n"
		      "Content-Type: text/plain; charset=iso-8859-1\n"
		      "Content-Transfer-Encoding: quoted-printable\n\ncaf=E9 =\nbar  \n\n"),
		  EXPECT_LATIN1);
	CHECK_STR("a multipart message with an attachment",
		  hex("From: a@example.org\nSubject: m\nMessage-ID: <3@example.org>\n"
		      "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"XX\"\n\n"
		      "--XX\nContent-Type: text/plain; charset=utf-8\n\nhello\r\n\n"
		      "--XX\nContent-Type: application/octet-stream; name=\"a.bin\"\n"
		      "Content-Transfer-Encoding: base64\nContent-Description: data\n\nAAEC\n"
		      "--XX--\n"),
		  EXPECT_MULTIPART);
	CHECK_STR("text/plain without a charset and an empty body (crashed once)",
		  hex("From: a@b\nSubject: x\nContent-Type: text/plain\n\n"), EXPECT_EMPTY);
	CHECK_STR("a quoted-printable HTML part: its bytes with CRLF, padding blanks gone",
		  hex("From: a@example.org\nSubject: h\nMessage-ID: <4@example.org>\nMIME-Version: 1.0\n"
		      "Content-Type: multipart/alternative; boundary=\"B\"\n\n--B\n"
		      "Content-Type: text/plain; charset=utf-8\n\nplain\n--B\n"
		      "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
		      "<p>caf=C3=A9  \n=3D line</p>\n--B--\n"), EXPECT_QPHTML);
	/* what a list adds does not count; what the sender wrote does */
	a = g_strdup(hex(PLAIN "\nbody\n"));
	CHECK_STR("List-Id and Received: do not change it",
		  hex("Received: from x by y\n" PLAIN "List-Id: <kvm.vger.kernel.org>\n\nbody\n"), a);
	CHECK_STR("its own Message-ID does not change it",
		  hex("From: A U Thor <a@Example.ORG>\nTo: list@example.org\nSubject: [PATCH] x\n"
		      "Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <other@example.org>\n"
		      "In-Reply-To: <0@example.org>\nReferences: <0@example.org>\n\nbody\n"), a);
	CHECK_STR("trailing blank lines do not change it", hex(PLAIN "\nbody\n\n\n"), a);
	CHECK_STR("CRLF line ends and blanks at the end do not change it",
		  hex(PLAIN "\nbody\r\n \t\r\n"), a);
	/* references that are not hashed: the message's own Message-ID, "y",
	 * "n", an address of To, From or Cc (a whole word of it), a repeat */
#define REFS(r) "From: A U Thor <a@Example.ORG>\nTo: list@example.org, B <b@example.org>\n" \
	"Subject: [PATCH] x\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <1@example.org>\n" \
	"In-Reply-To: <0@example.org>\nReferences: <0@example.org>" r "\n\nbody\n"
	{
		char *to = g_strdup(hex(REFS("")));
		CHECK_STR("a reference to its own Message-ID is not hashed",
			  hex(REFS(" <1@example.org>")), to);
		CHECK_STR("references \"y\" and \"n\" are not hashed", hex(REFS(" <y> <n>")), to);
		CHECK_STR("a reference that is an address of To or From is not hashed",
			  hex(REFS(" <list@example.org> <b@example.org> <a@Example.ORG>")), to);
		CHECK_STR("a reference given twice is hashed once",
			  hex(REFS(" <0@example.org>")), to);
		CHECK("a reference that only holds an address is hashed",
		      strcmp(hex(REFS(" <xlist@example.org>")), to) != 0);
		CHECK("a reference that only starts an address is hashed",
		      strcmp(hex(REFS(" <list@example.or>")), to) != 0);
		CHECK("another reference is hashed", strcmp(hex(REFS(" <2@example.org>")), to) != 0);
		g_free(to);
	}
#undef REFS
	CHECK("another body changes it", strcmp(hex(PLAIN "\nbody!\n"), a) != 0);
	CHECK("another subject changes it",
	      strcmp(hex("Subject: y\n" PLAIN "\nbody\n"), a) != 0);
	g_free(a);
	return harness_failed ? 1 : 0;
}
