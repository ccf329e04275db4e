/*
 * digest-sample.c - a program a library user would write, built by
 * tests/install.sh against an installed patchdigest with nothing but
 * `pkg-config --cflags --libs patchdigest`: the classic digest of the
 * archive named on its command line, on standard output.
 */
#include <stdio.h>
#include <patchdigest.h>

static int write_out(const char *data, size_t len, void *payload)
{
	(void)payload;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
	pd_report *report = NULL;
	int error;

	if (argc != 2 || pd_init() < 0)
		return 2;
	if ((error = pd_digest_archive(&report, argv[1], NULL, NULL)) < 0) {
		fprintf(stderr, "digest-sample: %s\n", pd_error_last());
		return 1;
	}
	error = pd_render_classic_write(report, write_out, NULL);
	pd_report_free(report);
	pd_shutdown();
	return error < 0;
}
