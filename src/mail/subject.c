/*
 * mail/subject.c - what the leading tags of a subject say: reply prefixes,
 * PATCH, version, n/N or "n of N", RFC and RESEND; and the title left
 * when they are gone.  Only leading groups count: a title may hold
 * brackets of its own ("VHOST_[GS]ET_FORK_FROM_OWNER").
 */
#include <string.h>
#include <stdlib.h>
#include "mail/mail.h"

/* Reply prefixes mail clients write, matched case-insensitively. */
static const char *const reply_prefixes[] = { "re", "aw", "fwd", "fw", "sv", "antw", NULL };

/* If `p` starts with a reply prefix and its colon, returns the text after
 * it; otherwise NULL. */
static const char *skip_reply_prefix(const char *p)
{
	int i;

	for (i = 0; reply_prefixes[i]; i++) {
		size_t n = strlen(reply_prefixes[i]);
		if (!g_ascii_strncasecmp(p, reply_prefixes[i], n)) {
			const char *q = p + n;
			/* "Re[2]:" as some clients count replies */
			if (*q == '[') {
				const char *k = q + 1;
				while (g_ascii_isdigit(*k))
					k++;
				if (*k == ']' && k > q + 1)
					q = k + 1;
			}
			if (*q == ':')
				return q + 1;
		}
	}
	return NULL;
}

static int parse_version(pd_subject_info *info, const char *tok, size_t len)
{
	size_t i;

	if (len < 2 || (tok[0] != 'v' && tok[0] != 'V') || !g_ascii_isdigit(tok[1]))
		return 0;
	for (i = 1; i < len; i++)
		if (!g_ascii_isdigit(tok[i]) && tok[i] != '.')
			return 0;
	if (len - 1 >= sizeof(info->version))
		return 0;
	memcpy(info->version, tok + 1, len - 1);
	info->version[len - 1] = '\0';
	info->version_explicit = 1;
	return 1;
}

/* "12/24", or with junk before the number as in "PATCH1/8". */
static int parse_counter(pd_subject_info *info, const char *tok, size_t len)
{
	const char *slash = memchr(tok, '/', len);
	const char *start;
	char *end;
	long n, t;

	if (!slash || slash == tok || slash + 1 == tok + len)
		return 0;
	start = slash;
	while (start > tok && g_ascii_isdigit(start[-1]))
		start--;
	if (start == slash || !g_ascii_isdigit(slash[1]))
		return 0;
	n = strtol(start, NULL, 10);
	t = strtol(slash + 1, &end, 10);
	if (end != tok + len || t <= 0 || n < 0 || n > 100000 || t > 100000)
		return 0;
	info->number = (int)n;
	info->total = (int)t;
	info->has_counter = 1;
	return 1;
}

static int is_number(const char *tok, size_t len)
{
	size_t i;

	if (!len || len > 6)
		return 0;
	for (i = 0; i < len; i++)
		if (!g_ascii_isdigit(tok[i]))
			return 0;
	return 1;
}

/* Reads the tokens of one bracket group (split at blanks and commas). */
static void parse_group(pd_subject_info *info, const char *p, size_t len)
{
	const char *toks[64];
	size_t lens[64];
	size_t n = 0, i = 0;
	int rfc = 0, counter = 0, pull = 0;

	while (i < len && n < G_N_ELEMENTS(toks)) {
		size_t s;
		while (i < len && (g_ascii_isspace(p[i]) || p[i] == ','))
			i++;
		s = i;
		while (i < len && !g_ascii_isspace(p[i]) && p[i] != ',')
			i++;
		if (i > s) {
			toks[n] = p + s;
			lens[n++] = i - s;
		}
	}
	for (i = 0; i < n; i++) {
		const char *t = toks[i];
		size_t l = lens[i];

		/* "RFC-PATCH": the RFC joined to the tag */
		if (l >= 9 && !g_ascii_strncasecmp(t, "RFC-PATCH", 9)) {
			info->is_rfc = 1;
			t += 4;
			l -= 4;
		}
		if (l >= 5 && !g_ascii_strncasecmp(t, "PATCH", 5)) {
			info->is_patch_tagged = 1;
			/* "PATCHv2", "PATCH1/8" */
			if (l > 5 && !parse_version(info, t + 5, l - 5))
				parse_counter(info, t + 5, l - 5);
			continue;
		}
		if (l == 3 && !g_ascii_strncasecmp(t, "RFC", 3)) {
			info->is_rfc = rfc = 1;
			continue;
		}
		if (l == 4 && !g_ascii_strncasecmp(t, "PULL", 4)) {
			info->is_pull = pull = 1;
			continue;
		}
		if (l == 6 && !g_ascii_strncasecmp(t, "RESEND", 6)) {
			info->is_resend = 1;
			continue;
		}
		if (parse_version(info, t, l))
			continue;
		if (parse_counter(info, t, l)) {
			counter = 1;
			continue;
		}
		/* "1 of 2" as Mercurial's patchbomb writes it */
		if (i + 2 < n && is_number(t, l) && lens[i + 1] == 2
		    && !g_ascii_strncasecmp(toks[i + 1], "of", 2)
		    && is_number(toks[i + 2], lens[i + 2])) {
			info->number = atoi(t);
			info->total = atoi(toks[i + 2]);
			info->has_counter = counter = info->total > 0;
			i += 2;
		}
	}
	/* "[RFC 1/2]", "[RFC net-next 01/17]": a patch tag without the word
	 * PATCH; "[GIT PULL 1/2]" is a pull request's, never a posting */
	/* a counter alone must read as one ("[2024/10] report" is a date) */
	if ((rfc || (counter && info->number <= info->total)) && !pull)
		info->is_patch_tagged = 1;
}

int pd_subject_parse(pd_subject_info *info, const char *subject)
{
	const char *p = subject;
	GString *title;

	memset(info, 0, sizeof(*info));
	strcpy(info->version, "1");
	info->number = 1;
	info->total = 1;

	/* git mailinfo's cleanup: blanks, colons, reply prefixes and whole
	 * bracket groups go, in any order, until something else starts. */
	for (;;) {
		const char *after;
		if (*p == ' ' || *p == '\t' || *p == ':') {
			p++;
			continue;
		}
		if ((after = skip_reply_prefix(p))) {
			/* only a prefix before any tag makes a reply:
			 * "[PATCH] Re: x" is a patch about "Re: x" */
			if (!info->is_patch_tagged)
				info->is_reply = 1;
			p = after;
			continue;
		}
		if (*p == '[') {
			const char *close = strchr(p, ']');
			if (!close)
				break;
			parse_group(info, p + 1, close - p - 1);
			p = close + 1;
			continue;
		}
		break;
	}
	if (!info->has_counter) {
		info->number = 1;
		info->total = 1;
	}
	title = g_string_new(p);
	pd__cleanup_space(title);
	while (title->len && title->str[title->len - 1] == ' ')
		g_string_truncate(title, title->len - 1);
	info->title = g_string_free(title, FALSE);
	return PD_OK;
}

void pd_subject_info_clear(pd_subject_info *info)
{
	if (!info)
		return;
	g_free(info->title);
	info->title = NULL;
}
