/*
 * test-mime-body.c - a multipart (or message/) mail whose header block
 * the scanner reads, with GMime reading only the body as a MIME part from
 * a shortened copy (mime.c), against GMime reading the whole message.
 * Everything the digest takes from a mail must be the same, the damage
 * text too: its offsets are mapped back from the copy to the message.
 * The cases are every such mail of the sample and the corpora, and mails
 * made here from bodies GMime judges in each of its ways (no boundary,
 * no parts, cut short, a part without headers, conflicting parameters,
 * nesting too deep...) under header blocks that move, fold and repeat the
 * lines the copy keeps.
 */
#include <glib.h>
#include "harness.h"
#include "corpora.h"
#include "mail/mail.h"
#include "mail/header-scan.h"

/* The headers the digest reads by name (GMime keeps Content-Type and
 * Content-Transfer-Encoding with the body part, out of the message's
 * list; the digest takes those from the parts). */
static const char *const read_headers[] = {
	"From", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
	"List-Id", "To", "X-Original-From", "Reply-To", NULL
};

typedef struct {
	size_t cases, via_body, differ, damaged;
} tally;

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The first thing the two readings of `data` disagree on, or NULL. */
static const char *difference(const char *data, size_t len, tally *t)
{
	pd__mail *fast = NULL, *full = NULL;
	pd__scanned_headers sh;
	const char *what = NULL;
	int ef, eg, mf = 0, mg = 0;
	size_t nf = 0, ng = 0;

	if (pd__scan_headers(&sh, data, len) != PD__SCAN_MIME_BODY)
		return NULL;
	t->via_body++;
	ef = pd__mail_parse(&fast, data, len, 0);
	eg = pd__mail_parse(&full, data, len, 1);
	if (ef != eg) {
		what = "status";
		goto cleanup;
	}
	if (ef < 0)
		goto cleanup;
	if (pd__mail_damage(full))
		t->damaged++;
	if (!same(pd__mail_damage(fast), pd__mail_damage(full))) {
		if (getenv("PD_TEST_VERBOSE"))
			printf("# damage: \"%s\" against GMime's \"%s\"\n", pd__mail_damage(fast),
			       pd__mail_damage(full));
		what = "damage";
		goto cleanup;
	}
	if (!same(pd__mail_note(fast), pd__mail_note(full))) {
		what = "note";
		goto cleanup;
	}
	if (!same(pd__mail_charset(fast), pd__mail_charset(full))) {
		what = "charset";
		goto cleanup;
	}
	for (int i = 0; read_headers[i] && !what; i++)
		if (!same(pd__mail_header(fast, read_headers[i]), pd__mail_header(full, read_headers[i])))
			what = read_headers[i];
	if (what)
		goto cleanup;
	{
		const pd__text_part *pf = pd__mail_parts(fast, &nf, &mf);
		const pd__text_part *pg = pd__mail_parts(full, &ng, &mg);
		if (nf != ng || mf != mg)
			what = "parts";
		for (size_t i = 0; !what && i < nf; i++)
			if (pf[i].len != pg[i].len || memcmp(pf[i].data, pg[i].data, pf[i].len)
			    || !same(pf[i].charset, pg[i].charset))
				what = "a part";
	}
cleanup:
	pd__mail_free(fast);
	pd__mail_free(full);
	return what;
}

static void check_one(const char *label, const char *data, size_t len, tally *t)
{
	const char *what = difference(data, len, t);

	t->cases++;
	if (what) {
		t->differ++;
		if (t->differ <= 5)
			printf("# %s: %s differs\n", label, what);
	}
}

/* ---- made cases ---- */

/* Header blocks: "%s" is where the Content-Type line (or lines) go. */
static const char *const blocks[] = {
	/* minimal */
	"From: A <a@example.org>\nSubject: [PATCH] x\nDate: Mon, 2 Jan 2023 10:00:00 +0000\n"
	"Message-ID: <m1@example.org>\nMIME-Version: 1.0\n%s",
	/* many lines the copy drops, around and between the kept ones */
	"Received: from a by b; Mon, 2 Jan 2023 10:00:00 +0000\nReceived: from c\n\tby d\n"
	"From: A <a@example.org>\nTo: x@example.org, y@example.org,\n z@example.org\n"
	"Cc: =?UTF-8?B?w6k=?= <e@example.org>\nSubject: [PATCH 1/2] x\n%s"
	"X-Mailer: git-send-email\nDate: Mon, 2 Jan 2023 10:00:00 +0000\n"
	"Message-ID: <m2@example.org>\nContent-Disposition: inline\nMIME-Version: 1.0\n"
	"List-Id: <kvm.vger.kernel.org>\n",
	/* kept lines repeated: MIME-Version twice saying different things,
	 * Content-Disposition twice, List-Id and To twice */
	"From: A <a@example.org>\nMIME-Version: 1.0\nSubject: x\nMIME-Version: 2.0\n"
	"Content-Disposition: inline\nList-Id: <a.b>\nTo: a@b\nTo: c@d\nList-Id: <c.d>\n%s"
	"Content-Disposition: attachment; filename=x.patch\nMessage-ID: <m3@example.org>\n",
	/* no MIME-Version, the Content-Type first */
	"%sFrom: A <a@example.org>\nSubject: Re: x\nIn-Reply-To: <m1@example.org>\n"
	"References: <m0@example.org> <m1@example.org>\n",
	/* a Content-Transfer-Encoding at the top */
	"From: A <a@example.org>\nContent-Transfer-Encoding: 8bit\nSubject: x\n%s"
	"Content-ID: <c@d>\n",
};

/* Content-Type lines for the top: "%s" is the boundary. */
static const char *const tops[] = {
	"Content-Type: multipart/mixed; boundary=\"%s\"\n",
	"Content-Type: multipart/mixed;\n\tboundary=\"%s\"\n",
	"Content-Type: multipart/mixed;\n boundary=\"%s\";\n charset=us-ascii\n",
	"Content-Type: multipart/alternative; boundary=%s\n",
	"Content-Type: multipart/mixed; boundary=\"%s\"; boundary=\"other\"\n",
	"Content-Type: multipart/mixed\n",
	"Content-Type: multipart/signed; boundary=\"%s\"; protocol=\"application/pgp-signature\"\n",
	"Content-Type: message/rfc822\n",
	"Content-Type: multipart/mixed; boundary=\"%s\"; charset=\"a\"; charset=\"b\"\n",
};

/* Bodies: "%s" is the boundary. */
static const char *const bodies[] = {
	/* text and a patch attachment */
	"preamble\n--%1$s\nContent-Type: text/plain; charset=UTF-8\n\nHello\n\n"
	"--%1$s\nContent-Type: text/x-patch; name=a.patch\nContent-Disposition: attachment; "
	"filename=a.patch\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n\n--%1$s--\n",
	/* no parts at all */
	"just text, no boundary line\n",
	/* cut short: no closing boundary */
	"--%1$s\nContent-Type: text/plain\n\nHello, cut",
	/* a part without headers, and one without content */
	"--%1$s\n\nno headers\n--%1$s\nContent-Type: text/plain\n--%1$s--\n",
	/* a part given two Content-Types, and a parameter twice */
	"--%1$s\nContent-Type: text/plain\nContent-Type: text/html\n\nx\n"
	"--%1$s\nContent-Type: text/plain; charset=a; charset=b\n\ny\n--%1$s--\n",
	/* base64 and quoted-printable parts, a bad content type */
	"--%1$s\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: "
	"quoted-printable\n\ncaf=E9 =\nsoft\n--%1$s\nContent-Type: application/octet-stream\n"
	"Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"b.diff\"\n\n"
	"ZGlmZiAtLWdpdA==\n--%1$s\nContent-Type: garbage\n\nz\n--%1$s--\n",
	/* nested alternatives and a forwarded mail */
	"--%1$s\nContent-Type: multipart/alternative; boundary=\"in\"\n\n--in\n"
	"Content-Type: text/html\n\n<p>x</p>\n--in\nContent-Type: text/plain\n\nx\n--in--\n"
	"--%1$s\nContent-Type: message/rfc822\n\nFrom: B <b@c>\nTo: d@e, f@g\nSubject: fwd\n\nbody\n"
	"--%1$s--\n",
	/* a nested multipart without a boundary, and an invalid header */
	"--%1$s\nContent-Type: multipart/mixed\n\nx\n--%1$s\nBad Header Line\n\ny\n--%1$s--\n",
	/* a forwarded message as the whole body */
	"From: C <c@d>\nSubject: inner\nMessage-ID: <inner@d>\n\ninner body\n",
};

/* A body nested deeper than MAX_MIME_DEPTH and GMime's own limit. */
static char *deep_body(const char *boundary, int depth)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "--%s\n", boundary);
	for (int i = 0; i < depth; i++)
		g_string_append_printf(s, "Content-Type: multipart/mixed; boundary=\"d%d\"\n\n--d%d\n", i, i);
	g_string_append(s, "Content-Type: text/plain\n\ndeep\n");
	for (int i = depth - 1; i >= 0; i--)
		g_string_append_printf(s, "--d%d--\n", i);
	g_string_append_printf(s, "--%s--\n", boundary);
	return g_string_free(s, FALSE);
}

/* "\n" to "\r\n" everywhere. */
static char *crlf(const char *s)
{
	GString *out = g_string_new(NULL);

	for (; *s; s++) {
		if (*s == '\n')
			g_string_append_c(out, '\r');
		g_string_append_c(out, *s);
	}
	return g_string_free(out, FALSE);
}

static void check_made(tally *t)
{
	const char *boundary = "=-b0undary-=";
	char label[128];

	for (size_t b = 0; b < G_N_ELEMENTS(blocks); b++)
		for (size_t c = 0; c < G_N_ELEMENTS(tops); c++)
			for (size_t d = 0; d < G_N_ELEMENTS(bodies) + 2; d++) {
				char *top = g_strdup_printf(tops[c], boundary);
				char *head = g_strdup_printf(blocks[b], top);
				char *body = d < G_N_ELEMENTS(bodies)
					? g_strdup_printf(bodies[d], boundary)
					: deep_body(boundary, d == G_N_ELEMENTS(bodies) ? 15 : 40);
				char *mail = g_strconcat(head, "\n", body, NULL);
				char *dos = crlf(mail);
				snprintf(label, sizeof label, "block %zu, top %zu, body %zu", b, c, d);
				check_one(label, mail, strlen(mail), t);
				snprintf(label, sizeof label, "block %zu, top %zu, body %zu, CRLF", b, c, d);
				check_one(label, dos, strlen(dos), t);
				/* and cut at every 97th byte, as a mail cut short is */
				for (size_t cut = 97; cut < strlen(mail); cut += 97) {
					snprintf(label, sizeof label, "block %zu, top %zu, body %zu, cut at %zu",
						 b, c, d, cut);
					check_one(label, mail, cut, t);
				}
				g_free(dos);
				g_free(mail);
				g_free(body);
				g_free(head);
				g_free(top);
			}
}

/* ---- the corpora ---- */

static void each_message(const pd_raw_message *raw, void *payload)
{
	const char *data = raw->data;
	size_t len = raw->len;

	corpus_skip_from_line(&data, &len);
	check_one(raw->origin, data, len, payload);
}

static void check_corpus(const char *name, const char *path)
{
	tally t = { 0 };
	char label[300];

	if (corpus_each_message(name, path, "multipart bodies read alone", each_message, &t) <= 0)
		return;
	snprintf(label, sizeof label, "%s: all %zu multipart or message/ mails read the same "
		 "with the body alone", name, t.via_body);
	CHECK(label, t.via_body > 0 && t.differ == 0);
}

int main(void)
{
	tally t = { 0 };
	char label[200];

	check_made(&t);
	snprintf(label, sizeof label, "made mails: all %zu read with the body alone read the same "
		 "(%zu of %zu made)", t.via_body, t.via_body, t.cases);
	CHECK(label, t.differ == 0);
	/* agreement means something only if the copy was read, and GMime
	 * judged damage in many of them */
	snprintf(label, sizeof label, "made mails: %zu went the short way, %zu of them damaged",
		 t.via_body, t.damaged);
	CHECK(label, t.via_body * 2 > t.cases && t.damaged * 4 > t.via_body);
	/* the bundled sample has no multipart mail */
	corpora_shared_each(check_corpus);
	return harness_failed ? 1 : 0;
}
