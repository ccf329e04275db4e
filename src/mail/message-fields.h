/*
 * mail/message-fields.h - every string a pd_message holds, in one list.
 *
 * Three places walk a message's strings: freeing it (message.c),
 * slimming a reply before it becomes a record (digest/digest.c) and the
 * tests' field-by-field comparison (tests/unit/message-compare.h).  Each
 * expands PD__MESSAGE_STRINGS, so a new string is named here once; the
 * assertions at the end stop the build until pd_message and the lists
 * below agree (a string missing here would leak, or go uncompared).
 *
 * X(field, reply):
 *   field  the string's path from a pd_message (author.name)
 *   reply  KEEP: a reply keeps it until it becomes a record; DROP: it
 *          does not (replies are half an archive; only what is read
 *          again stays); TITLED: only a reply listed under its own
 *          title (a pull request, or a reply saying "applied" to a
 *          patch that is not in the archive)
 * `references`, the one array, and `facts`, a reply's, are handled by
 * each place itself.
 */
#ifndef PD_MAIL_MESSAGE_FIELDS_H
#define PD_MAIL_MESSAGE_FIELDS_H

#include <stddef.h>
#include "patchdigest.h"

#define PD__MESSAGE_STRINGS(X) \
	X(message_id,     KEEP)   \
	X(subject,        TITLED) \
	X(tags.title,     TITLED) \
	X(sender.name,    KEEP)   \
	X(sender.address, KEEP)   \
	X(author.name,    DROP)   \
	X(author.address, DROP)   \
	X(date_raw,       DROP)   \
	X(list_id,        DROP)   \
	X(to_address,     DROP)   \
	X(commit_message, DROP)   \
	X(origin,         DROP)   \
	X(damage,         DROP)   \
	X(note,           DROP)   \
	X(raw,            DROP)

/* pd_message's members in order, with their types: the assertions below
 * compare this with the real struct. */
#define PD__MESSAGE_MEMBERS(X) \
	X(char *, message_id)          \
	X(char **, references)         \
	X(char *, subject)             \
	X(pd_subject_info, tags)       \
	X(pd_person, sender)           \
	X(pd_person, author)           \
	X(int64_t, date)               \
	X(int, date_tz)                \
	X(char *, date_raw)            \
	X(char *, list_id)             \
	X(char *, to_address)          \
	X(pd_kind, kind)               \
	X(int, has_diff)               \
	X(char *, commit_message)      \
	X(char *, origin)              \
	X(int64_t, archive_time)       \
	X(unsigned, damaged)           \
	X(char *, damage)              \
	X(char *, note)                \
	X(pd_reply_facts *, facts)     \
	X(uint64_t, content_hash)      \
	X(unsigned, lists)             \
	X(char *, raw)                 \
	X(size_t, raw_len)

#define PD__MEMBER_DECLARE(type, name) type name;
struct pd__message_mirror { PD__MESSAGE_MEMBERS(PD__MEMBER_DECLARE) };
#define PD__MEMBER_SAME_PLACE(type, name)                                           \
	_Static_assert(offsetof(struct pd__message_mirror, name) == offsetof(pd_message, name), \
		       "pd_message." #name " moved: update mail/message-fields.h");
PD__MESSAGE_MEMBERS(PD__MEMBER_SAME_PLACE)
_Static_assert(sizeof(struct pd__message_mirror) == sizeof(pd_message),
	       "pd_message changed: update PD__MESSAGE_MEMBERS and PD__MESSAGE_STRINGS");
_Static_assert(sizeof(pd_person) == 2 * sizeof(char *),
	       "pd_person changed: update PD__MESSAGE_STRINGS");

/* The strings among the members (a person holds two, the subject tags
 * one: the title) must be the strings listed. */
#define PD__MEMBER_STRINGS(type, name) \
	+ _Generic((type *)0, char **: 1, pd_person *: 2, pd_subject_info *: 1, default: 0)
#define PD__STRING_ONE(field, reply) + 1
_Static_assert(0 PD__MESSAGE_MEMBERS(PD__MEMBER_STRINGS) == 0 PD__MESSAGE_STRINGS(PD__STRING_ONE),
	       "a string of pd_message is missing from PD__MESSAGE_STRINGS");

#endif
