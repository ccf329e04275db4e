/*
 * cmd-next.c - `patchdigest next ARCHIVE`: the digest that follows the last
 * one recorded for ARCHIVE, printed, then recorded.
 */
#include <stdio.h>
#include <string.h>
#include <getopt.h>
#include "cli.h"

static const char usage[] =
"usage: patchdigest next [OPTIONS] ARCHIVE|NAME...\n"
"\n"
"Prints the digest of what ARCHIVE (a public-inbox git archive) received\n"
"since the last digest recorded for it, then records this one: where it\n"
"ended (the commit of each epoch, so new epochs are read from their first\n"
"message) and the series it reported, so that the next digest shows them\n"
"as Exist/Skip when they are posted again.  The state changes only after\n"
"the digest was written in full, in one transaction; a run that is killed\n"
"or fails changes nothing, and running it again prints the same digest.\n"
"The first digest of an archive starts 7 days before its newest message\n"
"(firstRunDays in the configuration), or at --since, or with --all at its\n"
"first message; it says so on stderr.  Several archives (or a group of\n"
"the configuration) make one digest of all; each archive goes on from\n"
"where this group's last digest left it.\n"
"\n"
"Options:\n"
"      --dry-run          print the next digest, record nothing\n"
"      --fetch            run public-inbox-fetch on ARCHIVE first (a clone made\n"
"                         by public-inbox-clone)\n"
"      --all              a first digest starts at the archive's first message\n"
"      --config FILE      the configuration file (default:\n"
"                         $XDG_CONFIG_HOME/patchdigest/config)\n"
"      --until DATE       end the digest before DATE (the next one starts there)\n"
"      --since DATE       leave out messages before DATE (commit time; forms as\n"
"                         for `patchdigest --help`)\n"
"      --state FILE       the state database (default:\n"
"                         $XDG_STATE_HOME/patchdigest/state.sqlite3)\n"
CLI_REVIEW_OPTIONS_HELP
"      --wait SECONDS     wait this long for another run on the same state\n"
"                         (default 30; 0: stop at once)\n"
CLI_OUTPUT_OPTIONS_HELP
"  -n, --name NAME        the list's name in the title (default: from List-Id)\n"
"      --lore-list NAME   the list's name on lore.kernel.org, for links\n"
"  -q, --quiet            do not report skipped or damaged messages\n"
"  -v, --verbose          also report oddities that lost nothing (a header\n"
"                         given twice, saying the same)\n"
"      --no-progress      no progress line, even on a terminal\n"
"  -j, --jobs N           threads parsing messages (default: one per core)\n"
"  -h, --help             this text\n"
"\n"
"When nothing arrived since the last digest, nothing is printed (a note\n"
"goes to stderr) and the exit code is 0.  Exit codes as for `patchdigest\n"
"--help`; 6: the state database is unusable or another run held it longer\n"
"than --wait.\n";

int cmd_next(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'D' },
		{ "all", no_argument, NULL, 'Z' },
		{ "fetch", no_argument, NULL, 'F' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "state", required_argument, NULL, 'T' },
		{ "wait", required_argument, NULL, 'W' },
		{ "stale-days", required_argument, NULL, 'A' },
		{ "bot", required_argument, NULL, 'B' },
		{ "lookback", required_argument, NULL, 'K' },
		{ "mailmap", required_argument, NULL, 'M' },
		{ "config", required_argument, NULL, 'C' },
		{ "employers", required_argument, NULL, 'E' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OUTPUT_LONGOPTS,
		{ "output", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "lore-list", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	cli_run run;
	int c, applied, dry_run = 0;

	cli_run_init(&run);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:n:j:qvh", longopts, NULL)) != -1) {
		if ((applied = cli_run_option(&run, c, optarg)) < 0)
			return EXIT_USAGE;
		if (applied)
			continue;
		switch (c) {
		case 'D': dry_run = 1; break;
		case 'Z': run.all = 1; break;
		case 'F': run.fetch = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_DIGEST_OK;
		default:
			cli_bad_option(argv[optind - 1], "patchdigest next");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("patchdigest: no archive given\n", stderr);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	run.args = (const char **)argv + optind;
	run.n_args = (size_t)(argc - optind);
	run.next = run.use_state = 1;
	run.record = !dry_run;
	return cli_run_digest(&run);
}
