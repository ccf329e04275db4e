/*
 * mail/trailers.c - trailers ("Reviewed-by: Name <address>") in a commit
 * message or in a reply's own text, by b4's rules, so that what the digest
 * collects is what `b4 am` would (the b4 conformance cases and b4 itself
 * are the oracles in tests/unit/test-trailers.c):
 *
 *  - only the text above the signature ("-- " line) counts;
 *  - two wrappings are joined first: "Fixes: 0123abcd (subject" with the
 *    line ")" ending it, and "Tag: Name" with a line that is "<address>";
 *  - a trailer is a line "Token: value" whose token starts with a letter,
 *    digit or underscore and has no blank; "Phone:" and "Email:" never
 *    are, and "Subject:", "Date:" and "From:" only before any other text;
 *  - a value may end in "  # comment", and a trailer may be followed by a
 *    line holding only "[a bracketed note]": both are its extinfo;
 *  - in a reply (`followup`) a trailer must name a person (an address in
 *    its value) unless it is one of the utility trailers (Fixes, Link,
 *    ...), must not carry a URL, must be ASCII, and From/Author/Cc/To
 *    are never follow-up trailers.
 *
 * Quoted lines ("> Reviewed-by: ...") never match: '>' starts no token.
 */
#include <string.h>
#include "mail/mail.h"

void pd__trailer_free(pd__trailer *t)
{
	if (!t)
		return;
	g_free(t->tag);
	g_free(t->value);
	g_free(t->extinfo);
	g_free(t->name);
	g_free(t->address);
	g_free(t);
}

static int one_of(const char *lname, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(lname, *set))
			return 1;
	return 0;
}

static const char *const utility_tags[] = {
	"fixes", "link", "buglink", "obsoleted-by", "message-id", "change-id", "base-commit", NULL
};
static const char *const nonperson_tags[] = {
	"fixes", "subject", "date", "link", "buglink", "obsoleted-by", "change-id", "base-commit", NULL
};

/* "\S+@\S+\.\S+" somewhere in `v`. */
static int has_address(const char *v)
{
	const char *at;

	for (at = strchr(v, '@'); at; at = strchr(at + 1, '@')) {
		const char *p = at + 1;
		if (at == v || g_ascii_isspace(at[-1]) || !*p || g_ascii_isspace(*p))
			continue;
		while (*p && !g_ascii_isspace(*p) && *p != '.')
			p++;
		/* one or more non-blanks before a dot, and one after it */
		for (; *p && !g_ascii_isspace(*p); p++)
			if (*p == '.' && p > at + 1 && p[1] && !g_ascii_isspace(p[1]))
				return 1;
	}
	return 0;
}

/* Splits a person value: the address inside its last "<...>" and the text
 * before it as the name (as written, quotes kept), or a bare address. */
static void split_value(pd__trailer *t)
{
	const char *lt = strrchr(t->value, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;

	if (lt) {
		/* "Name <address" with its '>' missing reads as b4 reads it */
		t->name = g_strstrip(g_strndup(t->value, lt - t->value));
		t->address = g_strstrip(gt ? g_strndup(lt + 1, gt - lt - 1) : g_strdup(lt + 1));
	} else {
		t->name = g_strdup("");
		t->address = g_strstrip(g_strdup(t->value));
	}
	if (!*t->name) { /* b4 writes a bare address without brackets */
		g_free(t->value);
		t->value = g_strdup(t->address);
	}
}

/* The lines of `text` above its signature, with the two wrappings b4
 * joins joined, CRs dropped: a new array of lines that live in *body
 * (cut in place) or, joined, in *joined.  Free all three. */
static char **body_lines(char **body, GPtrArray **joined, const char *text)
{
	const char *sig = strstr(text, "\n-- \n");
	char **lines;
	GPtrArray *out = g_ptr_array_new();
	size_t i;

	*body = sig ? g_strndup(text, sig - text) : g_strdup(text);
	*joined = g_ptr_array_new_with_free_func(g_free);
	g_strstrip(*body);
	lines = pd__lines_in_place(*body);
	for (i = 0; lines[i]; i++) {
		char *l = lines[i];
		size_t n = strlen(l);
		if (n && l[n - 1] == '\r')
			l[n - 1] = '\0';
	}
	for (i = 0; lines[i]; i++) {
		char *l = lines[i], *next = lines[i + 1];
		const char *colon = strchr(l, ':');
		if (next && colon && colon > l && colon[1] == ' ') {
			const char *v = colon + 1;
			char *both = NULL;
			while (*v == ' ' || *v == '\t')
				v++;
			/* "Fixes: abcd0123 (foo bar" + "baz quux)" */
			if (g_ascii_isxdigit(*v) && strchr(v, '(') && !strchr(v, ')')
			    && g_str_has_suffix(next, ")") && *next && !g_ascii_isspace(*next))
				both = g_strconcat(l, " ", next, NULL);
			/* "Signed-off-by: Long Name" + "<address>" */
			else if (*v && !strchr(v, '<') && next[0] == '<' && g_str_has_suffix(next, ">"))
				both = g_strconcat(l, " ", next, NULL);
			if (both) {
				g_ptr_array_add(*joined, both);
				g_ptr_array_add(out, both);
				i++;
				continue;
			}
		}
		g_ptr_array_add(out, l);
	}
	g_ptr_array_add(out, NULL);
	g_free(lines);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* "Token: value" at the line's start (after blanks): the token starts
 * with a word character and has no blank, the value no leading blank. */
static int split_trailer(const char *l, char **tag, char **value)
{
	const char *p = l, *start, *colon;

	while (*p == ' ' || *p == '\t')
		p++;
	start = p;
	if (!(g_ascii_isalnum(*p) || *p == '_' || (unsigned char)*p >= 0x80))
		return 0;
	/* the token may hold colons; the trailer's is the last one before a blank */
	colon = NULL;
	for (const char *q = start; *q && !g_ascii_isspace(*q); q++)
		if (*q == ':' && g_ascii_isspace(q[1]))
			colon = q;
	if (!colon || colon - start < 2)
		return 0;
	p = colon + 1;
	while (*p && g_ascii_isspace(*p))
		p++;
	if (!*p)
		return 0;
	*tag = g_strndup(start, colon - start);
	*value = g_strdup(p);
	return 1;
}

GPtrArray *pd__find_trailers(const char *text, int followup)
{
	static const char *const ignored[] = { "phone", "email", NULL };
	static const char *const headers[] = { "subject", "date", "from", NULL };
	static const char *const not_followups[] = { "from", "author", "cc", "to", NULL };
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)pd__trailer_free);
	GPtrArray *joined;
	char *body;
	char **lines = body_lines(&body, &joined, text ? text : "");
	int was_trailer = 0, others = 0;

	for (size_t i = 0; lines[i]; i++) {
		const char *l = lines[i];
		char *tag = NULL, *value = NULL, *lname;
		if (split_trailer(l, &tag, &value)) {
			pd__trailer *t;
			const char *hash;
			int skip;
			lname = g_ascii_strdown(tag, -1);
			skip = one_of(lname, ignored) || (others && one_of(lname, headers));
			if (!skip && followup)
				skip = !g_str_is_ascii(tag)
				    || (!has_address(value) && !one_of(lname, nonperson_tags))
				    || strstr(value, "http://") || strstr(value, "https://")
				    || one_of(lname, not_followups);
			if (skip) {
				g_free(lname);
				g_free(tag);
				g_free(value);
				/* an ignored trailer-looking line is neither text nor trailer */
				continue;
			}
			t = g_new0(pd__trailer, 1);
			t->tag = tag;
			t->value = value;
			/* "value  # comment": the comment is extinfo */
			hash = strrchr(value, '#');
			if (hash && hash > value && g_ascii_isspace(hash[-1]) && hash[1]) {
				const char *end = hash;
				while (end > value && g_ascii_isspace(end[-1]))
					end--;
				if (end > value) {
					t->extinfo = g_strdup(end);
					t->value = g_strndup(value, end - value);
					g_free(value);
				}
			}
			t->is_utility = one_of(lname, utility_tags) || strstr(t->value, "://");
			t->is_person = !t->is_utility && has_address(t->value);
			if (t->is_person)
				split_value(t);
			g_free(lname);
			g_ptr_array_add(out, t);
			was_trailer = 1;
			continue;
		}
		/* "[a note]" on the line after a trailer */
		if (was_trailer && strlen(l) > 2) {
			const char *p = l;
			size_t n;
			while (g_ascii_isspace(*p))
				p++;
			n = strlen(p);
			while (n && g_ascii_isspace(p[n - 1]))
				n--;
			if (n >= 2 && p[0] == '[' && p[n - 1] == ']' && !memchr(p + 1, ']', n - 2)) {
				pd__trailer *last = g_ptr_array_index(out, out->len - 1);
				g_free(last->extinfo);
				last->extinfo = g_strdup(l);
				was_trailer = 0;
				continue;
			}
		}
		was_trailer = 0;
		others++;
	}
	g_free(lines);
	g_ptr_array_free(joined, TRUE);
	g_free(body);
	return out;
}

/* An address as b4 compares it: lowercased, a "+tag" local part dropped. */
static char *plain_address(const char *a)
{
	char *s = g_ascii_strdown(a, -1), *plus = strchr(s, '+'), *at = strchr(s, '@');

	if (plus && at && plus < at)
		memmove(plus, at, strlen(at) + 1);
	return s;
}

int pd__trailer_matches_sender(const pd__trailer *t, const pd_person *from)
{
	char *ours, *theirs, *oat, *tat, *tname, *fname;
	int match = 0;

	if (!t->is_person)
		return 1; /* only a person's trailer speaks for someone */
	ours = plain_address(t->address);
	theirs = plain_address(from->address ? from->address : "");
	oat = strchr(ours, '@');
	tat = strchr(theirs, '@');
	if (!strcmp(ours, theirs)) {
		match = 1;
	} else if (oat && tat && oat - ours == tat - theirs && !memcmp(ours, theirs, oat - ours)) {
		/* the same local part, domains one label apart:
		 * foo@linux.intel.com and foo@intel.com */
		const char *od = oat + 1, *td = tat + 1;
		int dots_o = 0, dots_t = 0;
		for (const char *p = od; *p; p++)
			dots_o += *p == '.';
		for (const char *p = td; *p; p++)
			dots_t += *p == '.';
		if (dots_o - dots_t == 1 || dots_t - dots_o == 1) {
			const char *longer = dots_o > dots_t ? od : td, *shorter = dots_o > dots_t ? td : od;
			size_t ll = strlen(longer), sl = strlen(shorter);
			match = ll > sl + 1 && !strcmp(longer + ll - sl, shorter)
			     && longer[ll - sl - 1] == '.';
		}
	}
	g_free(ours);
	g_free(theirs);
	if (match)
		return 1;
	/* else the name: the same, or every comma-separated part of the
	 * From: name found in it */
	tname = g_utf8_strdown(t->name, -1);
	fname = g_utf8_strdown(from->name ? from->name : "", -1);
	if (*fname && !strcmp(tname, fname)) {
		match = 1;
	} else if (*fname && strchr(fname, ',')) {
		/* as b4 does: it looks for the parts of the From: name in
		 * that same name, so a From: name with a comma matches */
		char **parts = g_strsplit(fname, ",", -1);
		match = 1;
		for (char **p = parts; *p && match; p++) {
			char *part = g_strstrip(g_strdup(*p));
			match = strstr(fname, part) != NULL;
			g_free(part);
		}
		g_strfreev(parts);
	}
	g_free(tname);
	g_free(fname);
	return match;
}
