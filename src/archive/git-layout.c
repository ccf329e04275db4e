/*
 * archive/git-layout.c - what a public-inbox epoch looks like in git: the layout
 * of its trees (v2's single 'm', v1's fan-out), the message a v1 commit
 * added, and what can still be read of an epoch whose history is
 * broken.
 *
 * On a broken history: libgit2's revision walk gives up when one commit object is
 * missing or corrupt; public-inbox histories are a single line of first
 * parents, so the commits between the tip and the break can still be
 * found, and read, one parent at a time.
 */
#include "archive/archive.h"
#include <string.h>
#include "archive/git.h"
#include "archive/pack.h"

/* Whether the newest commit looks like public-inbox's: see git.h. */
int pd__git_check_layout(int *is_v1, git_repository *repo, const git_oid *head, const char *path)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int ok = 0;

	*is_v1 = 0;
	size_t i, n;

	if (git_commit_lookup(&commit, repo, head) < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), head);
		return pd__error(PD_ERR_GIT, "%s: cannot read the newest commit %s (HEAD): %s; "
				 "the repository is damaged (a missing or corrupt object, a truncated "
				 "pack): 'git fsck' shows the damage", path, hex, pd__git_message());
	}
	if (git_commit_tree(&tree, commit) < 0) {
		git_commit_free(commit);
		return pd__error(PD_ERR_GIT, "%s: cannot read the tree of HEAD: %s", path, pd__git_message());
	}
	n = git_tree_entrycount(tree);
	if (git_tree_entry_byname(tree, "m") || git_tree_entry_byname(tree, "d")) {
		ok = 1;
	} else {
		/* v1: two-hex-digit fan-out directories only */
		ok = n > 0;
		for (i = 0; i < n && ok; i++) {
			const char *name = git_tree_entry_name(git_tree_entry_byindex(tree, i));
			ok = strlen(name) == 2 && g_ascii_isxdigit(name[0]) && g_ascii_isxdigit(name[1]);
		}
		*is_v1 = ok;
	}
	git_tree_free(tree);
	git_commit_free(commit);
	if (!ok)
		return pd__error(PD_ERR_NOT_ARCHIVE,
				 "%s: a git repository, but not a public-inbox archive "
				 "(its newest commit has no message blob 'm' and no v1 fan-out)",
				 path);
	return PD_OK;
}

/* The blob v1 added in `commit`: the one entry its tree has that its
 * parent's tree lacks. */
int pd__git_v1_added_blob(git_blob **out, git_repository *repo, git_commit *commit)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	int error = GIT_ENOTFOUND;
	size_t i;

	if (git_commit_tree(&tree, commit) < 0)
		return -1;
	if (git_commit_parentcount(commit) > 0
	    && (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&parent_tree, parent) < 0))
		goto cleanup;
	if (git_diff_tree_to_tree(&diff, repo, parent_tree, tree, NULL) < 0)
		goto cleanup;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_MODIFIED) {
			error = git_blob_lookup(out, repo, &d->new_file.id);
			break;
		}
	}
cleanup:
	git_diff_free(diff);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	git_tree_free(tree);
	return error;
}

int pd__git_v2_message_id(git_oid *blob, git_repository *repo, const git_oid *tree,
			  const char *git_dir, const char *origin)
{
	git_tree *t = NULL;
	const git_tree_entry *entry;

	if (git_tree_lookup(&t, repo, tree) < 0)
		return pd__git_object_error(repo, tree, git_dir, "tree", origin);
	entry = git_tree_entry_byname(t, "m");
	if (entry)
		git_oid_cpy(blob, git_tree_entry_id(entry));
	git_tree_free(t);
	return entry ? PD_OK : 1;
}

int pd__git_v2_message_blob(git_blob **out, git_repository *repo, const git_oid *tree,
			    const char *git_dir, const char *origin)
{
	git_oid blob;
	int error;

	*out = NULL;
	if ((error = pd__git_v2_message_id(&blob, repo, tree, git_dir, origin)) != PD_OK)
		return error;
	if (git_blob_lookup(out, repo, &blob) < 0)
		return pd__git_object_error(repo, &blob, git_dir, "message blob", origin);
	return PD_OK;
}

/* "NAME <EMAIL> TIME TZ": the TIME after the last '>' of a signature
 * line [p, end). */
static int signature_time(int64_t *out, const char *p, const char *end)
{
	const char *gt = NULL, *q;
	int64_t t = 0;

	for (q = p; q < end; q++)
		if (*q == '>')
			gt = q;
	if (!gt || gt + 2 >= end || gt[1] != ' ' || !g_ascii_isdigit(gt[2]))
		return -1;
	for (q = gt + 2; q < end && g_ascii_isdigit(*q); q++) {
		if (t > (INT64_MAX - 9) / 10)
			return -1;
		t = t * 10 + (*q - '0');
	}
	*out = t;
	return 0;
}

/* The value of hex digit `c` (either case, as libgit2 reads them), or
 * -1.  Inline: g_ascii_xdigit_value() is a call per digit, 40 an id. */
static inline int hex_digit(unsigned char c)
{
	if ((unsigned)(c - '0') < 10)
		return c - '0';
	c |= 0x20; /* 'A'-'F' to 'a'-'f'; no other byte lands there */
	if ((unsigned)(c - 'a') < 6)
		return c - 'a' + 10;
	return -1;
}

/* A hex object id of exactly 40 digits at p, followed by a newline.
 * Read here: git_oid_fromstrn() was 60% of reading a commit's header,
 * which the walk does for every message. */
static int hex_line(git_oid *out, const char *p, const char *end)
{
	if (end - p <= GIT_OID_HEXSZ || p[GIT_OID_HEXSZ] != '\n')
		return -1;
	for (int i = 0; i < GIT_OID_RAWSZ; i++) {
		int hi = hex_digit((unsigned char)p[2 * i]), lo = hex_digit((unsigned char)p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out->id[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int pd__git_commit_header(pd__chain_link *link, git_oid *first_parent, unsigned *n_parents,
			  const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;

	*n_parents = 0;
	if (len < 5 || memcmp(p, "tree ", 5) || hex_line(&link->tree, p + 5, end) < 0)
		return -1;
	p += 5 + GIT_OID_HEXSZ + 1;
	while (end - p > 7 && !memcmp(p, "parent ", 7)) {
		git_oid parent;
		if (hex_line(&parent, p + 7, end) < 0)
			return -1;
		if ((*n_parents)++ == 0)
			git_oid_cpy(first_parent, &parent);
		p += 7 + GIT_OID_HEXSZ + 1;
	}
	for (; p < end && *p != '\n'; p = nl + 1) {
		if (!(nl = memchr(p, '\n', end - p)))
			return -1;
		if (nl - p > 10 && !memcmp(p, "committer ", 10))
			return signature_time(&link->time, p + 10, nl);
	}
	return -1;
}

/* One commit of the chain: its tree, time and first parent, read as raw
 * object data (libgit2's full commit parsing, signatures and message
 * included, was most of walking a long epoch), from the packs when the
 * pack reader can (pack.c); libgit2 reads what it leaves and parses any
 * commit whose header is not the plain form.  -1 when it cannot be
 * read. */
static int read_link(pd__chain_link *link, git_oid *first_parent, unsigned *n_parents,
		     git_repository *repo, git_odb *odb, pd__packs *packs, const git_oid *oid)
{
	git_odb_object *obj = NULL;
	git_commit *commit = NULL;
	const unsigned char *bytes;
	size_t len;
	int rc, type, plain;

	git_oid_cpy(&link->commit, oid);
	if ((rc = pd__packs_read(&bytes, &len, &type, packs, oid->id)) == PD__PACK_CYCLE)
		return -1; /* libgit2 would follow the circle until memory ran out */
	if (rc == 0) {
		/* libgit2 would read the same bytes: only its parser is left */
		plain = type == GIT_OBJECT_COMMIT
			&& pd__git_commit_header(link, first_parent, n_parents, (const char *)bytes,
						 len) == 0;
	} else {
		if (git_odb_read(&obj, odb, oid) < 0)
			return -1;
		plain = git_odb_object_type(obj) == GIT_OBJECT_COMMIT
			&& pd__git_commit_header(link, first_parent, n_parents,
						 git_odb_object_data(obj),
						 git_odb_object_size(obj)) == 0;
		git_odb_object_free(obj);
	}
	if (plain)
		return 0;
	if (git_commit_lookup(&commit, repo, oid) < 0)
		return -1;
	link->time = git_commit_time(commit);
	git_oid_cpy(&link->tree, git_commit_tree_id(commit));
	*n_parents = git_commit_parentcount(commit);
	if (*n_parents)
		git_oid_cpy(first_parent, git_commit_parent_id(commit, 0));
	git_commit_free(commit);
	return 0;
}

int pd__git_chain(GArray **out, pd__chain_end *end, git_repository *repo,
		  const git_oid *tip, const git_oid *hide, int64_t since, const gint *stop,
		  int ahead)
{
	GArray *chain = g_array_new(FALSE, FALSE, sizeof(pd__chain_link));
	git_odb *odb = NULL;
	pd__packs *packs = NULL;
	pd__read_ahead *ra = NULL;
	git_oid at = *tip;

	memset(end, 0, sizeof(*end));
	if (git_repository_odb(&odb, repo) < 0) {
		git_oid_cpy(&end->broken, &at);
		end->has_broken = 1;
		end->problem = pd__git_object_problem(repo, &at);
		*out = chain;
		return PD_OK;
	}
	packs = pd__packs_open(git_repository_path(repo));
	pd__packs_read_in_order(packs);
	if (ahead && (ra = pd__read_ahead_start(git_repository_path(repo),
						 ahead == PD__CHAIN_AHEAD_FIRST)))
		pd__packs_publish_walk(packs, pd__read_ahead_walked(ra));
	for (;;) {
		pd__chain_link link;
		git_oid parent;
		unsigned n_parents;
		if ((hide && git_oid_equal(&at, hide)) || (stop && g_atomic_int_get(stop)))
			break;
		if (ra && pd__read_ahead_take(&link, &parent, &n_parents, ra, &at)) {
			end->taken_ahead++;
		} else if (read_link(&link, &parent, &n_parents, repo, odb, packs, &at) < 0) {
			git_oid_cpy(&end->broken, &at);
			end->has_broken = 1;
			end->problem = pd__git_object_problem(repo, &at);
			break;
		}
		if (since && link.time < since) {
			/* commits are in time order: this one and every one
			 * before it are older than --since */
			git_oid_cpy(&end->passed_over, &at);
			end->has_passed_over = 1;
			break;
		}
		g_array_append_val(chain, link);
		end->merges += n_parents > 1;
		if (n_parents == 0)
			break;
		git_oid_cpy(&at, &parent);
	}
	pd__read_ahead_free(ra);
	git_odb_free(odb);
	pd__packs_free(packs);
	/* oldest first, the order of reading */
	for (guint i = 0, j = chain->len ? chain->len - 1 : 0; i < j; i++, j--) {
		pd__chain_link t = g_array_index(chain, pd__chain_link, i);
		g_array_index(chain, pd__chain_link, i) = g_array_index(chain, pd__chain_link, j);
		g_array_index(chain, pd__chain_link, j) = t;
	}
	*out = chain;
	return PD_OK;
}

void pd__chain_end_clear(pd__chain_end *end)
{
	g_free(end->problem);
	end->problem = NULL;
}
