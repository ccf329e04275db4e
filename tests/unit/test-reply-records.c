/*
 * test-reply-records.c - a report keeps every reply as a small record
 * (pd_reply, issue 16): its Message-ID, References, sender, dates and
 * facts, nothing else; patches, covers and pull requests stay messages.
 * A cover letter that forgot "Re:" becomes a record in its place.  The
 * records are read back with pd_report_reply() (they wait in a
 * temporary file); what the report points to is the same reply.
 */
#include <glib.h>
#include "harness.h"
#include "patchdigest.h"

#define HDR(from, subject, date, id, irt) \
	"From: " from "\nSubject: " subject "\nDate: " date "\nMessage-ID: <" id ">\n" irt "\n"
#define DIFF "---\ndiff --git a/w b/w\n--- a/w\n+++ b/w\n@@ -1 +1 @@\n-a\n+b\n"

static const char *const raws[] = {
	HDR("A U Thor <author@example.org>", "[PATCH 0/1] widget: faster",
	    "Mon, 2 Jun 2025 10:00:00 +0000", "cover@example.org", "")
	"Faster.\n",
	HDR("Rev Iewer <rev@example.net>", "Re: [PATCH 0/1] widget: faster",
	    "Mon, 2 Jun 2025 11:00:00 +0000", "r1@example.net", "In-Reply-To: <cover@example.org>\n")
	"Looks good.\n\nReviewed-by: Rev Iewer <rev@example.net>\n",
	HDR("A U Thor <author@example.org>", "[PATCH 1/1] widget: cache",
	    "Mon, 2 Jun 2025 10:00:01 +0000", "p1@example.org", "In-Reply-To: <cover@example.org>\n")
	"Cache.\n\nSigned-off-by: A U Thor <author@example.org>\n" DIFF,
	/* a cover letter answering a message with its very subject: a reply */
	HDR("Rev Iewer <rev@example.net>", "[PATCH 0/1] widget: faster",
	    "Mon, 2 Jun 2025 12:00:00 +0000", "forgot@example.net", "In-Reply-To: <cover@example.org>\n")
	"And another thing.\n",
	/* "applied" of a patch nothing here holds: listed by its own title */
	HDR("Maint Ainer <maint@example.com>", "Re: [PATCH] gadget: old fix",
	    "Mon, 2 Jun 2025 13:00:00 +0000", "old@example.com", "In-Reply-To: <gone@example.org>\n")
	"Applied to next, thanks!\n",
	/* a reply without facts: it waits in the file, Message-ID and all */
	HDR("Oth Er <other@example.net>", "Re: [PATCH 0/1] widget: faster",
	    "Mon, 2 Jun 2025 14:00:00 +0000", "plain@example.net",
	    "In-Reply-To: <r1@example.net>\nReferences: <cover@example.org> <r1@example.net>\n")
	"Thanks.\n",
};

int main(void)
{
	pd_digest *d = NULL;
	pd_report *r = NULL;
	pd_reply *rev = NULL, *forgot = NULL, *old = NULL, *plain = NULL, *none = NULL;

	pd_digest_new(&d, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(raws); i++) {
		pd_raw_message raw = { raws[i], strlen(raws[i]), "test", 0 };
		pd_digest_add_raw(d, &raw);
	}
	CHECK_INT("finish", pd_digest_finish(&r, d, NULL, NULL, NULL, NULL), PD_OK);
	CHECK("a record is at most 72 bytes, under a third of a message",
	      sizeof(pd_reply) <= 72 && sizeof(pd_reply) * 3 <= sizeof(pd_message));
	CHECK_INT("messages: the cover and the patch", r->n_messages, 2);
	CHECK_INT("records: the four replies", r->n_reply_records, 4);
	CHECK_INT("n_replies counts them", r->n_replies, 4);
	if (r->n_reply_records != 4 || r->n_series != 1) {
		pd_report_free(r);
		return 1;
	}
	CHECK("each read back", pd_report_reply(&rev, r, 0) == PD_OK
	      && pd_report_reply(&forgot, r, 1) == PD_OK && pd_report_reply(&old, r, 2) == PD_OK
	      && pd_report_reply(&plain, r, 3) == PD_OK);
	CHECK("there is no fifth", pd_report_reply(&none, r, 4) == PD_ERR_INVALID && !none);
	if (!rev || !forgot || !old || !plain) {
		pd_report_free(r);
		return 1;
	}
	CHECK_STR("in order of arrival: the review first", rev->message_id, "r1@example.net");
	CHECK_STR("... the cover letter that forgot Re: in its place", forgot->message_id,
		  "forgot@example.net");
	CHECK_STR("... then the applied reply", old->message_id, "old@example.com");
	CHECK_STR("a record's References", rev->references[0], "cover@example.org");
	CHECK_STR("one that waited in a file has its Message-ID", plain->message_id,
		  "plain@example.net");
	CHECK("... its References, newest first", plain->references[0] && plain->references[1]
	      && !strcmp(plain->references[0], "r1@example.net")
	      && !strcmp(plain->references[1], "cover@example.org") && !plain->references[2]);
	CHECK("... its sender and date, no facts", plain->sender.address
	      && !strcmp(plain->sender.address, "other@example.net")
	      && plain->date == 1748872800 && !plain->facts);
	CHECK("... NULL-terminated", rev->references[1] == NULL);
	CHECK_STR("its sender's name", rev->sender.name, "Rev Iewer");
	CHECK_STR("its sender's address", rev->sender.address, "rev@example.net");
	CHECK_INT("its date", rev->date, 1748862000);
	CHECK("its facts: one trailer", rev->facts && rev->facts->n_trailers == 1);
	CHECK_STR("... a Reviewed-by", rev->facts->trailers[0].tag, "Reviewed-by");
	CHECK_STR("... naming its sender", rev->facts->trailers[0].person.address, "rev@example.net");
	CHECK("a reply without a listing keeps no title",
	      (!rev->facts || !rev->facts->title) && (!forgot->facts || !forgot->facts->title));
	CHECK_INT("the series counts the review's trailer", r->series[0].n_trailers, 1);
	CHECK("... given by the record", r->series[0].n_trailers == 1
	      && !strcmp(r->series[0].trailers[0].reply->message_id, rev->message_id)
	      && r->series[0].trailers[0].reply->facts == rev->facts);
	CHECK_INT("... and the three replies to it", r->series[0].n_replies, 3);
	CHECK_INT("the applied reply to an unknown patch is listed", r->n_applied_elsewhere, 1);
	CHECK("... by its record", r->n_applied_elsewhere == 1
	      && !strcmp(r->applied_elsewhere[0]->message_id, old->message_id)
	      && r->applied_elsewhere[0]->facts == old->facts);
	CHECK_STR("... which keeps its own title", old->facts ? old->facts->title : NULL, "gadget: old fix");
	CHECK_STR("... and its tree", old->facts->applied_tree, "next");
	pd_reply_free(rev);
	pd_reply_free(forgot);
	pd_reply_free(old);
	pd_reply_free(plain);
	pd_reply_free(NULL);
	CHECK_INT("the range starts with its first message", r->first_message_date, 1748858400);
	CHECK_INT("... and ends with its last", r->last_message_date, 1748872800);
	pd_report_free(r);
	return harness_failed ? 1 : 0;
}
