/*
 * common.c - what the digest-making commands share: reporting diagnostics
 * and progress on stderr, reading dates and options.  The run itself is
 * run.c's.
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
#ifndef PD_JEMALLOC /* else allocator.c configures jemalloc */
	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, 4);
	if (!getenv("MALLOC_MMAP_THRESHOLD_"))
		mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

void cli_bad_option(const char *word, const char *command)
{
	cli_error("unknown option, or an option without its value: '%s'", word ? word : "");
	cli_error("try '%s --help'", command);
}

void cli_on_diag(pd_diag_level level, const char *origin, const char *what, void *payload)
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

void cli_on_progress(size_t n, int done, void *payload)
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
	run->format = PD_FORMAT_CLASSIC;
	run->render = (pd_render_options)PD_RENDER_OPTIONS_INIT;
	run->show_progress = isatty(STDERR_FILENO);
	run->wait_seconds = 30;
	run->first_run_days = 7;
}

int cli_parse_wait(int *seconds, const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || end == arg || n < 0 || n > 86400) {
		cli_error("--wait takes seconds (0 to 86400), not '%s'", arg);
		return -1;
	}
	*seconds = (int)n;
	return 0;
}

int cli_check_link_mask(const char *arg)
{
	const char *at = strstr(arg, "%s");

	if (!at || strstr(at + 2, "%s") || strchr(arg, '\n')) {
		cli_error("--link-mask takes a URL with one %%s for the Message-ID "
			  "(https://lore.kernel.org/kvm/%%s/), not '%s'", arg);
		return -1;
	}
	return 0;
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
		if (pd_format_from_string(&run->format, arg) < 0) {
			cli_error("%s", pd_error_last());
			return -1;
		}
		/* an mbox is made of the messages' own bytes: keep them */
		run->opts.parse.keep_raw = run->format == PD_FORMAT_MBOX;
		return 1;
	case 'I': run->render.links = 1; run->set |= CLI_SET_LINKS; return 1;
	case 'G':
		if (cli_check_link_mask(arg) < 0)
			return -1;
		run->render.link_mask = arg;
		run->set |= CLI_SET_LINK_MASK;
		return 1;
	case 'X': run->render.mail_from = arg; run->set |= CLI_SET_MAIL_FROM; return 1;
	case 'Y': run->render.mail_to = arg; run->set |= CLI_SET_MAIL_TO; return 1;
	case 'Q': run->render.mail_cc = arg; run->set |= CLI_SET_MAIL_CC; return 1;
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
	case 'W':
		return cli_parse_wait(&run->wait_seconds, arg) < 0 ? -1 : 1;
	}
	return 0;
}
