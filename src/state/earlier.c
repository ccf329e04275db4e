/*
 * state/earlier.c - the state's answer to the digest's questions about
 * earlier digests (digest/earlier.h): the lookups of state-series.c,
 * bound to one archive.
 */
#include "state/state.h"
#include "digest/earlier.h"

typedef struct {
	pd_state *state;
	int64_t archive_id;
} bound;

/* The state's lookups return 1 when found; the interface wants PD_OK. */
static int found_ok(int found)
{
	return found < 0 ? found : PD_OK;
}

static int by_message(pd_earlier **out, const char *message_id, void *self)
{
	bound *b = self;
	return found_ok(pd__state_by_message(out, b->state, b->archive_id, message_id));
}

static int reported_message(int *out, const char *message_id, void *self)
{
	bound *b = self;
	return found_ok(pd__state_reported_message(out, b->state, b->archive_id, message_id));
}

static int by_markers(GPtrArray **out, const char *author, const char *version, int total,
		      int64_t date, int64_t window, void *self)
{
	bound *b = self;
	return found_ok(pd__state_by_markers(out, b->state, b->archive_id, author, version,
					     total, date, window));
}

static int same_series(pd_earlier **out, const char *author, const char *version,
		       const char *cover_title, const char *first_title, int64_t before,
		       int expected, int rfc, void *self)
{
	bound *b = self;
	return found_ok(pd__state_same_series(out, b->state, b->archive_id, author, version,
					      cover_title, first_title, before, expected, rfc));
}

static int other_version(pd_earlier **out, const char *author, const char *version,
			 const char *cover_title, const char *first_title, void *self)
{
	bound *b = self;
	return found_ok(pd__state_other_version(out, b->state, b->archive_id, author, version,
						cover_title, first_title));
}

static int answered(pd_earlier **out, int *number, const char *message_id, void *self)
{
	bound *b = self;
	return found_ok(pd__state_answered(out, number, b->state, b->archive_id, message_id));
}

static int waiting(GPtrArray **out, int64_t horizon, int64_t quiet, void *self)
{
	bound *b = self;
	int error = pd__state_waiting(out, b->state, b->archive_id, horizon, quiet);

	if (error == PD_OK && !(*out)->len)
		g_clear_pointer(out, g_ptr_array_unref);
	return error;
}

int pd__state_earlier_source(pd__earlier_source **out, pd_state *state, const char *archive_key)
{
	pd__earlier_source *source;
	bound *b;
	int64_t id = 0;
	int error;

	*out = NULL;
	if ((error = pd__state_archive_id(&id, state, archive_key)) < 0)
		return error;
	if (id == 0)
		return PD_OK;
	b = g_new(bound, 1);
	b->state = state;
	b->archive_id = id;
	source = g_new0(pd__earlier_source, 1);
	source->by_message = by_message;
	source->reported_message = reported_message;
	source->by_markers = by_markers;
	source->same_series = same_series;
	source->other_version = other_version;
	source->answered = answered;
	source->waiting = waiting;
	source->free = g_free;
	source->self = b;
	*out = source;
	return PD_OK;
}
