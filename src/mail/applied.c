/*
 * mail/applied.c - does a reply say that what it answers was applied?
 *
 * Precision comes first: a false "applied" misleads a reader, a missed
 * one only leaves a series "discussed".  So only a statement counts, made
 * at the start of a line of the reply's own text (quoted lines and the
 * signature never count):
 *
 *  - a maintainer's: "Applied, thanks!", "Applied to next, thanks!",
 *    "Thanks, applied.", "Queued, thanks.", "Queued 3+5, thanks.",
 *    "Pushed, thanks!", "Picked up ...", "Series applied",
 *    "Merged, thanks", "Pulled, thanks." (a pull request's recipient)
 *    -- a line that starts with the verb (after an
 *    optional "Thanks,"), and is neither a question nor a promise;
 *  - b4's thank-you message: that line, then "[n/N] subject" lines each
 *    followed by "commit: <id>" or a commit URL: exactly those patches;
 *  - patchwork-bot: "This series was applied to TREE" (or patch);
 *  - pr-tracker-bot: "has been merged into TREE:" and the commit URL;
 *  - tip-bot2: "The following commit has been merged into the BRANCH
 *    branch of tip:" with its "Commit-ID:".
 *
 * Not applied: "will apply", "I'll apply", "can you apply", any line
 * with a question mark, "does not apply", "doesn't apply", "fails to
 * apply", "with this applied", "after applying", "applied ... and
 * tested/verified/built" (a tester), the kernel test robot's "If your
 * patch is applied to the wrong git tree", bare "merged with ...", a
 * tester's or reviewer's "I applied ..." / "I pushed ..." (a maintainer
 * says "Applied" or "I've applied"), "I have pulled the branch", a line
 * wrapped from the one before (it starts no sentence), one that ends
 * in ':' after a subject ("I have this queued:" points elsewhere), and
 * lines naming another version, a dropped commit or a needed rebase.
 */
#include <string.h>
#include <stdlib.h>
#include "mail/mail.h"

void pd__applied_clear(pd__applied *a)
{
	g_free(a->tree);
	if (a->commits)
		g_ptr_array_unref(a->commits);
	if (a->numbers)
		g_array_unref(a->numbers);
	memset(a, 0, sizeof(*a));
}

static int starts_with(const char *s, const char *prefix)
{
	return !g_ascii_strncasecmp(s, prefix, strlen(prefix));
}

static int contains(const char *lower, const char *word)
{
	return strstr(lower, word) != NULL;
}

static void add_number(pd__applied *a, long n)
{
	int v = (int)n;

	if (n < 0 || n > 100000)
		return;
	if (!a->numbers)
		a->numbers = g_array_new(FALSE, FALSE, sizeof(int));
	for (guint i = 0; i < a->numbers->len; i++)
		if (g_array_index(a->numbers, int, i) == v)
			return;
	g_array_append_val(a->numbers, v);
}

static void add_commit(pd__applied *a, const char *id, size_t len)
{
	if (!a->commits)
		a->commits = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(a->commits, g_strndup(id, len));
}

/* A commit id at `p`: 7 to 40 hex digits, then no more hex. */
static size_t hex_id(const char *p)
{
	size_t n = 0;

	while (g_ascii_isxdigit(p[n]))
		n++;
	return n >= 7 && n <= 40 ? n : 0;
}

/* The commit a URL on `line` names: cgit's ".../commit/?id=ID",
 * git.kernel.org's short ".../c/ID", GitHub's ".../commit/ID".  Its
 * length, with *id at it; 0 when there is none. */
static size_t url_commit(const char *line, const char **id)
{
	static const char *const marks[] = { "id=", "/commit/", "/c/", NULL };

	if (!strstr(line, "://"))
		return 0;
	for (int i = 0; marks[i]; i++) {
		const char *p = strstr(line, marks[i]);
		size_t n;
		if (p && (n = hex_id(p + strlen(marks[i])))) {
			*id = p + strlen(marks[i]);
			return n;
		}
	}
	return 0;
}

/* "3+5", "1-3", "1,2,4", "1 and 3": patch numbers right after the verb. */
static void numbers_after(pd__applied *a, const char *p)
{
	static const char *const counts[] = { "two", "three", "four", "five", "six", NULL };

	while (*p == ' ')
		p++;
	/* "Applied first two cleanups" */
	if (starts_with(p, "the first ") || starts_with(p, "first ")) {
		const char *w = strstr(p, "first ") + 6;
		long n = g_ascii_isdigit(*w) ? strtol(w, NULL, 10) : 0;
		for (int i = 0; !n && counts[i]; i++)
			if (starts_with(w, counts[i]))
				n = i + 2;
		for (long k = 1; k <= n; k++)
			add_number(a, k);
		return;
	}
	if (starts_with(p, "patches ") || starts_with(p, "patch "))
		p = strchr(p, ' ') + 1;
	while (g_ascii_isdigit(*p)) {
		char *end;
		long n = strtol(p, &end, 10);
		if (*end == '-' && g_ascii_isdigit(end[1])) {
			long m = strtol(end + 1, &end, 10);
			for (long k = n; k <= m && k - n < 1000; k++)
				add_number(a, k);
		} else {
			add_number(a, n);
		}
		p = end;
		if (*p == '+' || *p == ',')
			p++;
		else if (starts_with(p, " and "))
			p += 5;
		else
			break;
		while (*p == ' ')
			p++;
	}
}

/* The tree a statement names: "to kvm-x86 mmu", "to arm64 (for-next/ffa)",
 * up to ", thanks", "." or the end of the line. */
static char *tree_after(const char *line)
{
	const char *lower_to = NULL, *p;
	char *lower = g_ascii_strdown(line, -1), *tree;
	size_t n;

	if ((p = strstr(lower, " into ")))
		lower_to = line + (p - lower) + 6;
	else if ((p = strstr(lower, " to ")) && !(p >= lower + 6 && !strncmp(p - 6, "thanks", 6)))
		lower_to = line + (p - lower) + 4;
	g_free(lower);
	if (!lower_to)
		return NULL;
	while (*lower_to == ' ')
		lower_to++;
	if (starts_with(lower_to, "the ") && !starts_with(lower_to, "the following"))
		lower_to += 4;
	n = strcspn(lower_to, ",!;");
	tree = g_strstrip(g_strndup(lower_to, n));
	n = strlen(tree);
	while (n && (tree[n - 1] == '.' || tree[n - 1] == ':'))
		tree[--n] = '\0';
	/* "with minor fixes", "and MR posted" and the like are not part of
	 * the tree, nor is a footnote mark: "arm/queue[1]" */
	if ((p = strstr(tree, " with ")))
		tree[p - tree] = '\0';
	if ((p = strstr(tree, " and ")))
		tree[p - tree] = '\0';
	n = strlen(tree);
	if (n > 3 && tree[n - 1] == ']' && (p = strrchr(tree, '[')) && p > tree
	    && strspn(p + 1, "0123456789") == (size_t)(tree + n - 1 - (p + 1)))
		tree[p - tree] = '\0';
	g_strstrip(tree);
	if (!*tree || strlen(tree) > 80) {
		g_free(tree);
		return NULL;
	}
	return tree;
}

/* The word every verb of a statement holds (statement()'s list): what
 * the glance at a reply (message.c) looks for before anything is read. */
static const char *const stems[] = {
	"applied", "queued", "pushed", "picked", "merged", "pulled", NULL
};

/* Anywhere in the line ("Patch 1 applied", "Rebased, and queued").  Every
 * reply with a tag in its subject is looked at, so the search is cheap:
 * every stem ends in "ed", so memchr() finds each 'd' (then 'D') and
 * only there are the letters before it compared (`x | 0x20` lowercases a
 * letter and makes no other byte one). */
int pd__has_applied_verb(const char *l, const char *end)
{
	for (int upper = 0; upper < 2; upper++) {
		const char *d = l;
		while (d < end && (d = memchr(d, upper ? 'D' : 'd', end - d))) {
			/* every stem ends in "ed": most 'd's are not after an 'e' */
			if (d == l || (d[-1] | 0x20) != 'e') {
				d++;
				continue;
			}
			for (int i = 0; stems[i]; i++) {
				size_t n = strlen(stems[i]), k = 0;
				if ((size_t)(d + 1 - l) < n)
					continue;
				while (k < n && (char)(d[1 - (long)n + (long)k] | 0x20) == stems[i][k])
					k++;
				if (k == n)
					return 1;
			}
			d++;
		}
	}
	return 0;
}

/* Is `line` (blanks trimmed) a maintainer's statement that something was
 * applied?  Fills a->numbers from "Queued 3+5". */
static int statement(pd__applied *a, const char *line)
{
	static const char *const verbs[] = {
		"series applied", "applied", "queued", "pushed", "pulled", "picked up", "picked", "merged,",
		"merged into", "merged to", "now applied", "applied the series", NULL
	};
	static const char *const not_applied[] = {
		"will apply", "i'll apply", "i will apply", "please apply", "can you apply",
		"could you apply", "not apply", "n't apply", "fails to apply", "failed to apply",
		"with this applied", "with the series applied", "with these applied",
		"after applying", "patch is applied to the wrong", "applied on top of",
		" and tested", " and verified", " and built", " and boot", " and ran",
		"cleanly", "locally", "to my tree for testing", "compiled", "rebooted",
		"installed", "own version", "commit dropped", "my current", "needs a rebase", NULL
	};
	const char *p = line;
	char *lower;
	int hit = 0, led = 0, bare_i = 0;
	/* numbers said before the verb ("Patch 2 applied") are kept only if
	 * the statement counts */
	guint had = a->numbers ? a->numbers->len : 0;

	/* "Thanks, applied." */
	if (starts_with(p, "thanks") || starts_with(p, "thank you")) {
		size_t n = strcspn(p, ",!.");
		if (p[n] && n <= 10)
			p += n + 1;
	}
	while (*p == ' ')
		p++;
	/* who or what was applied, said first: "I've applied", "Both now
	 * queued", "Patch 1 applied", "Rebased, and queued" */
	for (int again = 1; again;) {
		static const char *const leads[] = {
			"i've ", "i have ", "we've ", "we have ", "i ", "both ", "all ", "the series ",
			"this series ", "series ", "the patch ", "this patch ", "patches ", "patch ",
			"this ", "it ", "they ", "now ", "just ", "also ", "are ", "is ", "been ",
			"rebased, and ", "rebased and ", NULL
		};
		again = 0;
		for (int i = 0; leads[i]; i++)
			if (starts_with(p, leads[i])) {
				if (!led) /* "I applied", "I just applied" */
					bare_i = !strcmp(leads[i], "i ");
				led = 1;
				p += strlen(leads[i]);
				/* "Patch 1 applied": the numbers said before the verb */
				if (starts_with(leads[i], "patch"))
					while (g_ascii_isdigit(*p) || *p == ',' || *p == '-' || *p == ' '
					       || starts_with(p, "and ")) {
						if (g_ascii_isdigit(*p))
							numbers_after(a, p);
						p += starts_with(p, "and ") ? 4 : 1;
						while (g_ascii_isdigit(*p))
							p++;
					}
				again = 1;
				break;
			}
	}
	for (int i = 0; verbs[i] && !hit; i++) {
		size_t n = strlen(verbs[i]);
		if (starts_with(p, verbs[i])
		    && (!g_ascii_isalpha(p[n]) || verbs[i][n - 1] == ' '))
			hit = (int)n;
	}
	/* a question; "I have this queued:", introducing something else;
	 * "I applied these 4, compiled, ...", "I applied your fix": said so,
	 * it is a tester's or reviewer's, where a maintainer says "Applied"
	 * or "I've applied" */
	if (!hit || strchr(line, '?') || (led && line[strlen(line) - 1] == ':')
	    || (bare_i && (starts_with(p, "applied") || starts_with(p, "pushed"))))
		goto no;
	/* "Pulled, thanks." says a pull request was; "I have pulled the
	 * latest branch" is a reviewer fetching it */
	if (led && starts_with(p, "pulled"))
		goto no;
	lower = g_ascii_strdown(line, -1);
	for (int i = 0; not_applied[i]; i++)
		if (contains(lower, not_applied[i])) {
			g_free(lower);
			goto no;
		}
	g_free(lower);
	numbers_after(a, p + hit);
	return 1;
no:
	if (a->numbers)
		g_array_set_size(a->numbers, had);
	return 0;
}

/* A later clause of `sentence` that says its writer queued or picked up
 * what it answers: "they were very nice and I've queued them", "Looks
 * good, I have picked it up".  Only with "I've"/"I have" and those two
 * verbs: "..., I applied your fix" is as often a reviewer's. */
static int clause_statement(pd__applied *a, const char *sentence)
{
	static const char *const joins[] = { ", ", " and ", NULL };
	static const char *const leads[] = { "i've ", "i have ", "we've ", "we have ", NULL };

	for (int j = 0; joins[j]; j++)
		for (const char *p = sentence; (p = strstr(p, joins[j])); p++) {
			const char *c = p + strlen(joins[j]);
			for (int i = 0; leads[i]; i++) {
				const char *v = c + strlen(leads[i]);
				if (starts_with(c, leads[i]) && (starts_with(v, "queued") || starts_with(v, "picked"))
				    && statement(a, c))
					return 1;
			}
		}
	return 0;
}

/* Is one of the sentences of `paragraph` (its lines joined, wrapped
 * lines and all) a statement?  The first such fills a->tree.  A sentence
 * ends at '.', '!' or '?' before a blank: "Sorry for the delay. Now
 * applied to kvmarm/next." holds one, as does "they were very nice and
 * I've\nqueued them." */
static int paragraph_statement(pd__applied *a, const char *paragraph)
{
	const char *p = paragraph;

	while (*p) {
		size_t n = 0;
		char *sentence;
		int hit;
		while (p[n] && !(strchr(".!?", p[n]) && (p[n + 1] == ' ' || !p[n + 1])))
			n++;
		if (p[n])
			n++;
		sentence = g_strstrip(g_strndup(p, n));
		hit = *sentence && (statement(a, sentence) || clause_statement(a, sentence));
		if (hit)
			a->tree = tree_after(sentence);
		g_free(sentence);
		if (hit)
			return 1;
		p += n;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* Lines a bot or b4 writes, each read on its own, never as text. */
static int is_notice_line(const char *l)
{
	return starts_with(l, "this series was applied to ") || starts_with(l, "this patch was applied to ")
	    || starts_with(l, "the following commit has been merged into the ")
	    || starts_with(l, "has been merged into ") || starts_with(l, "commit-id:")
	    || starts_with(l, "commit:") || (l[0] == '[' && g_ascii_isdigit(l[1]));
}

int pd__find_applied(pd__applied *out, const char *text)
{
	char **lines;
	int found = 0, listed = 0;
	GString *paragraph = g_string_new(NULL);
	const char *sig;
	char *body;

	memset(out, 0, sizeof(*out));
	if (!text)
		return 0;
	sig = strstr(text, "\n-- \n");
	body = sig ? g_strndup(text, sig - text) : g_strdup(text);
	lines = pd__lines_in_place(body);
	for (size_t i = 0; lines[i]; i++) {
		int indented = g_ascii_isspace(*lines[i]);
		char *l = g_strstrip(lines[i]);
		/* a paragraph of the reply's own text: unindented lines up to a
		 * blank, quoted or indented one, or a notice */
		if (*l && *l != '>' && !indented && !is_notice_line(l)) {
			if (!found) {
				if (paragraph->len)
					g_string_append_c(paragraph, ' ');
				g_string_append(paragraph, l);
			}
			continue;
		}
		if (paragraph->len && !found)
			found = paragraph_statement(out, paragraph->str);
		g_string_truncate(paragraph, 0);
		if (!*l || *l == '>')
			continue;
		if (starts_with(l, "this series was applied to ")
		    || starts_with(l, "this patch was applied to ")) {
			/* patchwork-bot */
			found = 1;
			g_free(out->tree);
			out->tree = tree_after(l);
		} else if (starts_with(l, "the following commit has been merged into the ")) {
			/* tip-bot2: "... into the x86/urgent branch of tip:" */
			const char *b = l + strlen("the following commit has been merged into the ");
			const char *e = strstr(b, " branch");
			found = 1;
			g_free(out->tree);
			out->tree = e ? g_strdup_printf("tip %.*s", (int)(e - b), b) : g_strdup("tip");
		} else if (starts_with(l, "has been merged into ")) {
			/* pr-tracker-bot: "The pull request you sent on DATE:",
			 * the quoted tag, "has been merged into TREE:", its URL */
			const char *b = l + strlen("has been merged into ");
			const char *id = NULL;
			size_t n = strcspn(b, ": ");
			found = 1;
			g_free(out->tree);
			out->tree = n ? g_strndup(b, n) : NULL;
			if (lines[i + 1] && (n = url_commit(lines[i + 1], &id)))
				add_commit(out, id, n);
		} else if (starts_with(l, "commit-id:") || starts_with(l, "commit:")) {
			const char *id = strchr(l, ':') + 1;
			size_t n;
			while (*id == ' ')
				id++;
			if ((n = hex_id(id)) && found)
				add_commit(out, id, n);
		} else if (found && l[0] == '[' && g_ascii_isdigit(l[1])) {
			/* b4 ty: "[2/3] subject" -- the next line names its commit */
			long n = strtol(l + 1, NULL, 10);
			const char *next = lines[i + 1] ? lines[i + 1] : "";
			const char *id = strstr(next, "commit:"), *h = NULL;
			size_t len = id ? 0 : url_commit(next, &h);
			if (id || len) {
				/* a "commit:" line adds its id when it is read */
				if (len)
					add_commit(out, h, len);
				if (!listed && out->numbers) /* the list says exactly which */
					g_array_set_size(out->numbers, 0);
				add_number(out, n);
				listed = 1;
			}
		}
	}
	if (paragraph->len && !found)
		found = paragraph_statement(out, paragraph->str);
	g_free(lines);
	g_free(body);
	g_string_free(paragraph, TRUE);
	if (!found)
		pd__applied_clear(out);
	return found;
}
