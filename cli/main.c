/*
 * main.c - patchdigest's command dispatcher.  Each command lives in a file
 * of its own (cmd-*.c); with no command name, the digest command runs.
 */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "digest", cmd_digest, "print the digest of an archive or a range of it" },
	{ "next", cmd_next, "print the digest that follows the last one recorded, and record it" },
	{ "state", cmd_state, "show what the state database holds, or forget an archive" },
	{ "config", cmd_config, "print the settings a list's digest uses, and where each comes from" },
	{ "site", cmd_site, "write a static site (pages, index, Atom feed) of the recorded digests" },
};

int main(int argc, char **argv)
{
	size_t i;

	opterr = 0; /* cli_bad_option() says it, as patchdigest */
	cli_limit_memory();
	cli_on_crash_exit_70();
	if (pd_init() < 0) {
		cli_error("%s", pd_error_last());
		return 70;
	}
	/* `patchdigest help [COMMAND]`: COMMAND's --help, or the commands */
	if (argc >= 2 && !strcmp(argv[1], "help")) {
		char *help[] = { argv[0], "--help", NULL };
		if (argc == 2) {
			printf("usage: patchdigest [COMMAND] [OPTIONS] ARCHIVE\n\ncommands:\n");
			for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				printf("  %-8s %s\n", commands[i].name, commands[i].summary);
			printf("  %-8s %s\n\n`patchdigest help COMMAND` says more; "
			       "`man patchdigest` says all.\n", "help", "this text");
			return 0;
		}
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[2], commands[i].name))
				return commands[i].run(2, help);
		cli_error("no command '%s'; try 'patchdigest help'", argv[2]);
		return EXIT_USAGE;
	}
	if (argc >= 2) {
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].run(argc - 1, argv + 1);
	}
	return cmd_digest(argc, argv);
}
