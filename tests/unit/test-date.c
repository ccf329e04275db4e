/*
 * test-date.c - pd__parse_date() reads plain dates itself and leaves the
 * rest to GMime (mail/header.c); GMime is the oracle.  Every date it
 * answers must be GMime's answer, to the second and the minute of the
 * zone: over the edges of every field (generated here), and over every
 * Date: of the bundled sample and the corpora (when ../shared is here).
 * It must also answer most of them itself, or the test shows nothing.
 */
#include <glib.h>
#include "harness.h"
#include "corpora.h"
#include "patchdigest.h"
#include "mail/mail.h"

typedef struct {
	size_t tried, ours, differs;
} tally;

/* One value every way: the plain reading, when it answers, and
 * pd__parse_date() always, must be GMime's.  A difference is printed
 * (the first five). */
static void compare(tally *t, const char *value)
{
	int64_t when = 0, p_when = 0, g_when = 0;
	int tz = 0, p_tz = 0, g_tz = 0, ok, plain, g_ok;

	t->tried++;
	plain = pd__parse_date_plain(value, &p_when, &p_tz);
	ok = pd__parse_date(value, &when, &tz);
	g_ok = pd__parse_date_gmime(value, &g_when, &g_tz);
	t->ours += plain;
	if ((plain && (!g_ok || p_when != g_when || p_tz != g_tz)) || ok != g_ok
	    || (ok && (when != g_when || tz != g_tz))) {
		if (t->differs++ < 5)
			printf("# \"%s\": plain %d %" G_GINT64_FORMAT " %d, GMime %d %" G_GINT64_FORMAT
			       " %d\n", value, plain, p_when, p_tz, g_ok, g_when, g_tz);
	}
}

static void edges(void)
{
	static const char *const names[] = { "", "Mon, ", "Sun,  ", "mon, ", "Mon,", "Xyz, ",
					     "Tue,\t", " Fri, ", "Sat ,", "  " };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					      "Aug", "Sep", "Oct", "Nov", "Dec", "jan", "JAN", "Foo" };
	static const int days[] = { 0, 1, 9, 10, 28, 29, 30, 31, 32, 99 };
	static const int years[] = { 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2100, 2400, 9999 };
	static const char *const times[] = { "00:00:00", "23:59:59", "24:00:00", "12:60:00",
					     "12:00:60", "12:00:61", "1:02:03", "12:00" };
	static const char *const zones[] = { "+0000", "-0000", "+0100", "-0700", "+0530", "+1400",
					     "-1200", "+2359", "+2400", "-2400", "+0060", "+9999",
					     "UTC", "GMT", "EST", "+01:00", "+100" };
	static const char *const tails[] = { "", " (UTC)", " (CET)  ", "\n", "\r\n", " x",
					     " (a (b))", " (open" };
	tally t = { 0 };
	char value[160];

	for (guint n = 0; n < G_N_ELEMENTS(names); n++)
		for (guint m = 0; m < G_N_ELEMENTS(months); m++)
			for (guint d = 0; d < G_N_ELEMENTS(days); d++)
				for (guint y = 0; y < G_N_ELEMENTS(years); y++) {
					guint h = (n + m + d + y) % G_N_ELEMENTS(times);
					guint z = (n * 7 + m * 3 + d + y * 5) % G_N_ELEMENTS(zones);
					guint k = (m + y) % G_N_ELEMENTS(tails);
					snprintf(value, sizeof value, "%s%d %s %d %s %s%s", names[n],
						 days[d], months[m], years[y], times[h], zones[z],
						 tails[k]);
					compare(&t, value);
				}
	/* spaces and tabs between the fields */
	{
		static const char *const spaced[] = {
			"Fri,  3 May 2019 13:43:36 +0100", "Fri, 3  May 2019 13:43:36 +0100",
			"Fri, 3 May  2019 13:43:36 +0100", "Fri, 3 May 2019  13:43:36 +0100",
			"Fri, 3 May 2019 13:43:36  +0100", "Fri, 3\tMay 2019 13:43:36 +0100",
			"Fri, 3 May 2019 13:43:36\t+0100", "Fri, 3 May 2019 13 :43:36 +0100",
			"Fri, 3 May 2019 13:43:36 + 0100", "Fri, 03 May 2019 13:43:36 +0100",
			"3 May 2019 13:43:36 +0100 (BST)", "Fri, 3 May 2019 13:43:36 +0100 (BST) x",
		};
		for (guint i = 0; i < G_N_ELEMENTS(spaced); i++)
			compare(&t, spaced[i]);
	}
	/* every zone and time, on one plain day */
	for (guint z = 0; z < G_N_ELEMENTS(zones); z++)
		for (guint h = 0; h < G_N_ELEMENTS(times); h++)
			for (guint k = 0; k < G_N_ELEMENTS(tails); k++) {
				snprintf(value, sizeof value, "Wed, 29 Feb 2024 %s %s%s", times[h],
					 zones[z], tails[k]);
				compare(&t, value);
			}
	/* leap days, and a day in every month around its end */
	for (int y = 1999; y <= 2401; y += (y < 2005 ? 1 : 99))
		for (guint m = 0; m < 12; m++)
			for (int d = 27; d <= 32; d++) {
				snprintf(value, sizeof value, "%d %s %d 13:14:15 -0130", d, months[m], y);
				compare(&t, value);
			}
	printf("# edges: %zu values, %zu of them read without GMime\n", t.tried, t.ours);
	CHECK_INT("edges of every field: the same as GMime's", t.differs, 0);
	CHECK("... and the plain ones read here", t.ours > 0);
}

/* One message's Date:, both ways. */
static void compare_message(const pd_raw_message *raw, void *payload)
{
	pd_parse_options opts = PD_PARSE_OPTIONS_INIT;
	pd_message *m = NULL;

	if (pd_message_parse(&m, raw->data, raw->len, raw->origin, &opts) == 0 && m->date_raw)
		compare(payload, m->date_raw);
	pd_message_free(m);
}

/* Every Date: of `path`, both ways. */
static void archive(const char *name, const char *path)
{
	tally t = { 0 };
	char label[300];

	if (corpus_each_message(name, path, "every date as GMime reads it", compare_message, &t) <= 0)
		return;
	snprintf(label, sizeof label, "%s: all %zu dates as GMime reads them", name, t.tried);
	CHECK(label, t.tried > 0 && t.differs == 0);
	snprintf(label, sizeof label, "%s: %zu of them read without GMime", name, t.ours);
	CHECK(label, t.ours * 10 > t.tried * 9);
}

int main(void)
{
	edges();
	corpora_each(archive);
	return harness_failed ? 1 : 0;
}
