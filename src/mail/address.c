/*
 * mail/address.c - who `git am` records as the author, and the domain
 * of an address.  The splitting follows git mailinfo's rules to the byte, since
 * the digest counts patches the way git attributes them; GMime's address
 * parser is stricter (it drops comments git keeps in the name).
 */
#include <string.h>
#include "mail/mail.h"

/* Copies a quoted string's contents up to its closing quote. */
static const char *unquote_string(GString *out, const char *in)
{
	int literal = 0;

	while (*in) {
		char c = *in++;
		if (literal) {
			literal = 0;
		} else if (c == '\\') {
			literal = 1;
			continue;
		} else if (c == '"') {
			return in;
		}
		g_string_append_c(out, c);
	}
	return in;
}

/* Copies a comment, parentheses included, up to its matching ')'. */
static const char *unquote_comment(GString *out, const char *in)
{
	int literal = 0, depth = 1;

	g_string_append_c(out, '(');
	while (*in) {
		char c = *in++;
		if (literal) {
			literal = 0;
		} else if (c == '\\') {
			literal = 1;
			continue;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			g_string_append_c(out, ')');
			if (--depth == 0)
				return in;
			continue;
		}
		g_string_append_c(out, c);
	}
	return in;
}

static void trim(GString *s)
{
	size_t start = 0;

	while (s->len && g_ascii_isspace(s->str[s->len - 1]))
		g_string_truncate(s, s->len - 1);
	while (start < s->len && g_ascii_isspace(s->str[start]))
		start++;
	g_string_erase(s, 0, start);
}

static char *sane_name(GString *name, const char *email)
{
	if (!name->len || name->len > 60 || strpbrk(name->str, "@<>"))
		return g_strdup(email);
	return g_strdup(name->str);
}

/* git's fallback for a From: with no '@': "John Doe <johndoe>". */
static void split_bogus(const char *from, char **name, char **email)
{
	const char *bra = strchr(from, '<'), *ket;
	GString *n;

	ket = bra ? strchr(bra, '>') : NULL;
	if (!ket) {
		*name = g_strdup("");
		*email = g_strdup("");
		return;
	}
	*email = g_strndup(bra + 1, ket - bra - 1);
	n = g_string_new_len(from, bra - from);
	trim(n);
	*name = sane_name(n, *email);
	g_string_free(n, TRUE);
}

void pd__git_split_from(const char *from, char **name, char **email)
{
	GString *f = g_string_sized_new(strlen(from));
	const char *p = from;
	char *at;
	size_t start, el;

	while (*p) {
		char c = *p++;
		if (c == '"')
			p = unquote_string(f, p);
		else if (c == '(')
			p = unquote_comment(f, p);
		else
			g_string_append_c(f, c);
	}
	at = strchr(f->str, '@');
	if (!at) {
		g_string_free(f, TRUE);
		split_bogus(from, name, email);
		return;
	}
	/* the address is the token around '@', possibly inside <> */
	start = at - f->str;
	while (start > 0) {
		char c = f->str[start - 1];
		if (g_ascii_isspace(c))
			break;
		if (c == '<') {
			f->str[start - 1] = ' ';
			break;
		}
		start--;
	}
	el = strcspn(f->str + start, " \n\t\r\v\f>");
	*email = g_strndup(f->str + start, el);
	g_string_erase(f, start, el + (f->str[start + el] ? 1 : 0));

	pd__cleanup_space(f);
	trim(f);
	if (f->len >= 2 && f->str[0] == '(' && f->str[f->len - 1] == ')') {
		g_string_truncate(f, f->len - 1);
		g_string_erase(f, 0, 1);
	}
	*name = sane_name(f, *email);
	g_string_free(f, TRUE);
}

char *pd__address_domain(const char *address)
{
	const char *at = strrchr(address, '@');

	return g_ascii_strdown(at ? at + 1 : "", -1);
}
