/*
 * message-compare.h - field-by-field comparison of two pd_message, for
 * the differential checks of the header scanner against GMime (the
 * fuzz-message target and tests/unit/test-mail-oracle.c).
 */
#ifndef PD_MESSAGE_COMPARE_H
#define PD_MESSAGE_COMPARE_H

#include <string.h>
#include "patchdigest.h"
#include "mail/message-fields.h"

static inline int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Names the first field that differs, or NULL. */
static inline const char *pd_message_first_difference(const pd_message *a, const pd_message *b)
{
	size_t i;

	/* the two parsers word damage differently: `damaged` is compared
	 * below, the text is not */
#define COMPARE_STRING(field, reply) \
	if (strcmp(#field, "damage") && !same_str(a->field, b->field)) return #field;
	PD__MESSAGE_STRINGS(COMPARE_STRING)
#undef COMPARE_STRING
	for (i = 0; a->references[i] || b->references[i]; i++)
		if (!same_str(a->references[i], b->references[i])) return "references";
	if (a->tags.number != b->tags.number || a->tags.total != b->tags.total
	    || strcmp(a->tags.version, b->tags.version) || a->tags.is_reply != b->tags.is_reply)
		return "tags";
	if (a->date != b->date || a->date_tz != b->date_tz)
		return "date";
	if (a->kind != b->kind || a->has_diff != b->has_diff) return "kind";
	if (a->damaged != b->damaged) return "damaged";
	return NULL;
}

#endif
