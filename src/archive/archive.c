/*
 * archive/archive.c - which kind of archive a path is, and the iterator over its
 * messages.  --since/--until are the git reader's (it stops at `until` and
 * passes over commits before `since` unread); mbox and Maildir messages
 * have only their Date:, which the digest reads when it parses them.
 */
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <git2.h>
#include <zlib.h>
#include "archive/archive.h"
#include "archive/git.h"

struct pd_archive_iter {
	pd__reader *reader;
};

static const char accepted[] =
	"the kinds read are a public-inbox v2 inbox (a directory holding git/0.git), "
	"one epoch or v1 inbox git repository, an mbox file, or a Maildir";

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int epoch_number(const char *name, long *n)
{
	char *end;

	if (!g_str_has_suffix(name, ".git") || !g_ascii_isdigit(name[0]))
		return 0;
	*n = strtol(name, &end, 10);
	return strcmp(end, ".git") == 0;
}

/* The git/N.git epochs of a v2 inbox, sorted by N; NULL if none. */
static GPtrArray *find_epochs(const char *path)
{
	char *git = g_build_filename(path, "git", NULL);
	GDir *dir = g_dir_open(git, 0, NULL);
	GPtrArray *epochs;
	GArray *numbers;
	const char *name;
	guint i;

	if (!dir) {
		g_free(git);
		return NULL;
	}
	epochs = g_ptr_array_new_with_free_func(g_free);
	numbers = g_array_new(FALSE, FALSE, sizeof(long));
	while ((name = g_dir_read_name(dir))) {
		long n;
		if (!epoch_number(name, &n))
			continue;
		/* insertion sort: an inbox has a handful of epochs */
		for (i = 0; i < numbers->len && g_array_index(numbers, long, i) < n; i++)
			;
		g_array_insert_val(numbers, i, n);
		g_ptr_array_insert(epochs, i, g_build_filename(git, name, NULL));
	}
	g_dir_close(dir);
	g_free(git);
	g_array_free(numbers, TRUE);
	if (!epochs->len) {
		g_ptr_array_free(epochs, TRUE);
		return NULL;
	}
	return epochs;
}

/* "-": standard input, an mbox (gzip-compressed or not: zlib reads both),
 * copied into an unlinked temporary file (TMPDIR, else /tmp), so that it
 * can be read twice (the look-back window, then the range) and never
 * sits in memory. */
static int spool_stdin(int *out)
{
	const char *dir = g_getenv("TMPDIR");
	char *tmpl = g_build_filename(dir && *dir ? dir : "/tmp", "patchdigest-stdin-XXXXXX", NULL);
	int fd = g_mkstemp(tmpl), in_fd = dup(STDIN_FILENO), n = 0, error = PD_OK;
	gzFile in = NULL;
	char *buf;

	*out = -1;
	if (fd >= 0)
		unlink(tmpl);
	g_free(tmpl);
	if (fd < 0 || in_fd < 0 || !(in = gzdopen(in_fd, "rb"))) {
		error = pd__error(PD_ERR_IO, "standard input: cannot be kept in a temporary "
				  "file: %s", g_strerror(errno));
		if (fd >= 0)
			close(fd);
		if (in_fd >= 0 && !in)
			close(in_fd);
		return error;
	}
	buf = g_malloc(1 << 16);
	while (error == PD_OK && (n = gzread(in, buf, 1 << 16)) > 0) {
		for (int done = 0; done < n; ) {
			ssize_t w = write(fd, buf + done, n - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				error = pd__error(PD_ERR_IO, "standard input: cannot be kept in a "
						  "temporary file: %s", g_strerror(errno));
				break;
			}
			done += (int)w;
		}
	}
	if (error == PD_OK && n == 0) {
		int zerr;
		gzerror(in, &zerr);
		if (zerr == Z_BUF_ERROR) /* a gzip stream that ends early */
			n = -1;
	}
	if (error == PD_OK && n < 0) {
		int zerr;
		const char *why = gzerror(in, &zerr);
		error = pd__error(PD_ERR_IO, "standard input: %s",
				  zerr == Z_ERRNO ? g_strerror(errno)
				  : zerr == Z_BUF_ERROR ? "the compressed stream is cut short" : why);
	}
	g_free(buf);
	gzclose(in);
	if (error < 0) {
		close(fd);
		return error;
	}
	*out = fd;
	return PD_OK;
}

int pd_archive_open(pd_archive **out, const char *path)
{
	pd_archive *a;
	struct stat st;
	char *git_dir = NULL;
	int error;

	*out = NULL;
	if ((error = pd__git_ready()) < 0)
		return error;
	if (!path || !*path)
		return pd__error(PD_ERR_INVALID, "no archive path given");
	if (!strcmp(path, "-")) {
		a = g_new0(pd_archive, 1);
		a->path = g_strdup("-");
		a->kind = PD_ARCHIVE_MBOX;
		if ((error = spool_stdin(&a->spool_fd)) < 0) {
			g_free(a->path);
			g_free(a);
			return error;
		}
		*out = a;
		return PD_OK;
	}
	if (stat(path, &st) != 0)
		return pd__error(errno == ENOENT ? PD_ERR_NOT_FOUND : PD_ERR_IO,
				 "%s: %s", path, g_strerror(errno));
	a = g_new0(pd_archive, 1);
	a->path = g_strdup(path);
	a->spool_fd = -1;
	if (S_ISREG(st.st_mode)) {
		a->kind = PD_ARCHIVE_MBOX;
	} else if (!S_ISDIR(st.st_mode)) {
		pd_archive_free(a);
		return pd__error(PD_ERR_NOT_ARCHIVE, "%s: not a file or directory; %s", path, accepted);
	} else if ((a->epochs = find_epochs(path))) {
		a->kind = PD_ARCHIVE_V2;
	} else if (pd__is_git_repository(path, &git_dir)) {
		a->kind = PD_ARCHIVE_GIT;
		g_free(a->path);
		a->path = git_dir;
	} else {
		char *cur = g_build_filename(path, "cur", NULL);
		char *new = g_build_filename(path, "new", NULL);
		int maildir = is_dir(cur) || is_dir(new);
		g_free(cur);
		g_free(new);
		if (!maildir) {
			pd_archive_free(a);
			return pd__error(PD_ERR_NOT_ARCHIVE, "%s: not an archive; %s", path, accepted);
		}
		a->kind = PD_ARCHIVE_MAILDIR;
	}
	*out = a;
	return PD_OK;
}

void pd_archive_free(pd_archive *a)
{
	if (!a)
		return;
	if (a->epochs)
		g_ptr_array_free(a->epochs, TRUE);
	if (a->spool_fd >= 0)
		close(a->spool_fd);
	g_free(a->path);
	g_free(a);
}

pd_archive_kind pd_archive_get_kind(const pd_archive *a)
{
	return a->kind;
}

int pd_archive_iter_new(pd_archive_iter **out, pd_archive *a,
			const pd_range_options *range)
{
	pd_range_options defaults = PD_RANGE_OPTIONS_INIT;
	pd__reader *reader = NULL;
	pd_archive_iter *it;
	int error;

	*out = NULL;
	if (!range)
		range = &defaults;
	if ((error = pd__check_version(range->version, PD_RANGE_OPTIONS_VERSION,
				       "pd_range_options")) < 0)
		return error;
	switch (a->kind) {
	case PD_ARCHIVE_MBOX:
	case PD_ARCHIVE_MAILDIR:
		if (range->start)
			return pd__error(PD_ERR_INVALID, "%s is a %s: only git archives have "
					 "positions to continue from", a->path,
					 pd_archive_kind_to_string(a->kind));
		if (range->range)
			return pd__error(PD_ERR_RANGE,
					 "a commit range needs a git archive; %s is a %s "
					 "(use --since/--until to select by date)",
					 a->path, pd_archive_kind_to_string(a->kind));
		error = a->kind == PD_ARCHIVE_MBOX ? pd__mbox_reader_new(&reader, a->path, a->spool_fd,
						    a->spool_fd >= 0 ? "standard input" : NULL)
						   : pd__maildir_reader_new(&reader, a->path);
		break;
	default:
		error = pd__git_reader_new(&reader, a, range);
	}
	if (error < 0)
		return error;
	it = g_new0(pd_archive_iter, 1);
	it->reader = reader;
	*out = it;
	return PD_OK;
}

void pd__archive_iter_defer(pd_archive_iter *it, pd__blob_ref *ref)
{
	it->reader->deferred = ref;
}

void pd__archive_iter_walk_ahead(pd_archive_iter *it)
{
	it->reader->walk_ahead = 1;
}

int pd_archive_iter_next(pd_raw_message *out, pd_archive_iter *it)
{
	return it->reader->ops->next(out, it->reader);
}

const char *pd__archive_iter_range_note(const pd_archive_iter *it)
{
	return it->reader->range_note;
}

const char *pd_archive_iter_from_label(const pd_archive_iter *it)
{
	return it->reader->from_label;
}

const char *pd_archive_iter_to_label(const pd_archive_iter *it)
{
	return it->reader->to_label;
}

int pd_archive_iter_position(pd_position **out, const pd_archive_iter *it)
{
	*out = NULL;
	if (!it->reader->ops->position)
		return PD_OK;
	return it->reader->ops->position(out, it->reader);
}

void pd_archive_iter_free(pd_archive_iter *it)
{
	if (!it)
		return;
	if (it->reader) {
		g_free(it->reader->from_label);
		g_free(it->reader->range_note);
		g_free(it->reader->to_label);
		it->reader->ops->free(it->reader);
	}
	g_free(it);
}

int pd_archive_newest_time(int64_t *out, const pd_archive *a)
{
	guint n;
	int error = PD_OK;

	*out = 0;
	if (!a || (a->kind != PD_ARCHIVE_V2 && a->kind != PD_ARCHIVE_GIT))
		return pd__error(PD_ERR_INVALID, "pd_archive_newest_time: not a git archive");
	/* the newest epoch with a commit holds the newest message: one just
	 * made has none yet (its HEAD is unborn) */
	n = a->kind == PD_ARCHIVE_V2 ? a->epochs->len : 1;
	for (guint i = n; i-- > 0 && !*out && error == PD_OK;) {
		const char *git_dir = a->kind == PD_ARCHIVE_V2 ? g_ptr_array_index(a->epochs, i) : a->path;
		git_repository *repo = NULL;
		git_commit *head = NULL;
		git_oid oid;
		int rc = git_repository_open_bare(&repo, git_dir);
		if (rc == 0)
			rc = git_reference_name_to_id(&oid, repo, "HEAD");
		if (rc == GIT_ENOTFOUND || (rc == 0 && git_repository_head_unborn(repo) == 1)) {
			git_repository_free(repo);
			continue; /* no commit yet: the epoch before */
		}
		if (rc < 0 || git_commit_lookup(&head, repo, &oid) < 0)
			error = pd__error(PD_ERR_GIT, "%s: its newest commit cannot be read", git_dir);
		else
			*out = (int64_t)git_commit_time(head);
		git_commit_free(head);
		git_repository_free(repo);
	}
	if (error == PD_OK && !*out)
		error = pd__error(PD_ERR_GIT, "%s: no epoch has a commit yet", a->path);
	return error;
}
