/*
 * test-people.c - the mailmap against `git check-mailmap` as the oracle
 * (each of git's four line forms, emails matched ignoring case, names
 * matched exactly), and gitdm employer maps: an exact address, the
 * longest domain suffix, dated entries on both sides of their date, the
 * mapped address, no entry, and the errors a bad map gives.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include "harness.h"

static const char mailmap[] =
	"# form 1: the proper name for an address\n"
	"Proper One <one@example.com>\n"
	"# form 2: the proper address for an address\n"
	"<two-new@example.com> <two-old@example.com>\n"
	"# form 3: both for an address\n"
	"Proper Three <three-new@example.com> <three-old@example.com>\n"
	"# form 4: both for a name and an address\n"
	"Proper Four <four-new@example.com> Commit Four <four@example.com>\n"
	"Sean Christopherson <seanjc@google.com> <sean.j.christopherson@intel.com>\n";

static const char *const identities[] = {
	"Someone <one@example.com>", "Someone <ONE@Example.COM>",
	"Two <two-old@example.com>", "Two <Two-Old@EXAMPLE.com>",
	"Three <three-old@example.com>",
	"Commit Four <four@example.com>", "Commit Four <FOUR@example.com>",
	"Other Four <four@example.com>", "commit four <four@example.com>",
	"Sean J Christopherson <sean.j.christopherson@intel.com>",
	"Nobody <nobody@example.org>",
};

/* What git check-mailmap says of `identity`, or NULL when git cannot run. */
static char *git_says(const char *dir, const char *identity)
{
	char *argv[] = { "git", "-C", (char *)dir, "-c", "mailmap.file=mailmap",
			 "check-mailmap", (char *)identity, NULL };
	char *out = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
			  NULL, NULL, &out, NULL, &status, NULL) || status) {
		g_free(out);
		return NULL;
	}
	return g_strchomp(out);
}

static void mailmap_against_git(void)
{
	char *dir = g_dir_make_tmp("pd-mailmap-XXXXXX", NULL);
	char *file = g_build_filename(dir, "mailmap", NULL);
	char *init[] = { "git", "init", "-q", dir, NULL };
	pd_mailmap *mm = NULL;
	int status = 1;

	g_file_set_contents(file, mailmap, -1, NULL);
	if (!g_spawn_sync(NULL, init, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
			  | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
	    || status) {
		SKIP("mailmap against git check-mailmap", "git is not installed (make deps)");
		goto cleanup;
	}
	CHECK_INT("the mailmap loads", pd_mailmap_load(&mm, file), PD_OK);
	for (size_t i = 0; mm && i < G_N_ELEMENTS(identities); i++) {
		char *want = git_says(dir, identities[i]), *name, *got;
		pd_person in = { 0 }, out = { 0 };
		const char *lt = strchr(identities[i], '<');
		in.name = g_strstrip(g_strndup(identities[i], lt - identities[i]));
		in.address = g_strndup(lt + 1, strlen(lt + 1) - 1);
		pd_mailmap_resolve(&out, mm, &in);
		got = g_strdup_printf("%s <%s>", out.name, out.address);
		name = g_strdup_printf("mailmap: %s as git check-mailmap maps it", identities[i]);
		CHECK_STR(name, got, want ? want : "(git failed)");
		g_free(name);
		g_free(got);
		g_free(want);
		g_free(in.name);
		g_free(in.address);
		g_free(out.name);
		g_free(out.address);
	}
cleanup:
	pd_mailmap_free(mm);
	g_unlink(file);
	harness_remove_tree(dir);
	g_free(file);
	g_free(dir);
}

static void employer(const pd_employers *e, const char *posted, const char *mapped,
		     const char *date, const char *want)
{
	GDateTime *t = g_date_time_new_from_iso8601(date, NULL);
	char *got = NULL, *name;

	pd_employers_lookup(&got, e, posted, mapped, g_date_time_to_unix(t));
	name = g_strdup_printf("employer of %s (%s) on %s", posted, mapped ? mapped : "-", date);
	CHECK_STR(name, got, want);
	g_free(name);
	g_free(got);
	g_date_time_unref(t);
}

static void employers(void)
{
	static const char map[] =
		"# gitdm EmailMap\n"
		"\n"
		"intel.com               Intel\n"
		"linux.intel.com         Intel Open Source\n"
		"jane@intel.com          Jane's Startup < 2021-01-01\n"
		"jane@intel.com          Intel Labs\n"
		"old@example.org         Old Corp < 2020-01-01\n"
		"seanjc@google.com       Google\n";
	pd_employers *e = NULL;

	CHECK_INT("the map loads", pd_employers_from_buffer(&e, map, strlen(map), "map"), PD_OK);
	if (!e)
		return;
	employer(e, "someone@intel.com", NULL, "2022-01-01T00:00:00Z", "Intel");
	employer(e, "dev@linux.intel.com", NULL, "2022-01-01T00:00:00Z", "Intel Open Source");
	employer(e, "dev@a.b.linux.intel.com", NULL, "2022-01-01T00:00:00Z", "Intel Open Source");
	employer(e, "dev@notintel.com", NULL, "2022-01-01T00:00:00Z", "notintel.com");
	employer(e, "jane@intel.com", NULL, "2020-12-31T23:59:59Z", "Jane's Startup");
	employer(e, "jane@intel.com", NULL, "2021-01-01T00:00:00Z", "Intel Labs");
	employer(e, "JANE@Intel.COM", NULL, "2022-06-01T00:00:00Z", "Intel Labs");
	employer(e, "old@example.org", NULL, "2019-12-31T00:00:00Z", "Old Corp");
	employer(e, "old@example.org", NULL, "2020-01-01T00:00:00Z", "example.org");
	employer(e, "sean.j.christopherson@gmail.com", "seanjc@google.com",
		 "2022-01-01T00:00:00Z", "Google");
	employer(e, "sean@linux.intel.com", "seanjc@google.com", "2022-01-01T00:00:00Z", "Google");
	employer(e, "x@gmail.com", "x@linux.intel.com", "2022-01-01T00:00:00Z", "Intel Open Source");
	pd_employers_free(e);

	CHECK_INT("an address without an employer is refused",
		  pd_employers_from_buffer(&e, "intel.com\n", 10, "map"), PD_ERR_MALFORMED);
	CHECK_STR("  naming the file and line", pd_error_last(),
		  "map:1: an address or domain without an employer");
	CHECK_INT("a bad date is refused",
		  pd_employers_from_buffer(&e, "# c\nx.com X < 2020-13-01\n", 24, "map"),
		  PD_ERR_MALFORMED);
	CHECK_STR("  naming the file and line", pd_error_last(),
		  "map:2: '2020-13-01' is not a date (YYYY-MM-DD)");
}

int main(void)
{
	mailmap_against_git();
	employers();
	return harness_failed ? 1 : 0;
}
