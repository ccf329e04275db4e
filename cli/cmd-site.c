/*
 * cmd-site.c - `patchdigest site DIR`: a static site of every digest the
 * state recorded (a page each, an index, an Atom feed), for a web server
 * or a folder to open in a browser.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <getopt.h>
#include <glib.h>
#include "cli.h"

static const char usage[] =
"usage: patchdigest site [OPTIONS] DIR\n"
"\n"
"Writes into DIR (made when missing) a static site of every digest the\n"
"state recorded (`next`, `digest --record`): digest-N.html for each, an\n"
"index.html of all of them, newest first, and feed.atom, an Atom feed with\n"
"one entry per digest.  Run it after each `next` (a cron job, a CI step);\n"
"each file is written whole and renamed into place.  Digests recorded by\n"
"a patchdigest older than the site are listed without a page.\n"
"\n"
"Options:\n"
"      --state FILE     the state database (default: the configuration's\n"
"                       state, else $XDG_STATE_HOME/patchdigest/state.sqlite3)\n"
"      --config FILE    the configuration file\n"
"      --title TEXT     the index's and the feed's title (default: siteTitle\n"
"                       in the configuration, else \"Mailing list digests\")\n"
"      --base-url URL   where DIR is served (default: siteUrl): the feed's\n"
"                       links become absolute under it\n"
"      --link-mask MASK the pages' links to messages: MASK with %s the\n"
"                       Message-ID (default: linkMask, else lore's)\n"
"      --wait SECONDS   wait this long for a run holding the state (30)\n"
"  -h, --help           this text\n"
"\n"
"Exit codes: 0 site written; 1 written, but some digests' kept reports\n"
"were damaged (each keeps the page it had, if any); 2 bad command line;\n"
"3 no state database at that path (nothing is written); 5 a file could\n"
"not be written; 6 the state database is unusable or busy.\n";

int cmd_site(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 'T' },
		{ "config", required_argument, NULL, 'C' },
		{ "title", required_argument, NULL, 't' },
		{ "base-url", required_argument, NULL, 'u' },
		{ "link-mask", required_argument, NULL, 'G' },
		{ "wait", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct { const char *var; int option; } settings[] = {
		{ "state", 'T' }, { "sitetitle", 't' }, { "siteurl", 'u' }, { "linkmask", 'G' },
	};
	pd_state_options so = PD_STATE_OPTIONS_INIT;
	pd_site_options site = PD_SITE_OPTIONS_INIT;
	pd_site_result res;
	pd_state *state = NULL;
	cli_config *config = NULL;
	char *given[128] = { NULL }, *owned[G_N_ELEMENTS(settings)] = { NULL };
	const char *config_arg = NULL;
	char *path = NULL;
	int c, error, code = EXIT_DIGEST_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'T': case 't': case 'u':
			given[c] = optarg;
			break;
		case 'G':
			if (cli_check_link_mask(optarg) < 0)
				return EXIT_USAGE;
			given[c] = optarg;
			break;
		case 'C': config_arg = optarg; break;
		case 'W': {
			int seconds;
			if (cli_parse_wait(&seconds, optarg) < 0)
				return EXIT_USAGE;
			so.wait_ms = seconds * 1000;
			break;
		}
		case 'h': fputs(usage, stdout); return EXIT_DIGEST_OK;
		default:
			cli_bad_option(argv[optind - 1], "patchdigest site");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	/* what the command line left, from the configuration's defaults */
	if (cli_config_load(&config, config_arg) < 0)
		return EXIT_USAGE;
	for (size_t i = 0; i < G_N_ELEMENTS(settings); i++) {
		char *value = NULL;
		if (given[settings[i].option] || !cli_config_get(&value, NULL, config, settings[i].var))
			continue;
		owned[i] = settings[i].option == 'T' ? cli_config_path_value(value) : g_strdup(value);
		given[settings[i].option] = owned[i];
		g_free(value);
	}
	cli_config_free(config);
	site.title = given['t'];
	site.base_url = given['u'];
	site.link_mask = given['G'];
	path = given['T'] ? g_strdup(given['T']) : pd_state_default_path();
	/* a mistyped path would read as an empty state, and an empty site
	 * would replace the one published */
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		cli_error("no state at %s: nothing was written (`patchdigest next` records "
			  "digests there; --state names another)", path);
		code = EXIT_INPUT;
		goto cleanup;
	}
	so.read_only = 1;
	if ((error = pd_state_open(&state, path, &so)) < 0
	    || (error = pd_site_write(&res, argv[optind], state, &site)) < 0) {
		cli_error("%s", pd_error_last());
		code = error == PD_ERR_IO ? EXIT_OUTPUT : cli_exit_code(error);
		goto cleanup;
	}
	printf("%s: %zu page(s), index.html and feed.atom for %zu digest(s)\n", argv[optind],
	       res.n_pages, res.n_digests);
	if (res.n_damaged) {
		cli_error("%zu digest(s)' kept reports are damaged: each keeps the page it had, "
			  "if any", res.n_damaged);
		code = EXIT_PARTIAL;
	}
cleanup:
	pd_state_free(state);
	for (size_t i = 0; i < G_N_ELEMENTS(owned); i++)
		g_free(owned[i]);
	g_free(path);
	return code;
}
