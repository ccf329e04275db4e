/*
 * test-render.c - the formats through the library: names, links, the
 * email parsed back with GMime (the library that made it is its oracle
 * only in part: the text must come back byte for byte, and no line may
 * start "From "), the mbox read back as mboxrd, and the errors a caller
 * can make.
 */
#include <glib.h>
#include <gmime/gmime.h>
#include "harness.h"
#include "patchdigest.h"

static const char cover[] =
	"From: A U Thor <author@example.org>\n"
	"To: kvm@vger.kernel.org\n"
	"Subject: [PATCH 0/1] widget: <b>faster</b> & \"safer\"\n"
	"Date: Mon, 2 Jun 2025 10:00:00 +0000\n"
	"Message-ID: <cover/1%@example.org>\n"
	"\n"
	"From the start the widget was slow.\n\nThis makes it fast: caf\xc3\xa9.\n"
	/* quoted-printable breaks this after 75 characters: "From " starts
	 * the next line of the mail, which must be armored and still fit */
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	"From the middle BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
	"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n";
static const char patch[] =
	"From: A U Thor <author@example.org>\n"
	"To: kvm@vger.kernel.org\n"
	"Subject: [PATCH 1/1] widget: cache the lookups\n"
	"Date: Mon, 2 Jun 2025 10:00:01 +0000\n"
	"Message-ID: <patch1@example.org>\n"
	"In-Reply-To: <cover/1%@example.org>\n"
	"\n"
	"Cache them.\n\n>From a quoted line, and\nFrom a line mbox readers cut at.\n\n"
	"Signed-off-by: A U Thor <author@example.org>\n---\n"
	"diff --git a/w b/w\n--- a/w\n+++ b/w\n@@ -1 +1 @@\n-a\n+b\n";

static pd_report *report_of(int keep_raw)
{
	pd_digest_options opts = PD_DIGEST_OPTIONS_INIT;
	const char *raws[] = { cover, patch };
	pd_digest *d = NULL;
	pd_report *r = NULL;

	opts.lore_list = "kvm";
	opts.parse.keep_raw = keep_raw;
	pd_digest_new(&d, &opts);
	for (size_t i = 0; i < 2; i++) {
		pd_raw_message raw = { raws[i], strlen(raws[i]), "test", 0 };
		pd_digest_add_raw(d, &raw);
	}
	pd_digest_finish(&r, d, "A", "B", NULL, NULL);
	return r;
}

static void formats(void)
{
	pd_format f = PD_FORMAT_CLASSIC;

	for (int i = PD_FORMAT_CLASSIC; i <= PD_FORMAT_MBOX; i++) {
		pd_format back;
		int ok = pd_format_from_string(&back, pd_format_to_string((pd_format)i)) == PD_OK
			 && back == (pd_format)i;
		CHECK("a format's name reads back as the format", ok);
	}
	CHECK_INT("an unknown format is refused", pd_format_from_string(&f, "pdf"), PD_ERR_INVALID);
	CHECK("the error names the formats", strstr(pd_error_last(), "markdown") != NULL);
}

static void links(pd_report *r)
{
	char *url = pd_report_link(r, r->series[0].cover, NULL);

	CHECK_STR("lore's link, the Message-ID's '/' and '%' escaped", url,
		  "https://lore.kernel.org/kvm/cover%2F1%25@example.org/");
	pd_free(url);
	url = pd_report_link(r, r->series[0].cover, "https://mail.example.org/r/%s?x=1");
	CHECK_STR("a link mask puts the Message-ID at its %s", url,
		  "https://mail.example.org/r/cover%2F1%25@example.org?x=1");
	pd_free(url);
}

static void email(pd_report *r)
{
	pd_render_options o = PD_RENDER_OPTIONS_INIT;
	char *mail = NULL, *text = NULL, *got;
	size_t len = 0, text_len = 0;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeObject *body;

	CHECK_INT("an email needs a From: address",
		  pd_render(&mail, &len, r, PD_FORMAT_EMAIL, &o), PD_ERR_INVALID);
	o.links = 1;
	o.mail_from = "Digest Bot <digest@example.org>";
	o.mail_to = "kvm@vger.kernel.org, Ann <ann@example.org>";
	o.mail_date = 1749000000;
	o.mail_message_id = "digest-1@example.org";
	CHECK_INT("the email is made", pd_render(&mail, &len, r, PD_FORMAT_EMAIL, &o), PD_OK);
	CHECK_INT("the classic text with links is made",
		  pd_render(&text, &text_len, r, PD_FORMAT_CLASSIC, &o), PD_OK);
	CHECK("no line of the mail starts \"From \"",
	      strncmp(mail, "From ", 5) && !strstr(mail, "\nFrom "));
	{
		const char *start = strstr(mail, "\n\n"), *p;
		size_t longest = 0;
		for (p = start; p && *p; ) {
			const char *nl = strchr(p + 1, '\n');
			size_t n = nl ? (size_t)(nl - p - 1) : strlen(p + 1);
			if (n > longest)
				longest = n;
			p = nl;
		}
		CHECK_INT("no quoted-printable line is longer than 76 (RFC 2045)", longest > 76 ? longest : 76, 76);
	}

	stream = g_mime_stream_mem_new_with_buffer(mail, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	CHECK("GMime parses the email back", msg != NULL);
	if (msg) {
		InternetAddressList *to = g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO);
		CHECK_STR("its From:", internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(
			  internet_address_list_get_address(g_mime_message_get_from(msg), 0))),
			  "digest@example.org");
		CHECK_INT("its To: names both", internet_address_list_length(to), 2);
		CHECK_STR("its Subject: is the digest's title", g_mime_message_get_subject(msg),
			  "KVM mailing list update from A to B");
		CHECK_STR("its Message-ID", g_mime_message_get_message_id(msg), "digest-1@example.org");
		CHECK_INT("its Date:", g_date_time_to_unix(g_mime_message_get_date(msg)), 1749000000);
		body = g_mime_message_get_mime_part(msg);
		CHECK("its body is text/plain", GMIME_IS_TEXT_PART(body));
		CHECK_STR("in UTF-8", g_mime_object_get_content_type_parameter(body, "charset"),
			  "utf-8");
		got = GMIME_IS_TEXT_PART(body) ? g_mime_text_part_get_text(GMIME_TEXT_PART(body)) : NULL;
		CHECK_STR("its text is the classic text, byte for byte", got, text);
		CHECK("the text has its Link: lines", got && strstr(got, "\nLink: https://lore.kernel.org/kvm/"));
		g_free(got);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(stream);
	pd_free(mail);
	pd_free(text);
}

/* The mboxrd text's messages, each with one '>' taken from its ^>+From
 * lines, as a reader does. */
static GPtrArray *read_mboxrd(const char *mbox)
{
	GPtrArray *msgs = g_ptr_array_new_with_free_func(g_free);
	gchar **lines = g_strsplit(mbox, "\n", -1);
	GString *cur = NULL;

	for (size_t i = 0; lines[i]; i++) {
		const char *l = lines[i];
		if (!lines[i + 1] && !*l)
			break; /* the text's last newline ends no line */
		if (!strncmp(l, "From ", 5)) {
			if (cur)
				g_ptr_array_add(msgs, g_string_free(cur, FALSE));
			cur = g_string_new(NULL);
			continue;
		}
		if (!cur)
			continue;
		if (l[0] == '>' && strstr(l, "From ") == l + strspn(l, ">"))
			l++;
		g_string_append(cur, l);
		g_string_append_c(cur, '\n');
	}
	if (cur)
		g_ptr_array_add(msgs, g_string_free(cur, FALSE));
	g_strfreev(lines);
	return msgs;
}

static void mbox(void)
{
	pd_report *r = report_of(0);
	char *out = NULL;
	size_t len = 0;
	GPtrArray *msgs;
	char *want;

	CHECK_INT("an mbox needs the messages' bytes kept",
		  pd_render(&out, &len, r, PD_FORMAT_MBOX, NULL), PD_ERR_INVALID);
	pd_report_free(r);
	r = report_of(1);
	{
		char *raw = NULL;
		size_t n = 0;
		CHECK("the report reads a cover letter's bytes back from its file",
		      pd_report_raw_message(&raw, &n, r, r->series[0].cover) == PD_OK && raw
		      && n == strlen(cover) && !memcmp(raw, cover, n));
		pd_free(raw);
	}
	CHECK_INT("the mbox is made", pd_render(&out, &len, r, PD_FORMAT_MBOX, NULL), PD_OK);
	CHECK("a body line \"From \" is quoted", strstr(out, "\n>From a line mbox") != NULL);
	CHECK("a body line \">From \" gains one more '>'", strstr(out, "\n>>From a quoted") != NULL);
	msgs = read_mboxrd(out);
	CHECK_INT("the cover letter and the patch", msgs->len, 2);
	if (msgs->len == 2) {
		/* each ends with the blank line that ends a message */
		want = g_strconcat(cover, "\n", NULL);
		CHECK_STR("the cover letter comes back byte for byte", msgs->pdata[0], want);
		g_free(want);
		want = g_strconcat(patch, "\n", NULL);
		CHECK_STR("the patch comes back byte for byte", msgs->pdata[1], want);
		g_free(want);
	}
	g_ptr_array_free(msgs, TRUE);
	pd_free(out);
	pd_report_free(r);
}

static void html(pd_report *r)
{
	pd_render_options o = PD_RENDER_OPTIONS_INIT;
	char *page = NULL;
	size_t len = 0;

	CHECK_INT("the page is made", pd_render(&page, &len, r, PD_FORMAT_HTML, NULL), PD_OK);
	CHECK("a subject's markup is text",
	      strstr(page, "&lt;b&gt;faster&lt;/b&gt; &amp; &quot;safer&quot;") != NULL
	      && !strstr(page, "<b>faster"));
	CHECK("the series links to lore",
	      strstr(page, "href=\"https://lore.kernel.org/kvm/cover%2F1%25@example.org/\"") != NULL);
	CHECK("no script", !strstr(page, "<script"));
	{
		char *again = NULL;
		pd_render(&again, &len, r, PD_FORMAT_HTML, NULL);
		CHECK_STR("one report makes one page (no time unless asked)", again, page);
		pd_free(again);
	}
	pd_free(page);
	o.version = 99;
	CHECK_INT("options of another version are refused",
		  pd_render(&page, &len, r, PD_FORMAT_HTML, &o), PD_ERR_INVALID);
}

int main(void)
{
	pd_report *r = report_of(0);

	formats();
	links(r);
	email(r);
	html(r);
	pd_report_free(r);
	mbox();
	return harness_failed ? 1 : 0;
}
