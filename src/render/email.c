/*
 * render/email.c - the classic text as a mail to send (RFC 5322), made
 * with GMime: From, To, Cc, Subject, Date, Message-ID, MIME-Version, and
 * one text/plain part in UTF-8.
 *
 * The part is quoted-printable: the digest's commit messages have lines
 * longer than SMTP's 998 bytes, which QP carries intact as soft breaks,
 * while the text stays readable in any mail client's source view.  A
 * line starting "From " (the digest's first line) is written "=46rom ",
 * so that no transfer agent or mbox writer turns it into ">From " (GMime
 * does not do it: append_armored()).
 */
#include <string.h>
#include <gmime/gmime.h>
#include "render/render.h"

/* The addresses of `value` into `list`; 0, or -1 when there are none. */
static int add_addresses(InternetAddressList *list, const char *value)
{
	InternetAddressList *parsed = internet_address_list_parse(NULL, value);
	int n = parsed ? internet_address_list_length(parsed) : 0;

	if (n > 0)
		internet_address_list_append(list, parsed);
	if (parsed)
		g_object_unref(parsed);
	return n > 0 ? 0 : -1;
}

/* The text's second line ("KVM mailing list update from X to Y"),
 * already escaped for display by the classic renderer: the subject. */
static char *subject_of(const char *text)
{
	const char *line = strchr(text, '\n');
	const char *end;

	if (!line)
		return g_strdup("Mailing list update");
	line++;
	end = strchr(line, '\n');
	return g_strndup(line, end ? (size_t)(end - line) : strlen(line));
}

/* One line of the written message (without its newline) into `out`,
 * "From " at its start written "=46rom " (=46 is 'F': the same text once
 * decoded, and nothing for an mbox writer to quote).  Only the QP body's
 * lines can start so (a header's name ends in ':', a folded line starts
 * with a blank).  An armored line longer than QP's 76 characters is
 * broken with soft line breaks, never inside an "=XX", and each piece is
 * armored in turn. */
static void append_armored(GByteArray *out, const guint8 *line, size_t len)
{
	GString *l = g_string_new_len((const char *)line, (gssize)len);
	int armored = 0;

	for (;;) {
		if (l->len >= 5 && !memcmp(l->str, "From ", 5)) {
			g_string_erase(l, 0, 1);
			g_string_prepend(l, "=46");
			armored = 1;
		}
		if (!armored || l->len <= 76)
			break;
		{
			size_t cut = 75; /* and the soft break's '=' */
			if (l->str[cut - 1] == '=')
				cut -= 1;
			else if (l->str[cut - 2] == '=')
				cut -= 2;
			g_byte_array_append(out, (const guint8 *)l->str, (guint)cut);
			g_byte_array_append(out, (const guint8 *)"=\n", 2);
			g_string_erase(l, 0, (gssize)cut);
		}
	}
	g_byte_array_append(out, (const guint8 *)l->str, (guint)l->len);
	g_string_free(l, TRUE);
}

static GByteArray *armor_from_lines(const guint8 *data, size_t len)
{
	GByteArray *out = g_byte_array_sized_new((guint)len + 64);
	size_t at = 0;

	while (at < len) {
		const guint8 *nl = memchr(data + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - data) : len;
		append_armored(out, data + at, end - at);
		if (nl)
			g_byte_array_append(out, (const guint8 *)"\n", 1);
		at = end + 1;
	}
	return out;
}

int pd__render_email(const pd_report *r, const pd_render_options *o, pd_write_cb write,
		     void *payload)
{
	GString *text = g_string_new(NULL);
	GMimeMessage *msg = NULL;
	GMimeTextPart *part = NULL;
	GMimeStream *head = NULL;
	GMimeFormatOptions *format = NULL;
	GByteArray *armored = NULL;
	GDateTime *date = NULL;
	char *subject = NULL, *id = NULL;
	const char *domain;
	int error;

	if (!o->mail_from || !*o->mail_from) {
		error = pd__error(PD_ERR_INVALID, "an email digest needs a From: address "
				  "(--mail-from, or mailFrom in the configuration)");
		goto cleanup;
	}
	if ((error = pd__render_classic(r, o, pd__append_to_gstring, text)) < 0)
		goto cleanup;
	msg = g_mime_message_new(TRUE);
	if (add_addresses(g_mime_message_get_from(msg), o->mail_from) < 0) {
		error = pd__error(PD_ERR_INVALID, "'%s' is not a From: address", o->mail_from);
		goto cleanup;
	}
	if (o->mail_to && *o->mail_to) {
		if (add_addresses(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO),
				  o->mail_to) < 0) {
			error = pd__error(PD_ERR_INVALID, "'%s' is not a To: address list",
					  o->mail_to);
			goto cleanup;
		}
	} else {
		/* RFC 5322 3.6.3: an empty group says no one is named */
		g_mime_object_set_header(GMIME_OBJECT(msg), "To", "undisclosed-recipients:;",
					 NULL);
	}
	if (o->mail_cc && *o->mail_cc
	    && add_addresses(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC),
			     o->mail_cc) < 0) {
		error = pd__error(PD_ERR_INVALID, "'%s' is not a Cc: address list", o->mail_cc);
		goto cleanup;
	}
	subject = subject_of(text->str);
	g_mime_message_set_subject(msg, subject, "utf-8");
	date = o->mail_date ? g_date_time_new_from_unix_utc(o->mail_date)
			    : g_date_time_new_now_utc();
	g_mime_message_set_date(msg, date);
	if (o->mail_message_id) {
		g_mime_message_set_message_id(msg, o->mail_message_id);
	} else {
		/* the sender's domain names where the ID was made */
		InternetAddress *from = internet_address_list_get_address(
			g_mime_message_get_from(msg), 0);
		const char *addr = INTERNET_ADDRESS_IS_MAILBOX(from)
			? internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(from)) : NULL;
		domain = addr ? strrchr(addr, '@') : NULL;
		id = g_mime_utils_generate_message_id(domain && domain[1] ? domain + 1 : "patchdigest");
		g_mime_message_set_message_id(msg, id);
	}
	g_mime_object_set_header(GMIME_OBJECT(msg), "User-Agent", "patchdigest " PD_VERSION, NULL);
	/* the UTF-8 bytes as they are (g_mime_text_part_set_text() would
	 * convert them to the smallest charset that holds them) */
	part = g_mime_text_part_new_with_subtype("plain");
	{
		GMimeStream *bytes = g_mime_stream_mem_new_with_buffer(text->str, text->len);
		GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(
			bytes, GMIME_CONTENT_ENCODING_DEFAULT);
		g_mime_part_set_content(GMIME_PART(part), content);
		g_object_unref(content);
		g_object_unref(bytes);
	}
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	format = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_UNIX);
	/* the message as GMime writes it, then "From " armored: a header
	 * line never starts so (a header's name ends in ':', a folded line
	 * starts with a blank), so only the QP body's lines can */
	head = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), format, head) < 0) {
		error = pd__error(PD_ERR_NOMEM, "cannot write the digest's mail");
		goto cleanup;
	}
	{
		GByteArray *all = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(head));
		armored = armor_from_lines(all->data, all->len);
	}
	if (write((const char *)armored->data, armored->len, payload) != 0)
		error = pd__error(PD_ERR_IO, "writing the digest stopped");
cleanup:
	if (armored)
		g_byte_array_free(armored, TRUE);
	if (head)
		g_object_unref(head);
	if (format)
		g_mime_format_options_free(format);
	if (part)
		g_object_unref(part);
	if (msg)
		g_object_unref(msg);
	if (date)
		g_date_time_unref(date);
	g_free(subject);
	g_free(id);
	g_string_free(text, TRUE);
	return error;
}
