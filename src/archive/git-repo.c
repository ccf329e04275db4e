/*
 * archive/git-repo.c - libgit2 as patchdigest uses it: its process-wide settings
 * (sized for reading every object of a large archive once), its error
 * messages, finding a repository, and abbreviating commit ids as git
 * does.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <git2.h>
#include "archive/archive.h"
#include "archive/git.h"

/* How many pd_init() calls are in force; libgit2 is set up by the first. */
static gint init_count;
static GMutex init_lock;

int pd__git_setup(void)
{
	int n;

	g_mutex_lock(&init_lock);
	n = g_atomic_int_get(&init_count) + 1;
	if (n == 1) {
		git_libgit2_init();
		/* libgit2 maps packs in windows of 1 GB, up to 8 GB, and
		 * caches 256 MB of objects by default: on an archive of many
		 * GB that is most of the RSS, and every thread holds windows
		 * of its own.  Every object is read once, in order, so small
		 * windows (4 MB, at most 32 MB mapped) lose nothing, and a
		 * cache only costs: its limit counts objects' bytes, not the
		 * parsed trees and commits around them.  100k messages peaked
		 * at 396 MB RSS with the defaults, 179 MB with these, in less
		 * time. */
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)4 << 20);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)32 << 20);
		git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
		/* libgit2 hashes every object it reads (with collision
		 * detection: a third of a digest's time, by perf); git
		 * cat-file does not.  zlib's own checksum still catches a
		 * damaged object (tests/git-faults.sh). */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	}
	g_atomic_int_set(&init_count, n);
	g_mutex_unlock(&init_lock);
	return n;
}

int pd__git_teardown(void)
{
	int n;

	g_mutex_lock(&init_lock);
	n = g_atomic_int_get(&init_count);
	if (n > 0) {
		g_atomic_int_set(&init_count, --n);
		if (n == 0)
			git_libgit2_shutdown();
	}
	g_mutex_unlock(&init_lock);
	return n;
}

int pd__git_ready(void)
{
	if (g_atomic_int_get(&init_count) > 0)
		return PD_OK;
	return pd__error(PD_ERR_INVALID, "the library is not set up: call pd_init() first");
}

const char *pd__git_message(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown libgit2 error";
}

char *pd__git_object_problem(git_repository *repo, const git_oid *oid)
{
	const git_error *e = git_error_last();
	char *libgit2_says = g_strdup(pd__git_message());
	int out_of_memory = e && e->klass == GIT_ERROR_NOMEMORY;
	git_odb *odb = NULL;
	git_object_t type;
	size_t declared;
	char *problem;

	/* A damaged object's header can declare any size, and libgit2
	 * allocates what it declares before inflating a byte: "out of
	 * memory" would send the user looking at the machine.  The header
	 * alone is read without that allocation. */
	if (out_of_memory && oid && git_repository_odb(&odb, repo) == 0
	    && git_odb_read_header(&declared, &type, odb, oid) == 0)
		problem = g_strdup_printf("a corrupt object: it declares %zu bytes, more than "
					  "can be allocated", declared);
	else
		problem = g_strdup_printf("a missing or corrupt object; libgit2: %s", libgit2_says);
	git_odb_free(odb);
	g_free(libgit2_says);
	return problem;
}

int pd__git_object_error(git_repository *repo, const git_oid *oid, const char *git_dir,
			 const char *what, const char *origin)
{
	char *problem = pd__git_object_problem(repo, oid);
	int error = pd__error(PD_ERR_GIT, "%s: the %s of %s cannot be read (%s)", git_dir, what,
			      origin, problem);
	g_free(problem);
	return error;
}

int pd__is_git_repository(const char *path, char **git_dir)
{
	git_repository *repo = NULL;

	if (pd__git_ready() < 0)
		return 0;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return 0;
	*git_dir = g_strdup(git_repository_path(repo));
	git_repository_free(repo);
	return 1;
}

/* git's default abbreviation: enough hex digits for the repository's
 * object count (counted from the pack indexes, as git estimates it),
 * at least 7, then longer until unique. */
static unsigned default_abbrev(git_repository *repo)
{
	char *pack_dir = g_build_filename(git_repository_path(repo), "objects", "pack", NULL);
	GDir *dir = g_dir_open(pack_dir, 0, NULL);
	const char *name;
	unsigned long count = 0;
	unsigned bits = 0, len;

	while (dir && (name = g_dir_read_name(dir))) {
		char *path;
		FILE *f;
		unsigned char head[8 + 256 * 4];
		if (!g_str_has_suffix(name, ".idx"))
			continue;
		path = g_build_filename(pack_dir, name, NULL);
		f = fopen(path, "rb");
		if (f && fread(head, 1, sizeof(head), f) == sizeof(head)) {
			/* v2 starts with "\377tOc" and a version; v1 is all fan-out */
			const unsigned char *fan = memcmp(head, "\377tOc", 4) ? head : head + 8;
			const unsigned char *last = fan + 255 * 4;
			count += ((unsigned long)last[0] << 24) | (last[1] << 16) | (last[2] << 8) | last[3];
		}
		if (f)
			fclose(f);
		g_free(path);
	}
	if (dir)
		g_dir_close(dir);
	g_free(pack_dir);
	while (count >> bits)
		bits++;
	len = (bits + 1) / 2;
	return len < 7 ? 7 : len;
}

char *pd__git_abbreviate(git_repository *repo, const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];
	unsigned len = default_abbrev(repo);
	git_odb *odb = NULL;

	git_oid_tostr(hex, sizeof(hex), oid);
	if (git_repository_odb(&odb, repo) == 0) {
		git_oid full;
		git_oid prefix;
		for (; len < GIT_OID_HEXSZ; len++) {
			git_oid_fromstrn(&prefix, hex, len);
			if (git_odb_exists_prefix(&full, odb, &prefix, len) != GIT_EAMBIGUOUS)
				break;
		}
		git_odb_free(odb);
	}
	hex[len] = '\0';
	return g_strdup(hex);
}
