/*
 * cli.h - the commands of the patchdigest program and their exit codes.
 * Exit codes are part of the interface (documented in the man page and
 * the README); never renumber them.
 */
#ifndef PD_CLI_H
#define PD_CLI_H

enum {
	EXIT_DIGEST_OK = 0,    /* digest written, every message read */
	EXIT_PARTIAL = 1,      /* digest written, some messages skipped or damaged */
	EXIT_USAGE = 2,        /* bad command line */
	EXIT_INPUT = 3,        /* no such path, not an archive, bad range */
	EXIT_ARCHIVE = 4,      /* the archive could not be read at all */
	EXIT_OUTPUT = 5,       /* the digest could not be written */
	EXIT_STATE = 6,        /* the state database is unusable or busy */
	EXIT_PIPE = 141,       /* standard output closed early (| head): quiet,
	                          as a shell reports git killed by SIGPIPE */
	EXIT_INTERNAL = 70     /* out of memory or a bug */
};

#include <stdint.h>
#include <glib.h>
#include "patchdigest.h"

int cmd_digest(int argc, char **argv);
int cmd_next(int argc, char **argv);
int cmd_state(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_site(int argc, char **argv);

/* The configuration file (config.c), read with libgit2. */
typedef struct {
	char *path;              /* the file read, or that would be */
	struct git_config *cfg;  /* NULL when there is no file */
	char *list;              /* the [list "NAME"] this run is for, or NULL */
} cli_config;

extern const char *const cli_config_keys[];
/* $PATCHDIGEST_CONFIG, else $XDG_CONFIG_HOME/patchdigest/config. */
char *cli_config_default_path(void);
/* $PI_CONFIG, else ~/.public-inbox/config. */
char *cli_pi_config_path(void);
/* Reads `explicit_path` (--config; must exist) or the default file (may
 * be missing: then every setting is a default).  0, or -1 said on
 * stderr (a syntax error names the file and line). */
int cli_config_load(cli_config **out, const char *explicit_path);
void cli_config_free(cli_config *config);
/* The archive `arg` names: a path as it is (and the list whose path it
 * is becomes config->list), else a [list "NAME"]'s path, else an inbox of
 * public-inbox's configuration.  0, or -1 with the known names said. */
int cli_config_resolve_archive(char **out, cli_config *config, const char *arg);
/* Whether `name` is a list or group of the configuration or an inbox of
 * public-inbox's. */
int cli_config_is_name(const cli_config *config, const char *name);
/* The `member` values of [list "NAME"]: a group's lists (an empty array
 * for a list or an unknown name). */
GPtrArray *cli_config_members(const cli_config *config, const char *name);
/* The archives the `n` arguments name, appended to `paths` (new strings),
 * `names` (the configured list's name, or NULL) and `lores` (its `lore`,
 * or NULL): one argument as
 * cli_config_resolve_archive() reads it; a group's name as its members;
 * several arguments each so.  config->list becomes the one list or group
 * whose settings the run takes (none for several arguments).  0, or -1
 * said on stderr. */
int cli_config_resolve_inputs(GPtrArray *paths, GPtrArray *names, GPtrArray *lores,
			      cli_config *config, const char *const *args, size_t n);
/* `var` from the list's section, else [patchdigest]: 1 and new strings
 * (origin: "FILE, [list \"kvm\"]"), or 0. */
int cli_config_get(char **value, char **origin, const cli_config *config, const char *var);
/* Every value of a repeatable `var`, the list's then the defaults'. */
GPtrArray *cli_config_get_all(const cli_config *config, const char *var);
GPtrArray *cli_config_lists(const cli_config *config);
/* Names of the [list "NAME"] sections that are groups (give members). */
GPtrArray *cli_config_groups(const cli_config *config);
/* `value` as git reads a boolean: 1, 0, or -1 when it is none. */
int cli_config_bool(const char *value);
/* `value` as a number from min to max, or -1 said naming file and line. */
int cli_config_number(long *out, const cli_config *config, const char *var, const char *value,
		      const char *origin, long min, long max);
/* "~/x" expanded.  New string. */
char *cli_config_path_value(const char *value);

/* What the command line set, so the configuration fills in the rest. */
enum {
	CLI_SET_STATE = 1 << 0, CLI_SET_MAILMAP = 1 << 1, CLI_SET_EMPLOYERS = 1 << 2,
	CLI_SET_LOOKBACK = 1 << 3, CLI_SET_STALE = 1 << 4, CLI_SET_NAME = 1 << 5,
	CLI_SET_LORE = 1 << 6, CLI_SET_SINCE = 1 << 7, CLI_SET_LINKS = 1 << 8,
	CLI_SET_LINK_MASK = 1 << 9, CLI_SET_MAIL_FROM = 1 << 10, CLI_SET_MAIL_TO = 1 << 11,
	CLI_SET_MAIL_CC = 1 << 12
};

/* One digest-making run, as the command line asked for it. */
typedef struct {
	const char *path;        /* the first archive */
	const char **args;       /* every archive or name the command line gave */
	size_t n_args;
	int last_may_be_range;   /* digest: a last argument (of two or more)
	                            that names no file, list or inbox and
	                            reads as a range (FROM..TO, or a commit
	                            id) is the range */
	GPtrArray *paths;        /* the archives they name (a group: its members) */
	GPtrArray *names;        /* each one's list name, or NULL */
	GPtrArray *lores;        /* each one's name on lore, or NULL */
	const char *state_key;   /* the key the state knows the run by (a
	                            group's: its archives' keys joined) */
	int continued;           /* next: an archive goes on from a position */
	pd_range_options range;
	pd_digest_options opts;
	pd_format format;        /* -f */
	pd_render_options render; /* --links, --link-mask, --mail-*: how
	                            the report is written */
	const char *output;      /* NULL: standard output */
	const char *state_path;  /* NULL: the default */
	int use_state;           /* read the state (Exist/Skip across digests) */
	int record;              /* and record this digest in it */
	int next;                /* start where the last recorded digest ended */
	int wait_seconds;        /* for another run's lock */
	int quiet, verbose, show_progress, progress_shown;
	GPtrArray *bots;         /* --bot, NULL-terminated once the run starts */
	const char *mailmap_path;   /* --mailmap */
	const char *employers_path; /* --employers */
	pd_mailmap *mailmap;     /* loaded by the run, freed at its end */
	pd_employers *employers;
	const char *config_path; /* --config */
	int all;                 /* next --all: a first digest from the first message */
	long first_run_days;     /* else it starts this long before the newest */
	int fetch;               /* next --fetch: public-inbox-fetch first */
	unsigned set;            /* CLI_SET_*: what the command line gave */
	GPtrArray *owned;        /* strings the configuration gave, the run's */
} cli_run;

void cli_run_init(cli_run *run);

/* The review side's options in --help, the same for digest and next
 * (cli_run_option() reads them for both). */
#define CLI_REVIEW_OPTIONS_HELP \
	"      --lookback DAYS    also read the DAYS before the range, only to know\n" \
	"                         what a reply in it answers (default 60; 0: off)\n" \
	"      --bot ADDRESS      replies from ADDRESS (or a prefix ending in '*')\n" \
	"                         are a bot's, never a reviewer's (repeatable)\n" \
	"      --stale-days N     a series with no reviewer for N days needs\n" \
	"                         attention (default 14)\n" \
	"      --mailmap FILE     count and show people by the identity FILE (git's\n" \
	"                         mailmap format) gives them\n" \
	"      --employers FILE   add the employer tables from FILE (gitdm's EmailMap:\n" \
	"                         'address-or-domain Employer [< YYYY-MM-DD]')\n"

/* The output options in --help, the same for digest and next. */
#define CLI_OUTPUT_OPTIONS_HELP \
	"  -f, --format FORMAT    classic (default), json, html (one page), markdown,\n" \
	"                         email (a mail to send) or mbox (the new series'\n" \
	"                         messages, for git am, b4 or a mail reader)\n" \
	"  -o, --output FILE      write the digest to FILE (written whole or not at all)\n" \
	"      --links            classic and email: a Link: line to each series and\n" \
	"                         New: block's message on lore\n" \
	"      --link-mask MASK   links are MASK with %s the Message-ID\n" \
	"                         (default https://lore.kernel.org/LIST/%s/)\n" \
	"      --mail-from ADDR   email: From: (default: git's user.name and\n" \
	"                         user.email)\n" \
	"      --mail-to ADDRS    email: To: (comma-separated)\n" \
	"      --mail-cc ADDRS    email: Cc: (comma-separated)\n"

/* The long options of CLI_OUTPUT_OPTIONS_HELP beyond -f and -o. */
#define CLI_OUTPUT_LONGOPTS \
	{ "links", no_argument, NULL, 'I' }, \
	{ "link-mask", required_argument, NULL, 'G' }, \
	{ "mail-from", required_argument, NULL, 'X' }, \
	{ "mail-to", required_argument, NULL, 'Y' }, \
	{ "mail-cc", required_argument, NULL, 'Q' }

/* The library's diagnostics and progress, on stderr (payload: the run). */
void cli_on_diag(pd_diag_level level, const char *origin, const char *what, void *payload);
void cli_on_progress(size_t n, int done, void *payload);

/* Reads, prints, records; returns the exit code, having said why on
 * stderr when it is not 0. */
int cli_run_digest(cli_run *run);

/* The options digest and next share (see their long option tables):
 * 1 when `c` was one and is applied, 0 when it is not one of them, -1
 * when its value is bad (said on stderr). */
int cli_run_option(cli_run *run, int c, const char *arg);

/* --wait's value: 0 to 86400 seconds into *seconds; -1 said on stderr. */
int cli_parse_wait(int *seconds, const char *arg);
/* --link-mask's value: 0 when it holds one %s and no newline; -1 said
 * on stderr. */
int cli_check_link_mask(const char *arg);

/* YYYY-MM-DD (UTC midnight), an ISO 8601 date-time, or @SECONDS. */
int cli_parse_date(const char *arg, int64_t *out);

/* Output written as it is made.  cli_output_open() opens `path` ("-" or
 * NULL: standard output); a regular file (or one that does not exist
 * yet, or a symlink to one) is written beside its target and renamed
 * into place by cli_output_commit(), so it holds the whole digest or is
 * left as it was; a device or FIFO is written directly.  Writes never
 * stop at the first error (returning -1 from then on), which commit
 * reports.
 * open and commit return 0, or -1 with a message printed (commit: -2,
 * printing nothing, when standard output's reader went away); commit and
 * abort free the output, abort removing what was written beside. */
typedef struct cli_output cli_output;
int cli_output_open(cli_output **out, const char *path);
int cli_output_write(cli_output *output, const char *data, size_t len);
/* cli_output_write() as a pd_write_cb (`output` a cli_output). */
int cli_output_write_cb(const char *data, size_t len, void *output);
/* 1 once a write failed (commit will say why). */
int cli_output_failed(const cli_output *output);
int cli_output_commit(cli_output *output);
void cli_output_abort(cli_output *output);


/* Writes "patchdigest: TEXT\n" on stderr, TEXT the formatted message made
 * safe for a terminal by pd_display_text(): what the library says, file
 * names and arguments may hold text from mail, and no control character
 * of theirs may reach the terminal. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Says that `word` is an unknown option or lacks its value, and how to
 * get `command`'s help (getopt's own message would name the binary's
 * path; main() turns it off). */
void cli_bad_option(const char *word, const char *command);

/* Built with glibc's malloc (allocator.c: not the default), tunes it:
 * glibc gives each thread that allocates an arena of its own, 64 MB of
 * address space each, up to 8 per core: a 16-core machine under
 * `ulimit -v 1000000` ran out of address space.  Four arenas serve the
 * pipeline as well (its threads allocate little at a time).
 *
 * glibc also raises its mmap threshold each time a mapped block is
 * freed (up to 32 MB), so that the tables a digest makes for one phase
 * and frees (the string pool's, grouping's: tens of MB at a million
 * messages) come from the heap for the next phase and stay there, freed
 * but resident, under the next one's.  A fixed threshold of 128 KB
 * (glibc's start) keeps them mapped and gives them back when freed: 33 MB
 * less peak RSS at a million messages.  The environment's
 * MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_, when set, win. */
void cli_limit_memory(void);

/* An allocation that fails inside GLib aborts, and one another library
 * mishandles may crash: either way the run ends with exit 70 and a line
 * saying so (and -o's temporary file removed), not a bare SIGABRT or
 * SIGSEGV.  Not under AddressSanitizer, whose own reports must show. */
void cli_on_crash_exit_70(void);

/* From now on a crash says the digest was written and recorded (the
 * state's commit succeeded), not that nothing was.  Async-signal-safe
 * to read: a flag. */
void cli_crash_note_recorded(void);

/* Maps a library status to the exit code documented for it. */
int cli_exit_code(int status);

#endif
