/*
 * people/people.h - who a person is (the mailmap, parsed by libgit2) and
 * whom they work for (a gitdm EmailMap).  Above mail, below the digest:
 * the tables and the review side ask here.
 */
#ifndef PD_PEOPLE_H
#define PD_PEOPLE_H

#include "mail/mail.h"

/* The identity `p` maps to, as new strings in *out (the name and
 * address as posted when the mailmap says nothing of them).  `mm` may be
 * NULL: then a copy. */
void pd__mailmap_apply(pd_person *out, const pd_mailmap *mm, const pd_person *p);

/* The employer of mail from `posted` (mapped: its address after the
 * mailmap, or NULL) dated `date`: docs/format.md's order.  New string;
 * the posted address's domain when no entry matches. */
char *pd__employer_of(const pd_employers *e, const char *posted, const char *mapped,
		      int64_t date);

/* The whole file `path` for a loader: *text new (g_free()), *len its
 * length.  PD_ERR_NOT_FOUND naming the file when it cannot be read. */
static inline int pd__people_read_file(char **text, size_t *len, const char *path)
{
	GError *err = NULL;
	gsize n = 0;
	int error;

	if (g_file_get_contents(path, text, &n, &err)) {
		*len = n;
		return PD_OK;
	}
	error = pd__error(PD_ERR_NOT_FOUND, "%s: %s", path, err->message);
	g_error_free(err);
	return error;
}

#endif
