/*
 * fuzz-header.c - header values as the digest reads them: unfolding,
 * RFC 2047 encoded words, charset conversion, git's split of a From:
 * value into name and address, and dates.
 *
 * Input: a first line naming a fallback charset (may be empty or a lie),
 * then the raw header value, folds and all.
 */
#include "fuzz-common.h"
#include "mail/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t cs_len = nl ? (size_t)(nl - (const char *)data) : 0;
	char *charset = cs_len && cs_len < 64 ? g_strndup((const char *)data, cs_len) : NULL;
	const char *raw = nl ? nl + 1 : (const char *)data;
	size_t raw_len = size - (size_t)(raw - (const char *)data);
	char *value = g_strndup(raw, raw_len);
	char *unfolded, *decoded, *converted, *name = NULL, *email = NULL, *domain;
	size_t converted_len;
	int64_t when;
	int tz;

	converted = pd__to_utf8(raw, raw_len, charset, &converted_len);
	fuzz_assert(g_utf8_validate(converted, converted_len, NULL), "pd__to_utf8 gives UTF-8");

	unfolded = pd__header_unfold(value);
	fuzz_assert(strchr(unfolded, '\n') == NULL || strchr(value, '\n') != NULL,
		    "unfolding adds no line");
	decoded = pd__header_decode(unfolded, charset);
	fuzz_assert_utf8("a decoded header", decoded);

	pd__git_split_from(decoded, &name, &email);
	fuzz_assert(name && email, "the split always gives two strings");
	fuzz_assert_utf8("the name", name);
	fuzz_assert_utf8("the address", email);
	domain = pd__address_domain(email);
	fuzz_assert_utf8("the domain", domain);

	if (pd__parse_date(decoded, &when, &tz)) {
		char *iso = pd__format_date(when);
		fuzz_assert(iso != NULL && *iso, "a parsed date formats");
		g_free(iso);
	}
	g_free(domain);
	g_free(name);
	g_free(email);
	g_free(decoded);
	g_free(unfolded);
	g_free(converted);
	g_free(value);
	g_free(charset);
	return 0;
}
