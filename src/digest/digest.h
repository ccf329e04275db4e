/*
 * digest/digest.h - the digest being built and the report it becomes:
 * adding messages (digest.c), the parallel reading pipeline (read.c),
 * grouping into series (series.c), marking what earlier digests reported
 * (mark.c), kept messages (message-pack.c) and their commit messages on
 * disk (body-store.c).  Private: not installed.
 */
#ifndef PD_DIGEST_H
#define PD_DIGEST_H

#include "base/base.h"
#include "digest/earlier.h"

/* ---- commit messages on disk while a digest is made (body-store.c) ---- */

typedef struct pd__body_store pd__body_store;

/* A store whose file, an unlinked temporary one in $TMPDIR, is made on
 * first use. */
pd__body_store *pd__body_store_new(void);
void pd__body_store_free(pd__body_store *store);
/* Keeps `len` bytes (at most 4 GB) and returns where they are: a
 * reference (never 0) that a record holds instead of the bytes, with no
 * index of the store's own (the file's offset, or the address of a copy
 * in memory when no file can take them).  Never fails. */
guint64 pd__body_store_add(pd__body_store *store, const char *data, size_t len);
/* A new copy of the bytes pd__body_store_add() kept at `ref`,
 * NUL-terminated after its *out_len bytes; *out NULL for ref 0 or a NULL
 * store.  PD_ERR_IO when the file cannot be read back. */
int pd__body_store_read(char **out, size_t *out_len, const pd__body_store *store, guint64 ref);

/* ---- memory freed all at once (message-pack.c) ------------------------- */

/* Memory handed out in order and freed all at once: the records of
 * posts and replies, which live as long as the report, and the pool's
 * strings.  Zeroed, it is empty. */
typedef struct {
	GSList *blocks;
	char *at;
	size_t left;
	size_t block;   /* the size of a block; 0: 256 KB (a piece larger
	                   than a block gets a block of its own) */
} pd__arena;

/* `size` bytes, 8-aligned, valid until pd__arena_clear().  Never fails
 * (GLib aborts when memory runs out). */
void *pd__arena_alloc(pd__arena *arena, size_t size);
/* `size` bytes at any address (strings: no padding between them);
 * otherwise as pd__arena_alloc().  An arena gives one kind or the
 * other. */
void *pd__arena_alloc_bytes(pd__arena *arena, size_t size);
/* Gives back `size` bytes at `p` when they were the arena's last
 * allocation (else nothing). */
void pd__arena_unalloc(pd__arena *arena, void *p, size_t size);
void pd__arena_clear(pd__arena *arena);

/* ---- shared strings (pool.c) ------------------------------------------ */

/* Strings kept once however many messages hold them, valid until
 * pd__pool_clear(); while a digest reads, the same text gives the same
 * address.  Each has a byte of marks before it (pd__pool_mark()). */
typedef struct {
	pd__arena strings;    /* the strings, each after its byte of marks,
	                         in blocks of POOL_BLOCK bytes */
	GHashTable *set;      /* the strings, to find a copy; NULL once sealed */
	GHashTable *later;    /* the strings interned after the seal, or NULL */
	GHashTable *lists;    /* the lists (pd__pool_list()), to find a copy;
	                         NULL once sealed */
} pd__pool;

void pd__pool_init(pd__pool *pool);
/* The pool's copy of `s` (NULL for NULL): the one copy while the pool is
 * open; after pd__pool_seal(), a new copy of a string interned before
 * and the one copy of those interned since.  Never fails. */
const char *pd__pool_intern(pd__pool *pool, const char *s);
/* The pool's copy of `s` when it has one (while it is open: any string
 * interned; once sealed, those interned since), else NULL. */
const char *pd__pool_find(const pd__pool *pool, const char *s);
/* The marks a pooled string can have. */
#define PD__MARK_KEPT 1u     /* a digest of one archive kept a message
                                with this Message-ID: a repeated one is
                                found without a table of its own beside
                                the pool's (at a million messages, 24 MB
                                at the end of reading) */
#define PD__MARK_ANSWERED 2u /* a kept message answers (In-Reply-To) the
                                one with this Message-ID: only those are
                                found on the review side's walks up */
#define PD__MARK_NAMED 4u    /* a kept message names the one with this
                                Message-ID (In-Reply-To or References):
                                only those replies get a thread node
                                for the walks up (pd__thread_node_of()) */
/* Marks `pooled`, a string pd__pool_intern() returned, with `mark`: 1
 * when it had it already, else 0. */
int pd__pool_mark(const char *pooled, unsigned mark);
/* Whether `pooled` has `mark`. */
int pd__pool_marked(const char *pooled, unsigned mark);
/* Drops the table that finds the copies made while reading (reading
 * ended); strings interned later go into a table of their own.  The
 * strings stay. */
void pd__pool_seal(pd__pool *pool);
/* Frees the strings and the table.  The pool may be zeroed or cleared. */
void pd__pool_clear(pd__pool *pool);


/* ---- replies in their order of arrival (replies.c) ---------------- */

/* A reply as the digest keeps it: its record (its sender's strings in
 * the digest's pool; a kept record's References and facts in its arena:
 * valid as long as those), the copy of it in memory that the digest may
 * point to, and its place in the order of arrival among all kept
 * messages.  A waiting reply (strings_len non-zero) has its Message-ID
 * and References in the list's second file, not in the pool: read back
 * by a cursor, they point into the cursor's memory. */
typedef struct {
	pd_reply reply;
	const pd_reply *kept;   /* the record in memory, or NULL */
	guint64 strings_at;     /* a waiting reply's strings: where, and */
	guint32 strings_len;    /* how long (0: it does not wait) */
	guint32 seq;
} pd__reply_slot;

typedef struct pd__replies pd__replies;

/* An empty list of replies.  `all_kept`: every reply added has a record
 * in memory (`kept`), and no file is made; else the slots go to an
 * unlinked temporary file a chunk at a time (in memory when no file can
 * be made or written).  Never fails. */
pd__replies *pd__replies_new(int all_kept);
void pd__replies_free(pd__replies *replies);
size_t pd__replies_count(const pd__replies *replies);
/* Adds a slot of `record` (its strings the pool's), `kept` (NULL: none;
 * never with all_kept) and `seq` at the end.  Never fails. */
void pd__replies_add(pd__replies *replies, const pd_reply *record, const pd_reply *kept,
		     guint32 seq);
/* Adds a waiting reply (never with all_kept): `record` without its
 * Message-ID and References, which are `id` (may be NULL) and `refs`
 * (NULL-terminated, may be NULL), copied to the file.  Never fails. */
void pd__replies_add_waiting(pd__replies *replies, const pd_reply *record, const char *id,
			     char *const *refs, guint32 seq);
/* Whether a waiting reply has Message-ID `id`, into *found.  An error
 * when the file cannot be read. */
int pd__replies_has_waiting(int *found, const pd__replies *replies, const char *id);
/* The record in memory of reply i of a list made with all_kept. */
const pd_reply *pd__replies_kept_at(const pd__replies *replies, size_t i);
/* Puts the n_extra slots `extra` (not waiting, in the order of their
 * seq) among those of *io by seq, in a new list that replaces *io (NULL:
 * none yet).  On error (the file cannot be read) *io is left as it was. */
int pd__replies_merge(pd__replies **io, const pd__reply_slot *extra, size_t n_extra);

/* Reads slots back: a chunk of the files at a time, so reading them in
 * order reads each file once. */
typedef struct {
	char *bytes;
	guint64 at;
	size_t len, room;
} pd__reply_window;

typedef struct {
	const pd__replies *replies;
	pd__reply_window slots, strings;
	char *record;             /* the last waiting reply's strings */
	size_t record_room;
	GPtrArray *refs;          /* its References */
} pd__reply_cursor;

void pd__reply_cursor_init(pd__reply_cursor *cursor, const pd__replies *replies);
/* Slot i (< pd__replies_count()) into *out; a waiting reply's
 * Message-ID and References point into the cursor, valid until its next
 * call.  An error (the file cannot be read) leaves *out undefined. */
int pd__reply_cursor_get(pd__reply_slot *out, pd__reply_cursor *cursor, size_t i);
void pd__reply_cursor_clear(pd__reply_cursor *cursor);
/* The record a reader uses: the one in memory when there is one. */
#define PD__SLOT_REPLY(slot) ((slot)->kept ? (slot)->kept : &(slot)->reply)

/* What a report holds besides its public fields. */
typedef struct {
	pd_report pub;            /* first: a pd_report * is one of these */
	pd__body_store *bodies;   /* owned */
	pd__pool pool;            /* the messages' shared strings, owned;
	                             sealed when reading ends */
	pd__arena arena;          /* the posts' and replies' records, owned */
	guint32 *message_seq;     /* per pub.messages[i]: its place in the
	                             order of arrival among all messages;
	                             freed (NULL) once the range's ends are
	                             known, before grouping */
	pd__replies *replies;     /* pub.n_reply_records of them, in the
	                             order of arrival, owned */
	GPtrArray *named;         /* the thread nodes of the replies that a
	                             kept message names (pd__thread_node_of()),
	                             in order: what the walks go through */
	guint8 *named_bits;       /* a bit per reply: set for those */
	GPtrArray *window_nodes;  /* the same of all the look-back window's
	                             replies (their records, all in memory),
	                             or NULL */
	pd_digest *lookback;      /* the look-back messages, owned */
	GPtrArray *owned;         /* blocks to g_free with the report: what the
	                             review side made for series only the
	                             state knows (their author, the message a
	                             reply answers) */
} pd__report;

/* ---- kept messages (message-pack.c) ------------------------------------ */

/* The record of `m` (a patch, cover letter or pull request) in one
 * piece of `arena` (valid until pd__arena_clear()): the record and, for
 * a cover letter, a patch 1 or a lone patch and a pull request, its
 * title; its References a list of the pool's (pd__pool_list(), in
 * `arena`); Message-IDs, names, addresses and the version in
 * `pool` (shared with the other messages; the pool must outlive the
 * record).  Its subject, title, origin, To: address and commit message
 * go to `store` as one text (pd__body_store_add(); the record's `text`, read back by
 * pd__post_text_split()); so are its bytes, when it has them
 * (keep_raw), the text saying where.  Its reply facts are not kept (a
 * pull request's, never read again).  `m` is left as it was. */
pd_post *pd__post_pack(const pd_message *m, pd__pool *pool, pd__arena *arena,
		       pd__body_store *store);
/* A posting's text as pd__post_pack() stored it, split: pointers into
 * the `len` bytes at `text` (valid as long as they are).  PD_ERR_IO when
 * they are not such a text. */
#define PD__POST_TEXT_PARTS 4
typedef struct {
	const char *part[PD__POST_TEXT_PARTS]; /* subject, title, origin, To:
	                                 address ("" when absent) */
	int has_origin, has_to;
	guint64 raw;                  /* where its bytes are (keep_raw:
	                                 pd__body_store_read()), or 0 */
	const char *commit_message;   /* NULL when none was kept; not
	                                 NUL-terminated: */
	size_t commit_message_len;
} pd__post_text_parts;
int pd__post_text_split(pd__post_text_parts *out, const char *text, size_t len);
/* A new pd_post_text (pd_post_text_free()) from such a text. */
int pd__post_text_parse(pd_post_text **out, const char *text, size_t len);


/* The pool's NULL-terminated list of `strings` (a message's References;
 * NULL: none), each string pooled: while the pool is open, one array per
 * list however many messages hold it (replies to one message mostly
 * name the same ones), made in `arena` (which must live as long as the
 * pool's users); once sealed, a new array each time.  An empty list is
 * a static one.  Never fails. */
const char *const *pd__pool_list(pd__pool *pool, pd__arena *arena, char *const *strings);

/* The record of reply `m` into *out, its facts in `arena`, its
 * References a list of the pool's (pd__pool_list()): their strings in
 * `pool`.  `m` is left as it was. */
void pd__reply_pack(pd_reply *out, const pd_message *m, pd__pool *pool, pd__arena *arena);
/* The record of a kept posting that turned out to be a reply, in
 * `arena`: it borrows the post's strings and its References list, so
 * the post and the pool must outlive it. */
pd_reply *pd__reply_of_post(const pd_post *p, pd__arena *arena);
/* The record of a reply that waits in the file (replies.c): as
 * pd__reply_pack() without its Message-ID, References and facts (it has
 * none), nothing put in `pool` but its sender's strings. */
void pd__reply_pack_waiting(pd_reply *out, const pd_message *m, pd__pool *pool);
/* A copy of record `r` in `arena` (its strings, References and facts
 * shared with it). */
pd_reply *pd__reply_copy(const pd_reply *r, pd__arena *arena);

/* Whether a parsed message is kept as a reply record: not a patch or
 * cover letter, and no pull request (listed by its title). */
int pd__is_reply_record(const pd_message *m);

/* ---- threads.c: messages found by their Message-ID --------------------- */

/* What a kept posting (pd_post) and a reply record (pd_reply) begin
 * with: either can be put in a table of thread nodes. */
typedef struct {
	const char *message_id;        /* never NULL in a table */
	const char *const *references;
} pd__thread_node;

/* Thread nodes (pd_post or pd_reply, with a Message-ID) by their
 * Message-ID, borrowed, each with a 32-bit value: open addressing, made
 * at the size it will need, so that a table of a million nodes is
 * allocated once, not doubled into place through twenty sizes whose
 * freed arrays stay in the heap (GHashTable's way: as much again as the
 * table, at the review side's peak). */
typedef struct {
	const pd__thread_node **nodes; /* `size` slots; NULL: empty */
	guint32 *hashes;               /* each slot's node's id hash */
	guint32 *values;               /* each slot's value; NULL: a set */
	gsize size;                    /* about 4/3 of what it holds, not a
	                                  power of two: see pd__id_slot() */
	gsize n;
} pd__node_index;

/* A Message-ID's string hash (pd__str_hash(), whose every bit depends on
 * every byte: a slot is chosen by its high bits; threads.c, replies.c). */
guint32 pd__id_hash(const char *id);

/* The first slot of a table of `size` slots for hash `h`: `h` scaled to
 * the size (Lemire's multiply-shift: no division, and any size, not only
 * powers of two). */
static inline gsize pd__id_slot(guint32 h, gsize size)
{
	return (gsize)(((guint64)h * size) >> 32);
}

/* An empty index with room for `expected` nodes (it grows past them
 * when it must); `with_values`: keeps a value per node. */
void pd__node_index_init(pd__node_index *x, gsize expected, int with_values);
/* Frees the index's arrays; it is all zeroes then (clearing it again
 * does nothing), and must be initialised again before any other use. */
void pd__node_index_clear(pd__node_index *x);
/* Adds `node` (a pd_post or pd_reply with a Message-ID) with `value`.
 * When a node with its Message-ID is there, `replace` puts this one and
 * its value in that one's place; else that one stays.  1 when the
 * Message-ID was new. */
int pd__node_index_put(pd__node_index *x, const void *node, guint32 value, int replace);
/* The node with Message-ID `id` (may be NULL), and its value into
 * *value (may be NULL); NULL when there is none. */
const pd__thread_node *pd__node_index_find(const pd__node_index *x, const char *id,
					   guint32 *value);

/* The thread node of a reply: its record in memory when it has one (a
 * pd_reply begins as a node does), else (a waiting reply) a node of its
 * own in `arena`, its strings put in `pool`. */
const pd__thread_node *pd__thread_node_of(const pd__reply_slot *slot, pd__pool *pool,
					  pd__arena *arena);

/* ---- series.c ----------------------------------------------------------- */

/* Groups the patches and covers of `msgs` (unique, posting order) into
 * series; a thread is followed through the `replies` (their nodes) and
 * the pull requests among `msgs`.  *out is a new array of n_out series
 * whose message pointers are borrowed from `msgs`; free each series'
 * patches array and the array.  With `source` (may be NULL), series may
 * continue earlier ones; the pd_earlier they point to are added to
 * `keep`, which must outlive them.  Fails only when `source` does. */
int pd__group_series(pd_series **out, size_t *n_out, const pd_post **msgs,
		     size_t n_msgs, const pd__thread_node *const *replies, size_t n_replies,
		     const pd__earlier_source *source, GPtrArray *keep);
void pd__series_array_free(pd_series *series, size_t n);

/* ---- mark.c: what earlier digests reported ----------------------------- */

/* Drops the patches and covers `source` says an earlier digest reported
 * under the same Message-ID (delivered again, they count once, as
 * duplicates).  Fails only when the source does. */
int pd__drop_reported(pd_report *r, const pd__earlier_source *source);

/* Sets each series' status: continued (grouping found it in `source`),
 * already reported (here or in an earlier digest), hidden, or new; for a
 * new one, the other version shown before.  `source` may be NULL; the
 * pd_earlier records series point to are added to `keep`. */
int pd__mark_series(pd_report *r, const pd__earlier_source *source, GPtrArray *keep);

/* Series are the same work when their author's address (ignoring ASCII
 * case; NULL as "") and a title (exactly, not NULL) are: the hash and
 * the comparison, for tables keyed on series without a key string each
 * (mark.c by cover and first-patch title, review.c by series title). */
guint pd__author_title_hash(const char *address, const char *title);
gboolean pd__same_author_title(const char *address_a, const char *title_a,
			       const char *address_b, const char *title_b);

/* ---- tables.c: rows counted by key ------------------------------------- */

typedef struct {
	GHashTable *index;  /* key -> position in rows */
	GArray *rows;       /* pd_tally */
} pd__tally;

void pd__tally_init(pd__tally *t);
/* Counts one more for `key`; a new row shows `display_if_new` (copied). */
void pd__tally_add(pd__tally *t, const char *key, const char *display_if_new,
		   const char *employer_if_new);
/* The rows, count descending, ties in first-seen order; frees the rest. */
pd_tally *pd__tally_finish(pd__tally *t, size_t *n);
void pd__tallies_free(pd_tally *rows, size_t n);
/* The domain and contributor tables: patches and covers by author (by
 * the identity `mailmap` gives, may be NULL), and with `employers` (may
 * be NULL) the employer table. */
void pd__build_tables(pd_report *r, const pd_mailmap *mailmap, const pd_employers *employers);

/* ---- review.c: what happened to each series ------------------------------ */

typedef struct {
	unsigned stale_days;  /* 0: 14 */
	const char *const *bots; /* more bots, or NULL */
	pd_diag_cb diag;      /* trailers a reply gives that its sender does
	                         not speak for: PD_DIAG_NOTE (-v) */
	void *diag_payload;
	const pd_mailmap *mailmap;      /* or NULL */
	const pd_employers *employers;  /* or NULL */
} pd__review_options;

/* Fills each series' review fields (the range's, the look-back window's
 * and, through `source` (may be NULL), those earlier digests reported:
 * r->earlier_series, their pd_earlier added to `keep`), the pull requests,
 * the replies saying "applied" of unknown patches and the reviewer
 * tables of the report (grouped and marked).  The window's messages are
 * full->lookback's.  What it makes is the report's.  Fails when the
 * source cannot be read. */
int pd__review(pd__report *full, const pd__review_options *opts,
	       pd__earlier_source *source, GPtrArray *keep);

/* ---- pulls.c: pull requests ------------------------------------------- */

/* Adds the pull requests among `msgs` to `pulls` (pd_pull, in_range as
 * given) and their ids and their numbered parts' to `by_id` (message id
 * -> index in `pulls` + 1). */
void pd__pulls_collect(GArray *pulls, GHashTable *by_id, const pd_post *const *msgs,
		       size_t n, int in_range);
/* The report's list from what was collected: the range's pull requests,
 * then the window's merged in the range.  Consumes `pulls`. */
void pd__pulls_finish(pd_report *r, GArray *pulls);

/* ---- digest.c ---------------------------------------------------------- */

#define PD__MAX_INPUTS 32 /* the bits of pd_post.lists */

struct pd_digest {
	pd_digest_options opts;
	char *name, *lore_list;
	GPtrArray *messages;    /* pd_post, in `arena` (pd__post_pack()):
	                           patches, covers, pull requests */
	pd__replies *replies;   /* the replies' slots (pd__reply_pack()),
	                           made by the first one: in a file, unless
	                           the digest reads several archives or a
	                           look-back window; or NULL */
	GArray *message_seq;    /* guint32: each message's place in the
	                           order of arrival among all kept */
	guint32 seq;            /* messages kept so far */
	pd__arena arena;        /* the posts' and replies' records */
	pd__pool pool;          /* the kept messages' shared strings */
	GHashTable *ids;        /* several archives: the Message-IDs kept
	                           (borrowed keys); one archive marks them in
	                           the pool instead (pd__pool_mark()) */
	size_t n_duplicates, n_skipped, n_damaged;
	int64_t since, until;   /* pd_digest_read()'s range, for messages
	                           without an archive time; 0: no bound */
	pd__body_store *bodies; /* the kept messages' texts (owned; a
	                           look-back digest borrows its range's, so
	                           that the report reads every posting's
	                           text from one store) */
	int bodies_borrowed;
	int is_lookback;        /* this digest holds look-back messages: no
	                           diagnostics, no commit messages */
	pd_digest *lookback;    /* the messages before the range, or NULL; owned */
	/* a digest of several archives (pd_digest_read_inputs()) */
	unsigned n_sources;     /* > 1: look for cross-posts; ids maps each
	                           Message-ID to its first kept message */
	unsigned source;        /* the archive being read: its bit in lists */
	GHashTable *others;     /* Message-ID -> GPtrArray of the kept
	                           messages with that ID and other content */
	char *list_ids[PD__MAX_INPUTS]; /* each archive's first List-Id of a
	                           kept message: the list's name */
	size_t n_crossposted;
};

/* Adds a message parsed from the entry `origin` of the archive: applies
 * since/until when the archive has no time for it (archive_time 0),
 * reports its damage, keeps of a reply only what the digest reads,
 * drops a repeated Message-ID.  Takes `m`. */
int pd__digest_take(pd_digest *d, pd_message *m, const char *origin, int64_t archive_time);

/* ---- crosspost.c: several archives --------------------------------- */

/* What the ids of a digest of several archives map a Message-ID to: a
 * kept message, or a reply's record with this bit set. */
#define PD__REPLY_BIT ((guintptr)1)

/* In a digest of several archives, `m` whose Message-ID was kept before
 * as `first` (a pd_post, or a pd_reply with PD__REPLY_BIT): 1 when it
 * is consumed (freed: a cross-post adds its list to the kept copy, a
 * second delivery to the same list is a duplicate), 0 when it is another
 * message with that Message-ID, to be kept as well. */
int pd__seen_in_another_list(pd_digest *d, gpointer first, pd_message *m);

/* Sorts the kept messages and replies of a digest of several archives
 * in their order of arrival across the archives. */
void pd__digest_sort_by_arrival(pd_digest *d);

/* "kvm.vger.kernel.org" -> "kvm": the label before a List-Id's first
 * dot, a list's name.  New string. */
char *pd__list_label(const char *list_id);
/* Whether `s` can be a list's name on lore (letters, digits, . _ + -):
 * a name taken from mail that is not one makes no links. */
int pd__is_lore_name(const char *s);

#endif
