/*
 * output.c - writing results, and the exit codes that name failures.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <glib.h>
#include "patchdigest.h"
#include "cli.h"

int cli_write_output(const char *path, const char *data, size_t len)
{
	GError *gerr = NULL;

	if (!path || !strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "patchdigest: cannot write the digest to standard output: %s\n",
				strerror(errno));
			return -1;
		}
		return 0;
	}
	/* g_file_set_contents writes a temporary file and renames it */
	if (!g_file_set_contents(path, data, (gssize)len, &gerr)) {
		fprintf(stderr, "patchdigest: cannot write %s: %s\n", path, gerr->message);
		g_error_free(gerr);
		return -1;
	}
	return 0;
}

int cli_exit_code(int status)
{
	switch (status) {
	case PD_OK: return EXIT_DIGEST_OK;
	case PD_ERR_INVALID: return EXIT_USAGE;
	case PD_ERR_NOT_FOUND:
	case PD_ERR_NOT_ARCHIVE:
	case PD_ERR_RANGE: return EXIT_INPUT;
	case PD_ERR_GIT:
	case PD_ERR_IO:
	case PD_ERR_MALFORMED: return EXIT_ARCHIVE;
	case PD_ERR_STATE:
	case PD_ERR_BUSY: return EXIT_STATE;
	default: return EXIT_INTERNAL;
	}
}
