/*
 * base/status.c - status codes, their names, and the thread's last error.
 */
#include <stdarg.h>
#include <stdio.h>
#include "base/base.h"

static __thread char last_error[1024];

const char *pd_status_to_string(int status)
{
	switch (status) {
	case PD_OK: return "success";
	case PD_ERR_NOMEM: return "out of memory";
	case PD_ERR_INVALID: return "invalid argument";
	case PD_ERR_NOT_FOUND: return "no such file or directory";
	case PD_ERR_NOT_ARCHIVE: return "not an archive";
	case PD_ERR_RANGE: return "range does not resolve";
	case PD_ERR_GIT: return "git object missing or corrupt";
	case PD_ERR_IO: return "input/output error";
	case PD_ERR_MALFORMED: return "malformed message";
	case PD_ERR_STATE: return "state database unusable";
	case PD_ERR_BUSY: return "state database in use";
	case PD_ITEROVER: return "end of iteration";
	}
	return "unknown status";
}

const char *pd_error_last(void)
{
	return last_error;
}

void pd__error_clear(void)
{
	last_error[0] = '\0';
}

int pd__error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return status;
}

const char *pd_kind_to_string(pd_kind kind)
{
	switch (kind) {
	case PD_KIND_PATCH: return "patch";
	case PD_KIND_COVER: return "cover";
	case PD_KIND_REPLY: return "reply";
	}
	return "unknown";
}

const char *pd_archive_kind_to_string(pd_archive_kind kind)
{
	switch (kind) {
	case PD_ARCHIVE_V2: return "public-inbox v2 inbox";
	case PD_ARCHIVE_GIT: return "git repository (public-inbox v1 or one v2 epoch)";
	case PD_ARCHIVE_MBOX: return "mbox file";
	case PD_ARCHIVE_MAILDIR: return "Maildir";
	case PD_ARCHIVE_GROUP: return "group of archives";
	}
	return "unknown";
}

const char *pd_series_status_to_string(pd_series_status status)
{
	switch (status) {
	case PD_SERIES_NEW: return "new";
	case PD_SERIES_REPORTED: return "already-reported";
	case PD_SERIES_HIDDEN: return "not-shown";
	case PD_SERIES_CONTINUED: return "continued";
	}
	return "unknown";
}

const char *pd_review_status_to_string(pd_review_status status)
{
	switch (status) {
	case PD_REVIEW_WAITING: return "waiting";
	case PD_REVIEW_DISCUSSED: return "discussed";
	case PD_REVIEW_REVIEWED: return "reviewed";
	case PD_REVIEW_PARTLY_APPLIED: return "partly-applied";
	case PD_REVIEW_APPLIED: return "applied";
	}
	return "unknown";
}

void pd_free(void *ptr)
{
	g_free(ptr);
}

int pd__check_version(unsigned int version, unsigned int expected, const char *what)
{
	if (version == expected)
		return PD_OK;
	return pd__error(PD_ERR_INVALID, "%s: version %u, but this library reads version %u "
			 "(initialise it with its _INIT macro)", what, version, expected);
}
