/*
 * common.c - what the digest-making commands share: reporting diagnostics
 * and progress on stderr, reading dates, and the run itself: read the
 * archive, print the digest, and record it in the state when asked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <malloc.h>
#include <glib.h>
#include "patchdigest.h"
#include "cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	char *text, *safe;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	safe = pd_display_text(text, 0);
	fprintf(stderr, "patchdigest: %s\n", safe);
	pd_free(safe);
	g_free(text);
}

void cli_limit_memory(void)
{
	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, 4);
}

void cli_bad_option(const char *word, const char *command)
{
	cli_error("unknown option, or an option without its value: '%s'", word ? word : "");
	cli_error("try '%s --help'", command);
}

static void on_diag(pd_diag_level level, const char *origin, const char *what, void *payload)
{
	cli_run *run = payload;

	if (run->quiet || (level == PD_DIAG_NOTE && !run->verbose))
		return;
	if (run->progress_shown) {
		fputs("\r\033[K", stderr);
		run->progress_shown = 0;
	}
	if (level == PD_DIAG_RANGE) {
		cli_error("%s", what);
		return;
	}
	cli_error("%s: %s%s", origin && *origin ? origin : "(unknown)",
		level == PD_DIAG_SKIPPED ? "skipped: "
		: level == PD_DIAG_NOTE ? "note: "
		: "damaged, read what could be: ", what);
}

static void on_progress(size_t n, int done, void *payload)
{
	cli_run *run = payload;

	if (done) {
		if (run->progress_shown)
			fputs("\r\033[K", stderr);
		run->progress_shown = 0;
		return;
	}
	fprintf(stderr, "\rpatchdigest: %zu messages read", n);
	run->progress_shown = 1;
}

/* 9999-12-31T23:59:59Z: the last second a date names */
#define LAST_SECOND 253402300799LL

/* "N days ago" or "N weeks ago" (N from 0 to 36500 days) as days;
 * -1 when it is neither. */
static long relative_days(const char *arg)
{
	char unit[8] = "";
	long n = -1;
	int used = 0;

	if (sscanf(arg, "%ld %7s ago%n", &n, unit, &used) != 2 || arg[used] || n < 0)
		return -1;
	if (!strcmp(unit, "day") || !strcmp(unit, "days"))
		return n <= 36500 ? n : -1;
	if (!strcmp(unit, "week") || !strcmp(unit, "weeks"))
		return n <= 5200 ? n * 7 : -1;
	return -1;
}

int cli_parse_date(const char *arg, int64_t *out)
{
	GTimeZone *utc = g_time_zone_new_utc();
	GDateTime *dt = NULL;
	int y, m, d;
	char extra;

	if (arg[0] == '@') {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(arg + 1, &end, 10);
		g_time_zone_unref(utc);
		/* 0 would read as "no bound"; past 9999 is no date */
		if (*end || end == arg + 1 || errno || v <= 0 || v > LAST_SECOND)
			return -1;
		*out = v;
		return 0;
	}
	if (sscanf(arg, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3) {
		dt = g_date_time_new(utc, y, m, d, 0, 0, 0);
	} else if (!strcmp(arg, "today") || !strcmp(arg, "yesterday")
		   || relative_days(arg) >= 0) {
		/* UTC midnight of today, yesterday, N days or N weeks ago */
		GDateTime *now = g_date_time_new_now(utc);
		long back = !strcmp(arg, "today") ? 0 : !strcmp(arg, "yesterday") ? 1 : relative_days(arg);
		GDateTime *midnight = g_date_time_new(utc, g_date_time_get_year(now),
						      g_date_time_get_month(now),
						      g_date_time_get_day_of_month(now), 0, 0, 0);
		dt = midnight ? g_date_time_add_days(midnight, -(gint)back) : NULL;
		if (midnight)
			g_date_time_unref(midnight);
		g_date_time_unref(now);
	} else {
		/* ISO 8601, with or without seconds ("2025-11-01T10:00") and
		 * zone (UTC when none) */
		dt = g_date_time_new_from_iso8601(arg, utc);
		/* "2025-11-01T10:00", "...T10:00Z", "...T10:00+02:00": GLib
		 * wants the seconds, which are then 0 */
		if (!dt && strlen(arg) >= 16 && arg[10] == 'T' && arg[13] == ':'
		    && (!arg[16] || arg[16] == 'Z' || arg[16] == '+' || arg[16] == '-')) {
			char *with_seconds = g_strdup_printf("%.16s:00%s", arg, arg + 16);
			dt = g_date_time_new_from_iso8601(with_seconds, utc);
			g_free(with_seconds);
		}
	}
	g_time_zone_unref(utc);
	if (!dt)
		return -1;
	*out = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return *out > 0 ? 0 : -1; /* 0 would read as "no bound" */
}

void cli_run_init(cli_run *run)
{
	pd_range_options range = PD_RANGE_OPTIONS_INIT;
	pd_digest_options opts = PD_DIGEST_OPTIONS_INIT;

	memset(run, 0, sizeof(*run));
	run->range = range;
	run->range.lookback = (int64_t)60 * 86400; /* --lookback's default */
	run->opts = opts;
	run->format = "classic";
	run->show_progress = isatty(STDERR_FILENO);
	run->wait_seconds = 30;
	run->first_run_days = 7;
}

static int fail(cli_run *run, int status)
{
	if (run->progress_shown)
		fputs("\r\033[K", stderr);
	run->progress_shown = 0;
	cli_error("%s", *pd_error_last() ? pd_error_last()
						: pd_status_to_string(status));
	/* the library says what happened; what to do about it is ours */
	if (status == PD_ERR_RANGE && run->range.start)
		cli_error("if the archive was replaced or its history "
			"rewritten, `patchdigest state forget %s` starts over", run->path);
	else if (status == PD_ERR_STATE)
		cli_error("move the file away, or give another with "
			"--state FILE");
	else if (status == PD_ERR_BUSY)
		cli_error("try again later, or wait longer with --wait "
			"SECONDS");
	return cli_exit_code(status);
}

/* Opens the state the run asked for, and starts its transaction: the
 * write lock for a recording run, a consistent snapshot for a reading one. */
static int open_state(pd_state **out, cli_run *run)
{
	pd_state_options so = PD_STATE_OPTIONS_INIT;
	char *path = run->state_path ? g_strdup(run->state_path) : pd_state_default_path();
	int error;

	so.read_only = !run->record;
	so.wait_ms = run->wait_seconds * 1000;
	error = pd_state_open(out, path, &so);
	if (error == PD_OK && (error = pd_state_begin(*out)) < 0) {
		pd_state_free(*out);
		*out = NULL;
	}
	g_free(path);
	return error;
}

static int positions_equal(const pd_position *a, const pd_position *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->n_epochs != b->n_epochs)
		return 0;
	for (i = 0; i < a->n_epochs; i++)
		if (a->epochs[i].epoch != b->epochs[i].epoch
		    || strcmp(a->epochs[i].commit, b->epochs[i].commit))
			return 0;
	return 1;
}

/* Is `a` the same file as `b` (both existing)? */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0
	    && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* -o naming the archive or the state file would replace what the run
 * reads with the digest of it: refused before anything is read (exit 2). */
static int refuse_own_files(cli_run *run)
{
	char *state = NULL;
	int code = 0;

	if (!run->output || !strcmp(run->output, "-"))
		return 0;
	if (run->use_state)
		state = run->state_path ? g_strdup(run->state_path) : pd_state_default_path();
	if (same_file(run->output, run->path)) {
		cli_error("-o %s is the archive being read; choose another file", run->output);
		code = EXIT_USAGE;
	} else if (same_file(run->output, state)) {
		cli_error("-o %s is the state database; choose another file", run->output);
		code = EXIT_USAGE;
	}
	g_free(state);
	return code;
}

/* next --fetch: public-inbox-fetch brings the inbox up to date first
 * (no network code of ours).  0, or EXIT_ARCHIVE said on stderr. */
static int fetch(cli_run *run)
{
	char *argv[] = { "public-inbox-fetch", "-q", "-C", (char *)run->path, NULL };
	GError *err = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN
			  | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &err)) {
		if (g_error_matches(err, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
			cli_error("--fetch: public-inbox-fetch is not installed (Debian package "
				  "public-inbox)");
		else
			cli_error("--fetch: public-inbox-fetch: %s", err->message);
		g_error_free(err);
		return EXIT_ARCHIVE;
	}
	if (!g_spawn_check_wait_status(status, &err)) {
		cli_error("--fetch: public-inbox-fetch -C %s failed (%s); nothing was "
			  "digested or recorded", run->path, err->message);
		g_error_free(err);
		return EXIT_ARCHIVE;
	}
	return 0;
}

/* A string the run keeps until it ends. */
static const char *keep(cli_run *run, char *value)
{
	if (!run->owned)
		run->owned = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(run->owned, value);
	return value;
}

/* Reads the configuration and fills in what the command line left: the
 * archive a name stands for, then each setting from the list's section,
 * else [patchdigest].  0, or an exit code (said on stderr). */
static int apply_config(cli_run *run)
{
	static const struct { const char *var; unsigned set; int option; } simple[] = {
		{ "name", CLI_SET_NAME, 'n' }, { "lore", CLI_SET_LORE, 'L' },
		{ "state", CLI_SET_STATE, 0 }, { "mailmap", CLI_SET_MAILMAP, 'M' },
		{ "employers", CLI_SET_EMPLOYERS, 'E' },
	};
	cli_config *c = NULL;
	char *path = NULL, *value, *origin;
	GPtrArray *bots;
	long n;
	int code = 0;

	if (cli_config_load(&c, run->config_path) < 0)
		return EXIT_USAGE;
	if (cli_config_resolve_archive(&path, c, run->path) < 0) {
		cli_config_free(c);
		return EXIT_INPUT;
	}
	run->path = keep(run, path);
	for (size_t i = 0; i < G_N_ELEMENTS(simple) && !code; i++) {
		if ((run->set & simple[i].set) || !cli_config_get(&value, &origin, c, simple[i].var))
			continue;
		if (!strcmp(simple[i].var, "state")) {
			run->state_path = keep(run, cli_config_path_value(value));
		} else {
			const char *v = simple[i].option == 'M' || simple[i].option == 'E'
				      ? keep(run, cli_config_path_value(value)) : keep(run, g_strdup(value));
			if (cli_run_option(run, simple[i].option, v) < 0) {
				cli_error("(%s = %s, in %s)", simple[i].var, value, origin);
				/* cli_error() makes its text safe for a terminal */
				code = EXIT_USAGE;
			}
		}
		g_free(value);
		g_free(origin);
	}
	/* the settings in days: a number from min to max, else FILE:LINE */
	{
		struct { const char *var, *spelled; unsigned set; long min, max; long *days; } day[] = {
			{ "lookback", "lookback", CLI_SET_LOOKBACK, 0, 3650, NULL },
			{ "firstrundays", "firstRunDays", 0, 1, 36500, &run->first_run_days },
			{ "staledays", "staleDays", CLI_SET_STALE, 1, 3650, NULL },
		};
		for (size_t i = 0; i < G_N_ELEMENTS(day) && !code; i++) {
			if ((run->set & day[i].set) || !cli_config_get(&value, &origin, c, day[i].var))
				continue;
			if (cli_config_number(&n, c, day[i].spelled, value, origin, day[i].min,
					      day[i].max) < 0)
				code = EXIT_USAGE;
			else if (day[i].days)
				*day[i].days = n;
			else if (!strcmp(day[i].var, "lookback"))
				run->range.lookback = (int64_t)n * 86400;
			else
				run->opts.stale_days = (unsigned)n;
			g_free(value);
			g_free(origin);
		}
	}
	/* bots add up: the command line's, the list's, the defaults' */
	bots = cli_config_get_all(c, "bot");
	for (guint i = 0; i < bots->len; i++)
		cli_run_option(run, 'B', keep(run, g_strdup(bots->pdata[i])));
	g_ptr_array_unref(bots);
	cli_config_free(c);
	return code;
}

int cli_run_digest(cli_run *run)
{
	pd_archive *archive = NULL;
	pd_state *state = NULL;
	pd_position *start = NULL, *reached = NULL;
	pd_report *report = NULL;
	cli_output *output = NULL;
	char *key = NULL;
	int error, code;

	if ((code = apply_config(run)) != 0)
		goto cleanup;
	run->opts.diag = on_diag;
	run->opts.diag_payload = run;
	if (run->bots) {
		g_ptr_array_add(run->bots, NULL);
		run->opts.bots = (const char *const *)run->bots->pdata;
	}
	if (run->show_progress) {
		run->opts.progress = on_progress;
		run->opts.progress_payload = run;
	}
	/* the people files are the command line's: a bad one is a usage error */
	if (run->mailmap_path && (error = pd_mailmap_load(&run->mailmap, run->mailmap_path)) < 0) {
		cli_error("--mailmap: %s", pd_error_last());
		code = EXIT_USAGE;
		goto cleanup;
	}
	if (run->employers_path
	    && (error = pd_employers_load(&run->employers, run->employers_path)) < 0) {
		cli_error("--employers: %s", pd_error_last());
		code = EXIT_USAGE;
		goto cleanup;
	}
	run->opts.mailmap = run->mailmap;
	run->opts.employers = run->employers;
	if (run->range.since && run->range.until && run->range.until <= run->range.since) {
		cli_error("--until must come after --since");
		code = EXIT_USAGE;
		goto cleanup;
	}
	if ((code = refuse_own_files(run)) != 0)
		goto cleanup;
	if (run->fetch && (code = fetch(run)) != 0)
		goto cleanup;
	/* the archive first: a wrong path must not create a state file */
	if ((error = pd_archive_open(&archive, run->path)) < 0) {
		code = fail(run, error);
		goto cleanup;
	}
	if (run->next && pd_archive_get_kind(archive) != PD_ARCHIVE_V2
	    && pd_archive_get_kind(archive) != PD_ARCHIVE_GIT) {
		cli_error("%s is a %s; `next` continues from a commit, so it "
			"needs a git archive (use `digest --record` with --since/--until)",
			run->path, pd_archive_kind_to_string(pd_archive_get_kind(archive)));
		code = EXIT_USAGE;
		goto cleanup;
	}
	key = pd_state_archive_key(run->path);
	if (run->use_state && (error = open_state(&state, run)) < 0) {
		code = fail(run, error);
		goto cleanup;
	}
	if (run->next) {
		if ((error = pd_state_position(&start, state, key)) < 0) {
			code = fail(run, error);
			goto cleanup;
		}
		if (!start && !run->range.since && !run->all) {
			/* a first digest of years of mail helps no one: the last
			 * days, said before the digest */
			int64_t newest = 0;
			if ((error = pd_archive_newest_time(&newest, archive)) < 0) {
				code = fail(run, error);
				goto cleanup;
			}
			run->range.since = newest - (int64_t)run->first_run_days * 86400;
			if (run->range.until && run->range.until <= run->range.since) {
				cli_error("--until comes before this first digest's start (%ld days "
					  "before the archive's newest message); give --since or --all",
					  run->first_run_days);
				code = EXIT_USAGE;
				goto cleanup;
			}
			if (!run->quiet) {
				GDateTime *t = g_date_time_new_from_unix_utc(run->range.since);
				char *day = g_date_time_format(t, "%Y-%m-%d %H:%M UTC");
				cli_error("no digest of %s recorded yet; this first one starts %ld "
					  "days before its newest message, at %s (--since DATE or "
					  "--all to start elsewhere)", key, run->first_run_days, day);
				g_free(day);
				g_date_time_unref(t);
			}
		} else if (!start && !run->quiet && !run->range.since) {
			cli_error("no digest of %s recorded yet; --all: this one starts at its "
				  "first message", key);
		}
		run->range.start = start;
	}
	error = pd_digest_read(&report, &reached, archive, &run->range, &run->opts, state, key);
	if (error < 0) {
		code = fail(run, error);
		goto cleanup;
	}
	/* a run that records nothing is done with the state: its snapshot
	 * ends before the output, which may wait on a reader for as long as
	 * it likes (`next --dry-run | less`) and must not hold back a
	 * recording run meanwhile (the report keeps copies of what it read) */
	if (state && !run->record)
		pd_state_rollback(state);
	if (run->next && report->n_messages == 0 && !report->n_skipped) {
		if (!run->quiet)
			cli_error("nothing new in %s since the last digest "
				"(it ended at %s)", key, report->to_label);
		code = EXIT_DIGEST_OK;
		if (run->record && !positions_equal(start, reached)
		    && ((error = pd_state_record_position(state, key, pd_archive_get_kind(archive), reached)) < 0
			|| (error = pd_state_commit(state)) < 0))
			code = fail(run, error);
		goto cleanup;
	}
	/* a recording run writes its records first, inside its transaction:
	 * if the state cannot take them (disk full, a damaged file), it says
	 * so before any digest is written.  They become durable only with
	 * the commit after the output; a failed output rolls them back. */
	if (run->record
	    && (error = pd_state_record(state, key, pd_archive_get_kind(archive), report, reached)) < 0) {
		code = fail(run, error);
		goto cleanup;
	}
	if (cli_output_open(&output, run->output) < 0) {
		code = EXIT_OUTPUT;
		goto cleanup;
	}
	/* written as it is made; a failed write stops the renderer with
	 * PD_ERR_IO, and commit says why */
	error = strcmp(run->format, "json") ? pd_render_classic_write(report, cli_output_write_cb, output)
					    : pd_render_json_write(report, cli_output_write_cb, output);
	/* PD_ERR_IO from our write callback is the output's failure, which
	 * commit reports; any other (a commit message that cannot be read
	 * back) means the digest is cut short: never put it in place */
	if (error < 0 && !(error == PD_ERR_IO && cli_output_failed(output))) {
		code = fail(run, error);
		goto cleanup;
	}
	error = cli_output_commit(output);
	output = NULL;
	if (error == -2) {
		code = EXIT_PIPE; /* the reader went away: quietly, nothing recorded */
		goto cleanup;
	}
	if (error < 0) {
		if (run->record && !run->quiet)
			fputs("patchdigest: nothing was recorded\n", stderr);
		code = EXIT_OUTPUT;
		goto cleanup;
	}
	code = report->n_skipped || report->n_damaged ? EXIT_PARTIAL : EXIT_DIGEST_OK;
	if (code == EXIT_PARTIAL && !run->quiet)
		cli_error("%zu message(s) could not be read and were left out, "
			"%zu were damaged and read in part", report->n_skipped, report->n_damaged);
	/* the digest is out in full: only now does the state keep it */
	if (run->record && (error = pd_state_commit(state)) < 0) {
		code = fail(run, error);
		fputs("patchdigest: the digest was written but not recorded: the next run "
		      "will report these series again\n", stderr);
	}
cleanup:
	if (run->bots) {
		g_ptr_array_free(run->bots, TRUE);
		run->bots = NULL;
		run->opts.bots = NULL;
	}
	cli_output_abort(output);
	pd_report_free(report); /* before the maps it borrows */
	pd_mailmap_free(run->mailmap);
	pd_employers_free(run->employers);
	run->mailmap = NULL;
	run->employers = NULL;
	if (run->owned)
		g_ptr_array_unref(run->owned);
	run->owned = NULL;
	pd_position_free(start);
	pd_position_free(reached);
	pd_state_free(state); /* rolls back what was not committed */
	pd_archive_free(archive);
	g_free(key);
	return code;
}

int cli_run_option(cli_run *run, int c, const char *arg)
{
	char *end;

	switch (c) {
	case 'S':
	case 'U':
		if (cli_parse_date(arg, c == 'S' ? &run->range.since : &run->range.until) < 0) {
			cli_error("'%s' is not a date after 1970-01-01T00:00:00Z and before "
				"the year 10000; give YYYY-MM-DD, an ISO 8601 date-time (seconds "
				"may be left out), today, yesterday, 'N days ago', 'N weeks ago' "
				"or @SECONDS", arg);
			return -1;
		}
		return 1;
	case 'f':
		if (strcmp(arg, "classic") && strcmp(arg, "json")) {
			cli_error("unknown format '%s'; use classic or json", arg);
			return -1;
		}
		run->format = arg;
		return 1;
	case 'o': run->output = arg; return 1;
	case 'n':
		if (!g_utf8_validate(arg, -1, NULL) || !*arg || g_ascii_isspace(arg[0])
		    || g_ascii_isspace(arg[strlen(arg) - 1])) {
			cli_error("--name takes a list name in UTF-8, without blanks at "
				"either end");
			return -1;
		}
		run->opts.name = arg;
		run->set |= CLI_SET_NAME;
		return 1;
	case 'L':
		if (!*arg || strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789._+-") != strlen(arg)) {
			cli_error("--lore-list takes a list's name on lore.kernel.org "
				"(letters, digits and . _ + -), not '%s'", arg);
			return -1;
		}
		run->opts.lore_list = arg;
		run->set |= CLI_SET_LORE;
		return 1;
	case 'q': run->quiet = 1; return 1;
	case 'v': run->verbose = 1; return 1;
	case 'P': run->show_progress = 0; return 1;
	case 'j': {
		long n = strtol(arg, &end, 10);
		if (*end || end == arg || n < 1 || n > 256) {
			cli_error("--jobs takes a number of threads (1 to 256), "
				"not '%s'", arg);
			return -1;
		}
		run->opts.threads = (unsigned)n;
		return 1;
	}
	case 'T': run->state_path = arg; run->use_state = 1; run->set |= CLI_SET_STATE; return 1;
	case 'C': run->config_path = arg; return 1;
	case 'K': {
		long days = strtol(arg, &end, 10);
		if (*end || end == arg || days < 0 || days > 3650) {
			cli_error("--lookback takes days (0 to 3650), not '%s'", arg);
			return -1;
		}
		run->range.lookback = (int64_t)days * 86400;
		run->set |= CLI_SET_LOOKBACK;
		return 1;
	}
	case 'M': run->mailmap_path = arg; run->set |= CLI_SET_MAILMAP; return 1;
	case 'E': run->employers_path = arg; run->set |= CLI_SET_EMPLOYERS; return 1;
	case 'B':
		if (!run->bots)
			run->bots = g_ptr_array_new();
		g_ptr_array_add(run->bots, (gpointer)arg);
		return 1;
	case 'A': {
		long days = strtol(arg, &end, 10);
		if (*end || end == arg || days < 1 || days > 3650) {
			cli_error("--stale-days takes days (1 to 3650), not '%s'", arg);
			return -1;
		}
		run->opts.stale_days = (unsigned)days;
		run->set |= CLI_SET_STALE;
		return 1;
	}
	case 'W': {
		long seconds = strtol(arg, &end, 10);
		if (*end || end == arg || seconds < 0 || seconds > 86400) {
			cli_error("--wait takes seconds (0 to 86400), not '%s'", arg);
			return -1;
		}
		run->wait_seconds = (int)seconds;
		return 1;
	}
	}
	return 0;
}
