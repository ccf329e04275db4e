/*
 * digest/crosspost.c - a digest of several archives: a message read from
 * another list is a cross-post (counted once) when public-inbox's content
 * hash says so, and the messages of all lists are taken in their order
 * of arrival.  keep() (digest.c) asks pd__seen_in_another_list();
 * pd_digest_read_inputs() (read.c) sorts with pd__digest_sort_by_arrival().
 */
#include "digest/digest.h"

/* The fields a kept message and a reply record share, by address. */
typedef struct {
	uint64_t *content_hash;
	unsigned *lists;
	int64_t *archive_time;
} kept_fields;

static kept_fields fields_of(gpointer kept)
{
	kept_fields f;

	if ((guintptr)kept & PD__REPLY_BIT) {
		pd_reply *r = (pd_reply *)((guintptr)kept & ~PD__REPLY_BIT);
		f.content_hash = &r->content_hash;
		f.lists = &r->lists;
		f.archive_time = &r->archive_time;
	} else {
		pd_post *m = kept;
		f.content_hash = &m->content_hash;
		f.lists = &m->lists;
		f.archive_time = &m->archive_time;
	}
	return f;
}

/* In a digest of several archives, a message whose Message-ID was kept
 * before: 1 when it is consumed (a copy of a kept message: a cross-post
 * adds its list to the kept one; a second delivery to the same list is a
 * duplicate), 0 when it is another message with that Message-ID, to be
 * kept as well (public-inbox's rule: same ID, other content). */
int pd__seen_in_another_list(pd_digest *d, gpointer first, pd_message *m)
{
	GPtrArray *others = d->others ? g_hash_table_lookup(d->others, m->message_id) : NULL;
	unsigned bit = 1u << d->source;
	int same_list = 0;

	for (guint i = 0; i <= (others ? others->len : 0); i++) {
		kept_fields k = fields_of(i == 0 ? first : others->pdata[i - 1]);
		if (*k.content_hash == m->content_hash) {
			if (*k.lists & bit) {
				d->n_duplicates++;
			} else {
				*k.lists |= bit;
				d->n_crossposted++;
			}
			/* it arrived when its first copy did, whichever list
			 * was read first */
			if (m->archive_time && m->archive_time < *k.archive_time)
				*k.archive_time = m->archive_time;
			pd_message_free(m);
			return 1;
		}
		same_list |= (*k.lists & bit) != 0;
	}
	if (same_list) {
		/* read from this list before: a delivery of it again, as in a
		 * digest of one archive */
		d->n_duplicates++;
		pd_message_free(m);
		return 1;
	}
	return 0;
}

/* The order of arrival across several archives: archive time, ties (a
 * second's resolution) by Date:, Message-ID, then content, so that it is
 * the same whichever archive was read first. */
typedef struct {
	int64_t archive_time, date;
	const char *message_id;
	uint64_t content_hash;
	gpointer kept;            /* pd_post, or pd_reply with PD__REPLY_BIT */
} arrival;

static gint by_arrival(gconstpointer pa, gconstpointer pb)
{
	const arrival *x = pa, *y = pb;
	int c;

	if (x->archive_time != y->archive_time)
		return x->archive_time < y->archive_time ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if ((c = g_strcmp0(x->message_id, y->message_id)))
		return c;
	return (x->content_hash > y->content_hash) - (x->content_hash < y->content_hash);
}

void pd__digest_sort_by_arrival(pd_digest *d)
{
	size_t n_replies = pd__replies_count(d->replies);
	GArray *all = g_array_sized_new(FALSE, FALSE, sizeof(arrival), d->messages->len + n_replies);
	for (guint i = 0; i < d->messages->len; i++) {
		pd_post *m = d->messages->pdata[i];
		arrival a = { m->archive_time, m->date, m->message_id, m->content_hash, m };
		g_array_append_val(all, a);
	}
	/* several archives keep every reply's record in memory */
	for (size_t i = 0; i < n_replies; i++) {
		const pd_reply *r = pd__replies_kept_at(d->replies, i);
		arrival a = { r->archive_time, r->date, r->message_id, r->content_hash,
			      (gpointer)((guintptr)r | PD__REPLY_BIT) };
		g_array_append_val(all, a);
	}
	g_array_sort(all, by_arrival);
	/* the posts and records are in the digest's arena: emptied, not freed */
	g_ptr_array_set_size(d->messages, 0);
	g_array_set_size(d->message_seq, 0);
	if (d->replies) {
		pd__replies_free(d->replies);
		d->replies = pd__replies_new(1);
	}
	for (guint i = 0; i < all->len; i++) {
		gpointer k = g_array_index(all, arrival, i).kept;
		if ((guintptr)k & PD__REPLY_BIT) {
			const pd_reply *r = (const pd_reply *)((guintptr)k & ~PD__REPLY_BIT);
			pd__replies_add(d->replies, r, r, i);
		} else {
			g_ptr_array_add(d->messages, k);
			g_array_append_val(d->message_seq, i);
		}
	}
	g_array_free(all, TRUE);
}
