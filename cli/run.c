/*
 * run.c - the run of `digest` and `next`: the configuration fills in what
 * the command line left, the archives are opened (several: one digest of
 * all), the state is read, the digest is printed as it is made, and a
 * recording run keeps it in the state only once it is out in full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib.h>
#include <git2.h>
#include <gmime/gmime.h>
#include "patchdigest.h"
#include "cli.h"

static int fail(cli_run *run, int status)
{
	if (run->progress_shown)
		fputs("\r\033[K", stderr);
	run->progress_shown = 0;
	cli_error("%s", *pd_error_last() ? pd_error_last()
						: pd_status_to_string(status));
	/* the library says what happened; what to do about it is ours */
	if (status == PD_ERR_RANGE && run->continued)
		cli_error("if the archive was replaced or its history "
			"rewritten, `patchdigest state forget '%s'` starts over",
			run->state_key ? run->state_key : run->path);
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
	for (guint i = 0; i < run->paths->len && !code; i++)
		if (same_file(run->output, run->paths->pdata[i])) {
			cli_error("-o %s is the archive being read; choose another file", run->output);
			code = EXIT_USAGE;
		}
	if (!code && same_file(run->output, state)) {
		cli_error("-o %s is the state database; choose another file", run->output);
		code = EXIT_USAGE;
	}
	g_free(state);
	return code;
}

/* next --fetch: public-inbox-fetch brings the inbox up to date first
 * (no network code of ours).  0, or EXIT_ARCHIVE said on stderr. */
static int fetch(const char *path)
{
	char *argv[] = { "public-inbox-fetch", "-q", "-C", (char *)path, NULL };
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
			  "digested or recorded", path, err->message);
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

/* Whether a last argument that names no file is a range: FROM..TO, or
 * an abbreviated or full commit id.  Anything else ("kvmarm.typo") is an
 * archive that is not there, and is said to be so. */
static int looks_like_range(const char *arg)
{
	size_t n = strspn(arg, "0123456789abcdefABCDEF");

	return strstr(arg, "..") || (n == strlen(arg) && n >= 4 && n <= 40);
}

/* Reads the configuration and fills in what the command line left: the
 * archive a name stands for, then each setting from the list's section,
 * else [patchdigest].  0, or an exit code (said on stderr). */
static int apply_config(cli_run *run)
{
	static const struct { const char *var; unsigned set; int option; } simple[] = {
		{ "name", CLI_SET_NAME, 'n' }, { "lore", CLI_SET_LORE, 'L' },
		{ "state", CLI_SET_STATE, 0 }, { "mailmap", CLI_SET_MAILMAP, 'M' },
		{ "employers", CLI_SET_EMPLOYERS, 'E' }, { "linkmask", CLI_SET_LINK_MASK, 'G' },
		{ "mailfrom", CLI_SET_MAIL_FROM, 'X' }, { "mailto", CLI_SET_MAIL_TO, 'Y' },
		{ "mailcc", CLI_SET_MAIL_CC, 'Q' },
	};
	cli_config *c = NULL;
	char *value, *origin;
	GPtrArray *bots;
	long n;
	int code = 0;

	if (cli_config_load(&c, run->config_path) < 0)
		return EXIT_USAGE;
	if (run->last_may_be_range && run->n_args >= 2) {
		const char *last = run->args[run->n_args - 1];
		if (!g_file_test(last, G_FILE_TEST_EXISTS) && looks_like_range(last)
		    && !cli_config_is_name(c, last)) {
			run->range.range = last;
			run->n_args--;
		}
	}
	if (cli_config_resolve_inputs(run->paths, run->names, run->lores, c, run->args,
				      run->n_args) < 0) {
		cli_config_free(c);
		return EXIT_INPUT;
	}
	run->path = run->paths->pdata[0];
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
	/* links = true: the classic text links every series */
	if (!code && !(run->set & CLI_SET_LINKS) && cli_config_get(&value, &origin, c, "links")) {
		int on = cli_config_bool(value);
		if (on < 0) {
			cli_error("links takes true or false, not '%s' (in %s)", value, origin);
			code = EXIT_USAGE;
		}
		run->render.links = on > 0;
		g_free(value);
		g_free(origin);
	}
	/* bots add up: the command line's, the list's, the defaults' */
	bots = cli_config_get_all(c, "bot");
	for (guint i = 0; i < bots->len; i++)
		cli_run_option(run, 'B', keep(run, g_strdup(bots->pdata[i])));
	g_ptr_array_unref(bots);
	cli_config_free(c);
	return code;
}

/* -f email without --mail-from or mailFrom: who git says the user is
 * (user.name and user.email of git's global and system configuration),
 * as git send-email would.  0, or EXIT_USAGE said, before anything is
 * read. */
static int mail_from_git(cli_run *run)
{
	git_config *cfg = NULL, *snapshot = NULL;
	const char *name = NULL, *email = NULL;

	if (run->format != PD_FORMAT_EMAIL || run->render.mail_from)
		return 0;
	if (git_config_open_default(&cfg) == 0 && git_config_snapshot(&snapshot, cfg) == 0) {
		git_config_get_string(&name, snapshot, "user.name");
		git_config_get_string(&email, snapshot, "user.email");
	}
	if (email && *email) {
		/* quoted as RFC 5322 needs, by GMime */
		InternetAddress *a = internet_address_mailbox_new(name ? name : "", email);
		run->render.mail_from = keep(run, internet_address_to_string(a, NULL, TRUE));
		g_object_unref(a);
	}
	git_config_free(snapshot);
	git_config_free(cfg);
	if (!run->render.mail_from) {
		cli_error("-f email needs a From: address: give --mail-from, set mailFrom in "
			  "the configuration, or git's user.email");
		return EXIT_USAGE;
	}
	return 0;
}

/* One archive of the run. */
typedef struct {
	pd_archive *archive;
	char *key;               /* pd_state_archive_key() */
	char *position_key;      /* where its position is kept: its key, or
	                            in a group pd_state_member_key() */
	pd_position *start, *reached;
} input;

/* next: where each archive starts.  An archive with a recorded position
 * goes on after it; without one, a first digest starts firstRunDays
 * before the newest message (of all the archives when none has a
 * position; of its own when others of a group have one), at --since, or
 * with --all at the first message.  0, or an exit code said. */
static int find_starts(cli_run *run, pd_state *state, input *in, size_t n, pd_digest_input *di)
{
	size_t n_started = 0;
	int error;

	for (size_t i = 0; i < n; i++) {
		if ((error = pd_state_position(&in[i].start, state, in[i].position_key)) < 0)
			return fail(run, error);
		di[i].start = in[i].start;
		n_started += in[i].start != NULL;
	}
	if (n_started == n || run->range.since)
		return 0;
	if (run->all) {
		if (!run->quiet)
			for (size_t i = 0; i < n; i++)
				if (!in[i].start)
					cli_error("no digest of %s recorded yet; --all: this one starts "
						  "at its first message", in[i].key);
		return 0;
	}
	{
		int64_t newest_all = 0, newest[32] = { 0 };
		/* a first digest of years of mail helps no one: the last days,
		 * said before the digest */
		for (size_t i = 0; i < n; i++) {
			if (in[i].start)
				continue;
			if ((error = pd_archive_newest_time(&newest[i], in[i].archive)) < 0)
				return fail(run, error);
			if (newest[i] > newest_all)
				newest_all = newest[i];
		}
		for (size_t i = 0; i < n; i++) {
			int64_t since;
			if (in[i].start)
				continue;
			since = (n_started ? newest[i] : newest_all) - (int64_t)run->first_run_days * 86400;
			if (n_started)
				di[i].since = since;
			else
				run->range.since = since;
			if (run->range.until && run->range.until <= since) {
				cli_error("--until comes before this first digest's start (%ld days "
					  "before the archive's newest message); give --since or --all",
					  run->first_run_days);
				return EXIT_USAGE;
			}
			if (!run->quiet) {
				GDateTime *t = g_date_time_new_from_unix_utc(since);
				char *day = g_date_time_format(t, "%Y-%m-%d %H:%M UTC");
				cli_error("no digest of %s recorded yet; this first one starts %ld "
					  "days before its newest message, at %s (--since DATE or "
					  "--all to start elsewhere)", in[i].key, run->first_run_days, day);
				g_free(day);
				g_date_time_unref(t);
			}
		}
	}
	return 0;
}

/* Records where each archive's reading got to, when it moved.  0 or a
 * negative pd_status. */
static int record_positions(pd_state *state, input *in, size_t n)
{
	int error = PD_OK;

	for (size_t i = 0; i < n && error == PD_OK; i++)
		if (in[i].reached && !positions_equal(in[i].start, in[i].reached))
			error = pd_state_record_position(state, in[i].position_key,
							 pd_archive_get_kind(in[i].archive),
							 in[i].reached);
	return error;
}

int cli_run_digest(cli_run *run)
{
	pd_state *state = NULL;
	pd_report *report = NULL;
	cli_output *output = NULL;
	input *in = NULL;
	pd_digest_input *di = NULL;
	pd_position **reached = NULL;
	char *key = NULL;
	size_t n = 0;
	int error, code;

	run->paths = g_ptr_array_new_with_free_func(g_free);
	run->names = g_ptr_array_new_with_free_func(g_free);
	run->lores = g_ptr_array_new_with_free_func(g_free);
	if ((code = apply_config(run)) != 0 || (code = mail_from_git(run)) != 0)
		goto cleanup;
	n = run->paths->len;
	if (n > 32) {
		cli_error("one digest reads at most 32 archives, not %zu", n);
		code = EXIT_USAGE;
		goto cleanup;
	}
	if (n > 1 && run->range.range) {
		cli_error("a range of commits names commits of one archive; a digest of "
			  "several goes by --since/--until");
		code = EXIT_USAGE;
		goto cleanup;
	}
	run->opts.diag = cli_on_diag;
	run->opts.diag_payload = run;
	if (run->bots) {
		g_ptr_array_add(run->bots, NULL);
		run->opts.bots = (const char *const *)run->bots->pdata;
	}
	if (run->show_progress) {
		run->opts.progress = cli_on_progress;
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
	for (size_t i = 0; i < n && run->fetch; i++)
		if ((code = fetch(run->paths->pdata[i])) != 0)
			goto cleanup;
	/* the archives first: a wrong path must not create a state file */
	in = g_new0(input, n);
	di = g_new0(pd_digest_input, n);
	for (size_t i = 0; i < n; i++) {
		const char *path = run->paths->pdata[i];
		pd_archive_kind kind;
		if ((error = pd_archive_open(&in[i].archive, path)) < 0) {
			code = fail(run, error);
			goto cleanup;
		}
		kind = pd_archive_get_kind(in[i].archive);
		if (run->next && kind != PD_ARCHIVE_V2 && kind != PD_ARCHIVE_GIT) {
			cli_error("%s is a %s; `next` continues from a commit, so it "
				"needs a git archive (use `digest --record` with --since/--until)",
				path, pd_archive_kind_to_string(kind));
			code = EXIT_USAGE;
			goto cleanup;
		}
		in[i].key = pd_state_archive_key(path);
		di[i].archive = in[i].archive;
		di[i].name = run->names->pdata[i];
		di[i].lore_list = run->lores->pdata[i];
	}
	if (n == 1) {
		key = g_strdup(in[0].key);
		in[0].position_key = g_strdup(key);
	} else {
		const char **keys = g_new0(const char *, n);
		for (size_t i = 0; i < n; i++)
			keys[i] = in[i].key;
		key = pd_state_group_key(keys, n);
		g_free(keys);
		for (size_t i = 0; i < n; i++) {
			/* the group's key joins its archives' with " + " and
			 * their positions' with a newline */
			if (strstr(in[i].key, " + ") || strchr(in[i].key, '\n')) {
				cli_error("%s: a path holding \" + \" or a newline cannot be one of "
					  "several archives (the state could not tell it apart)",
					  in[i].key);
				code = EXIT_USAGE;
				goto cleanup;
			}
			in[i].position_key = pd_state_member_key(key, in[i].key);
			for (size_t j = 0; j < i; j++)
				if (!strcmp(in[i].key, in[j].key)) {
					cli_error("%s is given twice", in[i].key);
					code = EXIT_USAGE;
					goto cleanup;
				}
		}
	}
	if (run->use_state && (error = open_state(&state, run)) < 0) {
		code = fail(run, error);
		goto cleanup;
	}
	if (run->next && (code = find_starts(run, state, in, n, di)) != 0)
		goto cleanup;
	run->state_key = key;
	for (size_t i = 0; i < n; i++)
		run->continued |= in[i].start != NULL;
	if (n == 1)
		run->range.start = in[0].start;
	error = pd_digest_read_inputs(&report, &reached, di, n, &run->range, &run->opts, state, key);
	if (error < 0) {
		code = fail(run, error);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		in[i].reached = reached[i];
	/* a run that records nothing is done with the state: its snapshot
	 * ends before the output, which may wait on a reader for as long as
	 * it likes (`next --dry-run | less`) and must not hold back a
	 * recording run meanwhile (the report keeps copies of what it read) */
	if (state && !run->record)
		pd_state_rollback(state);
	if (run->next && report->n_messages + report->n_reply_records == 0 && !report->n_skipped) {
		if (!run->quiet)
			cli_error("nothing new in %s since the last digest "
				"(it ended at %s)", key, report->to_label);
		code = EXIT_DIGEST_OK;
		if (run->record && ((error = record_positions(state, in, n)) < 0
				    || (error = pd_state_commit(state)) < 0))
			code = fail(run, error);
		else if (run->record)
			cli_crash_note_recorded();
		goto cleanup;
	}
	/* a recording run writes its records first, inside its transaction:
	 * if the state cannot take them (disk full, a damaged file), it says
	 * so before any digest is written.  They become durable only with
	 * the commit after the output; a failed output rolls them back.  A
	 * group's digest is recorded under the group, each archive's
	 * position under the group too. */
	if (run->record
	    && ((error = pd_state_record(state, key, n == 1 ? pd_archive_get_kind(in[0].archive)
							       : PD_ARCHIVE_GROUP,
					 report, n == 1 ? in[0].reached : NULL)) < 0
		|| (n > 1 && (error = record_positions(state, in, n)) < 0))) {
		code = fail(run, error);
		goto cleanup;
	}
	if (cli_output_open(&output, run->output) < 0) {
		code = EXIT_OUTPUT;
		goto cleanup;
	}
	/* written as it is made; a failed write stops the renderer with
	 * PD_ERR_IO, and commit says why */
	error = pd_render_write(report, run->format, &run->render, cli_output_write_cb, output);
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
	} else if (run->record) {
		cli_crash_note_recorded();
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
	for (size_t i = 0; in && i < n; i++) {
		pd_position_free(in[i].start);
		pd_position_free(in[i].reached);
		pd_archive_free(in[i].archive);
		g_free(in[i].key);
		g_free(in[i].position_key);
	}
	g_free(in);
	g_free(di);
	pd_free(reached);
	pd_state_free(state); /* rolls back what was not committed */
	g_free(key);
	run->state_key = NULL;
	/* run->path points into run->paths */
	run->path = NULL;
	g_ptr_array_unref(run->paths);
	g_ptr_array_unref(run->names);
	g_ptr_array_unref(run->lores);
	run->paths = run->names = run->lores = NULL;
	if (run->owned)
		g_ptr_array_unref(run->owned);
	run->owned = NULL;
	return code;
}
