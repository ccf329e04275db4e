/*
 * test-message-pack.c - a message a digest keeps, packed into one block
 * with its repeated strings shared, reads the same as the parser's,
 * field by field, for every message of the bundled sample; and the
 * strings meant to be shared are.
 */
#include <glib.h>
#include "harness.h"
#include "message-compare.h"
#include "digest/digest.h"

int main(void)
{
	pd_archive *archive = NULL;
	pd_archive_iter *it = NULL;
	pd_raw_message raw;
	pd__pool pool;
	GPtrArray *packed = g_ptr_array_new_with_free_func(g_free);
	size_t n = 0, same = 0, same_with_body = 0, gone = 0, titles_in_subject = 0;
	const char *diff = NULL;

	pd__pool_init(&pool);
	if (pd_archive_open(&archive, "sample/kvm-sample.mbox") < 0
	    || pd_archive_iter_new(&it, archive, NULL) < 0) {
		CHECK("the sample opens", 0);
		return 1;
	}
	while (pd_archive_iter_next(&raw, it) == PD_OK) {
		pd_message *m = NULL, *p, *pb;
		if (pd_message_parse(&m, raw.data, raw.len, raw.origin, NULL) < 0)
			continue;
		n++;
		p = pd__message_pack(m, &pool, 0);
		pb = pd__message_pack(m, &pool, 1);
		/* without its body the packed copy differs only there, and in
		 * what a kept message does not keep (GONE in message-fields.h) */
		pd_message probe = *p;
		probe.commit_message = m->commit_message;
		gone += p->date_raw != NULL || p->damage != NULL || p->note != NULL
		      || p->list_id != NULL || pb->date_raw != NULL;
		probe.date_raw = m->date_raw;
		probe.list_id = m->list_id;
		probe.damage = m->damage;
		probe.note = m->note;
		if (!(diff = pd_message_first_difference(m, &probe)))
			same++;
		{
			pd_message probe_b = *pb;
			probe_b.date_raw = m->date_raw;
			probe_b.list_id = m->list_id;
			probe_b.damage = m->damage;
			probe_b.note = m->note;
			same_with_body += !pd_message_first_difference(m, &probe_b)
					  && p->commit_message == NULL;
		}
		titles_in_subject += p->tags.title && p->subject && p->tags.title >= p->subject
				     && p->tags.title < p->subject + strlen(p->subject) + 1;
		g_ptr_array_add(packed, p);
		g_free(pb);
		pd_message_free(m);
	}
	CHECK("the sample has messages", n > 20);
	if (diff)
		printf("# first difference: %s\n", diff);
	CHECK_INT("packed without the body: every field as parsed", same, n);
	CHECK_INT("packed with the body: every field as parsed", same_with_body, n);
	CHECK_INT("the raw Date:, List-Id, damage and notes are not kept", gone, 0);
	CHECK("most titles point into their subject", titles_in_subject * 2 > n);

	/* a thread's root is one string, however many messages refer to it */
	{
		size_t shared = 0, refs = 0;
		for (guint i = 0; i < packed->len; i++) {
			const pd_message *p = g_ptr_array_index(packed, i);
			for (guint j = 0; j < packed->len && p->message_id; j++) {
				const pd_message *q = g_ptr_array_index(packed, j);
				for (size_t k = 0; q->references[k]; k++) {
					if (!strcmp(q->references[k], p->message_id)) {
						refs++;
						shared += q->references[k] == p->message_id;
					}
				}
			}
		}
		CHECK("the sample's messages refer to each other", refs > 10);
		CHECK_INT("every reference to a message is that message's own ID string", shared, refs);
	}
	g_ptr_array_free(packed, TRUE);
	/* the pool finds a copy while the digest reads; sealed when reading
	 * ends, it keeps its strings and copies what comes after */
	{
		const char *a = pd__pool_intern(&pool, "<root@example.org>");
		const char *b = pd__pool_intern(&pool, "<root@example.org>");
		const char *c;
		CHECK("one copy of a string while the pool is open", a == b);
		pd__pool_seal(&pool);
		CHECK("sealed: the table that finds copies is gone", pool.set == NULL);
		c = pd__pool_intern(&pool, "<root@example.org>");
		CHECK("sealed: a new copy, the same text", c != a && !strcmp(c, a));
		CHECK("sealed: a string pooled again after the seal is one copy",
		      pd__pool_intern(&pool, "<root@example.org>") == c);
		CHECK("sealed: the strings stay", !strcmp(a, "<root@example.org>"));
		CHECK("NULL stays NULL", pd__pool_intern(&pool, NULL) == NULL);
	}
	pd__pool_clear(&pool);
	pd_archive_iter_free(it);
	pd_archive_free(archive);
	return harness_failed ? 1 : 0;
}
