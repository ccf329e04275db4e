/*
 * archive/maildir.c - the messages of a Maildir's cur/ and new/, in delivery order
 * (file names start with the delivery time, so name order is that order).
 */
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "archive/archive.h"

typedef struct {
	pd__reader base;
	GPtrArray *files;  /* full paths, sorted */
	guint next;
	char *contents;
	gsize length;
} maildir_reader;

static gint compare_names(gconstpointer a, gconstpointer b)
{
	char *x = g_path_get_basename(*(char *const *)a);
	char *y = g_path_get_basename(*(char *const *)b);
	gint c = strcmp(x, y);

	g_free(x);
	g_free(y);
	return c;
}

static void list_dir(GPtrArray *files, const char *root, const char *sub)
{
	char *dir_path = g_build_filename(root, sub, NULL);
	GDir *dir = g_dir_open(dir_path, 0, NULL);
	const char *name;

	if (dir) {
		while ((name = g_dir_read_name(dir)))
			if (name[0] != '.')
				g_ptr_array_add(files, g_build_filename(dir_path, name, NULL));
		g_dir_close(dir);
	}
	g_free(dir_path);
}

/* Reads the message file `path` into r->contents.  Only a regular file
 * is a message: a FIFO would block the run forever and a device never
 * end, so anything else is left unread (opened without blocking, and
 * checked on the descriptor itself, so nothing can be swapped in
 * between). */
static int read_file(maildir_reader *r, const char *path)
{
	struct stat st;
	GString *data;
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return pd__error(PD_ERR_IO, "%s: %s", path, g_strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pd__error(PD_ERR_IO, "not a regular file (a FIFO, socket or device), "
				 "so not a message");
	}
	data = g_string_sized_new((gsize)st.st_size + 1);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(data, buf, n);
	if (n < 0) {
		int saved = errno;
		close(fd);
		g_string_free(data, TRUE);
		return pd__error(PD_ERR_IO, "%s: %s", path, g_strerror(saved));
	}
	close(fd);
	r->length = data->len;
	r->contents = g_string_free(data, FALSE);
	return PD_OK;
}

static int maildir_next(pd_raw_message *out, pd__reader *base)
{
	maildir_reader *r = (maildir_reader *)base;
	const char *path;
	int error;

	if (r->next >= r->files->len)
		return PD_ITEROVER;
	path = g_ptr_array_index(r->files, r->next++);
	g_free(r->contents);
	r->contents = NULL;
	out->origin = path;
	out->archive_time = 0;
	if ((error = read_file(r, path)) < 0)
		return error;
	out->data = r->contents;
	out->len = r->length;
	return PD_OK;
}

static void maildir_free(pd__reader *base)
{
	maildir_reader *r = (maildir_reader *)base;

	g_ptr_array_free(r->files, TRUE);
	g_free(r->contents);
	g_free(r);
}

static const pd__reader_ops maildir_ops = { maildir_next, maildir_free, NULL };

int pd__maildir_reader_new(pd__reader **out, const char *path)
{
	maildir_reader *r = g_new0(maildir_reader, 1);

	r->base.ops = &maildir_ops;
	r->files = g_ptr_array_new_with_free_func(g_free);
	list_dir(r->files, path, "cur");
	list_dir(r->files, path, "new");
	g_ptr_array_sort(r->files, compare_names);
	*out = &r->base;
	return PD_OK;
}
