/*
 * test-api.c - the public API as a library user meets it: pd_init()
 * before archives, option structs whose version is checked,
 * pd_digest_add_message() doing what pd_digest_add_raw() does after
 * parsing, and pd_display_text().
 */
#include <glib.h>
#include "harness.h"
#include "patchdigest.h"

static const char *sample = "sample/kvm-sample.mbox";

static void init_first(void)
{
	pd_archive *a = NULL;
	int error;

	/* the harness called pd_init(); undo it to see what a program that
	 * forgot it meets */
	CHECK_INT("pd_shutdown() undoes the harness's pd_init()", pd_shutdown(), 0);
	error = pd_archive_open(&a, sample);
	CHECK_INT("without pd_init(): pd_archive_open() fails with PD_ERR_INVALID", error, PD_ERR_INVALID);
	CHECK("  and the error says to call pd_init()", strstr(pd_error_last(), "pd_init()") != NULL);
	CHECK_INT("pd_init() counts its calls", pd_init(), 1);
	CHECK_INT("with pd_init(): the archive opens", pd_archive_open(&a, sample), PD_OK);
	pd_archive_free(a);
}

static void versions(void)
{
	pd_digest_options dopts = PD_DIGEST_OPTIONS_INIT;
	pd_parse_options popts = PD_PARSE_OPTIONS_INIT;
	pd_range_options ropts = PD_RANGE_OPTIONS_INIT;
	pd_state_options sopts = PD_STATE_OPTIONS_INIT;
	pd_digest *d = NULL;
	pd_message *m = NULL;
	pd_archive *a = NULL;
	pd_archive_iter *it = NULL;
	pd_state *st = NULL;

	CHECK_INT("_INIT names the version: digest", dopts.version, PD_DIGEST_OPTIONS_VERSION);
	CHECK_INT("_INIT names the version: the digest's parse options", dopts.parse.version,
		  PD_PARSE_OPTIONS_VERSION);
	CHECK_INT("_INIT leaves the rest zero", dopts.threads + dopts.parse.keep_all_bodies, 0);
	CHECK_INT("_INIT of the state options keeps its one non-zero default", sopts.wait_ms, 30000);
	dopts.version = 1; /* the struct before since/until and parse moved */
	CHECK_INT("pd_digest_new: another version of its options is refused",
		  pd_digest_new(&d, &dopts), PD_ERR_INVALID);
	CHECK("  and nothing is made", d == NULL);
	dopts.version = PD_DIGEST_OPTIONS_VERSION;
	dopts.parse.version = 0;
	CHECK_INT("pd_digest_new: a zeroed parse options struct is refused",
		  pd_digest_new(&d, &dopts), PD_ERR_INVALID);
	popts.version = 7;
	CHECK_INT("pd_message_parse: another version is refused",
		  pd_message_parse(&m, "Subject: x\n\nb\n", 14, "t", &popts), PD_ERR_INVALID);
	pd_archive_open(&a, sample);
	ropts.version = 0;
	CHECK_INT("pd_archive_iter_new: another version is refused",
		  pd_archive_iter_new(&it, a, &ropts), PD_ERR_INVALID);
	pd_archive_free(a);
	sopts.version = 0;
	CHECK_INT("pd_state_open: another version is refused",
		  pd_state_open(&st, "/nonexistent/state", &sopts), PD_ERR_INVALID);
}

static int n_warnings;
static void count_diag(pd_diag_level level, const char *origin, const char *what, void *p)
{
	(void)origin; (void)what; (void)p;
	if (level == PD_DIAG_WARNING)
		n_warnings++;
}

static int append(const char *data, size_t len, void *payload)
{
	g_string_append_len(payload, data, len);
	return 0;
}

/* The sample through pd_digest_add_raw(), or parsed by the caller and
 * given to pd_digest_add_message(): the same digest. */
static char *digest_of(int parse_first, int *warnings)
{
	pd_digest_options opts = PD_DIGEST_OPTIONS_INIT;
	pd_archive *a = NULL;
	pd_archive_iter *it = NULL;
	pd_digest *d = NULL;
	pd_report *r = NULL;
	pd_raw_message raw;
	GString *out = g_string_new(NULL);

	n_warnings = 0;
	opts.diag = count_diag;
	pd_archive_open(&a, "tests/cases/conflicting-headers-damage/input.mbox");
	pd_archive_iter_new(&it, a, NULL);
	pd_digest_new(&d, &opts);
	while (pd_archive_iter_next(&raw, it) == PD_OK) {
		if (parse_first) {
			pd_message *m = NULL;
			if (pd_message_parse(&m, raw.data, raw.len, raw.origin, NULL) == PD_OK)
				pd_digest_add_message(d, m);
		} else {
			pd_digest_add_raw(d, &raw);
		}
	}
	pd_digest_finish(&r, d, NULL, NULL, NULL, NULL);
	pd_render_json_write(r, append, out);
	pd_report_free(r);
	pd_archive_iter_free(it);
	pd_archive_free(a);
	*warnings = n_warnings;
	return g_string_free(out, FALSE);
}

static void add_message(void)
{
	int w_raw, w_msg;
	char *raw = digest_of(0, &w_raw), *msg = digest_of(1, &w_msg);

	CHECK("pd_digest_add_message() gives pd_digest_add_raw()'s digest", !strcmp(raw, msg));
	CHECK_INT("  and reports the same damage", w_msg, w_raw);
	CHECK_INT("  (there is damage to report)", w_raw, 1);
	g_free(raw);
	g_free(msg);
}

/* pd_display_text() a byte at a time, as it was before it read printable
 * ASCII eight bytes at a time: the reference its short way is held to. */
static char *display_bytewise(const char *text, int keep_lines)
{
	GString *out = g_string_new(NULL);
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		gunichar c;
		if ((*p >= 0x20 && *p < 0x7F) || *p == '\t' || (*p == '\n' && keep_lines)) {
			g_string_append_c(out, (char)*p++);
		} else if (*p < 0x20 || *p == 0x7F) {
			g_string_append_printf(out, "\\x%02x", *p++);
		} else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			g_string_append_printf(out, "\\u%04x", p[1]);
			p += 2;
		} else if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F
							   || (p[2] >= 0xA8 && p[2] <= 0xAE))) {
			g_string_append_printf(out, "\\u%04x", 0x2000 + (p[2] - 0x80));
			p += 3;
		} else if ((c = g_utf8_get_char_validated((const char *)p, -1)) == (gunichar)-1
			   || c == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x", *p++);
		} else {
			g_string_append_len(out, (const char *)p, g_utf8_skip[*p]);
			p += g_utf8_skip[*p];
		}
	}
	return g_string_free(out, FALSE);
}

/* Every odd byte at every place of texts of up to 40 bytes, both line
 * modes: the same as byte by byte. */
static void eight_at_a_time(void)
{
	static const char *const odd[] = { "\x01", "\t", "\n", "\r", "\x1f", " ", "~", "\x7f", "\x80",
					   "\xc2\x85", "\xe2\x80\xae", "\xc3\xa9", "\xff", "\xe2\x80" };
	int differs = 0, tried = 0;

	for (int len = 0; len <= 40; len++)
		for (int at = 0; at <= len; at++)
			for (guint k = 0; k < G_N_ELEMENTS(odd); k++)
				for (int keep = 0; keep < 2; keep++) {
					GString *t = g_string_new(NULL);
					char *ours, *ref;
					for (int i = 0; i < len; i++)
						if (i == at)
							g_string_append(t, odd[k]);
						else
							g_string_append_c(t, (char)('a' + i % 26));
					ours = pd_display_text(t->str, keep);
					ref = display_bytewise(t->str, keep);
					differs += strcmp(ours, ref) != 0;
					tried++;
					pd_free(ours);
					g_free(ref);
					g_string_free(t, TRUE);
				}
	printf("# %d texts made visible\n", tried);
	CHECK_INT("pd_display_text: eight bytes at a time, the same as byte by byte", differs, 0);
}

static void display(void)
{
	char *s = pd_display_text("a\x1b]0;t\x07" "b\nc\xe2\x80\xae" "d\te", 0);
	CHECK_STR("pd_display_text: controls, newline and U+202E made visible", s,
		  "a\\x1b]0;t\\x07b\\x0ac\\u202ed\te");
	pd_free(s);
	s = pd_display_text("line 1\nline 2\r", 1);
	CHECK_STR("pd_display_text: lines kept, a bare CR made visible", s, "line 1\nline 2\\x0d");
	pd_free(s);
}

int main(void)
{
	init_first();
	versions();
	add_message();
	display();
	eight_at_a_time();
	return harness_failed ? 1 : 0;
}
