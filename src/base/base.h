/*
 * base/base.h - what every layer of the library shares: the error of the
 * last failure, the display forms of dates and people that the report
 * and its renderers both use, and the walk over all a report's series
 * (the range's, then the look-back window's).  Private: not installed.
 *
 * Layers (docs/architecture.md): base <- mail <- archive, digest, state,
 * render.  A file includes the header of its own folder and of the layers
 * below it, never one above.
 *
 * Memory: every string here is allocated with GLib (g_malloc & co.) and
 * released with g_free(); pd_free() is g_free() for callers.
 */
#ifndef PD_BASE_H
#define PD_BASE_H

#include <glib.h>
#include "patchdigest.h"

/* Public functions carry PD_EXTERN (patchdigest.h); everything else in the
 * shared library is hidden (-fvisibility=hidden). */

/* Sets this thread's last error to the formatted text and returns
 * `status`, so that `return pd__error(PD_ERR_X, "...")` reads naturally. */
int pd__error(int status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void pd__error_clear(void);

/* Checks an option struct's version: PD_OK, or PD_ERR_INVALID naming
 * `what` when `version` is not `expected`. */
int pd__check_version(unsigned int version, unsigned int expected, const char *what);

/* ---- format.c: display forms shared by the report and the renderers ---- */

/* `Name <address>` with the name in double quotes when RFC 5322 needs them,
 * or the bare address when there is no name.  New string. */
char *pd__person_display_quoted(const pd_person *p);

/* The name, or the address's local part when there is none (digest.md:
 * a sender "shown as its name, or the part of the address before @").
 * New string. */
char *pd__person_name(const pd_person *p);

/* `Name <address>`, unquoted; the address's local part stands in for a
 * missing name.  New string. */
char *pd__person_display_plain(const pd_person *p);

/* Appends `text` (valid UTF-8) made safe for a terminal or a plain-text
 * reader: pd_display_text() says what changes. */
void pd__append_display(GString *out, const char *text, int keep_lines);

/* Series i of all a report has, the range's (r->series) first, then the
 * look-back window's (r->lookback_series), then those only the state
 * knows (r->earlier_series): what the review side counts and the
 * Applied and Needs attention sections list.  i < pd__n_all_series(r). */
static inline size_t pd__n_all_series(const pd_report *r)
{
	return r->n_series + r->n_lookback_series + r->n_earlier_series;
}

static inline pd_series *pd__all_series(const pd_report *r, size_t i)
{
	if (i < r->n_series)
		return &r->series[i];
	i -= r->n_series;
	return i < r->n_lookback_series ? &r->lookback_series[i]
					: &r->earlier_series[i - r->n_lookback_series];
}

/* A hash of the NUL-terminated string `key` for GHashTable (base/hash.c):
 * what g_str_hash() gives, eight bytes at a time.  The same in every
 * run. */
guint pd__str_hash(gconstpointer key);

/* "2025-08-26T09:37:41Z" for `when` (new string). */
char *pd__format_date(int64_t when);

/* Gives the memory malloc holds free back to the system (glibc: every
 * arena of the process, the reading threads' too; jemalloc: every arena,
 * when the program runs on it; elsewhere nothing).  pd_digest_finish()
 * calls it once, when the reading of a large digest ends: it walks the
 * heap. */
void pd__release_free_memory(void);

#endif
