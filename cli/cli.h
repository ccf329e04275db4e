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
	EXIT_INTERNAL = 70     /* out of memory or a bug */
};

int cmd_digest(int argc, char **argv);

/* Writes `len` bytes to `path` ("-" or NULL: standard output) completely or
 * not at all: a file is written beside its target and renamed into place.
 * Returns 0, or -1 with a message printed. */
int cli_write_output(const char *path, const char *data, size_t len);

/* Maps a library status to the exit code documented for it. */
int cli_exit_code(int status);

#endif
