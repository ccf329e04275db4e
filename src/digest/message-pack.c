/*
 * digest/message-pack.c - a kept message in one allocation.
 *
 * A digest keeps every message it reads until the report is freed: at a
 * million messages, the parser's dozen small allocations per message
 * (made on the pool threads, among their temporary ones) cost more than
 * the text they hold.  pd__message_pack() copies a message into one
 * block: the struct, its References array and its own strings.
 * Strings that repeat across messages -- Message-IDs (a thread's root is
 * referred to by every message in it), names, addresses --
 * are kept once, in the digest's pool of shared strings.
 */
#include <string.h>
#include "digest/digest.h"
#include "mail/message-fields.h"

/* Whether `field` is the title and the subject ends with it ("[PATCH
 * v2 1/3] title"): the copy's title then points into its subject. */
static int title_in_subject(const pd_message *m, char *const *field)
{
	return field == &m->tags.title && m->subject && m->tags.title
	    && g_str_has_suffix(m->subject, m->tags.title);
}

/* Bytes of the block's own strings, and the strings shared in the pool. */
static size_t own_size(const pd_message *m, int with_body)
{
	size_t n = 0;

#define SIZE_POOL(field)
#define SIZE_GONE(field)
#define SIZE_OWN(field) n += m->field && !title_in_subject(m, &m->field) ? strlen(m->field) + 1 : 0;
#define SIZE_BODY(field) if (with_body) SIZE_OWN(field)
#define SIZE(field, pack, reply) SIZE_##pack(field)
	PD__MESSAGE_STRINGS(SIZE)
#undef SIZE
	return n;
}

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

pd_message *pd__message_pack(const pd_message *m, pd__pool *pool, int with_body)
{
	size_t n_refs = 0, refs_size, i;
	pd_message *p;
	char **refs, *at;

	while (m->references && m->references[n_refs])
		n_refs++;
	refs_size = (n_refs + 1) * sizeof(char *);
	p = g_malloc(sizeof(*p) + refs_size + own_size(m, with_body));
	*p = *m;
	refs = (char **)(p + 1);
	at = (char *)refs + refs_size;
	for (i = 0; i < n_refs; i++)
		refs[i] = shared(pool, m->references[i]);
	refs[n_refs] = NULL;
	p->references = refs;
#define PACK_POOL(field) p->field = shared(pool, m->field);
#define PACK_GONE(field) p->field = NULL;
#define PACK_OWN(field) p->field = title_in_subject(m, &m->field)                          \
	? p->subject + strlen(m->subject) - strlen(m->tags.title) : copy_into(&at, m->field);
#define PACK_BODY(field) p->field = with_body ? copy_into(&at, m->field) : NULL;
#define PACK(field, pack, reply) PACK_##pack(field)
	PD__MESSAGE_STRINGS(PACK)
#undef PACK
	return p;
}

void pd__kept_free(gpointer kept)
{
	pd_message *m = kept;

	if (!m)
		return;
	pd_reply_facts_free(m->facts);
	g_free(m);
}

/* ---- replies: records in an arena --------------------------------------- */

#define ARENA_BLOCK (256 * 1024)

void *pd__arena_alloc(pd__arena *a, size_t size)
{
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (size > a->left) {
		size_t block = size > ARENA_BLOCK ? size : ARENA_BLOCK;
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

void pd__arena_clear(pd__arena *a)
{
	g_slist_free_full(a->blocks, g_free);
	memset(a, 0, sizeof(*a));
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
	size_t n_refs = 0;
	pd_reply *r;
	const char **refs;

	while (m->references && m->references[n_refs])
		n_refs++;
	r = pd__arena_alloc(arena, sizeof(*r) + (n_refs + 1) * sizeof(char *));
	memset(r, 0, sizeof(*r));
	refs = (const char **)(r + 1);
	for (size_t i = 0; i < n_refs; i++)
		refs[i] = shared(pool, m->references[i]);
	refs[n_refs] = NULL;
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
