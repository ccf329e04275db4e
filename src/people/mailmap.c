/*
 * people/mailmap.c - a mailmap in git's format, parsed and resolved by
 * libgit2's git_mailmap: the four line forms.  git matches the email
 * and name a line is for ignoring case; libgit2 1.5 compares them as
 * written.  So before libgit2 reads the file, what each line matches
 * (its last <email>, and the name before it in the four-part form) is
 * lowercased, and a lookup asks with a lowercased name and email:
 * what a line maps *to* keeps its case.  git check-mailmap is the
 * oracle (tests/unit/test-people.c).
 */
#include <git2.h>
#include <string.h>
#include "people/people.h"

struct pd_mailmap {
	git_mailmap *map;
};

/* Lowercases, in each line of `text`, what git matches ignoring case:
 * the last <email>, and a name between two <email>s. */
static void lower_match_keys(char *text)
{
	for (char *line = text; line && *line; ) {
		char *nl = strchr(line, '\n');
		char *end = nl ? nl : line + strlen(line);
		char *p = line, *first_gt = NULL, *last_lt = NULL, *last_gt = NULL;
		while (p < end && g_ascii_isspace(*p))
			p++;
		if (p < end && *p != '#') {
			for (char *q = p; q < end; q++) {
				if (*q == '#')
					break;
				if (*q == '<')
					last_lt = q;
				else if (*q == '>') {
					if (!first_gt)
						first_gt = q;
					last_gt = q;
				}
			}
			if (last_lt && last_gt && last_gt > last_lt) {
				/* the name of "Proper <a> Commit Name <b>" */
				if (first_gt && first_gt < last_lt)
					for (char *q = first_gt + 1; q < last_lt; q++)
						*q = g_ascii_tolower(*q);
				for (char *q = last_lt + 1; q < last_gt; q++)
					*q = g_ascii_tolower(*q);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
}

int pd_mailmap_from_buffer(pd_mailmap **out, const char *buf, size_t len)
{
	git_mailmap *map = NULL;
	char *text;
	int rc;

	*out = NULL;
	if (!buf)
		return pd__error(PD_ERR_INVALID, "pd_mailmap_from_buffer: no buffer");
	text = g_strndup(buf, len);
	lower_match_keys(text);
	git_libgit2_init();
	rc = git_mailmap_from_buffer(&map, text, strlen(text));
	g_free(text);
	if (rc < 0) {
		const git_error *e = git_error_last();
		git_libgit2_shutdown();
		return pd__error(PD_ERR_MALFORMED, "the mailmap cannot be read: %s",
				 e && e->message ? e->message : "unknown error");
	}
	*out = g_new0(pd_mailmap, 1);
	(*out)->map = map;
	return PD_OK;
}

int pd_mailmap_load(pd_mailmap **out, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int error;

	*out = NULL;
	if ((error = pd__people_read_file(&text, &len, path)) < 0)
		return error;
	error = pd_mailmap_from_buffer(out, text, len);
	g_free(text);
	if (error < 0) {
		char *why = g_strdup(pd_error_last());
		error = pd__error(error, "%s: %s", path, why);
		g_free(why);
	}
	return error;
}

void pd_mailmap_free(pd_mailmap *mm)
{
	if (!mm)
		return;
	git_mailmap_free(mm->map);
	git_libgit2_shutdown();
	g_free(mm);
}

void pd__mailmap_apply(pd_person *out, const pd_mailmap *mm, const pd_person *p)
{
	const char *name = p->name ? p->name : "", *email = p->address ? p->address : "";
	const char *real_name = name, *real_email = email;
	char *lname, *lemail;

	if (!mm) {
		out->name = g_strdup(name);
		out->address = g_strdup(email);
		return;
	}
	lname = g_ascii_strdown(name, -1);
	lemail = g_ascii_strdown(email, -1);
	if (git_mailmap_resolve(&real_name, &real_email, mm->map, lname, lemail) < 0)
		real_name = real_email = NULL;
	/* what the map did not change is given back as asked: as posted */
	out->name = g_strdup(!real_name || real_name == lname ? name : real_name);
	out->address = g_strdup(!real_email || real_email == lemail ? email : real_email);
	g_free(lname);
	g_free(lemail);
}

int pd_mailmap_resolve(pd_person *out, const pd_mailmap *mm, const pd_person *person)
{
	if (!out || !person)
		return pd__error(PD_ERR_INVALID, "pd_mailmap_resolve: no person");
	pd__mailmap_apply(out, mm, person);
	return PD_OK;
}
