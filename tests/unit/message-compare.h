/*
 * message-compare.h - field-by-field comparison of two pd_message, for
 * the differential checks of the header scanner against GMime (the
 * fuzz-message target and tests/unit/test-mail-oracle.c).
 */
#ifndef PD_MESSAGE_COMPARE_H
#define PD_MESSAGE_COMPARE_H

#include <string.h>
#include "patchdigest.h"

static inline int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Names the first field that differs, or NULL. */
static inline const char *pd_message_first_difference(const pd_message *a, const pd_message *b)
{
	size_t i;

	if (!same_str(a->message_id, b->message_id)) return "message_id";
	for (i = 0; a->references[i] || b->references[i]; i++)
		if (!same_str(a->references[i], b->references[i])) return "references";
	if (!same_str(a->subject, b->subject)) return "subject";
	if (!same_str(a->tags.title, b->tags.title) || a->tags.number != b->tags.number
	    || a->tags.total != b->tags.total || strcmp(a->tags.version, b->tags.version)
	    || a->tags.is_reply != b->tags.is_reply) return "tags";
	if (!same_str(a->sender.name, b->sender.name) || !same_str(a->sender.address, b->sender.address))
		return "sender";
	if (!same_str(a->author.name, b->author.name) || !same_str(a->author.address, b->author.address))
		return "author";
	if (a->date != b->date || a->date_tz != b->date_tz || !same_str(a->date_raw, b->date_raw))
		return "date";
	if (!same_str(a->list_id, b->list_id)) return "list_id";
	if (!same_str(a->to_address, b->to_address)) return "to_address";
	if (a->kind != b->kind || a->has_diff != b->has_diff) return "kind";
	if (!same_str(a->commit_message, b->commit_message)) return "commit_message";
	if (a->damaged != b->damaged) return "damaged";
	return NULL;
}

#endif
