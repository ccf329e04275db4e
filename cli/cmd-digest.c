/*
 * cmd-digest.c - `patchdigest [digest] ARCHIVE [RANGE]`: prints the digest
 * of an archive, or of a range of it, in the classic text or as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <getopt.h>
#include <glib.h>
#include "patchdigest.h"
#include "cli.h"

static const char usage[] =
"usage: patchdigest [digest] [OPTIONS] ARCHIVE [FROM..TO]\n"
"\n"
"Prints the digest of a mailing-list archive: who sent patches, every\n"
"series posted, and the commit messages of the new ones.\n"
"\n"
"ARCHIVE is a public-inbox v2 inbox (a directory with git/0.git ...), one\n"
"epoch or v1 inbox git repository, an mbox file (mboxrd or mboxo), or a\n"
"Maildir.\n"
"\n"
"Options:\n"
"  -r, --range FROM..TO   commits of a git archive (FROM excluded; either\n"
"                         side may be omitted; abbreviated ids accepted)\n"
"      --since DATE       messages at or after DATE (YYYY-MM-DD, ISO 8601)\n"
"      --until DATE       messages before DATE\n"
"  -f, --format FORMAT    classic (default) or json\n"
"  -o, --output FILE      write the digest to FILE (written whole or not at all)\n"
"  -n, --name NAME        the list's name in the title (default: from List-Id)\n"
"      --lore-list NAME   the list's name on lore.kernel.org, for links\n"
"  -q, --quiet            do not report skipped or damaged messages\n"
"      --no-progress      no progress line, even on a terminal\n"
"  -h, --help             this text\n"
"  -V, --version          the version\n"
"\n"
"Exit codes: 0 digest written; 1 digest written but some messages could\n"
"not be read or were damaged (each is named on stderr); 2 bad command line; 3 no such\n"
"path, not an archive, or a range that does not resolve; 4 the archive\n"
"could not be read; 5 the digest could not be written; 70 internal error.\n";

typedef struct {
	int quiet;
	size_t warnings;
	int progress_shown;
} run_state;

static void on_diag(pd_diag_level level, const char *origin, const char *what, void *payload)
{
	run_state *st = payload;

	st->warnings++;
	if (st->quiet)
		return;
	if (st->progress_shown) {
		fputs("\r\033[K", stderr);
		st->progress_shown = 0;
	}
	fprintf(stderr, "patchdigest: %s: %s%s\n", origin && *origin ? origin : "(unknown)",
		level == PD_DIAG_SKIPPED ? "skipped: " : "damaged, read what could be: ", what);
}

static void on_progress(size_t n, int done, void *payload)
{
	run_state *st = payload;

	if (done) {
		if (st->progress_shown)
			fputs("\r\033[K", stderr);
		st->progress_shown = 0;
		return;
	}
	fprintf(stderr, "\rpatchdigest: %zu messages read", n);
	st->progress_shown = 1;
}

/* YYYY-MM-DD (UTC midnight), an ISO 8601 date-time, or @SECONDS. */
static int parse_date_arg(const char *arg, int64_t *out)
{
	GTimeZone *utc = g_time_zone_new_utc();
	GDateTime *dt = NULL;
	int y, m, d;
	char extra;

	if (arg[0] == '@') {
		char *end;
		long long v = strtoll(arg + 1, &end, 10);
		g_time_zone_unref(utc);
		if (*end || end == arg + 1)
			return -1;
		*out = v;
		return 0;
	}
	if (sscanf(arg, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3)
		dt = g_date_time_new(utc, y, m, d, 0, 0, 0);
	else
		dt = g_date_time_new_from_iso8601(arg, utc);
	g_time_zone_unref(utc);
	if (!dt)
		return -1;
	*out = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return 0;
}

int cmd_digest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "range", required_argument, NULL, 'r' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "lore-list", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	pd_range_options range = PD_RANGE_OPTIONS_INIT;
	pd_digest_options opts = PD_DIGEST_OPTIONS_INIT;
	run_state st = { 0 };
	const char *format = "classic", *output = NULL, *path;
	int c, error, show_progress = isatty(STDERR_FILENO);
	pd_report *report = NULL;
	char *text = NULL;
	size_t len = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:f:o:n:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': range.range = optarg; break;
		case 'S':
		case 'U':
			if (parse_date_arg(optarg, c == 'S' ? &range.since : &range.until) < 0) {
				fprintf(stderr, "patchdigest: '%s' is not a date; give YYYY-MM-DD, "
					"an ISO 8601 date-time, or @SECONDS\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'n': opts.name = optarg; break;
		case 'L': opts.lore_list = optarg; break;
		case 'q': st.quiet = 1; break;
		case 'P': show_progress = 0; break;
		case 'h': fputs(usage, stdout); return EXIT_DIGEST_OK;
		case 'V': printf("patchdigest %s\n", PD_VERSION); return EXIT_DIGEST_OK;
		default:
			fputs("Try 'patchdigest --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (strcmp(format, "classic") && strcmp(format, "json")) {
		fprintf(stderr, "patchdigest: unknown format '%s'; use classic or json\n", format);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fputs("patchdigest: no archive given\n", stderr);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	path = argv[optind++];
	if (optind < argc && !range.range)
		range.range = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "patchdigest: unexpected argument '%s'\nTry 'patchdigest --help'.\n",
			argv[optind]);
		return EXIT_USAGE;
	}

	opts.diag = on_diag;
	opts.diag_payload = &st;
	if (show_progress) {
		opts.progress = on_progress;
		opts.progress_payload = &st;
	}
	error = pd_digest_archive(&report, path, &range, &opts);
	if (error < 0) {
		if (st.progress_shown)
			fputs("\r\033[K", stderr);
		fprintf(stderr, "patchdigest: %s\n", *pd_error_last() ? pd_error_last()
					: pd_status_to_string(error));
		return cli_exit_code(error);
	}
	error = strcmp(format, "json") ? pd_render_classic(&text, &len, report)
				       : pd_render_json(&text, &len, report);
	if (error < 0) {
		fprintf(stderr, "patchdigest: %s\n", pd_error_last());
		pd_report_free(report);
		return cli_exit_code(error);
	}
	error = cli_write_output(output, text, len) < 0 ? EXIT_OUTPUT
		: report->n_skipped || report->n_damaged ? EXIT_PARTIAL : EXIT_DIGEST_OK;
	if (error == EXIT_PARTIAL && !st.quiet)
		fprintf(stderr, "patchdigest: %zu message(s) could not be read and were left out, "
			"%zu were damaged and read in part\n", report->n_skipped, report->n_damaged);
	pd_free(text);
	pd_report_free(report);
	return error;
}
