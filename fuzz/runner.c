/*
 * runner.c - a main() for the fuzz targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput() once on each file named, and on each file of
 * each directory named, so the test suite can replay the corpus and
 * every input that once crashed under any compiler and sanitizer.
 *
 * Exit: 0 when every input ran (a target that finds a broken invariant
 * aborts instead), 2 when a path cannot be read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path, unsigned *count)
{
	gchar *data = NULL;
	gsize len = 0;
	GError *err = NULL;
	uint8_t *copy;

	if (!g_file_get_contents(path, &data, &len, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		return -1;
	}
	/* an exact-size copy, so a read past the end is caught by ASan */
	copy = malloc(len ? len : 1);
	memcpy(copy, data, len);
	g_free(data);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	(*count)++;
	return 0;
}

static int run_dir(const char *path, unsigned *count)
{
	GError *err = NULL;
	GDir *dir = g_dir_open(path, 0, &err);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	int error = 0;

	if (!dir) {
		fprintf(stderr, "%s\n", err->message);
		g_error_free(err);
		g_ptr_array_free(names, TRUE);
		return -1;
	}
	while ((name = g_dir_read_name(dir)))
		g_ptr_array_add(names, g_build_filename(path, name, NULL));
	g_dir_close(dir);
	for (guint i = 0; i < names->len && !error; i++)
		if (!g_file_test(names->pdata[i], G_FILE_TEST_IS_DIR))
			error = run_file(names->pdata[i], count);
	g_ptr_array_free(names, TRUE);
	return error;
}

int main(int argc, char **argv)
{
	unsigned count = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		int error = g_file_test(argv[i], G_FILE_TEST_IS_DIR)
			? run_dir(argv[i], &count) : run_file(argv[i], &count);
		if (error)
			return 2;
	}
	printf("%s: %u inputs ran\n", argv[0], count);
	return 0;
}
