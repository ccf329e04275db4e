/*
 * output.c - writing results, and the exit codes that name failures.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/stat.h>
#include <glib.h>
#include "patchdigest.h"
#include "cli.h"

/* The file being written beside its target, for the signal handler to
 * remove: a run stopped by SIGTERM, SIGHUP or SIGINT leaves nothing
 * behind (only async-signal-safe calls in the handler). */
static char *volatile current_temp;

static void on_stop_signal(int sig)
{
	char *temp = current_temp;

	if (temp)
		unlink(temp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void watch_stop_signals(char *temp)
{
	static const int sigs[] = { SIGTERM, SIGHUP, SIGINT };

	current_temp = temp;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = temp ? on_stop_signal : SIG_DFL;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

/* Set once the state holds this run's digest: a crash after that (while
 * freeing, say) must not claim that nothing was recorded. */
static volatile sig_atomic_t digest_recorded;

void cli_crash_note_recorded(void)
{
	digest_recorded = 1;
}

#if !defined(__SANITIZE_ADDRESS__)
static void on_crash(int sig)
{
	static const char before[] = "patchdigest: internal error: out of memory, or a crash "
				     "(the address space may be limited: ulimit -v); nothing was "
				     "recorded\n";
	static const char after[] = "patchdigest: internal error: a crash after the digest was "
				    "written and recorded (it is complete; the state holds it)\n";
	char *temp = current_temp;
	ssize_t ignored;

	(void)sig;
	if (temp)
		unlink(temp);
	if (digest_recorded)
		ignored = write(STDERR_FILENO, after, sizeof(after) - 1);
	else
		ignored = write(STDERR_FILENO, before, sizeof(before) - 1);
	(void)ignored;
	_exit(70);
}

#endif

void cli_on_crash_exit_70(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return; /* ASan's reports must show */
#else
	/* GLib ends a failed allocation with SIGTRAP (G_BREAKPOINT), or abort */
	static const int sigs[] = { SIGABRT, SIGTRAP, SIGSEGV, SIGBUS };

	/* the handler runs on an alternate stack (the library gives its
	 * threads one): a thread whose stack overflowed still says why */
	static char main_stack[64 * 1024];
	stack_t ss = { .ss_sp = main_stack, .ss_size = sizeof(main_stack) };

	sigaltstack(&ss, NULL);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_crash;
		sa.sa_flags = SA_ONSTACK; /* every thread that crashes exits 70 */
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
#endif
}

struct cli_output {
	FILE *file;
	char *path;      /* what the user named, for messages */
	char *target;    /* the file renamed into place at commit; NULL: none */
	char *temp;      /* the file being written beside it */
	int is_stdout;
	int failed;      /* a write failed: errno_at_failure says why */
	int errno_at_failure;
};

/* Where the digest goes: standard output; a device, FIFO or socket,
 * written as it is (replacing one with a file would break every other
 * program using it: `-o /dev/null` run as root); else a regular file,
 * through symlinks, written beside its target and renamed into place so
 * that a reader never sees half a digest. */
int cli_output_open(cli_output **out, const char *path)
{
	cli_output *o = g_new0(cli_output, 1);
	struct stat st;
	char *real;
	int fd;

	*out = NULL;
	o->path = g_strdup(path ? path : "-");
	if (!path || !strcmp(path, "-")) {
		o->file = stdout;
		o->is_stdout = 1;
		*out = o;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			goto fail;
		}
		if (!(o->file = fopen(path, "w")))
			goto fail;
		*out = o;
		return 0;
	}
	/* a symlink is followed: the file it names is replaced, not it */
	real = realpath(path, NULL);
	o->target = g_strdup(real ? real : path); /* none: it does not exist yet */
	free(real);
	o->temp = g_strdup_printf("%s.XXXXXX", o->target);
	/* open() applies the umask to the mode, as for any new file; a file
	 * replaced keeps its own mode (a 0600 digest stays private) */
	if ((fd = g_mkstemp_full(o->temp, O_WRONLY, 0666)) < 0)
		goto fail;
	watch_stop_signals(o->temp);
	if (stat(o->target, &st) == 0 && S_ISREG(st.st_mode)
	    && fchmod(fd, st.st_mode & 07777) != 0) {
		int saved = errno;
		close(fd);
		unlink(o->temp);
		errno = saved;
		goto fail;
	}
	if (!(o->file = fdopen(fd, "w"))) {
		close(fd);
		unlink(o->temp);
		goto fail;
	}
	*out = o;
	return 0;
fail:
	cli_error("cannot write %s: %s", path, strerror(errno));
	g_free(o->temp);
	o->temp = NULL; /* nothing made to remove */
	cli_output_abort(o);
	return -1;
}

/* Keeps the first failure and its errno: it is the one worth telling. */
static void failed(cli_output *o)
{
	if (!o->failed) {
		o->failed = 1;
		o->errno_at_failure = errno;
	}
}

int cli_output_write(cli_output *o, const char *data, size_t len)
{
	if (!o->failed && fwrite(data, 1, len, o->file) != len)
		failed(o);
	return o->failed ? -1 : 0;
}

int cli_output_failed(const cli_output *o)
{
	return o->failed;
}

int cli_output_write_cb(const char *data, size_t len, void *output)
{
	return cli_output_write(output, data, len);
}

int cli_output_commit(cli_output *o)
{
	int error;

	if (!o->failed && fflush(o->file) != 0)
		failed(o);
	if (!o->is_stdout) {
		if (!o->failed && o->temp && fsync(fileno(o->file)) != 0)
			failed(o);
		if (fclose(o->file) != 0)
			failed(o);
		o->file = NULL;
		if (!o->failed && o->temp && rename(o->temp, o->target) != 0)
			failed(o);
	}
	if (o->failed && o->is_stdout && o->errno_at_failure == EPIPE) {
		/* `| head` read what it wanted: end quietly, as git does */
		cli_output_abort(o);
		return -2;
	}
	if (o->failed) {
		cli_error("cannot write %s: %s",
			o->is_stdout ? "the digest to standard output" : o->path,
			strerror(o->errno_at_failure));
	} else {
		watch_stop_signals(NULL);
		g_free(o->temp);
		o->temp = NULL; /* renamed: nothing to remove */
	}
	error = o->failed ? -1 : 0;
	cli_output_abort(o);
	return error;
}

void cli_output_abort(cli_output *o)
{
	if (!o)
		return;
	if (o->file && !o->is_stdout)
		fclose(o->file);
	if (o->temp)
		unlink(o->temp);
	if (o->temp && current_temp == o->temp)
		watch_stop_signals(NULL);
	g_free(o->temp);
	g_free(o->target);
	g_free(o->path);
	g_free(o);
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
