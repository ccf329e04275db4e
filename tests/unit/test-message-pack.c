/*
 * test-message-pack.c - a message a digest keeps, packed into a record
 * (pd_post) with its repeated strings shared, reads the same as the
 * parser's, field by field, for every message of the bundled sample; and
 * the strings meant to be shared are.
 */
#include <glib.h>
#include "harness.h"
#include "message-compare.h"
#include "digest/digest.h"

/* The first field of `p` that differs from what `m` says, or NULL. */
static const char *post_first_difference(const pd_message *m, const pd_post *p)
{
	size_t i;

#define SAME_STR(field) if (g_strcmp0(m->field, p->field)) return #field;
	SAME_STR(message_id)
	for (i = 0; m->references[i] && p->references[i]; i++)
		if (strcmp(m->references[i], p->references[i]))
			return "references";
	if (m->references[i] || p->references[i])
		return "references (count)";
	SAME_STR(tags.version)
	if (m->tags.number != p->tags.number || m->tags.total != p->tags.total)
		return "tags.number/total";
	if (!m->tags.is_reply != !p->tags.is_reply || !m->tags.is_patch_tagged != !p->tags.is_patch_tagged
	    || !m->tags.has_counter != !p->tags.has_counter
	    || !m->tags.version_explicit != !p->tags.version_explicit
	    || !m->tags.is_rfc != !p->tags.is_rfc || !m->tags.is_resend != !p->tags.is_resend
	    || !m->tags.is_pull != !p->tags.is_pull)
		return "tags (a flag)";
	SAME_STR(sender.name)
	SAME_STR(sender.address)
	SAME_STR(author.name)
	SAME_STR(author.address)
	if (m->date != p->date || m->archive_time != p->archive_time
	    || m->content_hash != p->content_hash || m->lists != p->lists || m->kind != p->kind)
		return "a number";
	if (!m->has_diff != !p->has_diff || !m->damaged != !p->damaged)
		return "has_diff or damaged";
#undef SAME_STR
	return NULL;
}

/* The first of subject, title, origin, To: and commit message that the text `p` keeps in
 * `store` reads back different from `m`'s, or NULL; and whether the
 * title in memory is there exactly for what names a series. */
static const char *text_first_difference(const pd_message *m, const pd_post *p,
					 const pd__body_store *store)
{
	char *rec = NULL;
	size_t len = 0;
	pd_post_text *t = NULL;
	pd__post_text_parts parts;
	const char *d = NULL;
	int names_series = m->kind == PD_KIND_COVER || m->tags.is_pull || m->tags.number <= 1;

	if (pd__body_store_read(&rec, &len, store, p->text) < 0 || !rec
	    || pd__post_text_parse(&t, rec, len) < 0)
		d = "the text cannot be read back";
	else if (g_strcmp0(m->subject, t->subject))
		d = "subject";
	else if (g_strcmp0(m->tags.title, t->title))
		d = "title (read back)";
	else if (g_strcmp0(m->origin, t->origin))
		d = "origin";
	else if (g_strcmp0(m->to_address, t->to_address))
		d = "To: address";
	else if (pd__post_text_split(&parts, rec, len) < 0
		 || (m->commit_message ? !parts.commit_message
		     || parts.commit_message_len != strlen(m->commit_message)
		     || memcmp(parts.commit_message, m->commit_message, parts.commit_message_len)
		     : parts.commit_message != NULL))
		d = "commit message";
	else if (names_series ? g_strcmp0(m->tags.title, p->tags.title) : p->tags.title != NULL)
		d = "title (in memory)";
	pd_post_text_free(t);
	g_free(rec);
	return d;
}

/* Whether the record at `p` begins in one of the arena's blocks (a
 * block is 256 KB, or larger for a record larger than that: such a
 * record begins its block). */
static int in_blocks(const pd__arena *arena, const void *p)
{
	for (GSList *b = arena->blocks; b; b = b->next) {
		const char *start = b->data;
		if ((const char *)p == start || ((const char *)p > start
						  && (const char *)p < start + 256 * 1024))
			return 1;
	}
	return 0;
}

int main(void)
{
	pd_archive *archive = NULL;
	pd_archive_iter *it = NULL;
	pd_raw_message raw;
	pd__pool pool;
	pd__arena arena = { 0 };
	GPtrArray *packed = g_ptr_array_new();
	size_t n = 0, same = 0, titles_in_memory = 0, replies_same = 0, in_arena = 0;
	pd__body_store *store = pd__body_store_new();
	const char *diff = NULL;

	pd__pool_init(&pool);
	if (pd_archive_open(&archive, "sample/kvm-sample.mbox") < 0
	    || pd_archive_iter_new(&it, archive, NULL) < 0) {
		CHECK("the sample opens", 0);
		return 1;
	}
	while (pd_archive_iter_next(&raw, it) == PD_OK) {
		pd_message *m = NULL;
		pd_post *p;
		const pd_reply *r;
		const char *d;
		if (pd_message_parse(&m, raw.data, raw.len, raw.origin, NULL) < 0)
			continue;
		n++;
		p = pd__post_pack(m, &pool, &arena, store);
		in_arena += in_blocks(&arena, p);
		if (!(d = post_first_difference(m, p)) && !(d = text_first_difference(m, p, store)))
			same++;
		else if (!diff)
			diff = d;
		/* a title in memory is the record's own, right after it */
		titles_in_memory += p->tags.title && p->tags.title == (const char *)(p + 1);
		/* a posting that turns out to be a reply keeps what a reply's
		 * record holds, its strings the post's */
		r = pd__reply_of_post(p, &arena);
		replies_same += r->message_id == p->message_id && r->references == p->references
			     && r->sender.address == p->sender.address && r->date == p->date
			     && r->archive_time == p->archive_time && r->facts == NULL
			     && r->content_hash == p->content_hash;
		g_ptr_array_add(packed, p);
		pd_message_free(m);
	}
	CHECK("the sample has messages", n > 20);
	if (diff)
		printf("# first difference: %s\n", diff);
	CHECK_INT("packed: every field a record keeps is as parsed", same, n);
	CHECK_INT("every record is in the arena, not a block of its own", in_arena, n);
	CHECK("titles kept in memory are in the record's piece of the arena",
	      titles_in_memory > 0 && titles_in_memory < n);
	CHECK_INT("a record's reply record holds its fields", replies_same, n);
	CHECK("a record is far smaller than a parsed message", sizeof(pd_post) * 3 < sizeof(pd_message) * 2);

	/* a thread's root is one string, however many messages refer to it */
	{
		size_t shared = 0, refs = 0;
		for (guint i = 0; i < packed->len; i++) {
			const pd_post *p = g_ptr_array_index(packed, i);
			for (guint j = 0; j < packed->len && p->message_id; j++) {
				const pd_post *q = g_ptr_array_index(packed, j);
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
	/* a text that is not one a record wrote is damage, not a crash */
	{
		static const char good[] = "\27s\0t\0o\0to@x";
		pd_post_text *t = NULL;
		CHECK("a well-formed text parses",
		      pd__post_text_parse(&t, good, sizeof(good)) == PD_OK && t
		      && !strcmp(t->subject, "s") && !strcmp(t->title, "t") && !strcmp(t->origin, "o")
		      && !strcmp(t->to_address, "to@x"));
		pd_post_text_free(t);
		CHECK("an origin and a To: marked absent are NULL",
		      pd__post_text_parse(&t, "\3s\0t\0\0\0", 7) == PD_OK && t && !t->origin
		      && !t->to_address);
		pd_post_text_free(t);
		CHECK("a text cut short is damage", pd__post_text_parse(&t, good, 4) == PD_ERR_IO && !t);
		CHECK("a text without its last NUL is damage",
		      pd__post_text_parse(&t, good, sizeof(good) - 1) == PD_ERR_IO && !t);
		CHECK("three strings where four belong is damage",
		      pd__post_text_parse(&t, "\7ab\0c\0d\0", 8) == PD_ERR_IO && !t);
		CHECK("bytes after the To: of a text without a commit message are damage",
		      pd__post_text_parse(&t, "\7s\0t\0o\0\0x", 9) == PD_ERR_IO && !t);
		CHECK("no bytes at all are damage", pd__post_text_parse(&t, "", 0) == PD_ERR_IO && !t);
		{
			pd__post_text_parts parts;
			CHECK("a commit message is the rest of its text",
			      pd__post_text_split(&parts, "\17s\0t\0o\0\0body\n", 13) == PD_OK
			      && parts.commit_message && parts.commit_message_len == 5
			      && !memcmp(parts.commit_message, "body\n", 5) && parts.has_origin);
			CHECK("... an empty one is there, empty",
			      pd__post_text_split(&parts, "\17s\0t\0o\0\0", 8) == PD_OK
			      && parts.commit_message && parts.commit_message_len == 0);
			CHECK("... and none is NULL",
			      pd__post_text_split(&parts, good, sizeof(good)) == PD_OK && !parts.commit_message);
			CHECK("where the bytes are: 8 bytes after the To:, little-endian",
			      pd__post_text_split(&parts, "\54s\0t\0o\0\0\10\7\6\5\4\3\2\1body", 20) == PD_OK
			      && parts.raw == 0x0102030405060708ull && parts.commit_message_len == 4
			      && !memcmp(parts.commit_message, "body", 4));
			CHECK("... fewer than 8 are damage",
			      pd__post_text_split(&parts, "\54s\0t\0o\0\0\10\7", 10) == PD_ERR_IO);
			CHECK("... and none is 0",
			      pd__post_text_split(&parts, good, sizeof(good)) == PD_OK && !parts.raw);
		}
		{
			/* a posting with its bytes (keep_raw): its text says where */
			static const char mail[] = "From: A <a@example.org>\nSubject: [PATCH] x\n"
				"Message-ID: <raw@example.org>\n\nX.\n---\ndiff --git a/x b/x\n";
			pd_parse_options po = PD_PARSE_OPTIONS_INIT;
			pd_message *m = NULL;
			pd__post_text_parts parts;
			char *rec = NULL, *bytes = NULL;
			size_t len = 0, got = 0;
			po.keep_raw = 1;
			CHECK("a message with its bytes", pd_message_parse(&m, mail, sizeof(mail) - 1, "t", &po)
			      == PD_OK && m && m->raw);
			if (m && m->raw) {
				pd_post *p = pd__post_pack(m, &pool, &arena, store);
				CHECK("... keeps them in the store, found through its text",
				      pd__body_store_read(&rec, &len, store, p->text) == PD_OK
				      && pd__post_text_split(&parts, rec, len) == PD_OK && parts.raw
				      && pd__body_store_read(&bytes, &got, store, parts.raw) == PD_OK
				      && got == sizeof(mail) - 1 && !memcmp(bytes, mail, got));
				g_free(rec);
				g_free(bytes);
			}
			pd_message_free(m);
		}
		pd_post_text_free(NULL);
	}
	pd__body_store_free(store);
	/* the pool finds a copy while the digest reads; sealed when reading
	 * ends, it keeps its strings and copies what comes after */
	{
		const char *a = pd__pool_intern(&pool, "<root@example.org>");
		const char *b = pd__pool_intern(&pool, "<root@example.org>");
		const char *c;
		const char *other = pd__pool_intern(&pool, "<other@example.org>");
		char *big = g_strnfill(200000, 'x'); /* larger than a block */
		const char *big_copy = pd__pool_intern(&pool, big);
		CHECK("one copy of a string while the pool is open", a == b);
		/* a digest marks the Message-IDs it kept in the pool itself,
		 * not in a table of its own */
		CHECK("not marked until marked", !pd__pool_mark(a, PD__MARK_KEPT));
		CHECK("marked: it says so the second time", pd__pool_mark(b, PD__MARK_KEPT));
		CHECK("another string is not marked", !pd__pool_mark(other, PD__MARK_KEPT));
		CHECK("marks are apart: KEPT is not ANSWERED", !pd__pool_marked(a, PD__MARK_ANSWERED));
		CHECK("... and ANSWERED is set on its own",
		      !pd__pool_mark(a, PD__MARK_ANSWERED) && pd__pool_marked(a, PD__MARK_ANSWERED)
		      && pd__pool_marked(a, PD__MARK_KEPT) && !pd__pool_marked(other, PD__MARK_ANSWERED));
		CHECK("a mark does not touch the text",
		      !strcmp(a, "<root@example.org>") && !strcmp(other, "<other@example.org>"));
		CHECK("a string larger than a block is pooled whole",
		      big_copy && !strcmp(big_copy, big) && pd__pool_intern(&pool, big) == big_copy
		      && !pd__pool_mark(big_copy, PD__MARK_KEPT) && pd__pool_mark(big_copy, PD__MARK_KEPT));
		CHECK("an empty string is pooled and marked",
		      !pd__pool_mark(pd__pool_intern(&pool, ""), PD__MARK_KEPT)
		      && pd__pool_mark(pd__pool_intern(&pool, ""), PD__MARK_KEPT));
		g_free(big);
		/* References: replies to one message mostly name the same
		 * ones; a list is kept once while the pool is open */
		{
			char *one[] = { "p1@x", "c0@x", NULL }, *again[] = { "p1@x", "c0@x", NULL };
			char *longer[] = { "p1@x", "c0@x", "r9@x", NULL }, *none[] = { NULL };
			const char *const *l1 = pd__pool_list(&pool, &arena, one);
			const char *const *l2 = pd__pool_list(&pool, &arena, again);
			const char *const *l3 = pd__pool_list(&pool, &arena, longer);
			CHECK("a list of References is kept once", l1 == l2);
			CHECK("... its strings pooled, in order, NULL-terminated",
			      l1[0] == pd__pool_intern(&pool, "p1@x") && l1[1] == pd__pool_intern(&pool, "c0@x")
			      && l1[2] == NULL);
			CHECK("a longer list is another list", l3 != l1 && l3[2] && !strcmp(l3[2], "r9@x") && !l3[3]);
			CHECK("an empty list (or none) is an empty list",
			      pd__pool_list(&pool, &arena, none)[0] == NULL
			      && pd__pool_list(&pool, &arena, NULL)[0] == NULL);
		}
		pd__pool_seal(&pool);
		{
			char *one[] = { "p1@x", "c0@x", NULL };
			const char *const *l = pd__pool_list(&pool, &arena, one);
			CHECK("sealed: a list is made, the same strings",
			      l && !strcmp(l[0], "p1@x") && !strcmp(l[1], "c0@x") && !l[2]);
		}
		CHECK("sealed: the table that finds copies is gone", pool.set == NULL);
		c = pd__pool_intern(&pool, "<root@example.org>");
		CHECK("sealed: a new copy, the same text", c != a && !strcmp(c, a));
		CHECK("sealed: a string pooled again after the seal is one copy",
		      pd__pool_intern(&pool, "<root@example.org>") == c);
		CHECK("sealed: the strings stay", !strcmp(a, "<root@example.org>"));
		CHECK("NULL stays NULL", pd__pool_intern(&pool, NULL) == NULL);
	}
	pd__pool_clear(&pool);
	pd__arena_clear(&arena);
	pd_archive_iter_free(it);
	pd_archive_free(archive);
	return harness_failed ? 1 : 0;
}
