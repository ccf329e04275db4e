/*
 * cut-while-reading.c - an LD_PRELOAD shim for tests/hostile.sh: the
 * first read(2) from a file whose name ends in ".cut.mbox" truncates that
 * file to half its size, as a mail client expunging (or logrotate's
 * copytruncate) would while patchdigest reads it.  Deterministic: no race
 * with a sleep.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

ssize_t read(int fd, void *buf, size_t count)
{
	static ssize_t (*real_read)(int, void *, size_t);
	static int done;
	char link[64], path[4096];
	ssize_t n, len;
	struct stat st;

	if (!real_read)
		real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	n = real_read(fd, buf, count);
	if (done || n <= 0)
		return n;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len < 10)
		return n;
	path[len] = '\0';
	if (strcmp(path + len - 9, ".cut.mbox") || fstat(fd, &st) != 0)
		return n;
	done = 1;
	if (truncate(path, st.st_size / 2) != 0)
		perror("cut-while-reading: truncate");
	return n;
}
