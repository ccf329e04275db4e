/*
 * test-replies.c - a digest's replies in their order of arrival
 * (digest/replies.c): slots come back as they were added, in order and
 * out of it, whether they went to the temporary file or stayed in memory
 * (no file could be made, or every record is kept); slots put among
 * them by arrival (pd__replies_merge()) land in their place, with what
 * each had in memory.  A waiting reply's Message-ID and References come
 * back from the second file, and its Message-ID is found among them
 * (pd__replies_has_waiting()), before and after a merge.
 */
#include <glib.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "digest/digest.h"

/* More than two chunks of slots: the first two go to the file. */
#define N 2000

/* Reply i's record: its date says which it is, its sender a string of
 * the test's (pointers are kept as they are). */
static pd_reply record_of(size_t i)
{
	static const char *const ids[] = { "a@x", "b@x", "c@x" };
	pd_reply r = { 0 };

	r.message_id = ids[i % 3];
	r.date = 1000 + (int64_t)i;
	r.archive_time = 2000 + (int64_t)i;
	r.lists = (unsigned)i;
	return r;
}

/* How many unlinked temporary files of ours the process holds open. */
static int temporary_files(void)
{
	GDir *dir = g_dir_open("/proc/self/fd", 0, NULL);
	const char *fd;
	int n = 0;

	while (dir && (fd = g_dir_read_name(dir))) {
		char *path = g_build_filename("/proc/self/fd", fd, NULL);
		char *target = g_file_read_link(path, NULL);
		n += target && strstr(target, "patchdigest-") && strstr(target, "(deleted)");
		g_free(target);
		g_free(path);
	}
	if (dir)
		g_dir_close(dir);
	return n;
}

static void round_trip(const char *how, int all_kept, int files)
{
	pd__replies *list = pd__replies_new(all_kept);
	static pd_reply kept[N];
	pd__reply_cursor c;
	pd__reply_slot slot;
	size_t bad = 0;
	char *name;

	for (size_t i = 0; i < N; i++) {
		pd_reply r = record_of(i);
		kept[i] = r;
		/* every 7th has a record in memory, as a reply with facts */
		pd__replies_add(list, &r, all_kept || i % 7 == 0 ? &kept[i] : NULL, (guint32)(2 * i + 2));
	}
	name = g_strdup_printf("%s: %d temporary file(s)", how, files);
	CHECK_INT(name, temporary_files(), files);
	g_free(name);
	name = g_strdup_printf("%s: all %d counted", how, N);
	CHECK_INT(name, pd__replies_count(list), N);
	g_free(name);
	pd__reply_cursor_init(&c, list);
	for (size_t i = 0; i < N; i++) {
		int kept_here = all_kept || i % 7 == 0;
		if (pd__reply_cursor_get(&slot, &c, i) != PD_OK || slot.reply.date != 1000 + (int64_t)i
		    || slot.reply.message_id != record_of(i).message_id || slot.seq != 2 * i + 2
		    || slot.kept != (kept_here ? &kept[i] : NULL)
		    || PD__SLOT_REPLY(&slot)->archive_time != 2000 + (int64_t)i)
			bad++;
	}
	name = g_strdup_printf("%s: each comes back in order, with its record and place", how);
	CHECK_INT(name, bad, 0);
	g_free(name);
	/* out of order: the last, the first, one in the middle */
	name = g_strdup_printf("%s: out of order too", how);
	CHECK(name, pd__reply_cursor_get(&slot, &c, N - 1) == PD_OK && slot.reply.date == 1000 + N - 1
	      && pd__reply_cursor_get(&slot, &c, 0) == PD_OK && slot.reply.date == 1000
	      && pd__reply_cursor_get(&slot, &c, 900) == PD_OK && slot.reply.date == 1900);
	g_free(name);
	name = g_strdup_printf("%s: past the end is an error", how);
	CHECK_INT(name, pd__reply_cursor_get(&slot, &c, N), PD_ERR_INVALID);
	g_free(name);
	pd__reply_cursor_clear(&c);

	/* two slots put in by arrival: before the first (seq 1), and between
	 * replies 2 and 3 (seqs 6 and 8) */
	{
		pd__reply_slot extra[2] = { { .seq = 1 }, { .seq = 7 } };
		static pd_reply early, between;
		early = record_of(0);
		early.date = 1;
		between = record_of(0);
		between.date = 2;
		extra[0].reply = early;
		extra[0].kept = &early;
		extra[1].reply = between;
		extra[1].kept = &between;
		CHECK_INT("merge", pd__replies_merge(&list, extra, 2), PD_OK);
	}
	name = g_strdup_printf("%s: merged, two more", how);
	CHECK_INT(name, pd__replies_count(list), N + 2);
	g_free(name);
	pd__reply_cursor_init(&c, list);
	bad = 0;
	for (size_t i = 0, want = 0; i < N + 2; i++) {
		int64_t date;
		if (pd__reply_cursor_get(&slot, &c, i) != PD_OK) {
			bad++;
			continue;
		}
		date = slot.reply.date;
		if (i == 0)
			bad += date != 1;
		else if (i == 4)
			bad += date != 2;
		else
			bad += date != 1000 + (int64_t)want++;
	}
	name = g_strdup_printf("%s: each in its place by arrival", how);
	CHECK_INT(name, bad, 0);
	g_free(name);
	name = g_strdup_printf("%s: what was kept stays kept", how);
	CHECK(name, pd__reply_cursor_get(&slot, &c, 9) == PD_OK && slot.kept == &kept[7]
	      && pd__reply_cursor_get(&slot, &c, 10) == PD_OK
	      && slot.kept == (all_kept ? &kept[8] : NULL)
	      && pd__reply_cursor_get(&slot, &c, 0) == PD_OK && slot.reply.date == 1 && slot.kept);
	g_free(name);
	pd__reply_cursor_clear(&c);
	pd__replies_free(list);
}

/* Waiting replies, more strings than a chunk: every fifth one is not
 * waiting (it has a record in memory, as a reply with facts). */
static void waiting(const char *how, int files)
{
	pd__replies *list = pd__replies_new(0);
	static pd_reply kept[N];
	static const char *const pooled_refs[] = { "root@x", NULL };
	char *long_ref = g_strnfill(100, 'L');
	pd__reply_cursor c;
	pd__reply_slot slot;
	size_t bad = 0;
	int found;
	char *name;

	for (size_t i = 0; i < N; i++) {
		pd_reply r = record_of(i);
		if (i % 5 == 0) {
			kept[i] = r;
			kept[i].references = pooled_refs;
			pd__replies_add(list, &kept[i], &kept[i], (guint32)(2 * i + 2));
		} else {
			char *id = g_strdup_printf("w%zu@x", i), *prev = g_strdup_printf("w%zu@x", i - 1);
			char *refs[] = { "root@x", prev, long_ref, NULL };
			r.message_id = NULL;
			r.references = NULL;
			/* one in a hundred has no Message-ID, no References */
			pd__replies_add_waiting(list, &r, i % 100 == 1 ? NULL : id,
						i % 100 == 1 ? NULL : refs, (guint32)(2 * i + 2));
			g_free(id);
			g_free(prev);
		}
	}
	name = g_strdup_printf("%s: %d temporary file(s)", how, files);
	CHECK_INT(name, temporary_files(), files);
	g_free(name);
	pd__reply_cursor_init(&c, list);
	for (size_t i = 0; i < N; i++) {
		char *id = g_strdup_printf("w%zu@x", i), *prev = g_strdup_printf("w%zu@x", i - 1);
		const pd_reply *r;
		if (pd__reply_cursor_get(&slot, &c, i) != PD_OK) {
			bad++;
		} else if (i % 5 == 0) {
			bad += slot.kept != &kept[i] || slot.strings_len != 0;
		} else if (i % 100 == 1) {
			r = PD__SLOT_REPLY(&slot);
			bad += slot.kept || r->message_id || !r->references || r->references[0]
			    || r->date != 1000 + (int64_t)i;
		} else {
			r = PD__SLOT_REPLY(&slot);
			bad += slot.kept || !r->message_id || strcmp(r->message_id, id)
			    || strcmp(r->references[0], "root@x") || strcmp(r->references[1], prev)
			    || strcmp(r->references[2], long_ref) || r->references[3]
			    || r->date != 1000 + (int64_t)i || slot.seq != 2 * i + 2;
		}
		g_free(id);
		g_free(prev);
	}
	pd__reply_cursor_clear(&c);
	name = g_strdup_printf("%s: each waiting reply's Message-ID and References come back", how);
	CHECK_INT(name, bad, 0);
	g_free(name);
	name = g_strdup_printf("%s: a waiting Message-ID is found, in the first chunk and the last", how);
	CHECK(name, pd__replies_has_waiting(&found, list, "w2@x") == PD_OK && found
	      && pd__replies_has_waiting(&found, list, "w1999@x") == PD_OK && found);
	g_free(name);
	name = g_strdup_printf("%s: others are not: kept ones, a prefix, none", how);
	CHECK(name, pd__replies_has_waiting(&found, list, "w5@x") == PD_OK && !found
	      && pd__replies_has_waiting(&found, list, "w2@") == PD_OK && !found
	      && pd__replies_has_waiting(&found, list, "w101@x") == PD_OK && !found
	      && pd__replies_has_waiting(&found, list, "nope@x") == PD_OK && !found);
	g_free(name);
	{
		static pd_reply early;
		pd__reply_slot extra[1] = { { .seq = 1 } };
		early = record_of(0);
		extra[0].reply = early;
		extra[0].kept = &early;
		CHECK_INT("merge before them all", pd__replies_merge(&list, extra, 1), PD_OK);
	}
	name = g_strdup_printf("%s: after a merge, waiting ones are found", how);
	CHECK(name, pd__replies_has_waiting(&found, list, "w1999@x") == PD_OK && found
	      && pd__replies_has_waiting(&found, list, "w5@x") == PD_OK && !found);
	g_free(name);
	name = g_strdup_printf("%s: ... and read as before", how);
	pd__reply_cursor_init(&c, list);
	CHECK(name, pd__reply_cursor_get(&slot, &c, 1 + 1999) == PD_OK && slot.reply.message_id
	      && !strcmp(slot.reply.message_id, "w1999@x")
	      && pd__reply_cursor_get(&slot, &c, 1 + 2) == PD_OK
	      && !strcmp(slot.reply.references[1], "w1@x"));
	g_free(name);
	pd__reply_cursor_clear(&c);
	g_free(long_ref);
	pd__replies_free(list);
	/* the merged list took the old one's file of strings: freeing the
	 * old one closed no descriptor of anyone else's (it once closed 0) */
	name = g_strdup_printf("%s: standard input is still open", how);
	CHECK(name, fcntl(0, F_GETFD) != -1);
	g_free(name);
}

int main(void)
{
	pid_t child;
	int status = 0;

	CHECK_INT("no list has no replies", pd__replies_count(NULL), 0);
	{
		pd__replies *none = NULL;
		CHECK("... and merging none into it does nothing",
		      pd__replies_merge(&none, NULL, 0) == PD_OK && !none);
	}
	/* first, a process whose $TMPDIR cannot hold a file (GLib reads it
	 * once, so in a child forked before anything asked) */
	fflush(stdout);
	child = fork();
	if (child == 0) {
		g_setenv("TMPDIR", "/nonexistent/patchdigest-test", TRUE);
		round_trip("no file", 0, 0);
		waiting("waiting, no file", 0);
		fflush(stdout);
		_exit(harness_failed ? 1 : 0);
	}
	CHECK("the child ran", child > 0 && waitpid(child, &status, 0) == child);
	CHECK("the child's checks passed", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	round_trip("in the file", 0, 1);
	waiting("waiting, in the files", 2);
	round_trip("all kept", 1, 0);
	return harness_failed ? 1 : 0;
}
