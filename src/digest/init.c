/*
 * digest/init.c - pd_init() and pd_shutdown(): the process-wide set-up of
 * the libraries patchdigest reads archives with, done when the caller
 * says so (libgit2's settings hold for every libgit2 user in the
 * process).
 */
#include "archive/git.h"
#include "mail/mail.h"

int pd_init(void)
{
	pd__gmime_init();
	return pd__git_setup();
}

int pd_shutdown(void)
{
	return pd__git_teardown();
}
