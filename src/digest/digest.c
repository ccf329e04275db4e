/*
 * digest/digest.c - from messages to a report: unique messages in archive order,
 * series, the two tables, and which series were reported already.
 */
#include <string.h>
#include "digest/digest.h"
#include "mail/mail.h"
#include "mail/message-fields.h"


int pd_digest_new(pd_digest **out, const pd_digest_options *opts)
{
	pd_digest_options defaults = PD_DIGEST_OPTIONS_INIT;
	pd_digest *d;
	int error;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((error = pd__check_version(opts->version, PD_DIGEST_OPTIONS_VERSION,
				       "pd_digest_options")) < 0
	    || (error = pd__check_version(opts->parse.version, PD_PARSE_OPTIONS_VERSION,
					  "pd_digest_options.parse")) < 0)
		return error;
	d = g_new0(pd_digest, 1);
	d->opts = *opts;
	d->name = g_strdup(d->opts.name);
	d->lore_list = g_strdup(d->opts.lore_list);
	d->opts.name = d->opts.lore_list = NULL;
	d->messages = g_ptr_array_new();
	d->message_seq = g_array_new(FALSE, FALSE, sizeof(guint32));
	pd__pool_init(&d->pool);
	d->ids = g_hash_table_new(pd__str_hash, g_str_equal);
	d->bodies = pd__body_store_new();
	*out = d;
	return PD_OK;
}

void pd_digest_free(pd_digest *d)
{
	if (!d)
		return;
	if (d->ids)
		g_hash_table_destroy(d->ids);
	if (d->others)
		g_hash_table_destroy(d->others);
	for (unsigned i = 0; i < PD__MAX_INPUTS; i++)
		g_free(d->list_ids[i]);
	g_ptr_array_free(d->messages, TRUE);
	pd__replies_free(d->replies);
	g_array_free(d->message_seq, TRUE);
	pd__arena_clear(&d->arena);
	pd__pool_clear(&d->pool);
	if (!d->bodies_borrowed)
		pd__body_store_free(d->bodies);
	g_free(d->name);
	g_free(d->lore_list);
	pd_digest_free(d->lookback);
	g_free(d);
}

static void diag(pd_digest *d, pd_diag_level level, const char *origin, const char *what)
{
	if (d->opts.diag)
		d->opts.diag(level, origin ? origin : "", what, d->opts.diag_payload);
}

void pd_digest_note_skipped(pd_digest *d, const char *origin, const char *what)
{
	d->n_skipped++;
	diag(d, PD_DIAG_SKIPPED, origin, what);
}

int pd__is_reply_record(const pd_message *m)
{
	return m->kind == PD_KIND_REPLY && !pd__is_pull_message(m);
}

/* One archive: whether Message-ID `id` was kept before, into *seen.  A
 * posting's or a kept reply's is marked in the pool, a waiting reply's
 * is the file's (replies.c).  When it was not, a message that does not
 * wait (`waits` 0) is marked kept now. */
static int seen_in_one_archive(int *seen, pd_digest *d, const char *id, int waits)
{
	const char *pooled = waits ? pd__pool_find(&d->pool, id) : pd__pool_intern(&d->pool, id);
	int error;

	*seen = pooled && pd__pool_marked(pooled, PD__MARK_KEPT);
	if (!*seen && (error = pd__replies_has_waiting(seen, d->replies, id)) < 0)
		return error;
	if (!*seen && !waits)
		pd__pool_mark(pooled, PD__MARK_KEPT);
	return PD_OK;
}

/* Marks what a kept message's References name: the review side walks up
 * through the messages answered (In-Reply-To), grouping through all
 * those named.  `intern`: the strings are not the pool's yet. */
static void mark_named(pd_digest *d, const char *const *refs, int intern)
{
	for (size_t i = 0; refs && refs[i]; i++) {
		const char *ref = intern ? pd__pool_intern(&d->pool, refs[i]) : refs[i];
		if (i == 0)
			pd__pool_mark(ref, PD__MARK_ANSWERED);
		pd__pool_mark(ref, PD__MARK_NAMED);
	}
}

/* Keeps `m` unless its Message-ID was seen: the last step of adding.  A
 * reply becomes a record (message-pack.c); any other message is kept in
 * one piece of the arena, its commit message in the body store: read
 * again only when written out. */
static int keep(pd_digest *d, pd_message *m)
{
	gpointer first = NULL, value;
	const char *id;
	const char *const *refs;
	int all_kept, waits;

	if (d->n_sources > 1)
		m->lists = 1u << d->source;
	if (m->message_id && d->n_sources > 1
	    && (first = g_hash_table_lookup(d->ids, m->message_id))
	    && pd__seen_in_another_list(d, first, m))
		return PD_OK;
	/* a reply without facts waits in a file (replies.c), unless the
	 * digest keeps every record: several archives change a reply's
	 * record after it is kept (pd__seen_in_another_list()), and every
	 * reply of a look-back window is walked through */
	all_kept = d->n_sources > 1 || d->is_lookback;
	waits = !all_kept && pd__is_reply_record(m) && !m->facts;
	/* several archives: `ids` knows each Message-ID's first message */
	if (!first && m->message_id) {
		int seen = 0, error = d->n_sources > 1
			? (seen = g_hash_table_contains(d->ids, m->message_id), PD_OK)
			: seen_in_one_archive(&seen, d, m->message_id, waits);
		if (error < 0 || seen) {
			if (seen)
				d->n_duplicates++; /* the same message delivered twice counts once */
			pd_message_free(m);
			return error < 0 ? error : PD_OK;
		}
	}
	if (!d->list_ids[d->source] && m->list_id && *m->list_id)
		d->list_ids[d->source] = g_strdup(m->list_id);
	if (!d->replies && pd__is_reply_record(m))
		d->replies = pd__replies_new(all_kept);
	if (waits) {
		pd_reply rec;
		pd__reply_pack_waiting(&rec, m, &d->pool);
		pd__replies_add_waiting(d->replies, &rec, m->message_id, m->references, d->seq);
		mark_named(d, (const char *const *)m->references, 1);
		d->seq++;
		pd_message_free(m);
		return PD_OK;
	}
	if (pd__is_reply_record(m)) {
		pd_reply rec;
		pd_reply *kept = NULL;
		pd__reply_pack(&rec, m, &d->pool, &d->arena);
		if (all_kept || rec.facts)
			kept = pd__reply_copy(&rec, &d->arena);
		pd__replies_add(d->replies, &rec, kept, d->seq);
		id = rec.message_id;
		refs = rec.references;
		value = (gpointer)((guintptr)kept | PD__REPLY_BIT);
	} else {
		/* its texts and bytes (PD_FORMAT_MBOX) go to the store */
		pd_post *kept = pd__post_pack(m, &d->pool, &d->arena, d->bodies);
		g_ptr_array_add(d->messages, kept);
		g_array_append_val(d->message_seq, d->seq);
		id = kept->message_id;
		refs = kept->references;
		value = kept;
	}
	mark_named(d, refs, 0);
	d->seq++;
	pd_message_free(m);
	if (first) {
		/* the same Message-ID, other content: another message */
		GPtrArray *others;
		if (!d->others)
			d->others = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
							  (GDestroyNotify)g_ptr_array_unref);
		if (!(others = g_hash_table_lookup(d->others, id))) {
			others = g_ptr_array_new();
			g_hash_table_insert(d->others, (gpointer)id, others);
		}
		g_ptr_array_add(others, value);
	} else if (id && d->n_sources > 1) {
		g_hash_table_insert(d->ids, (gpointer)id, value);
	}
	return PD_OK;
}

/* A reply counts, threads and dates the range; nothing else of it is
 * read again.  Half of an archive's messages are replies: keeping only
 * what is read keeps a digest of millions of messages in memory. */
static void slim_reply(pd_message *m)
{
	/* the few replies listed by their own title keep it */
	int titled = pd__is_pull_request(m) || (m->facts && m->facts->applied);

#define SLIM_KEEP(field)
#define SLIM_DROP(field) g_clear_pointer(&m->field, g_free);
#define SLIM_TITLED(field) if (!titled) SLIM_DROP(field)
#define SLIM(field, reply) SLIM_##reply(field)
	PD__MESSAGE_STRINGS(SLIM)
#undef SLIM
}

int pd__digest_take(pd_digest *d, pd_message *m, const char *origin, int64_t archive_time)
{
	if (d->is_lookback) {
		/* read only to thread replies to: nothing is reported of it */
		if (!archive_time && ((d->since && m->date < d->since)
				      || (d->until && m->date >= d->until))) {
			pd_message_free(m);
			return PD_OK;
		}
		if (archive_time)
			m->archive_time = archive_time;
		g_clear_pointer(&m->commit_message, g_free);
		g_clear_pointer(&m->facts, pd_reply_facts_free);
		if (m->kind == PD_KIND_REPLY)
			slim_reply(m);
		return keep(d, m);
	}
	if (archive_time)
		m->archive_time = archive_time;
	else if ((d->since && m->date < d->since)
		 || (d->until && m->date >= d->until)) {
		pd_message_free(m); /* outside --since/--until */
		return PD_OK;
	}
	if (m->damaged) {
		d->n_damaged++;
		diag(d, PD_DIAG_WARNING, origin, m->damage);
	}
	if (m->note)
		diag(d, PD_DIAG_NOTE, origin, m->note);
	if (m->kind == PD_KIND_REPLY)
		slim_reply(m);
	return keep(d, m);
}

int pd_digest_add_message(pd_digest *d, pd_message *m)
{
	if (!m)
		return pd__error(PD_ERR_INVALID, "pd_digest_add_message: no message");
	return pd__digest_take(d, m, m->origin, 0);
}

int pd_digest_add_raw(pd_digest *d, const pd_raw_message *raw)
{
	pd_message *m = NULL;

	if (pd_message_parse(&m, raw->data, raw->len, raw->origin, &d->opts.parse) < 0) {
		pd_digest_note_skipped(d, raw->origin, pd_error_last());
		return PD_OK;
	}
	return pd__digest_take(d, m, raw->origin, raw->archive_time);
}

/* ---- the list's name ---------------------------------------------------- */

/* "kvm.vger.kernel.org" -> "kvm"; lists on vger and lists.linux.dev are
 * on lore under the local part of their address. */
char *pd__list_label(const char *list_id)
{
	const char *dot = strchr(list_id, '.');

	return g_strndup(list_id, dot ? (size_t)(dot - list_id) : strlen(list_id));
}

int pd__is_lore_name(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789._+-") == strlen(s);
}

static void guess_list(pd_report *r, const char *list_id)
{
	size_t i;
	char *label = NULL;
	int known = 0;

	if (list_id) {
		label = pd__list_label(list_id);
		known = 1;
	}
	/* the first posting's To: (read back: a list's mail mostly has a
	 * List-Id, and then this is never read) */
	for (i = 0; i < r->n_messages && !label; i++) {
		const pd_post *m = r->messages[i];
		pd_post_text *t = NULL;
		const char *at;
		if (m->kind == PD_KIND_REPLY || pd_report_post_text(&t, r, m) < 0)
			continue;
		if (t->to_address && (at = strchr(t->to_address, '@'))) {
			label = g_strndup(t->to_address, at - t->to_address);
			known = !g_ascii_strcasecmp(at + 1, "vger.kernel.org")
			     || !g_ascii_strcasecmp(at + 1, "lists.linux.dev");
		}
		pd_post_text_free(t);
	}
	if (!r->name && label)
		r->name = g_ascii_strup(label, -1); /* else none is known: NULL */
	/* a label from mail is a list's name on lore only when it could be
	 * one (the characters --lore-list takes): it becomes part of links */
	if (!r->lore_list && label && known && pd__is_lore_name(label))
		r->lore_list = g_ascii_strdown(label, -1);
	g_free(label);
}

/* The messages that turned out to be replies become records, in their
 * place among the replies (rare: a cover letter that forgot "Re:"). */
static int to_replies(pd__report *full)
{
	pd_report *r = &full->pub;
	GArray *extra = g_array_new(FALSE, TRUE, sizeof(pd__reply_slot));
	size_t kept = 0;
	int error;

	for (size_t i = 0; i < r->n_messages; i++) {
		const pd_post *m = r->messages[i];
		guint32 seq = full->message_seq[i];
		pd__reply_slot slot = { 0 };
		if (m->kind != PD_KIND_REPLY || PD__TAGS_PULL_MESSAGE(m->tags)) {
			full->message_seq[kept] = seq;
			r->messages[kept++] = m;
			continue;
		}
		/* the post stays in the arena: its reply record borrows its
		 * strings */
		slot.kept = pd__reply_of_post(m, &full->arena);
		slot.reply = *slot.kept;
		slot.seq = seq;
		g_array_append_val(extra, slot);
	}
	r->n_messages = kept;
	error = pd__replies_merge(&full->replies, (const pd__reply_slot *)extra->data, extra->len);
	g_array_free(extra, TRUE);
	r->n_reply_records = pd__replies_count(full->replies);
	return error;
}

/* A series led by a patch numbered 2 or more (its cover letter and
 * patch 1 never came) is named by that patch's title, which the patch's
 * record does not keep in memory: read back, kept in the pool. */
static int lead_titles(pd__report *full, pd_series *series, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pd_series *s = &series[i];
		pd_post_text *t = NULL;
		int error;
		if (s->title || s->continues || s->cover || s->first_patch || !s->n_patches)
			continue;
		if ((error = pd_report_post_text(&t, &full->pub, s->patches[0])) < 0)
			return error;
		s->title = pd__pool_intern(&full->pool, t->title);
		pd_post_text_free(t);
	}
	return PD_OK;
}

/* Whether two of the report's postings have the same subject (read
 * back from the store: rare, only a cover letter answering a posting
 * asks).  A store that cannot be read answers no; output then fails on
 * the same read with the error. */
static int same_subject(const pd__report *full, const pd_post *a, const pd_post *b)
{
	pd_post_text *x = NULL, *y = NULL;
	int same = pd_report_post_text(&x, &full->pub, a) == PD_OK
		&& pd_report_post_text(&y, &full->pub, b) == PD_OK
		&& !strcmp(x->subject, y->subject);

	pd_post_text_free(x);
	pd_post_text_free(y);
	return same;
}

/* A "[PATCH 0/6] T" that answers (In-Reply-To) a message with the very
 * same subject is a reply whose author forgot "Re:", not a new cover
 * letter (digest.md, "cover letter").  Only a message in the range can
 * be compared. */
static int forgotten_re(pd__report *full)
{
	pd_report *r = &full->pub;
	GHashTable *by_id = g_hash_table_new(g_str_hash, g_str_equal);
	size_t i;

	for (i = 0; i < r->n_messages; i++) {
		const pd_post *m = r->messages[i];
		if (m->kind != PD_KIND_REPLY && m->message_id)
			g_hash_table_insert(by_id, (gpointer)m->message_id, (gpointer)m);
	}
	for (i = 0; i < r->n_messages; i++) {
		pd_post *m = (pd_post *)r->messages[i]; /* ours until returned */
		const pd_post *parent;
		if (m->kind != PD_KIND_COVER || !m->references[0])
			continue;
		parent = g_hash_table_lookup(by_id, m->references[0]);
		if (parent && parent != m && same_subject(full, parent, m))
			m->kind = PD_KIND_REPLY;
	}
	g_hash_table_destroy(by_id);
	return to_replies(full);
}

/* The dates of the first and last message in the order of arrival,
 * patches and replies alike (after those reported before were dropped). */
static int ends_of_range(pd__report *full)
{
	pd_report *r = &full->pub;
	size_t nm = r->n_messages, nr = r->n_reply_records;
	pd__reply_slot first = { 0 }, last = { 0 };
	pd__reply_cursor c;
	int error = PD_OK;

	pd__reply_cursor_init(&c, full->replies);
	if (nr && ((error = pd__reply_cursor_get(&first, &c, 0)) < 0
		   || (error = pd__reply_cursor_get(&last, &c, nr - 1)) < 0)) {
		pd__reply_cursor_clear(&c);
		return error;
	}
	pd__reply_cursor_clear(&c);
	if (nm && (!nr || full->message_seq[0] < first.seq))
		r->first_message_date = r->messages[0]->date;
	else if (nr)
		r->first_message_date = first.reply.date;
	if (nm && (!nr || full->message_seq[nm - 1] > last.seq))
		r->last_message_date = r->messages[nm - 1]->date;
	else if (nr)
		r->last_message_date = last.reply.date;
	return PD_OK;
}

/* The thread nodes of the replies in `replies` that a kept message names
 * (PD__MARK_NAMED on their Message-ID in `pool`, which must be open: a
 * waiting reply's is found by its text; all: every one, with a
 * Message-ID or not), in order: the walks up go through them, and only
 * through them.  A new array into *out; with `bits`, a new array of a
 * bit per reply, set for those.  A reply with its record in memory is
 * its own node; the others get one of 16 bytes in `arena`. */
static int walk_nodes(GPtrArray **out, guint8 **bits, const pd__replies *replies, pd__pool *pool,
		      pd__arena *arena, int all)
{
	GPtrArray *nodes = g_ptr_array_new();
	size_t n = pd__replies_count(replies);
	pd__reply_cursor c;
	pd__reply_slot slot;
	int error = PD_OK;

	if (bits)
		*bits = g_new0(guint8, n / 8 + 1);
	pd__reply_cursor_init(&c, replies);
	for (size_t i = 0; i < n; i++) {
		const char *id;
		if ((error = pd__reply_cursor_get(&slot, &c, i)) < 0)
			break;
		id = slot.reply.message_id;
		if (!all) {
			const char *pooled = slot.strings_len ? pd__pool_find(pool, id) : id;
			if (!pooled || !pd__pool_marked(pooled, PD__MARK_NAMED))
				continue;
		}
		if (bits)
			(*bits)[i / 8] |= (guint8)(1u << (i % 8));
		g_ptr_array_add(nodes, (gpointer)pd__thread_node_of(&slot, pool, arena));
	}
	pd__reply_cursor_clear(&c);
	*out = nodes;
	return error;
}

/* The messages and replies from which the memory the reading threads
 * freed is given back when reading ends (pd_digest_finish()). */
#define RELEASE_AT 200000

int pd_digest_finish(pd_report **out, pd_digest *d, const char *from_label,
		     const char *to_label, pd_state *state, const char *archive_key)
{
	pd__report *full = g_new0(pd__report, 1);
	pd_report *r = &full->pub;
	GPtrArray *keep = g_ptr_array_new_with_free_func((GDestroyNotify)pd_earlier_free);
	pd__earlier_source *source = NULL;
	pd__review_options review = { 0 };
	int error = PD_OK;
	size_t i;
	char *list_id;

	*out = NULL;
	r->n_messages = d->messages->len;
	r->messages = (const pd_post **)g_ptr_array_free(d->messages, FALSE);
	d->messages = g_ptr_array_new();
	full->replies = d->replies;
	d->replies = NULL;
	r->n_reply_records = pd__replies_count(full->replies);
	full->message_seq = (guint32 *)g_array_free(d->message_seq, FALSE);
	d->message_seq = g_array_new(FALSE, FALSE, sizeof(guint32));
	full->arena = d->arena;
	memset(&d->arena, 0, sizeof(d->arena));
	/* the first List-Id read (the first archive's that has one) */
	list_id = NULL;
	for (i = 0; i < PD__MAX_INPUTS && !list_id; i++) {
		list_id = d->list_ids[i];
		d->list_ids[i] = NULL;
	}
	r->n_duplicates = d->n_duplicates;
	r->n_skipped = d->n_skipped;
	r->n_damaged = d->n_damaged;
	r->name = d->name;
	r->lore_list = d->lore_list;
	d->name = d->lore_list = NULL;
	full->bodies = d->bodies;
	d->bodies = NULL;
	full->pool = d->pool;
	memset(&d->pool, 0, sizeof(d->pool));
	full->lookback = d->lookback;
	d->lookback = NULL;
	review.stale_days = d->opts.stale_days;
	review.bots = d->opts.bots;
	review.diag = d->opts.diag;
	review.diag_payload = d->opts.diag_payload;
	review.mailmap = d->opts.mailmap;
	review.employers = d->opts.employers;
	pd_digest_free(d);

	error = forgotten_re(full);
	/* which replies the walks go through: known once every message is
	 * in, found by text while the pool can still find a string */
	if (error == PD_OK)
		error = walk_nodes(&full->named, &full->named_bits, full->replies, &full->pool,
				   &full->arena, 0);
	/* reading is over: strings pooled later are copied, not looked up;
	 * the tables that found repeated Message-IDs go (the look-back
	 * digest's too), and what the reading threads freed goes back
	 * before grouping makes its tables -- for a large digest: below
	 * RELEASE_AT messages and replies the end's tables are small, and
	 * the purge cost more than it gave (kvmarm, 21,000 messages: 3.6
	 * ms of a serial end of 40, for 0.6 MB of peak RSS; 100k: 1.9 MB) */
	pd__pool_seal(&full->pool);
	if (full->lookback) {
		pd__pool_seal(&full->lookback->pool);
		g_clear_pointer(&full->lookback->ids, g_hash_table_destroy);
		g_clear_pointer(&full->lookback->others, g_hash_table_destroy);
	}
	if (r->n_messages + r->n_reply_records >= RELEASE_AT)
		pd__release_free_memory();
	if (error == PD_OK && state && archive_key)
		error = pd__state_earlier_source(&source, state, archive_key);
	if (error == PD_OK && source)
		error = pd__drop_reported(r, source);
	if (error < 0)
		goto fail;
	r->n_replies = r->n_reply_records;
	for (i = 0; i < r->n_messages; i++) {
		switch (r->messages[i]->kind) {
		case PD_KIND_PATCH: r->n_patches++; break;
		case PD_KIND_COVER: r->n_covers++; break;
		default: r->n_replies++;
		}
	}
	error = ends_of_range(full);
	/* the order of arrival told the range's ends and where a posting
	 * that is a reply goes: nothing later reads it */
	g_clear_pointer(&full->message_seq, g_free);
	if (error == PD_OK && full->lookback)
		error = walk_nodes(&full->window_nodes, NULL, full->lookback->replies,
				   &full->lookback->pool, &full->lookback->arena, 1);
	if (error == PD_OK)
		error = pd__group_series(&r->series, &r->n_series, r->messages, r->n_messages,
					 (const pd__thread_node *const *)full->named->pdata,
					 full->named->len, source, keep);
	if (error == PD_OK)
		error = lead_titles(full, r->series, r->n_series);
	if (error == PD_OK)
		error = pd__mark_series(r, source, keep);
	if (error < 0)
		goto fail;
	pd__build_tables(r, review.mailmap, review.employers);
	if (full->lookback && full->lookback->messages->len)
		pd__group_series(&r->lookback_series, &r->n_lookback_series,
				 (const pd_post **)full->lookback->messages->pdata,
				 full->lookback->messages->len,
				 (const pd__thread_node *const *)full->window_nodes->pdata,
				 full->window_nodes->len, NULL, NULL);
	error = lead_titles(full, r->lookback_series, r->n_lookback_series);
	if (error == PD_OK)
		error = pd__review(full, &review, source, keep);
fail:
	pd__earlier_source_free(source);
	r->n_earlier = keep->len;
	r->earlier = (pd_earlier **)g_ptr_array_free(keep, FALSE);
	if (error < 0) {
		g_free(list_id);
		pd_report_free(r);
		return error;
	}
	guess_list(r, list_id);
	g_free(list_id);
	if (from_label)
		r->from_label = g_strdup(from_label);
	else
		r->from_label = r->n_messages + r->n_reply_records
			      ? pd__format_date(r->first_message_date) : g_strdup("-");
	if (to_label)
		r->to_label = g_strdup(to_label);
	else
		r->to_label = r->n_messages + r->n_reply_records
			    ? pd__format_date(r->last_message_date) : g_strdup("-");
	*out = r;
	return PD_OK;
}

void pd_report_free(pd_report *r)
{
	size_t i;

	if (!r)
		return;
	pd__series_array_free(r->series, r->n_series);
	pd__series_array_free(r->lookback_series, r->n_lookback_series);
	pd__series_array_free(r->earlier_series, r->n_earlier_series);
	g_free(r->pulls);
	g_free(r->applied_elsewhere);
	if (((pd__report *)r)->owned)
		g_ptr_array_unref(((pd__report *)r)->owned);
	pd_digest_free(((pd__report *)r)->lookback); /* after its series */
	g_free(r->messages); /* the posts are in the arena */
	pd__replies_free(((pd__report *)r)->replies);
	if (((pd__report *)r)->named)
		g_ptr_array_free(((pd__report *)r)->named, TRUE);
	g_free(((pd__report *)r)->named_bits);
	if (((pd__report *)r)->window_nodes)
		g_ptr_array_free(((pd__report *)r)->window_nodes, TRUE);
	pd__arena_clear(&((pd__report *)r)->arena);
	g_free(((pd__report *)r)->message_seq);
	pd__tallies_free(r->domains, r->n_domains);
	pd__tallies_free(r->contributors, r->n_contributors);
	pd__tallies_free(r->reviewers, r->n_reviewers);
	pd__tallies_free(r->reviewer_domains, r->n_reviewer_domains);
	pd__tallies_free(r->employers, r->n_employers);
	pd__tallies_free(r->reviewer_employers, r->n_reviewer_employers);
	g_free(r->name);
	g_free(r->lore_list);
	g_free(r->from_label);
	g_free(r->to_label);
	g_strfreev(r->lists);
	for (i = 0; r->lore_lists && i < r->n_lists; i++)
		g_free(r->lore_lists[i]);
	g_free(r->lore_lists);
	for (i = 0; i < r->n_earlier; i++)
		pd_earlier_free(r->earlier[i]);
	g_free(r->earlier);
	pd__body_store_free(((pd__report *)r)->bodies);
	pd__pool_clear(&((pd__report *)r)->pool);
	g_free(r);
}

/* The text record of `m` read back into *rec (g_free()), *len bytes;
 * a stand-in for a series only the state knows (no record) reads as an
 * empty one. */
static int post_record(char **rec, size_t *len, const pd_report *r, const pd_post *m)
{
	static const char stand_in[PD__POST_TEXT_PARTS + 1] = { 0 };

	if (m->text)
		return pd__body_store_read(rec, len, ((const pd__report *)r)->bodies, m->text);
	*rec = g_memdup2(stand_in, sizeof(stand_in));
	*len = sizeof(stand_in);
	return PD_OK;
}

/* The text record of `m` read back and split: *rec as post_record()
 * gives it (g_free() it, whatever this returns), *parts into it. */
static int post_parts(pd__post_text_parts *parts, char **rec, const pd_report *r,
		      const pd_post *m)
{
	size_t len;
	int error = post_record(rec, &len, r, m);

	return error == PD_OK ? pd__post_text_split(parts, *rec, len) : error;
}

int pd_report_commit_message(char **out, const pd_report *r, const pd_post *m)
{
	pd__post_text_parts parts;
	char *rec = NULL;
	int error;

	*out = NULL;
	if ((error = post_parts(&parts, &rec, r, m)) == PD_OK && parts.commit_message)
		*out = g_strndup(parts.commit_message, parts.commit_message_len);
	g_free(rec);
	return error;
}

int pd_report_post_text(pd_post_text **out, const pd_report *r, const pd_post *m)
{
	char *rec = NULL;
	size_t len;
	int error;

	*out = NULL;
	if ((error = post_record(&rec, &len, r, m)) == PD_OK)
		error = pd__post_text_parse(out, rec, len);
	g_free(rec);
	return error;
}

void pd_post_text_free(pd_post_text *text)
{
	g_free(text);
}

int pd_report_reply(pd_reply **out, const pd_report *r, size_t i)
{
	pd__reply_cursor c;
	pd__reply_slot slot;
	const pd_reply *rec;
	size_t n_refs = 0, size;
	char *block, *at;
	const char **refs;
	pd_reply *copy;
	int error;

	*out = NULL;
	pd__reply_cursor_init(&c, ((const pd__report *)r)->replies);
	if ((error = pd__reply_cursor_get(&slot, &c, i)) < 0) {
		pd__reply_cursor_clear(&c);
		return error;
	}
	/* one block: the record, its References and the strings of both
	 * (a waiting reply's are the cursor's, gone with it) */
	rec = PD__SLOT_REPLY(&slot);
	size = sizeof(*copy) + (rec->message_id ? strlen(rec->message_id) + 1 : 0);
	for (; rec->references && rec->references[n_refs]; n_refs++)
		size += sizeof(char *) + strlen(rec->references[n_refs]) + 1;
	size += sizeof(char *);
	block = g_malloc(size);
	copy = (pd_reply *)block;
	*copy = *rec;
	refs = (const char **)(block + sizeof(*copy));
	at = (char *)(refs + n_refs + 1);
	for (size_t k = 0; k < n_refs; k++) {
		refs[k] = strcpy(at, rec->references[k]);
		at += strlen(at) + 1;
	}
	refs[n_refs] = NULL;
	copy->references = refs;
	copy->message_id = rec->message_id ? strcpy(at, rec->message_id) : NULL;
	pd__reply_cursor_clear(&c);
	*out = copy;
	return PD_OK;
}

void pd_reply_free(pd_reply *reply)
{
	g_free(reply);
}

int pd_report_raw_message(char **out, size_t *out_len, const pd_report *r, const pd_post *m)
{
	pd__post_text_parts parts;
	char *rec = NULL;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = post_parts(&parts, &rec, r, m)) == PD_OK && parts.raw)
		error = pd__body_store_read(out, out_len, ((const pd__report *)r)->bodies, parts.raw);
	g_free(rec);
	return error;
}

