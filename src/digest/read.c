/*
 * digest/read.c - reading an archive into a digest on every core.
 *
 * The calling thread walks the archive and puts the messages into
 * batches: for a git archive, as references to their blobs (inflating the
 * blobs is most of the reading, so the pool does it); for mbox and
 * Maildir, as copies.  A pool of threads reads and parses the batches; the calling thread takes the parsed messages back batch by
 * batch in reading order, so the digest -- first Message-ID wins, posting
 * order, the diagnostics -- is the same as a one-thread read, and every
 * callback runs on the calling thread.  At most MAX_BATCHES_PER_THREAD
 * batches per thread are in flight: memory stays flat however large the
 * archive.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "digest/digest.h"
#include "archive/archive.h"

/* 64 messages a batch: every batch handed over is a thread woken on
 * another core (on a VM, an interrupt between its CPUs); 32 was 2,800
 * futex(2) calls on kvmarm, 64 is 1,700, and 2% faster in alternating
 * runs.  At most 512 messages in flight on two cores. */
#define BATCH_SIZE 64
#define MAX_BATCHES_PER_THREAD 4

typedef struct {
	pd__blob_ref ref;    /* a git message not read yet (ref.git_dir set) */
	char *data;          /* or the message's bytes (freed once parsed) */
	size_t len;
	char *origin;
	int64_t archive_time;
	int unreadable;      /* the archive could not give it: `why` says */
	int removed;         /* a commit that removed a message: nothing */
	pd_message *msg;     /* parsed; NULL when it could not be */
	char *why;
} entry;

typedef struct {
	entry entries[BATCH_SIZE];
	size_t n;
	int parsed;          /* under pool->lock */
} batch;

typedef struct {
	GMutex lock;
	GCond parsed;
	pd_parse_options parse;
	GPtrArray *readers;  /* pd__blob_reader not in use, under lock */
	GPtrArray *all_readers;
	unsigned warming;    /* threads yet to start (start_threads()), under lock */
} pool;

/* A blob reader for this batch: one per thread at a time at most. */
static pd__blob_reader *check_out_reader(pool *p)
{
	pd__blob_reader *br;

	g_mutex_lock(&p->lock);
	if (p->readers->len) {
		br = g_ptr_array_steal_index_fast(p->readers, p->readers->len - 1);
	} else {
		br = pd__blob_reader_new();
		g_ptr_array_add(p->all_readers, br);
	}
	g_mutex_unlock(&p->lock);
	return br;
}

/* Runs on a pool thread (or the caller's, with one thread). */
/* Each parsing thread gets an alternate signal stack, once: a program's
 * handler for SIGSEGV can then still run when the thread's own stack is
 * exhausted (GLib, failing to allocate, recurses into its logging until
 * it is), so that such a run ends with its message (the CLI: exit 70),
 * not a bare SIGSEGV.  No handler is installed here: that is the
 * program's business. */
#define ALT_STACK_SIZE (64 * 1024)
/* The stacks are static, not malloc()ed when a thread starts: under an
 * address-space limit that malloc() was what failed, and the thread
 * then recursed in GLib's logging with no stack to say so on (a bare
 * SIGSEGV, about one run in a hundred of tests/hostile.sh's -j 16 under
 * ulimit -v 90000 on a busy machine).  A thread gives its slot back
 * when it ends; past ALT_STACKS threads at once, malloc() as before. */
#define ALT_STACKS 32

static char alt_stacks[ALT_STACKS][ALT_STACK_SIZE] __attribute__((aligned(16)));
static gboolean alt_stack_taken[ALT_STACKS];
G_LOCK_DEFINE_STATIC(alt_stacks);

static void alt_stack_free(gpointer stack)
{
	stack_t off = { .ss_flags = SS_DISABLE };
	uintptr_t at = (uintptr_t)stack - (uintptr_t)alt_stacks;

	sigaltstack(&off, NULL);
	if ((uintptr_t)stack >= (uintptr_t)alt_stacks && at < sizeof(alt_stacks)) {
		G_LOCK(alt_stacks);
		alt_stack_taken[at / ALT_STACK_SIZE] = FALSE;
		G_UNLOCK(alt_stacks);
	} else {
		free(stack);
	}
}

static GPrivate alt_stack_key = G_PRIVATE_INIT(alt_stack_free);

static void ensure_alt_stack(void)
{
	stack_t ss;

	if (g_private_get(&alt_stack_key))
		return;
	ss.ss_sp = NULL;
	G_LOCK(alt_stacks);
	for (int i = 0; i < ALT_STACKS && !ss.ss_sp; i++)
		if (!alt_stack_taken[i]) {
			alt_stack_taken[i] = TRUE;
			ss.ss_sp = alt_stacks[i];
		}
	G_UNLOCK(alt_stacks);
	if (!ss.ss_sp)
		ss.ss_sp = malloc(ALT_STACK_SIZE);
	ss.ss_size = ALT_STACK_SIZE;
	ss.ss_flags = 0;
	if (ss.ss_sp && sigaltstack(&ss, NULL) == 0)
		g_private_set(&alt_stack_key, ss.ss_sp);
	else if (ss.ss_sp)
		alt_stack_free(ss.ss_sp);
}

/* What start_threads() hands each thread first. */
static char warm_up;

static void parse_batch(gpointer data, gpointer user)
{
	batch *b = data;
	pool *p = user;
	pd__blob_reader *br = NULL;

	ensure_alt_stack();
	if (data == &warm_up) {
		/* held until every thread has one: none takes two */
		g_mutex_lock(&p->lock);
		if (--p->warming == 0)
			g_cond_broadcast(&p->parsed);
		while (p->warming)
			g_cond_wait(&p->parsed, &p->lock);
		g_mutex_unlock(&p->lock);
		return;
	}
	for (size_t i = 0; i < b->n; i++) {
		entry *e = &b->entries[i];
		const char *bytes = e->data;
		size_t len = e->len;
		if (e->unreadable)
			continue;
		if (e->ref.git_dir) {
			if (!br)
				br = check_out_reader(p);
			int status = pd__blob_reader_read(&bytes, &len, br, &e->ref, e->origin);
			if (status < 0) {
				e->unreadable = 1;
				e->why = g_strdup(pd_error_last());
				continue;
			}
			if (status > 0) {
				e->removed = 1;
				continue;
			}
		}
		if (pd_message_parse(&e->msg, bytes, len, e->origin, &p->parse) < 0)
			e->why = g_strdup(pd_error_last());
		g_free(e->data);
		e->data = NULL;
	}
	g_mutex_lock(&p->lock);
	if (br)
		g_ptr_array_add(p->readers, br);
	b->parsed = 1;
	g_cond_broadcast(&p->parsed);
	g_mutex_unlock(&p->lock);
}

static void batch_free(batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		entry *e = &b->entries[i];
		g_free(e->data);
		g_free(e->origin);
		g_free(e->why);
		pd_message_free(e->msg);
	}
	g_free(b);
}

/* Waits for the oldest batch and adds its messages in order. */
static int take_oldest(pd_digest *d, GQueue *in_flight, pool *p, size_t *taken)
{
	batch *b = g_queue_pop_head(in_flight);
	size_t every = d->opts.progress_every ? d->opts.progress_every : 1000;
	int error = PD_OK;

	g_mutex_lock(&p->lock);
	while (!b->parsed)
		g_cond_wait(&p->parsed, &p->lock);
	g_mutex_unlock(&p->lock);
	for (size_t i = 0; i < b->n && error == PD_OK; i++) {
		entry *e = &b->entries[i];
		if (e->removed)
			continue;
		if (e->unreadable || !e->msg) {
			pd_digest_note_skipped(d, e->origin, e->why);
			continue;
		}
		error = pd__digest_take(d, e->msg, e->origin, e->archive_time);
		e->msg = NULL;
		if (d->opts.progress && ++*taken % every == 0)
			d->opts.progress(*taken, 0, d->opts.progress_payload);
	}
	batch_free(b);
	return error;
}

/* The pool's threads, all made now and each given its alternate signal
 * stack before any batch: GLib's own code in a new thread allocates
 * (its slice magazines, when it takes its first task), and under an
 * address-space limit that failure recursed in GLib's logging on a
 * thread with no stack left to report it on (a bare SIGSEGV in about
 * one run in two hundred of tests/hostile.sh's -j 16 under ulimit -v
 * 90000).  Made at the start, while memory is there, each thread has
 * its stack for the rest of the run.  NULL when the threads cannot be
 * made: then one thread reads. */
static GThreadPool *start_threads(pool *p, unsigned threads)
{
	GThreadPool *workers = g_thread_pool_new(parse_batch, p, (gint)threads, TRUE, NULL);
	guint made;

	if (!workers)
		return NULL;
	/* fewer when some could not be made: no more are made later */
	made = g_thread_pool_get_num_threads(workers);
	if (made == 0) {
		g_thread_pool_free(workers, TRUE, FALSE);
		return NULL;
	}
	g_thread_pool_set_max_threads(workers, (gint)made, NULL);
	p->warming = made;
	for (guint i = 0; i < made; i++)
		g_thread_pool_push(workers, &warm_up, NULL);
	g_mutex_lock(&p->lock);
	while (p->warming)
		g_cond_wait(&p->parsed, &p->lock);
	g_mutex_unlock(&p->lock);
	return workers;
}

/* Reads every entry of `it` into `d`; see the file comment. */
static int read_all(pd_digest *d, pd_archive_iter *it)
{
	/* one per core, at most 8: past that the serial walk is the limit,
	 * and each thread costs address space (a stack, a malloc arena) */
	unsigned threads = d->opts.threads ? d->opts.threads : MIN(g_get_num_processors(), 8);
	GThreadPool *workers = NULL;
	GQueue in_flight = G_QUEUE_INIT;
	pd__blob_ref ref;
	pool p;
	batch *b = NULL;
	size_t taken = 0;
	int error = PD_OK, done = 0;

	memset(&p, 0, sizeof(p));
	g_mutex_init(&p.lock);
	g_cond_init(&p.parsed);
	p.parse = d->opts.parse;
	p.readers = g_ptr_array_new();
	p.all_readers = g_ptr_array_new_with_free_func((GDestroyNotify)pd__blob_reader_free);
	if (threads > 1)
		workers = start_threads(&p, threads);
	/* a git archive hands out its messages' trees, read by parse_batch()
	 * with a blob reader (its pack reader), on one thread as on several */
	memset(&ref, 0, sizeof(ref));
	pd__archive_iter_defer(it, &ref);
	if (workers)
		pd__archive_iter_walk_ahead(it);
	while (!done && error == PD_OK) {
		pd_raw_message raw;
		int status;
		entry *e;

		raw.origin = NULL;
		status = pd_archive_iter_next(&raw, it);
		done = status == PD_ITEROVER;
		if (!done) {
			if (!b)
				b = g_new0(batch, 1);
			e = &b->entries[b->n++];
			e->origin = g_strdup(raw.origin);
			e->archive_time = raw.archive_time;
			if (status < 0) {
				e->unreadable = 1; /* report it in its place, read on */
				e->why = g_strdup(pd_error_last());
			} else if (!raw.data && ref.git_dir) {
				e->ref = ref;
			} else {
				e->data = g_memdup2(raw.data, raw.len);
				e->len = raw.len;
			}
		}
		if (b && (b->n == BATCH_SIZE || done)) {
			g_queue_push_tail(&in_flight, b);
			if (workers)
				g_thread_pool_push(workers, b, NULL);
			else
				parse_batch(b, &p);
			b = NULL;
		}
		while (error == PD_OK && in_flight.length
		       && (done || in_flight.length >= threads * MAX_BATCHES_PER_THREAD))
			error = take_oldest(d, &in_flight, &p, &taken);
	}
	if (workers)
		g_thread_pool_free(workers, FALSE, TRUE); /* waits for the rest */
	while (in_flight.length)
		batch_free(g_queue_pop_head(&in_flight));
	if (b)
		batch_free(b);
	pd__archive_iter_defer(it, NULL);
	g_ptr_array_free(p.readers, TRUE);
	g_ptr_array_free(p.all_readers, TRUE);
	g_mutex_clear(&p.lock);
	g_cond_clear(&p.parsed);
	if (error == PD_OK && d->opts.progress)
		d->opts.progress(taken, 1, d->opts.progress_payload);
	return error;
}

/* The look-back window: the `lookback` seconds before the range -- before
 * `since`, or before the oldest commit a start position names (its time
 * is in the state since schema 2).  Read into d->lookback, a digest of its
 * own that reports nothing: its messages only tell what a reply in the
 * range answers.  A range without a start in time has no window. */
static int read_lookback(pd_digest *d, pd_archive *archive, const pd_range_options *range)
{
	pd_range_options window = PD_RANGE_OPTIONS_INIT;
	pd_digest_options opts = d->opts;
	pd_archive_iter *it = NULL;
	int64_t end = range->since;
	int error;

	for (size_t i = 0; !end && range->start && i < range->start->n_epochs; i++)
		if (range->start->epochs[i].commit_time
		    && (!end || range->start->epochs[i].commit_time < end))
			end = range->start->epochs[i].commit_time;
	if (end <= 0)
		return PD_OK;
	window.since = end > range->lookback ? end - range->lookback : 1;
	window.until = end;
	opts.diag = NULL;
	opts.progress = NULL;
	opts.parse.keep_raw = 0; /* never shown: no mbox holds them */
	/* a digest of several archives reads each one's window into one */
	if (!d->lookback) {
		if ((error = pd_digest_new(&d->lookback, &opts)) < 0)
			return error;
		pd__body_store_free(d->lookback->bodies);
		d->lookback->bodies = d->bodies;
		d->lookback->bodies_borrowed = 1;
	}
	d->lookback->is_lookback = 1;
	d->lookback->n_sources = d->n_sources;
	d->lookback->source = d->source;
	d->lookback->since = window.since;
	d->lookback->until = window.until;
	if ((error = pd_archive_iter_new(&it, archive, &window)) == PD_OK)
		error = read_all(d->lookback, it);
	pd_archive_iter_free(it);
	return error;
}

/* The name of input `i`: as given, else its first List-Id's list
 * ("kvm.vger.kernel.org" -> "kvm"), else its file name.  New string. */
static char *input_name(const pd_digest *d, const pd_digest_input *in, unsigned i)
{
	const char *path;
	char *base;

	if (in->name && *in->name)
		return g_strdup(in->name);
	if (d->list_ids[i])
		return pd__list_label(d->list_ids[i]);
	path = in->archive->path;
	base = g_path_get_basename(path && *path ? path : "archive");
	if (g_str_has_suffix(base, ".git") && strlen(base) > 4)
		base[strlen(base) - 4] = 0;
	return base;
}

/* Input `i`'s name on lore: as given, else its first List-Id's list,
 * lowercased; else NULL.  New string. */
static char *input_lore(const pd_digest *d, const pd_digest_input *in, unsigned i)
{
	char *label, *lower;

	if (in->lore_list && *in->lore_list)
		return g_strdup(in->lore_list);
	if (!d->list_ids[i])
		return NULL;
	label = pd__list_label(d->list_ids[i]);
	lower = pd__is_lore_name(label) ? g_ascii_strdown(label, -1) : NULL;
	g_free(label);
	return lower;
}

/* "a", "a and b", "a, b and c" */
static char *names_joined(char **names, size_t n)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < n; i++) {
		if (i)
			g_string_append(s, i + 1 == n ? " and " : ", ");
		g_string_append(s, names[i]);
	}
	return g_string_free(s, FALSE);
}

int pd_digest_read_inputs(pd_report **out, pd_position ***positions,
			  const pd_digest_input *inputs, size_t n_inputs,
			  const pd_range_options *range, const pd_digest_options *opts,
			  pd_state *state, const char *state_key)
{
	pd_range_options defaults = PD_RANGE_OPTIONS_INIT;
	pd_archive_iter **its = NULL;
	pd_position **reached = NULL;
	char **names = NULL, **lores = NULL;
	pd_digest *d = NULL;
	int error;

	*out = NULL;
	if (positions)
		*positions = NULL;
	if (!range)
		range = &defaults;
	if (n_inputs < 1 || n_inputs > PD__MAX_INPUTS)
		return pd__error(PD_ERR_INVALID, "a digest reads 1 to %d archives, not %zu",
				 PD__MAX_INPUTS, n_inputs);
	if (n_inputs > 1 && range->range)
		return pd__error(PD_ERR_INVALID, "a range of commits (%s) names commits of one "
				 "archive; a digest of several goes by dates", range->range);
	if ((error = pd_digest_new(&d, opts)) < 0)
		return error;
	d->until = range->until;
	d->n_sources = (unsigned)n_inputs;
	if (n_inputs > 1)
		d->opts.parse.content_hash = 1; /* cross-posts are told by it */
	its = g_new0(pd_archive_iter *, n_inputs);
	reached = g_new0(pd_position *, n_inputs);
	/* each archive by its own reader, one after another, into one digest */
	for (size_t i = 0; i < n_inputs; i++) {
		pd_range_options mine = *range;
		if (inputs[i].start)
			mine.start = inputs[i].start;
		if (inputs[i].since)
			mine.since = inputs[i].since;
		d->source = (unsigned)i;
		d->since = mine.since;
		if ((error = pd_archive_iter_new(&its[i], inputs[i].archive, &mine)) < 0)
			goto cleanup;
		if (pd__archive_iter_range_note(its[i]) && d->opts.diag)
			d->opts.diag(PD_DIAG_RANGE, mine.range ? mine.range : "",
				     pd__archive_iter_range_note(its[i]), d->opts.diag_payload);
		if (mine.lookback > 0 && (error = read_lookback(d, inputs[i].archive, &mine)) < 0)
			goto cleanup;
		if ((error = read_all(d, its[i])) < 0)
			goto cleanup;
		if (positions && (error = pd_archive_iter_position(&reached[i], its[i])) < 0)
			goto cleanup;
	}
	if (n_inputs > 1) {
		/* one list's messages after another's: in order of arrival */
		pd__digest_sort_by_arrival(d);
		if (d->lookback)
			pd__digest_sort_by_arrival(d->lookback);
		names = g_new0(char *, n_inputs + 1);
		for (size_t i = 0; i < n_inputs; i++)
			names[i] = input_name(d, &inputs[i], (unsigned)i);
		if (!d->name)
			d->name = names_joined(names, n_inputs);
		lores = g_new0(char *, n_inputs + 1);
		for (size_t i = 0; i < n_inputs; i++)
			lores[i] = input_lore(d, &inputs[i], (unsigned)i);
	}
	{
		size_t crossposted = d->n_crossposted;
		/* one archive: its own labels (commits); several: dates */
		error = pd_digest_finish(out, d, n_inputs == 1 ? pd_archive_iter_from_label(its[0]) : NULL,
					 n_inputs == 1 ? pd_archive_iter_to_label(its[0]) : NULL,
					 state, state_key);
		d = NULL;
		if (error < 0)
			goto cleanup;
		if (n_inputs > 1) {
			(*out)->lists = names;
			(*out)->n_lists = n_inputs;
			(*out)->lore_lists = lores;
			(*out)->n_crossposted = crossposted;
			names = NULL;
			lores = NULL;
		}
	}
	if (positions) {
		*positions = reached;
		reached = NULL;
	}
cleanup:
	for (size_t i = 0; i < n_inputs; i++) {
		pd_archive_iter_free(its[i]);
		if (reached)
			pd_position_free(reached[i]);
	}
	g_free(its);
	g_free(reached);
	g_strfreev(names);
	if (lores)
		for (size_t i = 0; i < n_inputs; i++)
			g_free(lores[i]);
	g_free(lores);
	pd_digest_free(d);
	return error;
}

int pd_digest_read(pd_report **out, pd_position **position, pd_archive *archive,
		   const pd_range_options *range, const pd_digest_options *opts,
		   pd_state *state, const char *archive_key)
{
	pd_digest_input input = { .archive = archive };
	pd_position **reached = NULL;
	int error;

	if (position)
		*position = NULL;
	error = pd_digest_read_inputs(out, position ? &reached : NULL, &input, 1, range, opts,
				      state, archive_key);
	if (error == PD_OK && position) {
		*position = reached[0];
		g_free(reached);
	}
	return error;
}

int pd_digest_archive(pd_report **out, const char *path, const pd_range_options *range,
		      const pd_digest_options *opts)
{
	pd_archive *archive = NULL;
	int error;

	*out = NULL;
	if ((error = pd_archive_open(&archive, path)) < 0)
		return error;
	error = pd_digest_read(out, NULL, archive, range, opts, NULL, NULL);
	pd_archive_free(archive);
	return error;
}
