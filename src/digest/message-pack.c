/*
 * digest/message-pack.c - a kept message in one allocation.
 *
 * A digest keeps every message it reads until the report is freed: at a
 * million messages, the parser's dozen small allocations per message
 * (made on the pool threads, among their temporary ones) cost more than
 * the text they hold.  pd__message_pack() copies a message into one
 * block: the struct, its References array and its own strings.
 * Strings that repeat across messages -- Message-IDs (a thread's root is
 * referred to by every message in it), names, addresses, List-Ids --
 * are kept once, in the digest's pool of shared strings.
 */
#include <string.h>
#include "digest/digest.h"
#include "mail/message-fields.h"

/* Bytes of the block's own strings, and the strings shared in the pool. */
static size_t own_size(const pd_message *m, int with_body)
{
	size_t n = 0;

#define SIZE_POOL(field)
#define SIZE_OWN(field) n += m->field ? strlen(m->field) + 1 : 0;
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

static char *shared(GStringChunk *pool, const char *s)
{
	return s ? g_string_chunk_insert_const(pool, s) : NULL;
}

pd_message *pd__message_pack(const pd_message *m, GStringChunk *pool, int with_body)
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
#define PACK_OWN(field) p->field = copy_into(&at, m->field);
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
