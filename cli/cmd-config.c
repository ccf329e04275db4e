/*
 * cmd-config.c - `patchdigest config [NAME|PATH]`: the settings a digest
 * of that list would use, and where each comes from (the configuration
 * file's list section, its [patchdigest] section, or the default).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
"usage: patchdigest config [--config FILE] [NAME | PATH]\n"
"\n"
"Prints the settings `patchdigest next NAME` would use and where each comes\n"
"from: the list's [list \"NAME\"] section of the configuration file, its\n"
"[patchdigest] section, or the default.  Without NAME, the defaults and the\n"
"names of the lists and public-inbox inboxes known.\n"
"\n"
"  -C, --config FILE   the configuration file (default:\n"
"                      $XDG_CONFIG_HOME/patchdigest/config)\n"
"  -h, --help          this text\n";

/* "KEY = VALUE\t(WHERE)", value and where made safe for a terminal (a
 * control character in the file is shown escaped, never acted on). */
static void show(const char *key, const char *value, const char *where)
{
	char *v = pd_display_text(value, 0), *w = where ? pd_display_text(where, 0) : NULL;

	if (w)
		printf("%s = %s\t(%s)\n", key, v, w);
	else
		printf("%s = %s\n", key, v);
	g_free(v);
	g_free(w);
}

/* The default of each setting, as `patchdigest config` shows it. */
static char *default_of(const char *var)
{
	if (!strcmp(var, "state"))
		return pd_state_default_path();
	cli_run run;

	/* as a run starts without a configuration */
	cli_run_init(&run);
	if (!strcmp(var, "lookback"))
		return g_strdup_printf("%lld", (long long)(run.range.lookback / 86400));
	if (!strcmp(var, "staledays"))
		return g_strdup("14"); /* the library's, for stale_days 0 */
	if (!strcmp(var, "firstrundays"))
		return g_strdup_printf("%ld", run.first_run_days);
	if (!strcmp(var, "name") || !strcmp(var, "lore"))
		return g_strdup("(from the mail: List-Id, else To:)");
	return g_strdup("(none)");
}

int cmd_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config_path = NULL;
	cli_config *c = NULL;
	char *archive = NULL;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C': config_path = optarg; break;
		case 'h': fputs(usage, stdout); return EXIT_DIGEST_OK;
		default:
			cli_bad_option(argv[optind - 1], "patchdigest config");
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		cli_error("config takes one list name or path at most");
		return EXIT_USAGE;
	}
	if (cli_config_load(&c, config_path) < 0)
		return EXIT_USAGE;
	/* the file's text is shown as the digest shows mail: made safe */
	show("file", c->path, c->cfg ? NULL : "not there: every setting is a default");
	if (optind < argc) {
		/* a list, an inbox, a path, or a group of them */
		GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
		GPtrArray *lores = g_ptr_array_new_with_free_func(g_free);
		if (cli_config_resolve_inputs(paths, names, lores, c, (const char *const *)argv + optind,
					      1) < 0) {
			g_ptr_array_unref(paths);
			g_ptr_array_unref(names);
			g_ptr_array_unref(lores);
			cli_config_free(c);
			return EXIT_INPUT;
		}
		if (c->list)
			show("list", c->list, NULL);
		for (guint i = 0; i < paths->len; i++)
			if (paths->len > 1 || strcmp(paths->pdata[i], argv[optind]))
				show("archive", paths->pdata[i], names->pdata[i]);
		archive = paths->len ? g_strdup(paths->pdata[0]) : NULL;
		g_ptr_array_unref(paths);
		g_ptr_array_unref(names);
		g_ptr_array_unref(lores);
	}
	for (size_t i = 0; cli_config_keys[i]; i++) {
		const char *var = cli_config_keys[i];
		char *value = NULL, *origin = NULL;
		if (!strcmp(var, "member")) {
			/* a group's lists, shown above as their archives */
			continue;
		}
		if (!strcmp(var, "bot")) {
			GPtrArray *all = cli_config_get_all(c, var);
			for (guint k = 0; k < all->len; k++)
				show("bot", all->pdata[k], NULL);
			if (!all->len)
				printf("bot = (only the built-in bots)\n");
			g_ptr_array_unref(all);
			continue;
		}
		if (!strcmp(var, "path") && (!c->list || !cli_config_get(&value, &origin, c, var)))
			continue;
		g_free(value);
		g_free(origin);
		value = origin = NULL;
		if (cli_config_get(&value, &origin, c, var)) {
			show(var, value, origin);
		} else {
			char *d = default_of(var);
			show(var, d, "default");
			g_free(d);
		}
		g_free(value);
		g_free(origin);
	}
	if (!c->list && optind >= argc) {
		GPtrArray *lists = cli_config_lists(c);
		for (guint i = 0; i < lists->len; i++)
			show("known list", lists->pdata[i], NULL);
		g_ptr_array_unref(lists);
		lists = cli_config_groups(c);
		for (guint i = 0; i < lists->len; i++)
			show("known group", lists->pdata[i], NULL);
		g_ptr_array_unref(lists);
	}
	g_free(archive);
	cli_config_free(c);
	return EXIT_DIGEST_OK;
}
