/*
 * config.c - the configuration file, read with libgit2's git_config (the
 * git-config format), and inbox names.
 *
 *   [patchdigest]                 defaults for every list
 *           state = ~/.local/state/patchdigest/state.sqlite3
 *           mailmap = ~/lore/mailmap
 *           employers = ~/lore/emailmap
 *           lookback = 60
 *           staleDays = 14
 *           firstRunDays = 7
 *           linkMask = https://lore.kernel.org/kvm/%s/
 *           bot = ci-bot@example.org          (repeatable)
 *   [list "kvm"]                  one list: what `patchdigest next kvm` reads
 *           path = ~/lore/kvm
 *           name = KVM
 *           lore = kvm
 *           mailmap / employers / lookback / staleDays / firstRunDays /
 *           linkMask / bot        as above, for this list
 *   [list "virt"]                 a group: one digest of several lists
 *           member = kvm                       (repeatable: lists, inboxes
 *           member = kvmarm                     or paths)
 *           name = KVM and arm64    the title; settings as for a list
 *
 * The command line wins over the list's section, which wins over
 * [patchdigest].  A name that is not a path is looked up as a list here,
 * then as an inbox of public-inbox's own configuration ($PI_CONFIG, else
 * ~/.public-inbox/config, [publicinbox "NAME"] inboxdir).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "cli.h"

/* The settings a list or the defaults may give, in `patchdigest config`'s
 * order. */
const char *const cli_config_keys[] = {
	"path", "member", "name", "lore", "state", "mailmap", "employers", "lookback",
	"staledays", "firstrundays", "linkmask", "links", "mailfrom", "mailto", "mailcc", "bot",
	"sitetitle", "siteurl", NULL
};

char *cli_config_default_path(void)
{
	const char *env = g_getenv("PATCHDIGEST_CONFIG");

	if (env && *env)
		return g_strdup(env);
	return g_build_filename(g_get_user_config_dir(), "patchdigest", "config", NULL);
}

/* "~/x" as $HOME/x; anything else as it is.  New string. */
static char *expand_home(const char *value)
{
	if (value[0] == '~' && (value[1] == '/' || !value[1]))
		return g_build_filename(g_get_home_dir(), value + 1, NULL);
	return g_strdup(value);
}

/* The line of `file` that sets `var` in section `section` ("list.kvm",
 * "patchdigest"), for an error: 0 when it cannot be found. */
static int line_of(const char *file, const char *section, const char *var)
{
	char *text = NULL, **lines;
	int found = 0, in = 0;

	if (!g_file_get_contents(file, &text, NULL, NULL))
		return 0;
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (int i = 0; lines[i] && !found; i++) {
		char *l = g_strstrip(lines[i]);
		if (*l == '[') {
			/* [patchdigest] or [list "kvm"] as "list.kvm" */
			GString *name = g_string_new(NULL);
			for (char *p = l + 1; *p && *p != ']'; p++)
				if (*p == ' ')
					g_string_append_c(name, '.');
				else if (*p != '"')
					g_string_append_c(name, *p);
			in = !g_ascii_strcasecmp(name->str, section);
			g_string_free(name, TRUE);
		} else if (in && !g_ascii_strncasecmp(l, var, strlen(var))
			   && (l[strlen(var)] == '=' || l[strlen(var)] == ' ' || l[strlen(var)] == '\t'
			       || !l[strlen(var)])) {
			found = i + 1;
		}
	}
	g_strfreev(lines);
	return found;
}

void cli_config_free(cli_config *c)
{
	if (!c)
		return;
	git_config_free(c->cfg);
	git_libgit2_shutdown();
	g_free(c->path);
	g_free(c->list);
	g_free(c);
}

int cli_config_load(cli_config **out, const char *explicit_path)
{
	cli_config *c = g_new0(cli_config, 1);

	*out = NULL;
	git_libgit2_init();
	c->path = explicit_path ? g_strdup(explicit_path) : cli_config_default_path();
	if (explicit_path && !g_file_test(explicit_path, G_FILE_TEST_IS_REGULAR)) {
		cli_error("--config: %s: no such file", explicit_path);
		cli_config_free(c);
		return -1;
	}
	if (!g_file_test(c->path, G_FILE_TEST_EXISTS)) {
		*out = c; /* no file: every setting is a default */
		return 0;
	}
	if (git_config_open_ondisk(&c->cfg, c->path) < 0) {
		const git_error *e = git_error_last();
		cli_error("%s: %s", c->path, e && e->message ? e->message : "cannot be read");
		cli_config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

/* The value of `var` in section `section`, or NULL (new string). */
static char *get(const cli_config *c, const char *section, const char *var)
{
	git_config_entry *e = NULL;
	char *key, *value = NULL;

	if (!c->cfg)
		return NULL;
	key = g_strdup_printf("%s.%s", section, var);
	if (git_config_get_entry(&e, c->cfg, key) == 0) {
		value = g_strdup(e->value ? e->value : "");
		git_config_entry_free(e);
	}
	g_free(key);
	return value;
}

int cli_config_get(char **value, char **origin, const cli_config *c, const char *var)
{
	char *section;

	*value = NULL;
	if (origin)
		*origin = NULL;
	if (c->list) {
		section = g_strdup_printf("list.%s", c->list);
		*value = get(c, section, var);
		g_free(section);
		if (*value) {
			if (origin)
				*origin = g_strdup_printf("%s, [list \"%s\"]", c->path, c->list);
			return 1;
		}
	}
	if ((*value = get(c, "patchdigest", var))) {
		if (origin)
			*origin = g_strdup_printf("%s, [patchdigest]", c->path);
		return 1;
	}
	return 0;
}

/* Calls `cb` with the subsection and the value of each entry of `cfg`
 * named "FIRST.SUB.LAST" (section and variable ignoring case, the
 * subsection as written), SUB being `sub` when it is given.  libgit2's
 * glob iterator matches names with PCRE2 and, in 1.5, leaks its match
 * data each time (LeakSanitizer): every entry is walked here instead. */
static void each_entry(git_config *cfg, const char *first, const char *sub, const char *last,
		       void (*cb)(const char *sub, const char *value, void *payload), void *payload)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t nf = strlen(first);

	if (!cfg || git_config_iterator_new(&it, cfg) < 0)
		return;
	while (git_config_next(&e, it) == 0) {
		const char *name = e->name, *mid, *dot;
		if (g_ascii_strncasecmp(name, first, nf) || name[nf] != '.')
			continue;
		mid = name + nf + 1;
		dot = strrchr(mid, '.');
		if (!dot || g_ascii_strcasecmp(dot + 1, last))
			continue;
		if (sub) { /* a given subsection, as written */
			if ((size_t)(dot - mid) != strlen(sub) || strncmp(mid, sub, dot - mid))
				continue;
			cb(sub, e->value ? e->value : "", payload);
		} else if (dot > mid) {
			char *s = g_strndup(mid, dot - mid);
			cb(s, e->value ? e->value : "", payload);
			g_free(s);
		}
	}
	git_config_iterator_free(it);
}

static void add_sub(const char *sub, const char *value, void *payload)
{
	g_ptr_array_add(payload, g_strdup(sub));
}

static void add_inbox(const char *sub, const char *value, void *payload)
{
	g_hash_table_insert(payload, g_strdup(sub), expand_home(value));
}

static int add_entry_value(const git_config_entry *e, void *payload)
{
	g_ptr_array_add(payload, g_strdup(e->value ? e->value : ""));
	return 0;
}

GPtrArray *cli_config_get_all(const cli_config *c, const char *var)
{
	GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
	char *key;

	if (!c->cfg)
		return all;
	/* by name, with no value pattern: no PCRE2 is involved */
	if (c->list) {
		key = g_strdup_printf("list.%s.%s", c->list, var);
		git_config_get_multivar_foreach(c->cfg, key, NULL, add_entry_value, all);
		g_free(key);
	}
	key = g_strdup_printf("patchdigest.%s", var);
	git_config_get_multivar_foreach(c->cfg, key, NULL, add_entry_value, all);
	g_free(key);
	return all;
}

/* Names of the [list "NAME"] sections that give a path. */
GPtrArray *cli_config_lists(const cli_config *c)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	each_entry(c->cfg, "list", NULL, "path", add_sub, names);
	return names;
}

static void add_sub_once(const char *sub, const char *value, void *payload)
{
	GPtrArray *names = payload;

	for (guint i = 0; i < names->len; i++)
		if (!strcmp(names->pdata[i], sub))
			return;
	g_ptr_array_add(names, g_strdup(sub));
}

GPtrArray *cli_config_groups(const cli_config *c)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	each_entry(c->cfg, "list", NULL, "member", add_sub_once, names);
	return names;
}

char *cli_pi_config_path(void)
{
	const char *env = g_getenv("PI_CONFIG");

	if (env && *env)
		return g_strdup(env);
	return g_build_filename(g_get_home_dir(), ".public-inbox", "config", NULL);
}

/* public-inbox's inboxes: name -> inboxdir (new table), empty when its
 * configuration is not there. */
static GHashTable *pi_inboxes(void)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	char *path = cli_pi_config_path();
	git_config *cfg = NULL;

	if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && git_config_open_ondisk(&cfg, path) == 0)
		each_entry(cfg, "publicinbox", NULL, "inboxdir", add_inbox, t);
	git_config_free(cfg);
	g_free(path);
	return t;
}

/* Whether `name` is a list of the configuration or an inbox of
 * public-inbox's. */
static GHashTable *pi_inboxes(void);

int cli_config_is_name(const cli_config *c, const char *name)
{
	GPtrArray *lists = cli_config_lists(c);
	GHashTable *inboxes;
	int known = 0;

	{
		GPtrArray *members = cli_config_members(c, name);
		known = members->len > 0;
		g_ptr_array_unref(members);
		if (known) {
			g_ptr_array_unref(lists);
			return 1;
		}
	}

	for (guint i = 0; i < lists->len && !known; i++)
		known = !strcmp(lists->pdata[i], name);
	g_ptr_array_unref(lists);
	if (known)
		return 1;
	inboxes = pi_inboxes();
	known = g_hash_table_contains(inboxes, name);
	g_hash_table_destroy(inboxes);
	return known;
}

static int resolve_name(char **out, cli_config *c, const char *name);

int cli_config_resolve_archive(char **out, cli_config *c, const char *arg)
{
	GPtrArray *lists;

	*out = NULL;
	/* a name without '/' that a list or inbox has is that list ("./kvm"
	 * is the path); any other argument is a path, and the list it
	 * belongs to, if any, is found by it */
	if (!strchr(arg, '/') && strcmp(arg, "-") && cli_config_is_name(c, arg))
		return resolve_name(out, c, arg);
	if (strchr(arg, '/') || g_file_test(arg, G_FILE_TEST_EXISTS) || !strcmp(arg, "-")) {
		char *real = realpath(arg, NULL);
		lists = cli_config_lists(c);
		for (guint i = 0; real && i < lists->len && !c->list; i++) {
			char *section = g_strdup_printf("list.%s", (char *)lists->pdata[i]);
			char *p = get(c, section, "path"), *full = p ? expand_home(p) : NULL;
			char *rp = full ? realpath(full, NULL) : NULL;
			if (rp && !strcmp(rp, real))
				c->list = g_strdup(lists->pdata[i]);
			free(rp);
			g_free(full);
			g_free(p);
			g_free(section);
		}
		free(real);
		g_ptr_array_unref(lists);
		*out = g_strdup(arg);
		return 0;
	}
	return resolve_name(out, c, arg);
}

static int resolve_name(char **out, cli_config *c, const char *arg)
{
	GPtrArray *lists;
	GHashTable *inboxes;
	char *value = NULL, *origin = NULL;
	GString *known;

	c->list = g_strdup(arg);
	if (cli_config_get(&value, &origin, c, "path") && origin && strstr(origin, "[list")) {
		*out = expand_home(value);
		g_free(value);
		g_free(origin);
		return 0;
	}
	g_free(value);
	g_free(origin);
	g_clear_pointer(&c->list, g_free);
	inboxes = pi_inboxes();
	if (g_hash_table_contains(inboxes, arg)) {
		*out = g_strdup(g_hash_table_lookup(inboxes, arg));
		c->list = g_strdup(arg);
		g_hash_table_destroy(inboxes);
		return 0;
	}
	/* say which names there are */
	known = g_string_new(NULL);
	lists = cli_config_lists(c);
	for (guint i = 0; i < lists->len; i++)
		g_string_append_printf(known, "%s%s", known->len ? ", " : "", (char *)lists->pdata[i]);
	{
		GPtrArray *groups = cli_config_groups(c);
		for (guint i = 0; i < groups->len; i++)
			g_string_append_printf(known, "%s%s (group)", known->len ? ", " : "",
					       (char *)groups->pdata[i]);
		g_ptr_array_unref(groups);
	}
	{
		GHashTableIter it;
		gpointer k;
		GList *names = NULL;
		g_hash_table_iter_init(&it, inboxes);
		while (g_hash_table_iter_next(&it, &k, NULL))
			names = g_list_insert_sorted(names, k, (GCompareFunc)strcmp);
		for (GList *l = names; l; l = l->next)
			g_string_append_printf(known, "%s%s (public-inbox)", known->len ? ", " : "",
					       (char *)l->data);
		g_list_free(names);
	}
	if (known->len)
		cli_error("'%s' is no path, and no list or inbox of that name is known; known "
			  "names: %s", arg, known->str);
	else
		cli_error("'%s' is no path, and no list or inbox of that name is known (lists "
			  "are named in %s, inboxes in public-inbox's %s)", arg, c->path,
			  "$PI_CONFIG or ~/.public-inbox/config");
	g_string_free(known, TRUE);
	g_ptr_array_unref(lists);
	g_hash_table_destroy(inboxes);
	return -1;
}

int cli_config_bool(const char *value)
{
	int on;

	/* git's spellings: true/yes/on/1, false/no/off/0, empty for false */
	return git_config_parse_bool(&on, value) < 0 ? -1 : on != 0;
}

int cli_config_number(long *out, const cli_config *c, const char *var, const char *value,
		      const char *origin, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno || end == value || *end || n < min || n > max) {
		const char *section = c->list && origin && strstr(origin, "[list") ? NULL : "patchdigest";
		char *list_section = section ? NULL : g_strdup_printf("list.%s", c->list);
		int line = line_of(c->path, section ? section : list_section, var);
		if (line)
			cli_error("%s:%d: %s takes a number from %ld to %ld, not '%s'", c->path, line,
				  var, min, max, value);
		else
			cli_error("%s: %s takes a number from %ld to %ld, not '%s'", c->path, var,
				  min, max, value);
		g_free(list_section);
		return -1;
	}
	*out = n;
	return 0;
}

char *cli_config_path_value(const char *value)
{
	return expand_home(value);
}

GPtrArray *cli_config_members(const cli_config *c, const char *name)
{
	GPtrArray *all = g_ptr_array_new_with_free_func(g_free);
	char *key;

	if (!c->cfg || strchr(name, '/'))
		return all;
	key = g_strdup_printf("list.%s.member", name);
	git_config_get_multivar_foreach(c->cfg, key, NULL, add_entry_value, all);
	g_free(key);
	return all;
}

/* One archive of a run: its path and, when a configured list is what it
 * names or is, that list's name (its `name`, else the list's own). */
static int resolve_one(GPtrArray *paths, GPtrArray *names, GPtrArray *lores, cli_config *c,
		       const char *arg)
{
	char *saved = c->list, *path = NULL, *name = NULL, *lore = NULL;

	c->list = NULL;
	if (cli_config_resolve_archive(&path, c, arg) < 0) {
		c->list = saved;
		return -1;
	}
	if (c->list) {
		char *section = g_strdup_printf("list.%s", c->list);
		name = get(c, section, "name");
		if (!name)
			name = g_strdup(c->list);
		lore = get(c, section, "lore");
		g_free(section);
	}
	g_free(c->list);
	c->list = saved;
	g_ptr_array_add(paths, path);
	g_ptr_array_add(names, name);
	g_ptr_array_add(lores, lore);
	return 0;
}

int cli_config_resolve_inputs(GPtrArray *paths, GPtrArray *names, GPtrArray *lores,
			      cli_config *c, const char *const *args, size_t n)
{
	char *group = NULL;

	if (n == 1) {
		GPtrArray *members = cli_config_members(c, args[0]);
		int is_group = members->len > 0;
		g_ptr_array_unref(members);
		if (!is_group) {
			char *path = NULL;
			/* one list: its section gives the run's settings */
			if (cli_config_resolve_archive(&path, c, args[0]) < 0)
				return -1;
			g_ptr_array_add(paths, path);
			g_ptr_array_add(names, NULL);
			g_ptr_array_add(lores, NULL);
			return 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		GPtrArray *members = cli_config_members(c, args[i]);
		if (members->len && n == 1)
			group = g_strdup(args[i]); /* its section gives the settings */
		for (guint j = 0; j < members->len; j++) {
			GPtrArray *nested = cli_config_members(c, members->pdata[j]);
			int bad = nested->len > 0;
			g_ptr_array_unref(nested);
			if (bad) {
				cli_error("%s: [list \"%s\"] names the group '%s' as a member; a "
					  "group's members are lists, inboxes or paths", c->path,
					  args[i], (char *)members->pdata[j]);
				g_ptr_array_unref(members);
				g_free(group);
				return -1;
			}
			if (resolve_one(paths, names, lores, c, members->pdata[j]) < 0) {
				g_ptr_array_unref(members);
				g_free(group);
				return -1;
			}
		}
		if (!members->len && resolve_one(paths, names, lores, c, args[i]) < 0) {
			g_ptr_array_unref(members);
			g_free(group);
			return -1;
		}
		g_ptr_array_unref(members);
	}
	g_free(c->list);
	c->list = group;
	return 0;
}
