/*
 * digest/message-pack.c - a kept message as a record.
 *
 * A digest keeps every message it reads until the report is freed: at a
 * million messages, the parser's dozen small allocations per message
 * (made on the pool threads, among their temporary ones) and the fields
 * only parsing needs cost more than the text they hold.
 * pd__post_pack() makes a patch, cover letter or pull request a
 * pd_post in one piece of an arena: the record and, for what names a
 * series, its title, with no malloc header or padding to 16 bytes of its
 * own.  Its subject, title, origin and commit message go to the
 * digest's temporary file as one record (pd__body_store_add()), read
 * back only when written out: at a million messages the first three were
 * 44 MB in memory and the commit messages' index 12 MB; the record holds
 * where they are.  A reply becomes a pd_reply in the same arena
 * (pd__reply_pack()).  Strings that repeat across messages --
 * Message-IDs (a thread's root is referred to by every message in it),
 * names, addresses, versions -- are kept once, in the digest's pool of
 * shared strings, and so are lists of References (the replies to one
 * message, the patches of one series, mostly name the same ones).
 */
#include <string.h>
#include "digest/digest.h"

static char *shared(pd__pool *pool, const char *s)
{
	return (char *)pd__pool_intern(pool, s);
}

/* Whether a posting keeps its title in memory: what a series is named
 * and told by (its cover letter, its patch 1, a lone patch) and a pull
 * request.  Other patches' titles are only written out. */
static int keeps_title(const pd_message *m)
{
	return m->kind == PD_KIND_COVER || m->tags.is_pull || m->tags.number <= 1;
}

/* The text record of a posting (pd__post_text_split() reads it): a
 * byte of which parts are there (a subject or title absent reads as
 * empty, as pd_post_text says), then the subject, the title, the
 * origin and the To: address, each NUL-terminated (empty when absent),
 * then where its bytes are (keep_raw: 8 bytes, little-endian, a
 * reference of the same store), then its commit message, when it keeps
 * one, to the record's end. */
enum { HAS_ORIGIN = 4, HAS_COMMIT_MESSAGE = 8, HAS_TO = 16, HAS_RAW = 32 };

static guint64 store_text(pd__body_store *store, const pd_message *m)
{
	const char *parts[PD__POST_TEXT_PARTS] = { m->subject, m->tags.title, m->origin,
						   m->to_address };
	GString *rec = g_string_sized_new(128 + (m->commit_message ? strlen(m->commit_message) : 0));
	guint64 ref, raw = m->raw ? pd__body_store_add(store, m->raw, m->raw_len) : 0;
	guint64 raw_le = GUINT64_TO_LE(raw);

	g_string_append_c(rec, (char)((m->origin ? HAS_ORIGIN : 0)
				      | (m->commit_message ? HAS_COMMIT_MESSAGE : 0)
				      | (m->to_address ? HAS_TO : 0) | (raw ? HAS_RAW : 0)));
	for (int i = 0; i < PD__POST_TEXT_PARTS; i++) {
		g_string_append(rec, parts[i] ? parts[i] : "");
		g_string_append_c(rec, '\0');
	}
	if (raw)
		g_string_append_len(rec, (const char *)&raw_le, 8);
	if (m->commit_message)
		g_string_append(rec, m->commit_message);
	ref = pd__body_store_add(store, rec->str, rec->len);
	g_string_free(rec, TRUE);
	return ref;
}

int pd__post_text_split(pd__post_text_parts *out, const char *rec, size_t len)
{
	const char *at = rec + 1, *end = rec + len, *nul;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < PD__POST_TEXT_PARTS; i++) {
		if (at >= end || !(nul = memchr(at, 0, (size_t)(end - at))))
			return pd__error(PD_ERR_IO, "a message's subject and origin read back damaged");
		out->part[i] = at;
		at = nul + 1;
	}
	out->has_origin = !!(rec[0] & HAS_ORIGIN);
	out->has_to = !!(rec[0] & HAS_TO);
	if (rec[0] & HAS_RAW) {
		if (end - at < 8)
			return pd__error(PD_ERR_IO, "a message's subject and origin read back damaged");
		memcpy(&out->raw, at, 8);
		out->raw = GUINT64_FROM_LE(out->raw);
		at += 8;
	}
	if (rec[0] & HAS_COMMIT_MESSAGE) {
		out->commit_message = at;
		out->commit_message_len = (size_t)(end - at);
	} else if (at != end) {
		return pd__error(PD_ERR_IO, "a message's subject and origin read back damaged");
	}
	return PD_OK;
}

int pd__post_text_parse(pd_post_text **out, const char *rec, size_t len)
{
	pd__post_text_parts parts;
	pd_post_text *t;
	size_t head;
	char *copy;
	int error;

	*out = NULL;
	if ((error = pd__post_text_split(&parts, rec, len)) < 0)
		return error;
	/* the strings, not the commit message after them */
	head = (size_t)(parts.part[3] - rec) + strlen(parts.part[3]) + 1;
	t = g_malloc(sizeof(*t) + head);
	copy = (char *)(t + 1);
	memcpy(copy, rec, head);
	t->subject = copy + (parts.part[0] - rec);
	t->title = copy + (parts.part[1] - rec);
	t->origin = parts.has_origin ? copy + (parts.part[2] - rec) : NULL;
	t->to_address = parts.has_to ? copy + (parts.part[3] - rec) : NULL;
	*out = t;
	return PD_OK;
}

pd_post *pd__post_pack(const pd_message *m, pd__pool *pool, pd__arena *arena,
		       pd__body_store *store)
{
	/* a series' patches mostly name the same References */
	const char *const *refs = pd__pool_list(pool, arena, m->references);
	int title = keeps_title(m) && m->tags.title;
	pd_post *p;

	p = pd__arena_alloc(arena, sizeof(*p) + (title ? strlen(m->tags.title) + 1 : 0));
	memset(p, 0, sizeof(*p));
	p->references = refs;
	p->message_id = shared(pool, m->message_id);
	if (title)
		p->tags.title = memcpy(p + 1, m->tags.title, strlen(m->tags.title) + 1);
	p->text = store_text(store, m);
	p->tags.version = shared(pool, m->tags.version);
	p->tags.number = m->tags.number;
	p->tags.total = m->tags.total;
	p->tags.is_reply = !!m->tags.is_reply;
	p->tags.is_patch_tagged = !!m->tags.is_patch_tagged;
	p->tags.has_counter = !!m->tags.has_counter;
	p->tags.version_explicit = !!m->tags.version_explicit;
	p->tags.is_rfc = !!m->tags.is_rfc;
	p->tags.is_resend = !!m->tags.is_resend;
	p->tags.is_pull = !!m->tags.is_pull;
	p->sender.name = shared(pool, m->sender.name);
	p->sender.address = shared(pool, m->sender.address);
	p->author.name = shared(pool, m->author.name);
	p->author.address = shared(pool, m->author.address);
	p->date = m->date;
	p->archive_time = m->archive_time;
	p->content_hash = m->content_hash;
	p->lists = m->lists;
	p->kind = m->kind;
	p->has_diff = !!m->has_diff;
	p->damaged = !!m->damaged;
	return p;
}

/* ---- replies: records in an arena --------------------------------------- */

#define ARENA_BLOCK (256 * 1024)

void *pd__arena_alloc_bytes(pd__arena *a, size_t size)
{
	void *p;

	if (size > a->left) {
		size_t block = MAX(size, a->block ? a->block : (size_t)ARENA_BLOCK);
		char *b = g_malloc(block);
		a->blocks = g_slist_prepend(a->blocks, b);
		a->at = b;
		a->left = block;
	}
	p = a->at;
	a->at += size;
	a->left -= size;
	return p;
}

void *pd__arena_alloc(pd__arena *a, size_t size)
{
	/* every size a multiple of 8 from an aligned block: aligned */
	return pd__arena_alloc_bytes(a, (size + 7) & ~(size_t)7);
}

void pd__arena_unalloc(pd__arena *a, void *p, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if ((char *)p + size == a->at) {
		a->at = p;
		a->left += size;
	}
}

void pd__arena_clear(pd__arena *a)
{
	size_t block = a->block;

	g_slist_free_full(a->blocks, g_free);
	memset(a, 0, sizeof(*a));
	a->block = block;
}

/* A copy of `f` in the arena, its strings in the pool (a trailer's name
 * and address are mostly the sender's, its tag one of a few): one reply's
 * facts were five allocations of their own. */
static const pd_reply_facts *facts_pack(const pd_reply_facts *f, const char *title,
					pd__pool *pool, pd__arena *arena)
{
	size_t n_commits = 0;
	pd_reply_facts *p;

	while (f->applied_commits && f->applied_commits[n_commits])
		n_commits++;
	p = pd__arena_alloc(arena, sizeof(*p));
	*p = *f;
	if (f->n_trailers) {
		pd_trailer *t = pd__arena_alloc(arena, f->n_trailers * sizeof(*t));
		for (size_t i = 0; i < f->n_trailers; i++) {
			t[i] = f->trailers[i];
			t[i].tag = shared(pool, f->trailers[i].tag);
			t[i].person.name = shared(pool, f->trailers[i].person.name);
			t[i].person.address = shared(pool, f->trailers[i].person.address);
		}
		p->trailers = t;
	}
	p->applied_tree = shared(pool, f->applied_tree);
	p->title = shared(pool, title);
	if (f->applied_commits) {
		char **c = pd__arena_alloc(arena, (n_commits + 1) * sizeof(*c));
		for (size_t i = 0; i < n_commits; i++)
			c[i] = shared(pool, f->applied_commits[i]);
		c[n_commits] = NULL;
		p->applied_commits = c;
	}
	if (f->n_applied_numbers) {
		int *n = pd__arena_alloc(arena, f->n_applied_numbers * sizeof(*n));
		memcpy(n, f->applied_numbers, f->n_applied_numbers * sizeof(*n));
		p->applied_numbers = n;
	}
	return p;
}

void pd__reply_pack_waiting(pd_reply *r, const pd_message *m, pd__pool *pool)
{
	memset(r, 0, sizeof(*r));
	r->sender.name = shared(pool, m->sender.name);
	r->sender.address = shared(pool, m->sender.address);
	r->date = m->date;
	r->archive_time = m->archive_time;
	r->content_hash = m->content_hash;
	r->lists = m->lists;
	r->damaged = m->damaged;
}

void pd__reply_pack(pd_reply *r, const pd_message *m, pd__pool *pool, pd__arena *arena)
{
	pd__reply_pack_waiting(r, m, pool);
	/* replies to one message mostly name the same References */
	r->references = pd__pool_list(pool, arena, m->references);
	r->message_id = shared(pool, m->message_id);
	/* listed by its own title: "applied" of a patch (or pulled of a pull
	 * request) that may be in no series known here */
	r->facts = m->facts ? facts_pack(m->facts,
					 m->facts->applied && (m->tags.is_patch_tagged
							       || m->tags.is_pull)
					 ? m->tags.title : NULL,
					 pool, arena)
			    : NULL;
}

pd_reply *pd__reply_of_post(const pd_post *p, pd__arena *arena)
{
	pd_reply *r = pd__arena_alloc(arena, sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->message_id = p->message_id;
	r->references = p->references;
	r->sender = p->sender;
	r->date = p->date;
	r->archive_time = p->archive_time;
	r->content_hash = p->content_hash;
	r->lists = p->lists;
	r->damaged = p->damaged;
	return r;
}

pd_reply *pd__reply_copy(const pd_reply *r, pd__arena *arena)
{
	pd_reply *copy = pd__arena_alloc(arena, sizeof(*copy));

	*copy = *r;
	return copy;
}
