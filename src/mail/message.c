/*
 * mail/message.c - one mail to a pd_message: sender and `git am` author,
 * subject tags, kind, and the commit message the digest shows.  Also
 * pd__mailinfo_run(), the same path printed the way `git mailinfo` does,
 * so tests can hold the library to git byte for byte.
 */
#include <string.h>
#include <gmime/gmime.h>
#include "mail/mail.h"
#include "mail/message-fields.h"

/* A header's raw value, unfolded and decoded; NULL when absent. */
static char *header_text(const pd__mail *mail, const char *name, const char *charset)
{
	const char *raw = pd__mail_header(mail, name);
	char *unfolded, *decoded;

	if (!raw)
		return NULL;
	unfolded = pd__header_unfold(raw);
	decoded = pd__header_decode(unfolded, charset);
	g_free(unfolded);
	return decoded;
}

/* A value git took from an in-body line, decoded as git does.  git keeps
 * the line's newline in the value, which its blank folding prints as a
 * trailing space ("Date: bogus " in git's tests). */
static char *inbody_text(const GString *value, const char *charset)
{
	char *unfolded = pd__header_unfold(value->str);
	char *decoded = pd__header_decode(unfolded, charset);
	int had_newline = value->len && value->str[value->len - 1] == '\n';
	char *result = had_newline ? g_strconcat(decoded, "\n", NULL) : g_strdup(decoded);

	g_free(unfolded);
	g_free(decoded);
	return result;
}

static void split_person(pd_person *p, const char *from)
{
	GString *s = g_string_new(from);

	pd__cleanup_space(s);
	pd__git_split_from(s->str, &p->name, &p->address);
	g_string_free(s, TRUE);
	/* git records the address as the name of a From: without one; a
	 * pd_person says "no name" with "" (shown as the local part) */
	if (!strcmp(p->name, p->address)) {
		g_free(p->name);
		p->name = g_strdup("");
	}
}

/* A look at a reply's own lines (unquoted, above the signature) before
 * any parsing or conversion (the bytes as sent: every charset a list
 * sees is ASCII in what is looked for): does one hold a "-by:" trailer,
 * or a verb an "applied" statement uses?  Most replies hold neither, and
 * the parsers, which split and copy lines, need not run on them. */
static void glance(const char *text, size_t size, int *trailers, int *applied)
{
	const char *p = text, *end = text + size;

	while (p < end && !(*trailers && *applied)) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *l = p;
		while (l < p + len && (*l == ' ' || *l == '\t'))
			l++;
		if (len == 3 && !memcmp(p, "-- ", 3))
			break; /* the signature */
		if (l < p + len && *l != '>') {
			const char *c = memchr(l, ':', p + len - l);
			if (c && c - l >= 3 && !g_ascii_strncasecmp(c - 3, "-by", 3))
				*trailers = 1;
			if (!*applied)
				*applied = pd__has_applied_verb(l, p + len);
		}
		p += len + (nl ? 1 : 0);
	}
}

/* A reply's own text, every text part converted to UTF-8 and joined;
 * NULL when a glance finds nothing worth parsing, or when it carries a
 * diff (a patch sent as a reply gives no follow-up trailers, as b4
 * reads it). */
static char *reply_text(pd__mail *mail, int *may_trail, int *may_apply)
{
	size_t n, i;
	int multipart;
	const pd__text_part *parts = pd__mail_parts(mail, &n, &multipart);
	GString *text;

	*may_trail = *may_apply = 0;
	for (i = 0; i < n; i++)
		glance(parts[i].data, parts[i].len, may_trail, may_apply);
	if (!*may_trail && !*may_apply)
		return NULL;
	text = g_string_new(NULL);

	for (i = 0; i < n; i++) {
		size_t len;
		char *u = pd__to_utf8(parts[i].data, parts[i].len, parts[i].charset, &len);
		g_string_append_len(text, u, len);
		if (len && u[len - 1] != '\n')
			g_string_append_c(text, '\n');
		g_free(u);
	}
	if (strstr(text->str, "\ndiff --git ") || g_str_has_prefix(text->str, "diff --git ")) {
		g_string_free(text, TRUE);
		return NULL;
	}
	return g_string_free(text, FALSE);
}

/* "Reviewed-by", "Acked-by", "Tested-by": a review's trailers are the
 * person trailers whose tag ends in "-by". */
static int is_by_tag(const pd__trailer *t)
{
	size_t n = strlen(t->tag);
	return t->is_person && n > 3 && !g_ascii_strcasecmp(t->tag + n - 3, "-by");
}

/* What a reply says about what it answers: its follow-up trailers (each
 * marked as its sender's or not) and an "applied".  NULL when it says
 * neither. */
static pd_reply_facts *reply_facts(pd__mail *mail, const pd_person *sender)
{
	int may_trail, may_apply;
	char *text = reply_text(mail, &may_trail, &may_apply);
	GPtrArray *trailers;
	pd_reply_facts *f;
	pd__applied applied;
	int said_applied = 0;

	if (!text)
		return NULL;
	trailers = may_trail ? pd__find_trailers(text, 1)
			     : g_ptr_array_new_with_free_func((GDestroyNotify)pd__trailer_free);
	if (may_apply)
		said_applied = pd__find_applied(&applied, text);
	g_free(text);
	/* only person trailers that end in "-by" are the review's */
	for (guint i = trailers->len; i-- > 0;)
		if (!is_by_tag(g_ptr_array_index(trailers, i)))
			g_ptr_array_remove_index(trailers, i);
	if (!said_applied && !trailers->len) {
		g_ptr_array_unref(trailers);
		return NULL;
	}
	f = g_new0(pd_reply_facts, 1);
	f->trailers = g_new0(pd_trailer, trailers->len + 1);
	for (guint i = 0; i < trailers->len; i++) {
		pd__trailer *t = g_ptr_array_index(trailers, i);
		pd_trailer *o = &f->trailers[f->n_trailers++];
		o->tag = g_strdup(t->tag);
		o->person.name = g_strdup(t->name);
		o->person.address = g_strdup(t->address);
		o->matches_sender = pd__trailer_matches_sender(t, sender);
	}
	g_ptr_array_unref(trailers);
	if (said_applied) {
		f->applied = 1;
		f->applied_tree = applied.tree;
		applied.tree = NULL;
		if (applied.commits && applied.commits->len) {
			g_ptr_array_add(applied.commits, NULL);
			f->applied_commits = (char **)g_ptr_array_free(applied.commits, FALSE);
			applied.commits = NULL;
		}
		if (applied.numbers && applied.numbers->len) {
			f->n_applied_numbers = applied.numbers->len;
			f->applied_numbers = (int *)g_array_free(applied.numbers, FALSE);
			applied.numbers = NULL;
		}
		pd__applied_clear(&applied);
	}
	return f;
}

void pd_reply_facts_free(pd_reply_facts *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_trailers; i++) {
		g_free(f->trailers[i].tag);
		g_free(f->trailers[i].person.name);
		g_free(f->trailers[i].person.address);
	}
	g_free(f->trailers);
	g_free(f->applied_tree);
	g_strfreev(f->applied_commits);
	g_free(f->applied_numbers);
	g_free(f);
}

/* The first address of To:, for guessing the list when no List-Id says. */
static char *first_to_address(const pd__mail *mail)
{
	char *to = header_text(mail, "To", NULL);
	char *name = NULL, *email = NULL;
	char *comma;

	if (!to)
		return NULL;
	comma = strchr(to, ',');
	if (comma)
		*comma = '\0';
	pd__git_split_from(to, &name, &email);
	g_free(to);
	g_free(name);
	if (!*email) {
		g_free(email);
		return NULL;
	}
	return email;
}

/* The one poster a Reply-To: value names: its single mailbox, leaving
 * out the list's own address (a list may set Reply-To: to itself and the
 * poster), as "Name <address>"; NULL when it names none or several. */
static char *single_reply_to(const char *value, const char *list_address)
{
	InternetAddressList *list;
	InternetAddress *one = NULL;
	char *text = NULL;
	int i, n;

	pd__gmime_init();
	list = internet_address_list_parse(NULL, value);
	n = list ? internet_address_list_length(list) : 0;
	for (i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(a)) {
			one = NULL;
			break;
		}
		if (list_address && !g_ascii_strcasecmp(list_address,
				internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a))))
			continue;
		if (one) {
			one = NULL;
			break;
		}
		one = a;
	}
	if (one) {
		const char *name = internet_address_get_name(one);
		const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(one));
		text = name && *name ? g_strdup_printf("%s <%s>", name, addr) : g_strdup(addr);
	}
	if (list)
		g_object_unref(list);
	return text;
}

/* Undoes a list's rewrite of From: to itself, as Mailman does for DMARC:
 * "Name via Listname <list@address>", the list's own address (List-Id
 * "<list.address>") or an X-Original-From: saying who wrote.  The poster
 * is X-Original-From:, else a single Reply-To:, else the name without
 * " via Listname" (the address is the list's: nothing better is known).
 * digest.md, "author": the list never gets the credit. */
static void undo_list_rewrite(pd_person *p, const pd__mail *mail, const char *charset,
			      const char *list)
{
	const char *via = p->name ? g_strrstr(p->name, " via ") : NULL;
	char *original, *list_address = NULL;
	int is_list, by_address;

	if (!via || via == p->name || !via[5])
		return;
	original = header_text(mail, "X-Original-From", charset);
	if (list && strchr(list, '.')) {
		list_address = g_strdup(list);
		*strchr(list_address, '.') = '@';
	}
	by_address = list_address && !g_ascii_strcasecmp(list_address, p->address);
	is_list = original || by_address;
	if (!is_list) {
		g_free(list_address);
		return;
	}
	g_free(list_address);
	for (int step = 0; step < 2; step++) {
		pd_person o = { 0 };
		if (step == 1) { /* an X-Original-From without an address */
			char *reply_to = header_text(mail, "Reply-To", charset);
			g_free(original);
			original = reply_to ? single_reply_to(reply_to, p->address) : NULL;
			g_free(reply_to);
		}
		if (!original)
			continue;
		split_person(&o, original);
		if (*o.address) {
			g_free(p->name);
			g_free(p->address);
			*p = o;
			g_free(original);
			return;
		}
		g_free(o.name);
		g_free(o.address);
	}
	g_free(original);
	p->name[via - p->name] = '\0';
}

static char *list_id(const pd__mail *mail)
{
	char *v = header_text(mail, "List-Id", NULL);
	char *lt, *gt, *id;

	if (!v)
		return NULL;
	lt = strrchr(v, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	id = (lt && gt) ? g_strndup(lt + 1, gt - lt - 1) : g_strstrip(g_strdup(v));
	g_free(v);
	return id;
}

int pd_message_parse(pd_message **out, const char *data, size_t len,
		     const char *origin, const pd_parse_options *opts)
{
	pd_parse_options defaults = PD_PARSE_OPTIONS_INIT;
	pd__mail *mail = NULL;
	pd_message *m;
	const char *charset;
	char *from, *date;
	int error;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((error = pd__check_version(opts->version, PD_PARSE_OPTIONS_VERSION,
				       "pd_parse_options")) < 0)
		return error;
	if ((error = pd__mail_parse(&mail, data, len, opts->full_mime)) < 0)
		return error;

	m = g_new0(pd_message, 1);
	m->origin = g_strdup(origin ? origin : "");
	charset = pd__mail_charset(mail);
	m->message_id = pd__mail_message_id(mail);
	m->references = pd__mail_references(mail, m->message_id);
	m->subject = header_text(mail, "Subject", charset);
	if (!m->subject)
		m->subject = g_strdup("");
	pd_subject_parse(&m->tags, m->subject);
	m->list_id = list_id(mail);

	from = header_text(mail, "From", charset);
	split_person(&m->sender, from ? from : "");
	g_free(from);
	undo_list_rewrite(&m->sender, mail, charset, m->list_id);

	date = header_text(mail, "Date", charset);
	m->date_raw = date;
	if (!date || !pd__parse_date(date, &m->date, &m->date_tz))
		m->date = 0;
	m->archive_time = m->date;
	if (pd__mail_damage(mail)) {
		m->damaged = 1;
		m->damage = g_strdup(pd__mail_damage(mail));
	}
	m->note = g_strdup(pd__mail_note(mail));

	m->kind = PD_KIND_REPLY;
	if (m->tags.is_patch_tagged && !m->tags.is_reply && !m->tags.is_pull) {
		/* only a PATCH-tagged first post needs its body read */
		pd__body body;
		pd__body_options bo = { 0 };
		size_t n;
		int multipart;
		const pd__text_part *parts = pd__mail_parts(mail, &n, &multipart);
		int is_cover = m->tags.has_counter && m->tags.number == 0;

		bo.keep_text = opts->keep_all_bodies || is_cover || m->tags.number <= 1;
		bo.keep_git = opts->git_compat_body;
		pd__body_split(&body, parts, n, multipart, &bo);
		if (is_cover)
			m->kind = PD_KIND_COVER;
		else if (body.has_diff)
			m->kind = PD_KIND_PATCH;
		m->has_diff = body.has_diff;

		if (body.inbody_from) {
			char *f = inbody_text(body.inbody_from, body.inbody_charset);
			pd_person p = { 0 };
			split_person(&p, f);
			g_free(f);
			if (*p.address) {
				m->author = p;
			} else {
				g_free(p.name);
				g_free(p.address);
			}
		}
		if (m->kind != PD_KIND_REPLY && bo.keep_text) {
			if (m->kind == PD_KIND_COVER)
				pd__strip_signature(body.text);
			m->commit_message = g_string_free(body.text, FALSE);
			body.text = NULL;
		}
		pd__body_clear(&body);
	}
	/* a reply to a patch (its subject keeps a bracketed tag, as
	 * "Re: [PATCH v2 3/5]" and tip-bot2's "[tip: x86/urgent]" do): what
	 * it says about what it answers; other replies' bodies are never
	 * decoded */
	if (m->kind == PD_KIND_REPLY && strchr(m->subject, '['))
		m->facts = reply_facts(mail, &m->sender);
	/* the list is guessed from where patches went; a reply's long To:
	 * and Cc: lists are not worth decoding */
	if (m->kind != PD_KIND_REPLY)
		m->to_address = first_to_address(mail);
	if (!m->author.address) {
		m->author.name = g_strdup(m->sender.name);
		m->author.address = g_strdup(m->sender.address);
	}
	if (opts->content_hash) {
		unsigned char sum[32];
		pd__content_hash(sum, data, len);
		for (int i = 0; i < 8; i++)
			m->content_hash = m->content_hash << 8 | sum[i];
	}
	if (opts->keep_raw && m->kind != PD_KIND_REPLY) {
		/* the message itself: an mbox's "From " line and the blank line
		 * before the next one only separated it */
		const char *start = data, *nl;
		size_t end = len;
		if (len >= 5 && !memcmp(data, "From ", 5) && (nl = memchr(data, '\n', len))) {
			start = nl + 1;
			if (end - (size_t)(start - data) >= 2 && data[end - 1] == '\n'
			    && data[end - 2] == '\n')
				end--;
			else if (end - (size_t)(start - data) >= 4 && !memcmp(data + end - 4, "\r\n\r\n", 4))
				end -= 2;
		}
		m->raw_len = end - (size_t)(start - data);
		m->raw = g_malloc(m->raw_len + 1);
		memcpy(m->raw, start, m->raw_len);
		m->raw[m->raw_len] = '\0';
	}
	pd__mail_free(mail);
	*out = m;
	return PD_OK;
}

void pd_message_free(pd_message *m)
{
	if (!m)
		return;
#define FREE_STRING(field, reply) g_free(m->field);
	PD__MESSAGE_STRINGS(FREE_STRING)
#undef FREE_STRING
	g_strfreev(m->references);
	pd_reply_facts_free(m->facts);
	g_free(m);
}

/* git prints a header after turning its blank runs into single spaces. */
static char *spaced(const char *value)
{
	GString *s = g_string_new(value);

	pd__cleanup_space(s);
	return g_string_free(s, FALSE);
}

int pd__mailinfo_run(pd__mailinfo **out, const char *data, size_t len,
		     int no_inbody_headers)
{
	pd__mail *mail = NULL;
	pd__mailinfo *mi;
	pd__body body;
	pd__body_options bo = { 0 };
	const pd__text_part *parts;
	size_t n;
	int multipart, error, use_inbody;
	const char *charset;
	char *from = NULL, *subject = NULL, *date = NULL;

	*out = NULL;
	if ((error = pd__mail_parse(&mail, data, len, 0)) < 0)
		return error;
	parts = pd__mail_parts(mail, &n, &multipart);
	charset = pd__mail_charset(mail);
	bo.keep_git = 1;
	bo.no_inbody_headers = no_inbody_headers;
	pd__body_split(&body, parts, n, multipart, &bo);

	/* git uses in-body headers only when there is a patch */
	use_inbody = body.patch->len > 0;
	if (use_inbody && body.inbody_from)
		from = inbody_text(body.inbody_from, body.inbody_charset);
	else
		from = header_text(mail, "From", charset);
	if (use_inbody && body.inbody_subject)
		subject = inbody_text(body.inbody_subject, body.inbody_charset);
	else
		subject = header_text(mail, "Subject", charset);
	if (use_inbody && body.inbody_date)
		date = inbody_text(body.inbody_date, body.inbody_charset);
	else
		date = header_text(mail, "Date", charset);

	mi = g_new0(pd__mailinfo, 1);
	if (from) {
		char *s = spaced(from);
		pd__git_split_from(s, &mi->author, &mi->email);
		g_free(s);
	}
	if (subject) {
		pd_subject_info tags;
		pd_subject_parse(&tags, subject);
		mi->subject = tags.title;
	}
	if (date)
		mi->date = spaced(date);
	mi->msg_len = body.msg->len;
	mi->msg = g_string_free(body.msg, FALSE);
	mi->patch_len = body.patch->len;
	mi->patch = g_string_free(body.patch, FALSE);
	body.msg = body.patch = NULL;

	g_free(from);
	g_free(subject);
	g_free(date);
	pd__body_clear(&body);
	pd__mail_free(mail);
	*out = mi;
	return PD_OK;
}

void pd__mailinfo_free(pd__mailinfo *mi)
{
	if (!mi)
		return;
	g_free(mi->author);
	g_free(mi->email);
	g_free(mi->subject);
	g_free(mi->date);
	g_free(mi->msg);
	g_free(mi->patch);
	g_free(mi);
}
