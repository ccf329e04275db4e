/*
 * cmd-state.c - `patchdigest state [list]` shows what the state database
 * holds; `patchdigest state forget ARCHIVE` drops one archive from it.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <getopt.h>
#include <glib.h>
#include "cli.h"

static const char usage[] =
"usage: patchdigest state [--state FILE] [--last N] [list]\n"
"       patchdigest state [--state FILE] forget ARCHIVE\n"
"\n"
"`list` (the default) shows each archive the state knows: the position its\n"
"last digest reached (the commit of each epoch), how many series and\n"
"digests were recorded, and the newest N digests (default 5).\n"
"`forget` drops an archive's position, digests and series, so that its\n"
"next digest starts over; ARCHIVE is its path (as `list` shows it); a\n"
"digest of several archives is known by their paths joined by ' + ', or\n"
"by the name of its group in the configuration.\n"
"\n"
"Options:\n"
"      --state FILE   the state database (default: the configuration's\n"
"                     state, else $XDG_STATE_HOME/patchdigest/state.sqlite3)\n"
"      --config FILE  the configuration file\n"
"      --last N       how many recent digests to list per archive\n"
"      --wait SECONDS wait this long for a run holding the state (30)\n"
"  -h, --help         this text\n"
"\n"
"Exit codes: 0 done; 2 bad command line; 3 forget: the state does not know\n"
"the archive; 6 the state database is unusable or busy.\n";

static char *when(int64_t t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M") : g_strdup("?");

	if (dt)
		g_date_time_unref(dt);
	return s;
}

static void print_position(const char *what, const pd_position *p)
{
	if (p) {
		printf("  %s:", what);
		for (size_t i = 0; i < p->n_epochs; i++)
			printf("%s epoch %u at %s", i ? "," : "", p->epochs[i].epoch,
			       p->epochs[i].commit);
		putchar('\n');
	} else {
		printf("  %s: none (the next digest starts at the first message)\n", what);
	}
}

static void print_archive(pd_state *state, const pd_state_archive *a)
{
	size_t i;

	printf("archive: %s (%s)\n", a->key, a->kind);
	if (!strcmp(a->kind, pd_archive_kind_to_string(PD_ARCHIVE_GROUP))) {
		/* a group's archives each go on from a position of their own
		 * (its key joins theirs with " + ") */
		char **members = g_strsplit(a->key, " + ", -1);
		for (i = 0; members[i]; i++) {
			char *key = pd_state_member_key(a->key, members[i]);
			char *what = g_strdup_printf("position in %s", members[i]);
			pd_position *p = NULL;
			if (pd_state_position(&p, state, key) == PD_OK)
				print_position(what, p);
			pd_position_free(p);
			g_free(what);
			pd_free(key);
		}
		g_strfreev(members);
	} else {
		print_position("position", a->position);
	}
	printf("  series reported: %lld, in %lld digest(s)\n",
	       (long long)a->n_series, (long long)a->n_digests);
	if (a->n_last)
		printf("  last digests:\n");
	for (i = 0; i < a->n_last; i++) {
		const pd_state_digest *d = &a->last[i];
		char *t = when(d->made);
		printf("    #%lld %s UTC  %s  %lld messages, %lld new, %lld already reported, "
		       "%lld continued\n", (long long)d->id, t, d->range, (long long)d->n_messages,
		       (long long)d->n_new, (long long)d->n_reported, (long long)d->n_continued);
		g_free(t);
	}
}

/* The state key of the configuration's group `name` (its members'
 * keys joined), or NULL when `name` is no group.  New string. */
static char *group_key_of(cli_config *config, const char *name)
{
	GPtrArray *members = cli_config_members(config, name);
	GPtrArray *paths, *names, *lores;
	char *key = NULL;

	if (!members->len) {
		g_ptr_array_unref(members);
		return NULL;
	}
	g_ptr_array_unref(members);
	paths = g_ptr_array_new_with_free_func(g_free);
	names = g_ptr_array_new_with_free_func(g_free);
	lores = g_ptr_array_new_with_free_func(g_free);
	if (cli_config_resolve_inputs(paths, names, lores, config, &name, 1) == 0 && paths->len > 1) {
		char **keys = g_new0(char *, paths->len + 1);
		for (guint i = 0; i < paths->len; i++)
			keys[i] = pd_state_archive_key(paths->pdata[i]);
		key = pd_state_group_key((const char *const *)keys, paths->len);
		for (guint i = 0; i < paths->len; i++)
			pd_free(keys[i]);
		g_free(keys);
	}
	g_ptr_array_unref(paths);
	g_ptr_array_unref(names);
	g_ptr_array_unref(lores);
	return key;
}

int cmd_state(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 'T' },
		{ "config", required_argument, NULL, 'C' },
		{ "last", required_argument, NULL, 'N' },
		{ "wait", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	pd_state_options so = PD_STATE_OPTIONS_INIT;
	const char *state_arg = NULL, *config_arg = NULL, *action = "list";
	pd_state *state = NULL;
	pd_state_archive *list = NULL;
	char *path = NULL, *end, *group_key = NULL;
	size_t n = 0, i;
	long last = 5;
	int c, error, code = EXIT_DIGEST_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'T': state_arg = optarg; break;
		case 'C': config_arg = optarg; break;
		case 'N':
			last = strtol(optarg, &end, 10);
			if (*end || end == optarg || last < 0 || last > 1000000) {
				cli_error("--last takes a count, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'W': {
			int seconds;
			if (cli_parse_wait(&seconds, optarg) < 0)
				return EXIT_USAGE;
			so.wait_ms = seconds * 1000;
			break;
		}
		case 'h': fputs(usage, stdout); return EXIT_DIGEST_OK;
		default:
			cli_bad_option(argv[optind - 1], "patchdigest state");
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		action = argv[optind++];
	if (strcmp(action, "list") && strcmp(action, "forget")) {
		cli_error("state: unknown action '%s'; use list or forget", action);
		return EXIT_USAGE;
	}
	if (!strcmp(action, "forget") ? optind != argc - 1 : optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	{
		/* the state the configuration names, as digest and next use it;
		 * a group of it is forgotten by its name */
		cli_config *config = NULL;
		char *value = NULL;
		/* with --state, a default configuration file that cannot be
		 * read is said and passed over: only a group's name needs it */
		if (cli_config_load(&config, config_arg) < 0 && (!state_arg || config_arg))
			return EXIT_USAGE;
		if (!state_arg && cli_config_get(&value, NULL, config, "state"))
			path = cli_config_path_value(value);
		g_free(value);
		if (config && !strcmp(action, "forget"))
			group_key = group_key_of(config, argv[optind]);
		cli_config_free(config);
	}
	if (!path)
		path = state_arg ? g_strdup(state_arg) : pd_state_default_path();
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		printf("no state at %s: nothing recorded yet\n", path);
		code = strcmp(action, "forget") ? EXIT_DIGEST_OK : EXIT_INPUT;
		goto cleanup;
	}
	so.read_only = !strcmp(action, "list");
	if ((error = pd_state_open(&state, path, &so)) < 0) {
		cli_error("%s", pd_error_last());
		code = cli_exit_code(error);
		goto cleanup;
	}
	if (!strcmp(action, "forget")) {
		char *key = group_key ? g_strdup(group_key) : pd_state_archive_key(argv[optind]);
		int64_t gone = 0;
		error = pd_state_forget(state, key, &gone);
		/* an archive that moved is known by the path it had */
		if (error == PD_ERR_NOT_FOUND && strcmp(key, argv[optind]))
			error = pd_state_forget(state, argv[optind], &gone);
		if (error < 0) {
			cli_error("%s", pd_error_last());
			if (error == PD_ERR_NOT_FOUND)
				cli_error("`patchdigest state` lists the archives "
					"it knows");
			code = error == PD_ERR_NOT_FOUND ? EXIT_INPUT : cli_exit_code(error);
		} else {
			printf("forgot %s: its position and %lld series\n", key, (long long)gone);
		}
		g_free(key);
		goto cleanup;
	}
	if ((error = pd_state_list(&list, &n, state, (size_t)last)) < 0) {
		cli_error("%s", pd_error_last());
		code = cli_exit_code(error);
		goto cleanup;
	}
	printf("state: %s\n", path);
	if (!n)
		printf("no archives recorded yet\n");
	for (i = 0; i < n; i++)
		print_archive(state, &list[i]);
cleanup:
	pd_state_archives_free(list, n);
	pd_state_free(state);
	g_free(path);
	g_free(group_key);
	return code;
}
