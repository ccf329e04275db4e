/*
 * test-hash.c - pd__str_hash() (base/hash.c), the hash of the digest's
 * tables of Message-IDs: equal strings hash alike wherever they are; a
 * change of one byte anywhere in a string of any length changes the hash;
 * and Message-IDs made the way mailers number them (a date, a counter, a
 * host) spread over the tables' slots, whether a table takes the low bits
 * (GHashTable) or the high bits (threads.c), with about the collisions
 * chance gives 32 bits.
 */
#include <glib.h>
#include "harness.h"
#include "base/base.h"

static void equal_strings(void)
{
	char a[128], b[160];
	int wrong = 0;

	for (int len = 0; len < 100; len++) {
		for (int i = 0; i < len; i++)
			a[i] = (char)('!' + (i * 7 + len) % 90);
		a[len] = '\0';
		/* the same text at another alignment */
		memcpy(b + 3 + len % 8, a, (size_t)len + 1);
		wrong += pd__str_hash(a) != pd__str_hash(b + 3 + len % 8);
	}
	CHECK_INT("equal strings of 0 to 99 bytes, at other addresses, hash alike", wrong, 0);
}

static void one_byte_changed(void)
{
	GRand *rand = g_rand_new_with_seed(7);
	char s[80];
	int same = 0, variants = 0;

	for (int len = 1; len <= 72; len++) {
		guint base;
		for (int i = 0; i < len; i++)
			s[i] = (char)g_rand_int_range(rand, 33, 127);
		s[len] = '\0';
		base = pd__str_hash(s);
		for (int at = 0; at < len; at++) {
			char was = s[at];
			for (int d = 1; d <= 4; d++) {
				s[at] = (char)(33 + (was - 33 + d * 23) % 94);
				same += pd__str_hash(s) == base;
				variants++;
			}
			s[at] = was;
		}
		/* and one byte longer or shorter */
		s[len] = 'x', s[len + 1] = '\0';
		same += pd__str_hash(s) == base;
		s[len] = '\0';
		if (len > 1) {
			char last = s[len - 1];
			s[len - 1] = '\0';
			same += pd__str_hash(s) == base;
			s[len - 1] = last;
		}
	}
	{
		char *label = g_strdup_printf("one byte changed, added or removed (%d strings): "
					      "never the same hash", variants);
		CHECK_INT(label, same, 0);
		g_free(label);
	}
	g_rand_free(rand);
}

/* Largest number of ids in one of 2^16 slots, by the low or the high 16
 * bits. */
static void spread(GPtrArray *ids, const char *what)
{
	guint *low = g_new0(guint, 65536), *high = g_new0(guint, 65536), max_low = 0, max_high = 0;
	GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
	guint collisions = 0;
	char label[200];

	for (guint i = 0; i < ids->len; i++) {
		guint h = pd__str_hash(g_ptr_array_index(ids, i));
		max_low = MAX(max_low, ++low[h & 0xffff]);
		max_high = MAX(max_high, ++high[h >> 16]);
		if (!g_hash_table_add(seen, GUINT_TO_POINTER(h)))
			collisions++;
	}
	/* 200,000 in 2^16 slots: about 3 a slot, and by chance some 15 at
	 * most; 200,000 in 2^32 values: some 5 collisions by chance */
	snprintf(label, sizeof label, "%s: at most %u (low bits) and %u (high bits) in one of 65536 slots",
		 what, max_low, max_high);
	CHECK(label, max_low <= 20 && max_high <= 20);
	snprintf(label, sizeof label, "%s: %u of %u hashes collide", what, collisions, ids->len);
	CHECK(label, collisions <= 25);
	g_hash_table_destroy(seen);
	g_free(low);
	g_free(high);
}

static void message_ids(void)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);

	/* git send-email: date, time, a process id, the patch's number */
	for (int i = 0; i < 200000; i++)
		g_ptr_array_add(ids, g_strdup_printf("2023%02d%02d%06d.%d-%d-someone@example.org",
						     1 + i % 12, 1 + i % 28, i / 7, 4000 + i / 30, i % 30));
	spread(ids, "git send-email's ids");
	g_ptr_array_set_size(ids, 0);
	/* a counter at the start, the same long tail */
	for (int i = 0; i < 200000; i++)
		g_ptr_array_add(ids, g_strdup_printf("%d@mail.gmail.com.example.with.a.long.tail", i));
	spread(ids, "counted ids with a long tail");
	g_ptr_array_free(ids, TRUE);
}

int main(void)
{
	equal_strings();
	one_byte_changed();
	message_ids();
	return harness_failed ? 1 : 0;
}
