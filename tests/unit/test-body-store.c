/*
 * test-body-store.c - the store a digest keeps texts and bytes in
 * (digest/body-store.c): a record (a posting's subject, title, origin
 * and commit message; a message's bytes) comes back whole by the
 * reference its holder keeps, from the temporary file or, when none can
 * be made, from memory.
 */
#include <string.h>
#include <glib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "digest/digest.h"

/* Some 3,000 records of every size up to past the read window (64 KB),
 * read back in writing order, backwards, at random, and between more
 * records added: each comes back as written.  The window the reader
 * keeps must never answer with bytes of another record, or with bytes
 * from before a record was written. */
static void many_records(pd__body_store *s, const char *how)
{
	GRand *rand = g_rand_new_with_seed(64);
	GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
	GArray *refs = g_array_new(FALSE, FALSE, sizeof(guint64));
	int wrong = 0;
	char *name;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 1000; i++) {
			/* mostly a few hundred bytes, now and then past 64 KB */
			gsize len = i % 97 == 0 ? (gsize)g_rand_int_range(rand, 60000, 140000)
						: (gsize)g_rand_int_range(rand, 0, 700);
			char *t = g_malloc(len + 1);
			guint64 ref;
			for (gsize k = 0; k < len; k++)
				t[k] = (char)('a' + (k + len + (gsize)i) % 26);
			t[len] = '\0';
			ref = pd__body_store_add(s, t, len);
			g_ptr_array_add(texts, t);
			g_array_append_val(refs, ref);
		}
		/* forwards, backwards, at random: all written so far */
		for (int way = 0; way < 3; way++)
			for (guint i = 0; i < refs->len; i++) {
				guint at = way == 0 ? i : way == 1 ? refs->len - 1 - i
					 : (guint)g_rand_int_range(rand, 0, (gint32)refs->len);
				const char *want = g_ptr_array_index(texts, at);
				char *out = NULL;
				size_t len = 0;
				if (pd__body_store_read(&out, &len, s, g_array_index(refs, guint64, at)) != PD_OK
				    || !out || len != strlen(want) || memcmp(out, want, len))
					wrong++;
				g_free(out);
			}
	}
	name = g_strdup_printf("%s: %u records read back in every order, as written", how, refs->len);
	CHECK_INT(name, wrong, 0);
	g_free(name);
	g_array_free(refs, TRUE);
	g_ptr_array_free(texts, TRUE);
	g_rand_free(rand);
}

static void round_trip(const char *how)
{
	pd__body_store *s = pd__body_store_new();
	static const char bytes[] = "From: x\n\0binary\n";
	char *out = NULL, *name;
	size_t len = 0;

	/* records found by where they are (a posting's subject, title and
	 * origin; its bytes): no index, the record holds the reference */
	{
		guint64 raw = pd__body_store_add(s, bytes, sizeof(bytes) - 1);
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
		name = g_strdup_printf("%s: bytes kept before them are not disturbed", how);
		CHECK(name, pd__body_store_read(&out, &len, s, raw) == PD_OK && out
		      && len == sizeof(bytes) - 1 && !memcmp(out, bytes, len));
		g_free(name);
		g_free(out);
		g_free(long_one);
	}
	many_records(s, how);
	pd__body_store_free(s);
}

/* Runs round_trip() in a child: `how` 0 with a $TMPDIR that cannot hold
 * a file (GLib reads it once, so in a child forked before anything
 * asked), 1 with a file that fills up (a size limit: writes past it fail
 * with EFBIG, as on a full disk) while records wait to be written. */
static void in_child(int how)
{
	const char *name = how == 0 ? "in memory" : "in a file that fills up";
	char *label;
	pid_t child;
	int status = 0;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		if (how == 0) {
			g_setenv("TMPDIR", "/nonexistent/patchdigest-test", TRUE);
		} else {
			struct rlimit limit = { 150 * 1000, 150 * 1000 };
			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &limit) < 0)
				printf("not ok - %s: setrlimit\n", name), harness_failed++;
		}
		round_trip(name);
		fflush(stdout);
		_exit(harness_failed ? 1 : 0);
	}
	label = g_strdup_printf("%s: the child ran", name);
	CHECK(label, child > 0 && waitpid(child, &status, 0) == child);
	g_free(label);
	label = g_strdup_printf("%s: the child's checks passed", name);
	CHECK(label, WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g_free(label);
}

int main(void)
{
	in_child(0);
	in_child(1);
	round_trip("in the file");
	return harness_failed ? 1 : 0;
}
