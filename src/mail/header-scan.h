/*
 * mail/header-scan.h - the header block of a plain message as slices
 * (header-scan.c).
 */
#ifndef PD_MAIL_HEADERS_H
#define PD_MAIL_HEADERS_H

#include "mail/mail.h"

enum {
	PD__H_FROM, PD__H_SUBJECT, PD__H_DATE, PD__H_MESSAGE_ID, PD__H_IN_REPLY_TO,
	PD__H_REFERENCES, PD__H_LIST_ID, PD__H_TO, PD__H_CONTENT_TYPE, PD__H_CTE,
	PD__H_X_ORIGINAL_FROM, PD__H_REPLY_TO,
	PD__H_COUNT
};

extern const char *const pd__scanned_header_names[PD__H_COUNT];

typedef struct {
	/* each header's first value as GMime's raw value: from after the
	 * colon to the end of its last folded line, line breaks included;
	 * slices of the message (NULL when absent) */
	const char *value[PD__H_COUNT];
	size_t value_len[PD__H_COUNT];
	const char *body;   /* after the blank line */
	size_t body_len;
} pd__scanned_headers;

/* What pd__scan_headers() found. */
enum {
	PD__SCAN_GMIME = 0,     /* GMime must read the whole message */
	PD__SCAN_PLAIN = 1,     /* one part: the scanner reads it all */
	PD__SCAN_MIME_BODY = 2, /* a clean header block over a multipart or
	                           message/ body: the scanner's values stand,
	                           GMime reads the body's MIME tree */
};

/* Scans the header block of `len` bytes at `data` (after any mbox "From "
 * line).  Returns PD__SCAN_PLAIN or PD__SCAN_MIME_BODY when the header
 * block is plain enough to read without GMime (see header-scan.c for
 * what that means), PD__SCAN_GMIME when GMime must read it; *out is
 * filled either way but only meaningful on a non-zero return.  Borrows
 * `data`. */
int pd__scan_headers(pd__scanned_headers *out, const char *data, size_t len);

#endif
