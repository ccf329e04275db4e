/*
 * cmd-digest.c - `patchdigest [digest] ARCHIVE [RANGE]`: prints the digest
 * of an archive, or of a range of it, in the classic text or as JSON; with
 * --record, remembers it in the state for later digests.
 */
#include <stdio.h>
#include <string.h>
#include <getopt.h>
#include "cli.h"

static const char usage[] =
"usage: patchdigest [digest] [OPTIONS] ARCHIVE|NAME|- [FROM..TO]\n"
"       patchdigest [digest] [OPTIONS] ARCHIVE|NAME ARCHIVE|NAME...\n"
"\n"
"Prints the digest of a mailing-list archive: who sent patches, every\n"
"series posted, and the commit messages of the new ones.\n"
"\n"
"ARCHIVE is a public-inbox v2 inbox (a directory with git/0.git ...), one\n"
"epoch or v1 inbox git repository, an mbox file (mboxrd or mboxo; .gz read\n"
"through zlib), or a Maildir; '-' reads an mbox from standard input.  NAME\n"
"is a list of the configuration or an inbox of public-inbox's own, or a\n"
"group of lists there ([list \"NAME\"] member = ...).  Several archives make\n"
"one digest of all of them: a message cross-posted to several lists (the\n"
"same Message-ID and content) counts once, and the title names the lists.\n"
"\n"
"Options:\n"
"  -r, --range FROM..TO   commits of a git archive (FROM excluded; either\n"
"                         side may be omitted, 'root' is the first message;\n"
"                         abbreviated ids accepted)\n"
"      --since DATE       messages at or after DATE: YYYY-MM-DD (UTC), ISO 8601\n"
"                         (2025-11-01T10:00), yesterday, '3 days ago', '2 weeks\n"
"                         ago', @SECONDS.  Git archives go by commit (delivery)\n"
"                         time, which differs from Date: in imported archives\n"
"      --until DATE       messages before DATE\n"
CLI_OUTPUT_OPTIONS_HELP
"  -n, --name NAME        the list's name in the title (default: from List-Id)\n"
"      --lore-list NAME   the list's name on lore.kernel.org, for links\n"
"      --config FILE      the configuration file (default:\n"
"                         $XDG_CONFIG_HOME/patchdigest/config)\n"
"      --state FILE       use this state database (default: under\n"
"                         $XDG_STATE_HOME/patchdigest): series earlier\n"
"                         digests reported become Exist/Skip\n"
"      --record           record this digest in the state (its series and,\n"
"                         for git archives, its end as the next start)\n"
CLI_REVIEW_OPTIONS_HELP
"      --wait SECONDS     wait this long for another recording run (30)\n"
"  -q, --quiet            do not report skipped or damaged messages\n"
"  -v, --verbose          also report oddities that lost nothing (a header\n"
"                         given twice, saying the same)\n"
"      --no-progress      no progress line, even on a terminal\n"
"  -j, --jobs N           threads parsing messages (default: one per core)\n"
"  -h, --help             this text\n"
"  -V, --version          the version\n"
"\n"
"Other commands: `patchdigest next` makes the digest that follows the last\n"
"one recorded; `patchdigest state` shows or forgets what was recorded.\n"
"\n"
"Exit codes: 0 digest written; 1 digest written but some messages could\n"
"not be read or were damaged (each is named on stderr); 2 bad command line;\n"
"3 no such path, not an archive, or a range that does not resolve; 4 the\n"
"archive could not be read; 5 the digest could not be written; 6 the state\n"
"database is unusable or busy; 70 internal error.\n";

int cmd_digest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "range", required_argument, NULL, 'r' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OUTPUT_LONGOPTS,
		{ "output", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "lore-list", required_argument, NULL, 'L' },
		{ "state", required_argument, NULL, 'T' },
		{ "record", no_argument, NULL, 'R' },
		{ "wait", required_argument, NULL, 'W' },
		{ "stale-days", required_argument, NULL, 'A' },
		{ "bot", required_argument, NULL, 'B' },
		{ "lookback", required_argument, NULL, 'K' },
		{ "mailmap", required_argument, NULL, 'M' },
		{ "config", required_argument, NULL, 'C' },
		{ "employers", required_argument, NULL, 'E' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	cli_run run;
	int c, applied;

	cli_run_init(&run);
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:f:o:n:j:qvhV", longopts, NULL)) != -1) {
		if ((applied = cli_run_option(&run, c, optarg)) < 0)
			return EXIT_USAGE;
		if (applied)
			continue;
		switch (c) {
		case 'r': run.range.range = optarg; break;
		case 'R': run.record = run.use_state = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_DIGEST_OK;
		case 'V': printf("patchdigest %s\n", PD_VERSION); return EXIT_DIGEST_OK;
		default:
			cli_bad_option(argv[optind - 1], "patchdigest");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("patchdigest: no archive given\n", stderr);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	/* ARCHIVE... [FROM..TO]: the run tells a last argument that names
	 * no file, list or inbox for the range */
	run.args = (const char **)argv + optind;
	run.n_args = (size_t)(argc - optind);
	run.last_may_be_range = !run.range.range;
	return cli_run_digest(&run);
}
