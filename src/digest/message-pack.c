/*
 * digest/message-pack.c - a kept message as a record.
 *
 * A digest keeps every message it reads until the report is freed: at a
 * million messages, the parser's dozen small allocations per message
 * (made on the pool threads, among their temporary ones) and the fields
 * only parsing needs cost more than the text they hold.
 * pd__post_pack() makes a patch, cover letter or pull request a
 * pd_post in one piece of an arena: the record and its own strings (the
 * subject and where it came from), with no malloc header or padding to
 * 16 bytes of its own.  A reply becomes a pd_reply in the same arena
 * (pd__reply_pack()).  Strings that repeat across messages --
 * Message-IDs (a thread's root is referred to by every message in it),
 * names, addresses, versions -- are kept once, in the digest's pool of
 * shared strings, and so are lists of References (the replies to one
 * message, the patches of one series, mostly name the same ones).
 */
#include <string.h>
#include "digest/digest.h"

static char *copy_into(char **at, const char *s)
{
	char *start = *at;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	memcpy(start, s, len);
	*at += len;
	return start;
}

static char *shared(pd__pool *pool, const char *s)
{
	return (char *)pd__pool_intern(pool, s);
}

static size_t size_of(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

pd_post *pd__post_pack(const pd_message *m, pd__pool *pool, pd__arena *arena)
{
	/* the title is mostly the subject's end ("[PATCH v2 1/3] title") */
	int title_in_subject = m->subject && m->tags.title
			    && g_str_has_suffix(m->subject, m->tags.title);
	/* a series' patches mostly name the same References */
	const char *const *refs = pd__pool_list(pool, arena, m->references);
	pd_post *p;
	char *at;

	p = pd__arena_alloc(arena, sizeof(*p) + size_of(m->subject)
			    + (title_in_subject ? 0 : size_of(m->tags.title))
			    + size_of(m->origin));
	memset(p, 0, sizeof(*p));
	at = (char *)(p + 1);
	p->references = refs;
	p->message_id = shared(pool, m->message_id);
	p->subject = copy_into(&at, m->subject);
	p->tags.title = title_in_subject
		      ? p->subject + strlen(m->subject) - strlen(m->tags.title)
		      : copy_into(&at, m->tags.title);
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
	p->origin = copy_into(&at, m->origin);
	p->to_address = shared(pool, m->to_address);
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
static const pd_reply_facts *facts_pack(const pd_reply_facts *f, pd__pool *pool,
					pd__arena *arena)
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

pd_reply *pd__reply_pack(const pd_message *m, pd__pool *pool, pd__arena *arena)
{
	/* replies to one message mostly name the same References */
	const char *const *refs = pd__pool_list(pool, arena, m->references);
	pd_reply *r;

	r = pd__arena_alloc(arena, sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->references = refs;
	r->message_id = shared(pool, m->message_id);
	r->sender.name = shared(pool, m->sender.name);
	r->sender.address = shared(pool, m->sender.address);
	r->date = m->date;
	r->archive_time = m->archive_time;
	r->facts = m->facts ? facts_pack(m->facts, pool, arena) : NULL;
	/* listed by its own title: "applied" of a patch (or pulled of a pull
	 * request) that may be in no series known here */
	if (m->facts && m->facts->applied && m->tags.title
	    && (m->tags.is_patch_tagged || m->tags.is_pull))
		r->title = shared(pool, m->tags.title);
	r->content_hash = m->content_hash;
	r->lists = m->lists;
	r->damaged = m->damaged;
	return r;
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
