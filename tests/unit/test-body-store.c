/*
 * test-body-store.c - the store a digest keeps texts and bytes in
 * (digest/body-store.c): each comes back whole, by kind and message, from
 * the temporary file or, when none can be made, from memory; and a
 * message it forgets (one dropped from the report) has nothing left in
 * it, whatever is made at its address afterwards.
 */
#include <glib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "digest/digest.h"

static void round_trip(const char *how)
{
	pd__body_store *s = pd__body_store_new();
	int a, b; /* two messages: their addresses are the keys */
	static const char bytes[] = "From: x\n\0binary\n";
	char *out = NULL, *name;
	size_t len = 0;

	pd__body_store_put(s, PD__STORED_COMMIT_MESSAGE, &a, "text of a\n", 10);
	pd__body_store_put(s, PD__STORED_RAW, &a, bytes, sizeof(bytes) - 1);
	pd__body_store_put(s, PD__STORED_COMMIT_MESSAGE, &b, "", 0);
	name = g_strdup_printf("%s: a's text comes back", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_COMMIT_MESSAGE, &a, "a") == PD_OK
	      && out && len == 10 && !strcmp(out, "text of a\n"));
	g_free(name);
	g_free(out);
	name = g_strdup_printf("%s: a's bytes come back, NULs and all", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_RAW, &a, "a") == PD_OK
	      && out && len == sizeof(bytes) - 1 && !memcmp(out, bytes, len) && out[len] == '\0');
	g_free(name);
	g_free(out);
	name = g_strdup_printf("%s: an empty text comes back empty, not absent", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_COMMIT_MESSAGE, &b, "b") == PD_OK
	      && out && len == 0);
	g_free(name);
	g_free(out);
	name = g_strdup_printf("%s: b has no bytes", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_RAW, &b, "b") == PD_OK && !out);
	g_free(name);
	pd__body_store_forget(s, &a);
	name = g_strdup_printf("%s: a forgotten message has no text and no bytes", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_COMMIT_MESSAGE, &a, "a") == PD_OK
	      && !out
	      && pd__body_store_get(&out, &len, s, PD__STORED_RAW, &a, "a") == PD_OK && !out);
	g_free(name);
	name = g_strdup_printf("%s: the others stay", how);
	CHECK(name, pd__body_store_get(&out, &len, s, PD__STORED_COMMIT_MESSAGE, &b, "b") == PD_OK
	      && out && len == 0);
	g_free(name);
	g_free(out);
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
