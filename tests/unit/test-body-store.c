/*
 * test-body-store.c - the store a digest keeps texts and bytes in
 * (digest/body-store.c): a message's bytes come back whole, by message,
 * and a record (a posting's subject, title, origin and commit message)
 * by the reference its record holds, from the temporary file or, when
 * none can be made, from memory; and a message it forgets (one dropped
 * from the report) has nothing left in it, whatever is made at its
 * address afterwards.
 */
#include <glib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "digest/digest.h"

static void round_trip(const char *how)
{
	pd__body_store *s = pd__body_store_new();
	int a, b, c; /* three messages: their addresses are the keys */
	static const char bytes[] = "From: x\n\0binary\n";
	char *out = NULL, *name;
	size_t len = 0;

	pd__body_store_put(s, PD__STORED_RAW, &a, bytes, sizeof(bytes) - 1);
	pd__body_store_put(s, PD__STORED_RAW, &b, "", 0);
	name = g_strdup_printf("%s: a's bytes come back, NULs and all", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_RAW, &a, "a") == PD_OK
	      && out && len == sizeof(bytes) - 1 && !memcmp(out, bytes, len) && out[len] == '\0');
	g_free(name);
	g_free(out);
	name = g_strdup_printf("%s: empty bytes come back empty, not absent", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_RAW, &b, "b") == PD_OK
	      && out && len == 0);
	g_free(name);
	g_free(out);
	name = g_strdup_printf("%s: c has no bytes", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_RAW, &c, "c") == PD_OK && !out);
	g_free(name);
	pd__body_store_forget(s, &a);
	name = g_strdup_printf("%s: a forgotten message has no bytes", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_RAW, &a, "a") == PD_OK && !out);
	g_free(name);
	name = g_strdup_printf("%s: the others stay", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_RAW, &b, "b") == PD_OK
	      && out && len == 0);
	g_free(name);
	g_free(out);
	/* records found by where they are (a posting's subject, title and
	 * origin): no index, the record holds the reference */
	{
		char *long_one = g_strnfill(5000, 'L'); /* longer than one read brings */
		static const char with_nul[] = "\3subject\0title\0commit abc\0";
		guint64 r1 = pd__body_store_add(s, with_nul, sizeof(with_nul) - 1);
		guint64 r2 = pd__body_store_add(s, "", 0);
		guint64 r3 = pd__body_store_add(s, long_one, 5000);
		guint64 r4 = pd__body_store_add(s, "x", 1);
		name = g_strdup_printf("%s: records have distinct, non-zero references", how);
		CHECK(name, r1 && r2 && r3 && r4 && r1 != r2 && r2 != r3 && r3 != r4);
		g_free(name);
		name = g_strdup_printf("%s: a record comes back whole, NULs and all", how);
		CHECK(name, pd__body_store_read(&out, &len, s, r1) == PD_OK && out
		      && len == sizeof(with_nul) - 1 && !memcmp(out, with_nul, len) && out[len] == '\0');
		g_free(name);
		g_free(out);
		name = g_strdup_printf("%s: an empty record comes back empty", how);
		CHECK(name, pd__body_store_read(&out, &len, s, r2) == PD_OK && out && len == 0);
		g_free(name);
		g_free(out);
		name = g_strdup_printf("%s: a record longer than a read comes back whole", how);
		CHECK(name, pd__body_store_read(&out, &len, s, r3) == PD_OK && out && len == 5000
		      && !strcmp(out, long_one));
		g_free(name);
		g_free(out);
		name = g_strdup_printf("%s: the last record, at the end, comes back", how);
		CHECK(name, pd__body_store_read(&out, &len, s, r4) == PD_OK && out && len == 1
		      && !strcmp(out, "x"));
		g_free(name);
		g_free(out);
		name = g_strdup_printf("%s: reference 0 and no store give nothing", how);
		CHECK(name, pd__body_store_read(&out, &len, s, 0) == PD_OK && !out && !len
		      && pd__body_store_read(&out, &len, NULL, r1) == PD_OK && !out);
		g_free(name);
		name = g_strdup_printf("%s: the texts kept by message are not disturbed", how);
		CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_RAW, &b, "b") == PD_OK
		      && out && len == 0);
		g_free(name);
		g_free(out);
		g_free(long_one);
	}
	pd__body_store_forget(s, &a); /* twice: nothing */
	pd__body_store_forget(NULL, &a);
	pd__body_store_free(s);
}

int main(void)
{
	pid_t child;
	int status = 0;

	/* first, a process whose $TMPDIR cannot hold a file (GLib reads it
	 * once, so in a child forked before anything asked) */
	fflush(stdout);
	child = fork();
	if (child == 0) {
		g_setenv("TMPDIR", "/nonexistent/patchdigest-test", TRUE);
		round_trip("in memory");
		fflush(stdout);
		_exit(harness_failed ? 1 : 0);
	}
	CHECK("the child ran", child > 0 && waitpid(child, &status, 0) == child);
	CHECK("the child's checks passed", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	round_trip("in the file");
	return harness_failed ? 1 : 0;
}
